"""Excel values -> numpy arrays, for every Excel front door (classic xlwings and Lite).

One place converts what Excel hands over: a cell or a range as a list of rows (xlwings'
``ndim=2``), blanks as ``None``, error cells as ``"#N/A"``-like text (``err_to_str``) or the
integers COM gives for them, currency cells as :class:`decimal.Decimal`. Numbers, dates
and yes/no go through :mod:`xlprof.textnorm` (the parser the file reader uses), so a cell
reads the same in a function as in ``xlprof validate``.

Nothing raises into Excel: :func:`guard` turns any exception into a short text starting
with ``#XLPROF!``; :class:`CallError` is a problem with the whole call, and a bad cell is
recorded in :attr:`Arg.bad` so that only its own output row shows it.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import itertools
import math
from typing import Any, Callable, Sequence

import numpy as np

from ..i18n import LANGS, parse_code
from ..model import vector as V
from ..model.segments import TIERS
from ..settings import DEFAULT_SETTINGS, SIGNALS
from ..io.evidence import (DATE_PROVES, AmbiguousValue, ConflictingValues, date_class, decide_date_order,
                            decide_decimal, number_class, to_number)
from ..textnorm import excel_error, parse_bool, parse_date, parse_number

PREFIX = "#XLPROF!"
MAX_MESSAGE = 255


class CallError(Exception):
    """A problem with the whole call: one ``#XLPROF!`` text instead of a result."""


def error_text(message: str) -> str:
    text = f"{PREFIX} {message}"
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 3] + "..."


def guard(f: Callable) -> Callable:
    """Excel shows a traceback for an uncaught exception: turn everything into a text."""

    @functools.wraps(f)
    def wrapper(*args):
        # An array call allocates one list per output row; with the (large) argument lists
        # alive, the cyclic GC would rescan them again and again. Nothing here makes cycles.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            return f(*args)
        except CallError as exc:
            return error_text(str(exc))
        except Exception as exc:  # noqa: BLE001 - nothing may escape into a cell
            return error_text(f"{f.__name__} failed: {type(exc).__name__}: {exc}")
        finally:
            if gc_was_enabled:
                gc.enable()

    return wrapper


def grid(raw: Any) -> list[list[Any]]:
    """What xlwings hands over with ``ndim=2`` (a list of rows) -- or a plain value, such as
    a Python default -- as a list of rows."""
    if isinstance(raw, (list, tuple)):
        if not raw:
            return [[None]]
        if isinstance(raw[0], (list, tuple)):  # xlwings' ndim=2: rows of equal length
            return raw  # type: ignore[return-value]
        return [list(raw)]
    return [[raw]]


def where(shape: tuple[int, int], i: int, j: int) -> str:
    rows, cols = shape
    if rows == 1 and cols == 1:
        return ""
    if cols == 1:
        return f" row {i + 1}"
    if rows == 1:
        return f" column {j + 1}"
    return f" row {i + 1} column {j + 1}"


def size_text(shape: tuple[int, int]) -> str:
    rows, cols = shape
    if cols == 1:
        return f"{rows} row" + ("s" if rows != 1 else "")
    if rows == 1:
        return f"{cols} columns"
    return f"{rows}x{cols} cells"


def bad_reason(v: Any) -> str:
    """Why a cell is not a number, in a few words."""
    if isinstance(v, bool):
        return f"is {'TRUE' if v else 'FALSE'}, not a number"
    if isinstance(v, (dt.date, dt.datetime)):
        return "is a date, not a number"
    err = excel_error(v)  # "#N/A" text, or the integer COM gives for #SPILL!, #CALC!...
    if err:
        return f"is {err}"
    if isinstance(v, str):
        return "is text"
    return "is not a number"


