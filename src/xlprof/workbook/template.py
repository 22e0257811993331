"""The input template: instructions, the five input sheets with example rows and
validation lists. Reads back as a valid (tiny) portfolio."""

from __future__ import annotations

import datetime as dt

from ..model.analysis import make_portfolio
from ..settings import Settings
from .inputs import new_workbook, write_inputs
from .styles import page_setup, wrapped_lines

INSTRUCTIONS = {
    "en": [
        "xlprof input template",
        "Fill in the yellow cells of each sheet, replacing the example rows, then run: xlprof generate THIS_FILE.xlsx -o OUTDIR",
        "Clients: one row per client. Required: client ID (text; leading zeros are kept), revenue, COGS. "
        "Discounts, payment terms and actual days to pay, bad debt, contract end, notice days, exit penalty are optional.",
        "Ratings (values alignment, communication, needs fit, respect of terms, growth potential) go from 1 (bad) to 5 (good); "
        "decimals allowed; leave blank when you do not know (the score then says how much of it has data).",
        "Activities: what you do for clients. Each needs a behaviour (variable, avoidable fixed, committed fixed) and a cost: "
        "a cost pool (spread by volume), a rate per unit, or a resource plus minutes per unit (time-driven ABC).",
        "Resources: teams or assets with their cost for the period, their practical capacity in hours and their behaviour. "
        "A time-driven activity behaves as its resource: a salaried team is committed fixed (blank means that; a client who "
        "leaves frees its minutes, not their cost); a provider paid per minute is variable (the cost goes with the client).",
        "Volumes: one row per client, one column per activity (the activity's exact name), quantities for the period.",
        "Settings: leave the defaults or change them; decision_date is needed for exit dates and transition plans.",
        "Numbers may be typed as 1234.56, 1.234,56 or 12 %; text such as n/a is reported as an error with its row and column.",
    ],
    "es": [
        "Plantilla de entrada de xlprof",
        "Rellene las celdas amarillas de cada hoja, sustituyendo los ejemplos, y ejecute: xlprof generate ESTE_ARCHIVO.xlsx -o CARPETA",
        "Clientes: una fila por cliente. Obligatorios: ID cliente (texto; se conservan los ceros a la izquierda), ingresos, coste de ventas. "
        "Descuentos, plazo de pago y días reales de cobro, incobrables, fin de contrato, preaviso y penalización son opcionales.",
        "Las valoraciones (alineación de valores, comunicación, encaje de necesidades, respeto de condiciones, potencial) van de 1 (mal) a 5 (bien); "
        "se admiten decimales; déjelas en blanco si no lo sabe (la puntuación indica qué parte tiene datos).",
        "Actividades: lo que hace para los clientes. Cada una necesita un comportamiento (variable, fijo evitable, fijo comprometido) y un coste: "
        "una bolsa de coste (se reparte por volumen), una tarifa por unidad, o un recurso y minutos por unidad (ABC por tiempo).",
        "Recursos: equipos o medios con su coste del periodo, su capacidad práctica en horas y su comportamiento. "
        "Una actividad por tiempo se comporta como su recurso: un equipo en plantilla es fijo comprometido (en blanco significa eso; "
        "un cliente que se va libera sus minutos, no su coste); un proveedor que cobra por minuto es variable (el coste se va con el cliente).",
        "Consumos: una fila por cliente, una columna por actividad (con su nombre exacto), cantidades del periodo.",
        "Parámetros: deje los valores por defecto o cámbielos; decision_date es necesaria para fechas de salida y planes de transición.",
        "Los números pueden escribirse como 1234.56, 1.234,56 o 12 %; textos como n/a se señalan como error con su fila y columna.",
    ],
}


ES = {  # the example rows in Spanish
    "Example Retail S.L.": "Comercial Ejemplo S.L.", "Demanding Industrial S.A.": "Industrial Exigente S.A.",
    "Steady Foods Ltd": "Alimentación Constante S.L.", "North": "Norte", "South": "Sur",
    "Order entry": "Entrada de pedidos", "Site visits": "Visitas", "Deliveries": "Entregas",
    "Account management": "Gestión de la cuenta", "orders": "pedidos", "visits": "visitas",
    "deliveries": "entregas", "accounts": "cuentas", "Customer service": "Atención al cliente",
    "Field technicians": "Técnicos de campo",
}


