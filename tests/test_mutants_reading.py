"""Tests written to kill mutants of the reading layer (io/reader, tables, columns, numbers,
volumes) that survived the rest of the suite (scripts/mutation.py reading); the model's are
in test_mutants.py, the parsing layer's in test_mutants_parsing.py.

Each test says which wrong reading it catches, with the input and what it must be read as.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from _inputs import portfolio_tables, raw_tables, write_csv_folder, xlsxwriter_book
from xlprof.errors import InputError, Problem
from xlprof.io import columns as C
from xlprof.io import numbers as N
from xlprof.io.cells import ColumnRows, ErrorCell, PercentCell, RawSheet
from xlprof.io.reader import _count_headers, _reading_only, _shifted_rows_alone, read_portfolio
from xlprof.io.tables import _check_long_rows, _data_rows, _take, columns_of, parse_table
from xlprof.textnorm import as_typed
from xlprof.io.textfiles import read_text_table
from xlprof.messages import msg
from xlprof.schema import CLIENTS
from xlprof.settings import Settings


def _csv(tmp_path: Path, text: str, name: str = "Clients.csv") -> RawSheet:
    """``text`` written as ``name`` and read back as the reader reads a CSV file (by column)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_text_table(path, _count_headers)


def _problems(path) -> list[str]:
    """The located problems (English) that reading ``path`` refuses it with."""
    with pytest.raises(InputError) as e:
        read_portfolio(path)
    return [p.render() for p in e.value.problems]


# --- tables._check_long_rows: a CSV row with more fields than its header -----------------------

SHIFTED_COMMA = ("this row has {n} fields, the header {width}, so its values are shifted into the wrong columns; "
                 "the likely cause is an unquoted thousands separator (120,000) or a comma inside an unquoted "
                 "text; put that value in double quotes (\"120,000\") or remove the separator (120000)")
SHIFTED_TEXT = ("this row has {n} fields, the header {width}, so its values are shifted into the wrong columns; "
                "the likely cause is a {d} inside an unquoted text; put that value in double quotes or remove "
                "the {d}")


def test_long_csv_rows_are_each_refused_with_their_field_count(tmp_path):
    """Header of 3 fields (under a title row): a row of 4 fields, one of 5 whose extra fields are
    blank (still shifted: ``C3,1,2,,``), one of 6 with only the last extra filled are refused,
    each at its own row with its own count; a wholly blank long row, a short row and a row of
    exactly the header's width are not. Catches a count off by one, a blank row refused, the
    first long row only, a missing location or message."""
    raw = _csv(tmp_path, "Client list\nClient ID,Revenue,COGS\nC1,10,20\nC2,13,300,5\nC3,1,2,,\n,,,,\n"
                         "C4,1\nC5,1,2,,,x\n")
    assert raw.delimiter == ","
    problems: list[Problem] = []
    _check_long_rows(raw, 1, problems)
    assert [p.render() for p in problems] == [
        f"{tmp_path / 'Clients.csv'}, sheet Clients, row {row}: " + SHIFTED_COMMA.format(n=n, width=3)
        for row, n in [(4, 4), (5, 5), (8, 6)]]
    assert problems[0].render("es").startswith(
        f"{tmp_path / 'Clients.csv'}, hoja Clients, fila 4: esta fila tiene 4 campos y el encabezado 3, así que")


@pytest.mark.parametrize("delimiter, word, es", [(";", "semicolon", "punto y coma"), ("\t", "tab", "tabulador"),
                                                 ("|", "'|'", "'|'")])
def test_long_row_of_a_text_delimited_file_names_its_delimiter(tmp_path, delimiter, word, es):
    """Not a comma file: the cause is the delimiter inside a text, named (a thousands comma cannot
    shift a ';' file). Catches the comma message for every file, or the wrong delimiter's name."""
    raw = _csv(tmp_path, "\n".join(delimiter.join(r) for r in [["Client ID", "Revenue", "COGS"], ["C1", "10", "20"],
                                                                ["C2", "13", "3", "5"]]) + "\n")
    assert raw.delimiter == delimiter
    problems: list[Problem] = []
    _check_long_rows(raw, 0, problems)
    assert [(p.file, p.sheet, p.row, p.column, str(p.message)) for p in problems] == [
        (str(tmp_path / "Clients.csv"), "Clients", 3, None, SHIFTED_TEXT.format(n=4, width=3, d=word))]
    assert problems[0].message.render("es").endswith(f"o quite el {es}")


def test_csv_rows_of_the_headers_width_are_never_refused(tmp_path):
    raw = _csv(tmp_path, "Client ID,Revenue,COGS,\nC1,10,20,5\nC2,,,\n")   # the header's 4th field is blank
    problems: list[Problem] = []
    _check_long_rows(raw, 0, problems)
    assert problems == []


# --- reader._shifted_rows_alone: a shifted row's cell complaints are dropped --------------------


def test_a_shifted_rows_other_problems_are_dropped_and_only_theirs():
    long_a = Problem(msg("csv_row_too_long", n=4, width=3, delimiter=msg("delim_pipe")), file="a.csv", row=3)
    long_b = Problem(msg("csv_row_too_long_text", n=5, width=3, delimiter=msg("delim_tab")), file="b.csv", row=7)
    same_row = Problem(msg("blank_required", column="Revenue"), file="a.csv", row=3, column="Revenue")
    plain_text = Problem("'x' is not a number", file="b.csv", row=7, column="COGS")   # a message without a key
    other_row = Problem(msg("blank_required", column="Revenue"), file="a.csv", row=4, column="Revenue")
    other_file = Problem("'x' is not a number", file="b.csv", row=3, column="COGS")
    no_row = Problem(msg("no_client_id_header"), file="a.csv")
    given = [same_row, long_a, other_row, plain_text, other_file, long_b, no_row]
    assert _shifted_rows_alone(given) == [long_a, other_row, other_file, long_b, no_row]
    unshifted = [same_row, other_row, plain_text, no_row]
    assert _shifted_rows_alone(unshifted) == unshifted


