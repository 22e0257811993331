"""Regeneration: an analysis workbook is itself an input. Reads what people typed in the
transition plan (status and notes, keyed by client_id and task code) and its archive."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd

from ..errors import InputError, Problem
from ..i18n import parse_code
from ..io.reader import RawSheet, portfolio_from_sheets, read_sheets
from ..model.analysis import Portfolio
from ..model.exits import PLAN_COLUMNS, STATUSES
from ..textnorm import norm_key, parse_date
from .labels import H, SHEETS

_PLAN_KEYS = {"client_id", "client_name", "task", "due_date", "owner", "owner_name", "status", "notes"}


def _header_map() -> dict[str, str]:
    return {norm_key(t): k for k in _PLAN_KEYS for t in H[k]}


def is_analysis_book(sheets: dict[str, RawSheet]) -> bool:
    names = {norm_key(n) for n in sheets}
    return any(norm_key(n) in names for n in SHEETS["plan"].values())


def read_plan_sheet(raw: RawSheet, problems: list[Problem]) -> pd.DataFrame:
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
            continue
        status_text = get("status")
        status = parse_code(status_text, STATUSES) if status_text not in (None, "") else "pending"
        if status is None:
            problems.append(Problem(f"status {status_text!r} is not one of pending, in progress, done, "
                                    "not applicable", file=raw.file, sheet=raw.name, row=r + 1,
                                    column=str(rows[0][cols["status"]])))
            status = "pending"
        try:
            due = parse_date(get("due_date"))
        except ValueError:
            due = None
        notes = get("notes")
        out.append((str(cid).strip(), get("client_name"), str(task).strip(), due, get("owner"),
                    get("owner_name"), status, "" if notes in (None, "") else str(notes)))
    return pd.DataFrame(out, columns=PLAN_COLUMNS)


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
        found[key] = read_plan_sheet(raw, problems) if raw is not None else None
    if problems:
        raise InputError(problems)
    return dataclasses.replace(portfolio, plan=found["plan"], archive=found["archive"])
