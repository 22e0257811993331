"""The reading rule through the CLI: numbers and dates whose meaning depends on a locale
(issue 9 b, c, g). Every example is a small input built here, read by ``xlprof score`` or
``validate``; the test checks the value read back, or the exact refusal and exit code.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from _inputs import (assert_located, bad_book, expect, portfolio_tables, problem_lines, raw_tables, run, set_cells,
                     valid_book, write_csv_folder, xlsxwriter_book)
from xlprof.errors import EXIT_INPUT, EXIT_OK
from xlprof.io.reader import read_portfolio

CLIENTS_COLS = {name: j for j, name in enumerate(portfolio_tables()["Clients"][0])}


def score(path) -> dict:
    r = run("score", path, "--format", "json")
    expect(r, EXIT_OK)
    return {c["client_id"]: c for c in json.loads(r.stdout)["clients"]}


def tables_with(clients: dict[tuple[int, str], str] | None = None,
                settings: dict[str, str] | None = None, spanish: bool = False) -> dict:
    """The demo tables as CSV text, with Clients cells ``{(row, header): text}`` replaced
    and Settings values set (added when missing); ``spanish`` writes every decimal with a
    comma, as Spanish Excel does."""
    t = portfolio_tables()
    if spanish:
        t = {name: [[_comma(v) for v in row] for row in rows] for name, rows in t.items()}
    for (r, header), text in (clients or {}).items():
        t["Clients"][r][CLIENTS_COLS[header]] = text
    for key, value in (settings or {}).items():
        row = next((row for row in t["Settings"] if row[0] == key), None)
        if row is None:
            t["Settings"].append([key, value])
        else:
            row[1] = value
    return t


def _comma(v: str) -> str:
    try:
        float(v)
    except ValueError:
        return v
    return v.replace(".", ",")


# --- b. numbers whose meaning depends on a locale ----------------------------------------------

def test_spanish_excel_csv_thousands_dot_read_with_the_file_evidence(tmp_path):
    """Spanish Excel: ';', decimal commas, '120.000' is 120000 (was read 1000x too small)."""
    tables = tables_with({(1, "Revenue"): "120.000", (1, "Discounts"): "1.234,50"}, spanish=True)
    folder = write_csv_folder(tmp_path / "es", tables, delimiter=";")
    c = score(folder)["C0001"]
    assert c["net_revenue"] == pytest.approx(120000 - 1234.5)


def test_spanish_csv_without_decimal_commas_is_refused_then_settled_by_the_setting(tmp_path):
    tables = tables_with({(1, "Revenue"): "120.000", (2, "Revenue"): "45.500"})
    folder = write_csv_folder(tmp_path / "es", tables, delimiter=";")
    out = expect(run("validate", folder), EXIT_INPUT)
    line = assert_located(out, folder / "Clients.csv", "Clients", 2, "Revenue",
                          "'120.000' can be read as 120000 ('.' separating thousands) or as 120 ('.' as the "
                          "decimal point), and nothing else in the file shows which; set decimal_separator "
                          "to '.' or ',' in the folder's Settings.csv (or Parámetros.csv): add the line "
                          "decimal_separator,. or decimal_separator,\",\" under its key,value header, creating "
                          "the file if there is none, or type the number without a thousands separator")
    assert "(1 more cell read two ways)" in line
    assert len([ln for ln in out.splitlines() if "read two ways" in ln or "can be read as" in ln]) == 1
    settled = write_csv_folder(tmp_path / "es2", tables_with({(1, "Revenue"): "120.000", (2, "Revenue"): "45.500"},
                                                             {"decimal_separator": ","}), delimiter=";")
    clients = score(settled)
    assert clients["C0001"]["net_revenue"] == pytest.approx(120000)
    assert clients["C0002"]["net_revenue"] == pytest.approx(45500 - 631)


def test_us_csv_thousands_comma(tmp_path):
    """US Excel: '"120,000"' with cents elsewhere in the file is 120000 (was read as 120)."""
    tables = tables_with({(1, "Revenue"): "120,000", (1, "Discounts"): "1,234.50"})
    folder = write_csv_folder(tmp_path / "us", tables)
    assert '"120,000"' in (folder / "Clients.csv").read_text()
    assert score(folder)["C0001"]["net_revenue"] == pytest.approx(120000 - 1234.5)


def test_us_csv_thousands_comma_alone_is_refused_then_settled(tmp_path):
    """A ','-separated file proves nothing: Google Sheets and LibreOffice write ',' in any locale."""
    folder = write_csv_folder(tmp_path / "us", tables_with({(1, "Revenue"): "120,000"}))
    out = expect(run("validate", folder), EXIT_INPUT)
    assert_located(out, folder / "Clients.csv", "Clients", 2, "Revenue",
                   "'120,000' can be read as 120000 (',' separating thousands) or as 120 (',' as the decimal comma)")
    settled = write_csv_folder(tmp_path / "us2", tables_with({(1, "Revenue"): "120,000"},
                                                             {"decimal_separator": "."}))
    assert score(settled)["C0001"]["net_revenue"] == pytest.approx(120000)


def test_semicolon_csv_settles_a_lone_comma(tmp_path):
    """';' is never written with ',' as thousands separator: '1,250' there is 1.25."""
    folder = write_csv_folder(tmp_path / "es", tables_with({(1, "Values alignment"): "1,250"}), delimiter=";")
    p = read_portfolio(folder)
    assert p.clients.set_index("client_id").loc["C0001", "values_alignment"] == 1.25


def test_swiss_apostrophe_groups(tmp_path):
    tables = tables_with({(1, "Revenue"): "120'000.50", (2, "Revenue"): "1\u2019234.50"})
    folder = write_csv_folder(tmp_path / "ch", tables, delimiter=";")
    clients = score(folder)
    assert clients["C0001"]["net_revenue"] == pytest.approx(120000.5)
    assert clients["C0002"]["net_revenue"] == pytest.approx(1234.5 - 631)


def test_column_mixing_decimal_point_and_comma_is_refused(tmp_path):
    tables = tables_with({(1, "Revenue"): "1,234.56", (2, "Revenue"): "12,5", (3, "Revenue"): "13.5"})
    folder = write_csv_folder(tmp_path / "mix", tables, delimiter=";")
    out = expect(run("validate", folder), EXIT_INPUT)
    assert_located(out, folder / "Clients.csv", "Clients", 3, "Revenue",
                   "'1,234.56' can only be read with a decimal point and '12,5' only with a decimal comma; "
                   "type every number in the file the same way (2 cells read one way and only this one "
                   "the other)")


def test_text_1234_in_a_cell_is_refused_then_settled(tmp_path):
    """'1,234' typed as text in a workbook cell (was read as 1.234)."""
    book = set_cells(tmp_path, "Clients", {"E2": "1,234", "G2": 0})
    out = expect(run("validate", book), EXIT_INPUT)
    assert_located(out, book, "Clients", 2, "Revenue",
                   "'1,234' can be read as 1234 (',' separating thousands) or as 1.234 (',' as the decimal "
                   "comma), and nothing else in the column shows which; set decimal_separator to '.' or ','")

    def settle(sep):
        def fn(wb):
            ws = wb["Settings"]
            ws.append(["decimal_separator", sep])
            wb["Clients"]["E2"], wb["Clients"]["G2"] = "1,234", 0
        return fn

    assert score(bad_book(tmp_path, settle("."), "dot.xlsx"))["C0001"]["net_revenue"] == pytest.approx(1234)
    assert score(bad_book(tmp_path, settle(","), "comma.xlsx"))["C0001"]["net_revenue"] == pytest.approx(1.234)


def test_text_in_a_column_that_proves_its_separator(tmp_path):
    """A text '1,234' under a text '1.234,56' in the same column is read with the column's comma."""
    book = set_cells(tmp_path, "Clients", {"E2": "1,234", "G2": 0, "E3": "1.234,56"})
    assert score(book)["C0001"]["net_revenue"] == pytest.approx(1.234)


