"""A split book shows its own group's figures, and a recalculation of it changes nothing.

Hand-worked on the two-group portfolio of test_split (Team: 6,000 for 100 h -> 60 an
hour, calls 6 min -> 6 each, committed; ship variable at 1 a unit):
  Ana: L = 10,000 - 9,000 - (300 calls 1,800 + ship 1,000) = -1,800 (leaves, penalty 400)
       A = 20,000 - 12,000 - (200 calls 1,200 + ship 500)   =  6,300
       before = 4,500; L leaves, its 1,800 of calls re-spread over A's 200 calls (rate 15):
       A after = 20,000 - 12,000 - (3,000 + 500) = 4,500 -> after 4,500; change 0 - 400 = -400
  Bob: M = -2,100 (leaves), B = 3,600 -> before 1,500; M's 600 re-spread over B's 400 calls:
       B after = 15,000 - 9,000 - 3,000 = 3,000 -> after 3,000; change +1,500
  (the portfolio's figures would be 6,000 before, 7,500 after)
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from test_split import _two_group_portfolio
from test_split_book import split_books  # noqa: F401  (the two groups' split books, generated once)
from xlprof.cli import main
from xlprof.model import analyze
from xlprof.model import formulas as F
from xlprof.model.analysis import make_portfolio
from xlprof.model.split import split_portfolio_analysis
from xlprof.settings import Settings

GROUPS = {"Ana": (["L", "A"], 4_500.0, 4_500.0, 400.0), "Bob": (["M", "B"], 1_500.0, 3_000.0, 0.0)}


def test_the_group_scenario_is_its_own_by_hand():
    p = _two_group_portfolio()
    a = analyze(p)
    assert a.scenario.profit_before == pytest.approx(6_000.0)
    assert a.scenario.profit_after == pytest.approx(7_500.0)
    for manager, (ids, before, after, penalties) in GROUPS.items():
        sub, sub_p = split_portfolio_analysis(a, p, ids)
        sc = sub.scenario
        own = sub.clients["net_profit"].sum()
        assert sc.profit_before == pytest.approx(before) == pytest.approx(own), manager
        assert sc.profit_after == pytest.approx(after), manager
        assert sc.penalties == penalties and sc.leaving == [ids[0]]
        assert sc.change == pytest.approx(sc.sum_drop_impact) and abs(sc.difference) < 1e-9
        # what a recalculation of the split book computes, figure by figure, and its warnings
        again = analyze(sub_p)
        assert sc.figures() == again.scenario.figures()
        assert sub.warnings == again.warnings


def _cells(book: Path) -> dict[tuple[str, int, int], object]:
    wb = CalamineWorkbook.from_path(str(book))
    return {(name, i, j): v for name in wb.sheet_names
            for i, row in enumerate(wb.get_sheet_by_name(name).to_python()) for j, v in enumerate(row)}


def _same(u, v) -> bool:
    if isinstance(u, float) and isinstance(v, float):
        return math.isclose(u, v, rel_tol=1e-9, abs_tol=1e-9)
    return u == v


def test_recalc_of_an_untouched_split_book_changes_nothing(split_books, tmp_path):
    for manager in GROUPS:
        book = split_books[manager]
        again = tmp_path / f"{manager}-again.xlsx"
        r = CliRunner().invoke(main, ["recalc", str(book), "-o", str(again)])
        assert r.exit_code == 0, r.output
        x, y = _cells(book), _cells(again)
        assert x.keys() == y.keys()
        changed = [(k, x[k], y[k]) for k in x if not _same(x[k], y[k])
                   and not (isinstance(x[k], str) and ("xlsx" in x[k]))]   # the source file's name
        assert changed == [], (manager, changed[:5])
        # the Segmentation sheet shows the group's own before and after (= its clients' sum)
        _, before, after, _ = GROUPS[manager]
        seg = {str(r[0]): r[1] for r in CalamineWorkbook.from_path(str(book)).get_sheet_by_name(
            "Segmentation").to_python() if r and r[0]}
        assert seg["Net profit before"] == pytest.approx(before)
        assert seg["Net profit after (recurring, committed costs re-spread)"] == pytest.approx(after)
        # no figure is a negative zero or floating-point noise below zero
        for k, v in {**x, **y}.items():
            if isinstance(v, float):
                assert not (v == 0 and math.copysign(1.0, v) < 0) and not (-1e-9 < v < 0), k


def test_capacity_is_compared_with_a_tolerance():
    # 508.7 h used of 508.7 up to floating-point noise: not over; 0.01 h over: over
    assert not F.over_capacity(508.7 + 5.7e-14, 508.7)
    assert not F.over_capacity(508.704, 508.7)
    assert F.over_capacity(508.71, 508.7)
    assert list(F.over_capacity(np.array([0.30000000000000004, 100.0]), np.array([0.3, 99.0]))) == [False, True]
    # 1 call of 6 min (0.1 h) + 1 visit of 12 min (0.2 h) = 0.30000000000000004 h on a 0.3 h desk
    clients = [dict(client_id="A", revenue=100.0, cogs=50.0)]
    acts = [{"activity": "calls", "behavior": "variable", "resource": "Desk", "minutes_per_unit": 6.0},
            {"activity": "visits", "behavior": "variable", "resource": "Desk", "minutes_per_unit": 12.0}]
    vols = [("A", "calls", 1.0), ("A", "visits", 1.0)]
    res = [{"resource": "Desk", "cost": 30.0, "capacity_hours": 0.3}]
    import pandas as pd
    a = analyze(make_portfolio(clients, acts, pd.DataFrame(vols, columns=["client_id", "activity", "quantity"]),
                               res, Settings()))
    assert a.resources.iloc[0]["used_hours"] > 0.3          # the noise is there...
    assert not [w for w in a.warnings if "exceed" in w]     # ...and no false warning


@pytest.mark.parametrize("lang, want", [
    ("en", "resource Team: 230.0 hours used exceed the 50.0 hours of this group's share of its capacity"),
    ("es", "recurso Team: 230,0 horas usadas superan las 50,0 horas de la parte de su capacidad que "
           "corresponde a este grupo")])
def test_an_edited_split_book_says_its_capacity_is_the_groups_share(lang, want):
    # Ana's slice of Team: 50 h (L 300 calls + A 200 calls at 6 min) for 3,000 (60 an hour).
    # A's calls 200 -> 2,000: 300 x 0.1 + 2,000 x 0.1 = 230 h used of the 50 h slice;
    # unused capacity cost 3,000 - 230 x 60 = -10,800 (capacity used beyond the slice)
    p = _two_group_portfolio()
    _, sub_p = split_portfolio_analysis(analyze(p), p, ["L", "A"])
    v = sub_p.volumes.copy()
    v.loc[(v["client_id"] == "A") & (v["activity"] == "calls"), "quantity"] = 2_000.0
    import dataclasses
    a = analyze(dataclasses.replace(sub_p, volumes=v), lang=lang)
    over = [w for w in a.warnings if "230" in w]
    assert len(over) == 1 and over[0].startswith(want)
    assert ("regenerate" if lang == "en" else "regenere") in over[0]
    team = a.resources.set_index("resource").loc["Team"]
    assert team["unused_capacity_cost"] == pytest.approx(-10_800.0)
    # the full portfolio (not a split book) keeps the plain warning
    assert analyze(p).settings.resource_slice is False and sub_p.settings.resource_slice is True


def test_the_reconciliation_label_explains_a_negative_unused_cost():
    from xlprof.workbook.dashboard import T
    en, es = T["recon_rows"]["unused_capacity_cost"]
    assert "negative: hours used beyond capacity" in en
    assert "negativo: horas usadas por encima de la capacidad" in es


@pytest.mark.parametrize("lang, want", [
    ("en", "score 91 and leaving gains 1,100 EUR per period"),
    ("es", "puntuación 91 y la salida mejora el resultado en 1.100 EUR por periodo")])
def test_the_reason_to_terminate_carries_the_currency(lang, want):
    # L: exit gain -400 + 30 h x 50 = 1,100 (capacity constrained). Score: profitability
    # (0.10 + 0.18) / 0.30 = 0.933 x 3, service burden (2,800 / 10,000 - 0.10) / 0.30 = 0.6 x 1.5,
    # four ratings of 1 -> 1 x 4; no payment data: 100 x (2.8 + 0.9 + 4) / 8.5 = 90.6 -> 91
    a = analyze(_two_group_portfolio(), lang=lang)
    c = a.clients.set_index("client_id")
    assert c.loc["L", "action_reason"] == want
