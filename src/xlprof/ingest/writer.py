"""The input workbook ingest writes: the standard input sheets (the same writer as the
template and the demo) plus a ``Sources`` sheet with the provenance: every raw file's rows
and amounts, used or left out and why, where each figure went, the reading decisions, and
the rows that could not be read. The reader ignores that sheet.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..model.analysis import Portfolio
from ..workbook.inputs import new_workbook, write_inputs
from .engine import Ingested
from .typed import AMOUNTS

T = {
    "title": ("Sources: where every figure of this workbook comes from", "Fuentes: de dónde sale cada cifra de este libro"),
    "period": ("Period", "Periodo"),
    "balance": ("Rows and amounts of each raw file: read = used + left out (to the cent)",
                "Filas e importes de cada archivo: leído = usado + descartado (al céntimo)"),
    "where": ("What went where", "Qué fue a dónde"),
    "decisions": ("How text was read (the reading rule, per file and column)",
                  "Cómo se leyó el texto (la regla de lectura, por archivo y columna)"),
    "bad": ("Rows that could not be read (first 20 per source)", "Filas que no se pudieron leer (las 20 primeras por fuente)"),
    "notes": ("Notes", "Notas"),
    "source": ("Source", "Fuente"), "kind": ("Kind", "Tipo"), "file": ("File", "Archivo"),
    "status": ("Status", "Estado"), "rows": ("Rows", "Filas"), "row": ("Row", "Fila"),
    "column": ("Column", "Columna"), "value": ("Value", "Valor"), "what": ("Read as", "Leída como"),
    "decided": ("Decision", "Decisión"), "examples": ("Evidence (one example per class)", "Evidencia (un ejemplo por clase)"),
    "target": ("Goes to", "Va a"), "from": ("Comes from", "Sale de"), "clients": ("Clients", "Clientes"),
    "total": ("Total", "Total"), "check": ("read - used - left out", "leído - usado - descartado"),
    "read": ("read", "leído"),
}
STATUS = {"used": ("used", "usado"), "unparseable": ("left out: unparseable", "descartado: ilegible"),
          "unknown_client": ("left out: unknown client", "descartado: cliente desconocido"),
          "outside_period": ("left out: outside the period", "descartado: fuera del periodo"),
          "credit_item": ("left out: credit item (no waiting time)", "descartado: abono (sin espera)"),
          "filtered": ("left out: filtered (no driver counts it)", "descartado: filtrado (ningún inductor lo cuenta)")}
AMOUNT_LABELS = {"net": ("net amount", "importe neto"), "list": ("list amount", "importe bruto"),
                 "discount": ("discount", "descuento"), "cost": ("cost", "coste"),
                 "quantity": ("quantity", "cantidad"), "paid": ("paid amount", "importe cobrado")}


def t(key: str, lang: str) -> str:
    return T[key][lang == "es"]


def destinations(ing: Ingested, lang: str) -> list[tuple[str, str]]:
    """(target, where it comes from) lines for the provenance."""
    es = lang == "es"
    out = []
    for s in ing.book.sources:
        c = s.columns
        if s.kind == "sales_lines":
            rev = f"list amount {c['list']!r}" if "list" in c else (
                f"net {c['net']!r} + discount {c['discount']!r}" if "discount" in c else f"net {c['net']!r}")
            out.append(("Clients.revenue", f"{s.name}: {rev}"))
            disc = (f"list {c['list']!r} - net {c['net']!r}" if "list" in c else
                    f"discount {c['discount']!r}" if "discount" in c else "0 (no list or discount column)")
            out.append(("Clients.discounts", f"{s.name}: {disc}"))
            out.append(("Clients.cogs", f"{s.name}: " + (f"cost {c['cost']!r}" if "cost" in c else "0 (no cost column)")))
        elif s.kind == "receivables":
            out.append(("Clients.days_to_pay", f"{s.name}: amount-weighted days from {c['date']!r} to "
                        f"{c.get('paid_date', '(no payment date)')!r}; open at {ing.end} counted to that date"))
            if "due" in c:
                out.append(("Clients.payment_terms_days", f"{s.name}: amount-weighted days from {c['date']!r} to {c['due']!r}"))
        elif s.kind == "write_offs":
            out.append(("Clients.bad_debt", f"{s.name}: {c['net']!r}"))
    for d in ing.book.drivers:
        how = {"rows": "rows", "documents": f"distinct documents", "sum": f"sum of {d.column!r}"}[d.measure]
        out.append((f"Volumes.{d.activity}", f"{d.source}: {how}" + (f" where {d.filter_text}" if d.filter_text else "")))
    if es:
        out = [(a.replace("Clients.", "Clientes.").replace("Volumes.", "Consumos."), b) for a, b in out]
    return out


def _num(ws, r, c, v, fmt):
    if v is None:
        ws.write_blank(r, c, None, fmt)
    else:
        ws.write_number(r, c, float(v) if not isinstance(v, Decimal) else float(v), fmt)


def write_sources_sheet(wb, st, ing: Ingested, lang: str) -> None:
    ws = wb.add_worksheet("Sources" if lang == "en" else "Fuentes")
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 14)
    ws.set_column(2, 2, 44)
    ws.set_column(3, 3, 34)
    ws.set_column(4, 10, 15)
    r = 0
    ws.write_string(r, 0, t("title", lang), st.title)
    r += 2
    ws.write_string(r, 0, t("period", lang), st.bold)
    ws.write_datetime(r, 1, dt.datetime.combine(ing.start, dt.time()), st.date)
    ws.write_datetime(r, 2, dt.datetime.combine(ing.end, dt.time()), st.date)
    r += 2
    ws.write_string(r, 0, t("balance", lang), st.subtitle)
    r += 1
    amounts = [a for a in AMOUNTS if any(x is not None for x in ing.read.get(a, []))] if len(ing.read) else []
    heads = [t("source", lang), t("kind", lang), t("file", lang), t("status", lang), t("rows", lang)]
    heads += [AMOUNT_LABELS[a][lang == "es"] for a in amounts]
    for j, h in enumerate(heads):
        ws.write_string(r, j, h, st.header)
    r += 1
    prov = ing.provenance
    for rd in ing.read.to_dict("records"):
        block = prov[(prov["source"] == rd["source"]) & (prov["file"] == rd["file"])]
        lines = [(t("read", lang), rd)] + [(STATUS[p["status"]][lang == "es"], p) for p in block.to_dict("records")]
        check = {a: (rd[a] or 0) - sum((p[a] or 0) for p in block.to_dict("records")) for a in amounts}
        check_rows = rd["rows"] - int(block["rows"].sum())
        lines.append((t("check", lang), dict(rows=check_rows, **check)))
        for label, rec in lines:
            ws.write_string(r, 0, rd["source"], st.text)
            ws.write_string(r, 1, rd["kind"], st.text)
            ws.write_string(r, 2, rd["file"], st.text)
            ws.write_string(r, 3, label, st.bold if label in (t("read", lang), t("check", lang)) else st.text)
            ws.write_number(r, 4, rec["rows"], st.integer)
            for j, a in enumerate(amounts, start=5):
                _num(ws, r, j, rec.get(a), st.number)
            r += 1
    r += 1
    ws.write_string(r, 0, t("where", lang), st.subtitle)
    r += 1
    ws.write_string(r, 0, t("target", lang), st.header)
    ws.write_string(r, 1, t("from", lang), st.header)
    r += 1
    for a, b in destinations(ing, lang):
        ws.write_string(r, 0, a, st.text)
        ws.write_string(r, 1, b, st.text)
        r += 1
    r += 1
    ws.write_string(r, 0, t("decisions", lang), st.subtitle)
    r += 1
    for j, h in enumerate([t("file", lang), t("column", lang), t("what", lang), t("decided", lang), t("examples", lang)]):
        ws.write_string(r, j if j < 2 else j + 1, h, st.header)
    r += 1
    for d in ing.decisions:
        ws.write_string(r, 0, d.file, st.text)
        ws.write_string(r, 1, d.column, st.text)
        ws.write_string(r, 3, d.what, st.text)
        ws.write_string(r, 4, d.decided, st.text)
        ws.write_string(r, 5, "; ".join(f"{k}: {v}" for k, v in sorted(d.examples.items())), st.text)
        r += 1
    if ing.unparseable:
        r += 1
        ws.write_string(r, 0, t("bad", lang), st.subtitle)
        r += 1
        for j, h in enumerate([t("file", lang), t("row", lang), t("column", lang), t("value", lang)]):
            ws.write_string(r, j, h, st.header)
        r += 1
        for f, row, col, val in ing.unparseable:
            ws.write_string(r, 0, f, st.text)
            ws.write_number(r, 1, row, st.integer)
            ws.write_string(r, 2, col or "", st.text)
            ws.write_string(r, 3, "" if val is None else str(val).replace("\x00", ""), st.text)
            r += 1
    if ing.notes:
        r += 1
        ws.write_string(r, 0, t("notes", lang), st.subtitle)
        r += 1
        for n in ing.notes:
            ws.write_string(r, 0, n, st.text)
            r += 1


def write_ingested_workbook(portfolio: Portfolio, ing: Ingested, path, *, lang: str = "en") -> None:
    """The standard input workbook + the Sources provenance sheet."""
    s = portfolio.settings
    wb, st = new_workbook(path, currency=s.currency)
    write_inputs(wb, st, portfolio, s.replace(language=lang), lang, sorted(portfolio.clients["client_id"]))
    write_sources_sheet(wb, st, ing, lang)
    wb.close()
