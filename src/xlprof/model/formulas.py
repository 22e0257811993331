"""Element-wise formulas of design.md section 4, on numpy arrays.

Each function takes array-likes (or scalars) of equal length and returns float
arrays; NaN marks "no value" (a blank in a workbook, ``null`` in JSON). These are
the single implementation of every formula: the portfolio analysis, the Excel
functions and the tests all call them.
"""

from __future__ import annotations

import datetime as dt
from typing import Sequence

import numpy as np

from ..settings import DEFAULT_SETTINGS, SIGNALS, Settings

DAYS_PER_YEAR = 365.0


def _a(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


def _zero_nan(x) -> np.ndarray:
    a = _a(x)
    return np.where(np.isnan(a), 0.0, a)


def net_revenue(revenue, discounts=0.0) -> np.ndarray:
    """NR = revenue - discounts (blank discounts count as 0)."""
    return _a(revenue) - _zero_nan(discounts)


def gross_margin(revenue, cogs, discounts=0.0) -> np.ndarray:
    """GM = NR - cogs."""
    return net_revenue(revenue, discounts) - _a(cogs)


def pool_rates(cost_pools, total_volumes) -> np.ndarray:
    """ABC rate = cost pool / total volume; NaN where the volume is 0 (nothing to assign to)."""
    pools, vols = _a(cost_pools), _a(total_volumes)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(vols > 0, pools / np.where(vols > 0, vols, 1.0), np.nan)


def time_driven_rates(resource_cost, capacity_hours, minutes_per_unit) -> np.ndarray:
    """TDABC rate = resource cost / (capacity hours x 60) x minutes per unit; NaN without capacity."""
    cost, cap, minutes = _a(resource_cost), _a(capacity_hours), _a(minutes_per_unit)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_minute = np.where(cap > 0, cost / (np.where(cap > 0, cap, 1.0) * 60.0), np.nan)
    return per_minute * minutes


def over_capacity(used_hours, capacity_hours) -> np.ndarray:
    """True where the hours used exceed the capacity by more than rounding: more than
    half a hundredth of an hour or a billionth of the capacity, whichever is larger (so a
    resource used exactly to capacity, up to floating-point noise such as 5.7e-14 h, is
    not over it). Shapes broadcast; hours."""
    used, cap = _a(used_hours), _a(capacity_hours)
    return used - cap > np.maximum(0.005, 1e-9 * np.abs(cap))


def cost_to_serve(volumes, rates) -> np.ndarray:
    """CTS_i = sum_j volume_ij x rate_j; volumes is clients x activities, blanks count 0."""
    v = _zero_nan(np.atleast_2d(_a(volumes)))
    r = _zero_nan(_a(rates).reshape(-1))
    if v.shape[1] != r.shape[0]:
        raise ValueError(f"{v.shape[1]} activity columns but {r.shape[0]} rates")
    return v @ r


def financing_cost(revenue, days_to_pay, cost_of_capital) -> np.ndarray:
    """F = revenue x days-to-pay x annual cost of capital / 365 (blank days count 0)."""
    return _a(revenue) * _zero_nan(days_to_pay) * _a(cost_of_capital) / DAYS_PER_YEAR


def net_profit(revenue, cogs, cts, discounts=0.0, financing=0.0, bad_debt=0.0) -> np.ndarray:
    """P = GM - CTS - F - bad debt."""
    return (gross_margin(revenue, cogs, discounts) - _zero_nan(cts) - _zero_nan(financing)
            - _zero_nan(bad_debt))


def ratio_if_positive(numerator, denominator) -> np.ndarray:
    """numerator / denominator where denominator > 0, else NaN."""
    num, den = _a(numerator), _a(denominator)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def net_margin(profit, nr) -> np.ndarray:
    """P / NR; NaN when NR <= 0."""
    return ratio_if_positive(profit, nr)


def service_hours(volumes, minutes_per_unit) -> np.ndarray:
    """sum_j volume_ij x minutes_j / 60 (activities without minutes count 0)."""
    return cost_to_serve(volumes, minutes_per_unit) / 60.0


def breakeven_price_rise(profit, nr) -> np.ndarray:
    """For P < 0: -P / NR (the price increase that brings P to 0); NaN otherwise or NR <= 0."""
    p = _a(profit)
    return np.where(p < 0, ratio_if_positive(-p, nr), np.nan)


def breakeven_cts_cut(profit) -> np.ndarray:
    """For P < 0: -P; NaN otherwise."""
    p = _a(profit)
    return np.where(p < 0, -p, np.nan)


# --- signals (each in [0, 1], NaN = no data) -------------------------------------------
#
# Each signal is a clipped ramp whose start and width are Settings (design.md section 4);
# the defaults below are the Settings defaults.

_S = DEFAULT_SETTINGS


def _ramp(x, start, span) -> np.ndarray:
    """clip((x - start) / span, 0, 1); NaN stays NaN."""
    return np.clip((_a(x) - float(start)) / float(span), 0.0, 1.0)


def profitability_signal(profit, nr, target_net_margin=_S.target_net_margin,
                         margin_span=_S.margin_span) -> np.ndarray:
    """clip((target_net_margin - net margin) / margin_span, 0, 1); 1 when NR <= 0.

    Defaults: 10 % and 30 % (0 at a 10 % net margin, 1 at -20 %)."""
    m = net_margin(profit, nr)
    s = _ramp(-m, -float(target_net_margin), margin_span)
    return np.where(_a(nr) > 0, s, 1.0)


def late_payment_part(days_to_pay, payment_terms_days, late_days_span=_S.late_days_span) -> np.ndarray:
    """clip((days-to-pay - terms) / late_days_span, 0, 1); NaN when either day count is blank."""
    return _ramp(_a(days_to_pay) - _a(payment_terms_days), 0.0, late_days_span)


def bad_debt_part(bad_debt, revenue, bad_debt_span=_S.bad_debt_span) -> np.ndarray:
    """clip(bad debt / revenue / bad_debt_span, 0, 1); 0 without bad debt; 1 for bad debt
    on a revenue <= 0 (nothing to compare it with: it counts in full); NaN when bad debt
    is given but the revenue is blank."""
    debt, rev = _zero_nan(bad_debt), _a(revenue)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = _ramp(debt / np.where(rev > 0, rev, 1.0), 0.0, bad_debt_span)
    return np.where(debt > 0, np.where(rev > 0, share, np.where(np.isnan(rev), np.nan, 1.0)), 0.0)


def payment_signal(days_to_pay, payment_terms_days, bad_debt, revenue,
                   late_days_span=_S.late_days_span, bad_debt_span=_S.bad_debt_span) -> np.ndarray:
    """max(late-payment part, bad-debt part) (see :func:`late_payment_part` and
    :func:`bad_debt_part`). With a blank day count the bad debt alone decides when there
    is some; with neither the signal is NaN (no data).

    Defaults: 60 days late or bad debt of 2 % of revenue count in full; e.g. 30 days
    late -> 0.5, bad debt 500 on revenue 50,000 (1 %) -> 0.5."""
    late = late_payment_part(days_to_pay, payment_terms_days, late_days_span)
    debt = bad_debt_part(bad_debt, revenue, bad_debt_span)
    has_debt = _zero_nan(bad_debt) > 0
    return np.where(np.isnan(late), np.where(has_debt, debt, np.nan), np.fmax(late, debt))


def service_burden_signal(cts, nr, cts_floor=_S.cts_floor, cts_span=_S.cts_span) -> np.ndarray:
    """clip((CTS/NR - cts_floor) / cts_span, 0, 1); 1 when NR <= 0.

    Defaults: 10 % and 30 % (0 at a cost-to-serve of 10 % of net revenue, 1 at 40 %)."""
    ratio = ratio_if_positive(cts, nr)
    s = _ramp(ratio, cts_floor, cts_span)
    return np.where(_a(nr) > 0, s, 1.0)


def rating_signal(rating) -> np.ndarray:
    """(5 - rating) / 4 for a rating in [1, 5]; NaN when blank."""
    return (5.0 - _a(rating)) / 4.0


def termination_score(signals, weights: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Score = 100 x sum w s / sum w over signals with data; coverage = that sum w / all w.

    ``signals`` is clients x signals (NaN = no data); ``weights`` one per signal.
    Score is NaN when no weighted signal has data.
    """
    s = np.atleast_2d(_a(signals))
    w = _a(weights).reshape(-1)
    if s.shape[1] != w.shape[0]:
        raise ValueError(f"{s.shape[1]} signals but {w.shape[0]} weights")
    has = ~np.isnan(s)
    w_data = has @ w
    total = w.sum()
    num = np.where(has, s, 0.0) @ w
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where(w_data > 0, 100.0 * num / np.where(w_data > 0, w_data, 1.0), np.nan)
        coverage = w_data / total if total > 0 else np.zeros_like(w_data)
    return score, coverage


def signal_matrix(profit, nr, cts, days_to_pay, payment_terms_days, bad_debt, ratings, revenue,
                  settings: Settings = DEFAULT_SETTINGS) -> np.ndarray:
    """clients x 7 signals in the order of :data:`xlprof.settings.SIGNALS`.

    ``ratings`` is clients x 4 (values alignment, communication, needs fit, respect of terms);
    the thresholds (target_net_margin ... cts_span) come from ``settings``.
    """
    s = settings
    r = np.atleast_2d(_a(ratings))
    cols = [
        profitability_signal(profit, nr, s.target_net_margin, s.margin_span),
        payment_signal(days_to_pay, payment_terms_days, bad_debt, revenue, s.late_days_span,
                       s.bad_debt_span),
        service_burden_signal(cts, nr, s.cts_floor, s.cts_span),
        *(rating_signal(r[:, k]) for k in range(r.shape[1])),
    ]
    out = np.column_stack(cols)
    assert out.shape[1] == len(SIGNALS)
    return out


# --- leaving ----------------------------------------------------------------------------


def drop_impact_ledger(nr, cogs, avoidable_cts, bad_debt=0.0, exit_penalty=0.0) -> np.ndarray:
    """The change in the period's operating profit the ledger shows if the client leaves
    (positive = better): -NR + cogs + bad debt + avoidable CTS - exit penalty.

    ``avoidable_cts`` is the cost of the activities whose cost goes with the client
    (behaviour ``variable`` or ``avoidable_fixed``; a time-driven activity takes its
    resource's behaviour). The exit penalty is one-off and counted in full."""
    return (-_a(nr) + _a(cogs) + _zero_nan(avoidable_cts) + _zero_nan(bad_debt)
            - _zero_nan(exit_penalty))


def drop_impact(nr, cogs, avoidable_cts, financing=0.0, bad_debt=0.0, exit_penalty=0.0) -> np.ndarray:
    """The economic drop impact: :func:`drop_impact_ledger` + F (the financing cost of the
    client's receivables, an imputed cost that is not in the ledger)."""
    return drop_impact_ledger(nr, cogs, avoidable_cts, bad_debt, exit_penalty) + _zero_nan(financing)


def exit_gain(drop, freed_hours, capacity_constrained: bool, value_per_freed_hour: float) -> np.ndarray:
    """Drop impact plus freed hours x value per hour when capacity is constrained."""
    d = _a(drop)
    if capacity_constrained:
        return d + _zero_nan(freed_hours) * float(value_per_freed_hour)
    return d


def notice_date(decision_date: dt.date, lead_days: int) -> dt.date:
    return decision_date + dt.timedelta(days=int(lead_days))


def exit_date(
    decision_date: dt.date,
    notice_days: float | None,
    contract_end: dt.date | None,
    *,
    exit_penalty: float = 0.0,
    monthly_gain: float = 0.0,
    lead_days: int = 14,
) -> dt.date:
    """Earliest exit = notice date + notice days. If the contract ends later, leave early
    only when the penalty is smaller than the gain lost by waiting (monthly gain x months
    to contract end, months = days x 12 / 365); otherwise at contract end."""
    notice = notice_date(decision_date, lead_days)
    days = 0 if notice_days is None or np.isnan(notice_days) else int(round(notice_days))
    earliest = notice + dt.timedelta(days=days)
    if contract_end is None or contract_end <= earliest:
        return earliest
    months_left = (contract_end - earliest).days * 12.0 / DAYS_PER_YEAR
    penalty = 0.0 if exit_penalty is None or np.isnan(exit_penalty) else float(exit_penalty)
    if penalty < monthly_gain * months_left:
        return earliest
    return contract_end
