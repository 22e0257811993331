"""Excel worksheet functions (classic xlwings UDFs): ``=XLPROF_MARGIN(...)`` and friends.

This is the module xlwings' "UDF Modules" setting points to (``xlprof.udfs``).
Every function here only *converts*: Excel values -> numpy arrays -> a model
function (:mod:`xlprof.model.formulas`, :mod:`xlprof.model.vector`,
:mod:`xlprof.model.segments`, :func:`xlprof.model.analyze`) -> Excel values.
No number is computed here.

Conventions (docs/functions.md is generated from this file by
``scripts/gen_function_docs.py``):

* Array-first: every argument accepts one cell or a whole range; the result has
  the shape of the range arguments (a single cell gives a single value, a column a
  spilled column). Single-cell arguments are applied to every row.
* Every argument is declared ``ndim=2, err_to_str=True``, so error cells arrive as
  ``"#N/A"``-like strings (not as blanks) and every value as a list of rows.
* Nothing raises into Excel: a problem becomes a short text starting with
  ``#XLPROF!``. A bad row marks only its own output cell; arguments of different
  sizes give one text for the whole call.
* Python names carry the ``XLPROF_`` prefix (classic xlwings names the Excel
  function after the Python function). ``@xw.func`` is the outermost decorator;
  parameters carry no type hints (xlwings would treat them as converters).
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import itertools
import math
from typing import Any, Callable, Sequence

import numpy as np
import xlwings as xw

from .errors import InputError
from .i18n import LANGS, label, parse_code
from .model import formulas as F
from .model import vector as V
from .model.segments import TIERS, QuadrantSplit, assign_tiers, whale_curve
from .settings import DEFAULT_SETTINGS, RATING_SIGNALS, SIGNALS
from .textnorm import excel_error, parse_bool, parse_date, parse_number

CATEGORY = "xlprof"
PREFIX = "#XLPROF!"
#: Options of every argument: always a list of rows; error cells as "#N/A" text.
RANGE = {"ndim": 2, "err_to_str": True}
MAX_MESSAGE = 255

#: One example per function for docs/functions.md: (formula, what it shows).
EXAMPLES: dict[str, tuple[str, str]] = {
    "XLPROF_MARGIN": ("=XLPROF_MARGIN(B2:B100, C2:C100, D2:D100)", "gross margin of every client"),
    "XLPROF_NET_REVENUE": ("=XLPROF_NET_REVENUE(B2:B100, D2:D100)", "net revenue of every client"),
    "XLPROF_NET_MARGIN": ("=XLPROF_NET_MARGIN(H2:H100, E2:E100)",
                          "net profit / net revenue of every client (format as %)"),
    "XLPROF_ACTIVITY_RATES": ("=XLPROF_ACTIVITY_RATES(Activities!C2:C13, Activities!D2:D13)",
                              "the rate of every activity from its cost pool and total volume"),
    "XLPROF_TIME_DRIVEN_RATES": ("=XLPROF_TIME_DRIVEN_RATES(Resources!B2, Resources!C2, "
                                 "Activities!F2:F13)",
                                 "rates of the activities done by one resource, from their minutes"),
    "XLPROF_COST_TO_SERVE": ("=XLPROF_COST_TO_SERVE(Volumes!B2:M100, Activities!H2:H13)",
                             "cost-to-serve of every client (12 activities, rates in a column)"),
    "XLPROF_SERVICE_HOURS": ("=XLPROF_SERVICE_HOURS(Volumes!B2:M100, Activities!F2:F13)",
                             "hours spent serving every client"),
    "XLPROF_FINANCING_COST": ("=XLPROF_FINANCING_COST(B2:B100, J2:J100, 8%)",
                              "cost of financing every client's payment delay"),
    "XLPROF_NET_PROFIT": ("=XLPROF_NET_PROFIT(B2:B100, C2:C100, F2:F100, D2:D100, G2:G100, K2:K100)",
                          "net profit of every client"),
    "XLPROF_TERMINATION_SCORE": ("=XLPROF_TERMINATION_SCORE(H2:H100, E2:E100, F2:F100, J2:J100, "
                                 "I2:I100, K2:K100, N2:Q100, Settings!B7:H7)",
                                 "termination score of every client, with the weights in a row"),
    "XLPROF_SCORE_COVERAGE": ("=XLPROF_SCORE_COVERAGE(H2:H100, E2:E100, F2:F100, J2:J100, "
                              "I2:I100, K2:K100, N2:Q100)",
                              "how much of every score rests on data"),
    "XLPROF_SCORE_REASONS": ("=XLPROF_SCORE_REASONS(H2:H100, E2:E100, F2:F100, J2:J100, I2:I100, "
                             "K2:K100, N2:Q100, , \"es\")",
                             "the top reasons of every score, in Spanish"),
    "XLPROF_ACTION": ("=XLPROF_ACTION(H2:H100, E2:E100, F2:F100, S2:S100, L2:L100, M2:M100, "
                      "R2:R100, T2:T100, U2:U100)",
                      "the recommended action of every client"),
    "XLPROF_TIER": ("=XLPROF_TIER(H2:H100, A2:A100)", "the tier of every client"),
    "XLPROF_QUADRANT": ("=XLPROF_QUADRANT(B2:B100, F2:F100, D2:D100)",
                        "the price / cost-to-serve quadrant of every client"),
    "XLPROF_WHALE_CURVE": ("=XLPROF_WHALE_CURVE(H2:H100, A2:A100, TRUE)",
                           "the whale curve's points for a chart, most profitable client first"),
    "XLPROF_DROP_IMPACT": ("=XLPROF_DROP_IMPACT(B2:B100, C2:C100, V2:V100, D2:D100, G2:G100, "
                           "K2:K100, O2:O100)",
                           "what the profit would gain if each client left"),
    "XLPROF_EXIT_DATE": ("=XLPROF_EXIT_DATE(Settings!B5, M2:M100, L2:L100, O2:O100, W2:W100)",
                         "the exit date of every client (format the cells as dates)"),
    "XLPROF_ANALYZE": ("=XLPROF_ANALYZE(Clients!A1:T301, Activities!A1:G13, Volumes!A1:M301, "
                       "Settings!A1:B20, Resources!A1:C4)",
                       "the whole per-client result table, with a header row"),
}

#: Worked examples (arguments as typed in a formula, result), shown in docs/functions.md
#: and checked by tests/test_udfs.py. Nested tuples are array constants ({1,2;3,4}).
WORKED: dict[str, tuple[tuple, Any]] = {
    "XLPROF_MARGIN": ((1000, 600, 100), 300),
    "XLPROF_NET_REVENUE": ((1000, 100), 900),
    "XLPROF_NET_MARGIN": ((90, 900), 0.1),
    "XLPROF_ACTIVITY_RATES": ((5000, 250), 20),
    "XLPROF_TIME_DRIVEN_RATES": ((60000, 1000, 15), 15),
    "XLPROF_COST_TO_SERVE": ((((10, 2),), ((5,), (20,))), 90),
    "XLPROF_SERVICE_HOURS": ((((10, 2),), ((6,), (30,))), 2),
    "XLPROF_FINANCING_COST": ((36500, 60, 0.1), 600),
    "XLPROF_NET_PROFIT": ((1000, 600, 150, 100, 20, 30), 100),
    "XLPROF_TERMINATION_SCORE": ((-200, 1000, 400), 100),
    "XLPROF_SCORE_COVERAGE": ((-200, 1000, 400), 0.45),
    "XLPROF_SCORE_REASONS": ((-200, 1000, 400),
                             "net margin -20.0% (target 10%); cost-to-serve is 40% of net revenue"),
    "XLPROF_ACTION": ((-200, 1000, 400, 300, 100, 0.45), "Review: rate the client first"),
    "XLPROF_TIER": ((((500,), (300,), (150,), (50,), (-100,)),),
                    (("Platinum",), ("Gold",), ("Iron",), ("Iron",), ("Lead",))),
    "XLPROF_WHALE_CURVE": ((((100,), (50,), (-50,)),), ((1,), (1.5,), (1,))),
    "XLPROF_DROP_IMPACT": ((1000, 600, 500), 100),
}


# --- conversion helpers (Excel values <-> arrays) ---------------------------------------


class CallError(Exception):
    """A problem with the whole call: one ``#XLPROF!`` text instead of a result."""


