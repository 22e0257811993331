"""The workbook writer's performance structure changes nothing in the file.

:mod:`xlprof.workbook.stream` streams the per-client sheets to disk (rows top to bottom),
serialises cells with its own copy of XlsxWriter's code and stores formulas without
XlsxWriter's per-formula regular expressions. Each of these must give the very bytes plain
XlsxWriter gives, keeping every cell in memory: checked on random sheets (hypothesis) and on
whole analysis books, each optimisation switched off on its own and all together.

By design (stated in the module): a format's XF index is fixed when the format is created,
not when a cell first uses it; the reference here is plain XlsxWriter in the same workbook
class, so the comparison is on everything else.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from xlsxwriter.worksheet import Worksheet as XlsxWorksheet
from xlsxwriter.worksheet import re_dynamic_function

from xlprof.demo import demo_portfolio
from xlprof.model import analyze
from xlprof.workbook import stream
from xlprof.workbook.book import write_analysis_book
from xlprof.workbook.stream import Book, RowOrderError, Worksheet, prepare_formula, worksheet_class

sys.path.insert(0, str(Path(__file__).parent))
from test_workbook import edge_portfolio  # noqa: E402


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def same_file(a: Path, b: Path) -> None:
    pa, pb = parts(a), parts(b)
    assert list(pa) == list(pb)
    for name in pa:
        assert pa[name] == pb[name], f"{name} differs"
    assert a.read_bytes() == b.read_bytes()


# --- random sheets ------------------------------------------------------------------------

TEXTS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12) | st.sampled_from(
    ["a", "b&c", "<x>", ' q"', "x\ny", "_x0001_", "  lead", "#N/A", "=1+1", ""])
VALUES = st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(-10**9, 10**9),
                   TEXTS, st.booleans(), st.sampled_from(["", "#N/A", "#DIV/0!"]))
CELL = st.tuples(st.integers(0, 70), st.integers(0, 25),
                 st.sampled_from(["number", "string", "blank", "date", "formula", "bool"]),
                 VALUES, st.integers(0, 3))


def _write_sheet(ws, cells, fmts, order_seed: int, *, fast: bool) -> None:
    ws.set_row(0, 30)
    ws.set_row(40, None, fmts[2])
    ws.set_column(3, 3, 20, fmts[1])
    final = {(r, c): rest for r, c, *rest in cells}
    rnd = random.Random(order_seed)
    order = sorted(final, key=lambda rc: (rc[0] // stream.BLOCK, rnd.random()))   # any order within a block
    for r, c in order:
        kind, v, f = final[(r, c)]
        fmt = fmts[f]
        if kind == "number":
            x = float(v) if isinstance(v, (int, float)) else 1.5
            ws.put_number(r, c, x, fmt) if fast else ws.write_number(r, c, x, fmt)
        elif kind == "string":
            ws.put_string(r, c, str(v), fmt) if fast else ws.write_string(r, c, str(v), fmt)
        elif kind == "blank":
            ws.put_blank(r, c, fmt) if fast else ws.write_blank(r, c, None, fmt)
        elif kind == "date":
            ws.write_datetime(r, c, dt.datetime(2020, 1, 1) + dt.timedelta(days=r * 31 + c), fmt)
        elif kind == "bool":
            ws.write_boolean(r, c, bool(v), fmt)
        else:
            formula = f'=IF(SUM(A1:B{r + 1})>0,"{str(v)[:3]}",C{c + 1}&"<&>")'
            (ws.put_formula if fast else ws.write_formula)(r, c, formula, fmt, v)


def _random_book(path: Path, cls, cells, order_seed: int, *, streamed: bool, fast: bool) -> None:
    """The sheet in a :class:`Book` of ``cls`` worksheets; ``cls=None``: in plain
    ``xlsxwriter.Workbook`` with its own worksheet, every cell in memory, each format's XF
    index taken when it is created (``Format._get_xf_index``, what :class:`Book` does: the one
    difference by design)."""
    import xlsxwriter

    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    wb = Book(str(path), options) if cls else xlsxwriter.Workbook(str(path), options)
    wb.set_properties({"created": dt.datetime(2000, 1, 1)})
    fmts = [None, wb.add_format({"bold": True}), wb.add_format({"num_format": "0.00"}),
            wb.add_format({"num_format": "yyyy-mm-dd", "locked": False})]
    if cls is None:
        for f in fmts[1:]:
            f._get_xf_index()
    ws = wb.add_worksheet("Data", worksheet_class=cls) if cls else wb.add_worksheet("Data")
    if streamed:
        ws.stream(keep=(0, 1))
    _write_sheet(ws, cells, fmts, order_seed, fast=fast)
    chart = wb.add_chart({"type": "scatter"})
    chart.add_series({"categories": "=Data!$A$1:$A$71", "values": "=Data!$B$1:$B$71"})
    ws.insert_chart(2, 30, chart)
    wb.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(CELL, min_size=1, max_size=400), order_seed=st.integers(0, 2**32 - 1))
def test_random_sheets_byte_identical_to_xlsxwriter(tmp_path_factory, cells, order_seed):
    d = tmp_path_factory.mktemp("rnd")
    _random_book(d / "plain.xlsx", XlsxWorksheet, cells, order_seed, streamed=False, fast=False)
    _random_book(d / "fast.xlsx", Worksheet, cells, order_seed, streamed=False, fast=True)
    _random_book(d / "streamed.xlsx", Worksheet, cells, order_seed, streamed=True, fast=True)
    same_file(d / "plain.xlsx", d / "fast.xlsx")
    same_file(d / "plain.xlsx", d / "streamed.xlsx")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(CELL, min_size=1, max_size=300), order_seed=st.integers(0, 2**32 - 1))
# found by CI: a "\r" in a value of a row spilled to disk came back as "\n" (text-mode temp file)
@example(cells=[(0, 0, "formula", "\r", 0), (16, 0, "number", 0.0, 0)], order_seed=0)
def test_streamed_book_equals_plain_xlsxwriter(tmp_path_factory, monkeypatch, cells, order_seed):
    """Against XlsxWriter itself (``xlsxwriter.Workbook``, not a subclass): every part of the
    package is byte for byte the same; at XlsxWriter's compression level the whole file is."""
    d = tmp_path_factory.mktemp("plain")
    _random_book(d / "plain.xlsx", None, cells, order_seed, streamed=False, fast=False)
    _random_book(d / "streamed.xlsx", Worksheet, cells, order_seed, streamed=True, fast=True)
    pa, pb = parts(d / "plain.xlsx"), parts(d / "streamed.xlsx")
    assert list(pa) == list(pb)
    for name in pa:
        assert pa[name] == pb[name], f"{name} differs"
    monkeypatch.setattr(stream, "COMPRESSION", 6)           # zlib's default, XlsxWriter's
    _random_book(d / "level6.xlsx", Worksheet, cells, order_seed, streamed=True, fast=True)
    assert (d / "level6.xlsx").read_bytes() == (d / "plain.xlsx").read_bytes()


