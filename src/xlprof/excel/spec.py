"""How an ``XLPROF_`` function is declared once and registered twice.

The definitions (:mod:`xlprof.excel.functions`, :mod:`xlprof.excel.portfolio`) are plain
Python functions marked with :func:`excel_function`, which records each argument's
description and guards the function (nothing raises into Excel). They carry no xlwings
decorator: :func:`register` makes a fresh wrapper per front door and applies that front
door's ``func``/``arg`` decorators to it -- classic xlwings in :mod:`xlprof.udfs`, xlwings
Lite (Office.js) in :mod:`xlprof.lite` -- so the two registrations never share metadata and
no definition is written twice.

Conventions of every function:

* Array-first: every argument accepts one cell or a whole range; the result has the shape
  of the range arguments (a single cell gives a single value, a column a spilled column).
  Single-cell arguments are applied to every row.
* Every argument arrives as a list of rows (``ndim=2``) with error cells as text
  (``err_to_str=True`` in classic xlwings; Office.js sends them as text anyway).
* A problem becomes a short text starting with ``#XLPROF!``: a bad row marks only its own
  output cell; arguments of different sizes give one text for the whole call.
* Python names carry the ``XLPROF_`` prefix (xlwings names the Excel function after the
  Python function); parameters carry no type hints (xlwings would treat them as converters).
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from .convert import guard

CATEGORY = "xlprof"
#: Options of every classic-xlwings argument: always a list of rows; error cells as "#N/A" text.
RANGE = {"ndim": 2, "err_to_str": True}
SPEC_ATTR = "__xlprof_spec__"


@dataclass(frozen=True)
class FunctionSpec:
    """What every front door needs to register one function."""

    name: str
    doc: str
    args: tuple[tuple[str, str], ...]  # (parameter, description), in signature order
    optional: frozenset[str]
    call_in_wizard: bool = True
    aligned: bool = True  # one result row per input row (False: XLPROF_ANALYZE's own table)


def excel_function(*, call_in_wizard: bool = True, aligned: bool = True, **arg_docs: str) -> Callable:
    """Mark a plain function as an ``XLPROF_`` worksheet function; ``arg_docs`` describes
    every parameter, in signature order (checked here, so a renamed parameter cannot lose
    its description)."""

    def decorate(f: Callable) -> Callable:
        params = inspect.signature(f).parameters
        if list(arg_docs) != list(params):
            raise TypeError(f"{f.__name__}: argument descriptions {list(arg_docs)} do not match "
                            f"the parameters {list(params)}")
        if not f.__doc__:
            raise TypeError(f"{f.__name__}: a worksheet function needs a one-line docstring")
        spec = FunctionSpec(
            f.__name__, f.__doc__, tuple(arg_docs.items()),
            frozenset(n for n, p in params.items() if p.default is not inspect.Parameter.empty),
            call_in_wizard, aligned)
        wrapped = guard(f)
        setattr(wrapped, SPEC_ATTR, spec)
        return wrapped

    return decorate


def spec_of(f: Callable) -> FunctionSpec:
    return getattr(f, SPEC_ATTR)


def fresh(f: Callable) -> Callable:
    """A new function object calling ``f``, with its name, docstring and signature (inspect
    follows ``__wrapped__``), that no front door has decorated yet."""

    @functools.wraps(f)
    def wrapper(*args):
        return f(*args)

    vars(wrapper).pop("__xlfunc__", None)  # never another front door's metadata
    return wrapper


def with_extra_parameter(f: Callable, call: Callable, parameter: inspect.Parameter,
                         annotation: Any = None) -> Callable:
    """A new function object with ``f``'s name and docstring whose signature is ``f``'s plus
    ``parameter`` (a runtime-supplied value such as the calling cell); ``call(args, kwargs)``
    does the work."""

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        return call(args, kwargs)

    vars(wrapper).pop("__xlfunc__", None)
    del wrapper.__wrapped__  # the signature below is the one to show
    params = list(inspect.signature(f).parameters.values())
    wrapper.__signature__ = inspect.Signature([*params, parameter])
    wrapper.__annotations__ = {} if annotation is None else {parameter.name: annotation}
    return wrapper


def register(functions: Iterable[Callable], func: Callable, arg: Callable, *,
             func_options: Callable[[FunctionSpec], dict[str, Any]],
             arg_options: dict[str, Any], wrap: Callable[[Callable], Callable] = fresh
             ) -> dict[str, Callable]:
    """Decorate a fresh wrapper (``wrap(f)``) of each function with one front door's xlwings
    decorators (``func``, ``arg``: ``xlwings.func``/``xlwings.arg`` as that runtime binds
    them). Returns ``{name: decorated function}`` for the front door's module namespace."""
    out: dict[str, Callable] = {}
    for f in functions:
        spec = spec_of(f)
        decorated = wrap(f)
        for name, doc in reversed(spec.args):
            decorated = arg(name, doc=doc, **arg_options)(decorated)
        out[spec.name] = func(**func_options(spec))(decorated)
    return out
