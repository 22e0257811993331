"""The input sheets (Clients, Activities, Volumes, Resources, Settings), shared by the input
template, the demo input workbook and the analysis workbook -- one layout, read back by
:mod:`xlprof.io.reader`.

Text from inputs is always written as a string cell (``put_string``), never as a formula.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import pandas as pd
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from ..i18n import label
from ..model.analysis import Portfolio
from ..schema import ACTIVITIES, CLIENTS, RESOURCES, SHEET_NAMES, Table, column_label
from ..settings import Settings
from .styles import Styles, amount_width, page_setup, wrapped_lines

SETTING_HELP = {
    "period_months": ("Months covered by the figures", "Meses que cubren las cifras"),
    "currency": ("Workbook currency (EUR, USD, GBP...)", "Moneda del libro (EUR, USD, GBP...)"),
    "cost_of_capital": ("Annual cost of capital for financing cost", "Coste anual del capital para el coste financiero"),
    "decision_date": ("Date of the decision (plans and exit dates start here)", "Fecha de la decisión (inicio de planes y fechas de salida)"),
    "language": ("Language of the workbook: en or es", "Idioma del libro: en o es"),
    "weight_profitability": ("Weight of the profitability signal", "Peso de la señal de rentabilidad"),
    "weight_payment": ("Weight of the payment signal", "Peso de la señal de pago"),
    "weight_service_burden": ("Weight of the service-burden signal", "Peso de la señal de carga de servicio"),
    "weight_values_alignment": ("Weight of the values-alignment rating", "Peso de la valoración de alineación de valores"),
    "weight_communication": ("Weight of the communication rating", "Peso de la valoración de comunicación"),
    "weight_needs_fit": ("Weight of the needs-fit rating", "Peso de la valoración de encaje de necesidades"),
    "weight_respect_of_terms": ("Weight of the respect-of-terms rating", "Peso de la valoración de respeto de condiciones"),
    "score_terminate": ("Score from which terminating is considered", "Puntuación a partir de la cual se considera terminar"),
    "coverage_min": ("Minimum share of weighted signals with data to act", "Cobertura mínima de señales con datos para actuar"),
    "tier_platinum": ("Cumulative profit share of the Platinum tier", "Cuota acumulada de beneficio del nivel Platino"),
    "tier_gold": ("Cumulative profit share up to the Gold tier", "Cuota acumulada de beneficio hasta el nivel Oro"),
    "capacity_constrained": ("Is capacity short? (freed hours then have value)", "¿Falta capacidad? (las horas liberadas tienen valor)"),
    "value_per_freed_hour": ("Value of one freed hour when capacity is short", "Valor de una hora liberada si falta capacidad"),
    "notice_lead_days": ("Days from decision to written notice", "Días desde la decisión hasta el preaviso escrito"),
    "target_net_margin": ("Net margin the profitability signal counts as fine (signal 0)",
                          "Margen neto que la señal de rentabilidad da por bueno (señal 0)"),
    "margin_span": ("How far below the target net margin the profitability signal reaches 1",
                    "Cuánto por debajo del margen objetivo la señal de rentabilidad llega a 1"),
    "late_days_span": ("Days paid late at which the payment signal reaches 1",
                       "Días de retraso en el pago con los que la señal de pago llega a 1"),
    "bad_debt_span": ("Bad debt as a share of revenue at which the payment signal reaches 1",
                      "Impagados como fracción de los ingresos con los que la señal de pago llega a 1"),
    "cts_floor": ("Cost-to-serve / net revenue the service-burden signal counts as normal (signal 0)",
                  "Coste de servir / ingresos netos que la señal de carga de servicio da por normal (señal 0)"),
    "cts_span": ("How far above that floor the service-burden signal reaches 1",
                 "Cuánto por encima de ese umbral la señal de carga de servicio llega a 1"),
    "restructure_burden": ("Service-burden signal from which a loss-making client is restructured",
                           "Señal de carga de servicio a partir de la cual se reestructura un cliente con pérdidas"),
    "date_order": ("Order of dates typed as text when the data cannot tell: auto, dmy, mdy or ymd",
                   "Orden de las fechas escritas como texto cuando los datos no lo aclaran: auto, dmy, mdy o ymd"),
    "decimal_separator": ("Decimal mark of numbers typed as text when the data cannot tell: auto, . or ,",
                          "Separador decimal de los números escritos como texto cuando los datos no lo aclaran: auto, . o ,"),
    "fixed_price_median": ("Split books: the portfolio's median price realization (blank = this book's)",
                           "Libros divididos: mediana de realización de precio de la cartera (vacío = la de este libro)"),
    "fixed_cost_median": ("Split books: the portfolio's median CTS / net revenue (blank = this book's)",
                          "Libros divididos: mediana de coste de servir / ingresos netos de la cartera (vacío = la de este libro)"),
    "fixed_platinum_min_profit": ("Split books: lowest net profit of the portfolio's Platinum tier (blank = computed)",
                                  "Libros divididos: menor beneficio neto del nivel Platino de la cartera (vacío = se calcula)"),
    "fixed_gold_min_profit": ("Split books: lowest net profit of the portfolio's Gold tier (blank = computed)",
                              "Libros divididos: menor beneficio neto del nivel Oro de la cartera (vacío = se calcula)"),
}


VALIDATION_ROWS = 5000   # rows below the data that keep the input checks (room to add clients)


def setting_name(key: str) -> str:
    """Defined name of a setting cell (prefixed so it never looks like a cell reference)."""
    return f"xp_{key}"


@dataclass
class TableLayout:
    sheet: str
    first_row: int                  # 0-based row of the first data row
    n: int
    cols: dict[str, int] = field(default_factory=dict)   # canonical column -> 0-based col

    def col(self, name: str) -> str:
        return xl_col_to_name(self.cols[name])

    def ref(self, name: str, i: int, *, abs_col=True, sheet=True) -> str:
        """Cell reference of column ``name`` on data row ``i`` (0-based)."""
        cell = xl_rowcol_to_cell(self.first_row + i, self.cols[name], col_abs=abs_col)
        return f"{quote(self.sheet)}!{cell}" if sheet else cell

    def span(self, name: str) -> str:
        """Absolute reference of the whole data column ``name``."""
        c = self.cols[name]
        a = xl_rowcol_to_cell(self.first_row, c, True, True)
        b = xl_rowcol_to_cell(self.first_row + max(self.n, 1) - 1, c, True, True)
        return f"{quote(self.sheet)}!{a}:{b}"


@dataclass
class InputLayout:
    clients: TableLayout
    activities: TableLayout
    volumes: TableLayout           # cols: client_id + one per activity (activity name -> col)
    resources: TableLayout | None
    settings: dict[str, str]       # key -> absolute cell reference


def quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'" if not sheet.isidentifier() else sheet


def yes_no(value: bool, lang: str) -> str:
    return ("sí" if value else "no") if lang == "es" else ("yes" if value else "no")


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT


def write_table(ws, st: Styles, table: Table, frame: pd.DataFrame, lang: str, *,
                money_cols: tuple[str, ...] = (), widths: dict[str, int] | None = None,
                validations: bool = True) -> TableLayout:
    """Header in row 1, data from row 2; every cell an unlocked input cell."""
    names = table.names
    lay = TableLayout(ws.name, 1, len(frame), {n: j for j, n in enumerate(names)})
    tallest = 1
    for j, n in enumerate(names):
        text = column_label(n, lang)
        width = (widths or {}).get(n, max(10, min(16, len(text) + 2)))
        if n in money_cols:      # wide enough for its largest amount with cents and the currency
            width = max(width, amount_width(float(pd.to_numeric(frame[n], errors="coerce").abs().max() or 0.0)))
        ws.write_string(0, j, text, st.header)
        ws.set_column(j, j, width)
        tallest = max(tallest, wrapped_lines(text, width))
    ws.set_row(0, 15 * tallest + 2)
    cols = [frame[n].tolist() for n in names]
    for i in range(len(frame)):
        r = i + 1
        for j, n in enumerate(names):
            v = cols[j][i]
            kind = table.columns[j].kind
            if kind in ("number", "rating"):
                fmt = st.in_money if n in money_cols else st.in_number
                if _blank(v):
                    ws.put_blank(r, j, fmt)
                else:
                    ws.put_number(r, j, float(v), fmt)
            elif kind == "date":
                if _blank(v):
                    ws.put_blank(r, j, st.in_date)
                else:
                    ws.write_datetime(r, j, dt.datetime.combine(v, dt.time()), st.in_date)
            elif kind == "yesno":
                ws.put_string(r, j, yes_no(bool(v), lang), st.in_text)
            elif kind == "behavior":
                ws.put_string(r, j, label(v, lang), st.in_text)
            else:
                if _blank(v):
                    ws.put_blank(r, j, st.in_text)
                else:
                    ws.put_string(r, j, str(v), st.in_text)
    last = max(len(frame), 1)
    if validations:
        for j, c in enumerate(table.columns):
            rng = (1, j, last + VALIDATION_ROWS, j)
            if c.kind == "rating":
                ws.data_validation(*rng, {"validate": "decimal", "criteria": "between", "minimum": 1,
                                          "maximum": 5, "ignore_blank": True,
                                          "error_message": "1-5" if lang == "en" else "1-5"})
            elif c.kind == "yesno":
                ws.data_validation(*rng, {"validate": "list", "source": [yes_no(True, lang), yes_no(False, lang)]})
            elif c.kind == "behavior":
                ws.data_validation(*rng, {"validate": "list", "source": [
                    label(b, lang) for b in ("variable", "avoidable_fixed", "committed_fixed")]})
            elif c.kind == "number":
                ws.data_validation(*rng, {"validate": "decimal", "criteria": ">=", "value": 0,
                                          "ignore_blank": True})
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, last, len(names) - 1)
    page_setup(ws, repeat_row=0)
    return lay


def write_volumes(ws, st: Styles, portfolio: Portfolio, lang: str, client_order: list[str],
                  matrix: pd.DataFrame | None = None) -> TableLayout:
    """The Volumes sheet, wide; ``matrix``: the portfolio's volume matrix when already built
    (the analysis has it), else built here."""
    acts = list(portfolio.activities["activity"])
    m = (matrix if matrix is not None else portfolio.volume_matrix()).reindex(client_order)
    ws.write_string(0, 0, column_label("client_id", lang), st.header)
    ws.set_column(0, 0, 12)
    for j, a in enumerate(acts, start=1):   # activity names: yours to rename (with Activities)
        ws.write_string(0, j, a, st.in_header)
    ws.set_column(1, len(acts), 12)
    ws.set_row(0, 15 * max([wrapped_lines(a, 12) for a in acts] or [1]) + 2)
    values = m.to_numpy(float).tolist()
    fmt = st.in_number
    for i, cid in enumerate(client_order):
        ws.put_string(i + 1, 0, cid, st.in_text)
        for j, x in enumerate(values[i], start=1):
            ws.put_number(i + 1, j, x, fmt)
    last = max(len(client_order), 1)
    ws.data_validation(1, 1, last + VALIDATION_ROWS, max(len(acts), 1),
                       {"validate": "decimal", "criteria": ">=", "value": 0, "ignore_blank": True})
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, last, len(acts))
    page_setup(ws, repeat_row=0)
    cols = {"client_id": 0, **{a: j for j, a in enumerate(acts, start=1)}}
    return TableLayout(ws.name, 1, len(client_order), cols)


def write_settings(wb, ws, st: Styles, settings: Settings, lang: str) -> dict[str, str]:
    """key | value | description; each value cell gets a defined name ``xp_<key>``."""
    heads = ("Key", "Value") if lang == "en" else ("Clave", "Valor")
    ws.write_string(0, 0, heads[0], st.header)
    ws.write_string(0, 1, heads[1], st.header)
    ws.write_string(0, 2, "Description" if lang == "en" else "Descripción", st.header)
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 14)
    ws.set_column(2, 2, 60)
    refs = {}
    for i, (key, value) in enumerate(settings.to_rows(), start=1):
        ws.write_string(i, 0, key, st.text)
        if key == "decision_date":
            if value is None:
                ws.write_blank(i, 1, None, st.in_date)
            else:
                ws.write_datetime(i, 1, dt.datetime.combine(value, dt.time()), st.in_date)
        elif value is None:
            ws.write_blank(i, 1, None, st.in_number)
        elif isinstance(value, bool):
            ws.write_boolean(i, 1, value, st.in_text)
            ws.data_validation(i, 1, i, 1, {"validate": "list", "source": ["TRUE", "FALSE"]})
        elif isinstance(value, str):
            ws.write_string(i, 1, value, st.in_text)
        else:
            fmt = st.in_ratio if key in ("cost_of_capital", "coverage_min", "tier_platinum", "tier_gold",
                                         "target_net_margin", "margin_span", "bad_debt_span",
                                         "cts_floor", "cts_span") else st.in_number
            ws.write_number(i, 1, float(value), fmt)
        help_text = SETTING_HELP.get(key, ("", ""))[lang == "es"]
        ws.write_string(i, 2, help_text, st.wrap)
        lines = wrapped_lines(help_text, 60)
        if lines > 1:
            ws.set_row(i, 15 * lines + 2)
        ref = f"{quote(ws.name)}!$B${i + 1}"
        wb.define_name(setting_name(key), "=" + ref)
        refs[key] = ref
    ws.freeze_panes(1, 0)
    page_setup(ws, landscape=False, repeat_row=0)
    return refs


def write_inputs(wb, st: Styles, portfolio: Portfolio, settings: Settings, lang: str,
                 client_order: list[str], volume_matrix: pd.DataFrame | None = None) -> InputLayout:
    """All input sheets in the order Settings, Clients, Activities, Volumes, Resources
    (``volume_matrix``: :meth:`Portfolio.volume_matrix` when already built)."""
    names = {k: v[lang] for k, v in SHEET_NAMES.items()}
    ws_set = wb.add_worksheet(names["Settings"])
    refs = write_settings(wb, ws_set, st, settings, lang)
    c = portfolio.clients.set_index("client_id", drop=False).loc[client_order]
    ws_c = wb.add_worksheet(names["Clients"]).stream()      # per-client sheets: written to disk as they fill
    clients = write_table(ws_c, st, CLIENTS, c, lang,
                          money_cols=("revenue", "discounts", "cogs", "bad_debt", "exit_penalty"),
                          widths={"client_name": 30, "notes": 40, "account_manager": 18})
    ws_a = wb.add_worksheet(names["Activities"])
    acts = write_table(ws_a, st, ACTIVITIES, portfolio.activities, lang,
                       money_cols=("cost_pool", "rate"), widths={"activity": 26, "resource": 20})
    ws_v = wb.add_worksheet(names["Volumes"]).stream()
    vols = write_volumes(ws_v, st, portfolio, lang, client_order, volume_matrix)
    res = None
    if len(portfolio.resources):
        ws_r = wb.add_worksheet(names["Resources"])
        res = write_table(ws_r, st, RESOURCES, portfolio.resources, lang, money_cols=("cost",),
                          widths={"resource": 24})
    return InputLayout(clients, acts, vols, res, refs)


def new_workbook(path, *, currency: str):
    """An XlsxWriter workbook set up for byte-identical output (:class:`.stream.Book`: its
    per-client sheets may be streamed to disk as they fill)."""
    from .stream import Book

    wb = Book(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False, "nan_inf_to_errors": False})
    wb.set_properties({"created": dt.datetime(2000, 1, 1), "author": "xlprof", "company": ""})
    wb.set_calc_mode("auto")
    return wb, Styles(wb, currency)


def write_input_workbook(portfolio: Portfolio, path, *, lang: str = "en") -> None:
    """An input workbook (no analysis) -- the demo inputs and the template."""
    s = portfolio.settings
    wb, st = new_workbook(path, currency=s.currency)
    write_inputs(wb, st, portfolio, s.replace(language=lang), lang,
                 sorted(portfolio.clients["client_id"]))
    wb.close()
