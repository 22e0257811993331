"""The analysis workbook: live native formulas with the engine's values cached in them.

Sheet order: README, Dashboard, Settings, Clients, Activities, Volumes, Resources,
Rates, CostToServe, Profitability, Scores, DropImpact, Segmentation, TransitionPlan,
Tourniquet, PlanArchive (names in the book's language).

Every computed cell is written from :class:`xlprof.model.Analysis`; where a cell is a
formula, the formula restates the model's definition over the input and settings
cells so that edits recalculate without Python, and the engine's value is stored as
the cached result (LibreOffice recalculation in the tests checks they agree). Rows of
Clients, Volumes, CostToServe, Profitability, Scores and DropImpact are aligned: row
``i`` of each is client ``i`` in client_id order.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from .. import __version__
from ..i18n import label
from ..model.analysis import Analysis, Portfolio
from ..model.exits import PLAN_COLUMNS
from ..settings import SIGNALS
from . import charts
from .inputs import InputLayout, new_workbook, quote, setting_name, write_inputs
from .labels import SOURCES, h, sheet
from .styles import Styles

FORMULA_MODES = ("native", "values", "udf")
PROTECT = {"autofilter": True, "sort": False, "format_columns": True, "format_rows": True,
           "select_locked_cells": True, "select_unlocked_cells": True}


def cached(v: Any) -> Any:
    """The cached result XlsxWriter stores: numbers as float, blanks as ''."""
    if v is None or v is pd.NaT:
        return ""
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, float, np.integer, np.floating)):
        f = float(v)
        return "" if math.isnan(f) else f
    return v


def _fast_prepare(formula: str, expand_future_functions: bool = False) -> str:
    # Our formulas use no future or dynamic-array functions (a test checks it), so the
    # ~30 regular expressions of XlsxWriter's _prepare_formula are skipped.
    return formula[1:] if formula.startswith("=") else formula


class Cells:
    """Writes a computed cell as a formula with its cached value, or as a plain value."""

    def __init__(self, mode: str):
        if mode not in FORMULA_MODES:
            raise ValueError(f"formulas must be one of {FORMULA_MODES}, got {mode!r}")
        self.mode = mode
        self.count = 0

    def sheet(self, ws):
        ws._prepare_formula = _fast_prepare
        return ws

    def put(self, ws, r: int, c: int, formula: str | None, value: Any, fmt=None) -> None:
        v = cached(value)
        if formula is None or self.mode == "values":
            value_cell(ws, r, c, v, fmt)
        else:
            self.count += 1
            ws.write_formula(r, c, formula, fmt, v)


def value_cell(ws, r: int, c: int, v: Any, fmt=None) -> None:
    if v is None or (isinstance(v, str) and v == ""):
        ws.write_blank(r, c, None, fmt)
    elif isinstance(v, (bool, np.bool_)):
        ws.write_boolean(r, c, bool(v), fmt)
    elif isinstance(v, (int, float, np.integer, np.floating)):
        f = float(v)
        if math.isnan(f):
            ws.write_blank(r, c, None, fmt)
        else:
            ws.write_number(r, c, f, fmt)
    elif isinstance(v, dt.datetime):
        ws.write_datetime(r, c, v, fmt)
    elif isinstance(v, dt.date):
        ws.write_datetime(r, c, dt.datetime.combine(v, dt.time()), fmt)
    else:
        ws.write_string(r, c, str(v), fmt)


def headers(ws, st: Styles, row: int, keys: list[str], lang: str, widths: dict[str, int] | None = None,
            raw: dict[int, str] | None = None) -> None:
    for j, k in enumerate(keys):
        text = raw[j] if raw and j in raw else h(k, lang)
        ws.write_string(row, j, text, st.header)
        ws.set_column(j, j, (widths or {}).get(k, 14))


def finish(ws, header_row: int, ncols: int, nrows: int, *, freeze_cols: int = 2,
           protect: bool = True, landscape: bool = True) -> None:
    last = header_row + max(nrows, 1)
    ws.freeze_panes(header_row + 1, freeze_cols)
    ws.autofilter(header_row, 0, last, ncols - 1)
    ws.repeat_rows(header_row)
    ws.print_area(0, 0, last, ncols - 1)
    if landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_paper(9)
    if protect:
        ws.protect("", PROTECT)


@dataclass
class Ctx:
    wb: Any
    st: Styles
    cells: Cells
    a: Analysis
    p: Portfolio
    lang: str
    inputs: InputLayout
    n: int
    m: int
    ids: list[str]

    def sname(self, key: str) -> str:
        return sheet(key, self.lang)

    def q(self, key: str) -> str:
        return quote(self.sname(key))


def _rows(ctx: Ctx) -> range:
    return range(ctx.n)


# --- Rates ------------------------------------------------------------------------------


RATE_COLS = ["activity", "behavior", "rate_source", "total_volume", "minutes_per_unit", "rate",
             "assigned_cost", "hours", "avoidable"]


def write_rates(ctx: Ctx, *, fixed_rates: bool = False) -> None:
    ws = ctx.cells.sheet(ctx.wb.add_worksheet(ctx.sname("rates")))
    st, lang, acts = ctx.st, ctx.lang, ctx.a.activities
    headers(ws, st, 0, RATE_COLS, lang, {"activity": 26, "rate_source": 22, "behavior": 18})
    A = ctx.inputs.activities
    V = ctx.inputs.volumes
    R = ctx.inputs.resources
    qa = quote(A.sheet)
    var_labels = {"variable", "avoidable_fixed", label("variable", lang), label("avoidable_fixed", lang)}
    for j, (name, row) in enumerate(acts.iterrows()):
        r = j + 1
        ar = A.first_row + j + 1  # Excel row on Activities
        put = ctx.cells.put
        put(ws, r, 0, f"={qa}!$A{ar}", name, st.text)
        put(ws, r, 1, f"={qa}!$E{ar}", label(row["behavior"], lang), st.text)
        ws.write_string(r, 2, SOURCES[row["rate_source"]][lang == "es"], st.text)
        vc = xl_col_to_name(V.cols[name])
        vrange = f"{quote(V.sheet)}!${vc}${V.first_row + 1}:${vc}${V.first_row + max(ctx.n, 1)}"
        put(ws, r, 3, f"=SUM({vrange})", row["total_volume"], st.number)
        put(ws, r, 4, f"={qa}!$F{ar}", np.nan_to_num(row["minutes_per_unit"]), st.number)
        if fixed_rates:
            value_cell(ws, r, 5, float(row["rate"]), st.rate)
        elif row["rate_source"] == "pool":
            put(ws, r, 5, f"=IF(D{r + 1}>0,{qa}!$C{ar}/D{r + 1},0)", row["rate"], st.rate)
        elif row["rate_source"] == "time":
            k = ctx.n_res = len(ctx.p.resources)
            qr = quote(R.sheet)
            names_rng = f"{qr}!$A$2:$A${k + 1}"
            match = f"MATCH({qa}!$G{ar},{names_rng},0)"
            cost = f"INDEX({qr}!$B$2:$B${k + 1},{match})"
            cap = f"INDEX({qr}!$C$2:$C${k + 1},{match})"
            put(ws, r, 5, f"=IF({cap}>0,{cost}/({cap}*60)*{qa}!$F{ar},0)", row["rate"], st.rate)
        else:
            put(ws, r, 5, f"={qa}!$D{ar}", row["rate"], st.rate)
        put(ws, r, 6, f"=F{r + 1}*D{r + 1}", row["assigned_cost"], st.money)
        put(ws, r, 7, f"=D{r + 1}*E{r + 1}/60", row["hours"], st.number)
        flag = 1.0 if row["behavior"] in ("variable", "avoidable_fixed") else 0.0
        ors = ",".join(f'B{r + 1}="{t}"' for t in sorted(var_labels))
        put(ws, r, 8, f"=IF(OR({ors}),1,0)", flag, st.integer)
    finish(ws, 0, len(RATE_COLS), ctx.m, freeze_cols=1)


# --- CostToServe ------------------------------------------------------------------------

CTS_FIRST = 4  # 0-based first data row: header, avoidable flags, minutes, rates above it


def write_cost_to_serve(ctx: Ctx) -> dict[str, str]:
    """Client x activity cost; returns the column letters of total, avoidable and hours."""
    ws = ctx.cells.sheet(ctx.wb.add_worksheet(ctx.sname("cts")))
    st, lang, a = ctx.st, ctx.lang, ctx.a
    acts = list(a.activities.index)
    m = len(acts)
    keys = ["client_id", "client_name", *(["activity"] * m), "cost_to_serve",
            "avoidable_cost_to_serve", "service_hours"]
    headers(ws, st, 0, keys, lang, {"client_name": 28}, raw={2 + j: n for j, n in enumerate(acts)})
    ws.write_string(1, 1, h("avoidable", lang), st.bold)
    ws.write_string(2, 1, h("minutes_per_unit", lang), st.bold)
    ws.write_string(3, 1, h("rate", lang), st.bold)
    qrates = ctx.q("rates")
    for j, name in enumerate(acts):
        rr = j + 2
        row = a.activities.loc[name]
        flag = 1.0 if row["behavior"] in ("variable", "avoidable_fixed") else 0.0
        ctx.cells.put(ws, 1, 2 + j, f"={qrates}!$I${rr}", flag, st.integer)
        ctx.cells.put(ws, 2, 2 + j, f"={qrates}!$E${rr}", np.nan_to_num(row["minutes_per_unit"]), st.number)
        ctx.cells.put(ws, 3, 2 + j, f"={qrates}!$F${rr}", row["rate"], st.rate)
    first, last = xl_col_to_name(2), xl_col_to_name(1 + m)
    V = ctx.inputs.volumes
    qv = quote(V.sheet)
    vfirst, vlast = xl_col_to_name(1), xl_col_to_name(m)
    C = ctx.inputs.clients
    qc = quote(C.sheet)
    cts = a.cts.to_numpy()
    c = a.clients
    put = ctx.cells.put
    for i in _rows(ctx):
        r = CTS_FIRST + i
        er = r + 1
        cr = C.first_row + i + 1
        vr = V.first_row + i + 1
        put(ws, r, 0, f"={qc}!$A{cr}", ctx.ids[i], st.text)
        put(ws, r, 1, f"={qc}!$B{cr}", c.at[i, "client_name"], st.text)
        for j in range(m):
            col = xl_col_to_name(2 + j)
            vcol = xl_col_to_name(1 + j)
            put(ws, r, 2 + j, f"={qv}!{vcol}{vr}*{col}$4", cts[i, j], st.money)
        put(ws, r, 2 + m, f"=SUM({first}{er}:{last}{er})", c.at[i, "cost_to_serve"], st.money)
        put(ws, r, 3 + m, f"=SUMPRODUCT({first}{er}:{last}{er},{first}$2:{last}$2)",
            c.at[i, "avoidable_cost_to_serve"], st.money)
        put(ws, r, 4 + m, f"=SUMPRODUCT({qv}!{vfirst}{vr}:{vlast}{vr},{first}$3:{last}$3)/60",
            c.at[i, "service_hours"], st.number)
    ws.set_column(2, 1 + m, 13)
    finish(ws, 0, len(keys), ctx.n + 3, freeze_cols=2)
    ws.freeze_panes(CTS_FIRST, 2)
    return {"total": xl_col_to_name(2 + m), "avoidable": xl_col_to_name(3 + m),
            "hours": xl_col_to_name(4 + m)}


# --- Profitability ----------------------------------------------------------------------

PROF_COLS = ["client_id", "client_name", "net_revenue", "gross_margin", "cost_to_serve",
             "financing_cost", "bad_debt", "net_profit", "net_margin", "service_hours",
             "profit_per_hour", "breakeven_price_rise", "breakeven_cts_cut", "price_realization",
             "cts_ratio", "profit_rank", "cumulative_profit_share", "tier", "quadrant"]
PCOL = {k: xl_col_to_name(j) for j, k in enumerate(PROF_COLS)}


def write_profitability(ctx: Ctx, cts_cols: dict[str, str]) -> None:
    ws = ctx.cells.sheet(ctx.wb.add_worksheet(ctx.sname("profitability")))
    st, lang, c = ctx.st, ctx.lang, ctx.a.clients
    headers(ws, st, 0, PROF_COLS, lang, {"client_name": 28, "tier": 11, "quadrant": 18})
    C = ctx.inputs.clients
    qc = quote(C.sheet)
    col = {k: C.col(k) for k in ("client_id", "client_name", "revenue", "discounts", "cogs",
                                 "days_to_pay", "bad_debt")}
    qcts = ctx.q("cts")
    coc = setting_name("cost_of_capital")
    put = ctx.cells.put
    money, pct, num = st.money, st.pct, st.number
    for i in _rows(ctx):
        r = i + 1
        e = r + 1
        cr = C.first_row + i + 1
        tr = CTS_FIRST + i + 1
        x = c.iloc[i]
        rev = f"{qc}!${col['revenue']}{cr}"
        put(ws, r, 0, f"={qc}!${col['client_id']}{cr}", x["client_id"], st.text)
        put(ws, r, 1, f"={qc}!${col['client_name']}{cr}", x["client_name"], st.text)
        put(ws, r, 2, f"={rev}-{qc}!${col['discounts']}{cr}", x["net_revenue"], money)
        put(ws, r, 3, f"=C{e}-{qc}!${col['cogs']}{cr}", x["gross_margin"], money)
        put(ws, r, 4, f"={qcts}!${cts_cols['total']}{tr}", x["cost_to_serve"], money)
        put(ws, r, 5, f"={rev}*{qc}!${col['days_to_pay']}{cr}*{coc}/365", x["financing_cost"], money)
        put(ws, r, 6, f"={qc}!${col['bad_debt']}{cr}", np.nan_to_num(x["bad_debt"]), money)
        put(ws, r, 7, f"=D{e}-E{e}-F{e}-G{e}", x["net_profit"], money)
        put(ws, r, 8, f'=IF(C{e}>0,H{e}/C{e},"")', x["net_margin"], pct)
        put(ws, r, 9, f"={qcts}!${cts_cols['hours']}{tr}", x["service_hours"], num)
        put(ws, r, 10, f'=IF(J{e}>0,H{e}/J{e},"")', x["profit_per_hour"], money)
        put(ws, r, 11, f'=IF(AND(H{e}<0,C{e}>0),-H{e}/C{e},"")', x["breakeven_price_rise"], pct)
        put(ws, r, 12, f'=IF(H{e}<0,-H{e},"")', x["breakeven_cts_cut"], money)
        put(ws, r, 13, f'=IF({rev}>0,C{e}/{rev},"")', x["price_realization"], pct)
        put(ws, r, 14, f'=IF(C{e}>0,E{e}/C{e},"")', x["cts_ratio"], pct)
        value_cell(ws, r, 15, int(x["profit_rank"]), st.integer)
        value_cell(ws, r, 16, cached(x["cumulative_profit_share"]), st.share)
        ws.write_string(r, 17, label(x["tier"], lang))
        ws.write_string(r, 18, label(x["quadrant"], lang))
    last = max(ctx.n, 1)
    ws.conditional_format(1, 7, last, 7, {"type": "cell", "criteria": "<", "value": 0, "format": st.loss})
    ws.conditional_format(1, 17, last, 17, {"type": "cell", "criteria": "==",
                                            "value": f'"{label("lead", lang)}"', "format": st.loss})
    finish(ws, 0, len(PROF_COLS), ctx.n)


# --- Scores -----------------------------------------------------------------------------

SCORE_COLS = ["client_id", "client_name", *(f"signal_{s}" for s in SIGNALS), "score",
              "score_coverage", "reasons", "action", "action_reason"]
SCORE_FIRST = 2  # header row 0, weights row 1


def write_scores(ctx: Ctx) -> None:
    ws = ctx.cells.sheet(ctx.wb.add_worksheet(ctx.sname("scores")))
    st, lang, c, s = ctx.st, ctx.lang, ctx.a.clients, ctx.a.settings
    headers(ws, st, 0, SCORE_COLS, lang, {"client_name": 28, "reasons": 60, "action": 30,
                                          "action_reason": 50})
    ws.write_string(1, 1, h("weights", lang), st.bold)
    for k, sig in enumerate(SIGNALS):
        ctx.cells.put(ws, 1, 2 + k, f"={setting_name('weight_' + sig)}", s.weights[sig], st.signal)
    C = ctx.inputs.clients
    qc = quote(C.sheet)
    qp = ctx.q("profitability")
    cc = {k: C.col(k) for k in ("client_id", "client_name", "payment_terms_days", "days_to_pay",
                                "bad_debt", "values_alignment", "communication", "needs_fit",
                                "respect_of_terms")}
    put = ctx.cells.put
    W = "$C$2:$I$2"
    for i in _rows(ctx):
        r = SCORE_FIRST + i
        e = r + 1
        cr = C.first_row + i + 1
        pr = i + 2
        x = c.iloc[i]
        ref = lambda k: f"{qc}!${cc[k]}{cr}"  # noqa: E731
        put(ws, r, 0, f"={ref('client_id')}", x["client_id"], st.text)
        put(ws, r, 1, f"={ref('client_name')}", x["client_name"], st.text)
        nr, p, cts = f"{qp}!$C{pr}", f"{qp}!$H{pr}", f"{qp}!$E{pr}"
        put(ws, r, 2, f"=IF({nr}>0,MAX(0,MIN(1,(0.1-{p}/{nr})/0.3)),1)", x["signal_profitability"], st.signal)
        days, terms = ref("days_to_pay"), ref("payment_terms_days")
        put(ws, r, 3, f'=IF({ref("bad_debt")}>0,1,IF(OR({days}="",{terms}=""),"",'
                      f"MAX(0,MIN(1,({days}-{terms})/60))))", x["signal_payment"], st.signal)
        put(ws, r, 4, f"=IF({nr}>0,MAX(0,MIN(1,({cts}/{nr}-0.1)/0.3)),1)", x["signal_service_burden"], st.signal)
        for k, rating in enumerate(("values_alignment", "communication", "needs_fit", "respect_of_terms")):
            rr = ref(rating)
            put(ws, r, 5 + k, f'=IF({rr}="","",(5-{rr})/4)', x[f"signal_{rating}"], st.signal)
        has = f'SUMPRODUCT(--(C{e}:I{e}<>""),{W})'
        put(ws, r, 9, f'=IF({has}>0,100*SUMPRODUCT(C{e}:I{e},{W})/{has},"")', x["score"], st.score)
        put(ws, r, 10, f"={has}/SUM({W})", x["score_coverage"], st.pct)
        ws.write_string(r, 11, "; ".join(x["reasons"]))
        ws.write_string(r, 12, label(x["action"], lang))
        ws.write_string(r, 13, x["action_reason"])
    last = SCORE_FIRST + max(ctx.n, 1) - 1
    ws.conditional_format(SCORE_FIRST, 9, last, 9, {"type": "3_color_scale", "min_type": "num", "min_value": 0,
                                                    "mid_type": "num", "mid_value": 50, "max_type": "num",
                                                    "max_value": 100, "min_color": "#63BE7B",
                                                    "mid_color": "#FFEB84", "max_color": "#F8696B"})
    finish(ws, 0, len(SCORE_COLS), ctx.n + 1)
    ws.freeze_panes(SCORE_FIRST, 2)


# --- DropImpact -------------------------------------------------------------------------

DROP_COLS = ["client_id", "client_name", "net_revenue", "cogs", "avoidable_cost_to_serve",
             "financing_cost", "bad_debt", "exit_penalty", "drop_impact", "freed_hours", "exit_gain",
             "action", "exit_date"]


def write_drop_impact(ctx: Ctx, cts_cols: dict[str, str]) -> None:
    ws = ctx.cells.sheet(ctx.wb.add_worksheet(ctx.sname("drop")))
    st, lang, c = ctx.st, ctx.lang, ctx.a.clients
    headers(ws, st, 0, DROP_COLS, lang, {"client_name": 28, "action": 30})
    C = ctx.inputs.clients
    qc = quote(C.sheet)
    qp, qcts = ctx.q("profitability"), ctx.q("cts")
    put = ctx.cells.put
    cap, vph = setting_name("capacity_constrained"), setting_name("value_per_freed_hour")
    for i in _rows(ctx):
        r = i + 1
        e = r + 1
        cr = C.first_row + i + 1
        x = c.iloc[i]
        put(ws, r, 0, f"={qc}!${C.col('client_id')}{cr}", x["client_id"], st.text)
        put(ws, r, 1, f"={qc}!${C.col('client_name')}{cr}", x["client_name"], st.text)
        put(ws, r, 2, f"={qp}!$C{e}", x["net_revenue"], st.money)
        put(ws, r, 3, f"={qc}!${C.col('cogs')}{cr}", x["cogs"], st.money)
        put(ws, r, 4, f"={qcts}!${cts_cols['avoidable']}{CTS_FIRST + i + 1}", x["avoidable_cost_to_serve"], st.money)
        put(ws, r, 5, f"={qp}!$F{e}", x["financing_cost"], st.money)
        put(ws, r, 6, f"={qc}!${C.col('bad_debt')}{cr}", np.nan_to_num(x["bad_debt"]), st.money)
        put(ws, r, 7, f"={qc}!${C.col('exit_penalty')}{cr}", np.nan_to_num(x["exit_penalty"]), st.money)
        put(ws, r, 8, f"=-C{e}+D{e}+E{e}+F{e}+G{e}-H{e}", x["drop_impact"], st.money)
        put(ws, r, 9, f"={qp}!$J{e}", x["freed_hours"], st.number)
        put(ws, r, 10, f"=I{e}+IF({cap},J{e}*{vph},0)", x["exit_gain"], st.money)
        ws.write_string(r, 11, label(x["action"], lang))
        value_cell(ws, r, 12, x["exit_date"], st.date)
    last = max(ctx.n, 1)
    ws.conditional_format(1, 8, last, 8, {"type": "cell", "criteria": ">", "value": 0, "format": st.ok})
    finish(ws, 0, len(DROP_COLS), ctx.n)


# --- TransitionPlan, archive, tourniquet -----------------------------------------------

PLAN_SHEET_COLS = ["client_id", "client_name", "task", "task_label", "due_date", "owner",
                   "owner_name", "status", "notes"]


def write_plan(ctx: Ctx, key: str, plan: pd.DataFrame) -> None:
    ws = ctx.wb.add_worksheet(ctx.sname(key))
    st, lang = ctx.st, ctx.lang
    headers(ws, st, 0, PLAN_SHEET_COLS, lang, {"client_name": 28, "task": 18, "task_label": 50,
                                               "owner": 16, "owner_name": 18, "status": 14, "notes": 50})
    for i, x in enumerate(plan.itertuples(index=False)):
        r = i + 1
        ws.write_string(r, 0, str(x.client_id))
        ws.write_string(r, 1, "" if x.client_name is None else str(x.client_name))
        ws.write_string(r, 2, str(x.task))
        ws.write_string(r, 3, label(x.task, lang))
        value_cell(ws, r, 4, x.due_date, st.date)
        ws.write_string(r, 5, label(x.owner, lang))
        ws.write_string(r, 6, "" if not isinstance(x.owner_name, str) else x.owner_name)
        ws.write_string(r, 7, label(x.status, lang), st.in_text)
        ws.write_string(r, 8, "" if not isinstance(x.notes, str) else x.notes, st.in_text)
    n = max(len(plan), 1)
    ws.data_validation(1, 7, n + 500, 7, {"validate": "list", "source": [
        label(s, lang) for s in ("pending", "in_progress", "done", "not_applicable")]})
    ws.set_column(8, 8, 50, st.in_text)
    finish(ws, 0, len(PLAN_SHEET_COLS), len(plan))


TOURNIQUET_COLS = ["client_id", "client_name", "activity", "behavior", "volume", "cost",
                   "avoidable_cost", "share_of_cts", "breakeven_price_rise", "breakeven_cts_cut"]


def write_tourniquet(ctx: Ctx) -> None:
    ws = ctx.wb.add_worksheet(ctx.sname("tourniquet"))
    st, lang, t = ctx.st, ctx.lang, ctx.a.tourniquet
    headers(ws, st, 0, TOURNIQUET_COLS, lang, {"client_name": 28, "activity": 26})
    fmts = [st.text, st.text, st.text, st.text, st.number, st.money, st.money, st.pct, st.pct, st.money]
    for i, x in enumerate(t.itertuples(index=False)):
        vals = [x.client_id, x.client_name, x.activity, label(x.behavior, lang), x.volume, x.cost,
                x.avoidable_cost, cached(x.share_of_cts), cached(x.breakeven_price_rise),
                cached(x.breakeven_cts_cut)]
        for j, v in enumerate(vals):
            value_cell(ws, i + 1, j, v, fmts[j])
    finish(ws, 0, len(TOURNIQUET_COLS), len(t))


# --- the book ---------------------------------------------------------------------------


def write_analysis_book(a: Analysis, p: Portfolio, path: Path | str, *, formulas: str = "native",
                        source_name: str | None = None, fixed_rates: bool = False) -> int:
    """Write the analysis workbook of ``a`` (computed from ``p``) to ``path``.

    Returns the number of formula cells written. ``fixed_rates`` writes the activity
    rates as values (split books carry the portfolio's rates).
    """
    from . import dashboard

    lang = a.lang
    cells = Cells(formulas)
    wb, st = new_workbook(path, currency=a.settings.currency)
    ids = list(a.clients["client_id"])
    readme = wb.add_worksheet(sheet("readme", lang))
    dash = wb.add_worksheet(sheet("dashboard", lang))
    inputs = write_inputs(wb, st, p, a.settings.replace(language=lang), lang, ids)
    ctx = Ctx(wb, st, cells, a, p, lang, inputs, len(ids), len(a.activities), ids)
    write_rates(ctx, fixed_rates=fixed_rates)
    cts_cols = write_cost_to_serve(ctx)
    write_profitability(ctx, cts_cols)
    write_scores(ctx)
    write_drop_impact(ctx, cts_cols)
    seg = charts.write_segmentation(ctx)
    write_plan(ctx, "plan", a.plan)
    write_tourniquet(ctx)
    write_plan(ctx, "archive", a.archive)
    dashboard.write_dashboard(ctx, dash, seg)
    dashboard.write_readme(ctx, readme, source_name=source_name or Path(p.source).name or "",
                           version=__version__)
    for ws in wb.worksheets():
        if ws.name in {inputs.clients.sheet, inputs.activities.sheet, inputs.volumes.sheet} or (
                inputs.resources and ws.name == inputs.resources.sheet):
            ws.protect("", {**PROTECT, "insert_rows": False})
    wb.get_worksheet_by_name(sheet("dashboard", lang)).activate()
    wb.close()
    return cells.count
