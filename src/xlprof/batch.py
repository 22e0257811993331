"""Batch generation, regeneration and the sample workbooks (the CLI's main jobs).

Conversion and orchestration only: numbers come from :func:`xlprof.model.analyze`.
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import click

from .errors import (EXIT_BATCH_PARTIAL, InputError, InternalError, OutputError, Problem, XlprofError,
                     format_error)
from .io.atomic import write_with
from .model import analyze
from .model.analysis import Analysis, Portfolio


@dataclass
class Job:
    label: str
    target: Path
    source: Path | None = None          # read + analyze in the worker
    analysis: Analysis | None = None    # or write this (split books)
    portfolio: Portfolio | None = None
    lang: str | None = None
    formulas: str = "native"
    backup: bool = True


def backup_path(target: Path) -> Path:
    return target.with_name(target.stem + ".bak" + target.suffix)


def output_name(source: Path) -> str:
    stem = source.stem if source.suffix else source.name
    return f"{stem}.xlsx" if stem.endswith("-analysis") else f"{stem}-analysis.xlsx"


def slug(value: str) -> str:
    s = re.sub(r"[^\w\-]+", "-", value.strip(), flags=re.UNICODE).strip("-")
    return s[:60] or "blank"


def write_book(a: Analysis, p: Portfolio, target: Path, *, formulas: str, backup: bool,
               source_name: str | None = None, progress=None) -> None:
    from .workbook import large
    from .workbook.book import write_analysis_book

    bak = backup_path(target) if backup and target.exists() else None
    if large.is_large(a):       # past Excel's comfort: a summary book, every client in the side files
        write_large_book(a, p, target, source_name=source_name, backup=bak, progress=progress)
        return
    write_with(target, lambda tmp: write_analysis_book(a, p, tmp, formulas=formulas, source_name=source_name,
                                                       progress=progress), backup=bak)


def write_large_book(a: Analysis, p: Portfolio, target: Path, *, source_name: str | None, backup: Path | None,
                     progress=None) -> None:
    """:mod:`.workbook.large`: the side files first (the book names them), then the book."""
    from .workbook import dashboard, large
    from .workbook.book import STEPS

    parquet, csv_path = large.side_files(target)
    write_with(csv_path, lambda tmp: large.write_clients_csv(a, tmp))
    write_with(parquet, lambda tmp: large.write_clients_parquet(a, tmp))
    source = source_name or Path(p.source).name or ""
    write_with(target, lambda tmp: large.write_summary_book(
        a, p, tmp, side=(parquet.name, csv_path.name), source_name=source,
        generated=dashboard.generation_time(p.source)), backup=backup)
    for name in STEPS:
        if progress:
            progress(name)


def book_steps() -> int:
    """Progress steps of one book: read, analyse, then the writer's steps."""
    from .workbook.book import STEPS

    return 2 + len(STEPS)


def run_job(job: Job, progress=None) -> tuple[str, int, list[str]]:
    """Executed in a worker process: returns (label, clients, lines to show: where the
    book went and its exit scenario)."""
    from .report import scenario_lines

    from .workbook.regen import read_book

    step = progress or (lambda name: None)
    if job.analysis is None:
        p = read_book(job.source)
        step("read")
        a = analyze(p, lang=job.lang or p.settings.language)
        step("analyse")
    else:
        a, p = job.analysis, job.portfolio
        step("read")
        step("analyse")
    write_book(a, p, job.target, formulas=job.formulas, backup=job.backup,
               source_name=job.source.name if job.source else None, progress=progress)
    return job.label, len(a.clients), [f"wrote {job.target}", *(f"  {x}" for x in scenario_lines(a))]


def split_jobs(source: Path, outdir: Path, column: str, *, lang, formulas, backup) -> list[Job]:
    from .model.split import split_portfolio_analysis
    from .schema import CLIENTS, header_map
    from .textnorm import norm_key
    from .workbook.regen import read_book

    col = header_map(CLIENTS).get(norm_key(column))
    if col is None or CLIENTS.column(col).kind not in ("text", "id"):
        texts = [c.name for c in CLIENTS.columns if c.kind == "text"]
        raise InputError(Problem(f"--split-by {column!r} is not a text column of Clients; use one of "
                                 + ", ".join(texts)))
    p = read_book(source)
    a = analyze(p, lang=lang or p.settings.language)
    stem = output_name(source)[: -len(".xlsx")]
    jobs = [Job(f"{source.name} (portfolio)", outdir / f"{stem}.xlsx", source=source, analysis=a,
                portfolio=p, formulas=formulas, backup=backup)]
    values = a.clients[col].fillna("").astype(str)
    used: set[str] = set()
    for value in sorted(values.unique()):
        ids = a.clients.loc[values == value, "client_id"].tolist()
        sub_a, sub_p = split_portfolio_analysis(a, p, ids)
        name = slug(value)
        while name.lower() in used:
            name += "_"
        used.add(name.lower())
        jobs.append(Job(f"{source.name} [{col}={value or '(blank)'}]", outdir / f"{stem}-{name}.xlsx",
                        source=source, analysis=sub_a, portfolio=sub_p, formulas=formulas, backup=backup))
    return jobs


