"""The sources workbook, written: ``xlprof ingest --template`` (annotated, es/en) and the demo.

Sheets: Instructions, Sources, Drivers, Clients (master), Resources, Settings. Every cell a
user fills is a yellow input cell; headers are the canonical names (en) or Spanish aliases
that read back (tests check it).
"""

from __future__ import annotations

import datetime as dt

from ..schema import ACTIVITIES, CLIENTS, RESOURCES, column_label
from ..workbook.inputs import new_workbook
from .spec import DRIVERS, SOURCES

ES = {
    "source": "Fuente", "path": "Archivo", "kind": "Tipo", "sheet": "Hoja",
    "client_column": "Columna cliente", "date_column": "Columna fecha", "document_column": "Columna documento",
    "net_amount_column": "Columna importe neto", "list_amount_column": "Columna importe bruto",
    "discount_column": "Columna descuento", "cost_column": "Columna coste", "quantity_column": "Columna cantidad",
    "due_date_column": "Columna vencimiento", "payment_date_column": "Columna fecha de cobro",
    "paid_amount_column": "Columna importe cobrado", "credit_when": "Abono si", "notes": "Notas",
    "activity": "Actividad", "measure": "Medida", "measure_column": "Columna medida", "filter": "Filtro",
}
KIND_ES = {"sales_lines": "líneas de venta", "receivables": "cobros", "write_offs": "incobrables",
           "events": "eventos"}
MEASURE_ES = {"rows": "filas", "documents": "documentos distintos", "sum": "suma"}
SHEETS = {"Sources": ("Sources", "Fuentes"), "Drivers": ("Drivers", "Inductores"),
          "Clients": ("Clients", "Clientes"), "Resources": ("Resources", "Recursos"),
          "Settings": ("Settings", "Parámetros"), "Instructions": ("Instructions", "Instrucciones")}

INSTRUCTIONS = {
    "en": [
        "xlprof sources workbook: from raw exports to the input workbook",
        "Fill in the yellow cells, then run: xlprof generate THIS_FILE.xlsx -o OUTDIR   (or xlprof ingest THIS_FILE.xlsx -o input.xlsx)",
        "Sources: one row per raw file or pattern (sales/*.csv), relative to this workbook. CSV/TSV (comma, semicolon or tab; UTF-8 or Windows-1252), .xlsx or Parquet.",
        "Kind: sales_lines (invoice and credit-note lines: revenue, discounts, cost of sales), receivables (invoice items with due and payment dates: "
        "days to pay, payment terms), write_offs (bad debt), events (deliveries, returns, tickets, visits, timesheets: anything counted per client).",
        "Column cells hold the HEADER of the raw file's column (client_column = the header of the column with the client ID). Leave unused ones blank.",
        "Sales lines: net amount, and list amount (discount = list - net) or a discount column; cost column for COGS. Revenue is what was invoiced; "
        "credit notes and returns (negative lines, or lines credit_when marks when the export shows them positive, e.g. type = 'CN') "
        "add to discounts as returns and allowances, so a period's net revenue may be negative.",
        "Receivables: one row per invoice item; a partial payment is one row per paid part (or use paid_amount_column); a blank payment date is still open. "
        "Items open at the period's end wait until that date.",
        "Drivers: one row per activity: its source, its measure (rows, distinct documents, or sum of a column) and an optional filter "
        "such as type = 'RETURN' or shipping in ('Express', 'Air') (conditions joined by and), then the Activities columns: "
        "behaviour, and a cost pool, a rate, or a resource with minutes per unit.",
        "Clients (optional): names, managers, regions, contracts and ratings; clients found in the exports but not here come through with blank attributes.",
        "Settings: period_start and period_end (the period analysed; dates outside it are left out), decimal_separator and date_order when "
        "the files cannot tell, and every setting of the input workbook.",
        "The output's Sources sheet shows every raw file's rows and amounts: what was used and what was left out, and why.",
    ],
    "es": [
        "Libro de fuentes de xlprof: de las exportaciones al libro de entrada",
        "Rellene las celdas amarillas y ejecute: xlprof generate ESTE_ARCHIVO.xlsx -o CARPETA   (o xlprof ingest ESTE_ARCHIVO.xlsx -o entrada.xlsx)",
        "Fuentes: una fila por archivo o patrón (ventas/*.csv), relativo a este libro. CSV/TSV (coma, punto y coma o tabulador; UTF-8 o Windows-1252), .xlsx o Parquet.",
        "Tipo: líneas de venta (facturas y abonos: ingresos, descuentos, coste de ventas), cobros (partidas con vencimiento y fecha de cobro: "
        "días de cobro, plazo de pago), incobrables, eventos (entregas, devoluciones, incidencias, visitas, partes de horas: todo lo que se cuenta por cliente).",
        "Las celdas de columna llevan la CABECERA de la columna del archivo (Columna cliente = la cabecera de la columna con el ID de cliente). Deje en blanco las que no use.",
        "Líneas de venta: importe neto, e importe bruto (descuento = bruto - neto) o una columna de descuento; columna de coste para el coste de ventas. "
        "Los ingresos son lo facturado; abonos y devoluciones (líneas negativas, o las que marca Abono si cuando la exportación las da en positivo, "
        "p. ej. tipo = 'AB') suman a los descuentos como devoluciones y bonificaciones: el ingreso neto de un periodo puede ser negativo.",
        "Cobros: una fila por partida; un cobro parcial es una fila por parte cobrada (o use Columna importe cobrado); sin fecha de cobro sigue abierta. "
        "Las partidas abiertas al cierre del periodo esperan hasta esa fecha.",
        "Inductores: una fila por actividad: su fuente, su medida (filas, documentos distintos o suma de una columna) y un filtro opcional "
        "como tipo = 'DEVOLUCION' o envio in ('Urgente', 'Aéreo') (condiciones unidas por and), y las columnas de Actividades: "
        "comportamiento y una bolsa de coste, una tarifa, o un recurso con minutos por unidad.",
        "Clientes (opcional): nombres, gestores, regiones, contratos y valoraciones; los clientes de las exportaciones que no estén aquí entran con esos datos en blanco.",
        "Parámetros: inicio_periodo y fin_periodo (el periodo analizado; lo que quede fuera se descarta), separador_decimal y orden_fechas cuando "
        "los archivos no lo aclaran, y cualquier parámetro del libro de entrada.",
        "La hoja Fuentes del resultado muestra filas e importes de cada archivo: qué se usó y qué se dejó fuera, y por qué.",
    ],
}


