"""The Volumes sheet, wide (a column per activity) or long (client, activity, quantity),
checked against the Clients and Activities sheets."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import Problem
from ..messages import msg as message
from ..schema import VOLUMES_LONG, header_map
from ..settings import Settings
from ..textnorm import norm_key
from . import columns as C
from .cells import RawSheet
from .columns import text_id
from .tables import (ParsedTable, _blank, _check_headerless, _data_rows, check_header_merges, column_values,
                     find_header, parse_numbers, parse_table, reading_for)


def read_volumes(raw: RawSheet, clients: ParsedTable, acts: ParsedTable, problems: list[Problem],
                  notes: list[str] | None = None, settings: Settings | None = None) -> pd.DataFrame | None:
    hmap = header_map(VOLUMES_LONG)
    h = find_header(raw, hmap, ["client_id"])
    where = dict(file=raw.file, sheet=raw.name)
    if h is None or "client_id" not in {hmap.get(norm_key(v)) for v in raw.rows[h] if isinstance(v, str)}:
        problems.append(Problem(message("no_client_id_header"), **where))
        return None
    header = [hmap.get(norm_key(v)) if isinstance(v, str) else None for v in raw.rows[h]]
    client_ids = _IdMatcher(clients.frame["client_id"].dropna())
    activities = {norm_key(a): a for a in acts.frame["activity"].dropna()}
    if "activity" in header and "quantity" in header:
        return _read_long_volumes(raw, client_ids, activities, problems, notes, settings)
    # wide: client_id + one column per activity
    cid = header.index("client_id")
    act_cols: dict[int, str] = {}
    for j, v in enumerate(raw.rows[h]):
        if j == cid or _blank(v):
            continue
        act = activities.get(norm_key(v))
        if act is None:
            if header[j] is None or header[j] not in ("client_id",):
                if norm_key(v) in {norm_key(x) for x in ("client_name", "nombre", "name", "cliente")}:
                    continue
                problems.append(Problem(message("not_an_activity_column", value=v),
                                        row=h + 1, column=str(v), **where))
            continue
        act_cols[j] = act
    _check_headerless(raw, h, problems, notes)
    under = check_header_merges(raw, h, [cid, *act_cols], problems)
    rows = _data_rows(raw, h, [cid, *act_cols])
    id_label = str(raw.rows[h][cid])
    found: list[Problem] = []
    idents = column_values(raw, cid, rows)
    ok: list[str | None] = _plain_known_ids(idents, client_ids) or []
    seen_rows: dict[str, int] = {}
    for r, ident in zip(rows, idents if not ok else ()):
        w = dict(row=r + 1, column=id_label, **where)
        if r in under.get(cid, ()):
            ok.append(None)                # the header's text under its merge: said once
            continue
        plain = type(ident) is str and ident.strip()[:1] not in ("#", "")
        reason = None if plain else C.marker_reason(ident)
        client = ident.strip() if plain else None if reason else text_id(ident)
        if client is None:
            found.append(Problem(reason or message("blank_required", column=id_label), **w))
        elif (known := client_ids.get(client)) is None:
            found.append(Problem(message("unknown_client", value=client), **w))
            client = None
        elif known in seen_rows:
            found.append(Problem(message("client_twice", value=known, row=seen_rows[known]), **w))
            client = None
        else:
            client = known
            seen_rows[known] = r + 1
        ok.append(client)
    labels = {str(j): str(raw.rows[h][j]) for j in act_cols}
    qcol = VOLUMES_LONG.column("quantity")
    parsed = parse_numbers(raw, {str(j): (qcol, j) for j in act_cols}, rows,
                           reading_for(raw, settings), found, labels)
    keep = np.array([c is not None for c in ok], dtype=bool)
    ids = np.array(ok, dtype=object)
    where_rows, acts_of, qty = [], [], []
    for k, (j, act) in enumerate(act_cols.items()):
        pc = parsed[str(j)]
        if j in under:
            pc.bad.update({i: None for i, r in enumerate(rows) if r in under[j]})
        for i, text in list(pc.problems) + list(pc.bad.items()):
            if text is not None and keep[i]:
                found.append(Problem(text, row=rows[i] + 1, column=labels[str(j)], **where))
        q = pc.values
        with np.errstate(invalid="ignore"):
            idx = np.flatnonzero(keep & ~np.isnan(q) & (q != 0))
        where_rows.append(idx)
        acts_of.append(np.full(len(idx), k))
        qty.append(q[idx])
    order = {id_label: -1, **{label: k for k, label in enumerate(labels.values())}}
    found.sort(key=lambda p: (p.row or 0, order.get(p.column, 0)))
    problems.extend(found)
    client_ids.note(raw, notes)
    names = np.array(list(act_cols.values()) or [""], dtype=object)
    r = np.concatenate(where_rows) if where_rows else np.array([], dtype=int)
    a = np.concatenate(acts_of) if acts_of else np.array([], dtype=int)
    s = np.lexsort((a, r))                 # client by client, activities in column order
    return pd.DataFrame({"client_id": pd.Series(ids[r[s]], dtype=object),
                         "activity": pd.Series(names[a[s]], dtype=object),
                         "quantity": pd.Series(np.concatenate(qty)[s] if qty else [], dtype=float)})


def _plain_known_ids(idents, client_ids: "_IdMatcher") -> list[str] | None:
    """The ids as they are when every one is plain text, known to Clients and given once
    (the usual case, checked at C speed); None when any needs the cell-by-cell path."""
    if not all(type(v) is str for v in idents):
        return None
    ids = [v.strip() for v in idents]
    if len(set(ids)) != len(ids) or not client_ids.ids.issuperset(ids) or any(i[:1] in ("#", "") for i in ids):
        return None
    return ids


def _read_long_volumes(raw: RawSheet, client_ids: "_IdMatcher", activities: dict[str, str],
                       problems: list[Problem], notes: list[str] | None,
                       settings: Settings | None) -> pd.DataFrame | None:
    pt = parse_table(raw, VOLUMES_LONG, problems, settings=settings)
    if pt is None:
        return None
    where = dict(file=raw.file, sheet=raw.name)
    f = pt.frame
    seen: dict[tuple, int] = {}
    keep = []
    for i, row in enumerate(f.itertuples(index=False)):
        w = dict(row=pt.rows[i], **where)
        ok = True
        client = client_ids.get(row.client_id)
        if row.client_id is not None and client is None:
            problems.append(Problem(message("unknown_client", value=row.client_id),
                                    column=pt.headers["client_id"], **w))
            ok = False
        act = activities.get(norm_key(row.activity)) if row.activity is not None else None
        if row.activity is not None and act is None:
            problems.append(Problem(message("unknown_activity", value=row.activity),
                                    column=pt.headers["activity"], **w))
            ok = False
        key = (client, act)
        if ok and None not in key:         # a blank or unknown id or activity is told above, once
            if key in seen:
                problems.append(Problem(message("pair_twice", client=client, activity=act, row=seen[key]),
                                        column=pt.headers["activity"], **w))
            seen.setdefault(key, pt.rows[i])
        keep.append((client, act, row.quantity))
    client_ids.note(raw, notes)
    return pd.DataFrame(keep, columns=["client_id", "activity", "quantity"]).fillna({"quantity": 0.0})


class _IdMatcher:
    """Client ids of the Clients sheet; Volumes may spell them in another case (ids that
    differ only by case are duplicates in Clients, so the match is unambiguous)."""

    def __init__(self, ids):
        self.ids = set(ids)
        self.folded = {i.casefold(): i for i in self.ids}
        self.matched: dict[str, str] = {}

    def get(self, given: str | None) -> str | None:
        if given is None or given in self.ids:
            return given
        found = self.folded.get(given.casefold())
        if found is not None:
            self.matched.setdefault(given, found)
        return found

    def note(self, raw: RawSheet, notes: list[str] | None) -> None:
        if self.matched and notes is not None:
            examples = [message("id_as", given=a, known=b) for a, b in list(self.matched.items())[:3]]
            notes.append(message("note_ids_case", file=raw.file, sheet=raw.name, n=len(self.matched),
                                 examples=examples))
