"""The Segmentation sheet (whale curve, tiers, quadrants, segment value chain, exit
scenario) and the charts (also used on the Dashboard).

The whale table, medians and exit scenario come from the engine (sorting and tier
membership are not done with formulas) and are refreshed by regeneration or
Recalculate; the value chain and the quadrant counts are live formulas over the
Profitability and CostToServe sheets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from ..i18n import label
from ..model.segments import QUADRANTS, TIERS
from . import layout as L
from .inputs import quote
from .labels import h
from .layout import CTS_FIRST, PROF_COLS, VC_COL, WHALE_COLS
from .writer import Ctx, finish, guard, headers, notice, page_setup, total_label, write_block, wrapped_lines

DARK, BLUE, RED, GREY = "#1F3864", "#2E75B6", "#C00000", "#7F7F7F"


@dataclass
class SegLayout:
    sheet: str              # the WhaleCurve sheet
    n: int
    vc_first_row: int       # 0-based header row of the value chain table
    vc_cols: dict           # key -> 0-based column
    m: int
    quad_row: int
    scen_row: int
    data_col: int           # first column of the charts' data (on the Segmentation sheet)
    seg_sheet: str = ""


TEXT = {
    "value_chain": ("Segment value chain: cost of each activity per tier (live)",
                    "Cadena de valor por segmento: coste de cada actividad por nivel (en vivo)"),
    "quadrants": ("Shapiro quadrants (split at the medians)", "Cuadrantes de Shapiro (corte en las medianas)"),
    "median_price": ("Median price realization", "Mediana de realización de precio"),
    "median_cost": ("Median CTS / net revenue", "Mediana de coste de servir / ingresos netos"),
    "scenario": ("Exit scenario: all 'Terminate' clients leave together",
                 "Escenario de salida: todos los clientes 'Terminar' salen a la vez"),
    "leaving": ("Clients leaving", "Clientes que salen"),
    "profit_before": ("Net profit before", "Beneficio neto antes"),
    "profit_after": ("Net profit after (recurring, committed costs re-spread)",
                     "Beneficio neto después (recurrente, costes comprometidos repartidos)"),
    "recurring_change": ("Change in recurring profit", "Variación del beneficio recurrente"),
    "penalties": ("Early-exit penalties (one-off)", "Penalizaciones por salida anticipada (puntuales)"),
    "change": ("Change in the period's profit", "Variación del beneficio del periodo"),
    "financing_cost": ("of which financing cost no longer borne (imputed)",
                       "del que coste financiero que deja de soportarse (imputado)"),
    "change_ledger": ("Change in operating profit (ledger)", "Variación del resultado de explotación (contable)"),
    "respread_committed_cost": ("Committed cost re-spread over the remaining clients",
                                "Coste comprometido repartido entre los clientes que quedan"),
    "unabsorbed_committed_cost": ("Committed cost left with no volume", "Coste comprometido sin volumen"),
    "freed_hours": ("Freed hours", "Horas liberadas"),
    "freed_capacity_cost": ("Freed capacity cost (stays in the P&L)",
                            "Coste de la capacidad liberada (sigue en la cuenta de resultados)"),
    "new_lead": ("Clients that become Lead", "Clientes que pasan a Plomo"),
    "sum_drop_impact": ("Sum of the leaving clients' drop impacts (DropImpact)",
                        "Suma del impacto de la salida de esos clientes (ImpactoSalida)"),
    "difference": ("Difference (0 when the scenario reconciles)", "Diferencia (0 si el escenario cuadra)"),
    "whale_title": ("Whale curve: cumulative share of profit", "Curva de ballena: cuota acumulada de beneficio"),
    "whale_x": ("Clients, most profitable first", "Clientes, de más a menos rentable"),
    "whale_peak": ("Peak", "Pico"),
    "quad_title": ("Price realization vs cost-to-serve", "Realización de precio frente a coste de servir"),
    "tier_title": ("Net profit by tier", "Beneficio neto por nivel"),
    "act_title": ("Cost of each activity by tier", "Coste de cada actividad por nivel"),
    "bridge_title": ("From revenue to net profit", "De ingresos a beneficio neto"),
    "whale_none": ("Total profit is not positive: no whale curve",
                   "El beneficio total no es positivo: no hay curva de ballena"),
    "chart_data": ("Chart data (xlprof)", "Datos de gráficos (xlprof)"),
}


def t(key: str, lang: str) -> str:
    return TEXT[key][lang == "es"]


def write_segmentation(ctx: Ctx) -> SegLayout:
    """The Segmentation sheet, then the WhaleCurve sheet."""
    wb, st, lang, a = ctx.wb, ctx.st, ctx.lang, ctx.a
    ws = ctx.cells.sheet(wb.add_worksheet(ctx.sname("segmentation")))
    blocks = L.segmentation(a)
    out = ctx.out  # engine-written cells are unlocked: Recalculate rewrites them
    notice(ctx, ws, 0, VC_COL)
    # Value chain (tiers x activities), live: SUMIF over the engine's tiers
    acts = blocks["vc_header"].rows[0]
    keys = L.VC_KEYS
    ws.write_string(L.VC_TITLE_ROW, VC_COL, t("value_chain", lang), st.subtitle)
    hr = L.VC_HEADER_ROW
    headers(ws, st, hr, keys, lang, {"tier": 56, **{k: 14 for k in keys[1:]}}, first_col=VC_COL)
    headers(ws, st, hr, ["activity"] * len(acts), lang, {"activity": 12}, raw=dict(enumerate(acts)),
            first_col=VC_COL + len(keys))
    ws.set_row(hr, 15 * max([wrapped_lines(x, 12) for x in acts] + [2]) + 2)
    n1 = max(ctx.n, 1) + 1
    qp = ctx.q("profitability")
    tier_rng = f"{qp}!${PCOL['tier']}$2:${PCOL['tier']}${n1}"
    sums = {k: f"{qp}!${PCOL[k]}$2:${PCOL[k]}${n1}" for k in ("net_revenue", "cost_to_serve", "net_profit")}
    qcts = ctx.q("cts")
    for j in range(len(acts)):
        col = xl_col_to_name(2 + j)
        sums[f"a{j}"] = f"{qcts}!${col}${CTS_FIRST + 1}:${col}${CTS_FIRST + max(ctx.n, 1)}"
    chain = blocks["value_chain"]
    ckeys = ["clients", "net_revenue", "cost_to_serve", "net_profit", *(f"a{j}" for j in range(len(acts)))]
    for i, tier in enumerate(TIERS):
        r = hr + 1 + i
        ws.write_string(r, VC_COL, label(tier, lang), st.bold)
        crit = xl_rowcol_to_cell(r, VC_COL, col_abs=True)
        for j, k in enumerate(ckeys):
            f = f"=COUNTIF({tier_rng},{crit})" if k == "clients" else f"=SUMIF({tier_rng},{crit},{sums[k]})"
            ctx.cells.put(ws, r, VC_COL + 1 + j, f, chain.rows[i][j], st.integer if k == "clients" else st.money0)
    tr = L.VC_TOTAL_ROW
    total_label(ctx, ws, tr, VC_COL)
    for j, k in enumerate(ckeys):
        col = xl_col_to_name(VC_COL + 1 + j)
        ctx.cells.put(ws, tr, VC_COL + 1 + j, f"=SUM({col}{hr + 2}:{col}{tr})", chain.rows[-1][j],
                      st.total_integer if k == "clients" else st.total_money0)
    # Quadrants: live counts; the medians are the engine's
    qr = L.QUAD_ROW
    ws.write_string(qr, VC_COL, t("quadrants", lang), st.subtitle)
    ws.write_string(qr + 1, VC_COL, h("quadrant", lang), st.header)
    ws.write_string(qr + 1, VC_COL + 1, h("clients", lang), st.header)
    quad_rng = f"{qp}!${PCOL['quadrant']}$2:${PCOL['quadrant']}${n1}"
    for i, q in enumerate(QUADRANTS):
        ws.write_string(qr + 2 + i, VC_COL, label(q, lang))
        crit = xl_rowcol_to_cell(qr + 2 + i, VC_COL, col_abs=True)
        ctx.cells.put(ws, qr + 2 + i, VC_COL + 1, f"=COUNTIF({quad_rng},{crit})", blocks["quadrants"].rows[i][0],
                      st.integer)
    mr = L.MEDIAN_ROW
    ws.write_string(mr, VC_COL, t("median_price", lang))
    ws.write_string(mr + 1, VC_COL, t("median_cost", lang))
    write_block(ws, blocks["medians"], out.pct)
    guard(ctx, ws, mr, VC_COL + 1, mr + 1, VC_COL + 1)
    # Exit scenario
    sr = L.SCEN_ROW
    ws.write_string(sr, VC_COL, t("scenario", lang), st.subtitle)
    fmts = {"leaving": out.integer, "new_lead": out.integer, "freed_hours": out.hours}
    for i, k in enumerate(L.SCEN_KEYS):
        ws.write_string(sr + 1 + i, VC_COL, t(k, lang))
    write_block(ws, blocks["scenario"], row_fmts=[fmts.get(k, out.money0) for k in L.SCEN_KEYS])
    write_scenario_check(ctx, ws, blocks["scenario_live"])
    new_lead = blocks["new_lead"]
    ws.merge_range(new_lead.row, VC_COL, new_lead.row, VC_COL + 8, "", out.wrap)
    write_block(ws, new_lead, out.wrap)
    guard(ctx, ws, sr + 1, VC_COL + 1, sr + len(L.SCEN_KEYS), VC_COL + 1)
    guard(ctx, ws, new_lead.row, VC_COL, new_lead.row, VC_COL + 8)
    # Charts' data, right of the printed tables
    data = blocks["chart_data"]
    ws.write_string(0, data.col, t("chart_data", lang), st.note)
    write_block(ws, data, out.number)
    guard(ctx, ws, data.row, data.col, data.row + data.nrows - 1, data.col + 1)
    whale_sheet = write_whale(ctx, blocks)
    lay = SegLayout(whale_sheet, len(a.whale), hr, {k: VC_COL + j for j, k in enumerate(keys)}, len(acts), qr,
                    sr, data.col, ws.name)
    # Charts: two by two below the tables
    chart_row = L.CHART_ROW
    size = {"x_scale": SEG_CHART_COLS * 64 / 480, "y_scale": 1.2}
    right = VC_COL + 3 + len(keys)      # the second chart's column
    ws.insert_chart(chart_row, VC_COL + 1, whale_chart(wb, ctx, lay), size)
    ws.insert_chart(chart_row, right, quadrant_chart(wb, ctx, lay), size)
    ws.insert_chart(chart_row + 19, VC_COL + 1, tier_chart(wb, ctx, lay), size)
    ws.insert_chart(chart_row + 19, right, activity_chart(wb, ctx, lay), size)
    ws.hide_gridlines(2)
    last_col = max(VC_COL + len(keys) + len(acts) - 1, right + SEG_CHART_COLS // 2 + 1)
    ws.print_area(0, 0, chart_row + 38, last_col)
    page_setup(ws)
    if ctx.protect:
        ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})
    return lay


SEG_CHART_COLS = 9     # chart width in default columns (64 px)


def write_scenario_check(ctx: Ctx, ws, block) -> None:
    """The live rows under the exit scenario: the sum of the leaving clients' drop impacts
    on DropImpact (SUMIF on the action column) and its difference from the change."""
    lang, st = ctx.lang, ctx.st
    d = quote(ctx.sname("drop"))
    n = max(ctx.n, 1)
    act, drop = (xl_col_to_name(L.DROP_COLS.index(k)) for k in ("action", "drop_impact"))
    change = f"{xl_col_to_name(VC_COL + 1)}{L.SCEN_ROW + 2 + L.SCEN_KEYS.index('change')}"
    formulas = [f'=SUMIF({d}!${act}$2:${act}${n + 1},"{label("terminate", lang)}",{d}!${drop}$2:${drop}${n + 1})',
                f"={change}-{xl_col_to_name(VC_COL + 1)}{block.row + 1}"]
    for i, key in enumerate(L.SCEN_LIVE_KEYS):
        ws.write_string(block.row + i, VC_COL, t(key, lang))
        ctx.cells.put(ws, block.row + i, VC_COL + 1, formulas[i], block.rows[i][0], st.money0)


def write_whale(ctx: Ctx, blocks) -> str:
    """The WhaleCurve sheet: clients by net profit, cumulative profit and share, tier."""
    st, lang, out = ctx.st, ctx.lang, ctx.out
    # streamed: rows top to bottom; the whale chart draws rank and cumulative share
    ws = ctx.cells.sheet(ctx.wb.add_worksheet(ctx.sname("whale")), stream=True,
                         keep=(WHALE_COLS.index("rank"), WHALE_COLS.index("cumulative_profit_share")))
    headers(ws, st, 0, WHALE_COLS, lang, {"rank": 7, "client_id": 10, "client_name": 28, "net_profit": 14,
                                          "cumulative_profit": 14, "cumulative_profit_share": 11, "tier": 10})
    notice(ctx, ws, 0, len(WHALE_COLS))
    whale = blocks["whale"]
    write_block(ws, whale, [out.integer, out.text, out.text, out.money0, out.money0, out.share, out.text])
    guard(ctx, ws, 1, 0, max(whale.nrows, 1), len(WHALE_COLS) - 1)
    finish(ws, 0, len(WHALE_COLS), whale.nrows, freeze_cols=0, protect=ctx.protect, landscape=False)
    return ws.name


PCOL = {k: xl_col_to_name(j) for j, k in enumerate(PROF_COLS)}


def _rng(sheet: str, r1: int, c: int, r2: int) -> str:
    """Absolute reference of rows r1..r2 (0-based) of column c on ``sheet``."""
    col = xl_col_to_name(c)
    return f"={quote(sheet)}!${col}${r1 + 1}:${col}${r2 + 1}"


def whale_chart(wb, ctx: Ctx, lay: SegLayout):
    lang = ctx.lang
    s = lay.sheet
    n = max(lay.n, 1)
    ch = wb.add_chart({"type": "scatter", "subtype": "straight"})
    ch.add_series({
        "name": h("cumulative_profit_share", lang),
        "categories": _rng(s, 1, 0, n),
        "values": _rng(s, 1, WHALE_COLS.index("cumulative_profit_share"), n),
        "line": {"color": DARK, "width": 2.25},
    })
    has_whale = ctx.a.summary["whale_peak_share"] is not None
    if has_whale:
        d, s = lay.data_col, lay.seg_sheet
        ch.add_series({"name": "100 %", "categories": _rng(s, 2, d, 3), "values": _rng(s, 2, d + 1, 3),
                       "line": {"color": GREY, "width": 1, "dash_type": "dash"}})
        ch.add_series({"name": t("whale_peak", lang), "categories": _rng(s, 1, d, 1), "values": _rng(s, 1, d + 1, 1),
                       "line": {"none": True},
                       "marker": {"type": "circle", "size": 8, "fill": {"color": RED}, "border": {"color": RED}},
                       "data_labels": {"value": True, "position": "above", "num_format": "0%",
                                       "font": {"bold": True, "color": RED}}})
    title = t("whale_title", lang) if has_whale else t("whale_none", lang)
    ch.set_title({"name": title, "name_font": {"size": 12}})
    ch.set_x_axis({"name": t("whale_x", lang), "min": 0, "max": n, "major_gridlines": {"visible": False}})
    ch.set_y_axis({"num_format": "0%", "min": 0, "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    ch.set_legend({"none": True})
    return ch


def quadrant_chart(wb, ctx: Ctx, lay: SegLayout):
    """Price realization vs cost-to-serve / NR, one point a client; both medians drawn
    across the plot; the quadrant names in bands above and below all the points, the axes
    on the plot's left and bottom edges, never through the points (the frame of
    :mod:`.quadframe`; its bounds are the regeneration's: xlprof recalc redraws them)."""
    lang = ctx.lang
    s = ctx.sname("profitability")
    n = max(ctx.n, 1)
    ch = wb.add_chart({"type": "scatter"})
    ch.add_series({
        "name": h("client_id", lang),
        "categories": _rng(s, 1, PROF_COLS.index("price_realization"), n),
        "values": _rng(s, 1, PROF_COLS.index("cts_ratio"), n),
        "marker": {"type": "circle", "size": 4, "fill": {"color": BLUE, "transparency": 35},
                   "border": {"none": True}},
    })
    d, seg = lay.data_col, lay.seg_sheet
    frame = L.quad_frame(ctx.a)
    if frame:
        for r in (4, 6):  # the median lines: price (vertical), cost (horizontal), over the points
            ch.add_series({"categories": _rng(seg, r, d, r + 1), "values": _rng(seg, r, d + 1, r + 1),
                           "line": {"color": RED, "width": 1.5, "dash_type": "dash"}, "marker": {"type": "none"}})
        ch.add_series({"categories": _rng(seg, 8, d, 11), "values": _rng(seg, 8, d + 1, 11),
                       "marker": {"type": "none"},
                       "data_labels": {"custom": [{"value": label(q, lang)} for q in QUADRANTS[:4]],
                                       "position": "center", "font": {"bold": True, "color": DARK, "size": 9}}})
    ch.set_title({"name": t("quad_title", lang), "name_font": {"size": 12}})
    x_axis = {"name": h("price_realization", lang), "num_format": "0%", "major_gridlines": {"visible": False}}
    y_axis = {"name": h("cts_ratio", lang), "num_format": "0%;;0%",      # (the band below 0 has no label)
              "major_gridlines": {"visible": True, "line": {"color": "#EDEDED"}}}
    if frame:
        # "crossing": where the other axis crosses this one -- at the minimum: left and bottom edges
        x_axis.update(min=frame.left, max=frame.right, major_unit=frame.x_step, crossing=frame.left)
        y_axis.update(min=frame.bottom, max=frame.top, major_unit=frame.y_step, crossing=frame.bottom)
    ch.set_x_axis(x_axis)
    ch.set_y_axis(y_axis)
    ch.set_legend({"none": True})
    return ch


