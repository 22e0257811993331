"""Every cell a user can type in keeps what they type.

We type into every unlocked cell of a generated book (a plausible, valid value for what
the cell holds), regenerate it with ``xlprof recalc``, and check each edit: it reads back
from the new book (inputs, the client picked on the Client sheet, the plan's owner names,
due dates, statuses and notes -- in the plan or, if its client left, the archive), or the
cell refuses typing (a validation whose message says where to edit: the engine writes it).
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl.utils import get_column_letter

from test_workbook import edge_portfolio
from xlprof.cli import main
from xlprof.i18n import label
from xlprof.model import analyze
from xlprof.workbook.book import write_analysis_book
from xlprof.workbook.client_layout import ClientRows
from xlprof.workbook.labels import SHEETS, h
from xlprof.workbook.regen import read_book

NEW_SETTINGS = {
    "period_months": 6, "currency": "USD", "cost_of_capital": 0.05, "decision_date": dt.datetime(2026, 11, 16),
    "score_terminate": 65, "coverage_min": 0.6, "tier_platinum": 0.45, "tier_gold": 0.75,
    "capacity_constrained": False, "value_per_freed_hour": 12, "notice_lead_days": 10,
    "target_net_margin": 0.12, "margin_span": 0.25, "late_days_span": 45, "bad_debt_span": 0.03,
    "cts_floor": 0.12, "cts_span": 0.25, "restructure_burden": 0.6, "date_order": "dmy",
    "decimal_separator": ".", "fixed_price_median": 0.9, "fixed_cost_median": 0.2,
    "fixed_platinum_min_profit": 20000, "fixed_gold_min_profit": 5000,
}


def load(path: Path):
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(path)


def refused(ws) -> set[tuple[int, int]]:
    """Cells (1-based row, col) whose validation refuses any typed value."""
    out = set()
    for dv in ws.data_validations.dataValidation:
        if dv.type == "custom" and (dv.formula1 or "").upper() == "FALSE" and dv.showErrorMessage:
            for rng in dv.sqref.ranges:
                for r in range(rng.min_row, rng.max_row + 1):
                    for c in range(rng.min_col, rng.max_col + 1):
                        out.add((r, c))
    return out


def unlocked(ws) -> list[tuple[int, int]]:
    """Unlocked cells of the used range, plus the first row below it where whole columns
    are unlocked (the plan sheets, which Recalculate may grow)."""
    cells = [(c.row, c.column) for row in ws.iter_rows() for c in row if not c.protection.locked]
    spare = ws.max_row + 1
    for col in range(1, ws.max_column + 1):
        dim = ws.column_dimensions.get(get_column_letter(col))
        if dim is not None and dim.protection is not None and not dim.protection.locked:
            cells.append((spare, col))
    return cells


class Typist:
    """A plausible value for each unlocked input cell, and what should read back."""

    def __init__(self, lang: str):
        self.lang = lang
        self.k = 0

    def value(self, sheet: str, header: str, old, key: str | None):
        lang = self.lang
        self.k += 1
        if sheet == "settings":
            return NEW_SETTINGS.get(key, old)
        if key in ("client_id",):
            return "Z" + str(old)
        if key in ("activity", "resource") or sheet == "volumes_header":
            return None if old in (None, "") and key == "resource" else f"R {old}" if key == "resource" \
                else f"X {old}"
        if key == "behavior":
            return label({"variable": "committed_fixed"}.get(_code(old), "variable"), lang)
        if key == "strategic":
            return ("sí" if lang == "es" else "yes") if str(old) in ("no",) else "no"
        if key in ("values_alignment", "communication", "needs_fit", "respect_of_terms", "growth_potential"):
            return 3
        if key == "contract_end":
            return dt.datetime(2028, 1, 31)
        if isinstance(old, (int, float)) or key in NUMBERS:
            return (old or 0) + 1
        return f"{old or ''} edited {self.k}".strip()


NUMBERS = {"revenue", "discounts", "cogs", "payment_terms_days", "days_to_pay", "bad_debt", "notice_days",
           "exit_penalty", "cost_pool", "rate", "minutes_per_unit", "cost", "capacity_hours", "quantity"}


def _code(text) -> str:
    from xlprof.i18n import parse_code

    return parse_code(text, ("variable", "avoidable_fixed", "committed_fixed")) or "variable"


def _keys(ws, table) -> dict[int, str]:
    from xlprof.schema import header_map
    from xlprof.textnorm import norm_key

    hmap = header_map(table)
    return {c.column: hmap.get(norm_key(c.value)) for c in ws[1] if c.value is not None}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_unlocked_cell_keeps_what_is_typed_or_refuses_typing(tmp_path, lang):
    from xlprof.schema import ACTIVITIES, CLIENTS, RESOURCES

    p = edge_portfolio()
    a = analyze(p, lang=lang)
    path = tmp_path / "book.xlsx"
    write_analysis_book(a, p, path)
    wb = load(path)
    S = {k: v[lang] for k, v in SHEETS.items()}
    inputs = {"Clients": ("Clients", "Clientes", CLIENTS), "Activities": ("Activities", "Actividades", ACTIVITIES),
              "Resources": ("Resources", "Recursos", RESOURCES)}
    typist = Typist(lang)
    typed: dict[tuple[str, int, int], object] = {}
    plan_typed: list[tuple[str, str, str, object]] = []     # (client, task, column key, value)
    refused_count = 0
    picked = None
    for ws in wb.worksheets:
        no = refused(ws)
        keys = {}
        for en, es, table in inputs.values():
            if ws.title == (es if lang == "es" else en):
                keys = _keys(ws, table)
        for r, c in unlocked(ws):
            if (r, c) in no:
                refused_count += 1
                continue
            cell = ws.cell(r, c)
            old = cell.value
            name = ws.title
            if name == S["client"]:
                assert (r - 1, c - 1) == (ClientRows.pick, 1), "the only input of the Client sheet"
                picked = "Z" + str(ws.cell(r, c).value)
                cell.value = picked
                continue
            if name in (S["plan"], S["archive"]):
                head = {ws.cell(1, j).value: j for j in range(1, ws.max_column + 1)}
                key = next(k for k in ("due_date", "owner_name", "status", "notes") if head.get(h(k, lang)) == c)
                cid, task = ws.cell(r, head[h("client_id", lang)]).value, ws.cell(r, head[h("task", lang)]).value
                if not cid:  # below the plan: regeneration refuses it with its row (test below)
                    continue
                v = {"due_date": dt.datetime(2027, 6, 30), "owner_name": f"Person {r}",
                     "status": label("done", lang), "notes": f"=note {r}"}[key]
                cell.value = v
                if key == "notes":
                    cell.data_type = "s"
                plan_typed.append((cid, task, key, v))
                continue
            if name == ("Parámetros" if lang == "es" else "Settings"):
                assert c == 2, f"Settings: only values are typed ({get_column_letter(c)}{r})"
                key = ws.cell(r, 1).value
                v = typist.value("settings", "", old, key)
            elif name == ("Consumos" if lang == "es" else "Volumes"):
                if r == 1:
                    v = f"X {old}"
                elif c == 1:
                    v = "Z" + str(old)
                else:
                    v = (old or 0) + 1
            else:
                assert keys, f"{name}!{get_column_letter(c)}{r} is unlocked but is no input and does not refuse typing"
                key = keys[c]
                if key in ("resource", "cost_pool", "rate", "minutes_per_unit") and old in (None, ""):
                    continue  # an activity's cost comes from one source: the reader refuses a second one
                v = typist.value(name, "", old, key)
            cell.value = v
            if isinstance(v, str):
                cell.data_type = "s"  # typed as text, even "=..." (Excel: a leading apostrophe)
            typed[(name, r, c)] = v
    assert refused_count > 100 and len(typed) > 100 and len(plan_typed) >= 40 and picked
    out = tmp_path / "typed.xlsx"
    wb.save(out)
    r = CliRunner().invoke(main, ["recalc", str(out), "--no-backup"])
    assert r.exit_code == 0, r.output
    back = load(out)
    for (name, row, col), v in typed.items():
        got = back[name].cell(row, col).value
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            assert got == pytest.approx(v), (name, row, col)
        else:
            assert got == v, (name, row, col, got, v)
    book = read_book(out)
    assert book.selected_client == picked
    tasks = {}
    for frame in (book.archive, book.plan):
        for x in frame.itertuples(index=False):
            tasks[(x.client_id, x.task)] = x
    for cid, task, key, v in plan_typed:
        x = tasks[(cid, task)]
        if key == "due_date":
            assert x.due_override == v.date(), (cid, task)
        elif key == "status":
            assert x.status == "done"
        else:
            assert getattr(x, key) == v, (cid, task, key)


def test_text_typed_below_the_plan_is_refused_with_its_row_not_dropped(tmp_path):
    p = edge_portfolio()
    a = analyze(p)
    path = tmp_path / "book.xlsx"
    write_analysis_book(a, p, path)
    wb = load(path)
    ws = wb["TransitionPlan"]
    row = ws.max_row + 1
    ws.cell(row, 9).value = "call the lawyer"
    wb.save(path)
    r = CliRunner().invoke(main, ["recalc", str(path), "--no-backup"])
    assert r.exit_code == 1
    assert f"row {row}" in r.output and "call the lawyer" not in r.output and "Notes" in r.output
