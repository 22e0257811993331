"""The reading rule's evidence module (xlprof.io.evidence): classes, decisions, conversions,
and the same classes in DuckDB (RE2) as in Python ``re``."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _tuning import plain_id
from xlprof.io import evidence as ev
from xlprof.io.evidence import (DATE_CLASSES, NUMBER_CLASSES, AmbiguousValue, ConflictingValues,
                                date_class, decide_date_order, decide_decimal, number_class,
                                to_date, to_number)

# --- numbers ----------------------------------------------------------------------------------

NUMBERS = [  # text, class, value read (None: the value needs a decision)
    ("120000", "integer", 120000.0),
    ("0001", "integer", 1.0),
    ("-5", "integer", -5.0),
    ("(300)", "integer", -300.0),
    ("1e3", "integer", 1000.0),
    ("120.000", "point_or_thousands", None),
    ("1,234", "comma_or_thousands", None),
    ("12.5", "decimal_point", 12.5),
    ("0.500", "decimal_point", 0.5),          # a thousands group never follows a lone 0
    ("1234.567", "decimal_point", 1234.567),  # nor a first group of four digits
    (".5", "decimal_point", 0.5),
    ("01.234", "decimal_point", 1.234),       # a leading zero is never a thousands group
    ("1.5E+03", "decimal_point", 1500.0),
    ("12,5", "decimal_comma", 12.5),
    ("0,500", "decimal_comma", 0.5),
    ("1234,567", "decimal_comma", 1234.567),
    ("1,5E+03", "decimal_comma", 1500.0),
    ("1.234.567", "point_groups", 1234567.0),
    ("1.234,56", "point_groups_comma", 1234.56),
    ("1.234,567", "point_groups_comma", 1234.567),
    ("(1.000,50)", "point_groups_comma", -1000.5),
    ("1,234,567", "comma_groups", 1234567.0),
    ("1,234.56", "comma_groups_point", 1234.56),
    ("1 234", "space_groups", 1234.0),
    ("1\u00a0234\u00a0567", "space_groups", 1234567.0),
    ("1'234.50", "space_groups_point", 1234.5),
    ("1\u2019234.50", "space_groups_point", 1234.5),
    ("1\u202f234,50", "space_groups_comma", 1234.5),
    ("€ 300", "integer", 300.0),
    ("300 EUR", "integer", 300.0),
    ("300,50 €", "decimal_comma", 300.5),
    ("$1,234.10", "comma_groups_point", 1234.1),
    ("12 %", "integer", 0.12),
    ("12,5%", "decimal_comma", 0.125),
    (" 7 ", "integer", 7.0),
]

NOT_NUMBERS = ["", " ", "-", "n/a", "abc", "12.", "1.23.4", "1,2.5", "1.234.5", "1 23",
               "12 apples", "0x10", "1_000", "١٢", "１２", "½", "1.234,5,6", "12€50", "€", "%",
               "--5", "(5", "1'23", "nan", "inf", "1,234 .5"]


@pytest.mark.parametrize("text, cls, value", NUMBERS, ids=[plain_id(n[0]) for n in NUMBERS])
def test_number_classes_and_values(text, cls, value):
    assert number_class(text) == cls
    if value is None:
        with pytest.raises(AmbiguousValue):
            to_number(text, None)
    else:
        assert to_number(text, None) == pytest.approx(value)


@pytest.mark.parametrize("text", NOT_NUMBERS)
def test_not_numbers(text):
    assert number_class(text) is None
    with pytest.raises(ValueError, match="is not a number"):
        to_number(text, ".")


def test_ambiguous_numbers_read_with_the_decision():
    assert to_number("120.000", ",") == 120000.0
    assert to_number("120.000", ".") == 120.0
    assert to_number("1,234", ".") == 1234.0
    assert to_number("1,234", ",") == 1.234


def test_a_value_that_proves_the_other_separator_is_refused():
    with pytest.raises(ValueError, match="'12.5' has a decimal point but the other numbers have a decimal comma"):
        to_number("12.5", ",")


def test_ambiguous_message_names_both_readings_and_the_setting():
    with pytest.raises(AmbiguousValue) as e:
        decide_decimal({"point_or_thousands": "120.000"})
    assert str(e.value) == (
        "'120.000' can be read as 120000 ('.' separating thousands) or as 120 ('.' as the "
        "decimal point), and nothing else in the column shows which; set decimal_separator "
        "to '.' or ',' in the Settings sheet, or type the number without a thousands separator")
    assert e.value.readings == {".": 120.0, ",": 120000.0}
    assert e.value.setting == "decimal_separator"


DECISIONS = [  # classes found, setting, delimiter, decision ("conflict"/"ambiguous")
    ({"integer"}, "auto", None, None),
    ({"integer", "space_groups"}, "auto", None, None),
    ({"point_or_thousands"}, "auto", None, "ambiguous"),
    ({"comma_or_thousands"}, "auto", None, "ambiguous"),
    ({"point_or_thousands"}, ",", None, ","),
    ({"point_or_thousands"}, ".", None, "."),
    ({"point_or_thousands", "decimal_comma"}, "auto", None, ","),          # 120.000 with 0,5
    ({"point_or_thousands", "point_groups_comma"}, "auto", None, ","),     # with 1.234,56
    ({"comma_or_thousands", "comma_groups_point"}, "auto", None, "."),     # 120,000 with 1,234.56
    ({"comma_or_thousands", "decimal_point"}, "auto", None, "."),          # with 12.5
    ({"comma_or_thousands", "decimal_point"}, ",", None, "."),             # evidence beats the setting
    ({"decimal_point", "decimal_comma"}, "auto", None, "conflict"),
    ({"comma_groups", "point_groups"}, ".", None, "conflict"),
    ({"space_groups_point", "decimal_comma"}, "auto", None, "conflict"),
    ({"comma_or_thousands"}, "auto", ";", ","),     # ';' is never written with ',' thousands
    ({"point_or_thousands"}, "auto", ";", "ambiguous"),   # Swiss Excel: ';' and a decimal point
    ({"point_or_thousands", "comma_or_thousands"}, "auto", ";", ","),
    ({"point_or_thousands"}, ".", ";", "."),
    ({"comma_or_thousands"}, "auto", ",", "ambiguous"),   # Google Sheets, LibreOffice: ',' in any locale
    ({"comma_or_thousands"}, "auto", "\t", "ambiguous"),
]


@pytest.mark.parametrize("classes, setting, delimiter, expected", DECISIONS)
def test_decide_decimal(classes, setting, delimiter, expected):
    examples = {"integer": "5", "space_groups": "1 234", "point_or_thousands": "1.500",
                "comma_or_thousands": "1,500", "decimal_comma": "0,5", "decimal_point": "12.5",
                "point_groups_comma": "1.234,56", "comma_groups_point": "1,234.56",
                "comma_groups": "1,234,567", "point_groups": "1.234.567", "space_groups_point": "1'234.50"}
    found = {c: examples[c] for c in classes}
    if expected == "conflict":
        with pytest.raises(ConflictingValues):
            decide_decimal(found, setting=setting, delimiter=delimiter)
    elif expected == "ambiguous":
        with pytest.raises(AmbiguousValue):
            decide_decimal(found, setting=setting, delimiter=delimiter)
    else:
        assert decide_decimal(found, setting=setting, delimiter=delimiter) == expected


@settings(max_examples=200, deadline=None)
@given(classes=st.sets(st.sampled_from(sorted(NUMBER_CLASSES))),
       setting=st.sampled_from(["auto", ".", ","]), delimiter=st.sampled_from([None, ",", ";", "\t"]),
       seed=st.randoms())
def test_decision_depends_only_on_which_classes_occur(classes, setting, delimiter, seed):
    """Two columns with the same classes (different examples, any order) decide alike."""
    pools = {c: [t for t, k, _ in NUMBERS if k == c] or [t for t, k, _ in NUMBERS if k == "integer"]
             for c in NUMBER_CLASSES}

    def outcome(found):
        try:
            return decide_decimal(found, setting=setting, delimiter=delimiter)
        except ConflictingValues:
            return "conflict"
        except AmbiguousValue:
            return "ambiguous"

    a = {c: seed.choice(pools[c]) for c in classes}
    order = list(classes)
    seed.shuffle(order)
    b = {c: seed.choice(pools[c]) for c in order}
    assert outcome(a) == outcome(b)


# --- dates ------------------------------------------------------------------------------------

DATES = [
    ("2027-12-31", "year_first", dt.date(2027, 12, 31)),
    ("2027/1/5", "year_first", dt.date(2027, 1, 5)),
    ("2027-12-31 00:00:00", "year_first", dt.date(2027, 12, 31)),
    ("2027-12-31T00:00", "year_first", dt.date(2027, 12, 31)),
    ("31/12/2027", "day_first", dt.date(2027, 12, 31)),
    ("31.12.2027", "day_first", dt.date(2027, 12, 31)),
    ("13-1-2027", "day_first", dt.date(2027, 1, 13)),
    ("12/31/2027", "month_first", dt.date(2027, 12, 31)),
    ("12/31/2027 0:00", "month_first", dt.date(2027, 12, 31)),
    ("05/05/2027", "day_is_month", dt.date(2027, 5, 5)),
    ("5/05/2027", "day_is_month", dt.date(2027, 5, 5)),
    ("03/04/2027", "day_or_month", None),
    ("12/01/2026", "day_or_month", None),
    ("31-Dec-2027", "month_name", dt.date(2027, 12, 31)),
    ("31-dic-2027", "month_name", dt.date(2027, 12, 31)),
    ("1 de enero de 2027", "month_name", dt.date(2027, 1, 1)),
    ("Dec 31, 2027", "month_name", dt.date(2027, 12, 31)),
    ("Sept. 3 2027", "month_name", dt.date(2027, 9, 3)),
]

NOT_DATES = ["", "next year", "31/12/27", "2027", "45000", "31/31/2027", "32/12/2027", "0/5/2027",
             "31/12-2027", "2027-12-31 13:45", "12/31/2027 9:30", "2027-12"]


@pytest.mark.parametrize("text, cls, value", DATES, ids=[plain_id(d[0]) for d in DATES])
def test_date_classes_and_values(text, cls, value):
    assert date_class(text) == cls
    if value is None:
        with pytest.raises(AmbiguousValue):
            to_date(text, None)
    else:
        assert to_date(text, None) == value


@pytest.mark.parametrize("text", NOT_DATES)
def test_not_dates(text):
    assert date_class(text) is None
    with pytest.raises(ValueError):
        to_date(text, "dmy")


def test_two_digit_year_says_so():
    with pytest.raises(ValueError, match="two-digit year; type the year with four digits"):
        to_date("31/12/27", "dmy")


def test_invalid_date_of_a_valid_shape():
    with pytest.raises(ValueError, match="'31/02/2027' is not a valid date"):
        to_date("31/02/2027", None)


def test_ambiguous_dates_read_with_the_decision():
    assert to_date("12/01/2026", "mdy") == dt.date(2026, 12, 1)
    assert to_date("12/01/2026", "dmy") == dt.date(2026, 1, 12)
    with pytest.raises(AmbiguousValue, match="date_order ymd only settles dates written year first"):
        to_date("12/01/2026", "ymd")


def test_ambiguous_date_message():
    with pytest.raises(AmbiguousValue) as e:
        decide_date_order({"day_or_month": "12/01/2026"})
    assert str(e.value) == (
        "'12/01/2026' can be 12 January 2026 (day first) or 1 December 2026 (month first), and "
        "nothing else in the column shows which; set date_order to dmy or mdy in the Settings "
        "sheet, or type the date as YYYY-MM-DD")
    assert e.value.readings == {"dmy": dt.date(2026, 1, 12), "mdy": dt.date(2026, 12, 1)}


@pytest.mark.parametrize("classes, setting, expected", [
    ({"year_first"}, "auto", None),
    ({"day_is_month", "month_name"}, "auto", None),
    ({"day_or_month"}, "auto", "ambiguous"),
    ({"day_or_month"}, "ymd", "ambiguous"),
    ({"day_or_month"}, "mdy", "mdy"),
    ({"day_or_month", "day_first"}, "auto", "dmy"),
    ({"day_or_month", "month_first"}, "auto", "mdy"),
    ({"day_or_month", "month_first"}, "dmy", "mdy"),    # evidence beats the setting
    ({"day_first", "month_first"}, "dmy", "conflict"),
])
def test_decide_date_order(classes, setting, expected):
    examples = {"year_first": "2027-01-02", "day_is_month": "05/05/2027", "month_name": "1-Jan-2027",
                "day_or_month": "03/04/2027", "day_first": "31/12/2027", "month_first": "12/31/2027"}
    found = {c: examples[c] for c in classes}
    if expected == "conflict":
        with pytest.raises(ConflictingValues):
            decide_date_order(found, setting=setting)
    elif expected == "ambiguous":
        with pytest.raises(AmbiguousValue):
            decide_date_order(found, setting=setting)
    else:
        assert decide_date_order(found, setting=setting) == expected


# --- the same classes in DuckDB (RE2) -----------------------------------------------------------

NUMBERISH = st.from_regex(
    r"\A[ \u00a0(€$£+-]{0,2}[0-9]{0,5}([.,'’ \u00a0\u202f][0-9]{1,4}){0,3}([eE][+-]?[0-9]{1,2})?[%)]?( ?(EUR|usd|%|€))?\Z")
DATEISH = st.from_regex(
    r"\A ?[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{1,4}( 0?0:00(:00)?)? ?\Z"
    r"|\A[0-9]{1,2}[- ](Dec|dic|enero|Sept\.|may|xyz)[- ][0-9]{4}\Z")


def _python_classes(values, classify):
    return [classify(v) for v in values]


def _duckdb_classes(values, classes, strip):
    con = duckdb.connect()
    con.execute("CREATE TABLE t (i INTEGER, v VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(values)))
    sql = f"SELECT i, {ev.class_sql('v', classes, strip)} FROM t ORDER BY i"
    return [c for _, c in con.execute(sql).fetchall()]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(st.one_of(NUMBERISH, st.text(max_size=12)), min_size=1, max_size=200))
def test_number_classes_agree_in_duckdb(values):
    assert _duckdb_classes(values, NUMBER_CLASSES, ev.NUMBER_STRIP) == _python_classes(values, number_class)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(st.one_of(DATEISH, st.text(max_size=12)), min_size=1, max_size=200))
def test_date_classes_agree_in_duckdb(values):
    assert _duckdb_classes(values, DATE_CLASSES, ev.DATE_STRIP) == _python_classes(values, date_class)


def test_every_example_agrees_in_duckdb():
    nums = [t for t, _, _ in NUMBERS] + NOT_NUMBERS
    dates = [t for t, _, _ in DATES] + NOT_DATES
    assert _duckdb_classes(nums, NUMBER_CLASSES, ev.NUMBER_STRIP) == [number_class(t) for t in nums]
    assert _duckdb_classes(dates, DATE_CLASSES, ev.DATE_STRIP) == [date_class(t) for t in dates]


def test_each_regex_compiles_in_both_engines():
    con = duckdb.connect()
    for rx in itertools.chain(NUMBER_CLASSES.values(), DATE_CLASSES.values(), [ev.NUMBER_STRIP, ev.DATE_STRIP]):
        re.compile(rx)
        con.execute("SELECT regexp_full_match('x', ?)", [rx]).fetchone()
        assert rx.startswith("^") or rx in (ev.NUMBER_STRIP, ev.DATE_STRIP)