def test_a_shifted_clients_row_is_the_only_problem_told(tmp_path):
    """``…,East,13300,0,…`` written as ``13,300``: every later cell of row 2 reads its neighbour
    ('0' under Payment terms, a date under Notice days...); only the shifted row is told."""
    tables = portfolio_tables()
    row = tables["Clients"][1]
    assert row[4:6] == ["13300", "0"]
    tables["Clients"][1] = row[:4] + ["13", "300"] + row[5:]
    folder = write_csv_folder(tmp_path / "f", tables)
    assert _problems(folder) == [f"{folder / 'Clients.csv'}, sheet Clients, row 2: "
                                 + SHIFTED_COMMA.format(n=21, width=20)]


# --- tables._data_rows / _data_rows_by_column / _take / columns_of: which rows are data --------


def _by_rows_and_by_columns(rows: list[list]) -> tuple[RawSheet, RawSheet]:
    """The same sheet held by row (a workbook) and by column (a CSV file; None past a row's end)."""
    width = max(map(len, rows))
    cols = [[r[j] if j < len(r) else None for r in rows] for j in range(width)]
    return (RawSheet("b.xlsx", "Clients", [list(r) for r in rows]),
            RawSheet("Clients.csv", "Clients", ColumnRows(cols, len(rows)), delimiter=",", columns=cols))


ROWS = [["title"],
        ["Client ID", "Revenue", "Notes", "COGS"],
        ["C1", "1", "", "2"],        # 2: first column filled
        ["", "", "", ""],            # 3: blank
        ["  ", "", "x", ""],         # 4: only the third column
        [None, None],                # 5: short and blank
        ["", "", "", "7"],           # 6: only the last column
        ["", "\t", " "],             # 7: whitespace is blank
        ["C2"]]                      # 8: short, first column filled


@pytest.mark.parametrize("used, expected", [
    ([0, 1, 2, 3], [2, 4, 6, 8]),
    ([0, 1, 3], [2, 6, 8]),          # the Notes column not read: row 4 is blank
    ([3, 0], [2, 6, 8]),             # the first used column need not be the first column
    ([1, 2], [2, 4]),                # the first used column is not column 0 (row 8 is blank there)
    ([2], [4]),
    ([0], [2, 8]),
    ([0, 9], [2, 8]),                # a column beyond every row
    ([], [])])
def test_data_rows_are_the_rows_with_a_value_in_a_read_column(used, expected):
    """The rows below the header (row 1) with a value in one of the columns read, the same
    whether the sheet is held by row or by column. Catches the blank test read from the wrong
    column, the blank rows kept instead of dropped, whitespace read as a value."""
    by_rows, by_cols = _by_rows_and_by_columns(ROWS)
    assert _data_rows(by_rows, 1, used) == expected
    assert _data_rows(by_cols, 1, used) == expected


def test_data_rows_of_a_column_without_blanks_are_every_row_below_the_header():
    by_rows, by_cols = _by_rows_and_by_columns([["Client ID", "Revenue"], ["C1", ""], ["C2", None], ["C3", "4"]])
    assert _data_rows(by_cols, 0, [0, 1]) == _data_rows(by_rows, 0, [0, 1]) == [1, 2, 3]
    assert _data_rows(by_cols, 0, [1]) == _data_rows(by_rows, 0, [1]) == [3]


@pytest.mark.parametrize("rows, expected", [
    ([2, 3, 4], ["C1", "", "  "]), ([2], ["C1"]), ([8], ["C2"]), ([2, 4, 8], ["C1", "  ", "C2"]),
    ([4, 2], ["  ", "C1"]), ([], [])])
def test_cells_of_the_data_rows_are_exactly_those_rows(rows, expected):
    """A run of consecutive rows is taken as a slice: it must end at the last row asked for."""
    by_rows, by_cols = _by_rows_and_by_columns(ROWS)
    assert list(columns_of(by_cols, rows, [0])[0]) == expected
    assert list(columns_of(by_rows, rows, [0])[0]) == expected
    assert _take(by_cols.columns[0], rows) == expected
    assert list(columns_of(by_cols, rows, [0, 7])[7]) == [None] * len(rows)   # a column past the file's width


# --- tables._label: required columns named as the user's sheets name them ---------------------


@pytest.mark.parametrize("sheet, columns", [
    ("Clients", "Client ID, Revenue, COGS"), ("clients", "Client ID, Revenue, COGS"),
    ("Clientes", "ID cliente, Ingresos, Coste de ventas"), ("CLIENTES", "ID cliente, Ingresos, Coste de ventas"),
    ("Customers", "Client ID, Revenue, COGS")])
def test_an_empty_sheet_names_the_columns_it_needs_in_the_sheets_language(sheet, columns):
    problems: list[Problem] = []
    assert parse_table(RawSheet("in.xlsx", sheet, [[None, " "]]), CLIENTS, problems) is None
    assert [p.render() for p in problems] == [
        f"in.xlsx, sheet {sheet}: the sheet is empty; expected a header row with {columns}"]


# --- columns: cells that are not plain values, word for word ------------------------------------


@pytest.mark.parametrize("v, expected", [
    (None, None), ("", None), ("  ", None), (3.0, "3"), (-2.0, "-2"), (1e20, "100000000000000000000"),
    (2.5, "2.5"), (0.1, "0.1"), (7, "7"), (" a1 ", "a1"), ("#1", "#1")])
def test_text_id_reads_a_number_as_the_id_typed(v, expected):
    assert C.text_id(v) == expected


TOO_LONG = "text of 32,768 characters is longer than Excel's 32,767-character cell limit"
REF = "cell holds the Excel error #REF!; fix the formula or type the value"