def test_a_row_written_after_it_was_saved_is_an_error_not_a_loss(tmp_path):
    wb = Book(str(tmp_path / "x.xlsx"))
    ws = wb.add_worksheet("S").stream()
    for r in range(40):
        ws.write_number(r, 0, r)
    ws.write_number(33, 1, 1.0)            # still in the open block: fine
    with pytest.raises(RowOrderError, match="row 3 "):
        ws.write_number(2, 1, 1.0)
    with pytest.raises(RowOrderError):
        ws.set_row(5, 30)
    wb.close()


def test_a_chart_over_saved_rows_needs_its_columns_kept(tmp_path):
    wb = Book(str(tmp_path / "x.xlsx"))
    ws = wb.add_worksheet("S").stream(keep=(0,))
    for r in range(100):
        ws.write_number(r, 0, r)
        ws.write_number(r, 1, 2 * r)
    chart = wb.add_chart({"type": "line"})
    chart.add_series({"values": "=S!$B$1:$B$100"})     # column B was not kept
    ws.insert_chart(0, 3, chart)
    with pytest.raises(RowOrderError, match="not kept"):
        wb.close()


# --- whole analysis books -------------------------------------------------------------------

OPTIMISATIONS = [dict(serialiser=False, streamed=False, shortcut=False), dict(streamed=False, shortcut=False),
                 dict(serialiser=False, streamed=False), dict(shortcut=False)]


@pytest.fixture(scope="module")
def portfolios():
    return {"edge": edge_portfolio(), "demo": demo_portfolio(120)}


@pytest.mark.parametrize("on", OPTIMISATIONS, ids=lambda on: "+".join(k for k in ("serialiser", "streamed", "shortcut")
                                                                    if on.get(k, True)) or "xlsxwriter-alone")
@pytest.mark.parametrize("case", [("demo", "native", "en"), ("demo", "udf", "es"), ("edge", "native", "en"),
                                  ("edge", "values", "en")], ids="-".join)
def test_analysis_book_byte_identical_with_each_optimisation_off(tmp_path, monkeypatch, portfolios, on, case):
    """The book xlprof writes (every optimisation on) equals the book written with some or all
    of them off: XlsxWriter keeping every cell, its own serialiser, its own formula checks."""
    name, mode, lang = case
    p = portfolios[name]
    a = analyze(p, lang=lang)
    when = ("epoch", dt.datetime(2026, 11, 30, 12, 0))
    write_analysis_book(a, p, tmp_path / "xlprof.xlsx", formulas=mode, generated=when)
    monkeypatch.setattr(Book, "worksheet_class", worksheet_class(**on))
    write_analysis_book(a, p, tmp_path / "reference.xlsx", formulas=mode, generated=when)
    same_file(tmp_path / "reference.xlsx", tmp_path / "xlprof.xlsx")


def test_the_formula_shortcut_is_safe_for_every_formula_xlprof_writes(tmp_path, monkeypatch, portfolios):
    """put_formula skips XlsxWriter's dynamic-array detection and future-function prefixes:
    no formula of the books may need them (nor be an array formula in braces)."""
    seen = []

    class Spy(Worksheet):
        def put_formula(self, r, c, formula, fmt=None, value=0):
            seen.append(formula)
            return super().put_formula(r, c, formula, fmt, value)

    monkeypatch.setattr(Book, "worksheet_class", Spy)
    for name, p in portfolios.items():
        for mode in ("native", "udf"):
            write_analysis_book(analyze(p), p, tmp_path / f"{name}-{mode}.xlsx", formulas=mode)
    assert len(seen) > 10_000
    assert not [f for f in seen if re_dynamic_function.search(f) or f.startswith("{")]
    sheet = XlsxWorksheet()
    assert all(XlsxWorksheet._prepare_formula(sheet, f) == prepare_formula(f) for f in set(seen))
