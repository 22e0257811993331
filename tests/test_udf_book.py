"""``--formulas udf`` books: the margin, cost-to-serve, net profit and score columns use the
XLPROF_ functions -- one array formula per column, so a book makes four calls into Python
on every recalculation, not four per client -- and their cached values are the engine's.
Each such formula is also evaluated through xlwings' own UDF path (tests/xlwings_win.py:
CallUDF with the referenced cells' values, shaped as Excel passes them, the caller being
the array's whole range) and must give every cell's cached value.

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


def _array_refs(path: Path) -> dict[tuple[str, str], str]:
    """{(sheet, anchor cell): range} of the array formulas (<f t="array" ref=...>) of ``path``."""
    import zipfile

    out = {}
    with zipfile.ZipFile(path) as zf:
        for name, member in lo._sheet_parts(zf):
            for el, ns in lo._iter_c(zf, member):
                f = el.find(ns + "f")
                if f is not None and f.get("t") == "array":
                    out[(name, el.get("r"))] = f.get("ref")
    return out


def test_udf_columns_use_one_xlprof_array_formula_each_with_engine_cached_values(book):
    path, a = book
    cells = lo.read_formula_cells(path)
    xlprof_cells = [(sheet, ref, f) for sheet, formulas in cells.items() for ref, (f, _) in formulas.items()
                    if f.lstrip("=").startswith("XLPROF_")]
    used = {re.match(r"=?(XLPROF_\w+)", f)[1] for _, _, f in xlprof_cells}
    assert used == {"XLPROF_MARGIN", "XLPROF_COST_TO_SERVE", "XLPROF_NET_PROFIT", "XLPROF_TERMINATION_SCORE"}
    n = len(a.clients)
    assert len(xlprof_cells) == 4  # one call per column, whatever the number of clients
    arrays = _array_refs(path)
    assert arrays[("Profitability", "D2")] == f"D2:D{n + 1}"
    assert arrays[("Profitability", "H2")] == f"H2:H{n + 1}"
    prof = _values(path)["Profitability"]
    for i in range(n):
        assert prof[i + 1][3] == pytest.approx(a.clients["gross_margin"].iloc[i], rel=1e-12)
        assert prof[i + 1][4] == pytest.approx(a.clients["cost_to_serve"].iloc[i], rel=1e-12)
        assert prof[i + 1][7] == pytest.approx(a.clients["net_profit"].iloc[i], rel=1e-12)
    text = _values(path)["README"]
    assert any("add-in" in str(c) for row in text for c in row)


def _cell_ref(ref: str) -> tuple[int, int]:
    m = re.match(r"([A-Z]+)(\d+)$", ref)
    return int(m[2]) - 1, _col(m[1])


def test_udf_formulas_evaluated_through_xlwings_give_their_cached_values(udfs, book):
    path, a = book
    cells = lo.read_formula_cells(path)
    values = _values(path)
    arrays = _array_refs(path)
    checked = 0
    for sheet, formulas in cells.items():
        for ref, (formula, cached) in formulas.items():
            m = re.match(r"^=?(XLPROF_\w+)\((.*)\)$", formula)
            if not m:
                continue
            top, bottom = arrays[(sheet, ref)].split(":")
            (r1, c1), (r2, _) = _cell_ref(top), _cell_ref(bottom)
            args = [_arg(t, sheet, values) for t in m[2].split(",")]
            caller = xw_win.fake_caller(r2 - r1 + 1, 1, row=r1 + 1, column=c1 + 1, sheet=sheet)
            got = xw_win.call_udf("xlprof.udfs", m[1], *args, caller=caller)
            want = [values[sheet][r][c1] for r in range(r1, r2 + 1)]
            assert len(got) == len(want), (sheet, ref, formula)
            for (g,), w in zip(got, want):
                if w in ("", None):
                    assert g in ("", None), (sheet, ref, formula, got)
                else:
                    assert g == pytest.approx(w, rel=1e-9, abs=1e-9), (sheet, ref, formula, got)
            checked += 1
    assert checked == 4


def test_generate_with_formulas_udf(tmp_path):
    from xlprof.workbook.inputs import write_input_workbook

    src = tmp_path / "in.xlsx"
    write_input_workbook(edge_portfolio(), src)
    r = CliRunner().invoke(main, ["generate", str(src), "-o", str(tmp_path), "--formulas", "udf"])
    assert r.exit_code == 0, r.output
    cells = lo.read_formula_cells(tmp_path / "in-analysis.xlsx")
    assert any(f.lstrip("=").startswith("XLPROF_TERMINATION_SCORE") for f, _ in cells["Scores"].values())
