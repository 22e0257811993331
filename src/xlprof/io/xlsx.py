"""Read an .xlsx package into raw sheets whose cells mean what they show.

python-calamine reads the values (fast, Rust); one namespace-aware expat pass over each
part (:mod:`.xlsx_parts`, :mod:`.xlsx_scan`) tells what calamine cannot, and the cells
concerned become markers of :mod:`.cells` or the value the user sees:

* error cells (``#N/A``... however the XML spells them) -> :class:`ErrorCell`;
* formulas whose saved value cannot be trusted -> :class:`FormulaCell` naming why: no
  value saved; the workbook asks Excel to recalculate everything on load
  (``fullCalcOnLoad``, what script libraries write); manual calculation saved without
  recalculating; a volatile function (``TODAY()``, ``RAND()``...);
* numbers in percent-formatted cells -> :class:`PercentCell`; whole numbers shown with
  leading zeros (``0000``) -> the text shown (``"0001"``);
* the Total Row of an Excel table is left out (a note says so);
* a merged range's value belongs to every row it covers; values hidden under a merge
  are never read;
* cells that hold no value (formatted but empty) do not count toward the sheet's size;
* a hidden sheet is left out when a visible sheet stands for the same table.

Every refusal of the package itself raises :class:`UnreadableFileError` (exit 3).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import UnreadableFileError
from ..messages import msg
from ..schema import ACTIVITIES, CLIENTS, RESOURCES, SETTINGS, VOLUMES_LONG, sheet_lookup
from ..textnorm import norm_key
from .cells import ErrorCell, FormulaCell, PercentCell, RawSheet
from .totals import sums_column_above
from .safety import XML_SUFFIXES, check_package, check_prolog, parse_part, read_member
from .xlsx_parts import (Padded, Percent, TableInfo, WorkbookInfo, parse_rels, parse_styles,
                         parse_table, parse_workbook, rels_member)
from .xlsx_scan import scan_sheet
from .xlsx_sheet import Formula, SheetScan

READ_TABLES = (CLIENTS, ACTIVITIES, RESOURCES, SETTINGS, VOLUMES_LONG)


def read_xlsx(path: Path, notes: list[str] | None = None) -> dict[str, RawSheet]:
    """Every visible sheet (and hidden ones no visible sheet stands in for) of the
    workbook at ``path``; ``notes`` receives what was left out and why.

    The package is checked and its small parts parsed now; each worksheet is parsed and
    read when its cells are first used (:class:`LazySheet`), so the sheets a reader never
    looks at (the formula sheets of an analysis book) cost nothing and reach no parser.
    """
    path = Path(path)
    book = read_structure(path)
    names = [s.name for s in book.info.sheets if s.part in book.worksheets]
    loader = _Loader(path, book, notes)
    return {n: LazySheet(str(path), n, loader) for n in _sheets_to_read(book, names, str(path), notes)}


class LazySheet(RawSheet):
    """A :class:`RawSheet` whose ``rows``, ``errors``, ``merged`` and ``sums`` are read on first use
    (errors in the sheet surface then, as :class:`UnreadableFileError`)."""

    def __init__(self, file: str, name: str, loader: "_Loader"):  # noqa: D107 - fields load later
        self.file, self.name, self._loader = file, name, loader

    def __getattr__(self, attr: str):
        if attr not in ("rows", "errors", "merged", "sums"):
            raise AttributeError(attr)
        raw = self._loader.load(self.name)
        self.rows, self.errors, self.merged, self.sums = raw.rows, raw.errors, raw.merged, raw.sums
        return getattr(self, attr)


class _Loader:
    """Reads one worksheet: the parser's pass first (its size is checked there, before
    python-calamine allocates anything), then calamine for the values."""

    def __init__(self, path: Path, book: "Structure", notes: list[str] | None):
        self.path, self.book, self.notes = path, book, notes

    def load(self, sheet: str) -> RawSheet:
        import python_calamine as pc

        name = str(self.path)
        part = next(s.part for s in self.book.info.sheets if s.name == sheet)
        pkg, zf = check_package(self.path)
        with zf:
            if part not in pkg.members:
                raise UnreadableFileError(name, msg("changed_while_read", part=part))
            data = read_member(zf, pkg.members[part], name)
        scan = scan_sheet(data, name, part, sheet, set(self.book.styles))
        del data
        try:
            wb = pc.CalamineWorkbook.from_path(name)
        except pc.PasswordError:
            raise UnreadableFileError(name, msg("password")) from None
        except Exception as exc:  # calamine raises several of its own types
            raise UnreadableFileError(name, msg("not_a_workbook", detail=f"{type(exc).__name__}: {exc}")) from None
        try:
            ws = wb.get_sheet_by_name(sheet)
            rows = ws.to_python(skip_empty_area=False) if ws.height else []
        except Exception as exc:
            raise UnreadableFileError(name, msg("not_a_workbook", detail=f"{type(exc).__name__}: {exc}")) from None
        finally:
            wb.close()
        return _raw_sheet(name, sheet, rows, scan, self.book, self.notes)


class Structure:
    """The package as parsed before any worksheet: workbook, styles, tables."""

    def __init__(self, info: WorkbookInfo):
        self.info = info
        self.styles: dict[str, Percent | Padded] = {}
        self.tables: dict[str, list[TableInfo]] = {}
        self.worksheets: set[str] = set()      # parts of the sheets (parsed when read)

    @property
    def states(self) -> dict[str, str]:
        return {s.name: s.state for s in self.info.sheets}


def read_structure(path: Path) -> Structure:
    """Check the package and parse every XML part of it but the worksheets (expat; DTDs
    refused); raises :class:`UnreadableFileError`."""
    name = str(path)
    pkg, zf = check_package(path)
    with zf:
        members = pkg.members
        read = lambda m: read_member(zf, members[m], name)  # noqa: E731
        book = Structure(parse_workbook(read("xl/workbook.xml"), name))
        wb_rels = "xl/_rels/workbook.xml.rels"
        rels = parse_rels(read(wb_rels), name, wb_rels, "xl/workbook.xml") if wb_rels in members else {}
        for s in book.info.sheets:
            rel = rels.get(s.rid or "")
            s.part = rel.target if rel is not None else ""
        done = {"xl/workbook.xml", wb_rels}
        styles = next((r.target for r in rels.values() if r.type == "styles" and r.target in members), None)
        if styles is not None:
            book.styles = parse_styles(read(styles), name, styles)
            done.add(styles)
        for s in book.info.sheets:
            rel = rels.get(s.rid or "")
            if s.part not in members or s.part in done or rel is None or rel.type != "worksheet":
                continue                        # chart and dialog sheets hold no table
            sheet_rels = rels_member(s.part)
            tables = []
            if sheet_rels in members:
                for rel in parse_rels(read(sheet_rels), name, sheet_rels, s.part).values():
                    if rel.type == "table" and rel.target in members and rel.target not in done:
                        t = parse_table(read(rel.target), name, rel.target)
                        done.add(rel.target)
                        if t is not None:
                            tables.append(t)
                done.add(sheet_rels)
            book.tables[s.name] = tables
            check_prolog(zf, members[s.part], name)     # the whole part is parsed when read
            book.worksheets.add(s.part)
            done.add(s.part)
        for member in members:
            if member not in done and member.endswith(XML_SUFFIXES):
                parse_part(read(member), name, member)
        pkg.sheet_parts = {s.name: s.part for s in book.info.sheets}
    return book


def sheet_names(path: Path) -> dict[str, str]:
    """Sheet name -> state (visible, hidden, veryHidden), after the package checks."""
    return read_structure(Path(path)).states


# --- which sheets ---------------------------------------------------------------------


def _table_of(sheet: str) -> str | None:
    key = norm_key(sheet)
    return next((t.name for t in READ_TABLES if key in sheet_lookup(t)), None)


def _sheets_to_read(book: Structure, calamine_names: list[str], file: str,
                    notes: list[str] | None) -> list[str]:
    """The worksheets' names less the hidden sheets that a visible sheet stands in for."""
    states = book.states
    visible_tables = {_table_of(n) for n in calamine_names if states.get(n, "visible") == "visible"}
    visible_tables.discard(None)
    out = []
    for n in calamine_names:
        state = states.get(n, "visible")
        table = _table_of(n)
        if state != "visible" and table is not None:
            if table in visible_tables:
                shown = next(v for v in calamine_names
                             if states.get(v, "visible") == "visible" and _table_of(v) == table)
                _note(notes, msg("note_hidden_shadowed", file=file, hidden=n, shown=shown,
                                 table=msg(f"table_{table}")))
                continue
            _note(notes, msg("note_hidden_alone", file=file, hidden=n, table=msg(f"table_{table}")))
        out.append(n)
    return out


