"""Tests written to kill mutants of the parsing layer (textnorm, io/evidence) that survived
the rest of the suite (scripts/mutation.py parsing); the model's are in test_mutants.py, the
reading layer's in test_mutants_reading.py.

Each test says which wrong reading it catches, with the value and what it must be read as.
Equivalent mutants (no input tells them apart) are listed, each with its reason, in
scripts/mutation_equivalent.txt under "parsing".
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from test_reading_evidence import _duckdb_classes
from xlprof.io import evidence as ev
from xlprof.io.evidence import (AmbiguousValue, ConflictingValues, decide_date_order, decide_decimal,
                                to_date, to_number)
from xlprof.textnorm import com_error, excel_error, norm_key, parse_bool, parse_date, parse_number

NA = -2146826246   # what COM hands over for a #N/A cell: 0x800A07FA as a signed int


BASE = -2146828288  # 0x800A0000: Excel's CVErr codes 2000..2099 are added to it


@pytest.mark.parametrize("value, error", [
    (NA, "#N/A"), (np.int64(NA), "#N/A"), (BASE + 2000, "#NULL!"), (BASE + 2044, "#ERROR(2044)"),
    (BASE + 2099, "#ERROR(2099)"), (BASE + 1999, None), (BASE + 2100, None), (0, None), (-1, None)])
def test_com_error_integers_are_errors(value, error):
    assert com_error(value) == error


@pytest.mark.parametrize("value", [float(NA), str(NA), Decimal(NA), True, 2042, None, "#N/A"])
def test_only_integers_are_com_errors(value):
    # COM hands errors over as int; a float, Decimal or text with the same digits is a value
    # the user typed (an amount), never an error code
    assert com_error(value) is None


# --- the reading rule's refusals, word for word (io/evidence.py, textnorm.py) ---------------------
# A refusal is the only thing the user sees of a value that cannot be read: it must name the value
# as typed and say which reading it has. Each message below is worked out from the catalog
# template by hand (xlprof/catalog.py); a message that names None, or the wrong separator or
# order, or the wrong scope ("nothing else in the column" for a lone value), is a wrong message.

SETTINGS_SHEET = "in the Settings sheet"
CSV_DECIMAL = ("in the folder's Settings.csv (or Parámetros.csv): add the line decimal_separator,. or "
               "decimal_separator,\",\" under its key,value header, creating the file if there is none")
CSV_DATE = ("in the folder's Settings.csv (or Parámetros.csv): add the line date_order,dmy or "
            "date_order,mdy under its key,value header, creating the file if there is none")


def _refusal(call, *args, **kwargs) -> ValueError:
    """The ValueError ``call(*args, **kwargs)`` raises (exactly ValueError or a subclass: a
    KeyError or TypeError from a broken message is a crash, not a refusal)."""
    with pytest.raises(ValueError) as e:
        call(*args, **kwargs)
    return e.value


@pytest.mark.parametrize("text, decimal, message", [
    # not text at all: the value as given, not None
    (123, None, "123 is not a number"),
    (12.5, ".", "12.5 is not a number"),
    # text of no number class
    ("abc", None, "'abc' is not a number"),
    ("12 apples", ",", "'12 apples' is not a number"),
    # a number class whose float is infinite
    ("1e309", None, "'1e309' is not a finite number"),
    ("-1,5e400", ",", "'-1,5e400' is not a finite number"),
    # proves one separator while the column (the decision) has the other: both named, right way round
    ("12,5", ".", "'12,5' has a decimal comma but the other numbers have a decimal point"),
    ("12.5", ",", "'12.5' has a decimal point but the other numbers have a decimal comma"),
    ("1.234,56", ".", "'1.234,56' has a decimal comma but the other numbers have a decimal point"),
    ("1'234.50", ",", "\"1'234.50\" has a decimal point but the other numbers have a decimal comma"),
])
def test_to_number_refusals_word_for_word(text, decimal, message):
    e = _refusal(to_number, text, decimal)
    assert type(e) is ValueError
    assert str(e) == message


def test_to_number_other_separator_refusal_in_spanish():
    # assembled from parts ('coma decimal', 'punto decimal'): each part in the same language
    e = _refusal(to_number, "12,5", ".")
    assert e.args[0].render("es") == "'12,5' tiene coma decimal pero los demás números tienen punto decimal"


@pytest.mark.parametrize("text, decimal, value", [
    # a trailing % (then spaces) divides by 100: '12 % ' is 0.12, not 12
    ("12 % ", None, 0.12),
    ("12,5 %\t", ",", 0.125),
    ("\u00a0-7.5%\u00a0\u00a0", ".", -0.075),
    (" 12 %", None, 0.12),
    # a % that is not at the end is no number; a number without % is not divided
    ("12 ", None, 12.0),
])
def test_to_number_percent_with_trailing_spaces(text, decimal, value):
    assert to_number(text, decimal) == pytest.approx(value, rel=1e-15)


# '1,234' read alone: the AmbiguousValue names both readings, the mark, and says *nothing* shows
# which (no column around it); in a column, 'nothing else in the column' / '... in the file'.
LONE_1234 = ("'1,234' can be read as 1234 (',' separating thousands) or as 1.234 (',' as the decimal "
             "comma), and nothing shows which; set decimal_separator to '.' or ',' in the Settings sheet, "
             "or type the number without a thousands separator")


def test_a_lone_two_way_number_says_nothing_shows_which():
    for call in (lambda: to_number("1,234", None), lambda: parse_number("1,234")):
        e = _refusal(call)
        assert type(e) is AmbiguousValue
        assert str(e) == LONE_1234
        assert e.example == "1,234" and e.readings == {".": 1234.0, ",": 1.234}
        assert e.setting == "decimal_separator"


def test_a_lone_two_way_number_in_spanish():
    e = _refusal(to_number, "1.500", None)
    assert e.args[0].render("es") == (
        "'1.500' puede leerse como 1500 ('.' separa los miles) o como 1,5 ('.' es el punto decimal), "
        "y nada indica cuál; ponga decimal_separator a '.' o ',' en la hoja Parámetros, o escriba el "
        "número sin separador de miles")


@pytest.mark.parametrize("kwargs, nothing, where", [
    ({}, "nothing else in the column", SETTINGS_SHEET),
    ({"delimiter": ","}, "nothing else in the file", SETTINGS_SHEET),
    ({"delimiter": "\t", "csv": True}, "nothing else in the file", CSV_DECIMAL),
    ({"scope": "Settings sheet"}, "nothing else in the Settings sheet", SETTINGS_SHEET),
    ({"scope": ""}, "nothing", SETTINGS_SHEET),
])
def test_a_column_of_two_way_numbers_says_where_nothing_shows_which(kwargs, nothing, where):
    e = _refusal(decide_decimal, {"integer": "5", "comma_or_thousands": "1,234"}, **kwargs)
    assert str(e) == (f"'1,234' can be read as 1234 (',' separating thousands) or as 1.234 (',' as the "
                      f"decimal comma), and {nothing} shows which; set decimal_separator to '.' or ',' "
                      f"{where}, or type the number without a thousands separator")


@pytest.mark.parametrize("scope, where", [
    ("", ""), ("column", " in the column"), ("file", " in the file"),
    ("Settings sheet", " in the Settings sheet")])
def test_decimal_conflict_names_both_values_and_the_scope(scope, where):
    # scope "" (values that are not a column): no " in the ..." at all
    e = _refusal(decide_decimal, {"decimal_point": "12.5", "integer": "7", "decimal_comma": "0,5"}, scope=scope)
    assert type(e) is ConflictingValues
    assert str(e) == (f"'12.5' can only be read with a decimal point and '0,5' only with a decimal comma; "
                      f"type every number{where} the same way")
    assert e.examples == {".": "12.5", ",": "0,5"} and e.setting == "decimal_separator"


# --- dates ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, order, message", [
    # not text at all: the value as given
    (20271231, "dmy", "20271231 is not a date"),
    (None, None, "None is not a date"),
    # no date shape at all: what is expected
    ("abc", None, "'abc' is not a date (expected YYYY-MM-DD, or DD/MM/YYYY or MM/DD/YYYY)"),
    ("31 12 2027", "dmy", "'31 12 2027' is not a date (expected YYYY-MM-DD, or DD/MM/YYYY or MM/DD/YYYY)"),
    # a date shape with an impossible day or month, or a time of day
    ("32/01/2027", None, "'32/01/2027' is not a valid date"),
    ("13/13/2027", "dmy", "'13/13/2027' is not a valid date"),
    ("12/31/2027 9:30", "mdy", "'12/31/2027 9:30' is not a valid date"),
    ("31/02/2027", None, "'31/02/2027' is not a valid date"),
    ("31/12/27", None, "'31/12/27' has a two-digit year; type the year with four digits (or YYYY-MM-DD)"),
    # the value proves one order, the setting (or the column) says the other: both named
    ("04/13/2027", "dmy", "'04/13/2027' has the month first but the other dates have the day first"),
    ("13/04/2027", "mdy", "'13/04/2027' has the day first but the other dates have the month first"),
    ("12/31/2027 00:00", "dmy", "'12/31/2027 00:00' has the month first but the other dates have the day first"),
])
def test_to_date_refusals_word_for_word(text, order, message):
    e = _refusal(to_date, text, order)
    assert type(e) is ValueError
    assert str(e) == message


def test_to_date_other_order_refusal_in_spanish():
    # assembled from parts ('el mes', 'el día')
    e = _refusal(to_date, "04/13/2027", "dmy")
    assert e.args[0].render("es") == "'04/13/2027' lleva el mes primero pero las demás fechas llevan el día primero"


@pytest.mark.parametrize("text, order, value", [
    # the value decides its own order when the setting agrees or says nothing
    ("04/13/2027", "mdy", dt.date(2027, 4, 13)),
    ("04/13/2027", None, dt.date(2027, 4, 13)),
    ("13/04/2027", "dmy", dt.date(2027, 4, 13)),
    ("13/04/2027", "ymd", dt.date(2027, 4, 13)),
    # surrounding spaces (any of them) are not part of the date
    (" 31/12/2027 ", None, dt.date(2027, 12, 31)),
    ("\u00a0\t2027-01-05\u202f", None, dt.date(2027, 1, 5)),
    ("  5/05/2027", "mdy", dt.date(2027, 5, 5)),
])
def test_to_date_readings(text, order, value):
    assert to_date(text, order) == value


LONE_0304 = ("'03/04/2027' can be 3 April 2027 (day first) or 4 March 2027 (month first), and nothing "
             "shows which; set date_order to dmy or mdy in the Settings sheet, or type the date as YYYY-MM-DD")


def test_a_lone_two_way_date_says_nothing_shows_which():
    for call in (lambda: to_date("03/04/2027", None), lambda: parse_date("03/04/2027"),
                 lambda: to_date("03/04/2027", "auto")):
        e = _refusal(call)
        assert type(e) is AmbiguousValue
        assert str(e) == LONE_0304
        assert e.example == "03/04/2027"
        assert e.readings == {"dmy": dt.date(2027, 4, 3), "mdy": dt.date(2027, 3, 4)}
        assert e.setting == "date_order"


def test_a_lone_two_way_date_in_spanish():
    e = _refusal(parse_date, "03/04/2027")
    assert e.args[0].render("es") == (
        "'03/04/2027' puede ser el 3 de abril de 2027 (día primero) o el 4 de marzo de 2027 (mes primero), "
        "y nada indica cuál; ponga date_order a dmy o mdy en la hoja Parámetros, o escriba la fecha como "
        "AAAA-MM-DD")


@pytest.mark.parametrize("kwargs, nothing, where", [
    ({}, "nothing else in the column", SETTINGS_SHEET),
    ({"scope": "file", "csv": True}, "nothing else in the file", CSV_DATE),
    ({"setting": "ymd"}, "nothing else in the column",
     SETTINGS_SHEET + " (date_order ymd only settles dates written year first)"),
    ({"setting": "auto", "scope": ""}, "nothing", SETTINGS_SHEET),
])
def test_a_column_of_two_way_dates_says_where_nothing_shows_which(kwargs, nothing, where):
    e = _refusal(decide_date_order, {"year_first": "2027-01-02", "day_or_month": "03/04/2027"}, **kwargs)
    assert type(e) is AmbiguousValue and e.setting == "date_order"
    assert str(e) == (f"'03/04/2027' can be 3 April 2027 (day first) or 4 March 2027 (month first), and "
                      f"{nothing} shows which; set date_order to dmy or mdy {where}, or type the date as "
                      f"YYYY-MM-DD")


@pytest.mark.parametrize("scope, where", [("column", " in the column"), ("file", " in the file"), ("", "")])
def test_date_conflict_names_both_values_and_the_setting(scope, where):
    e = _refusal(decide_date_order, {"day_first": "31/12/2027", "day_or_month": "03/04/2027",
                                     "month_first": "12/31/2027"}, scope=scope)
    assert type(e) is ConflictingValues
    assert str(e) == (f"'31/12/2027' has the day first but '12/31/2027' has the month first; type every "
                      f"date{where} the same way (best: YYYY-MM-DD)")
    assert e.examples == {"dmy": "31/12/2027", "mdy": "12/31/2027"}
    assert e.setting == "date_order"


@pytest.mark.parametrize("value, message", [
    (True, "True is a yes/no value, not a date"),
    (False, "False is a yes/no value, not a date"),
    (45000, "45000 is a number, not a date"),
    (45000.5, "45000.5 is a number, not a date"),
    (dt.time(0, 0), "datetime.time(0, 0) is not a date"),
    ([2027, 12, 31], "[2027, 12, 31] is not a date"),
    ("abc", "'abc' is not a date (expected YYYY-MM-DD, or DD/MM/YYYY or MM/DD/YYYY)"),
    ("next year", "'next year' is not a date (expected YYYY-MM-DD, or DD/MM/YYYY or MM/DD/YYYY)"),
    ("32/01/2027", "'32/01/2027' is not a valid date"),
    ("1899-12-31", "1899-12-31 is outside the dates xlprof accepts (1900-01-01 to 2199-12-31)"),
    ("2200-01-01", "2200-01-01 is outside the dates xlprof accepts (1900-01-01 to 2199-12-31)"),
    (dt.date(9999, 12, 31), "9999-12-31 is outside the dates xlprof accepts (1900-01-01 to 2199-12-31)"),
])
def test_parse_date_refusals_word_for_word(value, message):
    assert str(_refusal(parse_date, value)) == message


@pytest.mark.parametrize("value, expected", [
    # the first and the last day xlprof accepts are accepted (the range is inclusive)
    ("1900-01-01", dt.date(1900, 1, 1)),
    ("2199-12-31", dt.date(2199, 12, 31)),
    (dt.date(1900, 1, 1), dt.date(1900, 1, 1)),
    (dt.datetime(2199, 12, 31, 23, 59), dt.date(2199, 12, 31)),
    ("31/12/2199", dt.date(2199, 12, 31)),
    # a pandas Timestamp is a datetime: its day, the time of day dropped
    (pd.Timestamp("2027-12-31 18:30"), dt.date(2027, 12, 31)),
    (np.datetime64("2027-12-31T18:30").astype("datetime64[us]").item(), dt.date(2027, 12, 31)),
])
def test_parse_date_range_is_inclusive(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("text, order, expected", [
    # the order setting reads a date that reads two ways ...
    ("03/04/2027", "dmy", dt.date(2027, 4, 3)),
    ("03/04/2027", "mdy", dt.date(2027, 3, 4)),
    (" 12/01/2026 ", "mdy", dt.date(2026, 12, 1)),
    # ... but a lone value that proves its order is read that way whatever the setting
    ("04/13/2027", "dmy", dt.date(2027, 4, 13)),
    ("13/04/2027", "mdy", dt.date(2027, 4, 13)),
    ("2027-04-03", "mdy", dt.date(2027, 4, 3)),
])
def test_parse_date_reads_with_the_order_setting(text, order, expected):
    assert parse_date(text, order=order) == expected


def test_parse_date_ymd_setting_settles_no_year_last_date():
    e = _refusal(parse_date, "03/04/2027", order="ymd")
    assert type(e) is AmbiguousValue
    assert str(e) == LONE_0304.replace("in the Settings sheet", "in the Settings sheet (date_order ymd only "
                                                                 "settles dates written year first)")


# --- the regex pieces: built at import, so tested on what they build -----------------------------

@pytest.mark.parametrize("text, matches", [
    ("31/12/2027", True), ("31-12-2027", True), ("31.12.2027", True), ("13/1/2027", True),
    ("31/12/2027 00:00", True), ("31/12/2027T00:00:00.000", True),
    ("31/12-2027", False),          # one separator, used twice
    ("31x12x2027", False), ("x31/12/2027", False), ("31/12/2027x", False),
    ("12/31/2027", False),          # the second number is no month
    ("31/12/2027 10:30", False),
])
def test_year_last_pattern(text, matches):
    """_year_last(first, second) is the anchored pattern of 'first SEP second SEP yyyy' (the
    classes day_first, month_first and day_or_month are built with it at import)."""
    rx = ev._year_last(ev._G12, ev._P12)
    assert bool(re.fullmatch(rx, text)) is matches
    assert bool(re.search(rx, text)) is matches        # anchored: no partial match either


def test_class_sql_quotes_the_apostrophe_of_swiss_groups():
    # _GROUP_SPACE holds "'" (1'234.50): the SQL literal doubles it, and nothing else changes:
    # an 'X' in that place is no thousands separator
    values = ["1'234.50", "1\u2019234", "1X234.50", "1XX234", "1X'X234", "'1'", "1''234"]
    assert _duckdb_classes(values, ev.NUMBER_CLASSES, ev.NUMBER_STRIP) == [
        "space_groups_point", "space_groups", None, None, None, None, None]


def test_class_sql_without_strip_reads_the_text_as_is():
    # no strip: the value is classified as it stands (a surrounding space makes it no date)
    values = ["2027-12-31", "31/12/2027", " 31/12/2027", "03/04/2027"]
    sql = ev.class_sql("v", ev.DATE_CLASSES)
    assert "regexp_replace" not in sql
    assert _duckdb_classes(values, ev.DATE_CLASSES, None) == ["year_first", "day_first", None, "day_or_month"]


# --- yes/no ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    (0.0, False), (1.0, True), (0, False), (1, True),     # Excel hands numbers over as floats
    (np.float64(0.0), False), (np.int64(1), True),
    (-0.0, False),                                        # a negative zero is zero
])
def test_parse_bool_numbers_zero_and_one(value, expected):
    assert parse_bool(value) is expected


@pytest.mark.parametrize("value, expected", [
    # text: accents and case do not matter; the text of a float 1.0/0.0 (a CSV written by a
    # program) is the number 1/0 (it was refused: the header normal form dropped the '.')
    (" Sí ", True), ("VERDADERO", True), ("falso", False), ("S", True), ("n", False),
    ("1.0", True), ("0.0", False), (Decimal("1"), True), (np.float32(0.0), False)])
def test_parse_bool_texts(value, expected):
    assert parse_bool(value) is expected


@pytest.mark.parametrize("value, message", [
    # a number as typed (2, not 2.0; -1, not np.int64(-1)), text quoted
    (2.0, "2 is not yes/no"), (0.5, "0.5 is not yes/no"), ("maybe", "'maybe' is not yes/no"),
    (np.int64(-1), "-1 is not yes/no"), (np.float64(-1.0), "-1 is not yes/no"),
    # -1 is no yes/no (it was read as yes: the header normal form dropped the '-'), nor are
    # signs, brackets or a trailing point around 1
    (-1, "-1 is not yes/no"), (-1.0, "-1 is not yes/no"), ("-1", "'-1' is not yes/no"),
    ("(1)", "'(1)' is not yes/no"), ("1.", "'1.' is not yes/no"), ("-0", "'-0' is not yes/no"),
    ("1,0", "'1,0' is not yes/no"),
    # only real numbers 0 and 1 are read as numbers: a complex 1 is no yes/no
    (complex(1, 0), "(1+0j) is not yes/no")])
def test_parse_bool_refusals(value, message):
    assert str(_refusal(parse_bool, value)) == message + " (use yes/no, sí/no, true/false, x or blank, 1/0)"


@pytest.mark.parametrize("value, message", [
    (dt.date(2027, 12, 31), "2027-12-31 is a date, not a number"),
    (dt.datetime(2027, 1, 5, 0, 0), "2027-01-05 00:00:00 is a date, not a number"),
    (True, "True is a yes/no value, not a number"),
    # COM hands Currency cells over as Decimal: a non-finite one is named as Excel shows it
    (Decimal("NaN"), "NaN is not a finite number"),
    (Decimal("-Infinity"), "-Infinity is not a finite number"),
    (float("inf"), "inf is not a finite number"),
    (10 ** 400, f"{10 ** 400} is not a finite number"),
    # Excel errors, as COM's integer or as text: the error named, and what to do
    (NA, "#N/A is an Excel error, not a number; fix the formula or type the value"),
    (BASE + 2007, "#DIV/0! is an Excel error, not a number; fix the formula or type the value"),
    (" #value! ", "#VALUE! is an Excel error, not a number; fix the formula or type the value"),
    ([1], "[1] is not a number"),
    ("n/a", "'n/a' is not a number"),
])
def test_parse_number_refusals_word_for_word(value, message):
    assert str(_refusal(parse_number, value)) == message


@pytest.mark.parametrize("value, expected", [
    # numpy scalars that are no Python int/float are numbers all the same
    (np.float32(2.5), 2.5), (np.int64(7), 7.0), (np.int32(-3), -3.0), (np.float64(0.1), 0.1),
    # pandas' missing values are blanks, not errors
    (pd.NA, None), (pd.NaT, None), (None, None), ("  ", None),
])
def test_parse_number_numpy_and_blanks(value, expected):
    assert parse_number(value) == expected
    if expected is None:
        assert parse_date(value) is None and parse_bool(value) is None


@pytest.mark.parametrize("value, message", [
    (float("nan"), "nan is not a finite number"), (np.float64("nan"), "nan is not a finite number"),
    (np.float32("nan"), "nan is not a finite number"), (np.float64("-inf"), "-inf is not a finite number")])
def test_nan_is_an_error_not_a_blank(value, message):
    # a NaN cell is a failed formula or a bad export: refused, never read as an empty cell; the
    # value is named as a number, not as numpy's repr (it read 'np.float64(nan) is not ...')
    assert str(_refusal(parse_number, value)) == message


@pytest.mark.parametrize("text, key", [
    ("  Cost-to-Serve (€) ", "costtoserve€"),      # case, spaces, hyphens and brackets go
    ("Días_de.Aviso", "diasdeaviso"),              # accents, underscores and dots go
    ("NOTICE / LEAD\tDAYS", "noticeleaddays"),
    ("Código", "codigo"),
    (12.5, "125"),
])
def test_norm_key(text, key):
    assert norm_key(text) == key


@pytest.mark.parametrize("value, decimal, expected", [
    (Decimal("12.50"), "auto", 12.5),            # COM's Currency cell
    ("12,5", "auto", 12.5), ("  1.234,56 € ", ".", 1234.56),   # proves its separator, whatever the setting
    ("1,234", ".", 1234.0), ("1,234", ",", 1.234),            # reads two ways: the setting decides
    ("1.500", ",", 1500.0), ("1.500", ".", 1.5),
    ("(1.500)", ",", -1500.0),
])
def test_parse_number_text_with_the_decimal_setting(value, decimal, expected):
    assert parse_number(value, decimal=decimal) == expected


@pytest.mark.parametrize("value, error", [(NA, "#N/A"), (BASE + 2007, "#DIV/0!"), (" #n/a ", "#N/A"),
                                          ("#SPILL!", "#SPILL!"), ("N/A", None), (2042.0, None)])
def test_excel_error_as_text_or_com_integer(value, error):
    assert excel_error(value) == error


def test_parse_bool_refusal_says_the_accepted_values_in_both_languages():
    from xlprof.messages import reason as reason_of, render

    refusal = reason_of(_refusal(parse_bool, np.int64(-1)))
    assert render(refusal, "en") == "-1 is not yes/no (use yes/no, sí/no, true/false, x or blank, 1/0)"
    assert render(refusal, "es") == "-1 no es sí/no (use sí/no, yes/no, verdadero/falso, x o vacío, 1/0)"


@pytest.mark.parametrize("value, shown", [(-5.0, "-5"), (-5.5, "-5.5"), (7, "7"), (np.int64(-1), "-1"), ("-5", "'-5'")])
def test_values_in_messages_as_typed(value, shown):
    # a whole float as the integer the user typed; any other number as it is, never truncated
    from xlprof.textnorm import as_typed

    assert as_typed(value) == shown
