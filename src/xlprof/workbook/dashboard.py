"""The Dashboard: key figures, the P&L bridge, the reconciliation, money at stake per
action, tiers (live formulas); the top loss-makers and the recommendation list (engine);
where the book came from; and the check that says when the book is stale.

Page 1 holds the figures and charts, page 2 the lists, the check and the warnings.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from .. import __version__
from ..i18n import label
from ..model.scoring import ACTIONS
from ..model.segments import TIERS
from . import charts
from . import layout as L
from .check import CHECK_KEYS, CHECKSUM_TOL, FIGURE_TOL, terms
from .costs import PCOL
from .inputs import quote, setting_name
from .labels import SOURCES, h
from .layout import DROP_COLS, SCORE_COLS, SCORE_FIRST, STALE_NAME
from .writer import Ctx, guard, notice, page_setup, write_block, wrapped_lines

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
    "bridge": ("From revenue to net profit (live)", "De ingresos a beneficio neto (en vivo)"),
    "amount": ("Amount", "Importe"),
    "of_revenue": ("% of revenue", "% de ingresos"),
    "bridge_rows": {
        "revenue": ("Revenue", "Ingresos"),
        "discounts": ("- Discounts", "- Descuentos"),
        "cogs": ("- COGS", "- Coste de ventas"),
        "cost_to_serve": ("- Cost-to-serve", "- Coste de servir"),
        "financing_cost": ("- Financing cost (imputed)", "- Coste financiero (imputado)"),
        "bad_debt": ("- Bad debt", "- Incobrables"),
        "net_profit": ("= Net profit", "= Beneficio neto"),
    },
    "recon": ("Reconciliation to the period's operating profit (live)",
              "Conciliación con el resultado operativo del periodo (en vivo)"),
    "recon_rows": {
        "clients_net_profit": ("Net profit of all clients", "Beneficio neto de todos los clientes"),
        "financing_cost": ("+ imputed financing cost (not in the ledger)", "+ coste financiero imputado (no contable)"),
        "unused_capacity_cost": ("- unused capacity cost (negative: hours used beyond capacity, at its cost per hour)",
                                 "- coste de capacidad no usada (negativo: horas usadas por encima de la capacidad, "
                                 "a su coste por hora)"),
        "unassigned_cost": ("- costs not assigned to any client", "- costes no asignados a ningún cliente"),
        "model_operating_profit": ("= operating profit per the model", "= resultado operativo según el modelo"),
        "ledger_operating_profit": ("Revenue - discounts - COGS - bad debt - activity and resource costs",
                                    "Ingresos - descuentos - coste de ventas - incobrables - costes de actividades y "
                                    "recursos"),
        "difference": ("Difference", "Diferencia"),
    },
    "actions": ("Recommended actions: money at stake if the clients leave",
                "Acciones recomendadas: lo que está en juego si los clientes se van"),
    "actions_head": (("Action", "Clients", "Drop impact", "of which exit penalties"),
                     ("Acción", "Clientes", "Impacto de la salida", "del que penalizaciones")),
    "tiers": ("Tiers (customer pyramid)", "Niveles (pirámide de clientes)"),
    "tiers_head": (("Tier", "Clients", "Net profit", "Share of positive profit"),
                   ("Nivel", "Clientes", "Beneficio neto", "Parte del beneficio positivo")),
    "total": ("Total", "Total"),
    "losses_title": ("Top 10 loss-makers", "Los 10 clientes con más pérdidas"),
    "recs_title": ("Recommendations, by exit gain", "Recomendaciones, por ganancia de la salida"),
    "check": ("Check: live formulas against the last recalculation by xlprof",
              "Control: fórmulas vivas frente al último recálculo de xlprof"),
    "check_head": (("", "Live", "At last recalculation"), ("", "En vivo", "En el último recálculo")),
    "check_rows": {
        "net_revenue": ("Net revenue", "Ingresos netos"),
        "cost_to_serve": ("Cost-to-serve", "Coste de servir"),
        "net_profit": ("Net profit of the clients", "Beneficio neto de los clientes"),
        "ledger_operating_profit": ("Operating profit per the ledger", "Resultado operativo contable"),
        "scores": ("Termination scores (sum)", "Puntuaciones de salida (suma)"),
        "exit_gains": ("Exit gains (sum)", "Ganancias de la salida (suma)"),
        "checksum": ("Checksum of the inputs xlprof reads", "Suma de control de los datos que lee xlprof"),
    },
    "flag": ("Inputs changed since? (1 = yes)", "¿Datos cambiados desde entonces? (1 = sí)"),
    "warnings": ("Warnings", "Avisos"),
}
GENERATED = {
    "epoch": ("Generated {when} by xlprof {version} from {source}", "Generado el {when} con xlprof {version} a partir de {source}"),
    "file": ("Generated by xlprof {version} from {source}, saved {when}",
             "Generado con xlprof {version} a partir de {source}, guardado el {when}"),
    "none": ("Generated by xlprof {version} from {source}", "Generado con xlprof {version} a partir de {source}"),
}


PRINT_SCALE = 60      # A:F and the charts' columns on one A4 landscape page width
CHART_COL, CHART_COLS = 6, 7   # charts from column G, 7 default columns (64 px) wide
WIDTHS = (40, 15, 15, 15, 28, 2)


def tx(key: str, lang: str):
    return T[key][lang == "es"]


def generation_time(source: str | None) -> tuple[str, dt.datetime] | None:
    """When the book says it was generated, without making output depend on the clock:
    ``SOURCE_DATE_EPOCH`` (UTC) if set, else the input file's modification time, else none.
    Returns (kind, time) with kind ``epoch`` or ``file``."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return "epoch", dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).replace(tzinfo=None)
    try:
        path = Path(source) if source else None
        if path is not None and path.is_file():
            return "file", dt.datetime.fromtimestamp(int(path.stat().st_mtime))
    except (OSError, ValueError):
        pass
    return None


