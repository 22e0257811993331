"""Bad inputs through the CLI: cells, structure, files, outputs, exit codes.

Every case runs ``xlprof validate`` (or ``score``) in-process with click's CliRunner and
checks the exit code, that the message names the file, sheet, row and column where they
exist, and that no traceback is printed (``_inputs.run``). docs/bad-input.md lists the
same cases, one row per test.
"""

from __future__ import annotations

import copy
import datetime as dt
import errno
import json
import os
import tempfile
import zipfile

import pandas as pd
import pytest

from _inputs import (N_CLIENTS, assert_located, bad_book, expect, problem_lines, raw_tables, run,
                     set_cells, valid_book, write_csv_folder, xlsxwriter_book)
from xlprof.errors import EXIT_INPUT, EXIT_OK, EXIT_UNREADABLE, EXIT_UNWRITABLE, EXIT_USAGE

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def score_json(path) -> dict:
    r = run("score", path, "--format", "json")
    expect(r, EXIT_OK)
    return json.loads(r.stdout)


def read(path):
    """The portfolio as the reader reads it (to check what a cell was read as)."""
    from xlprof.io.reader import read_portfolio

    return read_portfolio(path)


def client(data: dict, client_id: str) -> dict:
    return next(c for c in data["clients"] if c["client_id"] == client_id)


# --- cells ---------------------------------------------------------------------------------

# (cell edits on the Clients sheet, expected problems as (row, column header, fragment))
CELL_PROBLEMS = {
    "text-na": ({"E3": "n/a"}, [(3, "Revenue", "'n/a' is not a number")]),
    "text-dash": ({"G3": "-"}, [(3, "COGS", "'-' is not a number")]),
    "text-word": ({"E3": "lots"}, [(3, "Revenue", "'lots' is not a number")]),
    "percent-in-amount": ({"F3": "12 %"}, [(3, "Discounts", "'12 %' is a percentage; this column takes an amount of money, not a share of something: type the amount itself as a plain number")]),
    "excel-error-text": ({"E3": "#DIV/0!"}, [(3, "Revenue", "Excel error #DIV/0!")]),
    "bool-in-number": ({"E3": True}, [(3, "Revenue", "True is a yes/no value, not a number")]),
    "date-in-number": ({"L3": dt.datetime(2024, 1, 1)}, [(3, "Notice days", "is a date, not a number")]),
    "date-text-invalid": ({"K3": "31/02/2027"}, [(3, "Contract end", "'31/02/2027' is not a valid date")]),
    "date-text-word": ({"K3": "next year"}, [(3, "Contract end", "is not a date (expected YYYY-MM-DD, or DD/MM/YYYY or MM/DD/YYYY)")]),
    "blank-required": ({"E4": None, "G4": "   "}, [(4, "Revenue", "Revenue is blank; a value is required"),
                                                     (4, "COGS", "COGS is blank; a value is required")]),
    "huge-number": ({"E5": 1e308}, [(5, "Revenue", "too large for an amount")]),
    "negative-amount": ({"F5": -5, "J5": -1}, [(5, "Discounts", "-5 is negative; expected a number >= 0"),
                                               (5, "Bad debt", "is negative")]),
    "negative-days": ({"I6": -10}, [(6, "Days to pay", "is negative")]),
    "rating-0-and-6": ({"N2": 0, "O2": 6}, [(2, "Values alignment", "0 is not a rating between 1 and 5"),
                                            (2, "Communication", "6 is not a rating between 1 and 5")]),
    "days-over-100-years": ({"L3": 1e6}, [(3, "Notice days", "days is more than 36,500 (100 years)")]),
    "date-out-of-range": ({"K3": dt.datetime(9999, 12, 31)},
                          [(3, "Contract end", "9999-12-31 is outside the dates xlprof accepts "
                                               "(1900-01-01 to 2199-12-31)")]),
    "yesno-invalid": ({"S3": "maybe"}, [(3, "Strategic", "'maybe' is not yes/no (use yes/no, sí/no, true/false, x or blank, 1/0)")]),
    "yesno-number": ({"S3": -1}, [(3, "Strategic", "-1 is not yes/no (use yes/no")]),
    "id-whitespace-only": ({"A2": "   "}, [(2, "Client ID", "Client ID is blank; a value is required")]),
    "id-duplicate": ({"A3": "C0001"}, [(3, "Client ID", "Client ID 'C0001' is a duplicate of 'C0001' in row 2")]),
    "id-trailing-space": ({"A3": "C0001  "}, [(3, "Client ID", "'C0001' is a duplicate of 'C0001' in row 2")]),
    "id-case-only": ({"A3": "c0001"}, [(3, "Client ID", "Client ID 'c0001' differs only by case from 'C0001' in row 2")]),
}


