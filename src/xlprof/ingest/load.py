"""Raw files into DuckDB, scanned once each: CSV/TSV read as text (DuckDB never guesses a
decimal mark or a date order), xlsx through xlprof's own safe reader, Parquet as typed.

Each file becomes one temporary table holding only the columns the sources workbook names,
in file order (``rowid`` + 2 is the row a spreadsheet shows, the header being row 1). Text
cells are VARCHAR; a workbook's or a Parquet file's real numbers and dates go to companion
columns ``<header>#n`` (DOUBLE) and ``<header>#d`` (DATE), so they are never re-read as text.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem, UnreadableFileError
from ..io.cells import MARKERS
from ..textnorm import norm_key
from .rule import q

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
PARQUET_SUFFIXES = (".parquet", ".pq")
DELIMITERS = (";", "\t", ",")


@dataclass
class FileTable:
    path: Path
    table: str
    fmt: str                              # csv | xlsx | parquet
    headers: dict[str, str]               # norm_key(header) -> header as in the file
    delimiter: str | None = None
    native: set[str] = field(default_factory=set)   # headers with #n / #d companions
    rows: int = 0
    header_row: int = 1                   # 1-based row of the header (xlsx may start lower)
    display: str = ""                     # the path as shown (relative to the sources workbook)


def sniff_csv(path: Path) -> tuple[str, list[str], str]:
    """(delimiter, header names, encoding) from the first line; ``,`` ``;`` or tab."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(1 << 16)
    except OSError as exc:
        raise UnreadableFileError(str(path), f"cannot be read ({exc.strerror or exc})") from None
    if b"\x00" in head[:4096]:
        raise UnreadableFileError(str(path), "is not a text CSV file (binary content)")
    enc = "utf-8"
    try:
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except UnicodeDecodeError:
        enc, text = "cp1252", head.decode("cp1252", "replace")
    first = text.splitlines()[0] if text.strip() else ""
    if not first.strip():
        raise UnreadableFileError(str(path), "is empty or its first line is blank; expected a header row")
    best = max(DELIMITERS, key=lambda d: len(next(csv.reader(io.StringIO(first), delimiter=d))))
    names = next(csv.reader(io.StringIO(first), delimiter=best))
    return best, [n.strip() for n in names], enc


