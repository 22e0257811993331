"""The reading rule in SQL (xlprof/ingest/rule.py) is the Python rule (xlprof.io.evidence):
the shortcuts ingest takes for speed are proven equivalent here, on random values of every
class, and end to end where the sample a file's reading is guessed from misleads."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlprof.ingest import ingest_portfolio, rule
from xlprof.ingest.template import write_sources_book
from xlprof.io import evidence as ev

CON = duckdb.connect()

digits = st.text("0123456789", min_size=1, max_size=9)
groups = st.lists(st.text("0123456789", min_size=3, max_size=3), min_size=1, max_size=3)


@st.composite
def number_texts(draw):
    """Text that spells a number in any class of evidence.NUMBER_CLASSES, or nearly does."""
    lead = draw(st.sampled_from(["1", "12", "123", "0", "9", "05", ""]))
    body = draw(st.one_of(
        digits,
        st.builds(lambda a, m, b: a + m + b, digits, st.sampled_from(".,"), digits),
        st.builds(lambda gs, s, m, f: lead + "".join(s + g for g in gs) + (m + f if m else ""),
                  groups, st.sampled_from([".", ",", " ", "'", "\u00a0", "\u2019"]),
                  st.sampled_from(["", ".", ","]), digits),
        st.builds(lambda a, e: a + e, digits, st.sampled_from(["e3", "E-2", "e+1"])),
    ))
    sign = draw(st.sampled_from(["", "", "-", "+", "()"]))
    body = f"({body})" if sign == "()" else sign + body
    return (draw(st.sampled_from(["", "", " ", "€", "EUR ", "$ "])) + body
            + draw(st.sampled_from(["", "", " ", " €", "%", " USD", "\t"])))


junk = st.text("0123456789.,-+ ()%€e'a\u00a0_\t", max_size=10)


def sql_codes(values: list[str]) -> dict[str, int]:
    sql = (f"SELECT v, {rule.number_code_sql('v', 'k')} FROM "
           f"(SELECT v, {rule.number_mark_sql('v')} AS k FROM (SELECT unnest($1::VARCHAR[]) AS v))")
    return dict(CON.execute(sql, [values]).fetchall())


def exact(v: str, decimal: str) -> Decimal:
    """The number ``v`` spells, as an exact decimal (evidence.to_number's steps, in Decimal)."""
    s = ev._normalise_number(v)
    body = s.strip("()+-")
    for g in rule.GROUP_CHARS:
        body = body.replace(g, "")
    body = body.replace(".", "").replace(",", ".") if decimal == "," else body.replace(",", "")
    return -Decimal(body) if s.startswith(("-", "(")) else Decimal(body)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(number_texts(), junk), min_size=1, max_size=40, unique=True))
def test_sql_class_is_the_rule_class(values):
    blank = dict(CON.execute("SELECT v, v IS NULL OR trim(v) = '' FROM (SELECT unnest($1::VARCHAR[]) AS v)",
                             [values]).fetchall())
    for v, code in sql_codes(values).items():
        want = ev.number_class(v)
        if code == rule.BLANK:
            assert blank[v] and want is None, v
        elif code == rule.PERCENT:
            assert want is not None and "%" in v, v
        elif code == rule.NOT_A_NUMBER:
            assert want is None and not blank[v], v
        else:
            assert rule.class_name(code) == want and "%" not in v, (v, code)


@settings(max_examples=150, deadline=None)
@given(st.lists(number_texts(), min_size=1, max_size=40, unique=True), st.sampled_from([".", ","]))
def test_sql_value_is_the_rule_value(values, decimal):
    """Every value the rule reads under ``decimal`` is read to the same number; a DECIMAL as
    narrow as the evidence allows (as ingest chooses it) holds it exactly."""
    codes = sql_codes(values)
    readable = [v for v in values if rule.good(codes[v])
                and ev.NUMBER_PROVES[rule.class_name(codes[v])] in (None, decimal)]
    if not readable:
        return
    dec = CON.execute(f"SELECT max({rule.number_decimals_sql('v', 'k', 'c', rule.NumberReading(decimal))}) "
                      f"FROM (SELECT v, k, {rule.number_code_sql('v', 'k')} AS c FROM (SELECT v, "
                      f"{rule.number_mark_sql('v')} AS k FROM (SELECT unnest($1::VARCHAR[]) AS v)))", [readable]).fetchone()[0]
    exp = dec == 99
    reading = rule.NumberReading(decimal, 10 if exp else dec, 38 if exp or dec > 8 else 18)
    sql = (f"SELECT v, {rule.number_value_sql('v', 'c', reading)} FROM (SELECT v, {rule.number_code_sql('v', 'k')} AS c "
           f"FROM (SELECT v, {rule.number_mark_sql('v')} AS k FROM (SELECT unnest($1::VARCHAR[]) AS v)))")
    got = dict(CON.execute(sql, [readable]).fetchall())
    for v in readable:
        want = ev.to_number(v, decimal)
        if got[v] is None:                       # only beyond DECIMAL(18/38): counted as unconverted
            assert abs(want) >= 10 ** (reading.width - reading.scale), v
        elif exp:                                # DECIMAL(38,10): exact to 10 decimals
            assert abs(Decimal(got[v]) - exact(v, decimal)) <= Decimal("0.5e-10"), v
            assert float(got[v]) == pytest.approx(want, rel=1e-12, abs=1e-10), v
        else:                                    # exact: to the last decimal written
            assert Decimal(got[v]) == exact(v, decimal) and float(got[v]) == want, v


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(number_texts(), junk), min_size=1, max_size=30, unique=True),
       st.sampled_from(["auto", ".", ","]), st.sampled_from([None, ";", ","]))
