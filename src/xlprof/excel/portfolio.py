"""The ``XLPROF_`` worksheet functions about clients in their portfolio: termination score,
coverage and reasons, action, tier, quadrant, whale curve, drop impact, exit date and the
whole analysis (``XLPROF_ANALYZE``).

Plain Python, decorated by :mod:`xlprof.udfs` (classic) and :mod:`xlprof.lite` (Lite).
Every number comes from the model (:mod:`xlprof.model.vector`, :mod:`xlprof.model.segments`,
:func:`xlprof.model.analyze`).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np

from ..errors import InputError
from ..i18n import label
from ..model import vector as V
from ..model.segments import QuadrantSplit, assign_tiers, whale_curve
from ..settings import DEFAULT_SETTINGS, RATING_SIGNALS, SETTING_ALIASES, Settings
from .align import Layout, by_row, column_of, elementwise, labels, portfolio_positions, scatter, values_at
from .convert import (Arg, CallError, check, dates, flag_arg, grid, lang_arg, num, objects, option_arg,
                      parse_id, parse_tier, parse_yes_no, rating, settings_with, weights_arg)
from .spec import excel_function

REVENUE_DOC = ("Optional. Revenue (before discounts) of each client: the bad-debt share is bad debt / revenue; "
               "needed when there is bad debt.")
SETTINGS_DOC = ("Optional. A key/value range such as the Settings sheet's key and value columns: the score "
                "thresholds (target_net_margin, margin_span, late_days_span, bad_debt_span, cts_floor, cts_span, "
                "restructure_burden); default: design values.")

#: Settings an ``XLPROF_`` function reads from a ``settings`` range (design.md section 4).
#: Settings that settle how the range's own text numbers read (design.md section 5).
READING_KEYS = ("decimal_separator", "date_order")
THRESHOLD_KEYS = ("target_net_margin", "margin_span", "late_days_span", "bad_debt_span", "cts_floor",
                  "cts_span", "restructure_burden", "score_terminate", "coverage_min")


def settings_arg(raw: Any) -> Settings:
    """The score thresholds from a key/value range -- the Settings sheet's key and value
    columns, with or without their header row, or a small table of some keys (English or
    Spanish). Other settings are ignored, an unknown key is an error, omitted keys keep
    the defaults (target_net_margin 0.10, margin_span 0.30, late_days_span 60,
    bad_debt_span 0.02, cts_floor 0.10, cts_span 0.30, restructure_burden 0.5)."""
    from ..schema import SETTINGS, header_map
    from ..textnorm import norm_key

    if raw is None:
        return DEFAULT_SETTINGS
    rows = grid(raw)
    if any(len(r) < 2 for r in rows):
        raise CallError("settings needs two columns: key and value")
    values: dict[str, Any] = {}
    for k, row in enumerate(rows):
        key = row[0]
        if key is None or (isinstance(key, str) and not key.strip()):
            continue
        canon = SETTING_ALIASES.get(norm_key(key))
        if canon is None:
            if k == 0 and header_map(SETTINGS).get(norm_key(key)) == "key":
                continue  # the header row
            raise CallError(f"settings: unknown setting {key!r}")
        if canon in THRESHOLD_KEYS or canon in READING_KEYS:
            values[str(key)] = row[1]
    try:
        return Settings.from_mapping(values)
    except InputError as exc:
        raise CallError("settings: " + exc.problems[0].message) from None


def _score_args(net_profit, net_revenue, cost_to_serve, days_to_pay, payment_terms_days, bad_debt,
                ratings, revenue=None, decimal: str = "auto"):
    """The score functions' shared arguments; their text numbers read by ``decimal`` (the
    settings range's ``decimal_separator``) where their own cells do not settle it."""
    p = num("net_profit", net_profit, required=True, decimal=decimal)
    r = num("net_revenue", net_revenue, required=True, decimal=decimal)
    c = num("cost_to_serve", cost_to_serve, required=True, decimal=decimal)
    d = num("days_to_pay", days_to_pay, decimal=decimal)
    t = num("payment_terms_days", payment_terms_days, decimal=decimal)
    b = num("bad_debt", bad_debt, default=0.0, decimal=decimal)
    v = num("revenue", revenue, decimal=decimal)
    q = rating("ratings", ratings, decimal)
    if q.given and q.shape[1] != len(RATING_SIGNALS):
        raise CallError(f"ratings needs {len(RATING_SIGNALS)} columns "
                        f"({', '.join(RATING_SIGNALS)}), got {q.shape[1]}")
    layout = by_row([p, r, c, d, t, b, v], [q])
    debt, rev = column_of(b), column_of(v)
    if np.any(np.nan_to_num(debt) > 0) and not v.given:
        raise CallError("give revenue: the payment signal compares bad debt / revenue with bad_debt_span")
    inputs = (column_of(p), column_of(r), column_of(c), column_of(d), column_of(t), debt,
              q.vals if q.given else None)
    return layout, inputs, rev


