"""Which sheet holds a table, and sheets whose layout is not a plain table (issue 9, values side).

* Two visible sheets (or CSV files) that mean the same table are refused, naming both: reading
  the first would silently drop the other. A hidden sheet never shadows a visible one.
* A merge that starts in the header row and covers data rows would put the header's text in
  those rows: refused with the range and the fix.

Every case runs the real CLI on a file built in the test and checks the exit code and the
exact message (or the values read back).
"""

from __future__ import annotations

import copy
import json

import pytest

from _inputs import (N_CLIENTS, bad_book, expect, problem_lines, raw_tables, run, write_csv_folder,
                     xlsxwriter_book)
from xlprof.errors import EXIT_INPUT, EXIT_OK

DECOY = ["X9999", "Decoy", "Nobody", "Nowhere", 1, 0, 1, 0, 0, 0, None, 0, 0, None, None, None, 3, 3,
         "no", ""]


def _two_clients_tables(first: str, second: str) -> dict:
    tables = copy.deepcopy(raw_tables())
    clients = tables.pop("Clients")
    out = {}
    for name, rows in tables.items():
        out[name] = rows
        if name == "Settings":
            out[first] = clients
            out[second] = [clients[0], DECOY]
    return out


# --- 1. two sheets that mean the same table -------------------------------------------------


@pytest.mark.parametrize("first, second", [("Clients", "Clientes"), ("Clientes", "Customers")])
def test_two_visible_sheets_for_one_table_are_refused(tmp_path, first, second):
    book = xlsxwriter_book(tmp_path / "two.xlsx", _two_clients_tables(first, second))
    out = expect(run("validate", book), EXIT_INPUT)
    assert out.strip() == (f"xlprof: problem in the inputs:\n  {book}: sheets {first!r} and {second!r} both "
                           "hold the Clients table, and xlprof will not choose between them: rename or "
                           "delete one of them")
    # renaming the decoy sheet ends it: a sheet with another name is simply not read
    tables = _two_clients_tables(first, "Old clients")
    book = xlsxwriter_book(tmp_path / "renamed.xlsx", tables)
    expect(run("validate", book), EXIT_OK, f"OK - {N_CLIENTS} clients")


def test_three_sheets_for_one_table_are_all_named(tmp_path):
    tables = _two_clients_tables("Clients", "Clientes")
    tables["Customers"] = copy.deepcopy(tables["Clientes"])
    book = xlsxwriter_book(tmp_path / "three.xlsx", tables)
    out = expect(run("validate", book), EXIT_INPUT)
    assert (f"{book}: sheets 'Clients', 'Clientes' and 'Customers' all hold the Clients table, and "
            "xlprof will not choose between them: rename or delete all but one") in out


def test_a_hidden_duplicate_is_left_out_not_refused(tmp_path):
    # the existing rule: a hidden sheet never shadows a visible one (and is no conflict)
    tables = _two_clients_tables("Clients", "Clientes")

    def hook(wb, ws):
        ws["Clientes"].hide()

    book = xlsxwriter_book(tmp_path / "hidden.xlsx", tables, hook)
    r = run("score", book, "--format", "json")
    out = expect(r, EXIT_OK)
    ids = {c["client_id"] for c in json.loads(r.stdout)["clients"]}
    assert "X9999" not in ids and len(ids) == N_CLIENTS
    assert f"xlprof: note: {book}: sheet 'Clientes' is hidden; read the visible sheet 'Clients' for Clients" in out


def test_two_settings_sheets_are_refused(tmp_path):
    tables = copy.deepcopy(raw_tables())
    tables["Parámetros"] = [["key", "value"], ["cost_of_capital", 0.5]]
    book = xlsxwriter_book(tmp_path / "settings.xlsx", tables)
    out = expect(run("validate", book), EXIT_INPUT)
    assert (f"{book}: sheets 'Settings' and 'Parámetros' both hold the Settings table, and xlprof will "
            "not choose between them") in out