def test_sql_decision_is_the_rule_decision(values, setting, delimiter):
    """The decision made from the scan's per-class examples is decide_decimal's over every
    value, refusals included."""
    codes = sql_codes(values)
    groups = []
    for code in sorted(set(codes.values())):
        mine = sorted(v for v in values if codes[v] == code)
        groups.append(rule.NumberGroup("x", code, len(mine), mine[0], mine[-1]))
    found: dict[str, str] = {}
    for v in sorted(values):
        c = ev.number_class(v)
        if c is not None and "%" not in v:
            found.setdefault(c, v)
    try:
        want = ev.decide_decimal(found, setting=setting, delimiter=delimiter)
    except ValueError:
        want = "refused"
    try:
        got = rule.decide_numbers(groups, setting=setting, delimiter=delimiter, where="t").decimal
    except rule.RuleProblem:
        got = "refused"
    assert got == want


@st.composite
def date_texts(draw):
    d = draw(st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)))
    sep = draw(st.sampled_from(["/", "-", "."]))
    style = draw(st.sampled_from(["ymd", "dmy", "mdy", "d-m", "short", "name", "time", "junk"]))
    if style == "ymd":
        return f"{d.year}{sep}{d.month:02d}{sep}{d.day:02d}"
    if style == "dmy":
        return f"{d.day:02d}{sep}{d.month:02d}{sep}{d.year}"
    if style == "mdy":
        return f"{d.month}{sep}{d.day}{sep}{d.year}"
    if style == "d-m":
        return f"{d.day}{sep}{d.month}{sep}{d.year}"
    if style == "short":
        return f"{d.day:02d}{sep}{d.month:02d}{sep}{d.year % 100:02d}"       # two-digit year: refused
    if style == "name":
        return f"{d.day} {d:%b} {d.year}"
    if style == "time":
        return f"{d.isoformat()} " + draw(st.sampled_from(["00:00:00", "00:00", "13:45:00"]))
    return draw(st.sampled_from(["31/02/2025", "2025-13-01", "n/a", "", " 2025-01-02 ", "1/1/1"]))


@settings(max_examples=150, deadline=None)
@given(st.lists(date_texts(), min_size=1, max_size=30, unique=True), st.integers(0, 30),
       st.sampled_from(["auto", "dmy", "mdy"]))
def test_dates_read_as_the_rule_whatever_the_sample(values, cut, setting):
    """The strptime formats guessed from a sample are kept only when they give evidence's
    date for every distinct text; else the exact map is used: either way, the rule's date."""
    guess = rule.sample_date_reading(values[:cut], setting=setting)
    sql = f"SELECT v, {rule.date_sql('v', guess)} FROM (SELECT unnest($1::VARCHAR[]) AS v)"
    seen = CON.execute(sql, [values]).fetchall()
    try:
        d = rule.decide_dates(seen, setting=setting)
    except rule.RuleProblem:
        found = {ev.date_class(v): v for v in values if ev.date_class(v)}
        with pytest.raises(ValueError):
            ev.decide_date_order(found, setting=setting)
        return
    final = guess
    if not d.agrees:
        CON.execute("CREATE OR REPLACE TEMP TABLE dmap AS SELECT unnest($1::VARCHAR[]) AS xlprof_text, "
                    "unnest($2::DATE[]) AS xlprof_day",
                    [list(d.exact), list(d.exact.values())])
        final = rule.DateReading(d.order, (), "dmap")
    got = dict(CON.execute(f"SELECT v, {rule.date_sql('t.v', final)} FROM (SELECT unnest($1::VARCHAR[]) AS v) AS t",
                           [values]).fetchall())
    for v in values:
        try:
            want = ev.to_date(v, d.order)
        except ValueError:
            want = None
        assert got[v] == want, v


# --- end to end: a sample that misleads ------------------------------------------------------


