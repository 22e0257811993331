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
from ..schema import AVOIDABLE, RESOURCE_DEFAULT_BEHAVIOR, SHEET_NAMES
from ..settings import SIGNALS
from . import charts
from . import layout as L
from .inputs import InputLayout, new_workbook, quote, setting_name, write_inputs
from .labels import h, sheet
from .layout import (CTS_FIRST, DROP_COLS, PLAN_SHEET_COLS, PROF_COLS, RATE_COLS, SCORE_COLS,  # noqa: F401
                     SCORE_FIRST, TOURNIQUET_COLS, Block)
from .styles import Styles, money_format

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


def udf_column(cells: Cells, ws, first: int, c: int, formula: str, values: list, fmt=None) -> None:
    """``--formulas udf``: one array formula over rows ``first``.. of column ``c`` (one
    XLPROF_ call computes the whole column: one round trip to Python per column on every
    recalculation, not one per client), with each cell's cached value (Excel stores an
    array formula's values cell by cell: the formula on the first, values on all)."""
    if not values:
        return
    cells.count += 1
    last = first + len(values) - 1
    ws.write_array_formula(first, c, last, c, formula, fmt, cached(values[0]))
    for k, v in enumerate(values[1:], start=1):
        value_cell(ws, first + k, c, cached(v), fmt)


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


def write_block(ws, block: Block, fmts=None, *, row_fmts=None) -> None:
    """Write a layout block's values: ``None`` blank, text as text, numbers, dates.

    ``fmts`` is one format or a list with one per column; ``row_fmts`` one per row.
    """
    per_col = isinstance(fmts, (list, tuple))
    for i, row in enumerate(block.rows):
        r = block.row + i
        for j, v in enumerate(row):
            fmt = row_fmts[i] if row_fmts is not None else fmts[j] if per_col else fmts
            if isinstance(v, str):
                ws.write_string(r, block.col + j, v, fmt)
            else:
                value_cell(ws, r, block.col + j, v, fmt)


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


class OutFormats:
    """Unlocked twins of the formats of engine-written cells (layout blocks of kind
    ``engine``): the ribbon's Recalculate writes them into the protected sheets of the
    open workbook, which Excel only allows for unlocked cells."""

    def __init__(self, wb, currency: str):
        def add(**props):
            return wb.add_format({**props, "locked": False})

        money = money_format(currency)
        self.text = add()
        self.integer = add(num_format="#,##0")
        self.share = add(num_format="0%")
        self.pct = add(num_format="0.0%")
        self.money = add(num_format=money)
        self.money_bold = add(num_format=money, bold=True, top=1)
        self.number = add(num_format="#,##0.00")
        self.date = add(num_format="yyyy-mm-dd")
        self.wrap = add(text_wrap=True, valign="top")


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
    out: OutFormats | None = None
    fixed_rates: bool = False

    @property
    def protect(self) -> bool:
        """Computed sheets are protected so formulas are not overwritten by accident; a
        book without formulas is left unprotected (Recalculate rewrites every value)."""
        return self.cells.mode != "values"

    def sname(self, key: str) -> str:
        return sheet(key, self.lang)

    def q(self, key: str) -> str:
        return quote(self.sname(key))


def _rows(ctx: Ctx) -> range:
    return range(ctx.n)


# --- Rates ------------------------------------------------------------------------------


