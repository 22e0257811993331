"""Split books' fixed cut-offs, by hand."""

import numpy as np

from xlprof.model.segments import assign_tiers, tier_cutoffs, tiers_from_cutoffs


def test_tiers_from_cutoffs_by_hand():
    # Platinum from 50, Gold from 10, Iron below, Lead when negative.
    p = [100.0, 50.0, 49.99, 10.0, 0.0, -5.0]
    assert list(tiers_from_cutoffs(p, 50.0, 10.0)) == ["platinum", "platinum", "gold", "gold", "iron", "lead"]


def test_cutoffs_reproduce_the_portfolio_tiers():
    # Profits 60, 30, 20, 10, -10: positive total 120; before each: 0, 60 (50 %), 90 (75 %),
    # 110 (91.7 %) -> platinum, gold, gold, iron, lead.
    p = np.array([60.0, 30.0, 20.0, 10.0, -10.0])
    ids = ["a", "b", "c", "d", "e"]
    tiers = assign_tiers(p, ids)
    assert list(tiers) == ["platinum", "gold", "gold", "iron", "lead"]
    plat, gold = tier_cutoffs(p, tiers)
    assert (plat, gold) == (60.0, 20.0)
    assert list(tiers_from_cutoffs(p[[1, 3]], plat, gold)) == ["gold", "iron"]


def test_empty_tiers_give_infinite_cutoffs():
    plat, gold = tier_cutoffs([-1.0, -2.0], ["lead", "lead"])
    assert plat == float("inf") and gold == float("inf")


def _two_group_portfolio():
    """Team: 6,000 for 100 h, salaried (behaviour blank = committed); calls 6 min -> 6 each.
    ship: variable, 1 per unit. Ana has L (leaves) and A; Bob has M (leaves) and B.

    L: 10,000 - 9,000 - (300 calls 1,800 + ship 1,000) = -1,800; ratings 1; penalty 400.
       drop impact -10,000 + 9,000 + ship 1,000 - 400 = -400; exit gain -400 + 30 h x 50 = 1,100
    M: 10,000 - 9,500 - (100 calls 600 + ship 2,000) = -2,100; ratings 1; no penalty.
       drop impact -10,000 + 9,500 + 2,000 = 1,500; exit gain 1,500 + 10 h x 50 = 2,000
    A: 20,000 - 12,000 - (200 calls 1,200 + ship 500) = 6,300;  B: 15,000 - 9,000 - 400 calls 2,400 = 3,600.
    """
    import datetime as dt

    import pandas as pd

    from xlprof.model.analysis import make_portfolio
    from xlprof.settings import Settings

    ones = dict(values_alignment=1, communication=1, needs_fit=1, respect_of_terms=1)
    clients = [dict(client_id="L", account_manager="Ana", revenue=10_000.0, cogs=9_000.0, exit_penalty=400.0, **ones),
               dict(client_id="A", account_manager="Ana", revenue=20_000.0, cogs=12_000.0),
               dict(client_id="M", account_manager="Bob", revenue=10_000.0, cogs=9_500.0, **ones),
               dict(client_id="B", account_manager="Bob", revenue=15_000.0, cogs=9_000.0)]
    acts = [{"activity": "calls", "behavior": "committed_fixed", "resource": "Team", "minutes_per_unit": 6.0},
            {"activity": "ship", "behavior": "variable", "rate": 1.0}]
    vols = pd.DataFrame([("L", "calls", 300), ("L", "ship", 1_000), ("A", "calls", 200), ("A", "ship", 500),
                         ("M", "calls", 100), ("M", "ship", 2_000), ("B", "calls", 400)],
                        columns=["client_id", "activity", "quantity"])
    res = [{"resource": "Team", "cost": 6_000.0, "capacity_hours": 100.0}]
    s = Settings(decision_date=dt.date(2026, 3, 2), capacity_constrained=True, value_per_freed_hour=50.0)
    return make_portfolio(clients, acts, vols, res, s)


def test_split_scenario_is_the_groups_exits_and_reconciles():
    # portfolio: L and M leave; change -400 + 1,500 = 1,100 (penalty 400 apart: recurring 1,500)
    # Ana's book: only L -> change -400, recurring 0, penalty 400; Bob's: only M -> 1,500
    from xlprof.model import analyze
    from xlprof.model.split import split_portfolio_analysis

    p = _two_group_portfolio()
    a = analyze(p)
    c = a.clients.set_index("client_id")
    assert list(c.loc[["L", "M"], "drop_impact"]) == [-400.0, 1_500.0]
    assert list(c.loc[["L", "M"], "action"]) == ["terminate", "terminate"]
    assert a.scenario.change == 1_100.0 and a.scenario.recurring_change == 1_500.0
    for ids, change, recurring, penalties, respread in (
            (["L", "A"], -400.0, 0.0, 400.0, 1_800.0),     # L's 300 calls x 6 re-spread
            (["M", "B"], 1_500.0, 1_500.0, 0.0, 600.0)):   # M's 100 calls x 6
        sub, sub_p = split_portfolio_analysis(a, p, ids)
        sc = sub.scenario
        assert sc.leaving == [ids[0]]
        assert sc.profit_before == sub.clients["net_profit"].sum()   # the group's own profit before
        assert (sc.change, sc.recurring_change, sc.penalties) == (change, recurring, penalties)
        assert sc.sum_drop_impact == change and sc.difference == 0.0
        assert sc.respread_committed_cost == respread and sc.unabsorbed_committed_cost == 0.0
        # the split book's inputs keep the behaviour the time-driven activity took from its resource
        assert sub_p.activities.set_index("activity")["behavior"].to_dict() == {
            "calls": "committed_fixed", "ship": "variable"}
        again = analyze(sub_p).clients.set_index("client_id")
        for col in ("drop_impact", "drop_impact_ledger", "freed_hours"):
            assert list(again.loc[ids, col]) == list(c.loc[ids, col]), col
