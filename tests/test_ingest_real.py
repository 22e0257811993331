"""A real public transaction log: CDNOW (Fader & Hardie), 69,659 purchases of 23,570 customers,
January 1997 to June 1998, as shipped inside the ``lifetimes`` package on PyPI.

The raw file (fixed-width text) is re-exported as the CSV an ERP would write (``;``,
decimal commas, day-first dates, customer ids with leading zeros) and ingested; the result
is checked against an independent pandas computation over the original file.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from xlprof.ingest import ingest_portfolio
from xlprof.ingest.template import write_sources_book


def _cdnow() -> Path:
    spec = importlib.util.find_spec("lifetimes")
    if spec is None:
        pytest.skip("lifetimes (test extra) is not installed")
    return Path(spec.submodule_search_locations[0]) / "datasets" / "CDNOW_master.txt"


@pytest.fixture(scope="module")
def cdnow(tmp_path_factory):
    raw = _cdnow()
    folder = tmp_path_factory.mktemp("cdnow")
    lines = ["customer;date;order;cds;amount"]
    for ln in raw.read_text().splitlines()[1:]:
        cust, day, cds, amount = ln.split()
        d = dt.datetime.strptime(day, "%Y%m%d").date()
        lines.append(f"{cust};{d:%d/%m/%Y};{cust}-{day};{cds};{amount.replace('.', ',')}")
    (folder / "cdnow.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    sources = [dict(source="cdnow", path="cdnow.csv", kind="sales_lines", client_column="customer",
                    date_column="date", document_column="order", net_amount_column="amount",
                    quantity_column="cds")]
    drivers = [
        dict(activity="Purchase lines", source="cdnow", measure="rows", behavior="variable", rate=1.0),
        dict(activity="Order days", source="cdnow", measure="documents", behavior="variable", rate=2.0),
        dict(activity="CDs shipped", source="cdnow", measure="sum", measure_column="cds", behavior="variable",
             cost_pool=10000),
        dict(activity="Big orders", source="cdnow", measure="rows", filter="cds >= 5", behavior="variable", rate=3.0),
    ]
    settings = [("period_start", dt.date(1997, 1, 1)), ("period_end", dt.date(1997, 12, 31))]
    book = folder / "sources.xlsx"
    write_sources_book(book, sources=sources, drivers=drivers, settings=settings)
    return raw, ingest_portfolio(book)


def _pandas(raw: Path) -> pd.DataFrame:
    df = pd.read_csv(raw, sep=r"\s+", dtype={"customer_id": str, "date": str})
    df["date"] = pd.to_datetime(df["date"], format="%Y%m%d")
    return df


def test_cdnow_against_pandas(cdnow):
    raw, (p, ing, _) = cdnow
    df = _pandas(raw)
    assert len(df) == 69659
    inside = df[(df["date"] >= "1997-01-01") & (df["date"] <= "1997-12-31")]
    expect = inside.groupby("customer_id").agg(revenue=("dollar_value", "sum"), lines=("date", "size"),
                                               days=("date", "nunique"), cds=("number_of_cds", "sum"))
    big = inside[inside["number_of_cds"] >= 5].groupby("customer_id").size()
    c = p.clients.set_index("client_id")
    assert sorted(c.index) == sorted(expect.index)
    assert "00001" in c.index                                  # ids keep their leading zeros
    got, want = c["revenue"].sort_index(), expect["revenue"].sort_index()
    assert list(got.index) == list(want.index)
    assert (got.to_numpy() - want.to_numpy()).__abs__().max() < 1e-6
    assert (c["cogs"] == 0).all() and (c["discounts"] == 0).all()
    m = p.volume_matrix()
    assert m["Purchase lines"].sort_index().astype(int).tolist() == expect["lines"].sort_index().tolist()
    assert m["Order days"].sort_index().astype(int).tolist() == expect["days"].sort_index().tolist()
    assert m["CDs shipped"].sort_index().astype(int).tolist() == expect["cds"].sort_index().tolist()
    assert m["Big orders"].astype(int).to_dict() == {k: int(big.get(k, 0)) for k in m.index}


def test_cdnow_balance(cdnow):
    raw, (p, ing, _) = cdnow
    df = _pandas(raw)
    prov = ing.provenance.set_index("status")
    outside = df[(df["date"] < "1997-01-01") | (df["date"] > "1997-12-31")]
    assert prov.loc["used", "rows"] + prov.loc["outside_period", "rows"] == 69659
    assert prov.loc["outside_period", "rows"] == len(outside)
    # to the cent: the amounts are exact decimals, so read = used + left out exactly
    total = ing.read.iloc[0]["net"]
    assert prov.loc["used", "net"] + prov.loc["outside_period", "net"] == total
    assert float(total) == pytest.approx(df["dollar_value"].sum(), abs=1e-6)
