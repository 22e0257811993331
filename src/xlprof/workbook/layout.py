"""Where the analysis workbook's computed cells are, and what goes in them -- described once.

Two adapters write these blocks: the file writer (XlsxWriter, :mod:`.book`,
:mod:`.charts`, :mod:`.dashboard`: it adds the formulas, formats, charts and
protection) and the live-book adapter (:mod:`xlprof.live`: the ribbon's
Recalculate, one ``range.value = rows`` per block in the workbook open in Excel).

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

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np
import pandas as pd

from ..i18n import label
from ..model.analysis import Analysis
from ..model.scoring import ACTIONS
from ..model.segments import QUADRANTS, TIERS
from ..settings import SIGNALS
from .labels import SHEETS, SOURCES

ENGINE, LIVE, STRUCTURE = "engine", "live", "structure"

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
                   "owner_name", "status", "notes"]

TOURNIQUET_COLS = ["client_id", "client_name", "activity", "behavior", "volume", "cost",
                   "avoidable_cost", "share_of_cts", "breakeven_price_rise", "breakeven_cts_cut"]

# Segmentation: whale curve table in A:F, the other tables from column H
WHALE_COLS = ["rank", "client_id", "client_name", "net_profit", "cumulative_profit",
              "cumulative_profit_share"]
VC_COL = 7
VC_KEYS = ["tier", "clients", "net_revenue", "cost_to_serve", "net_profit"]
VC_HEADER_ROW = 1
QUAD_ROW = VC_HEADER_ROW + 1 + len(TIERS) + 2          # title; header below; then the quadrants
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

# Dashboard: labels in column A, values in column B
KPI_KEYS = ["clients", "revenue", "net_revenue", "cts", "net_profit", "loss_clients", "losses"]
RECON_KEYS = ["clients_net_profit", "financing_cost", "unused_capacity_cost", "unassigned_cost",
              "model_operating_profit", "ledger_operating_profit", "difference"]


class Dash:
    """0-based rows of the Dashboard."""

    currency, period, decision_date = 1, 2, 3
    status = 4                                  # the status line (column A)
    kpi_title = 5
    kpis = kpi_title + 1
    whale_peak = kpis + len(KPI_KEYS)
    whale_peak_clients = whale_peak + 1
    recon_title = whale_peak + 3
    recon = recon_title + 1
    actions_title = recon + len(RECON_KEYS) + 1
    actions = actions_title + 1
    tiers_title = actions + len(ACTIONS) + 1
    tiers = tiers_title + 1
    warnings_title = tiers + len(TIERS) + 1
    warnings = warnings_title + 1


NO_WARNINGS = {"en": "none", "es": "ninguno"}


@dataclass(frozen=True)
class Block:
    sheet: str                 # key of labels.SHEETS
    row: int                   # 0-based top-left cell
    col: int
    rows: list[list[Any]]
    ncols: int
    kind: str = ENGINE
    grows: bool = False

    @property
    def nrows(self) -> int:
        return len(self.rows)

    def sheet_name(self, lang: str) -> str:
        return SHEETS[self.sheet][lang]


def clean(v: Any) -> Any:
    """A cell value as plain Python: NaN/NaT/inf -> None, numpy scalars -> int/float."""
    if v is None or v is pd.NaT:
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return None if math.isnan(f) or math.isinf(f) else f
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    return v


def _col(values: Iterable[Any]) -> list[Any]:
    if isinstance(values, (pd.Series, pd.Index)):
        values = values.to_numpy()
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        # fast path for the big numeric columns: NaN/inf -> None
        return [x if math.isfinite(x) else None for x in values.tolist()]
    if isinstance(values, np.ndarray):
        values = values.tolist()
    return [clean(v) for v in values]


def _grid(columns: list[list[Any]], n: int) -> list[list[Any]]:
    return [list(r) for r in zip(*columns)] if columns else [[] for _ in range(n)]


def _str(v: Any) -> str:
    return "" if v is None else str(v)


# --- computed sheets --------------------------------------------------------------------


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
    return {
        "header": Block("cts", 0, 2, [list(acts.index)], m, STRUCTURE),
        "params": Block("cts", 1, 2, params, m, LIVE),
        "values": Block("cts", CTS_FIRST, 0, _grid(cols, n), m + 6, LIVE),
    }


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
        "values": Block("profitability", 1, 0, _grid(values, n) if live else [], PROF_LIVE, LIVE),
        "engine": Block("profitability", 1, PROF_LIVE, _grid(engine, n), len(PROF_COLS) - PROF_LIVE),
    }


def scores(a: Analysis, *, live: bool = True) -> dict[str, Block]:
    c, lang = a.clients, a.lang
    n = len(c)
    values = [_col(c[k]) for k in SCORE_COLS[:SCORE_LIVE]] if live else []
    engine = [["; ".join(r) for r in c["reasons"]], [label(x, lang) for x in c["action"]],
              [_str(x) for x in c["action_reason"]]]
    return {
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
        "values": Block("drop", 1, 0, _grid(values, n) if live else [], DROP_LIVE, LIVE),
        "engine": Block("drop", 1, DROP_LIVE, _grid(engine, n), len(DROP_COLS) - DROP_LIVE),
    }


def segmentation(a: Analysis) -> dict[str, Block]:
    lang, w, vc = a.lang, a.whale, a.value_chain
    acts = list(a.activities.index)
    whale = _grid([[int(r) for r in w["rank"]], [str(x) for x in w["client_id"]],
                   [str(x) for x in w["client_name"]], _col(w["net_profit"]), _col(w["cumulative_profit"]),
                   _col(w["cumulative_profit_share"])], len(w))
    chain = [[int(vc.at[t, "clients"]), *(clean(float(vc.at[t, k])) for k in VC_KEYS[2:]),
              *(clean(float(vc.at[t, name])) for name in acts)] for t in TIERS]
    counts = a.clients["quadrant"].value_counts()
    quads = [[int(counts.get(q, 0))] for q in QUADRANTS]
    quads += [[clean(a.quadrant_split.price_median)], [clean(a.quadrant_split.cost_median)]]
    sc = a.scenario
    fig = sc.figures()
    fig["penalties"] = -fig["penalties"]          # shown as what it does to profit
    fig["new_lead"] = len(sc.new_lead_clients)
    scen = [[clean(fig[k])] for k in SCEN_KEYS]
    scen_live = [[clean(sc.sum_drop_impact)], [clean(sc.difference)]]
    new_lead = ", ".join(sc.new_lead_clients[:50]) or None
    return {
        "whale": Block("segmentation", 1, 0, whale, len(WHALE_COLS)),
        "vc_header": Block("segmentation", VC_HEADER_ROW, VC_COL + len(VC_KEYS), [acts], len(acts), STRUCTURE),
        "value_chain": Block("segmentation", VC_HEADER_ROW + 1, VC_COL + 1, chain, len(VC_KEYS) - 1 + len(acts)),
        "quadrants": Block("segmentation", QUAD_ROW + 2, VC_COL + 1, quads, 1),
        "scenario": Block("segmentation", SCEN_ROW + 1, VC_COL + 1, scen, 1),
        "scenario_live": Block("segmentation", SCEN_LIVE_ROW, VC_COL + 1, scen_live, 1, LIVE),
        "new_lead": Block("segmentation", SCEN_LIVE_ROW + len(SCEN_LIVE_KEYS), VC_COL, [[new_lead]], 1),
    }


def plan(a: Analysis, key: str = "plan") -> Block:
    """The transition plan (``key="plan"``) or its archive (``"archive"``)."""
    lang = a.lang
    frame = a.plan if key == "plan" else a.archive
    rows = [[str(x.client_id), _str(x.client_name), str(x.task), label(x.task, lang), clean(x.due_date),
             label(x.owner, lang), x.owner_name if isinstance(x.owner_name, str) else "",
             label(x.status, lang), x.notes if isinstance(x.notes, str) else ""]
            for x in frame.itertuples(index=False)]
    return Block(key, 1, 0, rows, len(PLAN_SHEET_COLS), ENGINE, grows=True)


def tourniquet(a: Analysis) -> Block:
    lang = a.lang
    rows = [[clean(x.client_id), clean(x.client_name), clean(x.activity), label(x.behavior, lang),
             clean(x.volume), clean(x.cost), clean(x.avoidable_cost), clean(x.share_of_cts),
             clean(x.breakeven_price_rise), clean(x.breakeven_cts_cut)]
            for x in a.tourniquet.itertuples(index=False)]
    return Block("tourniquet", 1, 0, rows, len(TOURNIQUET_COLS), ENGINE, grows=True)


def dashboard(a: Analysis, status: str) -> dict[str, Block]:
    s, lang = a.summary, a.lang
    kpis = [s["clients"], s["revenue"], s["net_revenue"], s["cost_to_serve"], s["net_profit"],
            s["loss_making_clients"], s["losses"]]
    peak = s["whale_peak_share"] if s["whale_peak_share"] is not None else (s["whale_note"] or "")
    return {
        "settings": Block("dashboard", Dash.currency, 1, [[a.settings.currency], [clean(a.settings.period_months)],
                                                          [a.settings.decision_date]], 1),
        "status": Block("dashboard", Dash.status, 0, [[status]], 1),
        "kpis": Block("dashboard", Dash.kpis, 1, [[float(v)] for v in kpis], 1, LIVE),
        "whale": Block("dashboard", Dash.whale_peak, 1, [[clean(peak)], [s["whale_peak_clients"]]], 1),
        "recon": Block("dashboard", Dash.recon, 1, [[clean(a.reconciliation[k])] for k in RECON_KEYS], 1),
        "actions": Block("dashboard", Dash.actions, 1, [[s["actions"].get(x, 0)] for x in ACTIONS], 1),
        "tiers": Block("dashboard", Dash.tiers, 1, [[s["tiers"][t]] for t in TIERS], 1),
        "warnings": Block("dashboard", Dash.warnings, 0, [[w] for w in (a.warnings or [NO_WARNINGS[lang]])], 1,
                          grows=True),
    }


def all_blocks(a: Analysis, *, status: str = "", kinds: Iterable[str] = (ENGINE, LIVE, STRUCTURE)) -> list[Block]:
    """Every block of the computed sheets of the given kinds, in sheet order."""
    kinds = set(kinds)
    live = LIVE in kinds
    out: list[Block] = []
    groups = [profitability(a, live=live), scores(a, live=live), drop_impact(a, live=live), segmentation(a)]
    if live or STRUCTURE in kinds:  # Rates and CostToServe hold no engine block
        groups[:0] = [rates(a), cost_to_serve(a)]
    for group in groups:
        out += group.values()
    out += [plan(a, "plan"), tourniquet(a), plan(a, "archive")]
    out += dashboard(a, status).values()
    return [b for b in out if b.kind in kinds]


def structure_blocks(a: Analysis) -> list[Block]:
    """The engine-written cells the formulas are built around (cheap: no value grids)."""
    acts, lang = a.activities, a.lang
    return [Block("rates", 1, 2, [[SOURCES[s][lang == "es"]] for s in acts["rate_source"]], 1, STRUCTURE),
            Block("cts", 0, 2, [list(acts.index)], len(acts), STRUCTURE),
            Block("segmentation", VC_HEADER_ROW, VC_COL + len(VC_KEYS), [list(acts.index)], len(acts),
                  STRUCTURE)]


# --- status line and README stamp -------------------------------------------------------

STATUS = {
    "written": {"en": "Written by xlprof {version}: {clients} clients, {warnings} warning(s)",
                "es": "Escrito por xlprof {version}: {clients} clientes, {warnings} aviso(s)"},
    "recalculated": {"en": "Recalculated {when}: {clients} clients, {warnings} warning(s)",
                     "es": "Recalculado {when}: {clients} clientes, {warnings} aviso(s)"},
    "failed": {"en": "Not recalculated ({when}): {reason}", "es": "Sin recalcular ({when}): {reason}"},
}


def status_text(kind: str, lang: str, **values: Any) -> str:
    return STATUS[kind][lang if lang in ("en", "es") else "en"].format(**values)


STAMP_KEY = {"en": "Layout", "es": "Estructura"}
MODE_KEY = {"en": "Formulas", "es": "Fórmulas"}
SPLIT_NOTE = {"en": "portfolio rates", "es": "tarifas de la cartera"}


@dataclass(frozen=True)
class Stamp:
    """What the book's formula rows were built for."""

    clients: int
    activities: int
    resources: int
    fixed_rates: bool = False
    mode: str = "native"

    def text(self, lang: str) -> str:
        es = lang == "es"
        words = ("clientes", "actividades", "recursos") if es else ("clients", "activities", "resources")
        s = (f"{STAMP_KEY[lang]}: {self.clients} {words[0]}, {self.activities} {words[1]}, "
             f"{self.resources} {words[2]}")
        return s + (f", {SPLIT_NOTE[lang]}" if self.fixed_rates else "")


