"""The reading rule (design.md section 5) in SQL, decided by :mod:`xlprof.io.evidence`.

Every text value of a number column gets a *class code* per row, in the same scan that
converts and aggregates it (one pass over the raw file):

* a plain value (``-?[0-9]+([.,][0-9]+)?``: one cheap regular expression, most exports) gets
  its class from its length and the position of its mark: ``1.234`` (a first group of one to
  three digits not starting with 0, then exactly three) is ambiguous, any other value with one
  mark is a decimal, no mark an integer -- exactly :data:`evidence.NUMBER_CLASSES` restricted
  to plain values;
* any other value goes through evidence's own regular expressions, first match wins
  (:data:`evidence.NUMBER_STRIP` removed first; a percentage is not an amount);
* blank values get :data:`BLANK`.

The conversion of a row depends on its class code and on the file's decimal mark, which the
scan *guesses* from a sample of the file. The scan also returns, per class, the count, the
lowest and highest raw value, what SQL made of them, the most decimals and integer digits.
From that the decision is made again with evidence's ``decide_decimal`` over the whole file;
the guess is kept only if it reads every value the same (same mark, enough decimals and
digits for an exact DECIMAL), else the scan is run again with the decision (see engine.py).
The two examples of every class are also classified and converted by evidence itself: the
SQL may never read a value differently from the Python rule (else an internal error).

Dates: converted with ``try_strptime`` and the formats the sample suggests; the scan returns
every distinct raw date text with what SQL made of it, and evidence's ``to_date`` must give
the same date for each of them (a complete check, since the conversion only depends on the
text), else the column is read again through the exact map text -> date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..errors import InternalError
from ..io import evidence as ev

PLAIN = "-?[0-9]+(?:[.,][0-9]+)?"
CLASSES = list(ev.NUMBER_CLASSES)           # code of a class = index + 1 (plain) or + 1 + COMPLEX
BLANK, PERCENT, NOT_A_NUMBER, COMPLEX = 0, 20, 21, 32
GROUP_CHARS = " \u00a0\u202f\u2007'\u2019"
WIDE = 38                                   # DECIMAL width beyond 18 digits


def q(name: str) -> str:
    """A quoted SQL identifier (any text, embedded quotes doubled)."""
    return '"' + str(name).replace('"', '""') + '"'


def lit(value) -> str:
    """A SQL literal. Used for constants xlprof writes (regular expressions, dates); values a
    user typed are bound as parameters (:class:`Params`)."""
    if value is None:
        return "NULL"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(lit(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


class Params:
    """Numbered parameters of one statement (``$1``, ``$2``...); ``add`` returns the placeholder."""

    def __init__(self):
        self.values: list = []

    def add(self, value) -> str:
        self.values.append(value)
        return f"${len(self.values)}"


def render(sql: str, params: list) -> str:
    """The statement with its parameters written as literals (for people, not for execution)."""
    import re

    out, quote, i = [], None, 0
    while i < len(sql):
        ch = sql[i]
        if quote is None and ch in "'\"":
            quote = ch
        elif ch == quote:
            quote = None
        elif quote is None and ch == "$":
            m = re.match(r"\$(\d+)", sql[i:])
            if m:
                out.append(lit(params[int(m[1]) - 1]))
                i += len(m[0])
                continue
        out.append(ch)
        i += 1
    return "".join(out)


class RuleProblem(ValueError):
    """The rule refuses a column: ambiguous or conflicting evidence (message says how to fix)."""


# --- numbers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class NumberReading:
    """How a number column is converted: the decimal mark and an exact DECIMAL type."""

    decimal: str | None = "."
    scale: int = 2
    width: int = 18
    integers: int = field(default=0, compare=False)     # integer digits needed (evidence)

    @property
    def sqltype(self) -> str:
        return f"DECIMAL({self.width},{self.scale})"

    def covers(self, need: "NumberReading") -> bool:
        """True when converting with self gives the same values as with ``need``."""
        same = need.decimal is None or self.decimal == need.decimal
        return same and self.scale >= need.scale and self.width - self.scale >= need.integers


def number_mark_sql(c: str) -> str:
    """Where a plain value has its mark: the position of its comma, minus the position of
    its point, 0 for none; NULL when the value is not plain (first step of the class code)."""
    return f"CASE WHEN regexp_full_match({c}, {lit(PLAIN)}) THEN strpos({c}, ',') - strpos({c}, '.') END"


def _stripped(c: str) -> str:
    return f"regexp_replace({c}, {lit(ev.NUMBER_STRIP)}, '', 'g')"


def number_code_sql(c: str, k: str) -> str:
    """The class code of text column ``c`` whose :func:`number_mark_sql` is ``k``."""
    grouped = (f"strlen({c}) - abs({k}) = 3 AND abs({k}) - starts_with({c}, '-')::INT <= 4 "
               f"AND NOT (starts_with({c}, '0') OR starts_with({c}, '-0'))")
    plain = (f"CASE WHEN {k} = 0 THEN 1 WHEN {grouped} THEN (CASE WHEN {k} > 0 THEN 3 ELSE 2 END) "
             f"WHEN {k} > 0 THEN 5 ELSE 4 END")
    s = _stripped(c)
    arms = " ".join(f"WHEN regexp_full_match({s}, {lit(rx)}) THEN {COMPLEX + i + 1}"
                    for i, rx in enumerate(ev.NUMBER_CLASSES.values()))
    anyclass = "|".join(ev.NUMBER_CLASSES.values())
    return (f"CASE WHEN {k} IS NOT NULL THEN {plain} "
            f"WHEN {c} IS NULL OR trim({c}) = '' THEN {BLANK} "
            f"WHEN contains({c}, '%') THEN (CASE WHEN regexp_full_match({s}, {lit(anyclass)}) "
            f"THEN {PERCENT} ELSE {NOT_A_NUMBER} END) "
            f"ELSE (CASE {arms} ELSE {NOT_A_NUMBER} END) END")


def _normalised(c: str, decimal: str | None) -> str:
    """Any readable value as text DuckDB casts: currency, spaces and groups removed,
    accounting parentheses as a minus sign, the decimal mark as a point."""
    s = f"translate(trim({_stripped(c)}), {lit(GROUP_CHARS)}, '')"
    s = f"(CASE WHEN starts_with({s}, '(') THEN '-' || trim({s}, '()') ELSE {s} END)"
    if decimal == ",":
        return f"replace(replace({s}, '.', ''), ',', '.')"
    return f"replace({s}, ',', '')"


def number_value_sql(c: str, code: str, reading: NumberReading) -> str:
    """DECIMAL value of text column ``c`` whose class code is ``code`` (NULL: not a number)."""
    t = reading.sqltype
    if reading.decimal == ",":
        plain = (f"WHEN {code} IN (1, 3, 5) THEN TRY_CAST(replace({c}, ',', '.') AS {t}) "
                 f"WHEN {code} = 2 THEN TRY_CAST(replace({c}, '.', '') AS {t})")
    elif reading.decimal == ".":
        plain = (f"WHEN {code} IN (1, 2, 4) THEN TRY_CAST({c} AS {t}) "
                 f"WHEN {code} = 3 THEN TRY_CAST(replace({c}, ',', '') AS {t})")
    else:
        plain = f"WHEN {code} = 1 THEN TRY_CAST({c} AS {t})"
    return f"CASE {plain} WHEN {code} > {COMPLEX} THEN TRY_CAST({_normalised(c, reading.decimal)} AS {t}) END"


def number_decimals_sql(c: str, k: str, code: str, reading: NumberReading) -> str:
    """The decimals of a readable value (99 for an exponent), for the evidence: the DECIMAL
    scale must hold them all (its integer digits are checked by the cast itself, which
    gives NULL on overflow)."""
    n = _normalised(c, reading.decimal)
    dot = f"strpos({n}, '.')"
    return (f"CASE WHEN {k} IS NOT NULL THEN (CASE WHEN {k} = 0 THEN 0 ELSE strlen({c}) - abs({k}) END) "
            f"WHEN {code} > {COMPLEX} THEN (CASE WHEN regexp_matches({n}, '[eE]') THEN 99 "
            f"WHEN {dot} > 0 THEN strlen({n}) - {dot} ELSE 0 END) END")


def good(code: int) -> bool:
    return BLANK < code < PERCENT or code > COMPLEX


def class_name(code: int) -> str | None:
    if good(code):
        return CLASSES[(code - COMPLEX if code > COMPLEX else code) - 1]
    return None


@dataclass
class NumberGroup:
    """What the scan found for one class code of one column of one file."""

    column: str
    code: int
    rows: int
    lo: str | None
    hi: str | None
    lo_value: object = None
    hi_value: object = None
    decimals: int = 0                 # 99: an exponent
    unconverted: int = 0              # readable by the rule, but NULL in SQL (too large)


@dataclass
class NumberDecision:
    decimal: str | None
    readings: dict[str, NumberReading]          # column -> reading
    examples: dict[str, str] = field(default_factory=dict)    # class -> example


def sample_number_reading(texts: list[str], *, setting: str, delimiter: str | None) -> NumberReading:
    """A first guess from a sample of a file's values (the scan checks it on every value)."""
    kinds, decimals, digits = set(), 4, 1
    for t in texts:
        cls = ev.number_class(t)
        if cls is None:
            continue
        kinds.add(cls)
        tail = t.replace(",", ".").rpartition(".")[2]
        decimals = max(decimals, sum(ch.isdigit() for ch in tail) if "e" not in t.lower() else 10)
        digits = max(digits, sum(ch.isdigit() for ch in t))
    outcome = ev.decimal_outcome(kinds, setting=setting, delimiter=delimiter)
    decimal = outcome if outcome in (".", ",") else ("," if delimiter == ";" else ".")
    decimals = min(decimals, 10)
    width = 18 if digits + decimals + 2 <= 18 else WIDE
    return NumberReading(decimal, decimals, width)


