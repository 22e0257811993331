"""Reading an input workbook: today's reader (frozen in _baseline_read.py) against xlprof's,
on the same file, in the same run, alternating, medians.

1. ``read_sheets`` (package checks + values + what the XML pass tells) against the
   baseline's checks + python-calamine. Reports the ratio.
2. Where the time goes, same run: python-calamine alone (the values), expat alone with no
   handler over the worksheet parts (the floor of any parser-based pass), xlprof's pass.
3. The whole read (``read_portfolio``: sheets, then validation into typed tables), once,
   for the share the sheet reading takes.

The file: xlprof's own demo input workbook for N clients (default 100,000), written once
into a cache folder (``--book`` reads another file).

Run: python benchmarks/bench_read.py [--clients 100000] [--repeat 3] [--book FILE]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _baseline_read import read_xlsx_baseline  # noqa: E402

from xlprof.io.reader import portfolio_from_sheets, read_sheets  # noqa: E402


def demo_book(clients: int) -> Path:
    from xlprof.demo import demo_portfolio
    from xlprof.workbook.inputs import write_input_workbook

    path = Path(tempfile.gettempdir()) / f"xlprof-bench-read-{clients}.xlsx"
    if not path.exists():
        t = time.perf_counter()
        write_input_workbook(demo_portfolio(clients), path, lang="en")
        print(f"wrote {path} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return path


def timed(fn, *args) -> float:
    t = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t


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


def _scan_only(parts) -> None:
    from xlprof.io.xlsx_sheet import scan_sheet

    for name, data in parts:
        scan_sheet(data, "bench", name, name, {"2"})


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--book", type=Path, default=None)
    args = ap.parse_args(argv)
    book = args.book or demo_book(args.clients)
    size = book.stat().st_size / 2**20
    base, ours = [], []
    for _ in range(args.repeat):
        base.append(timed(read_xlsx_baseline, book))
        ours.append(timed(read_sheets, book))
    b, o = statistics.median(base), statistics.median(ours)
    print(f"{book.name} ({size:.1f} MiB)")
    print(f"  read sheets: today's reader {b:.2f} s, xlprof {o:.2f} s: ratio {o / b:.2f}x")
    parts = _sheet_parts(book)
    t_cal = timed(_calamine_only, book)
    t_expat = timed(_expat_only, parts)
    t_scan = timed(_scan_only, parts)
    print(f"  calamine alone {t_cal:.2f} s; expat, no handler, over the sheets {t_expat:.2f} s; "
          f"xlprof's sheet pass {t_scan:.2f} s ({t_scan / t_expat:.1f}x expat alone)")
    t = time.perf_counter()
    sheets = read_sheets(book)
    t_sheets = time.perf_counter() - t
    t = time.perf_counter()
    portfolio_from_sheets(sheets, str(book))
    t_parse = time.perf_counter() - t
    total = t_sheets + t_parse
    print(f"  whole read (read_portfolio): {total:.2f} s = sheets {t_sheets:.2f} s "
          f"({t_sheets / total:.0%}) + validation {t_parse:.2f} s ({t_parse / total:.0%})")


if __name__ == "__main__":
    main()
