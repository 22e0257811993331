"""The README sheet: what the book is, how to use it, where it came from (with the layout
stamp the live Recalculate reads back)."""

from __future__ import annotations

from . import layout as L
from .writer import Ctx, page_setup, wrapped_lines

README = {
    "en": [
        ("title", "xlprof analysis workbook"),
        ("", "Which clients make or lose money once the cost to serve them is counted, how they segment, "
             "which to renegotiate, restructure or let go, and how to exit a client cleanly."),
        ("h", "How to use it"),
        ("", "1. Yellow cells are yours: Settings, Clients, Activities, Volumes, Resources, the client picked on "
             "the Client sheet, and in the TransitionPlan the due date (the proposed one stays beside it), the "
             "owner's name, the status and the notes. Edit them; everything else is computed, and a cell xlprof "
             "writes refuses typing with a message that says where to edit instead."),
        ("", "2. Net revenue, margins, cost-to-serve, financing cost, net profit, hours, the signals and the score "
             "are live formulas: they update as you type, without Python."),
        ("", "3. Tiers, the whale curve, quadrants, actions, drop-impact ranking and the transition plan are written "
             "by xlprof. Refresh them with the xlprof ribbon's Recalculate button, or run "
             "'xlprof recalc THIS_FILE.xlsx' (everything you typed is kept; the previous file is kept as "
             ".bak.xlsx). Until then a red notice on the Dashboard and beside every block xlprof writes says "
             "the inputs changed since."),
        ("", "4. Do not sort the input sheets (filters are fine): rows of Clients, Volumes and the computed "
             "sheets are aligned client by client. Add clients by regenerating from an input workbook."),
        ("", "5. Sheets are protected without a password so formulas are not overwritten by accident: "
             "Review > Unprotect Sheet lifts it."),
        ("h", "Sheets"),
        ("", "Dashboard: key figures, the bridge from revenue to net profit, reconciliation, money at stake per "
             "action, tiers, top loss-makers, recommendations, charts. Client: one client picked from a list, "
             "from price to profit, its signals, reasons and action. Settings: every setting, editable. "
             "Rates: cost per unit of each activity. CostToServe: "
             "cost of each activity for each client. Profitability: net revenue to net profit per client. "
             "Scores: the seven signals, the termination score and the recommended action. DropImpact: what the "
             "firm gains or loses if the client leaves. Segmentation: whale curve, tiers, quadrants, segment "
             "value chain, exit scenario. WhaleCurve: clients from most to least profitable, cumulative share, "
             "tier. TransitionPlan: tasks for each client to exit (due date, owner, status and notes are "
             "yours). Tourniquet: activities to cut for clients to restructure. PlanArchive: tasks of clients "
             "no longer in the plan, with what was typed."),
        ("h", "Generated"),
    ],
    "es": [
        ("title", "Libro de análisis xlprof"),
        ("", "Qué clientes ganan o pierden dinero una vez contado el coste de servirlos, cómo se segmentan, "
             "a cuáles renegociar, reestructurar o dejar ir, y cómo salir limpiamente de un cliente."),
        ("h", "Cómo usarlo"),
        ("", "1. Las celdas amarillas son suyas: Parámetros, Clientes, Actividades, Consumos, Recursos, el cliente "
             "elegido en la hoja Cliente y, en el PlanTransición, la fecha prevista (la propuesta queda al lado), "
             "el nombre del responsable, el estado y las notas. Edítelas; todo lo demás se calcula, y una celda "
             "que escribe xlprof rechaza lo tecleado con un mensaje que dice dónde editar."),
        ("", "2. Ingresos netos, márgenes, coste de servir, coste financiero, beneficio neto, horas, las señales y "
             "la puntuación son fórmulas vivas: se actualizan al escribir, sin Python."),
        ("", "3. Niveles, curva de ballena, cuadrantes, acciones y plan de transición los escribe xlprof. "
             "Actualícelos con el botón Recalcular de la cinta xlprof, o con 'xlprof recalc ESTE_ARCHIVO.xlsx' "
             "(se conserva todo lo que haya escrito; el archivo anterior queda como .bak.xlsx). Hasta entonces, "
             "un aviso en rojo en el Panel y junto a cada bloque que escribe xlprof dice que los datos han "
             "cambiado."),
        ("", "4. No ordene las hojas de entrada (los filtros sí): las filas de Clientes, Consumos y las hojas "
             "calculadas están alineadas cliente a cliente. Para añadir clientes, regenere desde un libro de entrada."),
        ("", "5. Las hojas están protegidas sin contraseña para no sobrescribir fórmulas por error: "
             "Revisar > Desproteger hoja."),
        ("h", "Hojas"),
        ("", "Panel: cifras clave, el puente de ingresos a beneficio neto, conciliación, dinero en juego por "
             "acción, niveles, mayores pérdidas, recomendaciones, gráficos. Cliente: un cliente elegido de una "
             "lista, del precio al beneficio, sus señales, motivos y acción. Parámetros: todos los parámetros, "
             "editables. Tarifas: coste por unidad de cada actividad. "
             "CosteServicio: coste de cada actividad por cliente. Rentabilidad: de ingresos netos a beneficio neto. "
             "Puntuaciones: las siete señales, la puntuación de salida y la acción recomendada. ImpactoSalida: lo "
             "que la empresa gana o pierde si el cliente se va. Segmentación: curva de ballena, niveles, "
             "cuadrantes, cadena de valor, escenario de salida. CurvaBallena: clientes del más al menos rentable, "
             "cuota acumulada, nivel. PlanTransición: tareas de salida (fecha, responsable, estado y notas son "
             "suyos). Torniquete: actividades a recortar en clientes a reestructurar. ArchivoPlan: tareas de "
             "clientes que ya no están en el plan, con lo escrito."),
        ("h", "Generado"),
    ],
}
UDF_NOTE = {
    "en": "This book uses the XLPROF_ Excel functions: Excel recalculates on open, so it needs the xlprof "
          "add-in (xlwings, UDF Modules = xlprof.udfs). Without it, the saved values still read correctly in "
          "tools that never recalculate (pandas, viewers); LibreOffice recalculates the XLPROF_ array "
          "columns on load and shows #NAME? there.",
    "es": "Este libro usa las funciones XLPROF_ de Excel: Excel recalcula al abrir, así que necesita el "
          "complemento xlprof (xlwings, UDF Modules = xlprof.udfs). Sin él, los valores guardados se leen "
          "bien en herramientas que nunca recalculan (pandas, visores); LibreOffice recalcula al abrir las "
          "columnas de matrices XLPROF_ y muestra #NAME? en ellas.",
}


