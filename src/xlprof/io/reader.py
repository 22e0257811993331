"""Read an input workbook (.xlsx) or a folder of CSV files into a validated Portfolio.

Every problem found is collected with its file, sheet, row and column (the user's
header) and raised together as one :class:`~xlprof.errors.InputError`; files that
cannot be read at all raise :class:`~xlprof.errors.UnreadableFileError`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError, Problem, UnreadableFileError
from ..messages import lang_of, msg
from ..model.analysis import Portfolio
from ..schema import ACTIVITIES, CLIENTS, RESOURCES, SETTINGS, TABLES, VOLUMES_LONG, column_label, header_map, sheet_lookup
from ..settings import Settings
from ..textnorm import norm_key
from . import columns as C
from .cells import RawSheet
from .tables import (ParsedTable, Reading, _check_unique, _dtype, find_header, find_sheet, find_sheets,  # noqa: F401
                     one_sheet, parse_column, parse_table, parse_value, _data_rows)
from .textfiles import read_csv_folder
from .totals import check_totals_rows
from .volumes import read_volumes
from .xlsx import read_xlsx

XLSX_SUFFIXES = (".xlsx", ".xlsm")

__all__ = ["RawSheet", "Reading", "ParsedTable", "find_header", "find_sheet", "parse_column", "parse_table", "parse_value",
           "portfolio_from_sheets", "read_portfolio", "read_settings", "read_sheets"]


# --- files -> raw sheets ----------------------------------------------------------------


def read_sheets(path: Path, notes: list[str] | None = None) -> dict[str, RawSheet]:
    """All sheets of an .xlsx file, or all CSV files of a folder, as raw sheets; ``notes``
    receives what the file reader left out (total rows, hidden sheets...)."""
    path = Path(path)
    if path.is_dir():
        return read_csv_folder(path, _count_headers, _names_a_table)
    if not path.exists():
        raise UnreadableFileError(str(path), msg("no_such_file"))
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return read_xlsx(path, notes)
    if suffix == ".xls":
        raise UnreadableFileError(str(path), msg("old_xls"))
    if suffix == ".ods":
        raise UnreadableFileError(str(path), msg("ods"))
    if suffix == ".csv":
        raise UnreadableFileError(str(path), msg("single_csv"))
    raise UnreadableFileError(str(path), msg("unsupported_type", suffix=suffix or msg("no_suffix")))


_ALL_HEADERS = frozenset(k for t in TABLES for k in header_map(t))


_TABLE_NAMES = frozenset().union(*(sheet_lookup(t) for t in TABLES))


def _names_a_table(stem: str) -> bool:
    """Whether a file's stem names an input table (``Clients``, ``Volúmenes``...)."""
    return norm_key(stem) in _TABLE_NAMES


def _count_headers(cells: list[str]) -> int:
    """How many cells of a row name a known column (chooses a CSV file's delimiter)."""
    return sum(1 for c in cells if norm_key(c) in _ALL_HEADERS)


# --- the portfolio ------------------------------------------------------------------------


def read_portfolio(path: Path | str, notes: list[str] | None = None) -> Portfolio:
    """Read and validate an input workbook, a CSV folder or an analysis workbook.

    ``notes`` collects what was read but deliberately ignored or matched leniently
    (unknown columns, ids matched ignoring case), one line each, for the user to see.
    """
    path = Path(path)
    sheets = read_sheets(path, notes)
    return portfolio_from_sheets(sheets, str(path), notes)


