"""A seeded, realistic demo portfolio: a distributor with a few hundred clients.

Same seed, same portfolio, byte for byte. Designed so the whale curve peaks between
150 % and 300 % with a tail of loss-making, demanding clients. ``lang="es"`` gives the same
numbers with Spanish names (activities, drivers, resources, regions, company types, notes).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .model.analysis import Portfolio, make_portfolio
from .settings import Settings

DECISION_DATE = dt.date(2026, 12, 1)

RESOURCES = [
    # resource, yearly cost, practical capacity hours, behaviour when a client leaves:
    # salaried teams are committed (a client leaving frees their minutes, not their cost);
    # the warehouse is run by a logistics provider paid per minute worked (variable).
    ("Customer service", 1_150_000.0, 13_500.0, "committed_fixed"),
    ("Warehouse", 1_650_000.0, 13_500.0, "variable"),
    ("Field engineering", 1_020_000.0, 4_800.0, "committed_fixed"),
]
ACTIVITIES = [
    # activity, driver, resource, minutes per unit, behaviour, cost pool / rate
    # (a time-driven activity behaves as its resource: the same behaviour is given here)
    ("Order entry", "orders", "Customer service", 8.0, "committed_fixed", None),
    ("Order changes", "changes", "Customer service", 15.0, "committed_fixed", None),
    ("Inquiries", "inquiries", "Customer service", 22.0, "committed_fixed", None),
    ("Returns handling", "returns", "Customer service", 35.0, "committed_fixed", None),
    ("Picking lines", "order lines", "Warehouse", 2.5, "variable", None),
    ("Rush orders", "rush orders", "Warehouse", 45.0, "variable", None),
    ("Custom packaging", "orders", "Warehouse", 12.0, "variable", None),
    ("Site visits", "visits", "Field engineering", 180.0, "committed_fixed", None),
    ("Technical support", "tickets", "Field engineering", 50.0, "committed_fixed", None),
    ("Training", "sessions", "Field engineering", 240.0, "committed_fixed", None),
    ("Deliveries", "deliveries", None, None, "variable", 1_450_000.0),
    ("Key account management", "accounts", None, None, "committed_fixed", 690_000.0),
]
REGIONS = ["North", "South", "East", "West", "Central"]
MANAGERS = ["Ana García", "Luis Pérez", "Marta Ruiz", "John Smith", "Sofía López", "David Brown"]
NAMES_A = ["Iber", "Norte", "Atlas", "Solar", "Delta", "Ríos", "Vega", "Cumbre", "Orion", "Faro",
           "Alba", "Terra", "Nova", "Brisa", "Roble", "Costa", "Pino", "Lumen", "Sierra", "Mar"]
NAMES_B = ["Distribución", "Industrial", "Logística", "Foods", "Retail", "Salud", "Tech",
           "Construcciones", "Farma", "Hogar", "Motor", "Textil"]
NAMES_C = ["S.A.", "S.L.", "Ltd", "Group", "& Co.", "S.L.U."]


# Spanish names of the demo's words (the numbers do not depend on the language)
ES = {
    "Customer service": "Atención al cliente", "Warehouse": "Almacén", "Field engineering": "Técnicos de campo",
    "Order entry": "Entrada de pedidos", "Order changes": "Cambios de pedido", "Inquiries": "Consultas",
    "Returns handling": "Gestión de devoluciones", "Picking lines": "Líneas de preparación",
    "Rush orders": "Pedidos urgentes", "Custom packaging": "Embalaje a medida", "Site visits": "Visitas",
    "Technical support": "Soporte técnico", "Training": "Formación", "Deliveries": "Entregas",
    "Key account management": "Gestión de grandes cuentas",
    "orders": "pedidos", "changes": "cambios", "inquiries": "consultas", "returns": "devoluciones",
    "order lines": "líneas de pedido", "rush orders": "pedidos urgentes", "visits": "visitas",
    "tickets": "incidencias", "sessions": "sesiones", "deliveries": "entregas", "accounts": "cuentas",
    "North": "Norte", "South": "Sur", "East": "Este", "West": "Oeste", "Central": "Centro",
    "Foods": "Alimentación", "Retail": "Comercio", "Tech": "Tecnología", "Ltd": "S.L.", "Group": "Grupo",
    "& Co.": "y Cía.",
    "=Not a formula: notes are always text": "=No es una fórmula: las notas son siempre texto",
}


def _words(lang: str):
    """A function giving each demo word in ``lang``."""
    return (lambda w: ES.get(w, w) if isinstance(w, str) else w) if lang == "es" else (lambda w: w)


def demo_portfolio(n_clients: int = 300, seed: int = 7, *, lang: str = "en") -> Portfolio:
    """A synthetic portfolio of ``n_clients`` clients (deterministic for a seed), with its
    names in ``lang`` (en or es; the numbers are the same)."""
    tr = _words(lang)
    rng = np.random.default_rng(seed)
    n = n_clients
    ids = [f"C{i:04d}" for i in range(1, n + 1)]
    names = [f"{NAMES_A[rng.integers(len(NAMES_A))]} {tr(NAMES_B[rng.integers(len(NAMES_B))])} "
             f"{tr(NAMES_C[rng.integers(len(NAMES_C))])}" for _ in range(n)]
    revenue = np.round(np.exp(rng.normal(11.4, 1.0, n)), -2)
    size = revenue / np.median(revenue)
    discount_rate = np.clip(rng.normal(0.04, 0.03, n), 0, 0.15)
    margin = np.clip(rng.normal(0.22, 0.06, n), 0.06, 0.45)
    demanding = rng.random(n) < 0.18  # about one in six of clients ask for much more service
    fussy = np.where(demanding, rng.uniform(3.0, 8.0, n), rng.uniform(0.4, 1.1, n))
    terms = rng.choice([30.0, 45.0, 60.0, 90.0], n, p=[0.4, 0.3, 0.2, 0.1])
    late = np.where(rng.random(n) < 0.3, rng.gamma(2.0, 18.0, n), rng.gamma(1.0, 4.0, n))
    bad_debt = np.where(rng.random(n) < 0.05, np.round(revenue * rng.uniform(0.005, 0.04, n), 0), 0.0)

    def rating(p_blank: float, bad: np.ndarray) -> np.ndarray:
        base = np.clip(np.round(rng.normal(3.8, 0.8, n) - 1.3 * bad), 1, 5)
        return np.where(rng.random(n) < p_blank, np.nan, base)

    contract_end = [DECISION_DATE + dt.timedelta(days=int(d)) if rng.random() < 0.75 else None
                    for d in rng.integers(-60, 720, n)]
    clients = pd.DataFrame({
        "client_id": ids,
        "client_name": names,
        "account_manager": [MANAGERS[i] for i in rng.integers(len(MANAGERS), size=n)],
        "region": [tr(REGIONS[i]) for i in rng.integers(len(REGIONS), size=n)],
        "revenue": revenue,
        "discounts": np.round(revenue * discount_rate, 0),
        "cogs": np.round(revenue * (1 - discount_rate) * (1 - margin), 0),
        "payment_terms_days": terms,
        "days_to_pay": np.round(terms + late),
        "bad_debt": bad_debt,
        "contract_end": contract_end,
        "notice_days": rng.choice([30.0, 60.0, 90.0], n),
        "exit_penalty": np.where(rng.random(n) < 0.3, np.round(revenue * 0.02, -1), 0.0),
        "values_alignment": rating(0.35, demanding),
        "communication": rating(0.25, demanding),
        "needs_fit": rating(0.3, demanding),
        "respect_of_terms": rating(0.3, demanding),
        "growth_potential": np.where(rng.random(n) < 0.2, np.nan,
                                     np.clip(np.round(rng.normal(3.0, 1.0, n)), 1, 5)),
        "strategic": rng.random(n) < 0.04,
        "notes": [None] * n,
    })
    clients.loc[0, "notes"] = tr("=Not a formula: notes are always text")
    per_size = size ** 0.45  # service grows slower than revenue
    base_units = {
        "Order entry": 60, "Order changes": 12, "Inquiries": 20, "Returns handling": 4,
        "Picking lines": 400, "Rush orders": 3, "Custom packaging": 10, "Site visits": 1.5,
        "Technical support": 5, "Training": 0.5, "Deliveries": 40, "Key account management": 1,
    }
    rows = []
    for act, base in base_units.items():
        lam = base * per_size * fussy * rng.uniform(0.6, 1.4, n)
        if act == "Key account management":
            q = np.ones(n)
        else:
            q = rng.poisson(lam).astype(float)
            if act in ("Custom packaging", "Training", "Site visits"):
                q = np.where(rng.random(n) < 0.5, 0.0, q)
        rows.append(pd.Series(q, index=ids, name=tr(act)))
    wide = pd.concat(rows, axis=1)
    volumes = wide.reset_index(names="client_id")
    activities = pd.DataFrame(
        [{"activity": tr(a), "driver": tr(d), "resource": tr(r), "minutes_per_unit": m, "behavior": b,
          "cost_pool": c} for a, d, r, m, b, c in ACTIVITIES])
    resources = pd.DataFrame([(tr(r), *rest) for r, *rest in RESOURCES],
                             columns=["resource", "cost", "capacity_hours", "behavior"])
    settings = Settings(decision_date=DECISION_DATE, currency="EUR", language=lang)
    return make_portfolio(clients, activities, volumes, resources, settings, source="demo")
