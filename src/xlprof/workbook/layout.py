"""Where the analysis workbook's computed cells are, and what goes in them -- described once.

Two adapters write these blocks: the file writer (XlsxWriter, :mod:`.book`,
:mod:`.charts`, :mod:`.dashboard`: it adds the formulas, formats, charts and
protection) and the live-book adapter (:mod:`xlprof.excel.live`: the ribbon's and
xlwings Lite's Recalculate, one ``range.value = rows`` per block in the open workbook).

Every block is a rectangle ``Block(sheet, row, col, rows)`` (0-based, ``sheet`` a
key of :data:`.labels.SHEETS`) of clean Python values -- ``str``, ``float``,
``int``, ``bool``, ``datetime.date`` or ``None`` (blank) -- built from one
:class:`~xlprof.model.Analysis`. Its ``kind`` says who keeps it current:

``engine``
    values only xlprof computes (ranks, tiers, quadrants, scores' reasons and
    actions, exit dates, the Segmentation tables, the plans, the Dashboard
    figures). Regeneration and Recalculate rewrite them; the file writer leaves
    them unlocked so Recalculate may write them into a protected sheet.
``live``
    the values of the live formula columns (net revenue ... score coverage, the
    rates, cost-to-serve, the Dashboard KPIs). The file stores them as the
    formulas' cached values; Excel recalculates them by itself, so Recalculate
    never touches them -- except in a book written with ``--formulas values``,
    where they are plain values.
``structure``
    engine-written cells that the formulas are built around (rate source of each
    activity, activity names heading CostToServe and the value chain). A live
    book whose structure no longer matches cannot be refreshed in place: it
    needs ``xlprof recalc BOOK`` (regeneration rebuilds the formulas).

``grows`` marks blocks whose height depends on the data (plans, tourniquet,
warnings): the live adapter clears the rows the previous version used below the
new block. The README carries a layout stamp (clients, activities, resources)
so that Recalculate can tell whether the book's formula rows still fit.

Pure Python (pandas/numpy only): imported by xlwings Lite, never loads
XlsxWriter or xlwings.
"""

from __future__ import annotations

from typing import Any, Iterable

import numpy as np
import pandas as pd

from ..i18n import label
from ..model.analysis import Analysis
from ..model.scoring import ACTIONS
from ..model.segments import QUADRANTS, TIERS
from ..settings import SIGNALS
from .check import figures
from .client_layout import client_blocks
from .cellvalues import (ENGINE, LIVE, STRUCTURE, Block, _col, _grid, _ratio, _str, _sum, clean,  # noqa: F401
                         reasons_text)
from .dash_parts import LOSS_COLS, MORE_TEXT, RECOMMENDED, REC_COLS, _top, bridge, tier_text, waterfall  # noqa: F401
from .labels import SHEETS, SOURCES
from .quadframe import QuadFrame, quadrant_frame
from .stamp import (MODE_KEY, SPLIT_NOTE, STAMP_KEY, STATUS, Stamp, parse_stamp, readme_lines,  # noqa: F401
                    stamp_of, status_text, today_text)


# --- sheet geometry ---------------------------------------------------------------------

RATE_COLS = ["activity", "behavior", "rate_source", "total_volume", "minutes_per_unit", "rate",
             "assigned_cost", "hours", "avoidable", "freed_capacity"]

CTS_FIRST = 5  # 0-based first data row: header, avoidable flags, minutes, rates, freed-capacity flags above it

PROF_COLS = ["client_id", "client_name", "net_revenue", "gross_margin", "cost_to_serve",
             "financing_cost", "bad_debt", "net_profit", "net_margin", "service_hours",
             "profit_per_hour", "breakeven_price_rise", "breakeven_cts_cut", "price_realization",
             "cts_ratio", "profit_rank", "cumulative_profit_share", "tier", "quadrant"]
PROF_LIVE = 15  # columns 0..14 are live formulas, 15..18 engine values

