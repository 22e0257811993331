"""Is the book stale? The figures xlprof wrote, and a checksum of the inputs it read.

Tiers, ranks, reasons, actions, exit dates, the plan and the Segmentation tables are
written by the engine; the book's formulas cannot redo them. So that an edit never
leaves them silently out of date, the Dashboard compares, live, a few figures and a
checksum of every input the engine reads with the values xlprof computed when it last
wrote the book. As soon as one differs, a notice on the Dashboard and on every
engine-written block asks for a recalculation.

The checksum is a sum of terms, one per input column, each ``SUMPRODUCT`` of the Excel
row number and the cell value (numbers, dates as serial numbers, blanks 0), of the text
length for text, plus markers for the yes/no and behaviour words -- so that moving a
value to another row or column changes it too. :func:`checksum` computes it in Python
from what the writer puts in the cells; the Dashboard's formula (``dashboard.py``)
computes the same from the cells; LibreOffice checks they agree.

Pure Python (pandas/numpy): the live adapter calls it too.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from ..i18n import label
from ..model.analysis import Analysis
from ..schema import ACTIVITIES, CLIENTS
from .cellvalues import excel_serial

CLIENT_COLUMNS = tuple(c.name for c in CLIENTS.columns if c.name not in ("region", "notes"))
BEHAVIOR_MARKS = (("committed_fixed", 2), ("variable", 4))   # avoidable_fixed: 0
YES_MARK = 2
FIGURE_TOL = 1e-9       # relative, figures
CHECKSUM_TOL = 1e-13    # relative, the checksum (plus 1e-6 absolute): a cent at any row shows


def yes_word(value: bool, lang: str) -> str:
    return ("sí" if value else "no") if lang == "es" else ("yes" if value else "no")


def serial(d: Any) -> float:
    """Excel serial number of a date (0 for blank)."""
    if d is None or (isinstance(d, float) and math.isnan(d)):
        return 0.0
    return excel_serial(d)


@dataclass(frozen=True)
class Term:
    """One column of the checksum: ``source`` is clients, volumes, behavior, rates or settings."""

    source: str
    key: str            # client column, activity name, or setting key
    kind: str           # number | date | text | yesno | behavior | setting


def terms(a: Analysis) -> list[Term]:
    out = []
    for name in CLIENT_COLUMNS:
        kind = CLIENTS.column(name).kind
        out.append(Term("clients", name, {"rating": "number", "id": "text"}.get(kind, kind)))
    out += [Term("volumes", act, "number") for act in a.volumes.columns]
    out += [Term("behavior", "behavior", "behavior"), Term("rates", "rate", "number")]
    out += [Term("settings", key, "setting") for key in setting_keys(a)]
    return out


def setting_keys(a: Analysis) -> list[str]:
    """The settings the checksum covers: every number and date (text settings only
    change wording; capacity_constrained shows in the exit gains)."""
    return [k for k, v in a.settings.to_rows()
            if v is None or isinstance(v, dt.date) or (isinstance(v, (int, float)) and not isinstance(v, bool))]


def _number(x: Any) -> float:
    if x is None:
        return 0.0
    f = float(x)
    return 0.0 if math.isnan(f) else f


def term_values(a: Analysis) -> list[float]:
    """Each term's value in Python, from what the writer puts in the cells."""
    lang = a.lang
    c = a.clients
    n, m = len(c), len(a.activities)
    rows = np.arange(2, n + 2, dtype=float)      # Excel rows on Clients and Volumes
    arows = np.arange(2, m + 2, dtype=float)     # Excel rows on Activities and Rates
    out = []
    for t in terms(a):
        if t.source == "clients":
            col = c[t.key].tolist()
            if t.kind == "number":
                x = [_number(v) for v in col]
            elif t.kind == "date":
                x = [serial(v) for v in col]
            elif t.kind == "yesno":
                x = [len(yes_word(bool(v), lang)) + YES_MARK * bool(v) for v in col]
            else:
                x = [0.0 if v is None or (isinstance(v, float) and math.isnan(v)) else len(str(v)) for v in col]
            out.append(float(rows @ np.asarray(x, dtype=float)) if n else 0.0)
        elif t.source == "volumes":
            out.append(float(rows @ a.volumes[t.key].to_numpy(float)) if n else 0.0)
        elif t.source == "behavior":
            marks = dict(BEHAVIOR_MARKS)
            x = [len(label(b, lang)) + marks.get(b, 0) for b in a.activities["behavior"]]
            out.append(float(arows @ np.asarray(x, dtype=float)) if m else 0.0)
        elif t.source == "rates":
            out.append(float(arows @ a.activities["rate"].to_numpy(float)) if m else 0.0)
        else:
            v = getattr(a.settings, t.key)
            out.append(serial(v) if isinstance(v, dt.date) else _number(v))
    return out


