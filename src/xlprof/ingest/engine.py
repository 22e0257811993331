"""``ingest``: raw exports named by a sources workbook -> per-client figures, volumes per
driver and the provenance of every row, computed by DuckDB.

Conversion only: the numbers xlprof reports (profit, scores...) still come from the model;
ingest builds the Clients/Volumes inputs, as a user with pivot tables would, but exactly.

Each source is one statement (aggregate.source_sql) that reads its files once. Its number
and date readings are first guessed from a sample of each file; the statement returns the
evidence of every value, the rule decides again over all of it, and a source whose guess
would read any value differently is scanned again with the decision (rule.py).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from ..errors import InputError, InternalError, Problem
from ..settings import Settings
from . import aggregate as agg
from . import rule
from .load import FileTable, load_file, new_tmpdir
from .rule import DateReading, NumberGroup, Params, q, render
from .spec import DriverSpec, SourcesBook, SourceSpec, read_sources_book
from .typed import AMOUNTS, Decision, Needs, Readings, sample_readings, typed_select

CLIENT_FIGURES = ("revenue", "discounts", "cogs", "payment_terms_days", "days_to_pay", "bad_debt")
NEVER = (dt.date(1, 1, 1), dt.date(9999, 12, 31))
SUMMED = ("revenue", "discounts", "cogs", "bad_debt", "weighted_days", "invoiced", "weighted_terms", "termed")


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
    drivers: pd.DataFrame                 # activity, source, measure, filter, clients, volume
    decisions: list[Decision] = field(default_factory=list)
    unparseable: list[tuple] = field(default_factory=list)   # (file, row, column, value)
    notes: list[str] = field(default_factory=list)
    settings: Settings = field(default_factory=Settings)
    run: object = None                    # the DuckDB session (for explain)
    plans: dict = field(default_factory=dict)   # source -> Plan

    @property
    def sql(self) -> list[str]:
        """Every statement run, with its parameters written as literals (``--show-sql``)."""
        return self.run.statements()

    def rows_sql(self, spec: SourceSpec, p: Params) -> str:
        """Every row of a source, numbered, with the reason it is left out (for listings)."""
        plan = self.plans[spec.name]
        return plan.rows(self.start, self.end, p, numbered=True)

    def explain(self, client: str) -> list[tuple]:
        """Every source row of ``client`` (any case): (source, kind, file, row, date, document,
        amounts..., due, paid_date, credit, status)."""
        out = []
        for spec in self.book.sources:
            plan = self.plans.get(spec.name)
            if plan is None:
                continue
            p = Params()
            sql = agg.explain_sql(self.rows_sql(spec, p), p.add(client))
            for r in self.run.run(sql, p.values, keep=False).fetchall():
                out.append((spec.name, spec.kind, plan.files[r[0]].display, *r[1:]))
        return out


class Run:
    """One DuckDB connection, its statements (kept for ``--show-sql``)."""

    def __init__(self):
        import os

        import duckdb

        self.con = duckdb.connect(":memory:", config={"preserve_insertion_order": True})
        self.con.execute(f"SET threads = {max(1, os.cpu_count() or 1)}")
        self.con.execute("SET enable_progress_bar = false")
        self.log: list[tuple[str, list]] = []

    def run(self, sql: str, params: list | None = None, keep: bool = True):
        if keep:
            self.log.append((sql, list(params or [])))
        return self.con.execute(sql, params or [])

    def note(self, comment: str) -> None:
        self.log.append((f"-- {comment}", []))

    def statements(self) -> list[str]:
        return [sql if sql.startswith("--") else render(sql, params) + ";" for sql, params in self.log]


@dataclass
class Plan:
    """One source: its files (with their readings), what it needs, its drivers."""

    spec: SourceSpec
    needs: Needs
    drivers: list[DriverSpec]
    files: list[FileTable]
    readings: list[Readings]
    client_map: str | None = None         # temp table given -> canonical id (ids differing by case)

    def rows(self, start, end, p: Params, *, numbered: bool = False) -> str:
        selects = [typed_select(ft, i, self.spec, self.needs, r, p, numbered=numbered, client_map=self.client_map)
                   for i, (ft, r) in enumerate(zip(self.files, self.readings))]
        return agg.rows_sql(self.spec, selects, self.drivers, self.needs, start, end, p)


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


def ingest(path: Path | str, *, start: dt.date | None = None, end: dt.date | None = None,
           settings: Settings | None = None) -> Ingested:
    """Read the sources workbook at ``path`` and every raw file it names; aggregate.

    ``start``/``end`` (inclusive) override the workbook's period_start/period_end; without
    either, the period runs from the first to the last date of the sales lines (noted).
    Raises InputError (located problems), UnreadableFileError (a raw file).
    """
    book = read_sources_book(Path(path))
    settings = settings or book.settings
    problems: list[Problem] = []
    notes: list[str] = []
    run = Run()
    by_source = {s.name: [d for d in book.drivers if d.source == s.name] for s in book.sources}
    plans: dict[str, Plan] = {}
    with new_tmpdir() as tmp:
        k = 0
        for spec in book.sources:
            needs = _needs(spec, by_source[spec.name])
            plan = Plan(spec, needs, by_source[spec.name], [], [])
            for f in spec.files:
                k += 1
                log: list[str] = []
                ft = load_file(run.con, f, f"raw_{k}", needs.wanted(), sheet=spec.sheet, tmpdir=Path(tmp),
                               problems=problems, where=dict(sheet="Sources", row=spec.row), log=log)
                for line in log:
                    run.note(line.removeprefix("-- "))
                if ft is None:
                    continue
                ft.display = _display(f, book.path.parent)
                plan.files.append(ft)
                plan.readings.append(sample_readings(run.con, ft, needs, settings))
            if plan.files:
                plans[spec.name] = plan
        if problems:
            raise InputError(problems)
        if not plans:
            raise InputError(Problem("no rows to ingest: the sources name no readable file"))
        scans = Scans(run, book, plans, settings, problems)
        start, end = _period(scans, book, start, end, notes)
        for spec in book.sources:
            if spec.name in plans:
                scans.scan(spec.name, start, end)
        if problems:
            raise InputError(problems)
        scans.unify_ids(start, end, notes)
        ing = _collect(scans, book, start, end, notes, settings)
    return ing


def _display(f: Path, base: Path) -> str:
    try:
        return f.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return str(f)


def _period(scans: "Scans", book: SourcesBook, start, end, notes) -> tuple[dt.date, dt.date]:
    start = start or book.period_start
    end = end or book.period_end
    if start and end:
        if start > end:
            raise InputError(Problem(f"the period starts ({start}) after it ends ({end})"))
        return start, end
    # the period is the span of the sales lines' dates: scan them without a period first (no
    # sales row then falls outside it, and their figures do not depend on the period's end)
    names = [s.name for s in book.sources if s.kind == "sales_lines" and s.name in scans.plans] or list(scans.plans)
    days = []
    for name in names:
        res = scans.scan(name, *NEVER)
        if res is not None:
            days += [d for d in res.days if d is not None]
    if scans.problems:
        raise InputError(scans.problems)
    if not days:
        raise InputError(Problem("no readable date in the sales lines: give period_start and period_end "
                                 "in the Settings sheet (or --from/--to)"))
    start, end = start or min(days), end or max(days)
    notes.append(f"period {start} to {end} taken from the dates of the sales lines; set period_start and "
                 "period_end in the Settings sheet (or --from/--to) to fix it")
    return start, end


@dataclass
class Result:
    """The rows one source statement returned, by part."""

    columns: list[str]
    clients: list[dict]
    prov: list[dict]
    read: list[dict]
    numbers: list[dict]
    dates: list[dict]
    period: tuple[dt.date, dt.date]
    days: list[dt.date] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)


class Scans:
    """The statements of every source, their checks against the rule, and their results."""

    def __init__(self, run: Run, book: SourcesBook, plans: dict[str, Plan], settings: Settings,
                 problems: list[Problem]):
        self.run, self.book, self.plans, self.settings, self.problems = run, book, plans, settings, problems
        self.results: dict[str, Result] = {}
        self.maps = 0
        self.canon: dict[str, str] = {}

    def scan(self, name: str, start: dt.date, end: dt.date) -> Result | None:
        """Run a source's statement (again with the rule's decision when the guess was not
        exact); None when the rule refuses a column (problems recorded)."""
        plan = self.plans[name]
        old = self.results.get(name)
        if old is not None and plan.spec.kind == "sales_lines" and old.period == NEVER and \
                all(d is None or start <= d <= end for d in old.days):
            old.period = (start, end)       # no row falls outside: the same statement's result
            return old
        for _ in range(3):
            res = self._execute(plan, start, end)
            fresh = self._decide(plan, res)
            if fresh is None:
                return None
            if fresh == plan.readings:
                self.results[name] = res
                return res
            self.run.note(f"{name}: the sample's reading does not hold for every row: scanned again "
                          "with the decision of the whole file")
            plan.readings = fresh
        raise InternalError(AssertionError(f"source {name}: the reading did not settle"))

    def _execute(self, plan: Plan, start, end) -> Result:
        p = Params()
        rows = plan.rows(start, end, p)
        figures = agg.client_figures(plan.spec, plan.drivers, plan.needs, end, p)
        cur = self.run.run(agg.source_sql(plan.spec, rows, figures, plan.needs), p.values)
        cols = [d[0] for d in cur.description]
        out = Result(cols, [], [], [], [], [], (start, end))
        bucket = {"client": out.clients, "prov": out.prov, "read": out.read, "num": out.numbers, "date": out.dates}
        for r in cur.fetchall():
            rec = dict(zip(cols, r))
            bucket[rec["_part"]].append(rec)
        out.days = [r["day"] for r in out.dates if r["_key"] == plan.needs.canon(plan.spec.columns["date"])]
        return out

    def _decide(self, plan: Plan, res: Result) -> list[Readings] | None:
        """The rule's readings for every file from the whole of its values; records a
        problem and returns None on a refusal."""
        fresh, ok = [], True
        res.decisions = []
        for i, (ft, old) in enumerate(zip(plan.files, plan.readings)):
            where = dict(file=str(ft.path), sheet="Sources", row=plan.spec.row)
            new = Readings(dict(old.numbers), dict(old.dates))
            groups = [NumberGroup(r["_key"], r["code"], r["rows"], r["lo"], r["hi"], None, None,
                                  r["decimals"] or 0, r["unconverted"])
                      for r in res.numbers if r["_f"] == i]
            scopes = [groups] if ft.fmt == "csv" else [[g for g in groups if g.column == h]
                                                       for h in sorted({g.column for g in groups})]
            for part in scopes:
                if not part:
                    continue
                try:
                    d = rule.decide_numbers(part, setting=self.settings.decimal_separator,
                                            delimiter=ft.delimiter if ft.fmt == "csv" else None,
                                            where=f"{ft.display}")
                except rule.RuleProblem as exc:
                    col = next((g.column for g in part if g.lo and f"{g.lo!r}" in str(exc)), part[0].column)
                    self.problems.append(Problem(f"{exc} (the Settings sheet's decimal_separator decides for the "
                                                 "whole run)", column=col, **where))
                    ok = False
                    continue
                for col, need in d.readings.items():
                    if old.numbers[col].covers(need):
                        mine = [g for g in part if g.column == col]
                        rule.check_numbers(self.run.con, mine, d, old.numbers[col], f"{ft.display}, {col}")
                    else:
                        new.numbers[col] = need
                    found = {rule.class_name(g.code): g.lo for g in sorted(part, key=lambda g: g.code)
                             if g.column == col and rule.good(g.code)}
                    res.decisions.append(Decision(ft.display, col, "number", d.decimal or "-", found,
                                                  sum(g.rows for g in part if g.column == col and g.code in
                                                      (rule.PERCENT, rule.NOT_A_NUMBER))))
            for h in plan.needs.dates():
                mine = [r for r in res.dates if r["_f"] == i and r["_key"] == h]
                values = [(r["raw"], r["day"]) for r in mine]
                try:
                    d = rule.decide_dates(values, setting=self.settings.date_order)
                except rule.RuleProblem as exc:
                    self.problems.append(Problem(f"{exc} (the Settings sheet's date_order decides for the whole run)",
                                                 column=h, **where))
                    ok = False
                    continue
                if not d.agrees:
                    new.dates[h] = self._date_map(d, h)
                read = sum(r["rows"] for r in mine if d.exact[r["raw"]] is not None)
                res.decisions.append(Decision(ft.display, h, "date", d.order or "-", d.examples,
                                              (mine[0]["texts"] - read) if mine else 0))
            fresh.append(new)
        return fresh if ok else None

    def _date_map(self, d: rule.DateDecision, header: str) -> DateReading:
        """The exact reading of a date column: a table of every distinct text and its date."""
        self.maps += 1
        name = f"dates_{self.maps}"
        texts = sorted(d.exact)
        self.run.run(f"CREATE TEMP TABLE {q(name)} AS SELECT unnest($1::VARCHAR[]) AS xlprof_text, "
                     "unnest($2::DATE[]) AS xlprof_day",
                     [texts, [d.exact[t] for t in texts]])
        return DateReading(d.order, (), name)

    def unify_ids(self, start, end, notes: list[str]) -> None:
        """Client ids that differ only by case are one client (as in the input workbook's
        reader): every spelling becomes the first in sort order. A source that holds two
        spellings of one client is scanned again with the map (distinct documents)."""
        ids = sorted({r["_key"] for res in self.results.values() for r in res.clients if r["_key"] is not None})
        first: dict[str, str] = {}
        pairs = []
        for cid in ids:
            canon = first.setdefault(cid.casefold(), cid)
            if canon != cid:
                pairs.append((cid, canon))
        self.canon = dict(pairs)
        if not pairs:
            return
        table = "client_ids"
        self.run.run(f"CREATE TEMP TABLE {table} AS SELECT unnest($1::VARCHAR[]) AS given, unnest($2::VARCHAR[]) AS canon",
                     [[a for a, _ in pairs], [b for _, b in pairs]])
        for name, res in list(self.results.items()):
            keys = {r["_key"].casefold() for r in res.clients if r["_key"] is not None}
            if len(keys) < len([r for r in res.clients if r["_key"] is not None]):
                self.plans[name].client_map = table
                del self.results[name]
                self.scan(name, start, end)
        notes.append(f"{len(pairs)} client id(s) differ only by case and were taken as one client: "
                     + ", ".join(f"{a!r} as {b!r}" for a, b in pairs[:5]))


def _num(x) -> float:
    return math.nan if x is None else float(x)


def _collect(scans: Scans, book: SourcesBook, start, end, notes, settings) -> Ingested:
    canon = scans.canon
    sums: dict[str, dict[str, Decimal]] = {}
    seen: set[str] = set()
    volumes: dict[tuple[str, str], Decimal] = {}
    prov, read, unparseable, drv_rows, decisions = [], [], [], [], []
    for spec in book.sources:
        res = scans.results.get(spec.name)
        if res is None:
            continue
        plan = scans.plans[spec.name]
        decisions += res.decisions
        totals = [Decimal(0)] * len(plan.drivers)
        counted = [0] * len(plan.drivers)
        for rec in res.clients:
            cid = canon.get(rec["_key"], rec["_key"])
            seen.add(cid)
            slot = sums.setdefault(cid, {})
            for key in SUMMED:
                if rec.get(key) is not None:
                    slot[key] = slot.get(key, Decimal(0)) + Decimal(rec[key])
            for i, d in enumerate(plan.drivers):
                v = rec[f"driver_{i}"]
                if v:
                    volumes[(cid, d.activity)] = volumes.get((cid, d.activity), Decimal(0)) + Decimal(v)
                    totals[i] += Decimal(v)
                    counted[i] += 1
        for i, d in enumerate(plan.drivers):
            drv_rows.append(dict(activity=d.activity, source=d.source, measure=d.measure, column=d.column,
                                 filter=d.filter_text, clients=counted[i], volume=totals[i]))
        for r in sorted(res.prov, key=lambda r: (plan.files[r["_f"]].display, r["_key"])):
            prov.append(dict(source=spec.name, kind=spec.kind, file=plan.files[r["_f"]].display, status=r["_key"],
                             rows=r["rows"], **{a: r[a] for a in AMOUNTS}))
        for r in sorted(res.read, key=lambda r: plan.files[r["_f"]].display):
            read.append(dict(source=spec.name, kind=spec.kind, file=plan.files[r["_f"]].display, rows=r["rows"],
                             **{a: r[a] for a in AMOUNTS}))
        if any(r["_key"] == "unparseable" for r in res.prov):
            p = Params()
            rows = plan.rows(start, end, p, numbered=True)
            for f, row, col, val in scans.run.run(agg.unparseable_sql(rows), p.values).fetchall():
                unparseable.append((plan.files[f].display, row, col, val))
    clients = _client_frame(sums, seen)
    vols = [(c, a, float(v)) for (c, a), v in sorted(volumes.items())]
    if unparseable:
        notes.append(f"{sum(r['rows'] for r in prov if r['status'] == 'unparseable')} row(s) could not be "
                     "read and were left out; the Sources sheet lists them")
    return Ingested(book, start, end, clients, pd.DataFrame(vols, columns=["client_id", "activity", "quantity"]),
                    pd.DataFrame(prov), pd.DataFrame(read), pd.DataFrame(drv_rows), decisions, unparseable, notes,
                    settings, scans.run, scans.plans)


def _client_frame(sums: dict[str, dict[str, Decimal]], seen: set) -> pd.DataFrame:
    recs = []
    for cid in sorted(seen):
        s = sums.get(cid, {})
        days = s["weighted_days"] / s["invoiced"] if s.get("invoiced") else None
        terms = s["weighted_terms"] / s["termed"] if s.get("termed") else None
        recs.append(dict(client_id=cid, revenue=_num(s.get("revenue", 0)), discounts=_num(s.get("discounts", 0)),
                         cogs=_num(s.get("cogs", 0)), payment_terms_days=_num(terms), days_to_pay=_num(days),
                         bad_debt=_num(s.get("bad_debt", 0))))
    return pd.DataFrame(recs, columns=["client_id", *CLIENT_FIGURES])
