"""Tiny "Recalculate"-style targets for tests/test_remote_book.py.

They use only the block operations the real xlprof entry point is meant to use:
one block read per input sheet, a pure-Python computation, block writes after
clearing the old contents, and a status cell.  Run them through
``remote_book.run_in_remote_book(payload, "_remote_sample:<name>")``.
"""

from __future__ import annotations

import datetime as dt

import xlwings as xw

STATUS_CELL = "B1"


def _margins(rows):
    """[[client, revenue, cost], ...] (header first) -> result rows, best first."""
    header, *data = rows
    index = {name: i for i, name in enumerate(header)}
    totals: dict[str, list[float]] = {}
    for row in data:
        client = row[index["client"]]
        if client is None:
            continue
        revenue = row[index["revenue"]] or 0
        cost = row[index["cost"]] or 0
        acc = totals.setdefault(client, [0, 0])
        acc[0] += revenue
        acc[1] += cost
    result = [
        [client, revenue, cost, revenue - cost]
        for client, (revenue, cost) in totals.items()
    ]
    result.sort(key=lambda r: (-r[3], r[0]))
    return [["client", "revenue", "cost", "margin"], *result]


def recalculate(book: xw.Book) -> None:
    """Input (block) -> Output (block), clear stale output, write the status."""
    rows = book.sheets["Input"].used_range.options(ndim=2).value
    table = _margins(rows)

    names = [sheet.name for sheet in book.sheets]
    if "Output" in names:
        output = book.sheets["Output"]
        output.used_range.clear_contents()
    else:
        output = book.sheets.add("Output", after=book.sheets[len(names) - 1])
    output["A1"].value = table

    status = book.sheets["Status"]
    status["A1"].value = "Status"
    status[STATUS_CELL].value = f"OK: {len(table) - 1} clients"


def recalculate_caller() -> None:
    """Same as recalculate(), but finds the book like a RunPython macro does."""
    recalculate(xw.Book.caller())


def fail_midway(book: xw.Book) -> None:
    """Writes something, then raises - like a model error after a partial write."""
    book.sheets["Status"][STATUS_CELL].value = "running"
    raise ValueError("model failed: no clients")


def write_awkward_values(book: xw.Book) -> None:
    """Values whose encoding on the wire is worth pinning down."""
    book.sheets["Status"]["A1"].value = [
        [
            dt.date(2024, 1, 31),
            dt.datetime(2024, 1, 31, 10, 30),
            None,
            "=1+1",
            True,
            3,
            2.5,
        ]
    ]


def write_infinity(book: xw.Book) -> None:
    """inf passes the engine but can't be sent as JSON (FastAPI refuses it)."""
    book.sheets["Status"][STATUS_CELL].value = float("inf")


def read_types(book: xw.Book) -> None:
    """Echo the Python types the engine returns for Input back into Status."""
    rows = book.sheets["Input"].used_range.options(ndim=2).value
    described = [
        [type(v).__name__ if not isinstance(v, dt.datetime) else v.isoformat() for v in row]
        for row in rows
    ]
    book.sheets["Status"]["A1"].value = described
