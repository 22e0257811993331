"""The analysis workbook: live native formulas with the engine's values cached in them.

Sheet order: README, Dashboard, Client, Settings, Clients, Activities, Volumes, Resources,
Rates, CostToServe, Profitability, Scores, DropImpact, Segmentation, TransitionPlan,
Tourniquet, PlanArchive (names in the book's language).

Every computed cell is written from :class:`xlprof.model.Analysis`; where a cell is a
formula, the formula restates the model's definition over the input and settings
cells so that edits recalculate without Python, and the engine's value is stored as
the cached result (LibreOffice recalculation in the tests checks they agree). Rows of
Clients, Volumes, CostToServe, Profitability, Scores and DropImpact are aligned: row
``i`` of each is client ``i`` in client_id order.

This module writes the Scores and DropImpact sheets and puts the book together; the
shared pieces are in :mod:`.writer`, the other sheets in :mod:`.costs`, :mod:`.plans`,
:mod:`.charts`, :mod:`.dashboard` and :mod:`.client`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

from .. import __version__
from ..model.analysis import Analysis, Portfolio
from ..schema import SHEET_NAMES
from ..settings import SIGNALS
from . import charts, client, dashboard, readme
from . import layout as L
from .costs import write_cost_to_serve, write_profitability, write_rates, write_totals
from .inputs import new_workbook, quote, setting_name, write_inputs
from .labels import h, sheet
from .layout import CTS_FIRST, DROP_COLS, DROP_LIVE, SCORE_COLS, SCORE_FIRST, SCORE_LIVE
from .plans import write_plan, write_tourniquet
from .writer import (FORMULA_MODES, PROTECT, Cells, Ctx, OutFormats, finish, headers,  # noqa: F401
                     largest_amounts, notice, text_lines, total_label, udf_cell, write_cells, write_engine)

# --- Scores -----------------------------------------------------------------------------


# Scores is printed one page wide: narrow columns, the reasons (one a line), the action and
# its why wrap in rows as tall as they need (LibreOffice does not grow rows by itself)
SCORE_WIDTHS = {"client_id": 10, "client_name": 24, **{f"signal_{s}": 14 for s in SIGNALS}, "score": 13,
                "score_coverage": 11, "reasons": 46, "action": 18, "action_reason": 28}


def _score_row_heights(engine: list[list]) -> list[float | None]:
    """Height (points) of each client's row on Scores, None for one line."""
    keys = SCORE_COLS[len(SCORE_COLS) - 3:]
    out: list[float | None] = []
    for row in engine:
        # plain text runs about 1.15 characters per unit of column width (wrapped_lines counts
        # for bold headers); LibreOffice's and Excel's wrapping checked on the rendered pages
        lines = max(text_lines(str(v or ""), 1.2 * SCORE_WIDTHS[k]) for k, v in zip(keys, row))
        out.append(15.0 * lines + 1 if lines > 1 else None)
    return out


