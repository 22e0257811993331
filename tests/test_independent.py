"""Independent expectations: one small portfolio worked out by hand (every figure with its
arithmetic), checked against ``analyze()`` *and* against the plain-Python reference of
tests/_reference.py; then ``analyze()`` against the reference on the demo portfolios.

The reference is what the Excel-function tests (test_udfs.py, test_udf_properties.py) and
the random-portfolio property (test_properties.py) compare with; the hand-worked example
here keeps the reference itself honest.
"""

from __future__ import annotations

import datetime as dt
import math
import subprocess
import sys
from pathlib import Path

import pytest

import _reference as R
from xlprof.model.analysis import analyze, make_portfolio
from xlprof.settings import SIGNALS, Settings

HERE = Path(__file__).resolve().parent
DECISION = dt.date(2026, 3, 2)

# Team: 12,000 for 200 h = 12,000 minutes -> 1 per minute, behaviour blank = committed fixed.
# Courier: 3,000 for 100 h = 6,000 minutes -> 0.5 per minute, variable (paid per minute).
RESOURCES = [{"resource": "Team", "cost": 12_000.0, "capacity_hours": 200.0},
             {"resource": "Courier", "cost": 3_000.0, "capacity_hours": 100.0, "behavior": "variable"}]
ACTIVITIES = [
    {"activity": "orders", "cost_pool": 2_000.0, "behavior": "variable"},          # 2,000 / 100 = 20
    {"activity": "visits", "rate": 150.0, "behavior": "avoidable_fixed", "minutes_per_unit": 60.0},
    # given "variable", but a time-driven activity takes its resource's behaviour: committed
    {"activity": "calls", "resource": "Team", "minutes_per_unit": 10.0, "behavior": "variable"},  # 10
    {"activity": "deliveries", "resource": "Courier", "minutes_per_unit": 30.0, "behavior": "variable"},  # 15
    {"activity": "audit", "cost_pool": 1_000.0, "behavior": "committed_fixed"},     # nobody: unassigned
]
CLIENTS = [
    {"client_id": "A", "revenue": 50_000.0, "discounts": 2_000.0, "cogs": 30_000.0,
     "payment_terms_days": 30.0, "days_to_pay": 45.0, "notice_days": 30.0, "growth_potential": 3.0,
     "values_alignment": 4.0, "communication": 4.0, "needs_fit": 5.0},
    {"client_id": "B", "revenue": 10_000.0, "cogs": 8_000.0, "payment_terms_days": 30.0, "days_to_pay": 90.0,
     "bad_debt": 100.0, "contract_end": dt.date(2027, 3, 1), "notice_days": 60.0, "exit_penalty": 1_000.0,
     "growth_potential": 1.0, "values_alignment": 1.0, "communication": 2.0, "needs_fit": 1.0,
     "respect_of_terms": 1.0},
    {"client_id": "C", "revenue": 20_000.0, "discounts": 1_000.0, "cogs": 15_000.0, "strategic": True},
]
VOLUMES = [("A", "orders", 60.0), ("A", "visits", 4.0), ("A", "calls", 50.0), ("A", "deliveries", 10.0),
           ("B", "orders", 30.0), ("B", "visits", 6.0), ("B", "calls", 200.0), ("B", "deliveries", 40.0),
           ("C", "orders", 10.0), ("C", "calls", 30.0)]
SETTINGS = Settings(decision_date=DECISION, cost_of_capital=0.10, capacity_constrained=True,
                    value_per_freed_hour=20.0)

