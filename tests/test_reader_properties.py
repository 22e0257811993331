"""Property tests: whatever a cell holds, parsing fails only with ValueError, and reading
whole sheets fails only with InputError (which the CLI turns into located messages).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from _tuning import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlprof import textnorm
from xlprof.errors import InputError
from xlprof.io.reader import RawSheet, parse_value, portfolio_from_sheets
from xlprof.model.analysis import Portfolio
from xlprof.schema import TABLES, Column, column_label
from xlprof.settings import Settings

COLUMNS = {f"{t.name}.{c.name}": c for t in TABLES for c in t.columns}
KINDS = sorted({c.kind for c in COLUMNS.values()})
# one column of each kind, plus a few that carry extra rules
SAMPLE_COLUMNS = sorted({next(n for n, c in COLUMNS.items() if c.kind == k) for k in KINDS}
                        | {"Clients.notice_days", "Clients.values_alignment", "Clients.revenue",
                           "Clients.notes"})

ERROR_TEXTS = st.sampled_from([*textnorm.EXCEL_ERRORS, " #n/a ", "#N/A!", "#¡VALOR!", "#DIV/0"])
NUMBERISH = st.from_regex(r"\A[ \u00a0(€$£-]{0,3}[0-9]{0,7}([.,' ][0-9]{1,3}){0,3}[%)]?( ?(EUR|USD|%))?\Z")
DATEISH = st.from_regex(r"\A[0-9]{1,5}[-/.][0-9]{1,3}[-/.][0-9]{1,5}( 00:00(:00(\.0+)?)?)?\Z")
TEXT = st.one_of(st.text(max_size=40), st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
                 NUMBERISH, DATEISH, ERROR_TEXTS,
                 st.sampled_from(["", " ", "n/a", "-", "sí", "Si", "x", "TRUE", "nan", "inf", "-inf",
                                  "1e308", "1e309", "NaN", "٣٫٥", "１２３", "1_000", "0x10", "½",
                                  "\t=cmd", "=1+1", "2024-02-30", "29/02/2023", "0000-01-01"]))


class _Long(str):
    """Long text with a short repr (hypothesis warns about 32 kB reprs)."""

    def __repr__(self) -> str:
        return f"<text of {len(self):,} characters>"


LONG_TEXT = st.sampled_from([32_766, 32_767, 32_768, 40_000]).map(lambda n: _Long("y" * n))
CELL = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
    TEXT,
    LONG_TEXT,
    st.decimals(allow_nan=True),
    st.builds(np.float64, st.floats(allow_nan=True, allow_infinity=True)),
    st.builds(np.int64, st.integers(-(2**63), 2**63 - 1)),
    st.just(np.bool_(True)),
    st.just([1, 2]),
    st.just(object()),
)

FAST = settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- valid renderings and what they must read as -------------------------------------------
#
# The "raises only ValueError" properties below also read a valid rendering of a known value
# and check it to the exact value: a parser that always raises (or reads 1.234,56 as 1.23456)
# fails them.

CENTS = st.integers(0, 10**11)          # amounts up to 1,000,000,000.00, in cents


def _plain(c: int) -> str:
    return f"{c // 100}.{c % 100:02d}"


def _en(c: int) -> str:
    return f"{c // 100:,}.{c % 100:02d}"                                  # 1,234,567.89


def _es(c: int) -> str:
    return _en(c).replace(",", "_").replace(".", ",").replace("_", ".")  # 1.234.567,89


AMOUNT_TEXT = st.tuples(CENTS, st.sampled_from([
    _plain, _en, _es, lambda c: f"€ {_en(c)}", lambda c: f"{_es(c)} EUR", lambda c: f"  {_plain(c)}\u00a0",
    lambda c: f"{_es(c)} €", lambda c: f"$ {_en(c)}",
])).map(lambda t: (t[1](t[0]), float(_plain(t[0]))))
AMOUNT = st.one_of(
    AMOUNT_TEXT,
    st.integers(0, 10**12).map(lambda k: (k, float(k))),
    st.integers(0, 10**12).map(lambda k: (str(k), float(k))),
    st.floats(0, 1e12, allow_nan=False).map(lambda x: (x, x)),
    st.floats(0, 1e12, allow_nan=False).map(lambda x: (repr(x), x)),
    st.integers(0, 10**9).map(lambda c: (__import__("decimal").Decimal(c) / 100, c / 100)),   # COM Currency
)
RATING_TEXT = st.sampled_from([(1, 1.0), (5.0, 5.0), ("3,5", 3.5), ("3.5", 3.5), (" 4 ", 4.0), (2.5, 2.5),
                               ("1", 1.0)])
DATE = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2199, 12, 31))
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DATE_TEXT = st.one_of(
    DATE.map(lambda d: (d, d)),
    DATE.map(lambda d: (dt.datetime(d.year, d.month, d.day), d)),
    DATE.map(lambda d: (d.isoformat(), d)),
    DATE.map(lambda d: (f"{d.day}-{MONTHS[d.month - 1]}-{d.year}", d)),
    DATE.filter(lambda d: d.day > 12).map(lambda d: (f"{d.day:02d}/{d.month:02d}/{d.year}", d)),  # day first
    DATE.filter(lambda d: d.day > 12).map(lambda d: (f"{d.month}/{d.day}/{d.year}", d)),          # month first
)
YESNO = st.sampled_from([("Sí", True), ("si", True), ("x", True), ("X", True), ("yes", True), ("TRUE", True),
                         (True, True), (1, True), (1.0, True), ("verdadero", True), ("FALSE", False),
                         ("no", False), (False, False), (0, False), ("n", False), ("falso", False)])
IDS = st.sampled_from([("0001", "0001"), (" C0007 ", "C0007"), (7.0, "7"), (7, "7"), ("ñu", "ñu")])
VALID = {"number": AMOUNT, "rating": RATING_TEXT, "date": DATE_TEXT, "yesno": YESNO, "id": IDS}


DAY_COUNT = st.integers(0, 36_500).flatmap(lambda k: st.sampled_from([(k, float(k)), (str(k), float(k)),
                                                                     (f" {k} ", float(k))]))


def valid_rendering(col: Column):
    if col.name.endswith("days"):        # day counts stop at 100 years
        return DAY_COUNT
    return VALID.get(col.kind, st.just(("some text", "some text")))


def assert_reads_as(col: Column, rendering, expected) -> None:
    got = parse_value(col, rendering)
    assert got == expected and type(got) is type(expected), (col.name, rendering, got, expected)


@FAST
@given(name=st.sampled_from(sorted(COLUMNS)), value=CELL, data=st.data())
def test_parse_value_raises_only_value_error(name, value, data):
    col = COLUMNS[name]
    if col.kind != "behavior":
        assert_reads_as(col, *data.draw(valid_rendering(col)))
    try:
        out = parse_value(col, value)
    except ValueError as exc:
        assert str(exc)            # a reason the user can read
        return
    _check_parsed(col, out)


@FAST
@given(name=st.sampled_from(SAMPLE_COLUMNS), value=st.one_of(TEXT, st.floats(), st.integers()), data=st.data())
def test_parse_value_text_and_numbers(name, value, data):
    col = COLUMNS[name]
    if col.kind != "behavior":
        assert_reads_as(col, *data.draw(valid_rendering(col)))
    try:
        out = parse_value(col, value)
    except ValueError:
        return
    _check_parsed(col, out)


def _check_parsed(col: Column, out) -> None:
    if col.kind in ("number", "rating"):
        assert isinstance(out, float)
        if not math.isnan(out):
            assert abs(out) <= 1e15
            if col.nonnegative:
                assert out >= 0
            if col.kind == "rating":
                assert 1 <= out <= 5
    elif col.kind in ("id", "text"):
        assert out is None or (isinstance(out, str) and out.strip() and len(out) <= 32_767)
    elif col.kind == "yesno":
        assert isinstance(out, bool)
    elif col.kind == "date":
        assert out is None or (type(out) is dt.date and textnorm.MIN_DATE <= out <= textnorm.MAX_DATE)
    elif col.kind == "behavior":  # an optional behaviour (Resources) may be blank: the default
        assert out in ("variable", "avoidable_fixed", "committed_fixed") or (out is None and not col.required)


@FAST
@given(value=CELL, valid=AMOUNT)
def test_parse_number_raises_only_value_error(value, valid):
    assert textnorm.parse_number(valid[0]) == valid[1]
    try:
        out = textnorm.parse_number(value)
    except ValueError:
        return
    assert out is None or (isinstance(out, float) and math.isfinite(out))


@FAST
@given(value=CELL, valid=YESNO)
def test_parse_bool_raises_only_value_error(value, valid):
    assert textnorm.parse_bool(valid[0]) is valid[1]
    try:
        out = textnorm.parse_bool(value)
    except ValueError:
        return
    assert out in (None, True, False)


@FAST
@given(value=CELL, valid=DATE_TEXT)
def test_parse_date_raises_only_value_error(value, valid):
    assert textnorm.parse_date(valid[0]) == valid[1]
    try:
        out = textnorm.parse_date(value)
    except ValueError:
        return
    assert out is None or type(out) is dt.date


@FAST
@given(x=st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False))
def test_amounts_read_back_in_english_and_spanish_formats(x):
    en = f"{x:,.2f}"                                                    # -1,234,567.89
    es = en.replace(",", "_").replace(".", ",").replace("_", ".")      # -1.234.567,89
    cents = float(f"{x:.2f}")
    assert textnorm.parse_number(repr(x)) == x
    assert textnorm.parse_number(en) == pytest.approx(cents)
    assert textnorm.parse_number(es) == pytest.approx(cents)
    assert textnorm.parse_number(f" € {en} ") == pytest.approx(cents)
    assert textnorm.parse_number(f"{es} EUR") == pytest.approx(cents)


@pytest.mark.parametrize("value, expected", [
    ("1.234,56", 1234.56), ("1,234.56", 1234.56), ("12,5", 12.5), ("12 %", 0.12), ("€ 300", 300.0),
    ("(1.000,50)", -1000.5), ("1.234.567", 1234567.0), ("1,234,567", 1234567.0), (" 7 ", 7.0),
    ("", None), (None, None), (3, 3.0), (2.5, 2.5),
])
def test_parse_number_examples(value, expected):
    assert textnorm.parse_number(value) == expected


@pytest.mark.parametrize("value", ["n/a", "-", "#N/A", "nan", "inf", "1e309", True, dt.date(2024, 1, 1),
                                   float("nan"), float("inf"), 10**400, "12 apples", "1.000", "1,234"],
                         ids=["n/a", "dash", "#N/A", "nan-text", "inf-text", "1e309", "bool", "date",
                              "nan", "inf", "int-10**400", "words", "two-ways-dot", "two-ways-comma"])
def test_parse_number_rejects(value):
    with pytest.raises(ValueError):
        textnorm.parse_number(value)


# --- whole sheets ----------------------------------------------------------------------------

def _headers(table) -> list[str]:
    out = []
    for c in table.columns:
        out += [c.name, column_label(c.name, "en"), column_label(c.name, "es"), *c.aliases[:2]]
    return out


HEADER_WORDS = st.sampled_from(sorted({h for t in TABLES for h in _headers(t)}
                                      | {"Order entry", "Training", "key", "value", "Sector", ""}))
SHEET_NAMES = st.sampled_from(["Clients", "Clientes", "Activities", "Actividades", "Volumes", "Consumos",
                               "Resources", "Recursos", "Settings", "Parámetros", "Sheet1", "clients "])
SMALL_CELL = st.one_of(st.none(), st.booleans(), st.floats(), st.integers(-10, 10**6), st.dates(),
                       st.datetimes(), TEXT, HEADER_WORDS,
                       st.sampled_from(["C0001", "c0001", "C0002 ", "variable", "fijo evitable",
                                        "Order entry", "Warehouse", "period_months", "decision_date",
                                        "language", "es", "xx", "cost_of_capital"]))


@st.composite
def raw_sheet(draw, name):
    header = draw(st.lists(HEADER_WORDS, min_size=0, max_size=8))
    width = max(len(header), 1)
    rows = draw(st.lists(st.lists(SMALL_CELL, min_size=0, max_size=width + 1), max_size=6))
    lead = draw(st.lists(st.lists(SMALL_CELL, max_size=3), max_size=2))
    all_rows = lead + [list(header)] + rows
    errors = draw(st.dictionaries(st.tuples(st.integers(0, len(all_rows)), st.integers(0, width)),
                                  st.sampled_from(textnorm.EXCEL_ERRORS), max_size=2))
    merged = draw(st.lists(st.tuples(st.tuples(st.integers(0, 3), st.integers(0, 4)),
                                     st.tuples(st.integers(0, 5), st.integers(0, 8))), max_size=2))
    return RawSheet("in.xlsx", name, all_rows, errors, merged)


@st.composite
def sheet_sets(draw):
    names = draw(st.lists(SHEET_NAMES, min_size=0, max_size=6, unique=True))
    return {n: draw(raw_sheet(n)) for n in names}


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheets=sheet_sets())
def test_portfolio_from_random_sheets_raises_only_input_error(sheets):
    check_valid_book_values()
    try:
        p = portfolio_from_sheets(sheets, "in.xlsx", [])
    except InputError as exc:
        assert exc.problems
        for prob in exc.problems:
            assert prob.message and (prob.file or prob.sheet)
        return
    assert isinstance(p, Portfolio)
    assert len(p.clients) and len(p.activities)


def _valid_sheets() -> dict[str, RawSheet]:
    from _inputs import raw_tables

    return {n: RawSheet("in.xlsx", n, [list(r) for r in rows]) for n, rows in raw_tables().items()}


def check_valid_book_values() -> Portfolio:
    """The untouched valid book reads to the values its cells hold (C0001's row, by hand)."""
    p = portfolio_from_sheets(_valid_sheets(), "in.xlsx", [])
    c = p.clients.set_index("client_id").loc["C0001"]
    assert (c["revenue"], c["discounts"], c["cogs"], c["payment_terms_days"], c["days_to_pay"]) == (
        13300.0, 0.0, 11352.0, 60.0, 61.0)
    assert (c["contract_end"], c["notice_days"], c["strategic"]) == (dt.date(2028, 3, 30), 60.0, False)
    assert math.isnan(c["values_alignment"]) and c["respect_of_terms"] == 3.0
    assert c["notes"] == "=Not a formula: notes are always text"
    v = p.volumes.set_index(["client_id", "activity"])["quantity"]
    assert (v["C0001", "Order entry"], v["C0001", "Picking lines"], v["C0002", "Custom packaging"]) == (
        67.0, 912.0, 5.0)
    r = p.resources.set_index("resource")
    assert (r.loc["Customer service", "cost"], r.loc["Warehouse", "capacity_hours"]) == (1150000.0, 13500.0)
    assert r.loc["Warehouse", "behavior"] == "variable"
    return p


# Each style spells a whole column (a column is evidence: one reading for all its cells).
STYLES = {
    "en": lambda x: f"{x:,.2f}",                                                   # 1,150,000.00
    "es": lambda x: f"{x:,.2f}".replace(",", "_").replace(".", ",").replace("_", "."),  # 1.150.000,00
    "euro": lambda x: f"€ {x:,.2f}",
    "code": lambda x: f"{x:.2f} EUR".replace(".", ","),                             # 13300,00 EUR
    "text": lambda x: f" {x:g} ",
}
NUMBER_COLUMNS = {"Clients": ["Revenue", "Discounts", "COGS", "Bad debt", "Exit penalty", "Days to pay"],
                  "Resources": ["Cost", "Capacity hours"],
                  "Volumes": ["Order entry", "Picking lines", "Deliveries"]}


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_valid_book_respelt_reads_the_same(data):
    """Numbers as text in any one style per column, yes/no as Sí/x/FALSE, dates as text:
    the portfolio is exactly the one read from the plain cells."""
    base = check_valid_book_values()
    sheets = _valid_sheets()
    for name, headers in NUMBER_COLUMNS.items():
        rows = sheets[name].rows
        for h in data.draw(st.lists(st.sampled_from(headers), unique=True, min_size=1)):
            j = rows[0].index(h)
            style = STYLES[data.draw(st.sampled_from(sorted(STYLES)), label=f"{name}.{h}")]
            for row in rows[1:]:
                if isinstance(row[j], float):
                    row[j] = style(row[j])
    clients = sheets["Clients"].rows
    yes, no = data.draw(st.sampled_from([("Sí", "no"), ("x", "FALSE"), ("TRUE", "0"), ("yes", "n")]))
    j = clients[0].index("Strategic")
    for row in clients[1:]:
        row[j] = {"yes": yes, "no": no}.get(row[j], row[j])
    j = clients[0].index("Contract end")
    iso = data.draw(st.booleans())
    for row in clients[1:]:
        if isinstance(row[j], dt.date):
            row[j] = row[j].isoformat() if iso else f"{row[j].day}-{MONTHS[row[j].month - 1]}-{row[j].year}"
    p = portfolio_from_sheets(sheets, "in.xlsx", [])
    pd.testing.assert_frame_equal(p.clients, base.clients, check_exact=True)
    pd.testing.assert_frame_equal(p.volumes, base.volumes, check_exact=True)
    pd.testing.assert_frame_equal(p.resources, base.resources, check_exact=True)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_valid_book_with_random_cells_raises_only_input_error(data):
    check_valid_book_values()
    sheets = _valid_sheets()
    for _ in range(data.draw(st.integers(1, 4))):
        name = data.draw(st.sampled_from(sorted(sheets)))
        raw = sheets[name]
        r = data.draw(st.integers(0, len(raw.rows) - 1))
        c = data.draw(st.integers(0, len(raw.rows[r])))
        value = data.draw(SMALL_CELL)
        if c == len(raw.rows[r]):
            raw.rows[r].append(value)
        else:
            raw.rows[r][c] = value
    try:
        p = portfolio_from_sheets(sheets, "in.xlsx", [])
    except InputError as exc:
        for prob in exc.problems:
            assert prob.message and prob.file
        return
    assert isinstance(p, Portfolio)
    assert isinstance(p.settings, Settings)
