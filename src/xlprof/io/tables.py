"""Raw sheets -> typed tables: headers matched leniently, every column parsed by the reading
rule (:mod:`xlprof.io.columns`), every problem located by file, sheet, row and the user's
column header."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from ..errors import Problem
from ..messages import msg as message
from ..schema import SHEET_NAMES, Column, Table, column_label, header_map, sheet_lookup
from ..settings import Settings
from ..textnorm import norm_key
from . import columns as C
from . import numbers as N
from .cells import RawSheet
from .columns import Reading

HEADER_SCAN_ROWS = 20


def find_sheet(sheets: dict[str, RawSheet], table: Table) -> RawSheet | None:
    """The first sheet (CSV file) whose name denotes ``table``; see :func:`find_sheets`."""
    found = find_sheets(sheets, table)
    return found[0] if found else None


def find_sheets(sheets: dict[str, RawSheet], table: Table) -> list[RawSheet]:
    """Every sheet (CSV file) whose name denotes ``table`` (``Clients``, ``Clientes``...)."""
    wanted = sheet_lookup(table)
    return [raw for name, raw in sheets.items() if norm_key(name) in wanted]


def one_sheet(sheets: dict[str, RawSheet], table: Table, source: str,
              problems: list[Problem]) -> tuple[RawSheet | None, bool]:
    """(the one sheet that holds ``table``, whether more than one does). Two visible sheets
    that mean the same table (``Clients`` and ``Clientes``; ``Clients.csv`` and
    ``clientes.csv``) are a problem naming both: reading either one would silently drop
    the other. (The xlsx reader has already left out a hidden sheet that a visible one
    stands for.)"""
    found = find_sheets(sheets, table)
    if len(found) <= 1:
        return (found[0] if found else None), False
    csv = all(raw.delimiter is not None for raw in found)
    names = [Path(raw.file).name if csv else raw.name for raw in found]
    key = f"same_table_{'files' if csv else 'sheets'}_{'two' if len(names) == 2 else 'many'}"
    problems.append(Problem(message(key, names=names, table=table_name(table)), file=source))
    return None, True


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


def parse_value(col: Column, v: Any, reading: Reading = Reading()) -> Any:
    """Parse one cell for ``col`` as a column of one cell (the same rule as a whole column);
    raises ValueError with a user-facing reason."""
    parsed = parse_column(col, [v], reading)
    if parsed.problems:
        raise ValueError(parsed.problems[0][1])
    if 0 in parsed.bad:
        raise ValueError(parsed.bad[0])
    x = parsed.values[0]
    return float(x) if col.kind in ("number", "rating") else x


def parse_column(col: Column, values: list[Any], reading: Reading = Reading(), *,
                 decision: Any = N.UNSET, evidence: C.Evidence | None = None) -> C.Column:
    """Parse the cells of one column (see :mod:`xlprof.io.columns`); ``decision`` and
    ``evidence`` when the decision covers more than this column (a CSV file)."""
    if col.kind in ("number", "rating"):
        return N.number_column(col.name, col.kind, col.nonnegative, values, decision, evidence, reading)
    if col.kind == "date":
        return C.date_column(values, reading)
    return C.cell_column(col.kind, values, col.required)


@dataclass
class ParsedTable:
    frame: pd.DataFrame
    rows: list[int]                  # 1-based sheet row of each frame row
    headers: dict[str, str]          # canonical name -> user's header text
    extra: dict[int, str]            # column index -> header text of unknown columns
    header_row: int = 0              # 0-based row of the header
    columns: dict[str, int] = field(default_factory=dict)   # canonical name -> column index
    unread: dict[str, set[int]] = field(default_factory=dict)  # name -> frame rows that could not be read


def reading_for(raw: RawSheet, settings: Settings | None) -> Reading:
    """How ``raw``'s ambiguous text is settled: the Settings keys, and a CSV file's delimiter."""
    s = settings or Settings()
    return Reading(s.decimal_separator, s.date_order, raw.delimiter)


def column_values(raw: RawSheet, j: int, rows: list[int]) -> list[Any]:
    """The cells of column ``j`` in rows ``rows`` (0-based), errors of ``raw.errors`` included."""
    return columns_of(raw, rows, [j])[j]


def columns_of(raw: RawSheet, rows: list[int], js: list[int]) -> dict[int, Sequence[Any]]:
    """The cells of columns ``js`` in rows ``rows``, transposed at C speed (``zip``)."""
    if not js:
        return {}
    if raw.columns is not None:              # a CSV file, read by column
        return {j: _take(raw.columns[j], rows) if j < len(raw.columns) else [None] * len(rows) for j in js}
    width = max(js) + 1
    matrix = list(map(raw.rows.__getitem__, rows))
    if matrix and min(map(len, matrix)) < width:
        matrix = [row if len(row) >= width else [*row, *([None] * (width - len(row)))] for row in matrix]
    out: dict[int, Sequence[Any]] = {j: [row[j] for row in matrix] for j in js}
    if raw.errors:
        pos = {r: i for i, r in enumerate(rows)}
        for (r, c), err in raw.errors.items():
            if c in out and r in pos:
                col = out[c] = list(out[c])
                col[pos[r]] = err
    return out


def _take(column: list[Any], rows: list[int]) -> list[Any]:
    """``column``'s cells in ``rows`` (a slice when the rows follow each other)."""
    if rows and rows[-1] - rows[0] == len(rows) - 1:
        return column[rows[0]:rows[-1] + 1]
    return list(map(column.__getitem__, rows))


