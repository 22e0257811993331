"""Validating 100,000 clients: the reading rule (column by column) against the reader it
replaced (cell by cell, frozen in _baseline_parse.py), on the same raw sheets, in the same run.

A portfolio of N clients x M activities (default 100,000 x 10) is written as an input
workbook and as two CSV folders: plain (``,``-separated, decimal point) and as Spanish Excel
saves it (``;``-separated, ``1.234,56``, ``31/12/2026``; its Settings say
``decimal_separator ,`` and ``date_order dmy``, as a Spanish user would once). For each:

* parse: raw sheets -> validated portfolio (``reader.portfolio_from_sheets``), xlprof against
  the old reader, alternating, medians, ratio; and whether each read the revenue right;
* files: files -> raw sheets (``reader.read_sheets``), against ``pandas.read_csv`` reading the
  same CSV files (C parser, its own type inference, no validation: a floor, not a peer).

Run: python benchmarks/bench_parse.py [--clients 100000] [--activities 10] [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_workbook import big_portfolio  # noqa: E402


def timeit(fn, repeat):
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def _text(v, spanish: bool) -> str:
    import datetime as dt

    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        v = v.date()
    if isinstance(v, dt.date):
        return v.strftime("%d/%m/%Y") if spanish else v.isoformat()
    if isinstance(v, bool):
        return "VERDADERO" if v and spanish else str(v).upper()
    if isinstance(v, float):
        if not spanish:
            return str(int(v)) if v.is_integer() else repr(v)
        s = f"{v:,.2f}" if not v.is_integer() else f"{int(v):,}"
        return s.replace(",", "_").replace(".", ",").replace("_", ".")
    return str(v)


def write_csv(sheets, folder: Path, spanish: bool) -> None:
    folder.mkdir()
    for name, raw in sheets.items():
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, delimiter=";" if spanish else ",")
            for row in raw.rows:
                w.writerow([_text(v, spanish) for v in row])
            if spanish and name == "Settings":     # what a Spanish user states once
                w.writerows([["decimal_separator", ","], ["date_order", "dmy"]])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=100_000)
    ap.add_argument("--activities", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)

    import pandas as pd

    import _baseline_parse as old
    from xlprof.io.reader import portfolio_from_sheets, read_sheets
    from xlprof.workbook.inputs import write_input_workbook

    p = big_portfolio(args.clients, args.activities)
    truth = p.clients["revenue"].sum()

    def right(port) -> str:
        return "yes" if abs(port.clients["revenue"].sum() - truth) < 1e-9 * truth else "NO"

    rows = []
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        book = d / "input.xlsx"
        write_input_workbook(p, book)
        sheets = read_sheets(book)
        write_csv(sheets, d / "plain", spanish=False)
        write_csv(sheets, d / "es", spanish=True)
        for label, path, sep, dec, th in (("xlsx", book, None, None, None),
                                          ("CSV plain", d / "plain", ",", ".", None),
                                          ("CSV Spanish", d / "es", ";", ",", ".")):
            t_file, sh = timeit(lambda: read_sheets(path), 1)
            new_t, old_t = [], []
            for _ in range(args.repeat):        # alternating, so load on the machine hits both
                t, port = timeit(lambda: portfolio_from_sheets(sh, str(path), []), 1)
                new_t.append(t)
                t, port_old = timeit(lambda: old.portfolio_from_sheets(sh, str(path), []), 1)
                old_t.append(t)
            floor = None
            if sep:
                floor, _ = timeit(lambda: [pd.read_csv(f, sep=sep, decimal=dec, thousands=th)
                                           for f in sorted(path.glob("*.csv"))], 1)
            rows.append((label, statistics.median(new_t), statistics.median(old_t), right(port),
                         right(port_old), t_file, floor))

    print(f"{args.clients:,} clients x {args.activities} activities; parse: median of {args.repeat}")
    print(f"{'input':<12} {'parse':>7} {'old':>7} {'old/new':>8} {'right':>6} {'old right':>9}"
          f" {'files':>7} {'pandas':>7}")
    for label, tn, to, rn, ro, tf, fl in rows:
        files = f"{tf:7.2f} {fl:7.2f}" if fl is not None else f"{'(bench_read.py)':>15}"
        print(f"{label:<12} {tn:7.2f} {to:7.2f} {to / tn:7.1f}x {rn:>6} {ro:>9} {files}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
