"""Aligning converted arguments: which output cell each input cell feeds, which cells are
errors or blank, and the result as Excel gets it (a list of rows)."""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from ..i18n import label
from .convert import Arg, CallError, size_text, where

# --- aligning arguments ------------------------------------------------------------------


class Layout:
    """Where the output goes and which cells are errors or blank.

    ``errors`` maps output positions to their ``#XLPROF!`` text (the first problem in
    argument order); ``blank`` marks the positions where every range argument is blank
    (their output is blank: ranges may be longer than the data).
    """

    def __init__(self, shape: tuple[int, int], errors: dict[tuple[int, int], str],
                 blank: np.ndarray | None) -> None:
        self.shape = shape
        self.errors = errors
        self.blank = blank

    def output(self, values: Any) -> list[list[Any]]:
        """The result as Excel gets it: rows of values, errors and blanks filled in."""
        out = np.broadcast_to(np.asarray(values), self.shape)
        # a blank result is None, never NaN (xlwings Lite shows NaN as #NUM!)
        if out.dtype.kind == "f":
            nan = np.isnan(out)
            if nan.any():
                obj = out.astype(object)
                obj[nan] = None
                out = obj
            rows = out.tolist()
        else:
            rows = out.tolist()
            if out.dtype == object:
                rows = [[None if isinstance(v, float) and v != v else v for v in row] for row in rows]
        if self.blank is not None:
            for i, j in zip(*np.nonzero(self.blank)):
                rows[i][j] = None
        for (i, j), text in self.errors.items():
            rows[i][j] = text
        return rows


def _mismatch(a: Arg, shape: tuple[int, int], ref: Arg) -> CallError:
    return CallError(f"{a.name} has {size_text(a.shape)} but {ref.name} has {size_text(shape)}")


def _check_broadcast(args: Sequence[Arg], multi: bool, full: Callable[[Arg], bool]) -> None:
    """A one-cell (one-row) argument applied to every row: its problem is the whole call's."""
    if not multi:
        return
    for a in args:
        if not a.given or full(a):
            continue
        if a.bad:
            (i, j), reason = next(iter(a.bad.items()))
            raise CallError(f"{a.name}{where(a.shape, i, j)} {reason}")
        if a.required and a.blank is not None and a.blank.any():
            raise CallError(f"{a.name} is blank")


def elementwise(*args: Arg) -> Layout:
    """Cell-by-cell alignment: every range argument has the output's shape; one-cell
    arguments apply to every cell."""
    ref = next((a for a in args if a.given and a.shape != (1, 1)), None)
    shape = ref.shape if ref is not None else (1, 1)
    for a in args:
        if a.given and a.shape not in ((1, 1), shape):
            raise _mismatch(a, shape, ref)
    multi = shape != (1, 1)
    _check_broadcast(args, multi, lambda a: a.shape == shape)
    ranged = [a for a in args if a.given and a.shape == shape]
    blank = None
    if ranged and all(a.blank is not None for a in ranged):
        blank = np.logical_and.reduce([a.blank for a in ranged])
        blank = blank if blank.any() else None
    errors: dict[tuple[int, int], str] = {}
    for a in ranged:
        for (i, j), reason in a.bad.items():
            errors.setdefault((i, j), a.message(i, j, reason))
        if a.required and a.blank is not None:
            mask = a.blank if blank is None else a.blank & ~blank
            for i, j in zip(*np.nonzero(mask)):
                errors.setdefault((int(i), int(j)), a.message(int(i), int(j), "is blank"))
    return Layout(shape, errors, blank)


def by_row(per_row: Sequence[Arg], tables: Sequence[Arg] = (), *, blank_rows: bool = True) -> Layout:
    """Row alignment for one-row-per-client inputs: ``per_row`` arguments are one column
    (n x 1), ``tables`` have several columns (n x k, e.g. volumes or ratings; their blanks
    are never an error); a one-row argument applies to every row. The output is one column."""
    for a in per_row:
        if a.given and a.shape[1] != 1:
            raise CallError(f"{a.name} must be one column (one row per client), "
                            f"got {size_text(a.shape)}")
    args = [*per_row, *tables]
    ref = next((a for a in args if a.given and a.shape[0] != 1), None)
    n = ref.shape[0] if ref is not None else 1
    for a in args:
        if a.given and a.shape[0] not in (1, n):
            raise CallError(f"{a.name} has {a.shape[0]} rows but {ref.name} has {n} rows")
    multi = n != 1
    _check_broadcast(args, multi, lambda a: a.shape[0] == n)
    ranged = [a for a in args if a.given and a.shape[0] == n]
    blank = None
    if blank_rows and ranged and all(a.blank is not None for a in ranged):
        blank = np.logical_and.reduce([a.blank.all(axis=1) for a in ranged])
        blank = blank if blank.any() else None
    errors: dict[tuple[int, int], str] = {}
    for a in ranged:
        for (i, j), reason in a.bad.items():
            errors.setdefault((i, 0), a.message(i, j, reason))
        if a.required and a.blank is not None and a.shape[1] == 1 and a not in tables:
            mask = a.blank[:, 0] if blank is None else a.blank[:, 0] & ~blank
            for i in np.nonzero(mask)[0]:
                errors.setdefault((int(i), 0), a.message(int(i), 0, "is blank"))
    return Layout((n, 1), errors, None if blank is None else blank.reshape(n, 1))


def column_of(a: Arg) -> np.ndarray:
    """A one-column argument as a flat array (a one-cell one stays one value)."""
    return a.vals.reshape(-1)


def portfolio_positions(layout: Layout, name: str) -> np.ndarray | None:
    """For functions over the whole portfolio (tiers, quadrants, whale curve): the positions
    that take part (all but the blank rows), or None when a row is bad -- it would shift
    every other row's result, so every non-blank output cell then shows the first problem."""
    rows, cols = layout.shape
    if rows != 1 and cols != 1:
        raise CallError(f"{name} must be one column or one row, got {size_text(layout.shape)}")
    keep = np.ones(layout.shape, dtype=bool)
    if layout.blank is not None:
        keep &= ~layout.blank
    if layout.errors:
        first = layout.errors[min(layout.errors)]
        for i, j in zip(*np.nonzero(keep)):
            layout.errors.setdefault((int(i), int(j)), first)
        return None
    return keep


def values_at(a: Arg, layout: Layout, keep: np.ndarray) -> np.ndarray:
    """The values of ``a`` at the ``keep`` positions (one-cell arguments repeated)."""
    return np.broadcast_to(a.vals, layout.shape)[keep]


def scatter(layout: Layout, keep: np.ndarray, values: Sequence[Any], fill: Any = None) -> list:
    out = np.full(layout.shape, fill, dtype=object)
    out[keep] = np.asarray(values, dtype=object)
    return layout.output(out)


def labels(codes, lang: str) -> np.ndarray:
    return np.array([label(c, lang) for c in np.asarray(codes, dtype=object).reshape(-1)],
                    dtype=object)
