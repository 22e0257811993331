"""Ingested figures + the sources workbook's own sheets -> a validated Portfolio.

The Clients master, the Activities columns of the Drivers sheet, Resources and Settings are
read by xlprof's validating reader itself (``portfolio_from_sheets``), so every rule of the
input workbook holds and every problem is located in the sources workbook. The computed
columns (revenue, discounts, cogs, payment terms, days to pay, bad debt) are appended to
the master's rows; clients missing from the master are appended with blank attributes.
"""

from __future__ import annotations

import math

from ..errors import InputError, Problem
from ..io.cells import RawSheet
from ..io.reader import find_header, find_sheet, portfolio_from_sheets
from ..model.analysis import Portfolio
from ..schema import ACTIVITIES, CLIENTS, RESOURCES, header_map
from ..textnorm import norm_key
from .engine import CLIENT_FIGURES, Ingested
from .spec import DRIVERS, SourcesBook, settings_sheet

MASTER_KEEPS = ("payment_terms_days",)   # a contract's terms win over terms seen in due dates


def _sheets(book: SourcesBook) -> dict[str, RawSheet]:
    out: dict[str, RawSheet] = {}
    raw = settings_sheet(book.sheets)
    if raw is not None:
        out["Settings"] = raw
    res = find_sheet(book.sheets, RESOURCES)
    if res is not None:
        out["Resources"] = res
    return out


def build_portfolio(ing: Ingested, notes: list[str]) -> Portfolio:
    book = ing.book
    sheets = _sheets(book)
    sheets["Activities"] = _activities(ing)
    sheets["Clients"] = _clients(ing, notes)
    sheets["Volumes"] = RawSheet("(ingested volumes)", "Volumes",
                                 [["client_id", "activity", "quantity"]]
                                 + [[c, a, q] for c, a, q in ing.volumes.itertuples(index=False)])
    months = _months(ing)
    reader_notes: list[str] = []
    p = portfolio_from_sheets(sheets, str(book.path), reader_notes)
    notes += [n for n in reader_notes if "Drivers" not in n]
    if not _given(sheets, "period_months"):
        p = Portfolio(p.clients, p.activities, p.volumes, p.resources,
                      p.settings.replace(period_months=months), source=p.source)
    return p


def _given(sheets, key: str) -> bool:
    raw = sheets.get("Settings")
    return raw is not None and any(row and isinstance(row[0], str) and norm_key(row[0]) == norm_key(key)
                                   and len(row) > 1 and row[1] not in (None, "") for row in raw.rows)


def _months(ing: Ingested) -> float:
    """Months in the period: whole months when it runs from a 1st to a month's last day."""
    s, e = ing.start, ing.end
    import datetime as dt

    nxt = e + dt.timedelta(days=1)
    if s.day == 1 and nxt.day == 1:
        return float((nxt.year - s.year) * 12 + nxt.month - s.month)
    return round(((e - s).days + 1) * 12 / 365.25, 2)


def _activities(ing: Ingested) -> RawSheet:
    """The Drivers sheet as an Activities sheet: blank driver cells say how the volume is counted."""
    raw = find_sheet(ing.book.sheets, DRIVERS)
    hmap = header_map(ACTIVITIES)
    h = find_header(raw, hmap, ["activity", "behavior"]) or 0
    rows = [list(r) for r in raw.rows]
    header = rows[h]
    col = next((j for j, v in enumerate(header) if isinstance(v, str) and hmap.get(norm_key(v)) == "driver"), None)
    if col is None:
        col = len(header)
        header.append("driver")
    by_row = {d.row: d for d in ing.book.drivers}
    for r in range(h + 1, len(rows)):
        row = rows[r]
        row += [None] * (col + 1 - len(row))
        d = by_row.get(r + 1)
        if d is not None and (row[col] is None or str(row[col]).strip() == ""):
            how = {"rows": "rows", "documents": "distinct documents", "sum": f"sum of {d.column}"}[d.measure]
            row[col] = f"{d.source}: {how}" + (f" where {d.filter_text}" if d.filter_text else "")
    # columns of the Drivers sheet that are not Activities columns are ingest's own
    own = {norm_key(a) for c in DRIVERS.columns
           if c.name != "activity" for a in (c.name, *c.aliases)}
    for j, v in enumerate(header):
        if isinstance(v, str) and norm_key(v) in own and hmap.get(norm_key(v)) is None:
            for row in rows[h:]:
                if j < len(row):
                    row[j] = None
    return RawSheet(raw.file, raw.name, rows, {}, raw.merged)


