"""Property tests of the Excel functions, called through xlwings' own CallUDF path
(tests/xlwings_win.py) with cells shaped as Excel passes them through COM.

Two kinds:
- *values*: cells drawn from a table whose reading is known (a number, a lenient text such
  as ``"1.234,56"``, a blank, or a bad cell with the reason the function must give), and
  the expected result of every output row worked out in the test -- by plain arithmetic
  or by tests/_reference.py (a plain-Python re-implementation, never ``xlprof.model``).
  A function that always fails, or that gets a formula wrong, fails these.
- *never raise*: arbitrary cells (any float, text, error code, date); every result is a
  number, a blank, a date or a ``#XLPROF!`` text -- never a traceback in a cell -- and
  wherever a row holds plain finite numbers its value is checked too.

Not covered: real COM marshalling and Excel itself (see tests/xlwings_win.py).
"""

from __future__ import annotations

import datetime as dt
import math

import pytest
from _tuning import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import _reference as R
import xlwings_win as xw_win
from xlprof.i18n import label
from xlprof.settings import SIGNALS, Settings
from xlwings_win import XL_DIV0, XL_NA, XL_REF, XL_VALUE, com_date

MOD = "xlprof.udfs"
UTC = dt.timezone.utc
S = Settings()
WEIGHTS = dict(zip(SIGNALS, (3.0, 1.5, 1.5, 1.0, 1.0, 1.0, 1.0)))

SETTINGS = settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def call(func, *args):
    return xw_win.call_udf(MOD, func, *args)


def rows_of(out, n):
    """A column result as n values (a one-cell call returns the value itself)."""
    if n == 1 and not isinstance(out, list):
        return [out]
    assert isinstance(out, list) and len(out) == n, out
    return [r[0] for r in out]


def col(values) -> tuple:
    return tuple((v,) for v in values)


# --- cells whose reading is known ----------------------------------------------------------

# (cell as COM delivers it, reading): ("num", x) | ("blank",) | ("bad", reason). A column is
# evidence (design.md section 5): its text numbers use one decimal mark, so each generated
# column takes its lenient texts from one style.
NEUTRAL_TEXT = [("12 %", ("num", 0.12)), ("€ 300", ("num", 300.0)), ("300 EUR", ("num", 300.0)),
                (" 7 ", ("num", 7.0)), ("-42", ("num", -42.0))]
STYLE_TEXT = {
    ".": [("1,234.56", ("num", 1234.56)), ("1.5", ("num", 1.5)), ("(1,000.50)", ("num", -1000.5))],
    ",": [("1.234,56", ("num", 1234.56)), ("1,5", ("num", 1.5)), ("(1.000,50)", ("num", -1000.5))],
}


def number_cells(style):
    return st.one_of(
        st.integers(-10**6, 10**6).map(lambda k: (float(k), ("num", float(k)))),
        st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: (x, ("num", x))),
        st.sampled_from(NEUTRAL_TEXT + STYLE_TEXT[style]),
    )


BLANK_CELLS = st.sampled_from([(None, ("blank",)), ("", ("blank",)), ("   ", ("blank",))])
BAD_CELLS = st.sampled_from([
    ("abc", ("bad", "is text")), ("n/a", ("bad", "is text")), ("12 apples", ("bad", "is text")),
    (XL_NA, ("bad", "is #N/A")), (XL_DIV0, ("bad", "is #DIV/0!")), (XL_VALUE, ("bad", "is #VALUE!")),
    ("#N/A", ("bad", "is #N/A")),
    (True, ("bad", "is TRUE, not a number")), (False, ("bad", "is FALSE, not a number")),
    (com_date(2024, 1, 1), ("bad", "is a date, not a number")),
])


def known_cell(style):
    numbers = number_cells(style)
    return st.one_of(numbers, numbers, numbers, BLANK_CELLS, BAD_CELLS)


def known_column(n):
    return st.sampled_from(sorted(STYLE_TEXT)).flatmap(
        lambda style: st.lists(known_cell(style), min_size=n, max_size=n))


def known_columns(k):
    """k columns of the same length (1 to 6) of known cells."""
    return st.integers(1, 6).flatmap(lambda n: st.tuples(*[known_column(n)] * k))


def expected_rows(named_cols, required, compute):
    """The per-row result of an element-wise function: blank when every cell of the row is
    blank; else the first argument (in order) that is bad, or blank and required, gives
    ``#XLPROF! <name> row i <reason>``; else ``compute(values)`` with blanks as NaN."""
    names = [n for n, _ in named_cols]
    n = len(named_cols[0][1])
    out = []
    for i in range(n):
        cells = [c[i][1] for _, c in named_cols]
        if all(r[0] == "blank" for r in cells):
            out.append("")
            continue
        where = "" if n == 1 else f" row {i + 1}"
        problem = None
        for name, r in zip(names, cells):
            if r[0] == "bad":
                problem = f"#XLPROF! {name}{where} {r[1]}"
            elif r[0] == "blank" and name in required:
                problem = f"#XLPROF! {name}{where} is blank"
            if problem:
                break
        out.append(problem or compute(*[r[1] if r[0] == "num" else math.nan for r in cells]))
    return out


