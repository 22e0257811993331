"""Typed columns from raw cells: the reading rule (design.md section 5) a column at a time.

A column's text numbers and dates are first classified (:mod:`xlprof.io.evidence`), the
column (a CSV file, for numbers) is decided from the classes seen and the Settings keys
``decimal_separator`` / ``date_order``, then every distinct text is read once with the
decision. Cells that hold no plain value -- :class:`~xlprof.io.cells.ErrorCell`,
:class:`~xlprof.io.cells.FormulaCell`, :class:`~xlprof.io.cells.PercentCell` -- are refused
with a message saying what to do, except a percentage where a rate is meant.

Number columns live in :mod:`xlprof.io.numbers`. Each parser returns a :class:`Column`: the
values (floats with NaN for blank, or objects with None), the cells that could not be read with
their reason, and column-level problems (an ambiguous or conflicting column is one problem,
located at an example cell, not one per cell).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from ..messages import msg, reason as reason_of
from ..schema import BEHAVIOR_ALIASES, BEHAVIORS
from ..textnorm import MAX_DATE, MIN_DATE, date_out_of_range, excel_error, norm_key, parse_bool, parse_date
from . import evidence as ev
from .cells import ErrorCell, FormulaCell, PercentCell

MAX_TEXT = 32_767
MAX_DAYS = 36_500                   # day counts (payment terms, days to pay, notice): 100 years
MAX_AMOUNT = 1e15

# What a number column takes, for the message that refuses a percentage there.
_MONEY = {"revenue", "discounts", "cogs", "bad_debt", "exit_penalty", "cost_pool", "rate", "cost"}
_DAYS = {"payment_terms_days", "days_to_pay", "notice_days"}


@dataclass(frozen=True)
class Reading:
    """What settles text that reads two ways: the Settings keys, and for a CSV file its
    delimiter (numbers in a CSV file are decided for the whole file)."""

    decimal_separator: str = "auto"
    date_order: str = "auto"
    delimiter: str | None = None


@dataclass
class Column:
    """A parsed column: ``values`` (float array, NaN = blank; or a list, None = blank),
    ``bad`` (index -> reason; None when a column-level problem already covers the cell) and
    ``problems`` (index of the example cell, message) for the column as a whole."""

    values: Any
    bad: dict[int, str | None] = field(default_factory=dict)
    problems: list[tuple[int, str]] = field(default_factory=list)


# --- cells that are not plain values ---------------------------------------------------------


def marker_reason(v: Any) -> str | None:
    """Why an error or formula cell (or Excel error text) cannot be read, with the fix for a
    formula; None for any other cell. An error is never read as 0 or blank."""
    if isinstance(v, ErrorCell):
        return msg("excel_error", code=v.code)
    if isinstance(v, FormulaCell):
        saved = (msg("formula_no_value") if v.cached is None else msg("formula_old_value", value=v.cached))
        return msg("formula_untrusted", formula=v.formula, why=v.reason, saved=saved)
    if isinstance(v, (str, int)):          # Excel error text, or the integer COM hands over for one
        err = excel_error(v)
        if err:
            return msg("excel_error", code=err)
    return None


def percent_reason(name: str, shown: str) -> str:
    """Why a percentage cannot stand in number column ``name``, and what to type instead."""
    if name in _MONEY:
        key = "percent_money"
    elif name in _DAYS:
        key = "percent_days"
    elif name in ("values_alignment", "communication", "needs_fit", "respect_of_terms", "growth_potential"):
        key = "percent_rating"
    else:
        key = "percent_quantity"
    return msg(key, shown=shown)


# --- evidence ------------------------------------------------------------------------------


@dataclass
class Evidence:
    """The text cells of one column, classified (:mod:`xlprof.io.evidence`).

    ``kinds`` are the classes that occur -- all a decision depends on. Where each class is
    first seen and how often are found on demand, only to word a refusal.
    """

    values: Sequence[Any]
    kinds: set[str]
    classify: Callable[[Any], str | None] = ev.number_class
    classes: dict[str, str | None] = field(default_factory=dict)
    texts: set[str] = field(default_factory=set)     # distinct text cells, blanks included
    plain: list[str] = field(default_factory=list)   # texts that float() reads as they are

    def cls(self, text: str) -> str | None:
        c = self.classes.get(text, "")
        if c == "":
            c = self.classes[text] = self.classify(text)
        return c

    def where(self, kind: str) -> tuple[int, int, str]:
        """(first index, count, first text) of the cells of class ``kind``."""
        first, n, text = -1, 0, ""
        for i, v in enumerate(self.values):
            if type(v) is str and self.cls(v) == kind:
                if not n:
                    first, text = i, v
                n += 1
        return first, n, text


# --- dates -----------------------------------------------------------------------------------


def date_column(values: Sequence[Any], reading: Reading = Reading()) -> Column:
    """Parse a date column: text dates decided from the column's evidence, then ``date_order``."""
    n = len(values)
    out: list[dt.date | None] = [None] * n
    bad: dict[int, str | None] = {}
    col = Column(out, bad)
    e = Evidence(values, set(), ev.date_class)
    found: dict[str, str] = {}
    for v in values:
        if type(v) is str:
            cls = e.cls(v)
            if cls is not None and cls not in found:
                found[cls] = v
    e.kinds = set(found)
    try:
        order = ev.decide_date_order(found, setting=reading.date_order, csv=reading.delimiter is not None)
        dependent: set[str] = set()
    except ValueError as exc:
        order = None
        dependent = ({"day_first", "month_first", "day_or_month"}
                     if isinstance(exc, ev.ConflictingValues) else {"day_or_month"})
        col.problems.append(decision_problem(exc, [(e, lambda i: i)]))
    read: dict[str, Any] = {}
    for i, v in enumerate(values):
        if v is None:
            continue
        if type(v) is str:
            if v not in read:
                read[v] = _read_text_date(v, e.cls(v), order, dependent)
            x = read[v]
        else:
            x = marker_reason(v)
            if x is None:
                if isinstance(v, PercentCell):
                    x = msg("percent_not_date", shown=str(v))
                else:
                    try:
                        x = parse_date(v)
                    except ValueError as exc:
                        x = reason_of(exc)
        if isinstance(x, dt.date):
            out[i] = x
        elif x is not None:
            bad[i] = None if x == "\0" else x
    return col


