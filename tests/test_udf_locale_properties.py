"""The reading rule in the Excel functions, through xlwings' real CallUDF path
(tests/xlwings_win.py), with values as COM delivers them (issue 9 section 3):

* property: a column of amounts rendered as Spanish, US, Swiss and UK Excel write them (text
  cells), mixed with Currency cells (``Decimal``), numbers and the error integers COM hands
  over, is read exactly or refused cell by cell (``#XLPROF!``) -- never read as another
  value. The same for text dates, and for the score functions, whose text numbers follow
  their settings range's ``decimal_separator``;
* examples: a settings range settles the score functions' own arguments, a date argument
  is one column of evidence, and a date that reads two ways is refused with both readings.

The properties could fail: with the argument's decision patched to guess '.' where a value
reads two ways, ``test_a_guessing_function_breaks_the_property`` sees a Spanish '1.500' read
as 1.5.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import xlwings_win as xw_win
from _locales import FORMATS, LOCALES, date, number
from xlprof import textnorm

MOD = "xlprof.udfs"
PROP = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
COM_ERRORS = sorted(code - 2146828288 for code in textnorm.COM_ERROR_CODES)
ONE_GROUP = st.integers(1000, 999_999).map(Decimal)   # "1.500", "120,000": read two ways
AMOUNTS = st.one_of(
    ONE_GROUP, ONE_GROUP, ONE_GROUP,
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from([Decimal(x) for x in ("1500", "120000", "1234", "0.5", "12.5", "999.99")]),
)


def call(func, *args):
    return xw_win.call_udf(MOD, func, *args)


def col(values):
    return tuple((v,) for v in values)


@st.composite
def com_cell(draw, locale, amounts=AMOUNTS):
    """(what the cell means: a float, or None where a refusal is the only right answer; the
    cell as COM delivers it)."""
    kind = draw(st.sampled_from(["text", "text", "text", "decimal", "float", "error"]))
    x = draw(amounts)
    if kind == "text":
        whole = x == x.to_integral_value()
        fmts = ["thousands", "thousands", *FORMATS] if whole else [f for f in FORMATS if f != "thousands"]
        return float(x), number(x, locale, draw(st.sampled_from(fmts)))
    if kind == "decimal":                                  # a Currency or Accounting cell
        return float(x), x
    if kind == "float":
        return float(x), float(x)
    return None, draw(st.sampled_from(COM_ERRORS))


@st.composite
def com_column(draw):
    """One locale's column; half of them hold only whole thousands (no text cell then proves
    the separator, so the function must refuse or the setting decide)."""
    locale = draw(st.sampled_from(sorted(LOCALES)))
    amounts = draw(st.sampled_from([AMOUNTS, ONE_GROUP]))
    return locale, draw(st.lists(com_cell(locale, amounts), min_size=1, max_size=6))


def _exact_or_refused(out, cells):
    rows = out if isinstance(out, list) else [[out]]
    assert len(rows) == len(cells)
    read = 0
    for (meant, value), (got,) in zip(cells, rows):
        if isinstance(got, str):
            assert got.startswith("#XLPROF! "), got
            continue
        assert meant is not None, f"{value!r} read as {got!r}"
        assert got == meant, f"{value!r} read as {got!r}, meant {meant!r}"
        read += 1
    return read


@PROP
@given(column=com_column())
def test_locale_amounts_through_calludf_read_exactly_or_refused(udfs, column):
    _, cells = column
    out = call("XLPROF_NET_REVENUE", col([v for _, v in cells]), col([0.0] * len(cells)))
    _exact_or_refused(out, cells)


@PROP
@given(column=com_column(), setting=st.sampled_from(["auto", "natural", "other"]))
def test_score_text_follows_the_settings_decimal_separator(udfs, column, setting):
    """The score of text cells equals the score of the numbers they spell, or the call is
    refused; the settings range's ``decimal_separator`` settles only what the cells leave open
    -- so the locale's own separator gives the right value, the other one a refusal or the
    value the column proves."""
    locale, cells = column
    cells = [(m, v) for m, v in cells if m is not None] or [(1000.0, number(Decimal(1000), locale, "general"))]
    natural = LOCALES[locale][0]
    sep = {"auto": "auto", "natural": natural, "other": "," if natural == "." else "."}[setting]
    n = len(cells)
    costs = col([100.0] * n)
    typed = call("XLPROF_TERMINATION_SCORE", col([-50.0] * n), costs, costs, col([v for _, v in cells]),
                 col([30.0] * n), *[xw_win.MISSING] * 4, (("decimal_separator", sep),))
    given_ = call("XLPROF_TERMINATION_SCORE", col([-50.0] * n), costs, costs, col([m for m, _ in cells]),
                  col([30.0] * n), *[xw_win.MISSING] * 4, (("decimal_separator", sep),))
    if setting == "natural":
        assert typed == given_            # the locale's own separator: every cell is read right
    typed, given_ = (t if isinstance(t, list) else [[t]] for t in (typed, given_))
    for (meant, value), (got,), (want,) in zip(cells, typed, given_):
        if isinstance(got, str):
            assert got.startswith("#XLPROF! days_to_pay"), got
        elif got != want:                 # another reading: only ever by the setting the user gave
            assert setting == "other" and got is not None, (value, got, want)


@PROP
@given(d=st.dates(dt.date(2026, 1, 1), dt.date(2035, 12, 31)), locale=st.sampled_from(sorted(LOCALES)),
       others=st.lists(st.dates(dt.date(2026, 1, 1), dt.date(2035, 12, 31)), max_size=4))
def test_locale_dates_through_calludf_read_exactly_or_refused(udfs, d, locale, others):
    """Text dates in one argument, as one locale writes them: the exit date (no lead time, no
    notice) is the date meant, or the cell is refused."""
    days = [d, *others]
    out = call("XLPROF_EXIT_DATE", col([date(x, locale) for x in days]), xw_win.MISSING, xw_win.MISSING,
               xw_win.MISSING, xw_win.MISSING, 0.0)
    rows = out if isinstance(out, list) else [[out]]
    for meant, (got,) in zip(days, rows):
        if isinstance(got, str):
            assert got.startswith("#XLPROF! decision_date"), got
            assert meant.day <= 12 and meant.day != meant.month, (meant, got)   # it did read two ways
        else:
            assert got.date() == meant, (meant, got)


def test_a_guessing_function_breaks_the_property(udfs, monkeypatch):
    from xlprof.excel import convert
    from xlprof.io import evidence

    def guess(found, **kw):
        try:
            return evidence.decide_decimal(found, **kw)
        except evidence.AmbiguousValue:
            return "."

    monkeypatch.setattr(convert, "decide_decimal", guess)
    with pytest.raises(AssertionError):
        _exact_or_refused(call("XLPROF_NET_REVENUE", col(["1.500"]), col([0.0])), [(1500.0, "1.500")])


# --- examples ---------------------------------------------------------------------------------


def test_a_settings_range_settles_the_score_functions_text(udfs):
    # days_to_pay '1.000' typed as text: 1000 days with a decimal comma, 1 with a point
    args = lambda days: (-200.0, 1000.0, 400.0, days, 30.0, *[xw_win.MISSING] * 4)  # noqa: E731
    comma = call("XLPROF_TERMINATION_SCORE", *args("1.000"), (("decimal_separator", ","),))
    assert comma == call("XLPROF_TERMINATION_SCORE", *args(1000.0))
    point = call("XLPROF_TERMINATION_SCORE", *args("1.000"), (("separador_decimal", "punto"),))
    assert point == call("XLPROF_TERMINATION_SCORE", *args(1.0)) and point != comma
    assert call("XLPROF_TERMINATION_SCORE", *args("1.000")) == (
        "#XLPROF! days_to_pay is text '1.000' that reads as 1 or 1000: type the number itself")
    # the same in XLPROF_SCORE_REASONS and XLPROF_ACTION (exit gain '2.500,00' proves itself)
    reasons = call("XLPROF_SCORE_REASONS", *args("1.000"), xw_win.MISSING,       # lang ... revenue
                   (("decimal_separator", ","),))
    assert reasons == call("XLPROF_SCORE_REASONS", *args(1000.0))
    action = call("XLPROF_ACTION", -200.0, 1000.0, 400.0, "2.500", 80.0, *[xw_win.MISSING] * 9,
                  (("decimal_separator", ","),))
    assert action == call("XLPROF_ACTION", -200.0, 1000.0, 400.0, 2500.0, 80.0)
    assert call("XLPROF_ACTION", -200.0, 1000.0, 400.0, "2.500", 80.0).startswith(
        "#XLPROF! exit_gain is text '2.500' that reads as")


def test_a_date_argument_is_one_column_of_evidence(udfs):
    # alone, 03/04/2027 reads two ways: refused with both readings
    assert call("XLPROF_EXIT_DATE", "03/04/2027", xw_win.MISSING, xw_win.MISSING, xw_win.MISSING,
                xw_win.MISSING, 0.0) == ("#XLPROF! decision_date is text '03/04/2027' that reads as 2027-04-03 "
                                         "(day first) or 2027-03-04 (month first): type the date as YYYY-MM-DD")
    # beside 31/12/2027 (day first) it is 3 April; beside 12/31/2027, 4 March
    for proof, meant in (("31/12/2027", dt.date(2027, 4, 3)), ("12/31/2027", dt.date(2027, 3, 4))):
        out = call("XLPROF_EXIT_DATE", col([proof, "03/04/2027"]), xw_win.MISSING, xw_win.MISSING,
                   xw_win.MISSING, xw_win.MISSING, 0.0)
        assert [r[0].date() for r in out] == [dt.date(2027, 12, 31), meant]
    # both orders in one argument: nothing is guessed
    out = call("XLPROF_EXIT_DATE", col(["31/12/2027", "12/31/2027", "2027-01-15"]), xw_win.MISSING,
               xw_win.MISSING, xw_win.MISSING, xw_win.MISSING, 0.0)
    assert out[0][0] == ("#XLPROF! decision_date row 1 is text '31/12/2027', and other cells of decision_date "
                         "put the day and the month the other way round: type the dates as YYYY-MM-DD")
    assert out[1][0].startswith("#XLPROF! decision_date row 2 is text '12/31/2027'")
    assert out[2][0].date() == dt.date(2027, 1, 15)
