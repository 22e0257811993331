"""The Excel functions (``xlprof.udfs``) through xlwings' real Windows UDF path.

``tests/xlwings_win.py`` runs xlwings' own decorators, VBA-wrapper generator,
``Application.MacroOptions`` calls and ``XLPython.CallUDF`` on Linux, so these tests
check: (a) the VBA xlwings generates for every function (names valid in VBA,
``Optional`` arguments, descriptions and the category); (b) calls with arguments
shaped as Excel passes them -- nested tuples for ranges, ``None`` blanks, ``XL_*``
error codes, floats, dates -- returning what Excel would show: hand-worked numbers,
per-row ``#XLPROF!`` texts, mismatched sizes, and the per-row and array forms agreeing
with an independent plain-Python re-implementation of the model (tests/_reference.py,
never :mod:`xlprof.model` on the expected side); and that docs/functions.md is up to date.

Not covered (see the harness docstring): the VBA actually running in Excel, real COM
marshalling (pywin32 turning ranges into Python values and results back into VARIANTs,
Excel's own coercions), Excel's recalculation and dynamic-array spilling, and the
Insert Function dialog itself.
"""

from __future__ import annotations

import datetime as dt
import gc
import importlib.util
import inspect
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import xlwings_win as xw_win
from xlwings_win import XL_DIV0, XL_NA, XL_VALUE, com_date, fake_caller

from xlprof.excel.catalog import WORKED
from xlprof.i18n import label
from xlprof.model.analysis import CLIENT_RESULT_COLUMNS
from xlprof.settings import SIGNALS, Settings

import _reference as R

MOD = "xlprof.udfs"
ROOT = Path(__file__).resolve().parent.parent
UTC = dt.timezone.utc

REQUIRED = {
    "XLPROF_MARGIN", "XLPROF_COST_TO_SERVE", "XLPROF_ACTIVITY_RATES", "XLPROF_TIME_DRIVEN_RATES",
    "XLPROF_FINANCING_COST", "XLPROF_NET_PROFIT", "XLPROF_TERMINATION_SCORE",
    "XLPROF_SCORE_REASONS", "XLPROF_ACTION", "XLPROF_TIER", "XLPROF_QUADRANT",
    "XLPROF_WHALE_CURVE", "XLPROF_DROP_IMPACT", "XLPROF_EXIT_DATE", "XLPROF_ANALYZE",
}
# VBA keywords and type names that cannot be procedure or argument names
VBA_RESERVED = {
    "and", "as", "boolean", "byref", "byte", "byval", "call", "case", "close", "const", "currency",
    "date", "decimal", "declare", "dim", "do", "double", "each", "else", "elseif", "empty", "end",
    "enum", "eqv", "erase", "error", "event", "exit", "false", "for", "friend", "function", "get",
    "global", "gosub", "goto", "if", "imp", "implements", "in", "input", "integer", "is", "let",
    "lib", "like", "long", "loop", "lset", "me", "mod", "new", "next", "not", "nothing", "null",
    "object", "on", "open", "option", "optional", "or", "paramarray", "preserve", "print",
    "private", "property", "public", "put", "raiseevent", "redim", "rem", "resume", "return",
    "rset", "select", "set", "single", "static", "step", "stop", "string", "sub", "then", "to",
    "true", "type", "typeof", "until", "variant", "wend", "while", "with", "xor", "name", "caller",
}


def call(func: str, *args, **kwargs):
    return xw_win.call_udf(MOD, func, *args, **kwargs)


def names(module) -> list[str]:
    return sorted(n for n, f in vars(module).items() if hasattr(f, "__xlfunc__"))


def excel_params(f) -> list[inspect.Parameter]:
    """The Excel arguments of a registered function (without xlwings' reserved ``caller``)."""
    return [p for p in inspect.signature(f).parameters.values() if p.name != "caller"]


def col(*values) -> tuple:
    """A column range as COM delivers it."""
    return tuple((v,) for v in values)


def is_error(value) -> bool:
    return isinstance(value, str) and value.startswith("#XLPROF! ")


# -- (a) registration: VBA wrappers, MacroOptions, metadata ------------------------------


def test_every_function_is_registered(udfs):
    found = names(udfs)
    assert REQUIRED <= set(found)
    assert all(n.startswith("XLPROF_") for n in found)
    for n in found:
        info = getattr(udfs, n).__xlfunc__
        assert info["category"] == "xlprof"
        assert info["name"] == n
        *excel_args, caller = info["args"]
        # xlwings' reserved argument: Application.Caller, not an Excel argument
        assert caller["name"] == "caller" and caller["options"] == {}, n
        for arg in excel_args:
            # every argument: a list of rows, error cells as text (not mistaken for blanks)
            assert arg["options"] == {"ndim": 2, "err_to_str": True}, (n, arg["name"])
        # no type hints on parameters (xlwings would treat them as converters)
        sig = inspect.signature(getattr(udfs, n))
        assert all(p.annotation is inspect.Parameter.empty for p in sig.parameters.values()), n


def _vba_signatures(vba: str) -> dict[str, list[str]]:
    out = {}
    for m in re.finditer(r"^Function (\w+)\((.*)\)$", vba, re.M):
        out[m.group(1)] = [a.strip() for a in m.group(2).split(",")] if m.group(2) else []
    return out


def test_vba_wrapper_for_every_function(udfs):
    vba = xw_win.vba_wrapper(MOD)
    sigs = _vba_signatures(vba)
    assert set(sigs) == set(names(udfs))
    ident = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,254}$")
    for fname, vba_args in sigs.items():
        assert ident.match(fname) and fname.lower() not in VBA_RESERVED
        *params, caller = inspect.signature(getattr(udfs, fname)).parameters.values()
        assert caller.name == "caller"
        expected = [("Optional " if p.default is not inspect.Parameter.empty else "") + p.name
                    for p in params]
        assert vba_args == expected, fname
        for p in params:
            assert ident.match(p.name) and p.name.lower() not in VBA_RESERVED, (fname, p.name)
        call_line = (f'{fname} = XLPy.CallUDF("xlprof.udfs", "{fname}", '
                     f'Array({", ".join(p.name for p in params)}, Nothing), ThisWorkbook, Application.Caller)')
        assert call_line in vba
        assert f"{fname} = Err.Description" in vba
    assert all(len(line) < 1024 for line in vba.splitlines())  # VBA's line length limit
    assert "Application.Volatile" not in vba
    analyze_body = vba.split("Function XLPROF_ANALYZE(")[1].split("End Function")[0]
    assert "Controls(1).Enabled) Then Exit Function" in analyze_body  # not run in the wizard


