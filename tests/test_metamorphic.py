"""Metamorphic properties of the whole analysis (hypothesis): change the inputs in a way whose
effect can be worked out by hand, and check the outputs moved by exactly that.

- scaling every amount by k (a power of two, so the arithmetic stays exact) scales every
  amount out by k and leaves every ratio, score, tier, quadrant, action and date alone;
- an activity nobody consumes (pool, rate or time-driven) changes no client;
- moving q units of an activity from one client to another moves q x rate of cost-to-serve
  (and q x minutes / 60 of service hours) and nothing else;
- the reconciliation's ledger side is the period's operating profit summed here from the
  raw inputs;
- a rating going from 4 to 1 moves the score by exactly 100 x weight x 0.75 / the weight
  of the signals with data.
(Shuffling the input rows changes nothing: test_properties.py::check_same_results.)

The random portfolios are test_properties.py's: three ways of costing, idle pools and
capacity, blanks, random settings.
"""

from __future__ import annotations

import copy
import math

import numpy as np
import pandas as pd
import pytest
from _tuning import examples
from hypothesis import HealthCheck, assume, given, settings, strategies as st

import _reference as R
from test_properties import build, portfolios
from xlprof.model.analysis import analyze
from xlprof.settings import RATING_SIGNALS, SIGNALS

