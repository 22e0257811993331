"""How reading problems are told: counts in words ("1 problem", "3 problems"), in English and
Spanish, on the command line and in Recalculate's message."""

from __future__ import annotations

import datetime as dt

import pytest

from _inputs import expect, problem_lines, run, set_cells
from xlprof.errors import EXIT_INPUT
from xlprof.excel.recalc_text import text


def test_the_command_line_counts_problems_in_words(tmp_path):
    one = set_cells(tmp_path, "Clients", {"E3": "n/a"}, name="one.xlsx")
    out = expect(run("validate", one), EXIT_INPUT)
    assert out.startswith("xlprof: problem in the inputs:\n") and len(problem_lines(out)) == 1
    two = set_cells(tmp_path, "Clients", {"E3": "n/a", "E4": "lots"}, name="two.xlsx")
    out = expect(run("validate", two), EXIT_INPUT)
    assert out.startswith("xlprof: 2 problems in the inputs:\n") and len(problem_lines(out)) == 2
    assert "(s)" not in out


@pytest.mark.parametrize("lang, count, start", [
    ("en", 1, "Nothing was changed: 1 problem in the inputs.\n\n- x\n\nCorrect it and press"),
    ("en", 3, "Nothing was changed: 3 problems in the inputs.\n\n- x\n\nCorrect them and press"),
    ("en", 1200, "Nothing was changed: 1,200 problems in the inputs."),
    ("es", 1, "No se ha cambiado nada: 1 problema en los datos.\n\n- x\n\nCorríjalo y pulse"),
    ("es", 3, "No se ha cambiado nada: 3 problemas en los datos.\n\n- x\n\nCorríjalos y pulse"),
    ("es", 1200, "No se ha cambiado nada: 1.200 problemas en los datos."),
])
def test_recalculate_counts_problems_in_words(lang, count, start):
    assert text("bad_inputs", lang, count=count, problems="- x").startswith(start)


def test_recalculate_names_one_lost_sheet_or_several(tmp_path):
    from test_live import read_values, small_portfolio

    from xlprof.excel.live import DictSource, plan_recalculation
    from xlprof.model import analyze
    from xlprof.workbook.book import write_analysis_book

    p = small_portfolio()
    path = tmp_path / "small.xlsx"
    write_analysis_book(analyze(p), p, path)
    sheets = read_values(path)
    now = dt.datetime(2026, 12, 2)
    one = {k: v for k, v in sheets.items() if k != "Rates"}
    rec = plan_recalculation(DictSource(one), book_name="small.xlsx", now=now)
    assert rec.message.startswith("This xlprof workbook lost its sheet Rates. Nothing was changed.")
    two = {k: v for k, v in one.items() if k != "Scores"}
    rec = plan_recalculation(DictSource(two), book_name="small.xlsx", now=now)
    assert rec.message.startswith("This xlprof workbook lost its sheets Rates, Scores. Nothing was changed.")
    assert text("missing", "es", count=1, sheets="Tarifas", regen="").startswith(
        "A este libro de xlprof le falta la hoja Tarifas.")