def generated_text(lang: str, source: str, generated: tuple[str, dt.datetime] | None) -> str:
    kind, when = generated if generated else ("none", None)
    text = GENERATED[kind][lang == "es"]
    return text.format(version=__version__, source=source or "?", when=when and L.today_text(when))


def _col(cols: list[str], key: str) -> str:
    from xlsxwriter.utility import xl_col_to_name

    return xl_col_to_name(cols.index(key))


def write_dashboard(ctx: Ctx, ws, seg, *, source: str = "", generated=None) -> None:
    st, lang, a, out = ctx.st, ctx.lang, ctx.a, ctx.out
    ctx.cells.sheet(ws)
    D = L.Dash
    put = ctx.cells.put
    status = L.status_text("written", lang, version=__version__, clients=ctx.n, warnings=len(a.warnings))
    blocks = L.dashboard(a, status)
    for c, w in enumerate(WIDTHS):
        ws.set_column(c, c, w)
    ws.write_string(D.title, 0, tx("title", lang), st.title)
    notice(ctx, ws, D.notice, 0)
    write_block(ws, blocks["status"], out.status)
    guard(ctx, ws, D.status, 0, D.status, 0)
    ws.write_string(D.generated, 0, generated_text(lang, source, generated), st.note)

    sets = blocks["settings"].rows
    for r, key, f, fmt in ((D.currency, "currency", f"={setting_name('currency')}", st.text),
                           (D.period, "period", f"={setting_name('period_months')}", st.integer),
                           (D.decision_date, "decision_date",
                            f'=IF({setting_name("decision_date")}="","",{setting_name("decision_date")})', st.date)):
        ws.write_string(r, 0, tx(key, lang))
        put(ws, r, 1, f, sets[r - D.currency][0], fmt)

    # key figures
    n1 = max(ctx.n, 1) + 1
    qp = quote(ctx.sname("profitability"))
    C = ctx.inputs.clients
    qc = quote(C.sheet)

    def prof(key: str) -> str:
        return f"{qp}!${PCOL[key]}$2:${PCOL[key]}${n1}"

    def clients(key: str) -> str:
        return f"{qc}!${C.col(key)}$2:${C.col(key)}${n1}"

    ws.write_string(D.kpi_title, 0, tx("kpis", lang), st.subtitle)
    formulas = {
        "clients": (f"=COUNTA({prof('client_id')})", st.integer),
        "revenue": (f"=SUM({clients('revenue')})", st.money0),
        "net_revenue": (f"=SUM({prof('net_revenue')})", st.money0),
        "cts": (f"=SUM({prof('cost_to_serve')})", st.money0),
        "net_profit": (f"=SUM({prof('net_profit')})", st.money0_bold),
        "loss_clients": (f'=COUNTIF({prof("net_profit")},"<0")', st.integer),
        "losses": (f'=SUMIF({prof("net_profit")},"<0")', st.money0),
    }
    kpi = {k: f"$B${D.kpis + i + 1}" for i, k in enumerate(L.KPI_KEYS)}
    for i, k in enumerate(L.KPI_KEYS):
        f, fmt = formulas[k]
        ws.write_string(D.kpis + i, 0, tx(k, lang))
        put(ws, D.kpis + i, 1, f, blocks["kpis"].rows[i][0], fmt)
    whale = blocks["whale"]
    ws.write_string(D.whale_peak, 0, tx("whale_peak", lang))
    ws.write_string(D.whale_peak_clients, 0, tx("whale_peak_clients", lang))
    write_block(ws, whale, row_fmts=[out.share, out.integer])
    guard(ctx, ws, whale.row, 1, whale.row + 1, 1)

    # P&L bridge (live) and its waterfall chart data (right of the printed area)
    ws.write_string(D.bridge_title, 0, tx("bridge", lang), st.subtitle)
    for j, text in enumerate(("", tx("amount", lang), tx("of_revenue", lang))):
        ws.write_string(D.bridge_header, j, text, st.header)
    bridge = blocks["bridge"].rows
    rev = f"$B${D.bridge + 1}"
    minus = {"discounts": f"SUM({clients('discounts')})", "cogs": f"SUM({clients('cogs')})",
             "cost_to_serve": kpi["cts"], "financing_cost": f"SUM({prof('financing_cost')})",
             "bad_debt": f"SUM({prof('bad_debt')})"}
    for i, k in enumerate(L.BRIDGE_KEYS):
        r = D.bridge + i
        ws.write_string(r, 0, T["bridge_rows"][k][lang == "es"], st.bold if i in (0, len(L.BRIDGE_KEYS) - 1) else None)
        f = f"={kpi['revenue']}" if k == "revenue" else f"={kpi['net_profit']}" if k == "net_profit" else f"=-{minus[k]}"
        last = i == len(L.BRIDGE_KEYS) - 1
        put(ws, r, 1, f, bridge[i][0], st.money0_bold if last else st.money0)
        put(ws, r, 2, f'=IF({rev}>0,B{r + 1}/{rev},"")', bridge[i][1], st.pct)
    charts.waterfall_data(ctx, ws, blocks["bridge_chart"], "B",
                          [T["bridge_rows"][k][lang == "es"].lstrip("-= ") for k in L.BRIDGE_KEYS])

    _reconciliation(ctx, ws, blocks["recon"].rows, prof, clients)
    _actions(ctx, ws, blocks["actions"].rows)
    _tiers(ctx, ws, blocks, prof)
    _lists(ctx, ws, blocks)
    _check(ctx, ws, blocks, kpi)

    ws.write_string(D.warnings_title, 0, tx("warnings", lang), st.subtitle)
    # room for the most warnings this layout can give (each pool without volume, each
    # over-used resource, no decision date, exit spiral), unlocked for Recalculate
    # one line each, not wrapped: a warning runs on over the empty cells to its right (rows do not
    # grow for wrapped text in LibreOffice, and the live Recalculate cannot size them: wrapped
    # warnings printed on top of each other)
    most = ctx.m + len(ctx.p.resources) + 2
    for i in range(most):
        ws.write_blank(D.warnings + i, 0, None, out.text)
    write_block(ws, blocks["warnings"], out.text)
    guard(ctx, ws, D.warnings, 0, D.warnings + most - 1, 0)

    size = {"x_scale": CHART_COLS * 64 / 480, "y_scale": 1.0}
    ws.insert_chart(D.kpi_title, CHART_COL, charts.whale_chart(ctx.wb, ctx, seg), size)
    ws.insert_chart(D.recon_title, CHART_COL, charts.bridge_chart(ctx.wb, ctx, ws.name, D.bridge,
                                                                L.CHART_DATA_COL + 5, L.CHART_DATA_COL + 2,
                                                                len(L.BRIDGE_KEYS)), size)
    ws.insert_chart(D.tiers_title + 1, CHART_COL, charts.tier_chart(ctx.wb, ctx, seg), size)
    ws.hide_gridlines(2)
    ws.set_h_pagebreaks([D.page2, D.page3])
    ws.print_area(0, 0, D.warnings + most, CHART_COL + CHART_COLS)
    page_setup(ws, scale=PRINT_SCALE)
    if ctx.protect:
        ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})