def decide_numbers(groups: list[NumberGroup], *, setting: str, delimiter: str | None, where: str) -> NumberDecision:
    """The rule's decision for the columns of one file (CSV) or one column (xlsx, Parquet),
    from every class the scan saw; raises RuleProblem (refusal) or InternalError (the SQL
    classified an example differently from evidence)."""
    found: dict[str, str] = {}
    for g in sorted(groups, key=lambda g: (g.code, g.column)):
        name = class_name(g.code)
        if g.code == BLANK:
            continue
        for ex in (g.lo, g.hi):
            want = ev.number_class(ex)
            if g.code == PERCENT:
                ok = want is not None and "%" in ex
            elif g.code == NOT_A_NUMBER:
                ok = want is None
            else:
                ok = want == name and "%" not in ex
            if not ok:
                raise InternalError(AssertionError(f"{where}: SQL classifies {ex!r} as {name or g.code}, "
                                                   f"the reading rule as {want}"))
        if name is not None:
            found.setdefault(name, g.lo)
    try:
        decimal = ev.decide_decimal(found, setting=setting, delimiter=delimiter)
    except ValueError as exc:
        raise RuleProblem(str(exc)) from None
    readings = {}
    for col in sorted({g.column for g in groups}):
        mine = [g for g in groups if g.column == col and good(g.code)]
        decimals = max((g.decimals for g in mine), default=0)
        wide = decimals > 10 or any(g.unconverted for g in mine)
        # integer digits: the cast gives NULL on overflow, counted as unconverted -> wide
        readings[col] = NumberReading(decimal, min(decimals, 10), WIDE if wide else 18, WIDE - 10 if wide else 0)
    return NumberDecision(decimal, readings, found)