def _label(name: str, lang: str, table) -> str:
    if table in (SOURCES, DRIVERS) and name in ES:
        return ES[name] if lang == "es" else name
    return column_label(name, lang)


PAGE_CHARS = 160          # about the column widths an A4 landscape page holds at a legible scale


def page_setup(ws, *, title_rows: int | None = 0, width: float = 0) -> None:
    """Landscape A4, the header row (and first column) repeated on each page; a sheet
    ``width`` characters wide goes on as few pages across as keep it legible."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    across = max(1, -(-int(width) // PAGE_CHARS))
    ws.fit_to_pages(across, 0)
    if title_rows is not None:
        ws.repeat_rows(title_rows)
        if across > 1:
            ws.repeat_columns(0)
    ws.set_footer("&L&8&A&R&8&P / &N")


def _write_rows(ws, st, names: list[str], rows: list[dict], lang: str, table, widths=None) -> None:
    total = 0
    for j, n in enumerate(names):
        head = _label(n, lang, table)
        ws.write_string(0, j, head, st.header)
        longest = max([len(head)] + [len(str(r.get(n))) for r in rows if r.get(n) is not None])
        width = (widths or {}).get(n, min(max(12, longest + 2), 40))
        ws.set_column(j, j, width)
        total += width
    page_setup(ws, width=total)
    for i, rec in enumerate(rows, start=1):
        for j, n in enumerate(names):
            v = rec.get(n)
            if v is None:
                ws.write_blank(i, j, None, st.in_text)
            elif isinstance(v, bool):
                ws.write_string(i, j, ("sí" if v else "no") if lang == "es" else ("yes" if v else "no"), st.in_text)
            elif isinstance(v, (int, float)):
                ws.write_number(i, j, float(v), st.in_number)
            elif isinstance(v, dt.date):
                ws.write_datetime(i, j, dt.datetime.combine(v, dt.time()), st.in_date)
            else:
                ws.write_string(i, j, str(v), st.in_text)
    ws.freeze_panes(1, 1)


def write_sources_book(path, *, sources: list[dict], drivers: list[dict], clients: list[dict] | None = None,
                       resources: list[dict] | None = None, settings: list[tuple] | None = None,
                       lang: str = "en", instructions: bool = True) -> None:
    """A sources workbook; rows are dicts keyed by canonical column names."""
    wb, st = new_workbook(path, currency="EUR")
    li = lang == "es"
    if instructions:
        ws = wb.add_worksheet(SHEETS["Instructions"][li])
        ws.set_column(0, 0, 110, st.wrap)
        page_setup(ws, title_rows=None)
        for i, line in enumerate(INSTRUCTIONS[lang]):
            ws.write_string(i, 0, line, st.title if i == 0 else st.wrap)
            if i:     # wrapped text: a row tall enough for its lines (LibreOffice does not grow it)
                ws.set_row(i, 15 * -(-len(line) // 110) + 3)
    if li:
        sources = [{**s, "kind": KIND_ES.get(s.get("kind"), s.get("kind"))} for s in sources]
        drivers = [{**d, "measure": MEASURE_ES.get(d.get("measure"), d.get("measure"))} for d in drivers]
    used = [c.name for c in SOURCES.columns if c.required or any(s.get(c.name) is not None for s in sources)]
    _write_rows(wb.add_worksheet(SHEETS["Sources"][li]), st, used, sources, lang, SOURCES,
                {"path": 26, "credit_when": 22, "notes": 40})
    act_cols = [c.name for c in ACTIVITIES.columns if c.name != "activity"]
    names = [c.name for c in DRIVERS.columns] + act_cols
    from ..i18n import label

    drivers = [{**d, "behavior": label(d["behavior"], lang)} if d.get("behavior") else d for d in drivers]
    _write_rows(wb.add_worksheet(SHEETS["Drivers"][li]), st, names, drivers, lang, DRIVERS,
                {"activity": 24, "filter": 30})
    if clients is not None:
        cols = [c.name for c in CLIENTS.columns if any(r.get(c.name) is not None for r in clients)
                or c.name == "client_id"]
        _write_rows(wb.add_worksheet(SHEETS["Clients"][li]), st, cols, clients, lang, CLIENTS)
    if resources:
        _write_rows(wb.add_worksheet(SHEETS["Resources"][li]), st, [c.name for c in RESOURCES.columns],
                    resources, lang, RESOURCES, {"resource": 24})
    ws = wb.add_worksheet(SHEETS["Settings"][li])
    page_setup(ws)
    ws.write_string(0, 0, "Clave" if li else "key", st.header)
    ws.write_string(0, 1, "Valor" if li else "value", st.header)
    ws.set_column(0, 1, 20)
    for i, (key, value) in enumerate(settings or [], start=1):
        ws.write_string(i, 0, key, st.text)
        if isinstance(value, dt.date):
            ws.write_datetime(i, 1, dt.datetime.combine(value, dt.time()), st.in_date)
        elif isinstance(value, (int, float)):
            ws.write_number(i, 1, value, st.in_number)
        else:
            ws.write_string(i, 1, str(value), st.in_text)
    wb.close()


def write_template(path, *, lang: str = "en") -> None:
    """``xlprof ingest --template``: the annotated sources workbook with example rows."""
    es = lang == "es"
    sources = [
        dict(source="sales", path="exports/sales*.csv", kind="sales_lines", client_column="customer",
             date_column="invoice_date", document_column="invoice", net_amount_column="net",
             list_amount_column="list", cost_column="cost", quantity_column="qty",
             credit_when="doc_type = 'CN'", notes="Invoice and credit-note lines from the ERP"
             if not es else "Líneas de facturas y abonos del ERP"),
        dict(source="ar", path="exports/open_items.xlsx", kind="receivables", client_column="customer",
             date_column="invoice_date", document_column="invoice", net_amount_column="amount",
             due_date_column="due_date", payment_date_column="cleared_on"),
        dict(source="bad_debt", path="exports/write_offs.csv", kind="write_offs", client_column="customer",
             date_column="date", net_amount_column="amount"),
        dict(source="logistics", path="exports/shipments.parquet", kind="events", client_column="customer",
             date_column="date", document_column="shipment"),
        dict(source="service", path="exports/tickets.csv", kind="events", client_column="account",
             date_column="opened", quantity_column="hours"),
    ]
    drivers = [
        dict(activity="Order entry", source="sales", measure="documents", filter="doc_type = 'INV'",
             driver="orders", behavior="variable", resource="Customer service", minutes_per_unit=8),
        dict(activity="Deliveries", source="logistics", measure="rows", filter="type = 'DELIVERY'",
             driver="deliveries", behavior="variable", cost_pool=150000),
        dict(activity="Returns", source="logistics", measure="rows", filter="type = 'RETURN'",
             driver="returns", behavior="variable", rate=35),
        dict(activity="Support", source="service", measure="sum", measure_column="hours",
             driver="support hours", behavior="committed_fixed", resource="Customer service", minutes_per_unit=60),
    ]
    clients = [dict(client_id="0001", client_name="Example Retail S.L.", account_manager="Ana García",
                    region="North", contract_end=dt.date(2027, 12, 31), notice_days=30, values_alignment=4)]
    resources = [dict(resource="Customer service", cost=60000, capacity_hours=1500)]
    settings = [("period_start", dt.date(2025, 1, 1)), ("period_end", dt.date(2025, 12, 31)),
                ("decimal_separator", "auto"), ("date_order", "auto"), ("currency", "EUR"),
                ("language", lang)]
    write_sources_book(path, sources=sources, drivers=drivers, clients=clients, resources=resources,
                       settings=settings, lang=lang)
