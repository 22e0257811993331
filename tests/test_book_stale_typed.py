"""The stale notice after Recalculate when inputs were typed the way people type them.

A volume typed as text ("1200", "1.200,5"), a rating typed as text, a cost of capital typed
in a percent cell: xlprof reads them (the reading rule), so Recalculate succeeds. The
notice compares, live, the checksum formula over the inputs with its value when the
engine last read them, and the figures the formulas compute with the engine's:

- ``xlprof recalc`` rewrites the inputs as numbers: the notice clears;
- the ribbon's Recalculate leaves the inputs as typed (what you type stays): the checksum's
  snapshot is the formula's own value over them, so the notice clears too -- unless the
  book's formulas cannot read such a text where the engine does (a pool rate divides by a
  SUM of volumes, and SUM skips text): then the book's figures differ from the engine's
  and the notice rightly stays until the number is typed as a number or xlprof recalc.

Each step is recalculated by LibreOffice, en and es.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

import lo
from test_live import read_values
from test_workbook import needs_lo
from xlprof.cli import main
from xlprof.demo import demo_portfolio
from xlprof.excel.recalc import DictSource, plan_recalculation
from xlprof.model import analyze
from xlprof.workbook import layout as L
from xlprof.workbook.book import write_analysis_book
from xlprof.workbook.labels import SHEETS

TIME_ACTIVITY = "Order entry", "Entrada de pedidos"      # time-driven: its rate does not depend on volumes
POOL_ACTIVITY = "Deliveries", "Entregas"                  # pool-based: rate = pool / SUM(volumes)


def _edit(src: Path, out: Path, edits) -> None:
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(src)
    for sheet, ref, value, fmt in edits:
        wb[sheet][ref] = value
        if fmt:
            wb[sheet][ref].number_format = fmt
    wb.save(out)


def _apply(src: Path, out: Path, plan) -> None:
    """Replay the live Recalculate's writes (clears first) into the file, as Excel would."""
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(src)
    for c in plan.clears:
        for i in range(c.nrows):
            for j in range(c.ncols):
                wb[c.sheet].cell(c.row + i + 1, c.col + j + 1).value = None
    for w in [*plan.writes, plan.status]:
        for i, row in enumerate(w.rows):
            for j, v in enumerate(row):
                wb[w.sheet].cell(w.row + i + 1, w.col + j + 1).value = (
                    v[1:] if isinstance(v, str) and v.startswith("'") else v)
    wb.save(out)


def _flag(values: dict, lang: str):
    dash = values[SHEETS["dashboard"][lang]]
    return dash[L.Dash.flag][1], dash[L.Dash.notice][0]


def _typed_edits(path: Path, lang: str, pool: bool):
    rows = read_values(path)
    cl, vol, st = (("Clients", "Volumes", "Settings") if lang == "en" else ("Clientes", "Consumos", "Parámetros"))
    header = rows[vol][0]
    act = (POOL_ACTIVITY if pool else TIME_ACTIVITY)[lang == "es"]
    col = chr(ord("A") + header.index(act))
    rating = chr(ord("A") + rows[cl][0].index("Communication" if lang == "en" else "Comunicación"))
    coc = next(r for r, row in enumerate(rows[st], start=1) if row[0] == "cost_of_capital")
    # read as 1200.5 by xlprof; a formula reads the text by the spreadsheet's locale (this
    # LibreOffice: en-US), so the Spanish book gets a text every locale reads alike
    number = "1,200.5" if lang == "en" else "1200"
    return [(vol, f"{col}3", number, "@"),                  # a volume typed as text
            (cl, f"{rating}4", "2", "@"),                   # a rating typed as text
            (st, f"B{coc}", 0.09, "0%")]                    # a percentage in a percent cell


@pytest.mark.libreoffice
@needs_lo
@pytest.mark.parametrize("lang", ["en", "es"])
def test_recalculate_clears_the_notice_whatever_the_typing(tmp_path, lang):
    p = demo_portfolio(30, lang=lang)
    book = tmp_path / "book.xlsx"
    write_analysis_book(analyze(p, lang=lang), p, book)
    cases = {"time": False, "pool": True}
    typed = {}
    for name, pool in cases.items():
        typed[name] = tmp_path / f"typed-{name}.xlsx"
        _edit(book, typed[name], _typed_edits(book, lang, pool))
    # as Excel shows the typed book before Recalculate: LibreOffice recalculates it
    shown = dict(zip(cases, lo.recalc_many(list(typed.values()), tmp_path / "shown")))
    files, expect = [], []
    for name in cases:
        before = read_values(shown[name])
        assert _flag(before, lang) == (1, L.NOTICE[lang]), (lang, name, "the edits show")
        # the ribbon's Recalculate: what it writes into the open book
        plan = plan_recalculation(DictSource(before), book_name="book.xlsx")
        assert plan.ok, plan.message
        live = tmp_path / f"live-{name}.xlsx"
        _apply(shown[name], live, plan)
        files.append(live)
        expect.append(name == "pool")          # stays: the formulas' SUM skips the text volume
        # xlprof recalc on the file: the inputs become numbers
        redone = tmp_path / f"recalc-{name}.xlsx"
        r = CliRunner().invoke(main, ["recalc", str(typed[name]), "-o", str(redone)])
        assert r.exit_code == 0, r.output
        files.append(redone)
        expect.append(False)
    for path, stays, done in zip(files, expect, lo.recalc_many(files, tmp_path / "after")):
        flag, notice = _flag(read_values(done), lang)
        assert (flag, notice or "") == ((1, L.NOTICE[lang]) if stays else (0, "")), (lang, path.name)


def test_typed_checksum_by_hand(tmp_path):
    """Typed as numbers, the cells give xlprof's own checksum; a volume typed as text counts
    0 in the formula (SUMPRODUCT skips text): row 3 x 1200 x the term's weight less."""
    from xlprof.workbook.check import checksum, terms, typed_checksum

    p = demo_portfolio(12)
    a = analyze(p)
    book = tmp_path / "b.xlsx"
    write_analysis_book(a, p, book)
    sheets = read_values(book)
    assert typed_checksum(a, sheets) == pytest.approx(checksum(a), rel=1e-15)
    k = next(k for k, t in enumerate(terms(a)) if t.source == "volumes" and t.key == "Order entry")
    col = sheets["Volumes"][0].index("Order entry")
    was = sheets["Volumes"][2][col]
    sheets["Volumes"][2][col] = "1200"
    assert typed_checksum(a, sheets) == pytest.approx(checksum(a) - (k + 1) * 3 * was, rel=1e-15)
    # an id typed as a number: LEN(7) = 1; a rating typed as text: 0
    cid = sheets["Clients"][1][0]
    sheets["Clients"][1][0] = 7.0
    k_id = next(k for k, t in enumerate(terms(a)) if t.key == "client_id")
    assert typed_checksum(a, sheets) == pytest.approx(
        checksum(a) - (k + 1) * 3 * was - (k_id + 1) * 2 * (len(cid) - 1), rel=1e-15)
