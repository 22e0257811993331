"""User-facing text in English and Spanish.

Codes (tiers, quadrants, actions, signals, task codes) stay English everywhere
machine-readable; these tables give the words people read.
"""

from __future__ import annotations

from typing import Any

LANGS = ("en", "es")

LABELS: dict[str, dict[str, str]] = {
    # tiers
    "platinum": {"en": "Platinum", "es": "Platino"},
    "gold": {"en": "Gold", "es": "Oro"},
    "iron": {"en": "Iron", "es": "Hierro"},
    "lead": {"en": "Lead", "es": "Plomo"},
    # quadrants
    "passive": {"en": "Passive", "es": "Pasivo"},
    "carriage_trade": {"en": "Carriage trade", "es": "Cliente de lujo"},
    "bargain_basement": {"en": "Bargain basement", "es": "Ganga"},
    "aggressive": {"en": "Aggressive", "es": "Agresivo"},
    "na": {"en": "n/a", "es": "n/d"},
    # actions
    "retain_strategic": {"en": "Retain (strategic)", "es": "Retener (estratégico)"},
    "review": {"en": "Review: rate the client first", "es": "Revisar: valorar primero al cliente"},
    "terminate": {"en": "Terminate", "es": "Terminar la relación"},
    "renegotiate": {"en": "Renegotiate", "es": "Renegociar"},
    "restructure": {"en": "Restructure service (tourniquet)", "es": "Reestructurar el servicio (torniquete)"},
    "retain_grow": {"en": "Retain and grow", "es": "Retener y crecer"},
    "maintain": {"en": "Maintain", "es": "Mantener"},
    # signals
    "profitability": {"en": "Profitability", "es": "Rentabilidad"},
    "payment": {"en": "Payment", "es": "Pago"},
    "service_burden": {"en": "Service burden", "es": "Carga de servicio"},
    "values_alignment": {"en": "Values alignment", "es": "Alineación de valores"},
    "communication": {"en": "Communication", "es": "Comunicación"},
    "needs_fit": {"en": "Needs fit", "es": "Encaje de necesidades"},
    "respect_of_terms": {"en": "Respect of terms", "es": "Respeto de las condiciones"},
    # behaviours
    "variable": {"en": "variable", "es": "variable"},
    "avoidable_fixed": {"en": "avoidable fixed", "es": "fijo evitable"},
    "committed_fixed": {"en": "committed fixed", "es": "fijo comprometido"},
    # task statuses
    "pending": {"en": "pending", "es": "pendiente"},
    "in_progress": {"en": "in progress", "es": "en curso"},
    "done": {"en": "done", "es": "hecho"},
    "not_applicable": {"en": "not applicable", "es": "no aplica"},
    # owners
    "account_manager": {"en": "account manager", "es": "gestor de cuenta"},
    "finance": {"en": "finance", "es": "finanzas"},
    "operations": {"en": "operations", "es": "operaciones"},
    # tasks
    "review_contract": {"en": "Review contract, termination clauses, notice and penalties",
                        "es": "Revisar contrato, cláusulas de terminación, preaviso y penalizaciones"},
    "internal_signoff": {"en": "Sign off numbers, reasons and alternatives tried",
                         "es": "Aprobar cifras, motivos y alternativas intentadas"},
    "client_meeting": {"en": "Meet the client and explain the reasons openly",
                       "es": "Reunirse con el cliente y explicar los motivos con franqueza"},
    "written_notice": {"en": "Send written notice", "es": "Enviar el preaviso por escrito"},
    "referrals": {"en": "Offer alternative providers", "es": "Ofrecer proveedores alternativos"},
    "data_handover": {"en": "Hand over the client's data and documents",
                      "es": "Entregar los datos y documentos del cliente"},
    "pending_deliveries": {"en": "Complete pending deliveries", "es": "Completar las entregas pendientes"},
    "final_invoice": {"en": "Final invoice and collection of receivables",
                      "es": "Factura final y cobro de lo pendiente"},
    "close_access": {"en": "Close accounts and access", "es": "Cerrar cuentas y accesos"},
    "lessons_learned": {"en": "Lessons-learned review", "es": "Revisión de lecciones aprendidas"},
}

