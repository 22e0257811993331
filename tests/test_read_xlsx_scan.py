"""The worksheet pass without a Python call per element (``io/xlsx_scan.py``) finds exactly
what the exact pass (``io/xlsx_sheet.py``) finds, or leaves the part to it.

Each case is a worksheet part written by hand, read by both passes: the findings (error
cells, formulas, styled number cells, merged ranges) or the refusal must be the same, the
quick pass's extent must bound the exact one, and the case says whether the quick pass
may take the part at all (when it may not, ``scan_sheet`` is the exact pass). Whole books
go through both paths in ``test_read_xlsx_spelling.py``.
"""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _inputs import raw_tables, xlsxwriter_book
from xlprof.errors import UnreadableFileError
from xlprof.io import xlsx_scan
from xlprof.io.cells import ErrorCell, FormulaCell, PercentCell
from xlprof.io.reader import read_sheets
from xlprof.io.xlsx_sheet import Formula, scan_exact

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STYLES = {"2"}                  # style 2 is a percent format in these cases
MEMBER = "xl/worksheets/sheet1.xml"

ROWS = ('<row r="1" spans="1:2"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>5</v></c></row>'
        '<row r="2" spans="1:2"><c r="A2" s="2"><v>0.05</v></c>'
        '<c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'
        '<row r="3"><c r="A3"><f>B1*2</f><v>10</v></c><c r="B3" s="1" t="inlineStr"><is><t>x</t></is></c></row>')


def part(rows: str = ROWS, *, tail: str = "", head: str = '<dimension ref="A1:B3"/>',
         root: str = f'<worksheet xmlns="{MAIN}" xmlns:r="{RELS}">', end: str = "</worksheet>",
         data: str = "sheetData") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{root}{head}'
            f"<{data}>{rows}</{data}>{tail}{end}").encode()


def outcome(scan, xml: bytes, styles=STYLES):
    try:
        s = scan(xml, "book.xlsx", MEMBER, "Data", styles)
    except UnreadableFileError as exc:
        return ("refused", str(exc)), None
    return (s.errors, s.formulas, s.styled, s.merged), (s.rows, s.cols)


def taken(xml: bytes, styles=STYLES) -> bool:
    """Whether the quick pass takes the part (rather than leaving it to the exact pass)."""
    try:
        survey = xlsx_scan._survey(xml, "book.xlsx", MEMBER)
    except UnreadableFileError:
        return False
    return xlsx_scan._quick(xml, "book.xlsx", MEMBER, styles, survey) is not None


def check(xml: bytes, quick: bool, styles=STYLES):
    exact, exact_extent = outcome(scan_exact, xml, styles)
    got, extent = outcome(xlsx_scan.scan_sheet, xml, styles)
    assert got == exact
    if extent is not None:
        assert extent[0] >= exact_extent[0] and extent[1] >= exact_extent[1]
    assert taken(xml, styles) is quick
    return exact


def test_the_quick_pass_finds_what_the_exact_pass_finds():
    findings = check(part(), quick=True)
    errors, formulas, styled, merged = findings
    assert errors == {(1, 1): "#DIV/0!"}
    assert formulas == {(2, 0): Formula("B1*2", True, None, True)}
    assert styled == {(1, 0): "2"}


