"""The Dashboard and README sheets."""

from __future__ import annotations

from .. import __version__
from ..i18n import label
from ..model.scoring import ACTIONS
from ..model.segments import TIERS
from . import charts
from . import layout as L
from .inputs import quote
from .labels import sheet

T = {
    "title": ("xlprof: client profitability and cost-to-serve", "xlprof: rentabilidad de clientes y coste de servir"),
    "period": ("Period (months)", "Periodo (meses)"),
    "currency": ("Currency", "Moneda"),
    "decision_date": ("Decision date", "Fecha de decisión"),
    "kpis": ("Key figures (live formulas)", "Cifras clave (fórmulas vivas)"),
    "clients": ("Clients", "Clientes"),
    "revenue": ("Revenue", "Ingresos"),
    "net_revenue": ("Net revenue", "Ingresos netos"),
    "cts": ("Cost-to-serve", "Coste de servir"),
    "net_profit": ("Net profit of the clients", "Beneficio neto de los clientes"),
    "loss_clients": ("Loss-making clients", "Clientes con pérdidas"),
    "losses": ("Their losses", "Sus pérdidas"),
    "whale_peak": ("Whale curve peak", "Pico de la curva de ballena"),
    "whale_peak_clients": ("Clients up to the peak", "Clientes hasta el pico"),
    "recon": ("Reconciliation to the period's operating profit", "Conciliación con el resultado operativo del periodo"),
    "recon_rows": {
        "clients_net_profit": ("Net profit of all clients", "Beneficio neto de todos los clientes"),
        "financing_cost": ("+ imputed financing cost (not in the ledger)", "+ coste financiero imputado (no contable)"),
        "unused_capacity_cost": ("- unused capacity cost", "- coste de capacidad no usada"),
        "unassigned_cost": ("- costs not assigned to any client", "- costes no asignados a ningún cliente"),
        "model_operating_profit": ("= operating profit per the model", "= resultado operativo según el modelo"),
        "ledger_operating_profit": ("Revenue - discounts - COGS - bad debt - activity and resource costs",
                                    "Ingresos - descuentos - coste de ventas - incobrables - costes de actividades y recursos"),
        "difference": ("Difference", "Diferencia"),
    },
    "actions": ("Recommended actions", "Acciones recomendadas"),
    "tiers": ("Tiers", "Niveles"),
    "warnings": ("Warnings", "Avisos"),
    "none": ("none", "ninguno"),
}


def tx(key: str, lang: str) -> str:
    return T[key][lang == "es"]


