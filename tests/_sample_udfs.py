"""Tiny classic-xlwings UDF module used only to prove tests/xlwings_win.py.

Note: ``@xw.func(...)`` must be the *outermost* decorator: ``@xw.arg``/``@xw.ret``
call ``xlfunc`` themselves, which resets category/volatile/call_in_wizard to
the defaults, so a ``@xw.func(category=...)`` below them would be lost.
"""

from __future__ import annotations

import datetime as dt

import xlwings as xw

CATEGORY = "xlprof sample"


@xw.func(category=CATEGORY)
@xw.arg("values", ndim=2, err_to_str=True, doc="2-D range of numbers")
@xw.ret(expand="table")
def xlp_double(values):
    """Doubles every number of a 2-D range; bad cells become #XLPROF! text."""
    out = []
    for n, row in enumerate(values, start=1):
        new_row = []
        for cell in row:
            if cell is None:
                new_row.append(None)
            elif isinstance(cell, str) and cell.startswith("#"):
                new_row.append(f"#XLPROF! row {n} is {cell}")
            elif isinstance(cell, (str, bool)):
                new_row.append(f"#XLPROF! row {n} is text")
            else:
                new_row.append(cell * 2)
        out.append(new_row)
    return out


@xw.func(category=CATEGORY)
@xw.arg("amount", doc="Amount in currency units")
@xw.arg("rate", doc="Rate, defaults to 0.2")
def xlp_with_rate(amount, rate=0.2):
    """Amount times an optional rate."""
    return amount * rate


@xw.func(category=CATEGORY, volatile=True)
@xw.arg("day", dates=dt.date, doc="A date cell")
def xlp_month_end(day):
    """Last calendar day of the month of a date."""
    if isinstance(day, float):  # a date computed by a formula arrives as a serial
        day = xw.to_datetime(day).date()
    first_next = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return first_next - dt.timedelta(days=1)


@xw.func(category=CATEGORY)
@xw.arg("values", ndim=2)
def xlp_echo(values):
    """Returns its 2-D input unchanged (no-op, for timing the call path)."""
    return values
