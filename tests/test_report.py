"""What ``xlprof score`` and ``xlprof generate`` print about the economics: the JSON keys of
design.md section 6 (with ``drop_impact_ledger``), Spanish number formatting in the table, and
the exit scenario repeated after a generate (where the book went, the change for the period,
the death-spiral warning). Hand-worked portfolio: the death-spiral example of test_model.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd
import pytest
from click.testing import CliRunner

from xlprof.cli import main
from xlprof.model.analysis import make_portfolio
from xlprof.report import number
from xlprof.settings import Settings
from xlprof.workbook.inputs import write_input_workbook


def spiral_input(tmp_path, lang="en"):
    """kam: committed pool 3,000 over 3 accounts = 1,000 each; audit 200, only L uses it.

    L: 10,000 - 9,000 - (ship 4,000 + kam 1,000 + audit 200) = -4,200 (margin -42 %);
       four ratings of 1 -> score 100; drop impact -10,000 + 9,000 + ship 4,000 - penalty 500
       = 2,500 (no financing: ledger and economic agree) -> terminate.
    A: 20,000 - 10,000 - (ship 1,000 + kam 1,000) = 8,000;  B: 10,000 - 8,600 - kam 1,000 = 400.
    L leaves: kam 3,000 re-spread over A and B, 1,500 each: B 400 - 500 = -100 -> new Lead.
    Recurring change +3,000; one-off penalty 500; change for the period +2,500.
    """
    ratings = dict(values_alignment=1, communication=1, needs_fit=1, respect_of_terms=1)
    clients = [dict(client_id="L", revenue=10_000.0, cogs=9_000.0, exit_penalty=500.0, **ratings),
               dict(client_id="A", revenue=20_000.0, cogs=10_000.0),
               dict(client_id="B", revenue=10_000.0, cogs=8_600.0)]
    acts = [{"activity": "ship", "behavior": "variable", "rate": 1.0},
            {"activity": "kam", "behavior": "committed_fixed", "cost_pool": 3_000.0},
            {"activity": "audit", "behavior": "committed_fixed", "rate": 200.0}]
    vols = pd.DataFrame([("L", "ship", 4_000), ("L", "kam", 1), ("L", "audit", 1), ("A", "ship", 1_000),
                         ("A", "kam", 1), ("B", "kam", 1)], columns=["client_id", "activity", "quantity"])
    p = make_portfolio(clients, acts, vols, settings=Settings(decision_date=dt.date(2026, 3, 2)))
    path = tmp_path / f"spiral-{lang}.xlsx"
    write_input_workbook(p, path, lang=lang)
    return path


@pytest.mark.parametrize("x, spec, en, es", [
    (1234567.891, ",.2f", "1,234,567.89", "1.234.567,89"),
    (-1825.0, ",.0f", "-1,825", "-1.825"),
    (-0.05, ".1%", "-5.0%", "-5,0%"),
    (float("nan"), ",.0f", "", ""),
])
def test_number_in_each_language(x, spec, en, es):
    assert number(x, spec, "en") == en
    assert number(x, spec, "es") == es


def test_score_table_in_spanish_writes_numbers_the_spanish_way(tmp_path):
    src = spiral_input(tmp_path)
    r = CliRunner().invoke(main, ["score", str(src), "--lang", "es"])
    assert r.exit_code == 0, r.output
    rows = {line.split()[0]: line for line in r.output.splitlines() if line[:1] in "LAB" and "  " in line}
    # A 8,000 (40 %), B 400 (4 %), L -4,200 (-42 %)
    assert re.search(r"8\.000\s+40,0%", rows["A"]), rows["A"]
    assert re.search(r"400\s+4,0%", rows["B"]), rows["B"]
    assert re.search(r"-4\.200\s+-42,0%", rows["L"]), rows["L"]
    # P = 8,000 + 400 - 4,200 = 4,200; losses -4,200
    assert "Beneficio neto: 4.200 EUR  Clientes con pérdidas: 1 (-4.200 EUR)" in r.output
    assert ("escenario de salida: 1 cliente(s) a terminar; beneficio del periodo +2.500 EUR "
            "(recurrente +3.000, penalizaciones puntuales 500)") in r.output
    # no number written the English way anywhere
    assert not re.search(r"\d,\d{3}\b|\d\.\d%", r.output), r.output
    en = CliRunner().invoke(main, ["score", str(src)])
    assert "Net profit: 4,200 EUR  Loss-making clients: 1 (-4,200 EUR)" in en.output
    assert ("exit scenario: 1 client(s) to terminate; profit for the period +2,500 EUR "
            "(recurring +3,000, one-off penalties 500)") in en.output


def test_score_json_has_both_drop_impacts_and_the_scenario(tmp_path):
    r = CliRunner().invoke(main, ["score", str(spiral_input(tmp_path)), "--format", "json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    c = {x["client_id"]: x for x in out["clients"]}
    assert c["L"]["drop_impact"] == pytest.approx(2_500.0)
    assert c["L"]["drop_impact_ledger"] == pytest.approx(2_500.0)
    assert c["A"]["drop_impact_ledger"] == pytest.approx(-20_000 + 10_000 + 1_000)  # ship only: -9,000
    for key in ("client_id", "net_revenue", "gross_margin", "cost_to_serve", "financing_cost", "net_profit",
                "net_margin", "service_hours", "profit_per_hour", "cumulative_profit_share", "tier",
                "quadrant", "score", "score_coverage", "action", "drop_impact", "drop_impact_ledger",
                "exit_gain", "freed_hours", "exit_date", "reasons"):
        assert key in c["L"], key
    sc = out["summary"]["exit_scenario"]
    assert sc["change"] == pytest.approx(2_500.0) and sc["penalties"] == pytest.approx(500.0)
    assert sc["recurring_change"] == pytest.approx(3_000.0)
    assert sc["sum_drop_impact"] == pytest.approx(2_500.0)
    assert sc["new_lead_clients"] == ["B"]
    csv = CliRunner().invoke(main, ["score", str(spiral_input(tmp_path)), "--format", "csv"])
    assert "drop_impact_ledger" in csv.output.splitlines()[0].split(",")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_generate_says_where_it_wrote_and_repeats_the_exit_scenario(tmp_path, lang):
    src = spiral_input(tmp_path)
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["generate", str(src), "-o", str(out), "--lang", lang])
    assert r.exit_code == 0, r.output
    target = out / "spiral-en-analysis.xlsx"
    assert target.exists()
    assert f"wrote {target}" in r.output
    if lang == "en":
        assert ("exit scenario: 1 client(s) to terminate; profit for the period +2,500 EUR "
                "(recurring +3,000, one-off penalties 500)") in r.output
        assert ("! after the exits, 1 more client(s) become loss-making (Lead): re-spread committed costs"
                in r.output)
    else:
        assert "beneficio del periodo +2.500 EUR (recurrente +3.000, penalizaciones puntuales 500)" in r.output
        assert "! tras las salidas, 1 cliente(s) más pasan a perder dinero (Plomo)" in r.output