def check_numbers(con, groups: list[NumberGroup], decision: NumberDecision, reading: NumberReading,
                  where: str) -> None:
    """The values the scan's SQL gives every class's examples equal evidence.to_number's
    (the same expressions, run on the examples)."""
    mine = [g for g in groups if good(g.code)]
    if not mine:
        return
    texts = [ex for g in mine for ex in (g.lo, g.hi)]
    sql = (f"SELECT {number_value_sql('v', 'c', reading)} FROM (SELECT v, {number_code_sql('v', 'k')} AS c "
           f"FROM (SELECT v, {number_mark_sql('v')} AS k FROM (SELECT unnest($1::VARCHAR[]) AS v)))")
    values = [r[0] for r in con.execute(sql, [texts]).fetchall()]
    for i, g in enumerate(mine):
        g.lo_value, g.hi_value = values[2 * i], values[2 * i + 1]
    for g in mine:
        for ex, got in ((g.lo, g.lo_value), (g.hi, g.hi_value)):
            want = ev.to_number(ex, decision.decimal)
            if got is None and g.unconverted:
                continue                       # counted as unconverted (too large for DECIMAL(38))
            if got is None or abs(float(got) - want) > 1e-9 * max(1.0, abs(want)):
                raise InternalError(AssertionError(f"{where}: SQL reads {ex!r} as {got}, the reading rule as {want}"))


