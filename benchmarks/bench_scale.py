"""Large portfolios: time and peak memory of whole ``xlprof`` runs, each in its own process.

* ``book``: ``xlprof generate FOLDER -o OUT`` on a CSV portfolio of N clients x 20 activities
  (default 50,000 and 100,000): seconds and peak RSS (the goals: 600 MB at 50k, 800 MB at 100k).
* ``score``: ``xlprof score FOLDER --format json|csv -o FILE`` (default 100,000 and 1,000,000
  clients; goal 120 s and 4 GB at a million), against ``pandas.read_csv`` of the same files in
  the same run (C parser, no reading rule, no model: a floor of reading alone).

Peak RSS is the child's own ``ru_maxrss`` (``os.wait4``), so runs do not mask each other.

Run: python benchmarks/bench_scale.py book [--clients 50000 100000]
     python benchmarks/bench_scale.py score [--clients 100000 1000000] [--format json csv]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _scale_inputs import write_csv_portfolio  # noqa: E402


def run(cmd: list[str], **kw) -> tuple[float, float, int]:
    """(seconds, peak RSS in MB, exit code) of ``cmd`` run in its own process; its CPU seconds
    (user + system) in ``LAST_CPU`` (on a loaded machine the wall time overstates)."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    LAST_CPU[0] = usage.ru_utime + usage.ru_stime
    if proc.returncode:
        print(f"    exit {proc.returncode}: {err.strip()[-400:]}")
    return seconds, usage.ru_maxrss / 1024, proc.returncode


LAST_CPU = [0.0]


def xlprof(*args: str) -> list[str]:
    return [sys.executable, "-m", "xlprof", *args]


def read_floor(folder: Path) -> list[str]:
    code = ("import sys, pandas as pd, pathlib; "
            "[pd.read_csv(f) for f in sorted(pathlib.Path(sys.argv[1]).glob('*.csv'))]")
    return [sys.executable, "-c", code, str(folder)]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=["book", "score"])
    ap.add_argument("--clients", type=int, nargs="+")
    ap.add_argument("--activities", type=int, default=20)
    ap.add_argument("--format", nargs="+", default=["json", "csv"], choices=["json", "csv"])
    args = ap.parse_args(argv)
    sizes = args.clients or ([50_000, 100_000] if args.what == "book" else [100_000, 1_000_000])
    print(f"load average before: {os.getloadavg()[0]:.1f} (2 cores)")
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        for n in sizes:
            folder = write_csv_portfolio(d / f"in{n}", n, args.activities)
            mb = sum(f.stat().st_size for f in folder.glob("*.csv")) / 2**20
            print(f"{n:,} clients x {args.activities} activities (CSV {mb:,.0f} MiB)")
            if args.what == "book":
                s, rss, rc = run(xlprof("generate", str(folder), "-o", str(d / f"out{n}")))
                size = sum(f.stat().st_size for f in (d / f"out{n}").glob("*.xlsx")) / 2**20 if not rc else 0
                print(f"  generate: {s:7.1f} s (CPU {LAST_CPU[0]:.1f} s)  peak {rss:7.0f} MB  exit {rc}  "
                      f"book {size:,.0f} MiB")
            else:
                s0, rss0, _ = run(read_floor(folder))
                c0 = LAST_CPU[0]
                print(f"  pandas.read_csv of the files (floor): {s0:6.1f} s (CPU {c0:.1f} s)  peak {rss0:6.0f} MB")
                for fmt in args.format:
                    out = d / f"score{n}.{fmt}"
                    s, rss, rc = run(xlprof("score", str(folder), "--format", fmt, "-o", str(out)))
                    print(f"  score --format {fmt}: {s:7.1f} s (CPU {LAST_CPU[0]:.1f} s)  peak {rss:7.0f} MB  "
                          f"exit {rc}  ({s / s0:.1f}x the read floor, CPU {LAST_CPU[0] / c0:.1f}x)")
                    out.unlink(missing_ok=True)
            for f in folder.glob("*.csv"):
                f.unlink()
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
