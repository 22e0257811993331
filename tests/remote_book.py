"""Run code against xlwings' real *remote* Book on Linux and replay what it records.

xlwings' remote engine (``xw.Book(json=payload)``) is the Book object model that
xlwings Server / the Office.js add-ins use.  It is xlwings PRO (free for
noncommercial use), runs on Linux, needs no Excel and - verified - no network:
the ``noncommercial`` key is checked locally by string comparison
(``xlwings.pro.utils.LicenseHandler``), and a run inside a network namespace with
no interfaces at all (``unshare -rn``) works.  The engine evaluates nothing: it
*reads* from the JSON snapshot the client sent and *records* every write as an
action in ``book.json()``; the client (Office.js) replays the actions in Excel.

This module gives the tests three pieces:

* :func:`make_payload` builds the request payload from plain 2-D lists, encoded
  the way the Office.js client sends a workbook (see "Payload" below);
* :func:`run_in_remote_book` runs a callable (``"pkg.mod:func"``) against
  ``xw.Book(json=payload)`` in a **subprocess** with
  ``XLWINGS_LICENSE_KEY=noncommercial`` (the key must be set before xlwings is
  first imported, and it must never leak into the pytest process or production
  code) and returns the recorded actions plus any exception;
* :func:`apply_actions` replays the value-relevant actions on the payload's
  sheets, giving the cell values Excel would hold afterwards.

Payload (what ``xw.Book(json=...)`` consumes in xlwings 0.37.8)::

    {"client": "Office.js",            # any other client: "version" must equal
     "version": "0.37.8",              #   the installed xlwings version
     "book": {"name": "book.xlsx", "active_sheet_index": 0, "selection": "A1",
              "calculation": "Automatic"},
     "names": [{"name", "sheet_index", "address", "refers_to", "book_scope",
                "scope_sheet_name", "scope_sheet_index"}, ...],
     "sheets": [{"name": "Input",
                 "values": [[...], ...],   # rectangular, anchored at A1
                 "visibility": "Visible", "pictures": [], "shapes": [],
                 "charts": [], "notes": [], "tables": [], "print_area": None,
                 "show_gridlines": True, "pivot_tables": [],
                 # optional: "used_range_address": "B2:D9" | None
                 }, ...]}

Cell encoding (Office.js ``range.values`` sent through ``JSON.stringify``):

* blank cell -> ``""``; the engine reads ``""`` back as ``None``;
* numbers are JS numbers, so a whole number arrives as a Python **int** (``5``,
  not ``5.0``) and only fractional ones as float.  Desktop Excel always gives
  floats; on the remote engine a column of whole numbers becomes ``int64`` in
  pandas.  NaN/inf cannot occur (Excel has no such values);
* cells whose number format category is Date/Time are sent as ISO strings
  ``"2024-01-31T00:00:00.000Z"`` (ExcelApi 1.12+, i.e. Excel 2021/365); the
  engine parses that pattern back to naive ``datetime``.  Date cells from older
  Excel, or serials in General-formatted cells, arrive as plain numbers
  (``make_payload(..., dates="serial")``);
* error cells arrive as their text (``"#N/A"``, ``"#DIV/0!"``...); the engine
  reads them as ``None`` (``err_to_str=False``);
* formulas are never sent - only their cached values.

Recorded actions (``book.json()`` -> ``{"actions": [...]}``), each::

    {"func": "setValues", "args": [None], "values": [[...]] | None,
     "sheet_position": 0,          # 0-based, position *at the time of the action*
     "start_row": 0, "start_column": 0, "row_count": 1, "column_count": 3}

``args`` is always a list (a missing argument is recorded as ``[None]``); the
range fields are ``None`` for book/sheet level actions.

What :func:`apply_actions` covers: ``setValues``, ``setFormula`` (stores the
formula *text*), ``rangeClearContents``, ``rangeClear``, ``sheetClear``,
``sheetClearContents``, ``addSheet``, ``sheetDelete``, ``setSheetName``,
``setSheetPosition``, ``copySheet``; the actions in
:data:`VALUE_NEUTRAL_ACTIONS` (formats, alerts, names, charts, ...) are accepted
and ignored; anything else raises :class:`UnsupportedActionError`.

What it does **not** do: evaluate formulas (a written ``"=A1+1"`` stays that
text, though Excel turns a value starting with ``=`` into a formula), coerce
written strings the way Excel's input parser would (the engine writes dates as
``"2024-01-31"`` / ``"2024-01-31 10:00:00"`` strings, which Excel turns into
date serials), shift cells (``rangeInsert``/``rangeDelete``), or track formats.
It also cannot tell that xlwings Server sends **no** actions when the script
raises: a failed run's actions are what had been recorded so far, not what Excel
would apply.
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib
import json
import math
import numbers
import os
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = [
    "LICENSE_ENV",
    "VALUE_NEUTRAL_ACTIONS",
    "RemoteRunError",
    "UnsupportedActionError",
    "make_payload",
    "encode_cell",
    "run_in_remote_book",
    "remote_engine_status",
    "apply_actions",
    "actions_of",
]

#: Environment for the child process only; never set this in the test process.
LICENSE_ENV = {"XLWINGS_LICENSE_KEY": "noncommercial"}

TESTS_DIR = Path(__file__).resolve().parent
REPO_DIR = TESTS_DIR.parent
SRC_DIR = REPO_DIR / "src"

_EXCEL_EPOCH = dt.datetime(1899, 12, 30)

#: Actions that don't change cell values; apply_actions() accepts and skips them.
VALUE_NEUTRAL_ACTIONS = frozenset(
    {
        # formatting
        "setNumberFormat",
        "setRangeColor",
        "setRangeColors",
        "setFontProperty",
        "setBorderProperty",
        "setHorizontalAlignment",
        "setVerticalAlignment",
        "setWrapText",
        "setAutofit",
        "setSheetAutofit",
        "setColumnWidth",
        "setRowHeight",
        "setColumnHidden",
        "setRowHidden",
        "rangeClearFormats",
        "sheetClearFormats",
        "rangeAdjustIndent",
        "freezePaneAtRange",
        "freezePaneUnfreeze",
        "setShowGridlines",
        "setSheetVisibility",
        "setPrintArea",
        # application / UI
        "activateSheet",
        "rangeSelect",
        "alert",
        "calculate",
        "setCalculation",
        "setScreenUpdating",
        "save",
        # defined names
        "namesAdd",
        "nameDelete",
        "setNameRefersTo",
        "setRangeName",
        # charts
        "addChart",
        "setChartSourceData",
        "setChartType",
        "setChartName",
        "setChartPlotBy",
        "setChartPosition",
        "setChartXAxisValues",
        "setChartSeries",
        "setChartAxis",
        "deleteChart",
    }
)


class RemoteRunError(RuntimeError):
    """The child process failed outside the target (crash, timeout, no engine)."""


class UnsupportedActionError(ValueError):
    """apply_actions() met an action type it doesn't model."""


