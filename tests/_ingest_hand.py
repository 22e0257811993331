"""The hand-worked ingest example (tests/test_ingest.py checks every number).

Period 2025-01-01 .. 2025-12-31. Clients master: C1 Alpha, C2 Beta (C3 is not in it).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from xlprof.ingest.template import write_sources_book

SALES = """doc;date;client;list;net;cost;type
F1;15/01/2025;C1;1.000,00;900,00;600,00;INV
F2;20/03/2025;C1;500,00;500,00;300,00;INV
F3;10/02/2025;C2;2.000,00;1.800,00;1.500,00;INV
CN1;25/03/2025;C1;200,00;200,00;120,00;CN
F4;05/05/2025;C3;300,00;300,00;100,00;INV
F0;20/12/2024;C1;999,00;999,00;1,00;INV
"""
RECEIVABLES = """client,invoice,invoice_date,due_date,amount,paid_date
C1,F1,2025-01-15,2025-02-14,900.00,2025-02-24
C1,F2,2025-03-20,2025-04-19,500.00,2025-05-19
C2,F3,2025-02-10,2025-04-11,1000.00,2025-04-11
C2,F3,2025-02-10,2025-04-11,800.00,
C3,F4,2025-05-05,2025-06-04,300.00,2026-01-30
"""
WRITE_OFFS = """client,date,amount
C2,2025-11-30,150.00
C1,2025-06-30,n/a
"""
EVENTS = """client,date,type,order
C1,2025-01-15,DELIVERY,F1
C1,2025-03-20,DELIVERY,F2
C1,2025-03-25,RETURN,CN1
C2,2025-02-10,DELIVERY,F3
C2,2025-02-11,delivery,F3
C2,2025-06-01,CALL,
,2025-06-02,CALL,
C3,2026-02-01,DELIVERY,F9
"""


def write_hand_example(folder: Path, *, lang: str = "en", period: bool = True) -> Path:
    raw = folder / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    (raw / "sales.csv").write_text(SALES, encoding="utf-8")
    (raw / "receivables.csv").write_text(RECEIVABLES, encoding="utf-8")
    (raw / "write_offs.csv").write_text(WRITE_OFFS, encoding="utf-8")
    (raw / "events.csv").write_text(EVENTS, encoding="utf-8")
    sources = [
        dict(source="sales", path="raw/sales.csv", kind="sales_lines", client_column="client",
             date_column="date", document_column="doc", net_amount_column="net",
             list_amount_column="list", cost_column="cost", credit_when="type = 'CN'"),
        dict(source="ar", path="raw/receivables.csv", kind="receivables", client_column="client",
             date_column="invoice_date", document_column="invoice", net_amount_column="amount",
             due_date_column="due_date", payment_date_column="paid_date"),
        dict(source="wo", path="raw/write_offs.csv", kind="write_offs", client_column="client",
             date_column="date", net_amount_column="amount"),
        dict(source="ops", path="raw/events.csv", kind="events", client_column="client",
             date_column="date", document_column="order"),
    ]
    drivers = [
        dict(activity="Deliveries", source="ops", measure="rows", filter="type = 'DELIVERY'",
             behavior="variable", cost_pool=400),
        dict(activity="Returns", source="ops", measure="rows", filter="type = 'RETURN'",
             behavior="variable", rate=25),
        dict(activity="Orders", source="sales", measure="documents", filter="type = 'INV'",
             behavior="variable", resource="Customer service", minutes_per_unit=10),
    ]
    clients = [dict(client_id="C1", client_name="Alpha", account_manager="Ana"),
               dict(client_id="C2", client_name="Beta", account_manager="Luis")]
    resources = [dict(resource="Customer service", cost=6000, capacity_hours=100)]
    settings = [("period_start", dt.date(2025, 1, 1)), ("period_end", dt.date(2025, 12, 31))] if period else []
    settings.append(("decision_date", dt.date(2026, 1, 15)))
    book = folder / "sources.xlsx"
    write_sources_book(book, sources=sources, drivers=drivers, clients=clients, resources=resources,
                       settings=settings, lang=lang)
    return book