# --- dates ------------------------------------------------------------------------------------

_SEPS = ("-", "/", ".")


def date_formats(order: str | None, shapes: set[tuple[str, str]]) -> list[str]:
    """strptime formats for the (date class, separator) pairs seen (a guess: the scan
    checks every value)."""
    out = set()
    for cls, sep in shapes:
        if cls == "year_first":
            out.add(f"%Y{sep}%m{sep}%d")
        elif cls != "month_name":
            out.add(f"%m{sep}%d{sep}%Y" if order == "mdy" else f"%d{sep}%m{sep}%Y")
    return sorted(out) or ["%Y-%m-%d"]


@dataclass
class DateReading:
    order: str | None = None
    formats: tuple[str, ...] = ("%Y-%m-%d",)
    table: str | None = None               # exact map text -> date (a temp table), when formats fail


def sample_date_reading(texts: list[str], *, setting: str) -> DateReading:
    found: dict[str, str] = {}
    shapes: set[tuple[str, str]] = set()
    for t in texts:
        c = ev.date_class(t)
        if c is not None:
            found.setdefault(c, t)
            shapes.add((c, next((ch for ch in t.strip() if ch in _SEPS), "-")))
    try:
        order = ev.decide_date_order(found, setting=setting)
    except ValueError:
        order = setting if setting in ("dmy", "mdy") else "dmy"
    return DateReading(order, tuple(date_formats(order, shapes)))


def date_sql(c: str, reading: DateReading) -> str:
    """The date text column ``c`` spells. With a map table, ``c`` must be qualified by its
    table's alias (the lookup is a correlated subquery)."""
    if reading.table is not None:
        return f"(SELECT m.xlprof_day FROM {q(reading.table)} AS m WHERE m.xlprof_text = {c})"
    formats = reading.formats[0] if len(reading.formats) == 1 else list(reading.formats)
    return f"CAST(try_strptime({c}, {lit(formats)}) AS DATE)"


@dataclass
class DateDecision:
    order: str | None
    examples: dict[str, str]
    exact: dict[str, dt.date | None]        # every distinct text -> the rule's date (None: unreadable)
    agrees: bool                            # the scan's conversion gave exactly these


def decide_dates(values: list[tuple[str, object]], *, setting: str) -> DateDecision:
    """``values``: every distinct raw text of a column with what SQL made of it."""
    found: dict[str, str] = {}
    for v, _ in sorted(values):
        c = ev.date_class(v)
        if c is not None:
            found.setdefault(c, v.strip())
    try:
        order = ev.decide_date_order(found, setting=setting)
    except ValueError as exc:
        raise RuleProblem(str(exc)) from None
    exact: dict[str, dt.date | None] = {}
    agrees = True
    for v, got in values:
        try:
            want = ev.to_date(v, order)
        except ValueError:
            want = None
        exact[v] = want
        if isinstance(got, dt.datetime):
            got = got.date()
        agrees = agrees and got == want
    return DateDecision(order, found, exact, agrees)