def readme_lines(lang: str, *, source_name: str, version: str, stamp: Stamp) -> list[str]:
    """The "Generated" lines at the end of the README."""
    en = lang != "es"
    return [
        f"{'Source' if en else 'Origen'}: {source_name}",
        f"{'xlprof version' if en else 'Versión de xlprof'}: {version}",
        f"{MODE_KEY[lang]}: {stamp.mode}",
        f"{'Clients' if en else 'Clientes'}: {stamp.clients}",
        stamp.text(lang),
    ]


_STAMP_RE = re.compile(r"^\s*(?:%s)\s*:\s*(\d+)\D+(\d+)\D+(\d+)" % "|".join(map(re.escape, STAMP_KEY.values())))
_MODE_RE = re.compile(r"^\s*(?:%s)\s*:\s*(\w+)" % "|".join(map(re.escape, MODE_KEY.values())))


def parse_stamp(readme: list[list[Any]]) -> Stamp | None:
    """The layout stamp from the README's column A (None if the book has none)."""
    found, mode = None, "native"
    for row in readme:
        text = row[0] if row else None
        if not isinstance(text, str):
            continue
        if m := _STAMP_RE.match(text):
            fixed = any(note in text for note in SPLIT_NOTE.values())
            found = (int(m[1]), int(m[2]), int(m[3]), fixed)
        elif m := _MODE_RE.match(text):
            mode = m[1]
    return None if found is None else Stamp(*found, mode=mode)


def stamp_of(a: Analysis, *, fixed_rates: bool = False, mode: str = "native") -> Stamp:
    return Stamp(len(a.clients), len(a.activities), len(a.resources), fixed_rates, mode)


def today_text(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M")