@pytest.mark.parametrize("case", list(CELL_PROBLEMS))
def test_cell_problem(tmp_path, case):
    cells, problems = CELL_PROBLEMS[case]
    book = set_cells(tmp_path, "Clients", cells)
    out = expect(run("validate", book), EXIT_INPUT, "problem")
    for row, column, fragment in problems:
        assert_located(out, book, "Clients", row, column, fragment)


# (cell edits on Clients row 2 = client C0001 whose discounts are 0, expected net revenue)
LENIENT_NUMBERS = {
    "thousands-dot-decimal-comma": ("1.234,56", 1234.56),
    "thousands-comma-decimal-dot": ("1,234.56", 1234.56),
    "decimal-comma": ("1234,5", 1234.5),
    "currency-sign": ("€ 300", 300.0),
    "currency-code": ("300 EUR", 300.0),
    "spaces-and-nbsp": ("\u00a01 234 ", 1234.0),
    "number-as-text": ("13300", 13300.0),
}


@pytest.mark.parametrize("case", list(LENIENT_NUMBERS))
def test_lenient_number_text(tmp_path, case):
    text, value = LENIENT_NUMBERS[case]
    book = set_cells(tmp_path, "Clients", {"E2": text, "G2": 0})
    assert client(score_json(book), "C0001")["net_revenue"] == pytest.approx(value)


def test_rating_3_5_and_yes_no_words_accepted(tmp_path):
    book = set_cells(tmp_path, "Clients", {"P2": 3.5, "S2": "Sí", "S3": "x", "S4": "FALSE", "S5": "yes"})
    expect(run("validate", book), EXIT_OK, f"OK - {N_CLIENTS} clients")
    c = read(book).clients.set_index("client_id")
    assert c.loc["C0001", "needs_fit"] == 3.5
    assert c.loc[["C0001", "C0002", "C0003", "C0004"], "strategic"].tolist() == [True, True, False, True]
    # and what the analysis makes of it: strategic clients are retained whatever their numbers
    actions = {x["client_id"]: x["action"] for x in score_json(book)["clients"]}
    assert [actions[k] for k in ("C0001", "C0002", "C0004")] == ["retain_strategic"] * 3
    assert actions["C0003"] != "retain_strategic"


def test_percent_in_settings_is_a_rate(tmp_path):
    base = client(score_json(valid_book(tmp_path, "base.xlsx")), "C0001")["financing_cost"]
    book = bad_book(tmp_path, _set_setting("cost_of_capital", "12 %"))
    assert client(score_json(book), "C0001")["financing_cost"] == pytest.approx(base * 0.12 / 0.08)


def _set_setting(key, value):
    def fn(wb):
        ws = wb["Settings"]
        row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == key)
        ws.cell(row, 2).value = value

    return fn


def test_settings_blank_row_under_header(tmp_path):
    # a blank row under the header used to make every setting silently default
    def fn(wb):
        wb["Settings"].insert_rows(2)
        _set_setting("cost_of_capital", "oops")(wb)

    book = bad_book(tmp_path, fn)
    out = expect(run("validate", book), EXIT_INPUT)
    assert_located(out, book, "Settings", 5, "value", "setting cost_of_capital: 'oops' is not a number")


def test_settings_without_value_column(tmp_path):
    book = set_cells(tmp_path, "Settings", {"B1": "amount"})
    out = expect(run("validate", book), EXIT_INPUT)
    assert_located(out, book, "Settings", 1, None, "missing column value (or valor) next to the keys")