F_A = 50_000 * 45 * 0.10 / 365          # 616.44
F_B = 10_000 * 90 * 0.10 / 365          # 246.58
HAND = {
    # CTS: A 60x20 + 4x150 + 50x10 + 10x15 = 1,200 + 600 + 500 + 150 = 2,450
    #      B 30x20 + 6x150 + 200x10 + 40x15 = 600 + 900 + 2,000 + 600 = 4,100;  C 10x20 + 30x10 = 500
    "cost_to_serve": {"A": 2_450.0, "B": 4_100.0, "C": 500.0},
    # avoidable (orders, visits, deliveries; calls are committed): A 1,950, B 2,100, C 200
    "avoidable_cost_to_serve": {"A": 1_950.0, "B": 2_100.0, "C": 200.0},
    "freed_capacity_cost": {"A": 500.0, "B": 2_000.0, "C": 300.0},       # the calls
    "net_revenue": {"A": 48_000.0, "B": 10_000.0, "C": 19_000.0},
    "gross_margin": {"A": 18_000.0, "B": 2_000.0, "C": 4_000.0},
    "financing_cost": {"A": F_A, "B": F_B, "C": 0.0},
    # P: A 18,000 - 2,450 - 616.44 = 14,933.56;  B 2,000 - 4,100 - 246.58 - 100 = -2,446.58;  C 3,500
    "net_profit": {"A": 18_000 - 2_450 - F_A, "B": 2_000 - 4_100 - F_B - 100, "C": 3_500.0},
    # minutes: A 4x60 + 50x10 + 10x30 = 1,040;  B 360 + 2,000 + 1,200 = 3,560;  C 300
    "service_hours": {"A": 1_040 / 60, "B": 3_560 / 60, "C": 5.0},
    # A 100 x (1.5 x 0.25 + 0.25 + 0.25) / 9 (needs fit 5 -> 0, respect blank);
    # B 100 x (3 + 1.5 + 1.5 + 1 + 0.75 + 1 + 1) / 10;  C 0 over profitability and burden only
    "score": {"A": 87.5 / 9, "B": 97.5, "C": 0.0},
    "score_coverage": {"A": 0.9, "B": 1.0, "C": 0.45},
    # ledger: -NR + cogs + avoidable + bad debt - penalty;  economic: + F
    "drop_impact_ledger": {"A": -48_000 + 30_000 + 1_950.0, "B": -10_000 + 8_000 + 2_100 + 100 - 1_000.0,
                           "C": -19_000 + 15_000 + 200.0},
    "drop_impact": {"A": -16_050 + F_A, "B": -800 + F_B, "C": -3_800.0},
    # capacity constrained: + freed hours x 20
    "exit_gain": {"A": -16_050 + F_A + 1_040 / 60 * 20, "B": -800 + F_B + 3_560 / 60 * 20,
                  "C": -3_800 + 100.0},
}
# total P = 15,986.99: A 14,933.56 / 15,986.99; then C; then B (a loss) back to 1
TOTAL_P = 18_000 - 2_450 - F_A + 2_000 - 4_100 - F_B - 100 + 3_500
HAND_SHARE = {"A": (18_000 - 2_450 - F_A) / TOTAL_P, "C": (18_000 - 2_450 - F_A + 3_500) / TOTAL_P, "B": 1.0}
HAND_SIGNALS = {
    # A: margin 31 % -> 0; 15 days late -> 0.25; CTS/NR 5.1 % -> 0; ratings 4, 4, 5, blank
    "A": [0.0, 0.25, 0.0, 0.25, 0.25, 0.0, math.nan],
    # B: margin -24.5 % -> 1; 60 days late -> 1 (bad debt 1 % -> 0.5); CTS/NR 41 % -> 1; 1, 2, 1, 1
    "B": [1.0, 1.0, 1.0, 1.0, 0.75, 1.0, 1.0],
    # C: margin 18 % -> 0; no payment data; CTS/NR 2.6 % -> 0; no ratings
    "C": [0.0, math.nan, 0.0, math.nan, math.nan, math.nan, math.nan],
}
# tiers: positive P 18,433.56; A first (0 before: platinum); C has 81 % before it (>= 80 %): iron
# quadrants: price realization 0.96, 1.0, 0.95 (median 0.96); CTS/NR 0.051, 0.41, 0.026 (median 0.051)
# actions: A platinum -> retain_grow; B score 97.5, coverage 1, exit gain 633 > 0 -> terminate;
# C strategic. Exit dates: notice 2026-03-16; A + 30 d = 2026-04-15; C no notice days: 2026-03-16;
# B earliest 2026-05-15, contract end 2027-03-01 is 290 days = 9.53 months later; the gain lost by
# waiting is (-553.42 + 1,000 penalty) / 12 = 37.21 a month x 9.53 = 354.81 < 1,000: wait.
HAND_CODES = {
    "tier": {"A": "platinum", "B": "lead", "C": "iron"},
    "quadrant": {"A": "carriage_trade", "B": "carriage_trade", "C": "bargain_basement"},
    "action": {"A": "retain_grow", "B": "terminate", "C": "retain_strategic"},
    "exit_date": {"A": dt.date(2026, 4, 15), "B": dt.date(2027, 3, 1), "C": dt.date(2026, 3, 16)},
    # only signals that argue for exit; A's ratings of 4 and 5 argue for staying
    "reason_codes": {"A": ["payment"], "B": ["profitability", "payment", "service_burden"], "C": []},
}