def _reconciliation(ctx: Ctx, ws, values, prof, clients) -> None:
    D, st, lang = L.Dash, ctx.st, ctx.lang
    ws.write_string(D.recon_title, 0, tx("recon", lang), st.subtitle)
    m1 = max(ctx.m, 1) + 1
    qr, qa = ctx.q("rates"), quote(ctx.inputs.activities.sheet)
    src = f"{qr}!$C$2:$C${m1}"
    pools = f"{qa}!$C$2:$C${m1}"
    assigned = f"{qr}!$G$2:$G${m1}"
    vols = f"{qr}!$D$2:$D${m1}"

    def by_source(kind: str) -> str:
        return f'"{SOURCES[kind][lang == "es"]}"'

    R = ctx.inputs.resources
    resources = f"SUM({quote(R.sheet)}!$B$2:$B${len(ctx.p.resources) + 1})" if R is not None else "0"
    b = {k: f"B{D.recon + i + 1}" for i, k in enumerate(L.RECON_KEYS)}
    formulas = {
        "clients_net_profit": f"=SUM({prof('net_profit')})",
        "financing_cost": f"=SUM({prof('financing_cost')})",
        "unused_capacity_cost": f"={resources}-SUMPRODUCT(--({src}={by_source('time')}),{assigned})",
        "unassigned_cost": f"=SUMPRODUCT(({src}={by_source('pool')})*({vols}<=0),{pools})",
        "model_operating_profit": f"={b['clients_net_profit']}+{b['financing_cost']}-{b['unused_capacity_cost']}"
                                  f"-{b['unassigned_cost']}",
        "ledger_operating_profit": f"=SUM({clients('revenue')})-SUM({clients('discounts')})-SUM({clients('cogs')})"
                                   f"-SUM({clients('bad_debt')})-SUMPRODUCT(--({src}={by_source('pool')}),{pools})"
                                   f"-SUMPRODUCT(--({src}={by_source('rate')}),{assigned})-{resources}",
        "difference": f"={b['model_operating_profit']}-{b['ledger_operating_profit']}",
    }
    for i, k in enumerate(L.RECON_KEYS):
        text = T["recon_rows"][k][lang == "es"]
        lines = wrapped_lines(text, WIDTHS[0])
        ws.write_string(D.recon + i, 0, text, st.label_wrap if lines > 1 else None)
        if lines > 1:
            ws.set_row(D.recon + i, 15 * lines + 2)
        bold = k in ("model_operating_profit", "difference")
        ctx.cells.put(ws, D.recon + i, 1, formulas[k], values[i][0], st.money_bold if bold else st.money)