def _scores(net_profit, net_revenue, cost_to_serve, days_to_pay, payment_terms_days, bad_debt, ratings,
            weights, revenue, settings):
    """(layout, score, coverage) of the score functions' shared arguments."""
    s = settings_arg(settings)
    layout, inputs, rev = _score_args(net_profit, net_revenue, cost_to_serve, days_to_pay,
                                      payment_terms_days, bad_debt, ratings, revenue, s.decimal_separator)
    score, coverage = V.termination_scores(*inputs, weights=weights_arg(weights), revenue=rev, settings=s)
    return layout, score, coverage


#: The arguments the score functions share, one row per client, in signature order.
SCORE_DOCS = dict(
    net_profit="Net profit of each client: a cell or a column.",
    net_revenue="Net revenue (revenue - discounts) of each client: same rows as net_profit.",
    cost_to_serve="Cost-to-serve of each client: same rows as net_profit.",
    days_to_pay="Optional. Days the client takes to pay; blank = no payment data.",
    payment_terms_days="Optional. Agreed payment terms in days; blank = no payment data.",
    bad_debt="Optional. Bad debt; as a share of revenue it counts in full from bad_debt_span (2%). Blank counts 0.",
    ratings="Optional. Ratings 1-5 in 4 columns: values alignment, communication, needs fit, respect of terms; blank = not rated.",
)
SAME_WEIGHTS_DOC = ("Optional. 7 weights as one row or column, in the order of XLPROF_TERMINATION_SCORE. "
                    "Default 3, 1.5, 1.5, 1, 1, 1, 1.")


@excel_function(
    **SCORE_DOCS,
    weights="Optional. 7 weights as one row or column: profitability, payment, service burden, values, communication, needs fit, respect of terms. Default 3, 1.5, 1.5, 1, 1, 1, 1.",
    revenue=REVENUE_DOC,
    settings=SETTINGS_DOC,
)
def XLPROF_TERMINATION_SCORE(net_profit, net_revenue, cost_to_serve, days_to_pay=None,
                             payment_terms_days=None, bad_debt=None, ratings=None, weights=None,
                             revenue=None, settings=None):
    """Termination score 0-100 per client (higher = stronger case to part ways), from the signals with data; blank when none has data."""
    layout, score, _ = _scores(net_profit, net_revenue, cost_to_serve, days_to_pay, payment_terms_days,
                               bad_debt, ratings, weights, revenue, settings)
    return layout.output(score.reshape(-1, 1))


@excel_function(
    **SCORE_DOCS,
    weights=SAME_WEIGHTS_DOC,
    revenue=REVENUE_DOC,
    settings=SETTINGS_DOC,
)
def XLPROF_SCORE_COVERAGE(net_profit, net_revenue, cost_to_serve, days_to_pay=None,
                          payment_terms_days=None, bad_debt=None, ratings=None, weights=None,
                          revenue=None, settings=None):
    """Score coverage per client: the share (0-1) of the signal weights that have data behind the termination score."""
    layout, _, coverage = _scores(net_profit, net_revenue, cost_to_serve, days_to_pay, payment_terms_days,
                                  bad_debt, ratings, weights, revenue, settings)
    return layout.output(coverage.reshape(-1, 1))


