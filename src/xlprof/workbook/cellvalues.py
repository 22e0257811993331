"""Blocks of cells and their values as plain Python (what both the file writer and the live
adapter write); see :mod:`.layout` for what a block is.

Pure Python (pandas/numpy).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np
import pandas as pd

from .labels import SHEETS

ENGINE, LIVE, STRUCTURE = "engine", "live", "structure"
REASON_SEP = "\n"      # a score's top reasons, one a line (the cells wrap)


def reasons_text(reasons: Iterable[str]) -> str:
    """A score's top reasons as one cell's text, one reason a line."""
    return REASON_SEP.join(reasons)


@dataclass(frozen=True)
class Block:
    sheet: str                 # key of labels.SHEETS
    row: int                   # 0-based top-left cell
    col: int
    rows: list[list[Any]]
    ncols: int
    kind: str = ENGINE
    grows: bool = False

    @property
    def nrows(self) -> int:
        return len(self.rows)

    def sheet_name(self, lang: str) -> str:
        return SHEETS[self.sheet][lang]

# --- computed sheets --------------------------------------------------------------------



def clean(v: Any) -> Any:
    """A cell value as plain Python: NaN/NaT/inf -> None, numpy scalars -> int/float."""
    if v is None or v is pd.NaT:
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return None if math.isnan(f) or math.isinf(f) else f
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    return v


def _col(values: Iterable[Any]) -> list[Any]:
    if isinstance(values, (pd.Series, pd.Index)):
        values = values.to_numpy()
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        # fast path for the big numeric columns: NaN/inf -> None
        return [x if math.isfinite(x) else None for x in values.tolist()]
    if isinstance(values, np.ndarray):
        values = values.tolist()
    return [clean(v) for v in values]


def _grid(columns: list[list[Any]], n: int) -> list[list[Any]]:
    return [list(r) for r in zip(*columns)] if columns else [[] for _ in range(n)]


def _str(v: Any) -> str:
    return "" if v is None else str(v)


def _sum(values) -> float:
    return float(np.nansum(np.asarray(values, dtype=float)))


def _ratio(num: float, den: float) -> float | None:
    return num / den if den > 0 else None


def excel_serial(d: dt.date | dt.datetime) -> float:
    """A date as Excel stores it: days since 1899-12-30, one less before 1900-03-01
    (Excel's 1900 leap-year bug, as XlsxWriter writes dates)."""
    day = d.date() if isinstance(d, dt.datetime) else d
    days = (day - dt.date(1899, 12, 30)).days
    return float(days - 1 if day < dt.date(1900, 3, 1) else days)
