"""Benchmark: ``xlprof ingest`` of N sales lines plus N/10 events into the input workbook,
against a hand-written DuckDB GROUP BY over the same files in the same run.

    python benchmarks/bench_ingest.py [--lines 10000000] [--clients 5000] [--repeat 3] [--typed-floor]

The baseline reads the same CSV files with DuckDB's own type sniffing and computes the same
per-client sums and driver counts (no reading rule, no provenance, no workbook): the floor
a hand-written query gets. Both run in this process, alternately; wall-clock and CPU
seconds (all threads) are reported, with the load average (others' work on the machine
inflates wall-clock times, less so CPU times). Run when the machine is quiet; figures go
to README and docs/benchmarks.md.

``--typed-floor`` adds a third contestant: xlprof's sales aggregates (per-client figures and
the provenance GROUPING SETS, trimmed ids, the credit flag, one CTE fanned out to both) over
DuckDB's own typed reading instead of the reading rule -- what ingest would cost if DuckDB's
typed CSV reader could be trusted to read as the rule does. It cannot (see
benchmarks/probe_typed_csv.py): the figure bounds that idea, it is not a way to run ingest.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

import duckdb


def _connect():
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    return con


def make_files(folder: Path, lines: int, clients: int) -> None:
    con = _connect()
    con.execute(f"""COPY (SELECT 'F' || (i // 4) AS invoice,
        strftime(DATE '2025-01-01' + CAST(hash(i) % 365 AS INT), '%d/%m/%Y') AS date,
        'C' || lpad(CAST(hash(i // 4) % {clients} AS VARCHAR), 5, '0') AS customer,
        replace(printf('%.2f', 10 + (hash(i * 7) % 100000) / 100.0), '.', ',') AS net,
        replace(printf('%.2f', 5 + (hash(i * 13) % 50000) / 100.0), '.', ',') AS cost,
        CASE WHEN i % 50 = 0 THEN 'CN' ELSE 'INV' END AS doc_type
        FROM range({lines}) t(i)) TO '{folder / "sales.csv"}' (HEADER, DELIMITER ';')""")
    con.execute(f"""COPY (SELECT 'C' || lpad(CAST(hash(i) % {clients} AS VARCHAR), 5, '0') AS customer,
        strftime(DATE '2025-01-01' + CAST(hash(i * 3) % 365 AS INT), '%Y-%m-%d') AS date,
        CASE WHEN i % 10 = 0 THEN 'RETURN' ELSE 'DELIVERY' END AS event
        FROM range({lines // 10}) t(i)) TO '{folder / "events.csv"}' (HEADER, DELIMITER ',')""")


def sources_book(folder: Path) -> Path:
    from xlprof.ingest.template import write_sources_book

    book = folder / "sources.xlsx"
    write_sources_book(book, sources=[
        dict(source="sales", path="sales.csv", kind="sales_lines", client_column="customer", date_column="date",
             document_column="invoice", net_amount_column="net", cost_column="cost", credit_when="doc_type = 'CN'"),
        dict(source="ops", path="events.csv", kind="events", client_column="customer", date_column="date")],
        drivers=[dict(activity="Orders", source="sales", measure="documents", behavior="variable", rate=5),
                 dict(activity="Deliveries", source="ops", measure="rows", filter="event = 'DELIVERY'",
                      behavior="variable", rate=20),
                 dict(activity="Returns", source="ops", measure="rows", filter="event = 'RETURN'",
                      behavior="variable", rate=30)],
        settings=[("period_start", dt.date(2025, 1, 1)), ("period_end", dt.date(2025, 12, 31))])
    return book


def baseline(folder: Path) -> None:
    con = _connect()
    con.execute(f"""SELECT customer, sum(CASE WHEN doc_type = 'CN' THEN -abs(net) ELSE net END),
        sum(CASE WHEN doc_type = 'CN' THEN -abs(cost) ELSE cost END), count(DISTINCT invoice)
        FROM read_csv('{folder / "sales.csv"}', delim=';', decimal_separator=',', dateformat='%d/%m/%Y')
        WHERE date BETWEEN DATE '2025-01-01' AND DATE '2025-12-31' GROUP BY customer""").fetchall()
    con.execute(f"""SELECT customer, count(*) FILTER (WHERE event = 'DELIVERY'),
        count(*) FILTER (WHERE event = 'RETURN') FROM read_csv('{folder / "events.csv"}')
        WHERE date BETWEEN DATE '2025-01-01' AND DATE '2025-12-31' GROUP BY customer""").fetchall()


def typed_floor(folder: Path) -> None:
    con = _connect()
    columns = ("{'invoice': 'VARCHAR', 'date': 'DATE', 'customer': 'VARCHAR', 'net': 'DECIMAL(38,10)', "
               "'cost': 'DECIMAL(38,10)', 'doc_type': 'VARCHAR'}")
    src = (f"read_csv('{folder / 'sales.csv'}', delim=';', quote='\"', escape='\"', header=true, auto_detect=false, "
           f"columns={columns}, decimal_separator=',', dateformat='%d/%m/%Y')")
    credit = "coalesce(lower(nullif(trim(doc_type), '')) = 'cn', false)"
    con.execute(f"""WITH rows AS (SELECT *, CASE WHEN _bad IS NOT NULL THEN 'unparseable'
            WHEN client IS NULL THEN 'unknown_client'
            WHEN date < DATE '2025-01-01' OR date > DATE '2025-12-31' THEN 'outside_period' END AS _reason
          FROM (SELECT 0 AS _f, {credit} AS _credit, nullif(trim(customer), '') AS client,
                nullif(trim(invoice), '') AS document, date,
                CASE WHEN {credit} THEN -abs(net) ELSE net END AS net, CASE WHEN {credit} THEN -abs(cost) ELSE cost END AS cost,
                CASE WHEN date IS NULL THEN 'date' WHEN net IS NULL THEN 'net' WHEN cost IS NULL THEN 'cost' END AS _bad
                FROM {src}))
        SELECT 'client' AS _part, client AS _key, count(*) AS rows, sum(net) FILTER (WHERE NOT (_credit OR net < 0)) AS revenue,
            sum(-net) FILTER (WHERE _credit OR net < 0) AS discounts, sum(cost) AS cogs, count(DISTINCT document) AS docs
            FROM rows WHERE _reason IS NULL GROUP BY client
        UNION ALL BY NAME
        SELECT CASE WHEN grouping(_reason) = 1 THEN 'read' ELSE 'prov' END AS _part, _f, coalesce(_reason, 'used') AS _key,
            count(*) AS rows, sum(net) AS net, sum(cost) AS cost FROM rows GROUP BY GROUPING SETS ((_f, _reason), (_f))""").fetchall()


def xlprof_ingest(book: Path, out: Path) -> None:
    from xlprof.ingest import run_ingest

    run_ingest(book, out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=10_000_000)
    ap.add_argument("--clients", type=int, default=5_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--typed-floor", action="store_true", help="also time xlprof's sales aggregates over DuckDB's typed reading")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        make_files(folder, args.lines, args.clients)
        print(f"files: {args.lines:,} sales lines + {args.lines // 10:,} events "
              f"({sum(f.stat().st_size for f in folder.glob('*.csv')) / 2**20:,.0f} MiB) in {time.perf_counter() - t:.1f} s")
        book = sources_book(folder)
        times = {"xlprof ingest": [], "hand-written GROUP BY": []}
        if args.typed_floor:
            times["typed floor (sales only, not exact)"] = []
        cpus = {k: [] for k in times}
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
        for _ in range(args.repeat):
            runs = [("hand-written GROUP BY", lambda: baseline(folder)),
                    ("xlprof ingest", lambda: xlprof_ingest(book, folder / "input.xlsx"))]
            if args.typed_floor:
                runs.append(("typed floor (sales only, not exact)", lambda: typed_floor(folder)))
            for name, fn in runs:
                c, t = _cpu(), time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - t)
                cpus[name].append(_cpu() - c)
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        med = {k: statistics.median(v) for k, v in times.items()}
        cpu = {k: statistics.median(v) for k, v in cpus.items()}
        for k, v in med.items():
            print(f"{k}: median {v:.2f} s wall ({', '.join(f'{x:.2f}' for x in times[k])}), {cpu[k]:.2f} s CPU")
        print(f"ratio: {med['xlprof ingest'] / med['hand-written GROUP BY']:.2f}x wall, "
              f"{cpu['xlprof ingest'] / cpu['hand-written GROUP BY']:.2f}x CPU")
        floor = "typed floor (sales only, not exact)"
        if floor in med:
            print(f"typed floor / GROUP BY: {med[floor] / med['hand-written GROUP BY']:.2f}x wall, "
                  f"{cpu[floor] / cpu['hand-written GROUP BY']:.2f}x CPU")


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


if __name__ == "__main__":
    main()
