"""The aggregation, in SQL: why each row is left out (or used), the per-client figures of
each kind of source, one volume per driver, the per-file totals of the provenance and the
evidence of the reading rule -- all from one scan of the source's files.

``source_sql`` is one statement per source: a CTE of typed rows (typed.py) read once and
streamed to every aggregate (DuckDB fans a CTE out to its consumers without storing it).
Every statement can be printed with ``--show-sql`` and run elsewhere as it stands.
"""

from __future__ import annotations

import datetime as dt

from ..io import evidence as ev
from ..io.evidence import class_sql
from .filters import condition_sql
from .rule import Params, lit, q
from .spec import DriverSpec, SourceSpec
from .typed import AMOUNTS, Needs

REASONS = ("unparseable", "unknown_client", "outside_period", "credit_item", "filtered")
ZERO = "CAST(0 AS DECIMAL(18,0))"


def driver_condition(drv: DriverSpec, needs: Needs, params: Params) -> str:
    if not drv.conditions:
        return "true"
    parts = []
    for c in drv.conditions:
        h = needs.canon(c.column)
        parts.append(condition_sql(c, q("t:" + h), q("n:" + h) if c.numeric else None, params))
    return "(" + " AND ".join(parts) + ")"


def rows_sql(spec: SourceSpec, selects: list[str], drivers: list[DriverSpec], needs: Needs,
             start: dt.date, end: dt.date, params: Params) -> str:
    """The typed rows of a source's files with ``_reason``: NULL when the row is used, else
    why it is left out (a subquery; filters' literals are parameters of the statement)."""
    whens = ["WHEN _bad IS NOT NULL THEN 'unparseable'",
             "WHEN client IS NULL THEN 'unknown_client'",
             f"WHEN date < {lit(start)} OR date > {lit(end)} THEN 'outside_period'"]
    if spec.kind == "receivables":
        whens.append("WHEN net <= 0 THEN 'credit_item'")
    if spec.kind == "events":
        used = " OR ".join(driver_condition(d, needs, params) for d in drivers) or "false"
        whens.append(f"WHEN NOT ({used}) THEN 'filtered'")
    union = "\nUNION ALL BY NAME\n".join(selects)
    return f"(SELECT *, CASE {' '.join(whens)} END AS _reason FROM ({union}))"


def client_figures(spec: SourceSpec, drivers: list[DriverSpec], needs: Needs, end: dt.date,
                   params: Params) -> list[tuple[str, str]]:
    """(name, aggregate) of the per-client figures of one source over its used rows.

    Sales lines: revenue is what was invoiced (lines that are not credit notes or returns);
    discounts are list - net of those lines plus the credit notes and returns themselves
    (returns and allowances, as in an income statement: gross sales - returns and
    allowances - discounts = net sales), so net revenue = revenue - discounts = the sum of
    every net amount, and may be negative for a period."""
    out: list[tuple[str, str]] = [("rows", "count(*)")]
    cols = spec.columns
    if spec.kind == "sales_lines":
        credit = "(_credit OR net < 0)"
        sold = f"FILTER (WHERE NOT {credit})"
        returned = f"coalesce(sum(-net) FILTER (WHERE {credit}), {ZERO})"
        if "list" in cols:
            out += [("revenue", f"coalesce(sum(list) {sold}, {ZERO})"),
                    ("discounts", f"coalesce(sum(list - net) {sold}, {ZERO}) + {returned}")]
        elif "discount" in cols:
            out += [("revenue", f"coalesce(sum(net + discount) {sold}, {ZERO})"),
                    ("discounts", f"coalesce(sum(discount) {sold}, {ZERO}) + {returned}")]
        else:
            out += [("revenue", f"coalesce(sum(net) {sold}, {ZERO})"), ("discounts", returned)]
        out.append(("cogs", f"coalesce(sum(cost), {ZERO})" if "cost" in cols else ZERO))
    elif spec.kind == "receivables":
        e = lit(end)
        paid = "paid" if "paid" in cols else "net"
        # the part paid by the period's end waited until its payment date; the rest until then
        paid_part = (f"CASE WHEN paid_date IS NOT NULL AND paid_date <= {e} THEN "
                     f"least(coalesce({paid}, 0), net) ELSE 0 END")
        wait_paid = "greatest(date_diff('day', date, paid_date), 0)"
        wait_open = f"greatest(date_diff('day', date, {e}), 0)"
        out += [
            ("weighted_days", f"sum(CASE WHEN {paid_part} > 0 THEN {paid_part} * {wait_paid} ELSE 0 END"
                              f" + (net - {paid_part}) * {wait_open})"),
            ("invoiced", "sum(net)"),
            ("open_at_end", f"sum(net - {paid_part})"),
        ]
        if "due" in cols:
            out += [("weighted_terms", "sum(net * greatest(date_diff('day', date, due), 0)) FILTER (WHERE due IS NOT NULL)"),
                    ("termed", "sum(net) FILTER (WHERE due IS NOT NULL)")]
    elif spec.kind == "write_offs":
        out.append(("bad_debt", "sum(net)"))
    for i, d in enumerate(drivers):
        cond = driver_condition(d, needs, params)
        if d.measure == "rows":
            expr = f"count(*) FILTER (WHERE {cond})"
        elif d.measure == "documents":
            expr = f"count(DISTINCT document) FILTER (WHERE {cond})"
        else:
            expr = f"coalesce(sum({q('n:' + needs.canon(d.column))}) FILTER (WHERE {cond}), 0)"
        out.append((f"driver_{i}", expr))
    return out


