"""Fitting a call to where it sits in the sheet: whole columns, header rows, and Excel
without dynamic arrays.

Every front door calls a worksheet function through :func:`call`, with what it knows about
the calling cell(s) (:class:`Caller`, or None when the runtime does not say):

* **Whole columns** (``=XLPROF_TIER(H:H)``): an argument of 1,048,576 rows is cut to the
  rows that hold data, so the result never forces a million-row spill. The result starts at
  the caller's own row (a formula in D2 over ``B:B`` gets row 2's result first, so every
  result sits beside its row), and leading header rows -- rows whose cells are all text that
  is not a number -- give blanks. Without the caller's row, whole columns are refused (the
  result could not be aligned with its rows).
* **Excel 2016/2019** (no dynamic arrays): a normally entered formula shows only the first
  value of an array, silently. A result larger than its cell becomes one text saying which
  cells to select and that the formula is entered with Ctrl+Shift+Enter. Entered that way
  over a selection, the result fills the selection, padded with blanks; a selection too
  small for the result shows in every cell how many rows to select (never a truncated
  result).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from ..textnorm import excel_error, parse_number
from .convert import CallError, error_text, guard

#: Rows of a worksheet (Excel 2007 and later): an argument this tall is a whole column.
SHEET_ROWS = 1_048_576


@dataclass(frozen=True)
class Caller:
    """The calling cell(s): top-left row and column (1-based), size, and whether this Excel
    spills arrays (None: unknown)."""

    row: int
    column: int
    rows: int = 1
    columns: int = 1
    dynamic_arrays: bool | None = None


def column_letters(col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _is_whole(raw: Any) -> bool:
    return isinstance(raw, (list, tuple)) and len(raw) == SHEET_ROWS


def _blank(v: Any) -> bool:
    return v is None or v == "" or (isinstance(v, float) and math.isnan(v))


def _header_cell(v: Any) -> bool:
    """Text that is neither a number nor an error value: a column label."""
    if not isinstance(v, str) or not v.strip() or excel_error(v):
        return False
    try:
        return parse_number(v) is None
    except ValueError:
        return True


def _last_row(columns: Sequence[Sequence[Sequence[Any]]]) -> int:
    """1 + the last row index holding anything in any of ``columns`` (0: all blank).
    A million blank rows are skipped by C-level comparisons, not cell by cell."""
    end = 0
    for rows in columns:
        width = len(rows[0]) if rows else 0
        empty_list, empty_tuple = [None] * width, (None,) * width
        i = len(rows) - 1
        while i >= end:
            row = rows[i]
            if row == empty_list or row == empty_tuple or all(_blank(v) for v in row):
                i -= 1
                continue
            end = i + 1
            break
    return end


def _header_rows(columns: Sequence[Sequence[Sequence[Any]]], start: int, end: int) -> int:
    """How many rows from ``start`` are header rows: text labels only, in every column."""
    n = 0
    for i in range(start, end):
        cells = [v for rows in columns for v in rows[i] if not _blank(v)]
        if not cells or not all(_header_cell(v) for v in cells):
            break
        n += 1
    return n


@dataclass(frozen=True)
class _Cut:
    lead: int      # blank rows before the data (header rows)
    total: int     # rows of the result: header rows + data rows


def cut_whole_columns(args: Sequence[Any], caller: Caller | None, *, aligned: bool = True
                      ) -> tuple[list[Any], _Cut | None]:
    """``args`` with whole columns cut to the rows that matter (see the module docstring)."""
    whole = [i for i, a in enumerate(args) if _is_whole(a)]
    if not whole:
        return list(args), None
    ranged = [i for i, a in enumerate(args) if isinstance(a, (list, tuple)) and len(a) > 1]
    if set(ranged) != set(whole):
        return list(args), None  # whole columns mixed with ranges: the size check says so
    columns = [args[i] for i in whole]
    end = _last_row(columns)
    out = list(args)
    if not aligned:  # a table with its own header row (XLPROF_ANALYZE): only drop the tail
        for i in whole:
            out[i] = args[i][: max(end, 1)]
        return out, None
    if caller is None:
        raise CallError("whole columns (such as B:B) need to know the formula's row, which this "
                        "Excel does not say: give the rows instead, such as B2:B1000")
    start = caller.row - 1
    if end <= start:
        return out, _Cut(0, 0)
    lead = _header_rows(columns, start, end)
    for i in whole:
        out[i] = args[i][start + lead: end]
    return out, _Cut(lead, end - start)


def _grid_of(result: Any) -> list[list[Any]]:
    if isinstance(result, list) and result and isinstance(result[0], list):
        return result
    return [[result]]


def _restore(result: Any, cut: _Cut) -> Any:
    if cut.total == 0:
        return [[None]]
    if isinstance(result, str) or cut.lead == 0:
        return result
    rows = _grid_of(result)
    width = len(rows[0])
    return [[None] * width for _ in range(cut.lead)] + rows


def fit(result: Any, caller: Caller | None) -> Any:
    """The result as the calling cell(s) can show it (see the module docstring)."""
    if caller is None or isinstance(result, str):
        return result
    rows = _grid_of(result)
    n, m = len(rows), len(rows[0])
    if caller.rows == 1 and caller.columns == 1:
        if (n, m) == (1, 1) or caller.dynamic_arrays is not False:
            return result
        first = f"{column_letters(caller.column)}{caller.row}"
        last = f"{column_letters(caller.column + m - 1)}{caller.row + n - 1}"
        what = f"{n} rows" if m == 1 else f"{n} rows x {m} columns"
        return error_text(f"the result has {what}: select {first}:{last}, type the formula and "
                          "press Ctrl+Shift+Enter (this Excel does not spill arrays)")
    if n > caller.rows or m > caller.columns:
        what = f"{n} rows" if m <= caller.columns else f"{n} rows x {m} columns"
        message = error_text(f"select {what} for this result (the selection has "
                             f"{caller.rows}x{caller.columns} cells)")
        return [[message] * caller.columns for _ in range(caller.rows)]
    padded = [row + [None] * (caller.columns - m) for row in rows]
    padded += [[None] * caller.columns for _ in range(caller.rows - n)]
    return padded


def call(f: Callable, args: Sequence[Any], caller: Caller | None, *, aligned: bool = True) -> Any:
    """``f(*args)`` fitted to the calling cell(s); never raises (a problem is a ``#XLPROF!`` text)."""

    def run(*values):
        values, cut = cut_whole_columns(values, caller, aligned=aligned)
        result = [[None]] if cut is not None and cut.total == 0 else f(*values)
        if cut is not None:
            result = _restore(result, cut)
        return fit(result, caller)

    run.__name__ = getattr(f, "__name__", "call")
    return guard(run)(*args)
