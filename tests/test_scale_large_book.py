"""Large-book mode (:mod:`xlprof.workbook.large`): past ``LARGE_BOOK_CLIENTS`` clients
``generate`` writes a values-only summary book and every client to a Parquet and a CSV file
beside it, which the book's README names; ``recalc`` refuses the summary book. The threshold
is lowered here so that a small portfolio takes the same path."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from xlprof.cli import main
from xlprof.demo import demo_portfolio
from xlprof.model import analyze
from xlprof.workbook import large
from xlprof.workbook.inputs import write_input_workbook


@pytest.fixture()
def generated(tmp_path, monkeypatch):
    monkeypatch.setattr(large, "LARGE_BOOK_CLIENTS", 100)
    p = demo_portfolio(150)
    src = tmp_path / "big.xlsx"
    write_input_workbook(p, src)
    r = CliRunner().invoke(main, ["generate", str(src), "-o", str(tmp_path / "out")])
    assert r.exit_code == 0, r.output
    return tmp_path / "out", src


def test_side_files_hold_every_client_and_the_book_says_where(generated):
    out, src = generated
    book = out / "big-analysis.xlsx"
    parquet, csv_path = out / "big-analysis-clients.parquet", out / "big-analysis-clients.csv"
    assert sorted(f.name for f in out.iterdir()) == sorted([book.name, parquet.name, csv_path.name])

    # the CSV is exactly what `xlprof score --format csv` prints
    printed = CliRunner().invoke(main, ["score", str(src), "--format", "csv"])
    assert csv_path.read_text(encoding="utf-8") == printed.stdout

    # the Parquet file: every client, the engine's figures, typed
    from xlprof.io.reader import read_portfolio

    a = analyze(read_portfolio(src))
    con = duckdb.connect()
    got = con.execute(f"SELECT client_id, net_profit, score, tier, exit_date FROM '{parquet}' ORDER BY client_id").df()
    assert len(got) == len(a.clients) == 150
    assert got["client_id"].tolist() == a.clients["client_id"].tolist()
    np.testing.assert_array_equal(got["net_profit"].to_numpy(), a.clients["net_profit"].to_numpy())
    np.testing.assert_array_equal(got["score"].to_numpy(), a.clients["score"].to_numpy())
    assert got["tier"].tolist() == a.clients["tier"].tolist()
    types = {r[0]: r[1] for r in con.execute(f"DESCRIBE SELECT * FROM '{parquet}'").fetchall()}
    assert types["net_profit"] == "DOUBLE" and types["client_id"] == "VARCHAR" and types["exit_date"] == "DATE"

    # the book: its README names both files and the count; the top list is the engine's ranking
    wb = CalamineWorkbook.from_path(str(book))
    assert wb.sheet_names == ["README", "Summary", "Tiers", "WhaleCurve", "Activities", "TopClients",
                              "BottomClients"]
    readme = "\n".join(str(row[0]) for row in wb.get_sheet_by_name("README").to_python())
    assert parquet.name in readme and csv_path.name in readme and "150 clients" in readme
    top = wb.get_sheet_by_name("TopClients").to_python()[1:]
    best = a.clients.sort_values("net_profit", ascending=False)
    assert [r[0] for r in top] == best["client_id"].head(len(top)).tolist()
    assert top[0][4] == pytest.approx(best["net_profit"].iloc[0])
    summary = {row[0]: row[1] for row in wb.get_sheet_by_name("Summary").to_python()}
    assert summary["Clients"] == 150
    assert summary["Net profit of the clients"] == pytest.approx(a.clients["net_profit"].sum())


def test_recalc_refuses_the_summary_book(generated):
    out, _ = generated
    book = out / "big-analysis.xlsx"
    before = book.read_bytes()
    r = CliRunner().invoke(main, ["recalc", str(book)])
    assert r.exit_code == 1
    assert "is the summary book of a large portfolio" in r.output
    assert "xlprof generate INPUT -o FOLDER" in r.output
    assert book.read_bytes() == before


def test_the_whale_curve_keeps_its_peak_and_ends():
    a = analyze(demo_portfolio(400))
    large.WHALE_POINTS, saved = 7, large.WHALE_POINTS
    try:
        w = large.whale_points(a)
    finally:
        large.WHALE_POINTS = saved
    share = a.whale["cumulative_profit_share"].to_numpy(float)
    assert w["rank"].iloc[0] == 1 and w["rank"].iloc[-1] == len(a.whale)
    if np.isfinite(share).any():
        assert np.nanmax(share) in w["cumulative_profit_share"].tolist()