def _text(message: str) -> str:
    text = f"{PREFIX} {message}"
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 3] + "..."


def _guard(f: Callable) -> Callable:
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
            return _text(str(exc))
        except Exception as exc:  # noqa: BLE001 - nothing may escape into a cell
            return _text(f"{f.__name__} failed: {type(exc).__name__}: {exc}")
        finally:
            if gc_was_enabled:
                gc.enable()

    return wrapper


def _grid(raw: Any) -> list[list[Any]]:
    """What xlwings hands over with ``ndim=2`` (a list of rows) -- or a plain value, such as
    a Python default -- as a list of rows."""
    if isinstance(raw, (list, tuple)):
        if not raw:
            return [[None]]
        if isinstance(raw[0], (list, tuple)):  # xlwings' ndim=2: rows of equal length
            return raw  # type: ignore[return-value]
        return [list(raw)]
    return [[raw]]


def _where(shape: tuple[int, int], i: int, j: int) -> str:
    rows, cols = shape
    if rows == 1 and cols == 1:
        return ""
    if cols == 1:
        return f" row {i + 1}"
    if rows == 1:
        return f" column {j + 1}"
    return f" row {i + 1} column {j + 1}"


def _size(shape: tuple[int, int]) -> str:
    rows, cols = shape
    if cols == 1:
        return f"{rows} row" + ("s" if rows != 1 else "")
    if rows == 1:
        return f"{cols} columns"
    return f"{rows}x{cols} cells"


def _bad_reason(v: Any) -> str:
    """Why a cell is not a number, in a few words."""
    if isinstance(v, bool):
        return f"is {'TRUE' if v else 'FALSE'}, not a number"
    if isinstance(v, (dt.date, dt.datetime)):
        return "is a date, not a number"
    if isinstance(v, str):
        err = excel_error(v)
        return f"is {err}" if err else "is text"
    return "is not a number"


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
        return _text(f"{self.name}{_where(self.shape, i, j)} {reason}")

    def scalar(self):
        """The single value of a one-cell argument (CallError otherwise)."""
        if self.shape != (1, 1):
            raise CallError(f"{self.name} must be a single cell, got {_size(self.shape)}")
        if self.bad:
            raise CallError(f"{self.name} {self.bad[(0, 0)]}")
        return self.vals[0, 0]

    def mark(self, mask: np.ndarray, reason: str) -> None:
        """Mark the cells of ``mask`` bad (keeping an earlier reason)."""
        for i, j in zip(*np.nonzero(mask)):
            self.bad.setdefault((int(i), int(j)), reason)


_FAST_BLANK_TYPES = frozenset({float, int, type(None)})


def num(name: str, raw: Any, *, required: bool = False, default: float | None = None) -> Arg:
    """Numbers (NaN = blank) parsed like the reader does (:func:`parse_number`); blanks of
    an optional argument take ``default`` (when given)."""
    if raw is None and not required:
        value = np.nan if default is None else float(default)
        return Arg(name, np.full((1, 1), value), None, {}, given=False, required=False)
    rows = _grid(raw)
    shape = (len(rows), len(rows[0]))
    # One cheap pass over the types decides the path: numbers and blanks go straight
    # into numpy (fromiter turns None into NaN); anything else is parsed cell by cell.
    types = set(map(type, itertools.chain.from_iterable(rows)))
    bad: dict[tuple[int, int], str] = {}
    if types <= _FAST_BLANK_TYPES:
        vals = np.fromiter(itertools.chain.from_iterable(rows), dtype=float,
                           count=shape[0] * shape[1]).reshape(shape)
        blank = np.isnan(vals) if type(None) in types else None
    else:
        flat: list[float] = []
        blanks: list[bool] = []
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                t = type(v)
                if t is float or t is int:
                    flat.append(float(v))
                    blanks.append(False)
                    continue
                try:
                    x = parse_number(v)
                except ValueError:
                    bad[(i, j)] = _bad_reason(v)
                    x = math.nan
                    flat.append(x)
                    blanks.append(False)
                    continue
                flat.append(math.nan if x is None else x)
                blanks.append(x is None)
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
    rows = _grid(raw)
    vals = np.empty((len(rows), len(rows[0])), dtype=object)
    blank = np.zeros(vals.shape, dtype=bool)
    bad: dict[tuple[int, int], str] = {}
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            if v is None or (isinstance(v, str) and not v.strip()):
                blank[i, j] = True
                vals[i, j] = default
                continue
            err = excel_error(v) if isinstance(v, str) else None
            if err:
                bad[(i, j)] = f"is {err}"
                continue
            try:
                vals[i, j] = parse(v)
            except ValueError as exc:
                bad[(i, j)] = str(exc)
    return Arg(name, vals, blank if blank.any() else None, bad, given=True, required=required)


