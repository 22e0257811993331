"""The quadrant chart's frame (workbook/quadframe.py): names never on a point, medians
across the plot, axes on the plot's edges."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlprof.workbook.quadframe import nice_step, quadrant_frame


def test_frame_worked_by_hand():
    # price realization 88.2 % .. 100 %, CTS / NR 5 % .. 250 %, medians 96 % and 13 %
    f = quadrant_frame(np.array([0.882, 0.95, 1.0]), np.array([0.05, 0.3, 2.5]), 0.96, 0.13)
    # x: span 0.118 / 6 = 0.0197 -> step 2 %; 88 % and 100 % are within a quarter step of the
    # points, so one more step each side: 86 % .. 102 %
    assert (f.left, f.right, f.x_step) == pytest.approx((0.86, 1.02, 0.02))
    # y: span 2.45 / 6 = 0.41 -> step 50 %; one whole step below 0 % and above 250 % for the names
    assert (f.bottom, f.top, f.y_step) == pytest.approx((-0.5, 3.0, 0.5))
    pts = f.points()
    flat = [v for p in pts for v in p]
    assert flat[:8] == pytest.approx([0.96, -0.5, 0.96, 3.0, 0.86, 0.13, 1.02, 0.13])  # medians, edge to edge
    # names: passive bottom right, carriage trade top right, bargain basement bottom left, aggressive top left
    assert flat[8:] == pytest.approx([0.99, -0.25, 0.99, 2.75, 0.91, -0.25, 0.91, 2.75])


def test_nice_steps():
    assert nice_step(0.118) == pytest.approx(0.02)
    assert nice_step(2.45) == pytest.approx(0.5)
    assert nice_step(6.0) == pytest.approx(1.0)
    assert nice_step(0.3) == pytest.approx(0.05)


def test_nothing_to_draw():
    assert quadrant_frame(np.array([]), np.array([]), np.nan, np.nan) is None
    assert quadrant_frame(np.array([np.nan]), np.array([0.2]), 0.9, 0.2) is None


ratios = st.floats(0.0, 5.0, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.floats(0.3, 1.0), ratios), min_size=1, max_size=40))
def test_names_stay_clear_of_every_point_and_everything_is_inside_the_axes(points):
    x = np.array([p[0] for p in points])
    y = np.array([p[1] for p in points])
    pm, cm = float(np.median(x)), float(np.median(y))
    f = quadrant_frame(x, y, pm, cm)
    pts = f.points()
    # every point inside the axes, at least a quarter step from the left and right edges
    assert f.left + f.x_step / 4 <= x.min() + 1e-9 and x.max() <= f.right - f.x_step / 4 + 1e-9
    assert f.bottom < y.min() and y.max() < f.top
    # the names: a whole step band above the highest point and below the lowest; a name is
    # at most half a step tall, centred in its band, so it never reaches a point
    for u, v in pts[4:]:
        assert f.left < u < f.right
        assert v <= y.min() - f.y_step / 2 + 1e-9 or v >= y.max() + f.y_step / 2 - 1e-9
    # each name on its side of the price median, each side wide enough for a name
    assert pts[4][0] > pm and pts[5][0] > pm and pts[6][0] < pm and pts[7][0] < pm
    width = f.right - f.left
    assert pm - f.left >= 0.3 * width - 1e-9 and f.right - pm >= 0.3 * width - 1e-9
    # the median lines run edge to edge
    assert pts[0][1] == f.bottom and pts[1][1] == f.top and pts[2][0] == f.left and pts[3][0] == f.right
    # round ticks: the bounds are whole steps
    for bound, step in ((f.left, f.x_step), (f.right, f.x_step), (f.bottom, f.y_step), (f.top, f.y_step)):
        assert abs(bound / step - round(bound / step)) < 1e-6


def test_the_books_quadrant_chart_uses_the_frame(tmp_path):
    import re
    import zipfile

    from xlprof.demo import demo_portfolio
    from xlprof.model import analyze
    from xlprof.workbook import layout as L
    from xlprof.workbook.book import write_analysis_book

    p = demo_portfolio(60)
    a = analyze(p)
    book = tmp_path / "b.xlsx"
    write_analysis_book(a, p, book)
    f = L.quad_frame(a)
    with zipfile.ZipFile(book) as z:
        xml = next(z.read(n).decode() for n in z.namelist()
                   if n.startswith("xl/charts/") and "Price realization" in z.read(n).decode())
    x_ax, y_ax = re.findall(r"<c:valAx>.*?</c:valAx>", xml)
    num = lambda tag, s: float(re.search(rf'<c:{tag} val="([^"]+)"', s)[1])  # noqa: E731
    assert (num("min", x_ax), num("max", x_ax), num("majorUnit", x_ax)) == (f.left, f.right, f.x_step)
    assert (num("min", y_ax), num("max", y_ax), num("majorUnit", y_ax)) == (f.bottom, f.top, f.y_step)
    # each axis crosses the other at its minimum: the axes run along the plot's bottom and left edges
    assert num("crossesAt", x_ax) == f.bottom and num("crossesAt", y_ax) == f.left
    # the names' series: four custom labels, the quadrants' names
    for name in ("Passive", "Carriage trade", "Bargain basement", "Aggressive"):
        assert f"<a:t>{name}</a:t>" in xml
