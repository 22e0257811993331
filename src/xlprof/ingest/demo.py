"""The demo raw exports and their sources workbook (seeded; same seed, same bytes).

A small distributor's year: invoice lines with list prices, discounts and costs (a ``;``
CSV with decimal commas, as a Spanish ERP writes it), credit notes, receivables with partial
payments and open items, write-offs, logistics events (deliveries, returns, rush orders) and
support tickets with hours. ``workbooks/demo-sources-LANG.xlsx`` names them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from ..demo import MANAGERS, NAMES_A, NAMES_B, NAMES_C, REGIONS
from .template import write_sources_book

YEAR = 2025
FOLDER = "demo-sources"


def _day(rng, lo=0, hi=365) -> dt.date:
    return dt.date(YEAR, 1, 1) + dt.timedelta(days=int(rng.integers(lo, hi)))


def _es(x: float) -> str:
    return f"{x:,.2f}".replace(",", "\0").replace(".", ",").replace("\0", ".")


def write_demo_raw(folder: Path, n_clients: int = 40, seed: int = 11) -> list[Path]:
    """Write the raw CSV files into ``folder``; returns their paths."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    ids = [f"K{i:03d}" for i in range(1, n_clients + 1)]
    size = np.exp(rng.normal(0, 0.8, n_clients))
    fussy = np.where(rng.random(n_clients) < 0.2, rng.uniform(3, 6, n_clients), rng.uniform(0.5, 1.2, n_clients))
    sales = ["invoice;line;date;customer;list;net;cost;qty;doc_type"]
    ar = ["customer,invoice,invoice_date,due_date,amount,cleared_on"]
    wo = ["customer,date,amount,reason"]
    ev = ["customer,date,event,reference"]
    tk = ["account\topened\thours\tpriority"]
    inv_no = 0
    for i, cid in enumerate(ids):
        terms = int(rng.choice([30, 45, 60, 90]))
        late = int(rng.gamma(2.0, 15.0)) if rng.random() < 0.3 else int(rng.integers(0, 10))
        for _ in range(int(6 + 30 * size[i])):
            inv_no += 1
            inv = f"F{YEAR}-{inv_no:05d}"
            day = _day(rng, -20, 365)
            total = 0.0
            for line in range(1, int(rng.integers(1, 6)) + 1):
                qty = int(rng.integers(1, 20))
                price = float(np.round(rng.uniform(5, 80), 2))
                lst = round(qty * price, 2)
                net = round(lst * (1 - float(rng.choice([0, 0.02, 0.05, 0.1]))), 2)
                cost = round(net * float(rng.uniform(0.55, 0.85)), 2)
                total += net
                sales.append(f"{inv};{line};{day:%d/%m/%Y};{cid};{_es(lst)};{_es(net)};{_es(cost)};{qty};INV")
            ev.append(f"{cid},{day + dt.timedelta(days=2):%Y-%m-%d},DELIVERY,{inv}")
            if rng.random() < 0.05 * fussy[i]:
                ev.append(f"{cid},{day + dt.timedelta(days=1):%Y-%m-%d},RUSH,{inv}")
            due = day + dt.timedelta(days=terms)
            paid = due + dt.timedelta(days=late + int(rng.integers(-5, 6)))
            total = round(total, 2)
            if rng.random() < 0.1:       # a partial payment: two parts
                part = round(total * 0.6, 2)
                ar.append(f"{cid},{inv},{day:%Y-%m-%d},{due:%Y-%m-%d},{part:.2f},{paid:%Y-%m-%d}")
                rest = "" if rng.random() < 0.5 else f"{paid + dt.timedelta(days=45):%Y-%m-%d}"
                ar.append(f"{cid},{inv},{day:%Y-%m-%d},{due:%Y-%m-%d},{total - part:.2f},{rest}")
            else:
                ar.append(f"{cid},{inv},{day:%Y-%m-%d},{due:%Y-%m-%d},{total:.2f},{paid:%Y-%m-%d}")
            if rng.random() < 0.04 * fussy[i]:      # a return: credit note for part of a line
                inv_no += 1
                cn = f"A{YEAR}-{inv_no:05d}"
                amt = round(float(rng.uniform(10, 200)), 2)
                sales.append(f"{cn};1;{day + dt.timedelta(days=9):%d/%m/%Y};{cid};{_es(amt)};{_es(amt)};"
                             f"{_es(round(amt * 0.7, 2))};1;CN")
                ev.append(f"{cid},{day + dt.timedelta(days=8):%Y-%m-%d},RETURN,{cn}")
        for _ in range(int(rng.poisson(4 * fussy[i] * size[i] ** 0.5))):
            tk.append(f"{cid.lower() if rng.random() < 0.1 else cid}\t{_day(rng):%Y-%m-%d}\t"
                      f"{float(np.round(rng.gamma(2, 0.8), 1))}\t{rng.choice(['low', 'high'])}")
        if rng.random() < 0.1:
            wo.append(f"{cid},{_day(rng, 200):%Y-%m-%d},{float(np.round(rng.uniform(100, 2500), 2)):.2f},insolvency")
    tk.append(f"\t{YEAR}-06-01\t1.5\tlow")             # a ticket nobody assigned: left out, shown
    files = {"sales.csv": sales, "receivables.csv": ar, "write_offs.csv": wo, "events.csv": ev, "tickets.tsv": tk}
    out = []
    for name, lines in files.items():
        p = folder / name
        p.write_text("\n".join(lines) + "\n", encoding="utf-8")
        out.append(p)
    return out