def tier_chart(wb, ctx: Ctx, lay: SegLayout):
    lang = ctx.lang
    s = lay.seg_sheet
    r1, r2 = lay.vc_first_row + 1, lay.vc_first_row + len(TIERS)
    ch = wb.add_chart({"type": "column"})
    ch.add_series({
        "name": h("net_profit", lang),
        "categories": _rng(s, r1, lay.vc_cols["tier"], r2),
        "values": _rng(s, r1, lay.vc_cols["net_profit"], r2),
        "fill": {"color": BLUE},
        # Lead (the fourth bar) is the loss-making tier, the others make money: its own colour
        # (LibreOffice ignores invert_if_negative)
        "points": [None] * (len(TIERS) - 1) + [{"fill": {"color": RED}}],
        "data_labels": {"value": True, "num_format": "#,##0", "position": "outside_end"},
        "gap": 80,
    })
    ch.set_title({"name": t("tier_title", lang), "name_font": {"size": 12}})
    ch.set_legend({"none": True})
    ch.set_x_axis({"label_position": "low", "major_tick_mark": "none"})
    ch.set_y_axis({"num_format": "#,##0", "major_gridlines": {"visible": True, "line": {"color": "#EDEDED"}}})
    return ch


def activity_chart(wb, ctx: Ctx, lay: SegLayout):
    lang = ctx.lang
    s = lay.seg_sheet
    r1, r2 = lay.vc_first_row + 1, lay.vc_first_row + len(TIERS)
    first = lay.vc_cols["net_profit"] + 1
    ch = wb.add_chart({"type": "column", "subtype": "stacked"})
    for j in range(lay.m):
        col = xl_col_to_name(first + j)
        ch.add_series({
            "name": f"={quote(s)}!${col}${lay.vc_first_row + 1}",
            "categories": _rng(s, r1, lay.vc_cols["tier"], r2),
            "values": _rng(s, r1, first + j, r2),
        })
    ch.set_title({"name": t("act_title", lang), "name_font": {"size": 12}})
    ch.set_legend({"position": "right", "font": {"size": 8}})
    ch.set_y_axis({"num_format": "#,##0"})
    return ch


