"""The quadrant chart's frame: fixed axis bounds around the clients' points, with a band
above the highest point and one below the lowest for the quadrant names, so that no name
ever covers a point, and the two median lines drawn across the whole plot.

Pure Python (numpy).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

NAME_ROOM = 0.3     # each side of the price median keeps at least this share of the width for its names


@dataclass(frozen=True)
class QuadFrame:
    left: float          # x axis (price realization): bounds and tick step
    right: float
    x_step: float
    bottom: float        # y axis (cost-to-serve / net revenue)
    top: float
    y_step: float
    price_median: float
    cost_median: float

    def points(self) -> list[list[float]]:
        """Rows of (x, y): the price median line (bottom, top), the cost median line (left,
        right), then the quadrant names' places in the order of ``QUADRANTS`` (passive: high
        price, low cost, bottom right; carriage trade top right; bargain basement bottom
        left; aggressive top left)."""
        lx, rx = (self.left + self.price_median) / 2, (self.price_median + self.right) / 2
        low, high = self.bottom + self.y_step / 2, self.top - self.y_step / 2
        pm, cm = self.price_median, self.cost_median
        pts = [[pm, self.bottom], [pm, self.top], [self.left, cm], [self.right, cm],
               [rx, low], [rx, high], [lx, low], [lx, high]]
        return [[_round(u), _round(v)] for u, v in pts]


def _round(v: float) -> float:
    return float(round(v, 12))


def nice_step(span: float, ticks: int = 6) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) giving about ``ticks`` ticks."""
    raw = span / ticks
    power = 10.0 ** math.floor(math.log10(raw))
    return next(k * power for k in (1, 2, 5, 10) if k * power >= raw * (1 - 1e-9))


def _outer(lo: float, hi: float, step: float) -> tuple[float, float]:
    """Multiples of ``step`` around [lo, hi], at least a quarter step away from it."""
    a = math.floor(lo / step + 1e-9)
    b = math.ceil(hi / step - 1e-9)
    if lo - a * step < step / 4:
        a -= 1
    if b * step - hi < step / 4:
        b += 1
    return a * step, b * step


def quadrant_frame(x: np.ndarray, y: np.ndarray, price_median: float, cost_median: float) -> QuadFrame | None:
    """The frame of the points (x price realization, y CTS / NR of the clients with net
    revenue), or None when there is nothing to draw. The y axis runs a whole tick step
    beyond the points' range at each end: those bands hold the quadrant names (a name is
    about half a step tall on the chart's usual size)."""
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    if not len(x) or math.isnan(price_median) or math.isnan(cost_median):
        return None
    x0, x1 = min(float(x.min()), price_median), max(float(x.max()), price_median)
    y0, y1 = min(float(y.min()), cost_median), max(float(y.max()), cost_median)
    sx = nice_step(max(x1 - x0, abs(x1) * 0.02, 0.01))
    sy = nice_step(max(y1 - y0, abs(y1) * 0.02, 0.01))
    left, right = _outer(x0, x1, sx)
    for _ in range(100):          # room for the names on both sides of the price median
        width = right - left
        if price_median - left < NAME_ROOM * width:
            left -= sx
        elif right - price_median < NAME_ROOM * width:
            right += sx
        else:
            break
    bottom = math.floor(y0 / sy + 1e-9) * sy - sy
    top = math.ceil(y1 / sy - 1e-9) * sy + sy
    return QuadFrame(_round(left), _round(right), _round(sx), _round(bottom), _round(top), _round(sy),
                     float(price_median), float(cost_median))
