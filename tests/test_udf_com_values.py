"""Cell values as COM hands them to the classic functions, through xlwings' real CallUDF
path (tests/xlwings_win.py), read by the one number parser and the reading rule:

* Currency and Accounting cells arrive as :class:`decimal.Decimal`;
* error cells xlwings knows arrive as text ("#N/A"), the newer ones (#SPILL!, #CALC!,
  #BLOCKED!, #GETTING_DATA...) as the integers 0x800A07xx COM uses -- never as numbers;
* text that spells a number is read by the reading rule of design.md section 5, the
  argument being one column of evidence: what reads two ways is refused with both readings.
"""

from __future__ import annotations

from decimal import Decimal

import xlwings_win as xw_win
from xlwings_win import com_date

MOD = "xlprof.udfs"
BASE = -2146826288  # xlErrNull 2000 as COM hands it over; every error is BASE + (code - 2000)
XL_SPILL = BASE + 45       # 2045
XL_CALC = BASE + 50        # 2050
XL_BLOCKED = BASE + 47     # 2047
XL_GETTING_DATA = BASE + 43


def call(func, *args, **kwargs):
    return xw_win.call_udf(MOD, func, *args, **kwargs)


def col(*values):
    return tuple((v,) for v in values)


def test_currency_cells_arrive_as_decimal_and_are_read_exactly(udfs):
    # 1000.50 - 600.25 = 400.25; 200 - 100 = 100
    out = call("XLPROF_MARGIN", col(Decimal("1000.5000"), Decimal("200")), col(Decimal("600.2500"), 100.0))
    assert out == [[400.25], [100.0]]
    assert call("XLPROF_NET_REVENUE", Decimal("1000.0000"), Decimal("100.0000")) == 900.0


def test_newer_error_values_are_never_numbers(udfs):
    out = call("XLPROF_MARGIN", col(XL_SPILL, 10.0, XL_GETTING_DATA), col(1.0, 2.0, 3.0))
    assert out == [["#XLPROF! revenue row 1 is #SPILL!"], [8.0], ["#XLPROF! revenue row 3 is #GETTING_DATA"]]
    assert call("XLPROF_MARGIN", XL_CALC, 1.0) == "#XLPROF! revenue is #CALC!"
    assert call("XLPROF_MARGIN", 1000.0, 600.0, XL_BLOCKED) == "#XLPROF! discounts is #BLOCKED!"
    assert call("XLPROF_EXIT_DATE", XL_SPILL) == "#XLPROF! decision_date is #SPILL!"
    # in a table (ratings) and in the one-row weights
    out = call("XLPROF_TERMINATION_SCORE", -200.0, 1000.0, 400.0, None, None, None,
               ((XL_CALC, 1.0, 1.0, 1.0),))
    assert out == "#XLPROF! ratings column 1 is #CALC!"
    assert call("XLPROF_TIER", col(100.0, XL_SPILL)) == [["#XLPROF! net_profits row 2 is #SPILL!"]] * 2


def test_an_unnamed_error_code_is_still_an_error(udfs):
    assert call("XLPROF_MARGIN", BASE + 99, 1.0) == "#XLPROF! revenue is #ERROR(2099)"


def test_text_numbers_follow_the_reading_rule(udfs):
    # '12,5' proves a decimal comma for the whole argument: '1.234' is then 1234
    out = call("XLPROF_MARGIN", col("1.234", "12,5"), col(0.0, 0.0))
    assert out == [[1234.0], [12.5]]
    # '1,234.56' proves a decimal point: '1,234' is then 1234
    assert call("XLPROF_MARGIN", col("1,234", "1,234.56"), col(0.0, 0.0)) == [[1234.0], [1234.56]]
    # alone, '1.234' reads two ways: refused with both readings
    assert call("XLPROF_MARGIN", "1.234", 0.0) == (
        "#XLPROF! revenue is text '1.234' that reads as 1.234 or 1234: type the number itself")
    # both marks proven in one argument: nothing is guessed
    out = call("XLPROF_MARGIN", col("1,234.5", "1.234,5", 7.0), col(0.0, 0.0, 0.0))
    assert out[2] == [7.0]
    assert out[0][0].startswith("#XLPROF! revenue row 1 is text '1,234.5', and other cells of revenue use "
                                "the other decimal mark")
    # currency signs, spaces as thousands, percentages
    assert call("XLPROF_MARGIN", col("€ 1 200", "12 %"), col(0.0, 0.0)) == [[1200.0], [0.12]]
    assert call("XLPROF_MARGIN", "abc", 1.0) == "#XLPROF! revenue is text"


def test_dates_from_com_and_errors_in_date_arguments(udfs):
    out = call("XLPROF_EXIT_DATE", com_date(2025, 1, 1), col(30.0, XL_CALC))
    assert out[1] == ["#XLPROF! notice_days row 2 is #CALC!"]
    assert out[0][0].date().isoformat() == "2025-02-14"  # notice 2025-01-15 + 30 days
