"""``--formulas udf`` books: the margin, cost-to-serve, net profit and score columns use the
XLPROF_ functions, and their cached values are the engine's. Each such formula is also
evaluated through xlwings' own UDF path (tests/xlwings_win.py: CallUDF with the referenced
cells' values, shaped as Excel passes them) and must give its cached value.

Not covered: Excel itself evaluating the formulas (no Excel here); LibreOffice cannot
compute XLPROF_ functions, so these books are not recalculated in LibreOffice.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import xlwings_win as xw_win
from test_workbook import edge_portfolio
from xlprof.cli import main
from xlprof.model import analyze
from xlprof.workbook.book import write_analysis_book

try:
    from . import lo
except ImportError:
    import lo

REF = re.compile(r"^(?:(?P<sheet>'(?:[^']|'')+'|[A-Za-z_][\w.]*)!)?\$?(?P<c1>[A-Z]+)\$?(?P<r1>\d+)"
                 r"(?::\$?(?P<c2>[A-Z]+)\$?(?P<r2>\d+))?$")


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    p = edge_portfolio()
    a = analyze(p)
    path = tmp_path_factory.mktemp("udf") / "udf.xlsx"
    write_analysis_book(a, p, path, formulas="udf")
    return path, a


def _values(path: Path) -> dict[str, list[list]]:
    import python_calamine as pc

    wb = pc.CalamineWorkbook.from_path(str(path))
    return {n: wb.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in wb.sheet_names}


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _arg(token: str, sheet: str, values: dict[str, list[list]]):
    m = REF.match(token.strip())
    assert m, token
    name = m["sheet"] or sheet
    name = name[1:-1].replace("''", "'") if name.startswith("'") else name
    rows = values[name]

    def cell(r, c):
        v = rows[r][c] if r < len(rows) and c < len(rows[r]) else ""
        return None if v == "" else float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v

    r1, c1 = int(m["r1"]) - 1, _col(m["c1"])
    if not m["c2"]:
        return cell(r1, c1)
    r2, c2 = int(m["r2"]) - 1, _col(m["c2"])
    return tuple(tuple(cell(r, c) for c in range(c1, c2 + 1)) for r in range(r1, r2 + 1))


def test_udf_columns_use_xlprof_functions_with_engine_cached_values(book):
    path, a = book
    cells = lo.read_formula_cells(path)
    used = {re.match(r"=?(XLPROF_\w+)", f)[1] for sheet in cells.values() for f, _ in sheet.values()
            if f.lstrip("=").startswith("XLPROF_")}
    assert used == {"XLPROF_MARGIN", "XLPROF_COST_TO_SERVE", "XLPROF_NET_PROFIT", "XLPROF_TERMINATION_SCORE"}
    prof = cells["Profitability"]
    n = len(a.clients)
    for i in range(n):
        f, v = prof[f"D{i + 2}"]
        assert f.lstrip("=").startswith("XLPROF_MARGIN(")
        assert v == pytest.approx(a.clients["gross_margin"].iloc[i], rel=1e-12)
        assert prof[f"H{i + 2}"][1] == pytest.approx(a.clients["net_profit"].iloc[i], rel=1e-12)
    text = _values(path)["README"]
    assert any("add-in" in str(c) for row in text for c in row)


def test_udf_formulas_evaluated_through_xlwings_give_their_cached_values(udfs, book):
    path, a = book
    cells = lo.read_formula_cells(path)
    values = _values(path)
    checked = 0
    for sheet, formulas in cells.items():
        for ref, (formula, cached) in formulas.items():
            m = re.match(r"^=?(XLPROF_\w+)\((.*)\)$", formula)
            if not m:
                continue
            args = [_arg(t, sheet, values) for t in m[2].split(",")]
            got = xw_win.call_udf("xlprof.udfs", m[1], *args)
            if cached in ("", None):
                assert got in ("", None), (sheet, ref, formula, got)
            else:
                assert got == pytest.approx(cached, rel=1e-9, abs=1e-9), (sheet, ref, formula, got)
            checked += 1
    assert checked == 4 * len(a.clients)


def test_generate_with_formulas_udf(tmp_path):
    from xlprof.workbook.inputs import write_input_workbook

    src = tmp_path / "in.xlsx"
    write_input_workbook(edge_portfolio(), src)
    r = CliRunner().invoke(main, ["generate", str(src), "-o", str(tmp_path), "--formulas", "udf"])
    assert r.exit_code == 0, r.output
    cells = lo.read_formula_cells(tmp_path / "in-analysis.xlsx")
    assert any(f.lstrip("=").startswith("XLPROF_TERMINATION_SCORE") for f, _ in cells["Scores"].values())
