"""``xlprof ingest``: the command (click); registered by :mod:`xlprof.cli`."""

from __future__ import annotations

from pathlib import Path

import click


def _date(ctx, param, value):
    if value is None:
        return None
    import datetime as dt

    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD") from None


@click.command()
@click.argument("sources", metavar="SOURCES.xlsx", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The input workbook to write (default: SOURCES-input.xlsx beside it); with --template, the "
                   "sources workbook to write.")
@click.option("--from", "start", metavar="DATE", callback=_date, help="First day of the period (YYYY-MM-DD); "
              "overrides the Settings sheet's period_start.")
@click.option("--to", "end", metavar="DATE", callback=_date, help="Last day of the period (YYYY-MM-DD).")
@click.option("--template", is_flag=True, help="Write an annotated, empty sources workbook instead.")
@click.option("--lang", type=click.Choice(["en", "es"]), default=None,
              help="Language of the written workbook (default: the Settings sheet's, else en).")
@click.option("--explain", "client", metavar="CLIENT", default=None,
              help="Print every source row of this client (used or left out, and why); writes nothing.")
@click.option("--show-sql", is_flag=True, help="Print the SQL statements DuckDB ran (runnable elsewhere).")
def ingest(sources, output, start, end, template, lang, client, show_sql) -> None:
    """Build the input workbook from raw exports named by a sources workbook.

    SOURCES.xlsx lists the raw files (CSV/TSV, xlsx, Parquet) and what each column holds,
    how each activity is counted (Drivers), and optionally a Clients master, Resources and
    Settings. Start from `xlprof ingest --template`. See docs/ingest.md.
    """
    from ..io.atomic import write_with

    if template:
        lang = lang or "en"
        from .template import write_template

        target = output or Path(f"xlprof-sources-{lang}.xlsx")
        write_with(target, lambda tmp: write_template(tmp, lang=lang))
        click.echo(f"wrote {target}")
        return
    if sources is None:
        raise click.UsageError("give SOURCES.xlsx (or --template to write one)")
    from . import ingest_portfolio
    from .writer import write_ingested_workbook

    portfolio, ing, notes = ingest_portfolio(sources, start=start, end=end)
    for note in notes:
        click.echo(f"xlprof: note: {note}", err=True)
    if show_sql:
        click.echo("\n".join(ing.sql))
    if client is not None:
        text, found = format_explain(ing, client)
        click.echo(text, nl=False, err=not found)
        if not found:     # like grep: nothing found is not success (exit 1), said on stderr
            raise SystemExit(1)
        return
    lang = lang or portfolio.settings.language
    target = output or sources.with_name(sources.stem + "-input.xlsx")
    write_with(target, lambda tmp: write_ingested_workbook(portfolio, ing, tmp, lang=lang))
    used = ing.provenance.query("status == 'used'")["rows"].sum() if len(ing.provenance) else 0
    read = ing.read["rows"].sum() if len(ing.read) else 0
    click.echo(f"wrote {target} ({len(portfolio.clients)} clients, {len(portfolio.activities)} activities; "
               f"{read:,} rows read, {used:,} used, {read - used:,} left out; period {ing.start} to {ing.end})")


def format_explain(ing, client: str) -> tuple[str, bool]:
    """The rows of ``client`` in every source, as a plain table, and whether any row names it."""
    from .typed import AMOUNTS

    rows = ing.explain(client)
    if not rows:
        return (f"xlprof: no source row names client {client!r} (client ids are compared ignoring case); "
                f"check the id against the client column of the sales lines\n", False)
    heads = ["source", "kind", "file", "row", "date", "document", *AMOUNTS, "due", "paid_date", "credit", "status"]
    keep = [j for j, h in enumerate(heads) if h not in AMOUNTS + ("due", "paid_date", "document")
            or any(r[j] is not None for r in rows)]

    def cell(v):
        if v is None:
            return ""
        if hasattr(v, "normalize") and not isinstance(v, str):     # Decimal
            return f"{v:,.2f}"
        return str(v)

    table = [[heads[j] for j in keep]] + [[cell(r[j]) for j in keep] for r in rows]
    widths = [max(len(line[j]) for line in table) for j in range(len(keep))]
    lines = ["  ".join(v.ljust(w) for v, w in zip(line, widths)).rstrip() for line in table]
    used = sum(1 for r in rows if r[-1] == "used")
    lines.append(f"{len(rows)} row(s), {used} used, {len(rows) - used} left out; period {ing.start} to {ing.end}")
    return "\n".join(lines) + "\n", True
