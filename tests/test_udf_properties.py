"""Property tests: random cell values, shaped as Excel passes them through COM, fed to the
Excel functions through xlwings' own CallUDF path (tests/xlwings_win.py). No call may
raise: every result is a number, a blank, a date or a text (``#XLPROF! ...`` for bad
cells) -- never a traceback in a cell.

Not covered: real COM marshalling and Excel itself (see tests/xlwings_win.py).
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import xlwings_win as xw_win
from xlwings_win import XL_DIV0, XL_NA, XL_REF, XL_VALUE, com_date

MOD = "xlprof.udfs"


CELL = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e6, max_value=1e6),
    st.sampled_from([XL_NA, XL_DIV0, XL_REF, XL_VALUE]),
    st.integers(2000, 2099).map(lambda code: -2146826288 + code - 2000),  # COM errors (#SPILL!...)
    st.decimals(min_value=-10**9, max_value=10**9, places=4, allow_nan=False),  # Currency cells
    st.booleans(),
    st.sampled_from(["n/a", "-", "1.234,56", "12 %", "€ 300", "=HYPERLINK(\"x\")", "@SUM(A1)", "", "  ",
                     "#N/A", "abc", "5", "yes", "2026-12-01"]),
    st.text(max_size=20),
    st.builds(lambda d: com_date(d.year, d.month, d.day),
              st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2199, 12, 31))),
)


def column(n):
    return st.lists(CELL, min_size=n, max_size=n).map(lambda xs: tuple((x,) for x in xs))


def grid(n, m):
    return st.lists(st.lists(CELL, min_size=m, max_size=m).map(tuple), min_size=n, max_size=n).map(tuple)


def ok_leaf(v) -> bool:
    return v is None or isinstance(v, (int, float, str, bool, dt.datetime, dt.date))


def assert_excel_value(result):
    if isinstance(result, (list, tuple)):
        for x in result:
            assert_excel_value(x)
    else:
        assert ok_leaf(result), repr(result)
        if isinstance(result, str) and result.startswith("Traceback"):
            raise AssertionError(result)


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(st.integers(1, 6).flatmap(lambda n: st.tuples(column(n), column(n), column(n))))
def test_margin_and_net_profit_never_raise(udfs, cols):
    rev, cogs, disc = cols
    assert_excel_value(xw_win.call_udf(MOD, "XLPROF_MARGIN", rev, cogs, disc))
    assert_excel_value(xw_win.call_udf(MOD, "XLPROF_NET_PROFIT", rev, cogs, disc, disc, None, cogs))


@SETTINGS
@given(st.integers(1, 5).flatmap(lambda n: st.integers(1, 4).flatmap(
    lambda m: st.tuples(grid(n, m), grid(1, m), CELL)))
)
def test_cost_to_serve_never_raises(udfs, args):
    volumes, rates, scalar = args
    assert_excel_value(xw_win.call_udf(MOD, "XLPROF_COST_TO_SERVE", volumes, rates))
    assert_excel_value(xw_win.call_udf(MOD, "XLPROF_COST_TO_SERVE", volumes, scalar))


@SETTINGS
@given(st.integers(1, 5).flatmap(lambda n: st.tuples(column(n), column(n), column(n), column(n), grid(n, 4),
                                                       grid(1, 7))))
def test_score_reasons_and_tier_never_raise(udfs, args):
    p, nr, cts, days, ratings, weights = args
    assert_excel_value(xw_win.call_udf(MOD, "XLPROF_TERMINATION_SCORE", p, nr, cts, days, days, None,
                                       ratings, weights))
    assert_excel_value(xw_win.call_udf(MOD, "XLPROF_SCORE_REASONS", p, nr, cts, days, None, cts, ratings))
    assert_excel_value(xw_win.call_udf(MOD, "XLPROF_TIER", p))
    assert_excel_value(xw_win.call_udf(MOD, "XLPROF_WHALE_CURVE", p))


@SETTINGS
@given(CELL, CELL, CELL)
def test_exit_date_never_raises(udfs, decision, notice, end):
    assert_excel_value(xw_win.call_udf(MOD, "XLPROF_EXIT_DATE", decision, notice, end))


@SETTINGS
@given(grid(3, 4), grid(2, 3), grid(3, 3))
def test_analyze_with_random_cells_never_raises(udfs, clients_cells, act_cells, vol_cells):
    clients = (("client_id", "revenue", "cogs", "communication"), *clients_cells)
    activities = (("activity", "behavior", "rate"), *act_cells)
    volumes = (("client_id", "A", "B"), *vol_cells)
    assert_excel_value(xw_win.call_udf(MOD, "XLPROF_ANALYZE", clients, activities, volumes))
