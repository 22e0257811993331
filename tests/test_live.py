"""The ribbon's Recalculate (``xlprof.main`` -> ``xlprof.excel.live.recalculate_book``).

The live path runs against xlwings' own Book object model: the remote engine
(``tests/remote_book.py``) in a subprocess, fed with the values Excel would send
(a generated analysis workbook read with python-calamine: formula cells as their
cached values). Its recorded writes are replayed and compared with what
``xlprof recalc`` writes to a file for the same, equally edited, inputs.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

from remote_book import apply_actions, make_payload, run_in_remote_book
from xlprof.cli import main as cli
from xlprof.demo import demo_portfolio
from xlprof.excel.live import DictSource, excel_text, plan_recalculation, status_of
from xlprof.model import analyze
from xlprof.model.analysis import make_portfolio
from xlprof.settings import Settings
from xlprof.workbook import layout as L
from xlprof.workbook.book import write_analysis_book
from xlprof.workbook.labels import SHEETS
from xlprof.workbook.regen import read_book

INPUT_SHEETS = ("Settings", "Clients", "Activities", "Volumes", "Resources")
EVIL = '=HYPERLINK("http://evil.example","click")'


def read_values(path: Path) -> dict[str, list[list]]:
    """What Excel would send: every sheet from A1, formula cells as cached values."""
    import python_calamine as pc

    wb = pc.CalamineWorkbook.from_path(str(path))
    try:
        return {n: [list(r) for r in wb.get_sheet_by_name(n).to_python(skip_empty_area=False)]
                for n in wb.sheet_names}
    finally:
        wb.close()


def shown(v):
    """A cell as a user sees it: blanks None, numbers float, dates 'YYYY-MM-DD', and text
    without the apostrophe Excel hides (the live writer's text escape)."""
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()[:10]
    if isinstance(v, str):
        if v.startswith("'"):
            v = v[1:]
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}(T00:00:00(\.000)?Z?| 00:00:00)?", v):
            return v[:10]
    return v


def cell(sheets, name, r, c):
    rows = sheets.get(name, [])
    return rows[r][c] if r < len(rows) and c < len(rows[r]) else None


def rect_of(action):
    return (action["start_row"], action["start_column"], action["row_count"], action["column_count"])


def overlaps(a, b) -> bool:
    (r1, c1, h1, w1), (r2, c2, h2, w2) = a, b
    return r1 < r2 + h2 and r2 < r1 + h1 and c1 < c2 + w2 and c2 < c1 + w1


def edit_file(src: Path, edits, out: Path) -> None:
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(src)
    for sheet, r, c, v in edits:
        x = wb[sheet].cell(row=r + 1, column=c + 1)
        x.value = v
        if isinstance(v, str) and v.startswith("="):
            x.data_type = "s"  # typed as text, as Excel stores '=...
    wb.save(out)


def edit_sheets(sheets, edits):
    out = {n: [list(r) for r in rows] for n, rows in sheets.items()}
    for sheet, r, c, v in edits:
        out[sheet][r][c] = v
    return out


# --- the demo book and the edits a finance user makes ------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    d = tmp_path_factory.mktemp("live")
    p = demo_portfolio(60)
    a = analyze(p)
    path = d / "demo.xlsx"
    write_analysis_book(a, p, path)
    return path, a, p, read_values(path)


