"""xlwings Lite (Excel on Windows, Mac and the web, Python in the browser through Pyodide):
the ``XLPROF_`` functions as native custom functions and Recalculate as a script.

:mod:`xlprof.lite` is :func:`functions` and :func:`scripts` applied to the ``xlwings`` of
the running process: in xlwings Lite (and xlwings Server) ``xlwings.func``/``arg``/``script``
are the Office.js decorators, elsewhere no-ops. The definitions are the classic ones
(:mod:`xlprof.excel.catalog`), decorated a second time on fresh wrappers.

What differs from classic xlwings is only what the runtime gives: every argument is
declared 2-D (a column arrives as a list of rows, never flat), results are 2-D lists with
blanks as ``None`` (Lite shows NaN as ``#NUM!`` and xlwings writes ``None`` as an empty
cell), and the calling cell is unknown, so whole columns (``B:B``) are refused with a
message asking for rows. Recalculate runs through the same live adapter as the ribbon
button (:func:`xlprof.excel.live.recalculate_book`) on the Book Lite passes in.
"""

from __future__ import annotations

from typing import Any, Callable

from .catalog import FUNCTIONS
from .shape import call
from .spec import RANGE, register, spec_of

#: Name of the Recalculate script in the Lite pane (and the attribute of xlprof.lite).
SCRIPT_NAME = "xlprof_recalculate"


def _wrap(f: Callable) -> Callable:
    import functools

    spec = spec_of(f)

    @functools.wraps(f)
    def wrapper(*args):
        return call(f, args, None, aligned=spec.aligned)

    vars(wrapper).pop("__xlfunc__", None)
    return wrapper


def functions(xw) -> dict[str, Callable]:
    """``{name: function}`` decorated with ``xw.func``/``xw.arg`` (Office.js in Lite)."""
    return register(FUNCTIONS, xw.func, xw.arg, func_options=lambda spec: {}, arg_options=RANGE,
                    wrap=_wrap)


def scripts(xw) -> dict[str, Callable]:
    """``{name: script}``: Recalculate, decorated with ``xw.script`` (Office.js in Lite)."""

    def xlprof_recalculate(book):
        """Recalculate: refresh tiers, scores, actions, plans and the Dashboard of this xlprof
        analysis workbook (what the ribbon's Recalculate button does in Excel for Windows)."""
        from .live import recalculate_book

        recalculate_book(book)

    # the runtime hands the open workbook to the parameter annotated with xlwings' Book
    xlprof_recalculate.__annotations__ = {"book": xw.Book, "return": None}
    xlprof_recalculate.__qualname__ = xlprof_recalculate.__name__ = SCRIPT_NAME
    return {SCRIPT_NAME: xw.script(xlprof_recalculate)}


def namespace(xw) -> dict[str, Any]:
    return {**functions(xw), **scripts(xw)}
