"""The cost sheets: Rates (cost per unit of each activity), CostToServe (client x activity)
and Profitability (net revenue to net profit per client) -- live formulas over the inputs,
with the engine's values cached, and the engine's ranks, tiers and quadrants beside them."""

from __future__ import annotations

import numpy as np

from xlsxwriter.utility import xl_col_to_name

from ..i18n import label
from ..schema import AVOIDABLE, RESOURCE_DEFAULT_BEHAVIOR
from . import layout as L
from .inputs import quote, setting_name
from .labels import SOURCES, h
from .layout import CTS_FIRST, PROF_COLS, PROF_LIVE, PROF_RATIOS, RATE_COLS, SUMMED
from .writer import (Ctx, amount_width, finish, headers, largest_amounts, notice, subtotal, total_label, udf_cell,
                     value_cell, write_block, write_cells, write_engine)

PCOL = {k: xl_col_to_name(j) for j, k in enumerate(PROF_COLS)}


def write_totals(ctx: Ctx, ws, row: int, first_col: int, keys: list[str], values: list, data: tuple[int, int],
                 fmts: dict[str, object], *, letters: dict[str, str] | None = None) -> None:
    """A totals row under a per-client table: a filter-aware sum of each summed column,
    the ratio of the sums for ratio columns, blank otherwise. ``data`` is the 1-based
    first and last data row."""
    st = ctx.st
    first, last = data
    r1 = row + 1
    letters = letters or {k: xl_col_to_name(first_col + j) for j, k in enumerate(keys)}
    for j, (k, v) in enumerate(zip(keys, values)):
        c = first_col + j
        col = letters[k]
        if k in SUMMED:
            ctx.cells.put(ws, row, c, "=" + subtotal(f"{col}{first}:{col}{last}"), v, fmts.get(k, st.total_money))
        elif k in PROF_RATIOS:
            num, den = (letters[x] for x in PROF_RATIOS[k])
            fmt = st.total_money if k == "profit_per_hour" else st.total_pct
            ctx.cells.put(ws, row, c, f'=IF({den}{r1}>0,{num}{r1}/{den}{r1},"")', v, fmt)
        else:
            ws.write_blank(row, c, None, st.total_blank)


# --- Rates ------------------------------------------------------------------------------


def write_rates(ctx: Ctx, *, fixed_rates: bool = False) -> None:
    ws = ctx.cells.sheet(ctx.wb.add_worksheet(ctx.sname("rates")))
    st, lang, acts = ctx.st, ctx.lang, ctx.a.activities
    headers(ws, st, 0, RATE_COLS, lang, {"activity": 26, "behavior": 17, "rate_source": 22, "total_volume": 12,
                                         "minutes_per_unit": 10, "rate": 14, "assigned_cost": 17, "hours": 11,
                                         "avoidable": 11, "freed_capacity": 11})
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
            behavior = (f"INDEX({qr}!${R.col('behavior')}$2:${R.col('behavior')}${k + 1},"
                        f"MATCH({qa}!$G{ar},{qr}!$A$2:$A${k + 1},0))")
            put(ws, r, 1, f'=IF({behavior}="","{label(RESOURCE_DEFAULT_BEHAVIOR, lang)}",{behavior})',
                names[j][1], st.text)
        else:
            put(ws, r, 1, f"={qa}!$E{ar}", names[j][1], st.text)
        vc = xl_col_to_name(V.cols[name])
        vrange = f"{quote(V.sheet)}!${vc}${V.first_row + 1}:${vc}${V.first_row + max(ctx.n, 1)}"
        put(ws, r, 3, f"=SUM({vrange})", total, st.qty)
        put(ws, r, 4, f"={qa}!$F{ar}", minutes, st.qty)
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
        put(ws, r, 7, f"=D{r + 1}*E{r + 1}/60", hours, st.hours)
        ors = ",".join(f'B{r + 1}="{t}"' for t in sorted(var_labels))
        put(ws, r, 8, f"=IF(OR({ors}),1,0)", flag, st.integer)
        # freed capacity: a time-driven activity whose cost stays (committed resource)
        committed = label("committed_fixed", lang)
        put(ws, r, 9, f'=IF(AND(C{r + 1}="{SOURCES["time"][lang == "es"]}",B{r + 1}="{committed}"),1,0)',
            freed, st.integer)
    write_block(ws, blocks["source"], st.text)
    m = ctx.m
    tot = blocks["totals"]
    total_label(ctx, ws, tot.row, 0)
    write_totals(ctx, ws, tot.row, 6, ["assigned_cost", "service_hours"], tot.rows[0], (2, max(m, 1) + 1),
                 {"service_hours": st.total_hours}, letters={"assigned_cost": "G", "service_hours": "H"})
    finish(ws, 0, len(RATE_COLS), m, freeze_cols=1, protect=ctx.protect, extra_rows=1)