def portfolio_from_sheets(sheets: dict[str, RawSheet], source: str,
                          notes: list[str] | None = None) -> Portfolio:
    problems: list[Problem] = []
    notes = notes if notes is not None else []
    tables: dict[str, ParsedTable | None] = {}
    raws: dict[str, RawSheet | None] = {}
    # Settings first: decimal_separator and date_order settle the other sheets' ambiguous text.
    settings = _read_settings(sheets, source, problems)
    for table in (CLIENTS, ACTIVITIES, RESOURCES):
        raw, twice = one_sheet(sheets, table, source, problems)
        raws[table.name] = raw
        if raw is None:
            if table.required and not twice:
                problems.append(Problem(msg("missing_sheet", table=table.name, aliases=", ".join(table.aliases),
                                            found=", ".join(sheets) or msg("none")), file=source))
            tables[table.name] = None
            continue
        tables[table.name] = parse_table(raw, table, problems, notes=notes, settings=settings)
        if tables[table.name] is not None and table.required and not len(tables[table.name].frame):
            problems.append(Problem(msg("header_no_rows_clients" if table is CLIENTS else "header_no_rows_activities"),
                                    file=raw.file, sheet=raw.name))
    clients, acts, res = tables["Clients"], tables["Activities"], tables["Resources"]
    if clients is not None:
        _check_clients_totals(clients, raws["Clients"], problems)
        _check_unique(clients, "client_id", raws["Clients"], problems)
    if acts is not None:
        _check_unique(acts, "activity", raws["Activities"], problems)
        _check_activities(acts, res, raws["Activities"], problems)
    if res is not None:
        _check_unique(res, "resource", raws["Resources"], problems)
    volumes = None
    vraw, twice = one_sheet(sheets, VOLUMES_LONG, source, problems)
    if twice:
        pass
    elif vraw is None:
        problems.append(Problem(msg("missing_sheet", table=VOLUMES_LONG.name, aliases=", ".join(VOLUMES_LONG.aliases),
                                    found=", ".join(sheets) or msg("none")), file=source))
    elif clients is not None and acts is not None:
        volumes = read_volumes(vraw, clients, acts, problems, notes, settings)
    if vraw is not None:
        _check_volumes_totals(vraw, problems)
    if problems:
        raise InputError(_shifted_rows_alone(problems), lang=declared_language(sheets))
    c = clients.frame
    c["client_name"] = c["client_name"].where(c["client_name"].notna(), c["client_id"])
    r = res.frame if res is not None else pd.DataFrame(
        {k.name: pd.Series([], dtype=_dtype(k)) for k in RESOURCES.columns})
    return Portfolio(c, acts.frame, volumes, r, settings, source=source)


def _shifted_rows_alone(problems: list[Problem]) -> list[Problem]:
    """The problems without those of the CSV rows whose fields are shifted (more fields than
    the header): their cells' complaints ('0' is not a date...) only repeat that one."""
    shifted = {(p.file, p.row) for p in problems if getattr(p.message, "key", "").startswith("csv_row_too_long")}
    if not shifted:
        return problems
    return [p for p in problems if (p.file, p.row) not in shifted
            or getattr(p.message, "key", "").startswith("csv_row_too_long")]


def _check_clients_totals(clients: ParsedTable, raw: RawSheet, problems: list[Problem]) -> None:
    """Refuse a totals row typed under the clients (:mod:`.totals`), and drop it from the
    frame so that no later check reads it as a client."""
    cols = clients.columns
    amounts = [j for name, j in cols.items() if name not in ("client_id", "client_name")]
    found = check_totals_rows(raw, [r - 1 for r in clients.rows], cols["client_id"], cols.get("client_name"),
                              amounts, clients.headers["client_id"], problems)
    if found:
        keep = [i for i, r in enumerate(clients.rows) if r - 1 not in found]
        clients.frame = clients.frame.iloc[keep].reset_index(drop=True)
        clients.rows = [clients.rows[i] for i in keep]


def _check_volumes_totals(raw: RawSheet, problems: list[Problem]) -> None:
    """Refuse a totals row typed under the volumes (:mod:`.totals`)."""
    hmap = header_map(VOLUMES_LONG)
    h = find_header(raw, hmap, ["client_id"])
    if h is None:
        return
    header = raw.rows[h]
    names = [hmap.get(norm_key(v)) if isinstance(v, str) else None for v in header]
    if "client_id" not in names:
        return
    cid = names.index("client_id")
    others = [j for j, v in enumerate(header) if j != cid and not (v is None or (isinstance(v, str) and not v.strip()))]
    rows = _data_rows(raw, h, [cid, *others])
    check_totals_rows(raw, rows, cid, None, others, str(header[cid]), problems)


def _check_activities(acts: ParsedTable, res: ParsedTable | None, raw: RawSheet,
                      problems: list[Problem]) -> None:
    known = set(res.frame["resource"].dropna()) if res is not None else set()
    known_cf = {k.casefold(): k for k in known}
    f = acts.frame
    label = {c: acts.headers.get(c) or column_label(c, "en") for c in ("cost_pool", "rate", "minutes_per_unit")}
    unread = set().union(*(acts.unread.get(c, set()) for c in ("cost_pool", "rate", "minutes_per_unit")))
    for i, row in enumerate(f.itertuples(index=False)):
        if i in unread:
            continue                       # its cost cells are already reported
        where = dict(file=raw.file, sheet=raw.name, row=acts.rows[i])
        has_pool = not math.isnan(row.cost_pool)
        has_rate = not math.isnan(row.rate)
        has_min = not math.isnan(row.minutes_per_unit)
        if row.resource is not None:
            if row.resource not in known:
                hint = known_cf.get(row.resource.casefold())
                problems.append(Problem(msg("unknown_resource_hint", value=row.resource, hint=hint) if hint
                                        else msg("unknown_resource", value=row.resource),
                                        column=acts.headers.get("resource"), **where))
            if not has_min:
                problems.append(Problem(msg("resource_needs_minutes", minutes=label["minutes_per_unit"]),
                                        column=acts.headers.get("resource"), **where))
            if has_pool or has_rate:
                problems.append(Problem(msg("resource_and_cost", pool=label["cost_pool"], rate=label["rate"]),
                                        column=acts.headers.get("resource"),
                                        **where))
        elif has_pool and has_rate:
            problems.append(Problem(msg("pool_and_rate", pool=label["cost_pool"], rate=label["rate"]),
                                    column=acts.headers.get("cost_pool"), **where))
        elif not has_pool and not has_rate:
            problems.append(Problem(msg("needs_a_cost", pool=label["cost_pool"], rate=label["rate"],
                                        minutes=label["minutes_per_unit"]),
                                    column=acts.headers.get("activity"), **where))