@pytest.mark.parametrize("kind, values, out, bad", [
    ("text", ["x" * 32768, "x" * 32767, 3.0, 2.5, 7, PercentCell(0.5), " a ", "#REF!", "#1", "   ", None],
     [None, "x" * 32767, "3", "2.5", "7", "50 %", " a ", None, "#1", None, None], {0: TOO_LONG, 7: REF}),
    ("id", ["x" * 32768, " " + "x" * 32767 + " ", 3.0, 2.5, 7, PercentCell(0.5), " a ", "#REF!", "#1", "   ", None],
     [None, "x" * 32767, "3", "2.5", "7", None, "a", None, "#1", None, None],
     {0: TOO_LONG, 5: "'50 %' is formatted as a percentage; type the id as text", 7: REF}),
    ("yesno", ["  ", None, "yes", PercentCell(0.5), "no", "x", "#N/A", "Sí", "FALSE", True, 0, 1.0],
     [False, False, True, None, False, True, None, True, False, True, False, True],
     {3: "'50 %' is a percentage, not yes/no", 6: "cell holds the Excel error #N/A; fix the formula or type the value"}),
])
def test_cell_columns_read_every_cell_or_say_why_not(kind, values, out, bad):
    """Text longer than a cell holds is refused with both lengths (a blank reason or None would
    lose the message); a blank yes/no cell is no, not yes; a percentage is refused for a
    yes/no, an id, with its own message."""
    col = C.cell_column(kind, values)
    assert col.values == out
    assert {i: str(x) for i, x in col.bad.items()} == bad
    assert col.problems == []


def test_a_percentage_in_a_date_column_is_refused_as_such():
    col = C.date_column([PercentCell(0.05), dt.date(2027, 1, 31), None, ErrorCell("#VALUE!")])
    assert col.values == [None, dt.date(2027, 1, 31), None, None]
    assert {i: str(x) for i, x in col.bad.items()} == {
        0: "'5 %' is a percentage, not a date",
        3: "cell holds the Excel error #VALUE!; fix the formula or type the value"}


MONEY = ("'5 %' is a percentage; this column takes an amount of money, not a share of something: type the amount "
         "itself as a plain number (work a share out first: 5 % of 1,000 is 50)")
DAYS = ("'5 %' is a percentage; this column takes a number of days, not a share of something: type the number of "
        "days itself as a plain number")
RATING = ("'5 %' is a percentage; this column takes a rating from 1 to 5, not a share of something: type the "
          "rating itself as a plain number")
QUANTITY = ("'5 %' is a percentage; this column takes a quantity, not a share of something: type the quantity "
            "itself as a plain number")


@pytest.mark.parametrize("name, text", [
    *[(n, MONEY) for n in ("revenue", "discounts", "cogs", "bad_debt", "exit_penalty", "cost_pool", "rate", "cost")],
    *[(n, DAYS) for n in ("payment_terms_days", "days_to_pay", "notice_days")],
    *[(n, RATING) for n in ("values_alignment", "communication", "needs_fit", "respect_of_terms", "growth_potential")],
    *[(n, QUANTITY) for n in ("quantity", "minutes_per_unit", "capacity_hours")]])
def test_a_percentage_in_a_number_column_says_what_the_column_takes(name, text):
    assert C.percent_reason(name, "5 %") == text
    kind = "rating" if text is RATING else "number"
    col = N.number_column(name, kind, True, [PercentCell(0.05), 3.0])
    assert {i: str(x) for i, x in col.bad.items()} == {0: text}
    assert np.isnan(col.values[0]) and col.values[1] == 3.0


# --- textnorm.as_typed: a refused number named as it was typed ---------------------------------


@pytest.mark.parametrize("v, shown", [(-5.5, "-5.5"), (-5, "-5"), (-5.0, "-5"), ("-5", "'-5'"), (-0.25, "-0.25"),
                                      ("-1,5", "'-1,5'")])
def test_a_negative_amount_is_named_as_typed(v, shown):
    col = N.number_column("revenue", "number", True, [v, 2.0])
    assert {i: str(x) for i, x in col.bad.items()} == {0: f"{shown} is negative; expected a number >= 0"}
    assert as_typed(v) == shown


@pytest.mark.parametrize("values, bad", [
    ([6.5, 0.5, 3], {0: "6.5 is not a rating between 1 and 5", 1: "0.5 is not a rating between 1 and 5"}),
    (["6", "1"], {0: "'6' is not a rating between 1 and 5"})])
def test_a_rating_out_of_range_is_named_as_typed(values, bad):
    col = N.number_column("communication", "rating", True, values)
    assert {i: str(x) for i, x in col.bad.items()} == bad


# --- columns.decision_problem: a column (file) that cannot be decided is one located problem ----

POINT_COMMA = ("{p!r} can only be read with a decimal point and {c!r} only with a decimal comma; type every number "
               "in the {scope} the same way ")
AMBIGUOUS_NUMBER = ("'1,234' can be read as 1234 (',' separating thousands) or as 1.234 (',' as the decimal comma), "
                    "and nothing else in the column shows which; set decimal_separator to '.' or ',' in the Settings "
                    "sheet, or type the number without a thousands separator")
AMBIGUOUS_DATE = ("'01/02/2027' can be 1 February 2027 (day first) or 2 January 2027 (month first), and nothing "
                  "else in the column shows which; set date_order to dmy or mdy in the Settings sheet, or type the "
                  "date as YYYY-MM-DD")


@pytest.mark.parametrize("values, at, text", [
    # the side with fewer cells is the likelier typo: located at its first cell, both counts said
    (["7", "1.5", "1,5", "2.5", "2,5", "3.5"], 2,
     POINT_COMMA.format(p="1.5", c="1,5", scope="column")
     + "(3 cells read one way and 2 cells the other; this is the first of the 2 cells)"),
    (["1,5", "1.5", "2.5", "3.5"], 0,
     POINT_COMMA.format(p="1.5", c="1,5", scope="column") + "(3 cells read one way and only this one the other)"),
    (["1.5", "2,5", "3,5", "4,5"], 0,
     POINT_COMMA.format(p="1.5", c="2,5", scope="column") + "(3 cells read one way and only this one the other)"),
    (["2,5", "1.5", "3,5", "4.5"], 0,      # a tie: the side seen first
     POINT_COMMA.format(p="1.5", c="2,5", scope="column")
     + "(2 cells read one way and 2 cells the other; this is the first of the 2 cells)"),
    (["1,234", "2,345", "7"], 0, AMBIGUOUS_NUMBER + " (1 more cell read two ways)"),
    (["7", "1,234"], 1, AMBIGUOUS_NUMBER)])
