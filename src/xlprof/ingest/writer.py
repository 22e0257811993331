"""The input workbook ingest writes: the standard input sheets (the same writer as the
template and the demo) plus a ``Sources`` sheet with the provenance: every raw file's rows
and amounts, used or left out and why, where each figure went, the reading decisions, and
the rows that could not be read. The reader ignores that sheet.

The balance is live: each file's check row is a formula (read minus every status line, per
column, with its value saved), so a controller can see it add up to 0.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from xlsxwriter.utility import xl_rowcol_to_cell

from ..model.analysis import Portfolio
from ..schema import SHEET_NAMES, column_label
from ..workbook.inputs import new_workbook, write_inputs
from .engine import Ingested
from .typed import AMOUNTS

T = {
    "title": ("Sources: where every figure of this workbook comes from", "Fuentes: de dónde sale cada cifra de este libro"),
    "period": ("Period", "Periodo"), "to": ("to", "a"),
    "balance": ("Rows and amounts of each raw file: read = used + left out (to the cent)",
                "Filas e importes de cada archivo: leído = usado + descartado (al céntimo)"),
    "balanced": ("Every file balances: read - used - left out = 0 in every column.",
                 "Todos los archivos cuadran: leído - usado - descartado = 0 en cada columna."),
    "unbalanced": ("A file does not balance (red): this is a defect in xlprof; please report it.",
                   "Un archivo no cuadra (en rojo): es un error de xlprof; por favor, comuníquelo."),
    "where": ("What went where", "Qué fue a dónde"),
    "decisions": ("How text was read (the reading rule, per file and column)",
                  "Cómo se leyó el texto (la regla de lectura, por archivo y columna)"),
    "bad": ("Rows that could not be read (first 20 per source)", "Filas que no se pudieron leer (las 20 primeras por fuente)"),
    "notes": ("Notes", "Notas"),
    "source": ("Source", "Fuente"), "kind": ("Kind", "Tipo"), "file": ("File", "Archivo"),
    "status": ("Status", "Estado"), "rows": ("Rows", "Filas"), "row": ("Row", "Fila"),
    "column": ("Column", "Columna"), "value": ("Value", "Valor"), "what": ("Read as", "Leída como"),
    "decided": ("Decision", "Decisión"), "examples": ("Evidence (one example per class)", "Evidencia (un ejemplo por clase)"),
    "unreadable": ("Unreadable", "Ilegibles"),
    "target": ("Goes to", "Va a"), "from": ("Comes from", "Sale de"),
    "check": ("read - used - left out", "leído - usado - descartado"), "read": ("read", "leído"),
    "number": ("number", "número"), "date": ("date", "fecha"),
}
STATUS = {"used": ("used", "usado"), "unparseable": ("left out: unparseable", "descartado: ilegible"),
          "unknown_client": ("left out: unknown client", "descartado: cliente desconocido"),
          "outside_period": ("left out: outside the period", "descartado: fuera del periodo"),
          "credit_item": ("left out: credit item (no waiting time)", "descartado: abono (sin espera)"),
          "filtered": ("left out: filtered (no driver counts it)", "descartado: filtrado (ningún inductor lo cuenta)")}
AMOUNT_LABELS = {"net": ("net amount", "importe neto"), "list": ("list amount", "importe bruto"),
                 "discount": ("discount", "descuento"), "cost": ("cost", "coste"),
                 "quantity": ("quantity", "cantidad"), "paid": ("paid amount", "importe cobrado")}
DECIDED = {".": ("decimal point", "punto decimal"), ",": ("decimal comma", "coma decimal"),
           "dmy": ("day first (DD/MM/YYYY)", "día primero (DD/MM/AAAA)"),
           "mdy": ("month first (MM/DD/YYYY)", "mes primero (MM/DD/AAAA)"),
           "ymd": ("year first", "año primero"),
           "-": ("no value depends on it", "ningún valor depende de ello")}
WIDTHS = (14, 16, 32, 34, 10, 15, 15, 15, 15, 15, 15)     # source, kind, file, status, rows, amounts
KINDS = {"sales_lines": ("sales lines", "líneas de venta"), "receivables": ("receivables", "cobros"),
         "write_offs": ("write-offs", "incobrables"), "events": ("events", "eventos")}


def t(key: str, lang: str) -> str:
    return T[key][lang == "es"]


def destinations(ing: Ingested, lang: str) -> list[tuple[str, str, str]]:
    """(sheet, column or activity, where it comes from) lines for the provenance, labelled
    as the input workbook's sheets and headers are."""
    es = lang == "es"

    def w(en: str, sp: str) -> str:
        return sp if es else en

    out = []
    for s in ing.book.sources:
        c = s.columns
        if s.kind == "sales_lines":
            inv = w("of invoice lines", "de las líneas facturadas")
            rev = (f"{w('list amount', 'importe bruto')} {c['list']!r}" if "list" in c else
                   f"{w('net', 'neto')} {c['net']!r} + {w('discount', 'descuento')} {c['discount']!r}" if "discount" in c
                   else f"{w('net', 'neto')} {c['net']!r}")
            out.append(("Clients.revenue", f"{s.name}: {rev} {inv}"))
            disc = (f"{w('list', 'bruto')} {c['list']!r} - {w('net', 'neto')} {c['net']!r} {inv}" if "list" in c else
                    f"{w('discount', 'descuento')} {c['discount']!r} {inv}" if "discount" in c else "")
            credits = w("credit notes and returns (their net amount: returns and allowances)",
                        "abonos y devoluciones (su importe neto: devoluciones y bonificaciones)")
            out.append(("Clients.discounts", f"{s.name}: " + (f"{disc} + {credits}" if disc else credits)))
            out.append(("Clients.cogs", f"{s.name}: " + (f"{w('cost', 'coste')} {c['cost']!r}" if "cost" in c
                                                          else w("0 (no cost column)", "0 (sin columna de coste)"))))
        elif s.kind == "receivables":
            paid = c.get("paid_date")
            out.append(("Clients.days_to_pay", f"{s.name}: " + w(
                f"amount-weighted days from {c['date']!r} to {paid!r}; open at {ing.end} counted to that date",
                f"días ponderados por importe de {c['date']!r} a {paid!r}; lo abierto al {ing.end} cuenta hasta esa fecha")))
            if "due" in c:
                out.append(("Clients.payment_terms_days", f"{s.name}: " + w(
                    f"amount-weighted days from {c['date']!r} to {c['due']!r}",
                    f"días ponderados por importe de {c['date']!r} a {c['due']!r}")))
        elif s.kind == "write_offs":
            out.append(("Clients.bad_debt", f"{s.name}: {c['net']!r}"))
    for d in ing.book.drivers:
        how = {"rows": w("rows", "filas"), "documents": w("distinct documents", "documentos distintos"),
               "sum": f"{w('sum of', 'suma de')} {d.column!r}"}[d.measure]
        cond = f" {w('where', 'donde')} {d.filter_text}" if d.filter_text else ""
        out.append((f"Volumes.{d.activity}", f"{d.source}: {how}{cond}"))
    labelled = []
    for target, source in out:
        sheet, name = target.split(".", 1)
        field = name if sheet == "Volumes" else column_label(name, lang)
        labelled.append((SHEET_NAMES[sheet][lang], field, source))
    return labelled