def _note(notes: list[str] | None, text: str) -> None:
    if notes is not None:
        notes.append(text)


# --- cells ----------------------------------------------------------------------------


def _raw_sheet(file: str, sheet: str, rows: list[list[Any]], scan: SheetScan, book: Structure,
               notes: list[str] | None) -> RawSheet:
    # calamine's rows reach its last value; markers may lie beyond (a formula saved
    # without a value is empty to calamine)
    marked = [*scan.errors, *scan.formulas]
    width = max(max((c + 1 for _, c in marked), default=0), len(rows[0]) if rows else 0)
    height = max(max((r + 1 for r, _ in marked), default=0), len(rows))
    if rows and len(rows[0]) != width:      # calamine's rows are a rectangle from A1
        rows = [r + [None] * (width - len(r)) for r in rows]
    rows += [[None] * width for _ in range(height - len(rows))]
    for (r, c), code in scan.errors.items():
        rows[r][c] = ErrorCell(code)
    sums = _formulas(rows, scan.formulas, book.info)
    for (r, c), style in scan.styled.items():
        kind = book.styles.get(style)
        v = rows[r][c]
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            continue
        if isinstance(kind, Percent):
            rows[r][c] = PercentCell(float(v), kind.code)
        elif isinstance(kind, Padded):
            shown = kind.display(v)
            if shown is not None:
                rows[r][c] = shown
    for t in book.tables.get(sheet, []):
        _drop_total_rows(rows, t, file, sheet, notes)
    spread = _spread_merges(rows, scan.merged)
    errors = {pos: cell.code for pos, cell in
              ((p, rows[p[0]][p[1]]) for p in (*scan.errors, *spread)) if isinstance(cell, ErrorCell)}
    return RawSheet(file, sheet, rows, errors, list(scan.merged), sums=sums)


