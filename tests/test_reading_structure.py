"""Rows that are not what they look like: a CSV row with more fields than its header (its
values shifted by an unquoted ``120,000``), a totals row typed under the clients or the
volumes, and tables saved by Excel as "Unicode Text" (``Clients.txt``). docs/bad-input.md
("Structure", "Text files") lists each case with its test."""

from __future__ import annotations

import json

import pytest

from _inputs import expect, portfolio_tables, problem_lines, raw_tables, run, write_csv_folder, xlsxwriter_book
from xlprof.errors import EXIT_INPUT, EXIT_OK, EXIT_UNREADABLE
from xlprof.io.reader import read_portfolio
from xlprof.io.totals import sums_column_above, totals_label

LONG_ROW = ("this row has 21 fields, the header 20, so its values are shifted into the wrong columns; the likely "
            "cause is an unquoted thousands separator (120,000) or a comma inside an unquoted text; put that "
            "value in double quotes (\"120,000\") or remove the separator (120000)")


def _plain_csv(folder, tables, delimiter=","):
    """Write ``tables`` as files joined by ``delimiter`` with no quoting at all (as a person
    or a careless export writes them)."""
    folder.mkdir()
    for name, rows in tables.items():
        lines = []
        for row in rows:
            assert not any(delimiter in c or '"' in c for c in row), row
            lines.append(delimiter.join(row))
        (folder / f"{name}.csv").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return folder


# --- 1. a CSV row longer than its header -----------------------------------------------------


def test_csv_row_with_an_unquoted_thousands_comma_is_refused(tmp_path):
    """``C0001,…,13,300,0,…``: the row has one field more than the header; before, Revenue read
    13 and Discounts 300, with only a note about a column without a header."""
    tables = portfolio_tables()
    folder = _plain_csv(tmp_path / "f", tables)
    text = (folder / "Clients.csv").read_text(encoding="utf-8")
    assert ",East,13300,0,11352," in text
    (folder / "Clients.csv").write_text(text.replace(",East,13300,0,11352,", ",East,13,300,0,11352,", 1),
                                        encoding="utf-8")
    out = expect(run("validate", folder), EXIT_INPUT)
    assert problem_lines(out) == [f"{folder / 'Clients.csv'}, sheet Clients, row 2: {LONG_ROW}"]
    es = expect(run("validate", folder, "--lang", "es"), EXIT_INPUT)
    assert "esta fila tiene 21 campos y el encabezado 20" in es
    assert "separador de miles sin comillas (120,000)" in es


def test_csv_row_shorter_than_its_header_is_read(tmp_path):
    """Trailing blanks left out (``C0002,…,Strategic`` without the empty Notes field) are normal."""
    tables = portfolio_tables()
    assert tables["Clients"][2][-1] == ""
    tables["Clients"][2] = tables["Clients"][2][:-1]
    folder = _plain_csv(tmp_path / "f", tables)
    p = read_portfolio(folder)
    row = p.clients.set_index("client_id").loc["C0002"]
    assert row["revenue"] == 24600 and row["cogs"] == 18586


def test_tab_text_row_longer_than_its_header_is_refused(tmp_path):
    tables = portfolio_tables()
    tables["Clients"][3] = tables["Clients"][3] + ["stray"]
    folder = _plain_csv(tmp_path / "f", tables, "\t")
    out = expect(run("validate", folder), EXIT_INPUT)
    assert problem_lines(out) == [
        f"{folder / 'Clients.csv'}, sheet Clients, row 4: this row has 21 fields, the header 20, so its values are "
        "shifted into the wrong columns; the likely cause is a tab inside an unquoted text; put that value in "
        "double quotes or remove the tab"]


def test_csv_blank_row_longer_than_its_header_is_harmless(tmp_path):
    tables = portfolio_tables()
    tables["Clients"].append([""] * 25)
    folder = _plain_csv(tmp_path / "f", tables)
    assert len(read_portfolio(folder).clients) == len(tables["Clients"]) - 2


# --- 2. totals rows typed under a table --------------------------------------------------------


def _with_row(tables, sheet, row):
    tables = {k: [list(r) for r in v] for k, v in tables.items()}
    width = len(tables[sheet][0])
    tables[sheet].append(list(row) + [None] * (width - len(row)))
    return tables


@pytest.mark.parametrize("label", ["Total", "TOTAL", "Grand total", "Sub-total:", "Totales", "Total general",
                                   "SUMA", "Sum"])