def write_rates(ctx: Ctx, *, fixed_rates: bool = False) -> None:
    ws = ctx.cells.sheet(ctx.wb.add_worksheet(ctx.sname("rates")))
    st, lang, acts = ctx.st, ctx.lang, ctx.a.activities
    headers(ws, st, 0, RATE_COLS, lang, {"activity": 26, "rate_source": 22, "behavior": 18})
    blocks = L.rates(ctx.a)
    names, values = blocks["names"].rows, blocks["values"].rows
    A = ctx.inputs.activities
    V = ctx.inputs.volumes
    R = ctx.inputs.resources
    qa = quote(A.sheet)
    var_labels = {*AVOIDABLE, *(label(b, lang) for b in AVOIDABLE)}
    put = ctx.cells.put
    for j, (name, row) in enumerate(acts.iterrows()):
        r = j + 1
        ar = A.first_row + j + 1  # Excel row on Activities
        total, minutes, rate, assigned, hours, flag, freed = values[j]
        put(ws, r, 0, f"={qa}!$A{ar}", names[j][0], st.text)
        if row["rate_source"] == "time":  # a time-driven activity behaves as its resource
            k = len(ctx.p.resources)
            qr = quote(R.sheet)
            behavior = f"INDEX({qr}!${R.col('behavior')}$2:${R.col('behavior')}${k + 1},MATCH({qa}!$G{ar},{qr}!$A$2:$A${k + 1},0))"
            put(ws, r, 1, f'=IF({behavior}="","{label(RESOURCE_DEFAULT_BEHAVIOR, lang)}",{behavior})',
                names[j][1], st.text)
        else:
            put(ws, r, 1, f"={qa}!$E{ar}", names[j][1], st.text)
        vc = xl_col_to_name(V.cols[name])
        vrange = f"{quote(V.sheet)}!${vc}${V.first_row + 1}:${vc}${V.first_row + max(ctx.n, 1)}"
        put(ws, r, 3, f"=SUM({vrange})", total, st.number)
        put(ws, r, 4, f"={qa}!$F{ar}", minutes, st.number)
        if fixed_rates:
            value_cell(ws, r, 5, rate, st.rate)
        elif row["rate_source"] == "pool":
            put(ws, r, 5, f"=IF(D{r + 1}>0,{qa}!$C{ar}/D{r + 1},0)", rate, st.rate)
        elif row["rate_source"] == "time":
            k = len(ctx.p.resources)
            qr = quote(R.sheet)
            names_rng = f"{qr}!$A$2:$A${k + 1}"
            match = f"MATCH({qa}!$G{ar},{names_rng},0)"
            cost = f"INDEX({qr}!$B$2:$B${k + 1},{match})"
            cap = f"INDEX({qr}!$C$2:$C${k + 1},{match})"
            put(ws, r, 5, f"=IF({cap}>0,{cost}/({cap}*60)*{qa}!$F{ar},0)", rate, st.rate)
        else:
            put(ws, r, 5, f"={qa}!$D{ar}", rate, st.rate)
        put(ws, r, 6, f"=F{r + 1}*D{r + 1}", assigned, st.money)
        put(ws, r, 7, f"=D{r + 1}*E{r + 1}/60", hours, st.number)
        ors = ",".join(f'B{r + 1}="{t}"' for t in sorted(var_labels))
        put(ws, r, 8, f"=IF(OR({ors}),1,0)", flag, st.integer)
        # freed capacity: a committed activity that takes the team's time (its cost stays)
        committed = label("committed_fixed", lang)
        put(ws, r, 9, f'=IF(AND(E{r + 1}>0,B{r + 1}="{committed}"),1,0)', freed, st.integer)
    write_block(ws, blocks["source"], st.text)
    finish(ws, 0, len(RATE_COLS), ctx.m, freeze_cols=1, protect=ctx.protect)


# --- CostToServe ------------------------------------------------------------------------

