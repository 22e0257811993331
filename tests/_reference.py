"""An independent re-implementation of the model of design.md section 4, for the tests.

Plain Python over plain records: no numpy, no pandas, and nothing from ``xlprof.model``
(a test checks the import list). The tests compare ``analyze()``, the Excel functions and
the CLI against it, so a wrong formula in the engine cannot pass by being compared with
itself. It is written from the design text, not from the engine's code: loops, ``if``
and ``min``/``max`` instead of array masks.

Inputs are the records ``make_portfolio`` takes: client dicts (canonical column names,
``None``/NaN for blanks), activity dicts, volumes as ``(client_id, activity, quantity)``
triples (a pair given twice adds up), resource dicts and a ``Settings``. Numbers that
are blank are ``None`` or NaN alike.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from dataclasses import dataclass, field

SIGNAL_ORDER = ("profitability", "payment", "service_burden", "values_alignment", "communication",
                "needs_fit", "respect_of_terms")
RATINGS = SIGNAL_ORDER[3:]
AVOIDABLE_BEHAVIOURS = ("variable", "avoidable_fixed")
NAN = float("nan")


def blank(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def num(x, default=NAN) -> float:
    """The number in a record field; ``default`` for a blank."""
    return default if blank(x) else float(x)


def clip01(x: float) -> float:
    if math.isnan(x):
        return x
    return 0.0 if x < 0 else 1.0 if x > 1 else x


def ratio(a: float, b: float) -> float:
    """a / b when b > 0, else NaN."""
    return a / b if b > 0 else NAN


# --- activity rates ------------------------------------------------------------------------


@dataclass
class ActivityRate:
    name: str
    source: str            # time | pool | rate
    rate: float            # 0 when there is none
    total_volume: float
    behaviour: str         # the behaviour that decides what goes when a client leaves
    minutes: float         # 0 when blank
    resource: str | None
    pool: float            # the cost pool (pool source), else NaN
    unassigned: float      # a pool nobody consumed

    @property
    def avoidable(self) -> bool:
        return self.behaviour in AVOIDABLE_BEHAVIOURS

    @property
    def frees_capacity(self) -> bool:
        return self.source == "time" and self.behaviour == "committed_fixed"


def volume_table(volumes) -> dict[tuple[str, str], float]:
    """(client_id, activity) -> quantity; a pair given twice adds up."""
    out: dict[tuple[str, str], float] = {}
    for cid, act, q in volumes:
        key = (str(cid), str(act))
        out[key] = out.get(key, 0.0) + num(q, 0.0)
    return out


def activity_rates(activities, resources, volumes) -> dict[str, ActivityRate]:
    """Rate per activity: time-driven (resource cost / (capacity hours x 60) x minutes),
    cost pool / total volume, or the rate given."""
    vol = volume_table(volumes)
    res = {r["resource"]: r for r in resources}
    out = {}
    for a in activities:
        name = a["activity"]
        total = sum(q for (c, act), q in vol.items() if act == name)
        minutes = num(a.get("minutes_per_unit"))
        resource = a.get("resource")
        pool = num(a.get("cost_pool"))
        if not blank(resource) and resource in res and not math.isnan(minutes):
            r = res[resource]
            cap = num(r.get("capacity_hours"), 0.0)
            rate = num(r.get("cost"), 0.0) / (cap * 60.0) * minutes if cap > 0 else 0.0
            behaviour = r.get("behavior")
            behaviour = "committed_fixed" if blank(behaviour) else behaviour
            out[name] = ActivityRate(name, "time", rate, total, behaviour, minutes, resource, NAN, 0.0)
        elif not math.isnan(pool):
            rate = pool / total if total > 0 else 0.0
            out[name] = ActivityRate(name, "pool", rate, total, a.get("behavior"),
                                     0.0 if math.isnan(minutes) else minutes, None, pool,
                                     pool if total <= 0 else 0.0)
        else:
            out[name] = ActivityRate(name, "rate", num(a.get("rate"), 0.0), total, a.get("behavior"),
                                     0.0 if math.isnan(minutes) else minutes, None, NAN, 0.0)
    return out


# --- per client ----------------------------------------------------------------------------


@dataclass
class ClientResult:
    client_id: str
    revenue: float
    net_revenue: float
    gross_margin: float
    cost_to_serve: float
    avoidable_cost_to_serve: float
    freed_capacity_cost: float
    financing_cost: float
    net_profit: float
    net_margin: float
    service_hours: float
    profit_per_hour: float
    price_realization: float
    cts_ratio: float
    breakeven_price_rise: float
    signals: dict = field(default_factory=dict)
    score: float = NAN
    score_coverage: float = NAN
    drop_impact_ledger: float = NAN
    drop_impact: float = NAN
    exit_gain: float = NAN
    cumulative_profit_share: float = NAN
    tier: str = ""
    quadrant: str = ""
    reason_codes: list = field(default_factory=list)
    action: str = ""
    exit_date: dt.date | None = None


def payment_signal(days, terms, bad_debt, revenue, late_span, debt_span) -> float:
    """max(days late / late span, bad debt / revenue / debt span), each clipped to [0, 1];
    a blank day count leaves the bad debt alone; neither -> NaN."""
    days, terms = num(days), num(terms)
    late = None if math.isnan(days) or math.isnan(terms) else clip01((days - terms) / late_span)
    debt = num(bad_debt, 0.0)
    rev = num(revenue)
    if debt > 0:
        debt_part = NAN if math.isnan(rev) else 1.0 if rev <= 0 else clip01(debt / rev / debt_span)
    else:
        debt_part = 0.0
    if late is None:
        return debt_part if debt > 0 else NAN
    return late if math.isnan(debt_part) else max(late, debt_part)


def signals_of(profit, nr, cts, days, terms, bad_debt, revenue, ratings, s) -> dict[str, float]:
    """The seven signals of design.md section 4 (NaN = no data)."""
    out = {
        "profitability": 1.0 if not nr > 0 else clip01((s.target_net_margin - profit / nr) / s.margin_span),
        "payment": payment_signal(days, terms, bad_debt, revenue, s.late_days_span, s.bad_debt_span),
        "service_burden": 1.0 if not nr > 0 else clip01((cts / nr - s.cts_floor) / s.cts_span),
    }
    for k in RATINGS:
        r = num(ratings.get(k))
        out[k] = NAN if math.isnan(r) else (5.0 - r) / 4.0
    return out


def score_of(signals: dict, weights: dict) -> tuple[float, float]:
    """(100 x sum w s / sum w over the signals with data, that sum w / all w)."""
    top = with_data = 0.0
    for k in SIGNAL_ORDER:
        if not math.isnan(signals[k]):
            top += weights[k] * signals[k]
            with_data += weights[k]
    total = sum(weights.values())
    score = 100.0 * top / with_data if with_data > 0 else NAN
    return score, (with_data / total if total > 0 else 0.0)


def reason_codes_of(signals: dict, weights: dict, ratings: dict, top: int = 3) -> list[str]:
    """The signals that argue for exit (a computed signal > 0, a rating <= 3), weighted
    contribution descending, ties in signal order, at most ``top``."""
    found = []
    for k, name in enumerate(SIGNAL_ORDER):
        v = signals[name]
        if math.isnan(v) or weights[name] <= 0:
            continue
        argues = num(ratings.get(name)) <= 3 if name in RATINGS else v > 0
        if argues:
            found.append((-weights[name] * v, k, name))
    return [name for _, _, name in sorted(found)[:top]]


def action_of(*, strategic, score, coverage, exit_gain, profit, growth, burden, tier, s) -> str:
    """The first rule of design.md section 4's decision table that holds."""
    high = not math.isnan(score) and score >= s.score_terminate
    if strategic:
        return "retain_strategic"
    if high and coverage < s.coverage_min:
        return "review"
    if high and exit_gain > 0:
        return "terminate"
    if round(profit, 6) < 0:
        if num(growth, 0.0) >= 4:
            return "renegotiate"
        if burden >= s.restructure_burden:
            return "restructure"
        return "renegotiate"
    return "retain_grow" if tier in ("platinum", "gold") else "maintain"


