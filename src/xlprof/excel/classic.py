"""Classic xlwings (Excel for Windows with a local Python): the ``XLPROF_`` functions as
xlwings UDFs. :mod:`xlprof.udfs`, the module users name in xlwings' "UDF Modules" setting,
is :func:`functions` applied to the ``xlwings`` of the running process.
"""

from __future__ import annotations

from typing import Any, Callable

from .catalog import FUNCTIONS
from .spec import CATEGORY, RANGE, FunctionSpec, register


def _func_options(spec: FunctionSpec) -> dict[str, Any]:
    options: dict[str, Any] = {"category": CATEGORY}
    if not spec.call_in_wizard:
        options["call_in_wizard"] = False
    return options


def functions(xw) -> dict[str, Callable]:
    """``{name: function}`` decorated with ``xw.func``/``xw.arg`` as this process binds them
    (on Windows, xlwings' classic UDF decorators; elsewhere xlwings' no-ops)."""
    return register(FUNCTIONS, xw.func, xw.arg, func_options=_func_options, arg_options=RANGE)