def _num(ws, r, c, v, fmt):
    if v is None or isinstance(v, float) and math.isnan(v):
        ws.write_blank(r, c, None, fmt)
    else:
        ws.write_number(r, c, float(v), fmt)


class _Formats:
    def __init__(self, wb, st):
        border = {"top": 1, "top_color": "#1F3864"}
        self.st = st
        self.file = wb.add_format({"bold": True, **border})
        self.file_int = wb.add_format({"bold": True, "num_format": "#,##0", **border})
        self.file_num = wb.add_format({"bold": True, "num_format": "#,##0.00", **border})
        self.indent = wb.add_format({"indent": 1})
        self.check = wb.add_format({"bold": True, "italic": True, "font_color": "#006100"})
        self.check_int = wb.add_format({"bold": True, "italic": True, "num_format": "#,##0;-#,##0;0", "font_color": "#006100"})
        self.check_num = wb.add_format({"bold": True, "italic": True, "num_format": "#,##0.00;-#,##0.00;0.00",
                                        "font_color": "#006100"})
        self.bad = wb.add_format({"bold": True, "font_color": "#C00000", "bg_color": "#FDE9E7"})
        self.note = wb.add_format({"text_wrap": True, "valign": "top"})
        self.row = wb.add_format({"num_format": "0", "align": "left"})
        self.header_right = wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F3864",
                                           "align": "right"})