def _find_edits(a, p, sheets):
    """Edits that change the engine's results: a client rated 1/5 everywhere becomes
    Terminate (joins the plan), two plan clients become strategic (leave it: their tasks,
    with a typed status and note, move to the archive), one volume makes a profitable
    client lose money, and a task of a client who stays gets a status and a note."""
    import dataclasses

    header = {v: j for j, v in enumerate(sheets["Clients"][0])}
    ids = list(a.clients["client_id"])
    row = {cid: i + 1 for i, cid in enumerate(ids)}
    c = a.clients.set_index("client_id")
    ratings = ["Values alignment", "Communication", "Needs fit", "Respect of terms"]
    base = p.clients.set_index("client_id")
    joiner = None
    for cid in c[(c["action"] != "terminate") & ~c["strategic"]].sort_values("score", ascending=False).index[:8]:
        edited = base.copy()
        edited.loc[cid, ["values_alignment", "communication", "needs_fit", "respect_of_terms"]] = 1.0
        b = analyze(dataclasses.replace(p, clients=edited.reset_index()))
        if b.clients.set_index("client_id").loc[cid, "action"] == "terminate":
            joiner = cid
            break
    assert joiner, "no client of the demo becomes Terminate when rated 1/5"
    plan_ids = list(dict.fromkeys(a.plan["client_id"]))
    leavers = plan_ids[:2]
    stayer = plan_ids[2]
    # the least profitable client outside the plan gets 1.5x its profit's worth more of a
    # time-driven activity (whose rate does not depend on volumes): it now loses money
    rates = a.activities.loc[a.activities["rate_source"] == "time", "rate"]
    vol = a.volumes
    cand = c[(c["tier"] != "lead") & (c["action"] != "terminate") & ~c.index.isin(leavers + [joiner])]
    loser = cand.sort_values("net_profit").index[0]
    act = max(rates.index, key=lambda x: vol.loc[loser, x] * rates[x])
    new_volume = float(vol.loc[loser, act] + math.ceil(1.5 * c.loc[loser, "net_profit"] / rates[act]))
    vcol = sheets["Volumes"][0].index(act)
    plan = sheets["TransitionPlan"]
    first_leaver = next(r for r in range(1, len(plan)) if plan[r][0] == leavers[0])
    stayer_row = next(r for r in range(1, len(plan)) if plan[r][0] == stayer)
    edits = [("Clients", row[joiner], header[h], 1) for h in ratings]
    edits += [("Clients", row[cid], header["Strategic"], "yes") for cid in leavers]
    edits += [("Volumes", row[loser], vcol, new_volume),
              ("TransitionPlan", first_leaver, 7, "done"),
              ("TransitionPlan", first_leaver, 8, "=called them, see mail"),
              ("TransitionPlan", stayer_row + 1, 7, "in progress"),
              ("TransitionPlan", stayer_row + 1, 8, "0034 waiting for the contract")]
    task_left = (leavers[0], plan[first_leaver][2])
    task_stays = (stayer, plan[stayer_row + 1][2])
    return edits, dict(joiner=joiner, leavers=leavers, loser=loser, task_left=task_left,
                       task_stays=task_stays)


@pytest.fixture(scope="module")
def edited_run(demo, remote, tmp_path_factory):
    """The same edits typed into the open book (payload) and into a file, then
    Recalculate on the one and ``xlprof recalc`` on the other."""
    path, a, p, sheets = demo
    edits, who = _find_edits(a, p, sheets)
    payload = make_payload(edit_sheets(sheets, edits), book_name="demo.xlsx", active_sheet="Dashboard")
    run = run_in_remote_book(payload, "xlprof:main")
    d = tmp_path_factory.mktemp("recalc")
    typed = d / "typed.xlsx"
    edit_file(path, edits, typed)
    r = CliRunner().invoke(cli, ["recalc", str(typed), "--no-backup"])
    assert r.exit_code == 0, r.output
    return dict(payload=payload, run=run, edits=edits, who=who, file=read_values(typed),
                expected=analyze(read_book(typed)), original=sheets, a=a)