def _parse_date(v: Any) -> dt.date:
    """A date cell, an Excel date serial number or a text date."""
    if isinstance(v, bool):
        raise ValueError("is TRUE/FALSE, not a date")
    if isinstance(v, (int, float)):
        if not 1 <= v < 2958466:  # Excel's date range: 1900-01-01 .. 9999-12-31
            raise ValueError("is a number, not a date")
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(v))
    try:
        return parse_date(v)
    except ValueError:
        raise ValueError("is not a date") from None


def _parse_yes_no(v: Any) -> bool:
    try:
        return parse_bool(v)
    except ValueError:
        raise ValueError("is not yes/no (TRUE/FALSE)") from None


def _parse_tier(v: Any) -> str:
    code = parse_code(v, TIERS)
    if code is None:
        raise ValueError("is not a tier (Platinum, Gold, Iron, Lead)")
    return code


def _parse_id(v: Any) -> str:
    """Client ids as the reader makes them: text; 1.0 -> "1"."""
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v).strip()


def dates(name: str, raw: Any, *, required: bool = False) -> Arg:
    return objects(name, raw, _parse_date, required=required)


def check(arg: Arg, bad_mask: np.ndarray, reason: str) -> Arg:
    """Mark cells that parse but are out of range (``bad_mask`` over ``arg.vals``)."""
    mask = np.asarray(bad_mask, dtype=bool)
    if mask.any():
        arg.mark(mask, reason)
    return arg


def rating(name: str, raw: Any) -> Arg:
    a = num(name, raw)
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
    value = objects(name, raw, _parse_yes_no).scalar()
    return bool(value)


def vector_arg(name: str, raw: Any, n: int | None = None, *, defaults: Sequence[float] | None = None,
               what: str = "values") -> np.ndarray:
    """One row or one column of numbers as a flat array; any bad cell spoils the call.
    Blanks take ``defaults`` (per position) or stay NaN."""
    a = num(name, raw, required=True)
    rows, cols = a.shape
    if rows != 1 and cols != 1:
        raise CallError(f"{name} must be one row or one column, got {_size(a.shape)}")
    if a.bad:
        (i, j), reason = next(iter(a.bad.items()))
        raise CallError(f"{name}{_where(a.shape, i, j)} {reason}")
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


# --- aligning arguments ------------------------------------------------------------------


class Layout:
    """Where the output goes and which cells are errors or blank.

    ``errors`` maps output positions to their ``#XLPROF!`` text (the first problem in
    argument order); ``blank`` marks the positions where every range argument is blank
    (their output is blank: ranges may be longer than the data).
    """

    def __init__(self, shape: tuple[int, int], errors: dict[tuple[int, int], str],
                 blank: np.ndarray | None) -> None:
        self.shape = shape
        self.errors = errors
        self.blank = blank

    def output(self, values: Any) -> list[list[Any]]:
        """The result as Excel gets it: rows of values, errors and blanks filled in."""
        out = np.broadcast_to(np.asarray(values), self.shape)
        rows = out.tolist()
        if self.blank is not None:
            for i, j in zip(*np.nonzero(self.blank)):
                rows[i][j] = None
        for (i, j), text in self.errors.items():
            rows[i][j] = text
        return rows


def _mismatch(a: Arg, shape: tuple[int, int], ref: Arg) -> CallError:
    return CallError(f"{a.name} has {_size(a.shape)} but {ref.name} has {_size(shape)}")


def _check_broadcast(args: Sequence[Arg], multi: bool, full: Callable[[Arg], bool]) -> None:
    """A one-cell (one-row) argument applied to every row: its problem is the whole call's."""
    if not multi:
        return
    for a in args:
        if not a.given or full(a):
            continue
        if a.bad:
            (i, j), reason = next(iter(a.bad.items()))
            raise CallError(f"{a.name}{_where(a.shape, i, j)} {reason}")
        if a.required and a.blank is not None and a.blank.any():
            raise CallError(f"{a.name} is blank")


def elementwise(*args: Arg) -> Layout:
    """Cell-by-cell alignment: every range argument has the output's shape; one-cell
    arguments apply to every cell."""
    ref = next((a for a in args if a.given and a.shape != (1, 1)), None)
    shape = ref.shape if ref is not None else (1, 1)
    for a in args:
        if a.given and a.shape not in ((1, 1), shape):
            raise _mismatch(a, shape, ref)
    multi = shape != (1, 1)
    _check_broadcast(args, multi, lambda a: a.shape == shape)
    ranged = [a for a in args if a.given and a.shape == shape]
    blank = None
    if ranged and all(a.blank is not None for a in ranged):
        blank = np.logical_and.reduce([a.blank for a in ranged])
        blank = blank if blank.any() else None
    errors: dict[tuple[int, int], str] = {}
    for a in ranged:
        for (i, j), reason in a.bad.items():
            errors.setdefault((i, j), a.message(i, j, reason))
        if a.required and a.blank is not None:
            mask = a.blank if blank is None else a.blank & ~blank
            for i, j in zip(*np.nonzero(mask)):
                errors.setdefault((int(i), int(j)), a.message(int(i), int(j), "is blank"))
    return Layout(shape, errors, blank)


def by_row(per_row: Sequence[Arg], tables: Sequence[Arg] = (), *, blank_rows: bool = True) -> Layout:
    """Row alignment for one-row-per-client inputs: ``per_row`` arguments are one column
    (n x 1), ``tables`` have several columns (n x k, e.g. volumes or ratings; their blanks
    are never an error); a one-row argument applies to every row. The output is one column."""
    for a in per_row:
        if a.given and a.shape[1] != 1:
            raise CallError(f"{a.name} must be one column (one row per client), "
                            f"got {_size(a.shape)}")
    args = [*per_row, *tables]
    ref = next((a for a in args if a.given and a.shape[0] != 1), None)
    n = ref.shape[0] if ref is not None else 1
    for a in args:
        if a.given and a.shape[0] not in (1, n):
            raise CallError(f"{a.name} has {a.shape[0]} rows but {ref.name} has {n} rows")
    multi = n != 1
    _check_broadcast(args, multi, lambda a: a.shape[0] == n)
    ranged = [a for a in args if a.given and a.shape[0] == n]
    blank = None
    if blank_rows and ranged and all(a.blank is not None for a in ranged):
        blank = np.logical_and.reduce([a.blank.all(axis=1) for a in ranged])
        blank = blank if blank.any() else None
    errors: dict[tuple[int, int], str] = {}
    for a in ranged:
        for (i, j), reason in a.bad.items():
            errors.setdefault((i, 0), a.message(i, j, reason))
        if a.required and a.blank is not None and a.shape[1] == 1 and a not in tables:
            mask = a.blank[:, 0] if blank is None else a.blank[:, 0] & ~blank
            for i in np.nonzero(mask)[0]:
                errors.setdefault((int(i), 0), a.message(int(i), 0, "is blank"))
    return Layout((n, 1), errors, None if blank is None else blank.reshape(n, 1))


