"""Leaving well: exit scenario, transition plan, tourniquet list (design.md section 4)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import formulas as F
from ..schema import AVOIDABLE
from .segments import assign_tiers, whale_curve

# code, anchor, offset days, owner role
TASKS: tuple[tuple[str, str, int, str], ...] = (
    ("review_contract", "decision", 3, "account_manager"),
    ("internal_signoff", "decision", 7, "finance"),
    ("client_meeting", "decision", 12, "account_manager"),
    ("written_notice", "notice", 0, "account_manager"),
    ("referrals", "notice", 7, "account_manager"),
    ("data_handover", "exit", -14, "operations"),
    ("pending_deliveries", "exit", -7, "operations"),
    ("final_invoice", "exit", 0, "finance"),
    ("close_access", "exit", 1, "operations"),
    ("lessons_learned", "exit", 30, "finance"),
)
TASK_CODES = tuple(t[0] for t in TASKS)
STATUSES = ("pending", "in_progress", "done", "not_applicable")
PLAN_COLUMNS = ["client_id", "client_name", "task", "due_date", "owner", "owner_name",
                "status", "notes", "due_override"]
TYPED = ("owner_name", "status", "notes", "due_override")    # what people type into a plan


def plan_transition(clients: pd.DataFrame, *, decision_date: dt.date, lead_days: int) -> pd.DataFrame:
    """Ten tasks per client (rows of ``clients``: client_id, client_name, account_manager,
    exit_date), with due dates and owners. Columns: :data:`PLAN_COLUMNS`; the owner name
    of the account manager's tasks is the client's account manager (blank for finance and
    operations), status ``pending``, empty notes, no moved due date (people's edits are
    merged by :func:`merge_plan`)."""
    notice = F.notice_date(decision_date, lead_days)
    rows = []
    for c in clients.itertuples(index=False):
        anchors = {"decision": decision_date, "notice": notice, "exit": c.exit_date}
        for code, anchor, offset, owner in TASKS:
            due = anchors[anchor] + dt.timedelta(days=offset)
            if anchor == "exit" and offset < 0:  # a short notice cannot move work before the notice
                due = max(due, notice)
            manager = c.account_manager if isinstance(c.account_manager, str) else ""
            rows.append((c.client_id, c.client_name, code, due, owner,
                         manager if owner == "account_manager" else "", "pending", "", None))
    return pd.DataFrame(rows, columns=PLAN_COLUMNS)


def merge_plan(plan: pd.DataFrame, previous: pd.DataFrame | None,
               archive: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Carry what people typed over by (client_id, task): status, notes, an owner name
    (any name typed replaces the proposed one; a blank keeps the proposal) and a moved due
    date (``due_override``; ``due_date`` stays the date the method proposes, recomputed
    every time). Tasks whose client left the plan move, with what was typed, to the
    archive. Nothing typed is dropped.

    A task found in the archive that is back in the plan gets what was typed back (and
    leaves the archive). ``previous`` and ``archive`` may lack ``due_override`` (older
    books): no date was moved.
    """
    key = ["client_id", "task"]
    frames = [_complete(f) for f in (archive, previous) if f is not None]
    known = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=PLAN_COLUMNS)
    known = known.drop_duplicates(key, keep="last")  # the live plan wins over the archive
    plan = _complete(plan).copy()
    if len(known):
        typed = known.set_index(key)[list(TYPED)]
        idx = pd.MultiIndex.from_frame(plan[key])
        found = idx.isin(typed.index)
        if found.any():
            vals = typed.reindex(idx[found])
            plan.loc[found, "status"] = vals["status"].to_numpy()
            plan.loc[found, "notes"] = vals["notes"].fillna("").to_numpy()
            names = vals["owner_name"].to_numpy(dtype=object)
            named = np.array([isinstance(x, str) and x.strip() != "" for x in names], dtype=bool)
            where = np.flatnonzero(found)
            plan.loc[plan.index[where[named]], "owner_name"] = names[named]
            plan.loc[found, "due_override"] = vals["due_override"].to_numpy(dtype=object)
    in_plan = pd.MultiIndex.from_frame(plan[key])
    gone = known[~pd.MultiIndex.from_frame(known[key]).isin(in_plan)] if len(known) else known
    archive = gone.sort_values(key, kind="stable").reset_index(drop=True)
    return plan.reset_index(drop=True), archive[PLAN_COLUMNS]


