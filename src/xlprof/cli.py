"""The ``xlprof`` command line (click). Converts only: every number comes from the model.

Exit codes (design.md section 6): 0 success, 1 input problems, 2 usage, 3 file
unreadable/unsafe/too large, 4 output cannot be written, 5 batch with failures, 70 internal error (a defect),
141 the reader of the output went away (a closed pipe).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import __version__
from .errors import EXIT_INPUT, InternalError, XlprofError, format_error
from .messages import msg, render


def _remember_lang(ctx: click.Context, _param, value):
    """``--lang`` is also the language of the error messages: kept where the group sees it."""
    if value:
        ctx.meta["xlprof.lang"] = value
    return value


LANG_OPTION = click.option("--lang", type=click.Choice(["en", "es"]), default=None, callback=_remember_lang,
                           help="Language of texts, labels and messages (default: the Settings sheet's, "
                                "else en).")


EXIT_PIPE_CLOSED = 141


def _silence_stdout() -> None:
    """Point stdout at devnull (Python's documented way to exit after EPIPE without a second error)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


class XlprofGroup(click.Group):
    """Turns xlprof errors into a message and their exit code; never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except XlprofError as exc:
            # the language: --lang, else the inputs' Settings (when read that far), else English
            lang = ctx.meta.get("xlprof.lang") or getattr(exc, "lang", None) or "en"
            click.echo(format_error(exc, lang=lang), err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:
            # the reader of our output went away (``xlprof score ... | head``): stop quietly, as
            # Unix tools do (128 + SIGPIPE); stdout goes to devnull so the exit flush cannot fail
            _silence_stdout()
            ctx.exit(EXIT_PIPE_CLOSED)
        except KeyboardInterrupt:
            click.echo(f"xlprof: {render(msg('interrupted'), ctx.meta.get('xlprof.lang', 'en'))}", err=True)
            ctx.exit(130)
        except MemoryError:
            click.echo(f"xlprof: {render(msg('out_of_memory'), ctx.meta.get('xlprof.lang', 'en'))}", err=True)
            ctx.exit(3)
        except Exception as exc:  # last resort: a located message, not a traceback
            err = InternalError(exc)
            click.echo(format_error(err, lang=ctx.meta.get("xlprof.lang", "en")), err=True)
            ctx.exit(err.exit_code)


@click.group(cls=XlprofGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xlprof")
def main() -> None:
    """xlprof: which clients make or lose money once the cost to serve them is counted.

    Reads an input workbook (.xlsx with sheets Clients, Activities, Volumes and
    optionally Resources and Settings, in English or Spanish) or a folder of CSV files.
    """


def _read(input_path: Path, lang: str | None = None):
    """Read and validate INPUT; prints the reader's notes (ignored columns...) to stderr, in
    ``lang`` (else the Settings' language)."""
    from .io.reader import read_portfolio

    notes: list[str] = []
    portfolio = read_portfolio(input_path, notes)
    for note in notes:
        click.echo(f"xlprof: {render(msg('note', text=note), lang or portfolio.settings.language)}", err=True)
    return portfolio


def _analysis(input_path: Path, lang: str | None):
    from .model import analyze

    portfolio = _read(input_path, lang)
    return portfolio, analyze(portfolio, lang=lang or portfolio.settings.language)


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@LANG_OPTION
def validate(input_path: Path, lang: str | None) -> None:
    """Check INPUT and list every problem (exit 0 when clean, 1 with problems)."""
    p = _read(input_path, lang)
    n_vol = int((p.volumes["quantity"] != 0).sum())
    click.echo(render(msg("validated", path=str(input_path), clients=msg("n_clients", n=len(p.clients)),
                          activities=msg("n_activities", n=len(p.activities)),
                          resources=msg("n_resources", n=len(p.resources)), volumes=msg("n_volumes", n=n_vol)),
                      lang or p.settings.language))


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="table for people; csv (client records) or json for tools.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write to this file instead of standard output.")
@LANG_OPTION
def score(input_path: Path, fmt: str, output: Path | None, lang: str | None) -> None:
    """Score every client of INPUT: profit, tier, termination score, recommended action."""
    from . import report

    portfolio, a = _analysis(input_path, lang)
    if fmt == "table":
        text = report.to_table(a, a.lang)
        if output is None:
            click.echo(text, nl=False)
        else:
            from .io.atomic import write_text

            write_text(output, text)
    else:  # written as it is made: a million clients' records never sit in memory as one text
        write = report.write_json if fmt == "json" else report.write_csv
        if output is None:
            write(a, _Echo())
        else:
            from .io.atomic import write_with

            def to_file(tmp: Path) -> None:
                with open(tmp, "w", encoding="utf-8", newline="") as fh:
                    write(a, fh)

            write_with(output, to_file)
    if output is not None:
        click.echo(f"wrote {output}", err=True)


class _Echo:
    """Standard output for a streamed writer, through click (its encoding rules)."""

    def write(self, text: str) -> None:
        click.echo(text, nl=False)


@main.command()
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("xlprof-demo"),
              show_default=True, help="Folder for the demo files (created if missing).")
@LANG_OPTION
@click.option("--clients", type=click.IntRange(10, 100_000), default=300, show_default=True,
              help="Number of demo clients.")
def demo(output: Path, lang: str | None, clients: int) -> None:
    """Write the demo portfolio's input workbook and its analysis workbook."""
    from .demo import demo_portfolio
    from .io.atomic import write_with
    from .workbook.inputs import write_input_workbook

    lang = lang or "en"
    _mkdir(output)
    portfolio = demo_portfolio(clients, lang=lang)
    target = output / f"xlprof-demo-input-{lang}.xlsx"
    write_with(target, lambda tmp: write_input_workbook(portfolio, tmp, lang=lang))
    click.echo(f"wrote {target}")
    from . import report
    from .model import analyze

    a = analyze(portfolio, lang=lang)
    book = _write_analysis_if_available(a, portfolio, output, lang, "xlprof-demo", source=target)
    if book is None:
        click.echo(report.to_table(a, lang, limit=25), nl=False)