def test_an_undecidable_number_column_is_one_problem_at_the_cell_to_fix(values, at, text):
    col = N.number_column("revenue", "number", True, values)
    assert [(i, str(t)) for i, t in col.problems] == [(at, text)]
    # every cell the decision leaves unread is covered by that one problem (no reason of its own)
    assert col.bad == {i: None for i, v in enumerate(values) if v != "7"}


@pytest.mark.parametrize("values, at, text", [
    (["13/01/2027", "14/01/2027", "01/13/2027"], 2,
     "'13/01/2027' has the day first but '01/13/2027' has the month first; type every date in the column the same "
     "way (best: YYYY-MM-DD) (2 cells read one way and only this one the other)"),
    (["01/13/2027", "02/13/2027", "13/01/2027"], 2,
     "'13/01/2027' has the day first but '01/13/2027' has the month first; type every date in the column the same "
     "way (best: YYYY-MM-DD) (2 cells read one way and only this one the other)"),
    (["2027-01-05", "01/02/2027", "03/04/2027", "05/06/2027"], 1, AMBIGUOUS_DATE + " (2 more cells read two ways)"),
    (["01/02/2027"], 0, AMBIGUOUS_DATE)])
def test_an_undecidable_date_column_is_one_problem_at_the_cell_to_fix(values, at, text):
    col = C.date_column(values)
    assert [(i, str(t)) for i, t in col.problems] == [(at, text)]


@pytest.mark.parametrize("body, row, column, counts", [
    ("C1;3;2.5\nC2;2,5;3.5\nC3;4,5;4.5\nC4;5;5.5\n", 3, "Revenue",
     "(4 cells read one way and 2 cells the other; this is the first of the 2 cells)"),
    ("C1;3;2.5\nC2;2,5;3\nC3;4;4.5\n", 3, "Revenue", "(2 cells read one way and only this one the other)"),
    ("C1;3;2,5\nC2;2,5;3.5\nC3;4;4.5\n", 2, "COGS",      # the file's first comma is in row 2, column COGS
     "(2 cells read one way and 2 cells the other; this is the first of the 2 cells)"),
    ("C1;3.5;2\nC2;2,5;3,5\nC3;4,5;4.5\nC4;1,5;1\n", 2, "Revenue",   # 2 points against 4 commas
     "(4 cells read one way and 2 cells the other; this is the first of the 2 cells)")])
def test_a_csv_file_that_proves_both_separators_is_one_problem_located_by_row_and_column(tmp_path, body, row, column,
                                                                                       counts):
    raw = _csv(tmp_path, "Client ID;Revenue;COGS\n" + body)
    problems: list[Problem] = []
    parse_table(raw, CLIENTS, problems)
    (p,) = problems
    assert (p.file, p.sheet, p.row, p.column) == (str(tmp_path / "Clients.csv"), "Clients", row, column)
    assert str(p.message).endswith("; type every number in the file the same way " + counts)


# --- reader._reading_only: a Settings sheet with a bad value still says how text reads ----------


@pytest.mark.parametrize("values, decimal, order", [
    ({"date_order": "dmy", "decimal_separator": ",", "currency": "EUR", "period_months": "lots"}, ",", "dmy"),
    ({"Orden fechas": "mdy", "Separador decimal": ".", "cost_of_capital": "#N/A"}, ".", "mdy"),
    ({"date_order": "ymd"}, "auto", "ymd"),
    ({"decimal_separator": ","}, ",", "auto"),
    ({"date_order": "sideways", "decimal_separator": ","}, "auto", "auto"),   # a bad one of the two: the defaults
    ({"currency": "USD", "period_months": 6}, "auto", "auto")])
def test_only_the_reading_keys_survive_a_bad_settings_sheet(values, decimal, order):
    s = _reading_only(values)
    assert (s.decimal_separator, s.date_order) == (decimal, order)
    assert s == Settings(decimal_separator=decimal, date_order=order)     # nothing else taken from the sheet


def test_a_bad_setting_does_not_unsettle_the_date_order_of_the_other_sheets(tmp_path):
    """Settings: date_order dmy and a bad period_months. The contract end '05/01/2028' is still
    read day first: the only problem told is the bad setting (not an ambiguous date)."""
    tables = portfolio_tables()
    settings = tables["Settings"]
    keys = [r[0] for r in settings]
    settings[keys.index("period_months")][1] = "twelve"
    settings[keys.index("date_order")][1] = "dmy"
    clients = tables["Clients"]
    end = clients[0].index("Contract end")
    clients[1][end] = "05/01/2028"
    folder = write_csv_folder(tmp_path / "f", tables)
    (line,) = _problems(folder)
    assert line.startswith(f"{folder / 'Settings.csv'}, sheet Settings, row {keys.index('period_months') + 1}")
    assert "twelve" in line


# --- volumes.read_volumes: the wide Volumes sheet (a column per activity) -----------------------


def _with_volumes(tmp_path: Path, volumes: list[list[str]]) -> Path:
    tables = portfolio_tables()
    tables["Volumes"] = volumes
    return write_csv_folder(tmp_path / "f", tables)