def _table_head(ctx: Ctx, ws, r: int, texts) -> None:
    tallest = 1
    for j, text in enumerate(texts):
        ws.write_string(r, j, text, ctx.st.header)
        tallest = max(tallest, wrapped_lines(text, WIDTHS[j]))
    ws.set_row(r, 15 * tallest + 2)


def _actions(ctx: Ctx, ws, values) -> None:
    from xlsxwriter.utility import xl_col_to_name

    D, st, lang = L.Dash, ctx.st, ctx.lang
    ws.write_string(D.actions_title, 0, tx("actions", lang), st.subtitle)
    _table_head(ctx, ws, D.actions_header, tx("actions_head", lang))
    qs, qd = ctx.q("scores"), ctx.q("drop")
    s1, s2 = SCORE_FIRST + 1, SCORE_FIRST + max(ctx.n, 1)
    d2 = max(ctx.n, 1) + 1
    act_s = f"{qs}!${_col(SCORE_COLS, 'action')}${s1}:${_col(SCORE_COLS, 'action')}${s2}"

    def drop(key: str) -> str:
        c = _col(DROP_COLS, key)
        return f"{qd}!${c}$2:${c}${d2}"

    for i, act in enumerate(ACTIONS):
        r = D.actions + i
        crit = f"$A${r + 1}"
        ws.write_string(r, 0, label(act, lang))
        ctx.cells.put(ws, r, 1, f"=COUNTIF({act_s},{crit})", values[i][0], st.integer)
        ctx.cells.put(ws, r, 2, f"=SUMIF({drop('action')},{crit},{drop('drop_impact')})", values[i][1], st.money0)
        ctx.cells.put(ws, r, 3, f"=-SUMIF({drop('action')},{crit},{drop('exit_penalty')})", values[i][2], st.money0)
    r = D.actions_total
    ws.write_string(r, 0, tx("total", lang), st.total_label)
    for j, fmt in ((1, st.total_integer), (2, st.total_money0), (3, st.total_money0)):
        col = xl_col_to_name(j)
        ctx.cells.put(ws, r, j, f"=SUM({col}{D.actions + 1}:{col}{r})", values[-1][j - 1], fmt)


