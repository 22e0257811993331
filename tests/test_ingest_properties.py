"""Property tests: a random sales log split across several files, in random order and random
dialects (delimiter, decimal mark, encoding, BOM, date spelling), gives the same Clients and
Volumes; read = used + left out, to the cent, for every file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlprof.ingest import ingest_portfolio
from xlprof.ingest.template import write_sources_book

DIALECTS = [(",", ".", "utf-8"), (";", ",", "utf-8-sig"), ("\t", ".", "cp1252"), (";", ",", "cp1252")]
line = st.tuples(st.sampled_from(["A1", "b2", "Ñu3", "0004"]),           # client
                 st.integers(0, 400),                                    # day offset from 2024-12-01
                 st.integers(-50_000, 500_000),                          # net in cents
                 st.integers(0, 300_000),                                # cost in cents
                 st.sampled_from(["INV", "CN", "RET"]))


def _fmt(cents: int, dec: str) -> str:
    s = f"{cents / 100:.2f}"
    return s.replace(".", ",") if dec == "," else s


def _write(folder, rows, parts, dialects, date_styles):
    files = []
    for k, chunk in enumerate(parts):
        delim, dec, enc = DIALECTS[dialects[k]]
        out = [delim.join(["client", "date", "net", "cost", "type", "doc"])]
        for i in chunk:
            c, off, net, cost, typ = rows[i]
            d = dt.date(2024, 12, 1) + dt.timedelta(days=off)
            ds = d.isoformat() if date_styles[k] else f"{d:%d/%m/%Y}"
            out.append(delim.join([c, ds, _fmt(net, dec), _fmt(cost, dec), typ, f"D{i % 7}"]))
        p = folder / f"part{k}.csv"
        p.write_bytes(("\n".join(out) + "\n").encode(enc))
        files.append(p)
    sources = [dict(source="s", path="part*.csv", kind="sales_lines", client_column="client", date_column="date",
                    document_column="doc", net_amount_column="net", cost_column="cost")]
    drivers = [dict(activity="Lines", source="s", measure="rows", behavior="variable", rate=1),
               dict(activity="Returns", source="s", measure="rows", filter="type in ('RET', 'CN')",
                    behavior="variable", rate=1),
               dict(activity="Docs", source="s", measure="documents", filter="type = 'INV'", behavior="variable", rate=1)]
    book = folder / "sources.xlsx"
    write_sources_book(book, sources=sources, drivers=drivers,
                       settings=[("period_start", dt.date(2025, 1, 1)), ("period_end", dt.date(2025, 12, 31)),
                                 ("date_order", "dmy")])
    return book


@st.composite
def logs(draw):
    rows = draw(st.lists(line, min_size=1, max_size=40))
    n = draw(st.integers(1, min(4, len(rows))))
    order = draw(st.permutations(range(len(rows))))
    cuts = sorted(draw(st.lists(st.integers(1, max(1, len(rows) - 1)), min_size=n - 1, max_size=n - 1, unique=True)))
    parts = [list(order[a:b]) for a, b in zip([0, *cuts], [*cuts, len(rows)]) if b > a]
    dialects = [draw(st.integers(0, len(DIALECTS) - 1)) for _ in parts]
    styles = [draw(st.booleans()) for _ in parts]
    return rows, parts, dialects, styles


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(logs())
def test_split_and_dialects_do_not_change_the_result(tmp_path_factory, log):
    rows, parts, dialects, styles = log
    # every decimal number has 2 decimals, so each file proves its decimal mark
    one = _write(tmp_path_factory.mktemp("one"), rows, [list(range(len(rows)))], [0], [True])
    many = _write(tmp_path_factory.mktemp("many"), rows, parts, dialects, styles)
    inside = [r for r in rows if dt.date(2025, 1, 1) <= dt.date(2024, 12, 1) + dt.timedelta(days=r[1]) <= dt.date(2025, 12, 31)]
    if not inside:                     # no client in the period: both refuse alike
        from xlprof.errors import InputError

        for book in (one, many):
            with pytest.raises(InputError, match="no data rows"):
                ingest_portfolio(book)
        return
    # credits beyond a client's sales make its net revenue negative, which the model handles
    (p1, ing1, _), (p2, ing2, _) = ingest_portfolio(one), ingest_portfolio(many)
    cols = ["client_id", "revenue", "discounts", "cogs"]
    assert p1.clients[cols].to_dict("records") == p2.clients[cols].to_dict("records")
    assert p1.volume_matrix().equals(p2.volume_matrix())
    # the hand computation, independent of SQL
    # revenue: what was invoiced; a negative line is a credit (returns and allowances): discounts
    want: dict[str, list[Decimal]] = {}
    for r in inside:
        slot = want.setdefault(r[0], [Decimal(0), Decimal(0)])
        slot[r[2] < 0] += abs(Decimal(r[2])) / 100
    got = p2.clients.set_index("client_id")
    assert got["revenue"].to_dict() == {k: float(v[0]) for k, v in want.items()}
    assert got["discounts"].to_dict() == {k: float(v[1]) for k, v in want.items()}
    for ing in (ing1, ing2):
        for rec in ing.read.to_dict("records"):
            block = ing.provenance[ing.provenance["file"] == rec["file"]]
            assert block["rows"].sum() == rec["rows"]
            for a in ("net", "cost"):
                assert sum((x for x in block[a] if x is not None), Decimal(0)) == (rec[a] or Decimal(0))