def test_recalculate_in_the_open_book_equals_xlprof_recalc_on_the_file(edited_run):
    run, payload = edited_run["run"], edited_run["payload"]
    assert run["error"] is None, run["traceback"]
    assert run["serialization_error"] is None
    after = apply_actions(payload, run)
    file, before = edited_run["file"], edited_run["original"]
    e = edited_run["expected"]
    live = [b for b in L.all_blocks(e) if b.kind == L.LIVE]
    live_cells = {(SHEETS[b.sheet]["en"], b.row + i, b.col + j)
                  for b in live for i in range(b.nrows) for j in range(b.ncols)}
    status = ("Dashboard", L.Dash.status, 0)
    generated = ("Dashboard", L.Dash.generated, 0)  # where the file came from: the file writer's only
    computed = [SHEETS[k]["en"] for k in SHEETS if k != "readme"]
    checked = 0
    for name in computed:
        height = max(len(after[name]), len(file[name]))
        width = max([len(r) for r in after[name] + file[name]] or [0])
        for r in range(height):
            for c in range(width):
                got = shown(cell(after, name, r, c))
                if (name, r, c) in live_cells:
                    # formula cells are Excel's to recalculate: untouched
                    assert got == shown(cell(before, name, r, c)), (name, r, c)
                elif (name, r, c) not in (status, generated):
                    want = shown(cell(file, name, r, c))
                    if isinstance(want, float) and isinstance(got, float):
                        assert got == pytest.approx(want, rel=1e-12, abs=1e-9), (name, r, c)
                    else:
                        assert got == want, (name, r, c, got, want)
                    checked += 1
    assert checked > 2000
    assert shown(cell(after, *status)).startswith("Recalculated ")
    assert "60 clients" in shown(cell(after, *status))
    # the input sheets and the README are exactly what was typed
    for name in (*INPUT_SHEETS, "README"):
        assert after[name] == apply_actions(payload, [])[name]


def test_no_write_touches_a_formula_an_input_or_a_header(edited_run):
    run, e = edited_run["run"], edited_run["expected"]
    names = [s["name"] for s in edited_run["payload"]["sheets"]]
    live = [(SHEETS[b.sheet]["en"], (b.row, b.col, b.nrows, b.ncols)) for b in L.all_blocks(e)
            if b.kind == L.LIVE and b.nrows]
    funcs = {a["func"] for a in run["actions"]}
    assert funcs <= {"setValues", "rangeClearContents", "setScreenUpdating"}, funcs
    writes = [a for a in run["actions"] if a["func"] in ("setValues", "rangeClearContents")]
    assert 10 <= len(writes) <= 25, "one write per block, never cell by cell"
    for action in writes:
        sheet = names[action["sheet_position"]]
        assert sheet not in (*INPUT_SHEETS, "README", "Rates", "CostToServe"), action
        assert action["start_row"] >= 1, ("headers are never written", action)
        for name, rect in live:
            assert not (name == sheet and overlaps(rect_of(action), rect)), (sheet, action)


def test_edits_survive_and_drive_the_engine(edited_run):
    run, payload, who = edited_run["run"], edited_run["payload"], edited_run["who"]
    raw = apply_actions(payload, run)
    after = {n: [[shown(v) for v in row] for row in rows] for n, rows in raw.items()}
    before, a, e = edited_run["original"], edited_run["a"], edited_run["expected"]
    before = {n: [[shown(v) for v in row] for row in rows] for n, rows in before.items()}
    # what was typed in the inputs is still there
    for sheet, r, c, v in edited_run["edits"]:
        if sheet in INPUT_SHEETS:
            assert raw[sheet][r][c] == v
    ids = list(a.clients["client_id"])
    prof = {row[0]: row for row in after["Profitability"][1:]}
    old = {row[0]: row for row in before["Profitability"][1:]}
    # the client rated 1/5 is now Terminate and has its ten tasks in the plan
    drop = {row[0]: row for row in after["DropImpact"][1:]}
    assert drop[who["joiner"]][L.DROP_COLS.index("action")] == "Terminate"
    plan = after["TransitionPlan"][1:]
    assert sum(row[0] == who["joiner"] for row in plan) == 10
    # the volume made the profitable client lose money: Lead tier (engine block)
    assert old[who["loser"]][17] != "Lead" and prof[who["loser"]][17] == "Lead"
    # the strategic clients left the plan; their tasks, with what was typed, are archived
    assert not any(row[0] in who["leavers"] for row in plan)
    archive = {(row[0], row[2]): row for row in after["PlanArchive"][1:]}
    left = archive[who["task_left"]]
    assert left[7] == "done" and left[8] == "=called them, see mail"
    stays = {(row[0], row[2]): row for row in plan}[who["task_stays"]]
    assert stays[7] == "in progress" and stays[8] == "0034 waiting for the contract"
    # text that looks like a formula or a number is written so Excel keeps it text
    archived = {(shown(r[0]), r[2]): r for r in raw["PlanArchive"][1:]}[who["task_left"]]
    assert archived[8] == "'=called them, see mail" and archived[0].startswith("'C")
    # the plan shrank: the stale rows below it were cleared
    shrink = len(a.plan) - len(e.plan)
    assert shrink > 0
    position = [s["name"] for s in payload["sheets"]].index("TransitionPlan")
    clears = [x for x in run["actions"] if x["func"] == "rangeClearContents"]
    assert [rect_of(x) for x in clears if x["sheet_position"] == position] == [(1 + len(e.plan), 0, shrink, len(L.PLAN_SHEET_COLS))]
    assert len(raw["TransitionPlan"]) == 1 + len(e.plan)
    assert ids == sorted(ids)