def test_settings_unknown_and_repeated_keys(tmp_path):
    from xlprof.settings import Settings

    first_free = len(Settings().to_rows()) + 2  # header row + one row per setting

    def fn(wb):
        wb["Settings"].append(["colour", "blue"])      # row first_free
        wb["Settings"].append(["Currency", "USD"])     # the row after

    book = bad_book(tmp_path, fn)
    out = expect(run("validate", book), EXIT_INPUT, "2 problems")
    assert_located(out, book, "Settings", first_free, "key",
                   "unknown setting 'colour'; known settings: period_months")
    assert_located(out, book, "Settings", first_free + 1, "value", "setting 'currency' is given twice")


def test_settings_date_out_of_range(tmp_path):
    book = bad_book(tmp_path, _set_setting("decision_date", dt.datetime(9999, 12, 1)))
    out = expect(run("validate", book), EXIT_INPUT)
    assert_located(out, book, "Settings", 5, "value", "setting decision_date: 9999-12-01 is outside the dates")


def test_settings_day_count_out_of_range(tmp_path):
    book = bad_book(tmp_path, _set_setting("notice_lead_days", 1e12))
    out = expect(run("score", book), EXIT_INPUT)
    assert_located(out, book, "Settings", 20, "value", "notice_lead_days must be between 0 and 3650")


def test_number_where_a_date_belongs(tmp_path):
    def fn(wb):
        wb["Clients"]["K3"] = 45000
        wb["Clients"]["K3"].number_format = "General"

    book = bad_book(tmp_path, fn)
    out = expect(run("validate", book), EXIT_INPUT)
    assert_located(out, book, "Clients", 3, "Contract end", "45000.0 is a number, not a date")


def test_number_formatted_as_date_is_a_date(tmp_path):
    # Excel stores dates as numbers; a date format makes 45000 the date 2023-03-15.
    book = set_cells(tmp_path, "Clients", {"K2": 45000})
    expect(run("validate", book), EXIT_OK)
    assert read(book).clients.set_index("client_id").loc["C0001", "contract_end"] == dt.date(2023, 3, 15)


def test_cached_excel_errors(tmp_path):
    def hook(wb, ws):
        ws["Clients"].write_formula(1, 4, "=NA()", None, "#N/A")          # E2 revenue
        ws["Clients"].write_formula(2, 6, "=1/0", None, "#DIV/0!")        # G3 cogs
        ws["Clients"].write_formula(3, 0, "=#REF!", None, "#REF!")        # A4 client id
        ws["Clients"].write_formula(4, 3, "=NA()", None, "#N/A")          # D5 region (optional text)
        ws["Clients"].write_formula(5, 10, "=NA()", None, "#N/A")         # K6 contract end
        ws["Activities"].write_formula(1, 4, "=NA()", None, "#N/A")       # E2 behaviour
        ws["Volumes"].write_formula(2, 2, "=1/0", None, "#DIV/0!")        # C3 quantity

    book = xlsxwriter_book(tmp_path / "errors.xlsx", hook=hook)
    out = expect(run("validate", book), EXIT_INPUT)
    assert_located(out, book, "Clients", 2, "Revenue", "cell holds the Excel error #N/A; fix the formula or type the value")
    assert_located(out, book, "Clients", 3, "COGS", "Excel error #DIV/0!")
    assert_located(out, book, "Clients", 4, "Client ID", "Excel error #REF!")
    assert_located(out, book, "Clients", 5, "Region", "Excel error #N/A")
    assert_located(out, book, "Clients", 6, "Contract end", "Excel error #N/A")
    assert_located(out, book, "Activities", 2, "Behavior", "Excel error #N/A")
    assert_located(out, book, "Volumes", 3, "Order changes", "Excel error #DIV/0!")


def test_behaviour_not_known(tmp_path):
    book = set_cells(tmp_path, "Activities", {"E2": "sometimes"})
    out = expect(run("validate", book), EXIT_INPUT)
    assert_located(out, book, "Activities", 2, "Behavior", "'sometimes' is not a cost behaviour")


# --- structure -----------------------------------------------------------------------------