def write_sources_sheet(wb, st, ing: Ingested, lang: str) -> None:
    es = lang == "es"
    f = _Formats(wb, st)
    ws = wb.add_worksheet("Fuentes" if es else "Sources")
    for j, width in enumerate(WIDTHS):
        ws.set_column(j, j, width)
    ws.set_landscape()
    ws.set_paper(9)                                  # A4
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.fit_to_pages(1, 0)                            # every column on the page, as many pages down as needed
    ws.set_footer("&L&8" + t("title", lang) + "&R&8&P / &N")
    r = 0
    ws.write_string(r, 0, t("title", lang), st.title)
    r += 2
    ws.write_string(r, 0, t("period", lang), st.bold)
    ws.write_datetime(r, 1, dt.datetime.combine(ing.start, dt.time()), st.date)
    ws.write_string(r, 2, f"{t('to', lang)} {ing.end.isoformat()}", st.text)
    r += 2
    r = _balance(ws, f, ing, lang, r) + 1
    ws.write_string(r, 0, t("where", lang), st.subtitle)
    r += 1
    ws.merge_range(r, 0, r, 1, t("target", lang), st.header)
    ws.merge_range(r, 2, r, len(WIDTHS) - 1, t("from", lang), st.header)
    r += 1
    for sheet, field, source in destinations(ing, lang):
        ws.write_string(r, 0, sheet, st.text)
        ws.write_string(r, 1, field, st.text)
        ws.write_string(r, 2, source, st.text)
        r += 1
    r += 1
    ws.write_string(r, 0, t("decisions", lang), st.subtitle)
    r += 1
    ws.merge_range(r, 0, r, 1, t("file", lang), st.header)
    ws.write_string(r, 2, t("column", lang), st.header)
    ws.write_string(r, 3, t("what", lang), st.header)
    ws.write_string(r, 4, t("unreadable", lang), f.header_right)
    ws.merge_range(r, 5, r, len(WIDTHS) - 1, t("examples", lang), st.header)
    r += 1
    for d in ing.decisions:
        ws.write_string(r, 0, d.file, st.text)
        ws.write_string(r, 2, d.column, st.text)
        ws.write_string(r, 3, f"{t(d.what, lang)}: {DECIDED.get(d.decided, (d.decided, d.decided))[es]}", st.text)
        ws.write_number(r, 4, d.unreadable, st.integer)
        ws.write_string(r, 5, "; ".join(f"{k}: {v}" for k, v in sorted(d.examples.items())), f.indent)
        r += 1
    if ing.unparseable:
        r += 1
        ws.write_string(r, 0, t("bad", lang), st.subtitle)
        r += 1
        ws.merge_range(r, 0, r, 1, t("file", lang), st.header)
        ws.write_string(r, 2, t("row", lang), st.header)
        ws.write_string(r, 3, t("column", lang), st.header)
        ws.merge_range(r, 4, r, 6, t("value", lang), st.header)
        r += 1
        for file, row, col, val in ing.unparseable:
            ws.write_string(r, 0, file, st.text)
            ws.write_number(r, 2, row, f.row)
            ws.write_string(r, 3, col or "", st.text)
            ws.write_string(r, 4, "" if val is None else str(val).replace("\x00", ""), st.text)
            r += 1
    if ing.notes:
        r += 1
        ws.write_string(r, 0, t("notes", lang), st.subtitle)
        r += 1
        chars = sum(WIDTHS) * 1.1
        for n in ing.notes:
            ws.merge_range(r, 0, r, len(WIDTHS) - 1, n, f.note)
            ws.set_row(r, 15 * max(1, math.ceil(len(n) / chars)))
            r += 1
    ws.print_area(0, 0, r, len(WIDTHS) - 1)