def _data_rows(raw: RawSheet, h: int, used: list[int]) -> list[int]:
    """Rows below the header with a value in any of the ``used`` columns."""
    if raw.columns is not None:
        return _data_rows_by_column(raw, h, used)
    errs = {r for r, c in raw.errors if c in used} if raw.errors else set()
    below = range(h + 1, len(raw.rows))
    if not used:
        return sorted(errs)
    first = used[0]                        # most rows have a value in the first column: decided at once
    lead = [row[first] if first < len(row) else None for row in raw.rows[h + 1:]]
    out = []
    for r, v in zip(below, lead):
        if v is not None and (type(v) is not str or v.strip()) or r in errs:
            out.append(r)
            continue
        row = raw.rows[r]
        for j in used[1:]:
            if j < len(row):
                v = row[j]
                if v is not None and not (type(v) is str and not v.strip()):
                    out.append(r)
                    break
    return out


def _data_rows_by_column(raw: RawSheet, h: int, used: list[int]) -> list[int]:
    """:func:`_data_rows` for a sheet held by column (a CSV file): the rows whose first used
    column holds a value, then the others checked only in the rows still blank."""
    cols = [raw.columns[j] for j in used if j < len(raw.columns)]
    n = len(raw.rows)
    if not cols:
        return []
    blank = {v for v in set(cols[0][h + 1:]) if v is None or (type(v) is str and not v.strip())}
    if not blank:
        return list(range(h + 1, n))
    empty = [r for r in range(h + 1, n) if cols[0][r] in blank]
    for col in cols[1:]:
        if not empty:
            break
        empty = [r for r in empty if col[r] is None or (type(col[r]) is str and not col[r].strip())]
    gone = set(empty)
    return [r for r in range(h + 1, n) if r not in gone]


def parse_numbers(raw: RawSheet, cols: dict[str, tuple[Column, int]], rows: list[int],
                  reading: Reading, problems: list[Problem], headers: dict[str, str]) -> dict[str, C.Column]:
    """Number columns of one sheet: each decided on its own, or a CSV file as a whole."""
    cells = columns_of(raw, rows, [j for _, j in cols.values()])
    values = {name: cells[j] for name, (col, j) in cols.items()}
    if raw.delimiter is None:
        return {name: parse_column(col, values[name], reading) for name, (col, _) in cols.items()}
    evidence = {name: N.number_evidence(values[name]) for name in cols}
    decision = N.decide_numbers(list(evidence.values()), reading)
    if isinstance(decision, ValueError):
        parts = [(evidence[name], lambda i, j=j: (i, j)) for name, (_, j) in cols.items()]
        (i, j), text = C.decision_problem(decision, parts)
        name = next(n for n, (_, jj) in cols.items() if jj == j)
        problems.append(Problem(text, file=raw.file, sheet=raw.name, row=rows[i] + 1, column=headers[name]))
    return {name: parse_column(col, values[name], reading, decision=decision, evidence=evidence[name])
            for name, (col, _) in cols.items()}