def checksum(a: Analysis) -> float:
    """Σ (k + 1) × term_k over :func:`terms` (k from 0)."""
    return float(sum((k + 1) * v for k, v in enumerate(term_values(a))))


CHECK_KEYS = ["net_revenue", "cost_to_serve", "net_profit", "ledger_operating_profit", "scores",
              "exit_gains", "checksum"]


def figures(a: Analysis) -> list[float]:
    """The values, in :data:`CHECK_KEYS` order, xlprof computed when it wrote the book."""
    c = a.clients
    return [float(c["net_revenue"].sum()), float(c["cost_to_serve"].sum()), float(c["net_profit"].sum()),
            float(a.reconciliation["ledger_operating_profit"]), float(np.nansum(c["score"].to_numpy(float))),
            float(np.nansum(c["exit_gain"].to_numpy(float))), checksum(a)]


# --- the checksum over the cells as typed (the live Recalculate) ---------------------------


def _cell_number(v: Any) -> float:
    """What SUMPRODUCT takes from a cell: numbers and dates; text, booleans, blanks 0."""
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return 0.0
    if isinstance(v, (dt.date, dt.datetime)):
        return excel_serial(v)
    try:
        f = float(v)
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if math.isnan(f) else f


def _cell_len(v: Any) -> float:
    """LEN of a cell: its text, or a number's text in Excel's general format."""
    if v is None:
        return 0.0
    if isinstance(v, str):
        return float(len(v))
    if isinstance(v, bool):
        return float(len("TRUE" if v else "FALSE"))
    f = _cell_number(v)
    return float(len(str(int(f)) if f.is_integer() and abs(f) < 1e15 else f"{f:.15g}".upper()))


def _same_text(v: Any, word: str) -> bool:
    return isinstance(v, str) and v.casefold() == word.casefold()


def typed_checksum(a: Analysis, sheets: Mapping[str, list[list[Any]]]) -> float:
    """The value the Dashboard's checksum formula has over the input cells as they are
    typed: ``sheets`` maps Clients, Activities, Volumes and Settings to their rows from A1
    as Excel hands them over (numbers, text, booleans, dates, None). Inputs typed as
    numbers give :func:`checksum`; a number typed as text counts 0 (SUMPRODUCT skips
    text), as in the formula. The rates and text settings are taken as xlprof read them
    (the formulas read them the same way when they can; where they cannot, the figures
    the Dashboard also compares differ). The live Recalculate stores this as the
    checksum's snapshot, so that the stale check compares the formula with itself."""
    lang = a.lang
    n, m = len(a.clients), len(a.activities)
    clients, acts, vols, settings = (sheets.get(k) or [] for k in ("Clients", "Activities", "Volumes",
                                                                     "Settings"))

    def column(rows: list[list[Any]], j: int, count: int) -> list[Any]:
        return [rows[i][j] if i < len(rows) and j < len(rows[i]) else None for i in range(1, count + 1)]

    def weighted(xs: list[float]) -> float:
        return float(np.arange(2, len(xs) + 2, dtype=float) @ np.asarray(xs, dtype=float)) if xs else 0.0

    vol_header = [str(v) if v is not None else "" for v in (vols[0] if vols else [])]
    setting_rows = {str(r[0]): r[1] if len(r) > 1 else None for r in settings[1:] if r and isinstance(r[0], str)}
    out = []
    for t, engine in zip(terms(a), term_values(a)):
        if t.source == "clients":
            cells = column(clients, CLIENTS.names.index(t.key), n)
            if t.kind in ("number", "date"):
                out.append(weighted([_cell_number(v) for v in cells]))
            elif t.kind == "yesno":
                yes = yes_word(True, lang)
                out.append(weighted([_cell_len(v) + YES_MARK * _same_text(v, yes) for v in cells]))
            else:
                out.append(weighted([_cell_len(v) for v in cells]))
        elif t.source == "volumes":
            j = vol_header.index(t.key) if t.key in vol_header else None
            out.append(weighted([_cell_number(v) for v in column(vols, j, n)]) if j is not None else engine)
        elif t.source == "behavior":
            marks = dict(BEHAVIOR_MARKS)
            cells = column(acts, ACTIVITIES.names.index("behavior"), m)
            out.append(weighted([_cell_len(v) + sum(w for b, w in marks.items() if _same_text(v, label(b, lang)))
                                 for v in cells]))
        elif t.source == "settings" and t.key in setting_rows:
            v = setting_rows[t.key]
            out.append(engine if isinstance(v, str) and v.strip() else _cell_number(v))
        else:
            out.append(engine)
    return float(sum((k + 1) * v for k, v in enumerate(out)))
