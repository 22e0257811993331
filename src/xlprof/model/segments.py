"""Portfolio views: whale curve, customer pyramid tiers, Shapiro quadrants.

Ties in any sort are broken by ``client_id`` so results never depend on row order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TIERS = ("platinum", "gold", "iron", "lead")
QUADRANTS = ("passive", "carriage_trade", "bargain_basement", "aggressive", "na")


# Comparisons use amounts rounded to a millionth and ratios to 1e-12, so that rounding noise
# from a different summation order (activities listed in another order) never changes a
# ranking, a tier or a quadrant.
AMOUNT_DECIMALS = 6
RATIO_DECIMALS = 12


def profit_order(profit, ids) -> np.ndarray:
    """Indices sorting clients by profit descending, ties by client_id ascending."""
    p = np.round(np.asarray(profit, dtype=float), AMOUNT_DECIMALS)
    keys = np.asarray(ids, dtype=object).astype(str)
    # np.lexsort sorts by the last key first.
    return np.lexsort((keys, -p))


@dataclass(frozen=True)
class WhaleCurve:
    order: np.ndarray            # client positions, most profitable first
    cumulative_share: np.ndarray  # per client (original order); NaN when total profit <= 0
    total_profit: float
    peak_share: float            # NaN when total profit <= 0
    peak_clients: int            # clients up to and including the peak


def whale_curve(profit, ids) -> WhaleCurve:
    """Cumulative profit including each client / total profit, clients sorted by P desc."""
    p = np.asarray(profit, dtype=float)
    order = profit_order(p, ids)
    total = float(p.sum())
    share = np.full(p.shape, np.nan)
    if total > 0 and p.size:
        cum = np.cumsum(p[order]) / total
        share[order] = cum
        k = int(np.argmax(cum))
        return WhaleCurve(order, share, total, float(cum[k]), k + 1)
    return WhaleCurve(order, share, total, float("nan"), 0)


def tiers_from_cutoffs(profit, platinum_min: float, gold_min: float) -> np.ndarray:
    """Tiers by fixed profit cut-offs (a split book carries its portfolio's): ``lead`` for
    P < 0, ``platinum`` from ``platinum_min``, ``gold`` from ``gold_min``, else ``iron``."""
    p = np.round(np.asarray(profit, dtype=float), AMOUNT_DECIMALS)
    out = np.where(p >= platinum_min, "platinum", np.where(p >= gold_min, "gold", "iron")).astype(object)
    out[p < 0] = "lead"
    return out


def tier_cutoffs(profit, tiers) -> tuple[float, float]:
    """The lowest profit of the Platinum and of the Gold tier (inf when a tier is empty)."""
    p = np.round(np.asarray(profit, dtype=float), AMOUNT_DECIMALS)
    t = np.asarray(tiers, dtype=object)
    plat = p[t == "platinum"]
    gold = p[t == "gold"]
    plat_min = float(plat.min()) if plat.size else float("inf")
    gold_min = float(gold.min()) if gold.size else plat_min
    return plat_min, gold_min


def assign_tiers(profit, ids, *, platinum: float = 0.5, gold: float = 0.8) -> np.ndarray:
    """``lead`` for P < 0; the others, sorted by P desc, by the cumulative share of positive
    profit reached *before* them: < platinum -> ``platinum``, < gold -> ``gold``, else ``iron``."""
    p = np.round(np.asarray(profit, dtype=float), AMOUNT_DECIMALS)
    tiers = np.full(p.shape, "lead", dtype=object)
    order = [i for i in profit_order(p, ids) if p[i] >= 0]
    positive_total = float(p[p > 0].sum())
    before = 0.0
    for i in order:
        share = before / positive_total if positive_total > 0 else 1.0
        tiers[i] = "platinum" if share < platinum else "gold" if share < gold else "iron"
        before += p[i]
    return tiers


@dataclass(frozen=True)
class QuadrantSplit:
    price_median: float
    cost_median: float


def quadrant_medians(price_realization, cts_ratio, nr) -> QuadrantSplit:
    """Medians of price realization and CTS/NR over the clients with NR > 0."""
    ok = np.asarray(nr, dtype=float) > 0
    if not ok.any():
        return QuadrantSplit(float("nan"), float("nan"))
    return QuadrantSplit(float(np.median(np.asarray(price_realization, float)[ok])),
                         float(np.median(np.asarray(cts_ratio, float)[ok])))


def assign_quadrants(price_realization, cts_ratio, nr, split: QuadrantSplit | None = None) -> np.ndarray:
    """Shapiro matrix; at or above the median counts as high; NR <= 0 -> ``na``."""
    pr = np.round(np.asarray(price_realization, dtype=float), RATIO_DECIMALS)
    cr = np.round(np.asarray(cts_ratio, dtype=float), RATIO_DECIMALS)
    ok = np.asarray(nr, dtype=float) > 0
    split = split or quadrant_medians(pr, cr, nr)
    high_price = pr >= np.round(split.price_median, RATIO_DECIMALS)
    high_cost = cr >= np.round(split.cost_median, RATIO_DECIMALS)
    out = np.where(high_price, np.where(high_cost, "carriage_trade", "passive"),
                   np.where(high_cost, "aggressive", "bargain_basement")).astype(object)
    out[~ok] = "na"
    return out