def hand_portfolio():
    return make_portfolio(CLIENTS, ACTIVITIES, [dict(zip(("client_id", "activity", "quantity"), v))
                                                for v in VOLUMES], RESOURCES, SETTINGS)


def _close(got, want):
    if isinstance(want, float) and math.isnan(want):
        return isinstance(got, float) and math.isnan(got)
    return got == pytest.approx(want, rel=1e-12, abs=1e-9)


def test_reference_against_the_hand_worked_portfolio():
    ref = R.analyse(CLIENTS, ACTIVITIES, VOLUMES, RESOURCES, SETTINGS)
    assert {n: a.rate for n, a in ref.rates.items()} == {
        "orders": 20.0, "visits": 150.0, "calls": 10.0, "deliveries": 15.0, "audit": 0.0}
    for col, values in HAND.items():
        for cid, want in values.items():
            assert _close(getattr(ref.clients[cid], col), want), (col, cid)
    for cid, want in HAND_SHARE.items():
        assert _close(ref.clients[cid].cumulative_profit_share, want), cid
    for cid, sig in HAND_SIGNALS.items():
        assert all(_close(ref.clients[cid].signals[k], v) for k, v in zip(SIGNALS, sig)), cid
    for col, values in HAND_CODES.items():
        assert {cid: getattr(ref.clients[cid], col) for cid in values} == values, col
    # reconciliation: sum (rev - disc - cogs - bad debt) 18,000 + 1,900 + 4,000 = 23,900; minus pools
    # 2,000 + 1,000, minus visits at a given rate 10 x 150 = 1,500, minus resources 15,000: 4,400
    assert ref.ledger_operating_profit == pytest.approx(4_400.0)
    assert ref.unassigned == 1_000.0
    # unused capacity: Team 12,000 - 280 calls x 10 = 9,200; Courier 3,000 - 50 x 15 = 2,250
    assert ref.unused_capacity == pytest.approx({"Team": 9_200.0, "Courier": 2_250.0})
    assert ref.used_hours == pytest.approx({"Team": 2_800 / 60, "Courier": 1_500 / 60})


