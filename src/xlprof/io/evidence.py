"""The reading rule for text that spells a number or a date (design.md section 5).

Text such as ``"1,234"`` or ``"03/04/2027"`` can mean two things. xlprof never guesses:
it decides a column's reading (a CSV file's, for numbers) from the *evidence* of the values
it holds, then from the Settings keys ``decimal_separator`` / ``date_order``, and refuses
what still reads two ways, naming both readings and the setting that decides.

How it works, in three steps that a SQL engine can repeat with the same regexes:

1. **Normalise.** Numbers: remove :data:`NUMBER_STRIP` (surrounding spaces, tabs and
   no-break spaces; a currency sign or code -- ``€ $ £ ¥ EUR USD GBP CHF MXN`` -- at the
   start or the end; a trailing ``%``), e.g. ``regexp_replace(x, NUMBER_STRIP, '', 'g')``.
   A leading ``+``/``-`` or surrounding parentheses (accounting negatives) stay: the classes
   allow them. Dates: remove :data:`DATE_STRIP` (surrounding spaces).
2. **Classify.** Each value gets the *first* class of :data:`NUMBER_CLASSES` (or
   :data:`DATE_CLASSES`) whose anchored regex matches (:func:`number_class`,
   :func:`date_class`; :func:`class_sql` writes the same test as a SQL ``CASE``). The regexes
   are valid in Python ``re`` and in RE2 (DuckDB's ``regexp_full_match``): ASCII digits
   ``[0-9]`` only, no look-around, no back-references.
3. **Decide.** Collect one example per class seen in the column and call
   :func:`decide_decimal` / :func:`decide_date_order`. The decision depends only on *which*
   classes occur (and on the setting and the CSV delimiter), never on how many: one
   ``12,5`` proves a decimal comma however many ``1.234`` surround it. Then
   :func:`to_number` / :func:`to_date` read each value with the decision.

What proves what (numbers): a thousands group has exactly three digits and the first group
never starts with 0, so ``12,5``, ``0,500``, ``1234,567`` and ``1.234,56`` prove a decimal
comma; ``12.5``, ``0.500``, ``1,234.56`` and ``1,234,567`` a decimal point; ``1'234.50``
(Swiss) and ``1 234,50`` (French) say it with their last mark. ``1.234`` and ``1,234`` prove
nothing: a column of only those is decided by ``decimal_separator``, else refused. A CSV
delimited by ``;`` settles ``1,234`` (a decimal comma: no locale that separates fields with
``;`` groups thousands with ``,``) but not ``1.234`` (Swiss Excel writes ``;`` with a decimal
point).

Dates with the year last: a first number above 12 proves day-first (``31/12/2027``), a second
above 12 month-first (``12/31/2027``); ``03/04/2027`` proves nothing and is decided by
``date_order`` or refused; ``05/05/2027`` reads the same both ways. Years have four digits
(``31/12/27`` is refused: ``27`` could be 1927 or 2027).

Errors: :class:`AmbiguousValue` (a value reads two ways and nothing decides) and
:class:`ConflictingValues` (the column proves both readings); both are ``ValueError``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Iterable, Mapping

from ..messages import msg

__all__ = [
    "NUMBER_STRIP", "NUMBER_CLASSES", "NUMBER_PROVES", "NUMBER_TWO_WAYS", "number_class", "decide_decimal", "decimal_outcome",
    "to_number", "number_readings",
    "DATE_STRIP", "DATE_CLASSES", "DATE_PROVES", "date_class", "decide_date_order", "to_date",
    "date_readings", "AmbiguousValue", "ConflictingValues", "class_sql",
]

# --- shared pieces ------------------------------------------------------------------------
# Literal characters (not \u escapes) so that the same pattern text works in RE2.
_WS = "[ \t\u00a0\u202f\u2007]"                 # space, tab, no-break, narrow no-break, figure space
_CURRENCY = "(?:[€$£¥]|(?i:EUR|USD|GBP|CHF|MXN))"
_GROUP_SPACE = "[ \u00a0\u202f\u2007'\u2019]"    # thousands separators that are never decimal marks

NUMBER_STRIP = (f"^{_WS}*(?:{_CURRENCY}{_WS}*)?"
                f"|{_WS}*(?:{_CURRENCY}{_WS}*)?%?{_WS}*$")
"""What is removed before classifying a number (every match, e.g. ``re.sub(NUMBER_STRIP, '', s)``)."""

_D = "[0-9]"
_LEAD = "[1-9][0-9]{0,2}"                        # first group of a grouped number
_EXP = "(?:[eE][+-]?[0-9]+)?"


def _signed(body: str) -> str:
    """``body`` with an optional sign, or in accounting parentheses; anchored."""
    return f"^(?:[+-]?{body}|\\({body}\\))$"


# Order matters: the first class that matches is the value's class (ambiguous shapes are
# tested before the general decimal shapes they are a special case of).
NUMBER_CLASSES: dict[str, str] = {
    "integer": _signed(f"{_D}+{_EXP}"),
    "point_or_thousands": _signed(f"{_LEAD}\\.{_D}{{3}}"),        # 1.234   -> 1.234 or 1234
    "comma_or_thousands": _signed(f"{_LEAD},{_D}{{3}}"),          # 1,234   -> 1234 or 1.234
    "decimal_point": _signed(f"{_D}*\\.{_D}+{_EXP}"),             # 12.5  0.500  1234.567  .5
    "decimal_comma": _signed(f"{_D}*,{_D}+{_EXP}"),               # 12,5  0,500  1234,567
    "point_groups": _signed(f"{_LEAD}(?:\\.{_D}{{3}}){{2,}}"),    # 1.234.567
    "point_groups_comma": _signed(f"{_LEAD}(?:\\.{_D}{{3}})+,{_D}+"),   # 1.234,56
    "comma_groups": _signed(f"{_LEAD}(?:,{_D}{{3}}){{2,}}"),      # 1,234,567
    "comma_groups_point": _signed(f"{_LEAD}(?:,{_D}{{3}})+\\.{_D}+"),   # 1,234.56
    "space_groups": _signed(f"{_LEAD}(?:{_GROUP_SPACE}{_D}{{3}})+"),    # 1 234  1'234
    "space_groups_point": _signed(f"{_LEAD}(?:{_GROUP_SPACE}{_D}{{3}})+\\.{_D}+"),   # 1'234.50
    "space_groups_comma": _signed(f"{_LEAD}(?:{_GROUP_SPACE}{_D}{{3}})+,{_D}+"),     # 1 234,50
}
"""Class name -> anchored regex over the normalised text (see the module docstring)."""

NUMBER_PROVES: dict[str, str | None] = {
    "integer": None, "point_or_thousands": None, "comma_or_thousands": None,
    "decimal_point": ".", "decimal_comma": ",",
    "point_groups": ",", "point_groups_comma": ",",
    "comma_groups": ".", "comma_groups_point": ".",
    "space_groups": None, "space_groups_point": ".", "space_groups_comma": ",",
}
"""Class -> the decimal separator one value of the class proves (None: proves nothing)."""

NUMBER_TWO_WAYS = ("point_or_thousands", "comma_or_thousands")
"""The classes that read two ways (which separator is decimal decides their value)."""

_STRIP_RE = re.compile(NUMBER_STRIP)
_NUMBER_RE = re.compile("|".join(f"(?P<{name}>{rx[1:-1]})" for name, rx in NUMBER_CLASSES.items()))


class AmbiguousValue(ValueError):
    """A value reads two ways and nothing decides which.

    ``example`` is the value as given, ``readings`` maps each choice of the setting to what
    the value would then be, ``setting`` names the Settings key that decides.
    """

    def __init__(self, message: str, *, example: str, readings: Mapping[str, object], setting: str):
        super().__init__(message)
        self.example = example
        self.readings = dict(readings)
        self.setting = setting


class ConflictingValues(ValueError):
    """The values of one column (CSV: one file) prove both readings.

    ``examples`` maps each reading (``"."``/``","``, ``"dmy"``/``"mdy"``) to a value that
    proves it, ``setting`` names the Settings key concerned.
    """

    def __init__(self, message: str, *, examples: Mapping[str, str], setting: str):
        super().__init__(message)
        self.examples = dict(examples)
        self.setting = setting


# --- numbers --------------------------------------------------------------------------------


_BARE_ENDS = frozenset("0123456789()")


def _normalise_number(text: str) -> str:
    if text[:1] in _BARE_ENDS and text[-1:] in _BARE_ENDS and text[:1]:
        return text                        # nothing to strip (most values): skip the regex
    return _STRIP_RE.sub("", text)


def number_class(text: object) -> str | None:
    """The class of :data:`NUMBER_CLASSES` of ``text`` (None: not a number at all)."""
    if not isinstance(text, str):
        return None
    m = _NUMBER_RE.fullmatch(_normalise_number(text))
    return m.lastgroup if m else None


def _sep_name(sep: str):
    return msg("a_decimal_point" if sep == "." else "a_decimal_comma")


def decimal_outcome(kinds: Iterable[str], *, setting: str = "auto", delimiter: str | None = None) -> str | None:
    """What :func:`decide_decimal` decides from the classes alone: ``"."``, ``","``, None
    (nothing depends on it), ``"conflict"`` or ``"ambiguous"`` (it would raise)."""
    kinds = set(kinds)
    proofs = {NUMBER_PROVES.get(c) for c in kinds} - {None}
    if len(proofs) == 2:
        return "conflict"
    if proofs:
        return proofs.pop()
    if not kinds & set(NUMBER_TWO_WAYS):
        return None
    if setting in (".", ","):
        return setting
    if delimiter == ";" and "comma_or_thousands" in kinds:
        return ","
    return "ambiguous"


def decide_decimal(found: Mapping[str, str], *, setting: str = "auto",
                   delimiter: str | None = None, scope: str | None = None, csv: bool = False) -> str | None:
    """The decimal separator (``"."`` or ``","``) of a column, or None if nothing depends on it.

    ``found`` maps each class of :data:`NUMBER_CLASSES` seen in the column (CSV: in the file)
    to one example value. Evidence from the values comes first; then ``setting`` (the
    Settings key ``decimal_separator``: ``auto``, ``.`` or ``,``); then the CSV ``delimiter``
    (``;`` settles ``1,234`` as a decimal comma). Raises :class:`ConflictingValues` when the
    values prove both separators, :class:`AmbiguousValue` when a value reads two ways and
    nothing decides. ``scope`` names where the values come from in messages (default:
    "file" when a delimiter is given, else "column"; "" for a lone value); ``csv``: the values
    are a CSV folder's, whose settings are a Settings.csv file (the message says how).
    """
    outcome = decimal_outcome(found, setting=setting, delimiter=delimiter)
    if outcome not in ("conflict", "ambiguous"):
        return outcome
    if scope is None:
        scope = "file" if delimiter else "column"
    if outcome == "conflict":
        proofs: dict[str, str] = {}
        for cls, example in found.items():
            sep = NUMBER_PROVES.get(cls)
            if sep is not None:
                proofs.setdefault(sep, example)
        a, b = proofs["."], proofs[","]
        raise ConflictingValues(msg("decimal_conflict", a=a, b=b, scope=_in(scope)),
                                examples={".": a, ",": b}, setting="decimal_separator")
    ambiguous = [c for c in NUMBER_TWO_WAYS if c in found]
    example = found[ambiguous[0]]
    readings = number_readings(example)
    mark = "." if ambiguous[0] == "point_or_thousands" else ","
    thousands, decimal = (readings[","], readings["."]) if mark == "." else (readings["."], readings[","])
    raise AmbiguousValue(
        msg("decimal_ambiguous", example=example, thousands=thousands, decimal=decimal, mark=mark,
            as_decimal=msg("the_decimal_point" if mark == "." else "the_decimal_comma"),
            nothing=_nothing_else(scope), where=msg("set_in_csv_decimal" if csv else "set_in_sheet")),
        example=example, readings=readings, setting="decimal_separator")


_SCOPES = {"file": "file", "column": "column", "Settings sheet": "settings"}


def _in(scope: str):
    """" in the column" (message part) for ``scope`` ("file", "column", "Settings sheet", "")."""
    return msg(f"in_{_SCOPES[scope]}" if scope else "in_nothing")


def _nothing_else(scope: str):
    """"nothing else in the column" (message part) for ``scope``; "nothing" for a lone value."""
    return msg(f"nothing_else_{_SCOPES[scope]}" if scope else "nothing")


def number_readings(text: str) -> dict[str, float]:
    """What ``text`` reads as with each decimal separator (``{".": ..., ",": ...}``);
    only the readings that exist."""
    out = {}
    for sep in (".", ","):
        try:
            out[sep] = to_number(text, sep)
        except ValueError:
            pass
    return out


def to_number(text: str, decimal: str | None) -> float:
    """The value of number ``text`` read with decimal separator ``decimal`` (``"."``,
    ``","``, or None when the caller knows the value does not depend on it).

    A trailing ``%`` divides by 100; parentheses and a leading ``-`` make it negative.
    Raises :class:`AmbiguousValue` if ``decimal`` is None and the value needs it,
    ValueError if ``text`` is not a number, is not finite, or proves the other separator.
    """
    if not isinstance(text, str):
        raise ValueError(msg("not_a_number", value=text))
    s = _normalise_number(text)
    m = _NUMBER_RE.fullmatch(s)
    if m is None:
        raise ValueError(msg("not_a_number", value=text))
    cls = m.lastgroup
    proves = NUMBER_PROVES[cls]
    if cls in NUMBER_TWO_WAYS:
        if decimal is None:
            decide_decimal({cls: text}, scope="")   # raises AmbiguousValue with the readings
        sep = decimal
    elif proves is not None:
        if decimal is not None and decimal != proves:
            raise ValueError(msg("has_other_decimal", value=text, has=_sep_name(proves),
                                 other=_sep_name(decimal)))
        sep = proves
    else:
        sep = "."                              # integer or space-grouped integer: no mark
    neg = s.startswith("-") or s.startswith("(")
    body = s.strip("()+-")
    for g in " \u00a0\u202f\u2007'\u2019":
        body = body.replace(g, "")
    if sep == ",":
        body = body.replace(".", "").replace(",", ".")
    else:
        body = body.replace(",", "")
    x = float(body)
    if not math.isfinite(x):
        raise ValueError(msg("not_finite", value=text))
    if text.rstrip().endswith("%"):
        x /= 100.0
    return -x if neg else x


# --- dates ----------------------------------------------------------------------------------

DATE_STRIP = f"^{_WS}+|{_WS}+$"
"""What is removed before classifying a date: surrounding spaces."""

_P12 = "(?:0?[1-9]|1[0-2])"                 # 1..12: a day or a month
_G12 = "(?:1[3-9]|2[0-9]|3[01])"            # 13..31: only a day
_Y4 = "[0-9]{4}"
_TIME = "(?:[ T]0?0:00(?::00(?:\\.0+)?)?)?"  # a midnight time, as Excel writes date-times
_SEPS = ("/", "-", "\\.")
_MONTHS = {
    "jan": 1, "january": 1, "ene": 1, "enero": 1,
    "feb": 2, "february": 2, "febrero": 2,
    "mar": 3, "march": 3, "marzo": 3,
    "apr": 4, "april": 4, "abr": 4, "abril": 4,
    "may": 5, "mayo": 5,
    "jun": 6, "june": 6, "junio": 6,
    "jul": 7, "july": 7, "julio": 7,
    "aug": 8, "august": 8, "ago": 8, "agosto": 8,
    "sep": 9, "sept": 9, "september": 9, "septiembre": 9, "set": 9, "setiembre": 9,
    "oct": 10, "october": 10, "octubre": 10,
    "nov": 11, "november": 11, "noviembre": 11,
    "dec": 12, "december": 12, "dic": 12, "diciembre": 12,
}
_MONTH_RX = "(?i:" + "|".join(sorted(_MONTHS, key=lambda m: (-len(m), m))) + ")"


def _year_last(first: str, second: str) -> str:
    return "^(?:" + "|".join(f"{first}{s}{second}{s}{_Y4}" for s in _SEPS) + f"){_TIME}$"


_SAME = [f"0?{n}" if n < 10 else str(n) for n in range(1, 13)]

DATE_CLASSES: dict[str, str] = {
    "year_first": "^(?:" + "|".join(f"{_Y4}{s}[0-9]{{1,2}}{s}[0-9]{{1,2}}" for s in _SEPS)
                  + f"){_TIME}$",
    "day_first": _year_last(_G12, _P12),              # 31/12/2027
    "month_first": _year_last(_P12, _G12),            # 12/31/2027
    # day and month equal (05/05/2027): the same date either way
    "day_is_month": "^(?:" + "|".join(f"{n}{s}{n}{s}{_Y4}" for n in _SAME for s in _SEPS)
                    + f"){_TIME}$",
    "day_or_month": _year_last(_P12, _P12),           # 03/04/2027
    "month_name": f"^(?:[0-9]{{1,2}}(?:-|{_WS}+|{_WS}+(?i:de){_WS}+){_MONTH_RX}\\.?(?:-|{_WS}+|{_WS}+(?i:de){_WS}+){_Y4}"
                  f"|{_MONTH_RX}\\.?{_WS}+[0-9]{{1,2}},?{_WS}+{_Y4}){_TIME}$",    # 31-Dec-2027, Dec 31, 2027
}
"""Class name -> anchored regex over the date text without surrounding spaces."""

DATE_PROVES: dict[str, str | None] = {
    "year_first": None, "day_first": "dmy", "month_first": "mdy", "day_is_month": None,
    "day_or_month": None, "month_name": None,
}

_DATE_STRIP_RE = re.compile(DATE_STRIP)
_DATE_RE = re.compile("|".join(f"(?P<{name}>{rx[1:-1]})" for name, rx in DATE_CLASSES.items()))
_NUMS = re.compile("[0-9]+")
_WORD = re.compile("[^\\W\\d_]+")


def date_class(text: object) -> str | None:
    """The class of :data:`DATE_CLASSES` of ``text`` (None: not a date xlprof reads)."""
    if not isinstance(text, str):
        return None
    m = _DATE_RE.fullmatch(_DATE_STRIP_RE.sub("", text))
    return m.lastgroup if m else None


_ORDER_WORDS = {"dmy": "day", "mdy": "month"}


def decide_date_order(found: Mapping[str, str], *, setting: str = "auto",
                      scope: str = "column", csv: bool = False) -> str | None:
    """The order (``"dmy"``, ``"mdy"``) of a column's year-last dates, or None if nothing
    depends on it.

    ``found`` maps each class of :data:`DATE_CLASSES` seen in the column to one example.
    Evidence first (``31/12/2027`` proves day-first), then ``setting`` (the Settings key
    ``date_order``: ``auto``, ``dmy``, ``mdy``, ``ymd``). Raises :class:`ConflictingValues`
    when the column proves both orders, :class:`AmbiguousValue` when a date reads two ways
    and nothing decides (``ymd`` decides nothing for dates with the year last); ``csv``: the
    column is a CSV file's, whose settings are a Settings.csv file (the message says how).
    """
    proofs: dict[str, str] = {}
    for cls, example in found.items():
        order = DATE_PROVES.get(cls)
        if order is not None:
            proofs.setdefault(order, example)
    if len(proofs) == 2:
        a, b = proofs["dmy"], proofs["mdy"]
        raise ConflictingValues(msg("date_conflict", a=a, b=b, scope=_in(scope)), examples=proofs,
                                setting="date_order")
    if proofs:
        return next(iter(proofs))
    if "day_or_month" not in found:
        return None
    if setting in ("dmy", "mdy"):
        return setting
    example = found["day_or_month"]
    readings = date_readings(example)
    extra = msg("ymd_settles_nothing" if setting == "ymd" else "in_nothing")
    raise AmbiguousValue(
        msg("date_ambiguous", example=example, dmy=readings["dmy"], mdy=readings["mdy"],
            nothing=_nothing_else(scope), extra=extra, where=msg("set_in_csv_date" if csv else "set_in_sheet")),
        example=example, readings=readings, setting="date_order")


def date_readings(text: str) -> dict[str, dt.date]:
    """What year-last date ``text`` reads as day-first and month-first (those that exist)."""
    out = {}
    for order in ("dmy", "mdy"):
        try:
            out[order] = to_date(text, order)
        except ValueError:
            pass
    return out


def to_date(text: str, order: str | None) -> dt.date:
    """The date spelt by ``text`` with ``order`` (``"dmy"``/``"mdy"``, or None when the
    caller knows the value does not depend on it).

    Raises :class:`AmbiguousValue` if ``order`` is None and the value needs it, ValueError
    if ``text`` is not a date xlprof reads, is not a valid date (``31/02/2027``), or
    proves the other order.
    """
    if not isinstance(text, str):
        raise ValueError(msg("not_a_date", value=text))
    s = _DATE_STRIP_RE.sub("", text)
    m = _DATE_RE.fullmatch(s)
    if m is None:
        raise ValueError(_not_a_date(text, s))
    cls = m.lastgroup
    s = re.sub(f"{_TIME}$", "", s) if ":" in s else s
    nums = [int(n) for n in _NUMS.findall(s)]
    if cls == "year_first":
        y, mo, d = nums
    elif cls == "month_name":
        month = _MONTHS[_WORD.findall(re.sub("(?i) de ", " ", s).lower())[0]]
        d, y = nums
        mo = month
    else:
        a, b, y = nums
        proves = DATE_PROVES[cls]
        if cls == "day_or_month" and order not in ("dmy", "mdy"):
            decide_date_order({cls: text}, setting=order or "auto", scope="")  # raises AmbiguousValue
        if proves is not None and order in ("dmy", "mdy") and order != proves:
            raise ValueError(msg("has_other_order", value=text, has=msg(_ORDER_WORDS[proves]),
                                 other=msg(_ORDER_WORDS[order])))
        use = proves or order or "dmy"         # day_is_month reads the same either way
        d, mo = (a, b) if use == "dmy" else (b, a)
    try:
        return dt.date(y, mo, d)
    except ValueError:
        raise ValueError(msg("not_a_valid_date", value=text)) from None


def _not_a_date(text: str, s: str):
    if re.fullmatch("[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2}", s):
        return msg("two_digit_year", value=text)
    if re.fullmatch("[0-9]{1,4}[/.-][0-9]{1,2}[/.-][0-9]{1,4}.*", s):
        return msg("not_a_valid_date", value=text)
    return msg("not_a_date_expected", value=text)


# --- SQL ------------------------------------------------------------------------------------


def class_sql(expr: str, classes: Mapping[str, str], strip: str | None = None) -> str:
    """A SQL ``CASE`` giving the class of ``expr`` (NULL: none), first match wins, as
    :func:`number_class` / :func:`date_class` do. ``strip`` (:data:`NUMBER_STRIP` or
    :data:`DATE_STRIP`) is removed first. For DuckDB: ``regexp_full_match`` (RE2)."""
    def lit(s: str) -> str:
        return "'" + s.replace("'", "''") + "'"

    value = f"regexp_replace({expr}, {lit(strip)}, '', 'g')" if strip else expr
    arms = " ".join(f"WHEN regexp_full_match({value}, {lit(rx)}) THEN {lit(name)}"
                    for name, rx in classes.items())
    return f"(CASE {arms} ELSE NULL END)"
