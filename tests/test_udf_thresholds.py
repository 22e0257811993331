"""The score thresholds, the bad-debt share and the ledger/economic drop impact in the Excel
functions, called through xlwings' Windows UDF path (``tests/xlwings_win.py``'s CallUDF),
with hand-worked numbers (design.md section 4).

Client used throughout: net profit 4 on net revenue 100 (margin 4 %), cost-to-serve 25
(25 % of NR), 30 days late (60 vs 30), no ratings. Default signals: profitability
(10 % - 4 %) / 30 % = 0.2, payment 30 / 60 = 0.5, burden (25 % - 10 %) / 30 % = 0.5;
score 100 x (3 x 0.2 + 1.5 x 0.5 + 1.5 x 0.5) / 6 = 35.
"""

from __future__ import annotations

import pytest

import xlwings_win as xw_win

MOD = "xlprof.udfs"
M = xw_win.MISSING
ARGS = (4.0, 100.0, 25.0, 60.0, 30.0)   # net profit, NR, CTS, days to pay, terms


def call(func: str, *args):
    return xw_win.call_udf(MOD, func, *args)


def score(*args, settings=M, revenue=M, bad_debt=M):
    return call("XLPROF_TERMINATION_SCORE", *ARGS, bad_debt, M, M, revenue, settings)


def test_default_thresholds(udfs):
    assert score() == pytest.approx(35.0)


@pytest.mark.parametrize("key, value, expected", [
    # target 16 %: profitability (16 % - 4 %) / 30 % = 0.4 -> 100 x (1.2 + 0.75 + 0.75) / 6 = 45
    ("target_net_margin", 0.16, 45.0),
    # margin span 12 %: (10 % - 4 %) / 12 % = 0.5 -> 100 x (1.5 + 1.5) / 6 = 50
    ("margin_span", 0.12, 50.0),
    # 120 days span: payment 30 / 120 = 0.25 -> 100 x (0.6 + 0.375 + 0.75) / 6 = 28.75
    ("late_days_span", 120.0, 28.75),
    # floor 19 %: burden (25 % - 19 %) / 30 % = 0.2 -> 100 x (0.6 + 0.75 + 0.3) / 6 = 27.5
    ("cts_floor", 0.19, 27.5),
    # span 60 %: burden 15 % / 60 % = 0.25 -> 100 x (0.6 + 0.75 + 0.375) / 6 = 28.75
    ("cts_span", 0.60, 28.75),
])
def test_each_threshold_in_a_settings_range(udfs, key, value, expected):
    assert score(settings=((key, value),)) == pytest.approx(expected)


def test_settings_range_as_the_settings_sheet_gives_it(udfs):
    # header row, Spanish keys, keys the functions do not use (ignored), a blank row
    rows = (("key", "value"), ("currency", "EUR"), ("decision_date", None), ("margen_neto_objetivo", 0.16),
            (None, None), ("amplitud_dias_retraso", 120.0))
    # profitability 0.4, payment 0.25: 100 x (1.2 + 0.375 + 0.75) / 6 = 38.75
    assert score(settings=rows) == pytest.approx(38.75)
    assert call("XLPROF_SCORE_COVERAGE", *ARGS, M, M, M, M, rows) == pytest.approx(0.6)  # 6 of 10


def test_bad_settings_are_refused_with_the_key(udfs):
    assert score(settings=(("bogus", 1.0),)) == "#XLPROF! settings: unknown setting 'bogus'"
    assert score(settings=(("cts_span", 0.0),)) == "#XLPROF! settings: cts_span must be > 0, got 0.0"
    assert score(settings=(("cts_span",),)) == "#XLPROF! settings needs two columns: key and value"


