"""The Client sheet: pick a client in the yellow cell (a list of the book's clients); live
formulas show its price-to-profit waterfall (revenue, discounts, COGS, each activity,
financing, bad debt, net profit) as a table and a chart, and beside it its tier,
quadrant, signals, score, reasons, action and exit date."""

from __future__ import annotations

from xlsxwriter.utility import xl_col_to_name

from ..model.analysis import Analysis
from . import charts
from .client_layout import DATA_COL, SUMMARY_KEYS, ClientRows, client_blocks
from .inputs import quote
from .labels import h
from .layout import CTS_FIRST, DROP_COLS, PROF_COLS, SCORE_COLS, SCORE_FIRST
from .writer import Ctx, headers, notice, page_setup

T = {
    "title": ("One client, from price to profit", "Un cliente, del precio al beneficio"),
    "pick": ("Client ID (pick from the list)", "ID cliente (elija de la lista)"),
    "name": ("Client", "Cliente"),
    "manager": ("Account manager", "Gestor de cuenta"),
    "steps": ("Price-to-profit waterfall (live)", "Del precio al beneficio (en vivo)"),
    "head": (("", "Amount", "% of net revenue"), ("", "Importe", "% de ingresos netos")),
    "revenue": ("Revenue", "Ingresos"),
    "discounts": ("- Discounts", "- Descuentos"),
    "cogs": ("- COGS", "- Coste de ventas"),
    "financing": ("- Financing cost (imputed)", "- Coste financiero (imputado)"),
    "bad_debt": ("- Bad debt", "- Incobrables"),
    "net_profit": ("= Net profit", "= Beneficio neto"),
    "summary": ("Signals, reasons and the recommendation", "Señales, motivos y la recomendación"),
    "row": ("row", "fila"),
    "chart": ("From price to profit", "Del precio al beneficio"),
}
WIDTHS = (34, 16, 14, 2)
CHART_COL, CHART_COLS = 4, 9    # the chart from column E, 9 default columns (64 px) wide
PICK_MESSAGE = {"en": "Pick a client ID from the list", "es": "Elija un ID de cliente de la lista"}


def tx(key: str, lang: str):
    return T[key][lang == "es"]


