"""No-op UDFs with the signatures and argument options of xlprof's, for bench_udfs.py.

Each one is what xlwings' call path costs by itself: the same arguments converted the
same way (``ndim=2, err_to_str=True``) and a result of the same shape converted back
(a fresh column of zeros: one list per row, as every array result has) -- with no work
in between.
"""

from __future__ import annotations

import xlwings as xw

RANGE = {"ndim": 2, "err_to_str": True}


@xw.func(category="xlprof benchmark")
@xw.arg("revenue", **RANGE)
@xw.arg("cogs", **RANGE)
@xw.arg("discounts", **RANGE)
def NOOP_MARGIN(revenue, cogs, discounts=None):
    """No-op with XLPROF_MARGIN's signature."""
    return [[0.0] for _ in revenue]


@xw.func(category="xlprof benchmark")
@xw.arg("volumes", **RANGE)
@xw.arg("rates", **RANGE)
def NOOP_COST_TO_SERVE(volumes, rates):
    """No-op with XLPROF_COST_TO_SERVE's signature."""
    return [[0.0] for _ in volumes]


@xw.func(category="xlprof benchmark")
@xw.arg("net_profit", **RANGE)
@xw.arg("net_revenue", **RANGE)
@xw.arg("cost_to_serve", **RANGE)
@xw.arg("days_to_pay", **RANGE)
@xw.arg("payment_terms_days", **RANGE)
@xw.arg("bad_debt", **RANGE)
@xw.arg("ratings", **RANGE)
@xw.arg("weights", **RANGE)
@xw.arg("revenue", **RANGE)
@xw.arg("settings", **RANGE)
def NOOP_TERMINATION_SCORE(net_profit, net_revenue, cost_to_serve, days_to_pay=None,
                           payment_terms_days=None, bad_debt=None, ratings=None, weights=None,
                           revenue=None, settings=None):
    """No-op with XLPROF_TERMINATION_SCORE's signature."""
    return [[0.0] for _ in net_profit]
