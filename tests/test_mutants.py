"""Tests written to kill mutants that survived the rest of the suite (scripts/mutation.py).

Each test names the bug it catches -- a flipped comparison, a dropped term, a wrong
default -- with hand-worked numbers; the run and the scores are in README.md (Tests).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from xlprof.model import formulas as F

NAN = float("nan")


def test_pool_rate_with_a_fractional_total_volume():
    # half a unit consumed in all: 100 / 0.5 = 200 (a "vols > 1" guard would give NaN or 100)
    np.testing.assert_allclose(F.pool_rates([100.0, 100.0, 100.0], [0.5, 1.0, 2.0]), [200.0, 100.0, 50.0])


def test_time_driven_rate_with_less_than_an_hour_of_capacity():
    # 30 for half an hour = 30 minutes: 1 per minute; x 10 minutes = 10
    np.testing.assert_allclose(F.time_driven_rates(30.0, 0.5, [10.0]), [10.0])


@pytest.mark.parametrize("f, args", [
    (F.breakeven_cts_cut, ([10.0, -5.0],)),
    (F.breakeven_price_rise, ([10.0, -5.0], [100.0, 100.0])),
    (F.net_margin, ([10.0, -5.0], [0.0, 100.0])),
    (F.pool_rates, ([100.0, 5.0], [0.0, 5.0])),
])
def test_blank_results_are_float_nan_never_none(f, args):
    # the module's contract: float arrays, NaN for "no value" (None would make an object array)
    out = f(*args)
    assert out.dtype == np.float64
    assert np.isnan(out[0]) and not np.isnan(out[1])


# --- the exit-date rule: its defaults and a blank penalty -----------------------------------
# Decision 2026-01-01, notice out 14 days later (2026-01-15), 30 days' notice: earliest exit
# 2026-02-14; a contract ending 2026-07-14 is 150 days later = 150 x 12 / 365 = 4.93 months.
D = dt.date(2026, 1, 1)
EARLIEST = dt.date(2026, 2, 14)
END = dt.date(2026, 7, 14)


def test_exit_date_default_lead_is_14_days():
    # notice 2026-01-15 (not the 16th), + 30 days
    assert F.exit_date(D, 30.0, None) == EARLIEST


def test_exit_date_default_penalty_is_none():
    # gain lost by waiting 0.1 x 4.93 = 0.49; no penalty (0 < 0.49) -> leave early; a default
    # penalty of 1 would keep the client to the contract end
    assert F.exit_date(D, 30.0, END, monthly_gain=0.1) == EARLIEST


def test_exit_date_default_monthly_gain_is_none():
    # penalty 2 and nothing to gain by leaving early (0 x 4.93 = 0): wait for the contract end;
    # a default gain of 1 a month (4.93) would leave early
    assert F.exit_date(D, 30.0, END, exit_penalty=2.0) == END


@pytest.mark.parametrize("blank", [None, NAN])
def test_exit_date_blank_penalty_counts_zero(blank):
    # as above: 0 < 0.49 -> early; a blank read as 1 would give the contract end
    assert F.exit_date(D, 30.0, END, exit_penalty=blank, monthly_gain=0.1) == EARLIEST
    # and 0 < 0 is false: with no gain either, the contract end
    assert F.exit_date(D, 30.0, END, exit_penalty=blank, monthly_gain=0.0) == END


def test_cost_to_serve_takes_rates_as_a_column():
    # rates as a column (2 x 1), as the Excel functions may pass them: one figure per client,
    # 1 x 10 + 2 x 20 = 50 (a rates array left 2-D would give a 1 x 1 matrix)
    out = F.cost_to_serve([[1.0, 2.0]], [[10.0], [20.0]])
    assert out.shape == (1,) and out[0] == 50.0


def test_termination_score_takes_weights_as_a_column():
    # weights as a column (7 x 1): one score per client. Signals 1, 0, 0, 0.5, ... with
    # weights 3, 1.5, 1.5, 1, 1, 1, 1: (3 + 0.5) / 10 x 100 = 35; coverage 1
    score, coverage = F.termination_score([[1.0, 0.0, 0.0, 0.5, 0.0, 0.0, 0.0]],
                                          [[3.0], [1.5], [1.5], [1.0], [1.0], [1.0], [1.0]])
    assert score.shape == (1,) and coverage.shape == (1,)
    assert score[0] == pytest.approx(35.0) and coverage[0] == 1.0


def test_termination_score_when_the_weights_with_data_add_up_to_less_than_1():
    # only profitability has data, weight 0.5, signal 0.5: 100 x 0.25 / 0.5 = 50 (not / 1 = 25);
    # coverage 0.5 / (0.5 + 1) = 1/3
    score, coverage = F.termination_score([[0.5, NAN, NAN, NAN, NAN, NAN, NAN]],
                                          [0.5, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    assert score[0] == pytest.approx(50.0) and coverage[0] == pytest.approx(1 / 3)


# --- amounts and denominators between 0 and 1 (a "> 1" for "> 0" must show) -----------------

def test_ratio_with_a_denominator_below_1():
    # 1 / 0.5 = 2 (a guard "den > 1" would give NaN or 1 / 1)
    assert F.ratio_if_positive(1.0, 0.5)[()] == 2.0
    assert F.net_margin(0.25, 0.5)[()] == 0.5


def test_signals_with_a_net_revenue_below_1():
    # NR 0.5, P 0.05: margin 10 % = the target -> profitability 0 (not the "NR <= 0" 1)
    assert F.profitability_signal(0.05, 0.5)[()] == pytest.approx(0.0)
    # CTS 0.1 on NR 0.5 = 20 %: (0.20 - 0.10) / 0.30 = 1/3 (not 1)
    assert F.service_burden_signal(0.1, 0.5)[()] == pytest.approx(1 / 3)


def test_payment_signal_with_a_bad_debt_below_1():
    # no day counts; bad debt 0.5 on revenue 100 = 0.5 % / 2 % = 0.25 (not "no data")
    assert F.payment_signal(NAN, NAN, 0.5, 100.0)[()] == pytest.approx(0.25)
    # and none at all: no data
    assert np.isnan(F.payment_signal(NAN, NAN, 0.0, 100.0)[()])


def test_ramps_stop_at_1():
    # 150 days to pay on 30 days' terms: 120 late / 60 = 2, counted as 1
    assert F.late_payment_part(150.0, 30.0)[()] == 1.0
    assert F.payment_signal(150.0, 30.0, 0.0, 100.0)[()] == 1.0


def test_formulas_take_plain_ints_and_none_and_give_floats():
    # cells as Python hands them over: ints and None (blank discounts count 0)
    nr = F.net_revenue([100, 50], [None, 10])
    assert nr.dtype == np.float64 and nr.tolist() == [100.0, 40.0]
    gm = F.gross_margin(1, 0)
    assert gm.dtype == np.float64 and gm[()] == 1.0
    # no discounts given: none (not 1)
    assert F.net_revenue(100.0)[()] == 100.0 and F.gross_margin(100.0, 40.0)[()] == 60.0


# --- tier cut-offs (the lowest profit of Platinum and Gold, carried into split books) ---------

def test_tier_cutoffs_by_hand():
    from xlprof.model.segments import tier_cutoffs

    # rounded to 6 decimals (AMOUNT_DECIMALS, float noise), not to the unit: 10.4560000001 -> 10.456
    assert tier_cutoffs([10.4560000001, 12.0, 5.0, -1.0], ["platinum", "platinum", "gold", "lead"]) == (10.456, 5.0)
    # no Gold: Gold starts where Platinum does
    assert tier_cutoffs([10.0, 1.0], ["platinum", "iron"]) == (10.0, 10.0)
    # no Platinum (all lose): both infinite
    assert tier_cutoffs([-5.0], ["lead"]) == (float("inf"), float("inf"))


def test_termination_score_with_no_weight_at_all_or_less_than_1():
    # every weight 0: no score, coverage 0 (not 0 / 0)
    score, coverage = F.termination_score([[0.5] * 7], [0.0] * 7)
    assert np.isnan(score[0]) and coverage[0] == 0.0
    # all the weight (0.5) on a signal with data: coverage 0.5 / 0.5 = 1, score 100 x 0.5 = 50
    score, coverage = F.termination_score([[0.5] + [NAN] * 6], [0.5] + [0.0] * 6)
    assert coverage[0] == 1.0 and score[0] == pytest.approx(50.0)


def test_bad_debt_part_by_hand():
    # 0.001 on a revenue of 0.5 = 0.2 % / 2 % = 0.1 (not 0.001 / 1)
    assert F.bad_debt_part(0.001, 0.5)[()] == pytest.approx(0.1)
    # 0.5 on 100 = 0.5 % / 2 % = 0.25
    assert F.bad_debt_part(0.5, 100.0)[()] == pytest.approx(0.25)
    # no bad debt is 0 whatever the revenue (even none, or blank)
    assert F.bad_debt_part([0.0, 0.0, 0.0], [0.0, -5.0, NAN]).tolist() == [0.0, 0.0, 0.0]
    # bad debt on no revenue counts in full; on a blank revenue: no data
    out = F.bad_debt_part([10.0, 10.0], [0.0, NAN])
    assert out[0] == 1.0 and np.isnan(out[1])
    # ... even a small one (0.001 would be 5 % of the span on a revenue of 1)
    assert F.bad_debt_part(0.001, 0.0)[()] == 1.0


# --- the transition plan: an owner name typed by a user survives regeneration ----------------

def test_merge_plan_carries_a_typed_owner_name_and_a_blank_keeps_the_proposal():
    from test_model import spiral_portfolio

    from xlprof.model import analyze

    first = analyze(spiral_portfolio()).plan
    proposed = first.set_index("task")["owner_name"]
    typed = first.copy()
    typed.loc[typed["task"] == "review_contract", "owner_name"] = "Ana Ruiz"
    typed.loc[typed["task"] == "final_invoice", "owner_name"] = "  "
    again = analyze(spiral_portfolio(plan=typed)).plan.set_index("task")
    assert again.loc["review_contract", "owner_name"] == "Ana Ruiz"
    assert again.loc["final_invoice", "owner_name"] == proposed["final_invoice"]


def test_a_client_at_exactly_zero_profit_is_not_loss_making():
    # summarize counts clients with net profit < 0; one breaking even (0.00) does not lose money
    import dataclasses

    from test_independent import hand_portfolio
    from xlprof.model.analysis import analyze, summarize

    a = analyze(hand_portfolio())
    profits = a.clients["net_profit"].to_numpy().copy()
    assert (profits < 0).sum() == 1                    # B
    profits[profits < 0] = 0.0
    s = summarize(dataclasses.replace(a, clients=a.clients.assign(net_profit=profits)))
    assert s["loss_making_clients"] == 0 and s["losses"] == 0.0


def test_a_pool_consumed_less_than_once_is_fully_assigned():
    # kam: a pool of 100 and half an account in all -> rate 200, A carries all 100; nothing is
    # left unassigned (a "volume > 1" test would call the pool unused and count it twice)
    import pandas as pd

    from xlprof.model.analysis import analyze, make_portfolio

    a = analyze(make_portfolio(
        [{"client_id": "A", "client_name": "A", "revenue": 1_000.0, "cogs": 0.0}],
        [{"activity": "kam", "behavior": "committed_fixed", "cost_pool": 100.0}],
        pd.DataFrame({"client_id": ["A"], "activity": ["kam"], "quantity": [0.5]})))
    assert a.activities.loc["kam", "rate"] == 200.0
    assert a.activities.loc["kam", "unassigned_cost"] == 0.0 and a.reconciliation["unassigned_cost"] == 0.0
    assert a.clients.loc[0, "cost_to_serve"] == 100.0 and a.reconciliation["holds"] is True


def test_the_death_spiral_warning_speaks_the_books_language():
    from test_model import spiral_portfolio
    from xlprof.model.analysis import analyze

    assert ("tras las salidas, 1 cliente(s) más pasan a perder dinero (Plomo): se reparten costes comprometidos"
            in analyze(spiral_portfolio(lang="es")).warnings)


@pytest.mark.parametrize("value, facts, argues", [
    (0.4, {}, False),                      # no rating given: rating 5 - 4 x 0.4 = 3.4 > 3 -> stays
    (0.5, {}, True),                       # 5 - 4 x 0.5 = 3.0 <= 3 -> argues for exit
    (0.5, {"communication": 4.0}, False),  # the given rating wins over the signal: 4 > 3
    (0.0, {"communication": 3.0}, True),   # ... and 3 argues even when the signal says 0
])
def test_a_rating_argues_for_exit_at_3_or_less(value, facts, argues):
    from xlprof.model.scoring import argues_for_exit

    assert argues_for_exit("communication", value, facts) is argues


def test_bad_debt_reason_without_revenue():
    # no revenue to take a share of: the bad debt alone, in the book's language
    from xlprof.model.scoring import reason_text

    assert reason_text("payment", {"bad_debt": 1_500.0, "revenue": 0.0}, "en") == "bad debt of 1,500"
    assert reason_text("payment", {"bad_debt": 1_500.0, "revenue": NAN}, "es") == "incobrables por 1.500"


def test_retain_actions_speak_the_books_language():
    from xlprof.model.scoring import recommend_action
    from xlprof.settings import DEFAULT_SETTINGS

    kw = dict(score=10.0, coverage=1.0, exit_gain=0.0, profit=100.0, growth_potential=NAN, service_burden=NAN,
              settings=DEFAULT_SETTINGS, lang="es")
    assert recommend_action(strategic=True, tier="iron", **kw) == ("retain_strategic", "cliente estratégico")
    assert recommend_action(strategic=False, tier="gold", **kw) == ("retain_grow", "nivel Oro")


def test_quadrants_from_their_own_medians():
    # no split given: medians of price realization 1.0 and of CTS/NR 0.2 over the three clients;
    # at or above the median is high: (1.0, 0.1) high price low cost -> passive, (0.9, 0.3) low
    # price high cost -> aggressive, (1.1, 0.2) high both -> carriage trade
    from xlprof.model.segments import assign_quadrants

    assert assign_quadrants([1.0, 0.9, 1.1], [0.1, 0.3, 0.2], [100.0] * 3).tolist() == [
        "passive", "aggressive", "carriage_trade"]


def test_tiers_of_profits_under_one():
    # 0.50 + 0.50 = 1.00 of positive profit: the first starts at 0 % (platinum), the second at
    # 50 % (not under 50 %: gold) -- profits under 1 count in the total like any other
    from xlprof.model.segments import assign_tiers

    assert assign_tiers([0.5, 0.5], ["a", "b"]).tolist() == ["platinum", "gold"]


def test_whale_curve_of_a_losing_portfolio_keeps_its_total():
    from xlprof.model.segments import whale_curve

    w = whale_curve([-5.0, 2.0], ["a", "b"])
    assert w.total_profit == -3.0 and w.peak_clients == 0 and math.isnan(w.peak_share)
    assert np.isnan(w.cumulative_share).all() and w.order.tolist() == [1, 0]