def _write_analysis_if_available(a, portfolio, output, lang, stem, source: Path | None = None):
    try:
        from .workbook.book import STEPS, write_analysis_book
        from .workbook.dashboard import generation_time
    except ImportError:
        return None
    from .io.atomic import write_with

    target = output / f"{stem}-{lang}.xlsx"
    # the Dashboard says from which input and when (the input's time, or SOURCE_DATE_EPOCH)
    named = {} if source is None else {"source_name": source.name, "generated": generation_time(str(source))}
    with click.progressbar(length=len(STEPS), label=f"Writing {target.name}", file=sys.stderr) as bar:
        write_with(target, lambda tmp: write_analysis_book(a, portfolio, tmp, progress=lambda name: bar.update(1),
                                                           **named))
    click.echo(f"wrote {target}")
    return target


def _mkdir(folder: Path) -> None:
    from .errors import OutputError

    if folder.is_file():
        raise OutputError(str(folder), "is a file: -o names the folder to write into")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(str(folder), exc.strerror or str(exc)) from None


FORMULAS_OPTION = click.option(
    "--formulas", type=click.Choice(["native", "values", "udf"]), default="native", show_default=True,
    help="native: live Excel formulas with cached values; values: numbers only; "
         "udf: XLPROF_ functions (needs the xlprof add-in in Excel).")
BACKUP_OPTION = click.option("--no-backup", is_flag=True,
                             help="Do not keep the previous file as NAME.bak.xlsx when replacing it.")


@main.command()
@click.argument("inputs", metavar="INPUT...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="Folder for the analysis workbooks (created if missing).")
@click.option("--split-by", metavar="COLUMN", default=None,
              help="One book per value of this Clients column (account_manager, region...) plus the portfolio book.")
@LANG_OPTION
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Books written in parallel processes.")
@FORMULAS_OPTION
@BACKUP_OPTION
def generate(inputs, output, split_by, lang, jobs, formulas, no_backup) -> None:
    """Write one analysis workbook per INPUT (or per value of --split-by).

    INPUT is an input workbook, a folder of CSV files, an analysis workbook
    (regenerated with everything typed into it carried over), or a sources workbook
    (raw exports: ingested first into OUTDIR/NAME-input.xlsx, see xlprof ingest).
    """
    from .batch import run_generate

    code = run_generate(list(inputs), output, split_by=split_by, lang=lang, jobs=jobs,
                        formulas=formulas, backup=not no_backup)
    if code:
        raise SystemExit(code)


@main.command()
@click.argument("book", metavar="BOOK", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write here instead of replacing BOOK.")
@LANG_OPTION
@FORMULAS_OPTION
@BACKUP_OPTION
def recalc(book, output, lang, formulas, no_backup) -> None:
    """Regenerate the analysis workbook BOOK from itself, keeping what people typed.

    BOOK is replaced only by a complete new file; the previous one is kept as
    BOOK.bak.xlsx unless --no-backup.
    """
    from .batch import regenerate

    _refuse_input_book(book)
    target, n = regenerate(book, output or book, lang=lang, formulas=formulas, backup=not no_backup)
    click.echo(f"wrote {target} ({n} clients)")


def _refuse_input_book(book: Path) -> None:
    """recalc replaces BOOK: refuse (exit 1) unless it is an analysis workbook xlprof wrote,
    so that an input workbook is never overwritten with an analysis book."""
    from .errors import WorkbookError
    from .io.reader import XLSX_SUFFIXES
    from .io.xlsx import sheet_names
    from .workbook import large
    from .workbook.regen import is_analysis_book

    if book.suffix.lower() in XLSX_SUFFIXES and book.is_file():
        names = sheet_names(book)
        if is_analysis_book(dict.fromkeys(names)):
            return
        if large.MARKER & set(names):
            raise WorkbookError(msg("large_book_recalc", book=str(book)))
        raise WorkbookError(msg("not_analysis_book", book=str(book)))


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: xlprof-template-LANG.xlsx).")
@click.option("--lang", type=click.Choice(["en", "es"]), default="en", show_default=True)
def template(output, lang) -> None:
    """Write an empty input workbook with instructions, validation lists and example rows."""
    from .io.atomic import write_with
    from .workbook.template import write_template

    target = output or Path(f"xlprof-template-{lang}.xlsx")
    write_with(target, lambda tmp: write_template(tmp, lang=lang))
    click.echo(f"wrote {target}")


@main.command()
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--check", is_flag=True, help="Do not write: fail if DIR's workbooks are out of date.")
def samples(folder, check) -> None:
    """Rewrite the sample workbooks in DIR (templates and demo books), or --check them."""
    from .batch import check_samples, write_samples

    if check:
        stale = check_samples(folder)
        if stale:
            click.echo("xlprof: out of date (run 'xlprof samples %s'): %s" % (folder, ", ".join(stale)), err=True)
            raise SystemExit(EXIT_INPUT)
        click.echo(f"{folder}: sample workbooks are up to date")
        return
    for path in write_samples(folder):
        click.echo(f"wrote {path}")


def _register_optional() -> None:
    from .excel.cli_addin import addin
    from .excel.cli_lite import lite
    from .ingest.command import ingest

    main.add_command(addin)
    main.add_command(ingest)
    main.add_command(lite)


_register_optional()

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