SAME_FINDINGS = {
    # attribute values the census must see through, each in a cell spelt <c r="...
    "t in single quotes": (ROWS.replace('t="e"', "t='e'"), True),
    "t as a character reference": (ROWS.replace('t="e"', 't="&#101;"'), True),
    "s as a character reference": (ROWS.replace('s="2"', 's="&#50;"'), True),
    "s with spaces around =": (ROWS.replace('s="2"', 's = "2"'), True),
    "s in single quotes": (ROWS.replace('s="2"', "s='2'"), True),
    "style 2 only on a row": (ROWS.replace('<row r="1" spans="1:2">', '<row r="1" s="2" customFormat="1">')
                              .replace('s="2"><v>0.05', '><v>0.05'), True),
    "references in single quotes": (ROWS.replace('r="A1"', "r='A1'"), True),
    "lower-case references": (ROWS.replace('r="B2"', 'r="b2"'), True),
    "a shared formula": (ROWS + '<row r="4"><c r="A4"><f t="shared" ref="A4:A5" si="0">B1+1</f><v>6</v></c></row>'
                                '<row r="5"><c r="A5"><f t="shared" si="0"/><v>6</v></c></row>', True),
    "a formula without a value": (ROWS + '<row r="4"><c r="A4"><f>B1+1</f></c></row>', True),
    "cells without values": (ROWS + '<row r="9"><c r="A9" s="2"/><c r="B9" s="1"></c></row>', True),
    "empty sheet": ("", True),
    "text holding e and quotes": (ROWS + '<row r="4"><c r="A4" t="inlineStr"><is><t>"e" \'2\' s="2"</t></is></c></row>',
                                  True),
    # spellings the census leaves to the exact pass
    "attributes before r": (ROWS.replace('<c r="A2" s="2">', '<c s="2" r="A2">'), False),
    "a line break in a tag": (ROWS.replace('<c r="A2" s="2">', '<c\n  r="A2" s="2">'), False),
    "a cell without a reference": (ROWS + '<row r="4"><c s="2"><v>1</v></c></row>', False),
    "leading zeros in a reference": (ROWS.replace('r="B1"', 'r="B01"'), False),
    "a comment": (ROWS.replace("</row>", "<!-- note --></row>", 1), False),
    "a value outside any cell": (ROWS.replace('</row><row r="2"', '</row><v>7</v><row r="2"', 1), False),
    "a value before the first cell of a row": (ROWS.replace('<row r="3">', '<row r="3"><v>7</v>'), False),
    "a formula outside any cell": (ROWS.replace("</row>", "</row><f>1+1</f>", 1), False),
    "rich text": (ROWS.replace("<is><t>x</t></is>", "<is><r><t>x</t></r></is>"), False),
    "formatted cells down to the last row": (ROWS + '<row r="1048576"><c r="A1048576" s="1"/></row>', False),
}


@pytest.mark.parametrize("rows, quick", SAME_FINDINGS.values(), ids=SAME_FINDINGS.keys())
def test_same_findings(rows, quick):
    check(part(rows), quick)


def test_style_0_is_every_cell_without_s():
    check(part(), quick=False, styles={"0", "2"})


@pytest.mark.parametrize("prefix", ["x", "main", "s"])
def test_prefixed_sheets(prefix):
    rows = (ROWS.replace("<", f"<{prefix}:").replace(f"<{prefix}:/", f"</{prefix}:"))
    xml = part(rows, root=f'<{prefix}:worksheet xmlns:{prefix}="{MAIN}" xmlns:r="{RELS}">',
               head=f'<{prefix}:dimension ref="A1:B3"/>', end=f"</{prefix}:worksheet>", data=f"{prefix}:sheetData")
    assert check(xml, quick=True) == check(part(), quick=True)


def test_merged_ranges_after_the_cells():
    tail = '<mergeCells count="2"><mergeCell ref="A1:A2"/><mergeCell ref="B2:C3"/></mergeCells>'
    merged = check(part(tail=tail), quick=True)[3]
    assert merged == [((0, 0), (1, 0)), ((1, 1), (2, 2))]


REFUSED = {
    "a cell in another namespace": (part(ROWS.replace("<c r=\"B1\"><v>5</v></c>", '<o:c r="B1"><v>5</v></o:c>'),
                                         root=f'<worksheet xmlns="{MAIN}" xmlns:o="urn:other">'),
                                    "has a cell element in the namespace 'urn:other'"),
    "a row outside sheetData": (part(tail='<row r="9"/>'), None),
    "an invalid reference": (part(ROWS.replace('r="B1"', 'r="B$1"')), "invalid reference 'B$1'"),
    "a value past XFD": (part(ROWS.replace('r="B1"', 'r="XFE1"')), "invalid reference 'XFE1'"),
    "a DTD": (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>' + part()[part().index(b"<worksheet"):],
              "declares a DTD or XML entities"),
    "broken XML": (part()[:-20], "is not valid XML"),
    "too many rows": (part(ROWS + '<row r="600000"><c r="A600000"><v>1</v></c></row>'), "600,000 rows x 2 columns"),
}


@pytest.mark.parametrize("xml, says", REFUSED.values(), ids=REFUSED.keys())
def test_refusals_are_the_exact_passes(xml, says):
    exact = check(xml, quick=False)
    if says is not None:
        assert exact[0] == "refused" and says in exact[1]


def test_a_second_sheet_data_is_left_to_the_exact_pass():
    check(part(tail='<sheetData><row r="9"><c r="A9"><v>1</v></c></row></sheetData>'), quick=False)


