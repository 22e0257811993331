"""Test-suite knobs for mutation testing (scripts/mutation.py sets ``XLPROF_TEST_EXAMPLES``).

- :func:`examples`: hypothesis example counts, capped under mutation testing so that a
  surviving mutant, which runs every property that calls the mutated function, costs
  seconds rather than minutes. The suite itself (and CI) always runs the full counts.
- :func:`shared_scope`: the scope of a fixture that computes an analysis once for a module.
  mutmut maps each mutated function to the tests that call it, and a module-scoped fixture
  calls it during the first test only; under mutation testing such fixtures are therefore
  function-scoped, so that every test that reads the result runs against every mutant.
"""

from __future__ import annotations

import os


def mutating() -> bool:
    return bool(os.environ.get("XLPROF_TEST_EXAMPLES"))


def examples(n: int) -> int:
    cap = os.environ.get("XLPROF_TEST_EXAMPLES")
    return min(n, int(cap)) if cap else n


def shared_scope(fixture_name: str, config) -> str:
    """``@pytest.fixture(scope=shared_scope)``: module-scoped, function-scoped under mutation."""
    return "function" if mutating() else "module"
