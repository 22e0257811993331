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
