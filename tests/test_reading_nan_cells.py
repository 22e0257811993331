"""A number cell whose stored value is NaN or an infinity is refused, never read as blank.

Excel never writes ``<v>nan</v>``, but other tools can, and calamine reads it as the float
NaN -- the value the fast number path uses for a blank cell. Read as blank it became a
silent 0 in an optional amount (Discounts, Bad debt, Exit penalty: net revenue 13,300
instead of the refusal) and a misleading "Revenue is blank" in a required one. XlsxWriter
cannot write NaN, so the books here are patched in their sheet XML, as a third-party tool
would write them.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from _inputs import (assert_located, bad_book, expect, problem_lines, raw_tables, rewrite_zip, run,
                     sheet_part, valid_book, where, xlsxwriter_book)
from xlprof.errors import EXIT_INPUT, EXIT_OK
from xlprof.io.numbers import number_column


def stored(book, sheet: str, cells: dict[str, str | None], out=None):
    """``book`` with the stored value of ``cells`` of ``sheet`` replaced by the text given
    (``"nan"``), or removed (None: a blank cell that keeps its style)."""
    part = sheet_part(book, sheet)

    def patch(name, data):
        if name != part:
            return data
        s = data.decode("utf-8")
        for ref, v in cells.items():
            new = r"\g<1>/>" if v is None else rf"\g<1>><v>{v}</v></c>"
            s, n = re.subn(rf'(<c r="{ref}"[^>/]*)><v>[^<]*</v></c>', new, s)
            assert n == 1, (ref, re.search(rf'<c r="{ref}".{{0,80}}', s))
        return s.encode("utf-8")

    out = out or book.with_name(book.stem + "-patched.xlsx")
    return rewrite_zip(book, out, transform=patch)


# (sheet, cell, column header, stored text, the value as the message shows it)
CASES = {
    "revenue-nan": ("Clients", "E2", "Revenue", "nan", "nan"),
    "discounts-nan": ("Clients", "F2", "Discounts", "nan", "nan"),
    "discounts-NaN": ("Clients", "F2", "Discounts", "NaN", "nan"),
    "bad-debt-nan": ("Clients", "J2", "Bad debt", "nan", "nan"),
    "exit-penalty-nan": ("Clients", "M2", "Exit penalty", "NaN", "nan"),
    "days-to-pay-nan": ("Clients", "I2", "Days to pay", "nan", "nan"),
    "rating-nan": ("Clients", "Q2", "Respect of terms", "nan", "nan"),
    "discounts-inf": ("Clients", "F2", "Discounts", "inf", "inf"),
    "cogs-minus-inf": ("Clients", "G2", "COGS", "-INF", "-inf"),
    "revenue-1e999": ("Clients", "E2", "Revenue", "1e999", "inf"),
    "volume-wide-nan": ("Volumes", "B2", "Order entry", "nan", "nan"),
    "activity-minutes-nan": ("Activities", "F2", "Minutes per unit", "nan", "nan"),
    "resource-cost-nan": ("Resources", "B2", "Cost", "nan", "nan"),
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("command", ["validate", "score"])
def test_stored_nan_or_infinity_is_refused(tmp_path, case, command):
    sheet, ref, column, text, shown = CASES[case]
    book = stored(valid_book(tmp_path), sheet, {ref: text})
    out = expect(run(command, book), EXIT_INPUT, "problem in the inputs")
    row = int(ref[1:])
    assert problem_lines(out) == [where(book, sheet, row, column) + f"{shown} is not a finite number"]


def test_stored_nan_is_refused_in_spanish(tmp_path):
    book = stored(valid_book(tmp_path), "Clients", {"J2": "nan"})
    out = expect(run("validate", book, "--lang", "es"), EXIT_INPUT)
    assert problem_lines(out) == [f"{book}, hoja Clients, fila 2, columna Bad debt: nan no es un número finito"]


def test_nan_no_longer_becomes_zero_but_a_blank_still_does(tmp_path):
    """The reviewer's case: C0001's Discounts. Typed 2081 its net revenue is 13300 - 2081;
    blank (no stored value) it is 13300 (a blank optional amount is 0); NaN is refused,
    where it used to score 13300 silently."""
    import json

    base = bad_book(tmp_path, lambda wb: wb["Clients"].__setitem__("F2", 2081))
    typed = json.loads(expect(run("score", base, "--format", "json"), EXIT_OK))
    c1 = next(c for c in typed["clients"] if c["client_id"] == "C0001")
    assert c1["net_revenue"] == pytest.approx(13300 - 2081)
    blank = stored(base, "Clients", {"F2": None}, tmp_path / "blank.xlsx")
    data = json.loads(expect(run("score", blank, "--format", "json"), EXIT_OK))
    assert next(c for c in data["clients"] if c["client_id"] == "C0001")["net_revenue"] == pytest.approx(13300)
    nan = stored(base, "Clients", {"F2": "nan"}, tmp_path / "nan.xlsx")
    out = expect(run("score", nan, "--format", "json"), EXIT_INPUT)
    assert_located(out, nan, "Clients", 2, "Discounts", "nan is not a finite number")
    assert "net_revenue" not in out


def test_long_volumes_stored_nan(tmp_path):
    tables = raw_tables()
    tables["Volumes"] = [["Client ID", "Activity", "Quantity"], ["C0001", "Order entry", 5],
                         ["C0002", "Training", 7]]
    book = xlsxwriter_book(tmp_path / "long.xlsx", tables)
    expect(run("validate", book), EXIT_OK, "2 volume entries")
    bad = stored(book, "Volumes", {"C3": "nan"})
    out = expect(run("validate", bad), EXIT_INPUT)
    assert problem_lines(out) == [where(bad, "Volumes", 3, "Quantity") + "nan is not a finite number"]


@pytest.mark.parametrize("kind, nonnegative", [("number", True), ("number", False), ("rating", True)])
def test_number_column_refuses_nan_and_keeps_blanks(kind, nonnegative):
    # the fast path (only floats, ints and None) and the one with text in it
    for values in ([1.0, math.nan, None, 2], [1.0, math.nan, None, "2"], [1.0, math.nan, 4.0, 2.0]):
        col = number_column("x", kind, nonnegative, values)
        assert col.bad == {1: "nan is not a finite number"}, values
        assert np.isnan(col.values[1])
        assert col.values[0] == 1.0 and col.values[3] == 2.0
        if values[2] is None:
            assert np.isnan(col.values[2]) and 2 not in col.bad        # blank stays blank
    col = number_column("x", "number", False, [math.inf, -math.inf, None])
    assert col.bad == {0: "inf is not a finite number", 1: "-inf is not a finite number"}