def test_vba_signatures_other_tools_rely_on(udfs):
    sigs = _vba_signatures(xw_win.vba_wrapper(MOD))
    assert sigs["XLPROF_MARGIN"] == ["revenue", "cogs", "Optional discounts"]
    assert sigs["XLPROF_COST_TO_SERVE"] == ["volumes", "rates"]
    assert sigs["XLPROF_NET_PROFIT"] == ["revenue", "cogs", "cost_to_serve", "Optional discounts",
                                        "Optional financing_cost", "Optional bad_debt"]
    assert sigs["XLPROF_TERMINATION_SCORE"] == [
        "net_profit", "net_revenue", "cost_to_serve", "Optional days_to_pay",
        "Optional payment_terms_days", "Optional bad_debt", "Optional ratings", "Optional weights",
        "Optional revenue", "Optional settings"]
    assert sigs["XLPROF_EXIT_DATE"] == ["decision_date", "Optional notice_days", "Optional contract_end",
                                       "Optional exit_penalty", "Optional monthly_gain",
                                       "Optional lead_days"]
    assert sigs["XLPROF_ANALYZE"] == ["clients", "activities", "volumes", "Optional settings",
                                      "Optional resources"]
    addin = xw_win.vba_wrapper(MOD, workbook_name="xlprof.xlam")
    assert "ActiveWorkbook, Application.Caller" in addin and "ThisWorkbook" not in addin


def test_descriptions_and_category_in_macro_options(udfs):
    opts = xw_win.macro_options(MOD)
    assert set(opts) == set(names(udfs))
    for fname, o in opts.items():
        f = getattr(udfs, fname)
        assert o["Category"] == "xlprof"
        assert o["Description"] == f.__doc__
        assert "\n" not in o["Description"] and 20 < len(o["Description"]) <= 255, fname
        assert o["Description"].isascii()
        params = excel_params(f)
        assert len(o["ArgumentDescriptions"]) == len(params)
        for p, doc in zip(params, o["ArgumentDescriptions"]):
            assert not doc.startswith("Positional argument"), (fname, p.name)
            assert 10 < len(doc) <= 255 and doc.isascii(), (fname, p.name)
            assert doc.startswith("Optional.") == (p.default is not inspect.Parameter.empty), (fname, p.name)


# -- (b) calls: hand-worked numbers ----------------------------------------------------------


def test_margin_hand_worked(udfs):
    assert call("XLPROF_MARGIN", 1000.0, 600.0, 100.0) == 300.0
    assert call("XLPROF_MARGIN", 1000.0, 600.0) == 400.0  # discounts omitted
    assert call("XLPROF_MARGIN", 1000.0, 600.0, None) == 400.0  # blank discounts cell
    assert call("XLPROF_MARGIN", 1000.0, 600.0, xw_win.MISSING) == 400.0
    assert call("XLPROF_MARGIN", "1.000,50", "600", "12 %") == pytest.approx(400.38)  # lenient text
    out = call("XLPROF_MARGIN", col(1000.0, 500.0, 80.0), col(600.0, 450.0, 100.0), col(100.0, None, 0.0))
    assert out == [[300.0], [50.0], [-20.0]]


def test_worked_examples_in_the_docs(udfs):
    """Every worked example of docs/functions.md, typed as a formula would pass it."""
    for fname, (args, expected) in WORKED.items():
        com_args = [tuple(tuple(float(x) for x in row) for row in a) if isinstance(a, tuple)
                    else float(a) if isinstance(a, (int, float)) else a for a in args]
        got = call(fname, *com_args, as_range=False)
        if isinstance(expected, tuple):
            assert [len(row) for row in got] == [len(row) for row in expected], fname
            got = [c for row in got for c in row]
            expected = [c for row in expected for c in row]
            assert got == (expected if isinstance(expected[0], str) else pytest.approx(expected)), fname
        elif isinstance(expected, str):
            assert got == expected, fname
        else:
            assert got == pytest.approx(expected), fname


def test_rates_and_financing(udfs):
    assert call("XLPROF_ACTIVITY_RATES", ((5000.0, 1200.0, 300.0),), ((250.0, 0.0, 30.0),)) == [
        20.0, "", 10.0]  # one row in, one row out; no volume -> blank
    assert call("XLPROF_TIME_DRIVEN_RATES", 60000.0, 1000.0, col(15.0, 30.0, 0.0)) == [
        [15.0], [30.0], [0.0]]
    assert call("XLPROF_TIME_DRIVEN_RATES", 60000.0, 0.0, 15.0) == ""  # no capacity
    assert call("XLPROF_FINANCING_COST", 36500.0, 60.0, 0.1) == pytest.approx(600.0)
    assert call("XLPROF_FINANCING_COST", 36500.0, 60.0) == pytest.approx(480.0)  # default 8 %
    assert call("XLPROF_FINANCING_COST", col(36500.0, 73000.0), col(60.0, 30.0), 0.1) == [
        [pytest.approx(600.0)], [pytest.approx(600.0)]]
    assert call("XLPROF_FINANCING_COST", 36500.0, 60.0, 8.0) == (
        "#XLPROF! cost_of_capital is not a yearly fraction between 0 and 1 (8% = 0.08)")
    assert call("XLPROF_FINANCING_COST", col(1.0, 2.0), col(1.0, 2.0), XL_NA) == (
        "#XLPROF! cost_of_capital is #N/A")


def test_net_profit_and_margin(udfs):
    assert call("XLPROF_NET_PROFIT", 1000.0, 600.0, 150.0, 100.0, 20.0, 30.0) == pytest.approx(100.0)
    assert call("XLPROF_NET_PROFIT", 1000.0, 600.0, 150.0) == pytest.approx(250.0)
    assert call("XLPROF_NET_PROFIT", 1000.0, 600.0, 150.0, None, None, 30.0) == pytest.approx(220.0)
    assert call("XLPROF_NET_REVENUE", 1000.0, 100.0) == 900.0
    assert call("XLPROF_NET_MARGIN", col(90.0, 5.0, -10.0), col(900.0, 0.0, -5.0)) == [
        [pytest.approx(0.1)], [""], [""]]