def test_wide_volumes_are_read_client_by_client_in_column_order(tmp_path):
    """Activity headers in any case, a client name column left alone, blank rows skipped, ids
    trimmed and matched ignoring case (with a note), blank and zero quantities dropped."""
    folder = _with_volumes(tmp_path, [
        ["Client ID", "Order entry", "Client name", "inquiries", "Picking lines"],
        ["C0002", "3", "Lumen", "", "0"],
        ["", "", "", "", ""],
        ["c0001", "2", "x", "4", "5"],
        [" C0003 ", "", "", "1.5", ""]])
    notes: list[str] = []
    v = read_portfolio(folder, notes).volumes
    assert v.to_dict("list") == {
        "client_id": ["C0002", "C0001", "C0001", "C0001", "C0003"],
        "activity": ["Order entry", "Order entry", "Inquiries", "Picking lines", "Inquiries"],
        "quantity": [3.0, 2.0, 4.0, 5.0, 1.5]}
    assert list(v.dtypes) == [object, object, float]
    assert all(type(x) is str for x in v["client_id"])     # Python text, as the Clients' ids (not numpy's)
    assert notes == [f"{folder / 'Volumes.csv'}, sheet Volumes: 1 client ID matched the Clients sheet ignoring "
                     "case ('c0001' as 'C0001')"]


def test_every_problem_of_a_wide_volumes_sheet_is_told_in_row_then_column_order(tmp_path):
    """A 'Quantity' column is not an activity (not silently dropped); unknown, repeated, blank and
    error ids each say so at the id cell (the error as an error, not as an unknown client '#N/A');
    a bad quantity of a good row is told, one of a row whose id is refused is not."""
    folder = _with_volumes(tmp_path, [
        ["Client ID", "Order entry", "Quantity", "Inquiries", "Nombre"],
        ["C0001", "1", "", "2", ""],
        ["C9999", "1", "", "", ""],
        ["c0001", "2", "", "", ""],
        ["", "3", "", "", ""],
        ["#N/A", "1", "", "", ""],
        ["C0002", "lots", "", "-1", ""],
        ["C9998", "lots", "", "", ""],
        ["C0003", "", "", "", "only a name"]])
    at = f"{folder / 'Volumes.csv'}, sheet Volumes, row"
    assert _problems(folder) == [
        f"{at} 1, column Quantity: column 'Quantity' is not an activity of the Activities sheet",
        f"{at} 3, column Client ID: client 'C9999' is not in the Clients sheet",
        f"{at} 4, column Client ID: client 'C0001' appears twice (first in row 2)",
        f"{at} 5, column Client ID: Client ID is blank; a value is required",
        f"{at} 6, column Client ID: cell holds the Excel error #N/A; fix the formula or type the value",
        f"{at} 7, column Order entry: 'lots' is not a number",
        f"{at} 7, column Inquiries: '-1' is negative; expected a number >= 0",
        f"{at} 8, column Client ID: client 'C9998' is not in the Clients sheet"]


def test_volumes_without_a_client_id_header_are_refused_where_they_are(tmp_path):
    folder = _with_volumes(tmp_path, [["Customer", "Order entry"], ["C0001", "1"]])
    assert _problems(folder) == [
        f"{folder / 'Volumes.csv'}, sheet Volumes: no header row with a client ID column found"]


def test_numeric_client_ids_are_read_as_the_ids_typed(tmp_path):
    """Ids typed as numbers in a workbook (101, 102.5 stored as floats) are the text '101' and
    '102.5' in Clients and in Volumes: matched, not refused nor read as 101.0."""
    tables = raw_tables()
    ids = {"C0001": 101.0, "C0002": 102.5}
    tables["Clients"] = [tables["Clients"][0]] + [[ids[r[0]], *r[1:]] for r in tables["Clients"][1:3]]
    tables["Volumes"] = [tables["Volumes"][0][:3], [101.0, 4, 0], [102.5, 1, 2]]
    book = xlsxwriter_book(tmp_path / "b.xlsx", tables)
    p = read_portfolio(book)
    assert list(p.clients["client_id"]) == ["101", "102.5"]
    assert p.volumes.to_dict("list") == {"client_id": ["101", "102.5", "102.5"],
                                         "activity": ["Order entry", "Order entry", "Order changes"],
                                         "quantity": [4.0, 1.0, 2.0]}


def test_a_client_id_header_merged_down_hides_only_its_own_rows(tmp_path):
    """'Client ID' merged over A1:A2: row 2's id is the header's text (told once, as the merge);
    the rows after it are still read and checked (an unknown client in row 4)."""
    tables = raw_tables()
    tables["Volumes"][3][0] = "C9999"

    def hook(wb, sheets):
        sheets["Volumes"].merge_range("A1:A2", "Client ID")

    book = xlsxwriter_book(tmp_path / "b.xlsx", tables, hook)
    assert _problems(book) == [
        f"{book}, sheet Volumes, row 1, column Client ID: cells A1:A2 are merged from the header into the data "
        "below it, so the header 'Client ID' would be read as the value of row 2; unmerge A1:A2, keep the header "
        "in row 1 and type each row's own value",
        f"{book}, sheet Volumes, row 4, column Client ID: client 'C9999' is not in the Clients sheet"]


def test_volumes_with_no_activity_column_are_no_volumes(tmp_path):
    folder = _with_volumes(tmp_path, [["Client ID"], ["C0001"], ["C0002"]])
    v = read_portfolio(folder).volumes
    assert v.to_dict("list") == {"client_id": [], "activity": [], "quantity": []}
    assert list(v.dtypes) == [object, object, float]


def test_ids_matched_ignoring_case_are_counted_all_and_shown_three(tmp_path):
    rows = [["Client ID", "Order entry"], ["c0001", "1"], ["c0002", "1"], ["C0003", "1"], ["c0004", "1"],
            ["c0005", "1"]]
    folder = _with_volumes(tmp_path, rows)
    notes: list[str] = []
    v = read_portfolio(folder, notes).volumes
    assert list(v["client_id"]) == ["C0001", "C0002", "C0003", "C0004", "C0005"]
    assert notes == [f"{folder / 'Volumes.csv'}, sheet Volumes: 4 client IDs matched the Clients sheet ignoring "
                     "case ('c0001' as 'C0001', 'c0002' as 'C0002', 'c0004' as 'C0004')"]


