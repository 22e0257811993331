"""A book people read: every sheet of the demo books (en and es) renders through LibreOffice
(PDF) with no blank page and nothing running off a page; every chart lies inside its
sheet's print area; every sheet has its page set-up; headers are tall enough for their
wrapped text."""

from __future__ import annotations

import re
import shutil
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from test_workbook import needs_lo
from xlprof.demo import demo_portfolio
from xlprof.model import analyze
from xlprof.workbook.book import write_analysis_book

ROOT = Path(__file__).resolve().parents[1]
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"}
RID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def sheet_parts(book: Path) -> dict[str, dict]:
    """Per sheet name: its XML root, print area (0-based r1, c1, r2, c2) and chart anchors."""
    with zipfile.ZipFile(book) as z:
        wbx = ET.fromstring(z.read("xl/workbook.xml"))
        rels = {r.get("Id"): r.get("Target") for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
        sheets = [(s.get("name"), "xl/" + rels[s.get(RID)]) for s in wbx.find("m:sheets", NS)]
        areas = {}
        for d in wbx.iter(f"{{{NS['m']}}}definedName"):
            if d.get("name") == "_xlnm.Print_Area":
                m = re.search(r"\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)$", d.text)
                areas[int(d.get("localSheetId"))] = (int(m[2]) - 1, _col(m[1]), int(m[4]) - 1, _col(m[3]))
        out = {}
        for k, (name, part) in enumerate(sheets):
            root = ET.fromstring(z.read(part))
            anchors = []
            rel_part = part.replace("worksheets/", "worksheets/_rels/") + ".rels"
            if rel_part in z.namelist():
                for r in ET.fromstring(z.read(rel_part)):
                    if r.get("Type").endswith("/drawing"):
                        drawing = ET.fromstring(z.read("xl/" + r.get("Target").replace("../", "")))
                        for a in drawing.findall("xdr:twoCellAnchor", NS):
                            to = a.find("xdr:to", NS)
                            anchors.append((int(to.find("xdr:row", NS).text), int(to.find("xdr:col", NS).text)))
            out[name] = {"root": root, "area": areas.get(k), "anchors": anchors}
    return out


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    d = tmp_path_factory.mktemp("render")
    out = {}
    for lang in ("en", "es"):
        p = demo_portfolio(60, lang=lang)
        path = d / f"demo-{lang}.xlsx"
        write_analysis_book(analyze(p, lang=lang), p, path, source_name=f"demo-input-{lang}.xlsx")
        out[lang] = path
    return out


def test_every_chart_lies_inside_its_print_area_and_every_sheet_prints(books):
    for lang, book in books.items():
        parts = sheet_parts(book)
        assert sum(len(p["anchors"]) for p in parts.values()) >= 8, "the charts were found"
        for name, part in parts.items():
            root, area = part["root"], part["area"]
            setup = root.find("m:pageSetup", NS)
            assert setup is not None and setup.get("paperSize") == "9", (lang, name, "A4 page set-up")
            assert root.find("m:headerFooter", NS) is not None, (lang, name, "footer with sheet and page")
            for row, col in part["anchors"]:
                assert area is not None, (lang, name, "a sheet with charts needs a print area")
                assert row <= area[2] + 1 and col <= area[3] + 1, (lang, name, (row, col), area)


def test_header_rows_are_tall_enough_for_their_wrapped_text(books):
    from xlprof.workbook.styles import wrapped_lines

    import openpyxl

    wb = openpyxl.load_workbook(books["es"])
    checked = 0
    for ws in wb.worksheets:
        for cell in ws[1]:
            if not isinstance(cell.value, str) or not cell.font.b or cell.fill.fgColor.rgb != "FF1F3864":
                continue
            width = next((d.width for d in ws.column_dimensions.values()
                          if d.min is not None and d.min <= cell.column <= d.max), 8.43)
            lines = wrapped_lines(cell.value, width)
            height = ws.row_dimensions[1].height or 15
            assert height >= 15 * lines, (ws.title, cell.coordinate, cell.value, width, height)
            checked += 1
    assert checked > 50


@pytest.mark.libreoffice
@needs_lo
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) not installed")
def test_every_sheet_renders_with_no_blank_or_cut_page(books, tmp_path):
    sys.path.insert(0, str(ROOT / "scripts"))
    import screenshots

    rendered = screenshots.render(books, tmp_path)
    for lang, (pdf, pages) in rendered.items():
        with zipfile.ZipFile(books[lang]) as z:
            names = re.findall(r'<sheet name="([^"]+)"', z.read("xl/workbook.xml").decode())
        printed = [p.sheet for p in pages]
        assert set(names) <= set(printed), (lang, set(names) - set(printed))
        problems = [(p.number, p.sheet, p.problem) for p in pages if p.problem]
        assert problems == [], (lang, problems)
        assert len(pages) <= 40, (lang, len(pages))   # 60 clients: a few pages per sheet, not dozens