def parse_table(raw: RawSheet, table: Table, problems: list[Problem], *,
                allow_extra: bool = True, notes: list[str] | None = None,
                settings: Settings | None = None) -> ParsedTable | None:
    """Typed table of ``table``'s columns from ``raw``; appends located problems.

    ``settings`` (``decimal_separator``, ``date_order``) settle the columns whose own
    evidence does not (design.md section 5)."""
    hmap = header_map(table)
    required = [c.name for c in table.columns if c.required]
    where = dict(file=raw.file, sheet=raw.name)
    if not raw.rows or all(all(_blank(v) for v in row) for row in raw.rows):
        problems.append(Problem(message("sheet_empty", columns=", ".join(_label(table, c, raw) for c in required)),
                                **where))
        return None
    h = find_header(raw, hmap, required)
    if h is None:
        problems.append(Problem(message("no_header", columns=", ".join(_label(table, c, raw) for c in required)),
                                **where))
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
            problems.append(Problem(message("columns_same", a=headers[name], b=v, column=_label(table, name, raw)),
                                    row=h + 1, column=str(v), **where))
            continue
        cols[name], headers[name] = j, str(v)
    missing = [c for c in required if c not in cols]
    if missing:
        found = ", ".join(map(str, (v for v in raw.rows[h] if not _blank(v))))
        problems.append(Problem(message("missing_columns", n=len(missing), found=found,
                                        columns=", ".join(_label(table, c, raw) for c in missing)),
                                row=h + 1, **where))
        return None
    if extra and notes is not None and allow_extra:
        notes.append(message("note_unknown_columns", file=raw.file, sheet=raw.name, n=len(extra),
                             names=", ".join(repr(x) for x in extra.values())))
    if raw.encoding == "Mac Roman" and notes is not None:
        notes.append(message("note_mac_roman", file=raw.file))
    _check_headerless(raw, h, problems, notes)
    under = check_header_merges(raw, h, cols.values(), problems)
    rows = _data_rows(raw, h, [*cols.values(), *extra])
    reading = reading_for(raw, settings)
    numbers = {c.name: (c, cols[c.name]) for c in table.columns
               if c.name in cols and c.kind in ("number", "rating")}
    found: list[Problem] = []
    parsed = parse_numbers(raw, numbers, rows, reading, found, headers)
    cells = columns_of(raw, rows, [j for name, j in cols.items() if name not in parsed])
    n = len(rows)
    unread: dict[str, set[int]] = {}
    data: dict[str, Any] = {}
    for col in table.columns:
        if col.name not in cols:
            data[col.name] = (np.full(n, np.nan) if col.kind in ("number", "rating") else
                              [False] * n if col.kind == "yesno" else [None] * n)
            continue
        pc = parsed.get(col.name) or parse_column(col, cells[cols[col.name]], reading)
        label = headers[col.name]
        if cols[col.name] in under:          # the header's text under its merge: said once above
            pc.bad.update({i: None for i, r in enumerate(rows) if r in under[cols[col.name]]})
        for i, text in pc.problems:
            found.append(Problem(text, row=rows[i] + 1, column=label, **where))
        for i, text in pc.bad.items():
            if text is not None:
                found.append(Problem(text, row=rows[i] + 1, column=label, **where))
        if col.required:
            vals = pc.values
            blank = (np.flatnonzero(np.isnan(vals)) if isinstance(vals, np.ndarray)
                     else [i for i, x in enumerate(vals) if x is None])
            for i in blank:
                if int(i) not in pc.bad:
                    found.append(Problem(message("blank_required", column=label), row=rows[i] + 1,
                                         column=label, **where))
        data[col.name] = pc.values
        unread[col.name] = set(pc.bad)
    order = {label: k for k, label in enumerate(headers.values())}
    found.sort(key=lambda p: (p.row or 0, order.get(p.column, -1)))
    problems.extend(found)
    frame = pd.DataFrame({c.name: pd.Series(data[c.name], dtype=_dtype(c)) for c in table.columns})
    return ParsedTable(frame, [r + 1 for r in rows], headers, extra, h, cols, unread)


def table_name(table: Table):
    """The table's name as a message part (``Clients`` / ``Clientes``)."""
    return message(f"table_{table.name}")


