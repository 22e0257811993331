"""The sources workbook: which raw files hold what (sheet ``Sources``), how each activity is
counted (``Drivers``), and the optional ``Clients`` master, ``Resources`` and ``Settings``.

It describes data, never code: columns are named by their header in the raw file, filters
are parsed by :mod:`.filters`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Problem
from ..io.cells import RawSheet
from ..io.reader import find_sheet, parse_table, read_settings, read_sheets
from ..schema import Column, Table
from ..settings import Settings
from ..textnorm import norm_key, parse_date
from .filters import Condition, FilterError, parse_filter

KINDS = ("sales_lines", "receivables", "write_offs", "events")
KIND_ALIASES = {norm_key(k): v for k, v in {
    "sales_lines": "sales_lines", "sales lines": "sales_lines", "sales": "sales_lines",
    "lineas de venta": "sales_lines", "líneas de venta": "sales_lines", "ventas": "sales_lines",
    "receivables": "receivables", "cobros": "receivables", "cartera": "receivables",
    "partidas abiertas": "receivables", "cuentas a cobrar": "receivables",
    "write_offs": "write_offs", "write offs": "write_offs", "writeoffs": "write_offs",
    "incobrables": "write_offs", "fallidos": "write_offs",
    "events": "events", "eventos": "events",
}.items()}
MEASURES = {norm_key(k): v for k, v in {
    "rows": "rows", "filas": "rows", "count": "rows", "lines": "rows", "líneas": "rows",
    "distinct documents": "documents", "documents": "documents", "documentos": "documents",
    "documentos distintos": "documents",
    "sum": "sum", "suma": "sum",
}.items()}

# Roles a Sources row maps to a raw column; (role, kinds that use it, number/date/text).
ROLES: dict[str, tuple[str, str]] = {
    "client": ("text", "client_column"),
    "date": ("date", "date_column"),
    "document": ("text", "document_column"),
    "net": ("number", "net_amount_column"),
    "list": ("number", "list_amount_column"),
    "discount": ("number", "discount_column"),
    "cost": ("number", "cost_column"),
    "quantity": ("number", "quantity_column"),
    "due": ("date", "due_date_column"),
    "paid_date": ("date", "payment_date_column"),
    "paid": ("number", "paid_amount_column"),
}
KIND_ROLES = {
    "sales_lines": {"client", "date", "document", "net", "list", "discount", "cost", "quantity"},
    "receivables": {"client", "date", "document", "net", "due", "paid_date", "paid"},
    "write_offs": {"client", "date", "document", "net"},
    "events": {"client", "date", "document", "quantity"},
}
REQUIRED_ROLES = {"sales_lines": {"client", "date", "net"}, "receivables": {"client", "date", "net"},
                  "write_offs": {"client", "date", "net"}, "events": {"client", "date"}}


def _c(name, aliases=(), required=False):
    return Column(name, "text", required, tuple(aliases))


SOURCES = Table("Sources", ("Fuentes", "Orígenes", "Origenes"), (
    _c("source", ("fuente", "origen", "nombre fuente", "source name"), True),
    _c("path", ("file", "files", "archivo", "archivos", "fichero", "ruta", "glob"), True),
    _c("kind", ("tipo", "type", "clase"), True),
    _c("sheet", ("hoja",)),
    _c("client_column", ("columna cliente", "cliente", "client", "customer column"), True),
    _c("date_column", ("columna fecha", "fecha", "date", "fecha factura", "invoice date column")),
    _c("document_column", ("columna documento", "documento", "document", "número de documento",
                           "document number column")),
    _c("net_amount_column", ("columna importe neto", "importe neto", "importe", "net amount",
                             "amount column", "amount")),
    _c("list_amount_column", ("columna importe bruto", "importe bruto", "precio de lista",
                              "list amount", "gross amount column")),
    _c("discount_column", ("columna descuento", "descuento", "discount")),
    _c("cost_column", ("columna coste", "coste", "cost", "coste de ventas")),
    _c("quantity_column", ("columna cantidad", "cantidad", "quantity", "horas", "hours",
                           "hours column")),
    _c("due_date_column", ("columna vencimiento", "vencimiento", "due date", "fecha vencimiento")),
    _c("payment_date_column", ("columna fecha de cobro", "fecha de cobro", "fecha cobro",
                               "payment date", "fecha de pago")),
    _c("paid_amount_column", ("columna importe cobrado", "importe cobrado", "paid amount", "cobrado")),
    _c("credit_when", ("abono si", "abono cuando", "credit note when", "credit when")),
    _c("notes", ("notas", "comentarios", "comments")),
), required=True)

DRIVERS = Table("Drivers", ("Inductores",), (
    _c("activity", ("actividad",), True),
    _c("source", ("fuente", "origen"), True),
    _c("measure", ("medida", "cómo se cuenta", "how counted"), True),
    _c("measure_column", ("columna medida", "columna a sumar", "sum column", "column to sum")),
    _c("filter", ("filtro", "condición", "condicion", "only when", "solo si")),
), required=True)

INGEST_SETTINGS = {norm_key(k): v for k, v in {
    "period_start": "period_start", "inicio_periodo": "period_start", "period_from": "period_start",
    "desde": "period_start", "from": "period_start",
    "period_end": "period_end", "fin_periodo": "period_end", "period_to": "period_end",
    "hasta": "period_end", "to": "period_end",
}.items()}


@dataclass
class SourceSpec:
    name: str
    kind: str
    pattern: str
    files: list[Path]
    columns: dict[str, str]             # role -> header text in the raw files
    sheet: str | None = None
    credit_when: list[Condition] = field(default_factory=list)
    row: int = 0                        # row of the Sources sheet


@dataclass
class DriverSpec:
    activity: str
    source: str
    measure: str                        # rows | documents | sum
    column: str | None
    conditions: list[Condition]
    row: int = 0
    filter_text: str = ""


@dataclass
class SourcesBook:
    path: Path
    sheets: dict[str, RawSheet]
    sources: list[SourceSpec]
    drivers: list[DriverSpec]
    period_start: dt.date | None
    period_end: dt.date | None
    settings_rows: dict[str, int]       # ingest-only setting -> row (removed from Settings)
    settings: Settings = field(default_factory=Settings)   # the Settings sheet, read by the reader


def read_sources_book(path: Path) -> SourcesBook:
    """Parse the sources workbook; raises InputError listing every located problem."""
    path = Path(path)
    sheets = read_sheets(path)
    problems: list[Problem] = []
    where = dict(file=str(path))
    raw_s, raw_d = find_sheet(sheets, SOURCES), find_sheet(sheets, DRIVERS)
    for t, raw in ((SOURCES, raw_s), (DRIVERS, raw_d)):
        if raw is None:
            problems.append(Problem(f"missing sheet {t.name} (or {', '.join(t.aliases)}); sheets found: "
                                    f"{', '.join(sheets) or 'none'}; see xlprof ingest --template", **where))
    if problems:
        raise InputError(problems)
    sources = _read_sources(raw_s, path.parent, problems)
    drivers = _read_drivers(raw_d, {s.name.casefold(): s for s in sources}, problems)
    # The Settings sheet by the input workbook's own reader, every problem collected with the
    # others; its date_order and decimal_separator read the period and the raw files.
    settings_raw = settings_sheet(sheets)
    settings = read_settings({"Settings": settings_raw} if settings_raw is not None else {}, str(path), problems)
    start, end, rows = _period_settings(sheets, problems, settings.date_order)
    if problems:
        raise InputError(problems)
    return SourcesBook(path, sheets, sources, drivers, start, end, rows, settings)


def settings_sheet(sheets: dict[str, RawSheet]) -> RawSheet | None:
    """The Settings sheet without the ingest-only keys (period_start, period_end): the
    settings of the input workbook, as its reader reads them."""
    from ..schema import SETTINGS

    raw = find_sheet(sheets, SETTINGS)
    if raw is None:
        return None
    rows = [row if not (row and isinstance(row[0], str) and norm_key(row[0]) in INGEST_SETTINGS)
            else [None] * len(row) for row in raw.rows]
    return RawSheet(raw.file, raw.name, rows, raw.errors, raw.merged)


def _read_sources(raw: RawSheet, base: Path, problems: list[Problem]) -> list[SourceSpec]:
    pt = parse_table(raw, SOURCES, problems, notes=None)
    if pt is None:
        return []
    out, seen = [], {}
    for i, rec in enumerate(pt.frame.to_dict("records")):
        row = pt.rows[i]
        loc = dict(file=raw.file, sheet=raw.name, row=row)
        if rec["source"] is None:
            continue
        name = rec["source"]
        if name.casefold() in seen:
            problems.append(Problem(f"source {name!r} is given twice (first in row {seen[name.casefold()]})",
                                    column=pt.headers["source"], **loc))
            continue
        seen[name.casefold()] = row
        kind = KIND_ALIASES.get(norm_key(rec["kind"] or ""))
        if kind is None:
            problems.append(Problem(f"kind {rec['kind']!r} is not one of {', '.join(KINDS)}",
                                    column=pt.headers["kind"], **loc))
            continue
        cols = {role: rec[attr] for role, (_, attr) in ROLES.items() if rec.get(attr)}
        for role in sorted(REQUIRED_ROLES[kind] - set(cols)):
            problems.append(Problem(f"a {kind} source needs {ROLES[role][1]}: the header of the raw "
                                    f"column that holds the {role}", column=ROLES[role][1], **loc))
        for role in sorted(set(cols) - KIND_ROLES[kind]):
            problems.append(Problem(f"{ROLES[role][1]} is not used by a {kind} source; leave it blank",
                                    column=pt.headers.get(ROLES[role][1], ROLES[role][1]), **loc))
        if kind == "sales_lines" and "list" in cols and "discount" in cols:
            problems.append(Problem("give list_amount_column or discount_column, not both (discounts "
                                    "are list - net, or the discount column)",
                                    column=pt.headers["discount_column"], **loc))
        try:
            credit = parse_filter(rec["credit_when"])
        except FilterError as exc:
            problems.append(Problem(f"credit_when: {exc}", column=pt.headers.get("credit_when"), **loc))
            credit = []
        files = _glob(base, rec["path"])
        if not files:
            problems.append(Problem(f"no file matches {rec['path']!r} (relative to {base})",
                                    column=pt.headers["path"], **loc))
        out.append(SourceSpec(name, kind, rec["path"], files, cols, rec["sheet"], credit, row))
    return out


def _glob(base: Path, pattern: str) -> list[Path]:
    p = Path(pattern)
    if p.is_absolute():
        root, rel = Path(p.anchor), str(p.relative_to(p.anchor))
    else:
        root, rel = base, pattern
    if any(ch in rel for ch in "*?["):
        return sorted(f for f in root.glob(rel) if f.is_file())
    f = root / rel
    return [f] if f.is_file() else []


def _read_drivers(raw: RawSheet, sources: dict[str, SourceSpec], problems: list[Problem]) -> list[DriverSpec]:
    pt = parse_table(raw, DRIVERS, problems, notes=None)
    if pt is None:
        return []
    out = []
    for i, rec in enumerate(pt.frame.to_dict("records")):
        row = pt.rows[i]
        loc = dict(file=raw.file, sheet=raw.name, row=row)
        if rec["activity"] is None:
            continue
        src = sources.get((rec["source"] or "").casefold())
        if src is None:
            problems.append(Problem(f"source {rec['source']!r} is not in the Sources sheet "
                                    f"({', '.join(s.name for s in sources.values()) or 'none'})",
                                    column=pt.headers["source"], **loc))
            continue
        measure = MEASURES.get(norm_key(rec["measure"] or ""))
        if measure is None:
            problems.append(Problem(f"measure {rec['measure']!r} is not rows, distinct documents or sum",
                                    column=pt.headers["measure"], **loc))
            continue
        column = rec["measure_column"]
        if measure == "sum" and column is None:
            column = src.columns.get("quantity")
            if column is None:
                problems.append(Problem("measure sum needs measure_column (the raw column to add up)",
                                        column=pt.headers["measure"], **loc))
                continue
        if measure == "documents" and "document" not in src.columns:
            problems.append(Problem(f"measure distinct documents needs document_column in source {src.name!r}",
                                    column=pt.headers["measure"], **loc))
            continue
        try:
            conds = parse_filter(rec["filter"])
        except FilterError as exc:
            problems.append(Problem(f"filter: {exc}", column=pt.headers.get("filter"), **loc))
            continue
        out.append(DriverSpec(rec["activity"], src.name, measure, column if measure == "sum" else None,
                              conds, row, rec["filter"] or ""))
    return out


def _period_settings(sheets: dict[str, RawSheet], problems: list[Problem], order: str = "auto"):
    from ..schema import SETTINGS

    raw = find_sheet(sheets, SETTINGS)
    found: dict[str, dt.date | None] = {"period_start": None, "period_end": None}
    rows: dict[str, int] = {}
    if raw is None:
        return None, None, rows
    for r, line in enumerate(raw.rows):
        if not line:
            continue
        key = INGEST_SETTINGS.get(norm_key(line[0])) if isinstance(line[0], str) else None
        if key is None:
            continue
        rows[key] = r
        value = line[1] if len(line) > 1 else None
        try:
            found[key] = parse_date(value, order=order)
        except ValueError as exc:
            problems.append(Problem(f"{key}: {exc}", file=raw.file, sheet=raw.name, row=r + 1, column="value"))
    return found["period_start"], found["period_end"], rows
