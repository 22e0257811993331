"""Tests written to kill mutants that survived the rest of the suite (scripts/mutation.py).

Each test names the bug it catches -- a flipped comparison, a dropped term, a wrong
default -- with hand-worked numbers; see docs/testing.md for the run and the scores.
"""