def test_an_id_ending_in_a_nul_character_is_kept_whole():
    """Text from Excel (xlwings) or a UTF-16 file may end in a NUL character; the id is kept as
    typed in Volumes as in Clients (a numpy text array would drop it: the volumes of 'C0001\\0'
    would go to an id no client has)."""
    from xlprof.io.reader import portfolio_from_sheets

    tables = raw_tables()
    for name in ("Clients", "Volumes"):
        assert tables[name][1][0] == "C0001"
        tables[name][1][0] = "C0001\0"
    p = portfolio_from_sheets({name: RawSheet("in.xlsx", name, rows) for name, rows in tables.items()}, "in.xlsx")
    assert p.clients["client_id"][0] == "C0001\0"
    assert set(p.volumes["client_id"]) == set(p.clients["client_id"])
    assert list(p.volumes["client_id"][:2]) == ["C0001\0", "C0001\0"]


# --- reader._check_activities: how each activity gets its cost ----------------------------------


def test_every_activity_costing_problem_is_told_at_its_row_and_column(tmp_path):
    """Each rule once, in one sheet (design.md section 4: a cost pool, a rate, or a resource's
    minutes): a resource spelled in another case (with the hint), an unknown resource, a
    resource without minutes, a resource plus a cost, a pool plus a rate, no cost at all. A row
    whose minutes cannot be read is told only that (row 6), and the rows after it are still checked."""
    tables = portfolio_tables()
    a = tables["Activities"]
    assert a[0] == ["Activity", "Driver", "Cost pool", "Rate", "Behavior", "Minutes per unit", "Resource"]
    a[1][6] = "customer SERVICE"
    a[2][6] = "Nowhere"
    a[3][5] = ""
    a[4][2] = "1000"
    a[5][5] = "lots"
    a[6][3], a[6][5] = "3", ""
    a[11][3] = "2"
    a[12][2] = ""
    folder = write_csv_folder(tmp_path / "f", tables)
    at = f"{folder / 'Activities.csv'}, sheet Activities, row"
    assert _problems(folder) == [
        f"{at} 6, column Minutes per unit: 'lots' is not a number",
        f"{at} 2, column Resource: resource 'customer SERVICE' is not in the Resources sheet (did you mean "
        "'Customer service'?)",
        f"{at} 3, column Resource: resource 'Nowhere' is not in the Resources sheet",
        f"{at} 4, column Resource: an activity on a resource needs Minutes per unit",
        f"{at} 5, column Resource: an activity on a resource takes its cost from the resource; leave Cost pool and "
        "Rate blank",
        f"{at} 7, column Resource: an activity on a resource needs Minutes per unit",
        f"{at} 7, column Resource: an activity on a resource takes its cost from the resource; leave Cost pool and "
        "Rate blank",
        f"{at} 12, column Cost pool: give Cost pool or Rate, not both",
        f"{at} 13, column Activity: needs a cost: Cost pool, Rate, or a resource with Minutes per unit"]


def test_activity_costing_problems_name_the_columns_as_the_sheet_does(tmp_path):
    """A Spanish sheet's own headers; a column the sheet lacks (no Tarifa) by its English name."""
    tables = portfolio_tables("es")
    a = tables["Actividades"]
    rate = a[0].index("Tarifa")
    tables["Actividades"] = a = [r[:rate] + r[rate + 1:] for r in a]
    pool = a[0].index("Bolsa de coste")
    assert a[12][pool] != ""
    a[12][pool] = ""
    folder = write_csv_folder(tmp_path / "f", tables)
    assert _problems(folder) == [
        f"{folder / 'Actividades.csv'}, sheet Actividades, row 13, column Actividad: needs a cost: Bolsa de coste, "
        "Rate, or a resource with Minutos por unidad"]


def test_a_totals_row_under_the_clients_is_refused(tmp_path):
    tables = portfolio_tables()
    tables["Clients"].append(["Total", "", "", "", "999"])
    folder = write_csv_folder(tmp_path / "f", tables)
    assert _problems(folder) == [
        f"{folder / 'Clients.csv'}, sheet Clients, row 14: this row looks like a totals row (Client ID 'Total'): "
        "read as data it would be a client whose amounts are the sum of the others, doubling the portfolio's "
        "totals; delete the row (xlprof computes its own totals). If a client really has the ID 'Total', give it "
        "another one (e.g. 'Total-1')"]


# --- volumes._read_long_volumes: the long Volumes sheet (client, activity, quantity) -------------


def test_long_volumes_are_read_row_by_row(tmp_path):
    """Ids and activities matched ignoring case (ids with a note); a zero quantity is kept as a row."""
    folder = _with_volumes(tmp_path, [
        ["Client ID", "Activity", "Quantity"], ["C0001", "Order entry", "3"], ["c0002", "inquiries", "7"],
        ["C0001", "Training", "0"], ["C0003", "Picking lines", "2.5"]])
    notes: list[str] = []
    v = read_portfolio(folder, notes).volumes
    assert v.to_dict("list") == {"client_id": ["C0001", "C0002", "C0001", "C0003"],
                                 "activity": ["Order entry", "Inquiries", "Training", "Picking lines"],
                                 "quantity": [3.0, 7.0, 0.0, 2.5]}
    assert notes == [f"{folder / 'Volumes.csv'}, sheet Volumes: 1 client ID matched the Clients sheet ignoring "
                     "case ('c0002' as 'C0002')"]