# --- CostToServe ------------------------------------------------------------------------

def write_cost_to_serve(ctx: Ctx) -> dict[str, str]:
    """Client x activity cost; returns the column letters of total, avoidable, freed
    (freed capacity cost) and hours."""
    ws = ctx.cells.sheet(ctx.wb.add_worksheet(ctx.sname("cts")), stream=True)   # rows top to bottom
    st, lang, a = ctx.st, ctx.lang, ctx.a
    acts = list(a.activities.index)
    m = len(acts)
    keys = ["client_id", "client_name", *(["activity"] * m), "cost_to_serve",
            "avoidable_cost_to_serve", "freed_capacity_cost", "service_hours"]
    cts = a.cts.to_numpy(float)
    widest = float(max(np.abs(cts).max(initial=0.0), np.abs(cts.sum(axis=0)).max(initial=0.0)))
    headers(ws, st, 0, keys, lang, {"client_name": 28, "activity": max(13, amount_width(widest)),
                                    "cost_to_serve": 15,
                                    "avoidable_cost_to_serve": 15, "freed_capacity_cost": 15,
                                    "service_hours": 11},
            raw={2 + j: n for j, n in enumerate(acts)}, largest=largest_amounts(a.clients, keys))
    for r, k in ((1, "avoidable"), (2, "minutes_per_unit"), (3, "rate"), (4, "freed_capacity")):
        ws.write_string(r, 1, h(k, lang), st.bold)
    qrates = ctx.q("rates")
    blocks = L.cost_to_serve(a)
    params, values = blocks["params"].rows, blocks["values"].rows
    for j in range(m):
        rr = j + 2
        ctx.cells.put(ws, 1, 2 + j, f"={qrates}!$I${rr}", params[0][j], st.integer)
        ctx.cells.put(ws, 2, 2 + j, f"={qrates}!$E${rr}", params[1][j], st.qty)
        ctx.cells.put(ws, 3, 2 + j, f"={qrates}!$F${rr}", params[2][j], st.rate)
        ctx.cells.put(ws, 4, 2 + j, f"={qrates}!$J${rr}", params[3][j], st.integer)
    first, last = xl_col_to_name(2), xl_col_to_name(1 + m)
    V = ctx.inputs.volumes
    qv = quote(V.sheet)
    vfirst, vlast = xl_col_to_name(1), xl_col_to_name(m)
    C = ctx.inputs.clients
    qc = quote(C.sheet)
    put = ctx.cells.put
    # each activity's cell: its Volumes cell times its rate (row 4); formula = head + row + tail
    heads = [f"={qv}!{xl_col_to_name(1 + j)}" for j in range(m)]
    tails = [f"*{xl_col_to_name(2 + j)}$4" for j in range(m)]
    for i in range(ctx.n):
        r = CTS_FIRST + i
        er = r + 1
        cr = C.first_row + i + 1
        vr = V.first_row + i + 1
        x = values[i]
        put(ws, r, 0, f"={qc}!$A{cr}", x[0], st.text)
        put(ws, r, 1, f"={qc}!$B{cr}", x[1], st.text)
        for j in range(m):
            put(ws, r, 2 + j, f"{heads[j]}{vr}{tails[j]}", x[2 + j], st.money)
        put(ws, r, 2 + m, f"=SUM({first}{er}:{last}{er})", x[2 + m], st.money)
        put(ws, r, 3 + m, f"=SUMPRODUCT({first}{er}:{last}{er},{first}$2:{last}$2)", x[3 + m], st.money)
        put(ws, r, 4 + m, f"=SUMPRODUCT({first}{er}:{last}{er},{first}$5:{last}$5)", x[4 + m], st.money)
        put(ws, r, 5 + m, f"=SUMPRODUCT({qv}!{vfirst}{vr}:{vlast}{vr},{first}$3:{last}$3)/60", x[5 + m],
            st.hours)
    tot = blocks["totals"]
    total_label(ctx, ws, tot.row, 1)
    tkeys = [f"a{j}" for j in range(m)] + ["cost_to_serve", "avoidable_cost_to_serve", "freed_capacity_cost",
                                           "service_hours"]
    letters = {k: xl_col_to_name(2 + j) for j, k in enumerate(tkeys)}
    rows = (CTS_FIRST + 1, CTS_FIRST + max(ctx.n, 1))
    for j, k in enumerate(tkeys):
        fmt = st.total_hours if k == "service_hours" else st.total_money
        ctx.cells.put(ws, tot.row, 2 + j, "=" + subtotal(f"{letters[k]}{rows[0]}:{letters[k]}{rows[1]}"),
                      tot.rows[0][j], fmt)
    finish(ws, 0, len(keys), ctx.n + CTS_FIRST - 1, freeze_cols=2, protect=ctx.protect, extra_rows=1)
    ws.freeze_panes(CTS_FIRST, 2)
    return {"total": xl_col_to_name(2 + m), "avoidable": xl_col_to_name(3 + m),
            "freed": xl_col_to_name(4 + m), "hours": xl_col_to_name(5 + m)}