def write_dashboard(ctx, ws, seg) -> None:
    from .book import value_cell, write_block

    st, lang, a = ctx.st, ctx.lang, ctx.a
    ctx.cells.sheet(ws)
    D = L.Dash
    status = L.status_text("written", lang, version=__version__, clients=ctx.n, warnings=len(a.warnings))
    blocks = L.dashboard(a, status)
    out = ctx.out  # engine-written cells are unlocked: Recalculate rewrites them
    sets = blocks["settings"].rows
    ws.set_column(0, 0, 52)
    ws.set_column(1, 1, 18)
    ws.set_column(2, 2, 4)
    ws.write_string(0, 0, tx("title", lang), st.title)
    ws.write_string(D.currency, 0, tx("currency", lang))
    ws.write_string(D.currency, 1, sets[0][0], out.text)
    ws.write_string(D.period, 0, tx("period", lang))
    value_cell(ws, D.period, 1, sets[1][0], out.integer)
    ws.write_string(D.decision_date, 0, tx("decision_date", lang))
    value_cell(ws, D.decision_date, 1, sets[2][0], out.date)
    write_block(ws, blocks["status"], out.text)

    qp = quote(ctx.sname("profitability"))
    qc = quote(ctx.inputs.clients.sheet)
    n1 = max(ctx.n, 1) + 1
    rev_col = ctx.inputs.clients.col("revenue")
    ws.write_string(D.kpi_title, 0, tx("kpis", lang), st.subtitle)
    formulas = {
        "clients": (f"=COUNTA({qp}!$A$2:$A${n1})", st.integer),
        "revenue": (f"=SUM({qc}!${rev_col}$2:${rev_col}${n1})", st.money),
        "net_revenue": (f"=SUM({qp}!$C$2:$C${n1})", st.money),
        "cts": (f"=SUM({qp}!$E$2:$E${n1})", st.money),
        "net_profit": (f"=SUM({qp}!$H$2:$H${n1})", st.money_bold),
        "loss_clients": (f'=COUNTIF({qp}!$H$2:$H${n1},"<0")', st.integer),
        "losses": (f'=SUMIF({qp}!$H$2:$H${n1},"<0")', st.money),
    }
    kpis = blocks["kpis"].rows
    for i, k in enumerate(L.KPI_KEYS):
        f, fmt = formulas[k]
        ws.write_string(D.kpis + i, 0, tx(k, lang))
        ctx.cells.put(ws, D.kpis + i, 1, f, kpis[i][0], fmt)
    whale = blocks["whale"].rows
    ws.write_string(D.whale_peak, 0, tx("whale_peak", lang))
    value_cell(ws, D.whale_peak, 1, whale[0][0], out.share)
    ws.write_string(D.whale_peak_clients, 0, tx("whale_peak_clients", lang))
    value_cell(ws, D.whale_peak_clients, 1, whale[1][0], out.integer)
    ws.write_string(D.recon_title, 0, tx("recon", lang), st.subtitle)
    recon = blocks["recon"].rows
    for i, k in enumerate(L.RECON_KEYS):
        en, es = T["recon_rows"][k]
        ws.write_string(D.recon + i, 0, es if lang == "es" else en)
        value_cell(ws, D.recon + i, 1, recon[i][0],
                   out.money_bold if k in ("model_operating_profit", "difference") else out.money)
    ws.write_string(D.actions_title, 0, tx("actions", lang), st.subtitle)
    counts = blocks["actions"].rows
    for i, act in enumerate(ACTIONS):
        ws.write_string(D.actions + i, 0, label(act, lang))
        value_cell(ws, D.actions + i, 1, counts[i][0], out.integer)
    ws.write_string(D.tiers_title, 0, tx("tiers", lang), st.subtitle)
    counts = blocks["tiers"].rows
    for i, tier in enumerate(TIERS):
        ws.write_string(D.tiers + i, 0, label(tier, lang))
        value_cell(ws, D.tiers + i, 1, counts[i][0], out.integer)
    ws.write_string(D.warnings_title, 0, tx("warnings", lang), st.subtitle)
    # room for the most warnings this layout can give (each pool without volume, each
    # over-used resource, no decision date, exit spiral), unlocked for Recalculate
    most = ctx.m + len(ctx.p.resources) + 2
    for i in range(most):
        ws.write_blank(D.warnings + i, 0, None, out.wrap)
    write_block(ws, blocks["warnings"], out.wrap)
    ws.insert_chart(1, 3, charts.whale_chart(ctx.wb, ctx, seg), {"x_scale": 1.2, "y_scale": 1.1})
    ws.insert_chart(19, 3, charts.tier_chart(ctx.wb, ctx, seg), {"x_scale": 1.2, "y_scale": 1.1})
    ws.hide_gridlines(2)
    ws.print_area(0, 0, max(D.warnings_title + len(a.warnings) + 2, 40), 11)
    ws.set_landscape()
    ws.fit_to_pages(1, 1)
    if ctx.protect:
        ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})