def _read_text_date(text: str, cls: str | None, order: str | None, dependent: set[str]):
    if not text.strip():
        return None
    if cls is None:
        return marker_reason(text) or _date_reason(text)
    if cls in dependent:
        return "\0"
    try:
        d = ev.to_date(text, order)
    except ValueError as exc:
        return reason_of(exc)
    if not MIN_DATE <= d <= MAX_DATE:
        return date_out_of_range(d)
    return d


def _date_reason(text: str) -> str:
    try:
        ev.to_date(text, None)
    except ValueError as exc:
        return reason_of(exc)
    return msg("not_a_date", value=text)  # pragma: no cover - classed texts do not get here


# --- column-level problems -------------------------------------------------------------------


def decision_problem(exc: ValueError, parts: Sequence[tuple[Evidence, Callable[[int], Any]]]) -> tuple[Any, str]:
    """(where to locate it, message) for a failed decision over the columns ``parts``
    ((evidence, index -> location)): an ambiguous column is one problem at its first
    ambiguous cell; a conflicting one at the first cell of the side with fewer cells (the
    likelier typo), with both counts."""
    def seen(kinds) -> tuple[int, Any]:
        n, at = 0, None
        for e, where in parts:
            for kind in kinds:
                if kind in e.kinds:
                    first, count, _ = e.where(kind)
                    n += count
                    loc = where(first)
                    at = loc if at is None or _order(loc) < _order(at) else at
        return n, at

    if isinstance(exc, ev.ConflictingValues):
        proves = ev.NUMBER_PROVES if exc.setting == "decimal_separator" else ev.DATE_PROVES
        sides = [seen([c for c, r in proves.items() if r == reading]) for reading in exc.examples]
        (n_few, at), (n_many, _) = sorted(sides, key=lambda s: (s[0], _order(s[1])))
        if n_few == 1:
            return at, msg("conflict_count_one", reason=reason_of(exc), many=msg("cells", n=n_many))
        return at, msg("conflict_counts", reason=reason_of(exc), many=msg("cells", n=n_many),
                       few=msg("cells", n=n_few))
    classify = ev.number_class if exc.setting == "decimal_separator" else ev.date_class
    n, at = seen([classify(exc.example)])
    more = n - 1
    return at, (msg("more_two_way", reason=reason_of(exc), n=more) if more > 0 else reason_of(exc))