def test_cost_to_serve_and_service_hours(udfs):
    volumes = ((10.0, 2.0), (1.0, None), (None, None))
    assert call("XLPROF_COST_TO_SERVE", volumes, ((5.0, 20.0),)) == [[90.0], [5.0], [0.0]]
    assert call("XLPROF_COST_TO_SERVE", volumes, col(5.0, 20.0)) == [[90.0], [5.0], [0.0]]
    assert call("XLPROF_COST_TO_SERVE", ((10.0, 2.0),), col(5.0, None)) == 50.0  # blank rate = 0
    assert call("XLPROF_SERVICE_HOURS", volumes, ((6.0, 30.0),)) == [[2.0], [0.1], [0.0]]
    # one client's row, per-row form
    assert call("XLPROF_COST_TO_SERVE", ((10.0, 2.0, 1.0),), ((5.0, 20.0, 100.0),)) == 190.0
    assert call("XLPROF_COST_TO_SERVE", col(10.0, 2.0), ((5.0, 20.0),)) == (
        "#XLPROF! volumes has 1 column (activities) but rates has 2 values")
    assert call("XLPROF_COST_TO_SERVE", volumes, ((5.0, "x"),)) == "#XLPROF! rates column 2 is text"
    assert call("XLPROF_COST_TO_SERVE", volumes, ((5.0, 1.0), (2.0, 3.0))) == (
        "#XLPROF! rates must be one row or one column, got 2x2 cells")


def test_drop_impact_and_exit_date(udfs):
    assert call("XLPROF_DROP_IMPACT", 1000.0, 600.0, 500.0) == pytest.approx(100.0)
    # -(1000-100) + 600 + 500 + 20 + 30 - 250
    assert call("XLPROF_DROP_IMPACT", 1000.0, 600.0, 500.0, 100.0, 20.0, 30.0, 250.0) == pytest.approx(0.0)
    decision = com_date(2026, 12, 1)
    # notice 2026-12-15, + 30 days = 2027-01-14; no contract end
    assert call("XLPROF_EXIT_DATE", decision, 30.0) == dt.datetime(2027, 1, 14, tzinfo=UTC)
    # contract ends 2027-06-30: 167 days = 5.49 months x 100 = 549 lost by waiting
    assert call("XLPROF_EXIT_DATE", decision, 30.0, dt.date(2027, 6, 30), 1000.0, 100.0) == (
        dt.datetime(2027, 6, 30, tzinfo=UTC))  # the penalty is larger: wait
    assert call("XLPROF_EXIT_DATE", decision, 30.0, dt.date(2027, 6, 30), 500.0, 100.0) == (
        dt.datetime(2027, 1, 14, tzinfo=UTC))  # the penalty is smaller: leave early
    assert call("XLPROF_EXIT_DATE", decision, 30.0, None, None, None, 0.0) == (
        dt.datetime(2026, 12, 31, tzinfo=UTC))  # lead days 0
    # date serial numbers and text dates work too (46357 = 2026-12-01)
    assert call("XLPROF_EXIT_DATE", 46357.0, 30.0) == dt.datetime(2027, 1, 14, tzinfo=UTC)
    assert call("XLPROF_EXIT_DATE", "2026-12-01", 30.0) == dt.datetime(2027, 1, 14, tzinfo=UTC)
    out = call("XLPROF_EXIT_DATE", decision, col(30.0, "abc", 60.0, XL_NA),
               col(None, None, com_date(2026, 1, 1), None))
    assert out == [[dt.datetime(2027, 1, 14, tzinfo=UTC)], ["#XLPROF! notice_days row 2 is text"],
                   [dt.datetime(2027, 2, 13, tzinfo=UTC)], ["#XLPROF! notice_days row 4 is #N/A"]]
    assert call("XLPROF_EXIT_DATE", "soon", 30.0) == "#XLPROF! decision_date is not a date"
    assert call("XLPROF_EXIT_DATE", decision, 30.0, None, None, None, 1.5) == (
        "#XLPROF! lead_days is not a whole number of days >= 0")


# -- (b) calls: bad input -------------------------------------------------------------------


def test_one_bad_row_marks_only_that_row(udfs):
    revenue = col(1000.0, "abc", XL_NA, None, None, 500.0, True, com_date(2024, 1, 1), XL_DIV0, "1,5")
    cogs = col(600.0, 1.0, 2.0, 3.0, None, None, 1.0, 1.0, 1.0, 1.0)
    out = call("XLPROF_MARGIN", revenue, cogs)
    assert out == [
        [400.0],
        ["#XLPROF! revenue row 2 is text"],
        ["#XLPROF! revenue row 3 is #N/A"],
        ["#XLPROF! revenue row 4 is blank"],
        [""],  # every range argument blank: a blank result (ranges longer than the data)
        ["#XLPROF! cogs row 6 is blank"],
        ["#XLPROF! revenue row 7 is TRUE, not a number"],
        ["#XLPROF! revenue row 8 is a date, not a number"],
        ["#XLPROF! revenue row 9 is #DIV/0!"],
        [0.5],  # "1,5" is 1.5 with a decimal comma, as the reader reads it
    ]


def test_single_cell_problems(udfs):
    assert call("XLPROF_MARGIN", "abc", 600.0) == "#XLPROF! revenue is text"
    assert call("XLPROF_MARGIN", 1000.0, XL_VALUE) == "#XLPROF! cogs is #VALUE!"
    assert call("XLPROF_MARGIN", None, 600.0) == "#XLPROF! revenue is blank"
    assert call("XLPROF_MARGIN", None, None) == ""
    assert call("XLPROF_MARGIN", 1000.0, 600.0, "n/a") == "#XLPROF! discounts is text"


