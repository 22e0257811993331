"""Test-suite knobs for mutation testing (scripts/mutation.py sets ``XLPROF_TEST_EXAMPLES``).

- :func:`examples`: hypothesis example counts, capped under mutation testing so that a
  surviving mutant, which runs every property that calls the mutated function, costs
  seconds rather than minutes. The suite itself (and CI) always runs the full counts.
- :func:`shared_scope`: the scope of a fixture that computes an analysis once for a module.
  mutmut maps each mutated function to the tests that call it, and a module-scoped fixture
  calls it during the first test only; under mutation testing such fixtures are therefore
  function-scoped, so that every test that reads the result runs against every mutant.
- :func:`plain_id`: a parameter id mutmut can hand back to pytest.
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


def plain_id(text: str) -> str:
    """A test id of printable ASCII without spaces or backslashes (``'\u20ac 300'`` -> ``U+20AC_300``).

    mutmut runs pytest several times in one process and passes back the ids of the first run.
    pytest escapes non-ASCII and backslashes in an id (``\\u20ac``) when it imports a test
    module, but not when a later run finds the module already imported, and it cannot find
    an id with surrounding spaces: either way the id is "not found" and mutmut stops.
    """
    return "".join("_" if c.isspace() else c if c.isascii() and c.isprintable() and c != "\\"
                   else f"U+{ord(c):04X}" for c in text)