def test_bad_debt_share_needs_the_revenue(udfs):
    # on time (30 vs 30): bad debt 500 of revenue 53,000 = 0.943 % / 2 % = 25/53 = 0.4717;
    # NR 100 (margin 4 %) and CTS 25 as above: 100 x (0.6 + 1.5 x 25/53 + 0.75) / 6 = 34.79
    args = (4.0, 100.0, 25.0, 30.0, 30.0, 500.0, M, M, 53_000.0)
    assert call("XLPROF_TERMINATION_SCORE", *args) == pytest.approx(100 * (0.6 + 1.5 * 25 / 53 + 0.75) / 6)
    # bad_debt_span 1 %: 50/53 = 0.943 -> 100 x (0.6 + 1.5 x 50/53 + 0.75) / 6
    assert call("XLPROF_TERMINATION_SCORE", *args, (("bad_debt_span", 0.01),)) == pytest.approx(
        100 * (0.6 + 1.5 * 50 / 53 + 0.75) / 6)
    # contributions: burden 1.5 x 0.5 = 0.75, payment 1.5 x 0.4717 = 0.708, profitability 0.6
    assert call("XLPROF_SCORE_REASONS", *args[:8], M, 53_000.0) == (
        "cost-to-serve is 25% of net revenue; bad debt of 500 (0.9% of revenue); "
        "net margin 4.0% (target 10%)")


def test_reasons_quote_the_settings_and_only_argue_for_exit(udfs):
    # ratings 4, 3, blank, 5: only the 3 argues for exit; target 16 % is quoted
    ratings = ((4.0, 3.0, None, 5.0),)
    out = call("XLPROF_SCORE_REASONS", *ARGS, M, ratings, M, M, M, (("target_net_margin", 0.16),))
    # contributions: profitability 3 x 0.4 = 1.2, payment 1.5 x 0.5 = 0.75, burden 0.75,
    # communication 1 x 0.5 = 0.5 -> the top three
    assert out == "net margin 4.0% (target 16%); pays 30 days late; cost-to-serve is 25% of net revenue"
    # a client with nothing against it says so
    assert call("XLPROF_SCORE_REASONS", 40.0, 100.0, 5.0, 30.0, 30.0) == (
        "no signal argues for exit")


def test_action_restructure_burden(udfs):
    # P -100 on NR 1,000, CTS 250: burden (25 % - 10 %) / 30 % = 0.5; exit gain -50, score 60
    base = (-100.0, 1000.0, 250.0, -50.0, 60.0, 1.0)
    assert call("XLPROF_ACTION", *base) == "Restructure service (tourniquet)"      # 0.5 >= 0.5
    assert call("XLPROF_ACTION", *base, M, M, M, M, True, M, M, 0.6) == (
        "Renegotiate: loses 100 EUR; raise price 10.0% to break even")                  # 0.5 < 0.6
    # the same threshold from a settings range; an explicit argument wins over it
    assert call("XLPROF_ACTION", *base, M, M, M, M, M, M, M, M, (("restructure_burden", 0.6),)) == "Renegotiate"
    assert call("XLPROF_ACTION", *base, M, M, M, M, M, M, M, 0.5, (("restructure_burden", 0.6),)) == (
        "Restructure service (tourniquet)")
    # cts_floor 20 % moves the burden itself: (25 % - 20 %) / 30 % = 0.167 < 0.5
    assert call("XLPROF_ACTION", *base, M, M, M, M, M, M, M, M, (("cts_floor", 0.2),)) == "Renegotiate"


def test_drop_impact_ledger_and_economic(udfs):
    # revenue 20,000 - discounts 1,000 = NR 19,000; cogs 15,000; avoidable CTS 1,200;
    # financing 320; bad debt 200; penalty 300
    # ledger   -19,000 + 15,000 + 1,200 + 200 - 300 = -2,900;  economic -2,900 + 320 = -2,580
    args = (20_000.0, 15_000.0, 1_200.0, 1_000.0, 320.0, 200.0, 300.0)
    assert call("XLPROF_DROP_IMPACT", *args) == pytest.approx(-2_580.0)
    assert call("XLPROF_DROP_IMPACT", *args, False) == pytest.approx(-2_580.0)
    assert call("XLPROF_DROP_IMPACT", *args, True) == pytest.approx(-2_900.0)