def test_totals_row_label_in_clients_is_refused(tmp_path, label):
    tables = raw_tables()
    n = len(tables["Clients"])
    revenue = sum(float(r[4]) for r in tables["Clients"][1:])
    book = xlsxwriter_book(tmp_path / "b.xlsx", _with_row(tables, "Clients", [label, None, None, None, revenue]))
    out = expect(run("validate", book), EXIT_INPUT)
    assert problem_lines(out) == [
        f"{book}, sheet Clients, row {n + 1}: this row looks like a totals row (Client ID {label!r}): read as data "
        "it would be a client whose amounts are the sum of the others, doubling the portfolio's totals; delete "
        f"the row (xlprof computes its own totals). If a client really has the ID {label!r}, give it another one "
        f"(e.g. '{label}-1')"]


def test_totals_row_with_sum_formulas_and_saved_values_is_refused(tmp_path):
    """``=SUM(E2:E13)`` with the value Excel saved: trusted as a value, still a totals row."""
    tables = raw_tables()
    n = len(tables["Clients"])
    revenue = sum(float(r[4]) for r in tables["Clients"][1:])

    def hook(wb, sheets):
        ws = sheets["Clients"]
        ws.write_string(n, 0, "C9999")
        ws.write_formula(n, 4, f"=SUM(E2:E{n})", None, revenue)

    book = xlsxwriter_book(tmp_path / "b.xlsx", hook=hook)
    out = expect(run("validate", book), EXIT_INPUT)
    assert problem_lines(out) == [
        f"{book}, sheet Clients, row {n + 1}: this row looks like a totals row: =SUM(E2:E{n}) adds up the column "
        "above it, so client 'C9999' would count the other clients' amounts again; delete the row (xlprof "
        "computes its own totals), or type this client's own amounts instead of the formula"]


def test_totals_row_with_blank_id_and_uncalculated_sums_says_so(tmp_path):
    """Blank ID, ``=SUBTOTAL(9,G2:G13)`` never calculated: one problem saying what the row is,
    instead of "blank ID" and "formula cannot be trusted"."""
    n = len(raw_tables()["Clients"])

    def hook(wb, sheets):
        sheets["Clients"].write_formula(n, 6, f"=SUBTOTAL(9,G2:G{n})")

    book = xlsxwriter_book(tmp_path / "b.xlsx", hook=hook)
    out = expect(run("validate", book, "--lang", "es"), EXIT_INPUT)
    assert problem_lines(out) == [
        f"{book}, hoja Clients, fila {n + 1}: esta fila parece una fila de totales: Client ID está vacío y "
        f"=SUBTOTAL(9,G2:G{n}) suma la columna de encima; borre la fila (xlprof calcula sus propios totales)"]


def test_totals_row_named_total_with_a_blank_id_is_refused(tmp_path):
    tables = raw_tables()
    n = len(tables["Clients"])
    book = xlsxwriter_book(tmp_path / "b.xlsx", _with_row(tables, "Clients", [None, "Grand Total", None, None, 5]))
    out = expect(run("validate", book), EXIT_INPUT)
    assert problem_lines(out) == [
        f"{book}, sheet Clients, row {n + 1}: this row looks like a totals row (Client ID blank, name 'Grand "
        "Total'): read as data it would be a client whose amounts are the sum of the others, doubling the "
        "portfolio's totals; delete the row (xlprof computes its own totals). If it is a real client, type its "
        "Client ID"]


def test_totals_row_in_volumes_is_refused(tmp_path):
    tables = raw_tables()
    n = len(tables["Volumes"])
    folder = write_csv_folder(tmp_path / "f", _with_row(portfolio_tables(), "Volumes", ["Total", "999"]))
    out = expect(run("validate", folder), EXIT_INPUT)
    assert problem_lines(out) == [
        f"{folder / 'Volumes.csv'}, sheet Volumes, row {n + 1}: this row looks like a totals row (Client ID "
        "'Total'): read as data it would be a client whose amounts are the sum of the others, doubling the "
        "portfolio's totals; delete the row (xlprof computes its own totals). If a client really has the ID "
        "'Total', give it another one (e.g. 'Total-1')"]


def test_a_client_named_total_with_an_id_is_read(tmp_path):
    """Only the ID (or the name where the ID is blank) is a totals label: a client whose name is
    "Total" (TotalEnergies' old account name, say) with its own ID is a client."""
    tables = raw_tables()
    tables["Clients"][1][1] = "Total"
    p = read_portfolio(xlsxwriter_book(tmp_path / "b.xlsx", tables))
    assert p.clients.set_index("client_id").loc["C0001", "client_name"] == "Total"
    assert p.clients.set_index("client_id").loc["C0001", "revenue"] == 13300