def test_analyze_against_the_hand_worked_portfolio():
    a = analyze(hand_portfolio())
    c = a.clients.set_index("client_id")
    assert a.activities["rate"].to_dict() == pytest.approx(
        {"orders": 20.0, "visits": 150.0, "calls": 10.0, "deliveries": 15.0, "audit": 0.0})
    assert a.activities.loc["calls", "behavior"] == "committed_fixed"
    for col, values in HAND.items():
        for cid, want in values.items():
            assert _close(float(c.loc[cid, col]), want), (col, cid)
    for cid, want in HAND_SHARE.items():
        assert _close(float(c.loc[cid, "cumulative_profit_share"]), want), cid
    for cid, sig in HAND_SIGNALS.items():
        got = [float(c.loc[cid, f"signal_{k}"]) for k in SIGNALS]
        assert all(_close(g, v) for g, v in zip(got, sig)), (cid, got)
    for col, values in HAND_CODES.items():
        assert {cid: (list(c.loc[cid, col]) if col == "reason_codes" else c.loc[cid, col])
                for cid in values} == values, col
    r = a.reconciliation
    # clients (P + F): 15,550 - 2,200 + 3,500 = 16,850; unused 11,450; unassigned 1,000 -> 4,400
    assert r["clients_net_profit"] + r["financing_cost"] == pytest.approx(16_850.0)
    assert r["unused_capacity_cost"] == pytest.approx(11_450.0)
    assert r["unassigned_cost"] == pytest.approx(1_000.0)
    assert r["model_operating_profit"] == pytest.approx(4_400.0)
    assert r["ledger_operating_profit"] == pytest.approx(4_400.0)
    assert r["holds"]
    # exit scenario: B leaves; its 200 calls' committed cost 2,000 is re-spread: the calls rate
    # becomes 2,800 / 80 = 35. A: 18,000 - (1,200 + 600 + 1,750 + 150) - 616.44 = 13,683.56;
    # C: 4,000 - (200 + 1,050) = 2,750. Change = 16,433.56 - 15,986.99 - penalty 1,000 = -553.42,
    # B's drop impact.
    sc = a.scenario
    assert sc.leaving == ["B"]
    assert sc.rates_after["calls"] == pytest.approx(35.0)
    assert sc.respread_committed_cost == pytest.approx(2_000.0)
    assert sc.unabsorbed_committed_cost == 0.0
    after = sc.clients.set_index("client_id")["net_profit_after"].to_dict()
    assert after == pytest.approx({"A": 13_683.561643835616, "C": 2_750.0})
    assert sc.profit_after == pytest.approx(13_683.561643835616 + 2_750.0)
    assert sc.penalties == 1_000.0
    assert sc.change == pytest.approx(-800 + F_B)
    assert sc.freed_hours == pytest.approx(3_560 / 60)
    assert sc.freed_capacity_cost == pytest.approx(2_000.0)
    assert sc.new_lead_clients == []
    # the plan: ten tasks for B, due dates from the decision, notice and exit dates
    due = dict(zip(a.plan["task"], a.plan["due_date"]))
    assert due == {
        "review_contract": dt.date(2026, 3, 5), "internal_signoff": dt.date(2026, 3, 9),
        "client_meeting": dt.date(2026, 3, 14), "written_notice": dt.date(2026, 3, 16),
        "referrals": dt.date(2026, 3, 23), "data_handover": dt.date(2027, 2, 15),
        "pending_deliveries": dt.date(2027, 2, 22), "final_invoice": dt.date(2027, 3, 1),
        "close_access": dt.date(2027, 3, 2), "lessons_learned": dt.date(2027, 3, 31)}
    # unused capacity per resource, and the warning about calls' behaviour
    res = a.resources.set_index("resource")
    assert res["unused_capacity_cost"].to_dict() == pytest.approx({"Team": 9_200.0, "Courier": 2_250.0})
    assert any("calls" in w for w in a.warnings)


def _raw(p):
    return (p.clients.to_dict("records"), p.activities.to_dict("records"),
            list(p.volumes.itertuples(index=False, name=None)), p.resources.to_dict("records"), p.settings)


NUMBERS = ("net_revenue", "gross_margin", "cost_to_serve", "avoidable_cost_to_serve", "freed_capacity_cost",
           "financing_cost", "net_profit", "net_margin", "service_hours", "profit_per_hour",
           "breakeven_price_rise", "score", "score_coverage", "drop_impact_ledger", "drop_impact",
           "exit_gain", "cumulative_profit_share")


def assert_analysis_equals_reference(a, raw):
    ref = R.analyse(*raw)
    c = a.clients.set_index("client_id")
    assert sorted(c.index) == sorted(ref.clients)
    for cid, r in ref.clients.items():
        row = c.loc[cid]
        for col in NUMBERS:
            assert _close(float(row[col]), getattr(r, col)) or (
                float(row[col]) == pytest.approx(getattr(r, col), rel=1e-9, abs=1e-6)), (cid, col)
        assert (row["tier"], row["quadrant"], row["action"], row["exit_date"]) == (
            r.tier, r.quadrant, r.action, r.exit_date), cid
        assert list(row["reason_codes"]) == r.reason_codes, cid
    assert a.reconciliation["ledger_operating_profit"] == pytest.approx(ref.ledger_operating_profit)
    return ref


@pytest.mark.parametrize("n", [12, 300])
def test_demo_portfolio_equals_the_reference(n):
    from xlprof.demo import demo_portfolio

    p = demo_portfolio(n)
    a = analyze(p)
    assert_analysis_equals_reference(a, _raw(p))
    if n == 300:  # every action occurs, so every rule of the table was checked
        assert set(a.clients["action"]) >= {"terminate", "restructure", "renegotiate", "retain_grow",
                                            "maintain", "retain_strategic"}


def test_edge_portfolio_equals_the_reference():
    from test_workbook import edge_portfolio

    p = edge_portfolio()
    assert_analysis_equals_reference(analyze(p), _raw(p))


def test_reference_uses_nothing_from_the_model():
    code = ("import sys; sys.path.insert(0, %r); import _reference; "
            "print(sorted(m for m in sys.modules if m.startswith('xlprof') or m in ('numpy', 'pandas')))"
            % str(HERE))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