def test_percent_cell_in_an_amount_column_says_what_to_type(tmp_path):
    """Discounts typed as 5 % in a percent-formatted cell (was read as 0.05 currency units)."""
    def hook(wb, sheets):
        pct = wb.add_format({"num_format": "0%"})
        sheets["Clients"].write_number(1, 5, 0.05, pct)

    book = xlsxwriter_book(tmp_path / "pct.xlsx", hook=hook)
    out = expect(run("validate", book), EXIT_INPUT)
    assert_located(out, book, "Clients", 2, "Discounts",
                   "'5 %' is a percentage; this column takes an amount of money, not a share of something: "
                   "type the amount itself as a plain number")


def test_percent_cell_in_settings_is_a_rate(tmp_path):
    base = score(valid_book(tmp_path, "base.xlsx"))["C0001"]["financing_cost"]

    def hook(wb, sheets):
        pct = wb.add_format({"num_format": "0%"})
        ws, rows = sheets["Settings"], raw_tables()["Settings"]
        r = next(i for i, row in enumerate(rows) if row[0] == "cost_of_capital")
        ws.write_number(r, 1, 0.12, pct)

    book = xlsxwriter_book(tmp_path / "rate.xlsx", hook=hook)
    assert score(book)["C0001"]["financing_cost"] == pytest.approx(base * 0.12 / 0.08)


