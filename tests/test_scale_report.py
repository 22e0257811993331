"""``xlprof score --format json|csv`` writes the client records column by column, a block of
clients at a time: the text must be exactly what the record-by-record conversion gives
(``json.dumps(to_dict(a), indent=2)``, and the CSV writer below, as report.py wrote them
before), on random portfolios with blanks, zero revenue, dates and hostile text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import numpy as np
import pandas as pd
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlprof import report
from xlprof.cli import main
from xlprof.model import analyze
from xlprof.model.analysis import CLIENT_RESULT_COLUMNS, make_portfolio
from xlprof.settings import Settings

NAMES = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8) | st.sampled_from(
    ['=HYPERLINK("x")', "+1", "-2", "@A1", "\tx", "\rx", 'say "hi"', "a,b", "line\nbreak", "é ñ ü", ""])
AMOUNT = st.integers(0, 10**9).map(lambda cents: cents / 100)      # amounts in cents
RATING = st.sampled_from([np.nan, 1.0, 2.5, 3.0, 5.0])


@st.composite
def portfolios(draw):
    n = draw(st.integers(1, 30))
    clients = []
    for i in range(n):
        revenue = draw(AMOUNT)
        clients.append(dict(
            client_id=f"C{i:03d}", client_name=draw(NAMES), account_manager=draw(st.sampled_from(["Ana", None, "-x"])),
            region=draw(st.sampled_from(["North", None])), revenue=revenue,
            discounts=draw(st.sampled_from([0.0, revenue, revenue / 3])), cogs=draw(AMOUNT),
            payment_terms_days=draw(st.sampled_from([np.nan, 30.0])), days_to_pay=draw(st.sampled_from([np.nan, 45.0, 120.0])),
            bad_debt=draw(st.sampled_from([np.nan, 0.0, 500.0])), values_alignment=draw(RATING),
            communication=draw(RATING), growth_potential=draw(RATING), exit_penalty=draw(st.sampled_from([np.nan, 100.0])),
            notice_days=30.0, strategic=draw(st.booleans()),
            contract_end=draw(st.sampled_from([None, dt.date(2027, 6, 30)]))))
    acts = [{"activity": "Orders", "behavior": "variable", "rate": 2.5},
            {"activity": "Visits", "behavior": "committed_fixed", "cost_pool": draw(st.sampled_from([0.0, 9000.0]))}]
    vols = [{"client_id": c["client_id"], "Orders": draw(st.integers(0, 500)), "Visits": draw(st.integers(0, 5))}
            for c in clients]
    s = Settings(decision_date=draw(st.sampled_from([None, dt.date(2026, 12, 1)])))
    return make_portfolio(clients, acts, vols, settings=s)


def reference_csv(a) -> str:
    """The record-by-record CSV writer report.py had before the client records were streamed."""
    buf = io.StringIO()
    cols = CLIENT_RESULT_COLUMNS + report.CLIENT_EXTRA
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(cols)
    for r in report.client_records(a):
        row = []
        for k in cols:
            v = r[k]
            if k == "reasons":
                v = "; ".join(v)
            row.append("" if v is None else report.csv_safe(v) if isinstance(v, str)
                       else repr(v) if isinstance(v, float) else v)
        w.writerow(row)
    return "".join(line[:-2] + "\n" if line.endswith("\r\n") else line
                   for line in buf.getvalue().splitlines(keepends=True))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(p=portfolios(), lang=st.sampled_from(["en", "es"]), chunk=st.sampled_from([1, 7, 20_000]))
def test_streamed_json_and_csv_equal_the_record_by_record_text(p, lang, chunk):
    a = analyze(p, lang=lang)
    saved, report.CHUNK = report.CHUNK, chunk       # blocks of clients of every size
    try:
        want = json.dumps(report.to_dict(a), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
        assert report.to_json(a) == want
        assert report.to_csv(a) == reference_csv(a)
    finally:
        report.CHUNK = saved


def test_score_writes_the_same_to_a_file_and_to_standard_output(tmp_path):
    from xlprof.demo import demo_portfolio
    from xlprof.workbook.inputs import write_input_workbook

    src = tmp_path / "in.xlsx"
    write_input_workbook(demo_portfolio(40), src)
    for fmt in ("json", "csv"):
        out = tmp_path / f"out.{fmt}"
        r = CliRunner().invoke(main, ["score", str(src), "--format", fmt, "-o", str(out)])
        assert r.exit_code == 0, r.output
        printed = CliRunner().invoke(main, ["score", str(src), "--format", fmt])
        assert printed.exit_code == 0
        assert out.read_text(encoding="utf-8") == printed.stdout
    records = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["clients"]
    frame = pd.read_csv(tmp_path / "out.csv", keep_default_na=False)
    assert len(records) == len(frame) == 40
    assert [r["net_profit"] for r in records] == frame["net_profit"].tolist()
