"""The analysis workbook: LibreOffice agrees with every cached value, edits recalculate as the
engine predicts, regeneration keeps what people typed, output is deterministic, split books
hold only their own clients, text stays text.

LibreOffice tests are marked ``libreoffice``; CI installs it (see .ci/run).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from xlprof.cli import main
from xlprof.model import analyze
from xlprof.model.analysis import make_portfolio
from xlprof.settings import Settings
from xlprof.workbook.book import write_analysis_book
from xlprof.workbook.regen import read_book

try:
    from . import lo
except ImportError:  # tests/ is not a package
    import lo

needs_lo = pytest.mark.skipif(lo.soffice_path() is None, reason="LibreOffice (soffice) is not installed")

EVIL = '=HYPERLINK("http://evil.example","click")'


def edge_portfolio(settings: Settings | None = None):
    """Small portfolio exercising the edge cases of every formula."""
    clients = [
        dict(client_id="A01", client_name="Alpha", account_manager="Ana", revenue=100000, discounts=5000,
             cogs=60000, payment_terms_days=30, days_to_pay=75, values_alignment=2, communication=3.5,
             needs_fit=1, respect_of_terms=2, growth_potential=2, exit_penalty=1000, notice_days=30,
             contract_end=dt.date(2027, 9, 30)),
        dict(client_id="A02", client_name=EVIL, account_manager="Ana", revenue=50000, cogs=20000,
             payment_terms_days=30, days_to_pay=30, notes="+cmd|' /C calc'!A0"),
        dict(client_id="B01", client_name="Bravo", account_manager="Bob", revenue=20000, discounts=20000,
             cogs=1000, bad_debt=500),  # NR = 0
        dict(client_id="B02", client_name="Charlie", account_manager="Bob", revenue=8000, cogs=7000,
             days_to_pay=90, payment_terms_days=60, strategic=True),
        dict(client_id="0007", client_name="Delta", account_manager="Bob", revenue=30000, cogs=25000,
             values_alignment=1, communication=1, needs_fit=1, respect_of_terms=1, growth_potential=5),
        dict(client_id="C01", client_name="Echo", account_manager="Cy", revenue=60000, discounts=1000,
             cogs=30000, growth_potential=4),
    ]
    activities = [
        dict(activity="Orders", driver="orders", behavior="variable", resource="Team", minutes_per_unit=8),
        dict(activity="Visits", driver="visits", behavior="variable", resource="Team", minutes_per_unit=90),
        dict(activity="Freight", driver="shipments", behavior="variable", cost_pool=12000),
        dict(activity="Idle pool", driver="x", behavior="committed_fixed", cost_pool=5000),  # no volume
        dict(activity="Support", driver="tickets", behavior="committed_fixed", rate=45),
    ]
    volumes = [
        dict(client_id="A01", **{"Orders": 400, "Visits": 30, "Freight": 100, "Support": 80}),
        dict(client_id="A02", **{"Orders": 100, "Visits": 2, "Freight": 20, "Support": 5}),
        dict(client_id="B01", **{"Orders": 50, "Freight": 10}),
        dict(client_id="B02", **{"Orders": 10, "Support": 1}),
        dict(client_id="0007", **{"Orders": 300, "Visits": 25, "Freight": 60, "Support": 90}),
        dict(client_id="C01", **{"Orders": 120, "Visits": 4, "Freight": 30, "Support": 10}),
    ]
    # the Team is outsourced per minute: its activities' costs go with a leaving client
    resources = [dict(resource="Team", cost=90000, capacity_hours=1600, behavior="variable")]
    s = settings or Settings(decision_date=dt.date(2026, 12, 1), capacity_constrained=True,
                             value_per_freed_hour=20.0)
    return make_portfolio(clients, activities, volumes, resources, s, source="edge.xlsx")


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    d = tmp_path_factory.mktemp("books")
    p = edge_portfolio()
    out = {}
    for lang in ("en", "es"):
        a = analyze(p, lang=lang)
        path = d / f"edge-{lang}.xlsx"
        write_analysis_book(a, p, path)
        out[lang] = (path, a, p)
    return out


# --- LibreOffice agreement ------------------------------------------------------------


@pytest.mark.libreoffice
@needs_lo
def test_libreoffice_recalculates_every_formula_to_the_cached_value(books, tmp_path):
    from xlprof.demo import demo_portfolio

    demo = demo_portfolio(60)
    demo_book = tmp_path / "demo-60.xlsx"
    write_analysis_book(analyze(demo), demo, demo_book)
    paths = [books["en"][0], books["es"][0], demo_book]
    recalculated = lo.recalc_many(paths, tmp_path / "lo")
    for original, redone in zip(paths, recalculated):
        formulas = lo.read_formula_cells(original)
        assert sum(len(v) for v in formulas.values()) > 200, "the book should hold live formulas"
        mismatches = lo.compare_recalculated(original, redone)
        assert mismatches == [], f"{original.name}: " + "\n".join(mismatches[:20])


@pytest.mark.libreoffice
@needs_lo
def test_editing_an_input_recalculates_as_the_engine_predicts(books, tmp_path):
    """Edit a rating and a volume as a user would (openpyxl), recalculate in LibreOffice,
    and compare the dependent profit and score with the engine run on the edited inputs."""
    import openpyxl

    path, a, p = books["en"]
    edited = tmp_path / "edited.xlsx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path)
    i = list(a.clients["client_id"]).index("C01")
    row = i + 2
    wb["Clients"][f"N{row}"] = 1          # values_alignment 1 (was blank)
    wb["Volumes"][f"C{row}"] = 40         # Visits 4 -> 40
    wb.save(edited)
    redone = lo.recalc(edited, tmp_path / "lo")

    clients = p.clients.copy()
    clients.loc[clients["client_id"] == "C01", "values_alignment"] = 1.0
    vols = p.volumes.copy()
    mask = (vols["client_id"] == "C01") & (vols["activity"] == "Visits")
    assert mask.sum() == 1
    vols.loc[mask, "quantity"] = 40.0
    import dataclasses

    expected = analyze(dataclasses.replace(p, clients=clients, volumes=vols))
    e = expected.clients.set_index("client_id").loc["C01"]
    assert e["net_profit"] != pytest.approx(a.clients.set_index("client_id").loc["C01", "net_profit"])

    got = _read_values(redone)
    prof = got["Profitability"]
    assert prof[f"A{row}"] == "C01"
    assert prof[f"H{row}"] == pytest.approx(e["net_profit"], rel=1e-9)
    assert prof[f"E{row}"] == pytest.approx(e["cost_to_serve"], rel=1e-9)
    scores = got["Scores"]
    assert scores[f"A{row + 1}"] == "C01"
    assert scores[f"J{row + 1}"] == pytest.approx(e["score"], rel=1e-9)
    assert scores[f"K{row + 1}"] == pytest.approx(e["score_coverage"], rel=1e-9)
    # the time-driven rate does not depend on volumes: A01's profit is unchanged
    a01 = expected.clients.set_index("client_id").loc["A01"]
    r01 = list(a.clients["client_id"]).index("A01") + 2
    assert prof[f"A{r01}"] == "A01"
    assert prof[f"H{r01}"] == pytest.approx(a01["net_profit"], rel=1e-9)


def _read_values(book: Path) -> dict[str, dict[str, object]]:
    import python_calamine as pc

    from xlsxwriter.utility import xl_rowcol_to_cell

    wb = pc.CalamineWorkbook.from_path(str(book))
    out = {}
    for name in wb.sheet_names:
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        out[name] = {xl_rowcol_to_cell(r, c): v for r, row in enumerate(rows) for c, v in enumerate(row)}
    return out


# --- cached values are the engine's, readable by pandas -----------------------------------


def test_pandas_reads_numbers_equal_to_the_engine(books):
    path, a, _ = books["en"]
    prof = pd.read_excel(path, sheet_name="Profitability", engine="calamine")
    total = prof.iloc[-1]  # the totals row under the clients
    assert total["Client"] == "Total" and total["Net profit"] == pytest.approx(a.clients["net_profit"].sum())
    prof = prof.iloc[:-1]
    assert list(prof["Client ID"].astype(str)) == list(a.clients["client_id"])
    np.testing.assert_allclose(prof["Net profit"].to_numpy(float), a.clients["net_profit"], rtol=1e-12)
    np.testing.assert_allclose(prof["Cost-to-serve"].to_numpy(float), a.clients["cost_to_serve"], rtol=1e-12)
    scores = pd.read_excel(path, sheet_name="Scores", engine="calamine", skiprows=[1])
    np.testing.assert_allclose(scores["Termination score"].to_numpy(float), a.clients["score"], rtol=1e-12)


def test_values_mode_has_no_formulas(tmp_path):
    p = edge_portfolio()
    path = tmp_path / "values.xlsx"
    n = write_analysis_book(analyze(p), p, path, formulas="values")
    assert n == 0
    assert lo.read_formula_cells(path) == {} or all(not v for v in lo.read_formula_cells(path).values())


def test_formulas_use_only_functions_excel_2016_and_libreoffice_compute(books):
    """No LET/XLOOKUP/FILTER/dynamic arrays; this also justifies skipping XlsxWriter's
    future-function rewriting (book._fast_prepare)."""
    allowed = {"SUM", "SUMPRODUCT", "IF", "MAX", "MIN", "AND", "OR", "INDEX", "MATCH", "COUNTA",
               "COUNTIF", "SUMIF", "SUBTOTAL", "ROW", "LEN", "ABS", "IFERROR"}
    for lang in ("en", "es"):
        cells = lo.read_formula_cells(books[lang][0])
        used = set()
        for sheet in cells.values():
            for formula, _ in sheet.values():
                used |= set(re.findall(r"([A-Z][A-Z0-9.]*)\(", re.sub(r'"[^"]*"', "", formula)))
        assert used <= allowed, used - allowed


# --- text stays text ---------------------------------------------------------------------


def test_text_from_inputs_is_never_a_formula(books):
    for lang in ("en", "es"):
        path = books[lang][0]
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.startswith("xl/worksheets/"):
                    xml = z.read(name).decode()
                    assert "HYPERLINK" not in xml.replace("&quot;", '"').split("<f>")[0] or \
                        not re.search(r"<f>[^<]*HYPERLINK", xml)
                    assert not re.search(r"<f>[^<]*(HYPERLINK|cmd)", xml)
        vals = _read_values(path)
        clients = vals["Clients" if lang == "en" else "Clientes"]
        assert EVIL in clients.values()
        assert "+cmd|' /C calc'!A0" in clients.values()


# --- determinism -------------------------------------------------------------------------


def test_same_inputs_give_byte_identical_workbooks(tmp_path):
    p = edge_portfolio()
    a = analyze(p)
    write_analysis_book(a, p, tmp_path / "a.xlsx")
    write_analysis_book(analyze(edge_portfolio()), edge_portfolio(), tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.xlsx") as z:
        assert str(tmp_path) not in "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


def test_cli_generate_is_deterministic_and_reads_back(tmp_path):
    runner = CliRunner()
    src = tmp_path / "in.xlsx"
    from xlprof.workbook.inputs import write_input_workbook

    write_input_workbook(edge_portfolio(), src)
    for out in ("o1", "o2"):
        r = runner.invoke(main, ["generate", str(src), "-o", str(tmp_path / out)])
        assert r.exit_code == 0, r.output
    b1 = (tmp_path / "o1" / "in-analysis.xlsx").read_bytes()
    assert b1 == (tmp_path / "o2" / "in-analysis.xlsx").read_bytes()
    again = analyze(read_book(tmp_path / "o1" / "in-analysis.xlsx"))
    base = analyze(edge_portfolio())
    pd.testing.assert_series_equal(again.clients["net_profit"], base.clients["net_profit"])
    assert list(again.clients["action"]) == list(base.clients["action"])


# --- regeneration keeps what people typed --------------------------------------------------


def _type_into(book: Path, edits: dict[str, dict[str, object]], out: Path) -> None:
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(book)
    for sheet, cells in edits.items():
        for ref, v in cells.items():
            cell = wb[sheet][ref]
            cell.value = v
            if isinstance(v, str) and v.startswith("="):
                cell.data_type = "s"  # typed as text (Excel: a leading apostrophe)
    wb.save(out)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_regeneration_round_trip_keeps_statuses_notes_and_ratings(books, tmp_path, lang):
    path, a, p = books[lang]
    plan_sheet = "TransitionPlan" if lang == "en" else "PlanTransición"
    clients_sheet = "Clients" if lang == "en" else "Clientes"
    assert len(a.plan) >= 10, "the edge portfolio has a client to terminate"
    first = a.plan.iloc[0]
    done = "done" if lang == "en" else "hecho"
    typed = tmp_path / "typed.xlsx"
    i = list(a.clients["client_id"]).index("C01")
    _type_into(path, {
        plan_sheet: {"H2": done, "I2": "=called them, see mail", "H3": "in progress", "I3": "waiting"},
        clients_sheet: {f"O{i + 2}": 4.5, f"T{i + 2}": "renegotiated price in Q3"},
    }, typed)
    runner = CliRunner()
    r = runner.invoke(main, ["recalc", str(typed)])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "typed.bak.xlsx").exists()
    back = read_book(typed)
    plan = back.plan.set_index(["client_id", "task"])
    assert plan.loc[(first["client_id"], first["task"]), "status"] == "done"
    assert plan.loc[(first["client_id"], first["task"]), "notes"] == "=called them, see mail"
    assert plan.loc[(a.plan.iloc[1]["client_id"], a.plan.iloc[1]["task"]), "status"] == "in_progress"
    c = back.clients.set_index("client_id")
    assert c.loc["C01", "communication"] == 4.5
    assert c.loc["C01", "notes"] == "renegotiated price in Q3"
    # the note that looks like a formula is still text in the regenerated book
    with zipfile.ZipFile(typed) as z:
        assert not any(re.search(r"<f>[^<]*called them", z.read(n).decode("utf-8", "replace"))
                       for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_task_of_a_client_leaving_the_plan_moves_to_the_archive(books, tmp_path):
    path, a, p = books["en"]
    leaving = a.plan["client_id"].iloc[0]
    typed = tmp_path / "typed.xlsx"
    i = list(a.clients["client_id"]).index(leaving)
    _type_into(path, {"TransitionPlan": {"H2": "in progress", "I2": "first call done"},
                      "Clients": {f"S{i + 2}": "yes"}}, typed)  # now strategic -> leaves the plan
    r = CliRunner().invoke(main, ["recalc", str(typed), "--no-backup"])
    assert r.exit_code == 0, r.output
    assert not (tmp_path / "typed.bak.xlsx").exists()
    back = read_book(typed)
    assert leaving not in set(back.plan["client_id"])
    arch = back.archive.set_index(["client_id", "task"])
    task = a.plan["task"].iloc[0]
    assert arch.loc[(leaving, task), "status"] == "in_progress"
    assert arch.loc[(leaving, task), "notes"] == "first call done"
    # and it comes back with what was typed when the client is no longer strategic
    _type_into(typed, {"Clients": {f"S{i + 2}": "no"}}, typed)
    assert CliRunner().invoke(main, ["recalc", str(typed), "--no-backup"]).exit_code == 0
    again = read_book(typed)
    plan = again.plan.set_index(["client_id", "task"])
    assert plan.loc[(leaving, task), "notes"] == "first call done"
    assert leaving not in set(again.archive["client_id"])


# --- split books -----------------------------------------------------------------------------


def test_split_books_hold_only_their_clients_with_portfolio_numbers(tmp_path):
    from xlprof.workbook.inputs import write_input_workbook

    src = tmp_path / "in.xlsx"
    p = edge_portfolio()
    write_input_workbook(p, src)
    r = CliRunner().invoke(main, ["generate", str(src), "-o", str(tmp_path / "out"), "--split-by",
                                  "account_manager", "--jobs", "2"])
    assert r.exit_code == 0, r.output
    full = analyze(p)
    by_manager = full.clients.groupby("account_manager")["client_id"].apply(set).to_dict()
    names = dict(zip(full.clients["client_id"], full.clients["client_name"]))
    for manager, own in by_manager.items():
        book = tmp_path / "out" / f"in-analysis-{manager}.xlsx"
        assert book.exists(), sorted(p.name for p in (tmp_path / "out").iterdir())
        text = _all_text(book)
        for cid, name in names.items():
            if cid not in own:
                assert cid not in text and name not in text, (manager, cid)
        sub = analyze(read_book(book))
        merged = sub.clients.set_index("client_id")
        ref = full.clients.set_index("client_id").loc[sorted(own)]
        np.testing.assert_allclose(merged.loc[sorted(own), "net_profit"], ref["net_profit"], rtol=1e-9)
        np.testing.assert_allclose(merged.loc[sorted(own), "score"].astype(float), ref["score"].astype(float),
                                   rtol=1e-9)
        # regenerating the split book from itself keeps the portfolio's tiers, quadrants, actions
        for col in ("tier", "quadrant", "action"):
            assert list(merged.loc[sorted(own), col]) == list(ref[col]), (manager, col)
        # the split book's cached values are the portfolio's
        prof = pd.read_excel(book, sheet_name="Profitability", engine="calamine").iloc[:-1].set_index("Client ID")
        assert list(prof["Tier"]) == [__import__("xlprof.i18n").i18n.label(t) for t in ref["tier"]]
    assert (tmp_path / "out" / "in-analysis.xlsx").exists()


def _all_text(book: Path) -> str:
    with zipfile.ZipFile(book) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


# --- bad inputs leave files untouched -----------------------------------------------------


def test_bad_input_to_generate_and_recalc_leaves_existing_files_untouched(books, tmp_path):
    import openpyxl

    path, a, p = books["en"]
    out = tmp_path / "out"
    out.mkdir()
    book = tmp_path / "book.xlsx"
    shutil.copy(path, book)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(book)
    wb["Clients"]["E3"] = "n/a"
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    existing = out / "bad-analysis.xlsx"
    existing.write_bytes(b"previous version")
    r = CliRunner().invoke(main, ["generate", str(bad), "-o", str(out)])
    assert r.exit_code == 1
    assert "sheet Clients, row 3, column Revenue" in r.output and "'n/a' is not a number" in r.output
    assert existing.read_bytes() == b"previous version"
    before = bad.read_bytes()
    r = CliRunner().invoke(main, ["recalc", str(bad)])
    assert r.exit_code == 1
    assert "sheet Clients, row 3, column Revenue" in r.output and "'n/a' is not a number" in r.output
    assert bad.read_bytes() == before
    assert not (tmp_path / "bad.bak.xlsx").exists()
    assert sorted(x.name for x in tmp_path.iterdir() if x.name.startswith(".")) == []


def test_batch_with_one_bad_input_writes_the_others_and_exits_5(books, tmp_path):
    good = books["en"][0]
    r = CliRunner().invoke(main, ["generate", str(good), str(tmp_path / "missing.xlsx"), "-o", str(tmp_path / "o")])
    assert r.exit_code == 5, r.output
    assert (tmp_path / "o" / "edge-en-analysis.xlsx").exists()
    assert "missing.xlsx" in r.output and "FAILED" in r.output


def test_template_reads_back_as_a_valid_portfolio(tmp_path):
    for lang in ("en", "es"):
        t = tmp_path / f"t-{lang}.xlsx"
        r = CliRunner().invoke(main, ["template", "-o", str(t), "--lang", lang])
        assert r.exit_code == 0, r.output
        r = CliRunner().invoke(main, ["validate", str(t), "--lang", "en"])   # es: "3 clientes"
        assert r.exit_code == 0, r.output
        assert "3 clients" in r.output


def test_samples_check_detects_stale_files(tmp_path):
    r = CliRunner().invoke(main, ["samples", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert CliRunner().invoke(main, ["samples", str(tmp_path), "--check"]).exit_code == 0
    victim = tmp_path / "xlprof-template-es.xlsx"
    victim.write_bytes(victim.read_bytes() + b"x")
    r = CliRunner().invoke(main, ["samples", str(tmp_path), "--check"])
    assert r.exit_code == 1 and "xlprof-template-es.xlsx" in r.output
