"""Text files as people really save them (issue 9 e): encodings, byte-order marks, line ends,
delimiters. Each case writes the demo tables as the program would, reads them through the CLI
and compares the scores with the plain UTF-8 CSV folder, or checks the exact refusal."""

from __future__ import annotations

import csv
import io
import json

import pytest

from _inputs import expect, portfolio_tables, run, write_csv_folder
from xlprof.errors import EXIT_OK, EXIT_UNREADABLE
from xlprof.io.reader import read_portfolio
from xlprof.io.textfiles import decode_text


def scores(path) -> list[dict]:
    r = run("score", path, "--format", "json")
    expect(r, EXIT_OK)
    return json.loads(r.stdout)["clients"]


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    return scores(write_csv_folder(tmp_path_factory.mktemp("plain")))


def write_bytes(folder, encode, delimiter=",", newline="\r\n", tables=None):
    """The demo tables, each file as ``encode(text)``."""
    folder.mkdir()
    for name, rows in (tables or portfolio_tables()).items():
        buf = io.StringIO()
        csv.writer(buf, delimiter=delimiter, lineterminator=newline).writerows(rows)
        (folder / f"{name}.csv").write_bytes(encode(buf.getvalue()))
    return folder


ENCODINGS = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8-bom": lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
    "utf-16-bom": lambda t: t.encode("utf-16"),                   # Excel "Unicode text" (LE + BOM)
    "utf-16-le": lambda t: t.encode("utf-16-le"),
    "utf-16-be": lambda t: t.encode("utf-16-be"),
    "utf-16-be-bom": lambda t: b"\xfe\xff" + t.encode("utf-16-be"),
    "utf-32-bom": lambda t: t.encode("utf-32"),
    "cp1252": lambda t: t.encode("cp1252"),                       # Excel "CSV" on Windows
}


@pytest.mark.parametrize("encoding", list(ENCODINGS))
@pytest.mark.parametrize("delimiter", [",", "\t"], ids=["comma", "tab"])
def test_encodings_read_alike(tmp_path, plain, encoding, delimiter):
    folder = write_bytes(tmp_path / "f", ENCODINGS[encoding], delimiter)
    got = scores(folder)
    assert got == plain
    names = {c["client_id"]: c for c in got}
    p = read_portfolio(folder)
    assert "Sofía López" in set(p.clients["account_manager"])     # accents intact
    assert names


def test_unicode_text_export_was_refused_as_binary(tmp_path, plain):
    """Excel's "Unicode text": UTF-16 LE with a BOM, tab-separated (refused as binary before)."""
    folder = write_bytes(tmp_path / "u", lambda t: t.encode("utf-16"), "\t")
    assert (folder / "Clients.csv").read_bytes()[:2] == b"\xff\xfe"
    assert scores(folder) == plain


def test_mac_roman_with_cr_line_ends(tmp_path, plain):
    """Excel for Mac "CSV (Macintosh)": Mac Roman, CR alone ending each line."""
    folder = write_bytes(tmp_path / "mac", lambda t: t.encode("mac_roman"), ",", "\r")
    assert b"\n" not in (folder / "Clients.csv").read_bytes()
    r = run("score", folder, "--format", "json")
    expect(r, EXIT_OK)
    assert json.loads(r.stdout)["clients"] == plain
    assert "read as Mac Roman text (Excel for Mac)" in r.output
    assert "Sofía López" in set(read_portfolio(folder).clients["account_manager"])


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"], ids=["crlf", "lf", "cr"])
def test_line_endings(tmp_path, plain, newline):
    assert scores(write_bytes(tmp_path / "nl", lambda t: t.encode("utf-8"), ";", newline)) == plain


def test_mac_roman_told_apart_from_windows_1252():
    """The same letters, the two encodings: each read as what it is."""
    text = "id,name\r\nC1,Sofía Peña Muñoz\r\nC2,José Ángel\r\n"
    assert decode_text(text.encode("cp1252"), "x") == (text, "Windows-1252")
    assert decode_text(text.encode("mac_roman"), "x") == (text, "Mac Roman")


def test_neither_windows_1252_nor_mac_roman_is_refused(tmp_path):
    folder = write_csv_folder(tmp_path / "bad")
    (folder / "Clients.csv").write_bytes(b"Client ID,Client name,Revenue,COGS\r\nC1,ab\x81\x8dcd,1,1\r\n")
    expect(run("validate", folder), EXIT_UNREADABLE,
           f"{folder / 'Clients.csv'}: is not UTF-8, and its accented letters read neither as Windows-1252 "
           "nor as Mac Roman text; save it from Excel as \"CSV UTF-8 (Comma delimited)\"")


def test_binary_file_named_csv(tmp_path):
    folder = write_csv_folder(tmp_path / "bin")
    (folder / "Clients.csv").write_bytes(b"PK\x03\x04\x00\x00\x14\x00\x00\x08\x00\x00binary\x00\x01")
    expect(run("validate", folder), EXIT_UNREADABLE, f"{folder / 'Clients.csv'}: is not a text CSV file (binary content)")


def test_semicolon_csv_whose_notes_hold_quoted_commas(tmp_path, plain):
    """Notes like 'a', 'b', 'c' fooled csv.Sniffer ("no header row found"): the header row decides."""
    tables = portfolio_tables()
    for row in tables["Clients"][1:]:
        row[-1] = "'a', 'b', 'c'"
    folder = write_csv_folder(tmp_path / "semi", tables, delimiter=";")
    got = read_portfolio(folder)
    assert set(got.clients["notes"]) == {"'a', 'b', 'c'"}
    assert scores(folder) == plain


def test_excel_sep_line_is_obeyed(tmp_path, plain):
    folder = write_bytes(tmp_path / "sep", lambda t: ("sep=|\r\n" + t).encode("utf-8"), "|")
    assert scores(folder) == plain


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"], ids=["comma", "semicolon", "tab", "pipe"])
def test_delimiters(tmp_path, plain, delimiter):
    assert scores(write_csv_folder(tmp_path / "d", delimiter=delimiter)) == plain


def test_delimiter_without_known_headers_is_the_consistent_one():
    from xlprof.io.textfiles import choose_delimiter

    text = "a;b,x;c\r\n1;2,5;3\r\n4;5,0;6\r\n"
    assert choose_delimiter(text, lambda cells: 0) == (text, ";")
    assert choose_delimiter("one column\r\nonly\r\n", None)[1] == ","


def test_utf16_without_bom_is_told_by_its_zero_bytes():
    text = "Client ID\tRevenue\r\nC1\t100\r\n"
    assert decode_text(text.encode("utf-16-le"), "x") == (text, "UTF-16")
    assert decode_text(text.encode("utf-16-be"), "x") == (text, "UTF-16")
    with pytest.raises(Exception, match="binary content"):
        decode_text(b"\x00\x01\x02\x03abc\x00", "x")