def _order(where: Any) -> Any:
    return where if isinstance(where, tuple) else (where, 0)


# --- other kinds -----------------------------------------------------------------------------


def text_id(v: Any) -> str | None:
    """An id as text: numbers without a trailing .0; None for blank."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, float):
        return repr(v)
    return str(v).strip()


def _text_cell(kind: str, v: Any) -> Any:
    reason = marker_reason(v)
    if reason:
        raise ValueError(reason)
    if isinstance(v, str) and not v.strip():
        return None
    if kind == "id":
        if isinstance(v, PercentCell):
            raise ValueError(msg("percent_id", shown=str(v)))
        s = text_id(v)
    elif isinstance(v, str):
        s = v
    elif isinstance(v, PercentCell):
        s = str(v)
    else:
        s = text_id(v) if isinstance(v, float) else str(v)
    if len(s) > MAX_TEXT:
        raise ValueError(msg("text_too_long", length=len(s), limit=MAX_TEXT))
    return s


def _yesno_cell(v: Any) -> bool:
    reason = marker_reason(v)
    if reason:
        raise ValueError(reason)
    if isinstance(v, PercentCell):
        raise ValueError(msg("percent_not_yesno", shown=str(v)))
    b = parse_bool(v)
    return False if b is None else b


def _behavior_cell(v: Any) -> str:
    reason = marker_reason(v)
    if reason:
        raise ValueError(reason)
    if v is None or (isinstance(v, str) and not v.strip()):
        raise ValueError(msg("behavior_blank", codes=", ".join(BEHAVIORS)))
    code = BEHAVIOR_ALIASES.get(norm_key(v))
    if code is None:
        raise ValueError(msg("behavior_unknown", value=v, codes=", ".join(BEHAVIORS)))
    return code


def cell_column(kind: str, values: Sequence[Any], required: bool = False) -> Column:
    """Parse an id, text, yes/no or behaviour column cell by cell (no evidence needed); a
    blank behaviour is an error where the column is required, else None (the default)."""
    fn: Callable[[Any], Any] = {"yesno": _yesno_cell, "behavior": _behavior_cell}.get(kind) or (
        lambda v: _text_cell(kind, v))
    out: list[Any] = [None] * len(values)
    bad: dict[int, str | None] = {}
    text, ident = kind == "text", kind == "id"
    memo: dict[Any, tuple[bool, Any]] = {}      # yes/no and behaviour: few distinct values
    for i, v in enumerate(values):
        t = type(v)
        if v is None or (kind == "behavior" and not required and t is str and not v.strip()):
            if kind == "yesno":
                out[i] = False
            if kind != "behavior" or not required:
                continue
        if (text or ident) and t is str and len(v) <= MAX_TEXT:
            s = v.strip()
            if not s:
                continue                   # blank
            if s[0] != "#":                # "#N/A" and the like: through fn, refused
                out[i] = s if ident else v
                continue
        key = (t, v) if not (text or ident) and t in (str, float, int, bool) else None
        if key is not None and key in memo:
            ok, x = memo[key]
        else:
            try:
                ok, x = True, fn(v)
            except ValueError as exc:
                ok, x = False, reason_of(exc)
            if key is not None:
                memo[key] = (ok, x)
        if ok:
            out[i] = x
        else:
            bad[i] = x
    return Column(out, bad)