def write_scores(ctx: Ctx) -> None:
    ws = ctx.cells.sheet(ctx.wb.add_worksheet(ctx.sname("scores")), stream=True)   # rows top to bottom
    st, lang = ctx.st, ctx.lang
    headers(ws, st, 0, SCORE_COLS, lang, SCORE_WIDTHS)
    notice(ctx, ws, 0, len(SCORE_COLS))
    ws.write_string(1, 1, h("weights", lang), st.bold)
    blocks = L.scores(ctx.a)
    weights, values = blocks["weights"].rows[0], blocks["values"].rows
    engine = blocks["engine"].rows
    heights = _score_row_heights(engine)
    # every cell of a client's row top-aligned, like the reasons and the action's why (they wrap)
    top = {k: ctx.wb.add_format({"num_format": f, "valign": "top"})
           for k, f in (("text", "General"), ("signal", "0.00"), ("score", "0.0"), ("pct", "0.0%"))}
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
    udf = None
    if ctx.cells.mode == "udf":  # one XLPROF_ array formula for the score column
        c1, cn = C.first_row + 1, C.first_row + ctx.n
        ccol = lambda k: f"{qc}!${cc[k]}${c1}:${cc[k]}${cn}"  # noqa: E731
        prof = lambda letter: f"{qp}!${letter}$2:${letter}${ctx.n + 1}"  # noqa: E731
        ratings = f"{qc}!${cc['values_alignment']}${c1}:${cc['respect_of_terms']}${cn}"
        udf = (f"=XLPROF_TERMINATION_SCORE({prof('H')},{prof('C')},{prof('E')},{ccol('days_to_pay')},"
               f"{ccol('payment_terms_days')},{ccol('bad_debt')},{ratings},{W},{ccol('revenue')},"
               f"{settings_range})")
    for i in range(ctx.n):
        r = SCORE_FIRST + i
        e = r + 1
        cr = C.first_row + i + 1
        pr = i + 2
        x = values[i]
        ref = lambda k: f"{qc}!${cc[k]}{cr}"  # noqa: E731
        if heights[i]:
            ws.set_row(r, heights[i])
        put(ws, r, 0, f"={ref('client_id')}", x[0], top["text"])
        put(ws, r, 1, f"={ref('client_name')}", x[1], top["text"])
        nr, p, cts = f"{qp}!$C{pr}", f"{qp}!$H{pr}", f"{qp}!$E{pr}"
        # the signals of design.md section 4, thresholds from Settings (defined names xp_...)
        put(ws, r, 2, f"=IF({nr}>0,MAX(0,MIN(1,({x_['target_net_margin']}-{p}/{nr})/{x_['margin_span']})),1)",
            x[2], top["signal"])
        days, terms, debt, rev = ref("days_to_pay"), ref("payment_terms_days"), ref("bad_debt"), ref("revenue")
        debt_part = f"IF({debt}>0,IF({rev}>0,MIN(1,{debt}/{rev}/{x_['bad_debt_span']}),1),0)"
        late_part = f"MAX(0,MIN(1,({days}-{terms})/{x_['late_days_span']}))"
        put(ws, r, 3, f'=IF(OR({days}="",{terms}=""),IF({debt}>0,{debt_part},""),MAX({late_part},{debt_part}))',
            x[3], top["signal"])
        put(ws, r, 4, f"=IF({nr}>0,MAX(0,MIN(1,({cts}/{nr}-{x_['cts_floor']})/{x_['cts_span']})),1)",
            x[4], top["signal"])
        for k, rating in enumerate(("values_alignment", "communication", "needs_fit", "respect_of_terms")):
            rr = ref(rating)
            put(ws, r, 5 + k, f'=IF({rr}="","",(5-{rr})/4)', x[5 + k], top["signal"])
        has = f'SUMPRODUCT(--(C{e}:I{e}<>""),{W})'
        if udf:
            udf_cell(ctx.cells, ws, SCORE_FIRST, SCORE_FIRST + ctx.n - 1, r, 9, udf, x[9], top["score"])
        else:
            put(ws, r, 9, f'=IF({has}>0,100*SUMPRODUCT(C{e}:I{e},{W})/{has},"")', x[9], top["score"])
        put(ws, r, 10, f"={has}/SUM({W})", x[10], top["pct"])
        write_cells(ws, r, SCORE_LIVE, engine[i], ctx.out.wrap)
    write_engine(ctx, ws, blocks["engine"], ctx.out.wrap, written=True)
    last = SCORE_FIRST + max(ctx.n, 1) - 1
    ws.conditional_format(SCORE_FIRST, 9, last, 9, {"type": "3_color_scale", "min_type": "num", "min_value": 0,
                                                    "mid_type": "num", "mid_value": 50, "max_type": "num",
                                                    "max_value": 100, "min_color": "#63BE7B",
                                                    "mid_color": "#FFEB84", "max_color": "#F8696B"})
    finish(ws, 0, len(SCORE_COLS), ctx.n + 1, protect=ctx.protect)
    ws.freeze_panes(SCORE_FIRST, 2)


# --- DropImpact -------------------------------------------------------------------------


def write_drop_impact(ctx: Ctx, cts_cols: dict[str, str]) -> None:
    ws = ctx.cells.sheet(ctx.wb.add_worksheet(ctx.sname("drop")), stream=True)   # rows top to bottom
    st, lang = ctx.st, ctx.lang
    headers(ws, st, 0, DROP_COLS, lang, {"client_name": 28, "action": 30},
            largest=largest_amounts(ctx.a.clients, DROP_COLS))
    notice(ctx, ws, 0, len(DROP_COLS))
    blocks = L.drop_impact(ctx.a)
    values = blocks["values"].rows
    engine = blocks["engine"].rows
    engine_fmts = [ctx.out.text, ctx.out.date]
    C = ctx.inputs.clients
    qc = quote(C.sheet)
    qp, qcts = ctx.q("profitability"), ctx.q("cts")
    put = ctx.cells.put
    cap, vph = setting_name("capacity_constrained"), setting_name("value_per_freed_hour")
    for i in range(ctx.n):
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
        put(ws, r, 10, f"={qp}!$J{e}", x[10], st.hours)
        put(ws, r, 11, f"={qcts}!${cts_cols['freed']}{CTS_FIRST + i + 1}", x[11], st.money)
        put(ws, r, 12, f"=J{e}+IF({cap},K{e}*{vph},0)", x[12], st.money)
        write_cells(ws, r, DROP_LIVE, engine[i], engine_fmts)
    write_engine(ctx, ws, blocks["engine"], engine_fmts, written=True)
    tot = blocks["totals"]
    total_label(ctx, ws, tot.row, 1)
    write_totals(ctx, ws, tot.row, 2, DROP_COLS[2:DROP_LIVE], tot.rows[0], (2, max(ctx.n, 1) + 1),
                 {"freed_hours": st.total_hours})
    last = max(ctx.n, 1)
    for col in (7, 9):  # both drop impacts: positive = profit improves if the client leaves
        ws.conditional_format(1, col, last, col, {"type": "cell", "criteria": ">", "value": 0, "format": st.ok})
    finish(ws, 0, len(DROP_COLS), ctx.n, protect=ctx.protect, extra_rows=1)


