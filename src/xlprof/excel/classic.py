"""Classic xlwings (Excel for Windows with a local Python): the ``XLPROF_`` functions as
xlwings UDFs. :mod:`xlprof.udfs`, the module users name in xlwings' "UDF Modules" setting,
is :func:`functions` applied to the ``xlwings`` of the running process.

Each function gets xlwings' reserved ``caller`` argument (``Application.Caller``; it is not
an Excel argument: the VBA wrapper passes ``Nothing`` and xlwings hands over the calling
range), so that whole columns line up with their rows and Excel 2016/2019 gets a result
sized to the selection (:mod:`xlprof.excel.shape`).
"""

from __future__ import annotations

import inspect
from typing import Any, Callable

from .catalog import FUNCTIONS
from .convert import error_text
from .shape import Caller, call
from .versions import addin_problem
from .spec import CATEGORY, RANGE, FunctionSpec, register, spec_of, with_extra_parameter

_DYNAMIC_ARRAYS: dict[Any, bool] = {}  # Excel window handle -> spills arrays


def _spills(app) -> bool:
    """Whether this Excel has dynamic arrays: the probe xlwings itself uses
    (``WorksheetFunction.Unique`` exists from Excel 2021/365 on), once per Excel."""
    key = app.Hwnd
    if key not in _DYNAMIC_ARRAYS:
        try:
            app.WorksheetFunction.Unique("dummy")
            _DYNAMIC_ARRAYS[key] = True
        except Exception:  # noqa: BLE001 - AttributeError or a COM error: no such function
            _DYNAMIC_ARRAYS[key] = False
    return _DYNAMIC_ARRAYS[key]


def _addin_problem(rng) -> str | None:
    """An xlprof.xlam built for another xlwings than the installed one (see versions.py)."""
    try:
        return addin_problem(rng.api.Application)
    except Exception:  # noqa: BLE001 - no caller: nothing to check
        return None


def caller_of(rng) -> Caller | None:
    """The calling range xlwings hands over (an ``xlwings.Range``), or None if unreadable."""
    if rng is None:
        return None
    try:
        api = rng.api
        caller = Caller(api.Row, api.Column, api.Rows.Count, api.Columns.Count)
    except Exception:  # noqa: BLE001 - no caller (e.g. called from VBA): behave as before
        return None
    try:
        spills = _spills(api.Application)
    except Exception:  # noqa: BLE001
        spills = None
    return Caller(caller.row, caller.column, caller.rows, caller.columns, spills)


def _wrap(f: Callable) -> Callable:
    spec = spec_of(f)
    n = len(spec.args)

    def run(args: tuple, kwargs: dict) -> Any:
        values = list(args[:n]) + [None] * (n - len(args))
        rng = args[n] if len(args) > n else kwargs.get("caller")
        problem = _addin_problem(rng)
        if problem:
            return error_text(problem)
        return call(f, values, caller_of(rng), aligned=spec.aligned)

    caller = inspect.Parameter("caller", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None)
    return with_extra_parameter(f, run, caller)


def _func_options(spec: FunctionSpec) -> dict[str, Any]:
    options: dict[str, Any] = {"category": CATEGORY}
    if not spec.call_in_wizard:
        options["call_in_wizard"] = False
    return options


def functions(xw) -> dict[str, Callable]:
    """``{name: function}`` decorated with ``xw.func``/``xw.arg`` as this process binds them
    (on Windows, xlwings' classic UDF decorators; elsewhere xlwings' no-ops)."""
    return register(FUNCTIONS, xw.func, xw.arg, func_options=_func_options, arg_options=RANGE,
                    wrap=_wrap)