README = {
    "en": [
        ("title", "xlprof analysis workbook"),
        ("", "Which clients make or lose money once the cost to serve them is counted, how they segment, "
             "which to renegotiate, restructure or let go, and how to exit a client cleanly."),
        ("h", "How to use it"),
        ("", "1. Yellow cells are inputs: Settings, Clients, Activities, Volumes, Resources, and the status and "
             "notes of the TransitionPlan. Edit them; everything else is computed."),
        ("", "2. Net revenue, margins, cost-to-serve, financing cost, net profit, hours, the signals and the score "
             "are live formulas: they update as you type, without Python."),
        ("", "3. Tiers, the whale curve, quadrants, actions, drop-impact ranking and the transition plan are written "
             "by xlprof. Refresh them with the xlprof ribbon's Recalculate button, or run "
             "'xlprof recalc THIS_FILE.xlsx' (your typed ratings, settings, task statuses and notes are kept; "
             "the previous file is kept as .bak.xlsx)."),
        ("", "4. Do not sort the input sheets (filters are fine): rows of Clients, Volumes and the computed "
             "sheets are aligned client by client. Add clients by regenerating from an input workbook."),
        ("", "5. Sheets are protected without a password so formulas are not overwritten by accident: "
             "Review > Unprotect Sheet lifts it."),
        ("h", "Sheets"),
        ("", "Dashboard: key figures, reconciliation, charts. Rates: cost per unit of each activity. CostToServe: "
             "cost of each activity for each client. Profitability: net revenue to net profit per client. "
             "Scores: the seven signals, the termination score and the recommended action. DropImpact: what the "
             "firm gains or loses if the client leaves. Segmentation: whale curve, tiers, quadrants, segment "
             "value chain, exit scenario. TransitionPlan: tasks for each client to exit (status and notes are "
             "yours). Tourniquet: activities to cut for clients to restructure. PlanArchive: tasks of clients "
             "no longer in the plan, with what was typed."),
        ("h", "Generated"),
    ],
    "es": [
        ("title", "Libro de análisis xlprof"),
        ("", "Qué clientes ganan o pierden dinero una vez contado el coste de servirlos, cómo se segmentan, "
             "a cuáles renegociar, reestructurar o dejar ir, y cómo salir limpiamente de un cliente."),
        ("h", "Cómo usarlo"),
        ("", "1. Las celdas amarillas son datos de entrada: Parámetros, Clientes, Actividades, Consumos, Recursos, "
             "y el estado y las notas del PlanTransición. Edítelas; todo lo demás se calcula."),
        ("", "2. Ingresos netos, márgenes, coste de servir, coste financiero, beneficio neto, horas, las señales y "
             "la puntuación son fórmulas vivas: se actualizan al escribir, sin Python."),
        ("", "3. Niveles, curva de ballena, cuadrantes, acciones y plan de transición los escribe xlprof. "
             "Actualícelos con el botón Recalcular de la cinta xlprof, o con 'xlprof recalc ESTE_ARCHIVO.xlsx' "
             "(se conservan valoraciones, parámetros, estados y notas; el archivo anterior queda como .bak.xlsx)."),
        ("", "4. No ordene las hojas de entrada (los filtros sí): las filas de Clientes, Consumos y las hojas "
             "calculadas están alineadas cliente a cliente. Para añadir clientes, regenere desde un libro de entrada."),
        ("", "5. Las hojas están protegidas sin contraseña para no sobrescribir fórmulas por error: "
             "Revisar > Desproteger hoja."),
        ("h", "Hojas"),
        ("", "Panel: cifras clave, conciliación, gráficos. Tarifas: coste por unidad de cada actividad. "
             "CosteServicio: coste de cada actividad por cliente. Rentabilidad: de ingresos netos a beneficio neto. "
             "Puntuaciones: las siete señales, la puntuación de salida y la acción recomendada. ImpactoSalida: lo "
             "que la empresa gana o pierde si el cliente se va. Segmentación: curva de ballena, niveles, "
             "cuadrantes, cadena de valor, escenario de salida. PlanTransición: tareas de salida (estado y notas "
             "son suyos). Torniquete: actividades a recortar en clientes a reestructurar. ArchivoPlan: tareas de "
             "clientes que ya no están en el plan, con lo escrito."),
        ("h", "Generado"),
    ],
}
UDF_NOTE = {
    "en": "This book uses the XLPROF_ Excel functions: Excel recalculates on open, so it needs the xlprof "
          "add-in (xlwings, UDF Modules = xlprof.udfs). Without it, the cached values still read correctly "
          "in tools that do not recalculate.",
    "es": "Este libro usa las funciones XLPROF_ de Excel: Excel recalcula al abrir, así que necesita el "
          "complemento xlprof (xlwings, UDF Modules = xlprof.udfs). Sin él, los valores guardados se leen "
          "bien en herramientas que no recalculan.",
}


def write_readme(ctx, ws, *, source_name: str, version: str) -> None:
    st, lang = ctx.st, ctx.lang
    ws.set_column(0, 0, 120, st.wrap)
    r = 0
    for kind, text in README[lang]:
        fmt = st.title if kind == "title" else st.subtitle if kind == "h" else st.wrap
        ws.write_string(r, 0, text, fmt)
        r += 1
    stamp = L.stamp_of(ctx.a, fixed_rates=ctx.fixed_rates, mode=ctx.cells.mode)
    for line in L.readme_lines(lang, source_name=source_name, version=version, stamp=stamp):
        ws.write_string(r, 0, line)
        r += 1
    if ctx.cells.mode == "udf":
        ws.write_string(r + 1, 0, UDF_NOTE[lang], st.bold)
    ws.hide_gridlines(2)
    ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})
