"""The aggregation, in SQL: why each row is left out (or used), the per-client figures of
each kind of source, one volume per driver, and the per-file totals of the provenance.

Every statement here reads the typed tables of :mod:`.typed` and can be printed with
``--show-sql`` and run elsewhere (DuckDB, a warehouse) as it stands.
"""

from __future__ import annotations

import datetime as dt

from .filters import condition_sql
from .rule import DECIMAL, Params, q
from .spec import DriverSpec, SourceSpec
from .typed import AMOUNTS, Needs

REASONS = ("unparseable", "unknown_client", "outside_period", "credit_item", "filtered")


def _date(d: dt.date) -> str:
    return f"DATE '{d.isoformat()}'"


def driver_condition(drv: DriverSpec, needs: Needs, params: Params) -> str:
    if not drv.conditions:
        return "true"
    parts = []
    for c in drv.conditions:
        h = needs.canon(c.column)
        parts.append(condition_sql(c, q("t:" + h), q("n:" + h) if c.numeric else None, params))
    return "(" + " AND ".join(parts) + ")"


def rows_sql(spec: SourceSpec, table: str, drivers: list[DriverSpec], needs: Needs,
             start: dt.date, end: dt.date, params: Params) -> str:
    """``table``'s rows with ``_reason``: NULL when the row is used, else why it is left out
    (a subquery; filters' literals are parameters of the statement that embeds it)."""
    whens = ["WHEN _bad IS NOT NULL THEN 'unparseable'",
             "WHEN client IS NULL THEN 'unknown_client'",
             f"WHEN date < {_date(start)} OR date > {_date(end)} THEN 'outside_period'"]
    if spec.kind == "receivables":
        whens.append("WHEN net <= 0 THEN 'credit_item'")
    if spec.kind == "events":
        used = " OR ".join(driver_condition(d, needs, params) for d in drivers) or "false"
        whens.append(f"WHEN NOT ({used}) THEN 'filtered'")
    return f"(SELECT *, CASE {' '.join(whens)} END AS _reason FROM {q(table)})"


def client_sql(spec: SourceSpec, view: str, drivers: list[DriverSpec], needs: Needs, end: dt.date,
               params: Params) -> tuple[str, list[str]]:
    """Per-client figures of one source over its used rows; returns (sql, output columns)."""
    out: list[tuple[str, str]] = [("rows", "count(*)")]
    cols = spec.columns
    if spec.kind == "sales_lines":
        if "list" in cols:
            out += [("revenue", "sum(list)"), ("discounts", "sum(list - net)")]
        elif "discount" in cols:
            out += [("revenue", "sum(net + discount)"), ("discounts", "sum(discount)")]
        else:
            out += [("revenue", "sum(net)"), ("discounts", f"CAST(0 AS {DECIMAL})")]
        out.append(("cogs", "sum(cost)" if "cost" in cols else f"CAST(0 AS {DECIMAL})"))
    elif spec.kind == "receivables":
        e = _date(end)
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
    select = ", ".join(f"{expr} AS {q(name)}" for name, expr in out)
    sql = f"SELECT client, {select} FROM {view} WHERE _reason IS NULL GROUP BY client ORDER BY client"
    return sql, [n for n, _ in out]


def provenance_sql(view: str) -> str:
    """Rows and amount totals of each file by what happened to them (used or the reason)."""
    sums = ", ".join(f"sum({a}) AS {a}" for a in AMOUNTS)
    return (f"SELECT _file, coalesce(_reason, 'used') AS status, count(*) AS rows, {sums} "
            f"FROM {view} GROUP BY ALL ORDER BY _file, status")


def read_totals_sql(table: str) -> str:
    """What was read, straight from the typed table (no reasons): the balance's left side."""
    sums = ", ".join(f"sum({a}) AS {a}" for a in AMOUNTS)
    return f"SELECT _file, count(*) AS rows, {sums} FROM {q(table)} GROUP BY ALL ORDER BY _file"


def unparseable_sql(view: str, limit: int = 20) -> str:
    return (f"SELECT _file, _row, _bad, _bad_value FROM {view} WHERE _reason = 'unparseable' "
            f"ORDER BY _file, _row LIMIT {int(limit)}")


def explain_sql(view: str, client: str) -> str:
    amounts = ", ".join(AMOUNTS)
    return (f"SELECT _file, _row, date, document, {amounts}, due, paid_date, _credit, "
            f"coalesce(_reason, 'used') AS status FROM {view} WHERE lower(client) = lower({client}) "
            f"ORDER BY _file, _row")