def demo_master(n_clients: int = 40, seed: int = 11) -> list[dict]:
    rng = np.random.default_rng(seed + 1)
    out = []
    for i in range(1, n_clients + 1):
        if i % 10 == 0:
            continue                    # a few clients are missing from the master
        out.append(dict(client_id=f"K{i:03d}",
                        client_name=f"{NAMES_A[rng.integers(len(NAMES_A))]} {NAMES_B[rng.integers(len(NAMES_B))]} "
                                    f"{NAMES_C[rng.integers(len(NAMES_C))]}",
                        account_manager=MANAGERS[rng.integers(len(MANAGERS))], region=REGIONS[rng.integers(len(REGIONS))],
                        notice_days=float(rng.choice([30, 60, 90])),
                        values_alignment=float(rng.integers(1, 6)), communication=float(rng.integers(1, 6))))
    return out


def write_demo_sources(book: Path, *, lang: str = "en", folder: str = FOLDER) -> None:
    """The demo sources workbook; its raw files are expected in ``book.parent / folder``."""
    f = folder
    sources = [
        dict(source="sales", path=f"{f}/sales.csv", kind="sales_lines", client_column="customer",
             date_column="date", document_column="invoice", net_amount_column="net", list_amount_column="list",
             cost_column="cost", quantity_column="qty", credit_when="doc_type = 'CN'"),
        dict(source="ar", path=f"{f}/receivables.csv", kind="receivables", client_column="customer",
             date_column="invoice_date", document_column="invoice", net_amount_column="amount",
             due_date_column="due_date", payment_date_column="cleared_on"),
        dict(source="write_offs", path=f"{f}/write_offs.csv", kind="write_offs", client_column="customer",
             date_column="date", net_amount_column="amount"),
        dict(source="logistics", path=f"{f}/events.csv", kind="events", client_column="customer",
             date_column="date", document_column="reference"),
        dict(source="support", path=f"{f}/tickets.tsv", kind="events", client_column="account",
             date_column="opened", quantity_column="hours"),
    ]
    drivers = [
        dict(activity="Order entry", source="sales", measure="documents", filter="doc_type = 'INV'",
             driver="orders", behavior="variable", resource="Customer service", minutes_per_unit=8),
        dict(activity="Picking lines", source="sales", measure="rows", filter="doc_type = 'INV'",
             driver="order lines", behavior="variable", resource="Warehouse", minutes_per_unit=2.5),
        dict(activity="Deliveries", source="logistics", measure="rows", filter="event = 'DELIVERY'",
             driver="deliveries", behavior="variable", cost_pool=60000),
        dict(activity="Rush orders", source="logistics", measure="rows", filter="event = 'RUSH'",
             driver="rush orders", behavior="variable", resource="Warehouse", minutes_per_unit=45),
        dict(activity="Returns handling", source="logistics", measure="rows", filter="event = 'RETURN'",
             driver="returns", behavior="variable", resource="Customer service", minutes_per_unit=35),
        dict(activity="Technical support", source="support", measure="sum", measure_column="hours",
             driver="support hours", behavior="committed_fixed", resource="Field engineering", minutes_per_unit=60),
    ]
    resources = [dict(resource="Customer service", cost=95000, capacity_hours=1400),
                 dict(resource="Warehouse", cost=120000, capacity_hours=2600),
                 dict(resource="Field engineering", cost=70000, capacity_hours=700)]
    settings = [("period_start", dt.date(YEAR, 1, 1)), ("period_end", dt.date(YEAR, 12, 31)),
                ("decision_date", dt.date(YEAR + 1, 2, 1)), ("currency", "EUR"), ("language", lang)]
    write_sources_book(book, sources=sources, drivers=drivers, clients=demo_master(), resources=resources,
                       settings=settings, lang=lang)