def test_two_csv_files_for_one_table_are_refused(tmp_path):
    folder = write_csv_folder(tmp_path / "csv")
    (folder / "clientes.csv").write_text("Client ID,Revenue,COGS\r\nX9999,1,1\r\n", encoding="utf-8")
    out = expect(run("validate", folder), EXIT_INPUT)
    assert out.strip() == (f"xlprof: problem in the inputs:\n  {folder}: files 'Clients.csv' and "
                           "'clientes.csv' both hold the Clients table, and xlprof will not choose "
                           "between them: rename or delete one of them")
    (folder / "clientes.csv").unlink()
    expect(run("validate", folder), EXIT_OK, f"OK - {N_CLIENTS} clients")


def test_two_volumes_files_are_refused_with_the_other_problems(tmp_path):
    tables = copy.deepcopy(raw_tables())
    tables["Consumos"] = copy.deepcopy(tables["Volumes"])
    tables["Clients"][3][4] = "lots"
    folder = write_csv_folder(tmp_path / "csv", {k: [["" if v is None else v for v in r] for r in rows]
                                                 for k, rows in tables.items()})
    out = expect(run("validate", folder), EXIT_INPUT)
    lines = problem_lines(out)
    assert f"{folder}: files 'Consumos.csv' and 'Volumes.csv' both hold the Volumes table, and xlprof " \
           "will not choose between them: rename or delete one of them" in lines
    assert any("row 4, column Revenue: 'lots' is not a number" in ln for ln in lines)


# --- 2. a merge from the header row down into the data ----------------------------------------


def _client_rows(book):
    r = run("score", book, "--format", "json")
    expect(r, EXIT_OK)
    return {c["client_id"]: c for c in json.loads(r.stdout)["clients"]}


def test_region_header_merged_down_over_data_rows_is_refused(tmp_path):
    # openpyxl, like Excel, keeps only the top-left value ('Region') of D1:D3; the reader
    # would give it to rows 2 and 3 (region 'Region' for C0001 and C0002)
    book = bad_book(tmp_path, lambda wb: wb["Clients"].merge_cells("D1:D3"))
    out = expect(run("validate", book), EXIT_INPUT)
    assert out.strip() == (
        f"xlprof: problem in the inputs:\n  {book}, sheet Clients, row 1, column Region: cells D1:D3 are "
        "merged from the header into the data below it, so the header 'Region' would be read as the "
        "value of rows 2 to 3; unmerge D1:D3, keep the header in row 1 and type each row's own value")
    # unmerged, with the rows' own values typed: read
    def fix(wb):
        ws = wb["Clients"]
        ws.merge_cells("D1:D3")
        ws.unmerge_cells("D1:D3")
        ws["D2"], ws["D3"] = "North", "South"

    clients = _client_rows(bad_book(tmp_path, fix, name="fixed.xlsx"))
    assert (clients["C0001"]["client_id"], len(clients)) == ("C0001", N_CLIENTS)


def test_revenue_header_merged_into_one_data_row_is_one_problem(tmp_path):
    # E1:E2: 'Revenue' would be C0001's revenue: one line for the merge, not "'Revenue' is not a number"
    book = bad_book(tmp_path, lambda wb: wb["Clients"].merge_cells("E1:E2"))
    out = expect(run("validate", book), EXIT_INPUT)
    assert len(problem_lines(out)) == 1 and out.strip().endswith(
        "cells E1:E2 are merged from the header into the data below it, so the header 'Revenue' would "
        "be read as the value of row 2; unmerge E1:E2, keep the header in row 1 and type each row's own value")
    assert "not a number" not in out and "blank" not in out