def _balance(ws, f: _Formats, ing: Ingested, lang: str, r: int) -> int:
    """The balance table: per file, the line read, one line per status, and the check line
    (formulas: read - the status lines, per column). Returns the next free row."""
    st, es = f.st, lang == "es"
    ws.write_string(r, 0, t("balance", lang), st.subtitle)
    r += 1
    amounts = [a for a in AMOUNTS if any(x is not None for x in ing.read.get(a, []))] if len(ing.read) else []
    heads = [t("source", lang), t("kind", lang), t("file", lang), t("status", lang), t("rows", lang)]
    heads += [AMOUNT_LABELS[a][es] for a in amounts]
    for j, h in enumerate(heads):
        ws.write_string(r, j, h, st.header)
    ws.repeat_rows(r)
    r += 1
    prov = ing.provenance
    balanced = True
    for rd in ing.read.to_dict("records"):
        block = prov[(prov["source"] == rd["source"]) & (prov["file"] == rd["file"])].to_dict("records")
        first = r
        ws.write_string(r, 0, rd["source"], f.file)
        ws.write_string(r, 1, KINDS[rd["kind"]][es], f.file)
        ws.write_string(r, 2, rd["file"], f.file)
        ws.write_string(r, 3, t("read", lang), f.file)
        ws.write_number(r, 4, rd["rows"], f.file_int)
        for j, a in enumerate(amounts, start=5):
            _num(ws, r, j, rd[a], f.file_num)
        r += 1
        for p in sorted(block, key=lambda p: (p["status"] != "used", p["status"])):
            ws.write_string(r, 3, STATUS[p["status"]][es], f.indent)
            ws.write_number(r, 4, p["rows"], st.integer)
            for j, a in enumerate(amounts, start=5):
                _num(ws, r, j, p[a], st.number)
            r += 1
        ws.write_string(r, 3, t("check", lang), f.check)
        for j, a in enumerate(["rows", *amounts], start=4):
            value = (rd[a] or 0) - sum((p[a] or 0) for p in block)
            balanced = balanced and value == 0
            top, below = xl_rowcol_to_cell(first, j), xl_rowcol_to_cell(first + 1, j)
            end = xl_rowcol_to_cell(r - 1, j)
            fmt = f.check_int if a == "rows" else f.check_num
            ws.write_formula(r, j, f"={top}-SUM({below}:{end})", fmt if value == 0 else f.bad,
                             float(value) if isinstance(value, Decimal) else value)
        r += 2
    ws.write_string(r - 1, 0, t("balanced" if balanced else "unbalanced", lang), f.check if balanced else f.bad)
    return r


def write_ingested_workbook(portfolio: Portfolio, ing: Ingested, path, *, lang: str = "en") -> None:
    """The standard input workbook + the Sources provenance sheet."""
    s = portfolio.settings
    wb, st = new_workbook(path, currency=s.currency)
    write_inputs(wb, st, portfolio, s.replace(language=lang), lang, sorted(portfolio.clients["client_id"]))
    write_sources_sheet(wb, st, ing, lang)
    wb.close()