def exit_date_of(decision, notice_days, contract_end, penalty, monthly_gain, lead_days) -> dt.date:
    """Notice = decision + lead days; earliest = notice + notice days; wait for the contract
    end unless the penalty is smaller than the monthly gain x months left (days x 12 / 365)."""
    notice = decision + dt.timedelta(days=lead_days)
    earliest = notice + dt.timedelta(days=0 if blank(notice_days) else int(round(notice_days)))
    if contract_end is None or contract_end <= earliest:
        return earliest
    months_left = (contract_end - earliest).days * 12 / 365
    if num(penalty, 0.0) < monthly_gain * months_left:
        return earliest
    return contract_end


def rank_order(ids, profits) -> list[int]:
    """Positions sorted by profit (to a millionth) descending, ties by client_id."""
    return sorted(range(len(ids)), key=lambda i: (-round(profits[i], 6), str(ids[i])))


def tiers_of(ids, profits, platinum, gold) -> list[str]:
    """Lead for a loss; the others by the share of positive profit reached before them."""
    p = [round(x, 6) for x in profits]
    positive = sum(x for x in p if x > 0)
    out = ["lead"] * len(p)
    before = 0.0
    for i in rank_order(ids, profits):
        if p[i] < 0:
            continue
        share = before / positive if positive > 0 else 1.0
        out[i] = "platinum" if share < platinum else "gold" if share < gold else "iron"
        before += p[i]
    return out