def _book(tmp_path, lines: list[str], *, header="client,date,doc,amount", drivers=None, period=True):
    (tmp_path / "s.csv").write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    book = tmp_path / "src.xlsx"
    write_sources_book(book, sources=[dict(source="s", path="s.csv", kind="sales_lines", client_column="client",
                                           date_column="date", document_column="doc", net_amount_column="amount")],
                       drivers=drivers or [dict(activity="Docs", source="s", measure="documents",
                                                behavior="variable", rate=1)],
                       settings=[("period_start", dt.date(2025, 1, 1)), ("period_end", dt.date(2025, 12, 31))]
                       if period else [])
    return book


def test_a_decimal_comma_after_the_sample_is_read_by_the_whole_file(tmp_path):
    lines = [f"C{i % 3},2025-01-02,D{i},100" for i in range(2500)] + ["C0,2025-01-03,X,\"12,5\""]
    p, ing, _ = ingest_portfolio(_book(tmp_path, lines))
    assert p.clients.set_index("client_id").loc["C0", "revenue"] == 834 * 100 + 12.5
    assert any("scanned again" in s for s in ing.sql)
    assert [d.decided for d in ing.decisions if d.what == "number"] == [","]


def test_more_decimals_after_the_sample_are_not_rounded(tmp_path):
    lines = [f"C1,2025-01-02,D{i},1.50" for i in range(2500)] + ["C1,2025-01-02,X,0.123456789"]
    p, ing, _ = ingest_portfolio(_book(tmp_path, lines))
    total = sum(r for r in ing.provenance["net"] if r is not None)
    assert total == Decimal("1.50") * 2500 + Decimal("0.123456789")
    assert p.clients["revenue"].tolist() == [float(total)]


def test_a_two_digit_year_after_the_sample_is_unreadable_not_year_25(tmp_path):
    lines = [f"C1,{1 + i % 28:02d}/01/2025,D{i},1" for i in range(2500)] + ["C1,01/02/25,X,7"]
    p, ing, _ = ingest_portfolio(_book(tmp_path, lines))
    assert p.clients["revenue"].tolist() == [2500.0]
    assert ing.unparseable == [("s.csv", 2502, "date", "01/02/25")]


def test_a_proof_of_month_first_after_the_sample_refuses_the_file(tmp_path):
    lines = [f"C1,{1 + i % 28:02d}/01/2025,D{i},1" for i in range(2500)] + ["C1,12/31/2025,X,7"]
    from xlprof.errors import InputError

    with pytest.raises(InputError, match="'13/01/2025' has the day first but '12/31/2025' has the month first"):
        ingest_portfolio(_book(tmp_path, lines))


def test_ids_differing_by_case_count_their_documents_once(tmp_path):
    lines = ["C1,2025-01-02,F1,10", "c1,2025-01-02,F1,5", "c1,2025-01-03,F2,5"]
    p, ing, notes = ingest_portfolio(_book(tmp_path, lines))
    assert p.volume_matrix().loc["C1", "Docs"] == 2.0
    assert p.clients.set_index("client_id").loc["C1", "revenue"] == 20.0
    assert any("differ only by case" in n for n in notes)


def test_period_from_the_sales_dates_when_not_given(tmp_path):
    lines = ["C1,2025-03-02,F1,10", "C2,2025-07-09,F2,5"]
    p, ing, notes = ingest_portfolio(_book(tmp_path, lines, period=False))
    assert (ing.start, ing.end) == (dt.date(2025, 3, 2), dt.date(2025, 7, 9))
    assert p.clients["revenue"].sum() == 15.0


