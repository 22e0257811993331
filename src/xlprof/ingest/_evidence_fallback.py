"""Provisional stand-in for :mod:`xlprof.io.evidence` (contracts.md), used only until the
*values* engineer's module lands on main. Same names, same meanings, fewer classes.

Delete this file once ``xlprof.io.evidence`` exists (``rule.py`` prefers it).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Mapping


class AmbiguousValue(ValueError):
    pass


class ConflictingValues(ValueError):
    pass


NUMBER_STRIP = r"[\s\u00a0\u202f€$£]|%$"
NUMBER_CLASSES: dict[str, str] = {
    "integer": r"^[+-]?\d+$",
    "dot_thousands_or_decimal": r"^[+-]?\d{1,3}\.\d{3}$",
    "comma_thousands_or_decimal": r"^[+-]?\d{1,3},\d{3}$",
    "dot_decimal": r"^[+-]?(\d*\.(\d{1,2}|\d{4,})|\d{4,}\.\d{3}|\d{1,3}(,\d{3})+\.\d+|\d{1,3}(,\d{3}){2,})$",
    "comma_decimal": r"^[+-]?(\d*,(\d{1,2}|\d{4,})|\d{4,},\d{3}|\d{1,3}(\.\d{3})+,\d+|\d{1,3}(\.\d{3}){2,})$",
}
_PROVES = {"dot_decimal": ".", "comma_decimal": ","}
_AMBIGUOUS = {"dot_thousands_or_decimal": ("1234", "1.234"), "comma_thousands_or_decimal": ("1.234", "1234")}

DATE_CLASSES: dict[str, str] = {
    "iso": r"^\d{4}-\d{1,2}-\d{1,2}$",
    "day_first": r"^(1[3-9]|2\d|3[01])[/.-](0?[1-9]|1[0-2])[/.-]\d{4}$",
    "month_first": r"^(0?[1-9]|1[0-2])[/.-](1[3-9]|2\d|3[01])[/.-]\d{4}$",
    "same_parts": r"^(0?[1-9]|1[0-2])[/.-](0?[1-9]|1[0-2])[/.-]\d{4}$",
}
_STRIP = re.compile(NUMBER_STRIP)


def _strip(text: str) -> str:
    return _STRIP.sub("", text.strip())


def number_class(text: str) -> str | None:
    s = _strip(text)
    for name, rx in NUMBER_CLASSES.items():
        if re.fullmatch(rx, s):
            return name
    return None


def decide_decimal(found: Mapping[str, str], *, setting: str = "auto", delimiter: str | None = None) -> str | None:
    proven = {_PROVES[c]: ex for c, ex in found.items() if c in _PROVES}
    if len(proven) > 1:
        raise ConflictingValues(f"{proven['.']!r} has a decimal point and {proven[',']!r} a decimal comma")
    if setting in (".", ","):
        return setting
    if proven:
        return next(iter(proven))
    amb = [ex for c, ex in found.items() if c in _AMBIGUOUS]
    if not amb:
        return None
    if delimiter == ";":
        return ","
    ex = amb[0]
    raise AmbiguousValue(f"{ex!r} reads as {to_number(ex, '.')!r} with a decimal point or "
                         f"{to_number(ex, ',')!r} with a decimal comma; set decimal_separator")


def to_number(text: str, decimal: str | None) -> float:
    s = _strip(text)
    if number_class(s) is None:
        raise ValueError(f"{text!r} is not a number")
    if decimal == ",":
        s = s.replace(".", "").replace(",", ".")
    else:
        s = s.replace(",", "")
        if decimal is None:
            s = s.replace(".", "") if s.count(".") > 1 else s
    return float(s)


def date_class(text: str) -> str | None:
    s = text.strip()
    for name, rx in DATE_CLASSES.items():
        if re.fullmatch(rx, s):
            return name
    return None


def decide_date_order(found: Mapping[str, str], *, setting: str = "auto") -> str | None:
    if "day_first" in found and "month_first" in found:
        raise ConflictingValues(f"{found['day_first']!r} is day-first and {found['month_first']!r} month-first")
    if setting != "auto":
        return setting
    if "day_first" in found:
        return "dmy"
    if "month_first" in found:
        return "mdy"
    if "same_parts" in found:
        ex = found["same_parts"]
        a, b, _ = re.split(r"[/.-]", ex)
        if int(a) != int(b):
            raise AmbiguousValue(f"{ex!r} reads as day {a} month {b} or month {a} day {b}; set date_order")
        return "dmy"
    return "ymd" if "iso" in found else None


def to_date(text: str, order: str | None) -> dt.date:
    s = text.strip()
    if date_class(s) is None:
        raise ValueError(f"{text!r} is not a date")
    parts = [int(p) for p in re.split(r"[/.-]", s)]
    if len(str(s.split("-")[0])) == 4 and "-" in s:
        return dt.date(parts[0], parts[1], parts[2])
    if order == "mdy":
        return dt.date(parts[2], parts[0], parts[1])
    return dt.date(parts[2], parts[1], parts[0])
