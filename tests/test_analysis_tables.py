"""Every table ``analyze()`` returns for the hand-worked portfolio of test_independent.py, by
hand: activities, resources, the per-client columns the workbook shows, the whale curve, the
value chain, the reconciliation, the summary, the warnings, the scenario and the plan --
and the paths the default portfolio does not take (fixed cut-offs, no decision date, over
capacity, another language). The arithmetic is in test_independent.py's HAND table.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from _tuning import shared_scope

from test_independent import (ACTIVITIES, CLIENTS, DECISION, F_A, F_B, HAND, RESOURCES, SETTINGS, VOLUMES,
                              hand_portfolio)
from xlprof.errors import InputError
from xlprof.model.analysis import analyze, make_portfolio
from xlprof.model.exits import PLAN_COLUMNS
from xlprof.model.segments import QuadrantSplit

NAN = float("nan")
P = HAND["net_profit"]
TOTAL_P = P["A"] + P["B"] + P["C"]


@pytest.fixture(scope=shared_scope)
def a():
    return analyze(hand_portfolio())


def frame_equal(got: pd.DataFrame, want: dict, index) -> None:
    """Numbers to 1e-12 (NaN = NaN), text and codes exactly, in the given row order."""
    assert list(got.index) == list(index)
    for col, values in want.items():
        if any(isinstance(v, str) or v is None for v in values):
            assert got[col].tolist() == values, col
        else:
            np.testing.assert_allclose(got[col].to_numpy(dtype=float), np.asarray(values, dtype=float),
                                       rtol=1e-12, atol=1e-9, equal_nan=True, err_msg=col)


def test_activities_table(a):
    acts = a.activities
    assert list(acts.index) == ["orders", "visits", "calls", "deliveries", "audit"]
    frame_equal(acts, {
        "driver": [None] * 5,
        "behavior": ["variable", "avoidable_fixed", "committed_fixed", "variable", "committed_fixed"],
        "given_behavior": ["variable", "avoidable_fixed", "variable", "variable", "committed_fixed"],
        "resource": [None, None, "Team", "Courier", None],
        "minutes_per_unit": [NAN, 60.0, 10.0, 30.0, NAN],
        "rate_source": ["pool", "rate", "time", "time", "pool"],
        # a given rate's cost is what it charges (10 visits x 150); time-driven costs are the resources'
        "cost_pool": [2_000.0, 1_500.0, NAN, NAN, 1_000.0],
        "total_volume": [100.0, 10.0, 280.0, 50.0, 0.0],
        "rate": [20.0, 150.0, 10.0, 15.0, 0.0],
        "assigned_cost": [2_000.0, 1_500.0, 2_800.0, 750.0, 0.0],
        "unassigned_cost": [0.0, 0.0, 0.0, 0.0, 1_000.0],
        # 10 visits x 60 min, 280 calls x 10 min, 50 deliveries x 30 min; no minutes on orders
        "hours": [0.0, 10.0, 2_800 / 60, 25.0, 0.0],
        "avoidable": [1.0, 1.0, 0.0, 1.0, 0.0],
        "freed_capacity": [0.0, 0.0, 1.0, 0.0, 0.0],
    }, acts.index)


def test_resources_table(a):
    r = a.resources
    assert list(r.columns) == ["resource", "behavior", "cost", "capacity_hours", "cost_per_hour", "used_hours",
                               "unused_hours", "assigned_cost", "unused_capacity_cost"]
    frame_equal(r.set_index("resource"), {
        "behavior": ["committed_fixed", "variable"],            # blank -> committed fixed
        "cost": [12_000.0, 3_000.0], "capacity_hours": [200.0, 100.0],
        "cost_per_hour": [60.0, 30.0],                           # 12,000 / 200 h; 3,000 / 100 h
        "used_hours": [2_800 / 60, 25.0], "unused_hours": [200 - 2_800 / 60, 75.0],
        "assigned_cost": [2_800.0, 750.0], "unused_capacity_cost": [9_200.0, 2_250.0],
    }, pd.Index(["Team", "Courier"], name="resource"))


def test_client_columns_the_workbook_shows(a):
    c = a.clients.set_index("client_id")
    assert list(c.index) == ["A", "B", "C"]
    frame_equal(c, {
        "net_margin": [P["A"] / 48_000, P["B"] / 10_000, 3_500 / 19_000],
        "profit_per_hour": [P["A"] / (1_040 / 60), P["B"] / (3_560 / 60), 700.0],
        "breakeven_price_rise": [NAN, -P["B"] / 10_000, NAN],    # only the loss maker
        "breakeven_cts_cut": [NAN, -P["B"], NAN],
        "price_realization": [0.96, 1.0, 0.95],                  # NR / revenue
        "cts_ratio": [2_450 / 48_000, 0.41, 500 / 19_000],
        "freed_hours": [1_040 / 60, 3_560 / 60, 5.0],
        "profit_rank": [1, 3, 2],
    }, c.index)
    assert c.loc["A", "reasons"] == ["pays 15 days late"]
    assert c.loc["B", "reasons"] == ["net margin -24.5% (target 10%)",
                                     "pays 60 days late; bad debt of 100 (1.0% of revenue)",
                                     "cost-to-serve is 41% of net revenue"]
    assert c.loc["C", "reasons"] == ["no signal argues for exit"]
    assert c["action_reason"].to_dict() == {"A": "Platinum tier", "B": "score 98 and leaving gains 633 EUR per period",
                                            "C": "strategic client"}
    assert c["client_name"].to_dict() == {"A": "A", "B": "B", "C": "C"}   # blank names show the id


def test_whale_table_and_value_chain(a):
    w = a.whale
    assert list(w["rank"]) == [1, 2, 3] and list(w["client_id"]) == ["A", "C", "B"]
    assert list(w["client_name"]) == ["A", "C", "B"]
    np.testing.assert_allclose(w["net_profit"], [P["A"], P["C"], P["B"]])
    np.testing.assert_allclose(w["cumulative_profit"], [P["A"], P["A"] + P["C"], TOTAL_P])
    np.testing.assert_allclose(w["cumulative_profit_share"], [P["A"] / TOTAL_P, (P["A"] + P["C"]) / TOTAL_P, 1.0])
    vc = a.value_chain
    assert list(vc.index) == ["platinum", "gold", "iron", "lead"]
    frame_equal(vc, {
        "clients": [1, 0, 1, 1],
        "net_revenue": [48_000.0, 0.0, 19_000.0, 10_000.0],
        "cost_to_serve": [2_450.0, 0.0, 500.0, 4_100.0],
        "net_profit": [P["A"], 0.0, P["C"], P["B"]],
        "orders": [1_200.0, 0.0, 200.0, 600.0], "visits": [600.0, 0.0, 0.0, 900.0],
        "calls": [500.0, 0.0, 300.0, 2_000.0], "deliveries": [150.0, 0.0, 0.0, 600.0], "audit": [0.0] * 4,
    }, pd.Index(["platinum", "gold", "iron", "lead"], name="tier"))
    # the cost matrix: clients x activities
    assert a.cts.loc["B"].tolist() == [600.0, 900.0, 2_000.0, 600.0, 0.0]
    assert a.volumes.loc["C"].tolist() == [10.0, 0.0, 30.0, 0.0, 0.0]


def test_reconciliation_dict(a):
    r = a.reconciliation
    want = {"clients_net_profit": TOTAL_P, "financing_cost": F_A + F_B, "unused_capacity_cost": 11_450.0,
            "unassigned_cost": 1_000.0, "model_operating_profit": 4_400.0, "revenue": 80_000.0,
            "discounts": 3_000.0, "cogs": 53_000.0, "bad_debt": 100.0,
            "activity_costs": 4_500.0,          # pools 2,000 + 1,000 and the visits charged at 150: 1,500
            "resource_costs": 15_000.0, "ledger_operating_profit": 4_400.0, "difference": 0.0}
    assert set(r) == set(want) | {"holds"}
    for k, v in want.items():
        assert r[k] == pytest.approx(v, abs=1e-9), k
    assert r["holds"] is True


def test_summary_dict(a):
    s = a.summary
    assert s["clients"] == 3 and s["activities"] == 5 and s["currency"] == "EUR"
    assert s["period_months"] == 12.0 and s["decision_date"] == DECISION
    assert s["revenue"] == 80_000.0 and s["net_revenue"] == 77_000.0 and s["cost_to_serve"] == 7_050.0
    assert s["net_profit"] == pytest.approx(TOTAL_P)
    assert s["loss_making_clients"] == 1 and s["losses"] == pytest.approx(P["B"])
    # the peak: after A and C, (P_A + P_C) / total = 115.3 %, two clients
    assert s["whale_peak_share"] == pytest.approx((P["A"] + P["C"]) / TOTAL_P)
    assert s["whale_peak_clients"] == 2 and s["whale_note"] is None
    assert s["tiers"] == {"platinum": 1, "gold": 0, "iron": 1, "lead": 1}
    assert s["actions"] == {"retain_grow": 1, "retain_strategic": 1, "terminate": 1}
    assert list(s["actions"]) == sorted(s["actions"])
    assert s["reconciliation_holds"] is True
    assert s["warnings"] == a.warnings and s["warnings"] is not a.warnings
    fig = s["exit_scenario"]
    want = {"leaving": 1, "profit_before": TOTAL_P, "profit_after": 13_683.561643835616 + 2_750.0,
            "recurring_change": 13_683.561643835616 + 2_750.0 - TOTAL_P, "penalties": 1_000.0,
            "change": -800 + F_B, "sum_drop_impact": -800 + F_B, "difference": 0.0, "financing_cost": F_B,
            "change_ledger": -800.0, "sum_drop_impact_ledger": -800.0, "respread_committed_cost": 2_000.0,
            "unabsorbed_committed_cost": 0.0, "freed_hours": 3_560 / 60, "freed_capacity_cost": 2_000.0}
    assert set(fig) == set(want) | {"new_lead_clients"}
    for k, v in want.items():
        assert fig[k] == pytest.approx(v, abs=1e-9), k
    assert fig["new_lead_clients"] == []


def test_scenario_stayers(a):
    st = a.scenario.clients
    assert list(st.columns) == ["client_id", "net_profit_after", "tier_after", "cumulative_profit_share_after"]
    assert list(st["client_id"]) == ["A", "C"]
    # after: A 13,683.56, C 2,750 (calls at 35); A first (platinum), C has 83 % before it: iron
    np.testing.assert_allclose(st["net_profit_after"], [13_683.561643835616, 2_750.0])
    assert list(st["tier_after"]) == ["platinum", "iron"]
    total = 13_683.561643835616 + 2_750.0
    np.testing.assert_allclose(st["cumulative_profit_share_after"], [13_683.561643835616 / total, 1.0])
    assert a.scenario.rates_after.to_dict() == pytest.approx(
        {"orders": 20.0, "visits": 150.0, "calls": 35.0, "deliveries": 15.0, "audit": 0.0})


def test_warnings_in_english_and_spanish(a):
    assert a.warnings == [
        "activity audit: cost pool 1,000.00 has no volume and is not assigned to any client",
        "activity calls is time-driven: its cost behaves like its resource Team (committed fixed), not "
        "\"variable\" as given on Activities (set the behaviour on Resources)"]
    es = analyze(hand_portfolio(), lang="es")
    assert es.warnings[0] == "actividad audit: el coste 1.000,00 no tiene volumen y no se asigna a ningún cliente"
    assert "fijo comprometido" in es.warnings[1]
    assert es.clients.set_index("client_id").loc["A", "reasons"] == ["paga con 15 días de retraso"]
    assert es.lang == "es" and a.lang == "en"


def test_plan_for_the_leaver_with_owners():
    clients = [dict(c) for c in CLIENTS]
    clients[1]["account_manager"] = "Ana"
    a = analyze(make_portfolio(clients, ACTIVITIES, _long(VOLUMES), RESOURCES, SETTINGS))
    plan = a.plan
    assert list(plan.columns) == PLAN_COLUMNS
    assert set(plan["client_id"]) == {"B"} and set(plan["status"]) == {"pending"} and set(plan["notes"]) == {""}
    assert plan["due_override"].isna().all()
    owners = dict(zip(plan["task"], zip(plan["owner"], plan["owner_name"])))
    assert owners == {"review_contract": ("account_manager", "Ana"), "internal_signoff": ("finance", ""),
                      "client_meeting": ("account_manager", "Ana"), "written_notice": ("account_manager", "Ana"),
                      "referrals": ("account_manager", "Ana"), "data_handover": ("operations", ""),
                      "pending_deliveries": ("operations", ""), "final_invoice": ("finance", ""),
                      "close_access": ("operations", ""), "lessons_learned": ("finance", "")}
    assert len(a.archive) == 0 and len(a.tourniquet) == 0


def _long(volumes):
    return [dict(zip(("client_id", "activity", "quantity"), v)) for v in volumes]


def test_no_decision_date_no_dates_no_plan_but_typed_tasks_are_archived():
    typed = pd.DataFrame([("B", "B", "review_contract", dt.date(2026, 1, 1), "account_manager", "", "done",
                           "called them", None)], columns=PLAN_COLUMNS)
    p = dataclasses.replace(hand_portfolio(), settings=dataclasses.replace(SETTINGS, decision_date=None),
                            plan=typed)
    a = analyze(p)
    assert a.clients["exit_date"].isna().all()
    assert a.warnings[-1] == "decision_date is not set: no exit dates or transition plan"
    assert len(a.plan) == 0
    assert a.archive[["client_id", "task", "status", "notes"]].values.tolist() == [
        ["B", "review_contract", "done", "called them"]]


def test_over_capacity_is_said_with_the_hours():
    res = [dict(RESOURCES[0], capacity_hours=40.0), RESOURCES[1]]     # 46.67 h of calls on 40 h
    a = analyze(make_portfolio(CLIENTS, ACTIVITIES, _long(VOLUMES), res, SETTINGS))
    assert "resource Team: 46.7 hours used exceed the 40.0 hours of capacity" in a.warnings
    t = a.resources.set_index("resource").loc["Team"]
    assert t["unused_hours"] == pytest.approx(40 - 2_800 / 60)
    # the calls rate: 12,000 / (40 h x 60) x 10 min = 50
    assert a.activities.loc["calls", "rate"] == pytest.approx(50.0)


def test_fixed_cutoffs_and_medians_from_settings():
    # a split book's settings: tiers by fixed profits, quadrants by fixed medians
    s = dataclasses.replace(SETTINGS, fixed_platinum_min_profit=5_000.0, fixed_gold_min_profit=3_000.0,
                            fixed_price_median=0.97, fixed_cost_median=0.03)
    a = analyze(dataclasses.replace(hand_portfolio(), settings=s))
    c = a.clients.set_index("client_id")
    # A 14,934 >= 5,000 platinum; C 3,500 >= 3,000 gold; B loses: lead
    assert c["tier"].to_dict() == {"A": "platinum", "B": "lead", "C": "gold"}
    # price 0.96 / 1.0 / 0.95 against 0.97; CTS ratio 0.051 / 0.41 / 0.026 against 0.03
    assert c["quadrant"].to_dict() == {"A": "aggressive", "B": "carriage_trade", "C": "bargain_basement"}
    assert a.quadrant_split == QuadrantSplit(0.97, 0.03)
    # only one of a pair fixed: computed as usual
    half = dataclasses.replace(SETTINGS, fixed_platinum_min_profit=5_000.0, fixed_price_median=0.97)
    b = analyze(dataclasses.replace(hand_portfolio(), settings=half))
    assert b.clients["tier"].tolist() == ["platinum", "lead", "iron"]
    assert b.quadrant_split == QuadrantSplit(0.96, 2_450 / 48_000)
    # a split given to analyze wins over the settings'
    c2 = analyze(dataclasses.replace(hand_portfolio(), settings=s), quadrant_split=QuadrantSplit(0.5, 0.5))
    assert c2.clients["quadrant"].tolist() == ["passive", "passive", "passive"]


def test_settings_argument_and_language_default():
    p = hand_portfolio()
    es = dataclasses.replace(SETTINGS, language="es", cost_of_capital=0.0)
    a = analyze(p, es)                      # settings given: they win over the portfolio's
    assert a.lang == "es" and a.settings is es
    assert a.clients["financing_cost"].tolist() == [0.0, 0.0, 0.0]
    assert a.clients.set_index("client_id").loc["C", "reasons"] == ["ninguna señal aconseja la salida"]


def test_volume_matrix_sums_and_refuses_unknowns():
    p = make_portfolio(CLIENTS, ACTIVITIES, _long(VOLUMES + [("A", "orders", 5.0)]), RESOURCES, SETTINGS)
    m = p.volume_matrix()
    assert list(m.index) == ["A", "B", "C"] and list(m.columns) == [a["activity"] for a in ACTIVITIES]
    assert m.index.name == "client_id" and m.columns.name == "activity"
    assert m.loc["A", "orders"] == 65.0 and m.loc["C", "deliveries"] == 0.0
    bad = make_portfolio(CLIENTS, ACTIVITIES, _long(VOLUMES + [("Z", "orders", 1.0), ("A", "golf", 1.0)]),
                         RESOURCES, SETTINGS)
    with pytest.raises(InputError) as ei:
        bad.volume_matrix()
    assert [str(x) for x in ei.value.problems] == ["Volumes name unknown client 'Z'",
                                                   "Volumes name unknown activity 'golf'"]
    empty = make_portfolio(CLIENTS, ACTIVITIES, pd.DataFrame(columns=["client_id", "activity", "quantity"]))
    assert empty.volume_matrix().to_numpy().sum() == 0.0 and empty.volume_matrix().shape == (3, 5)


def test_make_portfolio_fills_and_converts():
    p = make_portfolio([{"client_id": 7, "revenue": "100", "cogs": 50, "contract_end": dt.datetime(2027, 1, 2, 9)},
                        {"client_id": "X", "revenue": 10.0, "cogs": 5.0, "strategic": True,
                         "client_name": "Xeno"}],
                       [{"activity": "a", "rate": 2}],
                       [{"client_id": 7, "a": 3}, {"client_id": "X", "a": None}])
    c = p.clients.set_index("client_id")
    assert list(c.index) == ["7", "X"]                                  # ids as text
    assert c.loc["7", "revenue"] == 100.0 and c["revenue"].dtype == float
    assert math.isnan(c.loc["7", "discounts"]) and math.isnan(c.loc["X", "values_alignment"])
    assert c["strategic"].tolist() == [False, True]
    assert c.loc["7", "contract_end"] == dt.date(2027, 1, 2) and c.loc["X", "contract_end"] is None
    assert c["client_name"].tolist() == ["7", "Xeno"]
    assert c.loc["7", "notes"] is None
    assert p.volumes.values.tolist() == [["7", "a", 3.0], ["X", "a", 0.0]]   # wide -> long, blank = 0
    assert p.activities["behavior"].tolist() == [None] and p.resources.empty
    assert p.settings.decision_date is None
