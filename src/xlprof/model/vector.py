"""Per-client model functions over raw input columns, for callers holding columns.

The Excel functions (:mod:`xlprof.udfs`) receive a cell or a column per input
rather than a portfolio. These functions take those inputs as arrays (one
element per client; NaN = blank) and return the same results the portfolio
analysis computes, by composing :mod:`~xlprof.model.formulas`,
:mod:`~xlprof.model.scoring` and :mod:`~xlprof.model.segments` -- nothing here
has a formula of its own. :func:`xlprof.model.analyze` and these functions agree
by construction (and the tests check it).
"""

from __future__ import annotations

import datetime as dt
from typing import Sequence

import numpy as np

from ..settings import DEFAULT_SETTINGS, RATING_SIGNALS, SIGNALS, Settings
from . import formulas as F
from .scoring import recommend_action, top_reasons
from .segments import QuadrantSplit, assign_quadrants, quadrant_medians

#: The default signal weights, in the order of :data:`xlprof.settings.SIGNALS`.
DEFAULT_WEIGHTS: tuple[float, ...] = tuple(DEFAULT_SETTINGS.weights.values())


def _a(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


def _column(x, n: int) -> np.ndarray:
    """``x`` (a scalar or n values) as n floats."""
    return np.broadcast_to(_a(x).reshape(-1), (n,)) if np.size(x) == 1 else _a(x).reshape(-1)


def _objects(x) -> np.ndarray:
    """``x`` (a scalar or a sequence) as a flat object array."""
    return np.asarray(x, dtype=object).reshape(-1)


def _ratings(ratings, n: int) -> np.ndarray:
    """n x 4 ratings (NaN = not rated); None means no ratings at all."""
    if ratings is None:
        return np.full((n, len(RATING_SIGNALS)), np.nan)
    r = np.atleast_2d(_a(ratings))
    if r.shape[1] != len(RATING_SIGNALS):
        raise ValueError(f"ratings need {len(RATING_SIGNALS)} columns "
                         f"({', '.join(RATING_SIGNALS)}), got {r.shape[1]}")
    return np.broadcast_to(r, (n, r.shape[1])) if r.shape[0] == 1 else r


def _weights(weights) -> np.ndarray:
    w = np.asarray(DEFAULT_WEIGHTS if weights is None else weights, dtype=float).reshape(-1)
    if w.shape[0] != len(SIGNALS):
        raise ValueError(f"{len(SIGNALS)} weights needed ({', '.join(SIGNALS)}), got {w.shape[0]}")
    return w


def _size(*arrays) -> int:
    return max((int(np.size(a)) for a in arrays if a is not None), default=1)


def signals(profit, nr, cts, days_to_pay=np.nan, payment_terms_days=np.nan, bad_debt=0.0,
            ratings=None, *, revenue=None, settings: Settings = DEFAULT_SETTINGS) -> np.ndarray:
    """clients x 7 signals (order of :data:`~xlprof.settings.SIGNALS`) from raw inputs;
    scalars broadcast over the clients. ``revenue`` (gross, before discounts) is needed
    for the bad-debt share whenever a bad debt is given (ValueError otherwise); the
    thresholds come from ``settings``."""
    n = _size(profit, nr, cts, days_to_pay, payment_terms_days, bad_debt, revenue)
    if ratings is not None:
        n = max(n, np.atleast_2d(_a(ratings)).shape[0])
    debt = _column(bad_debt, n)
    if revenue is None:
        if np.any(np.nan_to_num(debt) > 0):
            raise ValueError("the payment signal needs the revenue when there is bad debt "
                             "(bad debt / revenue is compared with bad_debt_span)")
        revenue = np.nan
    return F.signal_matrix(_column(profit, n), _column(nr, n), _column(cts, n),
                           _column(days_to_pay, n), _column(payment_terms_days, n),
                           debt, _ratings(ratings, n), _column(revenue, n), settings)


def termination_scores(profit, nr, cts, days_to_pay=np.nan, payment_terms_days=np.nan,
                       bad_debt=0.0, ratings=None,
                       weights: Sequence[float] | None = None, *, revenue=None,
                       settings: Settings = DEFAULT_SETTINGS) -> tuple[np.ndarray, np.ndarray]:
    """(score 0-100, score_coverage) per client from the signals' raw inputs.

    ``ratings`` is clients x 4 (values alignment, communication, needs fit, respect of
    terms; NaN = not rated); ``weights`` one per signal in the order of ``SIGNALS``
    (default: the Settings defaults); ``revenue`` and the thresholds as in :func:`signals`.
    Same numbers as ``analyze``'s score columns.
    """
    sig = signals(profit, nr, cts, days_to_pay, payment_terms_days, bad_debt, ratings,
                  revenue=revenue, settings=settings)
    return F.termination_score(sig, _weights(weights))


def score_reasons(profit, nr, cts, days_to_pay=np.nan, payment_terms_days=np.nan, bad_debt=0.0,
                  ratings=None, weights: Sequence[float] | None = None,
                  lang: str = "en", *, revenue=None,
                  settings: Settings = DEFAULT_SETTINGS) -> list[list[str]]:
    """The top reasons (sentences) behind each client's termination score: only signals
    that argue for exit; a client with none gets one sentence that says so."""
    sig = signals(profit, nr, cts, days_to_pay, payment_terms_days, bad_debt, ratings,
                  revenue=revenue, settings=settings)
    n = sig.shape[0]
    w = dict(zip(SIGNALS, _weights(weights).tolist()))
    p, r, c = _column(profit, n), _column(nr, n), _column(cts, n)
    margin = F.net_margin(p, r)
    cts_ratio = F.ratio_if_positive(c, r)
    days, terms, debt = (_column(days_to_pay, n), _column(payment_terms_days, n),
                         _column(bad_debt, n))
    rat = _ratings(ratings, n)
    rev = _column(np.nan if revenue is None else revenue, n)
    out = []
    for i in range(n):
        facts = {"net_revenue": float(r[i]), "net_margin": float(margin[i]), "revenue": float(rev[i]),
                 "days_to_pay": float(days[i]), "payment_terms_days": float(terms[i]),
                 "bad_debt": float(debt[i]), "cts_ratio": float(cts_ratio[i]),
                 **{k: float(rat[i, j]) for j, k in enumerate(RATING_SIGNALS)}}
        out.append(top_reasons(sig[i], w, facts, lang, settings=settings)[1])
    return out


def recommend_actions(profit, nr, cts, exit_gain, score=np.nan, coverage=1.0, tier=None,
                      strategic=False, growth_potential=np.nan, *,
                      settings: Settings = DEFAULT_SETTINGS,
                      lang: str = "en") -> tuple[list[str], list[str]]:
    """(action codes, reasons) per client: the decision table of ``recommend_action``, with
    the service-burden signal and the break-even price rise derived from P, NR and CTS."""
    tiers, strat = _objects(tier), _objects(strategic)
    n = max(_size(profit, nr, cts, exit_gain, score, coverage, growth_potential),
            tiers.shape[0], strat.shape[0])
    p, r, c = _column(profit, n), _column(nr, n), _column(cts, n)
    burden = F.service_burden_signal(c, r, settings.cts_floor, settings.cts_span)
    rise = F.breakeven_price_rise(p, r)
    gain, sc, cov, grow = (_column(exit_gain, n), _column(score, n), _column(coverage, n),
                           _column(growth_potential, n))
    tiers = np.broadcast_to(tiers, (n,)) if tiers.shape[0] == 1 else tiers
    strat = np.broadcast_to(strat, (n,)) if strat.shape[0] == 1 else strat
    codes, why = [], []
    for i in range(n):
        code, reason = recommend_action(
            strategic=bool(strat[i]), score=float(sc[i]), coverage=float(cov[i]),
            exit_gain=float(gain[i]), profit=float(p[i]), growth_potential=float(grow[i]),
            service_burden=float(burden[i]), tier=tiers[i], settings=settings,
            breakeven_price_rise=float(rise[i]), lang=lang)
        codes.append(code)
        why.append(reason)
    return codes, why


def drop_impact(revenue, cogs, avoidable_cts, discounts=0.0, financing=0.0, bad_debt=0.0,
                exit_penalty=0.0) -> np.ndarray:
    """Economic drop impact from revenue and discounts (NR = revenue - discounts): the
    ledger figure + the financing cost."""
    return F.drop_impact(F.net_revenue(revenue, discounts), cogs, avoidable_cts, financing,
                         bad_debt, exit_penalty)


def drop_impact_ledger(revenue, cogs, avoidable_cts, discounts=0.0, bad_debt=0.0,
                       exit_penalty=0.0) -> np.ndarray:
    """The drop impact the ledger shows (no financing cost), from revenue and discounts."""
    return F.drop_impact_ledger(F.net_revenue(revenue, discounts), cogs, avoidable_cts, bad_debt,
                                exit_penalty)


def quadrants(revenue, cts, discounts=0.0,
              split: QuadrantSplit | None = None) -> tuple[np.ndarray, QuadrantSplit]:
    """Shapiro quadrant codes per client and the split used (the medians of these
    clients unless ``split`` is given)."""
    n = _size(revenue, cts, discounts)
    rev = _column(revenue, n)
    nr = F.net_revenue(rev, _column(discounts, n))
    price = F.ratio_if_positive(nr, rev)
    ratio = F.ratio_if_positive(_column(cts, n), nr)
    split = split or quadrant_medians(price, ratio, nr)
    return assign_quadrants(price, ratio, nr, split), split


def exit_dates(decision_date, notice_days=np.nan, contract_end=None, exit_penalty=0.0,
               monthly_gain=0.0, lead_days=DEFAULT_SETTINGS.notice_lead_days) -> list[dt.date]:
    """``formulas.exit_date`` per client; dates are ``datetime.date`` objects (or None for
    a blank contract end), scalars broadcast."""
    dd, ce = _objects(decision_date), _objects(contract_end)
    nd, pen, mg, lead = (_a(notice_days).reshape(-1), _a(exit_penalty).reshape(-1),
                         _a(monthly_gain).reshape(-1), _a(lead_days).reshape(-1))
    dd, ce, nd, pen, mg, lead = np.broadcast_arrays(dd, ce, nd, pen, mg, lead)
    return [F.exit_date(dd[i], float(nd[i]), ce[i], exit_penalty=float(pen[i]),
                        monthly_gain=float(mg[i]), lead_days=int(lead[i]))
            for i in range(dd.shape[0])]