@excel_function(
    **SCORE_DOCS,
    weights=SAME_WEIGHTS_DOC,
    lang='Optional. Language of the text: "en" (default) or "es".',
    revenue=REVENUE_DOC,
    settings=SETTINGS_DOC,
)
def XLPROF_SCORE_REASONS(net_profit, net_revenue, cost_to_serve, days_to_pay=None,
                         payment_terms_days=None, bad_debt=None, ratings=None, weights=None,
                         lang=None, revenue=None, settings=None):
    """The top reasons for exit behind each termination score, in words, separated by "; " (a client with none says so)."""
    language = lang_arg(lang)
    s = settings_arg(settings)
    layout, inputs, rev = _score_args(net_profit, net_revenue, cost_to_serve, days_to_pay,
                                      payment_terms_days, bad_debt, ratings, revenue, s.decimal_separator)
    reasons = V.score_reasons(*inputs, weights=weights_arg(weights), lang=language, revenue=rev, settings=s)
    return layout.output(np.array(["; ".join(r) or None for r in reasons], dtype=object).reshape(-1, 1))


@excel_function(
    net_profit="Net profit of each client: a cell or a column.",
    net_revenue="Net revenue of each client: same rows as net_profit.",
    cost_to_serve="Cost-to-serve of each client: same rows as net_profit.",
    exit_gain="Exit gain of each client (the drop impact, plus freed hours x value per hour when capacity is short).",
    score="Optional. Termination score 0-100 (XLPROF_TERMINATION_SCORE); blank = no score.",
    score_coverage="Optional. Score coverage 0-1 (XLPROF_SCORE_COVERAGE); blank counts 1.",
    tier="Optional. Tier (XLPROF_TIER): Platinum, Gold, Iron or Lead, in English or Spanish.",
    strategic="Optional. TRUE/yes for a strategic client (always retained); blank = no.",
    growth_potential="Optional. Growth potential rating 1-5; 4 or more favours renegotiating.",
    lang='Optional. Language of the text: "en" (default) or "es".',
    show_reason="Optional. TRUE to add the reason after the action (Action: reason).",
    score_terminate="Optional. Score at or above which exiting is considered; default 70.",
    coverage_min="Optional. Coverage below which a high score means review first; default 0.7.",
    restructure_burden="Optional. Service-burden signal (0-1) from which a loss-making client is restructured; default 0.5.",
    settings=SETTINGS_DOC,
)
def XLPROF_ACTION(net_profit, net_revenue, cost_to_serve, exit_gain, score=None, score_coverage=None,
                  tier=None, strategic=None, growth_potential=None, lang=None, show_reason=None,
                  score_terminate=None, coverage_min=None, restructure_burden=None, settings=None):
    """Recommended action per client (first rule that holds: strategic, review, terminate, renegotiate, restructure, retain and grow, maintain), as text."""
    language = lang_arg(lang)
    with_reason = flag_arg("show_reason", show_reason)
    base = settings_arg(settings)  # thresholds given one by one win over the settings range
    chosen = {k: getattr(base, k) for k in THRESHOLD_KEYS}
    chosen.update(
        score_terminate=option_arg("score_terminate", score_terminate, base.score_terminate),
        coverage_min=option_arg("coverage_min", coverage_min, base.coverage_min),
        restructure_burden=option_arg("restructure_burden", restructure_burden, base.restructure_burden))
    s = settings_with(**chosen)
    sep = base.decimal_separator              # the settings range's, for text numbers
    p = num("net_profit", net_profit, required=True, decimal=sep)
    r = num("net_revenue", net_revenue, required=True, decimal=sep)
    c = num("cost_to_serve", cost_to_serve, required=True, decimal=sep)
    g = num("exit_gain", exit_gain, required=True, decimal=sep)
    sc = num("score", score, decimal=sep)
    check(sc, (sc.vals < 0) | (sc.vals > 100), "is not a score from 0 to 100")
    cov = num("score_coverage", score_coverage, default=1.0, decimal=sep)
    check(cov, (cov.vals < 0) | (cov.vals > 1), "is not a coverage from 0 to 1")
    t = objects("tier", tier, parse_tier)
    st = objects("strategic", strategic, parse_yes_no, default=False)
    gp = rating("growth_potential", growth_potential, sep)
    layout = by_row([p, r, c, g, sc, cov, t, st, gp])
    codes, reasons = V.recommend_actions(
        column_of(p), column_of(r), column_of(c), column_of(g), column_of(sc), column_of(cov), column_of(t), column_of(st), column_of(gp),
        settings=s, lang=language)
    texts = [label(code, language) + (f": {why}" if with_reason else "")
             for code, why in zip(codes, reasons)]
    return layout.output(np.array(texts, dtype=object).reshape(-1, 1))