def whale_shares(ids, profits) -> list[float]:
    """Cumulative profit including each client / total profit (NaN when the total <= 0)."""
    total = sum(profits)
    out = [NAN] * len(profits)
    if total > 0:
        running = 0.0
        for i in rank_order(ids, profits):
            running += profits[i]
            out[i] = running / total
    return out


def quadrants_of(price, cost, nr, split=None) -> list[str]:
    """Shapiro matrix split at the medians of the clients with NR > 0 (at the median is high)."""
    ok = [i for i in range(len(nr)) if nr[i] > 0]
    if split is None:
        split = ((statistics.median(price[i] for i in ok), statistics.median(cost[i] for i in ok))
                 if ok else (NAN, NAN))
    pm, cm = split
    out = []
    for i in range(len(nr)):
        if not nr[i] > 0:
            out.append("na")
            continue
        hp = round(price[i], 12) >= round(pm, 12)
        hc = round(cost[i], 12) >= round(cm, 12)
        out.append(("carriage_trade" if hc else "passive") if hp else
                   ("aggressive" if hc else "bargain_basement"))
    return out


@dataclass
class Reference:
    clients: dict[str, ClientResult]     # by client_id
    rates: dict[str, ActivityRate]
    unused_capacity: dict[str, float]    # per resource
    used_hours: dict[str, float]
    ledger_operating_profit: float
    unassigned: float