def test_mismatched_sizes_give_one_text(udfs):
    assert call("XLPROF_MARGIN", col(1.0, 2.0), col(1.0, 2.0, 3.0)) == (
        "#XLPROF! cogs has 3 rows but revenue has 2 rows")
    assert call("XLPROF_MARGIN", col(1.0, 2.0), ((1.0, 2.0),)) == (
        "#XLPROF! cogs has 2 columns but revenue has 2 rows")
    assert call("XLPROF_NET_PROFIT", col(1.0, 2.0), col(1.0, 2.0), col(1.0, 2.0), col(1.0,) * 1,
                col(1.0, 2.0, 3.0)) == "#XLPROF! financing_cost has 3 rows but revenue has 2 rows"
    assert call("XLPROF_TERMINATION_SCORE", col(1.0, 2.0), col(1.0, 2.0), col(1.0, 2.0, 3.0)) == (
        "#XLPROF! cost_to_serve has 3 rows but net_profit has 2 rows")
    assert call("XLPROF_TERMINATION_SCORE", ((1.0, 2.0),), ((1.0, 2.0),), ((1.0, 2.0),)) == (
        "#XLPROF! net_profit must be one column (one row per client), got 2 columns")


def test_shapes_follow_the_input(udfs):
    assert call("XLPROF_MARGIN", ((10.0, 20.0, 30.0),), 5.0) == [5.0, 15.0, 25.0]  # a row
    block = call("XLPROF_MARGIN", ((10.0, 20.0), (30.0, 40.0)), ((1.0, 2.0), (3.0, 4.0)))
    assert block == [[9.0, 18.0], [27.0, 36.0]]
    # a single cell applies to every row; a problem in it spoils the whole call
    assert call("XLPROF_MARGIN", col(10.0, 20.0), 5.0) == [[5.0], [15.0]]
    assert call("XLPROF_MARGIN", col(10.0, 20.0), "x") == "#XLPROF! cogs is text"
    assert call("XLPROF_MARGIN", col(10.0, 20.0), None) == "#XLPROF! cogs is blank"


def test_nothing_escapes_as_an_exception(udfs, monkeypatch):
    for fname in names(udfs):
        params = excel_params(getattr(udfs, fname))
        for junk in ("abc", XL_NA, ((1.0, "x"), (True, None))):
            out = call(fname, *([junk] * len(params)))
            flat = out if not isinstance(out, list) else [
                c for r in out for c in (r if isinstance(r, list) else [r])]
            flat = flat if isinstance(flat, list) else [flat]
            assert any(is_error(c) for c in flat), (fname, junk, out)
    from xlprof.model import formulas

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(formulas, "gross_margin", boom)
    assert call("XLPROF_MARGIN", 1.0, 2.0) == "#XLPROF! XLPROF_MARGIN failed: RuntimeError: boom"
    assert gc.isenabled()  # the guard pauses the cyclic GC during a call, and restores it


def test_error_texts_are_short(udfs):
    out = call("XLPROF_MARGIN", "x" * 1000, 1.0)
    assert out == "#XLPROF! revenue is text"
    long_key = (("k" * 400, 1.0),)
    out = call("XLPROF_ANALYZE", *_tables(), long_key)
    assert is_error(out) and len(out) <= 255


# -- (b) calls: scores, reasons, actions -------------------------------------------------------


def test_termination_score_hand_worked(udfs):
    # margin -10 % -> profitability (0.1 + 0.1) / 0.3 = 2/3; CTS/NR 30 % -> burden 2/3
    # payment: 45 - 30 = 15 days late -> 0.25; ratings 2, 3, blank, 1 -> 0.75, 0.5, -, 1
    # score = 100 x (3 x 2/3 + 1.5 x 0.25 + 1.5 x 2/3 + 0.75 + 0.5 + 1) / (3 + 1.5 + 1.5 + 3)
    expected = 100 * (2 + 0.375 + 1 + 0.75 + 0.5 + 1) / 9
    args = (-100.0, 1000.0, 300.0, 45.0, 30.0, None, ((2.0, 3.0, None, 1.0),))
    assert call("XLPROF_TERMINATION_SCORE", *args) == pytest.approx(expected)
    assert call("XLPROF_SCORE_COVERAGE", *args) == pytest.approx(0.9)
    # weights as a row or as a column (order: SIGNALS), blanks keep the default weight
    row = ((3.0, 1.5, 1.5, 1.0, 1.0, 1.0, 1.0),)
    assert call("XLPROF_TERMINATION_SCORE", *args, row) == pytest.approx(expected)
    assert call("XLPROF_TERMINATION_SCORE", *args, col(3.0, None, 1.5, 1.0, 1.0, None, 1.0)) == (
        pytest.approx(expected))
    only_profit = ((1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0),)
    assert call("XLPROF_TERMINATION_SCORE", *args, only_profit) == pytest.approx(200 / 3)
    assert call("XLPROF_TERMINATION_SCORE", *args, ((1.0, 2.0),)) == (
        "#XLPROF! weights needs 7 values (" + ", ".join(SIGNALS) + "), got 2")
    assert call("XLPROF_TERMINATION_SCORE", *args, ((-1.0,) * 7,)) == "#XLPROF! weights must be >= 0"
    # bad debt of 100 on revenue 1,000 (10 % >= 2 %) makes the payment signal 1; NR <= 0 makes
    # profitability and burden 1; without the revenue the bad-debt share is refused
    assert call("XLPROF_TERMINATION_SCORE", 50.0, 0.0, 10.0, None, None, 100.0, xw_win.MISSING, xw_win.MISSING,
                1000.0) == (
        pytest.approx(100.0))
    assert call("XLPROF_TERMINATION_SCORE", 50.0, 0.0, 10.0, None, None, 100.0) == (
        "#XLPROF! give revenue: the payment signal compares bad debt / revenue with bad_debt_span")
    assert call("XLPROF_TERMINATION_SCORE", 300.0, 1000.0, 50.0) == pytest.approx(0.0)


