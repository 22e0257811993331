"""The TransitionPlan, its PlanArchive and the Tourniquet list.

The plan's owner name, due date, status and notes are people's: yellow, kept by every
regeneration (keyed by client and task code, see :func:`xlprof.model.exits.merge_plan`).
The other columns are the engine's: typing there is refused with a message. All plan
columns are unlocked (the ribbon's Recalculate rewrites a plan that may grow).
"""

from __future__ import annotations

import datetime as dt

from ..i18n import label
from ..model.exits import STATUSES
from ..textnorm import MAX_DATE, MIN_DATE
from . import layout as L
from .layout import PLAN_SHEET_COLS, PLAN_TYPED, TOURNIQUET_COLS
from .writer import Ctx, finish, guard, headers, notice, write_block

SPARE_ROWS = 500   # rows below the plan that a growing plan may take
DATE_MESSAGE = {"en": "Type a date, e.g. 2027-03-31", "es": "Escriba una fecha, p. ej. 2027-03-31"}


def write_plan(ctx: Ctx, key: str) -> None:
    ws = ctx.wb.add_worksheet(ctx.sname(key)).stream()      # rows top to bottom
    st, lang, out = ctx.st, ctx.lang, ctx.out
    widths = {"client_id": 10, "client_name": 26, "task": 17, "task_label": 46, "due_date": 11, "owner": 16,
              "owner_name": 18, "status": 13, "notes": 40, "proposed_due": 13}
    headers(ws, st, 0, PLAN_SHEET_COLS, lang, widths)
    if key == "plan":
        notice(ctx, ws, 0, len(PLAN_SHEET_COLS))
    fmts = {"due_date": st.in_date, "proposed_due": out.date}
    fmts = [fmts.get(k, st.in_text if k in PLAN_TYPED else out.text) for k in PLAN_SHEET_COLS]
    for j, k in enumerate(PLAN_SHEET_COLS):
        ws.set_column(j, j, widths.get(k, 14), fmts[j])
    block = L.plan(ctx.a, key)
    write_block(ws, block, fmts)
    last = max(block.nrows, 1) + SPARE_ROWS
    for j, k in enumerate(PLAN_SHEET_COLS):
        if k not in PLAN_TYPED:
            guard(ctx, ws, 1, j, last, j)
    status = PLAN_SHEET_COLS.index("status")
    ws.data_validation(1, status, last, status, {"validate": "list", "source": [label(s, lang) for s in STATUSES]})
    due = PLAN_SHEET_COLS.index("due_date")
    ws.data_validation(1, due, last, due, {"validate": "date", "criteria": "between",
                                           "minimum": dt.datetime.combine(MIN_DATE, dt.time()),
                                           "maximum": dt.datetime.combine(MAX_DATE, dt.time()),
                                           "error_message": DATE_MESSAGE[lang]})
    finish(ws, 0, len(PLAN_SHEET_COLS), block.nrows, protect=ctx.protect)


def write_tourniquet(ctx: Ctx) -> None:
    ws = ctx.wb.add_worksheet(ctx.sname("tourniquet")).stream()      # rows top to bottom
    st, lang = ctx.st, ctx.lang
    widths = {"client_id": 10, "client_name": 26, "activity": 24, "behavior": 16, "volume": 9, "cost": 14,
              "avoidable_cost": 14, "share_of_cts": 11, "breakeven_price_rise": 12, "breakeven_cts_cut": 14}
    headers(ws, st, 0, TOURNIQUET_COLS, lang, widths)
    notice(ctx, ws, 0, len(TOURNIQUET_COLS))
    out = ctx.out
    fmts = [out.text, out.text, out.text, out.text, out.qty, out.money, out.money, out.pct, out.pct, out.money]
    for j, k in enumerate(TOURNIQUET_COLS):  # unlocked columns: the list may grow on Recalculate
        ws.set_column(j, j, widths.get(k, 14), fmts[j])
    block = L.tourniquet(ctx.a)
    write_block(ws, block, fmts)
    guard(ctx, ws, 1, 0, max(block.nrows, 1) + SPARE_ROWS, len(TOURNIQUET_COLS) - 1)
    finish(ws, 0, len(TOURNIQUET_COLS), block.nrows, protect=ctx.protect)
