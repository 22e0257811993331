"""Termination score reasons and the recommended action (design.md section 4)."""

from __future__ import annotations

import math

import numpy as np

from ..i18n import label, message
from ..settings import RATING_SIGNALS, SIGNALS, Settings

ACTIONS = ("retain_strategic", "review", "terminate", "renegotiate", "restructure",
           "retain_grow", "maintain")
TOP_REASONS = 3


def _nan(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def top_reasons(signals_row, weights: dict[str, float], facts: dict, lang: str = "en",
                top: int = TOP_REASONS) -> tuple[list[str], list[str]]:
    """The signals contributing most (weight x signal > 0), as codes and sentences.

    ``facts`` carries the figures the sentences quote: net_margin, net_revenue,
    days_to_pay, payment_terms_days, bad_debt, cts_ratio and the four ratings.
    Ties keep the signal order of :data:`SIGNALS`.
    """
    contrib = []
    for k, sig in enumerate(SIGNALS):
        s = float(signals_row[k])
        if not math.isnan(s) and s > 0 and weights[sig] > 0:
            contrib.append((-weights[sig] * s, k, sig))
    contrib.sort()
    codes = [sig for _, _, sig in contrib[:top]]
    return codes, [reason_text(sig, facts, lang) for sig in codes]


def reason_text(signal: str, facts: dict, lang: str) -> str:
    nr = facts.get("net_revenue", 0.0)
    if signal == "profitability":
        if not nr > 0:
            return message("reason_profitability_nr", lang)
        return message("reason_profitability", lang, margin=facts["net_margin"])
    if signal == "payment":
        bad_debt = facts.get("bad_debt")
        if not _nan(bad_debt) and bad_debt > 0:
            return message("reason_payment_bad_debt", lang, bad_debt=bad_debt)
        return message("reason_payment", lang, late=facts["days_to_pay"] - facts["payment_terms_days"])
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
    if strategic:
        return "retain_strategic", message("action_retain_strategic", lang)
    if high and coverage < settings.coverage_min:
        return "review", message("action_review", lang, score=score, coverage=coverage)
    if high and exit_gain > 0:
        return "terminate", message("action_terminate", lang, score=score, gain=exit_gain)
    if round(profit, 6) < 0:  # amounts compare at a millionth (see segments.AMOUNT_DECIMALS)
        loss = -profit
        if not _nan(growth_potential) and growth_potential >= 4:
            return "renegotiate", message("action_renegotiate_growth", lang, loss=loss,
                                          growth=growth_potential)
        if not _nan(service_burden) and service_burden >= 0.5:
            return "restructure", message("action_restructure", lang, loss=loss)
        if _nan(breakeven_price_rise):
            return "renegotiate", message("action_renegotiate_nr", lang, loss=loss)
        return "renegotiate", message("action_renegotiate", lang, loss=loss, rise=breakeven_price_rise)
    if tier in ("platinum", "gold"):
        return "retain_grow", message("action_retain_grow", lang, tier=label(tier, lang))
    return "maintain", message("action_maintain", lang)


def score_columns(signals: np.ndarray, settings: Settings):
    """(score, coverage) arrays for a clients x signals matrix."""
    from .formulas import termination_score

    return termination_score(signals, [settings.weights[s] for s in SIGNALS])