def test_score_per_row_errors_and_ratings(udfs):
    out = call("XLPROF_TERMINATION_SCORE", col(-100.0, 5.0, None, 1.0), col(1000.0, 100.0, None, 10.0),
               col(300.0, "x", None, 1.0), None, None, None,
               ((2.0, 3.0, None, 1.0), (1.0, 1.0, 1.0, 1.0), (None, None, None, None), (7.0, 1.0, 1.0, 1.0)))
    # no payment data, needs fit not rated: weights 3 + 1.5 + 1 + 1 + 1
    assert out[0][0] == pytest.approx(100 * (2 + 1 + 0.75 + 0.5 + 1) / 7.5)
    assert out[1] == ["#XLPROF! cost_to_serve row 2 is text"]
    assert out[2] == [""]
    assert out[3] == ["#XLPROF! ratings row 4 column 1 is not a rating from 1 to 5"]
    assert call("XLPROF_TERMINATION_SCORE", 1.0, 1.0, 1.0, None, None, None, ((1.0, 2.0, 3.0),)) == (
        "#XLPROF! ratings needs 4 columns (values_alignment, communication, needs_fit, "
        "respect_of_terms), got 3")


def test_reasons_and_actions_text(udfs):
    args = (-100.0, 1000.0, 300.0, 45.0, 30.0, None, ((2.0, 3.0, None, 1.0),))
    assert call("XLPROF_SCORE_REASONS", *args) == (
        "net margin -10.0% (target 10%); cost-to-serve is 30% of net revenue; "
        "Respect of terms rated 1/5")
    assert call("XLPROF_SCORE_REASONS", *args, xw_win.MISSING, "es") == (
        "margen neto -10,0% (objetivo 10%); el coste de servir es el 30% de los ingresos netos; "
        "Respeto de las condiciones: valoración 1/5")
    assert call("XLPROF_SCORE_REASONS", 300.0, 1000.0, 50.0) == "no signal argues for exit"
    assert call("XLPROF_SCORE_REASONS", *args, xw_win.MISSING, "fr") == (
        "#XLPROF! lang must be one of en, es, got 'fr'")
    assert call("XLPROF_SCORE_REASONS", *args, xw_win.MISSING, XL_NA) == "#XLPROF! lang is #N/A"

    act = "XLPROF_ACTION"
    assert call(act, -100.0, 1000.0, 300.0, 50.0, 90.0, 1.0) == "Terminate"
    assert call(act, -100.0, 1000.0, 300.0, 50.0, 90.0, 1.0, None, None, None, "es", True) == (
        "Terminar la relación: puntuación 90 y la salida mejora el resultado en 50 EUR por periodo")
    assert call(act, -100.0, 1000.0, 300.0, 50.0, 90.0, 0.5) == "Review: rate the client first"
    assert call(act, -100.0, 1000.0, 300.0, 50.0, 90.0, 0.5, None, "yes") == "Retain (strategic)"
    assert call(act, -100.0, 1000.0, 300.0, -50.0, 60.0, 1.0, None, None, 4.0) == "Renegotiate"
    assert call(act, -100.0, 1000.0, 300.0, -50.0, 60.0) == "Restructure service (tourniquet)"
    assert call(act, -100.0, 1000.0, 50.0, -50.0, 60.0, 1.0, None, None, None, None, True) == (
        "Renegotiate: loses 100 EUR; raise price 10.0% to break even")
    assert call(act, 100.0, 1000.0, 50.0, -50.0, 10.0, 1.0, "Platino") == "Retain and grow"
    assert call(act, 100.0, 1000.0, 50.0, -50.0, 10.0, 1.0, "iron") == "Maintain"
    assert call(act, 100.0, 1000.0, 50.0, -50.0, 10.0, 1.0, "copper") == (
        "#XLPROF! tier is not a tier (Platinum, Gold, Iron, Lead)")
    # thresholds
    assert call(act, -100.0, 1000.0, 300.0, 50.0, 60.0, 1.0, None, None, None, None, None, 50.0) == "Terminate"
    assert call(act, -100.0, 1000.0, 300.0, 50.0, 60.0, 1.0, None, None, None, None, None, 500.0) == (
        "#XLPROF! score_terminate must be between 0 and 100, got 500.0")


# -- (b) calls: portfolio views ----------------------------------------------------------------


def test_tier_quadrant_whale(udfs):
    profits = col(500.0, 300.0, 150.0, 50.0, -100.0, None)
    assert call("XLPROF_TIER", profits) == [["Platinum"], ["Gold"], ["Iron"], ["Iron"], ["Lead"], [""]]
    assert call("XLPROF_TIER", profits, None, None, None, "es") == [
        ["Platino"], ["Oro"], ["Hierro"], ["Hierro"], ["Plomo"], [""]]
    # ties are broken by client id, not by row
    assert call("XLPROF_TIER", col(100.0, 100.0), col("B", "A"), 0.5, 0.9) == [["Gold"], ["Platinum"]]
    assert call("XLPROF_TIER", col(100.0, 100.0)) == [["Platinum"], ["Gold"]]
    # a bad row would shift every tier: every result cell shows it
    assert call("XLPROF_TIER", col(100.0, "x", 5.0, None)) == [
        ["#XLPROF! net_profits row 2 is text"]] * 3 + [[""]]
    assert call("XLPROF_TIER", ((1.0, 2.0), (3.0, 4.0))) == (
        "#XLPROF! net_profits must be one column or one row, got 2x2 cells")
    assert call("XLPROF_TIER", profits, None, 0.9, 0.8) == (
        "#XLPROF! tiers need 0 < tier_platinum < tier_gold <= 1, got 0.9 and 0.8")

    # quadrants: price realization 1, 0.9, 0.875; CTS/NR 0.1, 0.444, 0.0714 -> medians 0.9, 0.1
    q = call("XLPROF_QUADRANT", col(100.0, 50.0, 80.0, 10.0), col(10.0, 20.0, 5.0, 1.0),
             col(0.0, 5.0, 10.0, 10.0))
    assert q == [["Carriage trade"], ["Carriage trade"], ["Bargain basement"], ["n/a"]]
    # fixed split (e.g. the portfolio's medians): one client per row works too
    fixed = call("XLPROF_QUADRANT", col(100.0, 50.0), col(10.0, 20.0), col(0.0, 10.0), "es", 0.95, 0.5)
    assert fixed == [["Pasivo"], ["Agresivo"]]
    assert call("XLPROF_QUADRANT", 50.0, 20.0, 10.0, None, 0.95, 0.5) == "Aggressive"
    assert call("XLPROF_QUADRANT", col(1.0,), col(1.0,), None, None, 0.95) == (
        "#XLPROF! give both price_median and cost_median, or neither")

    assert call("XLPROF_WHALE_CURVE", col(50.0, 100.0, -50.0)) == [[1.5], [1.0], [1.0]]
    assert call("XLPROF_WHALE_CURVE", col(50.0, 100.0, -50.0, None), None, True) == [
        [1.0], [1.5], [1.0], [""]]
    assert call("XLPROF_WHALE_CURVE", col(-50.0, 10.0)) == [[""], [""]]  # total profit <= 0


