"""Canonical tables and columns, and the headers users may give them.

The model only sees the canonical snake_case names defined here; the reader maps
users' headers (English or Spanish, any case, accents, spaces or underscores) onto
them. Labels for generated workbooks live in :mod:`xlprof.i18n`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .textnorm import norm_key

Kind = Literal["id", "text", "number", "rating", "yesno", "date", "behavior"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = False
    aliases: tuple[str, ...] = ()
    nonnegative: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    aliases: tuple[str, ...]
    columns: tuple[Column, ...]
    required: bool = True

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def _c(name, kind, required=False, aliases=(), nonnegative=False) -> Column:
    return Column(name, kind, required, tuple(aliases), nonnegative)


RATING_COLUMNS = ("values_alignment", "communication", "needs_fit", "respect_of_terms")

CLIENTS = Table(
    "Clients",
    ("Clientes", "Customers"),
    (
        _c("client_id", "id", True, ("id", "id cliente", "cliente id", "codigo cliente",
                                     "código", "codigo", "customer id", "client code")),
        _c("client_name", "text", False, ("name", "nombre", "nombre cliente", "cliente",
                                          "razón social", "customer", "customer name", "client")),
        _c("account_manager", "text", False, ("gestor", "gestor de cuenta", "responsable",
                                              "comercial", "key account manager", "kam")),
        _c("region", "text", False, ("región", "zona")),
        _c("revenue", "number", True, ("ingresos", "ventas", "facturación", "sales"), True),
        _c("discounts", "number", False, ("descuentos", "rappels", "bonificaciones"), True),
        _c("cogs", "number", True, ("coste de ventas", "costo de ventas", "coste ventas",
                                    "cost of goods sold", "cost of sales", "cmv"), True),
        _c("payment_terms_days", "number", False, ("plazo de pago", "días de plazo",
                                                   "dias plazo pago", "payment terms",
                                                   "plazo pago días"), True),
        _c("days_to_pay", "number", False, ("días de cobro", "dias cobro", "días reales de pago",
                                            "dso", "días de pago", "dias pago"), True),
        _c("bad_debt", "number", False, ("incobrables", "impagados", "deuda incobrable",
                                         "morosidad"), True),
        _c("contract_end", "date", False, ("fin de contrato", "fin contrato", "fecha fin contrato",
                                           "contract end date")),
        _c("notice_days", "number", False, ("preaviso", "días de preaviso", "dias preaviso",
                                            "notice period days", "notice"), True),
        _c("exit_penalty", "number", False, ("penalización salida", "penalización",
                                             "penalizacion por salida", "early termination fee"),
           True),
        _c("values_alignment", "rating", False, ("alineación de valores", "alineacion valores",
                                                 "valores", "values")),
        _c("communication", "rating", False, ("comunicación",)),
        _c("needs_fit", "rating", False, ("encaje de necesidades", "encaje necesidades",
                                          "ajuste de necesidades")),
        _c("respect_of_terms", "rating", False, ("respeto de condiciones", "respeto condiciones",
                                                 "respeto de los términos", "respect of terms")),
        _c("growth_potential", "rating", False, ("potencial de crecimiento", "potencial",
                                                 "growth")),
        _c("strategic", "yesno", False, ("estratégico", "estrategico")),
        _c("notes", "text", False, ("notas", "observaciones", "comentarios", "comments")),
    ),
)

ACTIVITIES = Table(
    "Activities",
    ("Actividades",),
    (
        _c("activity", "id", True, ("actividad", "name", "nombre")),
        _c("driver", "text", False, ("inductor", "inductor de coste", "cost driver", "unidad")),
        _c("cost_pool", "number", False, ("coste", "costo", "coste total", "pool",
                                          "bolsa de coste", "cost"), True),
        _c("rate", "number", False, ("tarifa", "coste unitario", "tasa", "unit cost"), True),
        _c("behavior", "behavior", True, ("comportamiento", "tipo de coste", "behaviour",
                                          "cost behavior", "cost behaviour")),
        _c("minutes_per_unit", "number", False, ("minutos por unidad", "minutos",
                                                 "min por unidad", "minutes"), True),
        _c("resource", "text", False, ("recurso",)),
    ),
)

RESOURCES = Table(
    "Resources",
    ("Recursos",),
    (
        _c("resource", "id", True, ("recurso", "name", "nombre")),
        _c("cost", "number", True, ("coste", "costo", "coste total"), True),
        _c("capacity_hours", "number", True, ("horas de capacidad", "capacidad horas",
                                              "capacidad", "horas capacidad", "capacity"), True),
        # how the resource's cost behaves when a client leaves; blank = committed_fixed (a
        # salaried team); its time-driven activities take this behaviour (design.md section 4)
        _c("behavior", "behavior", False, ACTIVITIES.column("behavior").aliases),
    ),
    required=False,
)
RESOURCE_DEFAULT_BEHAVIOR = "committed_fixed"

VOLUMES_LONG = Table(
    "Volumes",
    ("Consumos", "Volúmenes", "Volumenes"),
    (
        _c("client_id", "id", True, CLIENTS.column("client_id").aliases),
        _c("activity", "id", True, ("actividad",)),
        _c("quantity", "number", True, ("cantidad", "volumen", "volume", "unidades"), True),
    ),
)

SETTINGS = Table(
    "Settings",
    ("Parámetros", "Parametros", "Configuración", "Ajustes"),
    (
        _c("key", "text", True, ("clave", "parámetro", "parametro", "setting")),
        _c("value", "text", False, ("valor",)),
    ),
    required=False,
)

TABLES: tuple[Table, ...] = (CLIENTS, ACTIVITIES, VOLUMES_LONG, RESOURCES, SETTINGS)

BEHAVIORS = ("variable", "avoidable_fixed", "committed_fixed")
AVOIDABLE = ("variable", "avoidable_fixed")  # behaviours whose cost goes when the client goes
BEHAVIOR_ALIASES = {
    norm_key(k): v
    for k, v in {
        "variable": "variable",
        "avoidable_fixed": "avoidable_fixed",
        "avoidable fixed": "avoidable_fixed",
        "fijo evitable": "avoidable_fixed",
        "fijo_evitable": "avoidable_fixed",
        "committed_fixed": "committed_fixed",
        "committed fixed": "committed_fixed",
        "fijo comprometido": "committed_fixed",
        "fijo_comprometido": "committed_fixed",
    }.items()
}


def header_map(table: Table) -> dict[str, str]:
    """Normalised header -> canonical column name, for every name and alias."""
    out: dict[str, str] = {}
    for col in table.columns:
        for alias in (col.name, *col.aliases):
            out.setdefault(norm_key(alias), col.name)
    return out


def sheet_lookup(table: Table) -> set[str]:
    """Normalised sheet/file names that denote ``table``."""
    return {norm_key(n) for n in (table.name, *table.aliases)}


# Spanish header labels for generated sheets; each is one of the column's aliases so
# that a generated workbook reads back (tests check it).
LABELS_ES: dict[str, str] = {
    "client_id": "ID cliente", "client_name": "Nombre", "account_manager": "Gestor de cuenta",
    "region": "Región", "revenue": "Ingresos", "discounts": "Descuentos", "cogs": "Coste de ventas",
    "payment_terms_days": "Plazo de pago", "days_to_pay": "Días de cobro", "bad_debt": "Incobrables",
    "contract_end": "Fin de contrato", "notice_days": "Días de preaviso",
    "exit_penalty": "Penalización salida", "values_alignment": "Alineación de valores",
    "communication": "Comunicación", "needs_fit": "Encaje de necesidades",
    "respect_of_terms": "Respeto de condiciones", "growth_potential": "Potencial de crecimiento",
    "strategic": "Estratégico", "notes": "Notas",
    "activity": "Actividad", "driver": "Inductor", "cost_pool": "Bolsa de coste", "rate": "Tarifa",
    "behavior": "Comportamiento", "minutes_per_unit": "Minutos por unidad", "resource": "Recurso",
    "cost": "Coste", "capacity_hours": "Horas de capacidad", "quantity": "Cantidad",
    "key": "Clave", "value": "Valor",
}


def column_label(name: str, lang: str) -> str:
    """Header text of a canonical input column in a generated workbook."""
    if lang == "es":
        return LABELS_ES[name]
    return name.replace("_", " ").capitalize().replace("Cogs", "COGS").replace(" id", " ID")


SHEET_NAMES: dict[str, dict[str, str]] = {
    "Clients": {"en": "Clients", "es": "Clientes"},
    "Activities": {"en": "Activities", "es": "Actividades"},
    "Volumes": {"en": "Volumes", "es": "Consumos"},
    "Resources": {"en": "Resources", "es": "Recursos"},
    "Settings": {"en": "Settings", "es": "Parámetros"},
}
