"""Property: amounts and dates written the way Spanish, US, Swiss and UK Excel write them
(CSV cells, and text cells of a workbook) are read exactly or refused -- never read as another
value. The same for the one per-value parser with values as COM hands them over.

The property could fail: with ``decide_decimal`` patched to guess "." where a value reads two
ways, ``test_locale_columns_read_exactly_or_refused`` fails at once (a Spanish "1.500" read as
1.5); see ``test_a_guessing_parser_breaks_the_property``.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from _inputs import portfolio_tables
from _locales import FORMATS, LOCALES, date, delimiter, number
from xlprof import textnorm
from xlprof.errors import InputError
from xlprof.io import evidence
from xlprof.io.cells import RawSheet
from xlprof.io.reader import portfolio_from_sheets

AMOUNTS = st.one_of(
    st.integers(1000, 999_999).map(Decimal),           # one group of thousands: "120.000" reads two ways
    st.integers(0, 10**9).map(Decimal),
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from([Decimal(x) for x in ("1500", "120000", "1234", "0.5", "12.5", "1.25", "999.99")]),
)
DATES = st.dates(dt.date(2026, 1, 1), dt.date(2035, 12, 31))
PROP = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.data_too_large])


SMALL = st.integers(1000, 333_333).map(Decimal)        # a book of these, summed, stays under 1,000,000


@st.composite
def rendered(draw, locale, fmt=None, amounts=AMOUNTS):
    """(exact value, text as the locale's Excel shows it with number format ``fmt``, or a
    random one)."""
    x = draw(amounts.map(lambda d: d.to_integral_value()) if fmt == "thousands" else amounts)
    formats = [f for f in FORMATS if f != "thousands" or x == x.to_integral_value()]
    return x, number(x, locale, fmt or draw(st.sampled_from(formats)))


@st.composite
def locale_book(draw):
    """The demo tables with Revenue, COGS, Discounts and Contract end of every client
    rewritten by one locale, plus what each should read as."""
    locale = draw(st.sampled_from(sorted(LOCALES)))
    fixed = draw(st.sampled_from([None, *FORMATS]))       # one format for every cell, or any
    amounts = draw(st.sampled_from([AMOUNTS, SMALL]))     # SMALL: no value proves the separator
    tables = portfolio_tables()
    clients = tables["Clients"]
    head = clients[0]
    cols = {h: head.index(h) for h in ("Revenue", "COGS", "Discounts", "Contract end")}
    want = {}
    for row in clients[1:]:
        cogs, text_cogs = draw(rendered(locale, fixed, amounts))
        extra, _ = draw(rendered(locale, fixed, amounts))
        disc, text_disc = draw(rendered(locale, fixed, amounts))
        revenue = cogs + extra + disc                        # revenue >= cogs + discounts
        fmt = fixed or draw(st.sampled_from([f for f in FORMATS
                                             if f != "thousands" or revenue == revenue.to_integral_value()]))
        end = draw(st.none() | DATES)
        row[cols["Revenue"]] = number(revenue, locale, fmt)
        row[cols["COGS"]] = text_cogs
        row[cols["Discounts"]] = text_disc
        row[cols["Contract end"]] = "" if end is None else date(end, locale)
        want[row[0]] = (float(revenue), float(cogs), float(disc), end)
    return locale, tables, want


def _sheets(tables, locale, as_csv):
    """Raw sheets as the CSV reader (text, delimiter known) or the xlsx reader (text cells)
    gives them; other sheets stay as in the demo."""
    out = {}
    for name, rows in tables.items():
        if as_csv:
            out[name] = RawSheet(f"{name}.csv", name, [list(r) for r in rows], delimiter=delimiter(locale))
        else:
            cells = [list(r) for r in rows]
            if name != "Clients":                      # only Clients holds the locale's text
                cells = [[_plain(v) for v in r] for r in cells]
            out[name] = RawSheet("book.xlsx", name, [[None if v == "" else v for v in r] for r in cells])
    return out


def _plain(v):
    try:
        return float(v)
    except ValueError:
        return v


def _check(sheets, want):
    try:
        p = portfolio_from_sheets(sheets, "in", [])
    except InputError as exc:                         # a refusal: must say what decides
        text = str(exc)
        assert "decimal_separator" in text or "date_order" in text or "the same way" in text, text
        return False
    c = p.clients.set_index("client_id")
    for cid, (revenue, cogs, disc, end) in want.items():
        assert c.loc[cid, "revenue"] == revenue
        assert c.loc[cid, "cogs"] == cogs
        assert c.loc[cid, "discounts"] == disc
        got = c.loc[cid, "contract_end"]
        assert (got is None if end is None else got == end), (cid, got, end)
    return True


@PROP
@given(book=locale_book(), as_csv=st.booleans())
def test_locale_columns_read_exactly_or_refused(book, as_csv):
    locale, tables, want = book
    read = _check(_sheets(tables, locale, as_csv), want)
    event(f"{locale} {'CSV' if as_csv else 'xlsx'}: {'read' if read else 'refused'}")


@pytest.mark.parametrize("locale", sorted(LOCALES))
def test_each_locale_is_read_when_its_evidence_is_there(locale):
    """Not everything is refused: a file with cents (and dates past the 12th) reads."""
    tables = portfolio_tables()
    clients = tables["Clients"]
    head = clients[0]
    want = {}
    for k, row in enumerate(clients[1:]):
        revenue, cogs = Decimal(100_000 + 1000 * k) + Decimal("0.25"), Decimal(50_000 + k)
        end = dt.date(2027, 12, 13 + k)
        row[head.index("Revenue")] = number(revenue, locale, "thousands_cents")
        row[head.index("COGS")] = number(cogs, locale, "thousands")
        row[head.index("Discounts")] = "0"
        row[head.index("Contract end")] = date(end, locale)
        want[row[0]] = (float(revenue), float(cogs), 0.0, end)
    # A CSV file is decided as a whole: Revenue's cents settle COGS's "50.000" / "50,000".
    assert _check(_sheets(tables, locale, True), want) is True
    # A workbook column is decided on its own: COGS alone reads two ways, except Swiss "50'000".
    assert _check(_sheets(tables, locale, False), want) is (locale == "ch")


def test_a_guessing_parser_breaks_the_property(monkeypatch):
    """The property can fail: a decision that guesses '.' reads a Spanish '1.500' as 1.5."""
    real = evidence.decimal_outcome

    def guess(kinds, **kw):
        out = real(kinds, **kw)
        return "." if out == "ambiguous" else out

    monkeypatch.setattr(evidence, "decimal_outcome", guess)
    tables = portfolio_tables()
    clients = tables["Clients"]
    head = clients[0]
    clients[1][head.index("Revenue")] = "15.000"
    clients[1][head.index("COGS")] = "1.500"
    want = {clients[1][0]: (15000.0, 1500.0, 0.0, None)}
    clients[1][head.index("Contract end")] = ""
    with pytest.raises(AssertionError):
        _check(_sheets(tables, "es", True), want)


# --- the per-value parser, with values as COM hands them over ---------------------------------

COM_ERRORS = st.sampled_from(sorted(textnorm.COM_ERROR_CODES)).map(lambda code: code - 2146828288)


@st.composite
def com_value(draw):
    """(what the cell means -- a float, or None for an error/refusal expected --, value as
    COM delivers it)."""
    kind = draw(st.sampled_from(["decimal", "float", "int", "error", "text", "bool"]))
    if kind == "decimal":                  # Currency/Accounting cells
        x = draw(st.decimals(min_value=-10**12, max_value=10**12, places=4, allow_nan=False))
        return float(x), x
    if kind == "float":
        x = draw(st.floats(-1e15, 1e15, allow_nan=False))
        return x, x
    if kind == "int":
        x = draw(st.integers(-2**31, 2**31 - 1))
        return float(x), x
    if kind == "error":
        return None, draw(COM_ERRORS)
    if kind == "bool":
        return None, draw(st.booleans())
    locale = draw(st.sampled_from(sorted(LOCALES)))
    x, text = draw(rendered(locale))
    return float(x), text


@settings(max_examples=300, deadline=None)
@given(cv=com_value(), decimal=st.sampled_from(["auto", ".", ","]))
def test_parse_number_reads_com_values_exactly_or_refuses(cv, decimal):
    meant, value = cv
    try:
        got = textnorm.parse_number(value, decimal=decimal)
    except ValueError as exc:
        if isinstance(value, str) and decimal == "auto" and isinstance(exc, evidence.AmbiguousValue):
            assert "decimal_separator" in str(exc)
        return
    assert meant is not None, f"{value!r} read as {got!r}"
    if isinstance(value, str) and decimal != "auto" and evidence.number_class(value) in (
            "point_or_thousands", "comma_or_thousands"):
        # the setting decides: the value read is one of the two readings
        assert got in evidence.number_readings(value).values()
        return
    assert got == meant or math.isclose(got, meant, rel_tol=0, abs_tol=0), (value, got, meant)


@settings(max_examples=200, deadline=None)
@given(d=DATES, locale=st.sampled_from(sorted(LOCALES)), order=st.sampled_from(["auto", "dmy", "mdy"]))
def test_parse_date_reads_a_lone_locale_date_exactly_or_refuses(d, locale, order):
    text = date(d, locale)
    try:
        got = textnorm.parse_date(text, order=order)
    except evidence.AmbiguousValue as exc:
        assert order == "auto" and "date_order" in str(exc)
        return
    except ValueError:
        return
    natural = "mdy" if locale == "us" else "dmy"
    if order in ("auto", natural) or d.day == d.month or d.day > 12:
        assert got == d, (text, got)
    else:                                 # the setting decides against the locale: the other reading
        assert got == evidence.to_date(text, order)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.data_too_large,
                                                                 HealthCheck.function_scoped_fixture])
@given(book=locale_book(), as_csv=st.booleans())
def test_locale_files_read_exactly_or_refused(tmp_path_factory, book, as_csv):
    """The same property through real files: a CSV folder in the locale's delimiter, or a
    workbook whose cells hold the locale's text (written by XlsxWriter as strings)."""
    from _inputs import write_csv_folder, xlsxwriter_book
    from xlprof.io.reader import read_sheets

    locale, tables, want = book
    d = tmp_path_factory.mktemp("locale")
    if as_csv:
        path = write_csv_folder(d / "csv", tables, delimiter=delimiter(locale))
    else:
        rows = {name: [[_plain(v) if name != "Clients" else v for v in r] for r in t]
                for name, t in tables.items()}
        path = xlsxwriter_book(d / "book.xlsx", rows)
    _check(read_sheets(path), want)