# -- (b) agreement with an independent reference: per-row cells and array calls ----------------
#
# The expected values come from tests/_reference.py, a plain-Python re-implementation of
# design.md section 4 computed from the raw inputs -- never from xlprof.model, which the
# functions call: a wrong formula cannot pass by being compared with itself. (analyze() is
# checked against the same reference in test_independent.py and test_properties.py.)


def _raw(portfolio):
    """The portfolio's inputs as the records the reference reads."""
    return (portfolio.clients.to_dict("records"), portfolio.activities.to_dict("records"),
            list(portfolio.volumes.itertuples(index=False, name=None)),
            portfolio.resources.to_dict("records"))


def _portfolio():
    from xlprof.demo import demo_portfolio

    p = demo_portfolio(300)  # large enough for a positive total profit (a whale curve)
    clients, acts, vols, res = _raw(p)
    return p, R.analyse(clients, acts, vols, res, p.settings), clients, acts


def _cell(v):
    """A value as the cell Excel would pass."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, dt.date):
        return com_date(v.year, v.month, v.day)
    if isinstance(v, (int, float, np.integer, np.floating)):
        return float(v)
    return v


def _blank_or(v):
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else v


@pytest.fixture(scope="module")
def model():
    return _portfolio()


def test_per_row_cells_equal_the_reference(udfs, model):
    """What the workbook writer's ``--formulas udf`` mode writes: one formula per client row,
    each argument one cell (or one row of cells). Inputs are the raw inputs and the
    reference's own intermediate figures; expected values are the reference's."""
    portfolio, ref, clients, acts = model
    s = portfolio.settings
    weights = (tuple(s.weights.values()),)
    names_ = [a["activity"] for a in acts]
    rates = (tuple(ref.rates[n].rate for n in names_),)
    minutes = (tuple(_cell(a["minutes_per_unit"]) for a in acts),)
    vol = R.volume_table(_raw(portfolio)[2])
    sample = sorted(clients, key=lambda c: c["client_id"])[::5]  # 60 clients, every action among them
    assert {ref.clients[c["client_id"]].action for c in sample} == {
        "terminate", "restructure", "renegotiate", "retain_grow", "maintain", "retain_strategic"}
    checked = 0
    for raw in sample:
        r = ref.clients[raw["client_id"]]
        c = {k: _cell(v) for k, v in raw.items()}
        assert call("XLPROF_MARGIN", c["revenue"], c["cogs"], c["discounts"]) == pytest.approx(r.gross_margin)
        assert call("XLPROF_NET_REVENUE", c["revenue"], c["discounts"]) == pytest.approx(r.net_revenue)
        vrow = (tuple(vol.get((r.client_id, n), 0.0) for n in names_),)
        assert call("XLPROF_COST_TO_SERVE", vrow, rates) == pytest.approx(r.cost_to_serve)
        assert call("XLPROF_SERVICE_HOURS", vrow, minutes) == pytest.approx(r.service_hours)
        fin = call("XLPROF_FINANCING_COST", c["revenue"], c["days_to_pay"], s.cost_of_capital)
        assert fin == pytest.approx(r.financing_cost)
        profit = call("XLPROF_NET_PROFIT", c["revenue"], c["cogs"], r.cost_to_serve, c["discounts"],
                      r.financing_cost, c["bad_debt"])
        assert profit == pytest.approx(r.net_profit)
        assert _blank_or(call("XLPROF_NET_MARGIN", r.net_profit, r.net_revenue)) == (
            pytest.approx(_blank_or(r.net_margin)))
        ratings = ((c["values_alignment"], c["communication"], c["needs_fit"], c["respect_of_terms"]),)
        score_args = (r.net_profit, r.net_revenue, r.cost_to_serve, c["days_to_pay"],
                      c["payment_terms_days"], c["bad_debt"], ratings, weights)
        assert call("XLPROF_TERMINATION_SCORE", *score_args, c["revenue"]) == pytest.approx(_blank_or(r.score))
        assert call("XLPROF_SCORE_COVERAGE", *score_args, c["revenue"]) == pytest.approx(r.score_coverage)
        assert call("XLPROF_SCORE_REASONS", *score_args, "en", c["revenue"]) == "; ".join(
            R.reason_texts(r.reason_codes, raw, r, s))
        action_args = (r.net_profit, r.net_revenue, r.cost_to_serve, r.exit_gain, _cell(r.score),
                       r.score_coverage, label(r.tier), c["strategic"], c["growth_potential"])
        assert call("XLPROF_ACTION", *action_args) == label(r.action)
        assert call("XLPROF_ACTION", *action_args, "en", True).startswith(f"{label(r.action)}: ")
        avoidable = r.avoidable_cost_to_serve
        assert call("XLPROF_DROP_IMPACT", c["revenue"], c["cogs"], avoidable, c["discounts"],
                    r.financing_cost, c["bad_debt"], c["exit_penalty"]) == pytest.approx(r.drop_impact)
        assert call("XLPROF_DROP_IMPACT", c["revenue"], c["cogs"], avoidable, c["discounts"],
                    r.financing_cost, c["bad_debt"], c["exit_penalty"], True) == (
            pytest.approx(r.drop_impact_ledger))
        monthly = (r.drop_impact + R.num(raw["exit_penalty"], 0.0)) / s.period_months
        exit_date = call("XLPROF_EXIT_DATE", _cell(s.decision_date), c["notice_days"], c["contract_end"],
                         c["exit_penalty"], monthly, float(s.notice_lead_days))
        assert exit_date.date() == r.exit_date
        checked += 1
    assert checked == 60


def test_array_calls_equal_the_reference(udfs, model):
    portfolio, ref, clients, acts = model
    raw = sorted(clients, key=lambda c: c["client_id"])
    res = [ref.clients[c["client_id"]] for c in raw]

    def column(name):
        return col(*(_cell(c[name]) for c in raw))

    def result(name):
        return col(*(_cell(getattr(r, name)) for r in res))

    def want(name):
        return [getattr(r, name) for r in res]

    def flat(out):
        return [row[0] for row in out]

    assert flat(call("XLPROF_MARGIN", column("revenue"), column("cogs"), column("discounts"))) == (
        pytest.approx(want("gross_margin")))
    names_ = [a["activity"] for a in acts]
    vol = R.volume_table(_raw(portfolio)[2])
    vols = tuple(tuple(vol.get((r.client_id, n), 0.0) for n in names_) for r in res)
    rates = col(*(ref.rates[n].rate for n in names_))
    assert flat(call("XLPROF_COST_TO_SERVE", vols, rates)) == pytest.approx(want("cost_to_serve"))
    ratings = tuple(tuple(_cell(c[k]) for k in R.RATINGS) for c in raw)
    args = (result("net_profit"), result("net_revenue"), result("cost_to_serve"), column("days_to_pay"),
            column("payment_terms_days"), column("bad_debt"), ratings)
    assert flat(call("XLPROF_TERMINATION_SCORE", *args, xw_win.MISSING, column("revenue"))) == pytest.approx(
        [_blank_or(x) for x in want("score")])
    assert flat(call("XLPROF_SCORE_REASONS", *args, xw_win.MISSING, xw_win.MISSING, column("revenue"))) == [
        "; ".join(R.reason_texts(r.reason_codes, c, r, portfolio.settings)) for c, r in zip(raw, res)]
    ids = column("client_id")
    assert flat(call("XLPROF_TIER", result("net_profit"), ids)) == [label(t) for t in want("tier")]
    assert flat(call("XLPROF_QUADRANT", column("revenue"), result("cost_to_serve"), column("discounts"))) == (
        [label(q) for q in want("quadrant")])
    assert flat(call("XLPROF_WHALE_CURVE", result("net_profit"), ids)) == pytest.approx(
        want("cumulative_profit_share"))
    ranked = flat(call("XLPROF_WHALE_CURVE", result("net_profit"), ids, True))
    by_rank = sorted(res, key=lambda r: (-r.net_profit, r.client_id))
    assert ranked == pytest.approx([r.cumulative_profit_share for r in by_rank])
    # activity rates: pool rates and time-driven rates give the reference's rates
    pool = [ref.rates[n] for n in names_ if ref.rates[n].source == "pool"]
    assert flat(call("XLPROF_ACTIVITY_RATES", col(*(a.pool for a in pool)), col(*(a.total_volume for a in pool)))) == (
        pytest.approx([a.rate for a in pool]))
    resources = {r["resource"]: r for r in portfolio.resources.to_dict("records")}
    for name, r in resources.items():
        timed = [ref.rates[n] for n in names_ if ref.rates[n].resource == name]
        out = call("XLPROF_TIME_DRIVEN_RATES", float(r["cost"]), float(r["capacity_hours"]),
                   col(*(a.minutes for a in timed)))
        assert flat(out) == pytest.approx([a.rate for a in timed])


# -- XLPROF_ANALYZE ----------------------------------------------------------------------------

CLIENT_HEAD = ("client_id", "client_name", "revenue", "discounts", "cogs", "payment_terms_days",
               "days_to_pay", "bad_debt", "contract_end", "notice_days", "exit_penalty",
               "values_alignment", "communication", "needs_fit", "respect_of_terms",
               "growth_potential", "strategic")
CLIENT_ROWS = (
    ("C1", "Alpha", 100000.0, 5000.0, 60000.0, 30.0, 45.0, None, dt.date(2027, 12, 31), 60.0, 2000.0,
     4.0, 4.0, 5.0, 4.0, 3.0, "no"),
    ("C2", "Beta", 20000.0, None, 15000.0, 30.0, 95.0, 500.0, None, 30.0, None, 2.0, 1.0, 2.0, 2.0,
     1.0, "no"),
    ("C3", "Gamma", 50000.0, 1000.0, 30000.0, 60.0, 60.0, None, None, None, None, None, None, None,
     None, None, "yes"),
    ("7", "Delta", 8000.0, 0.0, 7000.0, 30.0, 30.0, 0.0, dt.date(2027, 3, 31), 90.0, 500.0, 3.0, 3.0,
     3.0, 3.0, 4.0, "no"),
)
ACT_HEAD = ("activity", "cost_pool", "rate", "behavior", "minutes_per_unit", "resource")
ACT_ROWS = (("Orders", 10000.0, None, "variable", None, None),
            ("Visits", None, 200.0, "avoidable_fixed", None, None),
            ("Support", 6000.0, None, "committed_fixed", None, None),
            ("Calls", None, None, "variable", 12.0, "Desk"))
VOL_HEAD = ("client_id", "Orders", "Visits", "Support", "Calls")
VOL_ROWS = (("C1", 100.0, 5.0, 10.0, 50.0), ("C2", 80.0, 20.0, 40.0, 300.0),
            ("C3", 20.0, 1.0, None, 10.0), (7.0, 10.0, None, 5.0, None))
RES = (("resource", "cost", "capacity_hours"), ("Desk", 12000.0, 200.0))
SETTINGS = (("decision_date", dt.date(2026, 12, 1)), ("cost_of_capital", 0.1))


def _tables():
    return ((CLIENT_HEAD, *CLIENT_ROWS), (ACT_HEAD, *ACT_ROWS), (VOL_HEAD, *VOL_ROWS))


def _expected():
    """The reference's results for the tables above, from the same raw values."""
    clients = [dict(zip(CLIENT_HEAD, row)) for row in CLIENT_ROWS]
    for c in clients:
        c["strategic"] = c["strategic"] == "yes"
    volumes = [("7" if row[0] == 7.0 else row[0], act, q)
               for row in VOL_ROWS for act, q in zip(VOL_HEAD[1:], row[1:]) if q is not None]
    s = Settings(decision_date=dt.date(2026, 12, 1), cost_of_capital=0.1)
    acts = [dict(zip(ACT_HEAD, r)) for r in ACT_ROWS]
    ref = R.analyse(clients, acts, volumes, [dict(zip(RES[0], RES[1]))], s)
    return ref, {c["client_id"]: c for c in clients}, s


