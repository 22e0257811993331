"""Machine-readable and human-readable renderings of an analysis (design.md section 6).

Conversion only: every number comes from :class:`xlprof.model.Analysis`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from typing import Any, TextIO

import numpy as np
import pandas as pd

from .i18n import label, message
from .model.analysis import CLIENT_RESULT_COLUMNS, Analysis

CLIENT_EXTRA = ["client_name", "account_manager", "region", "action_reason", "freed_capacity_cost",
                "breakeven_price_rise",
                "breakeven_cts_cut", "price_realization", "cts_ratio", "profit_rank",
                "signal_profitability", "signal_payment", "signal_service_burden",
                "signal_values_alignment", "signal_communication", "signal_needs_fit",
                "signal_respect_of_terms"]
ACTIVITY_COLUMNS = ["activity", "driver", "behavior", "resource", "minutes_per_unit", "rate_source",
                    "cost_pool", "total_volume", "rate", "assigned_cost", "unassigned_cost", "hours"]
CSV_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def plain(v: Any) -> Any:
    """A JSON-ready value: NaN/None -> None, numpy scalars -> Python, dates -> ISO 8601."""
    if v is None:
        return None
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return None if math.isnan(f) or math.isinf(f) else f
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if v is pd.NaT or v is pd.NA:
        return None
    return v


def client_records(a: Analysis) -> list[dict]:
    cols = CLIENT_RESULT_COLUMNS + CLIENT_EXTRA
    return [{k: plain(r[k]) for k in cols} for r in a.clients[cols].to_dict("records")]


def to_dict(a: Analysis, *, clients: bool = True) -> dict:
    """The whole result as plain Python, value by value (:func:`write_json` writes the same,
    faster); ``clients=False`` leaves the client records out."""
    acts = a.activities.reset_index()[ACTIVITY_COLUMNS]
    return {
        **({"clients": client_records(a)} if clients else {}),
        "activities": [{k: plain(v) for k, v in r.items()} for r in acts.to_dict("records")],
        "resources": [{k: plain(v) for k, v in r.items()} for r in a.resources.to_dict("records")],
        "reconciliation": plain(a.reconciliation),
        "summary": plain(a.summary),
    }


def to_json(a: Analysis) -> str:
    buf = io.StringIO()
    write_json(a, buf)
    return buf.getvalue()


def to_csv(a: Analysis) -> str:
    buf = io.StringIO()
    write_csv(a, buf)
    return buf.getvalue()


def csv_safe(v: Any) -> Any:
    """OWASP CSV-injection escaping: text starting with = + - @ tab CR gets a leading quote.
    Numbers are never altered."""
    if isinstance(v, str) and v.startswith(CSV_DANGEROUS):
        return "'" + v
    return v


# --- streamed output ------------------------------------------------------------------------
# The client records are written a block of clients at a time, column by column (a million
# clients take seconds, not minutes), with the very text json.dumps(to_dict(a), indent=2) and the
# record-by-record CSV writer give: tests/test_scale_report.py compares them.

CHUNK = 20_000
_encode = json.encoder.encode_basestring      # json.dumps(ensure_ascii=False) of a str


def write_json(a: Analysis, out: TextIO) -> None:
    """``json.dumps(to_dict(a), ensure_ascii=False, indent=2)`` and a newline, to ``out``."""
    cols = CLIENT_RESULT_COLUMNS + CLIENT_EXTRA
    rest = to_dict(a, clients=False)
    head = json.dumps({"clients": [], **rest}, ensure_ascii=False, indent=2, allow_nan=False)
    opening = '{\n  "clients": []'
    n = len(a.clients)
    if not n:
        out.write(head + "\n")
        return
    row = "    {\n" + ",\n".join(f"      {_encode(k)}: %s" for k in cols) + "\n    }"
    arrays = [a.clients[k].to_numpy() for k in cols]
    out.write('{\n  "clients": [\n')
    for start in range(0, n, CHUNK):
        cells = [_json_cells(k, v[start:start + CHUNK]) for k, v in zip(cols, arrays)]
        if start:
            out.write(",\n")
        out.write(",\n".join(map(row.__mod__, zip(*cells))))
    out.write("\n  ]" + head[len(opening):] + "\n")


def _column(values: np.ndarray) -> tuple[np.ndarray, str]:
    """(values, numpy kind): kinds other than float, int, bool and object become objects
    (datetimes as Timestamps, as ``to_dict`` gives them)."""
    kind = values.dtype.kind
    if kind not in "fiubO":
        return pd.Series(values).to_numpy(object), "O"
    return values, kind


def _float_texts(values: np.ndarray, blank: str) -> list[str]:
    """``repr`` of each float (what json and the CSV writer write), ``blank`` for NaN and inf."""
    out = list(map(float.__repr__, values.tolist()))
    for i in np.flatnonzero(~np.isfinite(values)):
        out[i] = blank
    return out


def _json_cells(key: str, values: np.ndarray) -> list[str]:
    """JSON text of each value as :func:`plain` and ``json.dumps(indent=2)`` (at a record's
    depth) write it."""
    values, kind = _column(values)
    if kind == "f":
        return _float_texts(values, "null")
    if kind in "iu":
        return list(map(int.__repr__, values.tolist()))
    if kind == "b":
        return ["true" if x else "false" for x in values.tolist()]
    if key == "reasons":
        return [_json_list(x) for x in values.tolist()]
    return [_encode(x) if type(x) is str else _json_value(x) for x in values.tolist()]


def _json_value(v: Any) -> str:
    if v is None:
        return "null"
    if type(v) is dt.date:
        return f'"{v.isoformat()}"'
    return json.dumps(plain(v), ensure_ascii=False, allow_nan=False)


def _json_list(v: Any) -> str:
    if type(v) is list and all(type(x) is str for x in v):
        items = v
    else:
        items = plain(v)
        if not isinstance(items, list):
            return _json_value(items)
    if not items:
        return "[]"
    return "[\n        " + ",\n        ".join(_encode(x) if type(x) is str else _json_value(x) for x in items) \
        + "\n      ]"


def write_csv(a: Analysis, out: TextIO) -> None:
    """The client records as CSV to ``out``: reasons joined by ``; ``, text escaped
    (:func:`csv_safe`), numbers as Python writes them, blanks empty; lines end in LF."""
    cols = CLIENT_RESULT_COLUMNS + CLIENT_EXTRA
    w = csv.writer(_LineFeedRows(out), lineterminator="\r\n")
    w.writerow(cols)
    arrays = [a.clients[k].to_numpy() for k in cols]
    for start in range(0, len(a.clients), CHUNK):
        w.writerows(zip(*(_csv_cells(k, v[start:start + CHUNK]) for k, v in zip(cols, arrays))))


def _csv_cells(key: str, values: np.ndarray) -> list[Any]:
    values, kind = _column(values)
    if kind == "f":
        return _float_texts(values, "")
    if kind in "iub":
        return values.tolist()
    vals = values.tolist()
    if key == "reasons":        # lists of sentences, joined as the record-by-record writer did
        vals = ["; ".join(x) if type(x) is list and all(type(t) is str for t in x) else x for x in vals]
    # plain text that needs no escaping (nearly all) as it is; the rest value by value
    return [x if type(x) is str and x[:1] not in _SAFE_NOT else _csv_value(key, x) for x in vals]


_SAFE_NOT = frozenset(CSV_DANGEROUS)      # first characters csv_safe escapes (all one character)


def _csv_value(key: str, v: Any) -> Any:
    if type(v) is str:
        return csv_safe(v)
    if v is None:
        return ""
    v = plain(v)
    if key == "reasons" and isinstance(v, list):
        v = "; ".join(v)
    return "" if v is None else csv_safe(v) if isinstance(v, str) else repr(v) if isinstance(v, float) else v


class _LineFeedRows:
    """A file for :func:`csv.writer` whose rows end in CRLF, written out ending in LF.

    csv quotes a field only when it holds a character of the line terminator: with LF
    alone, a client name holding a bare CR went out unquoted and split the row in
    Excel and in every CSV reader. With CRLF any CR or LF gets the field quoted."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def write(self, row: str) -> None:
        self.out.write(row[:-2] + "\n" if row.endswith("\r\n") else row)


