"""Analysis settings: one frozen dataclass, defaults in one place (design.md section 5).

Settings come from the ``Settings`` sheet (key/value rows) or a mapping.
Unknown keys are an error naming the key; values are parsed and range-checked.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Mapping

from .errors import InputError, Problem
from .messages import msg, reason as reason_of
from .io import evidence
from .io.cells import PercentCell
from .textnorm import as_typed, norm_key, parse_bool, parse_date, parse_number

SIGNALS: tuple[str, ...] = (
    "profitability",
    "payment",
    "service_burden",
    "values_alignment",
    "communication",
    "needs_fit",
    "respect_of_terms",
)
RATING_SIGNALS: tuple[str, ...] = SIGNALS[3:]
LANGUAGES: tuple[str, ...] = ("en", "es")
DATE_ORDERS: tuple[str, ...] = ("auto", "dmy", "mdy", "ymd")
DECIMAL_SEPARATORS: tuple[str, ...] = ("auto", ".", ",")


@dataclass(frozen=True)
class Settings:
    """Every tunable of the model, with the defaults of design.md section 5."""

    period_months: float = 12.0
    currency: str = "EUR"
    cost_of_capital: float = 0.08
    decision_date: dt.date | None = None
    language: str = "en"
    weight_profitability: float = 3.0
    weight_payment: float = 1.5
    weight_service_burden: float = 1.5
    weight_values_alignment: float = 1.0
    weight_communication: float = 1.0
    weight_needs_fit: float = 1.0
    weight_respect_of_terms: float = 1.0
    score_terminate: float = 70.0
    coverage_min: float = 0.7
    tier_platinum: float = 0.5
    tier_gold: float = 0.8
    capacity_constrained: bool = False
    value_per_freed_hour: float = 0.0
    notice_lead_days: int = 14
    # Score thresholds (design.md section 4): each signal is a clipped ramp.
    target_net_margin: float = 0.10     # profitability signal 0 at this net margin...
    margin_span: float = 0.30           # ...and 1 this far below it
    late_days_span: float = 60.0        # payment signal 1 at this many days late
    bad_debt_span: float = 0.02         # payment signal 1 at bad debt of this share of revenue
    cts_floor: float = 0.10             # service-burden signal 0 at this CTS / net revenue...
    cts_span: float = 0.30              # ...and 1 this far above it
    restructure_burden: float = 0.5     # decision rule 5: service-burden signal from which to restructure
    # The reading rule (design.md section 5): what settles text that evidence cannot.
    date_order: str = "auto"            # auto | dmy | mdy | ymd, for dates typed as text
    decimal_separator: str = "auto"     # auto | . | , for numbers typed as text
    # Portfolio-wide cut-offs carried as values by split books (blank = computed from
    # the book's own clients): quadrant medians and the lowest profit of each tier.
    fixed_price_median: float | None = None
    fixed_cost_median: float | None = None
    fixed_platinum_min_profit: float | None = None
    fixed_gold_min_profit: float | None = None

    @property
    def resource_slice(self) -> bool:
        """A split book's settings (it carries the portfolio's medians): its Resources hold
        the group's slice of each resource (the hours its clients used, at the portfolio's
        cost per hour), not the whole resource."""
        return self.fixed_price_median is not None

    @property
    def weights(self) -> dict[str, float]:
        """Signal -> weight, in the order of :data:`SIGNALS`."""
        return {s: float(getattr(self, f"weight_{s}")) for s in SIGNALS}

    def replace(self, **changes: Any) -> "Settings":
        return dataclasses.replace(self, **changes)

    def to_rows(self) -> list[tuple[str, Any]]:
        """(key, value) rows in declaration order, as the Settings sheet shows them."""
        return [(f.name, getattr(self, f.name)) for f in dataclasses.fields(self)]

    @classmethod
    def from_mapping(
        cls,
        values: Mapping[str, Any],
        *,
        file: str | None = None,
        sheet: str | None = None,
        rows: Mapping[str, int] | None = None,
        delimiter: str | None = None,
        columns: Mapping[str, str] | None = None,
    ) -> "Settings":
        """Parse user-provided key/value pairs; raises :class:`InputError` listing every problem.

        Keys are matched ignoring case, accents, spaces and underscores, in English
        or Spanish. Blank values keep the default. ``rows`` maps each key as given
        to its sheet row, for located messages; ``columns`` names the key and value columns
        as the user's sheet does (default ``key``, ``value``). Numbers and dates typed as text follow
        the reading rule (:mod:`xlprof.io.evidence`): the values of the numeric settings
        are one column of evidence (``delimiter``: the CSV file's), settled by the
        ``decimal_separator`` and ``date_order`` given in the same mapping. A percentage
        (``"8 %"`` or a percent-formatted cell) is read as a fraction where a rate is
        meant (:data:`RATE_SETTINGS`) and refused elsewhere.
        """
        problems: list[Problem] = []
        parsed: dict[str, Any] = {}
        rows = rows or {}
        key_col, value_col = (columns or {}).get("key", "key"), (columns or {}).get("value", "value")
        reading = _reading(values, delimiter, problems, file=file, sheet=sheet, rows=rows, column=value_col)
        for raw_key, raw in values.items():
            key = SETTING_ALIASES.get(norm_key(raw_key))
            where = dict(file=file, sheet=sheet, row=rows.get(raw_key), column=value_col)
            if key is None:
                problems.append(
                    Problem(
                        msg("unknown_setting", key=raw_key, known=", ".join(f.name for f in dataclasses.fields(cls))),
                        file=file, sheet=sheet, row=rows.get(raw_key), column=key_col,
                    )
                )
                continue
            if key in parsed:
                problems.append(Problem(msg("setting_twice", key=key), **where))
                continue
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            try:
                parsed[key] = _parse_setting(key, raw, **reading)
            except ValueError as exc:
                problems.append(Problem(msg("setting_reason", key=str(raw_key).strip(), reason=reason_of(exc)),
                                        **where))
        settings = cls(**parsed)
        given = {SETTING_ALIASES.get(norm_key(k)): k for k in values}
        checks = settings.check_fields()
        if problems:
            # Every problem at once: the range checks of the values that did parse too, except
            # a check across fields one of whose values failed (it would compare with a default).
            failed = {SETTING_ALIASES.get(norm_key(k)) for k in values} - set(parsed)
            skip = {key for key, group in _ACROSS_FIELDS.items() if failed & group}
            checks = [(key, text) for key, text in checks if key in parsed and key not in skip]
        for key, text in checks:
            raw_key = given.get(key)
            problems.append(Problem(text, file=file, sheet=sheet, row=rows.get(raw_key),
                                    column=value_col if raw_key in rows else None))
        if problems:
            raise InputError(problems)
        return settings

    def check(self) -> list[str]:
        """Range checks across fields; returns messages (empty when valid)."""
        return [text for _, text in self.check_fields()]

    def check_fields(self) -> list[tuple[str, str]]:
        """Range checks as (setting key, message) pairs."""
        out = []
        if not self.period_months > 0:
            out.append(("period_months", msg("check_period", value=_g(self.period_months))))
        if not 0 <= self.cost_of_capital <= 1:
            out.append(("cost_of_capital", msg("check_cost_of_capital", value=_g(self.cost_of_capital))))
        if self.language not in LANGUAGES:
            out.append(("language", msg("check_language", choices=", ".join(LANGUAGES), value=self.language)))
        for sig, w in self.weights.items():
            if w < 0:
                out.append((f"weight_{sig}", msg("check_weight", key=f"weight_{sig}", value=_g(w))))
        if sum(self.weights.values()) <= 0:
            out.append(("weight_profitability", msg("check_weights_sum")))
        if not 0 <= self.score_terminate <= 100:
            out.append(("score_terminate", msg("check_score_terminate", value=_g(self.score_terminate))))
        if not 0 <= self.coverage_min <= 1:
            out.append(("coverage_min", msg("check_coverage", value=_g(self.coverage_min))))
        if not 0 < self.tier_platinum < self.tier_gold <= 1:
            out.append(("tier_platinum", msg("check_tiers", platinum=_g(self.tier_platinum),
                                             gold=_g(self.tier_gold))))
        if self.value_per_freed_hour < 0:
            out.append(("value_per_freed_hour", msg("check_freed_hour")))
        if not 0 <= self.notice_lead_days <= 3650:
            out.append(("notice_lead_days", msg("check_notice_lead", value=_g(self.notice_lead_days))))
        if not self.period_months <= 120:
            out.append(("period_months", msg("check_period_max", value=_g(self.period_months))))
        for key in ("margin_span", "late_days_span", "bad_debt_span", "cts_span"):
            if not getattr(self, key) > 0:
                out.append((key, msg("check_span", key=key, value=_g(getattr(self, key)))))
        if not -1 <= self.target_net_margin <= 1:
            out.append(("target_net_margin", msg("check_target_margin", value=_g(self.target_net_margin))))
        if not 0 <= self.cts_floor <= 10:
            out.append(("cts_floor", msg("check_cts_floor", value=_g(self.cts_floor))))
        if not 0 <= self.restructure_burden <= 1:
            out.append(("restructure_burden", msg("check_restructure", value=_g(self.restructure_burden))))
        if self.date_order not in DATE_ORDERS:
            out.append(("date_order", msg("check_date_order", choices=", ".join(DATE_ORDERS), value=self.date_order)))
        if self.decimal_separator not in DECIMAL_SEPARATORS:
            out.append(("decimal_separator", msg("check_decimal", choices=", ".join(DECIMAL_SEPARATORS),
                                                 value=self.decimal_separator)))
        if not self.currency or len(self.currency) > 8:
            out.append(("currency", msg("check_currency", value=self.currency)))
        return out


_FIELD_TYPES = {f.name: f.type for f in dataclasses.fields(Settings)}
#: The range checks keyed by one setting that compare it with others (check_fields).
_ACROSS_FIELDS = {"tier_platinum": {"tier_platinum", "tier_gold"},
                  "weight_profitability": {k for k in _FIELD_TYPES if k.startswith("weight_")}}

# English names are the canonical keys; Spanish aliases as a user would write them.
_ES_ALIASES = {
    "meses_periodo": "period_months",
    "periodo_meses": "period_months",
    "moneda": "currency",
    "coste_de_capital": "cost_of_capital",
    "costo_de_capital": "cost_of_capital",
    "fecha_decision": "decision_date",
    "fecha_de_decision": "decision_date",
    "idioma": "language",
    "peso_rentabilidad": "weight_profitability",
    "peso_pago": "weight_payment",
    "peso_cobro": "weight_payment",
    "peso_carga_servicio": "weight_service_burden",
    "peso_coste_servicio": "weight_service_burden",
    "peso_alineacion_valores": "weight_values_alignment",
    "peso_comunicacion": "weight_communication",
    "peso_encaje_necesidades": "weight_needs_fit",
    "peso_respeto_condiciones": "weight_respect_of_terms",
    "umbral_salida": "score_terminate",
    "puntuacion_salida": "score_terminate",
    "cobertura_minima": "coverage_min",
    "nivel_platino": "tier_platinum",
    "nivel_oro": "tier_gold",
    "capacidad_limitada": "capacity_constrained",
    "valor_hora_liberada": "value_per_freed_hour",
    "dias_antelacion_aviso": "notice_lead_days",
    "margen_neto_objetivo": "target_net_margin",
    "amplitud_margen": "margin_span",
    "amplitud_dias_retraso": "late_days_span",
    "amplitud_impagados": "bad_debt_span",
    "umbral_coste_servicio": "cts_floor",
    "amplitud_coste_servicio": "cts_span",
    "umbral_reestructurar": "restructure_burden",
    "orden_fechas": "date_order",
    "separador_decimal": "decimal_separator",
}
SETTING_ALIASES: dict[str, str] = {norm_key(k): k for k in _FIELD_TYPES}
SETTING_ALIASES.update({norm_key(k): v for k, v in _ES_ALIASES.items()})


# Settings that are rates or shares: a percentage there is a fraction (8 % = 0.08).
RATE_SETTINGS = frozenset({"cost_of_capital", "coverage_min", "tier_platinum", "tier_gold",
                           "target_net_margin", "margin_span", "bad_debt_span", "cts_floor", "cts_span",
                           "restructure_burden"})
_NOT_NUMBERS = frozenset({"decision_date", "capacity_constrained", "currency", "language", "date_order",
                          "decimal_separator"})
_DATE_ORDER_WORDS = {"ddmmyyyy": "dmy", "ddmmaaaa": "dmy", "dma": "dmy", "dayfirst": "dmy",
                     "mmddyyyy": "mdy", "mmddaaaa": "mdy", "mda": "mdy", "monthfirst": "mdy",
                     "yyyymmdd": "ymd", "aaaammdd": "ymd", "amd": "ymd", "yearfirst": "ymd",
                     "automatico": "auto"}
_DECIMAL_WORDS = {"punto": ".", "point": ".", "dot": ".", "coma": ",", "comma": ",", "automatico": "auto"}


def _reading(values: Mapping[str, Any], delimiter: str | None, problems: list[Problem], *,
             file, sheet, rows, column="value") -> dict[str, str]:
    """``decimal`` and ``order`` for the other values: ``date_order`` and
    ``decimal_separator`` as given, and the numeric values' own evidence."""
    given = {SETTING_ALIASES.get(norm_key(k)): (k, v) for k, v in values.items()}
    order = _parse_setting("date_order", given["date_order"][1]) if "date_order" in given else "auto"
    decimal = (_parse_setting("decimal_separator", given["decimal_separator"][1])
               if "decimal_separator" in given else "auto")
    order = order if order in DATE_ORDERS else "auto"          # check_fields reports a bad one
    decimal = decimal if decimal in DECIMAL_SEPARATORS else "auto"
    found: dict[str, str] = {}
    where: dict[str, Any] = {}
    for raw_key, raw in values.items():
        if SETTING_ALIASES.get(norm_key(raw_key)) in _NOT_NUMBERS or not isinstance(raw, str):
            continue
        cls = evidence.number_class(raw)
        if cls is not None and cls not in found:
            found[cls], where[cls] = raw, raw_key
    try:
        decided = evidence.decide_decimal(found, setting=decimal, delimiter=delimiter, scope="Settings sheet")
    except evidence.ConflictingValues as exc:
        key = where[evidence.number_class(exc.examples[","])]
        problems.append(Problem(reason_of(exc), file=file, sheet=sheet, row=rows.get(key), column=column))
        decided = None
    except evidence.AmbiguousValue:
        decided = None                    # each ambiguous value says so itself
    return {"decimal": decided or decimal, "order": order}


def _parse_setting(key: str, raw: Any, *, decimal: str = "auto", order: str = "auto") -> Any:
    kind = _FIELD_TYPES[key]
    if key == "decision_date":
        value = parse_date(raw, order=order)
        if value is None:
            raise ValueError(msg("setting_not_date", value=raw))
        return value
    if key == "capacity_constrained":
        value = parse_bool(raw)
        if value is None:
            raise ValueError(msg("not_yesno", value=as_typed(raw)))
        return value
    if key in ("currency",):
        return str(raw).strip().upper()
    if key == "language":
        return str(raw).strip().lower()
    if key == "date_order":
        text = norm_key(raw) or "auto"
        return _DATE_ORDER_WORDS.get(text, text)
    if key == "decimal_separator":
        text = str(raw).strip().lower()
        return _DECIMAL_WORDS.get(norm_key(text), text)
    if isinstance(raw, PercentCell) or isinstance(raw, str) and raw.strip().endswith("%"):
        if key not in RATE_SETTINGS:
            shown = str(raw).strip()
            raise ValueError(msg("percent_not_rate", shown=shown, key=key, plain=_plain(shown)))
        if isinstance(raw, PercentCell):
            return float(raw.value)
    number = parse_number(raw, decimal=decimal)
    if number is None:
        raise ValueError(msg("not_a_number", value=raw))
    if kind == "int" or key == "notice_lead_days":
        if number != int(number):
            raise ValueError(msg("whole_days", value=raw))
        return int(number)
    return float(number)


def _g(x: Any) -> str:
    """A setting's value as the range checks show it (``str``: 0.5, 12.0, 14)."""
    return str(x)


def _plain(shown: str) -> str:
    return shown.rstrip("%").strip() or "70"


DEFAULT_SETTINGS = Settings()
