"""The Segmentation sheet (whale curve, tiers, quadrants, segment value chain, exit
scenario) and its charts. Values come from the engine (sorting and tier membership
are not done with formulas) and are refreshed by regeneration or Recalculate."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xlsxwriter.utility import xl_col_to_name

from ..i18n import label
from ..model.segments import QUADRANTS, TIERS
from . import layout as L
from .labels import h
from .layout import VC_COL, WHALE_COLS  # noqa: F401  (re-exported)


@dataclass
class SegLayout:
    sheet: str
    n: int
    vc_first_row: int       # 0-based header row of the value chain table
    vc_cols: dict           # key -> 0-based column
    m: int
    quad_row: int
    scen_row: int


TEXT = {
    "value_chain": ("Segment value chain: cost of each activity per tier", "Cadena de valor por segmento: coste de cada actividad por nivel"),
    "quadrants": ("Shapiro quadrants (split at the medians)", "Cuadrantes de Shapiro (corte en las medianas)"),
    "median_price": ("Median price realization", "Mediana de realización de precio"),
    "median_cost": ("Median CTS / net revenue", "Mediana de coste de servir / ingresos netos"),
    "scenario": ("Exit scenario: all 'Terminate' clients leave together", "Escenario de salida: todos los clientes 'Terminar' salen a la vez"),
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
    "quad_title": ("Price realization vs cost-to-serve", "Realización de precio frente a coste de servir"),
    "tier_title": ("Net profit by tier", "Beneficio neto por nivel"),
    "act_title": ("Cost of each activity by tier", "Coste de cada actividad por nivel"),
    "whale_none": ("Total profit is not positive: no whale curve", "El beneficio total no es positivo: no hay curva de ballena"),
}


def t(key: str, lang: str) -> str:
    return TEXT[key][lang == "es"]


def write_segmentation(ctx) -> SegLayout:
    from .book import finish, headers, write_block

    wb, st, lang, a = ctx.wb, ctx.st, ctx.lang, ctx.a
    ws = wb.add_worksheet(ctx.sname("segmentation"))
    blocks = L.segmentation(a)
    # Whale curve table (A:F)
    headers(ws, st, 0, WHALE_COLS, lang, {"client_name": 26, "rank": 8})
    whale = blocks["whale"]
    out = ctx.out  # engine-written cells are unlocked: Recalculate rewrites them
    write_block(ws, whale, [out.integer, out.text, out.text, out.money, out.money, out.share])
    ws.set_column(6, 6, 3)
    # Value chain (tiers x activities)
    acts = blocks["vc_header"].rows[0]
    keys = L.VC_KEYS
    ws.write_string(0, VC_COL, t("value_chain", lang), st.subtitle)
    hr = L.VC_HEADER_ROW
    for j, k in enumerate(keys):
        ws.write_string(hr, VC_COL + j, h(k, lang), st.header)
    for j, name in enumerate(acts):
        ws.write_string(hr, VC_COL + len(keys) + j, name, st.header)
    ws.set_column(VC_COL, VC_COL + len(keys) + len(acts), 14)
    for i, tier in enumerate(TIERS):
        ws.write_string(hr + 1 + i, VC_COL, label(tier, lang), st.bold)
    write_block(ws, blocks["value_chain"], [out.integer, out.money, out.money, out.money] + [out.money] * len(acts))
    # Quadrants
    qr = L.QUAD_ROW
    ws.write_string(qr, VC_COL, t("quadrants", lang), st.subtitle)
    ws.write_string(qr + 1, VC_COL, h("quadrant", lang), st.header)
    ws.write_string(qr + 1, VC_COL + 1, h("clients", lang), st.header)
    quads = blocks["quadrants"]
    for i, q in enumerate(QUADRANTS):
        ws.write_string(qr + 2 + i, VC_COL, label(q, lang))
    mr = L.MEDIAN_ROW
    ws.write_string(mr, VC_COL, t("median_price", lang))
    ws.write_string(mr + 1, VC_COL, t("median_cost", lang))
    write_block(ws, quads, row_fmts=[out.integer] * len(QUADRANTS) + [out.pct, out.pct])
    # Exit scenario
    sr = L.SCEN_ROW
    ws.write_string(sr, VC_COL, t("scenario", lang), st.subtitle)
    fmts = {"leaving": out.integer, "new_lead": out.integer, "freed_hours": out.number}
    for i, k in enumerate(L.SCEN_KEYS):
        ws.write_string(sr + 1 + i, VC_COL, t(k, lang))
    write_block(ws, blocks["scenario"], row_fmts=[fmts.get(k, out.money) for k in L.SCEN_KEYS])
    write_scenario_check(ctx, ws, blocks["scenario_live"])
    write_block(ws, blocks["new_lead"], out.text)
    lay = SegLayout(ws.name, whale.nrows, hr, {k: VC_COL + j for j, k in enumerate(keys)}, len(acts), qr, sr)
    # Charts
    chart_row = L.CHART_ROW
    ws.insert_chart(chart_row, VC_COL, whale_chart(wb, ctx, lay), {"x_scale": 1.3, "y_scale": 1.2})
    ws.insert_chart(chart_row, VC_COL + 9, quadrant_chart(wb, ctx), {"x_scale": 1.3, "y_scale": 1.2})
    ws.insert_chart(chart_row + 20, VC_COL, tier_chart(wb, ctx, lay), {"x_scale": 1.3, "y_scale": 1.2})
    ws.insert_chart(chart_row + 20, VC_COL + 9, activity_chart(wb, ctx, lay), {"x_scale": 1.3, "y_scale": 1.2})
    finish(ws, 0, 6, whale.nrows, freeze_cols=0, protect=ctx.protect)
    ws.freeze_panes(1, 0)
    ws.print_area(0, 0, max(whale.nrows, chart_row + 40), VC_COL + len(keys) + len(acts))
    return lay


def write_scenario_check(ctx, ws, block) -> None:
    """The live rows under the exit scenario: the sum of the leaving clients' drop impacts
    on DropImpact (SUMIF on the action column) and its difference from the change."""
    from .book import DROP_COLS

    lang, st = ctx.lang, ctx.st
    d = _q(ctx.sname("drop"))
    n = max(ctx.n, 1)
    act, drop = (xl_col_to_name(DROP_COLS.index(k)) for k in ("action", "drop_impact"))
    change = f"{xl_col_to_name(VC_COL + 1)}{L.SCEN_ROW + 2 + L.SCEN_KEYS.index('change')}"
    formulas = [f'=SUMIF({d}!${act}$2:${act}${n + 1},"{label("terminate", lang)}",{d}!${drop}$2:${drop}${n + 1})',
                f"={change}-{xl_col_to_name(VC_COL + 1)}{block.row + 1}"]
    for i, key in enumerate(L.SCEN_LIVE_KEYS):
        ws.write_string(block.row + i, VC_COL, t(key, lang))
        ctx.cells.put(ws, block.row + i, VC_COL + 1, formulas[i], block.rows[i][0], st.money)


def _q(name: str) -> str:
    from .inputs import quote

    return quote(name)


def whale_chart(wb, ctx, lay: SegLayout):
    lang = ctx.lang
    s = _q(lay.sheet)
    n = max(lay.n, 1)
    ch = wb.add_chart({"type": "scatter", "subtype": "straight"})
    ch.add_series({
        "name": h("cumulative_profit_share", lang),
        "categories": f"={s}!$A$2:$A${n + 1}",
        "values": f"={s}!$F$2:$F${n + 1}",
        "line": {"color": "#1F3864", "width": 2.25},
    })
    title = t("whale_title", lang) if ctx.a.summary["whale_peak_share"] is not None else t("whale_none", lang)
    ch.set_title({"name": title, "name_font": {"size": 12}})
    ch.set_x_axis({"name": t("whale_x", lang), "min": 0, "max": n})
    ch.set_y_axis({"num_format": "0%", "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    ch.set_legend({"none": True})
    return ch


def quadrant_chart(wb, ctx):
    lang = ctx.lang
    s = _q(ctx.sname("profitability"))
    n = max(ctx.n, 1)
    ch = wb.add_chart({"type": "scatter"})
    ch.add_series({
        "name": h("client_id", lang),
        "categories": f"={s}!$N$2:$N${n + 1}",
        "values": f"={s}!$O$2:$O${n + 1}",
        "marker": {"type": "circle", "size": 4, "fill": {"color": "#2E75B6"}, "border": {"none": True}},
    })
    split = ctx.a.quadrant_split
    ch.set_title({"name": t("quad_title", lang), "name_font": {"size": 12}})
    x_axis = {"name": h("price_realization", lang), "num_format": "0%"}
    y_axis = {"name": h("cts_ratio", lang), "num_format": "0%"}
    if not np.isnan(split.price_median):
        y_axis["crossing"] = split.cost_median
        x_axis["crossing"] = split.price_median
    ch.set_x_axis(x_axis)
    ch.set_y_axis(y_axis)
    ch.set_legend({"none": True})
    return ch


def tier_chart(wb, ctx, lay: SegLayout):
    lang = ctx.lang
    s = _q(lay.sheet)
    r1, r2 = lay.vc_first_row + 2, lay.vc_first_row + 1 + len(TIERS)
    cat = xl_col_to_name(lay.vc_cols["tier"])
    val = xl_col_to_name(lay.vc_cols["net_profit"])
    ch = wb.add_chart({"type": "column"})
    ch.add_series({
        "name": h("net_profit", lang),
        "categories": f"={s}!${cat}${r1}:${cat}${r2}",
        "values": f"={s}!${val}${r1}:${val}${r2}",
        "fill": {"color": "#2E75B6"},
        "invert_if_negative": True,
        "invert_if_negative_color": "#C00000",
        "data_labels": {"value": True, "num_format": "#,##0"},
    })
    ch.set_title({"name": t("tier_title", lang), "name_font": {"size": 12}})
    ch.set_legend({"none": True})
    ch.set_y_axis({"num_format": "#,##0"})
    return ch


def activity_chart(wb, ctx, lay: SegLayout):
    lang = ctx.lang
    s = _q(lay.sheet)
    r1, r2 = lay.vc_first_row + 2, lay.vc_first_row + 1 + len(TIERS)
    cat = xl_col_to_name(lay.vc_cols["tier"])
    first = lay.vc_cols["net_profit"] + 1
    ch = wb.add_chart({"type": "column", "subtype": "stacked"})
    for j in range(lay.m):
        col = xl_col_to_name(first + j)
        ch.add_series({
            "name": f"={s}!${col}${lay.vc_first_row + 1}",
            "categories": f"={s}!${cat}${r1}:${cat}${r2}",
            "values": f"={s}!${col}${r1}:${col}${r2}",
        })
    ch.set_title({"name": t("act_title", lang), "name_font": {"size": 12}})
    ch.set_legend({"position": "right", "font": {"size": 8}})
    ch.set_y_axis({"num_format": "#,##0"})
    return ch