def test_header_merge_in_a_spanish_book_and_in_volumes(tmp_path):
    def fn(wb):
        wb["Clientes"].merge_cells("C1:C4")       # Gestor de cuenta
        wb["Consumos"].merge_cells("A1:A2")       # ID cliente

    book = bad_book(tmp_path, fn, lang="es")
    out = expect(run("validate", book, "--lang", "en"), EXIT_INPUT)
    lines = problem_lines(out)
    assert len(lines) == 2, out
    assert lines[0].startswith(f"{book}, sheet Clientes, row 1, column Gestor de cuenta: cells C1:C4 are merged")
    assert "the header 'Gestor de cuenta' would be read as the value of rows 2 to 4" in lines[0]
    assert lines[1].startswith(f"{book}, sheet Consumos, row 1, column ID cliente: cells A1:A2 are merged")
    # in the book's own language (its Parámetros say es)
    out = expect(run("validate", book), EXIT_INPUT)
    assert problem_lines(out) == [
        f"{book}, hoja Clientes, fila 1, columna Gestor de cuenta: las celdas C1:C4 están combinadas desde el "
        "encabezado hasta los datos de debajo, así que el encabezado 'Gestor de cuenta' se leería como el valor "
        "de las filas 2 a 4; separe C1:C4, deje el encabezado en la fila 1 y escriba el valor de cada fila",
        f"{book}, hoja Consumos, fila 1, columna ID cliente: las celdas A1:A2 están combinadas desde el "
        "encabezado hasta los datos de debajo, así que el encabezado 'ID cliente' se leería como el valor de la "
        "fila 2; separe A1:A2, deje el encabezado en la fila 1 y escriba el valor de cada fila"]


def test_merges_that_stay_out_of_the_data_are_read(tmp_path):
    def fn(wb):
        ws = wb["Clients"]
        ws.insert_rows(1, 2)
        ws["A1"] = "Client list, FY2026"
        ws.merge_cells("A1:F2")                   # a title over two rows above the header
        ws.merge_cells("C5:C6")                   # a manager for two clients (rows 5 and 6)

    book = bad_book(tmp_path, fn)
    clients = _client_rows(book)
    assert clients["C0002"]["client_id"] == "C0002" and len(clients) == N_CLIENTS


# --- 3. merged managers and regions under --split-by ------------------------------------------


def _split(book, tmp_path, column="account_manager"):
    out = tmp_path / "split"
    r = run("generate", book, "-o", out, "--split-by", column)
    return r, out


def test_split_books_of_a_merged_manager_hold_every_client_of_the_merge(tmp_path):
    """Manager and region merged C2:C4, D2:D4 by Excel (the value kept in the top cell only):
    the manager's split book holds the three clients, and no book is 'blank'."""
    from xlprof.io.reader import read_portfolio

    def fn(wb):
        ws = wb["Clients"]
        ws.merge_cells("C2:C4")
        ws.merge_cells("D2:D4")

    book = bad_book(tmp_path, fn)
    rows = raw_tables()["Clients"]
    manager, region = rows[1][2], rows[1][3]
    for column, value in (("account_manager", manager), ("region", region)):
        r, out = _split(book, tmp_path / column, column)
        expect(r, EXIT_OK)
        books = sorted(out.glob("*.xlsx"))
        assert not [b for b in books if "blank" in b.name], books
        mine = next(b for b in books if b.name.endswith(f"-{value.replace(' ', '-')}.xlsx"))
        ids = set(read_portfolio(mine).clients["client_id"])
        assert {"C0001", "C0002", "C0003"} <= ids, (column, ids)
        others = {r[0] for r in rows[1:] if r[2 if column == "account_manager" else 3] == value}
        assert ids == others | {"C0001", "C0002", "C0003"}


def test_split_by_a_header_merged_into_the_data_is_refused_and_writes_nothing(tmp_path):
    """Region merged from its header D1:D3: the split would put C0001 and C0002 in a book
    called 'Region'. Refused with the merge's fix and the input-problem exit (one input that
    fails whole keeps its own code); nothing written."""
    book = bad_book(tmp_path, lambda wb: wb["Clients"].merge_cells("D1:D3"))
    r, out = _split(book, tmp_path, "region")
    text = expect(r, EXIT_INPUT, f"FAILED {book}:")
    assert f"{book}, sheet Clients, row 1, column Region: cells D1:D3 are merged from the header into the " \
           "data below it, so the header 'Region' would be read as the value of rows 2 to 3" in text
    assert list(out.glob("*")) == []