def _ids_arg(client_ids, like: Arg) -> Arg:
    ids = None if client_ids is None else objects("client_ids", client_ids, parse_id, required=True)
    if ids is None or (ids.shape == (1, 1) and ids.blank is not None):
        # no ids (omitted or one blank cell): ties keep the order of the rows
        vals = np.array([f"{k:09d}" for k in range(like.vals.size)], dtype=object).reshape(like.shape)
        return Arg("client_ids", vals, None, {}, given=False, required=False)
    return ids


@excel_function(
    net_profits="Net profit of every client: the whole column (tiers depend on every client).",
    client_ids="Optional. Client ids, same size: ties in profit are ordered by id (default: by row).",
    platinum="Optional. Cumulative profit share that ends Platinum; default 0.5.",
    gold="Optional. Cumulative profit share that ends Gold; default 0.8.",
    lang='Optional. Language of the labels: "en" (default) or "es".',
)
def XLPROF_TIER(net_profits, client_ids=None, platinum=None, gold=None, lang=None):
    """Customer pyramid tier per client: Lead if it loses money, else Platinum, Gold or Iron by the share of profit reached before it."""
    language = lang_arg(lang)
    s = settings_with(tier_platinum=option_arg("platinum", platinum, DEFAULT_SETTINGS.tier_platinum),
                      tier_gold=option_arg("gold", gold, DEFAULT_SETTINGS.tier_gold))
    p = num("net_profits", net_profits, required=True)
    ids = _ids_arg(client_ids, p)
    layout = elementwise(p, ids)
    keep = portfolio_positions(layout, "net_profits")
    if keep is None:
        return layout.output(None)
    tiers = assign_tiers(values_at(p, layout, keep), values_at(ids, layout, keep),
                         platinum=s.tier_platinum, gold=s.tier_gold)
    return scatter(layout, keep, labels(tiers, language))


@excel_function(
    revenue="Revenue of every client: the whole column (the split is at the medians).",
    cost_to_serve="Cost-to-serve of every client: same size as revenue.",
    discounts="Optional. Discounts of every client; blank counts 0.",
    lang='Optional. Language of the labels: "en" (default) or "es".',
    price_median="Optional. Fixed split for price realization (net revenue / revenue) instead of the median; give both medians.",
    cost_median="Optional. Fixed split for cost-to-serve / net revenue instead of the median; give both medians.",
)
def XLPROF_QUADRANT(revenue, cost_to_serve, discounts=None, lang=None, price_median=None,
                    cost_median=None):
    """Shapiro quadrant per client (Passive, Carriage trade, Bargain basement, Aggressive; n/a without net revenue), split at the medians."""
    language = lang_arg(lang)
    medians = (option_arg("price_median", price_median, None),
               option_arg("cost_median", cost_median, None))
    if (medians[0] is None) != (medians[1] is None):
        raise CallError("give both price_median and cost_median, or neither")
    split = QuadrantSplit(*medians) if medians[0] is not None else None
    r = num("revenue", revenue, required=True)
    c = num("cost_to_serve", cost_to_serve, required=True)
    d = num("discounts", discounts, default=0.0)
    layout = elementwise(r, c, d)
    keep = portfolio_positions(layout, "revenue")
    if keep is None:
        return layout.output(None)
    codes, _ = V.quadrants(values_at(r, layout, keep), values_at(c, layout, keep), values_at(d, layout, keep),
                           split)
    return scatter(layout, keep, labels(codes, language))


