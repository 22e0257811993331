"""Hypothesis example counts: the full count in the suite, capped under mutation testing.

scripts/mutation.py sets ``XLPROF_TEST_EXAMPLES`` so that a surviving mutant, which runs
every property that calls the mutated function, costs seconds rather than minutes; the
suite itself (and CI) always runs the full counts.
"""

from __future__ import annotations

import os


def examples(n: int) -> int:
    cap = os.environ.get("XLPROF_TEST_EXAMPLES")
    return min(n, int(cap)) if cap else n
