"""The Dashboard's computed parts: the P&L bridge and its waterfall chart data, the tier
wording, the top loss-makers and the recommendation list.

Pure Python (pandas/numpy).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..i18n import label
from ..model.analysis import Analysis
from .cellvalues import _ratio, _sum, clean

TIER_TEXT = {
    "en": "Clients ranked by net profit. Platinum: the most profitable, up to {p:.0%} of the positive profit; "
          "Gold: up to {g:.0%}; Iron: the other profitable clients; Lead: loss-making.",
    "es": "Clientes ordenados por beneficio neto. Platino: los más rentables, hasta el {p:.0%} del beneficio "
          "positivo; Oro: hasta el {g:.0%}; Hierro: el resto de clientes rentables; Plomo: con pérdidas.",
}
MORE_TEXT = {"en": "... and {n} more: see sheet {sheet}", "es": "... y {n} más: vea la hoja {sheet}"}
LOSS_COLS = ["client_name", "client_id", "net_profit", "breakeven_price_rise", "action"]
REC_COLS = ["client_name", "client_id", "exit_gain", "exit_date", "action"]
RECOMMENDED = ("terminate", "restructure", "renegotiate", "review")


def tier_text(a: Analysis) -> str:
    s = a.settings
    text = TIER_TEXT[a.lang if a.lang in TIER_TEXT else "en"].format(p=s.tier_platinum, g=s.tier_gold)
    return text.replace("%", " %") if a.lang == "es" else text


def bridge(a: Analysis) -> list[tuple[float, float | None]]:
    """Revenue, then each deduction as a negative amount, then net profit; with % of revenue."""
    c = a.clients
    rev = _sum(c["revenue"])
    steps = [rev, -_sum(c["discounts"]), -_sum(c["cogs"]), -_sum(c["cost_to_serve"]),
             -_sum(c["financing_cost"]), -_sum(c["bad_debt"]), _sum(c["net_profit"])]
    return [(x, _ratio(x, rev)) for x in steps]


def waterfall(steps: list[float]) -> list[list[float]]:
    """Stacked-column waterfall data per bar: start, end, and the three stacked parts
    (invisible base, part above 0, part below 0). The first and last steps are totals
    (bars from 0); the others move a running total."""
    out, level = [], 0.0
    for k, x in enumerate(steps):
        if k == 0 or k == len(steps) - 1:
            a, b = 0.0, x
        else:
            a, b = level, level + x
        level = b
        lo, hi = min(a, b), max(a, b)
        if lo >= 0:
            out.append([a, b, lo, hi - lo, 0.0])
        elif hi <= 0:
            out.append([a, b, hi, 0.0, lo - hi])
        else:
            out.append([a, b, 0.0, hi, lo])
    return out


def _top(a: Analysis, frame: pd.DataFrame, cols: list[str], size: int) -> list[list[Any]]:
    lang = a.lang
    rows = []
    for x in frame.head(size).itertuples(index=False):
        row = []
        for k in cols:
            v = getattr(x, k)
            row.append(label(v, lang) if k == "action" else str(v) if k in ("client_id", "client_name")
                       else clean(v))
        rows.append(row)
    return rows + [[None] * len(cols) for _ in range(size - len(rows))]
