"""The ``XLPROF_`` worksheet functions of one row at a time: margins, rates, cost-to-serve,
service hours, financing cost, net profit.

Plain Python: the definitions here are decorated for classic xlwings by
:mod:`xlprof.udfs` and for xlwings Lite by :mod:`xlprof.lite` (see
:mod:`xlprof.excel.spec`). Every function only converts: Excel values -> arrays -> a
model function (:mod:`xlprof.model.formulas`) -> Excel values.
"""

from __future__ import annotations

from typing import Callable

from ..model import formulas as F
from ..settings import DEFAULT_SETTINGS
from .align import by_row, elementwise
from .convert import CallError, check, num, vector_arg
from .spec import excel_function



@excel_function(
    revenue="Revenue (gross sales): a cell or a range of amounts.",
    cogs="Cost of goods sold: a cell or a range the same size as revenue.",
    discounts="Optional. Discounts, rebates and allowances; blank counts 0.",
)
def XLPROF_MARGIN(revenue, cogs, discounts=None):
    """Gross margin = revenue - discounts - cogs, cell by cell (one value or a spilled range of the same shape)."""
    r = num("revenue", revenue, required=True)
    c = num("cogs", cogs, required=True)
    d = num("discounts", discounts, default=0.0)
    return elementwise(r, c, d).output(F.gross_margin(r.vals, c.vals, d.vals))


@excel_function(
    revenue="Revenue (gross sales): a cell or a range of amounts.",
    discounts="Optional. Discounts, rebates and allowances; blank counts 0.",
)
def XLPROF_NET_REVENUE(revenue, discounts=None):
    """Net revenue = revenue - discounts, cell by cell."""
    r = num("revenue", revenue, required=True)
    d = num("discounts", discounts, default=0.0)
    return elementwise(r, d).output(F.net_revenue(r.vals, d.vals))


@excel_function(
    net_profit="Net profit: a cell or a range.",
    net_revenue="Net revenue: a cell or a range the same size as net_profit.",
)
def XLPROF_NET_MARGIN(net_profit, net_revenue):
    """Net margin = net profit / net revenue, as a fraction; blank where net revenue is 0 or less."""
    p = num("net_profit", net_profit, required=True)
    r = num("net_revenue", net_revenue, required=True)
    return elementwise(p, r).output(F.net_margin(p.vals, r.vals))


@excel_function(
    cost_pools="Cost of each activity for the period: a cell or a range.",
    total_volumes="Total driver volume of each activity (all clients): same size as cost_pools.",
)
def XLPROF_ACTIVITY_RATES(cost_pools, total_volumes):
    """Activity-based costing rate = cost pool / total volume, per activity; blank where the volume is 0."""
    c = num("cost_pools", cost_pools, required=True)
    v = num("total_volumes", total_volumes, required=True)
    return elementwise(c, v).output(F.pool_rates(c.vals, v.vals))


@excel_function(
    resource_cost="Cost of the resource (team) for the period: a cell or a range.",
    capacity_hours="Practical capacity of the resource in hours for the period.",
    minutes_per_unit="Minutes of the resource one unit of the activity takes: a cell or a range.",
)
def XLPROF_TIME_DRIVEN_RATES(resource_cost, capacity_hours, minutes_per_unit):
    """Time-driven rate = resource cost / (capacity hours x 60) x minutes per unit; blank without capacity."""
    c = num("resource_cost", resource_cost, required=True)
    h = num("capacity_hours", capacity_hours, required=True)
    m = num("minutes_per_unit", minutes_per_unit, required=True)
    return elementwise(c, h, m).output(F.time_driven_rates(c.vals, h.vals, m.vals))


def _matrix_call(volumes, per_unit, name: str, formula: Callable) -> list:
    vol = num("volumes", volumes, required=True)
    k = vol.shape[1]
    rates = vector_arg(name, per_unit)
    if rates.shape[0] != k:
        raise CallError(f"volumes has {k} column{'s' if k != 1 else ''} (activities) "
                        f"but {name} has {rates.shape[0]} values")
    layout = by_row([], [vol], blank_rows=False)
    return layout.output(formula(vol.vals, rates).reshape(-1, 1))


@excel_function(
    volumes="Activity volumes: one row per client, one column per activity; blanks count 0.",
    rates="Rate of each activity, in the order of the volume columns: one row or one column.",
)
def XLPROF_COST_TO_SERVE(volumes, rates):
    """Cost-to-serve per client = sum of volume x rate over the activities (one value per row of volumes)."""
    return _matrix_call(volumes, rates, "rates", F.cost_to_serve)


@excel_function(
    volumes="Activity volumes: one row per client, one column per activity; blanks count 0.",
    minutes_per_unit="Minutes per unit of each activity, in the order of the volume columns; blank counts 0.",
)
def XLPROF_SERVICE_HOURS(volumes, minutes_per_unit):
    """Service hours per client = sum of volume x minutes per unit / 60 (one value per row of volumes)."""
    return _matrix_call(volumes, minutes_per_unit, "minutes_per_unit", F.service_hours)


@excel_function(
    revenue="Revenue: a cell or a range of amounts.",
    days_to_pay="Days the client actually takes to pay: same size as revenue.",
    cost_of_capital="Optional. Yearly cost of capital as a fraction (8% = 0.08); default 0.08.",
)
def XLPROF_FINANCING_COST(revenue, days_to_pay, cost_of_capital=None):
    """Financing cost = revenue x days-to-pay x yearly cost of capital / 365, cell by cell."""
    r = num("revenue", revenue, required=True)
    d = num("days_to_pay", days_to_pay, required=True)
    k = num("cost_of_capital", cost_of_capital, default=DEFAULT_SETTINGS.cost_of_capital)
    check(k, (k.vals < 0) | (k.vals > 1), "is not a yearly fraction between 0 and 1 (8% = 0.08)")
    return elementwise(r, d, k).output(F.financing_cost(r.vals, d.vals, k.vals))


@excel_function(
    revenue="Revenue (gross sales): a cell or a range of amounts.",
    cogs="Cost of goods sold: same size as revenue.",
    cost_to_serve="Cost-to-serve (see XLPROF_COST_TO_SERVE): same size as revenue.",
    discounts="Optional. Discounts, rebates and allowances; blank counts 0.",
    financing_cost="Optional. Financing cost of late payment (see XLPROF_FINANCING_COST); blank counts 0.",
    bad_debt="Optional. Bad debt written off; blank counts 0.",
)
def XLPROF_NET_PROFIT(revenue, cogs, cost_to_serve, discounts=None, financing_cost=None, bad_debt=None):
    """Net profit = revenue - discounts - cogs - cost-to-serve - financing cost - bad debt, cell by cell."""
    r = num("revenue", revenue, required=True)
    c = num("cogs", cogs, required=True)
    s = num("cost_to_serve", cost_to_serve, required=True)
    d = num("discounts", discounts, default=0.0)
    f = num("financing_cost", financing_cost, default=0.0)
    b = num("bad_debt", bad_debt, default=0.0)
    layout = elementwise(r, c, s, d, f, b)
    return layout.output(F.net_profit(r.vals, c.vals, s.vals, d.vals, f.vals, b.vals))
