"""``xlprof ingest`` reads the sources workbook's Settings through the input workbook's own
reader (``read_settings``): every problem of the sheet is told with the others of the book, in
one report, and its ``date_order`` / ``decimal_separator`` read the period and the raw files --
even when another setting in the sheet is wrong.
"""

from __future__ import annotations

import datetime as dt

from click.testing import CliRunner

from xlprof.cli import main
from xlprof.ingest import ingest_portfolio
from xlprof.ingest.template import write_sources_book

PERIOD = [("period_start", dt.date(2025, 1, 1)), ("period_end", dt.date(2025, 12, 31))]
LINES = "client,date,amount\nC1,2025-01-02,1.234\nC2,2025-01-03,2.500\n"


def _book(tmp_path, settings, *, text=LINES, kind="sales_lines"):
    (tmp_path / "s.csv").write_text(text, encoding="utf-8")
    book = tmp_path / "src.xlsx"
    write_sources_book(book, sources=[dict(source="s", path="s.csv", kind=kind, client_column="client",
                                           date_column="date", net_amount_column="amount")],
                       drivers=[dict(activity="Lines", source="s", measure="rows", behavior="variable", rate=1)],
                       settings=settings)
    return book


def _ingest(book, tmp_path):
    r = CliRunner().invoke(main, ["ingest", str(book), "-o", str(tmp_path / "o.xlsx")])
    assert "Traceback" not in r.output and "internal error" not in r.output, r.output
    return r


def test_the_settings_decimal_separator_reads_the_raw_files(tmp_path):
    # '1.234' and '2.500' read two ways; the sources book's Settings decide
    p, _, _ = ingest_portfolio(_book(tmp_path, [*PERIOD, ("decimal_separator", ",")]))
    assert sorted(p.clients["revenue"]) == [1234.0, 2500.0]
    p, _, _ = ingest_portfolio(_book(tmp_path, [*PERIOD, ("decimal_separator", ".")]))
    assert sorted(p.clients["revenue"]) == [1.234, 2.5]


def test_every_settings_problem_is_told_with_the_books_others(tmp_path):
    # two bad settings and a Drivers row naming an unknown source: one report, three lines
    book = tmp_path / "src.xlsx"
    (tmp_path / "s.csv").write_text(LINES, encoding="utf-8")
    write_sources_book(book, sources=[dict(source="s", path="s.csv", kind="sales_lines", client_column="client",
                                           date_column="date", net_amount_column="amount")],
                       drivers=[dict(activity="Lines", source="nowhere", measure="rows", behavior="variable",
                                     rate=1)],
                       settings=[*PERIOD, ("cost_of_capital", "lots"), ("decimal_separator", ";")])
    r = _ingest(book, tmp_path)
    assert r.exit_code == 1, r.output
    lines = [ln.strip() for ln in r.output.splitlines() if ln.startswith("  ")]
    assert len(lines) == 3, r.output
    assert any("sheet Drivers" in ln and "nowhere" in ln for ln in lines), r.output
    assert any("sheet Settings, row 4, column value: setting cost_of_capital: 'lots' is not a number" in ln
               for ln in lines), r.output
    assert any("sheet Settings, row 5, column value: decimal_separator must be one of auto, ., ,, got ';'" in ln
               for ln in lines), r.output
    assert not (tmp_path / "o.xlsx").exists()


def test_a_bad_setting_does_not_lose_the_reading_keys(tmp_path):
    # cost_of_capital is wrong, decimal_separator ',' is right: the one problem told is the
    # real one, never "'1.234' can be read two ways; set decimal_separator"
    book = _book(tmp_path, [*PERIOD, ("cost_of_capital", "lots"), ("decimal_separator", ",")])
    r = _ingest(book, tmp_path)
    assert r.exit_code == 1
    assert "cost_of_capital: 'lots' is not a number" in r.output
    assert "decimal_separator to" not in r.output and "1.234" not in r.output


def test_the_period_follows_the_settings_date_order(tmp_path):
    settings = [("period_start", "02/01/2025"), ("period_end", "31/12/2025")]
    r = _ingest(_book(tmp_path, settings), tmp_path)
    assert r.exit_code == 1 and "'02/01/2025'" in r.output and "date_order" in r.output
    _, ing, _ = ingest_portfolio(_book(tmp_path, [*settings, ("date_order", "dmy"), ("decimal_separator", ",")]))
    assert (ing.start, ing.end) == (dt.date(2025, 1, 2), dt.date(2025, 12, 31))
    _, ing, _ = ingest_portfolio(_book(tmp_path, [("period_start", "01/02/2025"), ("period_end", "12/31/2025"),
                                                  ("date_order", "mdy"), ("decimal_separator", ",")]))
    assert (ing.start, ing.end) == (dt.date(2025, 1, 2), dt.date(2025, 12, 31))