def _label(table: Table, name: str, raw: RawSheet | None = None) -> str:
    """A column's name as the user's sheets show it: the header of generated books, in
    Spanish when the sheet has its Spanish name."""
    lang = "es" if raw is not None and norm_key(raw.name) == norm_key(SHEET_NAMES[table.name]["es"]) else "en"
    return column_label(name, lang)


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
    if raw.columns is not None:              # a CSV file, read by column
        _check_long_rows(raw, h, problems)
        width = len(raw.columns)
    else:
        width = max((len(r) for r in raw.rows[h + 1:]), default=0)
    loose = []
    for j in range(width):
        if j < len(header) and not _blank(header[j]):
            continue
        below = raw.columns[j][h + 1:] if raw.columns is not None else (
            raw.cell(r, j) for r in range(h + 1, len(raw.rows)))
        if all(_blank(v) for v in below):
            continue
        merge = next(((a, b) for a, b in raw.merged if a[0] <= h <= b[0] and a[1] <= j <= b[1]), None)
        if merge is not None:
            (r0, c0), (r1, c1) = merge
            text = raw.cell(r0, c0)
            span = f"{_col_letter(c0)}{r0 + 1}:{_col_letter(c1)}{r1 + 1}"
            problems.append(Problem(
                message("header_merged_across", span=span, letter=_col_letter(j)),
                file=raw.file, sheet=raw.name, row=h + 1,
                column=str(text) if not _blank(text) else _col_letter(j)))
        else:
            loose.append(_col_letter(j))
    if loose and notes is not None:
        notes.append(message("note_headerless", file=raw.file, sheet=raw.name, n=len(loose),
                             letters=", ".join(loose)))


def _check_long_rows(raw: RawSheet, h: int, problems: list[Problem]) -> None:
    """A CSV row with more fields than its header is refused: its values are shifted (an
    unquoted thousands separator ``120,000`` or a delimiter inside an unquoted text), so
    every column from there on would read its neighbour's value. Rows wholly blank are
    harmless; rows with fewer fields than the header are normal (trailing blanks)."""
    cols = raw.columns
    width = next((j for j, col in enumerate(cols) if col[h] is None), len(cols))
    if width >= len(cols):
        return
    beyond = cols[width]
    for r in range(h + 1, len(beyond)):
        if beyond[r] is None:
            continue
        n = max(j for j in range(len(cols)) if cols[j][r] is not None) + 1
        if all(_blank(cols[j][r]) for j in range(n)):
            continue
        key = "csv_row_too_long" if raw.delimiter in (",", None) else "csv_row_too_long_text"
        delimiter = message({"\t": "delim_tab", ";": "delim_semicolon"}.get(raw.delimiter, "delim_pipe"))
        problems.append(Problem(message(key, n=n, width=width, delimiter=delimiter),
                                file=raw.file, sheet=raw.name, row=r + 1))


def check_header_merges(raw: RawSheet, h: int, used: Iterable[int],
                        problems: list[Problem]) -> dict[int, set[int]]:
    """Merged ranges that start in (or above) the header row ``h`` and go down into the data
    rows of a column that is read: the xlsx reader gives every row of a merge its top-left
    value, so the header's text would be read as data. One problem per range, with the fix;
    returns column -> the data rows (0-based) under such a merge, whose cells are not read."""
    used = set(used)
    under: dict[int, set[int]] = {}
    for (r0, c0), (r1, c1) in raw.merged:
        if not (r0 <= h < r1) or not any(c0 <= j <= c1 for j in used):
            continue
        text = raw.cell(r0, c0)
        span = f"{_col_letter(c0)}{r0 + 1}:{_col_letter(c1)}{r1 + 1}"
        label = str(text) if not _blank(text) else _col_letter(c0)
        rows = message("rows_span", n=r1 - h, first=h + 2, last=r1 + 1)
        problems.append(Problem(message("header_merged_down", span=span, header=label, rows=rows, row=h + 1),
                                file=raw.file, sheet=raw.name, row=h + 1, column=label))
        for j in range(c0, c1 + 1):
            under.setdefault(j, set()).update(range(h + 1, r1 + 1))
    return under


def _dtype(col: Column):
    if col.kind in ("number", "rating"):
        return float
    if col.kind == "yesno":
        return bool
    return object


def _check_unique(pt: ParsedTable, col: str, raw: RawSheet, problems: list[Problem]) -> None:
    values = list(pt.frame[col])
    keys = [v.casefold() for v in values if v is not None]
    if len(set(keys)) == len(keys):
        return                             # the usual case, decided at C speed
    label = pt.headers.get(col, col)
    seen: dict[str, tuple[str, int]] = {}
    for value, row in zip(values, pt.rows):
        if value is None:
            continue
        key = value.casefold()
        if key in seen:
            first, first_row = seen[key]
            key = "duplicate_id" if first == value else "duplicate_case"
            problems.append(Problem(message(key, column=label, value=value, first=first, row=first_row),
                                    file=raw.file, sheet=raw.name, row=row, column=label))
        else:
            seen[key] = (value, row)