def test_every_problem_of_a_long_volumes_sheet_is_told_once(tmp_path):
    """The cells first (blank id, blank activity, a bad quantity), then each row's id and activity
    against the other sheets, and a pair given twice (ids and activities matched ignoring case).
    A blank id is told as blank only: before, row 6 also read "client None and activity 'Order
    entry' appear twice (first in row 3)", pairing it with row 3's unknown client."""
    folder = _with_volumes(tmp_path, [
        ["Client ID", "Activity", "Quantity"], ["C0001", "Order entry", "3"], ["C9999", "Order entry", "1"],
        ["C0001", "Nothing", "1"], ["c0001", "ORDER ENTRY", "2"], ["", "Order entry", "1"], ["C0002", "", "1"],
        ["C0002", "Inquiries", "x"], ["C9999", "Nothing", "1"], ["C0003", "Nothing", "1"]])
    at = f"{folder / 'Volumes.csv'}, sheet Volumes, row"
    assert _problems(folder) == [
        f"{at} 6, column Client ID: Client ID is blank; a value is required",
        f"{at} 7, column Activity: Activity is blank; a value is required",
        f"{at} 8, column Quantity: 'x' is not a number",
        f"{at} 3, column Client ID: client 'C9999' is not in the Clients sheet",
        f"{at} 4, column Activity: activity 'Nothing' is not in the Activities sheet",
        f"{at} 5, column Activity: client 'C0001' and activity 'Order entry' appear twice (first in row 2)",
        f"{at} 9, column Client ID: client 'C9999' is not in the Clients sheet",
        f"{at} 9, column Activity: activity 'Nothing' is not in the Activities sheet",
        f"{at} 10, column Activity: activity 'Nothing' is not in the Activities sheet"]


# --- tables.parse_table: headers, columns and cells of one sheet ---------------------------------


def _parse(rows: list[list], sheet: str = "Clients", **kw) -> tuple[object, list[str], list[str]]:
    problems: list[Problem] = []
    notes: list[str] = []
    pt = parse_table(RawSheet("in.xlsx", sheet, rows), CLIENTS, problems, notes=notes, **kw)
    return pt, [p.render() for p in problems], notes


def test_a_table_is_read_from_its_header_down_with_the_users_headers():
    """A title row above the header, headers in any case and alias, a column without a header
    and an unknown column noted (not read), blank rows skipped."""
    pt, problems, notes = _parse([
        ["Client list"],
        ["client id", "Revenue", None, "cogs", "Colour", "Strategic"],
        ["C1", 100, "stray", 60.5, "red", "yes"],
        [None, None, None, None, None, None],
        [" C2 ", "1,500.5", None, 0, None, None]])
    assert problems == []
    assert notes == ["in.xlsx, sheet Clients: ignored unknown column 'Colour'",
                     "in.xlsx, sheet Clients: ignored column C: it has values but no header"]
    assert (pt.header_row, pt.rows, pt.extra) == (1, [3, 5], {4: "Colour"})
    assert pt.headers == {"client_id": "client id", "revenue": "Revenue", "cogs": "cogs", "strategic": "Strategic"}
    assert pt.columns == {"client_id": 0, "revenue": 1, "cogs": 3, "strategic": 5}
    f = pt.frame
    assert list(f["client_id"]) == ["C1", "C2"]
    assert list(f["revenue"]) == [100.0, 1500.5] and list(f["cogs"]) == [60.5, 0.0]
    assert list(f["strategic"]) == [True, False]
    assert f["discounts"].isna().all() and list(f["client_name"]) == [None, None]
    assert [str(t) for t in f.dtypes[["client_id", "revenue", "strategic"]]] == ["object", "float64", "bool"]


@pytest.mark.parametrize("rows, expected", [
    ([["Client ID", "Revenue", "Sales", "COGS"], ["C1", 1, 2, 3]],
     ["in.xlsx, sheet Clients, row 1, column Sales: columns 'Revenue' and 'Sales' both mean Revenue"]),
    ([["Client ID", "Region", "Discounts"], ["C1", "N", 1]],
     ["in.xlsx, sheet Clients, row 1: missing required columns Revenue, COGS (found: Client ID, Region, Discounts)"]),
    ([["Client ID", "Revenue"], ["C1", 1]],
     ["in.xlsx, sheet Clients, row 1: missing required column COGS (found: Client ID, Revenue)"]),
    ([["Some", "thing"], ["a", "b"]],
     ["in.xlsx, sheet Clients: no header row found; expected columns Client ID, Revenue, COGS"]),
    ([["Client ID", "Revenue", "COGS", "Region"], ["C1", None, "abc", "N"], [None, 5, 1, None], ["C3", -1, 2, None]],
     ["in.xlsx, sheet Clients, row 2, column Revenue: Revenue is blank; a value is required",
      "in.xlsx, sheet Clients, row 2, column COGS: 'abc' is not a number",
      "in.xlsx, sheet Clients, row 3, column Client ID: Client ID is blank; a value is required",
      "in.xlsx, sheet Clients, row 4, column Revenue: -1 is negative; expected a number >= 0"]),
])
def test_a_tables_problems_are_located_and_in_row_then_column_order(rows, expected):
    _, problems, _ = _parse(rows)
    assert problems == expected


def test_the_sales_alias_is_a_revenue_header():
    # (the case above relies on it: 'Sales' and 'Revenue' both mean Revenue)
    pt, problems, _ = _parse([["Client ID", "Sales", "COGS"], ["C1", 10, 4]])
    assert problems == [] and pt.headers["revenue"] == "Sales" and list(pt.frame["revenue"]) == [10.0]


def test_a_spanish_table_says_its_missing_columns_in_spanish_names():
    _, problems, _ = _parse([["ID cliente", "Región"], ["C1", "N"]], sheet="Clientes")
    assert problems == ["in.xlsx, sheet Clientes, row 1: missing required columns Ingresos, Coste de ventas "
                        "(found: ID cliente, Región)"]