def _col(a: Arg) -> np.ndarray:
    """A one-column argument as a flat array (a one-cell one stays one value)."""
    return a.vals.reshape(-1)


def _portfolio(layout: Layout, name: str) -> np.ndarray | None:
    """For functions over the whole portfolio (tiers, quadrants, whale curve): the positions
    that take part (all but the blank rows), or None when a row is bad -- it would shift
    every other row's result, so every non-blank output cell then shows the first problem."""
    rows, cols = layout.shape
    if rows != 1 and cols != 1:
        raise CallError(f"{name} must be one column or one row, got {_size(layout.shape)}")
    keep = np.ones(layout.shape, dtype=bool)
    if layout.blank is not None:
        keep &= ~layout.blank
    if layout.errors:
        first = layout.errors[min(layout.errors)]
        for i, j in zip(*np.nonzero(keep)):
            layout.errors.setdefault((int(i), int(j)), first)
        return None
    return keep


def _full(a: Arg, layout: Layout, keep: np.ndarray) -> np.ndarray:
    """The values of ``a`` at the ``keep`` positions (one-cell arguments repeated)."""
    return np.broadcast_to(a.vals, layout.shape)[keep]


def _scatter(layout: Layout, keep: np.ndarray, values: Sequence[Any], fill: Any = None) -> list:
    out = np.full(layout.shape, fill, dtype=object)
    out[keep] = np.asarray(values, dtype=object)
    return layout.output(out)


def _labels(codes, lang: str) -> np.ndarray:
    return np.array([label(c, lang) for c in np.asarray(codes, dtype=object).reshape(-1)],
                    dtype=object)


# --- the functions --------------------------------------------------------------------------


@xw.func(category=CATEGORY)
@xw.arg("revenue", doc="Revenue (gross sales): a cell or a range of amounts.", **RANGE)
@xw.arg("cogs", doc="Cost of goods sold: a cell or a range the same size as revenue.", **RANGE)
@xw.arg("discounts", doc="Optional. Discounts, rebates and allowances; blank counts 0.", **RANGE)
@_guard
def XLPROF_MARGIN(revenue, cogs, discounts=None):
    """Gross margin = revenue - discounts - cogs, cell by cell (one value or a spilled range of the same shape)."""
    r = num("revenue", revenue, required=True)
    c = num("cogs", cogs, required=True)
    d = num("discounts", discounts, default=0.0)
    return elementwise(r, c, d).output(F.gross_margin(r.vals, c.vals, d.vals))


@xw.func(category=CATEGORY)
@xw.arg("revenue", doc="Revenue (gross sales): a cell or a range of amounts.", **RANGE)
@xw.arg("discounts", doc="Optional. Discounts, rebates and allowances; blank counts 0.", **RANGE)
@_guard
def XLPROF_NET_REVENUE(revenue, discounts=None):
    """Net revenue = revenue - discounts, cell by cell."""
    r = num("revenue", revenue, required=True)
    d = num("discounts", discounts, default=0.0)
    return elementwise(r, d).output(F.net_revenue(r.vals, d.vals))


@xw.func(category=CATEGORY)
@xw.arg("net_profit", doc="Net profit: a cell or a range.", **RANGE)
@xw.arg("net_revenue", doc="Net revenue: a cell or a range the same size as net_profit.", **RANGE)
@_guard
def XLPROF_NET_MARGIN(net_profit, net_revenue):
    """Net margin = net profit / net revenue, as a fraction; blank where net revenue is 0 or less."""
    p = num("net_profit", net_profit, required=True)
    r = num("net_revenue", net_revenue, required=True)
    return elementwise(p, r).output(F.net_margin(p.vals, r.vals))


@xw.func(category=CATEGORY)
@xw.arg("cost_pools", doc="Cost of each activity for the period: a cell or a range.", **RANGE)
@xw.arg("total_volumes", doc="Total driver volume of each activity (all clients): same size as cost_pools.", **RANGE)
@_guard
def XLPROF_ACTIVITY_RATES(cost_pools, total_volumes):
    """Activity-based costing rate = cost pool / total volume, per activity; blank where the volume is 0."""
    c = num("cost_pools", cost_pools, required=True)
    v = num("total_volumes", total_volumes, required=True)
    return elementwise(c, v).output(F.pool_rates(c.vals, v.vals))


@xw.func(category=CATEGORY)
@xw.arg("resource_cost", doc="Cost of the resource (team) for the period: a cell or a range.", **RANGE)
@xw.arg("capacity_hours", doc="Practical capacity of the resource in hours for the period.", **RANGE)
@xw.arg("minutes_per_unit", doc="Minutes of the resource one unit of the activity takes: a cell or a range.", **RANGE)
@_guard
def XLPROF_TIME_DRIVEN_RATES(resource_cost, capacity_hours, minutes_per_unit):
    """Time-driven rate = resource cost / (capacity hours x 60) x minutes per unit; blank without capacity."""
    c = num("resource_cost", resource_cost, required=True)
    h = num("capacity_hours", capacity_hours, required=True)
    m = num("minutes_per_unit", minutes_per_unit, required=True)
    return elementwise(c, h, m).output(F.time_driven_rates(c.vals, h.vals, m.vals))


def _matrix_call(volumes, per_unit, name: str, formula: Callable) -> list:
    vol = num("volumes", volumes, required=True)
    k = vol.shape[1]
    rates = vector_arg(name, per_unit)
    if rates.shape[0] != k:
        raise CallError(f"volumes has {k} column{'s' if k != 1 else ''} (activities) "
                        f"but {name} has {rates.shape[0]} values")
    layout = by_row([], [vol], blank_rows=False)
    return layout.output(formula(vol.vals, rates).reshape(-1, 1))