def _text_numbers(name: str, texts: dict[tuple[int, int], str],
                  setting: str = "auto") -> dict[tuple[int, int], float | str]:
    """Text cells of one argument read by the reading rule (:mod:`xlprof.io.evidence`): the
    argument is one column of evidence -- ``12,5`` in one cell proves a decimal comma for
    ``1.234`` in another --, ``setting`` (a settings range's ``decimal_separator``) settles
    what the evidence does not, and what still reads two ways is refused. Returns a number
    or the reason it is not one, per cell."""
    found: dict[str, str] = {}
    for text in texts.values():
        cls = number_class(text)
        if cls is not None:
            found.setdefault(cls, text)
    conflict = None
    try:
        decimal = decide_decimal(found, setting=setting, scope="")
    except AmbiguousValue:
        decimal = None  # the ambiguous cells are refused one by one below
    except ConflictingValues:
        decimal, conflict = None, True
    out: dict[tuple[int, int], float | str] = {}
    for pos, text in texts.items():
        if number_class(text) is None:
            out[pos] = "is text"
        elif conflict:
            out[pos] = (f"is text {text!r}, and other cells of {name} use the other decimal mark: "
                        "type the numbers themselves")
        else:
            try:
                out[pos] = to_number(text, decimal)
            except AmbiguousValue as exc:
                a, b = sorted(exc.readings.values())
                out[pos] = f"is text {text!r} that reads as {a:.15g} or {b:.15g}: type the number itself"
            except ValueError:
                out[pos] = "is text"
    return out


class Arg:
    """One converted argument: a 2-D array, its blank cells and its bad cells."""

    __slots__ = ("name", "vals", "blank", "bad", "given", "required")

    def __init__(self, name: str, vals: np.ndarray, blank: np.ndarray | None,
                 bad: dict[tuple[int, int], str], *, given: bool, required: bool) -> None:
        self.name = name
        self.vals = vals
        self.blank = blank          # bool array (True = blank cell) or None when none is
        self.bad = bad              # (row, col) -> reason ("is text")
        self.given = given          # False: an omitted optional argument (its default)
        self.required = required

    @property
    def shape(self) -> tuple[int, int]:
        return self.vals.shape  # type: ignore[return-value]

    def message(self, i: int, j: int, reason: str) -> str:
        return error_text(f"{self.name}{where(self.shape, i, j)} {reason}")

    def scalar(self):
        """The single value of a one-cell argument (CallError otherwise)."""
        if self.shape != (1, 1):
            raise CallError(f"{self.name} must be a single cell, got {size_text(self.shape)}")
        if self.bad:
            raise CallError(f"{self.name} {self.bad[(0, 0)]}")
        return self.vals[0, 0]

    def mark(self, mask: np.ndarray, reason: str) -> None:
        """Mark the cells of ``mask`` bad (keeping an earlier reason)."""
        for i, j in zip(*np.nonzero(mask)):
            self.bad.setdefault((int(i), int(j)), reason)


_FAST_BLANK_TYPES = frozenset({float, int, type(None)})
#: The integers COM gives for error cells: 0x800A07D0 + 0..99 (CVErr 2000..2099), signed.
_COM_ERRORS = (-2146826288, -2146826189)


def num(name: str, raw: Any, *, required: bool = False, default: float | None = None,
        decimal: str = "auto") -> Arg:
    """Numbers (NaN = blank) parsed like the reader does (:func:`parse_number`); blanks of
    an optional argument take ``default`` (when given). Text numbers follow the reading rule
    with the argument as their column, ``decimal`` (Settings ``decimal_separator``: ``auto``,
    ``.``, ``,``) settling what it leaves open."""
    if raw is None and not required:
        value = np.nan if default is None else float(default)
        return Arg(name, np.full((1, 1), value), None, {}, given=False, required=False)
    rows = grid(raw)
    shape = (len(rows), len(rows[0]))
    # One cheap pass over the types decides the path: numbers and blanks go straight
    # into numpy (fromiter turns None into NaN); anything else is parsed cell by cell.
    types = set(map(type, itertools.chain.from_iterable(rows)))
    bad: dict[tuple[int, int], str] = {}
    if types <= _FAST_BLANK_TYPES:
        vals = np.fromiter(itertools.chain.from_iterable(rows), dtype=float,
                           count=shape[0] * shape[1]).reshape(shape)
        blank = np.isnan(vals) if type(None) in types else None
        if int in types and ((vals >= _COM_ERRORS[0]) & (vals <= _COM_ERRORS[1])).any():
            # an integer COM hands over for a newer error (#SPILL!, #CALC!...): never a number
            for i, j in zip(*np.nonzero((vals >= _COM_ERRORS[0]) & (vals <= _COM_ERRORS[1]))):
                v = rows[i][j]
                if excel_error(v):
                    bad[(int(i), int(j))] = bad_reason(v)
                    vals[i, j] = math.nan
    else:
        flat: list[float] = []
        blanks: list[bool] = []
        texts: dict[tuple[int, int], str] = {}
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                t = type(v)
                if t is float or (t is int and not excel_error(v)):
                    flat.append(float(v))
                    blanks.append(False)
                    continue
                if t is str and v.strip() and not excel_error(v):
                    texts[(i, j)] = v  # decided for the whole argument, below
                    flat.append(math.nan)
                    blanks.append(False)
                    continue
                try:
                    x = parse_number(v)
                except ValueError:
                    bad[(i, j)] = bad_reason(v)
                    x = math.nan
                    flat.append(x)
                    blanks.append(False)
                    continue
                flat.append(math.nan if x is None else x)
                blanks.append(x is None)
        if texts:
            for (i, j), x in _text_numbers(name, texts, decimal).items():
                if isinstance(x, str):
                    bad[(i, j)] = x
                else:
                    flat[i * shape[1] + j] = x
        vals = np.array(flat, dtype=float).reshape(shape)
        blank = np.array(blanks, dtype=bool).reshape(vals.shape)
    if blank is not None and not blank.any():
        blank = None
    if blank is not None and default is not None:
        vals = np.where(blank, float(default), vals)
    return Arg(name, vals, blank, bad, given=True, required=required)


