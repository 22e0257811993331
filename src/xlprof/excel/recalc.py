"""Recalculate, the pure part: everything the ribbon's button will write into an open
analysis book, computed before anything is written -- or the located reason why not.

:func:`plan_recalculation` (pandas/numpy, no xlwings, no file libraries) reads the book
through a small :class:`SheetSource` (one block per sheet), validates the inputs, runs the
engine, checks that the book's formula rows still fit the data, and returns every change
as :class:`Write`/:class:`Clear` instructions. Where the blocks are and what goes in them
is :mod:`xlprof.workbook.layout`, the same description the file writer uses. The adapters
that carry a plan out in a live book are in :mod:`xlprof.excel.live`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..errors import InputError, Problem, XlprofError, format_error
from ..model.analysis import Analysis, analyze
from ..schema import SHEET_NAMES
from ..textnorm import norm_key
from ..workbook import layout as L
from ..workbook.check import typed_checksum
from ..workbook.labels import SHEETS
from .recalc_text import MAX_PROBLEMS_SHOWN, text

# --- instructions ------------------------------------------------------------------------


@dataclass(frozen=True)
class Write:
    """Values for the rectangle whose top-left cell is (row, col), 0-based."""

    sheet: str
    row: int
    col: int
    rows: list[list[Any]]

    @property
    def nrows(self) -> int:
        return len(self.rows)

    @property
    def ncols(self) -> int:
        return len(self.rows[0]) if self.rows else 0


@dataclass(frozen=True)
class Clear:
    sheet: str
    row: int
    col: int
    nrows: int
    ncols: int


@dataclass
class Recalculation:
    """What Recalculate does to the book: ``ok`` -> clear, write, status; otherwise only
    the status line (if the book has a Dashboard) and the message."""

    ok: bool
    lang: str
    writes: list[Write] = field(default_factory=list)
    clears: list[Clear] = field(default_factory=list)
    status: Write | None = None
    message: str = ""
    title: str = ""
    analysis: Analysis | None = None
    notes: list[str] = field(default_factory=list)


class SheetSource(Protocol):
    """Read access to a workbook: sheet names, whole sheets from A1, rectangles."""

    names: list[str]

    def values(self, sheet: str) -> list[list[Any]]: ...

    def block(self, sheet: str, row: int, col: int, nrows: int, ncols: int) -> list[list[Any]]: ...


class DictSource:
    """A :class:`SheetSource` over ``{sheet name: rows from A1}`` (tests, previews)."""

    def __init__(self, sheets: dict[str, list[list[Any]]]):
        self.sheets = sheets
        self.names = list(sheets)

    def values(self, sheet: str) -> list[list[Any]]:
        return self.sheets[sheet]

    def block(self, sheet: str, row: int, col: int, nrows: int, ncols: int) -> list[list[Any]]:
        rows = self.sheets[sheet]
        out = []
        for r in range(row, row + nrows):
            src = rows[r] if r < len(rows) else []
            out.append([src[c] if c < len(src) else None for c in range(col, col + ncols)])
        return out


# --- cell values for Excel ------------------------------------------------------------------

_TEXT_LOOKALIKES = {"TRUE", "FALSE", "VERDADERO", "FALSO"}
_NEEDS_QUOTE = re.compile(r"[=+\-@'#\t\r\n]|.*\d", re.DOTALL)


def excel_text(s: str) -> str:
    """Text as Excel must receive it to keep it text: a leading apostrophe (which Excel
    does not show) for anything Excel would turn into a formula (= + - @), a number, a
    date, a boolean or an error. Excel's own input parser is broad (``1/2``, ``Jan 5``,
    ``5%``, ``(3)``, ``00123``...), so any text with a digit is protected."""
    if not s:
        return s
    if _NEEDS_QUOTE.match(s) or s.strip().upper() in _TEXT_LOOKALIKES:
        return "'" + s
    return s


def excel_value(v: Any) -> Any:
    if isinstance(v, str):
        return excel_text(v) if v else None
    if v is None:
        return None
    v = L.clean(v)
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _excel_rows(rows: list[list[Any]]) -> list[list[Any]]:
    return [[excel_value(v) for v in row] for row in rows]


# --- the pure part --------------------------------------------------------------------------

_ESSENTIAL = ("readme", "dashboard", "rates", "cts", "profitability", "scores", "drop", "segmentation",
              "plan", "tourniquet", "archive")


def book_language(names: list[str]) -> str | None:
    """The language whose computed sheets the book has (``None``: not an analysis book)."""
    have = {norm_key(n) for n in names}
    best, hits = None, 0
    for lang in ("en", "es"):
        found = sum(norm_key(SHEETS[k][lang]) in have for k in _ESSENTIAL)
        if found > hits:
            best, hits = lang, found
    return best if hits >= 3 else None


def _find(names: list[str], wanted: str) -> str | None:
    key = norm_key(wanted)
    return next((n for n in names if norm_key(n) == key), None)


def _input_sheet_names(names: list[str]) -> list[str]:
    from ..schema import ACTIVITIES, CLIENTS, RESOURCES, SETTINGS, VOLUMES_LONG, sheet_lookup

    wanted = set()
    for table in (CLIENTS, ACTIVITIES, RESOURCES, SETTINGS, VOLUMES_LONG):
        wanted |= set(sheet_lookup(table))
    return [n for n in names if norm_key(n) in wanted]


def _trim(rows: list[list[Any]]) -> list[list[Any]]:
    rows = [list(r) for r in rows]
    while rows and all(_blank(v) for v in rows[-1]):
        rows.pop()
    return rows


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and math.isnan(v))


def _id(v: Any) -> str | None:
    if _blank(v):
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _same(a: Any, b: Any) -> bool:
    if _blank(a) and _blank(b):
        return True
    if isinstance(a, str) or isinstance(b, str):
        return str(a).strip() == str(b).strip()
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    except (TypeError, ValueError):
        return a == b


def _column(header_row: list[Any], names: set[str]) -> int | None:
    for j, v in enumerate(header_row):
        if isinstance(v, str) and norm_key(v) in names:
            return j
    return None


def check_layout(a: Analysis, stamp: L.Stamp | None, src: SheetSource, inputs: dict[str, list[list[Any]]],
                 lang: str) -> list[str]:
    """Why the book's formula rows no longer fit ``a`` (empty: they fit)."""
    from ..schema import ACTIVITIES, CLIENTS, RESOURCES, VOLUMES_LONG, header_map, sheet_lookup

    if stamp is None:
        return [text("no_stamp", lang)]
    reasons = []
    n, m, k = len(a.clients), len(a.activities), len(a.resources)
    for key, now, was in (("n_clients", n, stamp.clients), ("n_activities", m, stamp.activities),
                          ("n_resources", k, stamp.resources)):
        if now != was:
            reasons.append(text(key, lang, now=now, was=was))
    if reasons:
        return reasons

    def sheet_of(table):
        wanted = sheet_lookup(table)
        return next((name for name in inputs if norm_key(name) in wanted), None)

    def ids_in(name: str, table) -> list[str | None]:
        rows = _trim(inputs[name])
        if not rows:
            return []
        hmap = header_map(table)
        col = _column(rows[0], {key for key, v in hmap.items() if v == "client_id"})
        if col is None:
            return []
        return [_id(r[col] if col < len(r) else None) for r in rows[1:]]

    ids = list(a.clients["client_id"])
    for table in (CLIENTS, VOLUMES_LONG):
        name = sheet_of(table)
        if name is not None and ids_in(name, table) != ids:
            reasons.append(text("client_rows", lang, sheet=name, last=n + 1))
    acts = list(a.activities.index)
    vname, aname = sheet_of(VOLUMES_LONG), sheet_of(ACTIVITIES)
    if vname is not None:
        rows = _trim(inputs[vname])
        header = [norm_key(v) for v in (rows[0] if rows else [])[1:]]
        while header and not header[-1]:
            header.pop()
        if header != [norm_key(x) for x in acts]:
            reasons.append(text("volume_cols", lang, sheet=vname, acts=aname or "Activities"))
    for table, count in ((ACTIVITIES, m), (RESOURCES, k)):
        name = sheet_of(table)
        if name is not None and len(_trim(inputs[name])) != count + 1:
            reasons.append(text("table_rows", lang, sheet=name))
    # engine-written cells the formulas are built around
    for block in L.structure_blocks(a):
        if block.nrows == 0 or block.ncols == 0:
            continue
        name = _find(src.names, block.sheet_name(lang))
        have = src.block(name, block.row, block.col, block.nrows, block.ncols)

        def got(i: int, j: int) -> Any:
            return have[i][j] if i < len(have) and j < len(have[i]) else None

        if block.sheet == "rates":
            for i, (want,) in enumerate(block.rows):
                if not _same(got(i, 0), want):
                    reasons.append(text("rate_source", lang, activity=acts[i], now=want, was=got(i, 0) or "?"))
        elif any(not _same(got(0, j), want) for j, want in enumerate(block.rows[0])):
            reasons.append(text("names", lang, sheet=name))
    return reasons


