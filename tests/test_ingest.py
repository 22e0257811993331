"""xlprof ingest: the hand-worked example (tests/_ingest_hand.py), every number by hand.

Period 2025. Sales (';' CSV, decimal commas, credit note CN1 typed with positive amounts):
  C1: invoiced list 1000 + 500 = 1500 (revenue); discounts (1000 - 900) + (500 - 500) plus the
      credit note CN1's 200 (returns and allowances) = 300; net revenue 1200 = 900 + 500 - 200;
      cost 600 + 300 - 120 = 780; F0 (2024-12-20) is outside the period.
  C2: list 2000, net 1800 -> discounts 200, cost 1500.   C3 (not in the master): 300, 0, 100.
Receivables (amount-weighted, open items counted to 2025-12-31):
  C1: F1 900 paid after 40 days, F2 500 after 60 -> (900*40 + 500*60) / 1400 = 47.142857;
      terms 30 both -> 30.
  C2: F3 1800, 1000 paid after 60 days, 800 open 324 days -> (60000 + 259200) / 1800 = 177.3333;
      terms 60.
  C3: F4 300 paid 2026-01-30, after the period: open 240 days -> 240; terms 30.
Write-offs: C2 150; C1's "n/a" is unparseable. Events: Deliveries (type = 'DELIVERY', any
case) C1 2, C2 2; Returns C1 1; C2's CALL is filtered; a blank client is unknown; C3's
2026-02-01 delivery is outside the period. Orders = distinct INV documents of the sales:
C1 2 (F1, F2), C2 1, C3 1.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest
from click.testing import CliRunner

from _ingest_hand import write_hand_example
from xlprof.cli import main
from xlprof.ingest import ingest_portfolio
from xlprof.io.reader import read_portfolio


@pytest.fixture(scope="module")
def hand(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hand")
    book = write_hand_example(folder)
    p, ing, notes = ingest_portfolio(book)
    return folder, book, p, ing, notes


def test_client_figures_by_hand(hand):
    _, _, p, _, _ = hand
    c = p.clients.set_index("client_id")
    assert list(c.index) == ["C1", "C2", "C3"]
    assert c.loc["C1", ["revenue", "discounts", "cogs", "bad_debt"]].tolist() == [1500.0, 300.0, 780.0, 0.0]
    assert c.loc["C2", ["revenue", "discounts", "cogs", "bad_debt"]].tolist() == [2000.0, 200.0, 1500.0, 150.0]
    assert c.loc["C3", ["revenue", "discounts", "cogs", "bad_debt"]].tolist() == [300.0, 0.0, 100.0, 0.0]
    assert c.loc["C1", "days_to_pay"] == pytest.approx(66000 / 1400)
    assert c.loc["C2", "days_to_pay"] == pytest.approx(319200 / 1800)
    assert c.loc["C3", "days_to_pay"] == 240.0
    assert c["payment_terms_days"].tolist() == [30.0, 60.0, 30.0]
    # the master's attributes; C3 comes through with blank ones
    assert c.loc["C1", "client_name"] == "Alpha" and c.loc["C2", "account_manager"] == "Luis"
    assert c.loc["C3", "account_manager"] is None


def test_volumes_by_hand(hand):
    _, _, p, _, _ = hand
    m = p.volume_matrix()
    assert m.loc["C1"].to_dict() == {"Deliveries": 2.0, "Returns": 1.0, "Orders": 2.0}
    assert m.loc["C2"].to_dict() == {"Deliveries": 2.0, "Returns": 0.0, "Orders": 1.0}
    assert m.loc["C3"].to_dict() == {"Deliveries": 0.0, "Returns": 0.0, "Orders": 1.0}
    assert p.settings.period_months == 12.0
    assert p.settings.decision_date == dt.date(2026, 1, 15)
    a = p.activities.set_index("activity")
    assert a.loc["Deliveries", "driver"] == "ops: rows where type = 'DELIVERY'"
    assert a.loc["Orders", "resource"] == "Customer service"


def test_provenance_by_hand_and_balance(hand):
    _, _, _, ing, notes = hand
    prov = ing.provenance.set_index(["file", "status"])
    assert prov.loc[("raw/sales.csv", "used"), "rows"] == 5
    assert prov.loc[("raw/sales.csv", "used"), "list"] == Decimal("3600")      # 1000+500-200+2000+300
    assert prov.loc[("raw/sales.csv", "outside_period"), "list"] == Decimal("999")
    assert prov.loc[("raw/write_offs.csv", "unparseable"), "rows"] == 1
    ev = {s: prov.loc[("raw/events.csv", s), "rows"] for s in ("used", "filtered", "unknown_client", "outside_period")}
    assert ev == {"used": 5, "filtered": 1, "unknown_client": 1, "outside_period": 1}
    read = ing.read.set_index("file")
    assert read.loc["raw/sales.csv", "rows"] == 6 and read.loc["raw/events.csv", "rows"] == 8
    assert read.loc["raw/sales.csv", "net"] == Decimal("4299")                  # 3300 + 999
    for f, r in read.iterrows():                                                # read = used + left out
        block = ing.provenance[ing.provenance["file"] == f]
        assert block["rows"].sum() == r["rows"]
        for a in ("net", "list", "cost"):
            if r[a] is not None:
                assert sum(x for x in block[a] if x is not None) == r[a]
    assert ing.unparseable == [("raw/write_offs.csv", 3, "amount", "n/a")]
    assert any("C3" in n and "Clients master" in n for n in notes)


def test_cli_writes_a_valid_input_workbook_with_sources_sheet(hand, tmp_path):
    _, book, _, _, _ = hand
    out = tmp_path / "input.xlsx"
    r = CliRunner().invoke(main, ["ingest", str(book), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "21 rows read, 16 used, 5 left out" in r.output
    p = read_portfolio(out)
    assert p.clients.set_index("client_id").loc["C2", "bad_debt"] == 150.0
    import python_calamine as pc

    rows = pc.CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Sources").to_python()
    flat = [[str(v) for v in row] for row in rows]
    checks = [row for row in flat if "read - used - left out" in row]
    assert len(checks) == 4 and all(float(v) == 0 for row in checks for v in row[4:] if v not in ("",))
    assert any(row[:5] == ["raw/write_offs.csv", "", "3.0", "amount", "n/a"] for row in flat)
    read = next(row for row in flat if row[:4] == ["sales", "sales lines", "raw/sales.csv", "read"])
    assert read[4:8] == ["6.0", "4299.0", "4599.0", "2381.0"]          # rows, net, list, cost as read


@pytest.mark.libreoffice
def test_sources_balance_recalculates_to_zero_in_libreoffice(hand, tmp_path):
    """The check rows are live formulas; LibreOffice computes the same values (0)."""
    try:
        from . import lo
    except ImportError:
        import lo
    if not lo.soffice_path():
        pytest.skip("LibreOffice is not installed")
    _, book, _, _, _ = hand
    for lang in ("en", "es"):
        out = tmp_path / f"input-{lang}.xlsx"
        assert CliRunner().invoke(main, ["ingest", str(book), "-o", str(out), "--lang", lang]).exit_code == 0
        redone = lo.recalc(out, tmp_path / f"lo-{lang}")
        formulas = lo.read_formula_cells(out)["Sources" if lang == "en" else "Fuentes"]
        assert len(formulas) == 4 * 4                                   # 4 files x (rows, net, list, cost)
        assert lo.compare_recalculated(out, redone) == []


def test_byte_identical(hand, tmp_path):
    _, book, _, _, _ = hand
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    for out in (a, b):
        assert CliRunner().invoke(main, ["ingest", str(book), "-o", str(out)]).exit_code == 0
    assert a.read_bytes() == b.read_bytes()


def test_explain_lists_a_clients_rows(hand):
    _, book, _, _, _ = hand
    r = CliRunner().invoke(main, ["ingest", str(book), "--explain", "c2"])
    assert r.exit_code == 0, r.output
    lines = [ln for ln in r.output.splitlines() if ln.startswith(("sales", "ar", "wo", "ops"))]
    assert len(lines) == 7
    assert any("800.00" in ln and "receivables" in ln for ln in lines)
    assert any(ln.startswith("ops") and ln.rstrip().endswith("filtered") for ln in lines)
    assert "7 row(s), 6 used, 1 left out" in r.output


def test_explain_of_an_unknown_client_says_so_on_stderr_and_exits_1(hand):
    _, book, _, _, _ = hand
    r = CliRunner().invoke(main, ["ingest", str(book), "--explain", "NOPE"])
    assert r.exit_code == 1
    assert r.stdout == ""
    assert "no source row names client 'NOPE'" in r.stderr


def test_show_sql_prints_the_statements(hand):
    _, book, _, ing, _ = hand
    r = CliRunner().invoke(main, ["ingest", str(book), "--show-sql", "--explain", "C1"])
    assert "all_varchar=true" in r.output and "GROUP BY client" in r.output
    # runnable elsewhere as printed: a fresh DuckDB gives the same provenance
    import duckdb

    statements = [s[s.index("WITH rows"):] for s in r.output.split(";\n") if "WITH rows" in s]
    assert len(statements) == 4
    cur = duckdb.connect().execute(statements[0])            # the sales source
    names = [d[0] for d in cur.description]
    got = sorted((rec["_key"], rec["rows"], rec["list"]) for rec in (dict(zip(names, r)) for r in cur.fetchall())
                 if rec["_part"] == "prov")
    want = sorted((r["status"], r["rows"], r["list"]) for r in ing.provenance.to_dict("records") if r["source"] == "sales")
    assert got == want == [("outside_period", 1, Decimal("999")), ("used", 5, Decimal("3600"))]


def test_period_from_the_command_line(hand, tmp_path):
    _, book, _, _, _ = hand
    p, ing, _ = ingest_portfolio(book, start=dt.date(2024, 12, 1), end=dt.date(2025, 12, 31))
    c = p.clients.set_index("client_id")
    assert c.loc["C1", "revenue"] == 1500.0 + 999.0       # F0 (2024-12-20) now inside
    assert p.settings.period_months == 13.0


def test_generate_from_sources_workbook(hand, tmp_path):
    _, book, _, _, _ = hand
    r = CliRunner().invoke(main, ["generate", str(book), "-o", str(tmp_path / "out")])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "out" / "sources-input.xlsx").exists()
    assert (tmp_path / "out" / "sources-analysis.xlsx").exists()


def test_template_reads_back(tmp_path):
    for lang in ("en", "es"):
        out = tmp_path / f"t-{lang}.xlsx"
        r = CliRunner().invoke(main, ["ingest", "--template", "--lang", lang, "-o", str(out)])
        assert r.exit_code == 0, r.output
        from xlprof.ingest.spec import read_sources_book
        from xlprof.errors import InputError

        with pytest.raises(InputError) as e:       # the template names files that do not exist yet
            read_sources_book(out)
        assert all("no file matches" in p.message for p in e.value.problems)
        assert len(e.value.problems) == 5


def test_spanish_sources_book(tmp_path):
    book = write_hand_example(tmp_path, lang="es")
    p, _, _ = ingest_portfolio(book)
    assert p.clients.set_index("client_id").loc["C1", "revenue"] == 1500.0


def _one_source(tmp_path, text: str, *, amount="amount", encoding="utf-8"):
    from xlprof.ingest.template import write_sources_book

    (tmp_path / "s.csv").write_bytes(text.encode(encoding))
    book = tmp_path / "src.xlsx"
    write_sources_book(book, sources=[dict(source="s", path="s.csv", kind="sales_lines", client_column="client",
                                           date_column="date", net_amount_column=amount)],
                       drivers=[dict(activity="Lines", source="s", measure="rows", behavior="variable", rate=1)],
                       settings=[("period_start", dt.date(2025, 1, 1)), ("period_end", dt.date(2025, 12, 31))])
    return book


def test_ambiguous_column_is_refused_with_both_readings(tmp_path):
    book = _one_source(tmp_path, "client,date,amount\nC1,2025-01-02,1.234\nC2,2025-01-03,1.234\n")
    r = CliRunner().invoke(main, ["ingest", str(book), "-o", str(tmp_path / "o.xlsx")])
    assert r.exit_code == 1
    assert "s.csv" in r.output and "column amount" in r.output and "'1.234'" in r.output
    assert "decimal_separator" in r.output and "1234" in r.output
    assert not (tmp_path / "o.xlsx").exists()


def test_ambiguous_dates_are_refused_and_the_setting_decides(tmp_path):
    book = _one_source(tmp_path, "client,date,amount\nC1,03/04/2025,10.50\n")
    r = CliRunner().invoke(main, ["ingest", str(book), "-o", str(tmp_path / "o.xlsx")])
    assert r.exit_code == 1 and "date_order" in r.output and "'03/04/2025'" in r.output


def test_semicolon_file_settles_a_decimal_comma(tmp_path):
    book = _one_source(tmp_path, "client;date;amount\nC1;31/01/2025;1,234\n", encoding="cp1252")
    p, _, _ = ingest_portfolio(book)
    assert p.clients["revenue"].tolist() == [1.234]


def test_missing_column_is_located(tmp_path):
    book = _one_source(tmp_path, "client,date,total\nC1,2025-01-02,10\n")
    r = CliRunner().invoke(main, ["ingest", str(book), "-o", str(tmp_path / "o.xlsx")])
    assert r.exit_code == 1
    assert "column 'amount' is not in s.csv" in r.output and "sheet Sources, row 2" in r.output


def test_broken_csv_is_unreadable(tmp_path):
    book = _one_source(tmp_path, 'client,date,amount\nC1,2025-01-02,"10\nC2,2025-01-03,1,2,3,4\n')
    r = CliRunner().invoke(main, ["ingest", str(book), "-o", str(tmp_path / "o.xlsx")])
    assert r.exit_code == 3 and "s.csv" in r.output and "Traceback" not in r.output


def test_filter_literals_are_data_not_sql(tmp_path):
    from xlprof.ingest.filters import FilterError, parse_filter

    conds = parse_filter("type = 'x''); DROP TABLE t; --' and \"my col\" in ('a', 'b') and qty >= 5")
    assert [c.op for c in conds] == ["=", "in", ">="]
    assert conds[0].values == ("x'); DROP TABLE t; --",)
    assert conds[1].column == "my col"
    for bad in ("type = ", "type 'x'", "a = 'x' or b = 'y'", "qty > 'x'"):
        with pytest.raises(FilterError):
            parse_filter(bad)


def _sales(tmp_path, text: str):
    from xlprof.ingest.template import write_sources_book

    (tmp_path / "sales.csv").write_text(text, encoding="utf-8")
    book = tmp_path / "src.xlsx"
    write_sources_book(book, sources=[dict(source="s", path="sales.csv", kind="sales_lines", client_column="client",
                                           date_column="date", document_column="doc", net_amount_column="net",
                                           list_amount_column="list", cost_column="cost", credit_when="type = 'CN'")],
                       drivers=[dict(activity="Lines", source="s", measure="rows", behavior="variable", rate=1)],
                       settings=[("period_start", dt.date(2025, 1, 1)), ("period_end", dt.date(2025, 12, 31))])
    return book


def test_credits_beyond_sales_make_net_revenue_negative(tmp_path):
    """A client whose credit note (for a sale of last year) exceeds its sales this period:
    revenue 100 invoiced, discounts 10 + 300 credited -> net revenue -210, which the model
    handles (net margin blank, profitability signal 1)."""
    book = _sales(tmp_path, "client,date,doc,list,net,cost,type\n"
                            "C1,2025-02-01,F1,100,90,0,INV\nC1,2025-03-01,CN1,300,300,0,CN\n"
                            "C2,2025-02-01,F2,500,500,200,INV\n")
    p, ing, _ = ingest_portfolio(book)
    c = p.clients.set_index("client_id")
    assert c.loc["C1", ["revenue", "discounts", "cogs"]].tolist() == [100.0, 310.0, 0.0]
    from xlprof.model import analyze

    a = analyze(p).clients.set_index("client_id")
    assert a.loc["C1", "net_revenue"] == -210.0 and math.isnan(a.loc["C1", "net_margin"])


def test_a_negative_cost_of_sales_is_refused_at_the_raw_rows(tmp_path):
    book = _sales(tmp_path, "client,date,doc,list,net,cost,type\n"
                            "C1,2025-02-01,F1,100,100,40,INV\nC1,2025-03-01,CN1,300,300,120,CN\n"
                            "C1,2025-03-02,CN2,50,50,20,CN\nC2,2025-02-01,F2,500,500,200,INV\n")
    r = CliRunner().invoke(main, ["ingest", str(book), "-o", str(tmp_path / "o.xlsx")])
    assert r.exit_code == 1, r.output
    assert "sales.csv, row 3, column cost: client C1: cost of sales over the period comes to -100.00" in r.output
    assert "(sales.csv rows 3, 4)" in r.output and "start the period earlier" in r.output
    assert "ingested clients" not in r.output and not (tmp_path / "o.xlsx").exists()
