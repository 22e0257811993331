"""Regeneration: an analysis workbook is itself an input. Reads what people typed in the
transition plan and its archive (owner name, a moved due date, status and notes, keyed by
client_id and task code) and the client picked on the Client sheet."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import InputError, Problem
from ..i18n import parse_code
from ..io.evidence import AmbiguousValue
from ..messages import reason
from ..io.reader import RawSheet, portfolio_from_sheets, read_sheets
from ..model.analysis import Portfolio
from ..model.exits import PLAN_COLUMNS, STATUSES
from ..textnorm import norm_key, parse_date
from .client_layout import ClientRows
from .labels import H, SHEETS

_PLAN_KEYS = {"client_id", "client_name", "task", "due_date", "owner", "owner_name", "status", "notes",
              "proposed_due"}


@dataclass(frozen=True)
class BookPortfolio(Portfolio):
    """The inputs of an analysis workbook, with the client its Client sheet shows."""

    selected_client: str | None = None


def _header_map() -> dict[str, str]:
    return {norm_key(t): k for k in _PLAN_KEYS for t in H[k]}


def is_analysis_book(sheets: dict[str, RawSheet]) -> bool:
    names = {norm_key(n) for n in sheets}
    return any(norm_key(n) in names for n in SHEETS["plan"].values())


def read_plan_sheet(raw: RawSheet, problems: list[Problem], order: str = "auto") -> pd.DataFrame:
    """The plan (or archive) sheet's rows; dates typed as text follow ``order`` (the book's
    Settings ``date_order``: ``03/04/2027`` is refused under ``auto``)."""
    hmap = _header_map()
    rows = raw.rows
    if not rows:
        return pd.DataFrame(columns=PLAN_COLUMNS)
    cols = {hmap.get(norm_key(v)): j for j, v in enumerate(rows[0]) if isinstance(v, str)}
    cols.pop(None, None)
    if not {"client_id", "task", "status"} <= set(cols):
        problems.append(Problem("the plan sheet lost its client ID, task code or status column",
                                file=raw.file, sheet=raw.name, row=1))
        return pd.DataFrame(columns=PLAN_COLUMNS)
    out = []
    for r in range(1, len(rows)):
        get = lambda k: raw.cell(r, cols[k]) if k in cols else None  # noqa: E731
        cid, task = get("client_id"), get("task")
        if cid in (None, "") and task in (None, ""):
            typed = [k for k in ("due_date", "owner_name", "status", "notes") if get(k) not in (None, "")]
            if typed:  # never drop what was typed: say where it is
                problems.append(Problem(f"this row has no client ID and task code, so what is typed in it "
                                        f"({', '.join(str(rows[0][cols[k]]) for k in typed)}) belongs to no "
                                        "task: move it to a task's row or delete it",
                                        file=raw.file, sheet=raw.name, row=r + 1))
            continue
        status_text = get("status")
        status = parse_code(status_text, STATUSES) if status_text not in (None, "") else "pending"
        if status is None:
            problems.append(Problem(f"status {status_text!r} is not one of pending, in progress, done, "
                                    "not applicable", file=raw.file, sheet=raw.name, row=r + 1,
                                    column=str(rows[0][cols["status"]])))
            status = "pending"
        due = _date(get("due_date"), raw, r, rows[0], cols.get("due_date"), problems, order)
        proposed = _date(get("proposed_due"), raw, r, rows[0], cols.get("proposed_due"), problems, order)
        # a due date that differs from the proposed one was moved by someone (books
        # without the proposed column cannot tell: their dates are the proposals)
        moved = due if "proposed_due" in cols and due is not None and due != proposed else None
        out.append((str(cid).strip(), get("client_name"), str(task).strip(), proposed, get("owner"),
                    _text(get("owner_name")), status, _text(get("notes")), moved))
    return pd.DataFrame(out, columns=PLAN_COLUMNS)


def _text(v) -> str:
    if v in (None, ""):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _date(v, raw: RawSheet, r: int, header: list, col: int | None, problems: list[Problem],
          order: str = "auto"):
    try:
        return parse_date(v, order=order)
    except ValueError as exc:
        ambiguous = isinstance(exc, AmbiguousValue)     # says both readings and date_order
        problems.append(Problem(reason(exc) if ambiguous else f"{v!r} is not a date: type a date such as 2027-03-31",
                                file=raw.file, sheet=raw.name, row=r + 1,
                                column=str(header[col]) if col is not None else None))
        return None


def read_book(path: Path | str) -> Portfolio:
    """Read an input workbook or an analysis workbook (with its plan and archive)."""
    path = Path(path)
    sheets = read_sheets(path)
    portfolio = portfolio_from_sheets(sheets, str(path))
    if not is_analysis_book(sheets):
        return portfolio
    problems: list[Problem] = []
    found = {}
    for key in ("plan", "archive"):
        wanted = {norm_key(n) for n in SHEETS[key].values()}
        raw = next((s for n, s in sheets.items() if norm_key(n) in wanted), None)
        found[key] = (read_plan_sheet(raw, problems, portfolio.settings.date_order)
                      if raw is not None else None)
    if problems:
        raise InputError(problems)
    fields = {f.name: getattr(portfolio, f.name) for f in dataclasses.fields(Portfolio)}
    fields.update(plan=found["plan"], archive=found["archive"])
    return BookPortfolio(**fields, selected_client=_selected_client(sheets))


def _selected_client(sheets: dict[str, RawSheet]) -> str | None:
    """The client ID picked on the Client sheet (None: no such sheet or cell)."""
    wanted = {norm_key(n) for n in SHEETS["client"].values()}
    raw = next((s for n, s in sheets.items() if norm_key(n) in wanted), None)
    row = ClientRows.pick
    if raw is None or len(raw.rows) <= row:
        return None
    v = raw.cell(row, 1)
    if isinstance(v, float) and v.is_integer():
        v = str(int(v))
    return v.strip() if isinstance(v, str) and v.strip() else None