def test_missing_sheet(tmp_path):
    book = bad_book(tmp_path, lambda wb: wb.remove(wb["Activities"]))
    out = expect(run("validate", book), EXIT_INPUT)
    assert_located(out, book, None, None, None, "missing sheet Activities (or Actividades); "
                                                "sheets found: Settings, Clients, Volumes, Resources")


def test_missing_required_column(tmp_path):
    book = bad_book(tmp_path, lambda wb: wb["Clients"].delete_cols(5))   # Revenue
    out = expect(run("validate", book), EXIT_INPUT)
    assert_located(out, book, "Clients", 1, None, "missing required column Revenue (found: Client ID")


def test_unknown_column_is_ignored(tmp_path):
    def fn(wb):
        wb["Clients"]["U1"] = "Sector"
        wb["Clients"]["U2"] = "Retail"

    book = bad_book(tmp_path, fn)
    expect(run("validate", book), EXIT_OK, f"OK - {N_CLIENTS} clients")
    # the reader says so (the CLI prints the notes: see test_unknown_column_is_said)
    from xlprof.io.reader import read_portfolio

    notes: list[str] = []
    read_portfolio(book, notes)
    assert notes == [f"{book}, sheet Clients: ignored unknown column 'Sector'"]


def test_unknown_column_is_said(tmp_path):
    def fn(wb):
        wb["Clients"]["U1"] = "Sector"
        wb["Clients"]["U2"] = "Retail"

    book = bad_book(tmp_path, fn)
    expect(run("validate", book), EXIT_OK, "ignored unknown column 'Sector'")


def test_values_without_header_are_noted(tmp_path):
    book = set_cells(tmp_path, "Clients", {"V3": 123})
    expect(run("validate", book), EXIT_OK)
    from xlprof.io.reader import read_portfolio

    notes: list[str] = []
    read_portfolio(book, notes)
    assert notes == [f"{book}, sheet Clients: ignored column V: it has values but no header"]


def test_header_not_on_first_row(tmp_path):
    def fn(wb):
        ws = wb["Clients"]
        ws.insert_rows(1, 2)
        ws["A1"] = "Client list, FY2026"
        ws.merge_cells("A1:F1")       # a merged title above the header is fine
        ws["G4"] = "lots"             # the first client's COGS, now on row 4

    book = bad_book(tmp_path, fn)
    out = expect(run("validate", book), EXIT_INPUT, "problem in the inputs:")
    assert_located(out, book, "Clients", 4, "COGS", "'lots' is not a number")


def test_merged_header_cells(tmp_path):
    book = bad_book(tmp_path, lambda wb: wb["Clients"].merge_cells("E1:F1"))  # Revenue over Discounts
    out = expect(run("validate", book), EXIT_INPUT)
    assert_located(out, book, "Clients", 1, "Revenue",
                   "header cells E1:F1 are merged, so column F has values but no header")


def test_hidden_rows_are_data(tmp_path):
    def fn(wb):
        ws = wb["Clients"]
        ws.row_dimensions[3].hidden = True
        ws.row_dimensions[5].hidden = True
        ws["E5"] = "n/a"

    book = bad_book(tmp_path, fn)
    out = expect(run("validate", book), EXIT_INPUT)
    assert_located(out, book, "Clients", 5, "Revenue", "'n/a' is not a number")
    assert len(problem_lines(out)) == 1   # hidden row 3 read as an ordinary client


def test_empty_workbook(tmp_path):
    import openpyxl

    book = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(book)
    out = expect(run("validate", book), EXIT_INPUT, "3 problems")
    for sheet in ("Clients", "Activities", "Volumes"):
        assert_located(out, book, None, None, None, f"missing sheet {sheet}")


def test_empty_clients_sheet(tmp_path):
    def fn(wb):
        ws = wb["Clients"]
        ws.delete_rows(1, ws.max_row)

    book = bad_book(tmp_path, fn)
    out = expect(run("validate", book), EXIT_INPUT)
    assert_located(out, book, "Clients", None, None, "the sheet is empty; expected a header row with "
                                                     "Client ID, Revenue, COGS")