def test_scores_reasons_wrap_one_a_line_in_rows_tall_enough_and_print_readably(books):
    """The Scores sheet's top reasons (one a line), action and why wrap, top-aligned like the
    rest of the row; each row is tall enough for its reasons; the printed page is one A4
    landscape wide at a readable scale (it was 46 %, the reasons cut off)."""
    import openpyxl

    from xlprof.workbook.layout import SCORE_COLS, SCORE_FIRST

    for lang in ("en", "es"):
        p = demo_portfolio(60, lang=lang)
        a = analyze(p, lang=lang)
        wb = openpyxl.load_workbook(books[lang])
        ws = wb.worksheets[11]
        assert ws.title == ("Scores" if lang == "en" else "Puntuaciones")
        col = {k: j + 1 for j, k in enumerate(SCORE_COLS)}
        for i, reasons in enumerate(a.clients["reasons"]):
            r = SCORE_FIRST + i + 1
            cell = ws.cell(r, col["reasons"])
            assert cell.value.split("\n") == list(reasons), (lang, r)
            for k in ("reasons", "action", "action_reason", "score", "client_id"):
                assert ws.cell(r, col[k]).alignment.vertical == "top", (lang, r, k)
            for k in ("reasons", "action", "action_reason"):
                assert ws.cell(r, col[k]).alignment.wrap_text, (lang, r, k)
            assert (ws.row_dimensions[r].height or 15) >= 15 * len(reasons), (lang, r, reasons)
        # one page wide: Excel prints column widths of w characters as 7w + 5 pixels (96 dpi)
        widths = [ws.column_dimensions[openpyxl.utils.get_column_letter(j)].width for j in range(1, len(SCORE_COLS) + 1)]
        pixels = sum(7 * w + 5 for w in widths)
        printable = (11.69 - 1.0) * 96           # A4 landscape less the half-inch margins
        assert printable / pixels >= 0.55, (lang, widths, printable / pixels)
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)   # 1: default
        assert ws.page_setup.orientation == "landscape"


def test_amount_columns_are_wide_enough_for_their_largest_amount(tmp_path):
    """A column too narrow for a number shows ### in Excel: amounts of a large portfolio
    (totals in the billions) widen their columns, inputs included."""
    import dataclasses

    import openpyxl

    from xlprof.workbook.styles import amount_width

    assert amount_width(35_834_493.39) == 16       # "35,834,493.39 €" and a sign
    assert amount_width(1_234_567_890.12) == 19
    p = demo_portfolio(20)
    big = p.clients.copy()
    for k in ("revenue", "discounts", "cogs", "bad_debt", "exit_penalty"):
        big[k] = big[k] * 5_000
    p = dataclasses.replace(p, clients=big)
    book = tmp_path / "big.xlsx"
    write_analysis_book(analyze(p), p, book)
    from python_calamine import CalamineWorkbook

    wb = openpyxl.load_workbook(book)            # formats and widths
    values = CalamineWorkbook.from_path(str(book))   # the cached values of the formulas
    checked = 0
    for name in ("Clients", "CostToServe", "Profitability", "DropImpact"):
        ws = wb[name]
        grid = values.get_sheet_by_name(name).to_python(skip_empty_area=False)
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                line = grid[cell.row - 1] if cell.row - 1 < len(grid) else []
                v = line[cell.column - 1] if cell.column - 1 < len(line) else None
                if isinstance(v, (int, float)) and "€" in cell.number_format and "0.00" in cell.number_format:
                    width = next(d.width for d in ws.column_dimensions.values()       # (ranges: C:N)
                                 if d.min is not None and d.min <= cell.column <= d.max)
                    shown = len(f"{abs(v):,.2f}") + 3      # sign and " €"
                    assert shown <= width, (name, cell.coordinate, v, width)
                    checked += 1
    assert checked > 500
