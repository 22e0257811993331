"""The whole per-client and portfolio analysis, assembled from the formulas.

``analyze(portfolio)`` is the one entry point the CLI, the workbook writer, the
ribbon and ``XLPROF_ANALYZE`` call.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from ..i18n import label, message
from ..schema import AVOIDABLE, RESOURCE_DEFAULT_BEHAVIOR
from ..settings import RATING_SIGNALS, SIGNALS, Settings
from . import formulas as F
from .exits import PLAN_COLUMNS, ExitScenario, exit_scenario, merge_plan, plan_transition, tourniquet
from .scoring import recommend_action, score_columns, top_reasons
from .segments import (TIERS, QuadrantSplit, assign_quadrants, assign_tiers, quadrant_medians,
                       tiers_from_cutoffs, whale_curve)


@dataclass(frozen=True)
class Portfolio:
    """Validated inputs in canonical columns (see :mod:`xlprof.schema`).

    clients: one row per client; numbers float (NaN = blank), ratings float,
      ``strategic`` bool, ``contract_end`` a ``datetime.date`` or None.
    activities: one row per activity, in the order the user gave them.
    volumes: long form ``client_id, activity, quantity``.
    resources: ``resource, cost, capacity_hours`` (may be empty).
    """

    clients: pd.DataFrame
    activities: pd.DataFrame
    volumes: pd.DataFrame
    resources: pd.DataFrame
    settings: Settings = field(default_factory=Settings)
    plan: pd.DataFrame | None = None       # a previous plan with users' status/notes
    archive: pd.DataFrame | None = None    # previously archived tasks
    source: str = ""

    def volume_matrix(self) -> pd.DataFrame:
        """clients x activities (rows sorted by client_id, columns in activity order)."""
        ids = sorted(self.clients["client_id"])
        acts = list(self.activities["activity"])
        v = self.volumes
        ci = pd.Index(ids).get_indexer(v["client_id"])
        ai = pd.Index(acts).get_indexer(v["activity"])
        unknown_c = sorted(set(v["client_id"].to_numpy()[ci < 0]))
        unknown_a = sorted(set(v["activity"].to_numpy()[ai < 0]))
        if unknown_c or unknown_a:
            raise InputError([Problem(f"Volumes name unknown client {c!r}") for c in unknown_c]
                             + [Problem(f"Volumes name unknown activity {a!r}") for a in unknown_a])
        # the sum of each (client, activity), blanks as 0: one pass over the long table
        q = np.nan_to_num(v["quantity"].to_numpy(float), nan=0.0)
        cells = np.bincount(ci * len(acts) + ai, weights=q, minlength=len(ids) * len(acts))
        m = pd.DataFrame(cells.reshape(len(ids), len(acts)), index=pd.Index(ids, name="client_id"),
                         columns=pd.Index(acts, name="activity"))
        return m


@dataclass(frozen=True)
class Analysis:
    settings: Settings
    lang: str
    clients: pd.DataFrame          # sorted by client_id; see CLIENT_RESULT_COLUMNS
    activities: pd.DataFrame       # index activity
    resources: pd.DataFrame
    volumes: pd.DataFrame          # clients x activities
    cts: pd.DataFrame              # clients x activities cost
    whale: pd.DataFrame            # rank order
    value_chain: pd.DataFrame      # tier x (clients, net_revenue, net_profit, activities...)
    reconciliation: dict
    quadrant_split: QuadrantSplit
    scenario: ExitScenario
    plan: pd.DataFrame
    archive: pd.DataFrame
    tourniquet: pd.DataFrame
    warnings: list[str]

    @functools.cached_property
    def summary(self) -> dict:
        """Portfolio totals and counts (computed once per analysis)."""
        return summarize(self)


CLIENT_RESULT_COLUMNS = [
    "client_id", "net_revenue", "gross_margin", "cost_to_serve", "financing_cost", "net_profit",
    "net_margin", "service_hours", "profit_per_hour", "cumulative_profit_share", "tier",
    "quadrant", "score", "score_coverage", "action", "drop_impact", "drop_impact_ledger", "exit_gain",
    "freed_hours",
    "exit_date", "reasons",
]


def activity_rates(activities: pd.DataFrame, resources: pd.DataFrame,
                   total_volume: pd.Series) -> pd.DataFrame:
    """Rate of each activity: time-driven (resource + minutes), cost pool / volume, or given.

    Returns, indexed by activity: driver, behavior (how the cost behaves when a client
    leaves: a time-driven activity takes its resource's behaviour, blank =
    ``committed_fixed``), given_behavior (as on Activities), resource, minutes_per_unit,
    rate_source (``time``|``pool``|``rate``), cost_pool, total_volume, rate,
    assigned_cost, unassigned_cost (a pool with no volume), hours, avoidable (1.0 when
    the cost goes with the client) and freed_capacity (1.0 for a time-driven activity
    on a committed resource: a leaving client frees its minutes, not their cost).
    """
    a = activities.set_index("activity")
    res = resources.set_index("resource") if len(resources) else pd.DataFrame(
        columns=["cost", "capacity_hours", "behavior"])
    vol = total_volume.reindex(a.index).fillna(0.0).to_numpy()
    minutes = a["minutes_per_unit"].to_numpy(dtype=float)
    has_res = a["resource"].notna() & a["resource"].isin(res.index) & ~np.isnan(minutes)
    res_cost = a["resource"].map(res["cost"]).to_numpy(dtype=float)
    res_cap = a["resource"].map(res["capacity_hours"]).to_numpy(dtype=float)
    res_behavior = a["resource"].map(resource_behaviors(resources))
    pools = a["cost_pool"].to_numpy(dtype=float)
    given = a["rate"].to_numpy(dtype=float)
    td = F.time_driven_rates(res_cost, res_cap, minutes)
    pr = F.pool_rates(pools, vol)
    source = np.where(has_res, "time", np.where(~np.isnan(pools), "pool", "rate"))
    rate = np.where(source == "time", td, np.where(source == "pool", pr, given))
    rate = np.where(np.isnan(rate), 0.0, rate)
    assigned = rate * vol
    unassigned = np.where((source == "pool") & ~(vol > 0), np.nan_to_num(pools), 0.0)
    behavior = pd.Series(np.where(source == "time", res_behavior.to_numpy(dtype=object),
                                  a["behavior"].to_numpy(dtype=object)), index=a.index)
    return pd.DataFrame({
        "driver": a["driver"],
        "behavior": behavior,
        "given_behavior": a["behavior"],
        "resource": a["resource"],
        "minutes_per_unit": minutes,
        "rate_source": source,
        "cost_pool": np.where(source == "pool", pools, np.where(source == "rate", assigned, np.nan)),
        "total_volume": vol,
        "rate": rate,
        "assigned_cost": assigned,
        "unassigned_cost": unassigned,
        "hours": vol * np.nan_to_num(minutes) / 60.0,
        "avoidable": behavior.isin(AVOIDABLE).to_numpy(dtype=float),
        "freed_capacity": ((source == "time") & (behavior == "committed_fixed").to_numpy()).astype(float),
    }, index=a.index)


def resource_behaviors(resources: pd.DataFrame) -> pd.Series:
    """Resource -> cost behaviour, blanks (and a missing column) read as ``committed_fixed``."""
    if not len(resources):
        return pd.Series(dtype=object)
    b = resources["behavior"] if "behavior" in resources else pd.Series(None, index=resources.index)
    b = b.where(b.notna(), RESOURCE_DEFAULT_BEHAVIOR)
    return pd.Series(b.to_numpy(dtype=object), index=resources["resource"].to_numpy())


def resource_usage(resources: pd.DataFrame, acts: pd.DataFrame) -> pd.DataFrame:
    """Per resource: cost_per_hour, used_hours, unused_hours, assigned_cost, unused_capacity_cost."""
    cols = ["resource", "behavior", "cost", "capacity_hours", "cost_per_hour", "used_hours",
            "unused_hours", "assigned_cost", "unused_capacity_cost"]
    if not len(resources):
        return pd.DataFrame(columns=cols)
    timed = acts[acts["rate_source"] == "time"]
    used = timed.groupby("resource")["hours"].sum()
    assigned = timed.groupby("resource")["assigned_cost"].sum()
    r = resources.copy()
    r["behavior"] = resource_behaviors(resources).to_numpy()
    r["cost_per_hour"] = F.ratio_if_positive(r["cost"], r["capacity_hours"])
    r["used_hours"] = r["resource"].map(used).fillna(0.0).to_numpy()
    r["unused_hours"] = r["capacity_hours"] - r["used_hours"]
    r["assigned_cost"] = r["resource"].map(assigned).fillna(0.0).to_numpy()
    r["unused_capacity_cost"] = r["cost"] - r["assigned_cost"]
    return r[cols].reset_index(drop=True)


def analyze(portfolio: Portfolio, settings: Settings | None = None, *,
            lang: str | None = None, quadrant_split: QuadrantSplit | None = None) -> Analysis:
    """Run the whole model. ``lang`` (default: settings.language) is for the sentences only;
    ``quadrant_split`` fixes the medians (e.g. the portfolio's, for a split book)."""
    s = settings or portfolio.settings
    lang = lang or s.language
    warnings: list[str] = []
    c = portfolio.clients.sort_values("client_id", kind="stable").reset_index(drop=True).copy()
    ids = c["client_id"].to_numpy()
    vol = portfolio.volume_matrix()
    acts = activity_rates(portfolio.activities, portfolio.resources, vol.sum(axis=0))
    res = resource_usage(portfolio.resources, acts)
    for name, row in acts[acts["unassigned_cost"] > 0].iterrows():
        warnings.append(message("pool_no_volume", lang, activity=name, pool=row["unassigned_cost"]))
    mixed = acts[(acts["rate_source"] == "time") & (acts["behavior"] != acts["given_behavior"])]
    for name, row in mixed.iterrows():
        warnings.append(message("time_driven_behavior", lang, activity=name, resource=row["resource"],
                                behavior=label(row["behavior"], lang),
                                given=label(row["given_behavior"], lang)))
    over = F.over_capacity(res["used_hours"].to_numpy(dtype=float), res["capacity_hours"].to_numpy(dtype=float))
    for row in res[over].itertuples():
        warnings.append(message("over_capacity_slice" if s.resource_slice else "over_capacity", lang,
                                resource=row.resource, used=row.used_hours, capacity=row.capacity_hours))

    rates = acts["rate"].to_numpy()
    cts_m = vol * rates
    avoid = acts["avoidable"].to_numpy() > 0
    freed = acts["freed_capacity"].to_numpy() > 0
    num = {k: c[k].to_numpy(dtype=float) for k in (
        "revenue", "discounts", "cogs", "payment_terms_days", "days_to_pay", "bad_debt",
        "notice_days", "exit_penalty", "growth_potential", *RATING_SIGNALS)}
    c["net_revenue"] = nr = F.net_revenue(num["revenue"], num["discounts"])
    c["gross_margin"] = F.gross_margin(num["revenue"], num["cogs"], num["discounts"])
    c["cost_to_serve"] = cts = F.cost_to_serve(vol.to_numpy(), rates)
    c["avoidable_cost_to_serve"] = F.cost_to_serve(vol.to_numpy(), np.where(avoid, rates, 0.0))
    c["freed_capacity_cost"] = F.cost_to_serve(vol.to_numpy(), np.where(freed, rates, 0.0))
    c["financing_cost"] = fin = F.financing_cost(num["revenue"], num["days_to_pay"], s.cost_of_capital)
    c["net_profit"] = p = F.net_profit(num["revenue"], num["cogs"], cts, num["discounts"], fin,
                                       num["bad_debt"])
    c["net_margin"] = F.net_margin(p, nr)
    c["service_hours"] = hours = F.service_hours(vol.to_numpy(), acts["minutes_per_unit"].to_numpy())
    c["profit_per_hour"] = F.ratio_if_positive(p, hours)
    c["breakeven_price_rise"] = F.breakeven_price_rise(p, nr)
    c["breakeven_cts_cut"] = F.breakeven_cts_cut(p)
    c["price_realization"] = F.ratio_if_positive(nr, num["revenue"])
    c["cts_ratio"] = F.ratio_if_positive(cts, nr)

    whale = whale_curve(p, ids)
    c["cumulative_profit_share"] = whale.cumulative_share
    rank = np.empty(len(c), dtype=int)
    rank[whale.order] = np.arange(1, len(c) + 1)
    c["profit_rank"] = rank
    if s.fixed_platinum_min_profit is not None and s.fixed_gold_min_profit is not None:
        c["tier"] = tiers_from_cutoffs(p, s.fixed_platinum_min_profit, s.fixed_gold_min_profit)
    else:
        c["tier"] = assign_tiers(p, ids, platinum=s.tier_platinum, gold=s.tier_gold)
    if quadrant_split is None and s.fixed_price_median is not None and s.fixed_cost_median is not None:
        quadrant_split = QuadrantSplit(s.fixed_price_median, s.fixed_cost_median)
    split = quadrant_split or quadrant_medians(c["price_realization"], c["cts_ratio"], nr)
    c["quadrant"] = assign_quadrants(c["price_realization"], c["cts_ratio"], nr, split)

    ratings = np.column_stack([num[k] for k in RATING_SIGNALS])
    sig = F.signal_matrix(p, nr, cts, num["days_to_pay"], num["payment_terms_days"],
                          num["bad_debt"], ratings, num["revenue"], s)
    for k, name in enumerate(SIGNALS):
        c[f"signal_{name}"] = sig[:, k]
    c["score"], c["score_coverage"] = score_columns(sig, s)

    c["drop_impact_ledger"] = F.drop_impact_ledger(nr, num["cogs"], c["avoidable_cost_to_serve"],
                                                   num["bad_debt"], num["exit_penalty"])
    c["drop_impact"] = F.drop_impact(nr, num["cogs"], c["avoidable_cost_to_serve"], fin,
                                     num["bad_debt"], num["exit_penalty"])
    c["freed_hours"] = hours
    c["exit_gain"] = F.exit_gain(c["drop_impact"], hours, s.capacity_constrained,
                                 s.value_per_freed_hour)

    reasons, reason_codes, actions, action_reasons = [], [], [], []
    weights = s.weights
    for i, row in enumerate(c.itertuples(index=False)):
        facts = {"net_revenue": row.net_revenue, "net_margin": row.net_margin, "revenue": row.revenue,
                 "days_to_pay": row.days_to_pay, "payment_terms_days": row.payment_terms_days,
                 "bad_debt": row.bad_debt, "cts_ratio": row.cts_ratio,
                 **{k: getattr(row, k) for k in RATING_SIGNALS}}
        codes, texts = top_reasons(sig[i], weights, facts, lang, settings=s)
        reason_codes.append(codes)
        reasons.append(texts)
        act, why = recommend_action(
            strategic=bool(row.strategic), score=row.score, coverage=row.score_coverage,
            exit_gain=row.exit_gain, profit=row.net_profit, growth_potential=row.growth_potential,
            service_burden=row.signal_service_burden, tier=row.tier, settings=s,
            breakeven_price_rise=row.breakeven_price_rise, lang=lang)
        actions.append(act)
        action_reasons.append(why)
    c["reason_codes"], c["reasons"] = reason_codes, reasons
    c["action"], c["action_reason"] = actions, action_reasons

    # Exit dates: the gain lost by waiting is the recurring part of the drop impact.
    monthly = (c["drop_impact"] + np.nan_to_num(num["exit_penalty"])) / s.period_months
    if s.decision_date is None:
        c["exit_date"] = None
        warnings.append(message("no_decision_date", lang))
    else:
        c["exit_date"] = [
            F.exit_date(s.decision_date, nd, ce, exit_penalty=pen, monthly_gain=mg,
                        lead_days=s.notice_lead_days)
            for nd, ce, pen, mg in zip(num["notice_days"], c["contract_end"], num["exit_penalty"],
                                       monthly)
        ]

    leaving = (c["action"] == "terminate").to_numpy()
    scenario = exit_scenario(c, vol, acts[["behavior", "rate"]], leaving,
                             tier_platinum=s.tier_platinum, tier_gold=s.tier_gold)
    if scenario.new_lead_clients:
        warnings.append(message("death_spiral", lang, n=len(scenario.new_lead_clients)))

    if s.decision_date is not None:
        plan = plan_transition(c[leaving], decision_date=s.decision_date, lead_days=s.notice_lead_days)
    else:  # no decision date, no plan (users' typed tasks still go to the archive)
        plan = pd.DataFrame(columns=PLAN_COLUMNS)
    plan, archive = merge_plan(plan, portfolio.plan, portfolio.archive)

    cts_df = pd.DataFrame(cts_m.to_numpy(), index=vol.index, columns=vol.columns)
    turn = tourniquet(c[(c["action"] == "restructure").to_numpy()], cts_df, vol, acts["behavior"])

    value_chain = _value_chain(c, cts_df)
    whale_df = pd.DataFrame({
        "rank": np.arange(1, len(c) + 1),
        "client_id": ids[whale.order],
        "client_name": c["client_name"].to_numpy()[whale.order],
        "net_profit": p[whale.order],
        "cumulative_profit": np.cumsum(p[whale.order]),
        "cumulative_profit_share": whale.cumulative_share[whale.order],
    })
    recon = _reconciliation(c, acts, res)
    return Analysis(settings=s, lang=lang, clients=c, activities=acts, resources=res, volumes=vol,
                    cts=cts_df, whale=whale_df, value_chain=value_chain, reconciliation=recon,
                    quadrant_split=split, scenario=scenario, plan=plan, archive=archive,
                    tourniquet=turn, warnings=warnings)


def _value_chain(c: pd.DataFrame, cts: pd.DataFrame) -> pd.DataFrame:
    """Cost of each activity per tier, with clients, net revenue and net profit per tier."""
    tiers = pd.Categorical(c["tier"], categories=TIERS)
    by = cts.reset_index(drop=True).groupby(tiers, observed=False).sum()
    head = pd.DataFrame({
        "clients": c.groupby(tiers, observed=False).size(),
        "net_revenue": c["net_revenue"].groupby(tiers, observed=False).sum(),
        "cost_to_serve": c["cost_to_serve"].groupby(tiers, observed=False).sum(),
        "net_profit": c["net_profit"].groupby(tiers, observed=False).sum(),
    })
    out = pd.concat([head, by], axis=1)
    out.index = pd.Index(TIERS, name="tier")
    return out


def _reconciliation(c: pd.DataFrame, acts: pd.DataFrame, res: pd.DataFrame) -> dict:
    """Sum over clients of (P + F) - unused capacity - unassigned costs must equal the
    period's operating profit: sum(revenue - discounts - cogs - bad debt) - pools - resources."""
    client_side = float((c["net_profit"] + c["financing_cost"]).sum())
    unused = float(res["unused_capacity_cost"].sum()) if len(res) else 0.0
    unassigned = float(acts["unassigned_cost"].sum())
    lhs = client_side - unused - unassigned
    revenue = float(c["revenue"].sum())
    discounts = float(c["discounts"].fillna(0).sum())
    cogs = float(c["cogs"].sum())
    bad_debt = float(c["bad_debt"].fillna(0).sum())
    pools = float(acts.loc[acts["rate_source"] != "time", "cost_pool"].fillna(0).sum())
    resources = float(res["cost"].sum()) if len(res) else 0.0
    rhs = revenue - discounts - cogs - bad_debt - pools - resources
    scale = max(1.0, abs(revenue), abs(cogs), abs(pools) + abs(resources))
    return {
        "clients_net_profit": float(c["net_profit"].sum()),
        "financing_cost": float(c["financing_cost"].sum()),
        "unused_capacity_cost": unused,
        "unassigned_cost": unassigned,
        "model_operating_profit": lhs,
        "revenue": revenue,
        "discounts": discounts,
        "cogs": cogs,
        "bad_debt": bad_debt,
        "activity_costs": pools,
        "resource_costs": resources,
        "ledger_operating_profit": rhs,
        "difference": lhs - rhs,
        "holds": bool(abs(lhs - rhs) <= 1e-9 * scale),
    }


def summarize(a: Analysis) -> dict:
    c = a.clients
    p = c["net_profit"]
    total = float(p.sum())
    peak = a.whale["cumulative_profit_share"].max() if total > 0 else float("nan")
    peak_clients = int(a.whale["cumulative_profit_share"].idxmax()) + 1 if total > 0 else 0
    return {
        "clients": int(len(c)),
        "activities": int(len(a.activities)),
        "currency": a.settings.currency,
        "period_months": a.settings.period_months,
        "decision_date": a.settings.decision_date,
        "revenue": float(c["revenue"].sum()),
        "net_revenue": float(c["net_revenue"].sum()),
        "cost_to_serve": float(c["cost_to_serve"].sum()),
        "net_profit": total,
        "loss_making_clients": int((p < 0).sum()),
        "losses": float(p[p < 0].sum()),
        "whale_peak_share": None if math.isnan(peak) else float(peak),
        "whale_peak_clients": peak_clients,
        "whale_note": None if total > 0 else message("whale_no_profit", a.lang),
        "tiers": {t: int((c["tier"] == t).sum()) for t in TIERS},
        "actions": {k: int(v) for k, v in sorted(c["action"].value_counts().items())},
        "exit_scenario": a.scenario.figures(),
        "reconciliation_holds": a.reconciliation["holds"],
        "warnings": list(a.warnings),
    }


def make_portfolio(clients, activities, volumes, resources=None, settings: Settings | None = None,
                   **kw) -> Portfolio:
    """Build a :class:`Portfolio` from records or DataFrames that hold only some canonical
    columns (already clean values); missing columns are blank. Volumes may be long
    (client_id, activity, quantity) or wide (client_id + one column per activity)."""
    import datetime

    from ..schema import ACTIVITIES, CLIENTS, RESOURCES

    def frame(data, table):
        df = pd.DataFrame(data).copy()
        for col in table.columns:
            if col.name not in df:
                df[col.name] = (False if col.kind == "yesno" else
                                np.nan if col.kind in ("number", "rating") else None)
            if col.kind in ("number", "rating"):
                df[col.name] = pd.to_numeric(df[col.name]).astype(float)
            elif col.kind == "yesno":
                df[col.name] = df[col.name].fillna(False).astype(bool)
            elif col.kind == "id":
                df[col.name] = df[col.name].astype(str)
            elif col.kind == "date":  # Timestamps / datetimes (a datetime64 column) -> dates
                df[col.name] = pd.Series(
                    [None if pd.isna(x) else x.date() if isinstance(x, datetime.datetime) else x
                     for x in df[col.name]], index=df.index, dtype=object)
            else:
                df[col.name] = df[col.name].astype(object).where(df[col.name].notna(), None)
        return df[table.names]

    c = frame(clients, CLIENTS)
    c["client_name"] = c["client_name"].where(c["client_name"].notna(), c["client_id"])
    a = frame(activities, ACTIVITIES)
    r = frame(resources if resources is not None else [], RESOURCES)
    v = pd.DataFrame(volumes).copy()
    if "activity" not in v.columns:
        v = v.melt(id_vars="client_id", var_name="activity", value_name="quantity")
    v["client_id"] = v["client_id"].astype(str)
    v["activity"] = v["activity"].astype(str)
    v["quantity"] = pd.to_numeric(v["quantity"]).astype(float).fillna(0.0)
    return Portfolio(c, a, v[["client_id", "activity", "quantity"]], r, settings or Settings(), **kw)
