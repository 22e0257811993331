"""The per-client functions of xlprof.model.vector (what the Excel functions call), by hand:
their defaults, how scalars broadcast over the clients whichever argument holds the column,
and the refusals. Every expected value is worked out in the comment next to it.

Client used throughout (as in test_udf_thresholds.py): net profit 4 on net revenue 100
(margin 4 %), cost-to-serve 25 (25 %), 60 days to pay on 30 days' terms. Default signals:
profitability (10 % - 4 %) / 30 % = 0.2, payment 30 / 60 = 0.5, burden (25 % - 10 %) / 30 % = 0.5.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from xlprof.model import vector as V
from xlprof.settings import Settings

NAN = float("nan")


def same(got, want):
    got = np.asarray(got, dtype=float).reshape(-1)
    want = np.asarray(want, dtype=float).reshape(-1)
    assert got.shape == want.shape, (got, want)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12, equal_nan=True)


# --- signals and scores -----------------------------------------------------------------------


def test_signals_defaults_no_payment_data_no_ratings():
    s = V.signals(4.0, 100.0, 25.0)
    # days and terms blank, no bad debt: payment has no data; ratings blank
    same(s, [[0.2, NAN, 0.5, NAN, NAN, NAN, NAN]])


def test_signals_broadcast_whichever_argument_is_the_column():
    # profit 4, -5, 40 on NR 100: margins 4 %, -5 %, 40 % -> 0.2, 0.5, 0
    same(V.signals([4.0, -5.0, 40.0], 100.0, 25.0)[:, 0], [0.2, 0.5, 0.0])
    # NR 100, 50, 0: margins 4 %, 8 %, none -> 0.2, (10 - 8) / 30 = 0.0667, 1
    same(V.signals(4.0, [100.0, 50.0, 0.0], 25.0)[:, 0], [0.2, 2 / 30, 1.0])
    # CTS 25, 10, 40 of 100: 25 % -> 0.5, 10 % -> 0, 40 % -> 1
    same(V.signals(4.0, 100.0, [25.0, 10.0, 40.0])[:, 2], [0.5, 0.0, 1.0])
    # days 60, 45, 30 on terms 30: 30, 15, 0 days late -> 0.5, 0.25, 0
    same(V.signals(4.0, 100.0, 25.0, [60.0, 45.0, 30.0], 30.0)[:, 1], [0.5, 0.25, 0.0])
    # terms 0, 30, 60 with 60 days: 60, 30, 0 late -> 1, 0.5, 0
    same(V.signals(4.0, 100.0, 25.0, 60.0, [0.0, 30.0, 60.0])[:, 1], [1.0, 0.5, 0.0])
    # bad debt 0, 500, 2,000 on revenue 50,000 (no day counts): 0 -> no data... 1 % -> 0.5, 4 % -> 1
    same(V.signals(4.0, 100.0, 25.0, NAN, NAN, [0.0, 500.0, 2000.0], revenue=50_000.0)[:, 1],
         [NAN, 0.5, 1.0])
    # revenue 100,000, 25,000, 0 with bad debt 500: 0.5 %/2 % = 0.25, 2 % -> 1, no revenue -> 1
    same(V.signals(4.0, 100.0, 25.0, NAN, NAN, 500.0, revenue=[100_000.0, 25_000.0, 0.0])[:, 1],
         [0.25, 1.0, 1.0])
    # the ratings table sets the number of clients too: two rows of ratings
    s = V.signals(4.0, 100.0, 25.0, ratings=[[1.0, 2.0, 3.0, 4.0], [5.0, NAN, 5.0, 5.0]])
    assert s.shape == (2, 7)
    same(s[:, 3:], [[1.0, 0.75, 0.5, 0.25], [0.0, NAN, 0.0, 0.0]])
    # one row of ratings applies to every client
    same(V.signals([4.0, 4.0], 100.0, 25.0, ratings=[[1.0, 5.0, 3.0, NAN]])[:, 3:],
         [[1.0, 0.0, 0.5, NAN]] * 2)


def test_signals_refusals():
    with pytest.raises(ValueError, match=r"^ratings need 4 columns \(values_alignment, communication, "
                                         r"needs_fit, respect_of_terms\), got 3$"):
        V.signals(4.0, 100.0, 25.0, ratings=[[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match=r"^the payment signal needs the revenue when there is bad debt "
                                         r"\(bad debt / revenue is compared with bad_debt_span\)$"):
        V.signals(4.0, 100.0, 25.0, bad_debt=[0.0, 10.0])
    # no bad debt anywhere: no revenue needed
    same(V.signals(4.0, 100.0, 25.0, 60.0, 30.0, bad_debt=[0.0, NAN])[:, 1], [0.5, 0.5])


def test_signals_take_the_thresholds_from_settings():
    s = Settings(target_net_margin=0.16, late_days_span=120.0, bad_debt_span=0.01, cts_floor=0.19)
    # (16 - 4) / 30 = 0.4; 30 late / 120 = 0.25 vs bad debt 250 / 50,000 = 0.5 % / 1 % = 0.5 -> 0.5;
    # (25 - 19) / 30 = 0.2
    same(V.signals(4.0, 100.0, 25.0, 60.0, 30.0, 250.0, revenue=50_000.0, settings=s)[0, :3], [0.4, 0.5, 0.2])


def test_termination_scores_default_weights_and_coverage():
    # default weights 3, 1.5, 1.5 over the three computed signals (no ratings):
    # 100 x (3 x 0.2 + 1.5 x 0.5 + 1.5 x 0.5) / 6 = 35; coverage 6 / 10
    score, cov = V.termination_scores(4.0, 100.0, 25.0, 60.0, 30.0)
    same(score, [35.0])
    same(cov, [0.6])
    # ratings 1, 1, 1, 1 add 4 x 1: (2.1 + 4) / 10 = 61; coverage 1
    score, cov = V.termination_scores(4.0, 100.0, 25.0, 60.0, 30.0, ratings=[[1.0] * 4])
    same(score, [61.0])
    same(cov, [1.0])
    # own weights: only profitability -> 100 x 0.2 = 20; coverage 1 (the only weight has data)
    score, cov = V.termination_scores(4.0, 100.0, 25.0, 60.0, 30.0, weights=[1, 0, 0, 0, 0, 0, 0])
    same(score, [20.0])
    same(cov, [1.0])
    with pytest.raises(ValueError, match=r"^7 weights needed \(profitability, payment, service_burden, "
                                         r"values_alignment, communication, needs_fit, respect_of_terms\), got 2$"):
        V.termination_scores(4.0, 100.0, 25.0, weights=[1.0, 2.0])


def test_termination_scores_thresholds_and_bad_debt():
    # bad debt 500 on revenue 50,000 with 30 days late: max(0.5, 0.5) = 0.5 -> 35 as above;
    # bad_debt_span 0.5 %: 1 % / 0.5 % -> 1: 100 x (0.6 + 1.5 + 0.75) / 6 = 47.5
    score, _ = V.termination_scores(4.0, 100.0, 25.0, 60.0, 30.0, 500.0, revenue=50_000.0)
    same(score, [35.0])
    score, _ = V.termination_scores(4.0, 100.0, 25.0, 60.0, 30.0, 500.0, revenue=50_000.0,
                                    settings=Settings(bad_debt_span=0.005))
    same(score, [47.5])


def test_score_reasons_per_client():
    reasons = V.score_reasons([4.0, 40.0], 100.0, [25.0, 5.0], 60.0, 30.0,
                              ratings=[[2.0, NAN, 5.0, 4.0], [5.0, 5.0, 5.0, 5.0]])
    # client 1: payment 1.5 x 0.5 = 0.75, burden 0.75, values alignment 1 x 0.75 (ties in signal
    # order) ahead of profitability 3 x 0.2 = 0.6; needs fit 5 and respect 4 argue for staying
    assert reasons[0] == ["pays 30 days late", "cost-to-serve is 25% of net revenue",
                          "Values alignment rated 2/5"]
    # client 2: margin 40 %, CTS 5 %, still 30 days late: only payment argues for exit
    assert reasons[1] == ["pays 30 days late"]
    es = V.score_reasons(40.0, 100.0, 5.0, 30.0, 30.0, lang="es")
    assert es == [["ninguna señal aconseja la salida"]]
    # the sentence quotes the threshold from settings; bad debt with its share of revenue
    out = V.score_reasons(4.0, 100.0, 5.0, NAN, NAN, 600.0, revenue=20_000.0,
                          settings=Settings(target_net_margin=0.125))
    assert out == [["bad debt of 600 (3.0% of revenue)", "net margin 4.0% (target 12.5%)"]]
    # own weights: a zero weight drops its reason
    out = V.score_reasons(4.0, 100.0, 25.0, 60.0, 30.0, weights=[1, 0, 0, 0, 0, 0, 0])
    assert out == [["net margin 4.0% (target 10%)"]]


# --- actions -----------------------------------------------------------------------------------


def test_recommend_actions_defaults():
    # no score, coverage 1, no tier, not strategic, no growth: a loss of 100 on NR 1,000 with a
    # light cost-to-serve (5 %, burden 0) -> renegotiate, raise the price 10 %
    codes, why = V.recommend_actions(-100.0, 1000.0, 50.0, -50.0)
    assert codes == ["renegotiate"]
    assert why == ["loses 100 EUR; raise price 10.0% to break even"]
    # a profit and no tier: maintain
    assert V.recommend_actions(100.0, 1000.0, 50.0, -50.0)[0] == ["maintain"]
    # a high score with the default coverage (1) and a positive exit gain: terminate
    codes, why = V.recommend_actions(-100.0, 1000.0, 50.0, 25.0, score=80.0)
    assert (codes, why) == (["terminate"], ["score 80 and leaving gains 25 EUR per period"])
    # Spanish
    assert V.recommend_actions(100.0, 1000.0, 50.0, -50.0, lang="es")[1] == ["rentable, sin señales fuertes"]


def test_recommend_actions_broadcast_whichever_argument_is_the_column():
    base = dict(profit=-100.0, nr=1000.0, cts=50.0, exit_gain=25.0, score=80.0, coverage=1.0, tier="iron",
                strategic=False, growth_potential=NAN)
    cases = {
        "profit": ([-100.0, 100.0], ["terminate", "terminate"]),
        "nr": ([1000.0, 0.0], ["terminate", "terminate"]),
        "exit_gain": ([25.0, -5.0], ["terminate", "renegotiate"]),
        "score": ([80.0, 10.0], ["terminate", "renegotiate"]),
        "coverage": ([1.0, 0.5], ["terminate", "review"]),
        "tier": (["iron", "gold"], ["terminate", "terminate"]),
        "strategic": ([False, True], ["terminate", "retain_strategic"]),
        "growth_potential": ([NAN, 5.0], ["terminate", "terminate"]),
        # CTS 50 or 400 of NR 1,000 with a low score: burden 0 -> renegotiate; 1 -> restructure
        "cts": ([50.0, 400.0], None),
    }
    for arg, (column, want) in cases.items():
        kw = {**base, arg: column}
        if arg == "cts":
            kw["score"] = 10.0
            want = ["renegotiate", "restructure"]
        codes, why = V.recommend_actions(kw.pop("profit"), kw.pop("nr"), kw.pop("cts"), kw.pop("exit_gain"), **kw)
        assert codes == want, arg
        assert len(why) == 2, arg
    # low score, loss, growth 4 or more: renegotiate for growth
    codes, why = V.recommend_actions(-100.0, 1000.0, 400.0, -5.0, score=10.0, growth_potential=[4.0, 3.0])
    assert codes == ["renegotiate", "restructure"]
    assert why[0] == "loses 100 EUR but growth potential is 4/5"
    # profitable clients by tier
    codes, _ = V.recommend_actions(100.0, 1000.0, 50.0, -5.0, tier=["platinum", "gold", "iron", None])
    assert codes == ["retain_grow", "retain_grow", "maintain", "maintain"]


def test_recommend_actions_take_thresholds_from_settings():
    s = Settings(score_terminate=50.0, coverage_min=0.9, restructure_burden=0.2)
    # score 60 >= 50 with coverage 0.8 < 0.9: review; CTS 250 of 1,000 -> burden 0.5 >= 0.2
    codes, _ = V.recommend_actions(-100.0, 1000.0, 250.0, 10.0, score=[60.0, 40.0], coverage=0.8, settings=s)
    assert codes == ["review", "restructure"]


# --- leaving ---------------------------------------------------------------------------------


def test_drop_impact_defaults_and_every_argument():
    # -(1,000 - 0) + 600 + 500 = 100, blanks count 0
    same(V.drop_impact(1000.0, 600.0, 500.0), [100.0])
    same(V.drop_impact_ledger(1000.0, 600.0, 500.0), [100.0])
    # -(1,000 - 100) + 600 + 500 + 30 - 250 = -20; economic + financing 20 = 0
    same(V.drop_impact_ledger(1000.0, 600.0, 500.0, 100.0, 30.0, 250.0), [-20.0])
    same(V.drop_impact(1000.0, 600.0, 500.0, 100.0, 20.0, 30.0, 250.0), [0.0])
    # one at a time: discounts +100, financing +20, bad debt +30, penalty -250
    same(V.drop_impact(1000.0, 600.0, 500.0, discounts=100.0), [200.0])
    same(V.drop_impact(1000.0, 600.0, 500.0, financing=20.0), [120.0])
    same(V.drop_impact(1000.0, 600.0, 500.0, bad_debt=30.0), [130.0])
    same(V.drop_impact(1000.0, 600.0, 500.0, exit_penalty=250.0), [-150.0])
    same(V.drop_impact_ledger(1000.0, 600.0, 500.0, discounts=100.0), [200.0])
    same(V.drop_impact_ledger(1000.0, 600.0, 500.0, bad_debt=30.0), [130.0])
    same(V.drop_impact_ledger(1000.0, 600.0, 500.0, exit_penalty=250.0), [-150.0])
    # columns
    same(V.drop_impact([1000.0, 2000.0], 600.0, [500.0, 0.0]), [100.0, -1400.0])


def test_quadrants_default_split_and_given_split():
    # revenue 100, 50, 80, 100 less discounts 0, 5, 10, 20: NR 100, 45, 70, 80; price realization
    # 1, 0.9, 0.875, 0.8 (median 0.8875); CTS 10, 20, 5, 40 over NR: 0.1, 0.444, 0.071, 0.5
    # (median 0.272): passive, carriage trade, bargain basement, aggressive
    codes, split = V.quadrants([100.0, 50.0, 80.0, 100.0], [10.0, 20.0, 5.0, 40.0], [0.0, 5.0, 10.0, 20.0])
    assert list(codes) == ["passive", "carriage_trade", "bargain_basement", "aggressive"]
    assert split.price_median == pytest.approx((0.9 + 0.875) / 2)
    assert split.cost_median == pytest.approx((0.1 + 20 / 45) / 2)
    # discounts omitted count 0: price realization 1 for all -> all high price
    codes, split = V.quadrants([100.0, 50.0], [10.0, 20.0])
    assert split.price_median == 1.0 and list(codes) == ["passive", "carriage_trade"]
    # scalar revenue, column of CTS; and a fixed split
    codes, _ = V.quadrants(100.0, [10.0, 50.0], 0.0, split=V.QuadrantSplit(0.95, 0.3))
    assert list(codes) == ["passive", "carriage_trade"]
    codes, _ = V.quadrants(100.0, 10.0, [0.0, 10.0], split=V.QuadrantSplit(0.95, 0.3))
    assert list(codes) == ["passive", "bargain_basement"]
    # NR <= 0: n/a
    codes, _ = V.quadrants([100.0, 10.0], 5.0, [0.0, 10.0])
    assert list(codes) == ["carriage_trade", "na"]


def test_exit_dates_defaults_and_broadcast():
    d = dt.date(2026, 12, 1)
    # notice 14 days after the decision: 2026-12-15; + 30 = 2027-01-14; blank notice days: 12-15
    assert V.exit_dates(d, [30.0, NAN]) == [dt.date(2027, 1, 14), dt.date(2026, 12, 15)]
    assert V.exit_dates(d) == [dt.date(2026, 12, 15)]
    # contract end 2027-06-30 (167 days after 2027-01-14 = 5.49 months): penalty 1,000 vs monthly
    # gain 100 x 5.49 = 549 -> wait; penalty 500 -> leave early
    end = dt.date(2027, 6, 30)
    assert V.exit_dates(d, 30.0, end, [1000.0, 500.0], 100.0) == [end, dt.date(2027, 1, 14)]
    assert V.exit_dates(d, 30.0, end, 500.0, [100.0, 50.0]) == [dt.date(2027, 1, 14), end]
    # no penalty given: leaving early costs nothing
    assert V.exit_dates(d, 30.0, end, monthly_gain=1.0) == [dt.date(2027, 1, 14)]
    # lead days per client
    assert V.exit_dates(d, 30.0, None, lead_days=[0, 7]) == [dt.date(2026, 12, 31), dt.date(2027, 1, 7)]
    assert V.exit_dates([d, dt.date(2027, 1, 1)], 0.0, [None, None]) == [dt.date(2026, 12, 15),
                                                                         dt.date(2027, 1, 15)]


def test_default_weights_are_the_settings_defaults():
    assert V.DEFAULT_WEIGHTS == (3.0, 1.5, 1.5, 1.0, 1.0, 1.0, 1.0)
    assert not math.isnan(V.termination_scores(0.0, 1.0, 0.0)[0][0])