def test_same_figures_from_csv_xlsx_and_parquet(tmp_path):
    """The same sales lines as CSV text, as a workbook (real numbers and dates, one number
    typed as text, an error cell) and as Parquet (typed columns) give the same figures."""
    import xlsxwriter

    rows = [("C1", dt.date(2025, 1, 15), "F1", 900.5, "INV"), ("c2", dt.date(2025, 2, 1), "F2", 1200.0, "INV"),
            ("C1", dt.date(2025, 3, 1), "CN1", 100.25, "CN"), ("C2", dt.date(2024, 12, 31), "F0", 50.0, "INV")]
    (tmp_path / "csv").mkdir()
    (tmp_path / "csv" / "s.csv").write_text("client;date;doc;amount;type\n" + "".join(
        f"{c};{d:%d/%m/%Y};{doc};{str(a).replace('.', ',')};{t}\n" for c, d, doc, a, t in rows)
        + "C3;01/04/2025;F9;#N/A;INV\n", encoding="utf-8")
    (tmp_path / "xlsx").mkdir()
    wb = xlsxwriter.Workbook(str(tmp_path / "xlsx" / "s.xlsx"))
    ws = wb.add_worksheet("Lines")
    ws.write_row(0, 0, ["client", "date", "doc", "amount", "type"])
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for i, (c, d, doc, a, t) in enumerate(rows, start=1):
        ws.write_string(i, 0, c)
        ws.write_datetime(i, 1, dt.datetime.combine(d, dt.time()), date_fmt)
        ws.write_string(i, 2, doc)
        if i == 2:
            ws.write_string(i, 3, "1200")                 # a number typed as text: read by the rule
        else:
            ws.write_number(i, 3, a)
        ws.write_string(i, 4, t)
    ws.write_row(5, 0, ["C3", "2025-04-01", "F9"])
    ws.write_formula(5, 3, "=NA()", None, "#N/A")
    ws.write_string(5, 4, "INV")
    wb.close()
    (tmp_path / "parquet").mkdir()
    con = duckdb.connect()
    con.execute("CREATE TABLE t (client VARCHAR, date DATE, doc VARCHAR, amount DECIMAL(18,2), type VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)", [list(r) for r in rows] + [["C3", dt.date(2025, 4, 1), "F9", None, "INV"]])
    con.execute(f"COPY t TO '{tmp_path / 'parquet' / 's.parquet'}' (FORMAT parquet)")
    out = {}
    for kind, name in (("csv", "s.csv"), ("xlsx", "s.xlsx"), ("parquet", "s.parquet")):
        book = tmp_path / kind / "src.xlsx"
        write_sources_book(book, sources=[dict(source="s", path=name, kind="sales_lines", client_column="client",
                                               date_column="date", document_column="doc", net_amount_column="amount",
                                               credit_when="type = 'CN'")],
                           drivers=[dict(activity="Docs", source="s", measure="documents", behavior="variable", rate=1)],
                           settings=[("period_start", dt.date(2025, 1, 1)), ("period_end", dt.date(2025, 12, 31))])
        p, ing, _ = ingest_portfolio(book)
        out[kind] = (p.clients[["client_id", "revenue", "discounts"]].to_dict("records"),
                     p.volume_matrix().to_dict(),
                     ing.provenance[["status", "rows"]].to_dict("records"))
    assert out["csv"] == out["xlsx"] == out["parquet"]
    clients, volumes, prov = out["csv"]
    assert clients == [{"client_id": "C1", "revenue": 900.5, "discounts": 100.25},
                       {"client_id": "c2", "revenue": 1200.0, "discounts": 0.0}]   # C2 is outside the period
    assert volumes == {"Docs": {"C1": 2.0, "c2": 1.0}}
    assert {r["status"]: r["rows"] for r in prov} == {"outside_period": 1, "unparseable": 1, "used": 3}


def test_timestamps_are_unreadable_dates_and_counted(tmp_path):
    """Only midnight times are dates under the rule; thousands of distinct timestamps are left
    out as unparseable (counted, not listed one by one to Python)."""
    lines = [f"C1,2025-01-02 {i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d},D{i},1" for i in range(1, 3001)]
    lines += ["C1,2025-01-03 00:00:00,M1,5", "C1,2025-01-04,M2,7"]
    p, ing, _ = ingest_portfolio(_book(tmp_path, lines))
    assert p.clients["revenue"].tolist() == [12.0]
    prov = {r["status"]: r["rows"] for r in ing.provenance.to_dict("records")}
    assert prov == {"used": 2, "unparseable": 3000}
    (dates,) = [d for d in ing.decisions if d.what == "date"]
    assert dates.unreadable == 3000 and dates.decided == "-"


def test_what_duckdbs_own_casts_accept_the_rule_still_refuses(tmp_path):
    """DuckDB's casts read `1_000`, a bare trailing mark, `\\v`/`\\n`-padded numbers and two-digit
    years (benchmarks/probe_typed_csv.py); ingest classes every text before it casts, so these
    rows are left out as unparseable and listed, never read as numbers or dates."""
    odd = ["1_000", "5,", "5,e3", "1e3,", "\v1,5", "1,5\n", "1,5\f"]
    lines = ['C1,2025-01-02,D0,"12,5"'] + [f'C1,2025-01-0{3 + i % 5},D{i + 1},"{v}"' for i, v in enumerate(odd)]
    lines += ['C1,01/02/25,D8,"2,5"', 'C1,0000-01-01,D9,"2,5"']
    p, ing, _ = ingest_portfolio(_book(tmp_path, lines))
    assert p.clients["revenue"].tolist() == [12.5]
    assert {r["status"]: r["rows"] for r in ing.provenance.to_dict("records")} == {"used": 1, "unparseable": 9}
    assert sorted((col, val) for _, _, col, val in ing.unparseable) == sorted(
        [("amount", v) for v in odd] + [("date", "01/02/25"), ("date", "0000-01-01")])
    assert [d.decided for d in ing.decisions if d.what == "number"] == [","]