def _transcode(path: Path, tmpdir: Path) -> Path:
    """A UTF-8 copy of a Windows-1252 file (DuckDB reads UTF-8)."""
    out = tmpdir / (path.name + ".utf8.csv")
    with open(path, "r", encoding="cp1252", newline="") as src, open(out, "w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(1 << 22):
            dst.write(chunk)
    return out


def match_headers(names: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for n in names:
        out.setdefault(norm_key(n), n)
    return out


def missing_columns(ft: FileTable, wanted: list[str]) -> list[str]:
    return [w for w in wanted if norm_key(w) not in ft.headers]


def load_file(con, path: Path, table: str, wanted: list[str], *, sheet: str | None,
              tmpdir: Path, problems: list[Problem], where: dict, log: list[str] | None = None) -> FileTable | None:
    """Create ``table`` with the ``wanted`` columns of ``path``; None (and a problem) when a
    column is missing. ``log`` receives the statements run (for ``--show-sql``)."""
    con = _Logged(con, log if log is not None else [])
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return _load_csv(con, path, table, wanted, tmpdir, problems, where)
    if suffix in XLSX_SUFFIXES:
        return _load_xlsx(con, path, table, wanted, sheet, problems, where)
    if suffix in PARQUET_SUFFIXES:
        return _load_parquet(con, path, table, wanted, problems, where)
    raise UnreadableFileError(str(path), f"unsupported file type {suffix or '(none)'}: expected "
                                         ".csv, .tsv, .txt, .xlsx or .parquet")


class _Logged:
    """A connection that records the statements that create tables."""

    def __init__(self, con, log: list[str]):
        self.con, self.log = con, log

    def execute(self, sql: str, params=None):
        from .rule import render

        if sql.startswith("CREATE"):
            self.log.append(render(sql, list(params or [])) + ";")
        return self.con.execute(sql, params or [])

    def register(self, name, frame):
        self.log.append(f"-- {name}: the workbook's cells, read by xlprof's xlsx reader")
        return self.con.register(name, frame)

    def unregister(self, name):
        return self.con.unregister(name)


def _report_missing(ft: FileTable, wanted: list[str], problems: list[Problem], where: dict) -> bool:
    miss = missing_columns(ft, wanted)
    for m in miss:
        problems.append(Problem(f"column {m!r} is not in {ft.path.name} (its columns: "
                                f"{', '.join(ft.headers.values())})", **where))
    return bool(miss)


def _load_csv(con, path, table, wanted, tmpdir, problems, where):
    delim, names, enc = sniff_csv(path)
    ft = FileTable(path, table, "csv", match_headers(names), delim)
    if _report_missing(ft, wanted, problems, where):
        return None
    cols = ", ".join(f"{q(ft.headers[norm_key(w)])} AS {q(w)}" for w in dict.fromkeys(wanted))
    sql = (f"CREATE TEMP TABLE {q(table)} AS SELECT {cols} FROM read_csv($1, delim=$2, quote='\"', "
           f"escape='\"', header=true, all_varchar=true, auto_detect=false, columns=$3)")
    src = path if enc == "utf-8" else _transcode(path, tmpdir)
    columns = {n if n else f"column{j}": "VARCHAR" for j, n in enumerate(names)}
    try:
        con.execute(sql, [str(src), delim, columns])
    except Exception as exc:  # duckdb.Error subclasses
        msg = str(exc)
        if "Invalid unicode" in msg and enc == "utf-8":
            src = _transcode(path, tmpdir)
            try:
                con.execute(sql, [str(src), delim, columns])
            except Exception as exc2:
                raise UnreadableFileError(str(path), _csv_reason(str(exc2))) from None
        else:
            raise UnreadableFileError(str(path), _csv_reason(msg)) from None
    ft.rows = con.execute(f"SELECT count(*) FROM {q(table)}").fetchone()[0]
    ft.headers = {norm_key(w): w for w in wanted}
    return ft


def _csv_reason(msg: str) -> str:
    lines = [ln.strip() for ln in msg.splitlines() if ln.strip()]
    head = " ".join(lines[:2])[:300]
    return f"is not valid CSV: {head}; check the delimiter and the quotes of that line"


def _load_xlsx(con, path, table, wanted, sheet, problems, where):
    import pandas as pd

    from ..io.reader import read_sheets

    sheets = read_sheets(path)
    if sheet:
        raw = next((s for n, s in sheets.items() if norm_key(n) == norm_key(sheet)), None)
        if raw is None:
            problems.append(Problem(f"{path.name} has no sheet {sheet!r} (sheets: {', '.join(sheets)})", **where))
            return None
    else:
        raw = next(iter(sheets.values()))
    want = {norm_key(w) for w in wanted}
    h = next((r for r in range(min(20, len(raw.rows)))
              if want <= {norm_key(v) for v in raw.rows[r] if isinstance(v, str)}), None)
    if h is None:
        h = 0
    names = [str(v).strip() if v is not None else "" for v in (raw.rows[h] if raw.rows else [])]
    ft = FileTable(path, table, "xlsx", match_headers([n for n in names if n]), header_row=h + 1)
    if _report_missing(ft, wanted, problems, where):
        return None
    data: dict[str, list] = {}
    for w in dict.fromkeys(wanted):
        j = names.index(ft.headers[norm_key(w)])
        text, num, day = [], [], []
        for r in range(h + 1, len(raw.rows)):
            v = raw.cell(r, j)
            t = n = d = None
            if isinstance(v, MARKERS) or isinstance(v, str) and raw.errors.get((r, j)):
                t = "\x00" + str(v)                 # never a number, a date or a client
            elif isinstance(v, bool):
                t = str(v).upper()
            elif isinstance(v, (int, float)):
                n = float(v)
            elif isinstance(v, dt.datetime):
                d = v.date()
            elif isinstance(v, dt.date):
                d = v
            elif v is not None:
                t = str(v)
            text.append(t), num.append(n), day.append(d)
        data[w] = text
        data[w + "#n"] = num
        data[w + "#d"] = day
    n_rows = len(raw.rows) - h - 1
    frame = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in data.items()}, index=range(max(n_rows, 0)))
    # keep file order; drop fully blank rows at the end only (they are not records)
    con.register("_xl", frame)
    try:
        casts = []
        for w in dict.fromkeys(wanted):
            casts += [f"CAST({q(w)} AS VARCHAR) AS {q(w)}", f"CAST({q(w + '#n')} AS DOUBLE) AS {q(w + '#n')}",
                      f"CAST({q(w + '#d')} AS DATE) AS {q(w + '#d')}"]
        con.execute(f"CREATE TEMP TABLE {q(table)} AS SELECT {', '.join(casts)} FROM _xl")
    finally:
        con.unregister("_xl")
    ft.native = set(dict.fromkeys(wanted))
    ft.rows = n_rows
    ft.headers = {norm_key(w): w for w in wanted}
    _drop_trailing_blank(con, ft, wanted)
    return ft