def test_clients_header_without_rows(tmp_path):
    def fn(wb):
        wb["Clients"].delete_rows(2, 100)
        wb["Volumes"].delete_rows(2, 100)

    book = bad_book(tmp_path, fn)
    out = expect(run("validate", book), EXIT_INPUT)
    assert_located(out, book, "Clients", None, None, "the sheet has a header but no data rows")


def test_volumes_unknown_activity(tmp_path):
    book = set_cells(tmp_path, "Volumes", {"N1": "Gift wrapping", "N2": 3})
    out = expect(run("validate", book), EXIT_INPUT)
    assert_located(out, book, "Volumes", 1, "Gift wrapping",
                   "column 'Gift wrapping' is not an activity of the Activities sheet")


def test_volumes_unknown_client(tmp_path):
    book = set_cells(tmp_path, "Volumes", {"A14": "C9999", "B14": 3})
    out = expect(run("validate", book), EXIT_INPUT)
    assert_located(out, book, "Volumes", 14, "Client ID", "client 'C9999' is not in the Clients sheet")


def test_volumes_client_id_case_matches(tmp_path):
    book = set_cells(tmp_path, "Volumes", {"A3": "c0002", "A4": " C0003 "})
    expect(run("validate", book), EXIT_OK, f"OK - {N_CLIENTS} clients")
    # rows 3 and 4 still count for C0002 and C0003 (19 and 26 orders entered in the demo book)
    v = read(book).volumes.set_index(["client_id", "activity"])["quantity"]
    vols = raw_tables()["Volumes"]
    assert (v["C0002", "Order entry"], v["C0003", "Order entry"]) == (vols[2][1], vols[3][1]) == (19.0, 26.0)
    from xlprof.io.reader import read_portfolio

    notes: list[str] = []
    p = read_portfolio(book, notes)
    assert set(p.volumes["client_id"]) == {f"C{i:04d}" for i in range(1, N_CLIENTS + 1)}
    assert notes == [f"{book}, sheet Volumes: 1 client ID matched the Clients sheet ignoring case "
                     "('c0002' as 'C0002')"]


def test_volumes_duplicate_client_row(tmp_path):
    book = set_cells(tmp_path, "Volumes", {"A4": "C0002"})
    out = expect(run("validate", book), EXIT_INPUT)
    assert_located(out, book, "Volumes", 4, "Client ID", "client 'C0002' appears twice (first in row 3)")


def test_volumes_negative_and_text(tmp_path):
    book = set_cells(tmp_path, "Volumes", {"C3": -4, "D5": "lots"})
    out = expect(run("validate", book), EXIT_INPUT)
    assert_located(out, book, "Volumes", 3, "Order changes", "-4 is negative; expected a number >= 0")
    assert_located(out, book, "Volumes", 5, "Inquiries", "'lots' is not a number")


def _long_volumes(rows):
    def fn(wb):
        wb.remove(wb["Volumes"])
        ws = wb.create_sheet("Volumes")
        ws.append(["Client ID", "Activity", "Quantity"])
        for r in rows:
            ws.append(r)

    return fn


def test_long_volumes_valid(tmp_path):
    book = bad_book(tmp_path, _long_volumes([["C0001", "Order entry", 5], ["C0002", "order ENTRY", 7],
                                             ["C0003", "Training", 0]]))
    expect(run("validate", book), EXIT_OK, "2 volume entries")
    v = read(book).volumes
    got = {(r.client_id, r.activity): r.quantity for r in v.itertuples() if r.quantity}
    assert got == {("C0001", "Order entry"): 5.0, ("C0002", "Order entry"): 7.0}   # "order ENTRY"


def test_long_volumes_duplicates_and_unknowns(tmp_path):
    book = bad_book(tmp_path, _long_volumes([
        ["C0001", "Order entry", 5],
        ["C0001", "order entry", 7],      # row 3: same pair again
        ["C0002", "Training", -1],        # row 4: negative
        ["C0404", "Training", 1],         # row 5: unknown client
        ["C0003", "Gift wrapping", 1],    # row 6: unknown activity
    ]))
    out = expect(run("validate", book), EXIT_INPUT, "4 problems")
    assert_located(out, book, "Volumes", 3, "Activity",
                   "client 'C0001' and activity 'Order entry' appear twice (first in row 2)")
    assert_located(out, book, "Volumes", 4, "Quantity", "-1 is negative")
    assert_located(out, book, "Volumes", 5, "Client ID", "client 'C0404' is not in the Clients sheet")
    assert_located(out, book, "Volumes", 6, "Activity", "activity 'Gift wrapping' is not in the Activities sheet")