# --- the book ---------------------------------------------------------------------------


STEPS = ("inputs", "rates", "cts", "profitability", "scores", "drop", "segmentation", "plan", "tourniquet",
         "archive", "dashboard", "client", "readme", "save")   # what progress() is told, in order


def write_analysis_book(a: Analysis, p: Portfolio, path: Path | str, *, formulas: str = "native",
                        source_name: str | None = None, fixed_rates: bool = False,
                        generated: tuple[str, dt.datetime] | None = None,
                        progress: Callable[[str], None] | None = None) -> int:
    """Write the analysis workbook of ``a`` (computed from ``p``) to ``path``.

    Returns the number of formula cells written. ``fixed_rates`` writes the activity
    rates as values (split books carry the portfolio's rates). ``generated`` is the time
    the book says it was generated; by default :func:`.dashboard.generation_time` (from
    ``SOURCE_DATE_EPOCH`` or the input file's time, so that the same input gives the
    same bytes). ``progress`` is called with each name of :data:`STEPS` once done.
    """
    step = progress or (lambda name: None)
    cells = Cells(formulas)
    wb, st = new_workbook(path, currency=a.settings.currency)
    try:
        _write_sheets(wb, st, cells, a, p, source_name=source_name, fixed_rates=fixed_rates,
                      generated=generated, step=step)
        wb.close()
    except BaseException:
        wb.discard()          # the streamed sheets' temporary files; the caller removes the file
        raise
    step("save")
    return cells.count


def _write_sheets(wb, st, cells: Cells, a: Analysis, p: Portfolio, *, source_name, fixed_rates, generated,
                  step) -> None:
    lang = a.lang
    ids = list(a.clients["client_id"])
    readme_ws = wb.add_worksheet(sheet("readme", lang))
    dash = wb.add_worksheet(sheet("dashboard", lang))
    client_ws = wb.add_worksheet(sheet("client", lang))
    inputs = write_inputs(wb, st, p, a.settings.replace(language=lang), lang, ids, a.volumes)
    ctx = Ctx(wb, st, cells, a, p, lang, inputs, len(ids), len(a.activities), ids,
              OutFormats(wb, a.settings.currency), fixed_rates)
    step("inputs")
    write_rates(ctx, fixed_rates=fixed_rates)
    step("rates")
    cts_cols = write_cost_to_serve(ctx)
    step("cts")
    write_profitability(ctx, cts_cols)
    step("profitability")
    write_scores(ctx)
    step("scores")
    write_drop_impact(ctx, cts_cols)
    step("drop")
    seg = charts.write_segmentation(ctx)
    step("segmentation")
    write_plan(ctx, "plan")
    step("plan")
    write_tourniquet(ctx)
    step("tourniquet")
    write_plan(ctx, "archive")
    step("archive")
    source = source_name or Path(p.source).name or ""
    when = generated if generated is not None else dashboard.generation_time(p.source)
    dashboard.write_dashboard(ctx, dash, seg, source=source, generated=when)
    step("dashboard")
    client.write_client(ctx, client_ws, selected=getattr(p, "selected_client", None))
    step("client")
    readme.write_readme(ctx, readme_ws, source_name=source, version=__version__)
    step("readme")
    for ws in wb.worksheets():
        if ws.name in {inputs.clients.sheet, inputs.activities.sheet, inputs.volumes.sheet} or (
                inputs.resources and ws.name == inputs.resources.sheet):
            ws.protect("", {**PROTECT, "insert_rows": False})
    wb.get_worksheet_by_name(sheet("dashboard", lang)).activate()
