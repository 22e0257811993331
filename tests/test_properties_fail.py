"""The property tests can fail: each one is run here, with its own hypothesis strategies,
against the engine with one formula broken the way a real bug would break it, and it must
find a counterexample -- an ``AssertionError`` from the property's own checks, not a crash.
A property that passes whatever the formula does is not a test (issue 14).

Each break is one line over the real function (``monkeypatch``); the search is deterministic
(``derandomize``, no example database, no shrinking) and stops at the first failure, so a
test here costs a few analyses. ``test_the_harness_passes_the_real_engine`` runs the same
harness on the unbroken engine: the failures below come from the breaks, not from it.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings

import test_metamorphic as M
import test_properties as P
import test_udf_properties as U
import xlprof.model.formulas as F
from xlprof.model.analysis import Portfolio, analyze

SEARCH = settings(max_examples=80, derandomize=True, database=None, phases=[Phase.generate], deadline=None,
                  suppress_health_check=list(HealthCheck))


def fails(prop, body=None, n=80, errors=(AssertionError,), **fixtures) -> Exception | None:
    """Run the body of the property ``prop`` (the function under its ``@given``), or ``body``
    taking the same arguments, on examples drawn from ``prop``'s own strategies; the first
    AssertionError (or other ``errors``) raised, or None if every example passed. ``fixtures``
    (pytest's) are passed by name, as pytest would."""
    inner = body or prop.hypothesis.inner_test
    strategies = prop.hypothesis._given_kwargs       # the property's own @given(...) strategies

    @settings(SEARCH, max_examples=n)
    @given(**strategies)
    def search(**args):
        inner(**fixtures, **args)

    try:
        search()
    except errors as exc:
        return exc
    return None


def broken(monkeypatch, name, make):
    """Replace ``xlprof.model.formulas.<name>`` by ``make(original)``: the analysis and the
    per-client functions call the formulas through the module, so both see the break."""
    monkeypatch.setattr(F, name, make(getattr(F, name)))


def test_the_harness_passes_the_real_engine():
    assert fails(M.test_scaling_every_amount_scales_every_profit, n=10) is None
    assert fails(M.test_moving_volume_moves_cost_to_serve_by_volume_times_rate, n=10) is None


# --- the metamorphic properties (test_metamorphic.py) ---------------------------------------

def test_scaling_detects_a_threshold_written_as_an_amount(monkeypatch):
    # the bad-debt signal compares bad debt with a fixed EUR 50,000 instead of the client's revenue
    broken(monkeypatch, "bad_debt_part", lambda f: lambda bd, rev, span=0.02: f(bd, np.full(np.shape(rev), 5e4), span))
    assert fails(M.test_scaling_every_amount_scales_every_profit) is not None


def test_idle_activity_detects_a_minimum_charge(monkeypatch):
    # every client is charged at least one unit of every activity
    broken(monkeypatch, "cost_to_serve", lambda f: lambda v, r: f(np.maximum(np.asarray(v, float), 1.0), r))
    assert fails(M.test_an_activity_nobody_consumes_changes_no_client) is not None


def test_moved_volume_detects_a_volume_discount(monkeypatch):
    # units beyond the 100th are charged at half the rate
    broken(monkeypatch, "cost_to_serve",
           lambda f: lambda v, r: f(np.minimum(v, 100.0) + 0.5 * np.maximum(np.asarray(v, float) - 100.0, 0.0), r))
    assert fails(M.test_moving_volume_moves_cost_to_serve_by_volume_times_rate) is not None


def test_reconciliation_detects_a_forgotten_bad_debt(monkeypatch):
    broken(monkeypatch, "net_profit", lambda f: lambda rev, cogs, cts, disc=0.0, fin=0.0, bd=0.0:
           f(rev, cogs, cts, disc, fin, 0.0))
    assert fails(M.test_reconciliation_equals_the_operating_profit_of_the_raw_inputs) is not None


def test_rating_property_detects_a_rating_divided_by_5(monkeypatch):
    broken(monkeypatch, "rating_signal", lambda f: lambda rating: (5.0 - np.asarray(rating, float)) / 5.0)
    assert fails(M.test_a_rating_from_4_to_1_moves_the_score_by_its_weight_share) is not None


# --- the random-portfolio property (test_properties.py) --------------------------------------

def test_random_portfolios_detect_a_360_day_year(monkeypatch):
    # financing cost over a 360-day year: every invariant still holds (P + F is unchanged,
    # the whale curve still ends at 1); only the comparison with the plain-Python reference sees it
    broken(monkeypatch, "financing_cost", lambda f: lambda rev, days, coc: f(rev, days, coc) * 365.0 / 360.0)
    assert fails(P.test_random_portfolios) is not None


def test_shuffled_rows_detect_duplicate_volumes_kept_first(monkeypatch):
    # a (client, activity) pair given twice keeps its first quantity instead of adding both:
    # which one is "first" depends on the row order
    real = Portfolio.volume_matrix

    def first_only(self):
        dedup = self.volumes.drop_duplicates(["client_id", "activity"])
        return real(Portfolio(self.clients, self.activities, dedup, self.resources, self.settings))

    monkeypatch.setattr(Portfolio, "volume_matrix", first_only)

    def same_whatever_the_order(data, rnd):
        P.check_same_results(analyze(P.build(data)), analyze(P.build(P._shuffled(data, rnd))))

    # only the row-order check of the random-portfolio property, on its strategies
    assert fails(P.test_random_portfolios, same_whatever_the_order) is not None


# --- the Excel functions' value properties (test_udf_properties.py), through CallUDF ---------

def test_function_properties_detect_a_wrong_margin(monkeypatch, udfs):
    # discounts added instead of subtracted
    broken(monkeypatch, "net_revenue", lambda f: lambda rev, disc=0.0: f(rev, -F._zero_nan(disc)))
    assert fails(U.test_margin_values, udfs=udfs) is not None


def test_function_properties_detect_a_wrong_score(monkeypatch, udfs):
    # the service-burden signal without its floor
    broken(monkeypatch, "service_burden_signal", lambda f: lambda cts, nr, floor=0.1, span=0.3: f(cts, nr, 0.0, span))
    assert fails(U.test_termination_score_and_coverage_values, udfs=udfs) is not None


def test_function_properties_detect_a_function_that_always_fails(monkeypatch, udfs):
    # the guard turns the exception into a '#XLPROF!' text: a type-only property would pass
    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(F, "cost_to_serve", boom)
    assert fails(U.test_cost_to_serve_and_hours_values, udfs=udfs) is not None


# --- the reader's "raises only ValueError" properties (test_reader_properties.py) ------------

@pytest.mark.parametrize("prop, parser", [
    ("test_parse_number_raises_only_value_error", "parse_number"),
    ("test_parse_bool_raises_only_value_error", "parse_bool"),
    ("test_parse_date_raises_only_value_error", "parse_date"),
])
def test_reader_properties_detect_a_parser_that_always_refuses(monkeypatch, prop, parser):
    # refusing everything raises only ValueError: the property must still fail (here with the
    # refusal of a valid rendering of a known value, which it reads before the random cell)
    import test_reader_properties as RP
    import xlprof.textnorm as textnorm

    def refuse(*args, **kwargs):
        raise ValueError("not a value")

    monkeypatch.setattr(textnorm, parser, refuse)
    assert fails(getattr(RP, prop), errors=(AssertionError, ValueError)) is not None