def test_analyze_equals_the_reference(udfs):
    out = call("XLPROF_ANALYZE", *_tables(), SETTINGS, RES)
    ref, raw, s = _expected()
    assert out[0] == CLIENT_RESULT_COLUMNS
    assert len(out) == 1 + len(CLIENT_ROWS)
    assert [row[0] for row in out[1:]] == ["7", "C1", "C2", "C3"]  # ids as text, 7.0 -> "7", sorted
    for got in out[1:]:
        r = ref.clients[got[0]]
        for name, g in zip(CLIENT_RESULT_COLUMNS[1:], got[1:]):
            w = r.service_hours if name == "freed_hours" else getattr(r, name, None)
            if name == "reasons":
                assert g == "; ".join(R.reason_texts(r.reason_codes, raw[r.client_id], r, s)), name
            elif name == "exit_date":
                assert g.date() == w
            elif isinstance(w, str):
                assert g == w, name
            elif math.isnan(w):
                assert g == "", name
            else:
                assert g == pytest.approx(w), name
    # by hand: C2 consumes 80 of 210 orders (pool 10,000), 20 visits at 200, 40 of 55 support
    # units (pool 6,000) and 300 calls of 12 minutes on a desk costing 12,000 for 200 hours
    # (1 per minute): CTS = 3,809.52 + 4,000 + 4,363.64 + 3,600 = 15,773.16; financing
    # 20,000 x 95 days x 10 % / 365 = 520.55; P = 20,000 - 15,000 - 15,773.16 - 520.55 - 500
    c2 = dict(zip(CLIENT_RESULT_COLUMNS, out[3]))
    cts = 80 * 10_000 / 210 + 20 * 200 + 40 * 6_000 / 55 + 300 * 12
    assert c2["cost_to_serve"] == pytest.approx(cts)
    assert c2["financing_cost"] == pytest.approx(20_000 * 95 * 0.1 / 365)
    assert c2["net_profit"] == pytest.approx(20_000 - 15_000 - cts - 20_000 * 95 * 0.1 / 365 - 500)
    assert c2["service_hours"] == pytest.approx(300 * 12 / 60)
    # the settings range may carry a header row; Spanish headers work as in the reader
    with_header = (("Parámetro", "Valor"), *SETTINGS)
    assert call("XLPROF_ANALYZE", *_tables(), with_header, RES) == out