def test_recalculating_twice_changes_nothing_but_the_status(edited_run, remote):
    after = apply_actions(edited_run["payload"], edited_run["run"])
    # what Excel holds afterwards: text without the hidden apostrophe, dates as dates
    excel = {n: [[_as_excel(v) for v in row] for row in rows] for n, rows in after.items()}
    again = make_payload(excel, book_name="demo.xlsx")
    run = run_in_remote_book(again, "xlprof:main")
    assert run["error"] is None, run["traceback"]
    second = apply_actions(again, run)
    for name in after:
        for r, row in enumerate(second[name]):
            for c, v in enumerate(row):
                if (name, r, c) != ("Dashboard", L.Dash.status, 0):
                    assert shown(v) == shown(cell(after, name, r, c)), (name, r, c)


def _as_excel(v):
    if isinstance(v, str) and v.startswith("'"):
        return v[1:]
    if isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
        return dt.date.fromisoformat(v)
    if isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}T00:00:00\.000Z", v):
        return dt.date.fromisoformat(v[:10])
    return v


# --- books that must not be touched ---------------------------------------------------------


def _only_status(run, payload):
    names = [s["name"] for s in payload["sheets"]]
    alerts = [a for a in run["actions"] if a["func"] == "alert"]
    writes = [a for a in run["actions"] if a["func"] != "alert"]
    assert len(alerts) == 1, run["actions"]
    for w in writes:
        assert w["func"] == "setValues", w
        assert names[w["sheet_position"]] == "Dashboard" and rect_of(w) == (L.Dash.status, 0, 1, 1), w
    return alerts[0]["args"][0], writes


def test_a_workbook_that_is_not_an_xlprof_book_gets_an_alert_and_no_writes(remote):
    payload = make_payload({"Sheet1": [["client", "revenue"], ["Acme", 100]], "Notes": [["hello"]]})
    run = run_in_remote_book(payload, "xlprof:main")
    assert run["error"] is None, run["traceback"]
    message, writes = _only_status(run, payload)
    assert writes == []
    assert "not an xlprof analysis workbook" in message
    # an input workbook (inputs, no analysis) is not one either
    p = demo_portfolio(5)
    sheets = {n: [[v for v in row] for row in rows] for n, rows in _input_book(p).items()}
    run = run_in_remote_book(make_payload(sheets), "xlprof:main")
    message, writes = _only_status(run, make_payload(sheets))
    assert writes == [] and "xlprof generate" in message


def _input_book(p):
    import tempfile

    from xlprof.workbook.inputs import write_input_workbook

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "in.xlsx"
        write_input_workbook(p, path)
        return read_values(path)