def _problems_text(problems: list[Problem], lang: str) -> str:
    lines = [f"- {p.render(lang)}" for p in problems[:MAX_PROBLEMS_SHOWN]]
    if len(problems) > MAX_PROBLEMS_SHOWN:
        lines.append(text("more", lang, n=len(problems) - MAX_PROBLEMS_SHOWN))
    return "\n".join(lines)


def plan_recalculation(src: SheetSource, *, book_name: str = "", book_path: str | None = None,
                       now: dt.datetime | None = None) -> Recalculation:
    """Everything Recalculate will write into the book read by ``src`` -- or why not."""
    from ..io.reader import RawSheet, portfolio_from_sheets, read_settings
    from ..workbook.regen import read_plan_sheet

    now = now or dt.datetime.now()
    when = L.today_text(now)
    names = list(src.names)
    lang = book_language(names)
    if lang is None:
        wanted = ", ".join(SHEETS[k]["en"] for k in ("profitability", "plan", "dashboard"))
        return Recalculation(False, "en", message=text("not_xlprof", "en", sheets=wanted),
                             title=text("title", "en"))
    sheet = {k: _find(names, SHEETS[k][lang]) for k in SHEETS}
    title = text("title", lang)
    regen = text("regen", lang, book=book_path or book_name)

    def failed(message: str, reason: str) -> Recalculation:
        status = None
        if sheet["dashboard"] is not None:
            line = L.status_text("failed", lang, when=when, reason=reason)
            status = Write(sheet["dashboard"], L.Dash.status, 0, _excel_rows([[line]]))
        return Recalculation(False, lang, status=status, message=message, title=title)

    missing = [SHEETS[k][lang] for k in _ESSENTIAL if sheet[k] is None]
    if missing:
        return failed(text("missing", lang, count=len(missing), sheets=", ".join(missing), regen=regen),
                      ", ".join(missing))

    # read: input sheets, the editable plan sheets, and the small sheets the checks need
    inputs = {n: src.values(n) for n in _input_sheet_names(names)}
    plan_rows = src.values(sheet["plan"])
    archive_rows = src.values(sheet["archive"])
    stamp = L.parse_stamp(src.values(sheet["readme"]))
    notes: list[str] = []
    try:
        problems: list[Problem] = []  # every problem at once: inputs, then the plan sheets
        raws = {n: RawSheet(book_name, n, rows) for n, rows in inputs.items()}
        order = read_settings(raws, book_name).date_order   # dates typed in the plan follow it
        plan = read_plan_sheet(RawSheet(book_name, sheet["plan"], plan_rows), problems, order)
        archive = read_plan_sheet(RawSheet(book_name, sheet["archive"], archive_rows), problems, order)
        try:
            portfolio = portfolio_from_sheets(raws, book_name, notes)
        except InputError as exc:
            raise InputError(exc.problems + problems) from None
        if problems:
            raise InputError(problems)
        portfolio = dataclasses.replace(portfolio, plan=plan, archive=archive)
        a = analyze(portfolio, lang=lang)
    except InputError as exc:
        probs = exc.problems
        return failed(text("bad_inputs", lang, count=len(probs), problems=_problems_text(probs, lang)),
                      probs[0].render(lang) if probs else str(exc))
    except XlprofError as exc:
        said = format_error(exc, lang=lang).removeprefix("xlprof: ")
        return failed(text("failed", lang, error=said), said)

    if stamp is not None and stamp.fixed_rates:
        message = text("split", lang)
        return failed(message, message.split("\n")[0])
    reasons = check_layout(a, stamp, src, inputs, lang)
    if reasons:
        return failed(text("layout", lang, reasons="; ".join(reasons), regen=regen), "; ".join(reasons))

    status_line = L.status_text("recalculated", lang, when=when, clients=len(a.clients),
                                warnings=len(a.warnings))
    if portfolio.settings.language != lang:
        note = text("language", lang, setting=portfolio.settings.language)
        notes.append(note)
        status_line += f". {note[0].upper()}{note[1:]}"
    kinds = {L.ENGINE} | ({L.LIVE} if stamp.mode == "values" else set())
    old = {sheet["plan"]: plan_rows, sheet["archive"]: archive_rows,
           sheet["tourniquet"]: src.values(sheet["tourniquet"]),
           sheet["dashboard"]: src.values(sheet["dashboard"])}
    writes, clears, status = [], [], None
    # the stale check's snapshot: the checksum formula's value over the inputs as typed
    typed = {k: inputs.get(_find(list(inputs), v[lang]) or "", []) for k, v in SHEET_NAMES.items()}
    cells_checksum = None if stamp.mode == "values" else typed_checksum(a, typed)
    for block in L.all_blocks(a, status=status_line, kinds=kinds, cells_checksum=cells_checksum):
        name = sheet[block.sheet]
        w = Write(name, block.row, block.col, _excel_rows(block.rows))
        if block.sheet == "dashboard" and block.row == L.Dash.status and block.col == 0:
            status = w
            continue
        if block.nrows:
            writes.append(w)
        if block.grows:
            end = _last_used_row(old.get(name, []), block.col, block.ncols)
            start = block.row + block.nrows
            if end > start:
                clears.append(Clear(name, start, block.col, end - start, block.ncols))
    return Recalculation(True, lang, writes, clears, status, title=title, analysis=a, notes=notes)


def _last_used_row(rows: list[list[Any]], col: int, ncols: int) -> int:
    """1 + the last 0-based row with a value in columns col..col+ncols-1 (0 if none)."""
    for r in range(len(rows) - 1, -1, -1):
        if any(not _blank(v) for v in rows[r][col:col + ncols]):
            return r + 1
    return 0