def _drop_trailing_blank(con, ft: FileTable, wanted: list[str]) -> None:
    """Rows with every wanted cell blank are not records (spreadsheets pad their used range)."""
    blank = " AND ".join(f"{q(w)} IS NULL AND {q(w + '#n')} IS NULL AND {q(w + '#d')} IS NULL"
                         for w in dict.fromkeys(wanted))
    con.execute(f"DELETE FROM {q(ft.table)} WHERE {blank}")
    ft.rows = con.execute(f"SELECT count(*) FROM {q(ft.table)}").fetchone()[0]


def _load_parquet(con, path, table, wanted, problems, where):
    try:
        desc = con.execute("DESCRIBE SELECT * FROM read_parquet($1)", [str(path)]).fetchall()
    except Exception as exc:
        raise UnreadableFileError(str(path), f"cannot be read as Parquet ({str(exc).splitlines()[0]})") from None
    types = {name: typ for name, typ, *_ in desc}
    ft = FileTable(path, table, "parquet", match_headers(list(types)))
    if _report_missing(ft, wanted, problems, where):
        return None
    casts = []
    for w in dict.fromkeys(wanted):
        col, typ = ft.headers[norm_key(w)], types[ft.headers[norm_key(w)]].upper()
        c = q(col)
        numeric = any(typ.startswith(t) for t in ("DOUBLE", "FLOAT", "DECIMAL", "INT", "BIGINT", "SMALLINT",
                                                   "TINYINT", "HUGEINT", "UBIGINT", "UINTEGER", "USMALLINT",
                                                   "UTINYINT", "REAL"))
        is_date = typ.startswith("DATE") or typ.startswith("TIMESTAMP")
        text = "NULL" if numeric or is_date else f"CAST({c} AS VARCHAR)"
        casts += [f"{text}::VARCHAR AS {q(w)}",
                  f"{'CAST(' + c + ' AS DOUBLE)' if numeric else 'NULL'}::DOUBLE AS {q(w + '#n')}",
                  f"{'CAST(' + c + ' AS DATE)' if is_date else 'NULL'}::DATE AS {q(w + '#d')}"]
    con.execute(f"CREATE TEMP TABLE {q(table)} AS SELECT {', '.join(casts)} FROM read_parquet($1)", [str(path)])
    ft.native = set(dict.fromkeys(wanted))
    ft.rows = con.execute(f"SELECT count(*) FROM {q(table)}").fetchone()[0]
    ft.headers = {norm_key(w): w for w in wanted}
    return ft


def new_tmpdir() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="xlprof-ingest-")