def assert_rows(got, expected):
    for g, e in zip(got, expected, strict=True):
        if isinstance(e, float):
            assert g == pytest.approx(e, rel=1e-9, abs=1e-9), (got, expected)
        else:
            assert g == e, (got, expected)


def zero(x):
    return 0.0 if math.isnan(x) else x


@SETTINGS
@given(known_columns(3))
def test_margin_values(udfs, cols):
    rev, cogs, disc = cols
    named = [("revenue", rev), ("cogs", cogs), ("discounts", disc)]
    expected = expected_rows(named, {"revenue", "cogs"}, lambda r, c, d: r - zero(d) - c)
    out = call("XLPROF_MARGIN", *(col(v for v, _ in c) for c in cols))
    assert_rows(rows_of(out, len(rev)), expected)


@SETTINGS
@given(known_columns(6))
def test_net_profit_values(udfs, cols):
    names = ("revenue", "cogs", "cost_to_serve", "discounts", "financing_cost", "bad_debt")
    expected = expected_rows(list(zip(names, cols)), {"revenue", "cogs", "cost_to_serve"},
                             lambda r, c, cts, d, f, b: r - zero(d) - c - cts - zero(f) - zero(b))
    out = call("XLPROF_NET_PROFIT", *(col(v for v, _ in c) for c in cols))
    assert_rows(rows_of(out, len(cols[0])), expected)


VOLUME = st.one_of(st.none(), st.integers(0, 10_000).map(float), st.floats(0, 1e4, allow_nan=False))


@SETTINGS
@given(st.integers(1, 5).flatmap(lambda n: st.integers(1, 4).flatmap(lambda m: st.tuples(
    st.lists(st.lists(VOLUME, min_size=m, max_size=m), min_size=n, max_size=n),
    st.lists(st.floats(0, 1e3, allow_nan=False), min_size=m, max_size=m)))))
def test_cost_to_serve_and_hours_values(udfs, args):
    volumes, rates = args
    expected = [sum(zero(R.num(v)) * r for v, r in zip(row, rates)) for row in volumes]
    grid = tuple(tuple(row) for row in volumes)
    assert_rows(rows_of(call("XLPROF_COST_TO_SERVE", grid, (tuple(rates),)), len(volumes)), expected)
    # rates given as a column read the same; minutes per unit give hours (/ 60)
    assert_rows(rows_of(call("XLPROF_COST_TO_SERVE", grid, col(rates)), len(volumes)), expected)
    assert_rows(rows_of(call("XLPROF_SERVICE_HOURS", grid, (tuple(rates),)), len(volumes)),
                [x / 60 for x in expected])


MONEY = st.integers(-50_000, 100_000).map(float)
DAYS = st.one_of(st.none(), st.integers(0, 150).map(float))
RATING = st.one_of(st.none(), st.integers(2, 10).map(lambda k: k / 2))


@st.composite
def score_inputs(draw):
    n = draw(st.integers(1, 5))
    rows = []
    for _ in range(n):
        revenue = float(draw(st.integers(0, 100_000)))
        rows.append(dict(profit=draw(MONEY), nr=draw(MONEY), cts=float(draw(st.integers(0, 50_000))),
                         days=draw(DAYS), terms=draw(DAYS),
                         bad_debt=draw(st.one_of(st.none(), st.integers(0, 3_000).map(float))),
                         revenue=revenue, ratings=[draw(RATING) for _ in range(4)]))
    weights = draw(st.one_of(st.none(), st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0]),
                                                  min_size=7, max_size=7).filter(lambda w: sum(w) > 0)))
    return rows, weights


@SETTINGS
@given(score_inputs())
def test_termination_score_and_coverage_values(udfs, data):
    rows, weights = data
    w = WEIGHTS if weights is None else dict(zip(SIGNALS, weights))
    args = (col(r["profit"] for r in rows), col(r["nr"] for r in rows), col(r["cts"] for r in rows),
            col(r["days"] for r in rows), col(r["terms"] for r in rows), col(r["bad_debt"] for r in rows),
            tuple(tuple(r["ratings"]) for r in rows),
            xw_win.MISSING if weights is None else (tuple(weights),), col(r["revenue"] for r in rows))
    scores, coverages, reasons = [], [], []
    for r in rows:
        ratings = dict(zip(R.RATINGS, r["ratings"]))
        sig = R.signals_of(r["profit"], r["nr"], r["cts"], r["days"], r["terms"], r["bad_debt"],
                           r["revenue"], ratings, S)
        score, cov = R.score_of(sig, w)
        scores.append("" if math.isnan(score) else score)
        coverages.append(cov)
        reasons.append(R.reason_codes_of(sig, w, ratings))
    n = len(rows)
    assert_rows(rows_of(call("XLPROF_TERMINATION_SCORE", *args), n), scores)
    assert_rows(rows_of(call("XLPROF_SCORE_COVERAGE", *args), n), coverages)
    # the reasons name the signals the reference picks, in its order (labels of the ratings)
    got = rows_of(call("XLPROF_SCORE_REASONS", *args[:8], xw_win.MISSING, args[8]), n)
    for text, codes in zip(got, reasons):
        if not codes:
            assert text == "no signal argues for exit"
        else:
            assert text.count("; ") >= len(codes) - 1, (text, codes)
            for code in codes:
                if code in R.RATINGS:
                    assert f"{label(code)} rated" in text, (text, codes)