@excel_function(
    net_profits="Net profit of every client: the whole column.",
    client_ids="Optional. Client ids, same size: ties in profit are ordered by id (default: by row).",
    ranked="Optional. TRUE: the curve's points, most profitable client first; FALSE (default): each client's share on its own row.",
)
def XLPROF_WHALE_CURVE(net_profits, client_ids=None, ranked=None):
    """Whale curve: cumulative profit share (1.85 = 185 %) up to each client, clients by profit descending; blank when total profit is 0 or less."""
    in_rank_order = flag_arg("ranked", ranked)
    p = num("net_profits", net_profits, required=True)
    ids = _ids_arg(client_ids, p)
    layout = elementwise(p, ids)
    keep = portfolio_positions(layout, "net_profits")
    if keep is None:
        return layout.output(None)
    whale = whale_curve(values_at(p, layout, keep), values_at(ids, layout, keep))
    shares = whale.cumulative_share
    if in_rank_order:
        shares = shares[whale.order]
        out = np.full(layout.shape, np.nan).reshape(-1)
        out[: shares.shape[0]] = shares
        return Layout(layout.shape, {}, None).output(out.reshape(layout.shape))
    return scatter(layout, keep, shares, np.nan)


@excel_function(
    revenue="Revenue: a cell or a range of amounts.",
    cogs="Cost of goods sold: same size as revenue.",
    avoidable_cost_to_serve="Cost-to-serve of the activities that go with the client (variable and avoidable fixed).",
    discounts="Optional. Discounts; blank counts 0.",
    financing_cost="Optional. Financing cost (XLPROF_FINANCING_COST); blank counts 0.",
    bad_debt="Optional. Bad debt; blank counts 0.",
    exit_penalty="Optional. One-off early-termination penalty, counted in full; blank counts 0.",
    ledger="Optional. TRUE: the change the ledger shows (without the imputed financing cost); FALSE (default): the economic drop impact.",
)
def XLPROF_DROP_IMPACT(revenue, cogs, avoidable_cost_to_serve, discounts=None, financing_cost=None,
                       bad_debt=None, exit_penalty=None, ledger=None):
    """Profit change per period if the client leaves (positive = better): -net revenue + cogs + avoidable cost-to-serve + bad debt - penalty (the ledger figure), + financing cost (economic)."""
    r = num("revenue", revenue, required=True)
    c = num("cogs", cogs, required=True)
    a = num("avoidable_cost_to_serve", avoidable_cost_to_serve, required=True)
    d = num("discounts", discounts, default=0.0)
    f = num("financing_cost", financing_cost, default=0.0)
    b = num("bad_debt", bad_debt, default=0.0)
    x = num("exit_penalty", exit_penalty, default=0.0)
    layout = elementwise(r, c, a, d, f, b, x)
    if flag_arg("ledger", ledger):
        return layout.output(V.drop_impact_ledger(r.vals, c.vals, a.vals, d.vals, b.vals, x.vals))
    return layout.output(V.drop_impact(r.vals, c.vals, a.vals, d.vals, f.vals, b.vals, x.vals))


@excel_function(
    decision_date="Date the exit is decided: a date cell (or a range).",
    notice_days="Optional. Contractual notice in days; blank counts 0.",
    contract_end="Optional. Contract end date; blank = no fixed end.",
    exit_penalty="Optional. Penalty for leaving before the contract ends; blank counts 0.",
    monthly_gain="Optional. Profit gained per month once the client has left; blank counts 0.",
    lead_days="Optional. Days from the decision to the written notice; default 14.",
)
def XLPROF_EXIT_DATE(decision_date, notice_days=None, contract_end=None, exit_penalty=None,
                     monthly_gain=None, lead_days=None):
    """Exit date: notice goes out lead days after the decision; leave after the notice, or at contract end when the penalty exceeds the gain of leaving early."""
    d = dates("decision_date", decision_date, required=True)
    n = num("notice_days", notice_days)
    check(n, n.vals < 0, "is negative")
    e = dates("contract_end", contract_end)
    x = num("exit_penalty", exit_penalty, default=0.0)
    g = num("monthly_gain", monthly_gain, default=0.0)
    lead = num("lead_days", lead_days, default=DEFAULT_SETTINGS.notice_lead_days)
    check(lead, (lead.vals < 0) | (lead.vals != np.round(lead.vals)), "is not a whole number of days >= 0")
    layout = elementwise(d, n, e, x, g, lead)
    shape = layout.shape
    full = [np.broadcast_to(a.vals, shape).reshape(-1) for a in (d, n, e, x, g, lead)]
    ok = np.ones(shape, dtype=bool)
    for pos in layout.errors:
        ok[pos] = False
    if layout.blank is not None:
        ok &= ~layout.blank
    ok = ok.reshape(-1)
    out = np.full(shape[0] * shape[1], None, dtype=object)
    if ok.any():
        dd, nn, ee, xx, gg, ll = (a[ok] for a in full)
        out[ok] = V.exit_dates(list(dd), nn.astype(float), list(ee), xx.astype(float),
                               gg.astype(float), ll.astype(float))
    return layout.output(out.reshape(shape))


