"""Reading speed of the validating reader, against pandas reading the same files in the same run.

A portfolio of N clients x M activities (default 100,000 x 10) is written as an input
workbook and as two CSV folders: plain (``,``-separated, decimal point) and as Spanish
Excel saves it (``;``-separated, ``1.234,56``). For each, the time is split into

* files -> raw sheets (``reader.read_sheets``: the CSV/xlsx file readers), and
* raw sheets -> validated portfolio (``reader.portfolio_from_sheets``: the reading rule,
  parsing and validation, the part ``bench_parse`` is about),

and compared with ``pandas.read_csv`` reading the same CSV files (C parser, its own type
inference and no validation: a floor, not a competitor) and with
``python_calamine`` loading the same workbook.

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
    import python_calamine as pc

    from xlprof.io.reader import portfolio_from_sheets, read_sheets
    from xlprof.workbook.inputs import write_input_workbook

    p = big_portfolio(args.clients, args.activities)
    rows = []
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        book = d / "input.xlsx"
        write_input_workbook(p, book)
        sheets = read_sheets(book)
        write_csv(sheets, d / "plain", spanish=False)
        write_csv(sheets, d / "es", spanish=True)
        n = len(p.clients)

        t_file, sh = timeit(lambda: read_sheets(book), args.repeat)
        t_parse, port = timeit(lambda: portfolio_from_sheets(sh, str(book), []), args.repeat)
        assert len(port.clients) == n
        t_base, _ = timeit(lambda: [wb.get_sheet_by_name(s).to_python() for wb in
                                    [pc.CalamineWorkbook.from_path(str(book))] for s in wb.sheet_names],
                           args.repeat)
        rows.append(("xlsx", t_file, t_parse, t_base, "python_calamine loads the sheets"))
        for label, folder, sep, dec, th in (("CSV plain", d / "plain", ",", ".", None),
                                            ("CSV Spanish", d / "es", ";", ",", ".")):
            t_file, sh = timeit(lambda: read_sheets(folder), args.repeat)
            t_parse, port = timeit(lambda: portfolio_from_sheets(sh, str(folder), []), args.repeat)
            assert len(port.clients) == n
            right = abs(port.clients["revenue"].sum() - p.clients["revenue"].sum()) < 1e-6 * p.clients["revenue"].sum()
            t_base, _ = timeit(lambda: [pd.read_csv(f, sep=sep, decimal=dec, thousands=th)
                                        for f in sorted(folder.glob("*.csv"))], args.repeat)
            rows.append((label, t_file, t_parse, t_base, "pandas.read_csv, same files"
                         + ("" if right else "  ** xlprof read WRONG revenue **")))

    print(f"{args.clients:,} clients x {args.activities} activities, median of {args.repeat}")
    print(f"{'input':<12} {'files':>7} {'parse':>7} {'total':>7} {'baseline':>9} {'ratio':>6}  baseline")
    for label, tf, tp, tb, what in rows:
        print(f"{label:<12} {tf:7.2f} {tp:7.2f} {tf + tp:7.2f} {tb:9.2f} {(tf + tp) / tb:5.1f}x  {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