def _complete(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every plan column (a missing ``due_override`` is blank)."""
    if "due_override" not in frame:
        frame = frame.assign(due_override=None)
    out = frame[PLAN_COLUMNS].copy()
    out["due_override"] = out["due_override"].astype(object).where(out["due_override"].notna(), None)
    return out


@dataclass(frozen=True)
class ExitScenario:
    """All ``terminate`` clients leave together; committed costs re-spread over the rest.

    Profits are the clients' net profit summed (financing cost included, as in P), for
    the period. ``profit_after`` is the recurring profit after the exits, before the
    one-off early-exit ``penalties``; the committed cost nobody is left to carry
    (``unabsorbed_committed_cost``) is subtracted from it. The change for the period,
    ``change = profit_after - profit_before - penalties``, reconciles to the sum of the
    leaving clients' drop impacts (``sum_drop_impact``, computed client by client by
    relevant costing); :attr:`difference` is what is left (0 up to rounding).
    """

    leaving: list[str]
    profit_before: float
    profit_after: float
    penalties: float                     # one-off early-exit penalties of the leaving clients
    unabsorbed_committed_cost: float
    respread_committed_cost: float       # leaving clients' committed cost now carried by the others
    financing_cost: float                # leaving clients' financing cost (imputed) no longer borne
    sum_drop_impact: float               # economic, penalties included
    sum_drop_impact_ledger: float
    freed_hours: float
    freed_capacity_cost: float           # committed time-driven cost of the freed minutes (stays in the P&L)
    new_lead_clients: list[str]
    rates_after: pd.Series               # per activity
    clients: pd.DataFrame                # stayers: client_id, net_profit_after, tier_after, cumulative_profit_share_after

    @property
    def recurring_change(self) -> float:
        """Change in the period's recurring profit (before the one-off penalties)."""
        return self.profit_after - self.profit_before

    @property
    def change(self) -> float:
        """Change in the period's profit: recurring change - penalties (= sum of drop impacts)."""
        return self.recurring_change - self.penalties

    @property
    def change_ledger(self) -> float:
        """The same change as the ledger shows it (without the imputed financing cost)."""
        return self.change - self.financing_cost

    @property
    def difference(self) -> float:
        """change - sum of the leaving clients' drop impacts (0 when the scenario reconciles)."""
        return self.change - self.sum_drop_impact

    def figures(self) -> dict:
        """The scenario's figures by name (the summary and the Segmentation sheet show them)."""
        return {
            "leaving": len(self.leaving),
            "profit_before": self.profit_before,
            "profit_after": self.profit_after,
            "recurring_change": self.recurring_change,
            "penalties": self.penalties,
            "change": self.change,
            "sum_drop_impact": self.sum_drop_impact,
            "difference": self.difference,
            "financing_cost": self.financing_cost,
            "change_ledger": self.change_ledger,
            "sum_drop_impact_ledger": self.sum_drop_impact_ledger,
            "respread_committed_cost": self.respread_committed_cost,
            "unabsorbed_committed_cost": self.unabsorbed_committed_cost,
            "freed_hours": self.freed_hours,
            "freed_capacity_cost": self.freed_capacity_cost,
            "new_lead_clients": list(self.new_lead_clients),
        }