# ---------------------------------------------------------------------------
# Payload
# ---------------------------------------------------------------------------


def _xlwings_version() -> str:
    try:
        return metadata.version("xlwings")
    except metadata.PackageNotFoundError:  # pragma: no cover - xlwings is a dependency
        return "dev"


def _col_name(col: int) -> str:
    """1-based column number -> letters (1 -> A, 27 -> AA)."""
    name = ""
    while col:
        col, rem = divmod(col - 1, 26)
        name = chr(65 + rem) + name
    return name


def encode_cell(value: Any, *, dates: str = "iso") -> Any:
    """One Python value -> the JSON value the Office.js client sends for that cell.

    ``None``/``""`` -> ``""``; whole numbers -> int (JS numbers have no int/float
    distinction, so ``JSON.stringify(5.0)`` is ``5``); date/datetime -> ISO string
    with milliseconds and ``Z`` (``dates="iso"``, a Date-formatted cell) or an
    Excel serial (``dates="serial"``); strings (including ``"#N/A"``) unchanged.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value
    if isinstance(value, (dt.datetime, dt.date)):
        if isinstance(value, dt.datetime):
            if value.tzinfo is not None:
                raise TypeError(f"Excel has no time zones: {value!r}")
            stamp = value.replace(tzinfo=None)
        else:
            stamp = dt.datetime(value.year, value.month, value.day)
        if dates == "serial":
            return encode_cell((stamp - _EXCEL_EPOCH) / dt.timedelta(days=1))
        if dates != "iso":
            raise ValueError(f"dates must be 'iso' or 'serial', not {dates!r}")
        millis = round(stamp.microsecond / 1000)
        stamp = stamp.replace(microsecond=0) + dt.timedelta(milliseconds=millis)
        return f"{stamp:%Y-%m-%dT%H:%M:%S}.{stamp.microsecond // 1000:03d}Z"
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"Excel cells can't hold {number!r}")
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    raise TypeError(f"Can't encode {type(value).__name__} as an Excel cell: {value!r}")


def _used_range_address(values: list[list[Any]]) -> str | None:
    cells = [
        (r, c)
        for r, row in enumerate(values)
        for c, value in enumerate(row)
        if value != ""
    ]
    if not cells:
        return None
    r0, r1 = min(r for r, _ in cells), max(r for r, _ in cells)
    c0, c1 = min(c for _, c in cells), max(c for _, c in cells)
    first = f"{_col_name(c0 + 1)}{r0 + 1}"
    last = f"{_col_name(c1 + 1)}{r1 + 1}"
    return first if first == last else f"{first}:{last}"


def make_payload(
    sheets: Mapping[str, Sequence[Sequence[Any]]],
    book_name: str = "book.xlsx",
    active_sheet: int | str = 0,
    *,
    names: Mapping[str, str] | None = None,
    selection: str = "A1",
    client: str = "Office.js",
    dates: str = "iso",
    used_range_address: bool = False,
) -> dict[str, Any]:
    """Build the ``xw.Book(json=...)`` payload from ``{sheet name: 2-D values}``.

    Values are plain Python values as a user sees them (``None`` = blank,
    numbers, bools, str, date/datetime); they are encoded with
    :func:`encode_cell`.  Ragged rows are padded with blanks (the client always
    sends a rectangle from A1 to the used range's last cell); an empty sheet is
    sent as ``[[""]]`` like Office.js does.

    ``names`` maps book-scoped defined names to references such as
    ``"Input!$A$1:$C$9"``.  ``used_range_address=True`` also sends the bounding
    box of the non-blank cells, so ``sheet.used_range`` starts at the first used
    cell instead of A1 (without it the engine derives ``A1:<last cell>`` from the
    shape of ``values``, as for clients that don't send the address).
    """
    sheet_names = list(sheets)
    if not sheet_names:
        raise ValueError("A workbook needs at least one sheet")
    lowered = [name.casefold() for name in sheet_names]
    if len(set(lowered)) != len(lowered):
        raise ValueError(f"Duplicate sheet names (case-insensitive): {sheet_names}")
    if isinstance(active_sheet, str):
        active_index = lowered.index(active_sheet.casefold())
    else:
        active_index = active_sheet
        if not 0 <= active_index < len(sheet_names):
            raise IndexError(f"active_sheet {active_sheet} out of range")

    sheet_dicts = []
    for name in sheet_names:
        rows = [[encode_cell(v, dates=dates) for v in row] for row in sheets[name]]
        width = max((len(row) for row in rows), default=0)
        if not rows or width == 0:
            rows, width = [[""]], 1
        rows = [row + [""] * (width - len(row)) for row in rows]
        sheet = {
            "name": name,
            "values": rows,
            "visibility": "Visible",
            "pictures": [],
            "shapes": [],
            "charts": [],
            "notes": [],
            "tables": [],
            "print_area": None,
        }
        if client == "Office.js":
            sheet["show_gridlines"] = True
            sheet["pivot_tables"] = []
        if used_range_address:
            sheet["used_range_address"] = _used_range_address(rows)
        sheet_dicts.append(sheet)

    name_dicts = []
    for defined_name, reference in (names or {}).items():
        sheet_part, _, address = reference.lstrip("=").rpartition("!")
        sheet_name = sheet_part.strip("'").replace("''", "'")
        name_dicts.append(
            {
                "name": defined_name,
                "sheet_index": lowered.index(sheet_name.casefold()),
                "address": address.replace("$", "").upper(),
                "refers_to": "=" + reference.lstrip("="),
                "book_scope": True,
                "scope_sheet_name": None,
                "scope_sheet_index": None,
            }
        )

    return {
        "client": client,
        "version": _xlwings_version(),
        "book": {
            "name": book_name,
            "active_sheet_index": active_index,
            "selection": selection,
            "calculation": "Automatic",
        },
        "names": name_dicts,
        "sheets": sheet_dicts,
    }


# ---------------------------------------------------------------------------
# Running code in the remote Book (subprocess)
# ---------------------------------------------------------------------------


def _child_env(extra_paths: Sequence[str | os.PathLike[str]] = (),
               extra_env: Mapping[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(LICENSE_ENV)
    env.update(extra_env or {})
    paths = [str(SRC_DIR), str(TESTS_DIR), *map(str, extra_paths)]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _spawn(args: list[str], env: dict[str, str], timeout: float):
    try:
        return subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), *args],
            env=env,
            cwd=str(REPO_DIR),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        raise RemoteRunError(f"remote-book child timed out after {timeout}s") from exc


@lru_cache(maxsize=None)
def remote_engine_status() -> tuple[bool, str]:
    """(available, detail): can a child process start xlwings' remote engine?"""
    proc = _spawn(["--probe"], _child_env(), timeout=120)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        return False, f"probe exited {proc.returncode}: " + " | ".join(tail)
    try:
        info = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return False, f"probe printed no status: {proc.stdout!r} {proc.stderr!r}"
    return bool(info["ok"]), info["detail"]


def run_in_remote_book(
    payload: Mapping[str, Any],
    target: str,
    *,
    pass_book: bool = True,
    mock_caller: bool = True,
    warnings_as_errors: bool = True,
    extra_paths: Sequence[str | os.PathLike[str]] = (),
    extra_env: Mapping[str, str] | None = None,
    timeout: float = 300,
) -> dict[str, Any]:
    """Run ``target`` ("pkg.mod:func") against ``xw.Book(json=payload)`` in a child.

    The child has ``XLWINGS_LICENSE_KEY=noncommercial`` and ``src/`` + ``tests/``
    (+ ``extra_paths``) on ``PYTHONPATH``.  It calls ``func(book)``
    (``pass_book=False``: ``func()``); with ``mock_caller`` the book is first
    registered via ``book.set_mock_caller()`` so ``xw.Book.caller()`` returns it
    (without that, ``Book.caller()`` raises on Linux).  With
    ``warnings_as_errors`` warnings raised by the target are errors, like the
    test suite's ``filterwarnings = error``. ``extra_env`` adds environment variables
    for the child (``{"XLWINGS_ON_SERVER": "true"}``: xlwings binds the Office.js
    decorators, as in xlwings Lite).

    Returns a dict:

    * ``actions``: ``book.json()["actions"]`` - also what was recorded before an
      exception (xlwings Server would send none of them in that case);
    * ``error``: ``None`` or ``"ExcType: message"``; ``error_type``,
      ``traceback``;
    * ``serialization_error``: ``None`` or why ``json.dumps(book.json(),
      allow_nan=False)`` fails - as the server's JSON response would (inf,
      ``datetime.time``, numpy scalars the converters pass through...);
    * ``sheet_names``: the engine's own sheet list after the run;
    * ``elapsed``: seconds spent in the target; ``stdout``/``stderr`` of the child.

    Raises :class:`RemoteRunError` if the child fails outside the target.
    """
    with tempfile.TemporaryDirectory(prefix="xlprof-remote-") as tmp:
        in_path = Path(tmp) / "payload.json"
        out_path = Path(tmp) / "result.json"
        in_path.write_text(json.dumps(payload, allow_nan=False), encoding="utf-8")
        options = {
            "target": target,
            "pass_book": pass_book,
            "mock_caller": mock_caller,
            "warnings_as_errors": warnings_as_errors,
        }
        proc = _spawn(
            ["--run", str(in_path), str(out_path), json.dumps(options)],
            _child_env(extra_paths, extra_env),
            timeout,
        )
        if proc.returncode != 0 or not out_path.exists():
            raise RemoteRunError(
                f"remote-book child exited {proc.returncode}\n"
                f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
            )
        result = json.loads(out_path.read_text(encoding="utf-8"))
    if result.get("unavailable"):
        raise RemoteRunError(f"xlwings remote engine unavailable: {result['unavailable']}")
    result["stdout"] = proc.stdout
    result["stderr"] = proc.stderr
    return result


def _resolve_target(target: str):
    module_name, sep, attr_path = target.partition(":")
    if not sep or not module_name or not attr_path:
        raise ValueError(f"target must look like 'pkg.mod:func', not {target!r}")
    obj = importlib.import_module(module_name)
    for attr in attr_path.split("."):
        obj = getattr(obj, attr)
    return obj


def _engine_problem(xw) -> str | None:
    if not getattr(xw, "__pro__", False):
        return "xlwings.__pro__ is False (license key not accepted?)"
    if "remote" not in [engine.name for engine in xw.engines]:
        return "no 'remote' engine registered"
    return None


def _child_probe() -> int:
    import xlwings as xw

    problem = _engine_problem(xw)
    if problem is None:
        book = xw.Book(json=make_payload({"Sheet1": [[1]]}))
        book.sheets[0]["A1"].value = 2
        ok = book.json()["actions"][0]["func"] == "setValues"
        detail = f"xlwings {xw.__version__} remote engine" if ok else "no setValues action"
    else:
        ok, detail = False, problem
    print(json.dumps({"ok": ok, "detail": detail}))
    return 0


def _child_run(in_path: str, out_path: str, options_json: str) -> int:
    import warnings

    options = json.loads(options_json)
    import xlwings as xw

    problem = _engine_problem(xw)
    if problem is not None:
        Path(out_path).write_text(json.dumps({"unavailable": problem}), encoding="utf-8")
        return 0

    payload = json.loads(Path(in_path).read_text(encoding="utf-8"))
    book = xw.Book(json=payload)
    if options["mock_caller"]:
        book.set_mock_caller()
    result: dict[str, Any] = {
        "error": None,
        "error_type": None,
        "traceback": None,
        "serialization_error": None,
    }
    started = time.perf_counter()
    try:
        func = _resolve_target(options["target"])
        with warnings.catch_warnings():
            if options["warnings_as_errors"]:
                warnings.simplefilter("error")
                warnings.filterwarnings(
                    "ignore", category=DeprecationWarning, module=r"xlwings(\.|$)"
                )
            if options["pass_book"]:
                func(book)
            else:
                func()
    except BaseException as exc:  # noqa: BLE001 - report everything, incl. SystemExit
        result["error"] = f"{type(exc).__name__}: {exc}"
        result["error_type"] = type(exc).__name__
        result["traceback"] = traceback.format_exc()
    result["elapsed"] = time.perf_counter() - started

    recorded = book.json()
    try:
        json.dumps(recorded, allow_nan=False)
    except (TypeError, ValueError) as exc:
        result["serialization_error"] = f"{type(exc).__name__}: {exc}"
    result["actions"] = recorded["actions"]
    result["sheet_names"] = [sheet.name for sheet in book.sheets]
    Path(out_path).write_text(
        json.dumps(result, default=repr, allow_nan=True), encoding="utf-8"
    )
    return 0


# ---------------------------------------------------------------------------
# Replaying actions
# ---------------------------------------------------------------------------


def actions_of(actions: Mapping[str, Any] | Sequence[Mapping[str, Any]], func: str):
    """The recorded actions whose ``func`` is ``func`` (accepts a run result too)."""
    if isinstance(actions, Mapping):
        actions = actions["actions"]
    return [action for action in actions if action["func"] == func]


def _ensure_size(grid: list[list[Any]], nrows: int, ncols: int) -> None:
    width = max(ncols, len(grid[0]) if grid else 0)
    while len(grid) < nrows:
        grid.append([None] * width)
    for row in grid:
        if len(row) < width:
            row.extend([None] * (width - len(row)))


def _write(grid, action, values) -> None:
    r0, c0 = action["start_row"], action["start_column"]
    nrows, ncols = action["row_count"], action["column_count"]
    if not isinstance(values, list):  # a scalar for the whole range
        values = [[values] * ncols for _ in range(nrows)]
    if len(values) != nrows or any(
        not isinstance(row, list) or len(row) != ncols for row in values
    ):
        # Office.js rejects this: "The number of rows or columns in the input
        # array doesn't match the size or dimensions of the range."
        raise ValueError(
            f"{action['func']}: values don't match the {nrows}x{ncols} range "
            f"at row {r0}, column {c0}"
        )
    _ensure_size(grid, r0 + nrows, c0 + ncols)
    for i, row in enumerate(values):
        grid[r0 + i][c0 : c0 + ncols] = [None if v == "" else v for v in row]


def _clear(grid, action) -> None:
    r0, c0 = action["start_row"], action["start_column"]
    r1 = min(r0 + action["row_count"], len(grid))
    for r in range(r0, r1):
        row = grid[r]
        c1 = min(c0 + action["column_count"], len(row))
        for c in range(c0, c1):
            row[c] = None


def _sheet_index(sheets, name: str) -> int | None:
    for ix, (existing, _) in enumerate(sheets):
        if existing.casefold() == name.casefold():
            return ix
    return None


def _trim(grid: list[list[Any]]) -> list[list[Any]]:
    rows = [list(row) for row in grid]
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    width = 0
    for row in rows:
        for c in range(len(row) - 1, -1, -1):
            if row[c] is not None:
                width = max(width, c + 1)
                break
    return [row[:width] + [None] * (width - len(row[:width])) for row in rows]


def apply_actions(
    payload: Mapping[str, Any],
    actions: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    *,
    blank: Any = None,
    trim: bool = True,
) -> dict[str, list[list[Any]]]:
    """Replay recorded actions on the payload's values: ``{sheet: 2-D values}``.

    ``actions`` is a ``book.json()`` dict, a :func:`run_in_remote_book` result or
    a list of actions.  Values stay in payload encoding (ISO date strings, ints
    for whole numbers, written dates as the engine's strings); blanks become
    ``blank``.  With ``trim`` trailing blank rows/columns are dropped (an empty
    sheet is ``[]``), so results compare independently of how much was cleared.
    The result can be fed back to :func:`make_payload` for a second run.
    """
    if isinstance(actions, Mapping):
        actions = actions["actions"]
    sheets: list[tuple[str, list[list[Any]]]] = []
    for sheet in payload["sheets"]:
        grid = [[None if v == "" else v for v in row] for row in sheet["values"]]
        if grid == [[]]:
            grid = []
        _ensure_size(grid, len(grid), 0)
        sheets.append((sheet["name"], grid))

    for number, action in enumerate(actions):
        func = action["func"]
        args = action.get("args") or []
        position = action.get("sheet_position")
        where = f"action #{number} {func}"
        if func in VALUE_NEUTRAL_ACTIONS:
            continue
        if position is not None and not 0 <= position < len(sheets):
            raise IndexError(f"{where}: no sheet at position {position}")
        if func == "setValues" or func == "setFormula":
            _write(sheets[position][1], action, action["values"])
        elif func in ("rangeClearContents", "rangeClear"):
            _clear(sheets[position][1], action)
        elif func in ("sheetClearContents", "sheetClear"):
            sheets[position] = (sheets[position][0], [])
        elif func == "addSheet":
            index, name = args[0], args[1]
            if name is None:
                raise ValueError(f"{where}: the engine always names new sheets")
            if _sheet_index(sheets, name) is not None:
                raise ValueError(f"{where}: sheet {name!r} already exists")
            sheets.insert(index, (name, []))
        elif func == "sheetDelete":
            if len(sheets) == 1:
                raise ValueError(f"{where}: a workbook must keep one sheet")
            del sheets[position]
        elif func == "setSheetName":
            new_name = args[0]
            clash = _sheet_index(sheets, new_name)
            if clash is not None and clash != position:
                raise ValueError(f"{where}: sheet {new_name!r} already exists")
            sheets[position] = (new_name, sheets[position][1])
        elif func == "setSheetPosition":
            moved = sheets.pop(position)
            sheets.insert(args[0], moved)
        elif func == "copySheet":
            where_to, target_ix, name = args
            new_ix = target_ix if where_to == "Before" else target_ix + 1
            sheets.insert(new_ix, (name, copy.deepcopy(sheets[position][1])))
        else:
            raise UnsupportedActionError(
                f"{where}: apply_actions() doesn't model {func!r}; extend "
                "tests/remote_book.py (or VALUE_NEUTRAL_ACTIONS) deliberately"
            )

    result = {}
    for name, grid in sheets:
        rows = _trim(grid) if trim else [list(row) for row in grid]
        if blank is not None:
            rows = [[blank if v is None else v for v in row] for row in rows]
        result[name] = rows
    return result


if __name__ == "__main__":
    if sys.argv[1:2] == ["--probe"]:
        sys.exit(_child_probe())
    if sys.argv[1:2] == ["--run"] and len(sys.argv) == 5:
        sys.exit(_child_run(*sys.argv[2:5]))
    sys.exit("usage: remote_book.py --probe | --run PAYLOAD OUT OPTIONS_JSON")