def test_spanish_workbook(tmp_path):
    book = valid_book(tmp_path, "es.xlsx", lang="es")     # Parámetros: language es
    expect(run("validate", book), EXIT_OK, f"{book}: correcto - {N_CLIENTS} clientes")
    expect(run("validate", book, "--lang", "en"), EXIT_OK, f"{book}: OK - {N_CLIENTS} clients")
    es, en = read(book), read(valid_book(tmp_path, "en.xlsx"))
    for name in ("clients", "activities", "volumes", "resources"):
        pd.testing.assert_frame_equal(getattr(es, name), getattr(en, name), check_exact=True)


def test_spanish_workbook_problem_uses_users_names(tmp_path):
    def fn(wb):
        wb["Clientes"]["E3"] = "1.234,56"    # Ingresos: read leniently
        wb["Clientes"]["G3"] = "mucho"       # Coste de ventas

    book = bad_book(tmp_path, fn, lang="es")
    out = expect(run("validate", book), EXIT_INPUT)       # in the book's language (Parámetros: es)
    assert out.strip() == (f"xlprof: problema en los datos:\n  {book}, hoja Clientes, fila 3, columna Coste de "
                           "ventas: 'mucho' no es un número")
    out = expect(run("validate", book, "--lang", "en"), EXIT_INPUT)
    assert_located(out, book, "Clientes", 3, "Coste de ventas", "'mucho' is not a number")
    assert len(problem_lines(out)) == 1


def test_all_problems_reported_in_one_run(tmp_path):
    def fn(wb):
        wb["Clients"]["E3"] = "lots"                 # a cell
        wb["Activities"]["E4"] = "sometimes"         # another sheet
        wb["Volumes"]["A14"] = "C0404"               # a reference
        wb["Volumes"]["B14"] = 1

    book = bad_book(tmp_path, fn)
    out = expect(run("validate", book), EXIT_INPUT, "3 problems in the inputs")
    assert len(problem_lines(out)) == 3
    assert_located(out, book, "Clients", 3, "Revenue", "'lots' is not a number")
    assert_located(out, book, "Activities", 4, "Behavior", "'sometimes' is not a cost behaviour")
    assert_located(out, book, "Volumes", 14, "Client ID", "client 'C0404' is not in the Clients sheet")


def test_many_problems_are_capped(tmp_path):
    def fn(wb):
        for r in range(2, N_CLIENTS + 2):
            for c in "EGHIL":
                wb["Clients"][f"{c}{r}"] = "?"

    book = bad_book(tmp_path, fn)
    out = expect(run("validate", book), EXIT_INPUT, f"{N_CLIENTS * 5} problems", "... and 10 more")
    assert len(problem_lines(out)) == 51


# --- files ---------------------------------------------------------------------------------


def test_not_a_zip(tmp_path):
    book = tmp_path / "notes.xlsx"
    book.write_text("client_id,revenue\nC1,100\n")
    expect(run("validate", book), EXIT_UNREADABLE, f"{book}: is not an .xlsx workbook (not a zip package)")


def test_empty_file(tmp_path):
    book = tmp_path / "zero.xlsx"
    book.write_bytes(b"")
    expect(run("validate", book), EXIT_UNREADABLE, f"{book}: is not an .xlsx workbook")


@pytest.mark.parametrize("keep", [0.5, 0.98])
def test_truncated_zip(tmp_path, keep):
    data = valid_book(tmp_path, "ok.xlsx").read_bytes()
    book = tmp_path / "cut.xlsx"
    book.write_bytes(data[: int(len(data) * keep)])
    expect(run("validate", book), EXIT_UNREADABLE, f"{book}: is a damaged or truncated .xlsx file")