def test_percent_in_a_setting_that_is_not_a_rate(tmp_path):
    folder = write_csv_folder(tmp_path / "csv", tables_with(settings={"score_terminate": "70 %"}))
    out = expect(run("validate", folder), EXIT_INPUT)
    assert "setting score_terminate: '70 %' is a percentage, but score_terminate is not a rate: type it " \
           "as a plain number (e.g. 70)" in out


def test_formula_without_a_trustworthy_value_is_located_with_the_fix(tmp_path):
    def hook(wb, sheets):
        sheets["Clients"].write_formula(1, 5, "=E2*5%")     # XlsxWriter saves 0 as its value
        wb.set_calc_mode("auto")

    book = xlsxwriter_book(tmp_path / "f.xlsx", hook=hook)
    out = expect(run("validate", book), EXIT_INPUT)
    assert_located(out, book, "Clients", 2, "Discounts",
                   "the formula =E2*5% cannot be trusted (the workbook asks to recalculate every formula when "
                   "it is opened; its saved value 0.0 may be out of date); open the file in Excel or "
                   "LibreOffice and save it, so that the values are calculated and saved")


# --- c. dates whose order is ambiguous -----------------------------------------------------------

def _us_dates(tmp_path, name, ends, settings=None):
    cells = {(r, "Contract end"): text for r, text in ends.items()}
    return write_csv_folder(tmp_path / name, tables_with(cells, {"decision_date": "2026-06-01", **(settings or {})}))


def test_us_month_first_dates_are_proved_by_the_column(tmp_path):
    """'12/31/2027' (was refused with no hint) proves month-first, so '12/01/2026' is 1 December
    (was read as 12 January, before the decision date)."""
    folder = _us_dates(tmp_path, "us", {1: "12/31/2027", 2: "12/01/2026"})
    ends = read_portfolio(folder).clients.set_index("client_id")["contract_end"]
    assert ends["C0001"] == dt.date(2027, 12, 31)
    assert ends["C0002"] == dt.date(2026, 12, 1)
    for c in score(folder).values():
        assert c["exit_date"] is None or c["exit_date"] >= "2026-06-01"


def test_ambiguous_dates_are_refused_then_settled_by_date_order(tmp_path):
    folder = _us_dates(tmp_path, "us", {2: "12/01/2026"})
    out = expect(run("validate", folder), EXIT_INPUT)
    assert_located(out, folder / "Clients.csv", "Clients", 3, "Contract end",
                   "'12/01/2026' can be 12 January 2026 (day first) or 1 December 2026 (month first), and "
                   "nothing else in the column shows which; set date_order to dmy or mdy in the folder's "
                   "Settings.csv (or Parámetros.csv): add the line date_order,dmy or date_order,mdy under its "
                   "key,value header, creating the file if there is none, or type the date as YYYY-MM-DD")
    settled = _us_dates(tmp_path, "us2", {2: "12/01/2026"}, {"date_order": "mdy"})
    ends = read_portfolio(settled).clients.set_index("client_id")["contract_end"]
    assert ends["C0002"] == dt.date(2026, 12, 1)


def test_day_first_and_month_first_in_one_column_are_refused(tmp_path):
    folder = _us_dates(tmp_path, "mix", {1: "31/12/2027", 2: "12/31/2027", 3: "30/06/2027"})
    out = expect(run("validate", folder), EXIT_INPUT)
    assert_located(out, folder / "Clients.csv", "Clients", 3, "Contract end",
                   "'31/12/2027' has the day first but '12/31/2027' has the month first; type every date in "
                   "the column the same way (best: YYYY-MM-DD)")


def test_decision_date_in_settings_follows_date_order_in_the_same_sheet(tmp_path):
    folder = write_csv_folder(tmp_path / "s", tables_with(settings={"decision_date": "03/04/2026"}))
    out = expect(run("validate", folder), EXIT_INPUT)
    assert "setting decision_date: '03/04/2026' can be 3 April 2026 (day first) or 4 March 2026" in out
    settled = write_csv_folder(tmp_path / "s2", tables_with(settings={"decision_date": "03/04/2026",
                                                                      "date_order": "dmy"}))
    assert read_portfolio(settled).settings.decision_date == dt.date(2026, 4, 3)


def test_two_digit_year_is_refused_with_the_fix(tmp_path):
    folder = _us_dates(tmp_path, "yy", {1: "31/12/27"})
    out = expect(run("validate", folder), EXIT_INPUT)
    assert_located(out, folder / "Clients.csv", "Clients", 2, "Contract end",
                   "'31/12/27' has a two-digit year; type the year with four digits (or YYYY-MM-DD)")