def example_portfolio(lang: str = "en"):
    """The template's three example clients, with their names in ``lang``."""
    tr = (lambda w: ES.get(w, w) if isinstance(w, str) else w) if lang == "es" else (lambda w: w)
    clients = [
        dict(client_id="0001", client_name="Example Retail S.L.", account_manager="Ana García", region="North",
             revenue=120000, discounts=6000, cogs=78000, payment_terms_days=30, days_to_pay=35, notice_days=30,
             contract_end=dt.date(2027, 12, 31), values_alignment=4, communication=4, needs_fit=5,
             respect_of_terms=4, growth_potential=4),
        dict(client_id="0002", client_name="Demanding Industrial S.A.", account_manager="Luis Pérez", region="South",
             revenue=45000, discounts=4500, cogs=30000, payment_terms_days=30, days_to_pay=95, bad_debt=900,
             notice_days=60, exit_penalty=2000, values_alignment=2, communication=2, needs_fit=2,
             respect_of_terms=1, growth_potential=2),
        dict(client_id="0003", client_name="Steady Foods Ltd", account_manager="Ana García", region="North",
             revenue=80000, cogs=52000, payment_terms_days=60, days_to_pay=60, strategic=True),
    ]
    # a time-driven activity behaves as its resource: order entry runs on the salaried
    # customer-service team (committed fixed), site visits on technicians paid per minute
    activities = [
        dict(activity="Order entry", driver="orders", behavior="committed_fixed", resource="Customer service", minutes_per_unit=10),
        dict(activity="Site visits", driver="visits", behavior="variable", resource="Field technicians", minutes_per_unit=120),
        dict(activity="Deliveries", driver="deliveries", behavior="variable", cost_pool=15000),
        dict(activity="Account management", driver="accounts", behavior="committed_fixed", rate=1500),
    ]
    volumes = [
        dict(client_id="0001", **{"Order entry": 120, "Site visits": 4, "Deliveries": 50, "Account management": 1}),
        dict(client_id="0002", **{"Order entry": 300, "Site visits": 20, "Deliveries": 90, "Account management": 1}),
        dict(client_id="0003", **{"Order entry": 60, "Site visits": 2, "Deliveries": 40, "Account management": 1}),
    ]
    resources = [dict(resource="Customer service", cost=60000, capacity_hours=1500, behavior="committed_fixed"),
                 dict(resource="Field technicians", cost=30000, capacity_hours=500, behavior="variable")]
    clients = [{k: tr(v) if k in ("client_name", "region") else v for k, v in c.items()} for c in clients]
    activities = [{k: tr(v) if k in ("activity", "driver", "resource") else v for k, v in a.items()}
                  for a in activities]
    volumes = [{tr(k): v for k, v in row.items()} for row in volumes]
    resources = [{**r, "resource": tr(r["resource"])} for r in resources]
    return make_portfolio(clients, activities, volumes, resources,
                          Settings(decision_date=dt.date(2026, 12, 1), language=lang), source="template")


def write_template(path, *, lang: str = "en") -> None:
    p = example_portfolio(lang)
    wb, st = new_workbook(path, currency=p.settings.currency)
    ws = wb.add_worksheet("Instructions" if lang == "en" else "Instrucciones")
    ws.set_column(0, 0, 76, st.wrap)   # fits A4 portrait unscaled
    for i, line in enumerate(INSTRUCTIONS[lang]):
        ws.write_string(i, 0, line, st.title if i == 0 else st.wrap)
        ws.set_row(i, 22 if i == 0 else 15 * wrapped_lines(line, 76) + 3)   # LibreOffice does not grow rows
    page_setup(ws, landscape=False)
    write_inputs(wb, st, p, p.settings.replace(language=lang), lang, sorted(p.clients["client_id"]))
    wb.close()
