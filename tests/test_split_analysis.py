"""A portfolio split into per-group analyses (``--split-by``), by hand.

The hand-worked portfolio of test_independent.py (clients A, B, C; B terminates) split into
{A, B} and {C}: each group keeps the portfolio's per-client numbers, recomputes its whale
curve, value chain and reconciliation over its own clients, sees the portfolio's exit
scenario through its own leavers, and carries the portfolio's medians and tier cut-offs so
that regenerating the group from its own inputs gives the same numbers.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from _tuning import shared_scope

from test_independent import F_A, F_B, HAND, hand_portfolio
from xlprof.model.analysis import analyze
from xlprof.model.split import split_portfolio_analysis

P_A, P_B, P_C = HAND["net_profit"]["A"], HAND["net_profit"]["B"], HAND["net_profit"]["C"]


@pytest.fixture(scope=shared_scope)
def split():
    p = hand_portfolio()
    a = analyze(p)
    return p, a, split_portfolio_analysis(a, p, ["A", "B"]), split_portfolio_analysis(a, p, ["C"])


def test_group_keeps_the_portfolio_numbers_and_its_own_whale_curve(split):
    p, a, (ab, ab_p), (c, c_p) = split
    assert list(ab.clients["client_id"]) == ["A", "B"] and list(c.clients["client_id"]) == ["C"]
    got = ab.clients.set_index("client_id")
    for col in ("net_profit", "cost_to_serve", "score", "drop_impact", "exit_gain"):
        assert got[col].to_dict() == pytest.approx({k: HAND[col][k] for k in ("A", "B")}), col
    assert got["tier"].to_dict() == {"A": "platinum", "B": "lead"}        # the portfolio's tiers
    assert got["action"].to_dict() == {"A": "retain_grow", "B": "terminate"}
    # own whale curve: total 14,933.56 - 2,446.58 = 12,486.99; A first with 119.6 %, B back to 100 %
    total = P_A + P_B
    assert got["cumulative_profit_share"].to_dict() == pytest.approx({"A": P_A / total, "B": 1.0})
    assert got["profit_rank"].to_dict() == {"A": 1, "B": 2}
    w = ab.whale
    assert list(w["rank"]) == [1, 2] and list(w["client_id"]) == ["A", "B"]
    assert list(w["client_name"]) == ["A", "B"]
    assert list(w["net_profit"]) == pytest.approx([P_A, P_B])
    assert list(w["cumulative_profit"]) == pytest.approx([P_A, P_A + P_B])
    assert list(w["cumulative_profit_share"]) == pytest.approx([P_A / total, 1.0])
    # C alone: 100 % of its own profit
    assert c.clients["cumulative_profit_share"].tolist() == [1.0]
    assert c.clients["tier"].tolist() == ["iron"]


def test_group_activities_carry_the_portfolio_rates_over_own_volumes(split):
    _, _, (ab, _), _ = split
    acts = ab.activities
    assert acts["rate"].to_dict() == pytest.approx(
        {"orders": 20.0, "visits": 150.0, "calls": 10.0, "deliveries": 15.0, "audit": 0.0})
    # A + B: orders 60 + 30, visits 4 + 6, calls 50 + 200, deliveries 10 + 40, audit none
    assert acts["total_volume"].to_dict() == {"orders": 90.0, "visits": 10.0, "calls": 250.0,
                                              "deliveries": 50.0, "audit": 0.0}
    assert acts["assigned_cost"].to_dict() == pytest.approx(
        {"orders": 1_800.0, "visits": 1_500.0, "calls": 2_500.0, "deliveries": 750.0, "audit": 0.0})
    given = ["orders", "visits", "audit"]
    assert acts.loc[given, "cost_pool"].to_dict() == pytest.approx(acts.loc[given, "assigned_cost"].to_dict())
    # hours: visits 10 x 60 min, calls 250 x 10 min, deliveries 50 x 30 min; orders have no minutes
    assert acts["hours"].to_dict() == pytest.approx({"orders": 0.0, "visits": 10.0, "calls": 2_500 / 60,
                                                     "deliveries": 25.0, "audit": 0.0})
    # the time-driven activities stay time-driven, on the group's slice of each resource: the
    # hours A and B use at the portfolio's cost per hour (Team 60/h, Courier 30/h), nothing unused
    assert acts["rate_source"].to_dict() == {"orders": "rate", "visits": "rate", "calls": "time",
                                             "deliveries": "time", "audit": "rate"}
    assert acts["unassigned_cost"].eq(0.0).all()
    res = ab.resources.set_index("resource")
    assert res["capacity_hours"].to_dict() == pytest.approx({"Team": 2_500 / 60, "Courier": 25.0})
    assert res["cost"].to_dict() == pytest.approx({"Team": 2_500.0, "Courier": 750.0})
    assert res["unused_capacity_cost"].eq(0.0).all()
    assert res["used_hours"].to_dict() == pytest.approx({"Team": 2_500 / 60, "Courier": 25.0})
    assert res["unused_hours"].to_dict() == {"Team": 0.0, "Courier": 0.0}   # the portfolio's: 153.3 and 75


def test_group_not_using_a_resource_takes_its_activity_at_the_portfolio_rate(split):
    # C makes no deliveries: Courier has no slice in C's book, so deliveries become an activity
    # at the portfolio's given rate of 15 with no resource (kept on Courier, a regenerated
    # book would look for a resource it does not have); calls stay on C's slice of Team
    _, _, _, (c, c_p) = split
    acts = c.activities
    assert acts["resource"].to_dict() == {"orders": None, "visits": None, "calls": "Team", "deliveries": None,
                                          "audit": None}
    assert acts["rate_source"].to_dict() == {"orders": "rate", "visits": "rate", "calls": "time",
                                             "deliveries": "rate", "audit": "rate"}
    assert c.resources["resource"].tolist() == ["Team"]
    assert c.resources[["used_hours", "capacity_hours", "unused_hours"]].iloc[0].tolist() == pytest.approx(
        [5.0, 5.0, 0.0])                                                      # 30 calls x 10 min
    inputs = c_p.activities.set_index("activity")
    assert inputs["resource"].to_dict() == {"orders": None, "visits": None, "calls": "Team", "deliveries": None,
                                            "audit": None}
    assert inputs.loc["deliveries", "rate"] == 15.0 and math.isnan(inputs.loc["calls", "rate"])


def test_group_reconciliation_over_its_own_clients(split):
    _, a, (ab, _), (c, _) = split
    r = ab.reconciliation
    assert set(r) == set(a.reconciliation)
    # (P + F): A 18,000 - 2,450 = 15,550; B 2,000 - 4,100 - 100 = -2,200 -> 13,350
    # ledger: (50,000 - 2,000 - 30,000) + (10,000 - 8,000 - 100) - CTS (2,450 + 4,100) = 13,350
    expected = {"clients_net_profit": P_A + P_B, "financing_cost": F_A + F_B, "model_operating_profit": 13_350.0,
                "revenue": 60_000.0, "discounts": 2_000.0, "cogs": 38_000.0, "bad_debt": 100.0,
                "activity_costs": 6_550.0, "ledger_operating_profit": 13_350.0, "difference": 0.0,
                "unused_capacity_cost": 0.0, "unassigned_cost": 0.0, "resource_costs": 0.0}
    for k, v in expected.items():
        assert r[k] == pytest.approx(v, abs=1e-9), k
    assert r["holds"] is True
    # C: 20,000 - 1,000 - 15,000 - 500 = 3,500 both ways
    assert c.reconciliation["ledger_operating_profit"] == pytest.approx(3_500.0)
    assert c.reconciliation["model_operating_profit"] == pytest.approx(3_500.0)
    assert c.reconciliation["holds"] is True


def test_group_value_chain_and_plan(split):
    _, a, (ab, _), (c, _) = split
    vc = ab.value_chain
    assert vc.loc["platinum", "clients"] == 1 and vc.loc["lead", "clients"] == 1
    assert vc.loc["gold", "clients"] == 0 and vc.loc["iron", "clients"] == 0
    assert vc.loc["platinum", "net_profit"] == pytest.approx(P_A)
    assert vc.loc["lead", ["orders", "visits", "calls", "deliveries"]].tolist() == pytest.approx(
        [600.0, 900.0, 2_000.0, 600.0])
    assert vc.loc["platinum", "net_revenue"] == 48_000.0 and vc.loc["lead", "cost_to_serve"] == 4_100.0
    assert c.value_chain.loc["iron", "clients"] == 1 and c.value_chain["clients"].sum() == 1
    # B's ten tasks go with B's group; C's group has none
    assert len(ab.plan) == 10 and set(ab.plan["client_id"]) == {"B"}
    assert len(c.plan) == 0 and len(c.archive) == 0 and len(c.tourniquet) == 0


def test_group_sees_the_scenario_through_its_own_leavers(split):
    _, a, (ab, _), (c, _) = split
    sc = ab.scenario
    before = P_A + P_B          # the group's own clients (a recalculation of its book says the same)
    assert sc.leaving == ["B"]
    assert sc.profit_before == pytest.approx(before)
    # after = before + B's drop impact (-800 + 246.58) + its penalty 1,000 (recurring change)
    assert sc.profit_after == pytest.approx(before - 800 + F_B + 1_000)
    assert sc.penalties == 1_000.0
    assert sc.change == pytest.approx(-800 + F_B)
    assert sc.sum_drop_impact == pytest.approx(-800 + F_B)
    assert sc.sum_drop_impact_ledger == pytest.approx(-800.0)
    assert sc.financing_cost == pytest.approx(F_B)
    # B's 200 calls (committed) are re-spread over A, who still makes calls; nothing unabsorbed
    assert sc.respread_committed_cost == pytest.approx(2_000.0)
    assert sc.unabsorbed_committed_cost == 0.0
    assert sc.freed_hours == pytest.approx(3_560 / 60) and sc.freed_capacity_cost == pytest.approx(2_000.0)
    assert list(sc.clients["client_id"]) == ["A"]
    assert sc.difference == pytest.approx(0.0, abs=1e-9)
    # nobody of C's group leaves: no change
    s2 = c.scenario
    assert s2.leaving == [] and s2.penalties == 0.0 and s2.change == pytest.approx(0.0)
    assert s2.profit_before == pytest.approx(P_C)
    assert s2.profit_after == pytest.approx(P_C) and s2.respread_committed_cost == 0.0
    assert list(s2.clients["client_id"]) == ["C"]


def test_group_settings_carry_the_portfolio_cutoffs(split):
    _, a, (ab, ab_p), (c, _) = split
    s = ab.settings
    # medians of price realization (0.96, 1.0, 0.95) and CTS / NR (0.051, 0.41, 0.026)
    assert s.fixed_price_median == pytest.approx(0.96)
    assert s.fixed_cost_median == pytest.approx(2_450 / 48_000)
    # A is the only Platinum (its profit to a millionth); no Gold client: Gold from the same cut-off
    assert s.fixed_platinum_min_profit == round(P_A, 6)
    assert s.fixed_gold_min_profit == round(P_A, 6)
    assert ab_p.settings == s
    # every group carries the portfolio's cut-offs, whatever its own clients
    assert c.settings.fixed_platinum_min_profit == round(P_A, 6)
    assert (c.settings.fixed_price_median, c.settings.fixed_cost_median) == (s.fixed_price_median,
                                                                            s.fixed_cost_median)


def test_a_portfolio_without_platinum_gives_cutoffs_nobody_reaches():
    from xlprof.model.analysis import make_portfolio

    p = make_portfolio([{"client_id": "X", "revenue": 100.0, "cogs": 150.0},
                        {"client_id": "Y", "revenue": 100.0, "cogs": 120.0}],
                       [{"activity": "a", "rate": 1.0, "behavior": "variable"}],
                       [{"client_id": "X", "a": 1.0}, {"client_id": "Y", "a": 1.0}])
    a = analyze(p)
    assert list(a.clients["tier"]) == ["lead", "lead"]
    sub, sub_p = split_portfolio_analysis(a, p, ["X"])
    assert sub.settings.fixed_platinum_min_profit == 1e15 and sub.settings.fixed_gold_min_profit == 1e15
    assert analyze(sub_p).clients["tier"].tolist() == ["lead"]
    assert sub.whale["cumulative_profit_share"].isna().all()     # own total profit -51 <= 0


def test_group_inputs_regenerate_to_the_same_numbers(split):
    p, a, (ab, ab_p), (c, c_p) = split
    assert list(ab_p.clients["client_id"]) == ["A", "B"]
    # the group's transition plan goes with its inputs (B's ten tasks; none for C)
    assert len(ab_p.plan) == 10 and set(ab_p.plan["client_id"]) == {"B"} and len(c_p.plan) == 0
    assert set(ab_p.volumes["client_id"]) == {"A", "B"}
    acts = ab_p.activities.set_index("activity")
    given = ["orders", "visits", "audit"]
    assert acts.loc[given, "rate"].to_dict() == pytest.approx({"orders": 20.0, "visits": 150.0, "audit": 0.0})
    assert acts["behavior"].to_dict() == {"orders": "variable", "visits": "avoidable_fixed",
                                          "calls": "committed_fixed", "deliveries": "variable",
                                          "audit": "committed_fixed"}
    assert acts["cost_pool"].isna().all() and acts.loc[given, "resource"].isna().all()
    # calls and deliveries on the group's slices: 10 min at 12,000 / (200 h x 60) -> 10 a call;
    # 30 min at 3,000 / (100 h x 60) -> 15 a delivery, as in the portfolio
    assert acts.loc[["calls", "deliveries"], "resource"].tolist() == ["Team", "Courier"]
    assert acts.loc[["calls", "deliveries"], "rate"].isna().all()
    res = ab_p.resources.set_index("resource")
    assert res["cost"].to_dict() == pytest.approx({"Team": 2_500.0, "Courier": 750.0})
    assert res["capacity_hours"].to_dict() == pytest.approx({"Team": 2_500 / 60, "Courier": 25.0})
    again_acts = analyze(ab_p).activities
    assert again_acts["rate"].to_dict() == pytest.approx(
        {"orders": 20.0, "visits": 150.0, "calls": 10.0, "deliveries": 15.0, "audit": 0.0})
    again = analyze(ab_p).clients.set_index("client_id")
    orig = a.clients.set_index("client_id")
    for col in ("net_profit", "cost_to_serve", "avoidable_cost_to_serve", "freed_capacity_cost", "score",
                "drop_impact", "drop_impact_ledger", "exit_gain"):
        np.testing.assert_allclose(again[col], orig.loc[["A", "B"], col], rtol=1e-12, err_msg=col)
    for col in ("tier", "quadrant", "action", "exit_date"):
        assert again[col].to_dict() == orig.loc[["A", "B"], col].to_dict(), col
    c_again = analyze(c_p).clients.set_index("client_id")
    assert c_again.loc["C", "tier"] == "iron" and c_again.loc["C", "quadrant"] == "bargain_basement"
    assert math.isclose(c_again.loc["C", "net_profit"], 3_500.0)
