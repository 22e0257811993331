"""What a cell holds once it is read: the raw sheet and the cell kinds that are not plain values.

The file readers (xlsx package, CSV and text files, the live workbook over COM or Office.js)
produce :class:`RawSheet`; the validating reader (``reader.py``) turns it into typed tables.
Plain cells are ``None`` (blank), ``str``, ``float``/``int``, ``bool`` or ``datetime``. A cell
whose value must not be taken at face value is one of the frozen marker classes below, so
that no reader can mistake it for a number (design.md section 5, the reading rule):

* :class:`ErrorCell` -- an Excel error value (``#N/A``, ``#SPILL!``...), however spelt;
* :class:`FormulaCell` -- a formula whose saved value cannot be trusted (none saved, or the
  workbook asks Excel to recalculate everything on load);
* :class:`PercentCell` -- a number shown as a percentage (a ``0%`` number format): 5 % is
  stored as 0.05, and an amount column must not read it as 0.05 currency units.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Sequence
from typing import Any


@dataclass(frozen=True)
class ErrorCell:
    """An Excel error value; ``code`` is its text, e.g. ``"#N/A"``."""

    code: str

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True)
class FormulaCell:
    """A formula cell whose saved value cannot be trusted.

    ``formula`` is the formula text (without ``=``), ``cached`` the saved value if any
    (``None`` when the file holds none), ``reason`` why it is not trusted, in words.
    """

    formula: str
    cached: Any
    reason: str

    def __str__(self) -> str:
        return f"={self.formula}"


@dataclass(frozen=True)
class PercentCell:
    """A number displayed with a percent format: ``value`` as stored (0.05 for 5 %)."""

    value: float
    number_format: str = "0%"

    def __str__(self) -> str:
        return f"{self.value * 100:g} %"


MARKERS = (ErrorCell, FormulaCell, PercentCell)


@dataclass
class RawSheet:
    """A sheet as rows of cell values (see the module docstring for the cell kinds).

    ``errors`` maps (row0, col0) to an Excel error text, for readers that keep errors
    apart from ``rows``; ``merged`` lists merged ranges as
    ((first_row0, first_col0), (last_row0, last_col0)). Text files (CSV) carry their field
    ``delimiter`` and ``encoding`` (None for workbook sheets): a CSV file is decided as a
    whole by the reading rule, and the delimiter is part of the evidence.

    ``columns``: the same cells by column (``columns[c][r]``; None where a row ended before
    column ``c``), when the reader read them that way (large CSV files, see
    :mod:`xlprof.io.textfiles`); ``rows`` is then a :class:`ColumnRows` view over them.

    ``sums``: (row0, col0) -> formula text of the cells whose formula totals the cells above
    them in their column (``SUM(E2:E4)``, ``SUBTOTAL(9,E2:E4)``), saved value trusted or not:
    the marks of a totals row typed under a table (:mod:`xlprof.io.totals`).
    """

    file: str
    name: str
    rows: Sequence[list[Any]]
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    delimiter: str | None = None
    encoding: str | None = None
    columns: list[list[Any]] | None = None
    sums: dict[tuple[int, int], str] = field(default_factory=dict)   # cells summing the column above

    def cell(self, r: int, c: int) -> Any:
        err = self.errors.get((r, c))
        if err:
            return err
        if self.columns is not None:
            return self.columns[c][r] if c < len(self.columns) else None
        row = self.rows[r]
        return row[c] if c < len(row) else None


class ColumnRows(Sequence):
    """Rows of a sheet held by column: ``rows[r]`` is the list of row ``r``'s cells (None
    where the row ended early), built when asked for. Readers that go through a whole
    column use ``RawSheet.columns`` instead."""

    def __init__(self, columns: list[list[Any]], n: int):
        self.columns = columns
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, r):
        if isinstance(r, slice):
            return [self[i] for i in range(*r.indices(self.n))]
        if r < 0:
            r += self.n
        if not 0 <= r < self.n:
            raise IndexError(r)
        return [col[r] for col in self.columns]
