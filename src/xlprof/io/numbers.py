"""Number columns: text numbers decided by the reading rule, then range-checked.

A column's (a CSV file's) text numbers are classified (:mod:`xlprof.io.evidence`), the decimal
separator decided from the classes seen, ``decimal_separator`` and the CSV delimiter, and
every distinct text read once. A column of plain numbers (``12``, ``-3``, ``4.5``: most CSV
files) is classified in one pass of the regex engine over its joined distinct texts and
converted by numpy; once the separator is decided, grouped texts (``1.234,56``) are converted
in one ``str.translate`` and numpy pass. That is what makes reading 100,000 clients fast
(benchmarks/bench_parse.py); anything else (currency, percent, parentheses) is read one
distinct text at a time by :func:`xlprof.io.evidence.to_number`.
"""

from __future__ import annotations

import math
import re
from typing import Any, Sequence

import numpy as np

from ..messages import msg, reason as reason_of
from ..textnorm import as_typed, excel_error, parse_number
from . import evidence as ev
from .cells import PercentCell
from .columns import (_DAYS, MAX_AMOUNT, MAX_DAYS, Column, Evidence, Reading, decision_problem, marker_reason,
                      percent_reason)

_PLAIN_BLOB = re.compile(r"(?:-?[0-9]+(?:\.[0-9]+)?\n)*-?[0-9]+(?:\.[0-9]+)?")
_PLAIN_AMBIGUOUS = re.compile(r"^-?[1-9][0-9]{0,2}\.[0-9]{3}$", re.MULTILINE)


def number_evidence(values: Sequence[Any], types: set[type] | None = None) -> Evidence:
    """The classes of the text cells of one number column."""
    types = types if types is not None else set(map(type, values))
    e = Evidence(values, set())
    if str not in types:
        return e
    e.texts = set(values) if types == {str} else {v for v in values if type(v) is str}
    texts = e.texts - {""}                 # whitespace-only blanks fail the plain test below
    if not texts:
        return e
    blob = "\n".join(texts)
    if blob.count("\n") == len(texts) - 1 and _PLAIN_BLOB.fullmatch(blob):
        ambiguous = _PLAIN_AMBIGUOUS.findall(blob)
        dots = blob.count(".")
        e.kinds = ({"integer"} if dots < len(texts) else set()) | (
            {"decimal_point"} if dots > len(ambiguous) else set()) | (
            {"point_or_thousands"} if ambiguous else set())
        e.plain = list(texts.difference(ambiguous))
        return e
    for t in texts:
        c = e.cls(t) if t.strip() else None
        if c is not None:
            e.kinds.add(c)
    return e


def decide_numbers(parts: Sequence[Evidence], reading: Reading) -> str | None | ValueError:
    """The decimal separator of the columns ``parts`` (one, or a CSV file's), or the
    AmbiguousValue/ConflictingValues raised (returned), worded with the first examples."""
    kinds = set().union(*(e.kinds for e in parts)) if parts else set()
    outcome = ev.decimal_outcome(kinds, setting=reading.decimal_separator, delimiter=reading.delimiter)
    if outcome not in ("conflict", "ambiguous"):
        return outcome
    examples: dict[str, str] = {}
    for kind in sorted(kinds):
        for e in parts:
            if kind in e.kinds:
                examples[kind] = e.where(kind)[2]
                break
    try:
        return ev.decide_decimal(examples, setting=reading.decimal_separator, delimiter=reading.delimiter,
                                 csv=reading.delimiter is not None)
    except ValueError as exc:
        return exc


UNSET = object()
#: The integers COM hands over for error cells (0x800A07D0 + 0..99, signed): never numbers.
_COM_ERROR_INTS = (-2146826288, -2146826189)


def number_column(name: str, kind: str, nonnegative: bool, values: Sequence[Any],
                  decision: Any = UNSET, evidence: Evidence | None = None,
                  reading: Reading = Reading()) -> Column:
    """Parse a number (or rating) column; ``decision``/``evidence`` come from the caller when
    the decision covers more than this column (a CSV file), else they are made here."""
    n = len(values)
    col = Column(np.full(n, np.nan), {})
    types = set(map(type, values))
    if all(t is float or t is int or t is type(None) for t in types):
        try:
            col.values = np.array(values, dtype=float)      # None -> NaN
        except OverflowError:                               # an int beyond 1e308
            col.values = None
        if col.values is not None and not (int in types and _com_errors_in(values, col.values)):
            if float in types:             # NaN here is blank (None) or a NaN the cell stores
                _stored_nan(values, col.values, col.bad, type(None) in types)
            _check_range(name, kind, nonnegative, values, col.values, col.bad)
            return col
        col.values = np.full(n, np.nan)
    if evidence is None:
        evidence = number_evidence(values, types)
    if decision is UNSET:
        decision = decide_numbers([evidence], reading)
        if isinstance(decision, ValueError):
            col.problems.append(decision_problem(decision, [(evidence, lambda i: i)]))
    conv = _convert_texts(name, evidence, decision)
    out, bad = col.values, col.bad
    if types == {str}:                     # a CSV column: mapped at C speed
        reasons = {t: x for t, x in conv.items() if type(x) is not float}
        if reasons:
            conv = {**conv, **dict.fromkeys(reasons, math.nan)}
            reasons = {t: x for t, x in reasons.items() if x is not None}
        col.values = out = np.fromiter(map(conv.__getitem__, values), dtype=float, count=n)
        if reasons:
            for i, v in enumerate(values):
                if v in reasons:
                    bad[i] = None if reasons[v] == "\0" else reasons[v]
        _check_range(name, kind, nonnegative, values, out, bad)
        return col
    for i, v in enumerate(values):
        t = type(v)
        if t is str:
            x = conv.get(v)
            if type(x) is float:
                out[i] = x
            elif x is not None:
                bad[i] = None if x == "\0" else x
        elif t is float and v - v == 0 or t is int and -2**63 < v < 2**63 and not excel_error(v):
            out[i] = v
        elif v is not None:
            x = _number_cell(name, v)
            if isinstance(x, float):
                out[i] = x
            else:
                bad[i] = x
    _check_range(name, kind, nonnegative, values, out, bad)
    return col


