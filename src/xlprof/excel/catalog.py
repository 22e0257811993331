"""Every ``XLPROF_`` function in reference order, with an example and a worked example each
(docs/functions.md is generated from here by ``scripts/gen_function_docs.py``)."""

from __future__ import annotations

from typing import Any, Callable

from . import functions as _f
from . import portfolio as _p


#: One example per function for docs/functions.md: (formula, what it shows).
EXAMPLES: dict[str, tuple[str, str]] = {
    "XLPROF_MARGIN": ("=XLPROF_MARGIN(B2:B100, C2:C100, D2:D100)", "gross margin of every client"),
    "XLPROF_NET_REVENUE": ("=XLPROF_NET_REVENUE(B2:B100, D2:D100)", "net revenue of every client"),
    "XLPROF_NET_MARGIN": ("=XLPROF_NET_MARGIN(H2:H100, E2:E100)",
                          "net profit / net revenue of every client (format as %)"),
    "XLPROF_ACTIVITY_RATES": ("=XLPROF_ACTIVITY_RATES(Activities!C2:C13, Activities!D2:D13)",
                              "the rate of every activity from its cost pool and total volume"),
    "XLPROF_TIME_DRIVEN_RATES": ("=XLPROF_TIME_DRIVEN_RATES(Resources!B2, Resources!C2, "
                                 "Activities!F2:F13)",
                                 "rates of the activities done by one resource, from their minutes"),
    "XLPROF_COST_TO_SERVE": ("=XLPROF_COST_TO_SERVE(Volumes!B2:M100, Activities!H2:H13)",
                             "cost-to-serve of every client (12 activities, rates in a column)"),
    "XLPROF_SERVICE_HOURS": ("=XLPROF_SERVICE_HOURS(Volumes!B2:M100, Activities!F2:F13)",
                             "hours spent serving every client"),
    "XLPROF_FINANCING_COST": ("=XLPROF_FINANCING_COST(B2:B100, J2:J100, 8%)",
                              "cost of financing every client's payment delay"),
    "XLPROF_NET_PROFIT": ("=XLPROF_NET_PROFIT(B2:B100, C2:C100, F2:F100, D2:D100, G2:G100, K2:K100)",
                          "net profit of every client"),
    "XLPROF_TERMINATION_SCORE": ("=XLPROF_TERMINATION_SCORE(H2:H100, E2:E100, F2:F100, J2:J100, "
                                 "I2:I100, K2:K100, N2:Q100, Settings!B7:H7)",
                                 "termination score of every client, with the weights in a row"),
    "XLPROF_SCORE_COVERAGE": ("=XLPROF_SCORE_COVERAGE(H2:H100, E2:E100, F2:F100, J2:J100, "
                              "I2:I100, K2:K100, N2:Q100)",
                              "how much of every score rests on data"),
    "XLPROF_SCORE_REASONS": ("=XLPROF_SCORE_REASONS(H2:H100, E2:E100, F2:F100, J2:J100, I2:I100, "
                             "K2:K100, N2:Q100, , \"es\")",
                             "the top reasons of every score, in Spanish"),
    "XLPROF_ACTION": ("=XLPROF_ACTION(H2:H100, E2:E100, F2:F100, S2:S100, L2:L100, M2:M100, "
                      "R2:R100, T2:T100, U2:U100)",
                      "the recommended action of every client"),
    "XLPROF_TIER": ("=XLPROF_TIER(H2:H100, A2:A100)", "the tier of every client"),
    "XLPROF_QUADRANT": ("=XLPROF_QUADRANT(B2:B100, F2:F100, D2:D100)",
                        "the price / cost-to-serve quadrant of every client"),
    "XLPROF_WHALE_CURVE": ("=XLPROF_WHALE_CURVE(H2:H100, A2:A100, TRUE)",
                           "the whale curve's points for a chart, most profitable client first"),
    "XLPROF_DROP_IMPACT": ("=XLPROF_DROP_IMPACT(B2:B100, C2:C100, V2:V100, D2:D100, G2:G100, "
                           "K2:K100, O2:O100)",
                           "what the profit would gain if each client left"),
    "XLPROF_EXIT_DATE": ("=XLPROF_EXIT_DATE(Settings!B5, M2:M100, L2:L100, O2:O100, W2:W100)",
                         "the exit date of every client (format the cells as dates)"),
    "XLPROF_ANALYZE": ("=XLPROF_ANALYZE(Clients!A1:T301, Activities!A1:G13, Volumes!A1:M301, "
                       "Settings!A1:B20, Resources!A1:C4)",
                       "the whole per-client result table, with a header row"),
}

#: Worked examples (arguments as typed in a formula, result), shown in docs/functions.md
#: and checked by tests/test_udfs.py. Nested tuples are array constants ({1,2;3,4}).
WORKED: dict[str, tuple[tuple, Any]] = {
    "XLPROF_MARGIN": ((1000, 600, 100), 300),
    "XLPROF_NET_REVENUE": ((1000, 100), 900),
    "XLPROF_NET_MARGIN": ((90, 900), 0.1),
    "XLPROF_ACTIVITY_RATES": ((5000, 250), 20),
    "XLPROF_TIME_DRIVEN_RATES": ((60000, 1000, 15), 15),
    "XLPROF_COST_TO_SERVE": ((((10, 2),), ((5,), (20,))), 90),
    "XLPROF_SERVICE_HOURS": ((((10, 2),), ((6,), (30,))), 2),
    "XLPROF_FINANCING_COST": ((36500, 60, 0.1), 600),
    "XLPROF_NET_PROFIT": ((1000, 600, 150, 100, 20, 30), 100),
    "XLPROF_TERMINATION_SCORE": ((-200, 1000, 400), 100),
    "XLPROF_SCORE_COVERAGE": ((-200, 1000, 400), 0.45),
    "XLPROF_SCORE_REASONS": ((-200, 1000, 400),
                             "net margin -20.0% (target 10%); cost-to-serve is 40% of net revenue"),
    "XLPROF_ACTION": ((-200, 1000, 400, 300, 100, 0.45), "Review: rate the client first"),
    "XLPROF_TIER": ((((500,), (300,), (150,), (50,), (-100,)),),
                    (("Platinum",), ("Gold",), ("Iron",), ("Iron",), ("Lead",))),
    "XLPROF_WHALE_CURVE": ((((100,), (50,), (-50,)),), ((1,), (1.5,), (1,))),
    "XLPROF_DROP_IMPACT": ((1000, 600, 500), 100),
}


#: The worksheet functions, in the order of the reference (docs/functions.md).
FUNCTIONS: tuple[Callable, ...] = (
    _f.XLPROF_MARGIN, _f.XLPROF_NET_REVENUE, _f.XLPROF_NET_MARGIN, _f.XLPROF_ACTIVITY_RATES,
    _f.XLPROF_TIME_DRIVEN_RATES, _f.XLPROF_COST_TO_SERVE, _f.XLPROF_SERVICE_HOURS,
    _f.XLPROF_FINANCING_COST, _f.XLPROF_NET_PROFIT,
    _p.XLPROF_TERMINATION_SCORE, _p.XLPROF_SCORE_COVERAGE, _p.XLPROF_SCORE_REASONS, _p.XLPROF_ACTION,
    _p.XLPROF_TIER, _p.XLPROF_QUADRANT, _p.XLPROF_WHALE_CURVE, _p.XLPROF_DROP_IMPACT,
    _p.XLPROF_EXIT_DATE, _p.XLPROF_ANALYZE,
)
NAMES: tuple[str, ...] = tuple(f.__name__ for f in FUNCTIONS)