SCORE_COLS = ["client_id", "client_name", *(f"signal_{s}" for s in SIGNALS), "score",
              "score_coverage", "reasons", "action", "action_reason"]
SCORE_FIRST = 2  # header row 0, weights row 1
SCORE_LIVE = 11

DROP_COLS = ["client_id", "client_name", "net_revenue", "cogs", "bad_debt", "avoidable_cost_to_serve",
             "exit_penalty", "drop_impact_ledger", "financing_cost", "drop_impact", "freed_hours",
             "freed_capacity_cost", "exit_gain", "action", "exit_date"]
DROP_LIVE = 13

PLAN_SHEET_COLS = ["client_id", "client_name", "task", "task_label", "due_date", "owner",
                   "owner_name", "status", "notes", "proposed_due"]
PLAN_TYPED = ("due_date", "owner_name", "status", "notes")     # the plan columns people type in

TOURNIQUET_COLS = ["client_id", "client_name", "activity", "behavior", "volume", "cost",
                   "avoidable_cost", "share_of_cts", "breakeven_price_rise", "breakeven_cts_cut"]

# WhaleCurve: the clients by net profit, with their tier
WHALE_COLS = ["rank", "client_id", "client_name", "net_profit", "cumulative_profit",
              "cumulative_profit_share", "tier"]
# Segmentation: notice in A1, then the tables from column A, the charts below them
VC_COL = 0
VC_KEYS = ["tier", "clients", "net_revenue", "cost_to_serve", "net_profit"]
VC_TITLE_ROW = 2
VC_HEADER_ROW = VC_TITLE_ROW + 1
VC_TOTAL_ROW = VC_HEADER_ROW + 1 + len(TIERS)
QUAD_ROW = VC_TOTAL_ROW + 2                             # title; header below; then the quadrants
MEDIAN_ROW = QUAD_ROW + 2 + len(QUADRANTS)
SCEN_ROW = MEDIAN_ROW + 3
# Exit scenario (engine figures of model.exits.ExitScenario): recurring change + penalties
# (shown negative, one-off) = change for the period; then, live, the sum of the leaving
# clients' drop impacts on DropImpact and the difference (0 while the book is current).
SCEN_KEYS = ["leaving", "profit_before", "profit_after", "recurring_change", "penalties", "change",
             "financing_cost", "change_ledger", "respread_committed_cost", "unabsorbed_committed_cost",
             "freed_hours", "freed_capacity_cost", "new_lead"]
SCEN_LIVE_KEYS = ["sum_drop_impact", "difference"]
SCEN_LIVE_ROW = SCEN_ROW + 1 + len(SCEN_KEYS)
CHART_ROW = SCEN_LIVE_ROW + len(SCEN_LIVE_KEYS) + 3

# Dashboard: labels in column A, values from column B
KPI_KEYS = ["clients", "revenue", "net_revenue", "cts", "net_profit", "loss_clients", "losses"]
BRIDGE_KEYS = ["revenue", "discounts", "cogs", "cost_to_serve", "financing_cost", "bad_debt", "net_profit"]
RECON_KEYS = ["clients_net_profit", "financing_cost", "unused_capacity_cost", "unassigned_cost",
              "model_operating_profit", "ledger_operating_profit", "difference"]
TOP_LOSSES = 10
TOP_RECS = 20
CHART_DATA_COL = 18     # Dashboard: the waterfall's chart data (column S), outside the print area