def write_cost_to_serve(ctx: Ctx) -> dict[str, str]:
    """Client x activity cost; returns the column letters of total, avoidable, freed
    (freed capacity cost) and hours."""
    ws = ctx.cells.sheet(ctx.wb.add_worksheet(ctx.sname("cts")))
    st, lang, a = ctx.st, ctx.lang, ctx.a
    acts = list(a.activities.index)
    m = len(acts)
    keys = ["client_id", "client_name", *(["activity"] * m), "cost_to_serve",
            "avoidable_cost_to_serve", "freed_capacity_cost", "service_hours"]
    headers(ws, st, 0, keys, lang, {"client_name": 28}, raw={2 + j: n for j, n in enumerate(acts)})
    ws.write_string(1, 1, h("avoidable", lang), st.bold)
    ws.write_string(2, 1, h("minutes_per_unit", lang), st.bold)
    ws.write_string(3, 1, h("rate", lang), st.bold)
    ws.write_string(4, 1, h("freed_capacity", lang), st.bold)
    qrates = ctx.q("rates")
    blocks = L.cost_to_serve(a)
    params, values = blocks["params"].rows, blocks["values"].rows
    for j in range(m):
        rr = j + 2
        ctx.cells.put(ws, 1, 2 + j, f"={qrates}!$I${rr}", params[0][j], st.integer)
        ctx.cells.put(ws, 2, 2 + j, f"={qrates}!$E${rr}", params[1][j], st.number)
        ctx.cells.put(ws, 3, 2 + j, f"={qrates}!$F${rr}", params[2][j], st.rate)
        ctx.cells.put(ws, 4, 2 + j, f"={qrates}!$J${rr}", params[3][j], st.integer)
    first, last = xl_col_to_name(2), xl_col_to_name(1 + m)
    V = ctx.inputs.volumes
    qv = quote(V.sheet)
    vfirst, vlast = xl_col_to_name(1), xl_col_to_name(m)
    C = ctx.inputs.clients
    qc = quote(C.sheet)
    put = ctx.cells.put
    for i in _rows(ctx):
        r = CTS_FIRST + i
        er = r + 1
        cr = C.first_row + i + 1
        vr = V.first_row + i + 1
        x = values[i]
        put(ws, r, 0, f"={qc}!$A{cr}", x[0], st.text)
        put(ws, r, 1, f"={qc}!$B{cr}", x[1], st.text)
        for j in range(m):
            col = xl_col_to_name(2 + j)
            vcol = xl_col_to_name(1 + j)
            put(ws, r, 2 + j, f"={qv}!{vcol}{vr}*{col}$4", x[2 + j], st.money)
        put(ws, r, 2 + m, f"=SUM({first}{er}:{last}{er})", x[2 + m], st.money)
        put(ws, r, 3 + m, f"=SUMPRODUCT({first}{er}:{last}{er},{first}$2:{last}$2)", x[3 + m], st.money)
        put(ws, r, 4 + m, f"=SUMPRODUCT({first}{er}:{last}{er},{first}$5:{last}$5)", x[4 + m], st.money)
        put(ws, r, 5 + m, f"=SUMPRODUCT({qv}!{vfirst}{vr}:{vlast}{vr},{first}$3:{last}$3)/60", x[5 + m],
            st.number)
    ws.set_column(2, 1 + m, 13)
    finish(ws, 0, len(keys), ctx.n + 3, freeze_cols=2, protect=ctx.protect)
    ws.freeze_panes(CTS_FIRST, 2)
    return {"total": xl_col_to_name(2 + m), "avoidable": xl_col_to_name(3 + m),
            "freed": xl_col_to_name(4 + m), "hours": xl_col_to_name(5 + m)}


# --- Profitability ----------------------------------------------------------------------

PCOL = {k: xl_col_to_name(j) for j, k in enumerate(PROF_COLS)}