def test_values_under_a_header_merged_across_are_refused():
    """'Revenue' merged over B1:C1: the values in column C would be lost silently."""
    raw = RawSheet("in.xlsx", "Clients", [["Client ID", "Revenue", None, "COGS"], ["C1", 10, 11, 4]],
                   merged=[((0, 1), (0, 2))])
    problems: list[Problem] = []
    parse_table(raw, CLIENTS, problems, notes=[])
    assert [p.render() for p in problems] == [
        "in.xlsx, sheet Clients, row 1, column Revenue: header cells B1:C1 are merged, so column C has values but no "
        "header; unmerge them and give each column its own header"]


# --- reader.portfolio_from_sheets / _read_settings: sheets missing, Settings without values ----


def test_a_missing_sheet_names_its_aliases_and_the_sheets_found(tmp_path):
    tables = portfolio_tables()
    del tables["Activities"]
    folder = write_csv_folder(tmp_path / "f", tables)
    assert _problems(folder) == [
        f"{folder}: missing sheet Activities (or Actividades); sheets found: Clients, Resources, Settings, Volumes"]


def test_clients_with_a_header_and_no_rows_are_refused(tmp_path):
    tables = portfolio_tables()
    tables["Clients"] = tables["Clients"][:1]
    tables["Volumes"] = tables["Volumes"][:1]
    folder = write_csv_folder(tmp_path / "f", tables)
    assert _problems(folder) == [f"{folder / 'Clients.csv'}, sheet Clients: the sheet has a header but no data "
                                 "rows; expected one row per client"]


def test_a_settings_sheet_without_a_value_column_is_refused(tmp_path):
    tables = portfolio_tables()
    tables["Settings"] = [["Key", "Other"], ["period_months", "12"]]
    folder = write_csv_folder(tmp_path / "f", tables)
    assert _problems(folder) == [f"{folder / 'Settings.csv'}, sheet Settings, row 1: missing column value (or valor) "
                                 "next to the keys"]


# --- totals rows, merged headers and encodings ---------------------------------------------------


def test_a_totals_row_under_the_volumes_is_refused(tmp_path):
    tables = portfolio_tables()
    tables["Volumes"].append(["Total", "999", "1"])
    folder = write_csv_folder(tmp_path / "f", tables)
    assert _problems(folder) == [
        f"{folder / 'Volumes.csv'}, sheet Volumes, row 14: this row looks like a totals row (Client ID 'Total'): "
        "read as data it would be a client whose amounts are the sum of the others, doubling the portfolio's "
        "totals; delete the row (xlprof computes its own totals). If a client really has the ID 'Total', give it "
        "another one (e.g. 'Total-1')"]


@pytest.mark.parametrize("span, column, rows, across", [
    ("D1:D3", "Region", "rows 2 to 3", None), ("E1:E2", "Revenue", "row 2", None),
    ("C1:D4", "Account manager", "rows 2 to 4", "D")])     # and across Region, whose rows 5.. have values
def test_a_header_merged_down_into_the_data_is_one_problem(tmp_path, span, column, rows, across):
    """Its cells are not read (no 'Revenue' is not a number, no blank required value)."""
    def hook(wb, sheets):
        sheets["Clients"].merge_range(span, column)

    book = xlsxwriter_book(tmp_path / "b.xlsx", hook=hook)
    assert _problems(book) == [
        f"{book}, sheet Clients, row 1, column {column}: header cells {span} are merged, so column {across} has values "
        "but no header; unmerge them and give each column its own header"] * (across is not None) + [
        f"{book}, sheet Clients, row 1, column {column}: cells {span} are merged from the header into the data "
        f"below it, so the header {column!r} would be read as the value of {rows}; unmerge {span}, keep the "
        "header in row 1 and type each row's own value"]


def test_a_mac_roman_file_is_read_with_a_note(tmp_path):
    tables = portfolio_tables()
    tables["Clients"][1][3] = "Región"
    folder = write_csv_folder(tmp_path / "f", tables, encoding="mac_roman")
    notes: list[str] = []
    p = read_portfolio(folder, notes)
    assert p.clients["region"][0] == "Región"
    assert notes == [f"{folder / 'Clients.csv'}: read as Mac Roman text (Excel for Mac); if accented letters look "
                     "wrong, save it as CSV UTF-8"]


# --- numbers._check_range: every range refusal, word for word, the first that applies -----------


@pytest.mark.parametrize("name, kind, values, out, bad", [
    # each day count is capped at 36,500 (100 years): days_to_pay was not (its name does not end in
    # "_days"), so a typed 40000 days to pay was read and charged as financing cost
    *[(name, "number", [36500, 36501, 40000.5, "36501", 5], [36500.0, None, None, None, 5.0],
       {1: "36501 days is more than 36,500 (100 years); is it a date or a typo?",
        2: "40000.5 days is more than 36,500 (100 years); is it a date or a typo?",
        3: "'36501' days is more than 36,500 (100 years); is it a date or a typo?"})
      for name in ("payment_terms_days", "days_to_pay", "notice_days")],
    ("exit_penalty", "number", [36501, 1e15, 1e15 + 2, -1e16, -math.inf, math.inf, "1e400", None],
     [36501.0, 1e15, None, None, None, None, None, None],
     {2: "1000000000000002 is too large for an amount (limit 1e15)",
      3: "-10000000000000000 is negative; expected a number >= 0",      # negative said before too large
      4: "-inf is not a finite number", 5: "inf is not a finite number", 6: "'1e400' is not a finite number"}),
    ("communication", "rating", [1, 5, 0.99, 5.01, -2, math.inf, None], [1.0, 5.0, None, None, None, None, None],
     {2: "0.99 is not a rating between 1 and 5", 3: "5.01 is not a rating between 1 and 5",
      4: "-2 is not a rating between 1 and 5", 5: "inf is not a finite number"}),
])
def test_numbers_out_of_range_are_refused_as_typed(name, kind, values, out, bad):
    col = CLIENTS.column(name)
    parsed = N.number_column(name, kind, col.nonnegative, values)
    assert [None if np.isnan(x) else x for x in parsed.values] == out
    assert {i: str(t) for i, t in parsed.bad.items()} == bad
