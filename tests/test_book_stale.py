"""Honest after an edit: totals and the reconciliation are live formulas, and the book says
when the engine-written parts (tiers, actions, the plan...) are stale.

A user edits an input with openpyxl (as a file edit, like typing), LibreOffice recalculates
the book, and we read back: the reconciliation moved with the edit, and the stale notice
shows on the Dashboard and on every engine-written block. A fresh book shows no notice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import warnings
from pathlib import Path

import numpy as np
import pytest

from test_workbook import _read_values, edge_portfolio, needs_lo
from xlprof.model import analyze
from xlprof.model.analysis import make_portfolio
from xlprof.settings import Settings
from xlprof.workbook import layout as L
from xlprof.workbook.check import CHECK_KEYS, checksum, figures, term_values, terms
from xlprof.workbook.client_layout import ClientRows
from xlprof.workbook.book import write_analysis_book
from xlprof.workbook.labels import SHEETS
from xlprof.workbook.layout import waterfall

try:
    from . import lo
except ImportError:
    import lo

# where each engine-written block says it is stale: (sheet key, 0-based row, col)
NOTICES = [("dashboard", L.Dash.notice, 0), ("client", ClientRows.notice, 0),
           ("profitability", 0, len(L.PROF_COLS)), ("scores", 0, len(L.SCORE_COLS)),
           ("drop", 0, len(L.DROP_COLS)), ("segmentation", 0, L.VC_COL), ("whale", 0, len(L.WHALE_COLS)),
           ("plan", 0, len(L.PLAN_SHEET_COLS)), ("tourniquet", 0, len(L.TOURNIQUET_COLS))]


def cell(values: dict, lang: str, key: str, r: int, c: int):
    from xlsxwriter.utility import xl_rowcol_to_cell

    return values[SHEETS[key][lang]].get(xl_rowcol_to_cell(r, c))


# --- pure parts, worked by hand ------------------------------------------------------------


def test_waterfall_bars_by_hand():
    # revenue 100, -30, -90 (crosses zero: 70 -> -20), +5 total at the end
    bars = waterfall([100.0, -30.0, -90.0, 5.0])
    assert bars == [[0.0, 100.0, 0.0, 100.0, 0.0],     # total from 0: all above zero
                    [100.0, 70.0, 70.0, 30.0, 0.0],    # 100 -> 70: base 70, 30 visible
                    [70.0, -20.0, 0.0, 70.0, -20.0],   # 70 -> -20: 70 above, 20 below zero
                    [0.0, 5.0, 0.0, 5.0, 0.0]]         # the last bar is a total again
    # below zero all the way: the base is the end nearer zero
    assert waterfall([-10.0, -5.0, -15.0]) == [[0.0, -10.0, 0.0, 0.0, -10.0],
                                                [-10.0, -15.0, -10.0, 0.0, -5.0],
                                                [0.0, -15.0, 0.0, 0.0, -15.0]]


def tiny():
    clients = [dict(client_id="B", client_name="Bee", account_manager="Al", revenue=100, cogs=40, strategic=True,
                    contract_end=dt.date(1900, 3, 1)),
               dict(client_id="A", client_name="Ay", revenue=50, cogs=20, values_alignment=2)]
    activities = [dict(activity="Ship", behavior="variable", cost_pool=30),
                  dict(activity="Care", behavior="committed_fixed", rate=2)]
    volumes = [dict(client_id="A", Ship=1, Care=0), dict(client_id="B", Ship=2, Care=5)]
    return make_portfolio(clients, activities, volumes, None, Settings(decision_date=dt.date(1900, 1, 10)))


def test_checksum_terms_by_hand():
    a = analyze(tiny())
    vals = dict(zip([(t.source, t.key) for t in terms(a)], term_values(a)))
    # clients in client_id order on Excel rows 2 (A) and 3 (B)
    assert vals[("clients", "revenue")] == 2 * 50 + 3 * 100
    assert vals[("clients", "client_id")] == 2 * 1 + 3 * 1                    # text: its length
    assert vals[("clients", "client_name")] == 2 * 2 + 3 * 3
    assert vals[("clients", "account_manager")] == 2 * 0 + 3 * 2              # blank: 0
    assert vals[("clients", "strategic")] == 2 * len("no") + 3 * (len("yes") + 2)
    assert vals[("clients", "values_alignment")] == 2 * 2
    assert vals[("clients", "contract_end")] == 3 * 61                       # 1900-03-01 is serial 61
    assert vals[("volumes", "Ship")] == 2 * 1 + 3 * 2
    assert vals[("volumes", "Care")] == 3 * 5
    # behaviour words on Activities rows 2, 3: len + 4 for variable, + 2 for committed fixed
    assert vals[("behavior", "behavior")] == 2 * (8 + 4) + 3 * (15 + 2)
    # rates: Ship 30 / 3 units = 10; Care given 2
    assert vals[("rates", "rate")] == pytest.approx(2 * 10 + 3 * 2)
    assert vals[("settings", "decision_date")] == 10
    assert checksum(a) == pytest.approx(sum((k + 1) * v for k, v in enumerate(term_values(a))))
    f = dict(zip(CHECK_KEYS, figures(a)))
    assert f["net_profit"] == pytest.approx(a.clients["net_profit"].sum())


# --- LibreOffice: fresh books show nothing; edited books move and say so ---------------------


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    d = tmp_path_factory.mktemp("stale")
    p = edge_portfolio()
    out = {}
    for lang in ("en", "es"):
        path = d / f"edge-{lang}.xlsx"
        write_analysis_book(analyze(p, lang=lang), p, path)
        out[lang] = path
    return p, out


def _edit(book: Path, out: Path, edits: dict[str, dict[str, object]]) -> None:
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(book)
    for sheet, cells in edits.items():
        for ref, v in cells.items():
            wb[sheet][ref] = v
    wb.save(out)


@pytest.mark.libreoffice
@needs_lo
def test_fresh_book_has_no_notice_and_edits_move_the_reconciliation_and_show_it(books, tmp_path):
    p, paths = books
    a = analyze(p)
    i = list(a.clients["client_id"]).index("C01")
    row = i + 2
    todo = []
    for lang in ("en", "es"):
        vol = "Volumes" if lang == "en" else "Consumos"
        # Visits of C01: 4 -> 40 (a time-driven activity: its rate does not move, the profit does)
        edited = tmp_path / f"edited-{lang}.xlsx"
        _edit(paths[lang], edited, {vol: {f"C{row}": 40}})
        todo += [paths[lang], edited]
    redone = lo.recalc_many(todo, tmp_path / "lo")
    vols = p.volumes.copy()
    vols.loc[(vols["client_id"] == "C01") & (vols["activity"] == "Visits"), "quantity"] = 40.0
    after = analyze(dataclasses.replace(p, volumes=vols))
    for k, lang in enumerate(("en", "es")):
        fresh, edited = _read_values(redone[2 * k]), _read_values(redone[2 * k + 1])
        for key, r, c in NOTICES:
            assert cell(fresh, lang, key, r, c) in ("", None), (lang, key)
            assert cell(edited, lang, key, r, c) == L.NOTICE[lang], (lang, key)
        assert cell(fresh, lang, "dashboard", L.Dash.flag, 1) == 0
        assert cell(edited, lang, "dashboard", L.Dash.flag, 1) == 1
        recon = [cell(edited, lang, "dashboard", L.Dash.recon + j, 1) for j in range(len(L.RECON_KEYS))]
        got = dict(zip(L.RECON_KEYS, recon))
        want = after.reconciliation
        for key in ("clients_net_profit", "financing_cost", "unused_capacity_cost", "unassigned_cost",
                    "model_operating_profit", "ledger_operating_profit"):
            assert got[key] == pytest.approx(want[key], rel=1e-9, abs=1e-6), (lang, key)
        assert got["clients_net_profit"] != pytest.approx(a.reconciliation["clients_net_profit"])
        assert got["difference"] == pytest.approx(0.0, abs=1e-6)
        # the key figures and totals follow too
        assert cell(edited, lang, "dashboard", L.Dash.kpis + L.KPI_KEYS.index("net_profit"), 1) == \
            pytest.approx(after.clients["net_profit"].sum(), rel=1e-9)
        total_row = 1 + len(a.clients)
        assert cell(edited, lang, "profitability", total_row, L.PROF_COLS.index("net_profit")) == \
            pytest.approx(after.clients["net_profit"].sum(), rel=1e-9)


@pytest.mark.libreoffice
@needs_lo
def test_edits_that_change_no_figure_still_show_the_notice(books, tmp_path):
    """Strategic yes/no, a threshold only the engine reads, and two volumes swapped between
    clients: the figures may not move, the engine's actions and tiers would."""
    p, paths = books
    a = analyze(p)
    ids = list(a.clients["client_id"])
    path = paths["en"]
    base = _read_values(path)
    strategic = next(k for k, v in base["Clients"].items() if v == "Strategic")[0]
    score = next(f"B{r}" for r in range(2, 60) if base["Settings"].get(f"A{r}") == "score_terminate")
    r1, r2 = ids.index("A01") + 2, ids.index("0007") + 2
    cases = {
        "strategic": {"Clients": {f"{strategic}{ids.index('A02') + 2}": "yes"}},
        "threshold": {"Settings": {score: 65}},
        "swap": {"Volumes": {f"B{r1}": base["Volumes"][f"B{r2}"], f"B{r2}": base["Volumes"][f"B{r1}"]}},
    }
    files = []
    for name, edits in cases.items():
        out = tmp_path / f"{name}.xlsx"
        _edit(path, out, edits)
        files.append(out)
    for name, redone in zip(cases, lo.recalc_many(files, tmp_path / "lo")):
        got = _read_values(redone)
        assert got["Dashboard"][f"B{L.Dash.flag + 1}"] == 1, name
        assert got["Dashboard"][f"A{L.Dash.notice + 1}"] == L.NOTICE["en"], name
        if name == "swap":  # the total profit did not move, the checksum did
            assert got["Dashboard"][f"B{L.Dash.check + CHECK_KEYS.index('net_profit') + 1}"] == \
                pytest.approx(a.clients["net_profit"].sum(), rel=1e-9)


def test_cached_check_values_are_the_engines(books):
    p, paths = books
    for lang in ("en", "es"):
        a = analyze(p, lang=lang)
        got = _read_values(paths[lang])[SHEETS["dashboard"][lang]]
        live = [got[f"B{L.Dash.check + j + 1}"] for j in range(len(CHECK_KEYS))]
        snap = [got[f"C{L.Dash.check + j + 1}"] for j in range(len(CHECK_KEYS))]
        np.testing.assert_allclose(live, figures(a), rtol=1e-12)
        np.testing.assert_allclose(snap, figures(a), rtol=1e-12)
        assert got[f"B{L.Dash.flag + 1}"] == 0
