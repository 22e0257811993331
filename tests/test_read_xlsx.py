"""The xlsx package reader (issue 9, package side): cells mean what they show.

Each test builds exactly the file its case describes (XlsxWriter, openpyxl, or raw XML in
the zip), reads it back through the CLI (``validate`` / ``score --format json``) and checks
the value read or the refusal, with its location and exit code; the raw sheets the reader
hands over (``read_sheets``) are checked too, for the cell kinds of ``io/cells.py``.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from _inputs import (N_CLIENTS, assert_located, bad_book, expect, problem_lines, raw_tables,
                     rewrite_zip, run, sheet_part, valid_book, xlsxwriter_book)
from xlprof.errors import EXIT_INPUT, EXIT_OK, EXIT_UNREADABLE
from xlprof.io.cells import ErrorCell, FormulaCell, PercentCell
from xlprof.io.reader import read_sheets
from xlprof.io.xlsx import shift_formula

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REVENUE, DISCOUNTS, MANAGER, REGION = 4, 5, 2, 3      # Clients columns (0-based)


def _member(book: Path, name: str) -> bytes:
    with zipfile.ZipFile(book) as z:
        return z.read(name)


def _score(book: Path, *args) -> dict:
    r = run("score", book, "--format", "json", *args)
    expect(r, EXIT_OK)
    return json.loads(r.stdout)


def _clients(book: Path) -> dict[str, dict]:
    return {c["client_id"]: c for c in _score(book)["clients"]}


def _notes(out: str) -> list[str]:
    return [ln for ln in out.splitlines() if ln.startswith("xlprof: note: ")]


# --- f. XML spelt another way ---------------------------------------------------------


def _prefixed(xml: bytes) -> bytes:
    """The same worksheet written the way the Open XML SDK does: every element ``x:``-prefixed."""
    ET.register_namespace("x", MAIN)
    root = ET.fromstring(xml)
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(root)


def test_cached_na_in_x_prefixed_sheet(tmp_path):
    ok = valid_book(tmp_path, "ok.xlsx")
    part = sheet_part(ok, "Clients")
    xml = _prefixed(_member(ok, part))
    assert b"<x:c " in xml and b"<c " not in xml
    root = ET.fromstring(xml)
    cell = root.find(f".//{{{MAIN}}}c[@r='E3']")       # Revenue of C0002
    cell.clear()
    cell.set("r", "E3")
    cell.set("t", "e")
    ET.SubElement(cell, f"{{{MAIN}}}f").text = "NA()"
    ET.SubElement(cell, f"{{{MAIN}}}v").text = "#N/A"
    xml = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(root)
    book = rewrite_zip(ok, tmp_path / "sdk.xlsx", replace={part: xml})
    assert read_sheets(book)["Clients"].rows[2][REVENUE] == ErrorCell("#N/A")
    out = expect(run("validate", book), EXIT_INPUT)
    assert_located(out, book, "Clients", 3, "Revenue", "cell holds the Excel error #N/A")


def test_x_prefixed_workbook_reads_like_excel(tmp_path):
    ok = valid_book(tmp_path, "ok.xlsx")
    parts = {sheet_part(ok, s) for s in ("Clients", "Activities", "Volumes", "Settings", "Resources")}
    book = rewrite_zip(ok, tmp_path / "sdk.xlsx",
                       transform=lambda n, d: _prefixed(d) if n in parts or n == "xl/workbook.xml" else d)
    assert _score(book) == _score(ok)


def test_cells_in_a_foreign_namespace_are_refused(tmp_path):
    # python-calamine reads any element named c as a cell; a "cell" the parser does not
    # count toward the sheet's size must not reach it
    ok = valid_book(tmp_path, "ok.xlsx")
    part = sheet_part(ok, "Clients")
    xml = _member(ok, part).replace(
        b"</sheetData>", b'<row r="3"><y:c xmlns:y="urn:other" r="XFD1048576"><y:v>1</y:v></y:c></row></sheetData>')
    book = rewrite_zip(ok, tmp_path / "foreign.xlsx", replace={part: xml})
    expect(run("validate", book), EXIT_UNREADABLE,
           f"{book}: is not a standard .xlsx: part {part!r} has a cell element in the namespace 'urn:other'")


# --- a. formula cells whose saved value cannot be trusted ----------------------------


def _discount_formulas(wb, ws):
    for r in range(1, N_CLIENTS + 1):     # Discounts = 5 % of revenue, saved as 0 (XlsxWriter's default)
        ws["Clients"].write_formula(r, DISCOUNTS, f"=E{r + 1}*5%", None, 0)


def test_full_calc_on_load_formulas_are_refused(tmp_path):
    book = xlsxwriter_book(tmp_path / "script.xlsx", hook=_discount_formulas)
    assert b'fullCalcOnLoad="1"' in _member(book, "xl/workbook.xml")
    cell = read_sheets(book)["Clients"].rows[1][DISCOUNTS]
    assert isinstance(cell, FormulaCell)
    assert (cell.formula, cell.cached) == ("E2*5%", 0)
    assert cell.reason == "the workbook asks to recalculate every formula when it is opened"
    out = expect(run("validate", book), EXIT_INPUT)
    for r in range(2, N_CLIENTS + 2):
        assert_located(out, book, "Clients", r, "Discounts",
                       f"the formula =E{r}*5% cannot be trusted (the workbook asks to recalculate every "
                       "formula when it is opened; its saved value 0.0 may be out of date); open the file "
                       "in Excel or LibreOffice and save it, so that the values are calculated and saved")
    assert len(problem_lines(out)) == N_CLIENTS


def test_trusted_formulas_are_read(tmp_path):
    # the same book as Excel saves it (no fullCalcOnLoad, values calculated): read as values
    revenue = {row[0]: row[REVENUE] for row in raw_tables()["Clients"][1:]}

    def hook(wb, ws):
        for r, cid in enumerate(revenue, start=1):
            ws["Clients"].write_formula(r, DISCOUNTS, f"=E{r + 1}*5%", None, revenue[cid] * 0.05)

    book = xlsxwriter_book(tmp_path / "excel.xlsx", hook=hook)
    book = rewrite_zip(book, tmp_path / "saved.xlsx", transform=lambda n, d: d.replace(
        b' fullCalcOnLoad="1"', b"") if n == "xl/workbook.xml" else d)
    clients = _clients(book)
    for cid, rev in revenue.items():
        assert clients[cid]["net_revenue"] == pytest.approx(rev * 0.95)


def test_formulas_without_saved_value_are_refused(tmp_path):
    def fn(wb):                      # openpyxl saves formulas without any value
        for r in range(2, 5):
            wb["Clients"][f"G{r}"] = f"=E{r}*0.6"

    book = bad_book(tmp_path, fn)
    cell = read_sheets(book)["Clients"].rows[2][6]
    assert isinstance(cell, FormulaCell) and cell.cached is None and cell.formula == "E3*0.6"
    assert cell.reason == "the program that wrote the file did not calculate it"
    out = expect(run("validate", book), EXIT_INPUT)
    for r in range(2, 5):
        assert_located(out, book, "Clients", r, "COGS",
                       f"the formula =E{r}*0.6 cannot be trusted (the program that wrote the file did not "
                       "calculate it; it has no saved value); open the file in Excel or LibreOffice and save "
                       "it, so that the values are calculated and saved")
    assert "blank" not in out


def test_today_is_never_a_saved_value(tmp_path):
    def fn(wb):
        ws = wb["Settings"]
        row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "decision_date")
        ws.cell(row, 2).value = "=TODAY()"

    book = bad_book(tmp_path, fn)
    # openpyxl writes the empty value as <v></v> with lxml installed and <v /> without it
    book = rewrite_zip(book, tmp_path / "today.xlsx", transform=lambda n, d: re.sub(
        rb"<f>TODAY\(\)</f><v\s*(?:/>|></v>)", b"<f>TODAY()</f><v>46000</v>", d)
        if n.startswith("xl/worksheets/") else d)
    settings = read_sheets(book)["Settings"]
    cell = next(r[1] for r in settings.rows if r[0] == "decision_date")
    assert isinstance(cell, FormulaCell) and cell.reason == "TODAY() gives a new value each time it is calculated"
    assert cell.cached == dt.datetime(2025, 12, 9) or cell.cached == dt.date(2025, 12, 9)
    out = expect(run("validate", book), EXIT_INPUT)
    assert "the formula =TODAY() cannot be trusted (TODAY() gives a new value each time it is calculated" in out


def test_manual_calculation_saved_without_recalculating(tmp_path):
    book = xlsxwriter_book(tmp_path / "manual.xlsx", hook=lambda wb, ws: (
        _discount_formulas(wb, ws), wb.set_calc_mode("manual")))
    wbxml = _member(book, "xl/workbook.xml")
    assert b'calcMode="manual"' in wbxml and b'calcOnSave="0"' in wbxml
    cell = read_sheets(book)["Clients"].rows[1][DISCOUNTS]
    assert isinstance(cell, FormulaCell)
    assert cell.reason == "the workbook is set to manual calculation and was saved without recalculating"


def test_cached_error_of_a_formula_stays_an_error(tmp_path):
    book = xlsxwriter_book(tmp_path / "err.xlsx",
                           hook=lambda wb, ws: ws["Clients"].write_formula(1, REVENUE, "=1/0", None, "#DIV/0!"))
    assert read_sheets(book)["Clients"].rows[1][REVENUE] == ErrorCell("#DIV/0!")


@pytest.mark.parametrize("master, drow, dcol, expected", [
    ("E2*5%", 3, 0, "E5*5%"),
    ("$E$2+F2", 1, 1, "$E$2+G3"),
    ('IF(A2="B2",Sheet1!C2,\'My Sheet\'!D$2)', 2, 1, 'IF(B4="B2",Sheet1!D4,\'My Sheet\'!E$2)'),
    ("LOG10(A1)+SUM(A1:B1)", 1, 0, "LOG10(A2)+SUM(A2:B2)"),
    ("A2-1", -2, 0, "#REF!-1"),
])
def test_shared_formula_text(master, drow, dcol, expected):
    assert shift_formula(master, drow, dcol) == expected


# --- b. formats that change what a number means ------------------------------------


def test_percent_formatted_discounts(tmp_path):
    def hook(wb, ws):
        pct = wb.add_format({"num_format": "0%"})
        ws["Clients"].write_number(1, DISCOUNTS, 0.05, pct)     # typed as 5 %
        ws["Clients"].write_number(2, DISCOUNTS, 0.10, pct)     # typed as 10 %

    book = xlsxwriter_book(tmp_path / "pct.xlsx", hook=hook)
    rows = read_sheets(book)["Clients"].rows
    assert rows[1][DISCOUNTS] == PercentCell(0.05, "0%")
    assert rows[2][DISCOUNTS] == PercentCell(0.10, "0%")
    out = expect(run("validate", book), EXIT_INPUT)
    for row, shown in ((2, "5 %"), (3, "10 %")):
        assert_located(out, book, "Clients", row, "Discounts",
                       f"'{shown}' is a percentage; this column takes an amount of money, not a share of "
                       "something: type the amount itself as a plain number")
    assert len(problem_lines(out)) == 2


def test_percent_setting_is_a_rate(tmp_path):
    # Settings writes cost_of_capital as 8.00 % (a 0.00% format): a rate, read as 0.08
    book = valid_book(tmp_path)
    settings = read_sheets(book)["Settings"]
    cell = next(r[1] for r in settings.rows if r[0] == "cost_of_capital")
    assert cell == PercentCell(0.08, "0.00%")
    expect(run("validate", book), EXIT_OK)
    from xlprof.io.reader import read_portfolio

    assert read_portfolio(book).settings.cost_of_capital == 0.08


@pytest.mark.parametrize("fmt, shown", [("0000", "{:04d}"), ('"C"0000', "C{:04d}"), ("000000", "{:06d}")])
def test_zero_padded_client_ids(tmp_path, fmt, shown):
    tables = copy.deepcopy(raw_tables())
    ids = {}
    for sheet in ("Clients", "Volumes"):
        for row in tables[sheet][1:]:
            ids[row[0]] = int(row[0][1:])
            row[0] = None

    def hook(wb, ws):
        f = wb.add_format({"num_format": fmt})
        for sheet in ("Clients", "Volumes"):
            for r, row in enumerate(raw_tables()[sheet][1:], start=1):
                ws[sheet].write_number(r, 0, ids[row[0]], f)

    book = xlsxwriter_book(tmp_path / "ids.xlsx", tables, hook)
    assert read_sheets(book)["Clients"].rows[1][0] == shown.format(1)
    base = _clients(valid_book(tmp_path))
    clients = _clients(book)
    assert sorted(clients) == sorted(shown.format(n) for n in ids.values())
    for old, n in ids.items():
        assert clients[shown.format(n)]["net_profit"] == base[old]["net_profit"]


# --- d. sheets that are not plain tables ---------------------------------------------


def test_excel_table_total_row_is_left_out(tmp_path):
    tables = raw_tables()
    header = tables["Clients"][0]

    def hook(wb, ws):
        cols = [{"header": h} for h in header]
        cols[0]["total_string"] = "Total"
        cols[REVENUE]["total_function"] = "sum"
        ws["Clients"].add_table(0, 0, N_CLIENTS + 1, len(header) - 1,
                                {"columns": cols, "total_row": True, "name": "ClientsTable"})

    book = xlsxwriter_book(tmp_path / "table.xlsx", hook=hook)
    r = run("score", book, "--format", "json")
    out = expect(r, EXIT_OK)
    clients = {c["client_id"]: c for c in json.loads(r.stdout)["clients"]}
    assert "Total" not in clients and len(clients) == N_CLIENTS
    assert clients == _clients(valid_book(tmp_path))
    assert f"xlprof: note: {book}, sheet Clients: left out row {N_CLIENTS + 2}, the Total Row of " \
           "Excel table 'ClientsTable'" in _notes(out)


def _merge_xml(book: Path, out: Path, sheet: str, *ranges: str) -> Path:
    """Add merged ranges to ``sheet`` without touching its cells (what lies under a merge
    stays in the file, as some writers leave it)."""
    part = sheet_part(book, sheet)
    cells = "".join(f'<mergeCell ref="{r}"/>' for r in ranges)
    xml = _member(book, part).replace(b"</sheetData>", f'</sheetData><mergeCells count="{len(ranges)}">'
                                      f"{cells}</mergeCells>".encode(), 1)
    return rewrite_zip(book, out, replace={part: xml})


def test_merged_manager_and_region_belong_to_every_row(tmp_path):
    tables = copy.deepcopy(raw_tables())
    rows = tables["Clients"]
    for r in (2, 3):                    # sheet rows 3 and 4, under the merge: never read
        rows[r][MANAGER], rows[r][REGION] = "Hidden Person", "Hidden Region"
    book = xlsxwriter_book(tmp_path / "plain.xlsx", tables)
    book = _merge_xml(book, tmp_path / "merged.xlsx", "Clients", "C2:C4", "D2:D4")
    clients = _clients(book)
    for cid in ("C0001", "C0002", "C0003"):
        assert (clients[cid]["account_manager"], clients[cid]["region"]) == (rows[1][MANAGER], rows[1][REGION])
    assert clients["C0004"]["account_manager"] == rows[4][MANAGER]
    assert not any(c["account_manager"] == "Hidden Person" for c in clients.values())


def test_split_by_a_merged_manager_column_writes_no_blank_book(tmp_path):
    tables = copy.deepcopy(raw_tables())
    rows = tables["Clients"]
    for r in (2, 3):
        rows[r][MANAGER] = None                 # as Excel keeps a merge: the value in C2 only
    book = xlsxwriter_book(tmp_path / "plain.xlsx", tables)
    book = _merge_xml(book, tmp_path / "merged.xlsx", "Clients", "C2:C4")
    out = tmp_path / "out"
    expect(run("generate", book, "-o", out, "--split-by", "account_manager"), EXIT_OK)
    names = sorted(p.name for p in out.glob("*.xlsx"))
    assert not [n for n in names if "blank" in n], names
    managers = {r[MANAGER] for r in rows[1:] if r[MANAGER]}
    assert len(names) == len(managers) + 1          # one book per manager, plus the portfolio


def test_merged_cells_made_by_excel(tmp_path):
    # openpyxl, like Excel, keeps only the top-left value of C2:C4
    book = bad_book(tmp_path, lambda wb: wb["Clients"].merge_cells("C2:C4"))
    manager = raw_tables()["Clients"][1][MANAGER]
    clients = _clients(book)
    assert [clients[c]["account_manager"] for c in ("C0001", "C0002", "C0003")] == [manager] * 3


def test_merged_across_columns_hides_the_values_under_it(tmp_path):
    book = _merge_xml(valid_book(tmp_path), tmp_path / "wide.xlsx", "Clients", "E2:G2")  # Revenue..COGS
    raw = read_sheets(book)["Clients"]
    assert raw.rows[1][REVENUE] == raw_tables()["Clients"][1][REVENUE]
    assert raw.rows[1][DISCOUNTS] is None and raw.rows[1][6] is None
    out = expect(run("validate", book), EXIT_INPUT)
    assert_located(out, book, "Clients", 2, "COGS", "COGS is blank; a value is required")


def test_formatted_empty_rows_down_to_the_last_row(tmp_path):
    ok = valid_book(tmp_path, "ok.xlsx")
    part = sheet_part(ok, "Clients")
    empty = b"".join(b'<row r="%d"><c r="A%d" s="1"/><c r="T%d" s="1"/></row>' % (r, r, r)
                     for r in (*range(N_CLIENTS + 2, 5000), 1_048_576))
    xml = _member(ok, part)
    xml = xml.replace(b"</sheetData>", empty + b"</sheetData>", 1)
    book = rewrite_zip(ok, tmp_path / "formatted.xlsx", replace={part: xml})
    assert len(read_sheets(book)["Clients"].rows) == N_CLIENTS + 1
    expect(run("validate", book), EXIT_OK, f"OK - {N_CLIENTS} clients")


def _with_hidden(tmp_path, visible: str, hidden: str) -> Path:
    tables = copy.deepcopy(raw_tables())
    decoy = [tables["Clients"][0], ["X9999", "Decoy", "Nobody", "Nowhere", 1, 0, 1, 0, 0, 0, None, 0, 0,
                                     None, None, None, 3, 3, "no", ""]]
    tables[visible] = tables.pop("Clients")
    tables[hidden] = decoy

    def hook(wb, ws):
        ws[hidden].hide()

    return xlsxwriter_book(tmp_path / f"{hidden}.xlsx", tables, hook)


@pytest.mark.parametrize("visible, hidden", [("Clientes", "Clients"), ("Clients", "Clientes")])
def test_hidden_sheet_never_shadows_a_visible_one(tmp_path, visible, hidden):
    book = _with_hidden(tmp_path, visible, hidden)
    r = run("score", book, "--format", "json")
    out = expect(r, EXIT_OK)
    ids = {c["client_id"] for c in json.loads(r.stdout)["clients"]}
    assert "X9999" not in ids and len(ids) == N_CLIENTS
    assert f"xlprof: note: {book}: sheet {hidden!r} is hidden; read the visible sheet {visible!r} " \
           "for Clients" in _notes(out)


def test_hidden_sheet_alone_is_read_and_said(tmp_path):
    def hook(wb, ws):            # XlsxWriter hides no sheet while it is the active one
        ws["Clients"].activate()
        ws["Settings"].hide()

    book = xlsxwriter_book(tmp_path / "hidden-settings.xlsx", hook=hook)
    out = expect(run("validate", book), EXIT_OK)
    assert f"xlprof: note: {book}: sheet 'Settings' is hidden; read it for Settings (no visible sheet " \
           "holds Settings)" in _notes(out)


# --- h. losing what the user typed -------------------------------------------------------


def test_recalc_refuses_an_input_workbook(tmp_path):
    book = valid_book(tmp_path)
    before = book.read_bytes()
    out = expect(run("recalc", book), EXIT_INPUT)
    assert out.strip() == (f"xlprof: {book}: is an input workbook, not an analysis workbook written by "
                           "xlprof; recalc would replace it. To analyse it, run: xlprof generate "
                           f"{book} -o FOLDER")
    assert book.read_bytes() == before
    assert not list(tmp_path.glob("*.bak.xlsx"))
