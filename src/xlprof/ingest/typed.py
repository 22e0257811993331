"""Per file: the SELECT that turns a raw file's text into typed, signed rows, and what the
scan needs for the evidence of every number and date column (see rule.py).

Typed columns of every source (whatever its kind): ``_f`` (the file's index in the source),
``client``, ``document``, the dates ``date due paid_date``, the amounts ``net list discount
cost quantity paid`` (exact DECIMALs; credit notes already negative), ``_credit``, filter and
measure columns ``t:<header>`` (text) and ``n:<header>`` (number), ``_bad`` / ``_bad_value``
(the first column that could not be read, and its text). For the evidence, per number column
``c#<header>`` (class code), ``v#<header>`` (its value read from text) and the raw text
``<header>``; per date column ``d#<header>`` (its date read from text) and the raw text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..textnorm import norm_key
from . import rule
from .filters import condition_sql
from .load import FileTable
from .rule import DateReading, NumberReading, Params, q
from .spec import ROLES, SourceSpec

AMOUNTS = ("net", "list", "discount", "cost", "quantity", "paid")
DATES = ("date", "due", "paid_date")
BLANK_OK = {"paid", "due", "paid_date", "document"}   # blank means "none", not unreadable


@dataclass
class Needs:
    """What a source needs from its raw files: role -> header, and extra filter/measure columns."""

    roles: dict[str, str]
    text_cols: list[str] = field(default_factory=list)      # filters compared as text
    num_cols: list[str] = field(default_factory=list)       # numeric filters and summed columns
    required_nums: set[str] = field(default_factory=set)     # summed columns: blank is unreadable

    def wanted(self) -> list[str]:
        seen: dict[str, str] = {}
        for h in [*self.roles.values(), *self.text_cols, *self.num_cols]:
            seen.setdefault(norm_key(h), h)
        return list(seen.values())

    def canon(self, header: str) -> str:
        k = norm_key(header)
        return next(h for h in self.wanted() if norm_key(h) == k)

    def kinds(self) -> dict[str, set[str]]:
        """header -> {"number", "date", "text"}"""
        out: dict[str, set[str]] = {}
        for role, h in self.roles.items():
            out.setdefault(self.canon(h), set()).add(ROLES[role][0])
        for h in self.text_cols:
            out.setdefault(self.canon(h), set()).add("text")
        for h in self.num_cols:
            out.setdefault(self.canon(h), set()).add("number")
        return out

    def numbers(self) -> list[str]:
        return sorted(h for h, k in self.kinds().items() if "number" in k)

    def dates(self) -> list[str]:
        return sorted(h for h, k in self.kinds().items() if "date" in k)


@dataclass
class Decision:
    """How one column of one file was read (for the Sources sheet)."""

    file: str
    column: str
    what: str            # number | date
    decided: str         # ".", ",", "dmy"... or "-" (no value depends on it)
    examples: dict[str, str]
    unreadable: int = 0


@dataclass
class Readings:
    """The conversion of every number and date column of one file."""

    numbers: dict[str, NumberReading] = field(default_factory=dict)
    dates: dict[str, DateReading] = field(default_factory=dict)


def sample_readings(con, ft: FileTable, needs: Needs, settings, size: int = 2000) -> Readings:
    """A first guess from the first ``size`` rows (the scan checks it on every row)."""
    cols = needs.numbers() + needs.dates()
    rows = con.execute(f"SELECT {', '.join(q(h) for h in cols) or '1'} FROM {ft.scan()} LIMIT {size}").fetchall() \
        if cols else []
    out = Readings()
    nums = needs.numbers()
    texts = {h: [r[j] for r in rows if isinstance(r[j], str)] for j, h in enumerate(cols)}
    if ft.fmt == "csv":
        guess = rule.sample_number_reading([t for h in nums for t in texts[h]],
                                           setting=settings.decimal_separator, delimiter=ft.delimiter)
        out.numbers = dict.fromkeys(nums, guess)
    else:
        out.numbers = {h: rule.sample_number_reading(texts[h], setting=settings.decimal_separator, delimiter=None)
                       for h in nums}
    out.dates = {h: rule.sample_date_reading(texts[h], setting=settings.date_order) for h in needs.dates()}
    return out


def typed_select(ft: FileTable, index: int, spec: SourceSpec, needs: Needs, readings: Readings,
                 params: Params, *, numbered: bool = False, client_map: str | None = None) -> str:
    """SELECT of one file's typed rows (see the module docstring). ``client_map``: a table
    (given, canon) of client ids to write as another spelling."""
    kinds = needs.kinds()
    native = ft.native
    # level 1: class codes of the number columns (where a plain value has its mark, then its class)
    marks = [f"{rule.number_mark_sql(q(h))} AS {q('k#' + h)}" for h in needs.numbers()]
    codes = [f"{rule.number_code_sql(q(h), q('k#' + h))} AS {q('c#' + h)}" for h in needs.numbers()]
    level0 = f"(SELECT *{''.join(', ' + c for c in marks)} FROM {ft.scan(numbered)})"
    level1 = f"(SELECT *{''.join(', ' + c for c in codes)} FROM {level0})"
    # level 2: every column read once
    base: list[str] = []
    for h, k in kinds.items():
        c = q(h)
        if "number" in k:
            base.append(f"{rule.number_value_sql(c, q('c#' + h), readings.numbers[h])} AS {q('v#' + h)}")
        if "date" in k:
            base.append(f"{rule.date_sql('_t.' + c, readings.dates[h])} AS {q('d#' + h)}")
        if "text" in k:
            if h in native:   # a workbook's number typed where text is meant: its displayed id
                n = q(h + "#n")
                expr = (f"coalesce(nullif(trim({c}), ''), CASE WHEN {n} = floor({n}) AND abs({n}) < 1e15 "
                        f"THEN CAST(CAST({n} AS BIGINT) AS VARCHAR) ELSE CAST({n} AS VARCHAR) END, "
                        f"strftime({q(h + '#d')}, '%Y-%m-%d'))")
            else:
                expr = f"nullif(trim({c}), '')"
            base.append(f"{expr} AS {q('t#' + h)}")
    level2 = f"(SELECT *{''.join(', ' + b for b in base)} FROM {level1} AS _t)"
    # level 3: roles, credit notes, the first unreadable column
    cols: dict[str, str] = {}
    bad: list[tuple[str, str, str]] = []     # (condition, column label, raw text)

    def number(h: str) -> str:
        v = q("v#" + h)
        return f"coalesce(CAST({q(h + '#n')} AS DECIMAL(38,10)), {v})" if h in native else v

    def date(h: str) -> str:
        return f"coalesce({q(h + '#d')}, {q('d#' + h)})" if h in native else q("d#" + h)

    def present(h: str) -> str:
        text = f"({q(h)} IS NOT NULL AND trim({q(h)}) <> '')"
        return f"({text} OR {q(h + '#n')} IS NOT NULL OR {q(h + '#d')} IS NOT NULL)" if h in native else text

    def unreadable(expr: str, h: str, blank_ok: bool) -> str:
        return f"{present(h)} AND {expr} IS NULL" if blank_ok else f"{expr} IS NULL"

    for role, header in needs.roles.items():
        h = needs.canon(header)
        kind = ROLES[role][0]
        if kind == "text":
            cols[role] = q("t#" + h)
            if role == "client" and client_map:
                cols[role] = f"coalesce((SELECT canon FROM {q(client_map)} m WHERE m.given = {cols[role]}), {cols[role]})"
            if ft.fmt == "xlsx":
                bad.append((f"starts_with({q(h)}, chr(0))", header, q(h)))
            continue
        cols[role] = number(h) if kind == "number" else date(h)
        bad.append((unreadable(cols[role], h, role in BLANK_OK), header, q(h)))
    for h in needs.text_cols:
        cols["t:" + needs.canon(h)] = q("t#" + needs.canon(h))
    for h in needs.num_cols:
        c = needs.canon(h)
        cols["n:" + c] = number(c)
        bad.append((unreadable(cols["n:" + c], c, c not in needs.required_nums), h, q(c)))
    credit = "false"
    if spec.credit_when:
        credit = " AND ".join(condition_sql(cd, cols.get("t:" + needs.canon(cd.column), "NULL"),
                                            cols.get("n:" + needs.canon(cd.column)), params)
                              for cd in spec.credit_when)
    select = [f"{index} AS _f", f"{credit} AS _credit"] + (["_row"] if numbered else [])
    for name in ("client", "document"):
        select.append(f"{cols.get(name, 'NULL::VARCHAR')} AS {name}")
    for name in DATES:
        select.append(f"{cols.get(name, 'NULL::DATE')} AS {name}")
    for name in AMOUNTS:
        if name not in cols:
            select.append(f"NULL::{rule.NumberReading().sqltype} AS {name}")
        elif spec.credit_when and name != "paid":
            select.append(f"CASE WHEN {credit} THEN -abs({cols[name]}) ELSE {cols[name]} END AS {name}")
        else:
            select.append(f"{cols[name]} AS {name}")
    for name in sorted(k for k in cols if k[:2] in ("t:", "n:")):
        select.append(f"{cols[name]} AS {q(name)}")
    if bad:
        select.append("CASE " + " ".join(f"WHEN {c} THEN {params.add(label)}" for c, label, _ in bad) + " END AS _bad")
        if numbered:      # the text of the first unreadable cell: only the listings show it
            select.append("CASE " + " ".join(f"WHEN {c} THEN CAST({raw} AS VARCHAR)" for c, _, raw in bad)
                          + " END AS _bad_value")
    else:
        select.append("NULL::VARCHAR AS _bad")
    if numbered and not bad:
        select.append("NULL::VARCHAR AS _bad_value")
    if not numbered:      # the evidence: raw texts, class codes and what they were read as
        for h in needs.numbers():
            frac = rule.number_decimals_sql(q(h), q("k#" + h), q("c#" + h), readings.numbers[h])
            select += [f"{q(h)} AS {q('x#' + h)}", q("c#" + h), q("v#" + h), f"{frac} AS {q('f#' + h)}"]
        for h in needs.dates():
            select += [f"{q(h)} AS {q('x#' + h)}", q("d#" + h)]
    return f"SELECT {', '.join(select)} FROM {level2}"