# --- Profitability ----------------------------------------------------------------------


def write_profitability(ctx: Ctx, cts_cols: dict[str, str]) -> None:
    # streamed: rows top to bottom; the quadrant chart draws price realization and CTS ratio
    ws = ctx.cells.sheet(ctx.wb.add_worksheet(ctx.sname("profitability")), stream=True,
                         keep=(PROF_COLS.index("price_realization"), PROF_COLS.index("cts_ratio")))
    st, lang = ctx.st, ctx.lang
    headers(ws, st, 0, PROF_COLS, lang, {"client_id": 10, "client_name": 28, "tier": 10, "quadrant": 17,
                                         "net_margin": 9, "service_hours": 10, "profit_rank": 9,
                                         "cumulative_profit_share": 11, "price_realization": 11,
                                         "cts_ratio": 11, "breakeven_price_rise": 11, "net_revenue": 16,
                                         "gross_margin": 16, "cost_to_serve": 16, "financing_cost": 14,
                                         "bad_debt": 13, "net_profit": 16, "profit_per_hour": 13,
                                         "breakeven_cts_cut": 14},
            largest=largest_amounts(ctx.a.clients, PROF_COLS))
    notice(ctx, ws, 0, len(PROF_COLS))
    blocks = L.profitability(ctx.a)
    values = blocks["values"].rows
    engine = blocks["engine"].rows
    out = ctx.out
    engine_fmts = [out.integer, out.share, out.text, out.text]
    C = ctx.inputs.clients
    qc = quote(C.sheet)
    col = {k: C.col(k) for k in ("client_id", "client_name", "revenue", "discounts", "cogs",
                                 "days_to_pay", "bad_debt")}
    qcts = ctx.q("cts")
    coc = setting_name("cost_of_capital")
    put = ctx.cells.put
    money, pct, num = st.money, st.pct, st.hours
    udf = ctx.cells.mode == "udf"
    if udf:  # the same definitions through the XLPROF_ functions (xlprof.udfs), one array formula a column
        qv = quote(ctx.inputs.volumes.sheet)
        vlast = xl_col_to_name(ctx.m)          # Volumes: client_id, then one column per activity
        clast = xl_col_to_name(1 + ctx.m)      # CostToServe: rates row 4, columns C..
        c1, cn = C.first_row + 1, C.first_row + ctx.n      # the clients' rows on Clients (1-based)
        v1, vn = ctx.inputs.volumes.first_row + 1, ctx.inputs.volumes.first_row + ctx.n
        ccol = lambda k: f"{qc}!${col[k]}${c1}:${col[k]}${cn}"  # noqa: E731
        here = lambda letter: f"${letter}$2:${letter}${ctx.n + 1}"  # noqa: E731
        udfs = {3: f"=XLPROF_MARGIN({ccol('revenue')},{ccol('cogs')},{ccol('discounts')})",
                4: f"=XLPROF_COST_TO_SERVE({qv}!$B${v1}:${vlast}${vn},{qcts}!$C$4:${clast}$4)",
                7: f"=XLPROF_NET_PROFIT({ccol('revenue')},{ccol('cogs')},{here('E')},"
                   f"{ccol('discounts')},{here('F')},{here('G')})"}
    for i in range(ctx.n):
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
        if udf:
            for c in (3, 4):
                udf_cell(ctx.cells, ws, 1, ctx.n, r, c, udfs[c], x[c], money)
        else:
            put(ws, r, 3, f"=C{e}-{cogs}", x[3], money)
            put(ws, r, 4, f"={qcts}!${cts_cols['total']}{tr}", x[4], money)
        put(ws, r, 5, f"={rev}*{qc}!${col['days_to_pay']}{cr}*{coc}/365", x[5], money)
        put(ws, r, 6, f"={qc}!${col['bad_debt']}{cr}", x[6], money)
        if udf:
            udf_cell(ctx.cells, ws, 1, ctx.n, r, 7, udfs[7], x[7], money)
        else:
            put(ws, r, 7, f"=D{e}-E{e}-F{e}-G{e}", x[7], money)
        put(ws, r, 8, f'=IF(C{e}>0,H{e}/C{e},"")', x[8], pct)
        put(ws, r, 9, f"={qcts}!${cts_cols['hours']}{tr}", x[9], num)
        put(ws, r, 10, f'=IF(J{e}>0,H{e}/J{e},"")', x[10], money)
        put(ws, r, 11, f'=IF(AND(H{e}<0,C{e}>0),-H{e}/C{e},"")', x[11], pct)
        put(ws, r, 12, f'=IF(H{e}<0,-H{e},"")', x[12], money)
        put(ws, r, 13, f'=IF({rev}>0,C{e}/{rev},"")', x[13], pct)
        put(ws, r, 14, f'=IF(C{e}>0,E{e}/C{e},"")', x[14], pct)
        write_cells(ws, r, PROF_LIVE, engine[i], engine_fmts)
    write_engine(ctx, ws, blocks["engine"], engine_fmts, written=True)
    tot = blocks["totals"]
    total_label(ctx, ws, tot.row, 1)
    write_totals(ctx, ws, tot.row, 2, PROF_COLS[2:PROF_LIVE], tot.rows[0], (2, max(ctx.n, 1) + 1),
                 {"service_hours": st.total_hours}, letters=PCOL)
    last = max(ctx.n, 1)
    ws.conditional_format(1, 7, last, 7, {"type": "cell", "criteria": "<", "value": 0, "format": st.loss})
    ws.conditional_format(1, 17, last, 17, {"type": "cell", "criteria": "==",
                                            "value": f'"{label("lead", lang)}"', "format": st.loss})
    finish(ws, 0, len(PROF_COLS), ctx.n, protect=ctx.protect, extra_rows=1)