# Reason templates: {value} fields are filled by the model.
MESSAGES: dict[str, dict[str, str]] = {
    "reason_profitability_nr": {"en": "no net revenue", "es": "sin ingresos netos"},
    "reason_profitability": {"en": "net margin {margin:.1%} (target {target})",
                             "es": "margen neto {margin:.1%} (objetivo {target})"},
    "reason_payment_bad_debt": {"en": "bad debt of {bad_debt:,.0f}", "es": "incobrables por {bad_debt:,.0f}"},
    "reason_payment_bad_debt_share": {"en": "bad debt of {bad_debt:,.0f} ({share:.1%} of revenue)",
                                      "es": "incobrables por {bad_debt:,.0f} ({share:.1%} de los ingresos)"},
    "reason_none": {"en": "no signal argues for exit", "es": "ninguna señal aconseja la salida"},
    "reason_payment": {"en": "pays {late:.0f} days late", "es": "paga con {late:.0f} días de retraso"},
    "reason_payment_one": {"en": "pays {late:.0f} day late", "es": "paga con {late:.0f} día de retraso"},
    "reason_service_burden_nr": {"en": "service cost with no net revenue",
                                 "es": "coste de servicio sin ingresos netos"},
    "reason_service_burden": {"en": "cost-to-serve is {ratio:.0%} of net revenue",
                              "es": "el coste de servir es el {ratio:.0%} de los ingresos netos"},
    "reason_rating": {"en": "{signal} rated {rating:g}/5", "es": "{signal}: valoración {rating:g}/5"},
    "action_retain_strategic": {"en": "strategic client", "es": "cliente estratégico"},
    "action_review": {"en": "score {score:.0f} but only {coverage:.0%} of the signals have data",
                      "es": "puntuación {score:.0f} pero solo el {coverage:.0%} de las señales tiene datos"},
    "action_terminate": {"en": "score {score:.0f} and leaving gains {gain:,.0f} {cur} per period",
                         "es": "puntuación {score:.0f} y la salida mejora el resultado en {gain:,.0f} {cur} por periodo"},
    "action_renegotiate_growth": {"en": "loses {loss:,.0f} {cur} but growth potential is {growth:g}/5",
                                  "es": "pierde {loss:,.0f} {cur} pero su potencial de crecimiento es {growth:g}/5"},
    "action_restructure": {"en": "loses {loss:,.0f} {cur}; cost-to-serve is the problem",
                           "es": "pierde {loss:,.0f} {cur}; el problema es el coste de servir"},
    "action_renegotiate": {"en": "loses {loss:,.0f} {cur}; raise price {rise:.1%} to break even",
                           "es": "pierde {loss:,.0f} {cur}; subir el precio un {rise:.1%} para cubrir costes"},
    "action_renegotiate_nr": {"en": "loses {loss:,.0f} {cur}", "es": "pierde {loss:,.0f} {cur}"},
    "action_retain_grow": {"en": "{tier} tier", "es": "nivel {tier}"},
    "action_maintain": {"en": "profitable, no strong signal", "es": "rentable, sin señales fuertes"},
    "whale_no_profit": {"en": "total profit is not positive: no whale curve",
                        "es": "el beneficio total no es positivo: no hay curva de ballena"},
    "no_decision_date": {"en": "decision_date is not set: no exit dates or transition plan",
                         "es": "falta decision_date: sin fechas de salida ni plan de transición"},
    "pool_no_volume": {"en": "activity {activity}: cost pool {pool:,.2f} has no volume and is not assigned to any client",
                       "es": "actividad {activity}: el coste {pool:,.2f} no tiene volumen y no se asigna a ningún cliente"},
    "over_capacity": {"en": "resource {resource}: {used:,.1f} hours used exceed the {capacity:,.1f} hours of capacity",
                      "es": "recurso {resource}: {used:,.1f} horas usadas superan las {capacity:,.1f} horas de capacidad"},
    "over_capacity_slice": {
        "en": "resource {resource}: {used:,.1f} hours used exceed the {capacity:,.1f} hours of this group's share of "
              "its capacity (a split book holds the hours its clients used at generation); the portfolio as a whole "
              "may have room: regenerate the split books from the full input",
        "es": "recurso {resource}: {used:,.1f} horas usadas superan las {capacity:,.1f} horas de la parte de su "
              "capacidad que corresponde a este grupo (un libro dividido guarda las horas que usaron sus clientes al "
              "generarlo); la cartera en conjunto puede tener margen: regenere los libros divididos desde la entrada "
              "completa"},
    "time_driven_behavior": {
        "en": "activity {activity} is time-driven: its cost behaves like its resource {resource} ({behavior}), "
              "not \"{given}\" as given on Activities (set the behaviour on Resources)",
        "es": "la actividad {activity} se calcula por tiempo: su coste se comporta como su recurso {resource} "
              "({behavior}), no «{given}» como indica Actividades (indique el comportamiento en Recursos)"},
    "exit_scenario_line": {
        "en": "exit scenario: {n} client(s) to terminate; profit for the period {change:+,.0f} {cur} "
              "(recurring {recurring:+,.0f}, one-off penalties {penalties:,.0f})",
        "es": "escenario de salida: {n} cliente(s) a terminar; beneficio del periodo {change:+,.0f} {cur} "
              "(recurrente {recurring:+,.0f}, penalizaciones puntuales {penalties:,.0f})"},
    "exit_scenario_none": {"en": "exit scenario: no client to terminate",
                           "es": "escenario de salida: ningún cliente a terminar"},
    "death_spiral": {"en": "after the exits, {n} more client(s) become loss-making (Lead): re-spread committed costs",
                     "es": "tras las salidas, {n} cliente(s) más pasan a perder dinero (Plomo): se reparten costes comprometidos"},
}


def label(code: Any, lang: str = "en") -> str:
    """The display label of a code, or the code itself when it has none."""
    entry = LABELS.get(str(code))
    if entry is None:
        return "" if code is None else str(code)
    return entry.get(lang) or entry["en"]


def message(key: str, lang: str = "en", **values: Any) -> str:
    entry = MESSAGES[key]
    text = (entry.get(lang) or entry["en"]).format(**values)
    if lang == "es":
        text = _es_numbers(text)
    return text


def _es_numbers(text: str) -> str:
    """Swap English number punctuation for Spanish (1,234.5 -> 1.234,5)."""
    import re

    def swap(m: re.Match) -> str:
        return m.group(0).replace(",", "\0").replace(".", ",").replace("\0", ".")

    # a number as Python formats it: 1,234,567.89 (never a comma that ends a clause)
    return re.sub(r"\d+(?:,\d{3})*(?:\.\d+)?", swap, text)


def parse_code(text: Any, codes: tuple[str, ...]) -> str | None:
    """Read a code back from its code or its label in either language (statuses, behaviours)."""
    from .textnorm import norm_key

    if text is None:
        return None
    key = norm_key(text)
    for code in codes:
        if key == norm_key(code) or any(key == norm_key(t) for t in LABELS.get(code, {}).values()):
            return code
    return None