def bridge_chart(wb, ctx: Ctx, sheet: str, first_row: int, labels_col: int, data_col: int, nbars: int,
                 title: str | None = None):
    """The P&L bridge as a waterfall: a stacked column whose first series (the base) is
    invisible. Totals (first and last bar) dark, deductions red."""
    lang = ctx.lang
    r2 = first_row + nbars - 1
    cats = _rng(sheet, first_row, labels_col, r2)
    ch = wb.add_chart({"type": "column", "subtype": "stacked"})
    ch.add_series({"categories": cats, "values": _rng(sheet, first_row, data_col, r2),
                   "fill": {"none": True}, "border": {"none": True}, "gap": 40})
    colors = [{"fill": {"color": DARK}}] + [{"fill": {"color": RED}}] * (nbars - 2) + [{"fill": {"color": BLUE}}]
    for k in (1, 2):
        ch.add_series({"categories": cats, "values": _rng(sheet, first_row, data_col + k, r2), "points": colors,
                       "border": {"none": True}})
    ch.set_title({"name": title or t("bridge_title", lang), "name_font": {"size": 12}})
    ch.set_legend({"none": True})
    ch.set_x_axis({"label_position": "low", "major_tick_mark": "none", "num_font": {"size": 8}})
    ch.set_y_axis({"num_format": "#,##0", "major_gridlines": {"visible": True, "line": {"color": "#EDEDED"}}})
    return ch


