"""The reading rule (design.md section 5) in SQL: decide each raw column's meaning from the
evidence of the whole column (per file), then convert it in DuckDB.

All decisions come from :mod:`xlprof.io.evidence` (the same regular expressions and the same
``decide_decimal`` / ``decide_date_order`` as the workbook and CSV readers); this module only
collects the evidence with SQL and writes the conversion as SQL. Every conversion is checked
against evidence's own ``to_number`` / ``to_date`` on one example of each value shape, so the
SQL can never silently read a value differently from the Python rule.

Evidence for a number column: values are grouped by *shape* (digits 1-9 mapped to ``1``,
which no number class distinguishes); the lowest and highest value of each shape are
classified, and a shape whose two examples disagree sends the column to an exact pass over
its distinct values. Date columns are classified over their distinct values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..io import evidence as ev

from ..errors import InternalError

DECIMAL = "DECIMAL(38,10)"
_DIGITS, _ONES = "123456789", "111111111"
_GROUP_CHARS = " \u00a0\u202f\u2007'\u2019"


def q(name: str) -> str:
    """A quoted SQL identifier (any text, embedded quotes doubled)."""
    return '"' + str(name).replace('"', '""') + '"'


def lit(value) -> str:
    """A SQL literal for display (``--show-sql``); execution binds parameters instead."""
    if value is None:
        return "NULL"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(lit(v) for v in value) + "]"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


class Params:
    """Numbered parameters of one statement (``$1``, ``$2``...; one may appear several
    times); ``add`` returns the placeholder."""

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


def strip_number(text: str) -> str:
    import re

    return re.sub(ev.NUMBER_STRIP, "", text.strip()).strip()


def number_class(text: str) -> str | None:
    return ev.number_class(strip_number(text))


@dataclass
class NumberDecision:
    decimal: str | None
    bad_shapes: list[str] = field(default_factory=list)
    strip: bool = False
    parens: bool = False
    groups: bool = False               # space or apostrophe thousands groups (1 234,50)
    exact: bool = False                # bad_shapes are exact values, not shapes
    examples: dict[str, str] = field(default_factory=dict)      # class -> example


@dataclass
class DateDecision:
    order: str | None
    bad_values: list[str] = field(default_factory=list)
    examples: dict[str, str] = field(default_factory=dict)
    named: dict = field(default_factory=dict)     # month-name text -> date (evidence.to_date)


class RuleProblem(ValueError):
    """The rule refuses a column: ambiguous or conflicting evidence (message says how to fix)."""

    def __init__(self, message: str, example: str):
        super().__init__(message)
        self.example = example


def shape_sql(col: str) -> str:
    return f"translate({col}, '{_DIGITS}', '{_ONES}')"


def number_evidence_sql(table: str, col: str) -> str:
    """shape, lowest and highest raw value of each shape of a text column (blank excluded)."""
    c = q(col)
    return (f"SELECT {shape_sql(c)} AS shape, min({c}) AS lo, max({c}) AS hi FROM {q(table)} "
            f"WHERE {c} IS NOT NULL AND trim({c}) <> '' GROUP BY ALL")


def distinct_sql(table: str, col: str) -> str:
    c = q(col)
    return f"SELECT DISTINCT trim({c}) AS v FROM {q(table)} WHERE {c} IS NOT NULL AND trim({c}) <> ''"


def decide_number(shapes: list[tuple[str, str, str]], *, setting: str, delimiter: str | None
                  ) -> NumberDecision | None:
    """Decide from (shape, lo, hi) groups; None when a shape's examples disagree (exact pass)."""
    found: dict[str, str] = {}
    bad: list[str] = []
    strip = parens = groups = False
    for shape, lo, hi in sorted(shapes):
        c_lo, c_hi = number_class(lo), number_class(hi)
        if c_lo != c_hi:
            return None
        if c_lo is None or lo.rstrip().endswith("%") or hi.rstrip().endswith("%"):
            bad.append(shape)          # not a number; a percentage is not an amount either
            continue
        found.setdefault(c_lo, lo)
        for ex in (lo, hi):
            s = strip_number(ex)
            strip = strip or s != ex.strip()
            parens = parens or s.startswith("(")
            groups = groups or any(g in s for g in _GROUP_CHARS)
    d = _decide(found, bad, strip, parens, setting, delimiter)
    d.groups = groups
    return d


def decide_number_exact(values: list[str], *, setting: str, delimiter: str | None) -> NumberDecision:
    groups = [(v, v, v) for v in values]
    found: dict[str, str] = {}
    bad, strip, parens, grp = [], False, False, False
    for v, _, _ in sorted(groups):
        c = number_class(v)
        if c is None or v.rstrip().endswith("%"):
            bad.append(v)
            continue
        found.setdefault(c, v)
        s = strip_number(v)
        strip, parens = strip or s != v, parens or s.startswith("(")
        grp = grp or any(g in s for g in _GROUP_CHARS)
    d = _decide(found, [], strip, parens, setting, delimiter)
    d.groups = grp
    d.bad_shapes = bad            # exact values, matched against trim(value)
    return d


def _decide(found, bad, strip, parens, setting, delimiter) -> NumberDecision:
    try:
        dec = ev.decide_decimal(found, setting=setting, delimiter=delimiter)
    except ValueError as exc:     # AmbiguousValue / ConflictingValues
        raise RuleProblem(str(exc), next(iter(found.values()), "")) from None
    return NumberDecision(dec, bad, strip=strip, parens=parens, examples=found)