def write_client(ctx: Ctx, ws, selected: str | None = None) -> None:
    """Fill the Client sheet ``ws``, opened on client ``selected`` (default: see
    :func:`.client_layout.default_client`)."""
    a: Analysis = ctx.a
    st, lang = ctx.st, ctx.lang
    ctx.cells.sheet(ws)
    R = ClientRows(ctx.m)
    blocks = client_blocks(a, selected)
    for c, w in enumerate(WIDTHS):
        ws.set_column(c, c, w)
    ws.write_string(R.title, 0, tx("title", lang), st.title)
    notice(ctx, ws, R.notice, 0)
    if "who" not in blocks:  # a book without clients
        page_setup(ws)
        return
    C = ctx.inputs.clients
    n1 = max(ctx.n, 1) + 1
    qc = quote(C.sheet)
    ids = f"{qc}!$A$2:$A${n1}"
    who = blocks["who"]
    cid = _picked(a, selected)
    ws.write_string(R.pick, 0, tx("pick", lang), st.bold)
    ws.write_string(R.pick, 1, cid, st.in_text)
    ws.data_validation(R.pick, 1, R.pick, 1, {"validate": "list", "source": f"={ids}",
                                              "error_message": PICK_MESSAGE[lang]})
    k = f"${xl_col_to_name(DATA_COL)}${R.pick + 1}"     # the client's position, 1-based
    ws.write_string(R.pick, DATA_COL + 1, tx("row", lang), st.note)
    i = list(a.clients["client_id"]).index(cid)
    ctx.cells.put(ws, R.pick, DATA_COL, f"=MATCH($B${R.pick + 1},{ids},0)", i + 1, st.integer)

    def at(rng: str) -> str:
        return f"INDEX({rng},{k})"

    def shown(rng: str) -> str:
        return f'=IF({at(rng)}="","",{at(rng)})'

    def col(sheet_key: str, cols: list[str], key: str, first: int) -> str:
        letter = xl_col_to_name(cols.index(key))
        return f"{ctx.q(sheet_key)}!${letter}${first}:${letter}${first + max(ctx.n, 1) - 1}"

    def client_col(key: str) -> str:
        return f"{qc}!${C.col(key)}$2:${C.col(key)}${n1}"

    ws.write_string(R.name, 0, tx("name", lang))
    ws.write_string(R.manager, 0, tx("manager", lang))
    ctx.cells.put(ws, R.name, 1, shown(client_col("client_name")), who.rows[0][0], st.bold)
    ctx.cells.put(ws, R.manager, 1, shown(client_col("account_manager")), who.rows[1][0], st.text)

    # the waterfall
    ws.write_string(R.steps_title, 0, tx("steps", lang), st.subtitle)
    heads = tx("head", lang)
    headers(ws, st, R.steps_header, ["a", "b", "c"], lang, {"a": WIDTHS[0], "b": WIDTHS[1], "c": WIDTHS[2]},
            raw=dict(enumerate(heads)))
    acts = list(a.activities.index)
    prof = {key: col("profitability", PROF_COLS, key, 2) for key in
            ("net_revenue", "financing_cost", "bad_debt", "net_profit", "tier", "quadrant")}
    names = [tx("revenue", lang), tx("discounts", lang), tx("cogs", lang), *(f"- {x}" for x in acts),
             tx("financing", lang), tx("bad_debt", lang), tx("net_profit", lang)]
    formulas = [f"={at(client_col('revenue'))}", f"=-{at(client_col('discounts'))}", f"=-{at(client_col('cogs'))}"]
    qcts = ctx.q("cts")
    for j in range(len(acts)):
        letter = xl_col_to_name(2 + j)
        formulas.append(f"=-{at(f'{qcts}!${letter}${CTS_FIRST + 1}:${letter}${CTS_FIRST + max(ctx.n, 1)}')}")
    formulas += [f"=-{at(prof['financing_cost'])}", f"=-{at(prof['bad_debt'])}", f"={at(prof['net_profit'])}"]
    nr = at(prof["net_revenue"])
    steps = blocks["steps"].rows
    last = len(names) - 1
    for j, (text, f) in enumerate(zip(names, formulas)):
        r = R.steps + j
        bold = j in (0, last)
        ws.write_string(r, 0, text, st.bold if bold else None)
        ctx.cells.put(ws, r, 1, f, steps[j][0], st.money0_bold if j == last else st.money0)
        ctx.cells.put(ws, r, 2, f'=IF({nr}>0,B{r + 1}/{nr},"")', steps[j][1], st.pct)
    charts.waterfall_data(ctx, ws, blocks["chart"], "B", [x.lstrip("-= ") for x in names])
    ws.insert_chart(R.pick, CHART_COL, charts.bridge_chart(ctx.wb, ctx, ws.name, R.steps, DATA_COL + 5, DATA_COL + 2,
                                                   len(names), title=T["chart"][lang == "es"]),
                    {"x_scale": CHART_COLS * 64 / 480, "y_scale": 1.5})

    # signals, reasons, action, exit date
    ws.write_string(R.summary_title, 0, tx("summary", lang), st.subtitle)
    scores = {key: col("scores", SCORE_COLS, key, SCORE_FIRST + 1) for key in SCORE_COLS[2:]}
    drop = {key: col("drop", DROP_COLS, key, 2) for key in ("drop_impact_ledger", "drop_impact", "exit_gain", "exit_date")}
    fmts = {"score": st.score, "score_coverage": st.pct, "reasons": st.wrap, "action_reason": st.wrap,
            "drop_impact": st.money0, "drop_impact_ledger": st.money0, "exit_gain": st.money0, "exit_date": st.date}
    values = blocks["summary"].rows
    for j, key in enumerate(SUMMARY_KEYS):
        r = R.summary + j
        src = prof.get(key) or scores.get(key) or drop[key]
        fmt = fmts.get(key, st.signal if key.startswith("signal_") else st.text)
        if key in ("reasons", "action_reason"):
            ws.write_string(r, 0, h(key, lang), st.wrap)      # top-aligned, like its text
            ws.merge_range(r, 1, r, CHART_COL + CHART_COLS - 1, "", fmt)
            ws.set_row(r, 47 if key == "reasons" else 32)     # up to three reasons, one a line
        else:
            ws.write_string(r, 0, h(key, lang))
        ctx.cells.put(ws, r, 1, shown(src), values[j][0], fmt)
    ws.hide_gridlines(2)
    ws.print_area(0, 0, R.summary + len(SUMMARY_KEYS), CHART_COL + CHART_COLS)
    page_setup(ws, fit_height=1)   # one page
    if ctx.protect:
        ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})


def _picked(a: Analysis, selected: str | None) -> str:
    from .client_layout import default_client

    ids = set(a.clients["client_id"])
    return selected if selected in ids else default_client(a)