def source_sql(spec: SourceSpec, rows: str, figures: list[tuple[str, str]], needs: Needs) -> str:
    """One statement for one source: every aggregate from a single scan of its files.

    Result rows by ``_part``: ``client`` (one per client: ``_key`` and the figures), ``prov``
    (per file ``_f`` and status ``_key``: rows and amount totals), ``read`` (per file, every
    row whatever its status: the balance's left side), ``num`` (per file, number column
    ``_key`` and class ``code``: the evidence) and ``date`` (per file, date column and
    distinct raw text: what SQL read it as)."""
    sums = ", ".join(f"sum({a}) AS {a}" for a in AMOUNTS)
    parts = [
        f"SELECT 'client' AS _part, client AS _key, {', '.join(f'{e} AS {q(n)}' for n, e in figures)} "
        f"FROM rows WHERE _reason IS NULL GROUP BY client",
        f"SELECT CASE WHEN grouping(_reason) = 1 THEN 'read' ELSE 'prov' END AS _part, _f, "
        f"coalesce(_reason, 'used') AS _key, count(*) AS rows, {sums} "
        f"FROM rows GROUP BY GROUPING SETS ((_f, _reason), (_f))",
    ]
    for h in needs.numbers():
        x, c, v = q("x#" + h), q("c#" + h), q("v#" + h)
        parts.append(f"SELECT 'num' AS _part, _f, {lit(h)} AS _key, {c} AS code, count(*) AS rows, min({x}) AS lo, "
                     f"max({x}) AS hi, "
                     f"max({q('f#' + h)}) AS decimals, count(*) FILTER (WHERE {v} IS NULL) AS unconverted "
                     f"FROM rows GROUP BY _f, {c}")
    for h in needs.dates():
        # every distinct text the rule might read as a date (its classes, in SQL), or SQL did,
        # and the first other one; texts: the column's non-blank cells
        x = q("x#" + h)
        dated = class_sql("raw", ev.DATE_CLASSES, ev.DATE_STRIP)
        parts.append(f"SELECT 'date' AS _part, _f, {lit(h)} AS _key, raw, rows, day, texts FROM "
                     f"(SELECT *, sum(rows) OVER (PARTITION BY _f) AS texts, "
                     f"row_number() OVER (PARTITION BY _f ORDER BY raw) AS k FROM "
                     f"(SELECT _f, {x} AS raw, count(*) AS rows, min({q('d#' + h)}) AS day FROM rows "
                     f"WHERE {x} IS NOT NULL GROUP BY _f, {x}) WHERE trim(raw) <> '') "
                     f"WHERE day IS NOT NULL OR k = 1 OR {dated} IS NOT NULL")
    return f"WITH rows AS {rows}\n" + "\nUNION ALL BY NAME\n".join(parts)


def unparseable_sql(rows: str, limit: int = 20) -> str:
    return (f"SELECT _f, _row, _bad, _bad_value FROM {rows} WHERE _reason = 'unparseable' "
            f"ORDER BY _f, _row LIMIT {int(limit)}")


def explain_sql(rows: str, client: str) -> str:
    amounts = ", ".join(AMOUNTS)
    return (f"SELECT _f, _row, date, document, {amounts}, due, paid_date, _credit, "
            f"coalesce(_reason, 'used') AS status FROM {rows} WHERE lower(client) = lower({client}) "
            f"ORDER BY _f, _row")
