"""Raw files into DuckDB: CSV/TSV read as text by DuckDB's parallel reader (DuckDB never
guesses a decimal mark or a date order), xlsx through xlprof's own safe reader, Parquet as typed.

A file becomes a *scan*: a SQL FROM item that yields only the columns the sources workbook
names, under those names. CSV and Parquet files are not copied: the one statement that
aggregates a source reads them once (engine.py). A workbook's cells go to a temporary table;
its real numbers and dates go to companion columns ``<header>#n`` (DOUBLE) and ``<header>#d``
(DATE), so they are never re-read as text. ``row_sql`` gives the row a spreadsheet shows
(the header being row 1), for the statements that list rows.
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
from .rule import lit, q

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
    rows: int | None = None               # known for workbooks; CSV/Parquet: counted by the scan
    header_row: int = 1                   # 1-based row of the header (xlsx may start lower)
    display: str = ""                     # the path as shown (relative to the sources workbook)
    source: str = ""                      # the FROM item (a table, read_csv(...), read_parquet(...))
    columns: dict[str, str] = field(default_factory=dict)   # output column -> SQL over the file's columns
    row_sql: str = "NULL"                 # the file row of a record (xlsx, Parquet)

    def scan(self, numbered: bool = False) -> str:
        """SELECT of the wanted columns (and ``_row`` when ``numbered``) from the file."""
        cols = ", ".join(f"{c} AS {q(w)}" for w, c in self.columns.items())
        if not numbered:
            return f"(SELECT {cols} FROM {self.source})"
        if self.fmt == "csv":
            return f"(SELECT row_number() OVER () + {self.header_row} AS _row, {cols} FROM {self.source})"
        return f"(SELECT {self.row_sql} AS _row, {cols} FROM {self.source})"


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
    try:
        with open(path, "r", encoding="cp1252", newline="") as src, \
                open(out, "w", encoding="utf-8", newline="") as dst:
            while chunk := src.read(1 << 22):         # streamed, 4 MiB at a time
                dst.write(chunk)
    except UnicodeDecodeError as exc:
        raise UnreadableFileError(str(path), f"is neither UTF-8 nor Windows-1252 text (byte 0x{exc.object[exc.start]:02X}); "
                                             "save it as UTF-8") from None
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
    """The scan of the ``wanted`` columns of ``path`` (a workbook's cells go to ``table``);
    None (and a problem) when a column is missing. ``log`` receives the statements run."""
    log = log if log is not None else []
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return _load_csv(con, path, wanted, tmpdir, problems, where)
    if suffix in XLSX_SUFFIXES:
        return _load_xlsx(con, path, table, wanted, sheet, problems, where, log)
    if suffix in PARQUET_SUFFIXES:
        return _load_parquet(con, path, wanted, problems, where)
    raise UnreadableFileError(str(path), f"unsupported file type {suffix or '(none)'}: expected "
                                         ".csv, .tsv, .txt, .xlsx or .parquet")


def _report_missing(ft: FileTable, wanted: list[str], problems: list[Problem], where: dict) -> bool:
    miss = missing_columns(ft, wanted)
    for m in miss:
        problems.append(Problem(f"column {m!r} is not in {ft.path.name} (its columns: "
                                f"{', '.join(ft.headers.values())})", **where))
    return bool(miss)


def csv_source(path: Path, delim: str, names: list[str]) -> str:
    """``read_csv`` of every column as text, under the given names (no sniffing)."""
    columns = "{" + ", ".join(f"{lit(n)}: 'VARCHAR'" for n in names) + "}"
    return (f"read_csv({lit(str(path))}, delim={lit(delim)}, quote='\"', escape='\"', header=true, "
            f"all_varchar=true, auto_detect=false, columns={columns})")


def _load_csv(con, path, wanted, tmpdir, problems, where):
    delim, names, enc = sniff_csv(path)
    ft = FileTable(path, "", "csv", match_headers(names), delim)
    if _report_missing(ft, wanted, problems, where):
        return None
    seen: set[str] = set()
    unique = []
    for j, n in enumerate(names):            # blank or repeated headers get a name by position
        n = n if n and n not in seen else f"{n or 'column'}#{j + 1}"
        seen.add(n)
        unique.append(n)
    col = {norm_key(n): u for n, u in zip(reversed(names), reversed(unique))}   # the first of a name wins
    src = path if enc == "utf-8" else _transcode(path, tmpdir)
    ft.source = csv_source(src, delim, unique)
    ft.columns = {w: q(col[norm_key(w)]) for w in dict.fromkeys(wanted)}
    ft.headers = {norm_key(w): w for w in wanted}
    try:                                     # the header and the first lines parse: an early check
        con.execute(f"SELECT * FROM {ft.scan()} LIMIT 1").fetchall()
    except Exception as exc:  # duckdb.Error subclasses
        if "unicode" in str(exc).lower() and enc == "utf-8":
            ft.source = csv_source(_transcode(path, tmpdir), delim, unique)
        else:
            raise UnreadableFileError(str(path), csv_reason(str(exc))) from None
    return ft


def csv_reason(msg: str) -> str:
    lines = [ln.strip() for ln in msg.splitlines() if ln.strip()]
    head = " ".join(lines[:2])[:300]
    return f"is not valid CSV: {head}; check the delimiter and the quotes of that line"


def _load_xlsx(con, path, table, wanted, sheet, problems, where, log):
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
    n_rows = max(len(raw.rows) - h - 1, 0)
    frame = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in data.items()}, index=range(n_rows))
    con.register("_xl", frame)
    log.append(f"-- {table}: the cells of {path.name}, read by xlprof's xlsx reader")
    try:
        casts = []
        for w in dict.fromkeys(wanted):
            casts += [f"CAST({q(w)} AS VARCHAR) AS {q(w)}", f"CAST({q(w + '#n')} AS DOUBLE) AS {q(w + '#n')}",
                      f"CAST({q(w + '#d')} AS DATE) AS {q(w + '#d')}"]
        con.execute(f"CREATE TEMP TABLE {q(table)} AS SELECT {', '.join(casts)} FROM _xl")
    finally:
        con.unregister("_xl")
    # rows with every wanted cell blank are not records (spreadsheets pad their used range);
    # rowid keeps each remaining record's row number
    blank = " AND ".join(f"{q(w)} IS NULL AND {q(w + '#n')} IS NULL AND {q(w + '#d')} IS NULL"
                         for w in dict.fromkeys(wanted))
    con.execute(f"DELETE FROM {q(table)} WHERE {blank}")
    ft.rows = con.execute(f"SELECT count(*) FROM {q(table)}").fetchone()[0]
    ft.native = set(dict.fromkeys(wanted))
    ft.headers = {norm_key(w): w for w in wanted}
    ft.source = q(table)
    ft.row_sql = f"rowid + {h + 2}"
    ft.columns = {c: q(c) for w in dict.fromkeys(wanted) for c in (w, w + "#n", w + "#d")}
    return ft


_NUMERIC = ("DOUBLE", "FLOAT", "DECIMAL", "INT", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT",
            "UINTEGER", "USMALLINT", "UTINYINT", "REAL")


def _load_parquet(con, path, wanted, problems, where):
    try:
        desc = con.execute(f"DESCRIBE SELECT * FROM read_parquet({lit(str(path))})").fetchall()
    except Exception as exc:
        raise UnreadableFileError(str(path), f"cannot be read as Parquet ({str(exc).splitlines()[0]})") from None
    types = {name: typ for name, typ, *_ in desc}
    ft = FileTable(path, "", "parquet", match_headers(list(types)))
    if _report_missing(ft, wanted, problems, where):
        return None
    for w in dict.fromkeys(wanted):
        col, typ = ft.headers[norm_key(w)], types[ft.headers[norm_key(w)]].upper()
        c = q(col)
        numeric = typ.startswith(_NUMERIC)
        is_date = typ.startswith("DATE") or typ.startswith("TIMESTAMP")
        ft.columns[w] = "NULL::VARCHAR" if numeric or is_date else f"CAST({c} AS VARCHAR)"
        ft.columns[w + "#n"] = f"CAST({c} AS DOUBLE)" if numeric else "NULL::DOUBLE"
        ft.columns[w + "#d"] = f"CAST({c} AS DATE)" if is_date else "NULL::DATE"
    ft.source = f"read_parquet({lit(str(path))}, file_row_number=true)"
    ft.row_sql = "file_row_number + 2"
    ft.native = set(dict.fromkeys(wanted))
    ft.headers = {norm_key(w): w for w in wanted}
    return ft


def new_tmpdir() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="xlprof-ingest-")
