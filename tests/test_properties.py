"""Property tests of the whole analysis on small random portfolios (hypothesis).

The portfolios mix the three ways of costing an activity (cost pool / volume, a given
rate, time-driven with a resource), include pools nobody uses, resources with idle
(or no) capacity, blanks everywhere blanks are allowed, and random settings.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from _tuning import examples
from hypothesis import HealthCheck, given, settings, strategies as st

from xlprof.model.analysis import analyze, make_portfolio
from xlprof.model.scoring import ACTIONS
from xlprof.model.segments import QUADRANTS, TIERS
from xlprof.settings import SIGNALS, Settings

import _reference as R

# When a test fails, hypothesis' pytest plugin imports hypothesis.extra._patching -> libcst,
# whose import warns (mypy_extensions.TypedDict is deprecated); with filterwarnings = error
# that turns a clean failure report into an INTERNALERROR. Import it now, quietly.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    try:
        import hypothesis.extra._patching  # noqa: F401
    except ImportError:  # libcst not installed: nothing to pre-import
        pass

PROFILE = settings(max_examples=examples(60), deadline=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

BEHAVIORS = ("variable", "avoidable_fixed", "committed_fixed")
ID_POOL = ("A", "B", "C01", "c02", "007", "10", "9", "Z", "ñu", "Ü")
DECISION = dt.date(2026, 3, 2)


def maybe(strategy, p_blank=True):
    return st.one_of(st.none(), strategy) if p_blank else strategy


def blank_or(strategy):
    return st.one_of(st.just(math.nan), strategy)


money = st.integers(0, 50_000).map(float)
rating = st.integers(2, 10).map(lambda k: k / 2.0)  # 1, 1.5, ..., 5


@st.composite
def client_rows(draw, ids):
    rows = []
    for cid in ids:
        revenue = float(draw(st.integers(0, 100_000)))
        rows.append({
            "client_id": cid,
            "revenue": revenue,
            "discounts": draw(blank_or(st.integers(0, int(revenue)).map(float))),
            "cogs": float(draw(st.integers(0, int(revenue * 1.2) + 10))),
            "payment_terms_days": draw(blank_or(st.sampled_from([0.0, 30.0, 45.0, 60.0, 90.0]))),
            "days_to_pay": draw(blank_or(st.integers(0, 180).map(float))),
            "bad_debt": draw(blank_or(st.integers(0, 2_000).map(float))),
            "contract_end": draw(maybe(st.integers(-90, 720).map(
                lambda d: DECISION + dt.timedelta(days=d)))),
            "notice_days": draw(blank_or(st.sampled_from([0.0, 30.0, 60.0, 90.0]))),
            "exit_penalty": draw(blank_or(st.integers(0, 5_000).map(float))),
            "values_alignment": draw(blank_or(rating)),
            "communication": draw(blank_or(rating)),
            "needs_fit": draw(blank_or(rating)),
            "respect_of_terms": draw(blank_or(rating)),
            "growth_potential": draw(blank_or(st.integers(1, 5).map(float))),
            "strategic": draw(st.booleans()),
            "account_manager": draw(maybe(st.sampled_from(["Ana", "Luis"]))),
        })
    return rows


@st.composite
def portfolios(draw):
    n_clients = draw(st.integers(1, 6))
    ids = draw(st.lists(st.sampled_from(ID_POOL), min_size=n_clients, max_size=n_clients,
                        unique=True))
    clients = draw(client_rows(ids))

    n_res = draw(st.integers(0, 2))
    resources = [{"resource": f"R{k}", "cost": float(draw(st.integers(0, 20_000))),
                  # capacity 0 is allowed: no rate, the whole cost is unused capacity
                  "capacity_hours": float(draw(st.sampled_from([0, 10, 40, 100, 500]))),
                  # blank = committed fixed (a salaried team)
                  "behavior": draw(st.sampled_from([None, *BEHAVIORS]))}
                 for k in range(n_res)]

    n_act = draw(st.integers(1, 4))
    activities = []
    for k in range(n_act):
        kind = draw(st.sampled_from(["pool", "rate", "time"] if n_res else ["pool", "rate"]))
        act = {"activity": f"act{k}", "behavior": draw(st.sampled_from(BEHAVIORS))}
        if kind == "pool":
            act["cost_pool"] = float(draw(st.integers(0, 10_000)))
        elif kind == "rate":
            act["rate"] = float(draw(st.integers(0, 200)))
        else:
            act["resource"] = f"R{draw(st.integers(0, n_res - 1))}"
        # minutes on any activity count as service hours; time-driven ones need them
        if kind == "time" or draw(st.booleans()):
            act["minutes_per_unit"] = float(draw(st.sampled_from([1, 5, 8, 30, 60])))
        activities.append(act)

    # volumes: some activities get none at all (a pool with no volume -> unassigned cost)
    unused_acts = set(draw(st.lists(st.sampled_from([a["activity"] for a in activities]),
                                    max_size=n_act, unique=True)))
    volumes = []
    for cid in ids:
        for a in activities:
            if a["activity"] in unused_acts or draw(st.booleans()):
                continue
            volumes.append((cid, a["activity"], float(draw(st.integers(0, 300)))))
            if draw(st.integers(0, 9)) == 0:  # the same pair twice: quantities add up
                volumes.append((cid, a["activity"], float(draw(st.integers(0, 300)))))
    if not volumes:  # make_portfolio wants at least a header: add an explicit zero
        volumes.append((ids[0], activities[0]["activity"], 0.0))
    volumes = pd.DataFrame(volumes, columns=["client_id", "activity", "quantity"])

    weights = draw(st.one_of(
        st.just(None),
        st.lists(st.sampled_from([0.0, 0.5, 1.0, 3.0]), min_size=7, max_size=7)
        .filter(lambda w: sum(w) > 0)))
    s = Settings(
        decision_date=draw(st.sampled_from([DECISION, None])),
        capacity_constrained=draw(st.booleans()),
        value_per_freed_hour=float(draw(st.sampled_from([0, 10, 50]))),
        target_net_margin=draw(st.sampled_from([0.10, 0.0, 0.25])),
        late_days_span=draw(st.sampled_from([60.0, 15.0])),
        bad_debt_span=draw(st.sampled_from([0.02, 0.001, 0.5])),
        cts_floor=draw(st.sampled_from([0.10, 0.0, 0.5])),
        restructure_burden=draw(st.sampled_from([0.5, 0.0, 1.0])),
        **({} if weights is None else {f"weight_{k}": w for k, w in zip(SIGNALS, weights)}),
    )
    return clients, activities, volumes, resources, s


def build(data):
    clients, activities, volumes, resources, s = data
    return make_portfolio(clients, activities, volumes, resources, s)


def check_reconciliation_holds(a):
    r = a.reconciliation
    assert r["holds"], r
    assert r["model_operating_profit"] == pytest.approx(r["ledger_operating_profit"], abs=1e-6)
    # the unassigned cost is exactly the pools nobody consumed
    acts = a.activities
    no_volume = (acts["rate_source"] == "pool") & ~(acts["total_volume"] > 0)
    assert r["unassigned_cost"] == pytest.approx(float(acts.loc[no_volume, "cost_pool"].sum()))
    # per resource: cost = assigned + unused
    if len(a.resources):
        np.testing.assert_allclose(a.resources["assigned_cost"] + a.resources["unused_capacity_cost"],
                                   a.resources["cost"], atol=1e-6)


def check_scores_and_coverage_in_range(a):
    c = a.clients
    w = np.array([a.settings.weights[s] for s in SIGNALS])
    sig = c[[f"signal_{s}" for s in SIGNALS]].to_numpy(dtype=float)
    assert np.all(np.isnan(sig) | ((sig >= 0) & (sig <= 1)))
    has_weighted = (~np.isnan(sig) & (w > 0)).any(axis=1)
    score = c["score"].to_numpy(dtype=float)
    assert np.array_equal(np.isnan(score), ~has_weighted)
    ok = ~np.isnan(score)
    assert np.all((score[ok] >= -1e-9) & (score[ok] <= 100 + 1e-9))
    cov = c["score_coverage"].to_numpy(dtype=float)
    assert np.all((cov >= 0) & (cov <= 1 + 1e-12))
    # coverage = weight of the signals with data / all weight
    np.testing.assert_allclose(cov, (~np.isnan(sig)) @ w / w.sum())
    assert set(c["action"]) <= set(ACTIONS)
    assert set(c["tier"]) <= set(TIERS)
    assert set(c["quadrant"]) <= set(QUADRANTS)


def check_whale_curve_ends_at_one(a):
    total = float(a.clients["net_profit"].sum())
    share = a.whale["cumulative_profit_share"].to_numpy(dtype=float)
    if total > 0:
        assert share[-1] == pytest.approx(1.0)
        assert a.summary["whale_peak_share"] == pytest.approx(float(share.max()))
        assert share.max() >= 1.0 - 1e-12
        # sorted by profit descending
        p = a.whale["net_profit"].to_numpy()
        assert np.all(np.diff(p) <= 0)
    else:
        assert np.isnan(share).all()
    # Lead exactly for the loss makers
    c = a.clients
    assert ((c["tier"] == "lead") == (c["net_profit"] < 0)).all()


def check_equals_the_reference(a, data):
    """Every per-client number, rate and the reconciliation, against the independent
    re-implementation in tests/_reference.py computed from the raw inputs (not from the
    analysis' own columns)."""
    clients, activities, volumes, resources, s = data
    ref = R.analyse(clients, activities, list(volumes.itertuples(index=False, name=None)), resources, s)
    c = a.clients.set_index("client_id")
    assert sorted(c.index) == sorted(ref.clients)
    for cid, r in ref.clients.items():
        row = c.loc[cid]
        for col in ("net_revenue", "gross_margin", "cost_to_serve", "avoidable_cost_to_serve",
                    "freed_capacity_cost", "financing_cost", "net_profit", "net_margin", "service_hours",
                    "profit_per_hour", "breakeven_price_rise", "score", "score_coverage",
                    "drop_impact_ledger", "drop_impact", "exit_gain", "cumulative_profit_share"):
            want = getattr(r, col)
            got = float(row[col])
            if math.isnan(want):
                assert math.isnan(got), (cid, col, got)
            else:
                assert got == pytest.approx(want, rel=1e-9, abs=1e-6), (cid, col)
        for name in SIGNALS:
            want, got = r.signals[name], float(row[f"signal_{name}"])
            assert (math.isnan(want) and math.isnan(got)) or got == pytest.approx(want, abs=1e-12), (cid, name)
        assert (row["tier"], row["quadrant"], row["action"]) == (r.tier, r.quadrant, r.action), cid
        assert list(row["reason_codes"]) == r.reason_codes, cid
        assert row["exit_date"] == r.exit_date, cid
    for name, rate in ref.rates.items():
        assert a.activities.loc[name, "rate"] == pytest.approx(rate.rate, rel=1e-12, abs=1e-12), name
        assert a.activities.loc[name, "rate_source"] == rate.source, name
    res = a.resources.set_index("resource")
    for name, unused in ref.unused_capacity.items():
        assert res.loc[name, "unused_capacity_cost"] == pytest.approx(unused, abs=1e-6), name
        assert res.loc[name, "used_hours"] == pytest.approx(ref.used_hours[name], abs=1e-9), name
    # the reconciliation's ledger side is the period's operating profit from the raw inputs
    rec = a.reconciliation
    assert rec["ledger_operating_profit"] == pytest.approx(ref.ledger_operating_profit, abs=1e-6)
    assert rec["unassigned_cost"] == pytest.approx(ref.unassigned, abs=1e-9)
    # value chain: activity costs per tier add up to the tier's CTS, tiers add up to the total
    vc = a.value_chain
    np.testing.assert_allclose(vc[list(a.cts.columns)].sum(axis=1), vc["cost_to_serve"], atol=1e-6)
    assert vc["net_profit"].sum() == pytest.approx(sum(r.net_profit for r in ref.clients.values()), abs=1e-6)
    assert int(vc["clients"].sum()) == len(c)


def check_exit_scenario_reconciles(a):
    """The scenario (everyone leaving at once, committed costs re-spread over the rest)
    changes the period's profit by the sum of the leavers' drop impacts (relevant costing,
    client by client); the penalties are the one-off part; the ledger differs by F."""
    sc = a.scenario
    c = a.clients.set_index("client_id")
    leavers = c.loc[sc.leaving]
    assert sorted(sc.leaving) == sorted(c.index[c["action"] == "terminate"])
    drop = float(leavers["drop_impact"].sum())
    penalties = float(leavers["exit_penalty"].fillna(0.0).sum())
    assert sc.change == pytest.approx(drop, abs=1e-6)
    assert sc.penalties == pytest.approx(penalties, abs=1e-9)
    assert sc.recurring_change == pytest.approx(drop + penalties, abs=1e-6)
    assert sc.change_ledger == pytest.approx(float(leavers["drop_impact_ledger"].sum()), abs=1e-6)
    # re-spread and unabsorbed committed cost are the leavers' committed cost
    committed = float((leavers["cost_to_serve"] - leavers["avoidable_cost_to_serve"]).sum())
    assert sc.respread_committed_cost + sc.unabsorbed_committed_cost == pytest.approx(committed, abs=1e-6)
    # per client: economic - ledger = F; the freed capacity cost is committed cost
    np.testing.assert_allclose(c["drop_impact"] - c["drop_impact_ledger"], c["financing_cost"], atol=1e-6)
    assert np.all(c["freed_capacity_cost"] <= c["cost_to_serve"] - c["avoidable_cost_to_serve"] + 1e-6)
    if a.settings.decision_date is not None:
        assert len(a.plan) == 10 * len(leavers)
    else:
        assert len(a.plan) == 0 and a.clients["exit_date"].isna().all()


def _shuffled(data, rnd):
    clients, activities, volumes, resources, s = data
    clients = list(clients)
    activities = list(activities)
    resources = list(resources)
    rnd.shuffle(clients)
    rnd.shuffle(activities)
    rnd.shuffle(resources)
    volumes = volumes.sample(frac=1.0, random_state=rnd.randrange(2**32)).reset_index(drop=True)
    return clients, activities, volumes, resources, s


def check_same_results(a, b):
    """``b`` analysed the same inputs with clients, activities, volumes and resources shuffled."""
    ca, cb = a.clients.set_index("client_id"), b.clients.set_index("client_id")
    assert list(ca.index) == list(cb.index)  # always sorted by client_id
    for col in ("tier", "quadrant", "action"):
        assert ca[col].to_dict() == cb[col].to_dict(), col
    assert ca["reason_codes"].to_dict() == cb["reason_codes"].to_dict()
    assert ca["exit_date"].to_dict() == cb["exit_date"].to_dict()
    for col in ("net_profit", "cost_to_serve", "score", "score_coverage", "drop_impact", "drop_impact_ledger",
                "exit_gain", "service_hours", "cumulative_profit_share"):
        np.testing.assert_allclose(ca[col].to_numpy(dtype=float), cb[col].to_numpy(dtype=float),
                                   rtol=1e-9, atol=1e-6, err_msg=col)
    # activity order may change the column order, never the numbers
    pd.testing.assert_frame_equal(a.activities.sort_index(), b.activities.sort_index(),
                                  check_exact=False)
    pd.testing.assert_frame_equal(a.resources.sort_values("resource", ignore_index=True),
                                  b.resources.sort_values("resource", ignore_index=True),
                                  check_exact=False)
    assert a.reconciliation == pytest.approx(b.reconciliation, abs=1e-6)
    assert list(a.whale["client_id"]) == list(b.whale["client_id"])
    assert a.scenario.leaving == b.scenario.leaving
    assert a.scenario.new_lead_clients == b.scenario.new_lead_clients
    pd.testing.assert_frame_equal(a.plan, b.plan)


# Every invariant on the same examples (an analysis is the slow part: ~0.1 s).
@PROFILE
@given(portfolios(), st.randoms(use_true_random=False))
def test_random_portfolios(data, rnd):
    a = analyze(build(data))
    check_reconciliation_holds(a)
    check_scores_and_coverage_in_range(a)
    check_whale_curve_ends_at_one(a)
    check_equals_the_reference(a, data)
    check_exit_scenario_reconciles(a)
    # tiers, actions and every number are the same whatever the order of the input rows
    check_same_results(a, analyze(build(_shuffled(data, rnd))))