class Dash:
    """0-based rows of the Dashboard (column A labels, B.. values)."""

    title, notice, status, generated = 0, 1, 2, 3
    currency, period, decision_date = 5, 6, 7
    kpi_title = 9
    kpis = kpi_title + 1
    whale_peak = kpis + len(KPI_KEYS)
    whale_peak_clients = whale_peak + 1
    bridge_title = whale_peak_clients + 2
    bridge_header = bridge_title + 1
    bridge = bridge_header + 1
    recon_title = bridge + len(BRIDGE_KEYS) + 1
    recon = recon_title + 1
    actions_title = recon + len(RECON_KEYS) + 1
    actions_header = actions_title + 1
    actions = actions_header + 1
    actions_total = actions + len(ACTIONS)
    tiers_title = actions_total + 2
    tier_text = tiers_title + 1
    tiers_header = tier_text + 1
    tiers = tiers_header + 1
    tiers_total = tiers + len(TIERS)
    losses_title = tiers_total + 2
    page2, page3 = tiers_title, None            # printed pages start at these rows
    losses_header = losses_title + 1
    losses = losses_header + 1
    recs_title = losses + TOP_LOSSES + 1
    recs_header = recs_title + 1
    recs = recs_header + 1
    recs_more = recs + TOP_RECS
    check_title = recs_more + 2
    page3 = check_title
    check_header = check_title + 1
    check = check_header + 1
    flag = check + 7
    warnings_title = flag + 2
    warnings = warnings_title + 1


NO_WARNINGS = {"en": "none", "es": "ninguno"}
NOTICE = {
    "en": "Inputs changed since the last recalculation: press Recalculate or run xlprof recalc",
    "es": "Los datos han cambiado desde el último recálculo: pulse Recalcular o ejecute xlprof recalc",
}
STALE_NAME = "xlprof_stale"     # defined name of the Dashboard's stale flag (1 = stale)


def rates(a: Analysis) -> dict[str, Block]:
    acts, lang = a.activities, a.lang
    m = len(acts)
    flags = acts["avoidable"].tolist()
    names = _grid([list(acts.index), [label(b, lang) for b in acts["behavior"]]], m)
    values = _grid([_col(acts["total_volume"]), _col(np.nan_to_num(acts["minutes_per_unit"].to_numpy(float))),
                    _col(acts["rate"]), _col(acts["assigned_cost"]), _col(acts["hours"]), flags,
                    acts["freed_capacity"].tolist()], m)
    return {
        "names": Block("rates", 1, 0, names, 2, LIVE),
        "source": Block("rates", 1, 2, [[SOURCES[s][lang == "es"]] for s in acts["rate_source"]], 1, STRUCTURE),
        "values": Block("rates", 1, 3, values, 7, LIVE),
        "totals": Block("rates", 1 + m, 6, [[_sum(acts["assigned_cost"]), _sum(acts["hours"])]], 2, LIVE),
    }


def cost_to_serve(a: Analysis) -> dict[str, Block]:
    acts = a.activities
    m, c = len(acts), a.clients
    n = len(c)
    flags = acts["avoidable"].tolist()
    params = [flags, _col(np.nan_to_num(acts["minutes_per_unit"].to_numpy(float))), _col(acts["rate"]),
              acts["freed_capacity"].tolist()]
    cts = a.cts.to_numpy()
    cols = [_col(c["client_id"]), _col(c["client_name"]), *(_col(cts[:, j]) for j in range(m)),
            _col(c["cost_to_serve"]), _col(c["avoidable_cost_to_serve"]), _col(c["freed_capacity_cost"]),
            _col(c["service_hours"])]
    totals = [*(_sum(cts[:, j]) for j in range(m)), _sum(c["cost_to_serve"]), _sum(c["avoidable_cost_to_serve"]),
              _sum(c["freed_capacity_cost"]), _sum(c["service_hours"])]
    return {
        "header": Block("cts", 0, 2, [list(acts.index)], m, STRUCTURE),
        "params": Block("cts", 1, 2, params, m, LIVE),
        "values": Block("cts", CTS_FIRST, 0, _grid(cols, n), m + 6, LIVE),
        "totals": Block("cts", CTS_FIRST + n, 2, [totals], m + 4, LIVE),
    }


# columns whose totals row is a sum (the others: a ratio of sums, or blank)
SUMMED = {"assigned_cost", "net_revenue", "gross_margin", "cost_to_serve", "financing_cost", "bad_debt", "net_profit",
          "service_hours", "breakeven_cts_cut", "cogs", "avoidable_cost_to_serve", "exit_penalty",
          "drop_impact", "drop_impact_ledger", "freed_hours", "freed_capacity_cost", "exit_gain"}
