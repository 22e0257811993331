"""Split books regenerated from themselves keep the freed-capacity cost.

A split book carries the portfolio's rates: given rates as values, and its time-driven
activities on the group's slice of each resource (the hours its clients use at the
portfolio's cost per hour). So ``xlprof recalc`` of the split book still counts the
minutes on a committed resource as freed capacity (it used to show 0: the split book
carried them as given rates, which free nothing) and LibreOffice agrees with every cell.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

import lo
from test_split import _two_group_portfolio
from test_workbook import needs_lo
from xlprof.cli import main
from xlprof.workbook.inputs import write_input_workbook
from xlprof.workbook.layout import DROP_COLS, RATE_COLS

# calls: 6 min each at 6,000 / (100 h x 60) = 1 a minute -> 6 a call; Team is salaried (committed)
# Ana: L 300 calls -> 1,800 of freed capacity, A 200 calls -> 1,200 (total 3,000; 50 h)
# Bob: M 100 calls -> 600, B 400 calls -> 2,400 (total 3,000; 50 h)
FREED = {"Ana": {"A": 1_200.0, "L": 1_800.0}, "Bob": {"B": 2_400.0, "M": 600.0}}


def freed(book: Path) -> tuple[dict[str, float], dict[str, float]]:
    wb = CalamineWorkbook.from_path(str(book))
    drop = wb.get_sheet_by_name("DropImpact").to_python()
    k, cost = DROP_COLS.index("client_id"), DROP_COLS.index("freed_capacity_cost")
    per_client = {r[k]: r[cost] for r in drop[1:-1]}
    rates = wb.get_sheet_by_name("Rates").to_python()
    flag = RATE_COLS.index("freed_capacity")
    return per_client, {r[0]: r[flag] for r in rates[1:-1]}


@pytest.fixture(scope="module")
def split_books(tmp_path_factory):
    d = tmp_path_factory.mktemp("split")
    src = d / "input.xlsx"
    write_input_workbook(_two_group_portfolio(), src)
    r = CliRunner().invoke(main, ["generate", str(src), "-o", str(d / "out"), "--split-by", "account_manager"])
    assert r.exit_code == 0, r.output
    return {m: d / "out" / f"input-analysis-{m}.xlsx" for m in FREED}


def test_a_regenerated_split_book_keeps_the_freed_capacity_cost(split_books, tmp_path):
    for manager, want in FREED.items():
        book = split_books[manager]
        before, flags = freed(book)
        assert before == pytest.approx(want), manager
        assert flags == {"calls": 1.0, "ship": 0.0}
        again = tmp_path / f"{manager}-again.xlsx"
        r = CliRunner().invoke(main, ["recalc", str(book), "-o", str(again)])
        assert r.exit_code == 0, r.output
        after, flags = freed(again)
        assert after == pytest.approx(want), manager      # was 0 for every client
        assert flags == {"calls": 1.0, "ship": 0.0}


@pytest.mark.libreoffice
@needs_lo
def test_split_books_agree_with_libreoffice(split_books, tmp_path):
    """The freed-capacity flag is a formula (committed and measured in time); in a split
    book the time-driven rate is given, and LibreOffice used to compute 0 for it."""
    books = [split_books["Ana"]]
    again = tmp_path / "Ana-again.xlsx"
    assert CliRunner().invoke(main, ["recalc", str(books[0]), "-o", str(again)]).exit_code == 0
    books.append(again)
    for book, recalculated in zip(books, lo.recalc_many(books, tmp_path / "lo")):
        assert lo.compare_recalculated(book, recalculated) == [], book.name


def test_a_split_book_says_what_its_resources_are(split_books):
    """Its Resources sheet holds the group's slice: the README sheet says so."""
    wb = CalamineWorkbook.from_path(str(split_books["Ana"]))
    text = " ".join(str(r[0]) for r in wb.get_sheet_by_name("README").to_python() if r and r[0])
    assert "Split book" in text and "slice of each resource" in text
    res = wb.get_sheet_by_name("Resources").to_python()
    # Ana's calls: 300 + 200 at 6 min = 50 h of Team, at 60 an hour
    assert res[1][:3] == ["Team", pytest.approx(3_000.0), pytest.approx(50.0)]