def _tiers(ctx: Ctx, ws, blocks, prof) -> None:
    D, st, lang, out = L.Dash, ctx.st, ctx.lang, ctx.out
    ws.write_string(D.tiers_title, 0, tx("tiers", lang), st.subtitle)
    text = blocks["tier_text"].rows[0][0]
    ws.merge_range(D.tier_text, 0, D.tier_text, 4, text, out.wrap)
    ws.set_row(D.tier_text, 15 * wrapped_lines(text, sum(WIDTHS[:5])) + 3)
    guard(ctx, ws, D.tier_text, 0, D.tier_text, 4)
    _table_head(ctx, ws, D.tiers_header, tx("tiers_head", lang))
    values = blocks["tiers"].rows
    tier_rng, profit = prof("tier"), prof("net_profit")
    positive = f'SUMIF({profit},">0")'
    for i, tier in enumerate(TIERS):
        r = D.tiers + i
        crit = f"$A${r + 1}"
        ws.write_string(r, 0, label(tier, lang))
        ctx.cells.put(ws, r, 1, f"=COUNTIF({tier_rng},{crit})", values[i][0], st.integer)
        ctx.cells.put(ws, r, 2, f"=SUMIF({tier_rng},{crit},{profit})", values[i][1], st.money0)
        if tier != "lead":
            ctx.cells.put(ws, r, 3, f'=IF({positive}>0,C{r + 1}/{positive},"")', values[i][2], st.pct)
    r = D.tiers_total
    ws.write_string(r, 0, tx("total", lang), st.total_label)
    ctx.cells.put(ws, r, 1, f"=SUM(B{D.tiers + 1}:B{r})", values[-1][0], st.total_integer)
    ctx.cells.put(ws, r, 2, f"=SUM(C{D.tiers + 1}:C{r})", values[-1][1], st.total_money0)
    ws.write_blank(r, 3, None, st.total_blank)


def _lists(ctx: Ctx, ws, blocks) -> None:
    D, st, lang, out = L.Dash, ctx.st, ctx.lang, ctx.out
    for title, head, key, cols in ((D.losses_title, D.losses_header, "losses", L.LOSS_COLS),
                                   (D.recs_title, D.recs_header, "recs", L.REC_COLS)):
        ws.write_string(title, 0, tx(f"{key}_title", lang), st.subtitle)
        _table_head(ctx, ws, head, [h(k, lang) for k in cols])
        block = blocks[key]
        fmts = {"net_profit": out.money0, "exit_gain": out.money0, "breakeven_price_rise": out.pct,
                "exit_date": out.date}
        write_block(ws, block, [fmts.get(k, out.text) for k in cols])
        guard(ctx, ws, block.row, 0, block.row + block.nrows - 1, block.ncols - 1)
    more = blocks["recs_more"]
    write_block(ws, more, out.status)
    guard(ctx, ws, more.row, 0, more.row, 0)