PROF_RATIOS = {"net_margin": ("net_profit", "net_revenue"), "profit_per_hour": ("net_profit", "service_hours"),
               "cts_ratio": ("cost_to_serve", "net_revenue")}


def _totals(a: Analysis, keys: list[str]) -> list[Any]:
    """The totals row of a per-client sheet: sums, ratios of the sums, blanks."""
    c = a.clients
    sums = {k: _sum(c[k]) for k in keys if k in SUMMED}
    out = []
    for k in keys:
        if k in sums:
            out.append(sums[k])
        elif k in PROF_RATIOS:
            num, den = PROF_RATIOS[k]
            out.append(_ratio(sums[num], sums[den]))
        else:
            out.append(None)
    return out


def profitability(a: Analysis, *, live: bool = True) -> dict[str, Block]:
    c, lang = a.clients, a.lang
    n = len(c)
    values = []
    if live:
        values = [_col(c[k]) for k in PROF_COLS[:PROF_LIVE] if k != "bad_debt"]
        values.insert(PROF_COLS.index("bad_debt"), _col(np.nan_to_num(c["bad_debt"].to_numpy(float))))
    engine = [[int(r) for r in c["profit_rank"]], _col(c["cumulative_profit_share"]),
              [label(t, lang) for t in c["tier"]], [label(q, lang) for q in c["quadrant"]]]
    return {
        "notice": Block("profitability", 0, len(PROF_COLS), [[""]], 1, LIVE),
        "values": Block("profitability", 1, 0, _grid(values, n) if live else [], PROF_LIVE, LIVE),
        "engine": Block("profitability", 1, PROF_LIVE, _grid(engine, n), len(PROF_COLS) - PROF_LIVE),
        "totals": Block("profitability", 1 + n, 2, [_totals(a, PROF_COLS[2:PROF_LIVE])], PROF_LIVE - 2, LIVE),
    }


def scores(a: Analysis, *, live: bool = True) -> dict[str, Block]:
    c, lang = a.clients, a.lang
    n = len(c)
    values = [_col(c[k]) for k in SCORE_COLS[:SCORE_LIVE]] if live else []
    engine = [[reasons_text(r) for r in c["reasons"]], [label(x, lang) for x in c["action"]],
              [_str(x) for x in c["action_reason"]]]
    return {
        "notice": Block("scores", 0, len(SCORE_COLS), [[""]], 1, LIVE),
        "weights": Block("scores", 1, 2, [[clean(a.settings.weights[s]) for s in SIGNALS]], len(SIGNALS), LIVE),
        "values": Block("scores", SCORE_FIRST, 0, _grid(values, n) if live else [], SCORE_LIVE, LIVE),
        "engine": Block("scores", SCORE_FIRST, SCORE_LIVE, _grid(engine, n), len(SCORE_COLS) - SCORE_LIVE),
    }


def drop_impact(a: Analysis, *, live: bool = True) -> dict[str, Block]:
    c, lang = a.clients, a.lang
    n = len(c)
    values = []
    for k in DROP_COLS[:DROP_LIVE] if live else []:
        col = c[k]
        values.append(_col(np.nan_to_num(col.to_numpy(float)) if k in ("bad_debt", "exit_penalty") else col))
    engine = [[label(x, lang) for x in c["action"]], [clean(d) for d in c["exit_date"]]]
    return {
        "notice": Block("drop", 0, len(DROP_COLS), [[""]], 1, LIVE),
        "values": Block("drop", 1, 0, _grid(values, n) if live else [], DROP_LIVE, LIVE),
        "engine": Block("drop", 1, DROP_LIVE, _grid(engine, n), len(DROP_COLS) - DROP_LIVE),
        "totals": Block("drop", 1 + n, 2, [_totals(a, DROP_COLS[2:DROP_LIVE])], DROP_LIVE - 2, LIVE),
    }


