"""xlprof.lite through xlwings' own Office.js machinery, as xlwings Lite runs it.

The functions are registered by ``xlwings.pro.udfs_officejs`` (``custom_functions_meta``),
called by ``custom_functions_call`` with payloads shaped as Excel's custom-functions runtime
sends them (every argument a 2-D array, ``null`` blanks, error cells as error objects, whole
numbers as JS integers, dates as serial numbers, ``caller_address``), and Recalculate by
``custom_scripts_call`` on xlwings' remote Book (the Book object model Lite passes in). All
of it runs in a child process with ``XLWINGS_ON_SERVER=true`` and
``XLWINGS_LICENSE_KEY=noncommercial`` (tests/_lite_driver.py); the results are compared
with the classic functions through xlwings' CallUDF harness: the same definitions give the
same answers in both front doors.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

import xlwings as xw
import xlwings_win as xw_win
from remote_book import apply_actions, make_payload, run_in_remote_book
from xlprof.excel.catalog import NAMES, WORKED
from xlprof.excel.spec import spec_of
from xlprof.excel import catalog
from xlprof.workbook import layout as L

TESTS = Path(__file__).resolve().parent
SRC = TESTS.parent / "src"
LITE_ENV = {"XLWINGS_ON_SERVER": "true", "XLWINGS_LICENSE_KEY": "noncommercial"}
EXCEL_EPOCH = dt.date(1899, 12, 30)
#: Sheet height in the child: a whole column is an argument this tall (Excel's is 1,048,576;
#: a million cells of JSON take seconds to convert, the logic is the same).
SHEET_ROWS = 4096
ERROR_TYPES = {"#N/A": "NotAvailable", "#DIV/0!": "Div0", "#VALUE!": "Value", "#REF!": "Ref",
               "#SPILL!": "Spill", "#CALC!": "Calc"}


# --- payloads as Excel sends them -------------------------------------------------------------


def wire(v):
    """One cell as Office.js sends it to a custom function (JSON)."""
    if v is None:
        return None
    if isinstance(v, str) and v in ERROR_TYPES:
        return {"type": "Error", "basicType": "Error", "basicValue": v, "errorType": ERROR_TYPES[v]}
    if isinstance(v, float) and v.is_integer():
        return int(v)  # a JS number: whole numbers arrive as integers
    if isinstance(v, dt.date):
        return (v - EXCEL_EPOCH).days  # custom functions get dates as serial numbers
    return v


def grid(value):
    """An argument: a cell or a range, always 2-D; ``OMIT`` for an omitted optional one."""
    if value is OMIT:
        return None
    if isinstance(value, (tuple, list)):
        rows = value if value and isinstance(value[0], (tuple, list)) else [value]
        return [[wire(c) for c in r] for r in rows]
    return [[wire(value)]]


OMIT = object()


def payload(func: str, *args, caller: str = "Sheet1!D2", book: str = "Book1.xlsx") -> dict:
    n = len(spec_of(getattr(catalog, "FUNCTIONS")[NAMES.index(func)]).args)
    sent = [grid(a) for a in args] + [None] * (n - len(args))  # omitted optionals: null
    return {"client": "Office.js", "func_name": func, "args": sent,
            "caller_address": f"[{book}]{caller}", "session_id": "test", "culture_info_name": "en-US",
            "date_format": "M/d/yyyy", "version": xw.__version__, "runtime": "1.4"}


def col(*values):
    return [[v] for v in values]


# --- the cases, run in one child each -------------------------------------------------------------

CLIENTS = [["client_id", "revenue", "cogs"], ["A", 100.0, 50.0], ["B", 80.0, 70.0]]
ACTIVITIES = [["activity", "rate", "behavior"], ["Orders", 2.0, "variable"]]
VOLUMES = [["client_id", "Orders"], ["A", 3.0]]

CASES: dict[str, tuple[str, tuple]] = {
    **{f"worked {name}": (name, args) for name, (args, _) in WORKED.items()},
    "column with a blank row": ("XLPROF_MARGIN", (col(1000.0, None, 500.0), col(600.0, None, 100.0))),
    "net margin without net revenue": ("XLPROF_NET_MARGIN", (col(90.0, 5.0), col(900.0, 0.0))),
    "text in a row": ("XLPROF_MARGIN", (col(1000.0, "abc"), col(600.0, 100.0))),
    "error cells": ("XLPROF_MARGIN", (col("#N/A", 10.0, "#SPILL!"), col(1.0, 2.0, 3.0))),
    "sizes differ": ("XLPROF_MARGIN", (col(1.0, 2.0), col(1.0, 2.0, 3.0))),
    "one cell applies to every row": ("XLPROF_FINANCING_COST", (col(36500.0, 73000.0), col(60.0, 30.0), 0.1)),
    "tiers with ids": ("XLPROF_TIER", (col(500.0, 300.0, 150.0, 50.0, -100.0, None),
                                       col("C1", "C2", "C3", "C4", "C5", None))),
    "tiers in Spanish": ("XLPROF_TIER", (col(500.0, -1.0), OMIT, OMIT, OMIT, "es")),
    "exit dates": ("XLPROF_EXIT_DATE", (dt.date(2025, 1, 1), col(30.0, 0.0))),
    "analyze": ("XLPROF_ANALYZE", (CLIENTS, ACTIVITIES, VOLUMES)),
    # the reading rule (design.md section 5): the argument is one column of evidence, the
    # settings range settles what it leaves open, what still reads two ways is refused
    "text numbers by the argument's evidence": ("XLPROF_MARGIN", (col("1.234", "12,5", "1.500"), col(0.0, 0.0, 0.0))),
    "text that reads two ways": ("XLPROF_MARGIN", (col("120,000", 7.0), col(0.0, 0.0))),
    "settings settle the score's text": ("XLPROF_TERMINATION_SCORE", (
        -200.0, 1000.0, 400.0, "1.000", 30.0, OMIT, OMIT, OMIT, OMIT, [["decimal_separator", ","]])),
    "text dates by the argument's evidence": ("XLPROF_EXIT_DATE", (col("31/12/2027", "03/04/2027"), OMIT, OMIT,
                                                                   OMIT, OMIT, 0.0)),
    "whole column": ("XLPROF_MARGIN", ([[1.0]] + [[None]] * (SHEET_ROWS - 1),
                                       [[1.0]] + [[None]] * (SHEET_ROWS - 1))),
}


def run_child(calls: list[dict], tmp: Path, *, block: bool) -> dict:
    requests, results = tmp / "requests.json", tmp / "results.json"
    requests.write_text(json.dumps({"calls": calls, "sheet_rows": SHEET_ROWS}), encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{SRC}:{TESTS}", "PYTHONDONTWRITEBYTECODE": "1", **LITE_ENV}
    args = [sys.executable, str(TESTS / "_lite_driver.py"), str(requests), str(results)]
    proc = subprocess.run(args + (["--block"] if block else []), capture_output=True, text=True,
                          timeout=300, env=env, cwd=tmp)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(results.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def lite(tmp_path_factory):
    calls = [payload(func, *args) for func, args in CASES.values()]
    out = run_child(calls, tmp_path_factory.mktemp("lite"), block=False)
    out["by_case"] = dict(zip(CASES, out["results"]))
    return out


def value(lite, case):
    got = lite["by_case"][case]
    assert "error" not in got, got
    return got["value"]


# --- registration -----------------------------------------------------------------------------------


def test_every_function_is_registered_with_its_descriptions(lite):
    meta = {f["name"]: f for f in lite["meta"]["functions"]}
    assert sorted(meta) == sorted(NAMES)
    for f in catalog.FUNCTIONS:
        spec = spec_of(f)
        m = meta[spec.name]
        assert m["id"] == spec.name and m["description"] == spec.doc
        assert m["result"] == {"dimensionality": "matrix", "type": "any"}
        assert [(p["name"], p["description"], p.get("optional", False)) for p in m["parameters"]] == [
            (name, doc, name in spec.optional) for name, doc in spec.args]
        assert all(p["dimensionality"] == "matrix" for p in m["parameters"])  # 2-D, never flat
    assert lite["meta"]["allowErrorForDataTypeAny"] is True


def test_the_recalculate_script_is_registered(lite):
    scripts = {s["function_name"]: s for s in lite["scripts"]}
    assert list(scripts) == ["xlprof_recalculate"]
    assert scripts["xlprof_recalculate"]["lazy"] is False  # the values of the book are loaded


# --- values ------------------------------------------------------------------------------------------


def flat(v):
    return [c for row in v for c in row] if isinstance(v, list) else [v]


def test_worked_examples(lite):
    for name, (_, expected) in WORKED.items():
        got = value(lite, f"worked {name}")
        want = expected if isinstance(expected, tuple) else ((expected,),)
        assert len(got) == len(want) and all(len(g) == len(w) for g, w in zip(got, want)), name
        for g, w in zip(flat(got), flat([list(r) for r in want])):
            assert g == (pytest.approx(w) if isinstance(w, float) else w), name


def test_blank_rows_give_blank_cells_never_nan(lite):
    assert value(lite, "column with a blank row") == [[400.0], [""], [400.0]]
    # 90/900 = 0.1; no net revenue -> blank (NaN would show as #NUM! in Lite)
    assert value(lite, "net margin without net revenue") == [[0.1], [""]]
    for case in CASES:
        for c in flat(lite["by_case"][case].get("value", [])):
            assert not (isinstance(c, dict) and c.get("type") == "Error"), (case, c)  # no #NUM!
            assert not (isinstance(c, float) and math.isnan(c)), case


def test_row_messages_are_the_classic_ones(lite):
    assert value(lite, "text in a row") == [[400.0], ["#XLPROF! revenue row 2 is text"]]
    assert value(lite, "error cells") == [["#XLPROF! revenue row 1 is #N/A"], [8.0],
                                          ["#XLPROF! revenue row 3 is #SPILL!"]]
    assert value(lite, "sizes differ") == [["#XLPROF! cogs has 3 rows but revenue has 2 rows"]]


def test_shapes_and_options(lite):
    # 36500 x 60 x 0.1 / 365 = 600; 73000 x 30 x 0.1 / 365 = 600
    assert value(lite, "one cell applies to every row") == [[600.0], [600.0]]
    assert value(lite, "tiers with ids") == [["Platinum"], ["Gold"], ["Iron"], ["Iron"], ["Lead"], [""]]
    assert value(lite, "tiers in Spanish") == [["Platino"], ["Plomo"]]


def test_dates_go_back_as_dates(lite):
    got = value(lite, "exit dates")
    # notice 2025-01-15 (decision + 14 days); + 30 days of notice -> 2025-02-14; + 0 -> 2025-01-15
    serials = [(dt.date(2025, 2, 14) - EXCEL_EPOCH).days, (dt.date(2025, 1, 15) - EXCEL_EPOCH).days]
    # a date cell: the serial number with the workbook's short date format (runtime 1.4)
    assert [row[0] for row in got] == [{"type": "FormattedNumber", "basicValue": float(n),
                                        "numberFormat": "M/d/yyyy"} for n in serials]


def test_analyze_returns_its_table(lite):
    got = value(lite, "analyze")
    header = got[0]
    assert header[0] == "client_id" and len(got) == 3
    assert {r[0]: r[header.index("net_profit")] for r in got[1:]} == {"A": 44.0, "B": 10.0}


def test_whole_columns_are_refused_with_a_way_out(lite):
    got = value(lite, "whole column")
    assert flat(got) == ["#XLPROF! whole columns (such as B:B) need to know the formula's row, which "
                         "this Excel does not say: give the rows instead, such as B2:B1000"]


def test_same_answers_as_the_classic_functions(lite, udfs):
    """Lite (Office.js) and classic (CallUDF) run the same definitions: equal results."""
    for case, (func, args) in CASES.items():
        if case == "whole column":
            continue  # classic aligns whole columns with the caller's row; Lite refuses them
        classic_args = [a for a in args if a is not OMIT]
        omitted = [i for i, a in enumerate(args) if a is OMIT]
        if omitted:  # the harness passes omitted optionals as VBA's "missing" marker
            classic_args = [xw_win.MISSING if a is OMIT else a for a in args]
        as_com = [tuple(tuple(r) for r in a) if isinstance(a, list) else a for a in classic_args]
        classic = xw_win.call_udf("xlprof.udfs", func, *as_com,
                                  caller=xw_win.fake_caller(row=2, column=4))
        got = value(lite, case)
        classic_grid = classic if isinstance(classic, list) else [[classic]]
        norm = [[c.isoformat()[:10] if isinstance(c, dt.datetime) else c for c in row] for row in classic_grid]
        if func == "XLPROF_EXIT_DATE":
            got = [[(EXCEL_EPOCH + dt.timedelta(days=c["basicValue"])).isoformat() for c in row] for row in got]
        assert got == norm, case


# --- in the browser: pandas and numpy only ---------------------------------------------------------


def test_without_desktop_libraries(lite, tmp_path):
    calls = [payload(func, *args) for case, (func, args) in CASES.items() if case != "whole column"]
    blocked = run_child(calls, tmp_path, block=True)
    assert blocked["loaded"] == []
    expected = [lite["by_case"][c] for c in CASES if c != "whole column"]
    assert blocked["results"] == expected


# --- Recalculate -------------------------------------------------------------------------------------


def test_recalculate_script_writes_what_the_ribbon_button_writes(remote, tmp_path):
    from test_live import read_values
    from xlprof.demo import demo_portfolio
    from xlprof.model import analyze
    from xlprof.workbook.book import write_analysis_book

    p = demo_portfolio(30)
    path = tmp_path / "demo.xlsx"
    write_analysis_book(analyze(p), p, path)
    sheets = read_values(path)
    sheets["Clients"][1][sheets["Clients"][0].index("Strategic")] = "yes"  # an edit to pick up
    book = make_payload(sheets, book_name="demo.xlsx", active_sheet="Dashboard")
    script = run_in_remote_book(book, "_lite_driver:run_recalculate_script", extra_env=LITE_ENV)
    button = run_in_remote_book(book, "xlprof:main")
    assert script["error"] is None, script["traceback"]
    assert button["error"] is None, button["traceback"]

    def without_status(run):
        status_row = L.Dash.status  # the Dashboard's status line carries the time of the run
        return [a for a in run["actions"] if not (a.get("start_row") == status_row and a.get("start_column") == 0)]

    assert without_status(script) == without_status(button)
    after = apply_actions(book, script)
    assert any(a["func"] == "setValues" for a in script["actions"])
    assert str(after["Dashboard"][L.Dash.status][0]).lstrip("'").startswith("Recalculated ")


# --- what the controller pastes: xlprof lite, and the wheel's requirements in the browser ------------


def test_xlprof_lite_writes_main_py_and_requirements(tmp_path):
    from click.testing import CliRunner

    from xlprof.cli import main

    url = "https://example.org/releases/xlprof-0.1.0-py3-none-any.whl"
    r = CliRunner().invoke(main, ["lite", "-o", str(tmp_path / "lite"), "--wheel", url])
    assert r.exit_code == 0, r.output
    main_py = (tmp_path / "lite" / "main.py").read_text(encoding="utf-8")
    assert main_py.splitlines() == ["from xlprof.lite import *  # noqa: F403 - the XLPROF_ functions and "
                                    "xlprof_recalculate"]
    assert (tmp_path / "lite" / "requirements.txt").read_text(encoding="utf-8") == url + "\n"
    namespace: dict = {}
    exec(compile(main_py, "main.py", "exec"), namespace)  # what Lite runs: every name arrives
    assert {n for n in namespace if n.startswith(("XLPROF_", "xlprof_"))} == set(NAMES) | {"xlprof_recalculate"}
    for bad in ("dist/xlprof-0.1.0-py3-none-any.whl", "https://example.org/xlprof-0.1.0.tar.gz",
                "https://example.org/xlprof-0.1.0-cp311-cp311-win_amd64.whl"):
        r = CliRunner().invoke(main, ["lite", "-o", str(tmp_path / "x"), "--wheel", bad])
        assert r.exit_code == 2 and "--wheel" in r.output, r.output
    assert not (tmp_path / "x").exists()


def test_in_the_browser_the_wheel_needs_only_pure_python_or_pyodide_packages():
    """micropip evaluates the wheel's markers for Pyodide (sys_platform "emscripten"): the
    desktop-only dependencies (xlwings' desktop build, python-calamine, DuckDB) are skipped;
    what remains is pure Python or built into Pyodide (numpy, pandas)."""
    import tomllib

    from packaging.requirements import Requirement

    deps = [Requirement(d) for d in tomllib.loads((TESTS.parent / "pyproject.toml").read_text())["project"]["dependencies"]]
    browser = {"sys_platform": "emscripten", "platform_system": "Emscripten", "platform_machine": "wasm32"}
    needed = {r.name.lower() for r in deps if r.marker is None or r.marker.evaluate(browser)}
    assert needed <= {"numpy", "pandas", "click", "openpyxl", "xlsxwriter", "defusedxml"}, needed
    desktop = {r.name.lower() for r in deps if r.marker is None or r.marker.evaluate({"sys_platform": "win32"})}
    assert {"xlwings", "python-calamine", "duckdb"} <= desktop
    xlwings = next(r for r in deps if r.name == "xlwings")
    assert xlwings.specifier.contains(xw.__version__)  # the installed xlwings is in the pinned range


def test_the_reading_rule_in_lite(lite, udfs):
    """Text numbers and dates read by the one parser in Lite too: exactly, or refused."""
    assert value(lite, "text numbers by the argument's evidence") == [[1234.0], [12.5], [1500.0]]
    assert value(lite, "text that reads two ways") == [
        ["#XLPROF! revenue row 1 is text '120,000' that reads as 120 or 120000: type the number itself"], [7.0]]
    days_1000 = xw_win.call_udf("xlprof.udfs", "XLPROF_TERMINATION_SCORE", -200.0, 1000.0, 400.0, 1000.0, 30.0)
    assert value(lite, "settings settle the score's text") == [[days_1000]]
    got = value(lite, "text dates by the argument's evidence")
    assert [(EXCEL_EPOCH + dt.timedelta(days=r[0]["basicValue"])) for r in got] == [
        dt.date(2027, 12, 31), dt.date(2027, 4, 3)]
