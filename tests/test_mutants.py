"""Tests written to kill mutants that survived the rest of the suite (scripts/mutation.py).

Each test names the bug it catches -- a flipped comparison, a dropped term, a wrong
default -- with hand-worked numbers; see docs/testing.md for the run and the scores.
"""

from __future__ import annotations

import numpy as np
import pytest

from xlprof.model import formulas as F

NAN = float("nan")


def test_pool_rate_with_a_fractional_total_volume():
    # half a unit consumed in all: 100 / 0.5 = 200 (a "vols > 1" guard would give NaN or 100)
    np.testing.assert_allclose(F.pool_rates([100.0, 100.0, 100.0], [0.5, 1.0, 2.0]), [200.0, 100.0, 50.0])


def test_time_driven_rate_with_less_than_an_hour_of_capacity():
    # 30 for half an hour = 30 minutes: 1 per minute; x 10 minutes = 10
    np.testing.assert_allclose(F.time_driven_rates(30.0, 0.5, [10.0]), [10.0])


@pytest.mark.parametrize("f, args", [
    (F.breakeven_cts_cut, ([10.0, -5.0],)),
    (F.breakeven_price_rise, ([10.0, -5.0], [100.0, 100.0])),
    (F.net_margin, ([10.0, -5.0], [0.0, 100.0])),
    (F.pool_rates, ([100.0, 5.0], [0.0, 5.0])),
])
def test_blank_results_are_float_nan_never_none(f, args):
    # the module's contract: float arrays, NaN for "no value" (None would make an object array)
    out = f(*args)
    assert out.dtype == np.float64
    assert np.isnan(out[0]) and not np.isnan(out[1])
