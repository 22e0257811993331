"""The Client sheet: one client, picked from a list, from price to profit.

Where its cells are and their values for a given client (the one picked, or by default
the first of the Dashboard's recommendation list). Every value cell is a live formula
(INDEX over the client's row of the other sheets); the file stores the picked client's
values as cached results.

Pure Python (pandas/numpy).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..i18n import label
from ..model.analysis import Analysis
from ..settings import SIGNALS
from .cellvalues import LIVE, Block, _ratio, clean, reasons_text
from .dash_parts import RECOMMENDED, waterfall

SUMMARY_KEYS = ["tier", "quadrant", "score", "score_coverage", *(f"signal_{s}" for s in SIGNALS), "reasons",
                "action", "action_reason", "drop_impact_ledger", "drop_impact", "exit_gain", "exit_date"]
DATA_COL = 16           # the waterfall's chart data (column Q), right of the printed area


class ClientRows:
    """0-based rows of the Client sheet for ``m`` activities."""

    title, notice, pick, name, manager = 0, 1, 3, 4, 5

    def __init__(self, m: int):
        self.steps_title = 7
        self.steps_header = 8
        self.steps = 9
        self.nsteps = m + 6            # revenue, discounts, COGS, each activity, financing, bad debt, profit
        self.summary_title = self.steps + self.nsteps + 1
        self.summary = self.summary_title + 1


def default_client(a: Analysis) -> str | None:
    """The client the sheet opens on: the Dashboard's first recommendation, else the
    largest loss-maker, else the first client."""
    c = a.clients
    if not len(c):
        return None
    recs = c[c["action"].isin(RECOMMENDED)]
    if len(recs):
        return str(recs.assign(_g=-recs["exit_gain"]).sort_values(["_g", "client_id"], kind="stable")
                   ["client_id"].iloc[0])
    losers = c[c["net_profit"] < 0]
    if len(losers):
        return str(losers.sort_values(["net_profit", "client_id"], kind="stable")["client_id"].iloc[0])
    return str(c["client_id"].iloc[0])


def steps(a: Analysis, i: int) -> list[float]:
    """Revenue, then each deduction as a negative amount, then net profit, of client ``i``."""
    c = a.clients.iloc[i]

    def num(v) -> float:
        f = float(v)
        return 0.0 if np.isnan(f) else f

    acts = [-num(v) for v in a.cts.iloc[i].to_numpy()]
    return [num(c["revenue"]), -num(c["discounts"]), -num(c["cogs"]), *acts, -num(c["financing_cost"]),
            -num(c["bad_debt"]), num(c["net_profit"])]


def summary_values(a: Analysis, i: int) -> list[Any]:
    c = a.clients.iloc[i]
    lang = a.lang
    out = []
    for k in SUMMARY_KEYS:
        v = c[k]
        if k in ("tier", "quadrant", "action"):
            out.append(label(v, lang))
        elif k == "reasons":
            out.append(reasons_text(v))
        elif k == "action_reason":
            out.append("" if v is None else str(v))
        else:
            v = clean(v)
            out.append("" if v is None else v)
    return out


def client_blocks(a: Analysis, client_id: str | None = None) -> dict[str, Block]:
    rows = ClientRows(len(a.activities))
    ids = list(a.clients["client_id"])
    cid = client_id if client_id in ids else default_client(a)
    if cid is None:
        return {"notice": Block("client", rows.notice, 0, [[""]], 1, LIVE)}
    i = ids.index(cid)
    c = a.clients.iloc[i]
    st = steps(a, i)
    nr = float(c["net_revenue"])
    manager = c["account_manager"] if isinstance(c["account_manager"], str) else ""
    return {
        "notice": Block("client", rows.notice, 0, [[""]], 1, LIVE),
        "who": Block("client", rows.name, 1, [[str(c["client_name"])], [manager]], 1, LIVE),
        "steps": Block("client", rows.steps, 1, [[x, _ratio(x, nr)] for x in st], 2, LIVE),
        "chart": Block("client", rows.steps, DATA_COL, waterfall(st), 5, LIVE),
        "summary": Block("client", rows.summary, 1, [[v] for v in summary_values(a, i)], 1, LIVE),
    }
