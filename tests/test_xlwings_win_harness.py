"""Proves tests/xlwings_win.py: xlwings' real Windows UDF path on Linux."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import xlwings_win as xw_win
from xlwings_win import XL_DIV0, XL_ERRORS, XL_NA, XL_VALUE, com_date, fake_caller

MOD = "_sample_udfs"
UTC = dt.timezone.utc


@pytest.fixture(scope="module")
def sample():
    xw_win.install_windows_stubs()
    try:
        yield xw_win.load_udf_module(MOD)
    finally:
        xw_win.uninstall_windows_stubs()


@pytest.fixture
def tmp_udf_module(sample, tmp_path, monkeypatch):
    """Write a throw-away UDF module and load it through the harness."""

    def make(name: str, body: str):
        (tmp_path / f"{name}.py").write_text(
            "from __future__ import annotations\nimport xlwings as xw\n"
            + textwrap.dedent(body)
        )
        monkeypatch.syspath_prepend(str(tmp_path))
        return xw_win.load_udf_module(name)

    return make


# -- metadata recorded by the real decorators --------------------------------
def test_decorators_record_metadata(sample):
    info = sample.xlp_double.__xlfunc__
    assert info["name"] == "xlp_double"
    assert info["category"] == "xlprof sample"
    assert info["args"][0]["options"] == {"ndim": 2, "err_to_str": True}
    assert info["args"][0]["doc"] == "2-D range of numbers"
    assert info["ret"]["options"] == {"expand": "table"}
    assert info["ret"]["doc"].startswith("Doubles every number")

    rate = sample.xlp_with_rate.__xlfunc__["argmap"]["rate"]
    assert rate["optional"] == 0.2
    assert "optional" not in sample.xlp_with_rate.__xlfunc__["argmap"]["amount"]
    assert sample.xlp_month_end.__xlfunc__["volatile"] is True
    assert sample.xlp_double.__xlfunc__["volatile"] is False


def test_installed_state(sample):
    import xlwings
    import xlwings.udfs

    assert xlwings.func is xlwings.udfs.xlfunc
    assert xlwings.arg is xlwings.udfs.xlarg
    assert xlwings.ret is xlwings.udfs.xlret
    assert xlwings.sub is xlwings.udfs.xlsub
    assert "excel" in [e.name for e in xlwings.engines]
    assert xlwings.engines.active is None  # not activated: xw.Book() etc. unchanged
    xw_win.install_windows_stubs()  # idempotent
    assert xlwings.udfs is sys.modules["xlwings.udfs"]


# -- VBA wrapper / MacroOptions -----------------------------------------------
def test_vba_wrapper(sample):
    vba = xw_win.vba_wrapper(MOD)
    assert vba.startswith('Attribute VB_Name = "xlwings_udfs"\n')
    for name in ("xlp_double", "xlp_with_rate", "xlp_month_end", "xlp_echo"):
        assert f"Function {name}(" in vba
    assert "Function xlp_with_rate(amount, Optional rate)" in vba
    assert (
        'xlp_double = XLPy.CallUDF("_sample_udfs", "xlp_double", Array(values), '
        "ThisWorkbook, Application.Caller)" in vba
    )
    assert 'XLPy.CallUDF("_sample_udfs", "xlp_with_rate", Array(amount, rate)' in vba
    month_end = vba.split("Function xlp_month_end(day)")[1].split("End Function")[0]
    assert "Application.Volatile" in month_end
    assert "Application.Volatile" not in vba.split("Function xlp_month_end")[0]
    assert "xlp_double = Err.Description" in vba
    addin = xw_win.vba_wrapper(MOD, workbook_name="xlprof.xlam")
    assert "ActiveWorkbook, Application.Caller" in addin and "ThisWorkbook" not in addin


def test_macro_options_descriptions_and_category(sample):
    opts = xw_win.macro_options(MOD)
    assert set(opts) == {"xlp_double", "xlp_with_rate", "xlp_month_end", "xlp_echo"}
    assert opts["xlp_with_rate"]["Description"] == "Amount times an optional rate."
    assert opts["xlp_with_rate"]["Category"] == "xlprof sample"
    assert opts["xlp_with_rate"]["ArgumentDescriptions"] == [
        "Amount in currency units",
        "Rate, defaults to 0.2",
    ]
    assert opts["xlp_echo"]["ArgumentDescriptions"] == ["Positional argument 1"]


# -- calls through XLPython.CallUDF -----------------------------------------------
RANGE = (
    (1.0, 2.0),
    (None, "abc"),
    (XL_NA, 3.5),
    (XL_DIV0, True),
)
DOUBLED = [
    [2.0, 4.0],
    ["", "#XLPROF! row 2 is text"],  # blank in -> None -> "" out
    ["#XLPROF! row 3 is #N/A", 7.0],
    ["#XLPROF! row 4 is #DIV/0!", "#XLPROF! row 4 is text"],
]


@pytest.mark.parametrize("as_range", [True, False], ids=["range-ref", "array"])
def test_2d_range_with_blanks_errors_and_text(sample, as_range):
    assert xw_win.call_udf(MOD, "xlp_double", RANGE, as_range=as_range) == DOUBLED


@pytest.mark.parametrize("code", sorted(XL_ERRORS))
def test_every_error_code_arrives_as_string(sample, code):
    out = xw_win.call_udf(MOD, "xlp_double", ((code,), (1.0,)))
    assert out == [[f"#XLPROF! row 1 is {XL_ERRORS[code]}"], [2.0]]


def test_error_codes_without_err_to_str_become_none(sample):
    # xlp_echo has no err_to_str: errors arrive as None, go back out as ""
    assert xw_win.call_udf(MOD, "xlp_echo", ((XL_VALUE, 1.0),)) == ["", 1.0]


def test_optional_argument(sample):
    assert xw_win.call_udf(MOD, "xlp_with_rate", 10.0) == pytest.approx(2.0)
    assert xw_win.call_udf(MOD, "xlp_with_rate", 10.0, 0.5) == pytest.approx(5.0)
    assert xw_win.call_udf(MOD, "xlp_with_rate", 10.0, xw_win.MISSING) == pytest.approx(2.0)
    with pytest.raises(TypeError, match="missing required argument 'amount'"):
        xw_win.call_udf(MOD, "xlp_with_rate")
    with pytest.raises(TypeError, match="too many"):
        xw_win.call_udf(MOD, "xlp_with_rate", 1.0, 2.0, 3.0)


def test_dates(sample):
    feb_end = dt.datetime(2024, 2, 29, tzinfo=UTC)  # date -> tz-aware UTC datetime
    assert xw_win.call_udf(MOD, "xlp_month_end", com_date(2024, 2, 10)) == feb_end
    assert xw_win.call_udf(MOD, "xlp_month_end", dt.date(2024, 2, 10)) == feb_end
    assert xw_win.call_udf(MOD, "xlp_month_end", ((com_date(2024, 2, 10),),)) == feb_end
    assert xw_win.call_udf(MOD, "xlp_month_end", 45332.0) == feb_end  # serial 2024-02-10
    assert xw_win.call_udf(MOD, "xlp_month_end", com_date(2023, 12, 31, 15, 30)) == dt.datetime(
        2023, 12, 31, tzinfo=UTC
    )


def test_return_shapes(sample):
    assert xw_win.call_udf(MOD, "xlp_echo", 3.0) == 3.0  # 1x1 -> scalar
    assert xw_win.call_udf(MOD, "xlp_echo", "x") == "x"
    assert xw_win.call_udf(MOD, "xlp_echo", None) == ""  # None is written as ""
    assert xw_win.call_udf(MOD, "xlp_echo", ((1.0, 2.0, 3.0),)) == [1.0, 2.0, 3.0]  # 1 row -> flat
    assert xw_win.call_udf(MOD, "xlp_echo", ((1.0,), (2.0,))) == [[1.0], [2.0]]
    out = xw_win.call_udf(MOD, "xlp_echo", ((1.0, "a"), (None, False)))
    assert out == [[1.0, "a"], ["", False]]
    assert all(type(row) is list for row in out)
    out = xw_win.call_udf(MOD, "xlp_echo", ((com_date(2024, 1, 5),),))
    assert out == dt.datetime(2024, 1, 5, tzinfo=UTC)


def test_exceptions_propagate(sample):
    with pytest.raises(TypeError):
        xw_win.call_udf(MOD, "xlp_with_rate", "abc", 0.5)


# -- caller, legacy dynamic arrays, async -------------------------------------------
def test_expand_with_small_caller_schedules_resize(sample):
    import xlwings.udfs

    caller = fake_caller(formula="=xlp_double(C1:D2)")
    out = xw_win.call_udf(MOD, "xlp_double", ((1.0, 2.0), (3.0, 4.0)), caller=caller)
    assert out == [[2.0, 4.0], [6.0, 8.0]]  # full result, Excel would show only A1
    # xlwings then rewrites the formula as an array formula over the result size
    assert xw_win.wait_for_formula_write(caller) == (
        "FormulaArray",
        "$A$1:$B$2",
        "=xlp_double(C1:D2)",
    )
    assert xlwings.udfs.cache == {}


def test_expand_with_right_sized_caller_does_not_resize(sample):
    caller = fake_caller(2, 2, formula="{=xlp_double(C1:D2)}")
    out = xw_win.call_udf(MOD, "xlp_double", ((1.0, 2.0), (3.0, 4.0)), caller=caller)
    assert out == [[2.0, 4.0], [6.0, 8.0]]
    with pytest.raises(TimeoutError):
        xw_win.wait_for_formula_write(caller, timeout=0.5)


def test_caller_argument_and_async_and_coroutines(tmp_udf_module):
    tmp_udf_module(
        "_xlw_tmp_caller_udfs",
        """
        import asyncio

        @xw.func
        def where(caller, x):
            return f"{caller.sheet.name}!{caller.address} {caller.shape} x={x}"

        @xw.func(async_mode="threading")
        def slow(x):
            return x * 3

        @xw.func
        async def coro(x):
            await asyncio.sleep(0)
            return x + 1
        """,
    )
    vba = xw_win.vba_wrapper("_xlw_tmp_caller_udfs")
    assert "Function where(x)" in vba and "Array(Nothing, x)" in vba
    caller = fake_caller(2, 1, row=3, column=2, sheet="Calc")
    assert xw_win.call_udf("_xlw_tmp_caller_udfs", "where", 5.0, caller=caller) == (
        "Calc!$B$3:$B$4 (2, 1) x=5.0"
    )
    caller = fake_caller()
    assert xw_win.call_udf("_xlw_tmp_caller_udfs", "slow", 2.0, caller=caller) == 6.0
    assert ("Formula2", "$A$1", "=slow()") in caller.Worksheet.Parent.events
    assert xw_win.call_udf("_xlw_tmp_caller_udfs", "coro", 2.0) == 3.0


def test_gotchas(tmp_udf_module):
    mod = tmp_udf_module(
        "_xlw_tmp_gotcha_udfs",
        """
        @xw.arg("x", ndim=2)
        @xw.func(category="lost")  # not outermost: xw.arg resets the category
        def wrong_order(x):
            return 1

        @xw.func
        def hinted(x: float, y: float | None = None) -> float:
            return x + (y or 0)
        """,
    )
    assert mod.wrong_order.__xlfunc__["category"] == "xlwings"
    assert xw_win.call_udf("_xlw_tmp_gotcha_udfs", "hinted", 1.0) == 1.0
    with pytest.raises(AttributeError, match="reader"):  # Union hints can't convert
        xw_win.call_udf("_xlw_tmp_gotcha_udfs", "hinted", 1.0, 2.0)


def test_time_call_udf(sample):
    rows = tuple((float(i), float(i)) for i in range(200))
    seconds = xw_win.time_call_udf(MOD, "xlp_double", rows, repeat=3)
    assert 0 < seconds < 5


# -- reversibility (fresh interpreter, so this module's fixture is irrelevant) ------
def test_uninstall_restores_everything():
    code = textwrap.dedent(
        """
        import sys, xlwings
        import xlwings_win as h
        noop_func = xlwings.func
        h.install_windows_stubs()
        mod = h.load_udf_module("_sample_udfs")
        assert hasattr(mod.xlp_double, "__xlfunc__")
        assert h.call_udf("_sample_udfs", "xlp_with_rate", 10.0) == 2.0
        h.uninstall_windows_stubs()
        leftovers = [m for m in sys.modules if m.split(".")[0] in
                     ("pythoncom", "pywintypes", "win32com", "win32api", "win32con")
                     or m in ("xlwings.udfs", "xlwings._xlwindows",
                              "xlwings.com_server", "_sample_udfs")]
        assert not leftovers, leftovers
        assert xlwings.func is noop_func
        assert list(xlwings.engines) == []
        import _sample_udfs
        assert not hasattr(_sample_udfs.xlp_double, "__xlfunc__")
        h.install_windows_stubs()  # works again after an uninstall
        assert h.call_udf("_sample_udfs", "xlp_with_rate", 10.0, 0.5) == 5.0
        h.uninstall_windows_stubs()
        print("OK")
        """
    )
    here = Path(__file__).parent
    proc = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        cwd=here,
        env={**__import__("os").environ, "PYTHONPATH": str(here)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("OK")
    assert proc.stderr == ""