def exit_scenario(clients: pd.DataFrame, volumes: pd.DataFrame, activities: pd.DataFrame,
                  leaving_mask: np.ndarray, *, tier_platinum: float, tier_gold: float) -> ExitScenario:
    """``clients`` has client_id, gross_margin, financing_cost, bad_debt, net_profit, tier,
    exit_penalty, drop_impact, drop_impact_ledger, service_hours, freed_capacity_cost;
    ``volumes`` is the clients x activities matrix (same row order); ``activities`` has
    behavior (the cost behaviour when a client leaves) and rate (index = activity, same
    order as volumes' columns).

    Costs whose behaviour is ``committed_fixed`` stay: the leaving clients' share is
    re-spread over the remaining clients' volume of the same activity (their rates
    rise), or left unabsorbed when nobody else uses the activity. Other costs go with
    the clients.
    """
    leaving_mask = np.asarray(leaving_mask, dtype=bool)
    stay = ~leaving_mask
    v = volumes.to_numpy(dtype=float)
    rates = activities["rate"].to_numpy(dtype=float)
    committed = (activities["behavior"] == "committed_fixed").to_numpy()
    total_vol = v.sum(axis=0)
    stay_vol = v[stay].sum(axis=0)
    committed_cost = rates * total_vol
    leavers_committed = rates * v[leaving_mask].sum(axis=0)
    new_rates = rates.copy()
    absorbable = committed & (stay_vol > 0)
    new_rates[absorbable] = committed_cost[absorbable] / stay_vol[absorbable]
    unabsorbed = float(committed_cost[committed & ~(stay_vol > 0)].sum()) if leaving_mask.any() else 0.0
    cts_after = F.cost_to_serve(v[stay], new_rates)
    c = clients[stay]
    p_after = (c["gross_margin"].to_numpy() - cts_after - c["financing_cost"].to_numpy()
               - c["bad_debt"].fillna(0).to_numpy())
    ids = c["client_id"].to_numpy()
    tiers_after = assign_tiers(p_after, ids, platinum=tier_platinum, gold=tier_gold)
    whale = whale_curve(p_after, ids)
    new_lead = sorted(ids[(tiers_after == "lead") & (c["tier"].to_numpy() != "lead")].tolist())
    out = pd.DataFrame({
        "client_id": ids,
        "net_profit_after": p_after,
        "tier_after": tiers_after,
        "cumulative_profit_share_after": whale.cumulative_share,
    })
    gone = clients[leaving_mask]

    def total(col: str) -> float:
        return float(gone[col].fillna(0.0).sum())

    return ExitScenario(
        leaving=sorted(gone["client_id"].tolist()),
        profit_before=float(clients["net_profit"].sum()),
        profit_after=float(p_after.sum()) - unabsorbed,
        penalties=total("exit_penalty"),
        unabsorbed_committed_cost=unabsorbed,
        respread_committed_cost=float(leavers_committed[absorbable].sum()),
        financing_cost=total("financing_cost"),
        sum_drop_impact=total("drop_impact"),
        sum_drop_impact_ledger=total("drop_impact_ledger"),
        freed_hours=total("service_hours"),
        freed_capacity_cost=total("freed_capacity_cost"),
        new_lead_clients=new_lead,
        rates_after=pd.Series(new_rates, index=activities.index, name="rate_after"),
        clients=out.reset_index(drop=True),
    )


TOURNIQUET_COLUMNS = ["client_id", "client_name", "activity", "behavior", "volume", "cost",
                      "avoidable_cost", "share_of_cts", "breakeven_price_rise", "breakeven_cts_cut"]


def tourniquet(clients: pd.DataFrame, cts_matrix: pd.DataFrame, volumes: pd.DataFrame,
               behavior: pd.Series) -> pd.DataFrame:
    """For each client in ``clients`` (client_id, client_name, cost_to_serve, breakeven_*):
    its activities by cost, descending, with the avoidable part (variable and avoidable
    fixed) and the client's break-even targets."""
    rows = []
    names = list(cts_matrix.columns)
    beh = behavior.reindex(names).tolist()
    avoidable = behavior.reindex(names).isin(AVOIDABLE).tolist()
    pos = {cid: i for i, cid in enumerate(cts_matrix.index)}
    costs_all = cts_matrix.to_numpy(dtype=float)
    vols_all = volumes.reindex(index=cts_matrix.index, columns=names).to_numpy(dtype=float)
    for c in clients.itertuples(index=False):
        costs, vols = costs_all[pos[c.client_id]].tolist(), vols_all[pos[c.client_id]].tolist()
        order = sorted((j for j in range(len(names)) if vols[j] > 0), key=lambda j: (-costs[j], names[j]))
        for j in order:
            cost = costs[j]
            rows.append((c.client_id, c.client_name, names[j], beh[j], vols[j], cost,
                         cost if avoidable[j] else 0.0,
                         cost / c.cost_to_serve if c.cost_to_serve > 0 else np.nan,
                         c.breakeven_price_rise, c.breakeven_cts_cut))
    return pd.DataFrame(rows, columns=TOURNIQUET_COLUMNS)
