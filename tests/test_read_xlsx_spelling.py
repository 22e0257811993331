"""Property: however the XML of a worksheet is spelt, the reader reads the same cells.

Random grids of numbers (General, 0 %, 0000 and date formats), text, booleans, error
values and formulas are written with XlsxWriter; the worksheet is then re-serialised the
ways other writers spell the same XML (``x:`` prefixes as the Open XML SDK writes, another
default-namespace prefix, single quotes, reversed attribute order, line breaks inside tags).
Every spelling must give the raw sheet of the original, cell for cell, marker for marker,
through the quick worksheet pass (``io/xlsx_scan.py``, which must take every spelling but
reordered attributes and line breaks inside tags) and through the exact pass alike.
(Character references in attribute values, ``r="&#65;1"``, which no writer produces, make
python-calamine refuse the file: exit 3, never a different value.)
"""

from __future__ import annotations

import zipfile
from xml.etree import ElementTree as ET

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _inputs import rewrite_zip, sheet_part
from xlprof.io import xlsx_scan
from xlprof.io.cells import ErrorCell, PercentCell
from xlprof.io.reader import read_sheets

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

cell = st.one_of(
    st.none(),
    st.tuples(st.just("num"), st.floats(-1e9, 1e9, allow_nan=False).map(lambda x: round(x, 4))),
    st.tuples(st.just("pct"), st.integers(0, 100).map(lambda x: x / 100)),
    st.tuples(st.just("id"), st.integers(0, 99_999)),
    st.tuples(st.just("date"), st.integers(36_526, 73_050)),
    st.tuples(st.just("text"), st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                                       min_size=1, max_size=8)),
    st.tuples(st.just("bool"), st.booleans()),
    st.tuples(st.just("error"), st.sampled_from(["#N/A", "#DIV/0!", "#REF!", "#VALUE!"])),
    st.tuples(st.just("formula"), st.integers(0, 1000)),
)
grid = st.lists(st.lists(cell, min_size=1, max_size=5), min_size=1, max_size=6)


def _write(path, rows):
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False})
    ws = wb.add_worksheet("Data")
    fmts = {"pct": wb.add_format({"num_format": "0%"}), "id": wb.add_format({"num_format": "0000"}),
            "date": wb.add_format({"num_format": "yyyy-mm-dd"})}
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is None:
                continue
            kind, x = v
            if kind in ("num", "pct", "id", "date"):
                ws.write_number(r, c, x, fmts.get(kind))
            elif kind == "text":
                ws.write_string(r, c, x)
            elif kind == "bool":
                ws.write_boolean(r, c, x)
            elif kind == "error":
                ws.write_formula(r, c, "=NA()", None, x)
            else:
                ws.write_formula(r, c, f"={x}+1", None, x + 1)
    wb.close()
    return path


def _spell(xml: bytes, prefix: str, quote: str, reverse: bool, breaks: bool) -> bytes:
    """``xml`` re-serialised: main-namespace elements with ``prefix`` ("" for the default
    namespace), other namespaces kept, attributes spelt as asked."""
    root = ET.fromstring(xml)
    nsmap = {MAIN: prefix}
    for el in root.iter():
        for key in [*el.attrib, el.tag]:
            if key.startswith("{") and key[1:key.index("}")] not in nsmap:
                nsmap[key[1:key.index("}")]] = f"n{len(nsmap)}"

    def qname(tag: str) -> str:
        if not tag.startswith("{"):
            return tag
        uri, local = tag[1:].split("}")
        p = nsmap[uri]
        return f"{p}:{local}" if p else local

    def attr_value(v: str) -> str:
        return v.replace("&", "&amp;").replace("<", "&lt;").replace(quote, "&quot;" if quote == '"' else "&apos;")

    sep = "\n  " if breaks else " "

    def emit(el, out, top=False):
        attrs = [(qname(k), v) for k, v in el.attrib.items()]
        if reverse:
            attrs.reverse()
        if top:
            attrs = [(f"xmlns:{p}" if p else "xmlns", uri) for uri, p in nsmap.items()] + attrs
        out.append("<" + qname(el.tag) + "".join(f"{sep}{k}={quote}{attr_value(v)}{quote}" for k, v in attrs))
        if len(el) or el.text:
            out.append(">")
            if el.text:
                out.append(el.text.replace("&", "&amp;").replace("<", "&lt;"))
            for child in el:
                emit(child, out)
            out.append(f"</{qname(el.tag)}>")
        else:
            out.append("/>")
        if el.tail and not top:
            out.append(el.tail.replace("&", "&amp;").replace("<", "&lt;"))

    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n']
    emit(root, out, top=True)
    return "".join(out).encode()


def _cells(raw):
    return [list(r) for r in raw.rows]


def _exact(book):
    """The book read with the exact worksheet pass only."""
    xlsx_scan.FAST = False
    try:
        return read_sheets(book)["Data"]
    finally:
        xlsx_scan.FAST = True


def _quick_takes(xml: bytes) -> bool:
    survey = xlsx_scan._survey(xml, "book", "sheet")
    return xlsx_scan._quick(xml, "book", "sheet", {"1", "2", "3"}, survey) is not None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=grid, prefix=st.sampled_from(["", "x", "main"]), quote=st.sampled_from(['"', "'"]),
       reverse=st.booleans(), breaks=st.booleans())
def test_any_spelling_reads_the_same_cells(tmp_path_factory, rows, prefix, quote, reverse, breaks):
    folder = tmp_path_factory.mktemp("spell")
    book = _write(folder / "plain.xlsx", rows)
    expected = read_sheets(book)["Data"]
    for r, row in enumerate(rows):                     # the markers the plain book gives
        for c, v in enumerate(row):
            got = expected.rows[r][c] if r < len(expected.rows) and c < len(expected.rows[r]) else None
            if v is None:
                continue
            kind, x = v
            if kind == "pct":
                assert got == PercentCell(x, "0%")
            elif kind == "id":
                assert got == f"{x:04d}"
            elif kind == "error":
                assert got == ErrorCell(x)
    part = sheet_part(book, "Data")
    with zipfile.ZipFile(book) as z:
        xml = z.read(part)
    spelling = _spell(xml, prefix, quote, reverse, breaks)
    spelt = rewrite_zip(book, folder / "spelt.xlsx", replace={part: spelling})
    got = read_sheets(spelt)["Data"]
    assert _cells(got) == _cells(expected)
    assert got.errors == expected.errors
    exact = _exact(spelt)
    assert _cells(exact) == _cells(expected)
    assert exact.errors == expected.errors
    assert _quick_takes(xml)
    if not (reverse or breaks):
        assert _quick_takes(spelling)