@xw.func(category=CATEGORY)
@xw.arg("volumes", doc="Activity volumes: one row per client, one column per activity; blanks count 0.", **RANGE)
@xw.arg("rates", doc="Rate of each activity, in the order of the volume columns: one row or one column.", **RANGE)
@_guard
def XLPROF_COST_TO_SERVE(volumes, rates):
    """Cost-to-serve per client = sum of volume x rate over the activities (one value per row of volumes)."""
    return _matrix_call(volumes, rates, "rates", F.cost_to_serve)


@xw.func(category=CATEGORY)
@xw.arg("volumes", doc="Activity volumes: one row per client, one column per activity; blanks count 0.", **RANGE)
@xw.arg("minutes_per_unit", doc="Minutes per unit of each activity, in the order of the volume columns; blank counts 0.", **RANGE)
@_guard
def XLPROF_SERVICE_HOURS(volumes, minutes_per_unit):
    """Service hours per client = sum of volume x minutes per unit / 60 (one value per row of volumes)."""
    return _matrix_call(volumes, minutes_per_unit, "minutes_per_unit", F.service_hours)


@xw.func(category=CATEGORY)
@xw.arg("revenue", doc="Revenue: a cell or a range of amounts.", **RANGE)
@xw.arg("days_to_pay", doc="Days the client actually takes to pay: same size as revenue.", **RANGE)
@xw.arg("cost_of_capital", doc="Optional. Yearly cost of capital as a fraction (8% = 0.08); default 0.08.", **RANGE)
@_guard
def XLPROF_FINANCING_COST(revenue, days_to_pay, cost_of_capital=None):
    """Financing cost = revenue x days-to-pay x yearly cost of capital / 365, cell by cell."""
    r = num("revenue", revenue, required=True)
    d = num("days_to_pay", days_to_pay, required=True)
    k = num("cost_of_capital", cost_of_capital, default=DEFAULT_SETTINGS.cost_of_capital)
    check(k, (k.vals < 0) | (k.vals > 1), "is not a yearly fraction between 0 and 1 (8% = 0.08)")
    return elementwise(r, d, k).output(F.financing_cost(r.vals, d.vals, k.vals))


@xw.func(category=CATEGORY)
@xw.arg("revenue", doc="Revenue (gross sales): a cell or a range of amounts.", **RANGE)
@xw.arg("cogs", doc="Cost of goods sold: same size as revenue.", **RANGE)
@xw.arg("cost_to_serve", doc="Cost-to-serve (see XLPROF_COST_TO_SERVE): same size as revenue.", **RANGE)
@xw.arg("discounts", doc="Optional. Discounts, rebates and allowances; blank counts 0.", **RANGE)
@xw.arg("financing_cost", doc="Optional. Financing cost of late payment (see XLPROF_FINANCING_COST); blank counts 0.", **RANGE)
@xw.arg("bad_debt", doc="Optional. Bad debt written off; blank counts 0.", **RANGE)
@_guard
def XLPROF_NET_PROFIT(revenue, cogs, cost_to_serve, discounts=None, financing_cost=None, bad_debt=None):
    """Net profit = revenue - discounts - cogs - cost-to-serve - financing cost - bad debt, cell by cell."""
    r = num("revenue", revenue, required=True)
    c = num("cogs", cogs, required=True)
    s = num("cost_to_serve", cost_to_serve, required=True)
    d = num("discounts", discounts, default=0.0)
    f = num("financing_cost", financing_cost, default=0.0)
    b = num("bad_debt", bad_debt, default=0.0)
    layout = elementwise(r, c, s, d, f, b)
    return layout.output(F.net_profit(r.vals, c.vals, s.vals, d.vals, f.vals, b.vals))


def _score_args(net_profit, net_revenue, cost_to_serve, days_to_pay, payment_terms_days, bad_debt,
                ratings):
    p = num("net_profit", net_profit, required=True)
    r = num("net_revenue", net_revenue, required=True)
    c = num("cost_to_serve", cost_to_serve, required=True)
    d = num("days_to_pay", days_to_pay)
    t = num("payment_terms_days", payment_terms_days)
    b = num("bad_debt", bad_debt, default=0.0)
    q = rating("ratings", ratings)
    if q.given and q.shape[1] != len(RATING_SIGNALS):
        raise CallError(f"ratings needs {len(RATING_SIGNALS)} columns "
                        f"({', '.join(RATING_SIGNALS)}), got {q.shape[1]}")
    layout = by_row([p, r, c, d, t, b], [q])
    inputs = (_col(p), _col(r), _col(c), _col(d), _col(t), _col(b), q.vals if q.given else None)
    return layout, inputs


@xw.func(category=CATEGORY)
@xw.arg("net_profit", doc="Net profit of each client: a cell or a column.", **RANGE)
@xw.arg("net_revenue", doc="Net revenue (revenue - discounts) of each client: same rows as net_profit.", **RANGE)
@xw.arg("cost_to_serve", doc="Cost-to-serve of each client: same rows as net_profit.", **RANGE)
@xw.arg("days_to_pay", doc="Optional. Days the client takes to pay; blank = no payment data.", **RANGE)
@xw.arg("payment_terms_days", doc="Optional. Agreed payment terms in days; blank = no payment data.", **RANGE)
@xw.arg("bad_debt", doc="Optional. Bad debt; above 0 makes the payment signal 1. Blank counts 0.", **RANGE)
@xw.arg("ratings", doc="Optional. Ratings 1-5 in 4 columns: values alignment, communication, needs fit, respect of terms; blank = not rated.", **RANGE)
@xw.arg("weights", doc="Optional. 7 weights as one row or column: profitability, payment, service burden, values, communication, needs fit, respect of terms. Default 3, 1.5, 1.5, 1, 1, 1, 1.", **RANGE)
@_guard
def XLPROF_TERMINATION_SCORE(net_profit, net_revenue, cost_to_serve, days_to_pay=None,
                             payment_terms_days=None, bad_debt=None, ratings=None, weights=None):
    """Termination score 0-100 per client (higher = stronger case to part ways), from the signals with data; blank when none has data."""
    layout, inputs = _score_args(net_profit, net_revenue, cost_to_serve, days_to_pay,
                                 payment_terms_days, bad_debt, ratings)
    score, _ = V.termination_scores(*inputs, weights=weights_arg(weights))
    return layout.output(score.reshape(-1, 1))