PROFITS = st.one_of(st.integers(-5_000, 20_000).map(float), st.sampled_from([0.0, 100.0, -100.0]))


@SETTINGS
@given(st.lists(st.tuples(PROFITS, st.booleans()), min_size=1, max_size=8),
       st.sampled_from([(0.5, 0.8), (0.3, 0.9), (0.6, 0.7)]), st.randoms(use_true_random=False))
def test_tier_and_whale_curve_values(udfs, rows, cuts, rnd):
    ids = [f"K{i:02d}" for i in range(len(rows))]
    rnd.shuffle(ids)   # ties are broken by id, not by row
    profits = [p for p, _ in rows]
    blank = [b and i > 0 for i, (_, b) in enumerate(rows)]      # some blank rows (not all)
    kept = [i for i in range(len(rows)) if not blank[i]]
    tiers = R.tiers_of([ids[i] for i in kept], [profits[i] for i in kept], *cuts)
    shares = R.whale_shares([ids[i] for i in kept], [profits[i] for i in kept])
    want_tier, want_share = [""] * len(rows), [""] * len(rows)
    for k, i in enumerate(kept):
        want_tier[i] = label(tiers[k])
        want_share[i] = "" if math.isnan(shares[k]) else shares[k]
    p_col = col(None if blank[i] else profits[i] for i in range(len(rows)))
    id_col = col(None if blank[i] else ids[i] for i in range(len(rows)))
    assert rows_of(call("XLPROF_TIER", p_col, id_col, *cuts), len(rows)) == want_tier
    assert_rows(rows_of(call("XLPROF_WHALE_CURVE", p_col, id_col), len(rows)), want_share)


@SETTINGS
@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 1, 1)),
       st.one_of(st.none(), st.integers(0, 400).map(float), st.floats(0, 400, allow_nan=False)),
       st.one_of(st.none(), st.integers(-200, 1500)),
       st.one_of(st.none(), st.integers(0, 50_000).map(float)),
       st.floats(-5_000, 20_000, allow_nan=False), st.integers(0, 60))
def test_exit_date_values(udfs, decision, notice, end_offset, penalty, monthly, lead):
    end = None if end_offset is None else decision + dt.timedelta(days=end_offset)
    want = R.exit_date_of(decision, notice, end, penalty, monthly, lead)
    got = call("XLPROF_EXIT_DATE", com_date(decision.year, decision.month, decision.day), notice,
               None if end is None else com_date(end.year, end.month, end.day), penalty, monthly, float(lead))
    assert got == dt.datetime(want.year, want.month, want.day, tzinfo=UTC), (got, want)


# --- never raise: arbitrary cells ---------------------------------------------------------------

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
        if isinstance(result, str):
            assert not result.startswith("Traceback"), result


def plain(v) -> bool:
    """A plain number cell (huge ones overflow: numpy's warning is an error under pytest)."""
    return type(v) is float and abs(v) <= 1e12


@SETTINGS
@given(st.integers(1, 6).flatmap(lambda n: st.tuples(column(n), column(n), column(n))))
def test_margin_and_net_profit_never_raise(udfs, cols):
    rev, cogs, disc = cols
    out = call("XLPROF_MARGIN", rev, cogs, disc)
    assert_excel_value(out)
    profit = call("XLPROF_NET_PROFIT", rev, cogs, disc, disc, None, cogs)
    assert_excel_value(profit)
    n = len(rev)
    for i in range(n):
        r, c, d = rev[i][0], cogs[i][0], disc[i][0]
        if plain(r) and plain(c) and plain(d):   # a row of plain numbers has its value
            assert rows_of(out, n)[i] == pytest.approx(r - d - c)
            assert rows_of(profit, n)[i] == pytest.approx(r - d - c - d - c)


@SETTINGS
@given(st.integers(1, 5).flatmap(lambda n: st.integers(1, 4).flatmap(
    lambda m: st.tuples(grid(n, m), grid(1, m), CELL)))
)
def test_cost_to_serve_never_raises(udfs, args):
    volumes, rates, scalar = args
    out = call("XLPROF_COST_TO_SERVE", volumes, rates)
    assert_excel_value(out)
    if all(plain(x) for row in volumes for x in row) and all(plain(x) for x in rates[0]):
        want = [sum(v * r for v, r in zip(row, rates[0])) for row in volumes]
        assert_rows(rows_of(out, len(volumes)), want)
    assert_excel_value(call("XLPROF_COST_TO_SERVE", volumes, scalar))


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
    out = xw_win.call_udf(MOD, "XLPROF_ANALYZE", clients, activities, volumes)
    assert_excel_value(out)
    # either one located text or the result table
    assert (isinstance(out, str) and out.startswith("#XLPROF! ")) or out[0][0] == "client_id", out
