"""Hand-worked examples for every formula of design.md section 4 (xlprof.model.formulas).

Every expected value is small enough to check with a calculator; the arithmetic is
written next to it. NaN stands for a blank (a ``null`` in JSON).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from xlprof.model import formulas as F
from xlprof.model.analysis import analyze, make_portfolio
from xlprof.settings import SIGNALS, Settings

NAN = float("nan")


def same(got, expected) -> bool:
    """Equal within 1e-9 (relative), NaN matching NaN."""
    got = float(np.asarray(got).reshape(-1)[0]) if np.ndim(got) else float(got)
    if math.isnan(expected):
        return math.isnan(got)
    return got == pytest.approx(expected, rel=1e-9, abs=1e-12)


def check(got, expected) -> None:
    got = np.asarray(got, dtype=float).reshape(-1)
    expected = np.asarray(expected, dtype=float).reshape(-1)
    assert got.shape == expected.shape, (got, expected)
    for g, e in zip(got, expected):
        assert same(g, e), (got, expected)


# --- revenue and margin ---------------------------------------------------------------


@pytest.mark.parametrize("revenue, discounts, expected", [
    (1000.0, 50.0, 950.0),     # 1,000 - 50
    (1000.0, NAN, 1000.0),     # blank discounts count 0
    (1000.0, 1000.0, 0.0),     # everything given away
    (0.0, 0.0, 0.0),
])
def test_net_revenue(revenue, discounts, expected):
    check(F.net_revenue(revenue, discounts), expected)


@pytest.mark.parametrize("revenue, cogs, discounts, expected", [
    (1000.0, 600.0, 50.0, 350.0),   # (1,000 - 50) - 600
    (1000.0, 600.0, NAN, 400.0),    # 1,000 - 600
    (500.0, 700.0, 0.0, -200.0),    # sold below cost
])
def test_gross_margin(revenue, cogs, discounts, expected):
    check(F.gross_margin(revenue, cogs, discounts), expected)


# --- activity rates ---------------------------------------------------------------------


def test_pool_rates():
    # 1,000 / 200 = 5;  500 / 0 -> no volume, no rate;  300 / 3 = 100;  0 / 10 = 0
    check(F.pool_rates([1000.0, 500.0, 300.0, 0.0], [200.0, 0.0, 3.0, 10.0]),
          [5.0, NAN, 100.0, 0.0])


def test_time_driven_rates_simple():
    # 6,000 a year for 100 hours = 6,000 minutes -> 1 per minute; 10 min -> 10; 2.5 -> 2.5
    check(F.time_driven_rates(6000.0, 100.0, [10.0, 2.5]), [10.0, 2.5])
    # no capacity -> no rate
    check(F.time_driven_rates(6000.0, 0.0, [10.0]), [NAN])


def test_time_driven_rates_kaplan_anderson():
    # Kaplan & Anderson (HBR 2004), customer service department:
    # cost 560,000 a quarter; practical capacity 700,000 minutes = 11,666.67 hours.
    # 560,000 / 700,000 = 0.80 per minute.
    # orders 8 min x 0.80 = 6.40; inquiries 44 x 0.80 = 35.20; credit checks 50 x 0.80 = 40.00
    rates = F.time_driven_rates(560_000.0, 700_000.0 / 60.0, [8.0, 44.0, 50.0])
    check(rates, [6.40, 35.20, 40.00])
    # 49,000 x 6.40 = 313,600;  1,400 x 35.20 = 49,280;  2,500 x 40 = 100,000
    # assigned 313,600 + 49,280 + 100,000 = 462,880;  unused 560,000 - 462,880 = 97,120
    assigned = F.cost_to_serve([[49_000.0, 1_400.0, 2_500.0]], rates)
    check(assigned, [462_880.0])
    check(560_000.0 - assigned, [97_120.0])


def kaplan_anderson_portfolio():
    """One resource, three activities with minutes; two clients share the volumes.

    A: 30,000 orders, 1,000 inquiries, 500 credit checks
       CTS = 30,000 x 6.40 + 1,000 x 35.20 + 500 x 40 = 192,000 + 35,200 + 20,000 = 247,200
    B: 19,000 orders, 400 inquiries, 2,000 credit checks
       CTS = 19,000 x 6.40 + 400 x 35.20 + 2,000 x 40 = 121,600 + 14,080 + 80,000 = 215,680
    Totals 49,000 / 1,400 / 2,500 as in the article; 247,200 + 215,680 = 462,880.
    """
    clients = [
        {"client_id": "A", "revenue": 500_000.0, "cogs": 200_000.0},
        {"client_id": "B", "revenue": 400_000.0, "cogs": 150_000.0},
    ]
    activities = [
        {"activity": "Process orders", "behavior": "variable", "resource": "Customer service",
         "minutes_per_unit": 8.0},
        {"activity": "Handle inquiries", "behavior": "variable", "resource": "Customer service",
         "minutes_per_unit": 44.0},
        {"activity": "Credit checks", "behavior": "variable", "resource": "Customer service",
         "minutes_per_unit": 50.0},
    ]
    volumes = [
        {"client_id": "A", "Process orders": 30_000, "Handle inquiries": 1_000, "Credit checks": 500},
        {"client_id": "B", "Process orders": 19_000, "Handle inquiries": 400, "Credit checks": 2_000},
    ]
    resources = [{"resource": "Customer service", "cost": 560_000.0,
                  "capacity_hours": 700_000.0 / 60.0}]  # 11,666.67 hours
    return make_portfolio(clients, activities, volumes, resources,
                          Settings(decision_date=dt.date(2026, 1, 5)))


def test_kaplan_anderson_through_analyze():
    a = analyze(kaplan_anderson_portfolio())
    acts = a.activities
    assert list(acts["rate_source"]) == ["time"] * 3
    check(acts.loc[["Process orders", "Handle inquiries", "Credit checks"], "rate"],
          [6.40, 35.20, 40.00])
    check(acts["total_volume"], [49_000, 1_400, 2_500])
    check(acts["assigned_cost"], [313_600, 49_280, 100_000])

    res = a.resources.set_index("resource").loc["Customer service"]
    # 560,000 / 11,666.67 h = 48 per hour
    assert res["cost_per_hour"] == pytest.approx(48.0)
    # used minutes 49,000 x 8 + 1,400 x 44 + 2,500 x 50 = 392,000 + 61,600 + 125,000 = 578,600
    # = 9,643.33 hours; unused 11,666.67 - 9,643.33 = 2,023.33 hours x 48 = 97,120
    assert res["used_hours"] == pytest.approx(578_600 / 60)
    assert res["unused_hours"] == pytest.approx(121_400 / 60)
    assert res["assigned_cost"] == pytest.approx(462_880.0)
    assert res["unused_capacity_cost"] == pytest.approx(97_120.0)

    c = a.clients.set_index("client_id")
    check(c["cost_to_serve"], [247_200.0, 215_680.0])
    # service hours: A (240,000 + 44,000 + 25,000) min / 60 = 5,150 h;
    #                B (152,000 + 17,600 + 100,000) / 60 = 4,493.33 h
    check(c["service_hours"], [309_000 / 60, 269_600 / 60])
    # P: A 500,000 - 200,000 - 247,200 = 52,800;  B 400,000 - 150,000 - 215,680 = 34,320
    check(c["net_profit"], [52_800.0, 34_320.0])

    r = a.reconciliation
    # clients 87,120 - unused 97,120 = -10,000 = 900,000 - 350,000 - 560,000
    assert r["unused_capacity_cost"] == pytest.approx(97_120.0)
    assert r["model_operating_profit"] == pytest.approx(-10_000.0)
    assert r["ledger_operating_profit"] == pytest.approx(-10_000.0)
    assert r["holds"]


# --- cost-to-serve, financing, profit ----------------------------------------------------


@pytest.mark.parametrize("volumes, rates, expected", [
    ([[10.0, 2.0], [0.0, 1.0]], [5.0, 100.0], [250.0, 100.0]),  # 10x5 + 2x100; 0x5 + 1x100
    ([[10.0, NAN]], [5.0, 100.0], [50.0]),                       # blank volume counts 0
    ([[10.0, 3.0]], [5.0, NAN], [50.0]),                         # activity without a rate counts 0
])
def test_cost_to_serve(volumes, rates, expected):
    check(F.cost_to_serve(volumes, rates), expected)


def test_cost_to_serve_shape_mismatch():
    with pytest.raises(ValueError, match="2 activity columns but 3 rates"):
        F.cost_to_serve([[1.0, 2.0]], [1.0, 2.0, 3.0])


@pytest.mark.parametrize("revenue, days, rate, expected", [
    (365_000.0, 30.0, 0.08, 2_400.0),  # 365,000 x 30 x 0.08 / 365 = 1,000 x 30 x 0.08
    (36_500.0, 90.0, 0.08, 720.0),     # 100 x 90 x 0.08
    (36_500.0, NAN, 0.08, 0.0),        # blank days count 0
    (36_500.0, 90.0, 0.0, 0.0),        # free money
])
def test_financing_cost(revenue, days, rate, expected):
    check(F.financing_cost(revenue, days, rate), expected)


@pytest.mark.parametrize("kw, expected", [
    # (1,000 - 50) - 600 - 200 - 20 - 30 = 100
    (dict(revenue=1000.0, cogs=600.0, cts=200.0, discounts=50.0, financing=20.0, bad_debt=30.0), 100.0),
    # blanks count 0: 1,000 - 600 - 200 = 200
    (dict(revenue=1000.0, cogs=600.0, cts=200.0, discounts=NAN, financing=NAN, bad_debt=NAN), 200.0),
    # 1,000 - 900 - 300 = -200
    (dict(revenue=1000.0, cogs=900.0, cts=300.0), -200.0),
])
def test_net_profit(kw, expected):
    check(F.net_profit(**kw), expected)


@pytest.mark.parametrize("profit, nr, expected", [
    (100.0, 950.0, 100.0 / 950.0),
    (-50.0, 1000.0, -0.05),
    (-50.0, 0.0, NAN),      # NR <= 0: blank
    (-50.0, -10.0, NAN),
])
def test_net_margin(profit, nr, expected):
    check(F.net_margin(profit, nr), expected)


def test_service_hours():
    # 30 orders x 8 min + 2 visits x 90 min = 240 + 180 = 420 min = 7 h; the pool without minutes counts 0
    check(F.service_hours([[30.0, 2.0, 5.0]], [8.0, 90.0, NAN]), [7.0])
    # no activity has minutes: 0 hours
    check(F.service_hours([[30.0, 2.0]], [NAN, NAN]), [0.0])


@pytest.mark.parametrize("profit, hours, expected", [
    (-120.0, 4.0, -30.0),  # -120 / 4
    (700.0, 7.0, 100.0),
    (700.0, 0.0, NAN),     # no hours: blank
])
def test_profit_per_hour(profit, hours, expected):
    check(F.ratio_if_positive(profit, hours), expected)


@pytest.mark.parametrize("profit, nr, rise, cut", [
    (-50.0, 1000.0, 0.05, 50.0),  # 50 / 1,000 = 5 % price rise, or cut CTS by 50
    (-50.0, 0.0, NAN, 50.0),      # no NR: no price rise brings it to 0
    (0.0, 1000.0, NAN, NAN),      # not losing money
    (10.0, 1000.0, NAN, NAN),
])
def test_breakeven(profit, nr, rise, cut):
    check(F.breakeven_price_rise(profit, nr), rise)
    check(F.breakeven_cts_cut(profit), cut)


# --- signals ---------------------------------------------------------------------------


@pytest.mark.parametrize("profit, nr, expected", [
    (10.0, 100.0, 0.0),     # margin exactly 10 %: (10 % - 10 %) / 30 % = 0
    (-20.0, 100.0, 1.0),    # margin -20 %: (10 % + 20 %) / 30 % = 1
    (-5.0, 100.0, 0.5),     # margin -5 %: 15 % / 30 % = 0.5
    (4.0, 100.0, 0.2),      # margin 4 %: 6 % / 30 % = 0.2
    (40.0, 100.0, 0.0),     # clipped at 0
    (-90.0, 100.0, 1.0),    # clipped at 1
    (-5.0, 0.0, 1.0),       # NR <= 0 -> 1
    (5.0, -10.0, 1.0),
])
def test_profitability_signal(profit, nr, expected):
    check(F.profitability_signal(profit, nr), expected)


@pytest.mark.parametrize("days, terms, bad_debt, revenue, expected", [
    (60.0, 30.0, 0.0, 50_000.0, 0.5),     # 30 days late: 30 / 60
    (90.0, 30.0, 0.0, 50_000.0, 1.0),     # 60 days late: 1
    (120.0, 30.0, 0.0, 50_000.0, 1.0),    # clipped
    (20.0, 30.0, 0.0, 50_000.0, 0.0),     # pays early: 0
    (30.0, 30.0, NAN, 50_000.0, 0.0),     # on time, blank bad debt
    # bad debt 500 on revenue 53,000: 500 / 53,000 = 0.943 % of revenue; / 2 % = 0.4717
    # (= 25 / 53): a small bad debt no longer counts in full
    (30.0, 30.0, 500.0, 53_000.0, 25 / 53),
    # bad debt 1,000 on 50,000 = 2 %: counts in full; 3,000 = 6 % is clipped at 1
    (30.0, 30.0, 1_000.0, 50_000.0, 1.0),
    (30.0, 30.0, 3_000.0, 50_000.0, 1.0),
    # the larger of the two parts: 15 days late -> 0.25; bad debt 250 / 50,000 = 0.5 % -> 0.25 / ...
    # 0.5 % / 2 % = 0.25 -> max(0.25, 0.25) = 0.25; with 30 days late: max(0.5, 0.25) = 0.5
    (45.0, 30.0, 250.0, 50_000.0, 0.25),
    (60.0, 30.0, 250.0, 50_000.0, 0.5),
    # 500 on 20,000 = 2.5 % -> 1 beats 6 days late (0.1)
    (36.0, 30.0, 500.0, 20_000.0, 1.0),
    (NAN, 30.0, 0.0, 50_000.0, NAN),      # blank days, no bad debt: no data
    (60.0, NAN, 0.0, 50_000.0, NAN),      # blank terms: no data
    (NAN, NAN, 500.0, 50_000.0, 0.5),     # bad debt is data enough: 1 % / 2 % = 0.5
    (NAN, NAN, 500.0, 0.0, 1.0),          # bad debt on no revenue counts in full
])
def test_payment_signal(days, terms, bad_debt, revenue, expected):
    check(F.payment_signal(days, terms, bad_debt, revenue), expected)


# Every threshold of design.md section 4 moved away from its default changes its signal by
# the worked amount (defaults: target 10 %, margin span 30 %, 60 days, 2 %, floor 10 %, span 30 %).


def test_target_net_margin_moves_the_profitability_signal():
    # margin 4 % (P 4 on NR 100): default (10 % - 4 %) / 30 % = 0.2;
    # target 16 %: (16 % - 4 %) / 30 % = 0.4 (+0.2); target 4 %: 0
    check(F.profitability_signal(4.0, 100.0), 0.2)
    check(F.profitability_signal(4.0, 100.0, target_net_margin=0.16), 0.4)
    check(F.profitability_signal(4.0, 100.0, target_net_margin=0.04), 0.0)


def test_margin_span_moves_the_profitability_signal():
    # margin 4 %: span 12 % -> (10 % - 4 %) / 12 % = 0.5; span 60 % -> 0.1
    check(F.profitability_signal(4.0, 100.0, margin_span=0.12), 0.5)
    check(F.profitability_signal(4.0, 100.0, margin_span=0.60), 0.1)


def test_late_days_span_moves_the_payment_signal():
    # 30 days late: default 30 / 60 = 0.5; span 120 -> 0.25; span 20 -> 1.5, clipped to 1
    check(F.payment_signal(60.0, 30.0, 0.0, 50_000.0, late_days_span=120.0), 0.25)
    check(F.payment_signal(60.0, 30.0, 0.0, 50_000.0, late_days_span=20.0), 1.0)


def test_bad_debt_span_moves_the_payment_signal():
    # 500 on 53,000 (0.943 %): default 0.4717; span 1 % -> 0.943 (= 50 / 53); span 0.5 % -> 1
    check(F.payment_signal(30.0, 30.0, 500.0, 53_000.0, bad_debt_span=0.01), 50 / 53)
    check(F.payment_signal(30.0, 30.0, 500.0, 53_000.0, bad_debt_span=0.005), 1.0)


def test_cts_floor_and_span_move_the_service_burden_signal():
    # CTS 250 on NR 1,000 = 25 %: default (25 % - 10 %) / 30 % = 0.5
    check(F.service_burden_signal(250.0, 1000.0, cts_floor=0.19), 0.2)   # (25 - 19) / 30
    check(F.service_burden_signal(250.0, 1000.0, cts_floor=0.25), 0.0)   # at the floor
    check(F.service_burden_signal(250.0, 1000.0, cts_span=0.60), 0.25)   # 15 / 60
    check(F.service_burden_signal(250.0, 1000.0, cts_floor=0.05, cts_span=0.10), 1.0)  # 20 / 10, clipped


def test_signal_matrix_takes_the_thresholds_from_settings():
    # margin 4 %, 30 days late, bad debt 0, CTS 25 %: defaults 0.2, 0.5, 0.5;
    # target 16 %, late span 120, floor 19 %: 0.4, 0.25, 0.2
    args = ([4.0], [100.0], [25.0], [60.0], [30.0], [0.0], [[NAN] * 4], [100.0])
    check(F.signal_matrix(*args)[0, :3], [0.2, 0.5, 0.5])
    s = Settings(target_net_margin=0.16, late_days_span=120.0, cts_floor=0.19)
    check(F.signal_matrix(*args, s)[0, :3], [0.4, 0.25, 0.2])


@pytest.mark.parametrize("cts, nr, expected", [
    (100.0, 1000.0, 0.0),    # CTS/NR 10 %: 0
    (250.0, 1000.0, 0.5),    # 25 %: (25 % - 10 %) / 30 % = 0.5
    (400.0, 1000.0, 1.0),    # 40 %: 1
    (50.0, 1000.0, 0.0),     # clipped
    (900.0, 1000.0, 1.0),
    (0.0, 0.0, 1.0),         # NR <= 0 -> 1
    (10.0, -5.0, 1.0),
])
def test_service_burden_signal(cts, nr, expected):
    check(F.service_burden_signal(cts, nr), expected)


@pytest.mark.parametrize("rating, expected", [
    (1.0, 1.0),      # (5 - 1) / 4
    (5.0, 0.0),
    (3.5, 0.375),    # 1.5 / 4
    (3.0, 0.5),
    (NAN, NAN),      # blank: signal dropped
])
def test_rating_signal(rating, expected):
    check(F.rating_signal(rating), expected)


DEFAULT_WEIGHTS = [Settings().weights[s] for s in SIGNALS]  # 3, 1.5, 1.5, 1, 1, 1, 1 = 10


@pytest.mark.parametrize("signals, score, coverage", [
    # all data: 3x0.5 + 1.5x0.5 + 1.5x1 + 1x0 + 1x0.25 + 1x0.5 + 1x1 = 1.5+0.75+1.5+0+0.25+0.5+1
    #           = 5.5 -> 100 x 5.5 / 10 = 55; coverage 10 / 10
    ([0.5, 0.5, 1.0, 0.0, 0.25, 0.5, 1.0], 55.0, 1.0),
    # one blank rating: 4.5 / 9 -> 50; coverage 9 / 10 = 0.9
    ([0.5, 0.5, 1.0, 0.0, 0.25, 0.5, NAN], 50.0, 0.9),
    # profitability and burden only: (3x1 + 1.5x1) / 4.5 = 100; coverage 0.45
    ([1.0, NAN, 1.0, NAN, NAN, NAN, NAN], 100.0, 0.45),
    # everything at 1: 100
    ([1.0] * 7, 100.0, 1.0),
    # everything at 0: 0
    ([0.0] * 7, 0.0, 1.0),
    # no data at all: no score, coverage 0
    ([NAN] * 7, NAN, 0.0),
])
def test_termination_score_default_weights(signals, score, coverage):
    s, cov = F.termination_score([signals], DEFAULT_WEIGHTS)
    check(s, score)
    check(cov, coverage)


def test_termination_score_zero_weight_signal():
    # weights 2, 0, 2: only the weighted signals count.
    # (2 x 1 + 2 x 0) / 4 = 50; the zero-weight signal changes nothing
    s, cov = F.termination_score([[1.0, 1.0, 0.0], [1.0, 0.0, 0.0]], [2.0, 0.0, 2.0])
    check(s, [50.0, 50.0])
    check(cov, [1.0, 1.0])
    # only the zero-weight signal has data: no weighted signal -> NaN score, coverage 0
    s, cov = F.termination_score([[NAN, 1.0, NAN]], [2.0, 0.0, 2.0])
    check(s, [NAN])
    check(cov, [0.0])


def test_termination_score_shape_mismatch():
    with pytest.raises(ValueError, match="7 signals but 3 weights"):
        F.termination_score([[0.0] * 7], [1.0, 1.0, 1.0])


def test_signal_matrix_order():
    # P -5, NR 100 -> 0.5; 30 days late -> 0.5; CTS 25 of 100 -> 0.5; ratings 1, 5, 3.5, blank
    m = F.signal_matrix([-5.0], [100.0], [25.0], [60.0], [30.0], [0.0], [[1.0, 5.0, 3.5, NAN]], [100.0])
    assert m.shape == (1, len(SIGNALS))
    check(m[0], [0.5, 0.5, 0.5, 1.0, 0.0, 0.375, NAN])


# --- leaving ---------------------------------------------------------------------------


@pytest.mark.parametrize("kw, ledger, economic", [
    # ledger: -1,000 + 600 + 150 + 30 - 100 = -320; economic: + financing 20 = -300
    (dict(nr=1000.0, cogs=600.0, avoidable_cts=150.0, financing=20.0, bad_debt=30.0,
          exit_penalty=100.0), -320.0, -300.0),
    # loss maker, all CTS avoidable, no financing: -10,000 + 9,000 + 4,000 = 3,000 (= its loss)
    (dict(nr=10_000.0, cogs=9_000.0, avoidable_cts=4_000.0), 3_000.0, 3_000.0),
    # blanks count 0: -1,000 + 600 = -400
    (dict(nr=1000.0, cogs=600.0, avoidable_cts=NAN, financing=NAN, bad_debt=NAN,
          exit_penalty=NAN), -400.0, -400.0),
])
def test_drop_impact_ledger_and_economic(kw, ledger, economic):
    check(F.drop_impact(**kw), economic)
    ledger_kw = {k: v for k, v in kw.items() if k != "financing"}   # never alter the parameter itself
    check(F.drop_impact_ledger(**ledger_kw), ledger)


@pytest.mark.parametrize("drop, hours, constrained, value, expected", [
    (500.0, 10.0, True, 40.0, 900.0),    # 500 + 10 h x 40
    (500.0, 10.0, False, 40.0, 500.0),   # capacity not short: freed time is worth nothing
    (-100.0, 10.0, True, 40.0, 300.0),   # -100 + 400
    (500.0, NAN, True, 40.0, 500.0),     # blank hours count 0
    (500.0, 10.0, True, 0.0, 500.0),     # value per freed hour 0 (the default)
])
def test_exit_gain(drop, hours, constrained, value, expected):
    check(F.exit_gain(drop, hours, constrained, value), expected)


def test_notice_date():
    assert F.notice_date(dt.date(2026, 1, 1), 14) == dt.date(2026, 1, 15)


# Decision 2026-01-01; notice goes out 14 days later, 2026-01-15; 30 days' notice ->
# earliest exit 2026-02-14. A contract ending 2027-02-14 is 365 days = 12 months later.
D = dt.date(2026, 1, 1)
EARLIEST = dt.date(2026, 2, 14)


@pytest.mark.parametrize("notice_days, contract_end, penalty, monthly, expected", [
    (30.0, None, 0.0, 1_000.0, EARLIEST),                        # no contract end
    (30.0, dt.date(2026, 2, 1), 50_000.0, 1_000.0, EARLIEST),    # contract ends before the earliest date
    (30.0, EARLIEST, 50_000.0, 1_000.0, EARLIEST),               # ... or on it
    # 12 months x 1,000 = 12,000 lost by waiting; penalty 5,000 < 12,000 -> leave early
    (30.0, dt.date(2027, 2, 14), 5_000.0, 1_000.0, EARLIEST),
    # penalty 20,000 >= 12,000 -> wait for the contract end
    (30.0, dt.date(2027, 2, 14), 20_000.0, 1_000.0, dt.date(2027, 2, 14)),
    # penalty exactly 12,000 is not smaller -> contract end
    (30.0, dt.date(2027, 2, 14), 12_000.0, 1_000.0, dt.date(2027, 2, 14)),
    # blank penalty: leaving early costs nothing -> earliest
    (30.0, dt.date(2027, 2, 14), NAN, 1_000.0, EARLIEST),
    # blank notice days: earliest = the notice date itself
    (NAN, None, 0.0, 1_000.0, dt.date(2026, 1, 15)),
    (None, None, 0.0, 1_000.0, dt.date(2026, 1, 15)),
])
def test_exit_date(notice_days, contract_end, penalty, monthly, expected):
    got = F.exit_date(D, notice_days, contract_end, exit_penalty=penalty, monthly_gain=monthly,
                      lead_days=14)
    assert got == expected


def test_exit_date_lead_days():
    # lead 0: notice on the decision date; + 30 days = 2026-01-31
    assert F.exit_date(D, 30.0, None, lead_days=0) == dt.date(2026, 1, 31)


# --- the same definitions as workbook formulas, recalculated by LibreOffice ---------------


def threshold_book_portfolio():
    """Thresholds away from their defaults, a salaried team (resource behaviour blank =
    committed) and an agency paid per minute (variable), a small bad debt.

    Team 6,000 / 100 h and Agency 12,000 / 200 h: 1 per minute each.
    L: 10,000 - 9,000 - (300 calls x 6 = 1,800 + 10 visits x 60 = 600 + ship 1,000)
       - F 160 (10,000 x 73 d x 8 % / 365) = -2,560; four ratings of 1 -> terminate.
       ledger drop impact -10,000 + 9,000 + visits 600 + ship 1,000 - penalty 400 = 200;
       economic 200 + 160 = 360; freed 30 h + 10 h = 40 h; freed capacity cost 1,800.
    Q: bad debt 500 of revenue 53,000: payment 0.943 % / bad_debt_span 1 % = 50 / 53.
    """
    clients = [
        {"client_id": "L", "revenue": 10_000.0, "cogs": 9_000.0, "days_to_pay": 73.0,
         "exit_penalty": 400.0, "values_alignment": 1, "communication": 1, "needs_fit": 1,
         "respect_of_terms": 1},
        {"client_id": "A", "revenue": 20_000.0, "cogs": 12_000.0, "payment_terms_days": 30.0,
         "days_to_pay": 48.0, "communication": 3},
        {"client_id": "Q", "revenue": 53_000.0, "cogs": 40_000.0, "payment_terms_days": 30.0,
         "days_to_pay": 30.0, "bad_debt": 500.0},
    ]
    activities = [
        {"activity": "calls", "behavior": "committed_fixed", "resource": "Team", "minutes_per_unit": 6.0},
        {"activity": "visits", "behavior": "variable", "resource": "Agency", "minutes_per_unit": 60.0},
        {"activity": "ship", "behavior": "variable", "rate": 1.0},
    ]
    volumes = [{"client_id": "L", "calls": 300, "visits": 10, "ship": 1_000},
               {"client_id": "A", "calls": 200, "visits": 2, "ship": 500},
               {"client_id": "Q", "calls": 50, "visits": 0, "ship": 100}]
    resources = [{"resource": "Team", "cost": 6_000.0, "capacity_hours": 100.0},
                 {"resource": "Agency", "cost": 12_000.0, "capacity_hours": 200.0, "behavior": "variable"}]
    s = Settings(decision_date=dt.date(2026, 3, 2), capacity_constrained=True, value_per_freed_hour=50.0,
                 target_net_margin=0.12, margin_span=0.25, late_days_span=45.0, bad_debt_span=0.01,
                 cts_floor=0.08, cts_span=0.35, restructure_burden=0.4)
    return make_portfolio(clients, activities, volumes, resources, s)


def test_threshold_book_by_hand():
    a = analyze(threshold_book_portfolio())
    c = a.clients.set_index("client_id")
    assert c.loc["L", "net_profit"] == pytest.approx(-2_560.0)
    check(c.loc["L", ["drop_impact_ledger", "drop_impact", "freed_hours", "freed_capacity_cost"]].astype(float),
          [200.0, 360.0, 40.0, 1_800.0])
    assert c.loc["L", "action"] == "terminate"
    assert c.loc["Q", "signal_payment"] == pytest.approx(50 / 53)
    # A pays 18 days late: 18 / 45 = 0.4
    assert c.loc["A", "signal_payment"] == pytest.approx(0.4)
    assert a.scenario.change == pytest.approx(360.0)
    assert a.warnings == []


@pytest.mark.libreoffice
@pytest.mark.skipif(__import__("shutil").which("soffice") is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("lang", ["en", "es"])
def test_threshold_formulas_recalculate_in_libreoffice(tmp_path, lang):
    """The Scores signals read the threshold settings (xp_ names), the Rates behaviour of a
    time-driven activity comes from its resource (blank = committed), DropImpact's two
    figures and the exit-scenario check: LibreOffice recomputes every one to the engine's
    value, and the hand-worked cells read back."""
    import pandas as pd

    try:
        from . import lo
    except ImportError:
        import lo
    from xlprof.workbook.book import write_analysis_book
    from xlprof.workbook.labels import sheet
    from xlprof.workbook import layout as L

    p = threshold_book_portfolio()
    a = analyze(p, lang=lang)
    book = tmp_path / f"thresholds-{lang}.xlsx"
    write_analysis_book(a, p, book)
    redone = lo.recalc(book, tmp_path / "lo")
    assert lo.compare_recalculated(book, redone) == []
    drop = pd.read_excel(redone, sheet_name=sheet("drop", lang), engine="calamine", header=None)
    row = drop[drop[0] == "L"].iloc[0]
    check([row[L.DROP_COLS.index(k)] for k in ("drop_impact_ledger", "drop_impact", "freed_capacity_cost")],
          [200.0, 360.0, 1_800.0])
    scores = pd.read_excel(redone, sheet_name=sheet("scores", lang), engine="calamine", header=None)
    q = scores[scores[0] == "Q"].iloc[0]
    assert q[3] == pytest.approx(50 / 53)
    rates = pd.read_excel(redone, sheet_name=sheet("rates", lang), engine="calamine", header=None)
    committed = "committed fixed" if lang == "en" else "fijo comprometido"
    assert list(rates[1][1:4]) == [committed, "variable", "variable"]   # row 5: the totals
    assert list(rates[9][1:4]) == [1, 0, 0]     # freed capacity: calls only
    seg = pd.read_excel(redone, sheet_name=sheet("segmentation", lang), engine="calamine", header=None)
    live = seg.iloc[L.SCEN_LIVE_ROW:L.SCEN_LIVE_ROW + 2, L.VC_COL + 1].tolist()
    check(live, [360.0, 0.0])   # sum of drop impacts of the leaving clients; difference 0