@xw.func(category=CATEGORY)
@xw.arg("net_profit", doc="Net profit of each client: a cell or a column.", **RANGE)
@xw.arg("net_revenue", doc="Net revenue (revenue - discounts) of each client: same rows as net_profit.", **RANGE)
@xw.arg("cost_to_serve", doc="Cost-to-serve of each client: same rows as net_profit.", **RANGE)
@xw.arg("days_to_pay", doc="Optional. Days the client takes to pay; blank = no payment data.", **RANGE)
@xw.arg("payment_terms_days", doc="Optional. Agreed payment terms in days; blank = no payment data.", **RANGE)
@xw.arg("bad_debt", doc="Optional. Bad debt; above 0 makes the payment signal 1. Blank counts 0.", **RANGE)
@xw.arg("ratings", doc="Optional. Ratings 1-5 in 4 columns: values alignment, communication, needs fit, respect of terms; blank = not rated.", **RANGE)
@xw.arg("weights", doc="Optional. 7 weights as one row or column, in the order of XLPROF_TERMINATION_SCORE. Default 3, 1.5, 1.5, 1, 1, 1, 1.", **RANGE)
@_guard
def XLPROF_SCORE_COVERAGE(net_profit, net_revenue, cost_to_serve, days_to_pay=None,
                          payment_terms_days=None, bad_debt=None, ratings=None, weights=None):
    """Score coverage per client: the share (0-1) of the signal weights that have data behind the termination score."""
    layout, inputs = _score_args(net_profit, net_revenue, cost_to_serve, days_to_pay,
                                 payment_terms_days, bad_debt, ratings)
    _, coverage = V.termination_scores(*inputs, weights=weights_arg(weights))
    return layout.output(coverage.reshape(-1, 1))


@xw.func(category=CATEGORY)
@xw.arg("net_profit", doc="Net profit of each client: a cell or a column.", **RANGE)
@xw.arg("net_revenue", doc="Net revenue (revenue - discounts) of each client: same rows as net_profit.", **RANGE)
@xw.arg("cost_to_serve", doc="Cost-to-serve of each client: same rows as net_profit.", **RANGE)
@xw.arg("days_to_pay", doc="Optional. Days the client takes to pay; blank = no payment data.", **RANGE)
@xw.arg("payment_terms_days", doc="Optional. Agreed payment terms in days; blank = no payment data.", **RANGE)
@xw.arg("bad_debt", doc="Optional. Bad debt; above 0 makes the payment signal 1. Blank counts 0.", **RANGE)
@xw.arg("ratings", doc="Optional. Ratings 1-5 in 4 columns: values alignment, communication, needs fit, respect of terms; blank = not rated.", **RANGE)
@xw.arg("weights", doc="Optional. 7 weights as one row or column, in the order of XLPROF_TERMINATION_SCORE. Default 3, 1.5, 1.5, 1, 1, 1, 1.", **RANGE)
@xw.arg("lang", doc='Optional. Language of the text: "en" (default) or "es".', **RANGE)
@_guard
def XLPROF_SCORE_REASONS(net_profit, net_revenue, cost_to_serve, days_to_pay=None,
                         payment_terms_days=None, bad_debt=None, ratings=None, weights=None,
                         lang=None):
    """The top reasons behind each termination score, in words, separated by "; " (blank when no signal is raised)."""
    language = lang_arg(lang)
    layout, inputs = _score_args(net_profit, net_revenue, cost_to_serve, days_to_pay,
                                 payment_terms_days, bad_debt, ratings)
    reasons = V.score_reasons(*inputs, weights=weights_arg(weights), lang=language)
    return layout.output(np.array(["; ".join(r) or None for r in reasons], dtype=object).reshape(-1, 1))


@xw.func(category=CATEGORY)
@xw.arg("net_profit", doc="Net profit of each client: a cell or a column.", **RANGE)
@xw.arg("net_revenue", doc="Net revenue of each client: same rows as net_profit.", **RANGE)
@xw.arg("cost_to_serve", doc="Cost-to-serve of each client: same rows as net_profit.", **RANGE)
@xw.arg("exit_gain", doc="Exit gain of each client (the drop impact, plus freed hours x value per hour when capacity is short).", **RANGE)
@xw.arg("score", doc="Optional. Termination score 0-100 (XLPROF_TERMINATION_SCORE); blank = no score.", **RANGE)
@xw.arg("score_coverage", doc="Optional. Score coverage 0-1 (XLPROF_SCORE_COVERAGE); blank counts 1.", **RANGE)
@xw.arg("tier", doc="Optional. Tier (XLPROF_TIER): Platinum, Gold, Iron or Lead, in English or Spanish.", **RANGE)
@xw.arg("strategic", doc="Optional. TRUE/yes for a strategic client (always retained); blank = no.", **RANGE)
@xw.arg("growth_potential", doc="Optional. Growth potential rating 1-5; 4 or more favours renegotiating.", **RANGE)
@xw.arg("lang", doc='Optional. Language of the text: "en" (default) or "es".', **RANGE)
@xw.arg("show_reason", doc="Optional. TRUE to add the reason after the action (Action: reason).", **RANGE)
@xw.arg("score_terminate", doc="Optional. Score at or above which exiting is considered; default 70.", **RANGE)
@xw.arg("coverage_min", doc="Optional. Coverage below which a high score means review first; default 0.7.", **RANGE)
@_guard
def XLPROF_ACTION(net_profit, net_revenue, cost_to_serve, exit_gain, score=None, score_coverage=None,
                  tier=None, strategic=None, growth_potential=None, lang=None, show_reason=None,
                  score_terminate=None, coverage_min=None):
    """Recommended action per client (first rule that holds: strategic, review, terminate, renegotiate, restructure, retain and grow, maintain), as text."""
    language = lang_arg(lang)
    with_reason = flag_arg("show_reason", show_reason)
    s = settings_with(
        score_terminate=option_arg("score_terminate", score_terminate, DEFAULT_SETTINGS.score_terminate),
        coverage_min=option_arg("coverage_min", coverage_min, DEFAULT_SETTINGS.coverage_min))
    p = num("net_profit", net_profit, required=True)
    r = num("net_revenue", net_revenue, required=True)
    c = num("cost_to_serve", cost_to_serve, required=True)
    g = num("exit_gain", exit_gain, required=True)
    sc = num("score", score)
    check(sc, (sc.vals < 0) | (sc.vals > 100), "is not a score from 0 to 100")
    cov = num("score_coverage", score_coverage, default=1.0)
    check(cov, (cov.vals < 0) | (cov.vals > 1), "is not a coverage from 0 to 1")
    t = objects("tier", tier, _parse_tier)
    st = objects("strategic", strategic, _parse_yes_no, default=False)
    gp = rating("growth_potential", growth_potential)
    layout = by_row([p, r, c, g, sc, cov, t, st, gp])
    codes, reasons = V.recommend_actions(
        _col(p), _col(r), _col(c), _col(g), _col(sc), _col(cov), _col(t), _col(st), _col(gp),
        settings=s, lang=language)
    texts = [label(code, language) + (f": {why}" if with_reason else "")
             for code, why in zip(codes, reasons)]
    return layout.output(np.array(texts, dtype=object).reshape(-1, 1))