PROFILE = settings(max_examples=examples(40), deadline=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

AMOUNTS = ("net_revenue", "gross_margin", "cost_to_serve", "avoidable_cost_to_serve", "freed_capacity_cost",
           "financing_cost", "net_profit", "profit_per_hour", "breakeven_cts_cut", "drop_impact_ledger",
           "drop_impact", "exit_gain")
RATIOS = ("net_margin", "service_hours", "breakeven_price_rise", "price_realization", "cts_ratio",
          "cumulative_profit_share", "score", "score_coverage", *(f"signal_{s}" for s in SIGNALS))
CODES = ("tier", "quadrant", "action", "exit_date", "profit_rank")


def _num(a, col):
    return a.clients[col].to_numpy(dtype=float)


def assert_same(x, y, rel=1e-9, abs_=1e-6, msg=""):
    np.testing.assert_allclose(x, y, rtol=rel, atol=abs_, equal_nan=True, err_msg=msg)


def assert_clients_unchanged(a, b):
    for col in AMOUNTS + RATIOS:
        assert_same(_num(b, col), _num(a, col), msg=col)
    for col in CODES:
        assert list(b.clients[col]) == list(a.clients[col]), col
    assert [list(x) for x in b.clients["reason_codes"]] == [list(x) for x in a.clients["reason_codes"]]


def _scaled(data, k):
    clients, activities, volumes, resources, s = copy.deepcopy(data)

    def times(x):
        return x if x is None or (isinstance(x, float) and math.isnan(x)) else x * k

    for c in clients:
        for key in ("revenue", "discounts", "cogs", "bad_debt", "exit_penalty"):
            c[key] = times(c[key])
    for a in activities:
        for key in ("cost_pool", "rate"):
            if key in a:
                a[key] = times(a[key])
    for r in resources:
        r["cost"] = times(r["cost"])
    return clients, activities, volumes, resources, s.replace(value_per_freed_hour=s.value_per_freed_hour * k)


@PROFILE
@given(portfolios(), st.sampled_from([0.25, 0.5, 2.0, 4.0, 8.0]))
def test_scaling_every_amount_scales_every_profit(data, k):
    a, b = analyze(build(data)), analyze(build(_scaled(data, k)))
    for col in AMOUNTS:
        assert_same(_num(b, col), k * _num(a, col), rel=1e-12, abs_=1e-9, msg=col)
    for col in RATIOS:
        assert_same(_num(b, col), _num(a, col), rel=1e-12, abs_=1e-12, msg=col)
    for col in CODES:
        assert list(b.clients[col]) == list(a.clients[col]), col
    assert [list(x) for x in b.clients["reason_codes"]] == [list(x) for x in a.clients["reason_codes"]]
    for key in ("model_operating_profit", "ledger_operating_profit", "unused_capacity_cost", "unassigned_cost"):
        assert b.reconciliation[key] == pytest.approx(k * a.reconciliation[key], rel=1e-12, abs=1e-9), key
    assert b.scenario.change == pytest.approx(k * a.scenario.change, rel=1e-12, abs=1e-9)


@PROFILE
@given(portfolios(), st.sampled_from(["pool", "rate", "time"]), st.sampled_from(
    ["variable", "avoidable_fixed", "committed_fixed"]), st.booleans(), st.integers(1, 10_000))
def test_an_activity_nobody_consumes_changes_no_client(data, kind, behaviour, explicit_zeros, amount):
    clients, activities, volumes, resources, s = data
    new = {"activity": "zz_idle", "behavior": behaviour}
    if kind == "pool":
        new["cost_pool"] = float(amount)
    elif kind == "rate":
        new["rate"] = float(amount)
    elif resources:
        new.update(resource=resources[0]["resource"], minutes_per_unit=float(amount % 90 + 1))
    else:
        new.update(resource="R_new", minutes_per_unit=5.0)
        resources = [*resources, {"resource": "R_new", "cost": float(amount), "capacity_hours": 10.0,
                                  "behavior": None}]
    vols = volumes
    if explicit_zeros:
        zeros = pd.DataFrame([(c["client_id"], "zz_idle", 0.0) for c in clients],
                             columns=["client_id", "activity", "quantity"])
        vols = pd.concat([volumes, zeros], ignore_index=True)
    a = analyze(build(data))
    b = analyze(build((clients, [*activities, new], vols, resources, s)))
    assert_clients_unchanged(a, b)
    assert b.cts["zz_idle"].eq(0.0).all()
    # a pool nobody consumed is unassigned cost, shown in the reconciliation, which still holds
    extra = float(amount) if kind == "pool" else 0.0
    assert b.reconciliation["unassigned_cost"] == pytest.approx(a.reconciliation["unassigned_cost"] + extra)
    assert b.reconciliation["holds"]


@st.composite
def a_move(draw):
    data = draw(portfolios())
    clients, activities, volumes, resources, s = data
    ids = [c["client_id"] for c in clients]
    table = R.volume_table(list(volumes.itertuples(index=False, name=None)))
    held = sorted((cid, act) for (cid, act), q in table.items() if q >= 1)
    if len(ids) < 2 or not held:
        return data, None
    cid, act = draw(st.sampled_from(held))
    to = draw(st.sampled_from([i for i in ids if i != cid]))
    q = float(draw(st.integers(1, int(table[(cid, act)]))))
    return data, (cid, to, act, q)


@PROFILE
@given(a_move())
def test_moving_volume_moves_cost_to_serve_by_volume_times_rate(move):
    data, mv = move
    assume(mv is not None)
    frm, to, act, q = mv
    clients, activities, volumes, resources, s = data
    table = R.volume_table(list(volumes.itertuples(index=False, name=None)))
    table[(frm, act)] -= q
    table[(to, act)] = table.get((to, act), 0.0) + q
    moved = pd.DataFrame([(c, a_, v) for (c, a_), v in table.items()], columns=["client_id", "activity", "quantity"])
    a = analyze(build(data))
    b = analyze(build((clients, activities, moved, resources, s)))
    # the rate, worked out from the raw inputs (the total volume of the activity is unchanged)
    spec = next(x for x in activities if x["activity"] == act)
    res = {r["resource"]: r for r in resources}
    minutes = spec.get("minutes_per_unit", math.nan)
    total = sum(v for (c, a_), v in table.items() if a_ == act)
    if spec.get("resource") in res:
        r = res[spec["resource"]]
        rate = r["cost"] / (r["capacity_hours"] * 60) * minutes if r["capacity_hours"] > 0 else 0.0
    elif "cost_pool" in spec:
        rate = spec["cost_pool"] / total
    else:
        rate = spec["rate"]
    hours = 0.0 if math.isnan(minutes) else q * minutes / 60
    ca, cb = a.clients.set_index("client_id"), b.clients.set_index("client_id")
    delta = {frm: -1.0, to: 1.0}
    for cid in ca.index:
        sign = delta.get(cid, 0.0)
        assert cb.loc[cid, "cost_to_serve"] == pytest.approx(ca.loc[cid, "cost_to_serve"] + sign * q * rate,
                                                              rel=1e-9, abs=1e-6), cid
        assert cb.loc[cid, "net_profit"] == pytest.approx(ca.loc[cid, "net_profit"] - sign * q * rate,
                                                           rel=1e-9, abs=1e-6), cid
        assert cb.loc[cid, "service_hours"] == pytest.approx(ca.loc[cid, "service_hours"] + sign * hours,
                                                              rel=1e-9, abs=1e-9), cid
        assert cb.loc[cid, "financing_cost"] == ca.loc[cid, "financing_cost"]
    # the firm's total cost-to-serve and the ledger are unchanged
    assert b.reconciliation["ledger_operating_profit"] == pytest.approx(a.reconciliation["ledger_operating_profit"])
    assert float(cb["cost_to_serve"].sum()) == pytest.approx(float(ca["cost_to_serve"].sum()), rel=1e-9, abs=1e-6)


@PROFILE
@given(portfolios())
def test_reconciliation_equals_the_operating_profit_of_the_raw_inputs(data):
    clients, activities, volumes, resources, s = data
    res = {r["resource"] for r in resources}
    used = {}
    for cid, act, q in volumes.itertuples(index=False, name=None):
        used[act] = used.get(act, 0.0) + q
    expected = 0.0
    for c in clients:
        expected += c["revenue"] - R.num(c["discounts"], 0.0) - c["cogs"] - R.num(c["bad_debt"], 0.0)
    for act in activities:
        if act.get("resource") in res:
            continue                                      # paid through its resource
        if "cost_pool" in act:
            expected -= act["cost_pool"]                  # the whole pool, consumed or not
        else:
            expected -= act.get("rate", 0.0) * used.get(act["activity"], 0.0)
    expected -= sum(r["cost"] for r in resources)         # used or idle
    rec = analyze(build(data)).reconciliation
    assert rec["ledger_operating_profit"] == pytest.approx(expected, abs=1e-6)
    assert rec["model_operating_profit"] == pytest.approx(expected, abs=1e-6)
    assert rec["holds"]


@PROFILE
@given(portfolios(), st.data())
def test_a_rating_from_4_to_1_moves_the_score_by_its_weight_share(data, draw):
    clients, activities, volumes, resources, s = data
    i = draw.draw(st.integers(0, len(clients) - 1))
    key = draw.draw(st.sampled_from(RATING_SIGNALS))
    four, one = copy.deepcopy(clients), copy.deepcopy(clients)
    four[i][key], one[i][key] = 4.0, 1.0
    a = analyze(build((four, activities, volumes, resources, s)))
    b = analyze(build((one, activities, volumes, resources, s)))
    c = four[i]
    w = s.weights
    # the signals with data: profitability and service burden always; payment with both day
    # counts or some bad debt; each rating given (this one is)
    with_data = w["profitability"] + w["service_burden"] + w[key]
    if (not math.isnan(c["days_to_pay"]) and not math.isnan(c["payment_terms_days"])) or R.num(c["bad_debt"], 0.0) > 0:
        with_data += w["payment"]
    with_data += sum(w[k] for k in RATING_SIGNALS if k != key and not math.isnan(c[k]))
    sa = a.clients.set_index("client_id")
    sb = b.clients.set_index("client_id")
    cid = c["client_id"]
    if with_data > 0:
        assert sb.loc[cid, "score"] - sa.loc[cid, "score"] == pytest.approx(100 * w[key] * 0.75 / with_data,
                                                                           abs=1e-9)
    else:
        assert math.isnan(sa.loc[cid, "score"]) and math.isnan(sb.loc[cid, "score"])
    assert sb.loc[cid, "score_coverage"] == sa.loc[cid, "score_coverage"]
    assert sb.loc[cid, f"signal_{key}"] == 1.0 and sa.loc[cid, f"signal_{key}"] == 0.25
    others = sa.index != cid
    assert_same(sb.loc[others, "score"].to_numpy(dtype=float), sa.loc[others, "score"].to_numpy(dtype=float))
    # a rating of 1 argues for exit (when weighted), a rating of 4 never does
    assert key not in sa.loc[cid, "reason_codes"]