def test_analyze_long_volumes_and_defaults(udfs):
    long = (("client_id", "activity", "quantity"),
            *((row[0], act, q) for row in VOL_ROWS for act, q in zip(VOL_HEAD[1:], row[1:]) if q))
    clients, acts, wide = _tables()
    acts_no_res = (ACT_HEAD, *ACT_ROWS[:3])
    wide3 = tuple(row[:4] for row in wide)
    long3 = tuple(r for r in long if r[1] != "Calls")
    out_wide = call("XLPROF_ANALYZE", clients, acts_no_res, wide3)
    out_long = call("XLPROF_ANALYZE", clients, acts_no_res, long3)
    assert out_wide == out_long
    assert [r[-2] for r in out_wide[1:]] == [""] * 4  # no decision_date: no exit dates


def test_analyze_bad_input_is_one_located_text(udfs):
    clients, acts, vols = _tables()
    bad = (clients[0], clients[1], ("C2", "Beta", "abc", *clients[2][3:]), *clients[3:])
    assert call("XLPROF_ANALYZE", bad, acts, vols, SETTINGS, RES) == (
        "#XLPROF! clients row 3 column revenue: 'abc' is not a number")
    na = (clients[0], ("C1", "Alpha", XL_NA, *clients[1][3:]), *clients[2:])
    assert call("XLPROF_ANALYZE", na, acts, vols, SETTINGS, RES) == (
        "#XLPROF! clients row 2 column revenue: cell holds the Excel error #N/A; fix the formula or type the value")
    assert call("XLPROF_ANALYZE", *_tables(), (("colour", "blue"),), RES).startswith(
        "#XLPROF! settings row 2 column key: unknown setting 'colour'")
    out = call("XLPROF_ANALYZE", clients, acts, vols)  # Calls needs the Resources table
    assert out.startswith("#XLPROF! activities row 5 column resource: resource 'Desk' is not in")


# -- the reference and the model -------------------------------------------------------------------


def _generator():
    spec = importlib.util.spec_from_file_location("gen_function_docs", ROOT / "scripts" / "gen_function_docs.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_function_docs_are_up_to_date(udfs):
    gen = _generator()
    text = gen.generate()
    assert (ROOT / "docs" / "functions.md").read_text(encoding="utf-8") == text, (
        "docs/functions.md is out of date: run python scripts/gen_function_docs.py")
    # the generator reads the same metadata xlwings records
    docs = {f.name: f for f in gen.functions()}
    assert set(docs) == set(names(udfs))
    for fname, f in docs.items():
        info = getattr(udfs, fname).__xlfunc__
        assert f.doc == info["ret"]["doc"]
        assert [(a.name, a.doc, a.optional) for a in f.args] == [
            (x["name"], x["doc"], "optional" in x) for x in info["args"] if x["name"] != "caller"]
        assert f.example[0].startswith(f"={fname}(")
    for needed in ("python -m build", "xlprof addin install", "ImportPythonUDFsToAddin",
                   "Trust access to the VBA project object model", "Tools > References", "UDF Modules",
                   "xlprof.udfs", "Import Functions", "=XLPROF_MARGIN(", "xlprof lite", "from xlprof.lite import *",
                   "Ctrl+Shift+Enter", "rebuild the add-in: xlprof addin install"):
        assert needed in text, needed
    assert "pip install xlprof\n" not in text and "`pip install xlprof`" not in text  # not published


def test_vector_model_loads_no_excel_library():
    code = ("import sys, xlprof.model.vector as v; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('xlwings', 'openpyxl')))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_caller_position_does_not_matter(udfs):
    caller = fake_caller(3, 1, row=5, column=9, sheet="Calc")
    assert call("XLPROF_MARGIN", col(3.0, 2.0, 1.0), 1.0, caller=caller) == [[2.0], [1.0], [0.0]]