TABLE_HEAD = {
    "en": ["Client", "Name", "Net profit", "Margin", "Tier", "Score", "Action"],
    "es": ["Cliente", "Nombre", "Beneficio neto", "Margen", "Nivel", "Puntuación", "Acción"],
}


def number(x: float, spec: str, lang: str = "en") -> str:
    """``format(x, spec)`` the way people of ``lang`` write it: 1,234.5 in English,
    1.234,5 in Spanish (thousands and decimal marks swapped); "" for NaN."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    text = format(x, spec)
    return text.translate(_ES_MARKS) if lang == "es" else text


_ES_MARKS = str.maketrans(",.", ".,")


def to_table(a: Analysis, lang: str = "en", limit: int | None = None) -> str:
    """A fixed-width table for people: most profitable first, then the summary; numbers
    written the way the language writes them (es: 1.234,5)."""
    c = a.clients.sort_values("profit_rank")
    if limit:
        c = c.head(limit)
    rows = [TABLE_HEAD[lang]]
    for r in c.itertuples(index=False):
        rows.append([
            str(r.client_id), _clip(str(r.client_name), 28), number(r.net_profit, ",.0f", lang),
            number(r.net_margin, ".1%", lang), label(r.tier, lang),
            number(r.score, ".0f", lang), label(r.action, lang),
        ])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    right = {2, 3, 5}
    lines = ["  ".join(cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
                       for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    s = a.summary
    cur = s["currency"]
    profit, losses = number(s["net_profit"], ",.0f", lang), number(s["losses"], ",.0f", lang)
    clients = number(s["clients"], ",d", lang)
    if lang == "es":
        foot = [f"Clientes: {clients}  Beneficio neto: {profit} {cur}  "
                f"Clientes con pérdidas: {s['loss_making_clients']} ({losses} {cur})"]
        if s["whale_peak_share"] is not None:
            foot.append(f"Curva de ballena: pico {number(s['whale_peak_share'], '.0%', lang)} "
                        f"con {s['whale_peak_clients']} clientes")
    else:
        foot = [f"Clients: {clients}  Net profit: {profit} {cur}  "
                f"Loss-making clients: {s['loss_making_clients']} ({losses} {cur})"]
        if s["whale_peak_share"] is not None:
            foot.append(f"Whale curve: peak {number(s['whale_peak_share'], '.0%', lang)} "
                        f"at {s['whale_peak_clients']} clients")
    foot += scenario_lines(a)[:1]
    foot += [f"! {w}" for w in a.warnings]
    return "\n".join(lines + [""] + foot) + "\n"


def scenario_lines(a: Analysis) -> list[str]:
    """The exit scenario in words, for the console: what the period's profit does if every
    Terminate client leaves (the one-off penalties apart), and the death-spiral warning."""
    sc, lang = a.scenario, a.lang
    if not sc.leaving:
        return [message("exit_scenario_none", lang)]
    lines = [message("exit_scenario_line", lang, n=len(sc.leaving), change=sc.change,
                     recurring=sc.recurring_change, penalties=sc.penalties, cur=a.settings.currency)]
    if sc.new_lead_clients:
        lines.append("! " + message("death_spiral", lang, n=len(sc.new_lead_clients)))
    return lines


def _clip(s: str, n: int) -> str:
    s = s.replace("\n", " ").replace("\r", " ")
    return s if len(s) <= n else s[: n - 1] + "…"