def write_profitability(ctx: Ctx, cts_cols: dict[str, str]) -> None:
    ws = ctx.cells.sheet(ctx.wb.add_worksheet(ctx.sname("profitability")))
    st, lang = ctx.st, ctx.lang
    headers(ws, st, 0, PROF_COLS, lang, {"client_name": 28, "tier": 11, "quadrant": 18})
    blocks = L.profitability(ctx.a)
    values = blocks["values"].rows
    C = ctx.inputs.clients
    qc = quote(C.sheet)
    col = {k: C.col(k) for k in ("client_id", "client_name", "revenue", "discounts", "cogs",
                                 "days_to_pay", "bad_debt")}
    qcts = ctx.q("cts")
    coc = setting_name("cost_of_capital")
    put = ctx.cells.put
    money, pct, num = st.money, st.pct, st.number
    udf = ctx.cells.mode == "udf"
    qv = quote(ctx.inputs.volumes.sheet)
    vlast = xl_col_to_name(ctx.m)          # Volumes: client_id, then one column per activity
    clast = xl_col_to_name(1 + ctx.m)      # CostToServe: rates row 4, columns C..
    for i in _rows(ctx):
        r = i + 1
        e = r + 1
        cr = C.first_row + i + 1
        tr = CTS_FIRST + i + 1
        x = values[i]
        rev = f"{qc}!${col['revenue']}{cr}"
        put(ws, r, 0, f"={qc}!${col['client_id']}{cr}", x[0], st.text)
        put(ws, r, 1, f"={qc}!${col['client_name']}{cr}", x[1], st.text)
        put(ws, r, 2, f"={rev}-{qc}!${col['discounts']}{cr}", x[2], money)
        cogs = f"{qc}!${col['cogs']}{cr}"
        if not udf:  # (udf: one XLPROF_ array formula per column, after the loop)
            put(ws, r, 3, f"=C{e}-{cogs}", x[3], money)
            put(ws, r, 4, f"={qcts}!${cts_cols['total']}{tr}", x[4], money)
        put(ws, r, 5, f"={rev}*{qc}!${col['days_to_pay']}{cr}*{coc}/365", x[5], money)
        put(ws, r, 6, f"={qc}!${col['bad_debt']}{cr}", x[6], money)
        if not udf:
            put(ws, r, 7, f"=D{e}-E{e}-F{e}-G{e}", x[7], money)
        put(ws, r, 8, f'=IF(C{e}>0,H{e}/C{e},"")', x[8], pct)
        put(ws, r, 9, f"={qcts}!${cts_cols['hours']}{tr}", x[9], num)
        put(ws, r, 10, f'=IF(J{e}>0,H{e}/J{e},"")', x[10], money)
        put(ws, r, 11, f'=IF(AND(H{e}<0,C{e}>0),-H{e}/C{e},"")', x[11], pct)
        put(ws, r, 12, f'=IF(H{e}<0,-H{e},"")', x[12], money)
        put(ws, r, 13, f'=IF({rev}>0,C{e}/{rev},"")', x[13], pct)
        put(ws, r, 14, f'=IF(C{e}>0,E{e}/C{e},"")', x[14], pct)
    if udf and ctx.n:  # the same definitions through the XLPROF_ functions (xlprof.udfs)
        c1, cn = C.first_row + 1, C.first_row + ctx.n      # the clients' rows on Clients (1-based)
        v1, vn = ctx.inputs.volumes.first_row + 1, ctx.inputs.volumes.first_row + ctx.n
        ccol = lambda k: f"{qc}!${col[k]}${c1}:${col[k]}${cn}"  # noqa: E731
        here = lambda letter: f"${letter}$2:${letter}${ctx.n + 1}"  # noqa: E731
        rows = [values[i] for i in _rows(ctx)]
        udf_column(ctx.cells, ws, 1, 3, f"=XLPROF_MARGIN({ccol('revenue')},{ccol('cogs')},{ccol('discounts')})",
                   [x[3] for x in rows], money)
        udf_column(ctx.cells, ws, 1, 4, f"=XLPROF_COST_TO_SERVE({qv}!$B${v1}:${vlast}${vn},{qcts}!$C$4:${clast}$4)",
                   [x[4] for x in rows], money)
        udf_column(ctx.cells, ws, 1, 7, f"=XLPROF_NET_PROFIT({ccol('revenue')},{ccol('cogs')},{here('E')},"
                                        f"{ccol('discounts')},{here('F')},{here('G')})", [x[7] for x in rows], money)
    out = ctx.out
    write_block(ws, blocks["engine"], [out.integer, out.share, out.text, out.text])
    last = max(ctx.n, 1)
    ws.conditional_format(1, 7, last, 7, {"type": "cell", "criteria": "<", "value": 0, "format": st.loss})
    ws.conditional_format(1, 17, last, 17, {"type": "cell", "criteria": "==",
                                            "value": f'"{label("lead", lang)}"', "format": st.loss})
    finish(ws, 0, len(PROF_COLS), ctx.n, protect=ctx.protect)


# --- Scores -----------------------------------------------------------------------------