def test_bad_inputs_get_a_located_alert_and_only_a_status_line(demo, remote):
    _, a, _, sheets = demo
    header = sheets["Clients"][0]
    bad = edit_sheets(sheets, [("Clients", 3, header.index("Revenue"), "n/a"),
                               ("TransitionPlan", 1, 7, "maybe")])
    payload = make_payload(bad, book_name="demo.xlsx")
    run = run_in_remote_book(payload, "xlprof:main")
    assert run["error"] is None, run["traceback"]
    message, writes = _only_status(run, payload)
    assert "2 problems in the inputs" in message
    assert "demo.xlsx, sheet Clients, row 4, column Revenue: 'n/a' is not a number" in message
    assert "sheet TransitionPlan, row 2, column Status" in message
    (status,) = writes
    assert shown(status["values"][0][0]).startswith("Not recalculated (")
    assert "sheet Clients, row 4, column Revenue" in status["values"][0][0]


def test_a_book_whose_rows_no_longer_fit_its_formulas_asks_for_xlprof_recalc(demo, remote):
    _, a, _, sheets = demo
    # a client's row emptied on Clients and Volumes: one client fewer, rows misaligned
    edits = [("Clients", 5, j, None) for j in range(len(sheets["Clients"][5]))]
    edits += [("Volumes", 5, j, None) for j in range(len(sheets["Volumes"][5]))]
    payload = make_payload(edit_sheets(sheets, edits), book_name="demo.xlsx")
    run = run_in_remote_book(payload, "xlprof:main")
    assert run["error"] is None, run["traceback"]
    message, writes = _only_status(run, payload)
    assert "59 clients instead of 60" in message
    assert 'xlprof recalc "demo.xlsx"' in message
    assert len(writes) == 1


# --- the pure part (no Excel, no subprocess) -------------------------------------------------


def small_portfolio():
    clients = [
        dict(client_id="0007", client_name=EVIL, revenue=30000, cogs=25000, values_alignment=1,
             communication=1, needs_fit=1, respect_of_terms=1, notes="+cmd|' /C calc'!A0"),
        dict(client_id="A01", client_name="Alpha", revenue=100000, discounts=5000, cogs=60000,
             payment_terms_days=30, days_to_pay=75, contract_end=dt.date(2027, 9, 30), notice_days=30),
        dict(client_id="B01", client_name="-Bravo", revenue=20000, discounts=20000, cogs=1000, bad_debt=500),
        dict(client_id="C01", client_name="TRUE", revenue=60000, cogs=30000, growth_potential=4),
    ]
    activities = [
        dict(activity="Orders", driver="orders", behavior="variable", resource="Team", minutes_per_unit=8),
        dict(activity="Freight", driver="shipments", behavior="variable", cost_pool=12000),
        dict(activity="Support", driver="tickets", behavior="committed_fixed", rate=45),
    ]
    volumes = [dict(client_id=c, Orders=100 * (i + 1), Freight=10 * (i + 1), Support=5 * i)
               for i, c in enumerate(["0007", "A01", "B01", "C01"])]
    resources = [dict(resource="Team", cost=90000, capacity_hours=1600)]
    return make_portfolio(clients, activities, volumes, resources,
                          Settings(decision_date=dt.date(2026, 12, 1)), source="small.xlsx")


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("mode", ["native", "values"])
def test_plan_writes_the_engine_blocks_in_the_books_language(tmp_path, lang, mode):
    p = small_portfolio()
    a = analyze(p, lang=lang)
    path = tmp_path / "small.xlsx"
    write_analysis_book(a, p, path, formulas=mode)
    rec = plan_recalculation(DictSource(read_values(path)), book_name="small.xlsx",
                             now=dt.datetime(2026, 12, 2, 9, 30))
    assert rec.ok, rec.message
    assert rec.lang == lang
    assert status_of(rec) == L.status_text("recalculated", lang, when="2026-12-02 09:30", clients=4,
                                           warnings=len(a.warnings))
    written = {(w.sheet, w.row, w.col) for w in rec.writes}
    assert (SHEETS["profitability"][lang], 1, L.PROF_LIVE) in written
    # formula columns are written only into a book without formulas
    assert ((SHEETS["profitability"][lang], 1, 0) in written) == (mode == "values")
    whale = next(w for w in rec.writes if (w.sheet, w.row, w.col) == (SHEETS["whale"][lang], 1, 0))
    texts = {v for row in whale.rows for v in row if isinstance(v, str)}
    assert "'" + EVIL in texts and "'0007" in texts and "'-Bravo" in texts and "'TRUE" in texts
    assert "Alpha" in texts


