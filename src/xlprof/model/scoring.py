"""Termination score reasons and the recommended action (design.md section 4)."""

from __future__ import annotations

import math

import numpy as np

from ..i18n import label, message
from ..settings import DEFAULT_SETTINGS, RATING_SIGNALS, SIGNALS, Settings

ACTIONS = ("retain_strategic", "review", "terminate", "renegotiate", "restructure",
           "retain_grow", "maintain")
TOP_REASONS = 3


def _nan(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def argues_for_exit(signal: str, value: float, facts: dict) -> bool:
    """Whether a signal argues for exit (design.md section 4): a computed signal above 0,
    a rating of 3 or less (a rating of 4 or 5 argues for staying)."""
    if value != value:  # NaN: no data
        return False
    if signal in RATING_SIGNALS:
        rating = facts.get(signal)
        rating = 5.0 - 4.0 * value if _nan(rating) else float(rating)
        return rating <= 3
    return value > 0


def top_reasons(signals_row, weights: dict[str, float], facts: dict, lang: str = "en",
                top: int = TOP_REASONS,
                settings: Settings = DEFAULT_SETTINGS) -> tuple[list[str], list[str]]:
    """The signals that argue for exit and contribute most (weight x signal), as codes
    and sentences; a client with none gets no code and one sentence that says so.

    ``facts`` carries the figures the sentences quote: net_margin, net_revenue, revenue,
    days_to_pay, payment_terms_days, bad_debt, cts_ratio and the four ratings;
    ``settings`` the thresholds they quote. Ties keep the signal order of :data:`SIGNALS`.
    """
    contrib = []
    for k, sig in enumerate(SIGNALS):
        s = float(signals_row[k])
        if weights[sig] > 0 and argues_for_exit(sig, s, facts):
            contrib.append((-weights[sig] * s, k, sig))
    contrib.sort()
    codes = [sig for _, _, sig in contrib[:top]]
    if not codes:
        return [], [message("reason_none", lang)]
    return codes, [reason_text(sig, facts, lang, settings) for sig in codes]


def _percent(x: float) -> str:
    """A threshold as people write it: 0.1 -> "10%", 0.125 -> "12.5%"."""
    return f"{round(100 * x, 4):g}%"


def reason_text(signal: str, facts: dict, lang: str, settings: Settings = DEFAULT_SETTINGS) -> str:
    nr = facts.get("net_revenue", 0.0)
    if signal == "profitability":
        if not nr > 0:
            return message("reason_profitability_nr", lang)
        return message("reason_profitability", lang, margin=facts["net_margin"],
                       target=_percent(settings.target_net_margin))
    if signal == "payment":
        days, terms = facts.get("days_to_pay"), facts.get("payment_terms_days")
        late = None if _nan(days) or _nan(terms) else days - terms
        bad_debt, revenue = facts.get("bad_debt"), facts.get("revenue")
        parts = []
        if late is not None and late > 0:
            one = f"{late:.0f}" == "1"       # "pays 1 day late", not "1 days"
            parts.append(message("reason_payment_one" if one else "reason_payment", lang, late=late))
        if not _nan(bad_debt) and bad_debt > 0:
            if not _nan(revenue) and revenue > 0:
                parts.append(message("reason_payment_bad_debt_share", lang, bad_debt=bad_debt,
                                     share=bad_debt / revenue))
            else:
                parts.append(message("reason_payment_bad_debt", lang, bad_debt=bad_debt))
        return "; ".join(parts)
    if signal == "service_burden":
        if not nr > 0:
            return message("reason_service_burden_nr", lang)
        return message("reason_service_burden", lang, ratio=facts["cts_ratio"])
    assert signal in RATING_SIGNALS
    return message("reason_rating", lang, signal=label(signal, lang), rating=facts[signal])


def recommend_action(
    *,
    strategic: bool,
    score: float,
    coverage: float,
    exit_gain: float,
    profit: float,
    growth_potential: float,
    service_burden: float,
    tier: str,
    settings: Settings,
    breakeven_price_rise: float = float("nan"),
    lang: str = "en",
) -> tuple[str, str]:
    """The first rule of the decision table that holds: (action code, reason in words)."""
    high = not _nan(score) and score >= settings.score_terminate
    cur = settings.currency        # amounts in words carry the currency, as the summaries do
    if strategic:
        return "retain_strategic", message("action_retain_strategic", lang)
    if high and coverage < settings.coverage_min:
        return "review", message("action_review", lang, score=score, coverage=coverage)
    if high and exit_gain > 0:
        return "terminate", message("action_terminate", lang, score=score, gain=exit_gain, cur=cur)
    if round(profit, 6) < 0:  # amounts compare at a millionth (see segments.AMOUNT_DECIMALS)
        loss = -profit
        if not _nan(growth_potential) and growth_potential >= 4:
            return "renegotiate", message("action_renegotiate_growth", lang, loss=loss, cur=cur,
                                          growth=growth_potential)
        if not _nan(service_burden) and service_burden >= settings.restructure_burden:
            return "restructure", message("action_restructure", lang, loss=loss, cur=cur)
        if _nan(breakeven_price_rise):
            return "renegotiate", message("action_renegotiate_nr", lang, loss=loss, cur=cur)
        return "renegotiate", message("action_renegotiate", lang, loss=loss, cur=cur, rise=breakeven_price_rise)
    if tier in ("platinum", "gold"):
        return "retain_grow", message("action_retain_grow", lang, tier=label(tier, lang))
    return "maintain", message("action_maintain", lang)


def score_columns(signals: np.ndarray, settings: Settings):
    """(score, coverage) arrays for a clients x signals matrix."""
    from .formulas import termination_score

    return termination_score(signals, [settings.weights[s] for s in SIGNALS])
