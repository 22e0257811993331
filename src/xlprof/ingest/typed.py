"""Per file: collect the evidence of each column, decide, and write the SELECT that turns the
raw text table into typed, signed rows with the first unreadable column named.

Typed columns of every source (whatever its kind): ``_file``, ``_row``, ``client``, ``date``,
``document``, the amounts ``net list discount cost quantity paid`` (DECIMAL(38,10)), the dates
``due paid_date``, filter/measure columns ``t:<header>`` (text) and ``n:<header>`` (number),
``_credit`` (the row is a credit note or return), ``_bad`` / ``_bad_value`` (the first column
that could not be read, and its text).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import Problem
from ..textnorm import norm_key
from . import rule
from .filters import condition_sql
from .load import FileTable
from .rule import Params, q
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


@dataclass
class Decision:
    file: str
    column: str
    what: str            # number | date
    decided: str         # ".", ",", "dmy"... or "-" (no value depends on it)
    examples: dict[str, str]
    unreadable: int = 0


def _kind_of(needs: Needs) -> dict[str, set[str]]:
    """header -> {"number", "date", "text"}"""
    out: dict[str, set[str]] = {}
    for role, h in needs.roles.items():
        out.setdefault(needs.canon(h), set()).add(ROLES[role][0])
    for h in needs.text_cols:
        out.setdefault(needs.canon(h), set()).add("text")
    for h in needs.num_cols:
        out.setdefault(needs.canon(h), set()).add("number")
    return out


def decide_file(con, ft: FileTable, needs: Needs, settings, problems: list[Problem], where: dict
                ) -> dict[str, object] | None:
    """header -> NumberDecision/DateDecision (with ``exact`` for numbers); None on a refusal."""
    out: dict[str, object] = {}
    ok = True
    for header, kinds in _kind_of(needs).items():
        for what in sorted(kinds - {"text"}):
            try:
                if what == "number":
                    groups = con.execute(rule.number_evidence_sql(ft.table, header)).fetchall()
                    d = rule.decide_number(groups, setting=settings.decimal_separator, delimiter=ft.delimiter)
                    exact = d is None
                    if exact:
                        vals = [v for (v,) in con.execute(rule.distinct_sql(ft.table, header)).fetchall()]
                        d = rule.decide_number_exact(vals, setting=settings.decimal_separator,
                                                     delimiter=ft.delimiter)
                    d.exact = exact
                    rule.check_numbers(con, d, [x for g in groups for x in g[1:]], f"{ft.path.name}, {header}")
                else:
                    p = Params()
                    rows = con.execute(rule.date_evidence_sql(ft.table, header, p), p.values).fetchall()
                    named = []
                    if any(c == "month_name" for c, _ in rows):
                        p2 = Params()
                        named = [v for (v,) in con.execute(rule.named_dates_sql(ft.table, header, p2), p2.values).fetchall()]
                    d = rule.decide_date(rows, setting=settings.date_order, named=named)
                    rule.check_dates(con, d, f"{ft.path.name}, {header}")
            except rule.RuleProblem as exc:
                setting = "decimal_separator" if what == "number" else "date_order"
                problems.append(Problem(f"{exc} (the Settings sheet's {setting} decides for the whole run)",
                                        file=str(ft.path), column=header, **where))
                ok = False
                continue
            out[(header, what)] = d
    return out if ok else None


def typed_select(ft: FileTable, spec: SourceSpec, needs: Needs, decisions: dict, params: Params) -> str:
    """SELECT of one file's typed rows (see the module docstring)."""
    cols: dict[str, str] = {}
    bad: list[tuple[str, str, str]] = []     # (condition, column label, raw text expr)

    def text(h: str) -> str:
        c = q(h)
        if h in ft.native:   # a workbook's number typed where text is meant: its displayed id
            n = q(h + "#n")
            return (f"coalesce(nullif(trim({c}), ''), CASE WHEN {n} = floor({n}) AND abs({n}) < 1e15 "
                    f"THEN CAST(CAST({n} AS BIGINT) AS VARCHAR) ELSE CAST({n} AS VARCHAR) END, "
                    f"strftime({q(h + '#d')}, '%Y-%m-%d'))")
        return f"nullif(trim({c}), '')"

    def raw_text(h: str) -> str:
        return f"CAST({q(h)} AS VARCHAR)"

    def number(h: str) -> str:
        d = decisions[(h, "number")]
        conv = rule.number_sql(q(h), d, params, exact=getattr(d, "exact", False))
        return f"coalesce(CAST({q(h + '#n')} AS {rule.DECIMAL}), {conv})" if h in ft.native else conv

    def date(h: str) -> str:
        conv = rule.date_sql(q(h), decisions[(h, "date")], params)
        return f"coalesce({q(h + '#d')}, {conv})" if h in ft.native else conv

    def present(h: str) -> str:
        if h in ft.native:
            return f"({q(h)} IS NOT NULL AND trim({q(h)}) <> '' OR {q(h + '#n')} IS NOT NULL OR {q(h + '#d')} IS NOT NULL)"
        return f"({q(h)} IS NOT NULL AND trim({q(h)}) <> '')"

    for role, header in needs.roles.items():
        h = needs.canon(header)
        kind = ROLES[role][0]
        if kind == "text":
            cols[role] = text(h)
            if ft.fmt == "xlsx":
                bad.append((f"starts_with({q(h)}, chr(0))", header, raw_text(h)))
        elif kind == "number":
            cols[role] = number(h)
            cond = f"{cols[role]} IS NULL" if role in BLANK_OK else f"{cols[role]} IS NULL"
            if role in BLANK_OK:
                cond = f"{present(h)} AND {cond}"
            bad.append((cond, header, raw_text(h)))
        else:
            cols[role] = date(h)
            cond = f"{cols[role]} IS NULL"
            if role in BLANK_OK:
                cond = f"{present(h)} AND {cond}"
            bad.append((cond, header, raw_text(h)))
    if "document" in needs.roles and "document" in cols:
        pass
    for h in needs.text_cols:
        cols["t:" + needs.canon(h)] = text(needs.canon(h))
    for h in needs.num_cols:
        c = needs.canon(h)
        cols["n:" + c] = number(c)
        cond = f"{cols['n:' + c]} IS NULL"
        if c not in needs.required_nums:
            cond = f"{present(c)} AND {cond}"
        bad.append((cond, h, raw_text(c)))
    credit = "false"
    if spec.credit_when:
        credit = " AND ".join(condition_sql(cd, cols.get("t:" + needs.canon(cd.column), "NULL"),
                                            cols.get("n:" + needs.canon(cd.column)), params)
                              for cd in spec.credit_when)
    select = [f"{params.add(ft.display)} AS _file", f"CAST(rowid + {ft.header_row + 1} AS BIGINT) AS _row",
              f"{credit} AS _credit"]
    for name in ("client", "document"):
        select.append(f"{cols.get(name, 'NULL::VARCHAR')} AS {name}")
    for name in DATES:
        select.append(f"{cols.get(name, 'NULL::DATE')} AS {name}")
    for name in AMOUNTS:
        if name in cols:
            expr = cols[name]
            if spec.credit_when and name != "paid":
                expr = f"CASE WHEN {credit} THEN -abs({expr}) ELSE {expr} END"
            select.append(f"{expr} AS {name}")
        else:
            select.append(f"NULL::{rule.DECIMAL} AS {name}")
    for name in sorted(k for k in cols if k[:2] in ("t:", "n:")):
        select.append(f"{cols[name]} AS {q(name)}")
    if bad:
        select.append("CASE " + " ".join(f"WHEN {c} THEN {params.add(label)}" for c, label, _ in bad) + " END AS _bad")
        select.append("CASE " + " ".join(f"WHEN {c} THEN {raw}" for c, _, raw in bad) + " END AS _bad_value")
    else:
        select += ["NULL::VARCHAR AS _bad", "NULL::VARCHAR AS _bad_value"]
    return f"SELECT {', '.join(select)} FROM {q(ft.table)}"


def column_list(needs: Needs) -> list[str]:
    """Typed column names, in the order typed_select writes them (for UNION ALL BY NAME)."""
    return ["_file", "_row", "_credit", "client", "document", *DATES, *AMOUNTS]
