"""Probe: would DuckDB's own typed CSV reading keep the reading rule (design.md section 5)?

    python benchmarks/probe_typed_csv.py

Writes one CSV per case (a number column read as DECIMAL with an explicit
``decimal_separator``, a date column read as DATE with an explicit ``dateformat``, no
sniffing, rejected rows skipped) and compares every text DuckDB *accepts* with what
:mod:`xlprof.io.evidence` makes of it under the same decision. A text DuckDB rejects is
harmless (it could go through the exact text path); a text DuckDB accepts and the rule
refuses or reads otherwise is a silent difference, and its value cannot be checked
afterwards (the typed column no longer has its text). Prints the differences; exit code 1
when there are any (with DuckDB 2.0.1 there are: see docs/benchmarks.md, "Ingest").
"""

from __future__ import annotations

import sys
import tempfile
from decimal import Decimal
from pathlib import Path

import duckdb

from xlprof.io import evidence as ev

NUMBERS = ["1,5", "-1,5", "+1,5", ",5", "00012,5", "1,234", "12,345", "1,5e3", "1e3", " 1,5", "1,5 ", "\t1,5",
           "1.5", "1.234", "1.234,5", "(1,5)", "€1,5", "1,5%", "1 234,5",
           "1_000", "1_000,5", "5,", "-5,", "5,e3", "1e3,", "1,5\n", "\v1,5", "1,5\f", "\r1,5",
           "1,23456", "0,00001", "1,999995"]
DATES = ["31/12/2025", "1/2/2025", " 31/12/2025", "31/12/2025 ", "\t1/2/2025", "31/02/2025",
         "31/12/2025 00:00", "31-12-2025", "01/02/25", "1/1/25", "01/01/0000", "01/01/0025"]


def _read(con, folder: Path, name: str, texts: list[str], sqltype: str, options: str) -> dict[int, object]:
    path = folder / f"{name}.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("i;v\n")
        for i, t in enumerate(texts):
            fh.write(f'{i};"{t}"\n')
    sql = (f"SELECT i, v FROM read_csv('{path}', delim=';', quote='\"', escape='\"', header=true, "
           f"auto_detect=false, columns={{'i': 'INTEGER', 'v': '{sqltype}'}}, {options}, ignore_errors=true)")
    return dict(con.execute(sql).fetchall())


def _differences(con, folder: Path, name: str, texts: list[str], sqltype: str, options: str,
                 rule, same) -> list[tuple[str, object, object]]:
    """(text, DuckDB's value, the rule's value or None: refused) for every text DuckDB accepts
    where ``same(duckdb_value, rule_value, text)`` is false."""
    got = _read(con, folder, name, texts, sqltype, options)
    out = []
    for i, text in enumerate(texts):
        if got.get(i) is None:
            continue
        try:
            want = rule(text)
        except ValueError:
            want = None
        if want is None or not same(got[i], want, text):
            out.append((text, got[i], want))
    return out


def number_differences(con, folder: Path) -> list[tuple[str, object, object]]:
    """Decimal-comma texts into DECIMAL(18,4), as a sample of two-decimal amounts would choose."""
    return _differences(con, folder, "numbers", NUMBERS, "DECIMAL(18,4)", "decimal_separator=','",
                        lambda t: ev.to_number(t, ","),
                        lambda got, want, t: "%" not in t and Decimal(got) == Decimal(str(want)))


def date_differences(con, folder: Path) -> list[tuple[str, object, object]]:
    return _differences(con, folder, "dates", DATES, "DATE", "dateformat='%d/%m/%Y'",
                        lambda t: ev.to_date(t, "dmy"), lambda got, want, t: got == want)


def main() -> int:
    con = duckdb.connect()
    with tempfile.TemporaryDirectory() as tmp:
        diffs = [("number", *d) for d in number_differences(con, Path(tmp))]
        diffs += [("date", *d) for d in date_differences(con, Path(tmp))]
    print(f"DuckDB {duckdb.__version__}: {len(diffs)} text(s) the typed reader accepts differently from the rule")
    for kind, text, got, want in diffs:
        print(f"  {kind:6} {text!r:14} DuckDB: {got!s:22} rule: {'refused' if want is None else want}")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