def _ids_arg(client_ids, like: Arg) -> Arg:
    ids = None if client_ids is None else objects("client_ids", client_ids, _parse_id, required=True)
    if ids is None or (ids.shape == (1, 1) and ids.blank is not None):
        # no ids (omitted or one blank cell): ties keep the order of the rows
        vals = np.array([f"{k:09d}" for k in range(like.vals.size)], dtype=object).reshape(like.shape)
        return Arg("client_ids", vals, None, {}, given=False, required=False)
    return ids


@xw.func(category=CATEGORY)
@xw.arg("net_profits", doc="Net profit of every client: the whole column (tiers depend on every client).", **RANGE)
@xw.arg("client_ids", doc="Optional. Client ids, same size: ties in profit are ordered by id (default: by row).", **RANGE)
@xw.arg("platinum", doc="Optional. Cumulative profit share that ends Platinum; default 0.5.", **RANGE)
@xw.arg("gold", doc="Optional. Cumulative profit share that ends Gold; default 0.8.", **RANGE)
@xw.arg("lang", doc='Optional. Language of the labels: "en" (default) or "es".', **RANGE)
@_guard
def XLPROF_TIER(net_profits, client_ids=None, platinum=None, gold=None, lang=None):
    """Customer pyramid tier per client: Lead if it loses money, else Platinum, Gold or Iron by the share of profit reached before it."""
    language = lang_arg(lang)
    s = settings_with(tier_platinum=option_arg("platinum", platinum, DEFAULT_SETTINGS.tier_platinum),
                      tier_gold=option_arg("gold", gold, DEFAULT_SETTINGS.tier_gold))
    p = num("net_profits", net_profits, required=True)
    ids = _ids_arg(client_ids, p)
    layout = elementwise(p, ids)
    keep = _portfolio(layout, "net_profits")
    if keep is None:
        return layout.output(None)
    tiers = assign_tiers(_full(p, layout, keep), _full(ids, layout, keep),
                         platinum=s.tier_platinum, gold=s.tier_gold)
    return _scatter(layout, keep, _labels(tiers, language))


@xw.func(category=CATEGORY)
@xw.arg("revenue", doc="Revenue of every client: the whole column (the split is at the medians).", **RANGE)
@xw.arg("cost_to_serve", doc="Cost-to-serve of every client: same size as revenue.", **RANGE)
@xw.arg("discounts", doc="Optional. Discounts of every client; blank counts 0.", **RANGE)
@xw.arg("lang", doc='Optional. Language of the labels: "en" (default) or "es".', **RANGE)
@xw.arg("price_median", doc="Optional. Fixed split for price realization (net revenue / revenue) instead of the median; give both medians.", **RANGE)
@xw.arg("cost_median", doc="Optional. Fixed split for cost-to-serve / net revenue instead of the median; give both medians.", **RANGE)
@_guard
def XLPROF_QUADRANT(revenue, cost_to_serve, discounts=None, lang=None, price_median=None,
                    cost_median=None):
    """Shapiro quadrant per client (Passive, Carriage trade, Bargain basement, Aggressive; n/a without net revenue), split at the medians."""
    language = lang_arg(lang)
    medians = (option_arg("price_median", price_median, None),
               option_arg("cost_median", cost_median, None))
    if (medians[0] is None) != (medians[1] is None):
        raise CallError("give both price_median and cost_median, or neither")
    split = QuadrantSplit(*medians) if medians[0] is not None else None
    r = num("revenue", revenue, required=True)
    c = num("cost_to_serve", cost_to_serve, required=True)
    d = num("discounts", discounts, default=0.0)
    layout = elementwise(r, c, d)
    keep = _portfolio(layout, "revenue")
    if keep is None:
        return layout.output(None)
    codes, _ = V.quadrants(_full(r, layout, keep), _full(c, layout, keep), _full(d, layout, keep),
                           split)
    return _scatter(layout, keep, _labels(codes, language))


@xw.func(category=CATEGORY)
@xw.arg("net_profits", doc="Net profit of every client: the whole column.", **RANGE)
@xw.arg("client_ids", doc="Optional. Client ids, same size: ties in profit are ordered by id (default: by row).", **RANGE)
@xw.arg("ranked", doc="Optional. TRUE: the curve's points, most profitable client first; FALSE (default): each client's share on its own row.", **RANGE)
@_guard
def XLPROF_WHALE_CURVE(net_profits, client_ids=None, ranked=None):
    """Whale curve: cumulative profit share (1.85 = 185 %) up to each client, clients by profit descending; blank when total profit is 0 or less."""
    in_rank_order = flag_arg("ranked", ranked)
    p = num("net_profits", net_profits, required=True)
    ids = _ids_arg(client_ids, p)
    layout = elementwise(p, ids)
    keep = _portfolio(layout, "net_profits")
    if keep is None:
        return layout.output(None)
    whale = whale_curve(_full(p, layout, keep), _full(ids, layout, keep))
    shares = whale.cumulative_share
    if in_rank_order:
        shares = shares[whale.order]
        out = np.full(layout.shape, np.nan).reshape(-1)
        out[: shares.shape[0]] = shares
        return Layout(layout.shape, {}, None).output(out.reshape(layout.shape))
    return _scatter(layout, keep, shares, np.nan)