@pytest.mark.parametrize("case", ["client_id", "rate_source", "activity_name", "language"])
def test_changes_the_formulas_cannot_follow_are_refused(demo, case):
    path, a, _, sheets = demo
    acts = sheets["Activities"]
    head = acts[0]
    if case == "client_id":      # same number of clients, but row 3 is no longer in ID order
        edits = [("Clients", 2, 0, "C9999"), ("Volumes", 2, 0, "C9999")]
        reason = "sheet Clients: the clients are not in rows 2 to 61 in client ID order"
    elif case == "rate_source":  # a time-driven activity gets a given rate instead
        j = next(r for r in range(1, len(acts)) if acts[r][head.index("Resource")])
        edits = [("Activities", j, head.index("Resource"), None), ("Activities", j, head.index("Rate"), 5.0),
                 ("Activities", j, head.index("Minutes per unit"), None)]
        reason = f"how the rate of {acts[j][0]} is set changed (time-driven (resource) -> given rate)"
    elif case == "activity_name":
        j = head.index("Activity")
        edits = [("Activities", 1, j, "Order intake"), ("Volumes", 0, 1, "Order intake")]
        reason = "activity names changed (sheet CostToServe)"
    else:                        # a language setting the open book cannot follow: a note only
        k = next(r for r in range(len(sheets["Settings"])) if sheets["Settings"][r][0] == "language")
        edits = [("Settings", k, 1, "es")]
        reason = None
    rec = plan_recalculation(DictSource(edit_sheets(sheets, edits)), book_name="demo.xlsx")
    if reason is None:
        assert rec.ok and rec.lang == "en"
        assert "Settings language 'es' applies when the book is regenerated" in status_of(rec)
        return
    assert not rec.ok and rec.writes == [] and rec.clears == []
    assert reason in rec.message, rec.message
    assert 'xlprof recalc "demo.xlsx"' in rec.message
    assert status_of(rec).startswith("Not recalculated (")


def test_excel_text_keeps_text_text():
    for s in ("=1+1", "+cmd", "-5", "@SUM(A1)", "'quoted", "00123", "1/2", "Jan 5", "50%", "TRUE",
              "#N/A", "\tx"):
        assert excel_text(s) == "'" + s
    for s in ("Platinum", "Terminate", "in progress", "Ana García", ""):
        assert excel_text(s) == s


def test_engine_cells_are_unlocked_and_formulas_locked(demo):
    import openpyxl

    path, a, _, _ = demo
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path)
    for block in L.all_blocks(a):
        ws = wb[SHEETS[block.sheet]["en"]]
        assert ws.protection.sheet, block.sheet
        for i in range(min(block.nrows, 3)):
            for j in range(block.ncols):
                locked = ws.cell(block.row + i + 1, block.col + j + 1).protection.locked
                assert locked == (block.kind != L.ENGINE), (block.sheet, block.row + i, block.col + j)
    # rows a growing plan or tourniquet will use are unlocked too (column formats) ...
    for name, last in (("TransitionPlan", "I"), ("Tourniquet", "J"), ("PlanArchive", "I")):
        for col in ("A", last):
            assert not wb[name].column_dimensions[col].protection.locked, (name, col)
    # ... and so are the Dashboard's status line and the rows warnings may take
    dash = wb["Dashboard"]
    most = len(a.activities) + len(a.resources) + 2
    for r in (L.Dash.status, *range(L.Dash.warnings, L.Dash.warnings + most)):
        assert not dash.cell(r + 1, 1).protection.locked, r
    assert dash.cell(1, 1).protection.locked  # the title


