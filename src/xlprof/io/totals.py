"""Totals rows typed under a table (not an Excel Table's Total Row, which the xlsx reader
leaves out): ``Total`` in the ID column, or ``=SUM(E2:E40)`` in the amount columns.

Read as data, such a row is a client called "Total" whose revenue is every client's revenue:
the portfolio's sums double without a word. So a Clients or Volumes row is refused when

* its client ID -- or its name, where the ID is blank -- is a totals label (``Total``,
  ``Grand total``, ``Subtotal``, ``Sum``, ``Totales``, ``Total general``, ``Suma``...; case,
  accents, spaces and punctuation aside), or
* a cell of it totals the column above it (``SUM``/``SUBTOTAL``/``AGGREGATE`` over a range of
  the same column ending above the cell; kept by the xlsx reader as ``RawSheet.sums``).

The row's other problems (an untrusted ``SUM`` formula, a blank ID, an unknown client) are
replaced by the one that says what it is: xlprof computes its own totals; delete the row.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Iterable

from ..errors import Problem
from ..messages import msg
from .cells import RawSheet

TOTAL_LABELS = frozenset({
    "total", "totals", "grandtotal", "subtotal", "subtotals", "sum", "sums",
    "totales", "totalgeneral", "suma", "sumatotal", "subtotales", "sumas", "grantotal",
})
_FIRST = frozenset(label[0] for label in TOTAL_LABELS)

_SUM = re.compile(r"^\s*(?:_xlfn\.)?(?:SUM|SUBTOTAL|AGGREGATE)\s*\(", re.IGNORECASE)
_RANGE = re.compile(r"(?<![\w.])\$?([A-Za-z]{1,3})\$?(\d{1,7}):\$?([A-Za-z]{1,3})\$?(\d{1,7})(?![\w(])")


def _col(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def sums_column_above(formula: str, r: int, c: int) -> bool:
    """Whether ``formula`` (without ``=``) in the cell at 0-based (``r``, ``c``) totals cells
    above it in its own column: ``SUM(E2:E4)`` in E5, ``SUBTOTAL(9,E$2:E4)``."""
    if not _SUM.match(formula):
        return False
    for m in _RANGE.finditer(formula):
        if _col(m[1]) == c == _col(m[3]) and max(int(m[2]), int(m[4])) - 1 < r:
            return True
    return False


def totals_label(v: Any) -> bool:
    """Whether a cell's text is a totals label (``Total``, ``TOTAL GENERAL``, ``Sub-total:``)."""
    if not isinstance(v, str) or v.lstrip()[:1].lower() not in _FIRST:
        return False
    text = unicodedata.normalize("NFKD", v.casefold())
    return "".join(ch for ch in text if ch.isalnum()) in TOTAL_LABELS


def check_totals_rows(raw: RawSheet, rows: Iterable[int], id_col: int, name_col: int | None,
                      amount_cols: Iterable[int], id_label: str, problems: list[Problem]) -> set[int]:
    """Refuse the totals rows among ``rows`` (0-based data rows of ``raw``); returns them.

    ``id_col``/``name_col`` are the client ID and name columns (``name_col`` None where the
    sheet has none), ``amount_cols`` the columns whose cells a totals formula would sum,
    ``id_label`` the ID column's header as the user wrote it."""
    from .tables import column_values

    amount_cols = list(amount_cols)
    rows = list(rows)
    found: dict[int, Problem] = {}
    where = dict(file=raw.file, sheet=raw.name)
    marked = {r for r, j in raw.sums if j in amount_cols}
    for r, ident in zip(rows, column_values(raw, id_col, rows)):
        blank_id = ident is None or (isinstance(ident, str) and not ident.strip())
        if not blank_id and r not in marked and not totals_label(ident):
            continue                       # the usual row, decided at once
        label = raw.cell(r, name_col) if blank_id and name_col is not None else ident
        sums = [raw.sums[(r, j)] for j in amount_cols if (r, j) in raw.sums] if r in marked else []
        if totals_label(label):
            key = "totals_row_label" if not blank_id else "totals_row_name"
            found[r] = Problem(msg(key, value=str(label).strip(), column=id_label), row=r + 1, **where)
        elif sums:
            key = "totals_row_formula_blank" if blank_id else "totals_row_formula"
            found[r] = Problem(msg(key, formula="=" + sums[0], value=str(ident).strip() if not blank_id else "",
                                   column=id_label), row=r + 1, **where)
    if found:
        lines = {r + 1 for r in found}
        problems[:] = [p for p in problems if not (p.file == raw.file and p.sheet == raw.name and p.row in lines)]
        problems.extend(found[r] for r in sorted(found))
    return set(found)