def _settings_labels(pt: ParsedTable) -> dict[str, str]:
    """The Settings sheet's key and value columns as its header names them (``Clave``,
    ``Valor``); an English header keeps the canonical ``key``/``value``."""
    return {name: label for name, label in pt.headers.items()
            if name in ("key", "value") and norm_key(label) != name}


def declared_language(sheets: dict[str, RawSheet]) -> str | None:
    """The ``language`` the Settings sheet gives (``en``/``es``), read on its own: the
    problems of the inputs are told in it even when the rest of the sheet cannot be read."""
    found = find_sheets(sheets, SETTINGS)
    if len(found) != 1:
        return None
    from ..settings import SETTING_ALIASES

    for row in found[0].rows[:200]:
        keys = [j for j, v in enumerate(row[:3]) if isinstance(v, str)
                and SETTING_ALIASES.get(norm_key(v)) == "language"]
        if keys and keys[0] + 1 < len(row):
            return lang_of(row[keys[0] + 1])
    return None


def read_settings(sheets: dict[str, RawSheet], source: str, problems: list[Problem] | None = None) -> Settings:
    """The Settings of ``sheets`` on their own, for what is read beside the tables (the
    ``date_order`` of an analysis book's plan sheets, the reading of ingest's raw files).

    Every problem of the sheet is appended to ``problems`` (located; nothing is raised); without
    a list they are dropped and :func:`portfolio_from_sheets` says them. Where the sheet cannot
    be read, the defaults -- except ``decimal_separator`` and ``date_order`` when those two
    read cleanly, so that the rest of the inputs is still read the way the user said.
    """
    return _read_settings(sheets, source, problems if problems is not None else [])


def _read_settings(sheets: dict[str, RawSheet], source: str, problems: list[Problem]) -> Settings:
    raw, _ = one_sheet(sheets, SETTINGS, source, problems)
    if raw is None:
        return Settings()
    pt = parse_table(raw, SETTINGS, problems)
    if pt is None:
        return Settings()
    values: dict[str, Any] = {}
    rows: dict[str, int] = {}
    vcol = pt.columns.get("value")   # read raw: the table parsed it as text
    if vcol is None and pt.frame["key"].notna().any():
        problems.append(Problem(msg("settings_no_value_column"),
                                file=raw.file, sheet=raw.name, row=pt.header_row + 1))
        return Settings()
    bad = False
    for i, key in enumerate(pt.frame["key"]):
        if key is None:
            continue
        r0 = pt.rows[i] - 1
        v = raw.cell(r0, vcol) if vcol is not None else None
        reason = C.marker_reason(v)
        if reason:
            problems.append(Problem(msg("setting_reason", key=key, reason=reason), file=raw.file, sheet=raw.name,
                                    row=pt.rows[i], column=pt.headers.get("value")))
            bad = True
            continue
        values[key] = v
        rows[key] = pt.rows[i]
    try:
        settings = Settings.from_mapping(values, file=raw.file, sheet=raw.name, rows=rows,
                                         delimiter=raw.delimiter, columns=_settings_labels(pt))
    except InputError as exc:
        problems.extend(exc.problems)
        return _reading_only(values)
    return _reading_only(values) if bad else settings


def _reading_only(values: dict[str, Any]) -> Settings:
    """The defaults with the sheet's ``decimal_separator`` and ``date_order`` (when they
    read cleanly): a Settings sheet with a bad value elsewhere still says how the other
    sheets' text reads, so the only problems told are the real ones."""
    from ..settings import SETTING_ALIASES

    keep = {k: v for k, v in values.items() if SETTING_ALIASES.get(norm_key(k)) in ("decimal_separator", "date_order")}
    try:
        return Settings.from_mapping(keep)
    except InputError:
        return Settings()