def test_status_and_stamp_round_trip():
    stamp = L.Stamp(300, 12, 3, fixed_rates=True, mode="values")
    for lang in ("en", "es"):
        lines = L.readme_lines(lang, source_name="x.xlsx", version="0.1.0", stamp=stamp)
        assert L.parse_stamp([[x] for x in lines]) == stamp
    assert L.parse_stamp([["Formulas: native"], ["nothing"]]) is None


# --- without the desktop-only libraries (xlwings Lite: micropip.install("xlprof", deps=False)) ---

ISOLATED = textwrap.dedent("""
    import importlib.abc, json, sys, datetime as dt
    BLOCKED = {"xlwings", "openpyxl", "xlsxwriter", "click", "python_calamine", "defusedxml"}

    class Blocker(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"{name} is not installed (blocked for this test)")
            return None

    sys.meta_path.insert(0, Blocker())

    import xlprof, xlprof.model
    from xlprof.model.analysis import make_portfolio
    a = xlprof.model.analyze(make_portfolio(
        [{"client_id": "A", "revenue": 100, "cogs": 50}, {"client_id": "B", "revenue": 80, "cogs": 70}],
        [{"activity": "Orders", "behavior": "variable", "rate": 2.0}],
        [{"client_id": "A", "activity": "Orders", "quantity": 3}]))
    assert list(a.clients["net_profit"]) == [44.0, 10.0], a.clients["net_profit"]

    import xlprof.excel.live
    def decode(v):
        return dt.datetime.fromisoformat(v["date"]) if isinstance(v, dict) else v
    sheets = {n: [[decode(v) for v in row] for row in rows]
              for n, rows in json.load(open(sys.argv[1])).items()}
    rec = xlprof.excel.live.plan_recalculation(xlprof.excel.live.DictSource(sheets), book_name="demo.xlsx")
    assert rec.ok, rec.message

    class Range:
        def __init__(self, sheet, rows):
            self.sheet, self.rows, self.row, self.column = sheet, rows, 1, 1
        def options(self, **kw):
            return self
        @property
        def value(self):
            return self.rows
        @value.setter
        def value(self, rows):
            self.sheet.writes.append(rows)
        def clear_contents(self):
            self.sheet.writes.append("clear")

    class Sheet:
        def __init__(self, name, rows):
            self.name, self.rows, self.writes = name, rows, []
        @property
        def used_range(self):
            return Range(self, self.rows)
        def range(self, first, last):
            (r1, c1), (r2, c2) = first, last
            return Range(self, [row[c1 - 1:c2] for row in self.rows[r1 - 1:r2]])

    class App:
        alerts = []
        def alert(self, *args, **kw):
            self.alerts.append(args)

    class Book:
        name = "demo.xlsx"
        app = App()
        def __init__(self, sheets):
            self.sheets = [Sheet(n, rows) for n, rows in sheets.items()]

    book = Book(sheets)
    xlprof.main(book)
    written = sum(len(s.writes) for s in book.sheets)
    assert written >= 10 and not App.alerts, (written, App.alerts)
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)
    print(json.dumps({"ok": True, "writes": written, "loaded": loaded,
                      "status": xlprof.excel.live.status_of(rec)}))
""")