def objects(name: str, raw: Any, parse: Callable[[Any], Any], *, required: bool = False,
            default: Any = None) -> Arg:
    """Non-numeric cells (dates, yes/no, codes, ids) through ``parse`` (which raises
    ValueError with a short reason); blanks become ``default``."""
    if raw is None and not required:
        vals = np.empty((1, 1), dtype=object)
        vals[0, 0] = default
        return Arg(name, vals, None, {}, given=False, required=False)
    rows = grid(raw)
    vals = np.empty((len(rows), len(rows[0])), dtype=object)
    blank = np.zeros(vals.shape, dtype=bool)
    bad: dict[tuple[int, int], str] = {}
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            if v is None or (isinstance(v, str) and not v.strip()):
                blank[i, j] = True
                vals[i, j] = default
                continue
            err = excel_error(v)  # "#N/A" text or a COM error integer
            if err:
                bad[(i, j)] = f"is {err}"
                continue
            try:
                vals[i, j] = parse(v)
            except ValueError as exc:
                bad[(i, j)] = str(exc)
    return Arg(name, vals, blank if blank.any() else None, bad, given=True, required=required)


def parse_date_cell(v: Any, order: str = "auto") -> dt.date:
    """A date cell, an Excel date serial number or a text date (``order``: Settings
    ``date_order``, for text that reads two ways, such as ``03/04/2027``)."""
    if isinstance(v, bool):
        raise ValueError("is TRUE/FALSE, not a date")
    if isinstance(v, (int, float)):
        if not 1 <= v < 2958466:  # Excel's date range: 1900-01-01 .. 9999-12-31
            raise ValueError("is a number, not a date")
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(v))
    try:
        return parse_date(v, order=order)
    except AmbiguousValue as exc:
        first, second = exc.readings["dmy"], exc.readings["mdy"]
        raise ValueError(f"is text {v!r} that reads as {first.isoformat()} (day first) or "
                         f"{second.isoformat()} (month first): type the date as YYYY-MM-DD") from None
    except ValueError:
        raise ValueError("is not a date") from None


def parse_yes_no(v: Any) -> bool:
    try:
        return parse_bool(v)
    except ValueError:
        raise ValueError("is not yes/no (TRUE/FALSE)") from None


def parse_tier(v: Any) -> str:
    code = parse_code(v, TIERS)
    if code is None:
        raise ValueError("is not a tier (Platinum, Gold, Iron, Lead)")
    return code


def parse_id(v: Any) -> str:
    """Client ids as the reader makes them: text; 1.0 -> "1"."""
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v).strip()


#: Text date classes with the year last: the ones whose reading depends on the day/month order.
_YEAR_LAST = frozenset(c for c, proves in DATE_PROVES.items() if proves) | {"day_or_month"}