def analyse(clients, activities, volumes, resources, s) -> Reference:
    """The whole per-client analysis of design.md section 4, from raw records."""
    rates = activity_rates(activities, resources, volumes)
    vol = volume_table(volumes)
    weights = {k: float(getattr(s, f"weight_{k}")) for k in SIGNAL_ORDER}
    out: dict[str, ClientResult] = {}
    for c in clients:
        cid = str(c["client_id"])
        rev = num(c.get("revenue"))
        disc = num(c.get("discounts"), 0.0)
        cogs = num(c.get("cogs"))
        bad = num(c.get("bad_debt"), 0.0)
        nr = rev - disc
        cts = avoid = freed = minutes = 0.0
        for a in rates.values():
            q = vol.get((cid, a.name), 0.0)
            cts += q * a.rate
            avoid += q * a.rate if a.avoidable else 0.0
            freed += q * a.rate if a.frees_capacity else 0.0
            minutes += q * a.minutes
        fin = rev * num(c.get("days_to_pay"), 0.0) * s.cost_of_capital / 365
        p = nr - cogs - cts - fin - bad
        hours = minutes / 60
        r = ClientResult(cid, rev, nr, nr - cogs, cts, avoid, freed, fin, p, ratio(p, nr), hours,
                         ratio(p, hours), ratio(nr, rev), ratio(cts, nr),
                         -p / nr if p < 0 and nr > 0 else NAN)
        ratings = {k: c.get(k) for k in RATINGS}
        r.signals = signals_of(p, nr, cts, c.get("days_to_pay"), c.get("payment_terms_days"), bad,
                               rev, ratings, s)
        r.score, r.score_coverage = score_of(r.signals, weights)
        r.reason_codes = reason_codes_of(r.signals, weights, ratings)
        penalty = num(c.get("exit_penalty"), 0.0)
        r.drop_impact_ledger = -nr + cogs + avoid + bad - penalty
        r.drop_impact = r.drop_impact_ledger + fin
        r.exit_gain = r.drop_impact + (hours * s.value_per_freed_hour if s.capacity_constrained else 0.0)
        out[cid] = r
    ids = sorted(out)
    profits = [out[i].net_profit for i in ids]
    for i, t, w in zip(ids, tiers_of(ids, profits, s.tier_platinum, s.tier_gold), whale_shares(ids, profits)):
        out[i].tier, out[i].cumulative_profit_share = t, w
    quads = quadrants_of([out[i].price_realization for i in ids], [out[i].cts_ratio for i in ids],
                         [out[i].net_revenue for i in ids])
    for i, q in zip(ids, quads):
        out[i].quadrant = q
    for c in clients:
        r = out[str(c["client_id"])]
        r.action = action_of(strategic=bool(c.get("strategic")), score=r.score, coverage=r.score_coverage,
                             exit_gain=r.exit_gain, profit=r.net_profit, growth=c.get("growth_potential"),
                             burden=r.signals["service_burden"], tier=r.tier, s=s)
        if s.decision_date is not None:
            penalty = num(c.get("exit_penalty"), 0.0)
            monthly = (r.drop_impact + penalty) / s.period_months   # the recurring part, per month
            r.exit_date = exit_date_of(s.decision_date, c.get("notice_days"), c.get("contract_end"),
                                       c.get("exit_penalty"), monthly, s.notice_lead_days)
    unused, used = {}, {}
    for res in resources:
        timed = [a for a in rates.values() if a.source == "time" and a.resource == res["resource"]]
        unused[res["resource"]] = num(res.get("cost"), 0.0) - sum(a.rate * a.total_volume for a in timed)
        used[res["resource"]] = sum(a.total_volume * a.minutes for a in timed) / 60
    # the period's operating profit, straight from the inputs
    ledger = sum(num(c.get("revenue")) - num(c.get("discounts"), 0.0) - num(c.get("cogs"))
                 - num(c.get("bad_debt"), 0.0) for c in clients)
    for a in activities:
        if rates[a["activity"]].source == "pool":
            ledger -= num(a.get("cost_pool"))
        elif rates[a["activity"]].source == "rate":
            ledger -= rates[a["activity"]].rate * rates[a["activity"]].total_volume
    ledger -= sum(num(r.get("cost"), 0.0) for r in resources)
    return Reference(out, rates, unused, used, ledger, sum(a.unassigned for a in rates.values()))


def reason_texts(codes, client: dict, r: ClientResult, s, lang: str = "en") -> list[str]:
    """The sentences of the reason codes, with the figures each one quotes (the wording is
    xlprof.i18n's; which figures go in is worked out here)."""
    from xlprof.i18n import label, message

    if not codes:
        return [message("reason_none", lang)]
    out = []
    for code in codes:
        if code == "profitability":
            out.append(message("reason_profitability_nr", lang) if not r.net_revenue > 0 else
                       message("reason_profitability", lang, margin=r.net_margin,
                               target=f"{round(100 * s.target_net_margin, 4):g}%"))
        elif code == "payment":
            parts = []
            days, terms = num(client.get("days_to_pay")), num(client.get("payment_terms_days"))
            if days - terms > 0:
                one = f"{days - terms:.0f}" == "1"      # "pays 1 day late"
                parts.append(message("reason_payment_one" if one else "reason_payment", lang, late=days - terms))
            debt = num(client.get("bad_debt"), 0.0)
            if debt > 0:
                parts.append(message("reason_payment_bad_debt_share", lang, bad_debt=debt,
                                     share=debt / r.revenue) if r.revenue > 0 else
                             message("reason_payment_bad_debt", lang, bad_debt=debt))
            out.append("; ".join(parts))
        elif code == "service_burden":
            out.append(message("reason_service_burden_nr", lang) if not r.net_revenue > 0 else
                       message("reason_service_burden", lang, ratio=r.cts_ratio))
        else:
            out.append(message("reason_rating", lang, signal=label(code, lang), rating=float(client[code])))
    return out