def test_model_and_recalculation_run_without_desktop_libraries(demo, tmp_path):
    _, _, _, sheets = demo

    def enc(v):
        return {"date": v.isoformat()} if isinstance(v, (dt.date, dt.datetime)) else v

    data = tmp_path / "sheets.json"
    data.write_text(json.dumps({n: [[enc(v) for v in row] for row in rows] for n, rows in sheets.items()}))
    script = tmp_path / "isolated.py"
    script.write_text(ISOLATED)
    src = Path(__file__).resolve().parents[1] / "src"
    proc = subprocess.run([sys.executable, str(script), str(data)], capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"},
                          cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["ok"] and out["loaded"] == [] and out["writes"] >= 10
    assert out["status"].startswith("Recalculated ")


def test_docs_lite_steps_use_the_real_entry_points():
    import xlprof.lite
    from xlprof.excel.cli_lite import MAIN_PY

    doc = (Path(__file__).resolve().parents[1] / "docs" / "ribbon.md").read_text(encoding="utf-8")
    assert "xlprof.excel.live.recalculate_book" in doc
    assert "from xlprof.lite import *" in doc and MAIN_PY.startswith("from xlprof.lite import *")
    assert "xlprof_recalculate" in doc and "xlprof_recalculate" in xlprof.lite.__all__
    assert "xlprof lite --wheel" in doc and "pip install xlprof" not in doc


# --- Manual calculation, and a status cell Excel refuses ---------------------------------------------


def test_manual_calculation_mode_gets_one_calculation_after_the_writes(demo, remote):
    _, _, _, sheets = demo
    payload = make_payload(sheets, book_name="demo.xlsx")
    payload["book"]["calculation"] = "Manual"
    run = run_in_remote_book(payload, "xlprof:main")
    assert run["error"] is None, run["traceback"]
    funcs = [a["func"] for a in run["actions"]]
    assert funcs.count("calculate") == 1
    last_write = max(i for i, f in enumerate(funcs) if f == "setValues")
    assert funcs.index("calculate") > last_write  # after every value, status line included
    payload["book"]["calculation"] = "Automatic"
    run = run_in_remote_book(payload, "xlprof:main")
    assert "calculate" not in [a["func"] for a in run["actions"]]  # Excel recalculates by itself


class _LockedDashboardBook:
    """An xlwings-like Book over plain rows whose Dashboard refuses every write (a locked,
    protected status cell), as Excel's COM error would."""

    class _Range:
        def __init__(self, sheet, rows):
            self.sheet, self.rows, self.row, self.column = sheet, rows, 1, 1

        def options(self, **kw):
            return self

        @property
        def value(self):
            return self.rows

        @value.setter
        def value(self, rows):
            if self.sheet.name == "Dashboard":
                raise RuntimeError("The cell you're trying to change is on a protected sheet")
            self.sheet.writes.append(rows)

        def clear_contents(self):
            self.sheet.writes.append("clear")

    class _Sheet:
        def __init__(self, name, rows):
            self.name, self.rows, self.writes = name, rows, []

        @property
        def used_range(self):
            return _LockedDashboardBook._Range(self, self.rows)

        def range(self, first, last):
            (r1, c1), (r2, c2) = first, last
            return _LockedDashboardBook._Range(self, [row[c1 - 1:c2] for row in self.rows[r1 - 1:r2]])

    def __init__(self, sheets):
        self.name = "demo.xlsx"
        self.sheets = [self._Sheet(n, rows) for n, rows in sheets.items()]
        self.alerts = []
        book = self

        class App:
            def alert(self, *args, **kwargs):
                book.alerts.append((args, kwargs))

        self.app = App()


def test_a_locked_status_cell_on_the_failure_path_is_a_message_not_a_traceback(demo):
    from xlprof.excel.live import recalculate_book

    _, _, _, sheets = demo
    header = sheets["Clients"][0]
    book = _LockedDashboardBook(edit_sheets(sheets, [("Clients", 3, header.index("Revenue"), "n/a")]))
    rec = recalculate_book(book)  # must not raise
    assert not rec.ok
    (args, kwargs), = book.alerts
    message = args[0]
    assert "sheet Clients, row 4, column Revenue: 'n/a' is not a number" in message
    assert "The status line on the Dashboard could not be written either" in message
    assert "protected sheet" in message and kwargs["mode"] == "critical"
    assert all(not s.writes for s in book.sheets)