def number_sql(col: str, d: NumberDecision, params: Params, *, exact: bool = False) -> str:
    """SQL converting text column ``col`` to DECIMAL per the decision (NULL when unreadable)."""
    s = f"trim({col})"
    if d.strip:
        s = f"trim(regexp_replace({col}, {params.add(ev.NUMBER_STRIP)}, '', 'g'))"
    if d.groups:
        s = f"translate({s}, {params.add(_GROUP_CHARS)}, '')"
    if d.parens:
        s = f"(CASE WHEN starts_with({s}, '(') AND ends_with({s}, ')') THEN '-' || trim({s}, '()') ELSE {s} END)"
    if d.decimal == ",":
        s = f"replace(replace({s}, '.', ''), ',', '.')"
    elif d.decimal == ".":
        s = f"replace({s}, ',', '')"
    else:
        s = f"replace(replace({s}, ',', ''), '.', '')"
    conv = f"TRY_CAST({s} AS {DECIMAL})"
    if d.bad_shapes:
        key = f"trim({col})" if exact else shape_sql(col)
        conv = f"(CASE WHEN list_contains({params.add(list(d.bad_shapes))}, {key}) THEN NULL ELSE {conv} END)"
    return conv


def check_numbers(con, d: NumberDecision, examples: list[str], where: str) -> None:
    """Convert ``examples`` with the SQL and with evidence.to_number; they must agree."""
    p = Params()
    expr = number_sql("x", d, p)
    for ex in examples:
        if number_class(ex) is None or ex.rstrip().endswith("%"):
            continue
        got = con.execute(f"SELECT {expr} FROM (SELECT {p.add(ex)}::VARCHAR AS x)", p.values).fetchone()[0]
        p.values.pop()
        want = ev.to_number(ex, d.decimal)
        if got is None or abs(float(got) - want) > 1e-9 * max(1.0, abs(want)):
            raise InternalError(AssertionError(
                f"{where}: SQL reads {ex!r} as {got}, the reading rule as {want}"))


def decide_date(values: list[tuple[str, str]], *, setting: str, named: list[str] = ()) -> DateDecision:
    """``values``: (class or None, example) rows from :func:`date_evidence_sql`; ``named``:
    the distinct values of class month_name."""
    found = {c: v for c, v in values if c is not None}
    bad = sorted(v for c, v in values if c is None)
    try:
        order = ev.decide_date_order(found, setting=setting)
    except ValueError as exc:
        raise RuleProblem(str(exc), next(iter(found.values()), "")) from None
    out = DateDecision(order, bad, found)
    for v in named:
        try:
            out.named[v] = ev.to_date(v, order)
        except ValueError:
            out.bad_values.append(v)
    return out


def date_evidence_sql(table: str, col: str, params: Params) -> str:
    """Class of each distinct value (RE2 ``regexp_full_match`` with evidence's expressions)."""
    cases = " ".join(f"WHEN regexp_full_match(v, {params.add(rx)}) THEN {params.add(name)}"
                     for name, rx in ev.DATE_CLASSES.items())
    # values are trimmed of spaces (distinct_sql), which is evidence's DATE_STRIP
    return (f"WITH c AS (SELECT v, CASE {cases} END AS cls FROM ({distinct_sql(table, col)})) "
            f"SELECT cls, min(v) FROM c WHERE cls IS NOT NULL GROUP BY cls "
            f"UNION ALL SELECT NULL, v FROM c WHERE cls IS NULL")


def date_sql(col: str, d: DateDecision, params: Params) -> str:
    """The date a text column spells, per the decided order: the three first numbers of the
    value (a midnight time may follow), year first when the first has four digits; month
    names are read by evidence.to_date on the distinct values and bound as a list."""
    parts = f"regexp_extract_all(trim({col}), '[0-9]+')"
    day_first = d.order != "mdy"
    dm = (f"make_date(CAST({parts}[3] AS INT), CAST({parts}[{2 if day_first else 1}] AS INT), "
          f"CAST({parts}[{1 if day_first else 2}] AS INT))")
    ymd = f"make_date(CAST({parts}[1] AS INT), CAST({parts}[2] AS INT), CAST({parts}[3] AS INT))"
    conv = f"try(CASE WHEN length({parts}[1]) = 4 THEN {ymd} ELSE {dm} END)"
    if d.named:
        names, dates = zip(*sorted(d.named.items()))
        conv = (f"(CASE WHEN list_contains({params.add(list(names))}, trim({col})) THEN "
                f"CAST(list_extract({params.add([x.isoformat() for x in dates])}, "
                f"list_position({params.add(list(names))}, trim({col}))) AS DATE) ELSE {conv} END)")
    if d.bad_values:
        conv = f"(CASE WHEN list_contains({params.add(d.bad_values)}, trim({col})) THEN NULL ELSE {conv} END)"
    return conv


def check_dates(con, d: DateDecision, where: str) -> None:
    p = Params()
    expr = date_sql("x", d, p)
    for ex in d.examples.values():
        got = con.execute(f"SELECT {expr} FROM (SELECT {p.add(ex)}::VARCHAR AS x)", p.values).fetchone()[0]
        p.values.pop()
        try:
            want = ev.to_date(ex, d.order)
        except ValueError:
            want = None
        if got != want:
            raise InternalError(AssertionError(f"{where}: SQL reads {ex!r} as {got}, the reading rule as {want}"))


def named_dates_sql(table: str, col: str, params: Params) -> str:
    return f"SELECT v FROM ({distinct_sql(table, col)}) WHERE regexp_full_match(v, {params.add(ev.DATE_CLASSES['month_name'])})"