def test_totals_labels_and_formulas():
    assert all(map(totals_label, ["total", " Totals ", "GRAND TOTAL", "Subtotal", "sub total", "Totales",
                                  "TOTAL GENERAL", "Suma", "Súma", "Total:", "Gran total"]))
    assert not any(map(totals_label, ["Totalia", "C0001", "Total Energies", 5, None, ""]))
    assert sums_column_above("SUM(E2:E4)", 4, 4)
    assert sums_column_above("_xlfn.AGGREGATE(9,4,$E$2:$E$40)", 40, 4)
    assert sums_column_above("SUBTOTAL(109,E2:E4)", 9, 4)
    assert not sums_column_above("SUM(F2:F4)", 4, 4)         # another column
    assert not sums_column_above("SUM(E6:E9)", 4, 4)         # below
    assert not sums_column_above("E2+E3", 4, 4)              # not a total
    assert not sums_column_above("SUM(B5:D5)", 4, 4)         # across the row


# --- 3. Excel's "Unicode Text" save: Clients.txt ----------------------------------------------


def _scores(path):
    r = run("score", path, "--format", "json")
    expect(r, EXIT_OK)
    return json.loads(r.stdout)["clients"]


@pytest.mark.parametrize("suffix", [".txt", ".tsv"])
def test_unicode_text_files_named_txt_are_read(tmp_path, suffix):
    """Excel's "Unicode Text": UTF-16 LE with a BOM, tab-separated, saved as ``Clients.txt``
    (refused before: "holds no .csv files"); a ``README.txt`` beside them is left alone."""
    plain = _scores(write_csv_folder(tmp_path / "plain"))
    folder = write_csv_folder(tmp_path / "u", delimiter="\t")
    for f in folder.glob("*.csv"):
        f.with_suffix(suffix).write_bytes(f.read_text(encoding="utf-8").encode("utf-16"))
        f.unlink()
    (folder / "README.txt").write_bytes(b"\x00\x01 not text \xff")
    assert (folder / f"Clients{suffix}").read_bytes()[:2] == b"\xff\xfe"
    assert _scores(folder) == plain


def test_folder_without_tables_names_what_it_wanted(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    out = expect(run("validate", tmp_path), EXIT_UNREADABLE)
    assert "holds no .csv files and no tables saved as text (expected Clients.csv" in out


# --- 4. messages -------------------------------------------------------------------------------


def _tiny_folder(folder, revenue="1.500", settings=None):
    folder.mkdir()
    (folder / "Clients.csv").write_text(f"Client ID,Client name,Revenue,COGS\r\nC1,A,{revenue},100\r\nC2,B,900,300\r\n",
                                        encoding="utf-8")
    (folder / "Activities.csv").write_text("Activity,Cost pool,Behavior\r\nOrders,100,variable\r\n", encoding="utf-8")
    (folder / "Volumes.csv").write_text("Client ID,Orders\r\nC1,1\r\nC2,1\r\n", encoding="utf-8")
    if settings is not None:
        (folder / "Settings.csv").write_text(settings, encoding="utf-8")
    return folder


@pytest.mark.parametrize("line,revenue", [("decimal_separator,.", 1.5), ('decimal_separator,","', 1500.0)])
def test_the_settings_csv_line_the_message_gives_settles_the_number(tmp_path, line, revenue):
    """The refusal of '1.500' in a CSV folder names a Settings.csv line; that very line settles it."""
    out = expect(run("validate", _tiny_folder(tmp_path / "a")), EXIT_INPUT)
    assert ("set decimal_separator to '.' or ',' in the folder's Settings.csv (or Parámetros.csv): add the line "
            "decimal_separator,. or decimal_separator,\",\" under its key,value header") in out
    p = read_portfolio(_tiny_folder(tmp_path / "b", settings=f"key,value\r\n{line}\r\n"))
    assert p.clients.set_index("client_id").loc["C1", "revenue"] == revenue


def test_counts_in_the_ok_line_are_singular_for_one(tmp_path):
    folder = _tiny_folder(tmp_path / "a", revenue="1500")
    expect(run("validate", folder), EXIT_OK, f"{folder}: OK - 2 clients, 1 activity, 0 resources, 2 volume entries")
    expect(run("validate", folder, "--lang", "es"), EXIT_OK,
           f"{folder}: correcto - 2 clientes, 1 actividad, 0 recursos, 2 consumos")


def test_negative_values_are_shown_as_typed(tmp_path):
    tables = raw_tables()
    tables["Clients"][1][5] = -5          # Discounts, stored by Excel as -5.0
    tables["Clients"][2][5] = -2.5
    book = xlsxwriter_book(tmp_path / "b.xlsx", tables)
    out = expect(run("validate", book), EXIT_INPUT)
    assert problem_lines(out) == [
        f"{book}, sheet Clients, row 2, column Discounts: -5 is negative; expected a number >= 0",
        f"{book}, sheet Clients, row 3, column Discounts: -2.5 is negative; expected a number >= 0"]
