"""Tests written to kill mutants of the reading layer (io/reader, tables, columns, numbers,
volumes) that survived the rest of the suite (scripts/mutation.py reading); the model's are
in test_mutants.py, the parsing layer's in test_mutants_parsing.py.

Each test says which wrong reading it catches, with the input and what it must be read as.
"""

from __future__ import annotations
