"""Builders for bad inputs, shared by the bad-input tests (test_cli_inputs, test_hostile).

Everything starts from one small valid input workbook (``demo_portfolio(12)``), made
once per session and copied, then altered with openpyxl, by rewriting zip members,
or written directly as CSV files / raw bytes.
"""

from __future__ import annotations

import csv
import functools
import io
import warnings
import zipfile
from pathlib import Path
from typing import Callable

from click.testing import CliRunner, Result

from xlprof.cli import main

N_CLIENTS = 12


@functools.lru_cache(maxsize=None)
def _base_bytes(lang: str) -> bytes:
    import tempfile

    from xlprof.demo import demo_portfolio
    from xlprof.workbook.inputs import write_input_workbook

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "base.xlsx"
        write_input_workbook(demo_portfolio(N_CLIENTS), p, lang=lang)
        return p.read_bytes()


def valid_book(folder: Path, name: str = "input.xlsx", lang: str = "en") -> Path:
    """A valid input workbook (12 demo clients) at ``folder/name``."""
    p = Path(folder) / name
    p.write_bytes(_base_bytes(lang))
    return p


def edit_book(path: Path, fn: Callable, out: Path | None = None) -> Path:
    """Load ``path`` with openpyxl, call ``fn(wb)``, save (to ``out`` or in place)."""
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about data validation extensions
        wb = openpyxl.load_workbook(path)
        fn(wb)
        wb.save(out or path)
    return out or path


def bad_book(folder: Path, fn: Callable, name: str = "input.xlsx", lang: str = "en") -> Path:
    """A valid book altered by ``fn(wb)`` (openpyxl)."""
    return edit_book(valid_book(folder, name, lang), fn)


def set_cells(folder: Path, sheet: str, cells: dict[str, object], name: str = "input.xlsx") -> Path:
    """A valid book with the given cells (``{"E3": "n/a"}``) of ``sheet`` overwritten."""

    def fn(wb):
        for ref, v in cells.items():
            wb[sheet][ref] = v

    return bad_book(folder, fn, name)


def rewrite_zip(src: Path, dst: Path, replace: dict[str, bytes] | None = None,
                add: dict[str, bytes] | None = None,
                transform: Callable[[str, bytes], bytes] | None = None) -> Path:
    """Copy the zip ``src`` to ``dst`` replacing/adding members (by name)."""
    replace = replace or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = replace.get(info.filename, None)
            if data is None:
                data = zin.read(info)
                if transform is not None:
                    data = transform(info.filename, data)
            zout.writestr(info.filename, data)
        for n, data in (add or {}).items():
            zout.writestr(n, data)
    return dst


def sheet_part(book: Path, sheet: str) -> str:
    """Zip member name of ``sheet`` in ``book``."""
    from xlprof.io.safety import check_xlsx

    return check_xlsx(book).sheet_parts[sheet]


# --- CSV folders ------------------------------------------------------------------------


def raw_tables(lang: str = "en") -> dict[str, list[list[object]]]:
    """The valid demo tables as rows of cell values (header first), as python-calamine
    reads them from the base workbook (Settings keeps its key and value columns)."""
    import python_calamine as pc

    wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(_base_bytes(lang)))
    out = {}
    for name in wb.sheet_names:
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        if name in ("Settings", "Parámetros"):
            rows = [r[:2] for r in rows]
        out[name] = [list(r) for r in rows]
    return out


def portfolio_tables(lang: str = "en") -> dict[str, list[list[object]]]:
    """The valid demo tables as rows of CSV text (header first)."""
    return {name: [[_csv_cell(v) for v in r] for r in rows] for name, rows in raw_tables(lang).items()}


def xlsxwriter_book(path: Path, tables: dict[str, list[list[object]]] | None = None,
                    hook: Callable | None = None) -> Path:
    """Write ``tables`` (default: the valid demo tables) with XlsxWriter, then call
    ``hook(workbook, worksheets_by_name)`` before closing (to write formulas, errors...)."""
    import datetime as dt

    import xlsxwriter

    tables = tables if tables is not None else raw_tables()
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False,
                                         "strings_to_urls": False})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    sheets = {}
    for name, rows in tables.items():
        ws = sheets[name] = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is None or v == "":
                    continue
                if isinstance(v, (dt.date, dt.datetime)):
                    ws.write_datetime(r, c, v, date_fmt)
                elif isinstance(v, bool):
                    ws.write_boolean(r, c, v)
                elif isinstance(v, (int, float)):
                    ws.write_number(r, c, v)
                else:
                    ws.write_string(r, c, str(v))
    if hook is not None:
        hook(wb, sheets)
    wb.close()
    return path


def _csv_cell(v):
    import datetime as dt

    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return "" if v is None else str(v)


def write_csv_folder(folder: Path, tables: dict[str, list[list[object]]] | None = None, *,
                     encoding: str = "utf-8", delimiter: str = ",",
                     decimal_comma: bool = False) -> Path:
    """Write ``tables`` (default: the valid demo tables) as ``folder/<Name>.csv``."""
    folder.mkdir(parents=True, exist_ok=True)
    tables = tables if tables is not None else portfolio_tables()
    for name, rows in tables.items():
        buf = io.StringIO()
        w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
        for r in rows:
            if decimal_comma:
                r = [_decimal_comma(v) for v in r]
            w.writerow(r)
        (folder / f"{name}.csv").write_bytes(buf.getvalue().encode(encoding))
    return folder


def _decimal_comma(v):
    s = str(v)
    try:
        float(s)
    except ValueError:
        return v
    return s.replace(".", ",")


# --- running the CLI --------------------------------------------------------------------


def run(*args: object, input: str | None = None) -> Result:
    """Invoke the CLI in-process; fails the test if a traceback was printed."""
    result = CliRunner().invoke(main, [str(a) for a in args], input=input)
    out = result.output
    assert "Traceback" not in out, out
    assert "internal error" not in out, out
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"uncaught {type(result.exception).__name__}: {result.exception}\n{out}")
    return result


def expect(result: Result, code: int, *fragments: str) -> str:
    """Assert the exit code and that every fragment is in the output; return the output."""
    out = result.output
    assert result.exit_code == code, f"exit {result.exit_code}, expected {code}:\n{out}"
    for f in fragments:
        assert f in out, f"{f!r} not in output:\n{out}"
    return out


def problem_lines(out: str) -> list[str]:
    """The located problem lines of an "xlprof: N problems" message."""
    return [ln.strip() for ln in out.splitlines() if ln.startswith("  ")]


def where(file: Path | str, sheet: str | None = None, row: int | None = None,
          column: str | None = None) -> str:
    """The location prefix xlprof prints: ``file, sheet S, row R, column C: ``."""
    parts = [str(file)]
    if sheet is not None:
        parts.append(f"sheet {sheet}")
    if row is not None:
        parts.append(f"row {row}")
    if column is not None:
        parts.append(f"column {column}")
    return ", ".join(parts) + ": "


def assert_located(out: str, file: Path | str, sheet: str | None, row: int | None,
                   column: str | None, fragment: str) -> str:
    """Some output line starts with the location and contains ``fragment``; return it."""
    prefix = where(file, sheet, row, column)
    hits = [ln.strip() for ln in out.splitlines() if ln.strip().startswith(prefix) and fragment in ln]
    assert hits, f"no line {prefix!r}...{fragment!r} in:\n{out}"
    return hits[0]