def dates(name: str, raw: Any, *, required: bool = False, order: str = "auto") -> Arg:
    """Date cells, serial numbers or text dates. Text dates follow the reading rule with the
    argument as their column -- ``31/12/2027`` in one cell puts the day first in every
    other --, ``order`` (Settings ``date_order``) settling what it leaves open; a date that
    still reads two ways, or an argument that puts the day first in one cell and the month
    first in another, is refused, never guessed."""
    found: dict[str, str] = {}
    if raw is not None:
        for v in itertools.chain.from_iterable(grid(raw)):
            cls = date_class(v.strip()) if isinstance(v, str) else None
            if cls is not None:
                found.setdefault(cls, v)
    try:
        decided = decide_date_order(found, setting=order) or order
    except AmbiguousValue:
        decided = order                   # each date that reads two ways says so itself
    except ConflictingValues:
        def mixed(v: Any) -> dt.date:
            if isinstance(v, str) and date_class(v.strip()) in _YEAR_LAST:
                raise ValueError(f"is text {v!r}, and other cells of {name} put the day and the month the "
                                 "other way round: type the dates as YYYY-MM-DD")
            return parse_date_cell(v)
        return objects(name, raw, mixed, required=required)
    return objects(name, raw, functools.partial(parse_date_cell, order=decided), required=required)


def check(arg: Arg, bad_mask: np.ndarray, reason: str) -> Arg:
    """Mark cells that parse but are out of range (``bad_mask`` over ``arg.vals``)."""
    mask = np.asarray(bad_mask, dtype=bool)
    if mask.any():
        arg.mark(mask, reason)
    return arg


def rating(name: str, raw: Any, decimal: str = "auto") -> Arg:
    a = num(name, raw, decimal=decimal)
    v = a.vals
    return check(a, ~np.isnan(v) & ((v < 1) | (v > 5)), "is not a rating from 1 to 5")


def option_arg(name: str, raw: Any, default: float | None) -> float | None:
    """A one-cell number option; omitted or blank gives ``default``."""
    if raw is None:
        return default
    value = float(num(name, raw, required=True).scalar())
    return default if math.isnan(value) else value


def lang_arg(raw: Any) -> str:
    if raw is None:
        return "en"
    a = objects("lang", raw, lambda v: str(v).strip().lower())
    value = a.scalar()
    if value is None:
        return "en"
    if value not in LANGS:
        raise CallError(f"lang must be one of {', '.join(LANGS)}, got {value!r}")
    return value


def flag_arg(name: str, raw: Any) -> bool:
    if raw is None:
        return False
    value = objects(name, raw, parse_yes_no).scalar()
    return bool(value)


def vector_arg(name: str, raw: Any, n: int | None = None, *, defaults: Sequence[float] | None = None,
               what: str = "values") -> np.ndarray:
    """One row or one column of numbers as a flat array; any bad cell spoils the call.
    Blanks take ``defaults`` (per position) or stay NaN."""
    a = num(name, raw, required=True)
    rows, cols = a.shape
    if rows != 1 and cols != 1:
        raise CallError(f"{name} must be one row or one column, got {size_text(a.shape)}")
    if a.bad:
        (i, j), reason = next(iter(a.bad.items()))
        raise CallError(f"{name}{where(a.shape, i, j)} {reason}")
    flat = a.vals.reshape(-1)
    if n is not None and flat.shape[0] != n:
        raise CallError(f"{name} needs {n} {what}, got {flat.shape[0]}")
    if defaults is not None:
        flat = np.where(np.isnan(flat), np.asarray(defaults, dtype=float), flat)
    return flat


def weights_arg(raw: Any) -> np.ndarray | None:
    if raw is None:
        return None
    w = vector_arg("weights", raw, len(SIGNALS), defaults=V.DEFAULT_WEIGHTS,
                   what="values (" + ", ".join(SIGNALS) + ")")
    if (w < 0).any():
        raise CallError("weights must be >= 0")
    if not w.sum() > 0:
        raise CallError("at least one weight must be > 0")
    return w


def settings_with(**values: Any):
    """The default settings with some thresholds replaced; range-checked like the
    Settings sheet."""
    s = DEFAULT_SETTINGS.replace(**values)
    problems = s.check()
    if problems:
        raise CallError(problems[0])
    return s
