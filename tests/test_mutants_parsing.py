"""Tests written to kill mutants of the parsing layer (textnorm, io/evidence) that survived
the rest of the suite (scripts/mutation.py parsing); the model's are in test_mutants.py, the
reading layer's in test_mutants_reading.py.

Each test says which wrong reading it catches, with the value and what it must be read as.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from xlprof.textnorm import com_error

NA = -2146826246   # what COM hands over for a #N/A cell: 0x800A07FA as a signed int


BASE = -2146828288  # 0x800A0000: Excel's CVErr codes 2000..2099 are added to it


@pytest.mark.parametrize("value, error", [
    (NA, "#N/A"), (np.int64(NA), "#N/A"), (BASE + 2000, "#NULL!"), (BASE + 2044, "#ERROR(2044)"),
    (BASE + 2099, "#ERROR(2099)"), (BASE + 1999, None), (BASE + 2100, None), (0, None), (-1, None)])
def test_com_error_integers_are_errors(value, error):
    assert com_error(value) == error


@pytest.mark.parametrize("value", [float(NA), str(NA), Decimal(NA), True, 2042, None, "#N/A"])
def test_only_integers_are_com_errors(value):
    # COM hands errors over as int; a float, Decimal or text with the same digits is a value
    # the user typed (an amount), never an error code
    assert com_error(value) is None
