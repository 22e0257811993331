"""Sheet names and column headers of the analysis workbook, in English and Spanish."""

from __future__ import annotations

SHEETS: dict[str, dict[str, str]] = {
    "readme": {"en": "README", "es": "Léame"},
    "dashboard": {"en": "Dashboard", "es": "Panel"},
    "rates": {"en": "Rates", "es": "Tarifas"},
    "profitability": {"en": "Profitability", "es": "Rentabilidad"},
    "client": {"en": "Client", "es": "Cliente"},
    "cts": {"en": "CostToServe", "es": "CosteServicio"},
    "segmentation": {"en": "Segmentation", "es": "Segmentación"},
    "whale": {"en": "WhaleCurve", "es": "CurvaBallena"},
    "scores": {"en": "Scores", "es": "Puntuaciones"},
    "drop": {"en": "DropImpact", "es": "ImpactoSalida"},
    "plan": {"en": "TransitionPlan", "es": "PlanTransición"},
    "tourniquet": {"en": "Tourniquet", "es": "Torniquete"},
    "archive": {"en": "PlanArchive", "es": "ArchivoPlan"},
}

H: dict[str, tuple[str, str]] = {
    "client_id": ("Client ID", "ID cliente"),
    "client_name": ("Client", "Cliente"),
    "activity": ("Activity", "Actividad"),
    "behavior": ("Behaviour", "Comportamiento"),
    "rate_source": ("Rate from", "Origen de la tarifa"),
    "total_volume": ("Total volume", "Volumen total"),
    "minutes_per_unit": ("Minutes per unit", "Minutos por unidad"),
    "rate": ("Rate", "Tarifa"),
    "assigned_cost": ("Assigned cost", "Coste asignado"),
    "hours": ("Hours", "Horas"),
    "avoidable": ("Avoidable (1/0)", "Evitable (1/0)"),
    "net_revenue": ("Net revenue", "Ingresos netos"),
    "gross_margin": ("Gross margin", "Margen bruto"),
    "cost_to_serve": ("Cost-to-serve", "Coste de servir"),
    "avoidable_cost_to_serve": ("Avoidable cost-to-serve", "Coste de servir evitable"),
    "financing_cost": ("Financing cost", "Coste financiero"),
    "bad_debt": ("Bad debt", "Incobrables"),
    "net_profit": ("Net profit", "Beneficio neto"),
    "net_margin": ("Net margin", "Margen neto"),
    "service_hours": ("Service hours", "Horas de servicio"),
    "profit_per_hour": ("Profit per hour", "Beneficio por hora"),
    "breakeven_price_rise": ("Break-even price rise", "Subida de precio de equilibrio"),
    "breakeven_cts_cut": ("Break-even CTS cut", "Recorte de coste de equilibrio"),
    "price_realization": ("Price realization", "Realización de precio"),
    "cts_ratio": ("CTS / net revenue", "Coste de servir / ingresos netos"),
    "profit_rank": ("Profit rank", "Posición"),
    "cumulative_profit": ("Cumulative profit", "Beneficio acumulado"),
    "cumulative_profit_share": ("Cumulative profit share", "Cuota acumulada de beneficio"),
    "tier": ("Tier", "Nivel"),
    "quadrant": ("Quadrant", "Cuadrante"),
    "score": ("Termination score", "Puntuación de salida"),
    "score_coverage": ("Score coverage", "Cobertura"),
    "reasons": ("Top reasons", "Motivos principales"),
    "action": ("Recommended action", "Acción recomendada"),
    "action_reason": ("Why", "Por qué"),
    "cogs": ("COGS", "Coste de ventas"),
    "exit_penalty": ("Exit penalty", "Penalización salida"),
    "drop_impact": ("Drop impact", "Impacto de la salida"),
    "freed_hours": ("Freed hours", "Horas liberadas"),
    "exit_gain": ("Exit gain", "Ganancia de la salida"),
    "exit_date": ("Exit date", "Fecha de salida"),
    "task": ("Task code", "Código de tarea"),
    "task_label": ("Task", "Tarea"),
    "due_date": ("Due", "Vence"),
    "proposed_due": ("Proposed due (xlprof)", "Vencimiento propuesto (xlprof)"),
    "owner": ("Owner", "Responsable"),
    "owner_name": ("Owner name", "Nombre del responsable"),
    "status": ("Status", "Estado"),
    "notes": ("Notes", "Notas"),
    "volume": ("Volume", "Volumen"),
    "cost": ("Cost", "Coste"),
    "avoidable_cost": ("Avoidable cost", "Coste evitable"),
    "share_of_cts": ("Share of CTS", "Parte del coste de servir"),
    "clients": ("Clients", "Clientes"),
    "rank": ("Rank", "Posición"),
    "weights": ("Weights", "Pesos"),
    "total": ("Total", "Total"),
    "signal_profitability": ("Profitability", "Rentabilidad"),
    "signal_payment": ("Payment", "Pago"),
    "signal_service_burden": ("Service burden", "Carga de servicio"),
    "signal_values_alignment": ("Values alignment", "Alineación de valores"),
    "signal_communication": ("Communication", "Comunicación"),
    "signal_needs_fit": ("Needs fit", "Encaje de necesidades"),
    "signal_respect_of_terms": ("Respect of terms", "Respeto de condiciones"),
}

SOURCES = {"time": ("time-driven (resource)", "por tiempo (recurso)"),
           "pool": ("cost pool / volume", "bolsa de coste / volumen"),
           "rate": ("given rate", "tarifa dada")}


def h(key: str, lang: str) -> str:
    return H[key][lang == "es"]


def sheet(key: str, lang: str) -> str:
    return SHEETS[key][lang]