SPLIT_README = {
    "en": "Split book: it holds one group of the portfolio's clients, with the portfolio's rates, tiers, "
          "quadrants and scores (Settings fixed_*). Its Resources are this group's slice of each resource: "
          "the hours its clients use, at the portfolio's cost per hour, so nothing shows as unused here; the "
          "unused capacity is the portfolio's.",
    "es": "Libro dividido: contiene un grupo de los clientes de la cartera, con las tarifas, niveles, "
          "cuadrantes y puntuaciones de la cartera (Parámetros fixed_*). Sus Recursos son la parte de cada "
          "recurso que usa este grupo: las horas de sus clientes, al coste por hora de la cartera, así que aquí "
          "no aparece capacidad sin usar; la capacidad sin usar es de la cartera.",
}
WIDTH = 76    # fits A4 portrait unscaled (LibreOffice does not scale a one-column sheet to fit)


def write_readme(ctx: Ctx, ws, *, source_name: str, version: str) -> None:
    st, lang = ctx.st, ctx.lang
    ws.set_column(0, 0, WIDTH, st.wrap)
    r = 0

    def line(text: str, fmt) -> None:
        nonlocal r
        ws.write_string(r, 0, text, fmt)
        lines = wrapped_lines(text, WIDTH)
        if lines > 1 or fmt is st.title:   # LibreOffice does not grow rows for wrapped text
            ws.set_row(r, max(15 * lines + 3, 22 if fmt is st.title else 15))
        r += 1

    for kind, text in README[lang]:
        line(text, st.title if kind == "title" else st.subtitle if kind == "h" else st.wrap)
    stamp = L.stamp_of(ctx.a, fixed_rates=ctx.fixed_rates, mode=ctx.cells.mode)
    for text in L.readme_lines(lang, source_name=source_name, version=version, stamp=stamp):
        line(text, st.text)
    if ctx.a.settings.fixed_price_median is not None:     # a split book (--split-by)
        r += 1
        line(SPLIT_README[lang], st.wrap)
    if ctx.cells.mode == "udf":
        r += 1
        line(UDF_NOTE[lang], st.bold)
    ws.hide_gridlines(2)
    page_setup(ws, landscape=False)
    ws.print_area(0, 0, r, 0)
    ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})