# --- g. one parser: the per-value path (Excel functions, Recalculate) ----------------------------

def test_lone_text_number_is_refused_by_the_one_parser():
    from xlprof.io.evidence import AmbiguousValue
    from xlprof.textnorm import parse_number

    with pytest.raises(AmbiguousValue) as e:
        parse_number("1,234")
    assert str(e.value) == ("'1,234' can be read as 1234 (',' separating thousands) or as 1.234 (',' as the "
                            "decimal comma), and nothing shows which; set decimal_separator to '.' or ',' "
                            "in the Settings sheet, or type the number without a thousands separator")
    assert parse_number("1,234", decimal=".") == 1234.0
    assert parse_number("1,234", decimal=",") == 1.234
    assert parse_number("1.234,56") == 1234.56
    assert parse_number("12,5", decimal=".") == 12.5     # a value that proves its separator


def test_a_conflicting_column_reads_none_of_its_proving_cells():
    """After a conflict no cell that proves either separator is read (nor the two-way ones)."""
    from xlprof.io.numbers import number_column

    col = number_column("revenue", "number", True, ["12.5", "12,5", "1.234", "7", "1,234.5"])
    assert len(col.problems) == 1 and "can only be read with a decimal point" in col.problems[0][1]
    assert sorted(col.bad) == [0, 1, 2, 4] and all(v is None for v in col.bad.values())
    assert col.values[3] == 7.0
    # a plain column of a CSV file whose other columns conflict: its 12.5 is not read either
    from xlprof.io import evidence
    from xlprof.io.numbers import number_evidence

    values = ["12.5", "7"]
    conflict = evidence.ConflictingValues("x", examples={".": "12.5", ",": "1,5"}, setting="decimal_separator")
    col = number_column("revenue", "number", True, values, conflict, number_evidence(values))
    assert list(col.bad) == [0] and col.values[1] == 7.0


def test_setting_messages_name_the_key_as_the_user_typed_it(tmp_path):
    folder = write_csv_folder(tmp_path / "s", tables_with(settings={"Fecha de decisión": "03/04/2026"}))
    rows = (folder / "Settings.csv").read_text(encoding="utf-8").splitlines()
    folder_rows = [r for r in rows if not r.startswith("decision_date,")]
    (folder / "Settings.csv").write_text("\n".join(folder_rows) + "\n", encoding="utf-8")
    out = expect(run("validate", folder), EXIT_INPUT)
    assert "setting Fecha de decisión: '03/04/2026' can be 3 April 2026 (day first)" in out


def test_a_bad_setting_does_not_lose_the_sheets_reading_keys(tmp_path):
    """Settings with a wrong cost_of_capital and a right decimal_separator ',': the one problem
    told is the real one; the Clients' '5.000' is read as the sheet says, not refused as
    'set decimal_separator' (which the user did)."""
    folder = write_csv_folder(tmp_path / "s", tables_with({(1, "Discounts"): "5.000"},
                                                         {"cost_of_capital": "oops", "decimal_separator": ","}))
    out = expect(run("validate", folder), EXIT_INPUT)
    assert problem_lines(out) == [f"{folder}/Settings.csv, sheet Settings, row 4, column value: setting "
                                  "cost_of_capital: 'oops' is not a number"]
    fixed = write_csv_folder(tmp_path / "f", tables_with({(1, "Discounts"): "5.000"}, {"decimal_separator": ","}))
    assert read_portfolio(fixed).clients.loc[0, "discounts"] == 5000.0


def test_every_settings_problem_is_told_at_once(tmp_path):
    """A value that does not parse and one out of its range, in one sheet: both are told
    (the range checks used to wait until every value parsed)."""
    folder = write_csv_folder(tmp_path / "s", tables_with(settings={"cost_of_capital": "oops",
                                                                    "date_order": "sometimes",
                                                                    "notice_lead_days": "99999"}))
    lines = problem_lines(expect(run("validate", folder), EXIT_INPUT))
    assert len(lines) == 3, lines
    assert "setting cost_of_capital: 'oops' is not a number" in lines[0]
    assert any("date_order must be one of" in ln and "got 'sometimes'" in ln for ln in lines)
    assert any("notice_lead_days must be between 0 and 3650" in ln for ln in lines)
    # a check across two settings is left out while one of them does not read
    folder = write_csv_folder(tmp_path / "t", tables_with(settings={"tier_gold": "oops", "tier_platinum": "0.9"}))
    lines = problem_lines(expect(run("validate", folder), EXIT_INPUT))
    assert len(lines) == 1 and "setting tier_gold: 'oops' is not a number" in lines[0], lines