def write_scores(ctx: Ctx) -> None:
    ws = ctx.cells.sheet(ctx.wb.add_worksheet(ctx.sname("scores")))
    st, lang = ctx.st, ctx.lang
    headers(ws, st, 0, SCORE_COLS, lang, {"client_name": 28, "reasons": 60, "action": 30,
                                          "action_reason": 50})
    ws.write_string(1, 1, h("weights", lang), st.bold)
    blocks = L.scores(ctx.a)
    weights, values = blocks["weights"].rows[0], blocks["values"].rows
    for k, sig in enumerate(SIGNALS):
        ctx.cells.put(ws, 1, 2 + k, f"={setting_name('weight_' + sig)}", weights[k], st.signal)
    C = ctx.inputs.clients
    qc = quote(C.sheet)
    qp = ctx.q("profitability")
    cc = {k: C.col(k) for k in ("client_id", "client_name", "revenue", "payment_terms_days", "days_to_pay",
                                "bad_debt", "values_alignment", "communication", "needs_fit",
                                "respect_of_terms")}
    x_ = {k: setting_name(k) for k in ("target_net_margin", "margin_span", "late_days_span",
                                       "bad_debt_span", "cts_floor", "cts_span")}
    put = ctx.cells.put
    W = "$C$2:$I$2"
    # the Settings sheet's key and value columns (the udf mode passes it for the thresholds)
    settings_range = f"{quote(SHEET_NAMES['Settings'][ctx.lang])}!$A$2:$B${len(ctx.inputs.settings) + 1}"
    for i in _rows(ctx):
        r = SCORE_FIRST + i
        e = r + 1
        cr = C.first_row + i + 1
        pr = i + 2
        x = values[i]
        ref = lambda k: f"{qc}!${cc[k]}{cr}"  # noqa: E731
        put(ws, r, 0, f"={ref('client_id')}", x[0], st.text)
        put(ws, r, 1, f"={ref('client_name')}", x[1], st.text)
        nr, p, cts = f"{qp}!$C{pr}", f"{qp}!$H{pr}", f"{qp}!$E{pr}"
        # the signals of design.md section 4, thresholds from Settings (defined names xp_...)
        put(ws, r, 2, f"=IF({nr}>0,MAX(0,MIN(1,({x_['target_net_margin']}-{p}/{nr})/{x_['margin_span']})),1)",
            x[2], st.signal)
        days, terms, debt, rev = ref("days_to_pay"), ref("payment_terms_days"), ref("bad_debt"), ref("revenue")
        debt_part = f"IF({debt}>0,IF({rev}>0,MIN(1,{debt}/{rev}/{x_['bad_debt_span']}),1),0)"
        late_part = f"MAX(0,MIN(1,({days}-{terms})/{x_['late_days_span']}))"
        put(ws, r, 3, f'=IF(OR({days}="",{terms}=""),IF({debt}>0,{debt_part},""),MAX({late_part},{debt_part}))',
            x[3], st.signal)
        put(ws, r, 4, f"=IF({nr}>0,MAX(0,MIN(1,({cts}/{nr}-{x_['cts_floor']})/{x_['cts_span']})),1)",
            x[4], st.signal)
        for k, rating in enumerate(("values_alignment", "communication", "needs_fit", "respect_of_terms")):
            rr = ref(rating)
            put(ws, r, 5 + k, f'=IF({rr}="","",(5-{rr})/4)', x[5 + k], st.signal)
        has = f'SUMPRODUCT(--(C{e}:I{e}<>""),{W})'
        if ctx.cells.mode != "udf":  # (udf: one XLPROF_ array formula for the column, below)
            put(ws, r, 9, f'=IF({has}>0,100*SUMPRODUCT(C{e}:I{e},{W})/{has},"")', x[9], st.score)
        put(ws, r, 10, f"={has}/SUM({W})", x[10], st.pct)
    if ctx.cells.mode == "udf" and ctx.n:
        c1, cn = C.first_row + 1, C.first_row + ctx.n
        ccol = lambda k: f"{qc}!${cc[k]}${c1}:${cc[k]}${cn}"  # noqa: E731
        prof = lambda letter: f"{qp}!${letter}$2:${letter}${ctx.n + 1}"  # noqa: E731
        ratings = f"{qc}!${cc['values_alignment']}${c1}:${cc['respect_of_terms']}${cn}"
        udf_column(ctx.cells, ws, SCORE_FIRST, 9,
                   f"=XLPROF_TERMINATION_SCORE({prof('H')},{prof('C')},{prof('E')},{ccol('days_to_pay')},"
                   f"{ccol('payment_terms_days')},{ccol('bad_debt')},{ratings},{W},{ccol('revenue')},"
                   f"{settings_range})", [values[i][9] for i in _rows(ctx)], st.score)
    write_block(ws, blocks["engine"], ctx.out.text)
    last = SCORE_FIRST + max(ctx.n, 1) - 1
    ws.conditional_format(SCORE_FIRST, 9, last, 9, {"type": "3_color_scale", "min_type": "num", "min_value": 0,
                                                    "mid_type": "num", "mid_value": 50, "max_type": "num",
                                                    "max_value": 100, "min_color": "#63BE7B",
                                                    "mid_color": "#FFEB84", "max_color": "#F8696B"})
    finish(ws, 0, len(SCORE_COLS), ctx.n + 1, protect=ctx.protect)
    ws.freeze_panes(SCORE_FIRST, 2)


# --- DropImpact -------------------------------------------------------------------------


