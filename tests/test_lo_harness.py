"""Tests for the LibreOffice recalculation harness (tests/lo.py).

The ``libreoffice`` tests run soffice headless; they skip when it is missing
(CI installs it, see .ci/run).  The comparison tests at the top need no
LibreOffice: they compare two XlsxWriter books, one standing in for the
recalculated copy.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import xlsxwriter

try:  # tests/ as a package (if someone adds tests/__init__.py) or as rootdir
    from . import lo
except ImportError:
    import lo

needs_soffice = pytest.mark.skipif(
    lo.soffice_path() is None,
    reason="LibreOffice not installed (apt-get install --no-install-recommends libreoffice-calc)",
)
libreoffice = [pytest.mark.libreoffice, needs_soffice]


def _book(path: Path, cells: dict[str, tuple[str, object]], sheet: str = "Data", **options) -> Path:
    """A one-sheet book: {ref: (formula, cached value)}; constant cells for a formula of None."""
    wb = xlsxwriter.Workbook(str(path), options)
    ws = wb.add_worksheet(sheet)
    for ref, (formula, value) in cells.items():
        if formula is None:
            ws.write(ref, value)
        else:
            ws.write_formula(ref, formula, None, value)
    wb.close()
    return path


# --------------------------------------------------------------------------- #
# compare_recalculated semantics (no LibreOffice needed)
# --------------------------------------------------------------------------- #


@pytest.fixture(params=["whole", "streamed"])
def parse_mode(request, monkeypatch):
    if request.param == "streamed":
        monkeypatch.setattr(lo, "_STREAM_ABOVE", 0)
    return request.param


def test_compare_identical_values(tmp_path, parse_mode):
    cells = {
        "A1": (None, 2.0),
        "A2": ("=A1*2", 4),
        "A3": ('=IF(A1>5,"big","")', ""),
        "A4": ("=A1>1", True),
        "A5": ('="x"&A1', "x2"),
        "A6": ("=A1/3", 2 / 3),
    }
    a = _book(tmp_path / "a.xlsx", cells)
    b = _book(tmp_path / "b.xlsx", cells)
    assert lo.compare_recalculated(a, b) == []
    assert lo.read_formula_cells(a)["Data"] == {
        "A2": ("A1*2", 4.0),
        "A3": ('IF(A1>5,"big","")', None),  # XlsxWriter writes "" as an empty <v>
        "A4": ("A1>1", True),
        "A5": ('"x"&A1', "x2"),
        "A6": ("A1/3", 2 / 3),
    }


def test_compare_reports_each_kind_of_difference(tmp_path, parse_mode):
    base = {"A1": (None, 1.0)}
    orig = {
        "B1": ("=A1+0.1", 1.1),  # within tolerance
        "B2": ("=A1*3", 3),  # wrong number
        "B3": ('=IF(A1,"a","")', ""),  # "" vs None: same
        "B4": ("=A1=1", True),  # boolean vs 1: different
        "B5": ('="x"', "x"),  # string case matters
        "B6": ("=1/0", "#DIV/0!"),  # same error on both sides: still reported
        "B7": ("=A1", 1),  # number vs string
    }
    recalc = {
        "B1": ("=A1+0.1", 1.1 + 1e-12),
        "B2": ("=A1*3", 3.5),
        "B3": ('=IF(A1,"a","")', ""),
        "B4": ("=A1=1", 1),
        "B5": ('="x"', "X"),
        "B6": ("=1/0", "#DIV/0!"),
        "B7": ("=A1", "1"),
    }
    a = _book(tmp_path / "a.xlsx", {**base, **orig})
    b = _book(tmp_path / "b.xlsx", {**base, **recalc})
    assert lo.compare_recalculated(a, b) == [
        "Data!B2: cached 3, LibreOffice 3.5 (=A1*3)",
        "Data!B4: cached TRUE, LibreOffice 1 (=A1=1)",
        "Data!B5: cached 'x', LibreOffice 'X' (=\"x\")",
        "Data!B6: cached #DIV/0!, LibreOffice #DIV/0! (=1/0)",
        "Data!B7: cached 1, LibreOffice '1' (=A1)",
    ]


def test_empty_string_and_no_value_are_equal():
    # XlsxWriter caches "" as an empty <v> (read as None); LibreOffice writes
    # t="str" with an empty <v> (read as ""); a cell may also have no <v> at all.
    for a in (None, ""):
        for b in (None, ""):
            assert lo._same(a, b, 1e-9, 1e-6)
    assert not lo._same("", 0.0, 1e-9, 1e-6)
    assert not lo._same(None, False, 1e-9, 1e-6)
    assert not lo._same("", lo.XlError("#N/A"), 1e-9, 1e-6)


def test_compare_tolerances(tmp_path):
    a = _book(tmp_path / "a.xlsx", {"A1": ("=1", 1000.0), "A2": ("=0", 0.0)})
    b = _book(tmp_path / "b.xlsx", {"A1": ("=1", 1000.001), "A2": ("=0", 1e-7)})
    assert [m.split(":")[0] for m in lo.compare_recalculated(a, b)] == ["Data!A1"]
    assert lo.compare_recalculated(a, b, rel=1e-5) == []
    assert len(lo.compare_recalculated(a, b, rel=1e-5, abs_tol=0)) == 1


def test_compare_missing_sheet_and_quoted_names(tmp_path):
    a = _book(tmp_path / "a.xlsx", {"A1": ("=1+1", 2)}, sheet="My Sheet")
    b = _book(tmp_path / "b.xlsx", {"A1": ("=1+1", 2)}, sheet="Other")
    assert lo.compare_recalculated(a, b) == [
        "'My Sheet': sheet missing from the recalculated workbook"
    ]
    c = _book(tmp_path / "c.xlsx", {"A1": (None, "no formula here")}, sheet="My Sheet")
    assert lo.compare_recalculated(a, c) == [
        "'My Sheet'!A1: cached 2, LibreOffice 'no formula here' (=1+1)"
    ]


def test_convert_argument_checks(tmp_path):
    with pytest.raises(FileNotFoundError):
        lo.recalc(tmp_path / "nope.xlsx", tmp_path / "out")
    book = _book(tmp_path / "a.xlsx", {"A1": ("=1", 1)})
    with pytest.raises(ValueError, match="overwrite"):
        lo.recalc(book, tmp_path)  # would replace the original by its own copy
    (tmp_path / "sub").mkdir()
    twin = _book(tmp_path / "sub" / "a.xlsx", {"A1": ("=1", 1)})
    with pytest.raises(ValueError, match="both"):
        lo.recalc_many([book, twin], tmp_path / "out")


# --------------------------------------------------------------------------- #
# With LibreOffice
# --------------------------------------------------------------------------- #


def _model_book(path: Path, *, wrong: bool = False) -> Path:
    """A small profitability-style model whose cached values are all correct
    (except E2 when ``wrong``), using the functions our writer relies on."""
    clients = ["Acme", "Bolt", "Core", "Dyna", "Echo"]
    segments = ["A", "B", "A", "C", "B"]
    revenue = [120.0, 80.5, 200.25, 15.0, 99.0]
    cost = [100.0, 90.0, 150.0, 15.0, 60.0]
    margin = [r - c for r, c in zip(revenue, cost)]

    wb = xlsxwriter.Workbook(str(path), {"use_future_functions": True})
    ws = wb.add_worksheet("Data")
    summary = wb.add_worksheet("Summary View")  # name needs quoting
    wb.define_name("HurdleRate", "=0.1")
    wb.define_name("Margins", "=Data!$D$2:$D$6")

    ws.write_row(0, 0, ["Client", "Segment", "Revenue", "Margin", "Rank", "Margin %", "Flag", "Note"])
    for i, name in enumerate(clients):
        r = i + 2
        ws.write_string(f"A{r}", name)
        ws.write_string(f"B{r}", segments[i])
        ws.write_number(f"C{r}", revenue[i])
        ws.write_formula(f"D{r}", f"=C{r}-{cost[i]}", None, margin[i])
        rank = 1 + sum(m > margin[i] for m in margin)
        # use_future_functions turns RANK.EQ into _xlfn.RANK.EQ
        ws.write_formula(f"E{r}", f"=RANK.EQ(D{r},$D$2:$D$6)", None, rank)
        ws.write_formula(f"F{r}", f'=IFERROR(D{r}/C{r},"n/a")', None, margin[i] / revenue[i])
        ws.write_formula(f"G{r}", f"=D{r}/C{r}>HurdleRate", None, margin[i] / revenue[i] > 0.1)
        ws.write_formula(f"H{r}", f'=IF(D{r}<0,"loss","")', None, "loss" if margin[i] < 0 else "")
    if wrong:  # Acme's rank is 3, not 99: LibreOffice must notice
        ws.write_formula("E2", "=RANK.EQ(D2,$D$2:$D$6)", None, 99)
    ws.write_formula("I2", '=IFERROR(1/0,"none")', None, "none")
    ws.write_formula("I3", "=_xlfn.RANK.EQ(C3,C2:C6,1)", None, 2)  # explicit prefix

    def q(ref: str) -> str:
        return f"=Data!{ref}"

    summary.write_formula("A1", "=SUM(Data!C2:C6)", None, sum(revenue))
    summary.write_formula("A2", "=SUMPRODUCT(Data!C2:C6,Data!D2:D6)", None,
                          sum(r * m for r, m in zip(revenue, margin)))
    summary.write_formula("A3", '=INDEX(Data!D2:D6,MATCH("Core",Data!A2:A6,0))', None, margin[2])
    summary.write_formula("A4", '=SUMIFS(Data!C2:C6,Data!B2:B6,"A")', None, revenue[0] + revenue[2])
    summary.write_formula("A5", '=SUMIFS(Data!D2:D6,Data!B2:B6,"B",Data!C2:C6,">90")', None, margin[4])
    summary.write_formula("A6", "=SUM(Margins)*HurdleRate", None, sum(margin) * 0.1)
    summary.write_formula("A7", "='Summary View'!A1-A1", None, 0)
    summary.write_formula("A8", q("A2"), None, "Acme")
    summary.write_formula("A9", '=COUNTIFS(Data!B2:B6,"A",Data!G2:G6,TRUE)', None,
                          sum(s == "A" and m / r > 0.1 for s, m, r in zip(segments, margin, revenue)))
    summary.write_formula("A10", "=ROUND(AVERAGE(Data!F2:F6),4)", None,
                          float(f"{sum(m / r for m, r in zip(margin, revenue)) / 5:.4f}"))
    wb.close()
    return path


@pytest.mark.libreoffice
@needs_soffice
def test_correct_cached_values_have_no_mismatches(tmp_path):
    book = _model_book(tmp_path / "model.xlsx")
    cached = lo.read_formula_cells(book)
    assert len(cached["Data"]) == 27 and len(cached["Summary View"]) == 10
    assert cached["Data"]["E2"] == ("_xlfn.RANK.EQ(D2,$D$2:$D$6)", 3.0)
    assert cached["Data"]["H2"][1] is None  # "" cached as an empty value

    out = lo.recalc(book, tmp_path / "out")
    assert out == tmp_path / "out" / "model.xlsx" and out.is_file()
    assert lo.compare_recalculated(book, out) == []


@pytest.mark.libreoffice
@needs_soffice
def test_wrong_cached_value_is_found(tmp_path):
    # Also the proof that LibreOffice recalculates instead of keeping cached values.
    book = _model_book(tmp_path / "model.xlsx", wrong=True)
    out = lo.recalc(book, tmp_path / "out")
    assert lo.compare_recalculated(book, out) == [
        "Data!E2: cached 99, LibreOffice 3 (=_xlfn.RANK.EQ(D2,$D$2:$D$6))"
    ]
    assert lo.read_formula_cells(out)["Data"]["E2"][1] == 3.0


@pytest.mark.libreoffice
@needs_soffice
def test_functions_libreoffice_cannot_compute_are_reported(tmp_path):
    book = _book(
        tmp_path / "modern.xlsx",
        {
            "A1": (None, "k"),
            "B1": (None, 5.0),
            "C1": ('=XLOOKUP("k",A1:A1,B1:B1)', 5),
            "C2": ("=LET(x,2,x+1)", 3),
            "C3": ("=1/0", "#DIV/0!"),
            "C4": ("=SUM(B1)", 5),
        },
        use_future_functions=True,
    )
    problems = lo.compare_recalculated(book, lo.recalc(book, tmp_path / "out"))
    assert [p.split(" (")[0] for p in problems] == [
        "Data!C1: cached 5, LibreOffice #NAME?",
        "Data!C2: cached 3, LibreOffice #NAME?",
        "Data!C3: cached #DIV/0!, LibreOffice #DIV/0!",
    ]


@pytest.mark.libreoffice
@needs_soffice
def test_recalc_many_and_sequential_runs(tmp_path):
    good = _model_book(tmp_path / "good.xlsx")
    bad = _model_book(tmp_path / "bad.xlsx", wrong=True)
    outs = lo.recalc_many([good, bad], tmp_path / "out")
    assert outs == [tmp_path / "out" / "good.xlsx", tmp_path / "out" / "bad.xlsx"]
    assert lo.compare_recalculated(good, outs[0]) == []
    assert len(lo.compare_recalculated(bad, outs[1])) == 1
    # Again into the same folder (profile reused, old outputs replaced).
    again = lo.recalc(bad, tmp_path / "out")
    assert again == outs[1] and len(lo.compare_recalculated(bad, again)) == 1
    assert lo.recalc_many([], tmp_path / "out") == []


@pytest.mark.libreoffice
@needs_soffice
def test_timeout_raises_and_next_run_still_works(tmp_path):
    book = _model_book(tmp_path / "model.xlsx")
    with pytest.raises(lo.LibreOfficeError, match="timed out"):
        lo.recalc(book, tmp_path / "out", timeout=0.05)
    assert lo.compare_recalculated(book, lo.recalc(book, tmp_path / "out")) == []


@pytest.mark.libreoffice
@needs_soffice
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) not installed")
def test_export_pdf_and_pngs(tmp_path):
    book = _model_book(tmp_path / "model.xlsx")
    pdf = lo.export_pdf(book, tmp_path / "pdf")
    assert pdf == tmp_path / "pdf" / "model.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    pngs = lo.pdf_to_pngs(pdf, tmp_path / "png", dpi=40)
    assert len(pngs) >= 2  # one page per sheet at least
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
    assert lo.pdf_to_pngs(pdf, tmp_path / "png", first=1, last=1, dpi=40) == pngs[:1]
    assert sorted((tmp_path / "png").iterdir()) == pngs[:1]  # stale pages removed
