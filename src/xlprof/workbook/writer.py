"""What every sheet writer of the analysis workbook shares: formula-or-value cells, headers
that wrap and fit, totals rows, page set-up, protection, the stale notice and the guard
on engine-written cells.

Every computed cell is written from :class:`xlprof.model.Analysis`; where a cell is a
formula, the engine's value is stored as its cached result (LibreOffice recalculation in
the tests checks they agree).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..model.analysis import Analysis, Portfolio
from .cellvalues import excel_serial
from .inputs import InputLayout, quote
from .labels import h, sheet
from .layout import NOTICE, STALE_NAME, SUMMED, Block
from .stream import prepare_formula
from .styles import FOOTER, Styles, amount_width, money_format, page_setup, text_lines, wrapped_lines  # noqa: F401

FORMULA_MODES = ("native", "values", "udf")
PROTECT = {"autofilter": True, "sort": False, "format_columns": True, "format_rows": True,
           "select_locked_cells": True, "select_unlocked_cells": True}

GUARD = {  # the message of the validation that refuses typing into an engine-written cell
    "en": ("Computed by xlprof", "xlprof writes this cell. Change the inputs (yellow cells), then press "
                                 "Recalculate or run xlprof recalc."),
    "es": ("Calculado por xlprof", "xlprof escribe esta celda. Cambie los datos (celdas amarillas) y pulse "
                                   "Recalcular o ejecute xlprof recalc."),
}
TOTAL = {"en": "Total", "es": "Total"}


def _shown(x: float) -> float:
    """``x`` with floating-point noise around zero (|x| < 1e-9, e.g. a difference of
    -7e-11 or a negative zero) written as 0, so that no figure shows as "-0"."""
    return 0.0 if -1e-9 < x < 1e-9 else x


def cached(v: Any) -> Any:
    """The cached result XlsxWriter stores: numbers as float, blanks as ''."""
    if type(v) is float:
        return _shown(v) if v == v else ""
    if v is None or v is pd.NaT:
        return ""
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, float, np.integer, np.floating)):
        f = float(v)
        return "" if math.isnan(f) else _shown(f)
    if isinstance(v, dt.date):
        return excel_serial(v)
    return v


class Cells:
    """Writes a computed cell as a formula with its cached value, or as a plain value."""

    def __init__(self, mode: str):
        if mode not in FORMULA_MODES:
            raise ValueError(f"formulas must be one of {FORMULA_MODES}, got {mode!r}")
        self.mode = mode
        self.count = 0

    def sheet(self, ws, *, stream: bool = False, keep: tuple[int, ...] = ()):
        """``ws`` set up for the computed cells; ``stream``: a per-client sheet, written to disk
        as it fills (rows top to bottom; ``keep`` the columns a chart draws, see
        :meth:`.stream.Worksheet.stream`)."""
        ws._prepare_formula = prepare_formula
        if stream:
            ws.stream(keep)
        return ws

    def put(self, ws, r: int, c: int, formula: str | None, value: Any, fmt=None) -> None:
        v = cached(value)
        if formula is None or self.mode == "values":
            value_cell(ws, r, c, v, fmt)
        else:
            self.count += 1
            ws.put_formula(r, c, formula, fmt, v)


def udf_cell(cells: Cells, ws, first: int, last: int, r: int, c: int, formula: str, value: Any,
             fmt=None) -> None:
    """``--formulas udf``: one array formula over rows ``first``..``last`` of column ``c`` (one
    XLPROF_ call computes the whole column: one round trip to Python per column on every
    recalculation, not one per client), written row by row: the formula with its cached
    value on the first row, the cached value on each other row (Excel stores an array
    formula's values cell by cell)."""
    if r == first:
        cells.count += 1
        ws.put_array_formula(first, c, last, formula, fmt, cached(value))
    else:
        value_cell(ws, r, c, cached(value), fmt)


def value_cell(ws, r: int, c: int, v: Any, fmt=None) -> None:
    if type(v) is float:
        if v == v:
            ws.put_number(r, c, _shown(v), fmt)
        else:
            ws.put_blank(r, c, fmt)
    elif v is None or (isinstance(v, str) and v == ""):
        ws.put_blank(r, c, fmt)
    elif isinstance(v, (bool, np.bool_)):
        ws.write_boolean(r, c, bool(v), fmt)
    elif isinstance(v, (int, float, np.integer, np.floating)):
        f = float(v)
        if math.isnan(f):
            ws.put_blank(r, c, fmt)
        else:
            ws.put_number(r, c, _shown(f), fmt)
    elif isinstance(v, dt.datetime):
        ws.write_datetime(r, c, v, fmt)
    elif isinstance(v, dt.date):
        ws.write_datetime(r, c, dt.datetime.combine(v, dt.time()), fmt)
    else:
        ws.put_string(r, c, str(v), fmt)


def write_block(ws, block: Block, fmts=None, *, row_fmts=None) -> None:
    """Write a layout block's values: ``None`` blank, text as text, numbers, dates.

    ``fmts`` is one format or a list with one per column; ``row_fmts`` one per row.
    """
    for i, row in enumerate(block.rows):
        write_cells(ws, block.row + i, block.col, row, row_fmts[i] if row_fmts is not None else fmts)


def write_cells(ws, r: int, c: int, values: list, fmts=None) -> None:
    """One row of values from column ``c`` (see :func:`write_block`); ``fmts`` one format or a
    list with one per value."""
    per_col = isinstance(fmts, (list, tuple))
    for j, v in enumerate(values):
        fmt = fmts[j] if per_col else fmts
        if isinstance(v, str):
            ws.put_string(r, c + j, v, fmt)
        else:
            value_cell(ws, r, c + j, v, fmt)


MONEY_COLUMNS = SUMMED | {"cost", "avoidable_cost", "cumulative_profit", "profit_per_hour", "rate"}


def largest_amounts(frame: pd.DataFrame, keys: list[str]) -> dict[str, float]:
    """Per amount column of ``frame``: the largest of its absolute values and of its total."""
    out = {}
    for k in keys:
        if k in MONEY_COLUMNS and k in frame:
            x = pd.to_numeric(frame[k], errors="coerce").fillna(0.0)
            out[k] = float(max(x.abs().max() if len(x) else 0.0, abs(x.sum())))
    return out


def headers(ws, st: Styles, row: int, keys: list[str], lang: str, widths: dict[str, int] | None = None,
            raw: dict[int, str] | None = None, *, first_col: int = 0,
            largest: dict[str, float] | None = None) -> None:
    """A header row whose texts wrap; the row is as tall as its longest header needs
    (LibreOffice does not grow rows by itself). ``largest``: the largest amount of a column
    (see :func:`largest_amounts`), which widens it so that its totals never show ###."""
    tallest = 1
    for j, k in enumerate(keys):
        text = raw[j] if raw and j in raw else h(k, lang)
        width = (widths or {}).get(k, 16 if k in MONEY_COLUMNS else 14)
        if largest and k in largest:
            width = max(width, amount_width(largest[k]))
        ws.write_string(row, first_col + j, text, st.header)
        ws.set_column(first_col + j, first_col + j, width)
        tallest = max(tallest, wrapped_lines(text, width))
    ws.set_row(row, 15 * tallest + 2)


def finish(ws, header_row: int, ncols: int, nrows: int, *, freeze_cols: int = 2,
           protect: bool = True, landscape: bool = True, extra_rows: int = 0,
           print_cols: int | None = None) -> None:
    """Freeze the header, filter the data rows, print everything fitted to one page wide.
    ``extra_rows`` rows below the data (a totals row) are printed but not filtered."""
    last = header_row + max(nrows, 1)
    ws.freeze_panes(header_row + 1, freeze_cols)
    ws.autofilter(header_row, 0, last, ncols - 1)
    ws.print_area(0, 0, last + extra_rows, (print_cols or ncols) - 1)
    page_setup(ws, landscape=landscape, repeat_row=header_row)
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
        self.text = add(indent=1)       # text after a right-aligned number never touches it
        self.integer = add(num_format="#,##0")
        self.share = add(num_format="0%")
        self.pct = add(num_format="0.0%")
        self.money = add(num_format=money)
        self.money0 = add(num_format=money_format(currency, 0))
        self.money_bold = add(num_format=money, bold=True, top=1)
        self.number = add(num_format="#,##0.00")
        self.sci = add(num_format="0.000000E+00")
        self.hours = add(num_format="#,##0.0")
        self.qty = add(num_format="General")
        self.date = add(num_format="yyyy-mm-dd")
        self.wrap = add(text_wrap=True, align="left", valign="top", indent=1)   # (indent needs the alignment)
        self.status = add(italic=True, font_color="#595959")


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

    @property
    def live(self) -> bool:
        """The book has formulas (and so a stale notice)."""
        return self.cells.mode != "values"

    def sname(self, key: str) -> str:
        return sheet(key, self.lang)

    def q(self, key: str) -> str:
        return quote(self.sname(key))


def notice(ctx: Ctx, ws, r: int, c: int, fmt=None) -> None:
    """The stale notice: a formula, empty while the live figures match what xlprof last
    wrote, the notice text as soon as they differ (see :mod:`.layout`, ``check``)."""
    text = NOTICE[ctx.lang].replace('"', '""')
    ctx.cells.put(ws, r, c, f'=IF({STALE_NAME}=1,"{text}","")', "", fmt or ctx.st.notice)


def guard(ctx: Ctx, ws, r1: int, c1: int, r2: int, c2: int) -> None:
    """Engine-written cells (unlocked so that Recalculate can write them into a protected
    sheet): refuse typing with a message that says where to edit, and turn grey while
    the book is stale."""
    if r2 < r1 or c2 < c1:
        return
    title, msg = GUARD[ctx.lang]
    ws.data_validation(r1, c1, r2, c2, {"validate": "custom", "value": "=FALSE", "ignore_blank": False,
                                        "error_title": title, "error_message": msg})
    if ctx.live:
        ws.conditional_format(r1, c1, r2, c2, {"type": "formula", "criteria": f"={STALE_NAME}=1",
                                               "format": ctx.st.stale})


def write_engine(ctx: Ctx, ws, block: Block, fmts, *, written: bool = False) -> None:
    """An engine-written block, guarded (see :func:`guard`); ``written``: its rows were
    already written, row by row, with the sheet's other cells (a streamed sheet)."""
    if not written:
        write_block(ws, block, fmts)
    guard(ctx, ws, block.row, block.col, block.row + max(block.nrows, 1) - 1, block.col + block.ncols - 1)


def total_label(ctx: Ctx, ws, r: int, c: int) -> None:
    """"Total" in column ``c`` of a totals row, the columns left of it blank (with the rule)."""
    for j in range(c):
        ws.write_blank(r, j, None, ctx.st.total_blank)
    ws.write_string(r, c, TOTAL[ctx.lang], ctx.st.total_label)


def subtotal(rng: str) -> str:
    """Sum of the visible rows of ``rng`` (a filter narrows the total)."""
    return f"SUBTOTAL(9,{rng})"