def write_drop_impact(ctx: Ctx, cts_cols: dict[str, str]) -> None:
    ws = ctx.cells.sheet(ctx.wb.add_worksheet(ctx.sname("drop")))
    st, lang = ctx.st, ctx.lang
    headers(ws, st, 0, DROP_COLS, lang, {"client_name": 28, "action": 30})
    blocks = L.drop_impact(ctx.a)
    values = blocks["values"].rows
    C = ctx.inputs.clients
    qc = quote(C.sheet)
    qp, qcts = ctx.q("profitability"), ctx.q("cts")
    put = ctx.cells.put
    cap, vph = setting_name("capacity_constrained"), setting_name("value_per_freed_hour")
    for i in _rows(ctx):
        r = i + 1
        e = r + 1
        cr = C.first_row + i + 1
        x = values[i]
        put(ws, r, 0, f"={qc}!${C.col('client_id')}{cr}", x[0], st.text)
        put(ws, r, 1, f"={qc}!${C.col('client_name')}{cr}", x[1], st.text)
        put(ws, r, 2, f"={qp}!$C{e}", x[2], st.money)
        put(ws, r, 3, f"={qc}!${C.col('cogs')}{cr}", x[3], st.money)
        put(ws, r, 4, f"={qc}!${C.col('bad_debt')}{cr}", x[4], st.money)
        put(ws, r, 5, f"={qcts}!${cts_cols['avoidable']}{CTS_FIRST + i + 1}", x[5], st.money)
        put(ws, r, 6, f"={qc}!${C.col('exit_penalty')}{cr}", x[6], st.money)
        # ledger: -NR + cogs + bad debt + avoidable CTS - penalty; economic: + financing cost
        put(ws, r, 7, f"=-C{e}+D{e}+E{e}+F{e}-G{e}", x[7], st.money)
        put(ws, r, 8, f"={qp}!$F{e}", x[8], st.money)
        put(ws, r, 9, f"=H{e}+I{e}", x[9], st.money)
        put(ws, r, 10, f"={qp}!$J{e}", x[10], st.number)
        put(ws, r, 11, f"={qcts}!${cts_cols['freed']}{CTS_FIRST + i + 1}", x[11], st.money)
        put(ws, r, 12, f"=J{e}+IF({cap},K{e}*{vph},0)", x[12], st.money)
    write_block(ws, blocks["engine"], [ctx.out.text, ctx.out.date])
    last = max(ctx.n, 1)
    for col in (7, 9):  # both drop impacts: positive = profit improves if the client leaves
        ws.conditional_format(1, col, last, col, {"type": "cell", "criteria": ">", "value": 0, "format": st.ok})
    finish(ws, 0, len(DROP_COLS), ctx.n, protect=ctx.protect)


# --- TransitionPlan, archive, tourniquet -----------------------------------------------


def write_plan(ctx: Ctx, key: str, plan: pd.DataFrame) -> None:
    ws = ctx.wb.add_worksheet(ctx.sname(key))
    st, lang, out = ctx.st, ctx.lang, ctx.out
    widths = {"client_name": 28, "task": 18, "task_label": 50, "owner": 16, "owner_name": 18, "status": 14,
              "notes": 50}
    headers(ws, st, 0, PLAN_SHEET_COLS, lang, widths)
    # unlocked columns: Recalculate rewrites the plan, which may grow, in the protected sheet
    fmts = [out.text, out.text, out.text, out.text, out.date, out.text, out.text, st.in_text, st.in_text]
    for j, k in enumerate(PLAN_SHEET_COLS):
        ws.set_column(j, j, widths.get(k, 14), fmts[j])
    block = L.plan(ctx.a, key)
    write_block(ws, block, fmts)
    n = max(block.nrows, 1)
    ws.data_validation(1, 7, n + 500, 7, {"validate": "list", "source": [
        label(s, lang) for s in ("pending", "in_progress", "done", "not_applicable")]})
    finish(ws, 0, len(PLAN_SHEET_COLS), block.nrows, protect=ctx.protect)


def write_tourniquet(ctx: Ctx) -> None:
    ws = ctx.wb.add_worksheet(ctx.sname("tourniquet"))
    st, lang = ctx.st, ctx.lang
    widths = {"client_name": 28, "activity": 26}
    headers(ws, st, 0, TOURNIQUET_COLS, lang, widths)
    out = ctx.out
    fmts = [out.text, out.text, out.text, out.text, out.number, out.money, out.money, out.pct, out.pct, out.money]
    for j, k in enumerate(TOURNIQUET_COLS):  # unlocked columns: the list may grow on Recalculate
        ws.set_column(j, j, widths.get(k, 14), fmts[j])
    block = L.tourniquet(ctx.a)
    write_block(ws, block, fmts)
    finish(ws, 0, len(TOURNIQUET_COLS), block.nrows, protect=ctx.protect)


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
    ctx = Ctx(wb, st, cells, a, p, lang, inputs, len(ids), len(a.activities), ids,
              OutFormats(wb, a.settings.currency), fixed_rates)
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