def value_chain(a: Analysis) -> list[list[Any]]:
    """Per tier (rows) and a total row: clients, net revenue, cost-to-serve, net profit,
    then the cost of each activity."""
    vc = a.value_chain
    acts = list(a.activities.index)
    keys = [*VC_KEYS[1:], *acts]
    rows = [[int(vc.at[t, "clients"]), *(clean(float(vc.at[t, k])) for k in keys[1:])] for t in TIERS]
    total = [int(sum(r[0] for r in rows)), *(_sum([r[j] for r in rows]) for j in range(1, len(keys)))]
    return rows + [total]


def segmentation(a: Analysis) -> dict[str, Block]:
    lang, w = a.lang, a.whale
    acts = list(a.activities.index)
    tiers = dict(zip(a.clients["client_id"], a.clients["tier"]))
    whale = _grid([[int(r) for r in w["rank"]], [str(x) for x in w["client_id"]],
                   [str(x) for x in w["client_name"]], _col(w["net_profit"]), _col(w["cumulative_profit"]),
                   _col(w["cumulative_profit_share"]), [label(tiers[x], lang) for x in w["client_id"]]], len(w))
    chain = value_chain(a)
    counts = a.clients["quadrant"].value_counts()
    quads = [[int(counts.get(q, 0))] for q in QUADRANTS]
    medians = [[clean(a.quadrant_split.price_median)], [clean(a.quadrant_split.cost_median)]]
    sc = a.scenario
    fig = sc.figures()
    fig["penalties"] = -fig["penalties"]          # shown as what it does to profit
    fig["new_lead"] = len(sc.new_lead_clients)
    scen = [[clean(fig[k])] for k in SCEN_KEYS]
    scen_live = [[clean(sc.sum_drop_impact)], [clean(sc.difference)]]
    new_lead = ", ".join(sc.new_lead_clients[:50]) or None
    return {
        "notice": Block("segmentation", 0, VC_COL, [[""]], 1, LIVE),
        "chart_data": Block("segmentation", 1, seg_data_col(a), seg_chart_data(a), 2),
        "whale": Block("whale", 1, 0, whale, len(WHALE_COLS)),
        "whale_notice": Block("whale", 0, len(WHALE_COLS), [[""]], 1, LIVE),
        "vc_header": Block("segmentation", VC_HEADER_ROW, VC_COL + len(VC_KEYS), [acts], len(acts), STRUCTURE),
        "value_chain": Block("segmentation", VC_HEADER_ROW + 1, VC_COL + 1, chain, len(VC_KEYS) - 1 + len(acts),
                             LIVE),
        "quadrants": Block("segmentation", QUAD_ROW + 2, VC_COL + 1, quads, 1, LIVE),
        "medians": Block("segmentation", MEDIAN_ROW, VC_COL + 1, medians, 1),
        "scenario": Block("segmentation", SCEN_ROW + 1, VC_COL + 1, scen, 1),
        "scenario_live": Block("segmentation", SCEN_LIVE_ROW, VC_COL + 1, scen_live, 1, LIVE),
        "new_lead": Block("segmentation", SCEN_LIVE_ROW + len(SCEN_LIVE_KEYS), VC_COL, [[new_lead]], 1),
    }


def seg_data_col(a: Analysis) -> int:
    """Segmentation: first column of the charts' data, right of the printed tables."""
    return VC_COL + len(VC_KEYS) + len(a.activities) + 1


def seg_chart_data(a: Analysis) -> list[list[Any]]:
    """(x, y) points the Segmentation charts draw besides the data: the whale curve's peak,
    its 100 % line; for the quadrant chart, the two median lines drawn across the whole
    plot and where the quadrant names go (see :func:`quadrant_frame`)."""
    n = len(a.clients)
    s = a.summary
    rows: list[list[Any]] = []
    if s["whale_peak_share"] is not None:
        rows += [[float(s["whale_peak_clients"]), float(s["whale_peak_share"])], [0.0, 1.0], [float(n), 1.0]]
    else:
        rows += [[None, None]] * 3
    frame = quad_frame(a)
    return rows + (frame.points() if frame else [[None, None]] * 8)