def test_zip_that_is_not_a_workbook(tmp_path):
    book = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(book, "w") as z:
        z.writestr("readme.txt", "hello")
    expect(run("validate", book), EXIT_UNREADABLE, f"{book}: is a zip file but not an Excel workbook")


def test_xls_renamed_xlsx(tmp_path):
    book = tmp_path / "old.xlsx"
    book.write_bytes(OLE_MAGIC + bytes(4096))
    expect(run("validate", book), EXIT_UNREADABLE,
           f"{book}: is password-protected or an old .xls workbook")


def test_password_protected_workbook(tmp_path):
    # Excel saves an encrypted .xlsx as an OLE compound file (EncryptionInfo +
    # EncryptedPackage streams): the same magic bytes as a legacy .xls.
    book = tmp_path / "locked.xlsx"
    book.write_bytes(OLE_MAGIC + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff" + bytes(4096))
    out = expect(run("validate", book), EXIT_UNREADABLE, f"{book}: ")
    assert "remove the password" in out


def test_ods_renamed_xlsx(tmp_path):
    book = tmp_path / "calc.xlsx"
    with zipfile.ZipFile(book, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
        z.writestr("META-INF/manifest.xml", "<manifest:manifest/>")
    expect(run("validate", book), EXIT_UNREADABLE, f"{book}: is an OpenDocument (.ods) file renamed")


@pytest.mark.parametrize("suffix, fragment", [
    (".xls", "old .xls workbooks are not supported; save it as .xlsx"),
    (".ods", "OpenDocument files are not supported; save it as .xlsx"),
    (".txt", "unsupported file type .txt: expected .xlsx or a folder of CSV files"),
    (".csv", "give the folder that holds Clients.csv"),
], ids=["xls", "ods", "txt", "single-csv"])
def test_wrong_extension(tmp_path, suffix, fragment):
    f = tmp_path / f"input{suffix}"
    f.write_bytes(b"client_id,revenue\n")
    expect(run("validate", f), EXIT_UNREADABLE, f"{f}: {fragment}")


def test_missing_file(tmp_path):
    f = tmp_path / "nope.xlsx"
    expect(run("validate", f), EXIT_UNREADABLE, f"{f}: no such file or folder")


def test_folder_without_csv(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    expect(run("validate", tmp_path), EXIT_UNREADABLE, f"{tmp_path}: holds no .csv files")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_folder_encodings(tmp_path, encoding):
    folder = write_csv_folder(tmp_path / encoding, encoding=encoding)
    data = score_json(folder)
    names = {c["client_id"]: c for c in data["clients"]}
    assert len(names) == N_CLIENTS
    assert "Sofía López" in {c["account_manager"] for c in data["clients"]}   # no mojibake


def test_csv_semicolons_and_decimal_commas(tmp_path):
    reference = score_json(valid_book(tmp_path, "ok.xlsx"))
    folder = write_csv_folder(tmp_path / "semi", delimiter=";", decimal_comma=True)
    assert "0,08" in (folder / "Settings.csv").read_text()
    assert "2,5" in (folder / "Activities.csv").read_text()
    data = score_json(folder)
    assert data["clients"] == reference["clients"]


def test_csv_nan_and_infinity(tmp_path):
    tables = raw_tables()
    c = tables["Clients"] = copy.deepcopy(tables["Clients"])
    c[2][4], c[3][4], c[4][6] = "NaN", "inf", "-Infinity"
    folder = write_csv_folder(tmp_path / "csv", _as_text(tables))
    out = expect(run("validate", folder), EXIT_INPUT)
    f = folder / "Clients.csv"
    assert_located(out, f, "Clients", 3, "Revenue", "'NaN' is not a number")
    assert_located(out, f, "Clients", 4, "Revenue", "'inf' is not a number")
    assert_located(out, f, "Clients", 5, "COGS", "'-Infinity' is not a number")


def test_csv_missing_file_in_folder(tmp_path):
    folder = write_csv_folder(tmp_path / "csv")
    (folder / "Activities.csv").unlink()
    out = expect(run("validate", folder), EXIT_INPUT)
    assert_located(out, folder, None, None, None, "missing sheet Activities")


def _as_text(tables):
    from _inputs import portfolio_tables

    text = portfolio_tables()
    return {name: [[v if isinstance(v, str) else text[name][i][j] for j, v in enumerate(row)]
                   for i, row in enumerate(rows)] for name, rows in tables.items()}


# --- outputs -------------------------------------------------------------------------------


def test_output_folder_missing(tmp_path):
    book = valid_book(tmp_path)
    target = tmp_path / "no" / "such" / "scores.csv"
    expect(run("score", book, "--format", "csv", "-o", target), EXIT_UNWRITABLE,
           f"{target}: cannot write: the folder {target.parent} does not exist")
    assert not target.parent.exists()


def test_output_folder_not_writable(tmp_path, monkeypatch):
    book = valid_book(tmp_path)
    folder = tmp_path / "locked"
    folder.mkdir()
    target = folder / "scores.csv"
    if os.geteuid() == 0:   # root ignores permissions: simulate what the OS would say
        def denied(*a, **k):
            raise PermissionError(errno.EACCES, "Permission denied")

        monkeypatch.setattr(tempfile, "mkstemp", denied)
    else:
        folder.chmod(0o500)
    try:
        expect(run("score", book, "--format", "csv", "-o", target), EXIT_UNWRITABLE,
               f"{target}: cannot write: permission denied")
    finally:
        folder.chmod(0o700)
    assert list(folder.iterdir()) == []


def test_output_is_a_folder(tmp_path):
    book = valid_book(tmp_path)
    target = tmp_path / "out"
    target.mkdir()
    expect(run("score", book, "-o", target), EXIT_UNWRITABLE, f"{target}: cannot write")
    assert list(target.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_disk_full_on_rename(tmp_path, monkeypatch):
    book = valid_book(tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "scores.json"
    target.write_text("previous results\n")

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    import xlprof.io.atomic as atomic

    monkeypatch.setattr(atomic.os, "replace", full)
    expect(run("score", book, "--format", "json", "-o", target), EXIT_UNWRITABLE,
           f"{target}: cannot write: the disk is full")
    assert target.read_text() == "previous results\n"
    assert [p.name for p in out_dir.iterdir()] == ["scores.json"]


def test_disk_full_while_writing(tmp_path, monkeypatch):
    book = valid_book(tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "scores.csv"
    target.write_text("previous results\n")
    from xlprof import report

    real = report._LineFeedRows.write
    rows = []

    def rows_then_full(self, row):           # the CSV is written row by row: the disk fills midway
        rows.append(row)
        if len(rows) > 5:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(self, row)

    monkeypatch.setattr(report._LineFeedRows, "write", rows_then_full)
    expect(run("score", book, "--format", "csv", "-o", target), EXIT_UNWRITABLE,
           f"{target}: cannot write: the disk is full")
    assert target.read_text() == "previous results\n"
    assert [p.name for p in out_dir.iterdir()] == ["scores.csv"]


def test_output_written_when_possible(tmp_path):
    book = valid_book(tmp_path)
    target = tmp_path / "scores.csv"
    target.write_text("old\n")
    expect(run("score", book, "--format", "csv", "-o", target), EXIT_OK, f"wrote {target}")
    assert target.read_text().startswith("client_id,")
    import csv

    with target.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == N_CLIENTS
    by_id = {c["client_id"]: c for c in score_json(book)["clients"]}
    assert float(rows[0]["net_profit"]) == pytest.approx(by_id[rows[0]["client_id"]]["net_profit"])


# --- usage ---------------------------------------------------------------------------------


@pytest.mark.parametrize("args, fragment", [
    (["validate", "--bogus", "x.xlsx"], "No such option '--bogus'"),
    (["validate"], "Missing argument 'INPUT'"),
    (["score", "x.xlsx", "--format", "xml"], "Invalid value for '--format'"),
    (["frobnicate"], "No such command 'frobnicate'"),
], ids=["unknown-option", "missing-argument", "bad-format", "unknown-command"])
def test_usage_errors(args, fragment):
    expect(run(*args), EXIT_USAGE, fragment)