def waterfall_data(ctx: Ctx, ws, block, amounts: str, names: list[str]) -> None:
    """Formulas of a waterfall's chart data (:func:`.dash_parts.waterfall`) at ``block``:
    start, end, invisible base, part above 0, part below 0 per bar, from the amounts in
    column ``amounts`` of the same rows; the bar names in the column after."""
    st, c0 = ctx.st, block.col
    S, E = xl_col_to_name(c0), xl_col_to_name(c0 + 1)
    nb = block.nrows
    ws.write_string(block.row - 1, c0, t("chart_data", ctx.lang), st.note)
    for i, row in enumerate(block.rows):
        r = block.row + i
        e = r + 1
        total = i in (0, nb - 1)
        start = "=0" if total else f"={E}{e - 1}"
        end = f"={amounts}{e}" if total else f"={S}{e}+{amounts}{e}"
        lo, hi = f"MIN({S}{e},{E}{e})", f"MAX({S}{e},{E}{e})"
        fs = [start, end, f"=IF({lo}>=0,{lo},IF({hi}<=0,{hi},0))", f"=IF({lo}>=0,{hi}-{lo},IF({hi}<=0,0,{hi}))",
              f"=IF({lo}>=0,0,IF({hi}<=0,{lo}-{hi},{lo}))"]
        for k, f in enumerate(fs):
            ctx.cells.put(ws, r, c0 + k, f, row[k], st.integer)
        ws.write_string(r, c0 + 5, names[i])
