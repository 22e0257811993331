"""The validating reader as it was before the reading rule (main at d1f4cf3, with the optional Resources behaviour of 684642e), frozen for
benchmarks/bench_parse.py: raw sheets -> portfolio, cell by cell, with the old lenient number
parser. Not used by xlprof; it reads some inputs wrongly (that is what the rule fixed)."""
# ruff: noqa
# flake8: noqa

from __future__ import annotations

import datetime as dt
import decimal
import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from xlprof.errors import InputError, Problem
from xlprof.io.cells import RawSheet
from xlprof.model.analysis import Portfolio
from xlprof.schema import (ACTIVITIES, BEHAVIOR_ALIASES, BEHAVIORS, CLIENTS, RESOURCES, SETTINGS,
                           VOLUMES_LONG, Column, Table, header_map, sheet_lookup)
from xlprof.settings import Settings
from xlprof.textnorm import com_error, excel_error, is_blank, norm_key, parse_bool

MAX_TEXT = 32_767
MAX_DAYS = 36_500
HEADER_SCAN_ROWS = 20

_CURRENCY = re.compile(r"[€$£¥]|\b(?:EUR|USD|GBP|MXN)\b", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f']+")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_number(value: Any) -> float | None:
    """A finite float, or None for blank; raises ValueError with a reason otherwise."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is a yes/no value, not a number")
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        raise ValueError(f"{value!s} is a date, not a number")
    if isinstance(value, decimal.Decimal):  # COM: Currency/Accounting-formatted cells
        if not value.is_finite():
            raise ValueError(f"{value!s} is not a finite number")
        return float(value)
    err = com_error(value)
    if err:
        raise ValueError(f"{err} is an Excel error, not a number")
    if isinstance(value, (int, float)) or type(value).__module__ == "numpy":
        try:
            f = float(value)
        except (TypeError, ValueError, OverflowError):  # OverflowError: int beyond 1e308
            raise ValueError(f"{value!r} is not a finite number") from None
        if not math.isfinite(f):
            raise ValueError(f"{value!r} is not a finite number")
        return f
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a number")
    err = excel_error(value)
    if err:
        raise ValueError(f"{err} is an Excel error, not a number")
    s = value.strip()
    pct = s.endswith("%")
    if pct:
        s = s[:-1]
    s = _CURRENCY.sub("", s)
    s = _SPACES.sub("", s)
    neg = False
    if s.startswith("(") and s.endswith(")"):  # accounting negative
        neg, s = True, s[1:-1]
    last_dot, last_comma = s.rfind("."), s.rfind(",")
    if last_dot >= 0 and last_comma >= 0:
        if last_comma > last_dot:  # 1.234,56
            s = s.replace(".", "").replace(",", ".")
        else:  # 1,234.56
            s = s.replace(",", "")
    elif last_comma >= 0:
        if s.count(",") > 1:  # 1,234,567
            s = s.replace(",", "")
        else:
            s = s.replace(",", ".")
    elif s.count(".") > 1:  # 1.234.567
        s = s.replace(".", "")
    if not _NUMBER.match(s):
        raise ValueError(f"{value!r} is not a number")
    f = float(s)
    if not math.isfinite(f):
        raise ValueError(f"{value!r} is not a finite number")
    if pct:
        f /= 100.0
    return -f if neg else f


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_DMY = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")


MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2199, 12, 31)


def parse_date(value: Any) -> dt.date | None:
    """A date between MIN_DATE and MAX_DATE, or None for blank; raises ValueError otherwise."""
    d = _parse_date(value)
    if d is not None and not MIN_DATE <= d <= MAX_DATE:
        raise ValueError(f"{d.isoformat()} is outside the dates xlprof accepts "
                         f"({MIN_DATE.isoformat()} to {MAX_DATE.isoformat()})")
    return d


def _parse_date(value: Any) -> dt.date | None:
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        return value.to_pydatetime().date()
    if isinstance(value, str):
        s = value.strip()
        try:
            m = _ISO.match(s)
            if m:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            m = _DMY.match(s)
            if m:
                return dt.date(int(m[3]), int(m[2]), int(m[1]))
        except ValueError:
            raise ValueError(f"{value!r} is not a valid date") from None
        raise ValueError(f"{value!r} is not a date (expected YYYY-MM-DD or DD/MM/YYYY)")
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is a yes/no value, not a date")
    if isinstance(value, (int, float)):
        raise ValueError(f"{value!r} is a number, not a date")
    raise ValueError(f"{value!r} is not a date")


def find_sheet(sheets: dict[str, RawSheet], table: Table) -> RawSheet | None:
    wanted = sheet_lookup(table)
    for name, raw in sheets.items():
        if norm_key(name) in wanted:
            return raw
    return None


# --- raw sheet -> typed table ---------------------------------------------------------


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def find_header(raw: RawSheet, hmap: dict[str, str], required: list[str]) -> int | None:
    """Index of the first row (within the first rows) that names the required columns."""
    need = set(required)
    best, best_hits = None, 0
    for r in range(min(HEADER_SCAN_ROWS, len(raw.rows))):
        found = {hmap.get(norm_key(v)) for v in raw.rows[r] if isinstance(v, str) and v.strip()}
        found.discard(None)
        if need <= found:
            return r
        if len(found) > best_hits:
            best, best_hits = r, len(found)
    return best


def _text_id(v: Any) -> str | None:
    if _blank(v):
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, float):
        return repr(v)
    return str(v).strip()


def parse_value(col: Column, v: Any) -> Any:
    """Parse one cell for ``col``; raises ValueError with a user-facing reason."""
    err = excel_error(v) if isinstance(v, str) else None
    if err:
        raise ValueError(f"cell holds the Excel error {err}")
    if col.kind in ("id", "text"):
        if _blank(v):
            return None
        if col.kind == "id":
            s = _text_id(v)
        else:
            s = v if isinstance(v, str) else _text_id(v) if isinstance(v, float) else str(v)
        if len(s) > MAX_TEXT:
            raise ValueError(f"text of {len(s):,} characters is longer than Excel's {MAX_TEXT:,}-character cell limit")
        return s
    if col.kind in ("number", "rating"):
        if isinstance(v, str) and v.strip().endswith("%"):
            # "12 %" reads 0.12 where a rate is meant (Settings); in these columns (amounts,
            # days, quantities, ratings) a percentage is of something unknown
            raise ValueError(f"{v!r} is a percentage; this column takes a plain number")
        x = parse_number(v)
        if x is None:
            return np.nan
        if col.kind == "rating" and not 1 <= x <= 5:
            raise ValueError(f"{v!r} is not a rating between 1 and 5")
        if col.nonnegative and x < 0:
            raise ValueError(f"{v!r} is negative; expected a number >= 0")
        if abs(x) > 1e15:
            raise ValueError(f"{v!r} is too large for an amount (limit 1e15)")
        if col.name.endswith("_days") and x > MAX_DAYS:
            raise ValueError(f"{v!r} days is more than {MAX_DAYS:,} (100 years); is it a date or a typo?")
        return x
    if col.kind == "yesno":
        b = parse_bool(v)
        return False if b is None else b
    if col.kind == "date":
        return parse_date(v)
    if col.kind == "behavior":
        if _blank(v) and not col.required:  # Resources: blank means the default behaviour
            return None
        if _blank(v):
            raise ValueError(f"is blank; expected one of {', '.join(BEHAVIORS)}")
        code = BEHAVIOR_ALIASES.get(norm_key(v))
        if code is None:
            raise ValueError(f"{v!r} is not a cost behaviour; expected one of {', '.join(BEHAVIORS)}")
        return code
    raise AssertionError(col.kind)


@dataclass
class ParsedTable:
    frame: pd.DataFrame
    rows: list[int]                  # 1-based sheet row of each frame row
    headers: dict[str, str]          # canonical name -> user's header text
    extra: dict[int, str]            # column index -> header text of unknown columns
    header_row: int = 0              # 0-based row of the header
    columns: dict[str, int] = field(default_factory=dict)   # canonical name -> column index


def parse_table(raw: RawSheet, table: Table, problems: list[Problem], *,
                allow_extra: bool = True, notes: list[str] | None = None) -> ParsedTable | None:
    """Typed table of ``table``'s columns from ``raw``; appends located problems."""
    hmap = header_map(table)
    required = [c.name for c in table.columns if c.required]
    where = dict(file=raw.file, sheet=raw.name)
    if not raw.rows or all(all(_blank(v) for v in row) for row in raw.rows):
        problems.append(Problem("the sheet is empty; expected a header row with "
                                + ", ".join(required), **where))
        return None
    h = find_header(raw, hmap, required)
    if h is None:
        problems.append(Problem("no header row found; expected columns " + ", ".join(required), **where))
        return None
    cols: dict[str, int] = {}
    headers: dict[str, str] = {}
    extra: dict[int, str] = {}
    for j, v in enumerate(raw.rows[h]):
        if _blank(v):
            continue
        name = hmap.get(norm_key(v))
        if name is None:
            extra[j] = str(v)
            continue
        if name in cols:
            problems.append(Problem(f"columns {headers[name]!r} and {v!r} both mean {name}", row=h + 1,
                                    column=str(v), **where))
            continue
        cols[name], headers[name] = j, str(v)
    missing = [c for c in required if c not in cols]
    if missing:
        problems.append(Problem("missing required column(s): " + ", ".join(missing)
                                + f" (found: {', '.join(map(str, (v for v in raw.rows[h] if not _blank(v))))})",
                                row=h + 1, **where))
        return None
    if extra and notes is not None and allow_extra:
        notes.append(f"{raw.file}, sheet {raw.name}: ignored unknown column(s) "
                     + ", ".join(repr(x) for x in extra.values()))
    _check_headerless(raw, h, problems, notes)
    data: dict[str, list] = {c.name: [] for c in table.columns}
    row_numbers: list[int] = []
    for r in range(h + 1, len(raw.rows)):
        cells = {name: raw.cell(r, j) for name, j in cols.items()}
        extras = [raw.cell(r, j) for j in extra]
        if all(_blank(v) for v in cells.values()) and all(_blank(v) for v in extras):
            continue
        row_numbers.append(r + 1)
        for col in table.columns:
            if col.name not in cols:
                data[col.name].append(np.nan if col.kind in ("number", "rating") else
                                      False if col.kind == "yesno" else None)
                continue
            v = cells[col.name]
            try:
                val = parse_value(col, v)
            except ValueError as exc:
                problems.append(Problem(str(exc), row=r + 1, column=headers[col.name], **where))
                val = np.nan if col.kind in ("number", "rating") else None
            if col.required and (val is None or (isinstance(val, float) and math.isnan(val))):
                if not any(p.row == r + 1 and p.column == headers[col.name] for p in problems[-3:]):
                    problems.append(Problem(f"{col.name} is blank; a value is required", row=r + 1,
                                            column=headers[col.name], **where))
            data[col.name].append(val)
    frame = pd.DataFrame({c.name: pd.Series(data[c.name], dtype=_dtype(c)) for c in table.columns})
    return ParsedTable(frame, row_numbers, headers, extra, h, cols)


def _col_letter(j: int) -> str:
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


def _check_headerless(raw: RawSheet, h: int, problems: list[Problem], notes: list[str] | None) -> None:
    """Columns with values under a blank header: a problem when a merged header cell hides
    them (the values would be lost silently), else a note that they are ignored."""
    header = raw.rows[h]
    width = max((len(r) for r in raw.rows[h + 1:]), default=0)
    loose = []
    for j in range(width):
        if j < len(header) and not _blank(header[j]):
            continue
        if all(_blank(raw.cell(r, j)) for r in range(h + 1, len(raw.rows))):
            continue
        merge = next(((a, b) for a, b in raw.merged if a[0] <= h <= b[0] and a[1] <= j <= b[1]), None)
        if merge is not None:
            (r0, c0), (r1, c1) = merge
            text = raw.cell(r0, c0)
            span = f"{_col_letter(c0)}{r0 + 1}:{_col_letter(c1)}{r1 + 1}"
            problems.append(Problem(
                f"header cells {span} are merged, so column {_col_letter(j)} has values but no "
                "header; unmerge them and give each column its own header",
                file=raw.file, sheet=raw.name, row=h + 1,
                column=str(text) if not _blank(text) else _col_letter(j)))
        else:
            loose.append(_col_letter(j))
    if loose and notes is not None:
        notes.append(f"{raw.file}, sheet {raw.name}: ignored column(s) {', '.join(loose)}: "
                     "they have values but no header")


def _dtype(col: Column):
    if col.kind in ("number", "rating"):
        return float
    if col.kind == "yesno":
        return bool
    return object


def _check_unique(pt: ParsedTable, col: str, raw: RawSheet, problems: list[Problem]) -> None:
    seen: dict[str, tuple[str, int]] = {}
    for value, row in zip(pt.frame[col], pt.rows):
        if value is None:
            continue
        key = value.casefold()
        if key in seen:
            first, first_row = seen[key]
            how = "is a duplicate of" if first == value else "differs only by case from"
            problems.append(Problem(f"{col} {value!r} {how} {first!r} in row {first_row}",
                                    file=raw.file, sheet=raw.name, row=row,
                                    column=pt.headers.get(col, col)))
        else:
            seen[key] = (value, row)


# --- the portfolio ------------------------------------------------------------------------


def portfolio_from_sheets(sheets: dict[str, RawSheet], source: str,
                          notes: list[str] | None = None) -> Portfolio:
    problems: list[Problem] = []
    notes = notes if notes is not None else []
    tables: dict[str, ParsedTable | None] = {}
    raws: dict[str, RawSheet | None] = {}
    for table in (CLIENTS, ACTIVITIES, RESOURCES):
        raw = find_sheet(sheets, table)
        raws[table.name] = raw
        if raw is None:
            if table.required:
                problems.append(Problem(f"missing sheet {table.name} (or {', '.join(table.aliases)}); "
                                        f"sheets found: {', '.join(sheets) or 'none'}", file=source))
            tables[table.name] = None
            continue
        tables[table.name] = parse_table(raw, table, problems, notes=notes)
        if tables[table.name] is not None and table.required and not len(tables[table.name].frame):
            problems.append(Problem(f"the sheet has a header but no data rows; expected one row per "
                                    f"{'client' if table is CLIENTS else 'activity'}",
                                    file=raw.file, sheet=raw.name))
    clients, acts, res = tables["Clients"], tables["Activities"], tables["Resources"]
    if clients is not None:
        _check_unique(clients, "client_id", raws["Clients"], problems)
    if acts is not None:
        _check_unique(acts, "activity", raws["Activities"], problems)
        _check_activities(acts, res, raws["Activities"], problems)
    if res is not None:
        _check_unique(res, "resource", raws["Resources"], problems)
    settings = _read_settings(sheets, source, problems)
    volumes = None
    vraw = find_sheet(sheets, VOLUMES_LONG)
    if vraw is None:
        problems.append(Problem(f"missing sheet Volumes (or {', '.join(VOLUMES_LONG.aliases)}); "
                                f"sheets found: {', '.join(sheets) or 'none'}", file=source))
    elif clients is not None and acts is not None:
        volumes = _read_volumes(vraw, clients, acts, problems, notes)
    if problems:
        raise InputError(problems)
    c = clients.frame
    c["client_name"] = c["client_name"].where(c["client_name"].notna(), c["client_id"])
    r = res.frame if res is not None else pd.DataFrame(
        {k.name: pd.Series([], dtype=_dtype(k)) for k in RESOURCES.columns})
    return Portfolio(c, acts.frame, volumes, r, settings, source=source)


def _check_activities(acts: ParsedTable, res: ParsedTable | None, raw: RawSheet,
                      problems: list[Problem]) -> None:
    known = set(res.frame["resource"].dropna()) if res is not None else set()
    known_cf = {k.casefold(): k for k in known}
    f = acts.frame
    for i, row in enumerate(f.itertuples(index=False)):
        where = dict(file=raw.file, sheet=raw.name, row=acts.rows[i])
        has_pool = not math.isnan(row.cost_pool)
        has_rate = not math.isnan(row.rate)
        has_min = not math.isnan(row.minutes_per_unit)
        if row.resource is not None:
            if row.resource not in known:
                hint = f" (did you mean {known_cf[row.resource.casefold()]!r}?)" if row.resource.casefold() in known_cf else ""
                problems.append(Problem(f"resource {row.resource!r} is not in the Resources sheet{hint}",
                                        column=acts.headers.get("resource"), **where))
            if not has_min:
                problems.append(Problem("an activity on a resource needs minutes_per_unit",
                                        column=acts.headers.get("resource"), **where))
            if has_pool or has_rate:
                problems.append(Problem("an activity on a resource takes its cost from the resource; "
                                        "leave cost_pool and rate blank", column=acts.headers.get("resource"),
                                        **where))
        elif has_pool and has_rate:
            problems.append(Problem("give cost_pool or rate, not both",
                                    column=acts.headers.get("cost_pool"), **where))
        elif not has_pool and not has_rate:
            problems.append(Problem("needs a cost: cost_pool, rate, or a resource with minutes_per_unit",
                                    column=acts.headers.get("activity"), **where))


def _read_settings(sheets: dict[str, RawSheet], source: str, problems: list[Problem]) -> Settings:
    raw = find_sheet(sheets, SETTINGS)
    if raw is None:
        return Settings()
    pt = parse_table(raw, SETTINGS, problems)
    if pt is None:
        return Settings()
    values: dict[str, Any] = {}
    rows: dict[str, int] = {}
    vcol = pt.columns.get("value")   # read raw: the table parsed it as text
    if vcol is None and pt.frame["key"].notna().any():
        problems.append(Problem("missing column value (or valor) next to the keys",
                                file=raw.file, sheet=raw.name, row=pt.header_row + 1))
        return Settings()
    for i, key in enumerate(pt.frame["key"]):
        if key is None:
            continue
        r0 = pt.rows[i] - 1
        v = raw.cell(r0, vcol) if vcol is not None else None
        values[key] = v
        rows[key] = pt.rows[i]
    try:
        return Settings.from_mapping(values, file=raw.file, sheet=raw.name, rows=rows)
    except InputError as exc:
        problems.extend(exc.problems)
        return Settings()


def _read_volumes(raw: RawSheet, clients: ParsedTable, acts: ParsedTable,
                  problems: list[Problem], notes: list[str] | None = None) -> pd.DataFrame | None:
    hmap = header_map(VOLUMES_LONG)
    h = find_header(raw, hmap, ["client_id"])
    where = dict(file=raw.file, sheet=raw.name)
    if h is None or "client_id" not in {hmap.get(norm_key(v)) for v in raw.rows[h] if isinstance(v, str)}:
        problems.append(Problem("no header row with a client_id column found", **where))
        return None
    header = [hmap.get(norm_key(v)) if isinstance(v, str) else None for v in raw.rows[h]]
    client_ids = _IdMatcher(clients.frame["client_id"].dropna())
    activities = {norm_key(a): a for a in acts.frame["activity"].dropna()}
    if "activity" in header and "quantity" in header:
        pt = parse_table(raw, VOLUMES_LONG, problems)
        if pt is None:
            return None
        f = pt.frame
        seen: dict[tuple, int] = {}
        keep = []
        for i, row in enumerate(f.itertuples(index=False)):
            w = dict(row=pt.rows[i], **where)
            ok = True
            client = client_ids.get(row.client_id)
            if row.client_id is not None and client is None:
                problems.append(Problem(f"client {row.client_id!r} is not in the Clients sheet",
                                        column=pt.headers["client_id"], **w))
                ok = False
            act = activities.get(norm_key(row.activity)) if row.activity is not None else None
            if row.activity is not None and act is None:
                problems.append(Problem(f"activity {row.activity!r} is not in the Activities sheet",
                                        column=pt.headers["activity"], **w))
                ok = False
            key = (client, act)
            if ok and key in seen:
                problems.append(Problem(f"client {client!r} and activity {act!r} appear twice "
                                        f"(first in row {seen[key]})", column=pt.headers["activity"], **w))
            seen.setdefault(key, pt.rows[i])
            keep.append((client, act, row.quantity))
        client_ids.note(raw, notes)
        return pd.DataFrame(keep, columns=["client_id", "activity", "quantity"]).fillna({"quantity": 0.0})
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
                problems.append(Problem(f"column {v!r} is not an activity of the Activities sheet",
                                        row=h + 1, column=str(v), **where))
            continue
        act_cols[j] = act
    _check_headerless(raw, h, problems, notes)
    qcol = VOLUMES_LONG.column("quantity")
    out = []
    seen_rows: dict[str, int] = {}
    for r in range(h + 1, len(raw.rows)):
        ident = raw.cell(r, cid)
        vals = {j: raw.cell(r, j) for j in act_cols}
        if _blank(ident) and all(_blank(v) for v in vals.values()):
            continue
        w = dict(row=r + 1, **where)
        try:
            client = _text_id(ident) if not excel_error(ident) else None
        except Exception:  # pragma: no cover - _text_id does not raise
            client = None
        if client is None:
            problems.append(Problem("client_id is blank", column=str(raw.rows[h][cid]), **w))
            continue
        given, client = client, client_ids.get(client)
        if client is None:
            problems.append(Problem(f"client {given!r} is not in the Clients sheet",
                                    column=str(raw.rows[h][cid]), **w))
            continue
        if client in seen_rows:
            problems.append(Problem(f"client {client!r} appears twice (first in row {seen_rows[client]})",
                                    column=str(raw.rows[h][cid]), **w))
            continue
        seen_rows[client] = r + 1
        for j, act in act_cols.items():
            try:
                q = parse_value(qcol, vals[j])
            except ValueError as exc:
                problems.append(Problem(str(exc), column=str(raw.rows[h][j]), **w))
                continue
            if not math.isnan(q) and q != 0:
                out.append((client, act, q))
    client_ids.note(raw, notes)
    return pd.DataFrame(out, columns=["client_id", "activity", "quantity"])


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
            examples = ", ".join(f"{a!r} as {b!r}" for a, b in list(self.matched.items())[:3])
            notes.append(f"{raw.file}, sheet {raw.name}: {len(self.matched)} client id(s) matched "
                         f"the Clients sheet ignoring case ({examples})")
