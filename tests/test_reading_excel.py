"""The Excel front doors read text numbers and dates by the book's Settings (design.md section 5).

A lone ``"5.000"`` or ``"03/04/2027"`` reads two ways: the one parser refuses it unless the
column or a setting settles it. In Excel the settings are the book's own: the live
Recalculate reads the book's Settings (Parámetros) sheet, ``XLPROF_ANALYZE`` and the score
functions take a settings range. These tests run each through xlwings' own machinery -- the
remote Book (tests/remote_book.py) for Recalculate, the classic ``CallUDF`` path
(tests/xlwings_win.py) for the functions -- and read the values back.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import xlwings_win as xw_win
from remote_book import apply_actions, make_payload, run_in_remote_book
from test_live import read_values as _values   # what Excel sends: every sheet from A1, cached values
from xlprof.model import analyze
from xlprof.model.analysis import make_portfolio
from xlprof.settings import Settings
from xlprof.workbook.book import write_analysis_book

MOD = "xlprof.udfs"


def _spanish_book(tmp_path: Path) -> dict[str, list[list]]:
    """A small Spanish analysis book: A01 makes money, B01 loses it and is to be terminated."""
    clients = [dict(client_id="A01", client_name="Alpha", revenue=100000.0, discounts=1000.0, cogs=50000.0),
               dict(client_id="B01", client_name="Bravo", revenue=20000.0, cogs=19000.0,
                    contract_end=dt.date(2027, 6, 30), notice_days=30,
                    values_alignment=1, communication=1, needs_fit=1, respect_of_terms=1)]
    activities = [dict(activity="Pedidos", behavior="variable", cost_pool=6000.0)]
    volumes = [dict(client_id="A01", Pedidos=100), dict(client_id="B01", Pedidos=200)]
    p = make_portfolio(clients, activities, volumes, [],
                       Settings(decision_date=dt.date(2026, 12, 1), language="es"), source="libro.xlsx")
    a = analyze(p, lang="es")
    path = tmp_path / "libro.xlsx"
    write_analysis_book(a, p, path, formulas="values")   # every result is Recalculate's to write
    return _values(path)


def _edit(sheets, sheet, key_col_value, header, value):
    """Set the cell of the row whose first cell is ``key_col_value``, column ``header``."""
    rows = sheets[sheet]
    j = rows[0].index(header)
    i = next(k for k, r in enumerate(rows) if r and r[0] == key_col_value)
    rows[i][j] = value


def _setting(sheets, key, value):
    rows = sheets["Parámetros"]
    i = next(k for k, r in enumerate(rows) if r and r[0] == key)
    rows[i][1] = value


def _recalculate(sheets):
    payload = make_payload(sheets, book_name="libro.xlsx", active_sheet="Panel")
    run = run_in_remote_book(payload, "xlprof:main")
    assert run["error"] is None, run["traceback"]
    alerts = [a["args"][0] for a in run["actions"] if a["func"] == "alert"]
    return apply_actions(payload, run), alerts


def _profit_row(after, client_id):
    rows = after["Rentabilidad"]
    return next(r for r in rows[1:] if str(r[0]).lstrip("'") == client_id)


def test_recalculate_reads_text_numbers_and_dates_by_the_books_settings(tmp_path, remote):
    sheets = _spanish_book(tmp_path)
    # a Spanish user pastes 5.000 (five thousand) as text into Descuentos, and a contract
    # end 03/04/2027 (3 April) as text; the plan's due date of B01's first task likewise
    _edit(sheets, "Clientes", "A01", "Descuentos", "5.000")
    _edit(sheets, "Clientes", "B01", "Fin de contrato", "03/04/2027")
    plan = sheets["PlanTransición"]
    due = plan[0].index("Vence")
    first = next(k for k, r in enumerate(plan) if r and r[0] == "B01")
    plan[first][due] = "05/01/2027"

    # no setting: refused, with both readings and the setting that decides, in the book's
    # language; nothing written
    after, alerts = _recalculate(sheets)
    (message,) = alerts
    assert message.startswith("No se ha cambiado nada: 3 problemas en los datos.\n\n")
    assert ("- libro.xlsx, hoja Clientes, fila 2, columna Descuentos: '5.000' puede leerse como 5000 ('.' separa "
            "los miles) o como 5 ('.' es el punto decimal), y nada más en la columna indica cuál; ponga "
            "decimal_separator a '.' o ',' en la hoja Parámetros, o escriba el número sin separador de miles\n"
            ) in message
    assert ("- libro.xlsx, hoja Clientes, fila 3, columna Fin de contrato: '03/04/2027' puede ser el 3 de abril de "
            "2027 (día primero) o el 4 de marzo de 2027 (mes primero), y nada más en la columna indica cuál; "
            "ponga date_order a dmy o mdy en la hoja Parámetros, o escriba la fecha como AAAA-MM-DD\n") in message
    assert ("- libro.xlsx, hoja PlanTransición, fila 2, columna Vence: '05/01/2027' puede ser el 5 de enero de "
            "2027 (día primero) o el 1 de mayo de 2027 (mes primero)") in message
    assert _profit_row(after, "A01") == _profit_row(apply_actions(make_payload(sheets), []), "A01")

    # the book's Settings say how its text reads: 5000, 3 April, 5 January
    _setting(sheets, "decimal_separator", ",")
    _setting(sheets, "date_order", "dmy")
    after, alerts = _recalculate(sheets)
    assert alerts == []
    head = after["Rentabilidad"][0]
    net = head.index(next(h for h in head if str(h).startswith("Ingresos netos")))
    assert _profit_row(after, "A01")[net] == 100000.0 - 5000.0
    new_plan = after["PlanTransición"]
    b_rows = [r for r in new_plan[1:] if str(r[0]).lstrip("'") == "B01"]
    assert str(b_rows[0][due])[:10] == "2027-01-05"

    # the other order reads the other dates (contract end 4 March, due 1 May)
    _setting(sheets, "date_order", "mdy")
    after, alerts = _recalculate(sheets)
    assert alerts == []
    b_rows = [r for r in after["PlanTransición"][1:] if str(r[0]).lstrip("'") == "B01"]
    assert str(b_rows[0][due])[:10] == "2027-05-01"


# --- functions through CallUDF ---------------------------------------------------------------

H = ("Client ID", "Revenue", "Discounts", "COGS", "Contract end", "Exit penalty", "Notice days",
     "Values alignment", "Communication", "Needs fit", "Respect of terms")
CLIENTS = (H, ("A", 100000.0, "5.000", 50000.0, None, None, None, 5.0, 5.0, 5.0, 5.0),
           ("B", 10000.0, None, 20000.0, "03/04/2027", 50000.0, 30.0, 1.0, 1.0, 1.0, 1.0))
ACTIVITIES = (("Activity", "Cost pool", "Behavior"), ("Orders", 1000.0, "variable"))
VOLUMES = (("Client ID", "Orders"), ("A", 1.0), ("B", 1.0))


def _analyze(settings):
    out = xw_win.call_udf(MOD, "XLPROF_ANALYZE", CLIENTS, ACTIVITIES, VOLUMES, settings)
    if isinstance(out, str):
        return out
    head = out[0]
    return {r[0]: dict(zip(head, r)) for r in out[1:]}


def _day(v):
    return v.date() if isinstance(v, dt.datetime) else v


def test_analyze_reads_text_by_the_settings_range(udfs):
    refused = _analyze((("decision_date", "2026-12-01"),))
    assert refused.startswith("#XLPROF! clients row 2 column Discounts: '5.000' can be read as 5000")
    # B's contract end holds it until then (its penalty is more than leaving early gains)
    out = _analyze((("decision_date", "2026-12-01"), ("decimal_separator", ","), ("date_order", "dmy")))
    assert out["A"]["net_revenue"] == 95000.0
    assert _day(out["B"]["exit_date"]) == dt.date(2027, 4, 3)
    # the Spanish keys and words, and the other order
    out = _analyze((("Clave", "Valor"), ("fecha_decision", "2026-12-01"), ("separador_decimal", "coma"),
                    ("orden_fechas", "mm/dd/aaaa")))
    assert out["A"]["net_revenue"] == 95000.0
    assert _day(out["B"]["exit_date"]) == dt.date(2027, 3, 4)
    # decimal_separator '.': 5.000 is five
    out = _analyze((("decision_date", "2026-12-01"), ("decimal_separator", "."), ("date_order", "dmy")))
    assert out["A"]["net_revenue"] == 99995.0


@pytest.mark.parametrize("separator, days", [(".", 1.0), (",", 1000.0)])
def test_a_settings_range_reads_its_own_text_by_its_decimal_separator(udfs, separator, days):
    args = (-200.0, 1000.0, 400.0, 90.0, 30.0, *[xw_win.MISSING] * 4)   # no bad debt, ratings...
    typed = xw_win.call_udf(MOD, "XLPROF_TERMINATION_SCORE", *args,
                            (("late_days_span", "1.000"), ("decimal_separator", separator)))
    given = xw_win.call_udf(MOD, "XLPROF_TERMINATION_SCORE", *args,
                            (("late_days_span", days),))
    assert typed == given and isinstance(typed, float)
    other = xw_win.call_udf(MOD, "XLPROF_TERMINATION_SCORE", *args, (("late_days_span", 1001.0 - days),))
    assert other != typed                  # 1 day late or 1000: the payment signal differs
    refused = xw_win.call_udf(MOD, "XLPROF_TERMINATION_SCORE", *args,
                              (("late_days_span", "1.000"),))
    assert refused.startswith("#XLPROF! settings: setting late_days_span: '1.000' can be read as 1000")


def test_xlprof_recalc_reads_a_typed_plan_date_by_date_order(tmp_path):
    import openpyxl
    from click.testing import CliRunner

    from xlprof.cli import main

    _spanish_book(tmp_path)
    path = tmp_path / "libro.xlsx"
    wb = openpyxl.load_workbook(path)
    plan = wb["PlanTransición"]
    head = [c.value for c in plan[1]]
    row = next(r for r in range(2, plan.max_row + 1) if plan.cell(r, 1).value == "B01")
    plan.cell(row, head.index("Vence") + 1).value = "05/01/2027"
    wb.save(path)
    r = CliRunner().invoke(main, ["recalc", str(path), "--no-backup", "--lang", "en"])
    assert r.exit_code == 1 and "'05/01/2027' can be 5 January 2027 (day first) or 1 May 2027" in r.output
    settings = wb["Parámetros"]
    k = next(r for r in range(1, settings.max_row + 1) if settings.cell(r, 1).value == "date_order")
    settings.cell(k, 2).value = "dmy"
    wb.save(path)
    r = CliRunner().invoke(main, ["recalc", str(path), "--no-backup"])
    assert r.exit_code == 0, r.output
    after = _values(path)["PlanTransición"]
    b_rows = [x for x in after[1:] if x[0] == "B01"]
    assert b_rows[0][head.index("Vence")] in (dt.date(2027, 1, 5), dt.datetime(2027, 1, 5))


# --- values as COM hands them to Recalculate (issue 9 g) -----------------------------------------


def _english_book(tmp_path: Path) -> dict[str, list[list]]:
    clients = [dict(client_id="A01", client_name="Alpha", revenue=100000.0, discounts=1000.0, cogs=50000.0),
               dict(client_id="B01", client_name="Bravo", revenue=20000.0, cogs=19000.0, bad_debt=250.5)]
    activities = [dict(activity="Orders", behavior="variable", cost_pool=6000.0)]
    volumes = [dict(client_id="A01", Orders=100), dict(client_id="B01", Orders=200)]
    p = make_portfolio(clients, activities, volumes, [], Settings(decision_date=dt.date(2026, 12, 1)),
                       source="book.xlsx")
    path = tmp_path / "book.xlsx"
    write_analysis_book(analyze(p), p, path, formulas="values")
    return _values(path)


def test_recalculate_reads_currency_cells_and_refuses_com_error_integers(tmp_path):
    """The classic Recalculate reads the book over COM: Currency and Accounting cells arrive as
    Decimal (read exactly; they were refused before), the newer errors as integers 0x800A07xx
    (xlwings' err_to_str names only the classic seven): never read as numbers near -2.1e9."""
    from decimal import Decimal

    from xlprof.excel.live import DictSource, plan_recalculation

    sheets = _english_book(tmp_path)
    plain = plan_recalculation(DictSource(sheets), book_name="book.xlsx")
    assert plain.ok, plain.message
    head = sheets["Clients"][0]
    money = [head.index(h) for h in ("Revenue", "Discounts", "COGS", "Bad debt")]
    as_com = {n: [list(r) for r in rows] for n, rows in sheets.items()}
    for row in as_com["Clients"][1:]:
        for j in money:
            if isinstance(row[j], float):
                row[j] = Decimal(repr(row[j])).quantize(Decimal("0.0001"))   # Currency: 4 decimals
    rec = plan_recalculation(DictSource(as_com), book_name="book.xlsx")
    assert rec.ok, rec.message
    cols = ["client_id", "net_revenue", "gross_margin", "cost_to_serve", "net_profit", "score"]
    assert rec.analysis.clients[cols].equals(plain.analysis.clients[cols])

    spill, calc = -2146826288 + 45, -2146826288 + 50          # #SPILL!, #CALC! as COM hands them over
    as_com["Clients"][1][head.index("COGS")] = spill
    as_com["Volumes"][2][1] = calc
    rec = plan_recalculation(DictSource(as_com), book_name="book.xlsx")
    assert not rec.ok and rec.writes == []
    assert "book.xlsx, sheet Clients, row 2, column COGS: cell holds the Excel error #SPILL!" in rec.message
    assert "book.xlsx, sheet Volumes, row 3, column Orders: cell holds the Excel error #CALC!" in rec.message