def _clients(ing: Ingested, notes: list[str]) -> RawSheet:
    raw = find_sheet(ing.book.sheets, CLIENTS)
    figures = _Figures(ing.clients)
    if raw is None:
        rows = [["client_id", *CLIENT_FIGURES]]
        rows += [[cid, *(_cell(figures.at[cid, f]) for f in CLIENT_FIGURES)] for cid in figures.index]
        return RawSheet("(ingested clients)", "Clients", rows)
    hmap = header_map(CLIENTS)
    h = find_header(raw, hmap, ["client_id"])
    if h is None:
        raise InputError(Problem("no header row with a client_id column found", file=raw.file, sheet=raw.name))
    rows = [list(r) for r in raw.rows]
    header = rows[h]
    canon = {j: hmap.get(norm_key(v)) if isinstance(v, str) else None for j, v in enumerate(header)}
    id_col = next(j for j, c in canon.items() if c == "client_id")
    keep: dict[str, int] = {}
    for j, c in canon.items():
        if c in CLIENT_FIGURES and c not in MASTER_KEEPS:
            notes.append(f"{raw.file}, sheet {raw.name}: column {header[j]!r} is ignored: ingest computes "
                         f"{c} from the transactions")
            for row in rows[h:]:
                if j < len(row):
                    row[j] = None
        elif c in MASTER_KEEPS:
            keep[c] = j
    width = max(len(r) for r in rows)
    for row in rows:
        row += [None] * (width - len(row))
    computed = [f for f in CLIENT_FIGURES if f not in keep]
    header += [f"{f}" for f in computed]
    # map master ids (any case) to the ids of the transactions
    master: dict[str, int] = {}
    for r in range(h + 1, len(rows)):
        v = rows[r][id_col]
        if v is not None and str(v).strip():
            master.setdefault(_id_text(v).casefold(), r)
    found = {cid.casefold(): cid for cid in figures.index}
    for r in range(h + 1, len(rows)):
        key = _id_text(rows[r][id_col]).casefold() if rows[r][id_col] is not None else None
        cid = found.get(key) if key is not None else None
        rows[r] += [_cell(figures.at[cid, f]) if cid is not None else (0.0 if f in ("revenue", "cogs") else None)
                    for f in computed]
        for f, j in keep.items():
            if rows[r][j] in (None, "") and cid is not None:
                rows[r][j] = _cell(figures.at[cid, f])
    missing = [cid for cid in figures.index if cid.casefold() not in master]
    if missing:
        shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
        notes.append(f"{len(missing)} client(s) in the transactions are not in the Clients master and come "
                     f"through with blank attributes: {shown}")
    for cid in missing:
        row = [None] * width
        row[id_col] = cid
        for f, j in keep.items():
            row[j] = _cell(figures.at[cid, f])
        rows.append(row + [_cell(figures.at[cid, f]) for f in computed])
    return RawSheet(raw.file, raw.name, rows, raw.errors, raw.merged)


class _Figures:
    """The ingested per-client figures by id (``at[cid, figure]``, ``index``) without pandas'
    per-cell cost."""

    def __init__(self, frame):
        self.index = list(frame["client_id"])
        self.at = {(rec["client_id"], f): rec[f] for rec in frame.to_dict("records") for f in CLIENT_FIGURES}


def _id_text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _cell(v):
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)
