"""Workbook generation speed, measured against raw XlsxWriter in the same run.

1. The analysis workbook for N clients x M activities (default 10,000 x 20): xlprof's
   whole write (engine already run) against raw XlsxWriter writing exactly the same
   cells -- values and formulas with their cached values, no formatting, no charts --
   replayed from a recording of xlprof's own writes. Reports the ratio (aim <= 1.5x).
   Also against the floor: a minimal streaming XML writer of the same cells plus deflate
   (``_floor_xlsx.py``); the aim is xlprof <= 3x the floor.
2. Batch: 50 books split from one portfolio with --jobs 2 against --jobs 1.

Run: python benchmarks/bench_workbook.py [--clients 10000] [--activities 20] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from xlprof.model import analyze
from xlprof.model.analysis import make_portfolio
from xlprof.settings import Settings

sys.path.insert(0, str(Path(__file__).parent))
from _floor_xlsx import group, write_floor  # noqa: E402


def big_portfolio(n: int, m: int, seed: int = 1):
    import datetime as dt

    rng = np.random.default_rng(seed)
    ids = [f"K{i:06d}" for i in range(n)]
    revenue = np.round(np.exp(rng.normal(11, 1, n)), 2)
    clients = pd.DataFrame({
        "client_id": ids, "client_name": [f"Client {i}" for i in range(n)],
        "account_manager": [f"Manager {i % 50:02d}" for i in range(n)],
        "revenue": revenue, "discounts": np.round(revenue * 0.03, 2), "cogs": np.round(revenue * 0.7, 2),
        "payment_terms_days": 30.0, "days_to_pay": rng.integers(20, 120, n).astype(float),
        "values_alignment": np.where(rng.random(n) < 0.3, np.nan, rng.integers(1, 6, n)),
        "communication": rng.integers(1, 6, n).astype(float),
        "notice_days": 30.0, "growth_potential": rng.integers(1, 6, n).astype(float),
    })
    behaviors = ["variable", "avoidable_fixed", "committed_fixed"]
    activities = pd.DataFrame({
        "activity": [f"Activity {j:02d}" for j in range(m)],
        "behavior": [behaviors[j % 3] for j in range(m)],
        "resource": [f"R{j % 3}" if j % 2 == 0 else None for j in range(m)],
        "minutes_per_unit": [float(5 + j) if j % 2 == 0 else np.nan for j in range(m)],
        "cost_pool": [np.nan if j % 2 == 0 else 50_000.0 * (j + 1) for j in range(m)],
    })
    resources = pd.DataFrame({"resource": ["R0", "R1", "R2"], "cost": [3e6, 2e6, 1e6],
                              "capacity_hours": [2e5, 1.5e5, 1e5]})
    vol = pd.DataFrame(rng.poisson(20, (n, m)).astype(float), columns=activities["activity"])
    vol.insert(0, "client_id", ids)
    return make_portfolio(clients, activities, vol, resources, Settings(decision_date=dt.date(2026, 12, 1)))


def record_cells(a, p, path):
    """Run xlprof's writer while recording every cell write: [(sheet, method, args)] with
    method one of XlsxWriter's write_* names (xlprof's put_* are recorded as those)."""
    from xlsxwriter.worksheet import Worksheet

    from xlprof.workbook.book import write_analysis_book

    try:
        from xlprof.workbook import stream
    except ImportError:         # xlprof before issue 13 (for before/after figures)
        stream = None

    log: list[tuple[str, str, tuple]] = []
    names = {"write_formula": "write_formula", "write_number": "write_number", "write_string": "write_string",
             "write_blank": "write_blank", "write_datetime": "write_datetime", "write_boolean": "write_boolean"}
    puts = {"put_formula": "write_formula", "put_number": "write_number", "put_string": "write_string"}
    patched = [(Worksheet, k, v) for k, v in names.items()]
    patched += [(stream.Worksheet, k, v) for k, v in puts.items()] if stream else []
    originals = [(cls, k, getattr(cls, k)) for cls, k, _ in patched]

    def wrap(orig, name):
        def f(self, *args):
            log.append((self.name, name, args[:3] + (args[4:5] if name == "write_formula" else ())))
            return orig(self, *args)
        return f

    def blank(self, r, c, fmt=None):
        log.append((self.name, "write_blank", (r, c, None)))
        return self._write_blank(r, c, None, fmt)

    for (cls, k, name), (_, _, orig) in zip(patched, originals):
        setattr(cls, k, wrap(orig, name))
    saved_blank = stream.Worksheet.put_blank if stream else None
    if stream:
        stream.Worksheet.put_blank = blank
    try:
        write_analysis_book(a, p, path)
    finally:
        for cls, k, orig in originals:
            setattr(cls, k, orig)
        if stream:
            stream.Worksheet.put_blank = saved_blank
    return log


def raw_xlsxwriter(log, path, *, fast_prepare: bool = False) -> None:
    """Baseline: plain XlsxWriter writing the same cells, no formats, no charts.

    ``fast_prepare`` gives the baseline the same shortcut xlprof takes (skipping
    XlsxWriter's future-function rewriting), to show the cost of formatting alone."""
    import xlsxwriter

    try:
        from xlprof.workbook.stream import prepare_formula
    except ImportError:         # xlprof before issue 13
        from xlprof.workbook.writer import _fast_prepare as prepare_formula

    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False,
                                         "strings_to_urls": False})
    sheets = {}
    for sheet, method, args in log:
        ws = sheets.get(sheet)
        if ws is None:
            ws = sheets[sheet] = wb.add_worksheet(sheet)
            if fast_prepare:
                ws._prepare_formula = prepare_formula
        if method == "write_formula":
            r, c, f = args[:3]
            ws.write_formula(r, c, f, None, args[3] if len(args) > 3 else 0)
        elif method == "write_blank":
            continue  # a blank without a format writes nothing
        else:
            getattr(ws, method)(args[0], args[1], args[2])
    wb.close()


