"""docs/bad-input.md stays true: every row of its tables with a ``test`` column names tests
that exist, and the number formats it says are display only read as the stored number.

A row's test cell holds references such as ``test_cli_inputs.py::test_cell_problem[text-na]``,
``test_hostile.py::test_zip_bomb``, a bare ``test_name`` (searched in every test file, or in
the file the cell named before) or a further ``[id]`` of the same test. A renamed or deleted
test, or a row added without its test, fails here.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from _inputs import raw_tables, xlsxwriter_book
from xlprof.io.reader import read_portfolio, read_sheets

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "bad-input.md"
REF = re.compile(r"(?:(test_\w+\.py)::)?(test_\w+)?(?:\[(.*)\])?")


def _test_sources() -> dict[str, tuple[str, set[str]]]:
    out = {}
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        text = path.read_text(encoding="utf-8")
        names = {n.name for n in ast.walk(ast.parse(text)) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                 and n.name.startswith("test_")}
        out[path.name] = (text, names)
    return out


def _rows_with_a_test_column(text: str):
    """(line number, first cell, last cell) of every body row of the tables whose last
    column is headed ``test``."""
    header = None
    for ln, line in enumerate(text.splitlines(), 1):
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
            continue
        if set(line) <= set("|-: ") or header[-1] != "test":
            continue
        yield ln, cells[0], cells[-1]


def _problems(doc: str, sources: dict[str, tuple[str, set[str]]]) -> list[str]:
    problems = []
    rows = 0
    for ln, first, cell in _rows_with_a_test_column(doc):
        rows += 1
        refs = re.findall(r"`([^`]+)`", re.sub(r"\([^()]*\)", "", cell))   # (remarks) name no test
        if not refs:
            problems.append(f"line {ln} ({first[:60]}): no test named")
            continue
        file = name = None
        for ref in refs:
            m = REF.fullmatch(ref)
            if m is None or not (m.group(2) or name):
                problems.append(f"line {ln}: {ref!r} is not a test reference")
                continue
            file, name, param = m.group(1) or file, m.group(2) or name, m.group(3)
            files = [file] if file else [f for f, (_, names) in sources.items() if name in names]
            if not files or file and (file not in sources or name not in sources[file][1]):
                problems.append(f"line {ln}: no test {ref!r}")
                continue
            if param and param != "…" and not any(
                    param in sources[f][0] or param.replace("\\", "\\\\") in sources[f][0] for f in files):
                problems.append(f"line {ln}: {name} has no case {param!r}")
    assert rows > 100, "the tables of docs/bad-input.md were not found"
    return problems


def test_every_row_of_bad_input_md_names_tests_that_exist():
    assert _problems(DOC.read_text(encoding="utf-8"), _test_sources()) == []


def test_the_check_fails_on_a_missing_or_renamed_test():
    doc = DOC.read_text(encoding="utf-8")
    sources = _test_sources()
    broken = doc.replace("`test_hostile.py::test_zip_bomb`", "`test_hostile.py::test_zip_bombs`", 1)
    broken = broken.replace("`test_cli_inputs.py::test_cell_problem[text-na]`",
                            "`test_cli_inputs.py::test_cell_problem[text-nope]`", 1)
    broken = broken.replace("| 3 | `test_cli_inputs.py::test_not_a_zip` |", "| 3 | — |", 1)
    assert sorted(_problems(broken, sources)) == sorted([
        f"line {_line(doc, 'test_not_a_zip')} (text file named .xlsx): no test named",
        f"line {_line(doc, 'test_zip_bomb`')}: no test 'test_hostile.py::test_zip_bombs'",
        f"line {_line(doc, 'test_cell_problem[text-na]')}: test_cell_problem has no case 'text-nope'"])


def _line(doc: str, needle: str) -> int:
    return next(k for k, line in enumerate(doc.splitlines(), 1) if needle in line)


# --- a row of the doc: number formats that only change what is shown -------------------------

REVENUE, COGS = 4, 6


@pytest.mark.parametrize("fmt", ['#,##0,', '#,##0,,"M"', "# ?/?", "0", "#,##0", ";;;", '0.0,"k"'])
def test_display_only_formats_read_the_stored_number(tmp_path, fmt):
    """Thousands scaling, fractions, rounding, a hidden value: Excel's formulas use the stored
    number, and so does xlprof (the format changes only what the cell shows)."""
    tables = raw_tables()
    revenue, cogs = 123456.75, 61728.4

    def hook(wb, ws):
        f = wb.add_format({"num_format": fmt})
        ws["Clients"].write_number(1, REVENUE, revenue, f)
        ws["Clients"].write_number(1, COGS, cogs, f)

    book = xlsxwriter_book(tmp_path / "formats.xlsx", tables, hook)
    row = read_sheets(book)["Clients"].rows[1]
    assert (row[REVENUE], row[COGS]) == (revenue, cogs)
    clients = read_portfolio(book).clients.set_index("client_id")
    assert (clients.loc["C0001", "revenue"], clients.loc["C0001", "cogs"]) == (revenue, cogs)