def test_default_namespace_declared_below_the_root_is_left_to_the_exact_pass():
    xml = part(root=f'<x:worksheet xmlns:x="{MAIN}"><x:sheetViews xmlns="{MAIN}"/>', end="</x:worksheet>",
               head="")
    check(xml, quick=False)


# --- whole books -------------------------------------------------------------------------


def test_an_ordinary_book_never_reaches_the_exact_pass(tmp_path, monkeypatch):
    """Formulas (trusted and not), errors, percent cells and padded ids, merges: all found
    by the quick pass (the exact pass is made to fail here)."""
    tables = copy.deepcopy(raw_tables())

    def hook(wb, ws):
        c = ws["Clients"]
        c.write_formula(1, 4, "=1000*2", None, 2000)    # XlsxWriter asks to recalculate on load
        c.write_formula(2, 4, "=NA()", None, "#N/A")                   # a cached error
        c.write_number(3, 5, 0.05, wb.add_format({"num_format": "0%"}))
        c.write_number(4, 0, 7, wb.add_format({"num_format": "0000"}))
        c.write_formula(5, 4, "=TODAY()", None, 45000)                 # never trusted
        c.merge_range(6, 2, 8, 2, "Merged Manager")

    book = xlsxwriter_book(tmp_path / "book.xlsx", tables, hook)

    def exact(*_a):
        raise AssertionError("the exact pass was called")

    with monkeypatch.context() as m:
        m.setattr(xlsx_scan, "scan_exact", exact)
        quick = {n: (s.rows, s.errors, s.merged) for n, s in read_sheets(book).items()}
    m.setattr(xlsx_scan, "FAST", False)
    slow = {n: (s.rows, s.errors, s.merged) for n, s in read_sheets(book).items()}
    assert quick == slow
    rows, errors, merged = quick["Clients"]
    assert rows[1][4] == FormulaCell("1000*2", 2000, "the workbook asks to recalculate every formula "
                                                     "when it is opened")
    assert rows[2][4] == ErrorCell("#N/A") and errors[(2, 4)] == "#N/A"
    assert rows[3][5] == PercentCell(0.05, "0%") and rows[4][0] == "0007"
    assert isinstance(rows[5][4], FormulaCell) and "TODAY()" in rows[5][4].reason
    assert [rows[r][2] for r in (6, 7, 8)] == ["Merged Manager"] * 3 and merged == [((6, 2), (8, 2))]


@settings(max_examples=40, deadline=None)
@given(cells=st.lists(st.tuples(st.integers(1, 30), st.integers(1, 26),
                                st.sampled_from(['<v>1</v>', '', '<f>A1</f><v>2</v>', '<f>A1</f>']),
                                st.sampled_from(['', ' s="2"', ' s="1"', " t='e'", ' t="e"', ' t="str"'])),
                      max_size=25))
def test_random_cells_in_any_order(cells):
    """Cells in any order, repeated, with or without values, formulas, errors, styles."""
    rows = "".join(f'<row r="{r}"><c r="{chr(64 + c)}{r}"{attrs}>{body}</c></row>' for r, c, body, attrs in cells)
    xml = part(rows)
    exact, exact_extent = outcome(scan_exact, xml)
    got, extent = outcome(xlsx_scan.scan_sheet, xml)
    assert got == exact
    assert extent[0] >= exact_extent[0] and extent[1] >= exact_extent[1]
    assert taken(xml)


@pytest.mark.parametrize("every, quick", [(1, False), (20, True)])
def test_large_sheets_mostly_of_formulas_go_to_the_exact_pass(every, quick):
    """Formula cells are parsed again by the exact pass's handlers; when most cells of a
    large sheet are formulas the exact pass alone is cheaper. Same findings either way."""
    rows = "".join(f'<row r="{r}">' + "".join(
        f'<c r="{col}{r}"><f>A1+{r}</f><v>{r}</v></c>' if (r + i) % every == 0 else f'<c r="{col}{r}"><v>{r}</v></c>'
        for i, col in enumerate("ABCDEFGH")) + "</row>" for r in range(1, 5000))
    xml = part(rows)
    assert len(xml) > xlsx_scan.SAMPLE
    formulas = check(xml, quick)[1]
    assert len(formulas) == sum((r + i) % every == 0 for r in range(1, 5000) for i in range(8))