@xw.func(category=CATEGORY)
@xw.arg("revenue", doc="Revenue: a cell or a range of amounts.", **RANGE)
@xw.arg("cogs", doc="Cost of goods sold: same size as revenue.", **RANGE)
@xw.arg("avoidable_cost_to_serve", doc="Cost-to-serve of the activities that go with the client (variable and avoidable fixed).", **RANGE)
@xw.arg("discounts", doc="Optional. Discounts; blank counts 0.", **RANGE)
@xw.arg("financing_cost", doc="Optional. Financing cost (XLPROF_FINANCING_COST); blank counts 0.", **RANGE)
@xw.arg("bad_debt", doc="Optional. Bad debt; blank counts 0.", **RANGE)
@xw.arg("exit_penalty", doc="Optional. One-off early-termination penalty, counted in full; blank counts 0.", **RANGE)
@_guard
def XLPROF_DROP_IMPACT(revenue, cogs, avoidable_cost_to_serve, discounts=None, financing_cost=None,
                       bad_debt=None, exit_penalty=None):
    """Profit change per period if the client leaves (positive = better): -net revenue + cogs + avoidable cost-to-serve + financing + bad debt - penalty."""
    r = num("revenue", revenue, required=True)
    c = num("cogs", cogs, required=True)
    a = num("avoidable_cost_to_serve", avoidable_cost_to_serve, required=True)
    d = num("discounts", discounts, default=0.0)
    f = num("financing_cost", financing_cost, default=0.0)
    b = num("bad_debt", bad_debt, default=0.0)
    x = num("exit_penalty", exit_penalty, default=0.0)
    layout = elementwise(r, c, a, d, f, b, x)
    return layout.output(V.drop_impact(r.vals, c.vals, a.vals, d.vals, f.vals, b.vals, x.vals))


@xw.func(category=CATEGORY)
@xw.arg("decision_date", doc="Date the exit is decided: a date cell (or a range).", **RANGE)
@xw.arg("notice_days", doc="Optional. Contractual notice in days; blank counts 0.", **RANGE)
@xw.arg("contract_end", doc="Optional. Contract end date; blank = no fixed end.", **RANGE)
@xw.arg("exit_penalty", doc="Optional. Penalty for leaving before the contract ends; blank counts 0.", **RANGE)
@xw.arg("monthly_gain", doc="Optional. Profit gained per month once the client has left; blank counts 0.", **RANGE)
@xw.arg("lead_days", doc="Optional. Days from the decision to the written notice; default 14.", **RANGE)
@_guard
def XLPROF_EXIT_DATE(decision_date, notice_days=None, contract_end=None, exit_penalty=None,
                     monthly_gain=None, lead_days=None):
    """Exit date: notice goes out lead days after the decision; leave after the notice, or at contract end when the penalty exceeds the gain of leaving early."""
    d = dates("decision_date", decision_date, required=True)
    n = num("notice_days", notice_days)
    check(n, n.vals < 0, "is negative")
    e = dates("contract_end", contract_end)
    x = num("exit_penalty", exit_penalty, default=0.0)
    g = num("monthly_gain", monthly_gain, default=0.0)
    lead = num("lead_days", lead_days, default=DEFAULT_SETTINGS.notice_lead_days)
    check(lead, (lead.vals < 0) | (lead.vals != np.round(lead.vals)), "is not a whole number of days >= 0")
    layout = elementwise(d, n, e, x, g, lead)
    shape = layout.shape
    full = [np.broadcast_to(a.vals, shape).reshape(-1) for a in (d, n, e, x, g, lead)]
    ok = np.ones(shape, dtype=bool)
    for pos in layout.errors:
        ok[pos] = False
    if layout.blank is not None:
        ok &= ~layout.blank
    ok = ok.reshape(-1)
    out = np.full(shape[0] * shape[1], None, dtype=object)
    if ok.any():
        dd, nn, ee, xx, gg, ll = (a[ok] for a in full)
        out[ok] = V.exit_dates(list(dd), nn.astype(float), list(ee), xx.astype(float),
                               gg.astype(float), ll.astype(float))
    return layout.output(out.reshape(shape))


# --- the whole analysis ----------------------------------------------------------------------


def _settings_rows(rows: list[list[Any]]) -> list[list[Any]]:
    """A key/value range, with or without its header row."""
    from .schema import SETTINGS, header_map
    from .textnorm import norm_key

    first = rows[0][0] if rows and rows[0] else None
    if isinstance(first, str) and header_map(SETTINGS).get(norm_key(first)) == "key":
        return rows
    width = max(len(r) for r in rows)
    return [["key", "value"] + [None] * (width - 2), *rows]


def _problem_text(exc: InputError) -> str:
    p = exc.problems[0]
    where = " ".join(x for x in (p.sheet.lower() if p.sheet else None,
                                 f"row {p.row}" if p.row is not None else None,
                                 f"column {p.column}" if p.column else None) if x)
    more = f" (+{len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
    return f"{where}: {p.message}{more}" if where else f"{p.message}{more}"


def _cell(v: Any) -> Any:
    """An analysis value as a worksheet cell."""
    if isinstance(v, (list, tuple)):
        return "; ".join(map(str, v))
    if v is None or v != v:  # NaN, NaT
        return None
    if isinstance(v, str) or isinstance(v, dt.date):
        return v
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, float, np.integer, np.floating)):
        f = float(v)
        return None if math.isnan(f) or math.isinf(f) else f
    return str(v)


@xw.func(category=CATEGORY, call_in_wizard=False)
@xw.arg("clients", doc="The Clients table WITH its header row (client_id, revenue, cogs, ...; English or Spanish headers).", **RANGE)
@xw.arg("activities", doc="The Activities table with its header row (activity, cost_pool or rate or resource + minutes, behavior).", **RANGE)
@xw.arg("volumes", doc="The Volumes table with its header row: wide (client_id + one column per activity) or long (client_id, activity, quantity).", **RANGE)
@xw.arg("settings", doc="Optional. Settings as 2 columns, key and value (a header row is optional); blank keys keep their defaults.", **RANGE)
@xw.arg("resources", doc="Optional. The Resources table with its header row (resource, cost, capacity_hours), for time-driven activities.", **RANGE)
@_guard
def XLPROF_ANALYZE(clients, activities, volumes, settings=None, resources=None):
    """The whole per-client analysis as one spilled table with a header row (the columns of xlprof score --format csv), clients by id."""
    from .io.reader import RawSheet, portfolio_from_sheets
    from .model.analysis import CLIENT_RESULT_COLUMNS, analyze

    sheets = {"Clients": clients, "Activities": activities, "Volumes": volumes,
              "Settings": settings, "Resources": resources}
    raw = {}
    for name, value in sheets.items():
        if value is None and name in ("Settings", "Resources"):
            continue
        rows = [list(r) for r in _grid(value)]
        if name == "Settings":
            rows = _settings_rows(rows)
        raw[name] = RawSheet("", name, rows)
    try:
        portfolio = portfolio_from_sheets(raw, "")
        result = analyze(portfolio)
    except InputError as exc:
        raise CallError(_problem_text(exc)) from None
    table = result.clients[CLIENT_RESULT_COLUMNS]
    rows = [list(CLIENT_RESULT_COLUMNS)]
    rows += [[_cell(v) for v in rec] for rec in table.itertuples(index=False, name=None)]
    return rows