def quad_frame(a: Analysis) -> QuadFrame | None:
    """The quadrant chart's frame (axis bounds, median lines, where the names go)."""
    c = a.clients
    ok = (c["net_revenue"] > 0).to_numpy()
    return quadrant_frame(c["price_realization"].to_numpy(float)[ok], c["cts_ratio"].to_numpy(float)[ok],
                          a.quadrant_split.price_median, a.quadrant_split.cost_median)


def plan(a: Analysis, key: str = "plan") -> Block:
    """The transition plan (``key="plan"``) or its archive (``"archive"``)."""
    lang = a.lang
    frame = a.plan if key == "plan" else a.archive
    rows = [[str(x.client_id), _str(x.client_name), str(x.task), label(x.task, lang),
             clean(x.due_override) if _is_date(x.due_override) else clean(x.due_date),
             label(x.owner, lang), x.owner_name if isinstance(x.owner_name, str) else "",
             label(x.status, lang), x.notes if isinstance(x.notes, str) else "", clean(x.due_date)]
            for x in frame.itertuples(index=False)]
    return Block(key, 1, 0, rows, len(PLAN_SHEET_COLS), ENGINE, grows=True)


def _is_date(v: Any) -> bool:
    return v is not None and v is not pd.NaT and not (isinstance(v, float) and np.isnan(v))


def tourniquet(a: Analysis) -> Block:
    lang = a.lang
    rows = [[clean(x.client_id), clean(x.client_name), clean(x.activity), label(x.behavior, lang),
             clean(x.volume), clean(x.cost), clean(x.avoidable_cost), clean(x.share_of_cts),
             clean(x.breakeven_price_rise), clean(x.breakeven_cts_cut)]
            for x in a.tourniquet.itertuples(index=False)]
    return Block("tourniquet", 1, 0, rows, len(TOURNIQUET_COLS), ENGINE, grows=True)