def _check(ctx: Ctx, ws, blocks, kpi) -> None:
    D, st, lang, out = L.Dash, ctx.st, ctx.lang, ctx.out
    ws.write_string(D.check_title, 0, tx("check", lang), st.subtitle)
    _table_head(ctx, ws, D.check_header, tx("check_head", lang))
    qs, qd = ctx.q("scores"), ctx.q("drop")
    score = _col(SCORE_COLS, "score")
    gain = _col(DROP_COLS, "exit_gain")
    live = {
        "net_revenue": f"={kpi['net_revenue']}",
        "cost_to_serve": f"={kpi['cts']}",
        "net_profit": f"={kpi['net_profit']}",
        "ledger_operating_profit": f"=B{D.recon + L.RECON_KEYS.index('ledger_operating_profit') + 1}",
        "scores": f"=SUM({qs}!${score}${SCORE_FIRST + 1}:${score}${SCORE_FIRST + max(ctx.n, 1)})",
        "exit_gains": f"=SUM({qd}!${gain}$2:${gain}${max(ctx.n, 1) + 1})",
        "checksum": "=" + checksum_formula(ctx),
    }
    values = blocks["check_live"].rows
    tests = []
    for i, k in enumerate(CHECK_KEYS):
        r = D.check + i
        ws.write_string(r, 0, T["check_rows"][k][lang == "es"])
        # the checksum's digits mean nothing to a reader and outgrow the column: scientific
        fmt = st.sci if k == "checksum" else st.number if k == "scores" else st.money0
        ctx.cells.put(ws, r, 1, live[k], values[i][0], fmt)
        tol = (f"{CHECKSUM_TOL:.0E}*ABS(C{r + 1})+1E-06" if k == "checksum"
               else f"{FIGURE_TOL:.0E}*MAX(1,ABS(C{r + 1}))")
        tests.append(f"ABS(B{r + 1}-C{r + 1})>{tol}")
    snap = blocks["check_snap"]
    write_block(ws, snap, row_fmts=[out.sci if k == "checksum" else out.number if k == "scores" else out.money0
                                    for k in CHECK_KEYS])
    guard(ctx, ws, snap.row, snap.col, snap.row + snap.nrows - 1, snap.col)
    ws.write_string(D.flag, 0, tx("flag", lang), st.bold)
    ctx.cells.put(ws, D.flag, 1, f"=IF(IFERROR(OR({','.join(tests)}),TRUE),1,0)", 0, st.integer)
    ctx.wb.define_name(STALE_NAME, f"={quote(ws.name)}!$B${D.flag + 1}")


def checksum_formula(ctx: Ctx) -> str:
    """The checksum of :mod:`.check` as a formula over the input sheets."""
    from xlsxwriter.utility import xl_col_to_name

    from .check import BEHAVIOR_MARKS, YES_MARK
    from .inputs import yes_no

    lang = ctx.lang
    n1, m1 = max(ctx.n, 1) + 1, max(ctx.m, 1) + 1
    C, V, A = ctx.inputs.clients, ctx.inputs.volumes, ctx.inputs.activities
    parts = []
    for k, term in enumerate(terms(ctx.a)):
        if term.source == "clients":
            rng = f"{quote(C.sheet)}!${C.col(term.key)}$2:${C.col(term.key)}${n1}"
            if term.kind in ("number", "date"):
                f = f"SUMPRODUCT(ROW({rng}),{rng})"
            elif term.kind == "yesno":
                f = f'SUMPRODUCT(ROW({rng})*(LEN({rng})+{YES_MARK}*({rng}="{yes_no(True, lang)}")))'
            else:
                f = f"SUMPRODUCT(ROW({rng})*LEN({rng}))"
        elif term.source == "volumes":
            col = xl_col_to_name(V.cols[term.key])
            rng = f"{quote(V.sheet)}!${col}$2:${col}${n1}"
            f = f"SUMPRODUCT(ROW({rng}),{rng})"
        elif term.source == "behavior":
            rng = f"{quote(A.sheet)}!${A.col('behavior')}$2:${A.col('behavior')}${m1}"
            marks = "".join(f'+{w}*({rng}="{label(b, lang)}")' for b, w in BEHAVIOR_MARKS)
            f = f"SUMPRODUCT(ROW({rng})*(LEN({rng}){marks}))"
        elif term.source == "rates":
            rng = f"{ctx.q('rates')}!$F$2:$F${m1}"
            f = f"SUMPRODUCT(ROW({rng}),{rng})"
        else:
            f = setting_name(term.key)
        parts.append(f"{k + 1}*{f}")
    return "+".join(parts)