def run_generate(inputs: list[Path], outdir: Path, *, split_by: str | None, lang: str | None, jobs: int,
                 formulas: str, backup: bool) -> int:
    """Write the books; prints progress and a summary; returns the exit code."""
    start = time.perf_counter()
    created = not outdir.exists()
    if outdir.is_file():
        raise OutputError(str(outdir), "is a file: -o names the folder the books go to")
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(str(outdir), exc.strerror or str(exc)) from None
    failures: list[tuple[str, XlprofError]] = []
    todo: list[Job] = []
    for given in inputs:
        try:
            src = ingest_if_sources(given, outdir, lang)
        except XlprofError as exc:
            failures.append((str(given), exc))
            continue
        if split_by:
            try:
                todo += split_jobs(src, outdir, split_by, lang=lang, formulas=formulas, backup=backup)
            except XlprofError as exc:
                failures.append((str(src), exc))
        else:
            todo.append(Job(str(given), outdir / output_name(given), source=src, lang=lang,
                            formulas=formulas, backup=backup))
    books = clients = 0
    written: list[tuple[str, list[str]]] = []
    single = len(todo) == 1   # one book: progress through its steps (a big book takes a while)
    with click.progressbar(length=book_steps() if single else len(todo), file=sys.stderr, show_pos=not single,
                           label=f"Writing {todo[0].target.name}" if single else "Writing workbooks") as bar:
        if jobs > 1 and len(todo) > 1:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                futures = {pool.submit(run_job, j): j for j in todo}
                for fut in as_completed(futures):
                    job = futures[fut]
                    books, clients = _collect(fut.result, job, failures, books, clients, written)
                    bar.update(1)
        else:
            for job in todo:
                step = (lambda name: bar.update(1)) if single else None
                books, clients = _collect(lambda: run_job(job) if step is None else run_job(job, step), job,
                                          failures, books, clients, written)
                if not single:
                    bar.update(1)
    secs = time.perf_counter() - start
    for _, lines in sorted(written):
        click.echo("\n".join(lines), err=True)
    click.echo(f"{books} book(s), {clients} client rows, {secs:.1f} s -> {outdir}", err=True)
    for label, exc in failures:
        click.echo(f"FAILED {label}:\n{format_error(exc, lang=lang or getattr(exc, 'lang', None) or 'en')}", err=True)
    if not failures:
        return 0
    if created and books == 0 and not any(outdir.iterdir()):
        outdir.rmdir()      # nothing written: leave no empty folder behind
    if len(inputs) == 1 and len(failures) == 1 and books == 0:
        return failures[0][1].exit_code     # one input that failed whole: its own code, not "batch"
    return EXIT_BATCH_PARTIAL


def ingest_if_sources(src: Path, outdir: Path, lang: str | None) -> Path:
    """A sources workbook is ingested into OUTDIR/NAME-input.xlsx first; other inputs pass."""
    from .ingest import is_sources_book, run_ingest

    if not is_sources_book(src):
        return src
    target = outdir / f"{Path(src).stem}-input.xlsx"
    _, ing = run_ingest(src, target, lang=lang)
    for note in ing.notes:
        click.echo(f"xlprof: note: {note}", err=True)
    click.echo(f"ingested {src} -> {target}", err=True)
    return target


def _collect(get, job: Job, failures, books: int, clients: int, written: list) -> tuple[int, int]:
    try:
        _, n, lines = get()
        written.append((str(job.target), lines))
        return books + 1, clients + n
    except XlprofError as exc:
        failures.append((job.label, exc))
    except Exception as exc:  # one bad input never stops the others
        failures.append((job.label, InternalError(exc)))
    return books, clients


def regenerate(book: Path, target: Path, *, lang: str | None, formulas: str, backup: bool) -> tuple[Path, int]:
    from .workbook.regen import read_book

    with click.progressbar(length=book_steps(), label=f"Writing {target.name}", file=sys.stderr) as bar:
        p = read_book(book)
        bar.update(1)
        a = analyze(p, lang=lang or p.settings.language)
        bar.update(1)
        write_book(a, p, target, formulas=formulas, backup=backup, source_name=book.name,
                   progress=lambda name: bar.update(1))
    return target, len(a.clients)


# --- samples ----------------------------------------------------------------------------


def sample_files(folder: Path) -> list[Path]:
    """Write every sample workbook into ``folder``; returns the paths."""
    from .demo import demo_portfolio
    from .workbook.book import write_analysis_book
    from .workbook.inputs import write_input_workbook
    from .workbook.template import write_template

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for lang in ("en", "es"):
        t = folder / f"xlprof-template-{lang}.xlsx"
        write_with(t, lambda tmp, lang=lang: write_template(tmp, lang=lang))
        out.append(t)
    for lang in ("en", "es"):
        p = demo_portfolio(lang=lang)
        inp = folder / f"demo-input-{lang}.xlsx"
        write_with(inp, lambda tmp, lang=lang: write_input_workbook(p, tmp, lang=lang))
        a = analyze(p, lang=lang)
        book = folder / f"demo-analysis-{lang}.xlsx"
        write_with(book, lambda tmp, a=a, p=p: write_analysis_book(a, p, tmp,
                                                                   source_name=f"demo-input-{lang}.xlsx"))
        out += [inp, book]
    out += sources_samples(folder)
    return out


def sources_samples(folder: Path) -> list[Path]:
    """The demo raw exports (folder demo-sources/) and the sources workbooks that name them."""
    from .ingest.demo import FOLDER, write_demo_raw, write_demo_sources

    out = write_demo_raw(folder / FOLDER)
    for lang in ("en", "es"):
        book = folder / f"demo-sources-{lang}.xlsx"
        write_with(book, lambda tmp, lang=lang: write_demo_sources(tmp, lang=lang))
        out.append(book)
    return out


def write_samples(folder: Path) -> list[Path]:
    return sample_files(folder)


def check_samples(folder: Path) -> list[str]:
    """Names of sample workbooks in ``folder`` that are missing or differ from a fresh build."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = sample_files(Path(tmp))
        stale = []
        for f in fresh:
            rel = f.relative_to(tmp)
            mine = folder / rel
            if not mine.exists() or mine.read_bytes() != f.read_bytes():
                stale.append(rel.as_posix())
    return stale