# --- the whole analysis ----------------------------------------------------------------------


def _settings_rows(rows: list[list[Any]]) -> list[list[Any]]:
    """A key/value range, with or without its header row."""
    from ..schema import SETTINGS, header_map
    from ..textnorm import norm_key

    first = rows[0][0] if rows and rows[0] else None
    if isinstance(first, str) and header_map(SETTINGS).get(norm_key(first)) == "key":
        return rows
    width = max(len(r) for r in rows)
    return [["key", "value"] + [None] * (width - 2), *rows]


def _problem_text(exc: InputError) -> str:
    p = exc.problems[0]
    where = " ".join(x for x in (p.sheet.lower() if p.sheet else None,
                                 f"row {p.row}" if p.row is not None else None,
                                 f"column {p.column}" if p.column else None) if x)
    more = f" (+{len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
    return f"{where}: {p.message}{more}" if where else f"{p.message}{more}"


def _cell(v: Any) -> Any:
    """An analysis value as a worksheet cell."""
    if isinstance(v, (list, tuple)):
        return "; ".join(map(str, v))
    if v is None or v != v:  # NaN, NaT
        return None
    if isinstance(v, str) or isinstance(v, dt.date):
        return v
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, float, np.integer, np.floating)):
        f = float(v)
        return None if math.isnan(f) or math.isinf(f) else f
    return str(v)


@excel_function(
    call_in_wizard=False,
    aligned=False,
    clients="The Clients table WITH its header row (client_id, revenue, cogs, ...; English or Spanish headers).",
    activities="The Activities table with its header row (activity, cost_pool or rate or resource + minutes, behavior).",
    volumes="The Volumes table with its header row: wide (client_id + one column per activity) or long (client_id, activity, quantity).",
    settings="Optional. Settings as 2 columns, key and value (a header row is optional); blank keys keep their defaults.",
    resources="Optional. The Resources table with its header row (resource, cost, capacity_hours), for time-driven activities.",
)
def XLPROF_ANALYZE(clients, activities, volumes, settings=None, resources=None):
    """The whole per-client analysis as one spilled table with a header row (the columns of xlprof score --format csv), clients by id."""
    from ..io.reader import RawSheet, portfolio_from_sheets
    from ..model.analysis import CLIENT_RESULT_COLUMNS, analyze

    sheets = {"Clients": clients, "Activities": activities, "Volumes": volumes,
              "Settings": settings, "Resources": resources}
    raw = {}
    for name, value in sheets.items():
        if value is None and name in ("Settings", "Resources"):
            continue
        rows = [list(r) for r in grid(value)]
        if name == "Settings":
            rows = _settings_rows(rows)
        raw[name] = RawSheet("", name, rows)
    try:
        portfolio = portfolio_from_sheets(raw, "")
        result = analyze(portfolio)
    except InputError as exc:
        raise CallError(_problem_text(exc)) from None
    table = result.clients[CLIENT_RESULT_COLUMNS]
    rows = [list(CLIENT_RESULT_COLUMNS)]
    rows += [[_cell(v) for v in rec] for rec in table.itertuples(index=False, name=None)]
    return rows
