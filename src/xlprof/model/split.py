"""Split a portfolio analysis into per-group analyses (one per account manager, region...).

A split analysis holds only its own clients, and its per-client numbers equal the
portfolio's: rates, medians, tiers, scores and actions come from the portfolio run.
Its whale curve and value chain are recomputed over its own clients, and so are its exit
scenario and warnings: they are what the model says of the split book's own inputs, so a
recalculation of an untouched split book changes nothing. Its time-driven
activities stay time-driven, on the group's slice of each resource (the hours its clients
use at the portfolio's cost per hour); the other rates are carried as given rates.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from .analysis import Analysis, Portfolio, _value_chain, analyze
from .segments import tier_cutoffs, whale_curve


def split_portfolio_analysis(a: Analysis, p: Portfolio, ids: list[str]) -> tuple[Analysis, Portfolio]:
    """The analysis and inputs restricted to ``ids``, activity rates fixed to the portfolio's."""
    keep = set(ids)
    mask = a.clients["client_id"].isin(keep).to_numpy()
    c = a.clients[mask].reset_index(drop=True).copy()
    vol = a.volumes[mask]
    cts = a.cts[mask]
    p_ = c["net_profit"].to_numpy()
    w = whale_curve(p_, c["client_id"].to_numpy())
    c["cumulative_profit_share"] = w.cumulative_share
    rank = np.empty(len(c), dtype=int)
    rank[w.order] = np.arange(1, len(c) + 1)
    c["profit_rank"] = rank
    whale = pd.DataFrame({
        "rank": np.arange(1, len(c) + 1),
        "client_id": c["client_id"].to_numpy()[w.order],
        "client_name": c["client_name"].to_numpy()[w.order],
        "net_profit": p_[w.order],
        "cumulative_profit": np.cumsum(p_[w.order]),
        "cumulative_profit_share": w.cumulative_share[w.order],
    })
    acts = a.activities.copy()
    acts["total_volume"] = vol.sum(axis=0).to_numpy()
    acts["assigned_cost"] = acts["rate"] * acts["total_volume"]
    acts["hours"] = acts["total_volume"] * np.nan_to_num(acts["minutes_per_unit"].to_numpy()) / 60.0
    res, sliced = _resource_slices(a, acts)
    timed = acts["resource"].isin(sliced).to_numpy() & (acts["rate_source"] == "time").to_numpy()
    acts["rate_source"] = np.where(timed, "time", "rate")
    acts["cost_pool"] = np.where(timed, np.nan, acts["assigned_cost"])
    acts["resource"] = acts["resource"].where(timed, None)
    acts["unassigned_cost"] = 0.0
    assigned = float(cts.to_numpy().sum())
    side = float((c["net_profit"] + c["financing_cost"]).sum())
    ledger = float((c["revenue"] - c["discounts"].fillna(0) - c["cogs"] - c["bad_debt"].fillna(0)).sum()) - assigned
    recon = {**{k: 0.0 for k in a.reconciliation}, "clients_net_profit": float(c["net_profit"].sum()),
             "financing_cost": float(c["financing_cost"].sum()), "model_operating_profit": side,
             "revenue": float(c["revenue"].sum()), "discounts": float(c["discounts"].fillna(0).sum()),
             "cogs": float(c["cogs"].sum()), "bad_debt": float(c["bad_debt"].fillna(0).sum()),
             "activity_costs": assigned, "ledger_operating_profit": ledger, "difference": side - ledger,
             "holds": bool(abs(side - ledger) <= 1e-9 * max(1.0, abs(ledger)))}
    sub = dataclasses.replace(
        a, clients=c, activities=acts, resources=res, volumes=vol, cts=cts, whale=whale,
        value_chain=_value_chain(c, cts), reconciliation=recon,
        plan=a.plan[a.plan["client_id"].isin(keep)].reset_index(drop=True),
        archive=a.archive[a.archive["client_id"].isin(keep)].reset_index(drop=True),
        tourniquet=a.tourniquet[a.tourniquet["client_id"].isin(keep)].reset_index(drop=True),
    )
    plat_min, gold_min = tier_cutoffs(a.clients["net_profit"], a.clients["tier"])
    fixed = a.settings.replace(
        fixed_price_median=a.quadrant_split.price_median, fixed_cost_median=a.quadrant_split.cost_median,
        fixed_platinum_min_profit=plat_min if np.isfinite(plat_min) else 1e15,
        fixed_gold_min_profit=gold_min if np.isfinite(gold_min) else 1e15)
    sub = dataclasses.replace(sub, settings=fixed)
    act_in = p.activities.copy()
    on_slice = act_in["activity"].map(pd.Series(timed, index=acts.index)).fillna(False).astype(bool).to_numpy()
    act_in["rate"] = np.where(on_slice, np.nan, act_in["activity"].map(a.activities["rate"]).astype(float))
    # the behaviour each activity took (a time-driven one: its resource's, also without a slice)
    act_in["behavior"] = act_in["activity"].map(a.activities["behavior"])
    act_in["cost_pool"] = np.nan
    act_in["resource"] = act_in["resource"].where(on_slice, None)
    res_in = p.resources[p.resources["resource"].isin(sliced)].copy()
    res_in["cost"] = res_in["resource"].map(res.set_index("resource")["cost"]).astype(float)
    res_in["capacity_hours"] = res_in["resource"].map(res.set_index("resource")["capacity_hours"]).astype(float)
    sub_p = dataclasses.replace(
        p, clients=p.clients[p.clients["client_id"].isin(keep)].reset_index(drop=True),
        volumes=p.volumes[p.volumes["client_id"].isin(keep)].reset_index(drop=True),
        activities=act_in, resources=res_in.reset_index(drop=True),
        plan=sub.plan, archive=sub.archive, settings=fixed)
    # the group's own exit scenario (its committed costs re-spread over its own stayers, on its
    # slice) and warnings: exactly what `xlprof recalc` of the untouched book computes
    own = analyze(sub_p, fixed, lang=a.lang)
    return dataclasses.replace(sub, scenario=own.scenario, warnings=own.warnings), sub_p


def _resource_slices(a: Analysis, acts: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The group's slice of each resource its clients use: the hours they use, at the
    portfolio's cost per hour (so its time-driven rates are the portfolio's and nothing is
    unused). A split book keeps its time-driven activities on these slices, so that their
    minutes stay freed capacity when it is regenerated (a given rate would lose that) and
    the behaviour stays the resource's. A resource the group does not use has no slice:
    its activities (no volume here) carry the portfolio's rate as a given rate."""
    cols = ["resource", "behavior", "cost", "capacity_hours", "cost_per_hour", "used_hours", "unused_hours",
            "assigned_cost", "unused_capacity_cost"]
    timed = acts[acts["rate_source"] == "time"]
    used = timed.groupby("resource", sort=False)["hours"].sum()
    assigned = timed.groupby("resource", sort=False)["assigned_cost"].sum()
    r = a.resources[a.resources["resource"].isin(used[used > 0].index)].copy()
    if not len(r):
        return pd.DataFrame(columns=cols), []
    r["used_hours"] = r["resource"].map(used).astype(float).to_numpy()
    r["capacity_hours"] = r["used_hours"]
    r["cost"] = r["resource"].map(assigned).astype(float).to_numpy()   # = cost per hour x hours used
    r["unused_hours"] = 0.0
    r["assigned_cost"] = r["cost"]
    r["unused_capacity_cost"] = 0.0
    return r[cols].reset_index(drop=True), list(r["resource"])