def _stored_nan(values: Sequence[Any], floats: np.ndarray, bad: dict[int, str | None],
                blanks: bool) -> None:
    """Refuse the NaN a cell stores (``<v>nan</v>``: other tools than Excel write it): in
    ``floats`` it would look like a blank cell, a silent 0 or a misleading "blank"."""
    idx = np.flatnonzero(np.isnan(floats))
    for i in idx.tolist():
        if not blanks or values[i] is not None:
            bad[i] = msg("not_finite_value", value=as_typed(values[i]))


def _com_errors_in(values: Sequence[Any], floats: np.ndarray) -> bool:
    """Whether an integer COM hands over for an error cell is among ``values``."""
    with np.errstate(invalid="ignore"):
        near = np.flatnonzero((floats >= _COM_ERROR_INTS[0]) & (floats <= _COM_ERROR_INTS[1]))
    return any(type(values[i]) is int for i in near)


def _dependent_number_classes(exc: ValueError) -> set[str]:
    """The classes a failed decision leaves unread: the two-way ones, and after a conflict
    every class that proves a separator."""
    if isinstance(exc, ev.ConflictingValues):
        return {c for c, sep in ev.NUMBER_PROVES.items() if sep is not None} | set(ev.NUMBER_TWO_WAYS)
    return set(ev.NUMBER_TWO_WAYS)


def _convert_texts(name: str, e: Evidence, decision: Any) -> dict[str, Any]:
    """Distinct text -> float, None (blank) or the reason it cannot be read ("\0": a
    column-level problem says it)."""
    failed = isinstance(decision, ValueError)
    dependent = _dependent_number_classes(decision) if failed else set()
    sep = decision if isinstance(decision, str) else None
    conv: dict[str, Any] = {}
    plain = e.plain if not isinstance(decision, ev.ConflictingValues) else []   # then 12.5 is unread too
    if plain:
        conv.update(zip(plain, np.array(plain, dtype=float).tolist()))
    rest = e.texts.difference(plain) if plain else e.texts
    bare = [t for t in rest if t[:1] in _BARE_START and t[-1:] in _DIGITS
            and ev.NUMBER_PROVES.get(e.cls(t), "?") in (None, sep) and e.cls(t) not in dependent]
    if bare:                               # grouped numbers (1.234,56): one translate, one numpy pass
        blob = "\n".join(bare).translate(_UNGROUP[sep or "."])
        conv.update(zip(bare, np.array(blob.split("\n"), dtype=float).tolist()))
    for t in rest.difference(bare) if bare else rest:
        conv[t] = _read_text_number(name, t, e.cls(t) if t.strip() else None, sep, dependent)
    return conv


_DIGITS = frozenset("0123456789")
_BARE_START = _DIGITS | {"-", "+"}
_GROUPERS = {ord(c): None for c in " \u00a0\u202f\u2007'\u2019"}
# Text without its thousands separators, with "." as the decimal mark, for float().
_UNGROUP = {".": {**_GROUPERS, ord(","): None}, ",": {**_GROUPERS, ord("."): None, ord(","): "."}}


def _read_text_number(name: str, text: str, cls: str | None, sep: str | None, dependent: set[str]):
    """float, None (blank), "\\0" (covered by a column problem) or the reason."""
    if not text.strip():
        return None
    if cls is None:
        reason = marker_reason(text)
        if reason:
            return reason
        try:
            parse_number(text)             # the one parser's reason ('lots' is not a number...)
        except ValueError as exc:
            return reason_of(exc)
        return msg("not_a_number", value=text)  # pragma: no cover - a number has a class
    if cls in dependent:
        return "\0"
    if text.rstrip().endswith("%"):
        return percent_reason(name, text)
    try:
        return ev.to_number(text, sep)
    except ValueError as exc:
        return reason_of(exc)


def _number_cell(name: str, v: Any) -> float | str:
    """A non-text, non-plain-number cell: its value, or the reason it cannot be read."""
    reason = marker_reason(v)
    if reason:
        return reason
    if isinstance(v, PercentCell):
        return percent_reason(name, str(v))
    try:
        x = parse_number(v)
    except ValueError as exc:
        return reason_of(exc)
    return math.nan if x is None else x


def _check_range(name: str, kind: str, nonnegative: bool, values, out: np.ndarray,
                 bad: dict[int, str | None]) -> None:
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(out)
        nan = np.isnan(out)
        checks = [(~nan & ~finite, "not_finite_value")]     # first: -inf is no negative number
        if kind == "rating":
            checks.append((~nan & ((out < 1) | (out > 5)), "not_rating"))
        if nonnegative:
            checks.append((out < 0, "negative"))
        checks.append((finite & (np.abs(out) > MAX_AMOUNT), "too_large_amount"))
        if name in _DAYS:                  # days_to_pay too (it does not end in "_days")
            checks.append((out > MAX_DAYS, "too_many_days"))
    for mask, key in checks:
        for i in np.flatnonzero(mask):
            i = int(i)
            if i not in bad:
                bad[i] = msg(key, value=as_typed(values[i]))
    if bad:
        out[list(bad)] = np.nan

