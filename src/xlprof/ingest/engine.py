"""``ingest``: raw exports named by a sources workbook -> per-client figures, volumes per
driver and the provenance of every row, computed by DuckDB.

Conversion only: the numbers xlprof reports (profit, scores...) still come from the model;
ingest builds the Clients/Volumes inputs, as a user with pivot tables would, but exactly.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from ..errors import InputError, Problem
from ..settings import Settings
from . import aggregate as agg
from .load import FileTable, load_file, new_tmpdir
from .rule import Params, q, render
from .spec import DriverSpec, SourcesBook, SourceSpec, read_sources_book
from .typed import AMOUNTS, Decision, Needs, decide_file, typed_select

CLIENT_FIGURES = ("revenue", "discounts", "cogs", "payment_terms_days", "days_to_pay", "bad_debt")


@dataclass
class Ingested:
    """What ingest found. Amount totals are exact (Decimal); per-client figures are floats.

    clients: client_id + CLIENT_FIGURES (NaN: no data of that kind for the client).
    volumes: client_id, activity, quantity (long form, quantities > 0 or < 0 only).
    provenance: source, kind, file, status (used | a reason of aggregate.REASONS), rows, and
      the amount totals ``net list discount cost quantity paid`` (Decimal or None).
    read: source, kind, file, rows and amount totals as read (the balance's left side).
    """

    book: SourcesBook
    start: dt.date
    end: dt.date
    clients: pd.DataFrame
    volumes: pd.DataFrame
    provenance: pd.DataFrame
    read: pd.DataFrame
    drivers: pd.DataFrame                 # activity, source, measure, filter, rows_used, quantity
    decisions: list[Decision] = field(default_factory=list)
    unparseable: list[tuple] = field(default_factory=list)   # (file, row, column, value)
    notes: list[str] = field(default_factory=list)
    sql: list[str] = field(default_factory=list)
    settings: Settings = field(default_factory=Settings)
    run: object = None                    # the DuckDB session (for explain)
    rows_of: dict = field(default_factory=dict)   # source -> builder of its rows subquery

    def explain(self, client: str) -> list[tuple]:
        """Every source row of ``client`` (any case): (source, kind, file, row, date, document,
        amounts..., due, paid_date, credit, status)."""
        out = []
        for spec in self.book.sources:
            build = self.rows_of.get(spec.name)
            if build is None:
                continue
            p = Params()
            sql = agg.explain_sql(build(p), p.add(client))
            out += [(spec.name, spec.kind, *r) for r in self.run.run(sql, p.values, keep=False).fetchall()]
        return out


def _needs(spec: SourceSpec, drivers: list[DriverSpec]) -> Needs:
    n = Needs(dict(spec.columns))
    for cond in spec.credit_when + [c for d in drivers for c in d.conditions]:
        (n.num_cols if cond.numeric else n.text_cols).append(cond.column)
    for d in drivers:
        if d.measure == "sum":
            n.num_cols.append(d.column)
            n.required_nums.add(n.canon(d.column) if d.column in n.wanted() else d.column)
    n.required_nums = {n.canon(h) for h in n.required_nums}
    return n


class Run:
    """One DuckDB connection, its statements (kept for ``--show-sql``)."""

    def __init__(self):
        import duckdb

        self.con = duckdb.connect(":memory:", config={"preserve_insertion_order": True})
        self.sql: list[str] = []

    def run(self, sql: str, params: list | None = None, keep: bool = True):
        if keep:
            self.sql.append(render(sql, params or []) + ";")
        return self.con.execute(sql, params or [])


def ingest(path: Path | str, *, start: dt.date | None = None, end: dt.date | None = None,
           settings: Settings | None = None) -> Ingested:
    """Read the sources workbook at ``path`` and every raw file it names; aggregate.

    ``start``/``end`` (inclusive) override the workbook's period_start/period_end; without
    either, the period runs from the first to the last date of the sales lines (noted).
    Raises InputError (located problems), UnreadableFileError (a raw file).
    """
    book = read_sources_book(Path(path))
    settings = settings or Settings()
    problems: list[Problem] = []
    notes: list[str] = []
    run = Run()
    by_source = {s.name: [d for d in book.drivers if d.source == s.name] for s in book.sources}
    typed: dict[str, str] = {}
    needs_of: dict[str, Needs] = {}
    decisions: list[Decision] = []
    with new_tmpdir() as tmp:
        k = 0
        for spec in book.sources:
            needs = needs_of[spec.name] = _needs(spec, by_source[spec.name])
            selects, params = [], Params()
            for f in spec.files:
                k += 1
                where = dict(sheet="Sources", row=spec.row)
                ft = load_file(run.con, f, f"raw_{k}", needs.wanted(), sheet=spec.sheet,
                               tmpdir=Path(tmp), problems=problems, where=where, log=run.sql)
                if ft is None:
                    continue
                ft.display = _display(f, book.path.parent)
                run.sql.append(f"-- {ft.display}: {ft.rows} rows read as text ({ft.fmt}"
                               + (f", delimiter {ft.delimiter!r})" if ft.delimiter else ")"))
                dec = decide_file(run.con, ft, needs, settings, problems, {})
                if dec is None:
                    continue
                decisions += _describe(ft, dec)
                selects.append(typed_select(ft, spec, needs, dec, params))
            if selects and not problems:
                name = f"typed_{len(typed) + 1}"
                run.run(f"CREATE TEMP TABLE {q(name)} AS " + "\nUNION ALL BY NAME\n".join(selects), params.values)
                typed[spec.name] = name
    if problems:
        raise InputError(problems)
    _unify_ids(run, list(typed.values()), notes)
    start, end = _period(run, book, typed, start, end, notes)
    return _aggregate(run, book, typed, needs_of, by_source, start, end, decisions, notes, settings)


def _unify_ids(run: Run, tables: list[str], notes: list[str]) -> None:
    """Client ids that differ only by case are one client (as in the input workbook's reader):
    every spelling becomes the first in sort order."""
    if not tables:
        return
    union = " UNION ".join(f"SELECT DISTINCT client FROM {q(t)} WHERE client IS NOT NULL" for t in tables)
    ids = sorted(r[0] for r in run.run(union).fetchall())
    first: dict[str, str] = {}
    pairs = []
    for cid in ids:
        canon = first.setdefault(cid.casefold(), cid)
        if canon != cid:
            pairs.append((cid, canon))
    if not pairs:
        return
    for t in tables:
        run.run(f"UPDATE {q(t)} SET client = m.canon FROM (SELECT unnest($1) AS given, unnest($2) AS canon) m "
                f"WHERE {q(t)}.client = m.given", [[a for a, _ in pairs], [b for _, b in pairs]])
    notes.append(f"{len(pairs)} client id(s) differ only by case and were taken as one client: "
                 + ", ".join(f"{a!r} as {b!r}" for a, b in pairs[:5]))


def _display(f: Path, base: Path) -> str:
    try:
        return f.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return str(f)


def _describe(ft: FileTable, dec: dict) -> list[Decision]:
    out = []
    for (header, what), d in dec.items():
        decided = (d.decimal if what == "number" else d.order) or "-"
        out.append(Decision(ft.display, header, what, decided, dict(d.examples)))
    return out


def _period(run: Run, book: SourcesBook, typed: dict, start, end, notes) -> tuple[dt.date, dt.date]:
    start = start or book.period_start
    end = end or book.period_end
    if start and end:
        if start > end:
            raise InputError(Problem(f"the period starts ({start}) after it ends ({end})"))
        return start, end
    tables = [typed[s.name] for s in book.sources if s.kind == "sales_lines" and s.name in typed] or list(typed.values())
    if not tables:
        raise InputError(Problem("no rows to ingest: the sources name no readable file"))
    union = " UNION ALL ".join(f"SELECT date FROM {q(t)}" for t in tables)
    lo, hi = run.run(f"SELECT min(date), max(date) FROM ({union})").fetchone()
    if lo is None:
        raise InputError(Problem("no readable date in the sales lines: give period_start and period_end "
                                 "in the Settings sheet (or --from/--to)"))
    start, end = start or lo, end or hi
    notes.append(f"period {start} to {end} taken from the dates of the sales lines; set period_start and "
                 "period_end in the Settings sheet (or --from/--to) to fix it")
    return start, end


def _num(x) -> float:
    return math.nan if x is None else float(x)


def _aggregate(run: Run, book, typed, needs_of, by_source, start, end, decisions, notes, settings) -> Ingested:
    per_client: dict[str, dict[str, Decimal]] = {}
    volumes: list[tuple[str, str, float]] = []
    prov, read, unparseable, drv_rows = [], [], [], []
    sums: dict[str, dict[str, Decimal]] = {}
    builders: dict = {}

    def add(cid, key, value):
        if value is not None:
            slot = sums.setdefault(cid, {})
            slot[key] = slot.get(key, Decimal(0)) + Decimal(value)

    for spec in book.sources:
        table = typed.get(spec.name)
        if table is None:
            continue
        drivers = by_source[spec.name]

        def rows_of(p: Params, spec=spec, table=table, drivers=drivers) -> str:
            return agg.rows_sql(spec, table, drivers, needs_of[spec.name], start, end, p)

        builders[spec.name] = rows_of

        p = Params()
        sql, cols = agg.client_sql(spec, rows_of(p), drivers, needs_of[spec.name], end, p)
        rows = run.run(sql, p.values).fetchall()
        totals = {f"driver_{i}": Decimal(0) for i in range(len(drivers))}
        counted = {f"driver_{i}": 0 for i in range(len(drivers))}
        for row in rows:
            cid, vals = row[0], dict(zip(cols, row[1:]))
            per_client.setdefault(cid, {})
            for key in ("revenue", "discounts", "cogs", "bad_debt", "weighted_days", "invoiced",
                        "weighted_terms", "termed"):
                add(cid, key, vals.get(key))
            for i, d in enumerate(drivers):
                v = vals[f"driver_{i}"]
                if v:
                    volumes.append((cid, d.activity, float(v)))
                    totals[f"driver_{i}"] += Decimal(v)
                    counted[f"driver_{i}"] += 1
        for i, d in enumerate(drivers):
            drv_rows.append(dict(activity=d.activity, source=d.source, measure=d.measure,
                                 column=d.column, filter=d.filter_text, clients=counted[f"driver_{i}"],
                                 volume=totals[f"driver_{i}"]))
        p = Params()
        for r in run.run(agg.provenance_sql(rows_of(p)), p.values).fetchall():
            prov.append(dict(source=spec.name, kind=spec.kind, file=r[0], status=r[1], rows=r[2],
                             **dict(zip(AMOUNTS, r[3:]))))
        for r in run.run(agg.read_totals_sql(table)).fetchall():
            read.append(dict(source=spec.name, kind=spec.kind, file=r[0], rows=r[1], **dict(zip(AMOUNTS, r[2:]))))
        p = Params()
        unparseable += run.run(agg.unparseable_sql(rows_of(p)), p.values).fetchall()
    clients = _client_frame(sums, per_client)
    if unparseable:
        notes.append(f"{sum(r['rows'] for r in prov if r['status'] == 'unparseable')} row(s) could not be "
                     "read and were left out; the Sources sheet lists them")
    return Ingested(book, start, end, clients,
                    pd.DataFrame(volumes, columns=["client_id", "activity", "quantity"]),
                    pd.DataFrame(prov), pd.DataFrame(read), pd.DataFrame(drv_rows), decisions,
                    unparseable, notes, run.sql, settings, run, builders)


def _client_frame(sums: dict[str, dict[str, Decimal]], seen: dict) -> pd.DataFrame:
    recs = []
    for cid in sorted(seen):
        s = sums.get(cid, {})
        days = s["weighted_days"] / s["invoiced"] if s.get("invoiced") else None
        terms = s["weighted_terms"] / s["termed"] if s.get("termed") else None
        recs.append(dict(client_id=cid, revenue=_num(s.get("revenue", 0)), discounts=_num(s.get("discounts", 0)),
                         cogs=_num(s.get("cogs", 0)), payment_terms_days=_num(terms), days_to_pay=_num(days),
                         bad_debt=_num(s.get("bad_debt", 0))))
    return pd.DataFrame(recs, columns=["client_id", *CLIENT_FIGURES])