_VOLATILE = re.compile(r"(?<![\w.])(?:_xlfn\.)?(TODAY|NOW|RAND|RANDBETWEEN|RANDARRAY)\s*\(", re.IGNORECASE)
_STRING = re.compile(r'"(?:[^"]|"")*"')


def _distrust(f: Formula, text: str, info: WorkbookInfo) -> str | None:
    """Why the saved value of a formula cannot be trusted (the cause only: the validating
    reader adds what was saved and the fix), or None when it can."""
    if not f.has_value:
        return msg("formula_not_calculated")
    m = _VOLATILE.search(_STRING.sub('""', text))
    if m:
        return msg("formula_volatile", function=m[1].upper())
    if info.full_calc_on_load:
        return msg("formula_full_calc")
    if info.manual_calc and not info.calc_on_save:
        return msg("formula_manual")
    return None


def _formulas(rows: list[list[Any]], formulas: dict[tuple[int, int], Formula],
              info: WorkbookInfo) -> dict[tuple[int, int], str]:
    """Mark the formulas whose saved value cannot be trusted (:class:`FormulaCell`); return
    the cells whose formula sums the column above them (:func:`.totals.sums_column_above`)."""
    sums: dict[tuple[int, int], str] = {}
    masters = {f.shared_index: (pos, f.text) for pos, f in formulas.items()
               if f.shared_index is not None and f.is_master}
    for pos, f in formulas.items():
        text = f.text
        if text is None and f.shared_index in masters:
            (r0, c0), master = masters[f.shared_index]
            text = shift_formula(master or "", pos[0] - r0, pos[1] - c0)
        text = text or ""
        if sums_column_above(text, *pos):
            sums[pos] = text
        reason = _distrust(f, text, info)
        if reason is None:
            continue
        cached = rows[pos[0]][pos[1]]
        if not f.has_value:
            cached = None
        rows[pos[0]][pos[1]] = FormulaCell(text, cached, reason)
    return sums


_REF_TOKEN = re.compile(r"""("(?:[^"]|"")*"|'(?:[^']|'')*')|(?<![\w.$])(\$?)([A-Za-z]{1,3})(\$?)(\d{1,7})(?![\w(])""")


def shift_formula(text: str, drow: int, dcol: int) -> str:
    """A shared formula's text as seen from a cell ``drow`` rows and ``dcol`` columns from
    its master: relative A1 references move, ``$`` ones and text literals do not."""

    def move(m: re.Match) -> str:
        if m[1] is not None:
            return m[1]
        col = 0
        for ch in m[3].upper():
            col = col * 26 + ord(ch) - 64
        row = int(m[5])
        if not m[2]:
            col += dcol
        if not m[4]:
            row += drow
        if col < 1 or row < 1:
            return "#REF!"
        letters = ""
        while col:
            col, rem = divmod(col - 1, 26)
            letters = chr(65 + rem) + letters
        return f"{m[2]}{letters}{m[4]}{row}"

    return _REF_TOKEN.sub(move, text)


def _drop_total_rows(rows: list[list[Any]], t: TableInfo, file: str, sheet: str,
                     notes: list[str] | None) -> None:
    if t.totals_rows <= 0:
        return
    first = max(t.last[0] - t.totals_rows + 1, t.first[0])
    dropped = []
    for r in range(first, min(t.last[0] + 1, len(rows))):
        row = rows[r]
        for c in range(t.first[1], min(t.last[1] + 1, len(row))):
            row[c] = None
        dropped.append(str(r + 1))
    if dropped:
        _note(notes, msg("note_total_row", file=file, sheet=sheet, rows=", ".join(dropped), table=t.name))


def _spread_merges(rows: list[list[Any]], merged) -> list[tuple[int, int]]:
    """The value of a merged range's top-left cell belongs to every row the range covers
    (in the range's first column); every other cell under the merge is blank, whatever
    the file keeps there. Returns the cells that received an error value."""
    errors = []
    for (r0, c0), (r1, c1) in merged:
        if r0 >= len(rows):
            continue
        value = rows[r0][c0] if c0 < len(rows[r0]) else None
        for r in range(r0, min(r1 + 1, len(rows))):
            row = rows[r]
            if c0 < len(row):
                row[c0] = value
                if isinstance(value, ErrorCell):
                    errors.append((r, c0))
            for c in range(c0 + 1, min(c1 + 1, len(row))):
                row[c] = None
    return errors
