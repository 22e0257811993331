"""Hostile inputs through the CLI: XML entity tricks, zip bombs, path traversal, giant
sheets, non-UTF-8 parts, formula injection, over-long text.

Unsafe packages exit 3 before any parser reads them; text that looks like a formula
stays text and is escaped in CSV output (OWASP), kept verbatim in JSON.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import struct
import subprocess
import sys
import time
import zipfile

import pytest

from _inputs import (assert_located, expect, portfolio_tables, raw_tables, rewrite_zip, run,
                     sheet_part, valid_book, write_csv_folder, xlsxwriter_book)
from xlprof.errors import EXIT_INPUT, EXIT_OK, EXIT_UNREADABLE

XML_DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
BILLION_LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
                  + b"".join(b' <!ENTITY lol%d "%s">\n' % (i, b"".join(b"&lol%s;" % (b"" if i == 1 else str(i - 1).encode())
                                                                       for _ in range(10)))
                             for i in range(1, 10))
                  + b"]>")
XXE = b'<?xml version="1.0"?>\n<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>'


def _member(book, name) -> bytes:
    with zipfile.ZipFile(book) as z:
        return z.read(name)


# --- XML ---------------------------------------------------------------------------------


def test_billion_laughs_in_sheet(tmp_path):
    ok = valid_book(tmp_path, "ok.xlsx")
    part = sheet_part(ok, "Clients")
    xml = _member(ok, part)
    assert xml.startswith(XML_DECL)
    evil = BILLION_LAUGHS + xml[len(XML_DECL):].replace(b"<sheetData>", b"<sheetData>&lol9;", 1)
    book = rewrite_zip(ok, tmp_path / "lol.xlsx", replace={part: evil})
    expect(run("validate", book), EXIT_UNREADABLE,
           f"{book}: is unsafe: part {part!r} declares a DTD or XML entities")


def test_billion_laughs_in_a_sheet_nobody_reads(tmp_path):
    # worksheets are parsed in full when read; one no table uses still refuses a DTD
    def hook(wb, ws):
        wb.add_worksheet("Notes").write_string(0, 0, "scratch")

    ok = xlsxwriter_book(tmp_path / "ok.xlsx", hook=hook)
    part = sheet_part(ok, "Notes")
    xml = _member(ok, part)
    evil = BILLION_LAUGHS + xml[len(XML_DECL):].replace(b"<sheetData>", b"<sheetData>&lol9;", 1)
    book = rewrite_zip(ok, tmp_path / "lol.xlsx", replace={part: evil})
    expect(run("validate", book), EXIT_UNREADABLE,
           f"{book}: is unsafe: part {part!r} declares a DTD or XML entities")


@pytest.mark.parametrize("part", ["xl/sharedStrings.xml", "xl/workbook.xml", "[Content_Types].xml",
                                  "xl/_rels/workbook.xml.rels"])
def test_external_entity(tmp_path, part):
    ok = valid_book(tmp_path, "ok.xlsx")
    xml = _member(ok, part)
    evil = XXE + xml[xml.index(b"?>") + 2:] if xml.startswith(b"<?xml") else XXE + xml
    book = rewrite_zip(ok, tmp_path / "xxe.xlsx", replace={part: evil})
    expect(run("validate", book), EXIT_UNREADABLE, f"{book}: is unsafe: part {part!r} declares a DTD")


def test_dtd_after_first_4k(tmp_path):
    ok = valid_book(tmp_path, "ok.xlsx")
    part = sheet_part(ok, "Clients")
    xml = _member(ok, part)
    evil = xml.replace(b"<sheetData>", b"<sheetData>" + b" " * 5000 + b"<!DOCTYPE x>", 1)
    book = rewrite_zip(ok, tmp_path / "late.xlsx", replace={part: evil})
    expect(run("validate", book), EXIT_UNREADABLE, "declares a DTD or XML entities")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-7"])
def test_part_not_utf8(tmp_path, encoding):
    # In UTF-16 a DOCTYPE slips past a byte-level check, and python-calamine reads a
    # UTF-16 sheet as empty; xlprof refuses such parts.
    ok = valid_book(tmp_path, "ok.xlsx")
    part = sheet_part(ok, "Clients")
    xml = _member(ok, part).decode()
    decl = f'<?xml version="1.0" encoding="{encoding.upper()}"?><!DOCTYPE x [<!ENTITY a "b">]>'
    body = (decl + xml[len(XML_DECL):]).encode(encoding)
    book = rewrite_zip(ok, tmp_path / "enc.xlsx", replace={part: body})
    expect(run("validate", book), EXIT_UNREADABLE, f"{book}: is not a standard .xlsx: part {part!r} "
                                                   "is not UTF-8 XML")


# --- zip -----------------------------------------------------------------------------------


def test_zip_bomb(tmp_path):
    ok = valid_book(tmp_path, "ok.xlsx")
    book = tmp_path / "bomb.xlsx"
    rewrite_zip(ok, book)
    with zipfile.ZipFile(book, "a", zipfile.ZIP_DEFLATED) as z, z.open("xl/media/image1.bin", "w") as fh:
        zeros = bytes(1 << 20)
        for _ in range(200):          # 200 MiB of zeros, about 200 KiB compressed
            fh.write(zeros)
    assert book.stat().st_size < 2 << 20
    t = time.perf_counter()
    expect(run("validate", book), EXIT_UNREADABLE,
           f"{book}: is unsafe: part 'xl/media/image1.bin' expands", "(a zip bomb?)")
    assert time.perf_counter() - t < 5      # sizes come from the zip directory: nothing inflated


def _patch_declared_size(data: bytes, member: str, size: int) -> bytes:
    """Rewrite the uncompressed size that the local and central headers declare."""
    out = bytearray(data)
    name = member.encode()
    i = out.find(b"PK\x01\x02")
    while i >= 0:
        n, m, k = struct.unpack_from("<HHH", out, i + 28)
        if out[i + 46:i + 46 + n] == name:
            struct.pack_into("<I", out, i + 24, size)
            local = struct.unpack_from("<I", out, i + 42)[0]
            struct.pack_into("<I", out, local + 22, size)
        i = out.find(b"PK\x01\x02", i + 46 + n + m + k)
    return bytes(out)


def test_zip_bomb_by_declared_size(tmp_path):
    ok = valid_book(tmp_path, "ok.xlsx")
    data = _patch_declared_size(ok.read_bytes(), "xl/sharedStrings.xml", 3 << 30)
    book = tmp_path / "declared.xlsx"
    book.write_bytes(data)
    expect(run("validate", book), EXIT_UNREADABLE,
           f"{book}: is unsafe: part 'xl/sharedStrings.xml' expands", "(a zip bomb?)")


def test_zip_member_larger_than_declared(tmp_path):
    # the headers say 100 bytes; inflating gives more: refused, never inflated past it
    ok = valid_book(tmp_path, "ok.xlsx")
    part = sheet_part(ok, "Clients")
    data = _patch_declared_size(ok.read_bytes(), part, 100)
    book = tmp_path / "liar.xlsx"
    book.write_bytes(data)
    expect(run("validate", book), EXIT_UNREADABLE, f"{book}: is a damaged or truncated .xlsx file",
           "Bad CRC-32")


def test_too_many_members(tmp_path):
    ok = valid_book(tmp_path, "ok.xlsx")
    book = rewrite_zip(ok, tmp_path / "many.xlsx", add={f"xl/media/p{i}.bin": b"" for i in range(10_001)})
    expect(run("validate", book), EXIT_UNREADABLE, f"{book}: has 10,0", "not a normal workbook")


@pytest.mark.parametrize("member", ["../evil", "xl/../../evil.xml", "/etc/cron.d/evil", "..\\evil",
                                    "C:/evil"])
def test_path_traversal_member(tmp_path, member):
    ok = valid_book(tmp_path, "ok.xlsx")
    book = rewrite_zip(ok, tmp_path / "trav.xlsx", add={member: b"x"})
    expect(run("validate", book), EXIT_UNREADABLE, f"{book}: is unsafe: part name {member!r} "
                                                   "points outside the package")
    assert not (tmp_path.parent / "evil").exists()


# --- giant sheets ------------------------------------------------------------------------


def _giant(tmp_path, row: int, col: int):
    def hook(wb, ws):
        ws["Clients"].write_string(row, col, "the end")

    return xlsxwriter_book(tmp_path / "giant.xlsx", hook=hook)


def test_sheet_with_1048576_rows(tmp_path, monkeypatch):
    import python_calamine

    real = python_calamine.CalamineWorkbook.from_path

    class Guard:        # other sheets may be read; the giant one must never reach calamine
        def __init__(self, wb):
            self.wb = wb

        def get_sheet_by_name(self, name):
            if name == "Clients":
                raise AssertionError("the giant sheet was handed to python-calamine")
            return self.wb.get_sheet_by_name(name)

        def __getattr__(self, attr):
            return getattr(self.wb, attr)

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", lambda path: Guard(real(path)))
    book = _giant(tmp_path, 1_048_575, 0)
    t = time.perf_counter()
    expect(run("validate", book), EXIT_UNREADABLE,
           f"{book}: sheet Clients: 1,048,576 rows x 20 columns is too large "
           "(limits: 500,000 rows, 15,000,000 cells)")
    assert time.perf_counter() - t < 5   # decided from the XML, before any sheet is loaded


def test_sheet_with_too_many_cells(tmp_path):
    book = _giant(tmp_path, 9_999, 1_999)
    expect(run("validate", book), EXIT_UNREADABLE, "sheet Clients: 10,000 rows x 2,000 columns is too large")


def test_sheet_with_last_cell_xfd1048576(tmp_path):
    # python-calamine allocates A1:XFD1048576 (17 billion cells) and aborts the whole
    # process; run it in a child process so a regression cannot take pytest down.
    book = _giant(tmp_path, 1_048_575, 16_383)
    proc = subprocess.run([sys.executable, "-m", "xlprof", "validate", str(book)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == EXIT_UNREADABLE, proc.stderr[-2000:]
    assert f"{book}: sheet Clients: 1,048,576 rows x 16,384 columns is too large" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_sheet_cells_without_references(tmp_path):
    # cells may omit r="A1"; the slower scan still finds how far the sheet reaches
    ok = valid_book(tmp_path, "ok.xlsx")
    part = sheet_part(ok, "Clients")
    xml = _member(ok, part)
    far = b'<row r="1048576"><c t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    book = rewrite_zip(ok, tmp_path / "norefs.xlsx", replace={part: xml.replace(b"</sheetData>", far)})
    expect(run("validate", book), EXIT_UNREADABLE, "sheet Clients: 1,048,576 rows x 20 columns is too large")


# --- formula injection -------------------------------------------------------------------

INJECTIONS = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3", "@SUM(A1:A9)",
              "\t=cmd", "\r=cmd", "=cmd|' /C calc'!A0"]


def _injected_tables():
    tables = copy.deepcopy(raw_tables())
    c = tables["Clients"]
    for i, text in enumerate(INJECTIONS):
        c[i + 1][1] = text           # client name
        c[i + 1][2] = text           # account manager
        c[i + 1][19] = text          # notes
    return tables


@pytest.fixture(params=["xlsx", "csv"])
def injected(request, tmp_path):
    tables = _injected_tables()
    if request.param == "xlsx":
        return xlsxwriter_book(tmp_path / "inj.xlsx", tables)   # written as strings, not formulas
    text = portfolio_tables()
    for r, row in enumerate(tables["Clients"]):
        for j, v in enumerate(row):
            if not isinstance(v, str):
                row[j] = text["Clients"][r][j]
    return write_csv_folder(tmp_path / "inj", tables)


def test_formula_text_escaped_in_csv_output(injected):
    r = run("score", injected, "--format", "csv")
    expect(r, EXIT_OK)
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    by_id = {row["client_id"]: row for row in rows}
    for i, text in enumerate(INJECTIONS):
        row = by_id[f"C{i + 1:04d}"]
        assert row["client_name"] == "'" + text
        assert row["account_manager"] == "'" + text
    # numbers are never altered: negative profits keep their minus sign
    assert any(row["net_profit"].startswith("-") for row in rows)
    assert not any(row["net_profit"].startswith("'") for row in rows)


def test_formula_text_verbatim_in_json(injected):
    r = run("score", injected, "--format", "json")
    expect(r, EXIT_OK)
    by_id = {c["client_id"]: c for c in json.loads(r.stdout)["clients"]}
    for i, text in enumerate(INJECTIONS):
        assert by_id[f"C{i + 1:04d}"]["client_name"] == text
        assert by_id[f"C{i + 1:04d}"]["account_manager"] == text


def test_text_longer_than_excel_cell(tmp_path):
    tables = portfolio_tables()
    tables["Clients"][3][19] = "x" * 40_000     # notes of client C0003
    tables["Clients"][4][1] = "y" * 32_767      # exactly the limit: fine
    folder = write_csv_folder(tmp_path / "long", tables)
    out = expect(run("validate", folder), EXIT_INPUT)
    assert_located(out, folder / "Clients.csv", "Clients", 4, "Notes",
                   "text of 40,000 characters is longer than Excel's 32,767-character cell limit")
    assert "row 5" not in out