def dashboard(a: Analysis, status: str, *, cells_checksum: Any = None) -> dict[str, Block]:
    """The Dashboard's blocks; ``cells_checksum``: see :func:`all_blocks`."""
    s, lang, c = a.summary, a.lang, a.clients
    kpis = [s["clients"], s["revenue"], s["net_revenue"], s["cost_to_serve"], s["net_profit"],
            s["loss_making_clients"], s["losses"]]
    peak = s["whale_peak_share"] if s["whale_peak_share"] is not None else (s["whale_note"] or "")
    steps = bridge(a)
    acts = []
    for x in ACTIONS:
        mine = c[c["action"] == x]
        acts.append([len(mine), _sum(mine["drop_impact"]), -_sum(mine["exit_penalty"])])
    acts_total = [len(c), _sum(c["drop_impact"]), -_sum(c["exit_penalty"])]
    positive = _sum(c["net_profit"].clip(lower=0))
    tiers = []
    for t in TIERS:
        mine = c.loc[c["tier"] == t, "net_profit"]
        tiers.append([len(mine), _sum(mine), None if t == "lead" else _ratio(_sum(mine), positive)])
    tiers_total = [len(c), _sum(c["net_profit"]), None]
    losers = c[c["net_profit"] < 0].sort_values(["net_profit", "client_id"], kind="stable")
    recs = c[c["action"].isin(RECOMMENDED)].assign(_g=-c["exit_gain"]).sort_values(["_g", "client_id"],
                                                                                     kind="stable")
    more = len(recs) - TOP_RECS
    more_text = MORE_TEXT[lang].format(n=more, sheet=SHEETS["drop"][lang]) if more > 0 else None
    check = figures(a)
    snap = list(check)
    if isinstance(cells_checksum, (int, float)) and not isinstance(cells_checksum, bool) \
            and np.isfinite(cells_checksum):
        snap[-1] = float(cells_checksum)
    return {
        "notice": Block("dashboard", Dash.notice, 0, [[""]], 1, LIVE),
        "status": Block("dashboard", Dash.status, 0, [[status]], 1),
        "settings": Block("dashboard", Dash.currency, 1, [[a.settings.currency], [clean(a.settings.period_months)],
                                                          [a.settings.decision_date or ""]], 1, LIVE),
        "kpis": Block("dashboard", Dash.kpis, 1, [[float(v)] for v in kpis], 1, LIVE),
        "whale": Block("dashboard", Dash.whale_peak, 1, [[clean(peak)], [s["whale_peak_clients"]]], 1),
        "bridge": Block("dashboard", Dash.bridge, 1, [[x, r] for x, r in steps], 2, LIVE),
        "bridge_chart": Block("dashboard", Dash.bridge, CHART_DATA_COL, waterfall([x for x, _ in steps]), 5, LIVE),
        "recon": Block("dashboard", Dash.recon, 1, [[clean(a.reconciliation[k])] for k in RECON_KEYS], 1, LIVE),
        "actions": Block("dashboard", Dash.actions, 1, acts + [acts_total], 3, LIVE),
        "tier_text": Block("dashboard", Dash.tier_text, 0, [[tier_text(a)]], 1),
        "tiers": Block("dashboard", Dash.tiers, 1, tiers + [tiers_total], 3, LIVE),
        "losses": Block("dashboard", Dash.losses, 0, _top(a, losers, LOSS_COLS, TOP_LOSSES), len(LOSS_COLS)),
        "recs": Block("dashboard", Dash.recs, 0, _top(a, recs, REC_COLS, TOP_RECS), len(REC_COLS)),
        "recs_more": Block("dashboard", Dash.recs_more, 0, [[more_text]], 1),
        "check_live": Block("dashboard", Dash.check, 1, [[v] for v in check], 1, LIVE),
        "check_snap": Block("dashboard", Dash.check, 2, [[v] for v in snap], 1),
        "flag": Block("dashboard", Dash.flag, 1, [[0.0]], 1, LIVE),
        "warnings": Block("dashboard", Dash.warnings, 0, [[w] for w in (a.warnings or [NO_WARNINGS[lang]])], 1,
                          grows=True),
    }


def all_blocks(a: Analysis, *, status: str = "", kinds: Iterable[str] = (ENGINE, LIVE, STRUCTURE),
               cells_checksum: Any = None) -> list[Block]:
    """Every block of the computed sheets of the given kinds, in sheet order.

    ``cells_checksum``: the live Recalculate's :func:`.check.typed_checksum` of the open
    book's inputs, the checksum's snapshot (the file writer's is xlprof's own: it writes
    the inputs as numbers)."""
    kinds = set(kinds)
    live = LIVE in kinds
    out: list[Block] = []
    groups = [profitability(a, live=live), scores(a, live=live), drop_impact(a, live=live), segmentation(a)]
    if live or STRUCTURE in kinds:  # Rates and CostToServe hold no engine block
        groups[:0] = [rates(a), cost_to_serve(a)]
    for group in groups:
        out += group.values()
    out += [plan(a, "plan"), tourniquet(a), plan(a, "archive"),
            Block("plan", 0, len(PLAN_SHEET_COLS), [[""]], 1, LIVE),
            Block("tourniquet", 0, len(TOURNIQUET_COLS), [[""]], 1, LIVE)]
    out += dashboard(a, status, cells_checksum=cells_checksum).values()
    out += client_blocks(a).values()
    return [b for b in out if b.kind in kinds]


def structure_blocks(a: Analysis) -> list[Block]:
    """The engine-written cells the formulas are built around (cheap: no value grids)."""
    acts, lang = a.activities, a.lang
    return [Block("rates", 1, 2, [[SOURCES[s][lang == "es"]] for s in acts["rate_source"]], 1, STRUCTURE),
            Block("cts", 0, 2, [list(acts.index)], len(acts), STRUCTURE),
            Block("segmentation", VC_HEADER_ROW, VC_COL + len(VC_KEYS), [list(acts.index)], len(acts),
                  STRUCTURE)]


