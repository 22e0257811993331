"""From raw exports to the input workbook: ``xlprof ingest`` on DuckDB (see docs/ingest.md).

``run_ingest(sources, output)`` reads a sources workbook, aggregates the raw files it names
and writes the standard input workbook with a Sources (provenance) sheet.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path


def ingest_portfolio(sources: Path | str, *, start: dt.date | None = None, end: dt.date | None = None):
    """(Portfolio, Ingested, notes) for a sources workbook; raises XlprofError subclasses."""
    from ..errors import InputError
    from .build import build_portfolio
    from .checks import negative_figures
    from .engine import ingest

    ing = ingest(sources, start=start, end=end)      # reads the sources book once, its Settings with it
    problems = negative_figures(ing)
    if problems:
        raise InputError(problems)
    notes = list(ing.notes)
    portfolio = build_portfolio(ing, notes)
    ing.notes = notes
    return portfolio, ing, notes


def run_ingest(sources: Path | str, output: Path | str, *, start=None, end=None, lang: str | None = None):
    """Write the input workbook for ``sources`` to ``output`` (atomically); returns (Portfolio, Ingested)."""
    from ..io.atomic import write_with
    from .writer import write_ingested_workbook

    portfolio, ing, _ = ingest_portfolio(sources, start=start, end=end)
    lang = lang or portfolio.settings.language
    write_with(Path(output), lambda tmp: write_ingested_workbook(portfolio, ing, tmp, lang=lang))
    return portfolio, ing


def is_sources_book(path: Path | str) -> bool:
    """True when ``path`` is an .xlsx whose sheets include Sources and Drivers (either language)."""
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm") or not path.is_file():
        return False
    from ..errors import XlprofError
    from ..io.safety import check_xlsx

    try:
        names = list(check_xlsx(path).sheet_parts)
    except XlprofError:
        return False
    from ..textnorm import norm_key
    from .spec import DRIVERS, SOURCES

    keys = {norm_key(n) for n in names}
    return any(norm_key(a) in keys for a in (SOURCES.name, *SOURCES.aliases)) and \
        any(norm_key(a) in keys for a in (DRIVERS.name, *DRIVERS.aliases))
