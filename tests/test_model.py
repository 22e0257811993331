"""Whole-analysis hand examples (design.md sections 4 and 5).

Each portfolio is a handful of clients whose numbers can be checked with a calculator;
the arithmetic is written next to the expected values. Activities with a given
``rate`` of 1 make the volume equal to the cost, so the cost-to-serve is easy to read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from _tuning import shared_scope

from xlprof.errors import InputError
from xlprof.model.analysis import analyze, make_portfolio
from xlprof.model.exits import PLAN_COLUMNS, TASK_CODES
from xlprof.settings import Settings

NAN = float("nan")
DECISION = dt.date(2026, 3, 2)


def cl(cid, revenue, cogs, **kw):
    return {"client_id": cid, "revenue": float(revenue), "cogs": float(cogs), **kw}


def vols(*rows):
    return pd.DataFrame(rows, columns=["client_id", "activity", "quantity"])


def by_id(a, column):
    return a.clients.set_index("client_id")[column]


def approx_dict(got: dict, expected: dict):
    for k, v in expected.items():
        assert got[k] == pytest.approx(v), k


# --- whale curve and tiers ---------------------------------------------------------------

ONE_IDLE_ACTIVITY = [{"activity": "svc", "behavior": "variable", "rate": 1.0}]


def profit_only(profits: dict[str, float], settings=None):
    """Clients with revenue 1,000 and cogs 1,000 - P, no cost-to-serve: net profit = P."""
    clients = [cl(cid, 1000.0, 1000.0 - p) for cid, p in profits.items()]
    v = vols(*[(cid, "svc", 0.0) for cid in profits])
    return analyze(make_portfolio(clients, ONE_IDLE_ACTIVITY, v,
                                  settings=settings or Settings(decision_date=DECISION)))


def test_whale_curve_hand_example():
    # P: A 100, B 50, C 35, D -5, E -80; total 100.
    # Sorted by P: A 100/100 = 1.00, +B 150/100 = 1.50, +C 185/100 = 1.85 (peak),
    # +D 180/100 = 1.80, +E 100/100 = 1.00
    a = profit_only({"D": -5.0, "B": 50.0, "E": -80.0, "A": 100.0, "C": 35.0})
    w = a.whale
    assert list(w["client_id"]) == ["A", "B", "C", "D", "E"]
    assert list(w["rank"]) == [1, 2, 3, 4, 5]
    np.testing.assert_allclose(w["cumulative_profit"], [100, 150, 185, 180, 100])
    np.testing.assert_allclose(w["cumulative_profit_share"], [1.00, 1.50, 1.85, 1.80, 1.00])
    np.testing.assert_allclose(by_id(a, "cumulative_profit_share")[["A", "B", "C", "D", "E"]],
                               [1.00, 1.50, 1.85, 1.80, 1.00])
    s = a.summary
    assert s["whale_peak_share"] == pytest.approx(1.85)
    assert s["whale_peak_clients"] == 3
    assert s["whale_note"] is None
    assert s["net_profit"] == pytest.approx(100.0)
    assert s["loss_making_clients"] == 2
    assert s["losses"] == pytest.approx(-85.0)


@pytest.mark.parametrize("profits", [{"A": 10.0, "B": -30.0}, {"A": 10.0, "B": -10.0}])
def test_whale_curve_blank_when_total_profit_not_positive(profits):
    # 10 - 30 = -20 and 10 - 10 = 0: no whale curve; the summary says why
    a = profit_only(profits)
    assert a.clients["cumulative_profit_share"].isna().all()
    assert a.whale["cumulative_profit_share"].isna().all()
    s = a.summary
    assert s["whale_peak_share"] is None
    assert s["whale_peak_clients"] == 0
    assert s["whale_note"] == "total profit is not positive: no whale curve"


def test_whale_curve_ties_by_client_id():
    # equal P: the lower client_id ranks first whatever the input order
    a = profit_only({"Z": 20.0, "M": 20.0, "A": 20.0})
    assert list(a.whale["client_id"]) == ["A", "M", "Z"]
    np.testing.assert_allclose(a.whale["cumulative_profit_share"], [1 / 3, 2 / 3, 1.0])


@pytest.mark.parametrize("profits, settings, expected", [
    # positive total 100; share reached before each: A 0, B 40 %, C 70 %, D 90 %.
    # B crosses 50 % (40 % -> 70 %) and is still Platinum; C crosses 80 % and is still Gold.
    ({"A": 40.0, "B": 30.0, "C": 20.0, "D": 10.0, "E": -5.0}, Settings(),
     {"A": "platinum", "B": "platinum", "C": "gold", "D": "iron", "E": "lead"}),
    # exactly at a threshold is the next tier: before-shares 0, 50 %, 80 %
    ({"A": 50.0, "B": 30.0, "C": 20.0}, Settings(),
     {"A": "platinum", "B": "gold", "C": "iron"}),
    # thresholds come from the settings: platinum below 30 %, gold below 70 %:
    # A 0 -> platinum, B 40 % -> gold, C 70 % -> iron, D 90 % -> iron
    ({"A": 40.0, "B": 30.0, "C": 20.0, "D": 10.0}, Settings(tier_platinum=0.3, tier_gold=0.7),
     {"A": "platinum", "B": "gold", "C": "iron", "D": "iron"}),
    # P = 0 is not a loss (Lead is P < 0): last of the positives, share before 100 % -> Iron
    ({"A": 10.0, "B": 0.0, "C": -1.0}, Settings(),
     {"A": "platinum", "B": "iron", "C": "lead"}),
    # ties broken by client_id: X 0 -> platinum, A 50 % -> platinum (< 60 %), B 75 % -> gold
    ({"B": 25.0, "X": 50.0, "A": 25.0}, Settings(tier_platinum=0.6),
     {"X": "platinum", "A": "platinum", "B": "gold"}),
    # all lose money: all Lead
    ({"A": -1.0, "B": -2.0}, Settings(), {"A": "lead", "B": "lead"}),
])
def test_tiers(profits, settings, expected):
    a = profit_only(profits, settings.replace(decision_date=DECISION))
    assert by_id(a, "tier").to_dict() == expected


# --- quadrants --------------------------------------------------------------------------


def test_quadrants_hand_example():
    # revenue 1,000 each; price realization NR / revenue; CTS / NR
    #   A: NR 1,000 -> 1.0; CTS 100 -> 0.10
    #   B: NR 1,000 -> 1.0; CTS 400 -> 0.40
    #   C: NR   800 -> 0.8; CTS  80 -> 0.10
    #   D: NR   800 -> 0.8; CTS 320 -> 0.40
    #   E: NR   900 -> 0.9; CTS 225 -> 0.25
    #   F: NR     0 (all discounted) -> n/a, left out of the medians
    # medians over A..E: price 0.9, cost 0.25; E sits on both medians: high, high
    clients = [cl("A", 1000, 500), cl("B", 1000, 500), cl("C", 1000, 500, discounts=200.0),
               cl("D", 1000, 500, discounts=200.0), cl("E", 1000, 500, discounts=100.0),
               cl("F", 1000, 100, discounts=1000.0)]
    v = vols(("A", "svc", 100), ("B", "svc", 400), ("C", "svc", 80), ("D", "svc", 320),
             ("E", "svc", 225), ("F", "svc", 50))
    a = analyze(make_portfolio(clients, ONE_IDLE_ACTIVITY, v, settings=Settings(decision_date=DECISION)))
    assert a.quadrant_split.price_median == pytest.approx(0.9)
    assert a.quadrant_split.cost_median == pytest.approx(0.25)
    assert by_id(a, "quadrant").to_dict() == {
        "A": "passive", "B": "carriage_trade", "C": "bargain_basement", "D": "aggressive",
        "E": "carriage_trade", "F": "na"}
    # F: NR 0 -> net margin, price realization and CTS ratio are blank
    f = a.clients.set_index("client_id").loc["F"]
    assert math.isnan(f["net_margin"]) and math.isnan(f["cts_ratio"])


# --- value chain ------------------------------------------------------------------------


def test_value_chain_per_tier():
    # orders cost 10 each (variable), training 100 a session (avoidable fixed)
    #   A: 10,000 - 5,000 - (20 x 10)            = 4,800
    #   B:  5,000 - 3,000 - (10 x 10 + 2 x 100)  = 1,700
    #   C:  2,000 - 1,500 - (5 x 10 + 1 x 100)   =   350
    #   D:  1,000 -   800 - (10 x 10 + 3 x 100)  =  -200
    # positive total 6,850; before-shares: A 0 platinum, B 4,800/6,850 = 70 % gold,
    # C 6,500/6,850 = 95 % iron; D lead
    acts = [{"activity": "orders", "behavior": "variable", "rate": 10.0},
            {"activity": "training", "behavior": "avoidable_fixed", "rate": 100.0}]
    clients = [cl("A", 10_000, 5_000), cl("B", 5_000, 3_000), cl("C", 2_000, 1_500), cl("D", 1_000, 800)]
    v = vols(("A", "orders", 20), ("B", "orders", 10), ("B", "training", 2), ("C", "orders", 5),
             ("C", "training", 1), ("D", "orders", 10), ("D", "training", 3))
    a = analyze(make_portfolio(clients, acts, v, settings=Settings(decision_date=DECISION)))
    assert by_id(a, "tier").to_dict() == {"A": "platinum", "B": "gold", "C": "iron", "D": "lead"}
    vc = a.value_chain
    assert list(vc.index) == ["platinum", "gold", "iron", "lead"]
    expected = pd.DataFrame({
        "clients": [1, 1, 1, 1],
        "net_revenue": [10_000.0, 5_000.0, 2_000.0, 1_000.0],
        "cost_to_serve": [200.0, 300.0, 150.0, 400.0],
        "net_profit": [4_800.0, 1_700.0, 350.0, -200.0],
        "orders": [200.0, 100.0, 50.0, 100.0],
        "training": [0.0, 200.0, 100.0, 300.0],
    }, index=vc.index)
    pd.testing.assert_frame_equal(vc[expected.columns], expected, check_dtype=False,
                                  check_names=False)
    # activity costs per tier add up to the tier's cost-to-serve
    np.testing.assert_allclose(vc[["orders", "training"]].sum(axis=1), vc["cost_to_serve"])


# --- reconciliation ---------------------------------------------------------------------


def reconciliation_portfolio():
    """Two clients; a pool with volume, a pool with NO volume, a resource with idle
    capacity, and an activity with a given rate.

    deliveries: pool 1,000 / (30 + 10) = 25 each   -> A 750, B 250
    audits:     pool   500, no volume              -> not assigned (500)
    calls:      Desk 6,000 / (100 h x 60) = 1 per minute x 10 min = 10 a call
                A 120 calls = 1,200, B 60 = 600; used 180 x 10 / 60 = 30 h of 100
                -> idle 70 h = 4,200
    visits:     given rate 50                      -> A 2 visits = 100
    A: 10,000 - 6,000 - 750 - 1,200 - 100 - F 160 (10,000 x 73 d x 8 % / 365)  = 1,790
    B:  5,000 - 2,000 - 250 -   600 - bad debt 100                            = 2,050
    """
    clients = [cl("A", 10_000, 6_000, days_to_pay=73.0, payment_terms_days=60.0),
               cl("B", 5_000, 2_000, bad_debt=100.0)]
    acts = [{"activity": "deliveries", "behavior": "variable", "cost_pool": 1_000.0},
            {"activity": "audits", "behavior": "committed_fixed", "cost_pool": 500.0},
            {"activity": "calls", "behavior": "variable", "resource": "Desk", "minutes_per_unit": 10.0},
            {"activity": "visits", "behavior": "avoidable_fixed", "rate": 50.0}]
    v = vols(("A", "deliveries", 30), ("B", "deliveries", 10), ("A", "calls", 120),
             ("B", "calls", 60), ("A", "visits", 2))
    res = [{"resource": "Desk", "cost": 6_000.0, "capacity_hours": 100.0, "behavior": "variable"}]
    return make_portfolio(clients, acts, v, res, Settings(decision_date=DECISION))


def test_reconciliation_with_unassigned_pool_and_idle_capacity():
    a = analyze(reconciliation_portfolio())
    acts = a.activities
    assert acts["rate_source"].to_dict() == {"deliveries": "pool", "audits": "pool",
                                             "calls": "time", "visits": "rate"}
    np.testing.assert_allclose(acts["rate"], [25.0, 0.0, 10.0, 50.0])
    np.testing.assert_allclose(acts["unassigned_cost"], [0.0, 500.0, 0.0, 0.0])
    np.testing.assert_allclose(by_id(a, "cost_to_serve")[["A", "B"]], [2_050.0, 850.0])
    np.testing.assert_allclose(by_id(a, "financing_cost")[["A", "B"]], [160.0, 0.0])
    np.testing.assert_allclose(by_id(a, "net_profit")[["A", "B"]], [1_790.0, 2_050.0])
    desk = a.resources.set_index("resource").loc["Desk"]
    assert desk["cost_per_hour"] == pytest.approx(60.0)
    assert desk["used_hours"] == pytest.approx(30.0)
    assert desk["unused_hours"] == pytest.approx(70.0)
    assert desk["unused_capacity_cost"] == pytest.approx(4_200.0)
    # clients (1,790 + 160) + 2,050 = 4,000; - idle 4,200 - unassigned 500 = -700
    # ledger: 15,000 - 8,000 - 100 - (1,000 + 500 + 100) - 6,000 = -700
    approx_dict(a.reconciliation, {
        "clients_net_profit": 3_840.0, "financing_cost": 160.0, "unused_capacity_cost": 4_200.0,
        "unassigned_cost": 500.0, "model_operating_profit": -700.0, "revenue": 15_000.0,
        "cogs": 8_000.0, "bad_debt": 100.0, "activity_costs": 1_600.0, "resource_costs": 6_000.0,
        "ledger_operating_profit": -700.0, "difference": 0.0})
    assert a.reconciliation["holds"] is True
    assert a.summary["reconciliation_holds"] is True
    assert a.warnings == [
        "activity audits: cost pool 500.00 has no volume and is not assigned to any client"]


def test_over_capacity_warning():
    # 1,200 calls x 10 min = 200 h on a 100 h desk: warned, and the reconciliation still holds
    clients = [cl("A", 10_000, 6_000)]
    acts = [{"activity": "calls", "behavior": "variable", "resource": "Desk", "minutes_per_unit": 10.0}]
    res = [{"resource": "Desk", "cost": 6_000.0, "capacity_hours": 100.0, "behavior": "variable"}]
    a = analyze(make_portfolio(clients, acts, vols(("A", "calls", 1_200)), res,
                               Settings(decision_date=DECISION)))
    desk = a.resources.iloc[0]
    assert desk["unused_capacity_cost"] == pytest.approx(-6_000.0)  # 12,000 assigned of 6,000
    assert a.warnings == ["resource Desk: 200.0 hours used exceed the 100.0 hours of capacity"]
    assert a.reconciliation["holds"]


# --- the action decision table ---------------------------------------------------------

# ship: variable, 1 per unit (avoidable); kam: committed fixed, 1 per unit (not avoidable)
ACTION_ACTS = [{"activity": "ship", "behavior": "variable", "rate": 1.0},
               {"activity": "kam", "behavior": "committed_fixed", "rate": 1.0}]


def action_portfolio(**settings):
    """One client per row of the decision table (default weights: 3, 1.5, 1.5, 1 x 4 = 10).

    Days to pay are blank (payment signal: no data) unless stated.
    S: 10,000 - 12,000 = -2,000 but strategic                          -> retain_strategic
    R: 10,000 - 9,000 - ship 4,000 = -3,000; margin -30 % -> 1; CTS/NR 40 % -> 1;
       two ratings of 1 -> 1 each; score 100 x (3 + 1.5 + 2) / 6.5 = 100;
       coverage 6.5 / 10 = 0.65 < 0.7                                  -> review
    T: as R with three ratings: coverage 7.5 / 10 = 0.75; score 100;
       drop impact -10,000 + 9,000 + 4,000 = 3,000 > 0                  -> terminate
    N: as T but its 4,000 is committed (kam): drop impact -10,000 + 9,000 = -1,000,
       so no exit gain; P < 0, burden 1 >= 0.5                          -> restructure
    G: 10,000 - 8,000 - ship 1,500 - kam 1,000 = -500; margin -5 % -> 0.5; CTS/NR 25 % -> 0.5;
       score 100 x (1.5 + 0.75) / 4.5 = 50; growth 4                    -> renegotiate
    U: as G with growth 3: burden 0.5 >= 0.5                             -> restructure
    V: 10,000 - 9,000 - ship 1,200 = -200; burden (12 % - 10 %) / 30 % = 0.067 -> renegotiate,
       break-even price rise 200 / 10,000 = 2 %
    P1 6,000, P2 3,000, P3 1,000 (cogs 4,000 / 7,000 / 9,000, no CTS): positive total 10,000;
       before-shares 0, 60 %, 90 % -> platinum, gold, iron          -> retain_grow, retain_grow, maintain
    """
    clients = [
        cl("S", 10_000, 12_000, strategic=True),
        cl("R", 10_000, 9_000, values_alignment=1, communication=1),
        cl("T", 10_000, 9_000, values_alignment=1, communication=1, needs_fit=1),
        cl("N", 10_000, 9_000, values_alignment=1, communication=1, needs_fit=1),
        cl("G", 10_000, 8_000, growth_potential=4),
        cl("U", 10_000, 8_000, growth_potential=3),
        cl("V", 10_000, 9_000),
        cl("P1", 10_000, 4_000), cl("P2", 10_000, 7_000), cl("P3", 10_000, 9_000),
    ]
    v = vols(("R", "ship", 4_000), ("T", "ship", 4_000), ("N", "kam", 4_000), ("G", "ship", 1_500),
             ("G", "kam", 1_000), ("U", "ship", 1_500), ("U", "kam", 1_000), ("V", "ship", 1_200))
    return make_portfolio(clients, ACTION_ACTS, v,
                          settings=Settings(decision_date=DECISION, **settings))


ACTION_ROWS = [
    ("S", "retain_strategic", "strategic client"),
    ("R", "review", "score 100 but only 65% of the signals have data"),
    ("T", "terminate", "score 100 and leaving gains 3,000 EUR per period"),
    ("N", "restructure", "loses 3,000 EUR; cost-to-serve is the problem"),
    ("G", "renegotiate", "loses 500 EUR but growth potential is 4/5"),
    ("U", "restructure", "loses 500 EUR; cost-to-serve is the problem"),
    ("V", "renegotiate", "loses 200 EUR; raise price 2.0% to break even"),
    ("P1", "retain_grow", "Platinum tier"),
    ("P2", "retain_grow", "Gold tier"),
    ("P3", "maintain", "profitable, no strong signal"),
]


@pytest.fixture(scope=shared_scope)
def action_analysis():
    return analyze(action_portfolio())


@pytest.mark.parametrize("cid, action, reason", ACTION_ROWS, ids=[r[0] for r in ACTION_ROWS])
def test_action_table(action_analysis, cid, action, reason):
    row = action_analysis.clients.set_index("client_id").loc[cid]
    assert row["action"] == action
    assert row["action_reason"] == reason


def test_action_inputs_by_hand(action_analysis):
    c = action_analysis.clients.set_index("client_id")
    np.testing.assert_allclose(c.loc[["S", "R", "T", "N", "G", "U", "V"], "net_profit"],
                               [-2_000, -3_000, -3_000, -3_000, -500, -500, -200])
    np.testing.assert_allclose(c.loc[["R", "T", "N", "G", "V"], "score"],
                               [100.0, 100.0, 100.0, 50.0, 100 * (3 * 0.4 + 1.5 * 0.02 / 0.3) / 4.5])
    np.testing.assert_allclose(c.loc[["R", "T", "N", "G"], "score_coverage"], [0.65, 0.75, 0.75, 0.45])
    np.testing.assert_allclose(c.loc[["R", "T", "N", "G", "V"], "drop_impact"],
                               [3_000, 3_000, -1_000, -500, 200])
    # S: margin -20 % -> 1, CTS 0 -> 0: 100 x 3 / 4.5 = 66.7 (strategic wins anyway)
    assert c.loc["S", "score"] == pytest.approx(200 / 3)
    assert c.loc["V", "breakeven_price_rise"] == pytest.approx(0.02)
    assert action_analysis.summary["actions"] == {
        "maintain": 1, "renegotiate": 2, "restructure": 2, "retain_grow": 2,
        "retain_strategic": 1, "review": 1, "terminate": 1}


def test_action_thresholds_come_from_settings():
    # coverage_min 0.6: R (coverage 0.65, score 100, gain 3,000) now terminates like T
    a = analyze(action_portfolio(coverage_min=0.6))
    assert by_id(a, "action")["R"] == "terminate"
    # score_terminate 100: T scores exactly 100 -- "score >= threshold" includes equality
    a = analyze(action_portfolio(score_terminate=100.0))
    assert by_id(a, "action")["T"] == "terminate"
    # coverage_min 0 with score_terminate 100: R (score 100) terminates as well
    a = analyze(action_portfolio(score_terminate=100.0, coverage_min=0.0))
    assert by_id(a, "action")[["R", "T"]].tolist() == ["terminate", "terminate"]


def test_coverage_exactly_at_the_minimum_is_enough():
    # E: profitability 3 + payment 1.5 + burden 1.5 + one rating 1 = 7 of 10 -> coverage 0.7,
    # not below coverage_min 0.7, so no "review".
    # F = 10,000 x 90 d x 8 % / 365 = 197.26; P = 10,000 - 9,000 - 4,000 - 197.26 = -3,197.26
    # signals all 1 (margin -32 %, 60 days late, CTS/NR 40 %, rating 1): score 100;
    # drop impact -10,000 + 9,000 + 4,000 + 197.26 = 3,197.26 > 0 -> terminate
    clients = [cl("E", 10_000, 9_000, payment_terms_days=30.0, days_to_pay=90.0,
                  values_alignment=1), cl("P", 10_000, 5_000)]
    a = analyze(make_portfolio(clients, ACTION_ACTS, vols(("E", "ship", 4_000)),
                               settings=Settings(decision_date=DECISION)))
    e = a.clients.set_index("client_id").loc["E"]
    assert e["score_coverage"] == pytest.approx(0.7)
    assert e["score"] == pytest.approx(100.0)
    assert e["financing_cost"] == pytest.approx(10_000 * 90 * 0.08 / 365)
    assert e["drop_impact"] == pytest.approx(3_000 + 10_000 * 90 * 0.08 / 365)
    assert e["action"] == "terminate"


def test_capacity_constrained_turns_exit_gain_positive():
    # N frees no hours (no minutes): still no gain. Give kam 30 minutes per unit and a
    # value of 1 per freed hour: N frees 4,000 x 30 / 60 = 2,000 h -> gain -1,000 + 2,000 = 1,000
    acts = [dict(ACTION_ACTS[0]), dict(ACTION_ACTS[1], minutes_per_unit=30.0)]
    p = action_portfolio()
    p2 = make_portfolio(p.clients, acts, p.volumes,
                        settings=Settings(decision_date=DECISION, capacity_constrained=True,
                                          value_per_freed_hour=1.0))
    a = analyze(p2)
    n = a.clients.set_index("client_id").loc["N"]
    assert n["freed_hours"] == pytest.approx(2_000.0)
    # kam has a given rate, not a resource: its 4,000 is committed cost, not freed capacity
    assert n["freed_capacity_cost"] == pytest.approx(0.0)
    assert n["exit_gain"] == pytest.approx(1_000.0)
    assert n["action"] == "terminate"
    # the same without the capacity constraint: gain = drop impact = -1,000
    a = analyze(make_portfolio(p.clients, acts, p.volumes,
                               settings=Settings(decision_date=DECISION, value_per_freed_hour=1.0)))
    assert by_id(a, "exit_gain")["N"] == pytest.approx(-1_000.0)
    assert by_id(a, "action")["N"] == "restructure"


def test_restructure_burden_comes_from_settings():
    # U loses 500 with a service-burden signal of exactly 0.5: restructure at the default 0.5
    # ("signal >= threshold"); at 0.6 it is renegotiate (break-even rise 500 / 10,000 = 5 %).
    # N (burden 1) restructures either way.
    a = analyze(action_portfolio(restructure_burden=0.6))
    c = a.clients.set_index("client_id")
    assert c.loc["U", "signal_service_burden"] == pytest.approx(0.5)
    assert c.loc["U", "action"] == "renegotiate"
    assert c.loc["U", "action_reason"] == "loses 500 EUR; raise price 5.0% to break even"
    assert c.loc["N", "action"] == "restructure"


def threshold_portfolio():
    """K: P = 10,000 - 7,100 - CTS 2,500 = 400 (no financing: cost of capital 0): margin 4 %,
    30 days late, CTS / NR 25 %. Default signals: profitability (10 % - 4 %) / 30 % = 0.2,
    payment 30 / 60 = 0.5, burden (25 % - 10 %) / 30 % = 0.5;
    score 100 x (3 x 0.2 + 1.5 x 0.5 + 1.5 x 0.5) / 6 = 35.
    D: bad debt 500 of revenue 53,000 (0.943 %), on time: payment 0.943 % / 2 % = 25 / 53."""
    clients = [cl("K", 10_000, 7_100, payment_terms_days=30.0, days_to_pay=60.0),
               cl("D", 53_000, 40_000, payment_terms_days=30.0, days_to_pay=30.0, bad_debt=500.0)]
    return make_portfolio(clients, ONE_IDLE_ACTIVITY, vols(("K", "svc", 2_500)),
                          settings=Settings(decision_date=DECISION, cost_of_capital=0.0))


@pytest.mark.parametrize("key, value, client, signal, default, moved", [
    ("target_net_margin", 0.16, "K", "profitability", 0.2, 0.4),   # (16 % - 4 %) / 30 %
    ("margin_span", 0.12, "K", "profitability", 0.2, 0.5),         # (10 % - 4 %) / 12 %
    ("late_days_span", 120.0, "K", "payment", 0.5, 0.25),          # 30 / 120
    ("bad_debt_span", 0.01, "D", "payment", 25 / 53, 50 / 53),     # 0.943 % / 1 %
    ("cts_floor", 0.19, "K", "service_burden", 0.5, 0.2),          # (25 % - 19 %) / 30 %
    ("cts_span", 0.60, "K", "service_burden", 0.5, 0.25),          # (25 % - 10 %) / 60 %
])
def test_each_threshold_setting_moves_its_signal(key, value, client, signal, default, moved):
    p = threshold_portfolio()
    before = analyze(p).clients.set_index("client_id").loc[client]
    after = analyze(p, p.settings.replace(**{key: value})).clients.set_index("client_id").loc[client]
    assert before[f"signal_{signal}"] == pytest.approx(default)
    assert after[f"signal_{signal}"] == pytest.approx(moved)


def test_threshold_setting_moves_the_score():
    # K with target 16 %: 100 x (3 x 0.4 + 0.75 + 0.75) / 6 = 45 (35 at the default)
    p = threshold_portfolio()
    assert by_id(analyze(p), "score")["K"] == pytest.approx(35.0)
    assert by_id(analyze(p, p.settings.replace(target_net_margin=0.16)), "score")["K"] == pytest.approx(45.0)


# --- drop impact: ledger and economic, the resource's behaviour --------------------------

def resource_portfolio(team_behavior=None, calls_behavior="committed_fixed", **settings):
    """Two resources at 1 per minute: Team (6,000 for 100 h, salaried: behaviour blank =
    committed fixed) and Agency (12,000 for 200 h, outsourced per minute: variable).
    calls: Team, 6 min -> rate 6; visits: Agency, 60 min -> rate 60.

    A: revenue 20,000 - discounts 1,000 = NR 19,000; cogs 15,000; 100 calls = 600 (10 h),
       20 visits = 1,200 (20 h); F = 20,000 x 73 d x 8 % / 365 = 320; bad debt 200;
       exit penalty 300. P = 19,000 - 15,000 - 1,800 - 320 - 200 = 1,680.
    B: revenue 30,000, cogs 20,000, 400 calls = 2,400 (40 h). P = 7,600.
    """
    clients = [cl("A", 20_000, 15_000, discounts=1_000.0, days_to_pay=73.0, bad_debt=200.0,
                  exit_penalty=300.0),
               cl("B", 30_000, 20_000)]
    acts = [{"activity": "calls", "behavior": calls_behavior, "resource": "Team", "minutes_per_unit": 6.0},
            {"activity": "visits", "behavior": "variable", "resource": "Agency", "minutes_per_unit": 60.0}]
    res = [{"resource": "Team", "cost": 6_000.0, "capacity_hours": 100.0, "behavior": team_behavior},
           {"resource": "Agency", "cost": 12_000.0, "capacity_hours": 200.0, "behavior": "variable"}]
    v = vols(("A", "calls", 100), ("A", "visits", 20), ("B", "calls", 400))
    return make_portfolio(clients, acts, v, res, Settings(decision_date=DECISION, **settings))


def test_drop_impact_time_driven_on_a_committed_resource():
    # Team is committed (blank behaviour): A's calls free 10 h and 600 of capacity cost,
    # which stays in the P&L. Only the Agency's visits (variable) go.
    # ledger   = -19,000 + 15,000 + bad debt 200 + visits 1,200 - penalty 300 = -2,900
    # economic = -2,900 + F 320 = -2,580
    a = analyze(resource_portfolio())
    acts = a.activities
    assert acts["behavior"].to_dict() == {"calls": "committed_fixed", "visits": "variable"}
    assert acts["freed_capacity"].to_dict() == {"calls": 1.0, "visits": 0.0}
    assert a.resources.set_index("resource")["behavior"].to_dict() == {
        "Team": "committed_fixed", "Agency": "variable"}
    c = a.clients.set_index("client_id").loc["A"]
    assert c["net_profit"] == pytest.approx(1_680.0)
    assert c["avoidable_cost_to_serve"] == pytest.approx(1_200.0)
    assert c["drop_impact_ledger"] == pytest.approx(-2_900.0)
    assert c["drop_impact"] == pytest.approx(-2_580.0)
    assert c["freed_hours"] == pytest.approx(30.0)          # 10 h of calls + 20 h of visits
    assert c["freed_capacity_cost"] == pytest.approx(600.0)
    assert a.warnings == []


def test_drop_impact_time_driven_on_a_variable_resource():
    # Team outsourced per minute (variable): the calls' 600 goes with A too.
    # ledger = -2,900 + 600 = -2,300; economic = -2,300 + 320 = -1,980; no freed capacity cost
    a = analyze(resource_portfolio(team_behavior="variable", calls_behavior="variable"))
    c = a.clients.set_index("client_id").loc["A"]
    assert c["avoidable_cost_to_serve"] == pytest.approx(1_800.0)
    assert c["drop_impact_ledger"] == pytest.approx(-2_300.0)
    assert c["drop_impact"] == pytest.approx(-1_980.0)
    assert c["freed_capacity_cost"] == pytest.approx(0.0)


def test_time_driven_activity_takes_its_resources_behaviour_not_its_own():
    # calls say "variable" on Activities but run on the salaried Team: the cost stays
    # (ledger -2,900 as on a committed resource) and the analysis says why
    a = analyze(resource_portfolio(calls_behavior="variable"))
    c = a.clients.set_index("client_id").loc["A"]
    assert c["drop_impact_ledger"] == pytest.approx(-2_900.0)
    assert a.warnings == [
        'activity calls is time-driven: its cost behaves like its resource Team (committed fixed), '
        'not "variable" as given on Activities (set the behaviour on Resources)']


@pytest.mark.parametrize("constrained, value, gain", [
    (False, 100.0, -2_580.0),   # capacity not short: the gain is the economic drop impact
    (True, 100.0, 420.0),       # -2,580 + 30 freed hours x 100 = 420
    (True, 0.0, -2_580.0),      # freed hours worth nothing
])
def test_exit_gain_with_and_without_capacity_constraint(constrained, value, gain):
    a = analyze(resource_portfolio(capacity_constrained=constrained, value_per_freed_hour=value))
    assert by_id(a, "exit_gain")["A"] == pytest.approx(gain)


def test_tourniquet_rows_for_restructure_clients(action_analysis):
    t = action_analysis.tourniquet
    assert sorted(set(t["client_id"])) == ["N", "U"]
    # U: ship 1,500 (variable: all avoidable), kam 1,000 (committed: none); CTS 2,500
    #    share 1,500 / 2,500 = 0.6 and 0.4; break-even: rise 500 / 10,000 = 5 %, cut 500
    u = t[t["client_id"] == "U"].reset_index(drop=True)
    assert list(u["activity"]) == ["ship", "kam"]  # by cost, descending
    assert list(u["behavior"]) == ["variable", "committed_fixed"]
    np.testing.assert_allclose(u["volume"], [1_500, 1_000])
    np.testing.assert_allclose(u["cost"], [1_500, 1_000])
    np.testing.assert_allclose(u["avoidable_cost"], [1_500, 0])
    np.testing.assert_allclose(u["share_of_cts"], [0.6, 0.4])
    np.testing.assert_allclose(u["breakeven_price_rise"], [0.05, 0.05])
    np.testing.assert_allclose(u["breakeven_cts_cut"], [500, 500])
    # N: kam 4,000, nothing avoidable; rise 3,000 / 10,000 = 30 %
    n = t[t["client_id"] == "N"].reset_index(drop=True)
    assert list(n["activity"]) == ["kam"]
    np.testing.assert_allclose(n[["cost", "avoidable_cost", "share_of_cts", "breakeven_price_rise",
                                  "breakeven_cts_cut"]].iloc[0], [4_000, 0, 1.0, 0.3, 3_000])


# --- reasons in words, en and es -------------------------------------------------------


def reasons_portfolio():
    """Reasons only argue for exit: a computed signal above 0, a rating of 3 or less.

    W: revenue 36,500; F = 36,500 x 78 d x 8 % / 365 = 8 x 78 = 624.
    CTS 4,745 (13 % of NR); cogs 32,956: P = 36,500 - 32,956 - 4,745 - 624 = -1,825 (-5 %).
    Signals x weights: profitability (10 % + 5 %) / 30 % = 0.5 x 3 = 1.5;
    payment (78 - 30) / 60 = 0.8 x 1.5 = 1.2; burden (13 % - 10 %) / 30 % = 0.1 x 1.5 = 0.15;
    values 5 -> 0; communication 2 -> 0.75 x 1 = 0.75; needs fit 4 -> 0.25; respect blank.
    Arguing for exit: profitability 1.5, payment 1.2, communication 0.75, burden 0.15
    (needs fit 4 argues for staying). Top three: profitability, payment, communication.
    Score 100 x (1.5 + 1.2 + 0.15 + 0 + 0.75 + 0.25) / 9 = 42.8; P < 0, burden 0.1,
    no growth -> renegotiate, price rise 1,825 / 36,500 = 5 %.

    X: bad debt 1,200 of revenue 40,000 = 3 % >= 2 % -> payment 1; P = 40,000 - 30,000 - 1,200
    = 8,800 (22 %) -> 0; ratings all 4 -> 0.25 each, none argues for exit: one reason.
    Y: P = 10,000 - 8,000 = 2,000 (20 %) -> 0; communication 3 -> 0.5 (3 argues for exit),
    values 4 -> 0.25 (does not): one reason.
    Z: P 20 %, values 5, communication 4: nothing argues for exit.
    V: 15 days late -> 15 / 60 = 0.25; bad debt 250 of 50,000 = 0.5 % / 2 % = 0.25:
    both halves of the payment reason are quoted.
    Q: bad debt 500 of revenue 53,000 = 0.943 % / 2 % = 0.4717 (= 25 / 53), on time;
    F = 53,000 x 30 x 8 % / 365 = 348.49; P = 53,000 - 40,000 - 500 - 348.49 = 12,151.51
    (22.9 %) -> 0; no CTS -> burden 0; no ratings. Score 100 x 1.5 x 25/53 / 6 = 11.79
    (it was 25 when any bad debt counted in full).
    """
    clients = [
        cl("W", 36_500, 32_956, payment_terms_days=30.0, days_to_pay=78.0, values_alignment=5,
           communication=2, needs_fit=4),
        cl("X", 40_000, 30_000, bad_debt=1_200.0, values_alignment=4, communication=4,
           needs_fit=4, respect_of_terms=4),
        cl("Y", 10_000, 8_000, values_alignment=4, communication=3),
        cl("Z", 10_000, 8_000, values_alignment=5, communication=4),
        cl("V", 50_000, 30_000, payment_terms_days=30.0, days_to_pay=45.0, bad_debt=250.0),
        cl("Q", 53_000, 40_000, payment_terms_days=30.0, days_to_pay=30.0, bad_debt=500.0),
    ]
    return make_portfolio(clients, ONE_IDLE_ACTIVITY, vols(("W", "svc", 4_745)),
                          settings=Settings(decision_date=DECISION))


def test_top_reasons_en_and_es():
    p = reasons_portfolio()
    en = analyze(p).clients.set_index("client_id")
    es = analyze(p, lang="es").clients.set_index("client_id")
    assert en.loc["W", "net_profit"] == pytest.approx(-1_825.0)
    assert en.loc["W", "score"] == pytest.approx(100 * 3.85 / 9)
    assert en.loc["W", "reason_codes"] == ["profitability", "payment", "communication"]
    assert en.loc["W", "reasons"] == ["net margin -5.0% (target 10%)", "pays 48 days late",
                                      "Communication rated 2/5"]
    assert es.loc["W", "reasons"] == ["margen neto -5,0% (objetivo 10%)",
                                      "paga con 48 días de retraso", "Comunicación: valoración 2/5"]
    assert en.loc["W", "action"] == es.loc["W", "action"] == "renegotiate"
    assert en.loc["W", "action_reason"] == "loses 1,825 EUR; raise price 5.0% to break even"
    assert es.loc["W", "action_reason"] == "pierde 1.825 EUR; subir el precio un 5,0% para cubrir costes"

    # ratings of 4 argue for staying: only the bad debt is a reason
    assert en.loc["X", "signal_payment"] == 1.0
    assert en.loc["X", "reason_codes"] == ["payment"]
    assert en.loc["X", "reasons"] == ["bad debt of 1,200 (3.0% of revenue)"]
    assert es.loc["X", "reasons"] == ["incobrables por 1.200 (3,0% de los ingresos)"]
    # a rating of 3 argues for exit, a 4 does not
    assert en.loc["Y", "reason_codes"] == ["communication"]
    assert en.loc["Y", "reasons"] == ["Communication rated 3/5"]
    # nothing argues for exit: the client says so
    assert en.loc["Z", "reason_codes"] == []
    assert en.loc["Z", "reasons"] == ["no signal argues for exit"]
    assert es.loc["Z", "reasons"] == ["ninguna señal aconseja la salida"]
    assert en.loc["V", "signal_payment"] == pytest.approx(0.25)
    assert en.loc["V", "reasons"] == ["pays 15 days late; bad debt of 250 (0.5% of revenue)"]
    # a 500 bad debt on 53,000 of revenue no longer counts in full
    assert en.loc["Q", "signal_payment"] == pytest.approx(25 / 53)
    assert en.loc["Q", "financing_cost"] == pytest.approx(348.4931507, rel=1e-9)
    assert en.loc["Q", "score"] == pytest.approx(11.79245283, rel=1e-9)
    assert en.loc["Q", "reasons"] == ["bad debt of 500 (0.9% of revenue)"]
    # codes stay English whatever the language
    assert list(es["tier"]) == list(en["tier"])


def test_reason_quotes_the_target_margin_setting():
    # target 12.5 %: W's signal (12.5 % + 5 %) / 30 % = 0.5833; the sentence quotes 12.5%
    a = analyze(reasons_portfolio(), Settings(decision_date=DECISION, target_net_margin=0.125))
    w = a.clients.set_index("client_id").loc["W"]
    assert w["signal_profitability"] == pytest.approx(0.175 / 0.3)
    assert w["reasons"][0] == "net margin -5.0% (target 12.5%)"


def test_reasons_when_no_net_revenue():
    # NR 0: profitability and burden are 1 with their "no net revenue" sentences
    clients = [cl("Z", 1_000, 100, discounts=1_000.0), cl("Y", 5_000, 1_000)]
    a = analyze(make_portfolio(clients, ONE_IDLE_ACTIVITY, vols(("Z", "svc", 50)),
                               settings=Settings(decision_date=DECISION)))
    z = a.clients.set_index("client_id").loc["Z"]
    assert z["reason_codes"] == ["profitability", "service_burden"]
    assert z["reasons"] == ["no net revenue", "service cost with no net revenue"]
    # score 100, coverage 0.45 -> review; P = 0 - 100 - 50 = -150
    assert z["net_profit"] == pytest.approx(-150.0)
    assert z["action"] == "review"


# --- exit scenario, death spiral, transition plan ------------------------------------------

SPIRAL_ACTS = [
    {"activity": "ship", "behavior": "variable", "rate": 1.0},
    {"activity": "kam", "behavior": "committed_fixed", "cost_pool": 3_000.0},
    {"activity": "audit", "behavior": "committed_fixed", "rate": 200.0},
]


def spiral_portfolio(*, decision_date=DECISION, l_strategic=False, plan=None, archive=None,
                     lang="en"):
    """kam: committed pool 3,000 over 3 accounts = 1,000 each; audit 200, only L uses it.

    L: 10,000 - 9,000 - (ship 4,000 + kam 1,000 + audit 200) = -4,200; margin -42 % -> 1;
       CTS/NR 52 % -> 1; four ratings of 1; coverage 8.5 / 10; score 100.
       Drop impact: -10,000 + 9,000 + 4,000 (ship only) - penalty 500 = 2,500 > 0 -> terminate.
    A: 20,000 - 10,000 - (ship 1,000 + kam 1,000) = 8,000
    B: 10,000 -  8,600 - kam 1,000                =   400
    L leaves: kam re-spread over A and B: 3,000 / 2 = 1,500 each;
       A 8,000 - 500 = 7,500; B 400 - 500 = -100 -> new Lead ("death spiral");
       audit's 200 has nobody left to carry it (unabsorbed).
    Before 8,000 + 400 - 4,200 = 4,200; after 7,500 - 100 - 200 = 7,200 (recurring);
    recurring change 3,000; one-off penalty -500; change for the period 2,500
    = L's drop impact 2,500 (no financing cost, so the ledger shows the same).
    """
    ratings = dict(values_alignment=1, communication=1, needs_fit=1, respect_of_terms=1)
    clients = [
        cl("L", 10_000, 9_000, exit_penalty=500.0, notice_days=60.0,
           contract_end=dt.date(2026, 6, 14), account_manager="Ana", client_name="Leaver Ltd",
           strategic=l_strategic, **ratings),
        cl("A", 20_000, 10_000, account_manager="Luis"),
        cl("B", 10_000, 8_600),
    ]
    v = vols(("L", "ship", 4_000), ("L", "kam", 1), ("L", "audit", 1), ("A", "ship", 1_000),
             ("A", "kam", 1), ("B", "kam", 1))
    s = Settings(decision_date=decision_date, language=lang)
    return make_portfolio(clients, SPIRAL_ACTS, v, settings=s, plan=plan, archive=archive)


def test_exit_scenario_and_death_spiral():
    a = analyze(spiral_portfolio())
    c = a.clients.set_index("client_id")
    np.testing.assert_allclose(c.loc[["L", "A", "B"], "net_profit"], [-4_200, 8_000, 400])
    assert c.loc["L", "drop_impact"] == pytest.approx(2_500.0)
    assert c.loc["L", "action"] == "terminate"
    assert list(c.loc[["A", "B"], "tier"]) == ["platinum", "iron"]
    sc = a.scenario
    assert sc.leaving == ["L"]
    assert sc.profit_before == pytest.approx(4_200.0)
    assert sc.profit_after == pytest.approx(7_200.0)
    assert sc.unabsorbed_committed_cost == pytest.approx(200.0)
    assert sc.recurring_change == pytest.approx(3_000.0)
    assert sc.penalties == pytest.approx(500.0)
    assert sc.change == pytest.approx(2_500.0)            # 3,000 - 500
    assert sc.sum_drop_impact == pytest.approx(2_500.0)   # L's drop impact
    assert sc.difference == pytest.approx(0.0)
    assert sc.change_ledger == sc.sum_drop_impact_ledger == pytest.approx(2_500.0)
    assert sc.respread_committed_cost == pytest.approx(1_000.0)   # L's share of kam
    assert sc.rates_after.to_dict() == pytest.approx({"ship": 1.0, "kam": 1_500.0, "audit": 200.0})
    after = sc.clients.set_index("client_id")
    np.testing.assert_allclose(after.loc[["A", "B"], "net_profit_after"], [7_500, -100])
    assert after["tier_after"].to_dict() == {"A": "platinum", "B": "lead"}
    # whale after: total 7,400; A 7,500 / 7,400, then 1.0
    np.testing.assert_allclose(after.loc[["A", "B"], "cumulative_profit_share_after"],
                               [7_500 / 7_400, 1.0])
    assert sc.new_lead_clients == ["B"]
    assert ("after the exits, 1 more client(s) become loss-making (Lead): re-spread committed costs"
            in a.warnings)
    s = a.summary["exit_scenario"]
    assert s["leaving"] == 1 and s["change"] == pytest.approx(2_500.0) and s["new_lead_clients"] == ["B"]
    assert s["penalties"] == pytest.approx(500.0) and s["recurring_change"] == pytest.approx(3_000.0)


def test_exit_scenario_change_with_several_leavers():
    # decision-table portfolio with coverage_min 0.6: R and T both terminate.
    # Each loses 3,000, all of it variable (ship), no penalty: drop impact 3,000 each;
    # change = 3,000 + 3,000 = 6,000. Nobody carried their costs, so no new Lead.
    a = analyze(action_portfolio(coverage_min=0.6))
    sc = a.scenario
    assert sc.leaving == ["R", "T"]
    assert sc.change == sc.sum_drop_impact == pytest.approx(6_000.0)
    assert sc.penalties == 0.0
    assert sc.unabsorbed_committed_cost == 0.0
    assert sc.new_lead_clients == []
    assert len(a.plan) == 20 and list(a.plan["client_id"].unique()) == ["R", "T"]


def test_exit_scenario_reconciles_with_freed_capacity_and_financing():
    """Team: 6,000 for 100 h (1 per minute, salaried: committed); calls 6 min -> 6 each.
    ship: variable, 1 per unit. Capacity is short: a freed hour is worth 50.

    L: 10,000 - 9,000 - (300 calls 1,800 + ship 1,000) - F 160 (10,000 x 73 d x 8 % / 365)
       = -1,960; margin -19.6 %, CTS 28 % of NR, four ratings of 1: score 92.5, coverage 0.85.
       ledger drop impact  -10,000 + 9,000 + ship 1,000 - penalty 400 = -400
       economic            -400 + F 160 = -240
       exit gain           -240 + 30 freed hours x 50 = 1,260 > 0 -> terminate
    A: 20,000 - 12,000 - (200 calls 1,200 + ship 500) = 6,300.
    L leaves: calls cost 6 x 500 = 3,000 re-spread over A's 200 calls = 15 each:
       A 20,000 - 12,000 - 3,000 - 500 = 4,500.
    Before -1,960 + 6,300 = 4,340; after 4,500: recurring change +160; penalty -400;
    change for the period -240 = L's economic drop impact; the ledger shows -240 - 160 = -400
    = L's ledger drop impact. Re-spread: L's 1,800 of calls; freed 30 h, 1,800 of capacity cost.
    """
    clients = [cl("L", 10_000, 9_000, days_to_pay=73.0, exit_penalty=400.0, values_alignment=1,
                  communication=1, needs_fit=1, respect_of_terms=1),
               cl("A", 20_000, 12_000)]
    acts = [{"activity": "calls", "behavior": "committed_fixed", "resource": "Team", "minutes_per_unit": 6.0},
            {"activity": "ship", "behavior": "variable", "rate": 1.0}]
    res = [{"resource": "Team", "cost": 6_000.0, "capacity_hours": 100.0}]
    v = vols(("L", "calls", 300), ("L", "ship", 1_000), ("A", "calls", 200), ("A", "ship", 500))
    a = analyze(make_portfolio(clients, acts, v, res, Settings(
        decision_date=DECISION, capacity_constrained=True, value_per_freed_hour=50.0)))
    c = a.clients.set_index("client_id")
    np.testing.assert_allclose(c.loc[["L", "A"], "net_profit"], [-1_960.0, 6_300.0])
    assert c.loc["L", "score"] == pytest.approx(100 * (3 * 0.296 / 0.3 + 1.5 * 0.6 + 4) / 8.5)
    np.testing.assert_allclose(c.loc["L", ["drop_impact_ledger", "drop_impact", "exit_gain"]].astype(float),
                               [-400.0, -240.0, 1_260.0])
    assert c.loc["L", "action"] == "terminate"
    sc = a.scenario
    assert sc.profit_before == pytest.approx(4_340.0)
    assert sc.profit_after == pytest.approx(4_500.0)
    assert sc.recurring_change == pytest.approx(160.0)
    assert sc.penalties == pytest.approx(400.0)
    assert sc.change == pytest.approx(-240.0)
    assert sc.sum_drop_impact == pytest.approx(-240.0)
    assert sc.financing_cost == pytest.approx(160.0)
    assert sc.change_ledger == pytest.approx(-400.0)
    assert sc.sum_drop_impact_ledger == pytest.approx(-400.0)
    assert sc.respread_committed_cost == pytest.approx(1_800.0)
    assert sc.unabsorbed_committed_cost == 0.0
    assert sc.freed_hours == pytest.approx(30.0)
    assert sc.freed_capacity_cost == pytest.approx(1_800.0)
    assert sc.rates_after["calls"] == pytest.approx(15.0)
    assert a.summary["exit_scenario"]["difference"] == pytest.approx(0.0, abs=1e-9)


def test_no_leavers_no_change():
    a = analyze(spiral_portfolio(l_strategic=True))
    assert a.scenario.leaving == []
    assert a.scenario.change == pytest.approx(0.0)
    assert a.scenario.unabsorbed_committed_cost == 0.0


# L: decision 2026-03-02 (Monday); notice 2026-03-16; + 60 days -> earliest 2026-05-15.
# Contract ends 2026-06-14 (30 days later, 30 x 12 / 365 = 0.99 months). The gain lost by
# waiting is (drop impact 2,500 + penalty 500) / 12 = 250 a month x 0.99 = 247 < penalty 500,
# so L leaves at the contract end, 2026-06-14.
EXPECTED_PLAN = [
    # task, due, owner, owner_name
    ("review_contract", dt.date(2026, 3, 5), "account_manager", "Ana"),       # decision + 3
    ("internal_signoff", dt.date(2026, 3, 9), "finance", ""),                 # decision + 7
    ("client_meeting", dt.date(2026, 3, 14), "account_manager", "Ana"),       # decision + 12
    ("written_notice", dt.date(2026, 3, 16), "account_manager", "Ana"),       # decision + 14
    ("referrals", dt.date(2026, 3, 23), "account_manager", "Ana"),            # notice + 7
    ("data_handover", dt.date(2026, 5, 31), "operations", ""),                # exit - 14
    ("pending_deliveries", dt.date(2026, 6, 7), "operations", ""),            # exit - 7
    ("final_invoice", dt.date(2026, 6, 14), "finance", ""),                   # exit
    ("close_access", dt.date(2026, 6, 15), "operations", ""),                 # exit + 1
    ("lessons_learned", dt.date(2026, 7, 14), "finance", ""),                 # exit + 30
]


def test_exit_date_and_transition_plan():
    a = analyze(spiral_portfolio())
    assert by_id(a, "exit_date")["L"] == dt.date(2026, 6, 14)
    plan = a.plan
    assert list(plan.columns) == PLAN_COLUMNS
    assert len(plan) == 10 and set(plan["client_id"]) == {"L"}
    assert tuple(plan["task"]) == TASK_CODES
    got = list(zip(plan["task"], plan["due_date"], plan["owner"], plan["owner_name"]))
    assert got == EXPECTED_PLAN
    assert set(plan["status"]) == {"pending"} and set(plan["notes"]) == {""}
    assert set(plan["client_name"]) == {"Leaver Ltd"}
    assert len(a.archive) == 0


def test_exit_date_penalty_smaller_than_gain_lost():
    # a contract ending 2027-05-15 (365 days after the earliest exit, 12 months):
    # 250 a month x 12 = 3,000 lost by waiting > penalty 500 -> leave at the earliest date
    p = spiral_portfolio()
    clients = p.clients.copy()
    clients.loc[clients["client_id"] == "L", "contract_end"] = dt.date(2027, 5, 15)
    a = analyze(dataclasses.replace(p, clients=clients))
    assert by_id(a, "exit_date")["L"] == dt.date(2026, 5, 15)
    assert a.plan.set_index("task").loc["final_invoice", "due_date"] == dt.date(2026, 5, 15)


def test_missing_decision_date():
    a = analyze(spiral_portfolio(decision_date=None))
    assert by_id(a, "action")["L"] == "terminate"
    assert a.clients["exit_date"].isna().all()
    assert len(a.plan) == 0
    assert "decision_date is not set: no exit dates or transition plan" in a.warnings
    es = analyze(spiral_portfolio(decision_date=None), lang="es")
    assert "falta decision_date: sin fechas de salida ni plan de transición" in es.warnings


def test_merge_plan_keeps_typed_status_and_archives():
    first = analyze(spiral_portfolio()).plan
    typed = first.copy()
    typed.loc[typed["task"] == "review_contract", ["status", "notes"]] = ["done", "clause 12.3: 60 days"]
    typed.loc[typed["task"] == "client_meeting", ["status", "notes"]] = ["in_progress", "booked"]

    # regenerate (in Spanish this time): what users typed survives
    again = analyze(spiral_portfolio(plan=typed), lang="es")
    p = again.plan.set_index("task")
    assert p.loc["review_contract", "status"] == "done"
    assert p.loc["review_contract", "notes"] == "clause 12.3: 60 days"
    assert p.loc["client_meeting", "status"] == "in_progress"
    assert p.loc["written_notice", "status"] == "pending"
    assert len(again.archive) == 0

    # L is no longer terminated (now strategic): its tasks move to the archive, typed text kept
    gone = analyze(spiral_portfolio(l_strategic=True, plan=again.plan))
    assert len(gone.plan) == 0
    arch = gone.archive.set_index("task")
    assert len(arch) == 10 and set(arch["client_id"]) == {"L"}
    assert list(gone.archive.columns) == PLAN_COLUMNS
    assert arch.loc["review_contract", "status"] == "done"
    assert arch.loc["review_contract", "notes"] == "clause 12.3: 60 days"
    assert arch.loc["client_meeting", "status"] == "in_progress"

    # another regeneration with nothing in the plan: the archive is kept
    still = analyze(spiral_portfolio(l_strategic=True, plan=gone.plan, archive=gone.archive))
    assert len(still.archive) == 10

    # L comes back: the archived status and notes come back too, and leave the archive
    back = analyze(spiral_portfolio(plan=still.plan, archive=still.archive))
    b = back.plan.set_index("task")
    assert len(b) == 10
    assert b.loc["review_contract", "status"] == "done"
    assert b.loc["review_contract", "notes"] == "clause 12.3: 60 days"
    assert b.loc["client_meeting", "status"] == "in_progress"
    assert len(back.archive) == 0


# --- settings --------------------------------------------------------------------------


def test_settings_defaults():
    s = Settings()
    assert s.period_months == 12 and s.currency == "EUR" and s.cost_of_capital == 0.08
    assert s.decision_date is None and s.language == "en"
    assert s.weights == {"profitability": 3.0, "payment": 1.5, "service_burden": 1.5,
                         "values_alignment": 1.0, "communication": 1.0, "needs_fit": 1.0,
                         "respect_of_terms": 1.0}
    assert (s.score_terminate, s.coverage_min, s.tier_platinum, s.tier_gold) == (70, 0.7, 0.5, 0.8)
    assert s.capacity_constrained is False and s.value_per_freed_hour == 0
    assert s.notice_lead_days == 14


def test_settings_from_mapping_spanish_keys():
    s = Settings.from_mapping({
        "Fecha de decisión": "02/03/2026", "Orden fechas": "dd/mm/aaaa", "Idioma": "ES", "Coste de capital": "10 %",
        "Capacidad limitada": "sí", "Valor hora liberada": "25,5", "Días antelación aviso": 7,
        "Nivel platino": "", "moneda": "usd", "Peso rentabilidad": 4, "umbral_salida": "65",
    })
    assert s.decision_date == dt.date(2026, 3, 2)
    assert s.language == "es"
    assert s.cost_of_capital == pytest.approx(0.10)
    assert s.capacity_constrained is True
    assert s.value_per_freed_hour == 25.5
    assert s.notice_lead_days == 7
    assert s.tier_platinum == 0.5  # blank keeps the default
    assert s.currency == "USD"
    assert s.weight_profitability == 4.0
    assert s.score_terminate == 65.0


def test_settings_english_keys_any_case():
    s = Settings.from_mapping({"Decision Date": dt.date(2026, 1, 5), "PERIOD_MONTHS": 6,
                               "capacity constrained": "yes"})
    assert s.decision_date == dt.date(2026, 1, 5)
    assert s.period_months == 6.0
    assert s.capacity_constrained is True


def test_settings_unknown_key_names_the_key():
    with pytest.raises(InputError) as err:
        Settings.from_mapping({"decision_date": "2026-01-05", "discount_rate": 0.1},
                              file="in.xlsx", sheet="Settings",
                              rows={"decision_date": 2, "discount_rate": 3})
    (problem,) = err.value.problems
    assert "discount_rate" in problem.message
    assert (problem.file, problem.sheet, problem.row, problem.column) == ("in.xlsx", "Settings", 3, "key")


@pytest.mark.parametrize("key, value, words", [
    ("cost_of_capital", "abc", "'abc' is not a number"),
    ("decision_date", "next week", "is not a date"),
    ("capacity_constrained", "maybe", "'maybe' is not yes/no"),
    ("notice_lead_days", 7.5, "whole number of days"),
])
def test_settings_bad_values_are_located(key, value, words):
    with pytest.raises(InputError) as err:
        Settings.from_mapping({"language": "en", key: value}, file="in.xlsx", sheet="Settings",
                              rows={"language": 2, key: 5})
    (problem,) = err.value.problems
    assert key in problem.message and words in problem.message
    assert (problem.file, problem.sheet, problem.row, problem.column) == ("in.xlsx", "Settings", 5, "value")
    assert str(problem).startswith("in.xlsx, sheet Settings, row 5, column value: ")


def test_settings_every_problem_is_listed():
    with pytest.raises(InputError) as err:
        Settings.from_mapping({"foo": 1, "cost_of_capital": "x", "bar": 2})
    assert len(err.value.problems) == 3


@pytest.mark.parametrize("values, words", [
    ({"cost_of_capital": 8}, "cost_of_capital"),           # 8 = 800 % a year: meant 0.08
    ({"period_months": 0}, "period_months"),
    ({"language": "fr"}, "language"),
    ({"score_terminate": 150}, "score_terminate"),
    ({"coverage_min": 1.5}, "coverage_min"),
    ({"tier_platinum": 0.9}, "tier_platinum"),             # above tier_gold 0.8
    ({"tier_gold": 1.2}, "tier_gold"),
    ({"weight_payment": -1}, "weights"),
    ({"weight_profitability": 0, "weight_payment": 0, "weight_service_burden": 0,
      "weight_values_alignment": 0, "weight_communication": 0, "weight_needs_fit": 0,
      "weight_respect_of_terms": 0}, "weight"),
    ({"value_per_freed_hour": -5}, "value_per_freed_hour"),
    ({"notice_lead_days": -1}, "notice_lead_days"),
])
def test_settings_range_checks(values, words):
    with pytest.raises(InputError) as err:
        Settings.from_mapping(values, file="in.xlsx", sheet="Settings")
    assert any(words in p.message for p in err.value.problems), err.value.problems
    assert all(p.file == "in.xlsx" and p.sheet == "Settings" for p in err.value.problems)


def test_settings_duplicate_key():
    # the same setting under its English and its Spanish name
    with pytest.raises(InputError, match="given twice"):
        Settings.from_mapping({"language": "en", "idioma": "es"})


# --- inputs given as pandas objects ------------------------------------------------------


def test_make_portfolio_accepts_a_datetime_column():
    # contract_end as a datetime64 column (pd.read_csv(parse_dates=...), a user's DataFrame):
    # the Portfolio holds datetime.date values and exit dates compare with them.
    # A: decision 2026-01-01, notice 2026-01-15, no notice days -> earliest 2026-01-15;
    # the contract ends later and A is profitable (drop impact -100 + 50 = -50 < 0),
    # so waiting loses nothing: exit at the contract end. B: blank -> earliest.
    clients = pd.DataFrame({"client_id": ["A", "B"], "revenue": [100.0, 200.0],
                            "cogs": [50.0, 50.0],
                            "contract_end": pd.to_datetime(["2027-01-01", None])})
    p = make_portfolio(clients, ONE_IDLE_ACTIVITY, vols(("A", "svc", 0)),
                       settings=Settings(decision_date=dt.date(2026, 1, 1)))
    assert p.clients["contract_end"].tolist() == [dt.date(2027, 1, 1), None]
    a = analyze(p)
    assert by_id(a, "exit_date").to_dict() == {"A": dt.date(2027, 1, 1), "B": dt.date(2026, 1, 15)}


def test_client_result_columns_are_all_there(action_analysis):
    from xlprof.model.analysis import CLIENT_RESULT_COLUMNS

    assert set(CLIENT_RESULT_COLUMNS) <= set(action_analysis.clients.columns)
    assert list(action_analysis.clients["client_id"]) == sorted(action_analysis.clients["client_id"])


def test_reason_payment_says_one_day_in_the_singular_en_and_es():
    from xlprof.model.scoring import reason_text

    facts = {"days_to_pay": 31.0, "payment_terms_days": 30.0}
    assert reason_text("payment", facts, "en") == "pays 1 day late"
    assert reason_text("payment", facts, "es") == "paga con 1 día de retraso"
    facts = {"days_to_pay": 32.4, "payment_terms_days": 30.0}
    assert reason_text("payment", facts, "en") == "pays 2 days late"
    assert reason_text("payment", facts, "es") == "paga con 2 días de retraso"
