"""Reading an input workbook: the reader before issue 9 (frozen in _baseline_read.py and
_baseline_parse.py) against xlprof's, on the same file, in the same run, alternating, medians.

1. The whole read: the old package scans + python-calamine + the old cell-by-cell validation,
   against ``read_portfolio`` (package checks, the worksheet pass, calamine, validation by
   column). Reports the ratio.
2. The sheets alone: the old reader's sheets against ``read_sheets`` with every sheet loaded.
3. Where the sheet time goes, same run: python-calamine alone (the values); expat with no
   handler over the worksheet parts (the floor of any parser-based pass); the exact pass (a
   Python handler per element, ``xlsx_sheet.scan_exact``); xlprof's pass (``xlsx_scan``:
   the same findings, C-speed where provably the same) and its census alone.

Wall-clock seconds swing with the machine's load (other test suites share the 2 cores), so
CPU seconds of this process are printed too, and the load average before and after.

The file: xlprof's own demo input workbook for N clients (default 100,000), written once
into a cache folder (``--book`` reads another file).

Run: python benchmarks/bench_read.py [--clients 100000] [--repeat 3] [--book FILE]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import _baseline_parse as old_parse  # noqa: E402
from _baseline_read import read_xlsx_baseline  # noqa: E402

from xlprof.io.cells import RawSheet  # noqa: E402
from xlprof.io.reader import read_portfolio, read_sheets  # noqa: E402


def demo_book(clients: int) -> Path:
    from xlprof.demo import demo_portfolio
    from xlprof.workbook.inputs import write_input_workbook

    path = Path(tempfile.gettempdir()) / f"xlprof-bench-read-{clients}.xlsx"
    if not path.exists():
        t = time.perf_counter()
        write_input_workbook(demo_portfolio(clients), path, lang="en")
        print(f"wrote {path} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return path


def timed(fn, *args) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process)."""
    w, c = time.perf_counter(), time.process_time()
    fn(*args)
    return time.perf_counter() - w, time.process_time() - c


def old_sheets(book: Path) -> dict[str, RawSheet]:
    return {n: RawSheet(str(book), n, rows, errors, merged)
            for n, (rows, errors, merged) in read_xlsx_baseline(book).items()}


def old_whole(book: Path):
    return old_parse.portfolio_from_sheets(old_sheets(book), str(book), [])


def new_sheets(book: Path) -> dict[str, RawSheet]:
    sheets = read_sheets(book)
    for s in sheets.values():
        s.rows                          # noqa: B018 - sheets load on first use
    return sheets


def _sheet_parts(book: Path) -> list[tuple[str, bytes]]:
    import zipfile

    from xlprof.io.xlsx import read_structure

    parts = {s.name: s.part for s in read_structure(book).info.sheets}
    with zipfile.ZipFile(book) as z:
        return [(name, z.read(part)) for name, part in parts.items()]


def _calamine_only(book: Path) -> None:
    import python_calamine as pc

    wb = pc.CalamineWorkbook.from_path(str(book))
    for name in wb.sheet_names:
        wb.get_sheet_by_name(name).to_python(skip_empty_area=False)


def _expat_only(parts) -> None:
    import pyexpat

    for _, data in parts:
        pyexpat.ParserCreate(namespace_separator="|").Parse(data, True)


def _pass(scan, styles):
    def run(parts):
        for name, data in parts:
            scan(data, "bench", name, name, styles)
    return run


def _census_only(parts) -> None:
    from xlprof.io import xlsx_scan

    for _, data in parts:
        r0, r1 = xlsx_scan._region(data, b"")
        xlsx_scan._census(data, r0, r1, b"")


def _pair(label: str, old, new, book: Path, repeat: int) -> None:
    o, n = [], []
    for _ in range(repeat):                 # alternating, so the load hits both
        o.append(timed(old, book))
        n.append(timed(new, book))
    ow, oc = statistics.median(t[0] for t in o), statistics.median(t[1] for t in o)
    nw, nc = statistics.median(t[0] for t in n), statistics.median(t[1] for t in n)
    print(f"  {label}: before issue 9 {ow:.2f} s (CPU {oc:.2f}), xlprof {nw:.2f} s (CPU {nc:.2f}): "
          f"ratio {nw / ow:.2f}x wall, {nc / oc:.2f}x CPU")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--book", type=Path, default=None)
    args = ap.parse_args(argv)
    book = args.book or demo_book(args.clients)
    from xlprof.io.xlsx import read_structure
    from xlprof.io.xlsx_scan import scan_sheet
    from xlprof.io.xlsx_sheet import scan_exact

    print(f"{book.name} ({book.stat().st_size / 2**20:.1f} MiB); load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores; medians of {args.repeat}")
    _pair("whole read (read_portfolio)", old_whole, read_portfolio, book, args.repeat)
    _pair("sheets (read_sheets, all loaded)", old_sheets, new_sheets, book, args.repeat)
    parts = _sheet_parts(book)
    styles = set(read_structure(book).styles)
    steps = [("calamine alone", _calamine_only, book), ("expat, no handler", _expat_only, parts),
             ("exact pass", _pass(scan_exact, styles), parts),
             ("xlprof's pass", _pass(scan_sheet, styles), parts), ("  of which census", _census_only, parts)]
    times = {label: timed(fn, arg) for label, fn, arg in steps}
    floor = times["expat, no handler"]
    print("  the worksheet parts, once each (wall / CPU seconds, CPU as a multiple of expat alone):")
    for label, (w, c) in times.items():
        print(f"    {label:<20} {w:6.2f} / {c:5.2f}  {c / floor[1]:4.1f}x")
    print(f"  load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