STEPS = [  # (label, worksheet_class options, zlib level): each step adds one optimisation
    ("XlsxWriter alone (every cell in memory, its serialiser)", dict(serialiser=False, streamed=False,
                                                                   shortcut=False), 6),
    ("+ cells stored without XlsxWriter's decorator and regexes", dict(serialiser=False, streamed=False), 6),
    ("+ xlprof's cell serialiser", dict(streamed=False), 6),
    ("+ per-client sheets streamed to disk", dict(), 6),
    ("+ zlib level 1 (= xlprof)", dict(), 1),
]


def steps(a, p, d: Path, repeat: int) -> list[tuple[str, float, float]]:
    """xlprof's writer with its optimisations added one at a time (stream.worksheet_class)."""
    from xlprof.workbook import stream
    from xlprof.workbook.book import write_analysis_book

    out = []
    saved = stream.Book.worksheet_class, stream.COMPRESSION
    try:
        for label, options, level in STEPS:
            stream.Book.worksheet_class, stream.COMPRESSION = stream.worksheet_class(**options), level
            runs = [timed(lambda: write_analysis_book(a, p, d / "step.xlsx")) for _ in range(repeat)]
            out.append((label, statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)))
    finally:
        stream.Book.worksheet_class, stream.COMPRESSION = saved
    return out


def timed(fn) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of one call."""
    t, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - t, time.process_time() - c


def timeit(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=10_000)
    ap.add_argument("--activities", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--batch-clients", type=int, default=5_000)
    ap.add_argument("--skip-batch", action="store_true")
    ap.add_argument("--steps", action="store_true",
                    help="also time xlprof's writer with its optimisations switched off one by one")
    args = ap.parse_args(argv)
    from xlprof.workbook.book import write_analysis_book

    p = big_portfolio(args.clients, args.activities)
    t = time.perf_counter()
    a = analyze(p)
    t_engine = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        log = record_cells(a, p, d / "rec.xlsx")
        n_f = sum(1 for x in log if x[1] == "write_formula")
        grouped = group(log)
        # xlprof and the floor alternate, so that both see the same load; CPU seconds too
        # (this process's, time.process_time: what a loaded machine does not inflate)
        xs, fs = [], []
        for _ in range(args.repeat):
            xs.append(timed(lambda: write_analysis_book(a, p, d / "x.xlsx")))
            fs.append(timed(lambda: write_floor(grouped, d / "floor.xlsx")))
        t_x, t_floor = statistics.median(x[0] for x in xs), statistics.median(f[0] for f in fs)
        cpu_x, cpu_floor = statistics.median(x[1] for x in xs), statistics.median(f[1] for f in fs)
        t_raw = timeit(lambda: raw_xlsxwriter(log, d / "raw.xlsx"), args.repeat)
        t_raw_fast = timeit(lambda: raw_xlsxwriter(log, d / "raw2.xlsx", fast_prepare=True), args.repeat)
        print(f"analysis workbook {args.clients:,} clients x {args.activities} activities: "
              f"{len(log):,} cells, {n_f:,} formulas")
        print(f"  engine (analyze)        {t_engine:6.2f} s")
        print(f"  xlprof write            {t_x:6.2f} s  (formats, validation, charts, protection)")
        print(f"  raw XlsxWriter, same cells {t_raw:6.2f} s")
        print(f"  ratio xlprof / raw      {t_x / t_raw:6.2f}x")
        print(f"  raw XlsxWriter + the same formula shortcut {t_raw_fast:6.2f} s; "
              f"ratio {t_x / t_raw_fast:.2f}x (the cost of formats, validation, charts)")
        print(f"  minimal streaming XML + deflate, same cells (the floor) {t_floor:6.2f} s; "
              f"xlprof / floor {t_x / t_floor:.2f}x, raw+shortcut / floor {t_raw_fast / t_floor:.2f}x")
        print(f"  CPU: xlprof write {cpu_x:6.2f} s, floor {cpu_floor:6.2f} s; xlprof / floor {cpu_x / cpu_floor:.2f}x; "
              f"each pair's wall ratio: {', '.join(f'{x[0] / f[0]:.2f}x' for x, f in zip(xs, fs))}")
        if args.steps:
            for label, t, cpu in steps(a, p, d, args.repeat):
                print(f"  {label:<58} {t:6.2f} s  {t / t_floor:5.2f}x the floor; CPU {cpu:6.2f} s "
                      f"{cpu / cpu_floor:5.2f}x the floor's CPU")
        if not args.skip_batch:
            from click.testing import CliRunner

            from xlprof.cli import main as cli
            from xlprof.workbook.inputs import write_input_workbook

            src = d / "portfolio.xlsx"
            write_input_workbook(big_portfolio(args.batch_clients, args.activities), src)
            res = {}
            for jobs in (1, 2):
                t = time.perf_counter()
                r = CliRunner().invoke(cli, ["generate", str(src), "-o", str(d / f"b{jobs}"), "--split-by",
                                             "account_manager", "--jobs", str(jobs)])
                res[jobs] = time.perf_counter() - t
                assert r.exit_code == 0, r.output
            books = len(list((d / "b1").glob("*.xlsx")))
            print(f"batch: {books} books from {args.batch_clients:,} clients: --jobs 1 {res[1]:.1f} s, "
                  f"--jobs 2 {res[2]:.1f} s, speed-up {res[1] / res[2]:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
