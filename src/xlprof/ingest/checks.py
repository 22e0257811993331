"""Figures the input workbook cannot hold, refused where they come from.

Net revenue may be negative for a period (credit notes and returns are discounts: design.md
section 4 handles NR <= 0), but revenue, discounts, cost of sales and bad debt are each >= 0
in the input workbook. A client whose credit notes give back more cost than its sales in the
period used, or whose lines were priced above list, is refused here with the client, the
raw file, the rows involved and what to do -- not with a row of the generated Clients sheet.
"""

from __future__ import annotations

import math

from ..errors import Problem
from .rule import Params

_CREDIT = "(_credit OR net < 0)"


def _conditions(spec) -> dict[str, str]:
    """figure -> the SQL condition on a used row of ``spec`` that makes the figure go down."""
    c = spec.columns
    if spec.kind == "write_offs":
        return {"bad_debt": "net < 0"}
    if spec.kind != "sales_lines":
        return {}
    out = {"cogs": "cost < 0"} if "cost" in c else {}
    if "list" in c:
        out["revenue"] = f"NOT {_CREDIT} AND list < 0"
        out["discounts"] = f"NOT {_CREDIT} AND list < net"
    elif "discount" in c:
        out["revenue"] = f"NOT {_CREDIT} AND net + discount < 0"
        out["discounts"] = f"NOT {_CREDIT} AND discount < 0"
    return out


_WHAT = {
    "cogs": ("cost of sales", "cost", "its credit notes and returns give back more cost than its sales in the period "
             "used; check the cost column of those rows, or start the period earlier (--from, or period_start in "
             "Settings) so that it includes the sales they reverse"),
    "discounts": ("discounts", "list", "those lines were sold above their list amount; list_amount_column must be "
                  "the amount before discounts (or give discount_column instead)"),
    "revenue": ("revenue", "list", "those invoice lines have a negative list amount; mark credit notes and returns "
                "with credit_when, or fix the list column"),
    "bad_debt": ("bad debt", "net", "its write-off reversals exceed its write-offs in the period; check those rows, "
                 "or widen the period so that it includes the write-offs they reverse"),
}


def negative_figures(ing, limit: int = 20) -> list[Problem]:
    """A located problem per client and figure that came out negative (at most ``limit``)."""
    problems: list[Problem] = []
    figures = ing.clients.set_index("client_id")
    for figure, (label, role, advice) in _WHAT.items():
        bad = [cid for cid, v in figures[figure].items() if not math.isnan(v) and v < -0.005]
        for cid in bad[:limit - len(problems)]:
            problems.append(_locate(ing, cid, figure, figures.at[cid, figure], label, role, advice))
    return problems


def _locate(ing, cid: str, figure: str, value: float, label: str, role: str, advice: str) -> Problem:
    rows: list[tuple[str, int]] = []
    header = None
    for spec in ing.book.sources:
        cond = _conditions(spec).get(figure)
        if cond is None or spec.name not in ing.plans:
            continue
        p = Params()
        sql = (f"SELECT _f, _row FROM {ing.rows_sql(spec, p)} WHERE _reason IS NULL AND "
               f"lower(client) = lower({p.add(cid)}) AND {cond} ORDER BY _f, _row LIMIT 6")
        files = ing.plans[spec.name].files
        rows += [(files[f].display, r) for f, r in ing.run.run(sql, p.values, keep=False).fetchall()]
        header = header or spec.columns.get(role if role in spec.columns else "net")
    where = {}
    if rows:
        where = dict(file=rows[0][0], row=rows[0][1], column=header)
    by_file: dict[str, list[int]] = {}
    for f, r in rows:
        by_file.setdefault(f, []).append(r)
    shown = "; ".join(f"{f} rows {', '.join(map(str, rs[:5]))}{' and more' if len(rs) > 5 else ''}"
                      for f, rs in by_file.items())
    return Problem(f"client {cid}: {label} over the period comes to {value:,.2f}, below 0"
                   + (f" ({shown})" if shown else "") + f": {advice}", **where)

