"""XlsxWriter, streamed: big sheets go to disk 16 rows at a time, in bounded memory, and every
sheet comes out byte for byte as XlsxWriter writes it from memory.

XlsxWriter keeps every cell of a workbook in memory until ``close()`` (about 200 bytes a
cell: 2.5 GB for a 100,000-client analysis book). Its ``constant_memory`` mode writes each
row when the next one starts, but then strings are written inline (no shared strings), rows
lose their ``spans``, charts lose their cached data (``Worksheet._get_range_data`` returns
nothing) and any write to an earlier row is dropped without a word. :class:`Worksheet` keeps
XlsxWriter's own output instead:

* :meth:`Worksheet.stream` (before the first write) makes a sheet write its rows to a
  temporary file a block of 16 rows at a time -- the blocks XlsxWriter computes ``spans`` over
  -- as soon as a write opens a row past the block; rows may be written in any order within a
  block. A write to a row already written out raises :class:`RowOrderError` (a defect in the
  writer, never silent). Columns named in ``keep`` stay in memory for the charts' caches.
* Shared strings are kept, and each format's XF index is fixed when the format is created
  (:class:`Book`), not when a cell first uses it, so that when a row is written out cannot
  change the file.
* Cells are serialised by :meth:`Worksheet._write_rows`, a faster copy of XlsxWriter's
  ``_write_rows``/``_write_cell`` for the cell kinds xlprof writes (numbers, dates, shared
  strings, blanks, formulas with cached values; the others go through XlsxWriter's own
  ``_write_cell``). Same bytes, checked by ``tests/test_scale_writer.py`` against XlsxWriter.
* :meth:`Worksheet.put_formula` stores a formula without XlsxWriter's per-formula regular
  expressions (dynamic-array detection, future-function prefixes): xlprof's formulas use
  neither (``tests/test_workbook.py`` checks every function the books use).

Upstream: XlsxWriter 3.3.1 ``worksheet.py`` (``_write_rows``, ``_write_cell``,
``_calculate_spans``, ``_write_formula``, ``_get_range_data``) and ``format.py``
(``_get_xf_index``). XlsxWriter is pinned (pyproject) because these overrides depend on it.
"""

from __future__ import annotations

import shutil
import tempfile
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.worksheet import (CellArrayFormulaTuple, CellBlankTuple, CellDatetimeTuple, CellFormulaTuple,
                                  CellNumberTuple, CellStringTuple)
from xlsxwriter.worksheet import Worksheet as _XlsxWorksheet

BLOCK = 16                       # XlsxWriter computes a row's ``spans`` over blocks of 16 rows
COMPRESSION = 1                  # zlib level: 4x faster than XlsxWriter's 6, files about a quarter larger
_ERRORS = frozenset(("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"))
_FAST = frozenset((CellNumberTuple, CellDatetimeTuple, CellStringTuple, CellFormulaTuple, CellBlankTuple))
_LETTERS = [xl_col_to_name(c) for c in range(16384)]


class RowOrderError(RuntimeError):
    """A cell was written to a row of a streamed sheet that is already on disk (a defect)."""


def _escape(text: str) -> str:
    """XlsxWriter's ``_escape_data`` for text (without its regular expression)."""
    if "&" in text or "<" in text or ">" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


class _Rows(dict):
    """The sheet's cell table (row -> {col: cell}); a new row may write earlier blocks out."""

    __slots__ = ("sheet",)

    def __missing__(self, row: int) -> dict:
        self.sheet._opening(row)
        cells = self[row] = {}
        return cells


class Worksheet(_XlsxWorksheet):
    """An XlsxWriter worksheet with optional streaming and a faster cell serialiser."""

    def __init__(self) -> None:
        super().__init__()
        self._spill = None       # the temporary file of rows written out (streaming)
        self._open = 0           # first row not written out yet (a multiple of BLOCK)
        self._keep: frozenset[int] = frozenset()
        self._kept: dict[int, dict[int, Any]] = {}
        self._styles: dict[Any, str] = {}   # format -> ' s="N"'

    # --- streaming ----------------------------------------------------------------------

    def stream(self, keep: tuple[int, ...] = ()) -> "Worksheet":
        """Write rows to disk as the sheet fills (call before the first write). ``keep``:
        columns the charts draw, kept in memory for their cached data."""
        if self.dim_rowmin is not None:
            raise RuntimeError(f"{self.name}: stream() must come before the first write")
        # newline="": read back as written (universal newlines would turn a "\r" in a value into "\n")
        self._spill = tempfile.TemporaryFile("w+", encoding="utf-8", newline="", dir=self.tmpdir)
        rows = _Rows()
        rows.sheet = self
        self.table = rows
        self._keep = frozenset(keep)
        return self

    def _opening(self, row: int) -> None:
        if self._spill is not None and row >= self._open + BLOCK:
            self._write_out(row - row % BLOCK)

    def _write_out(self, upto: int) -> None:
        """Serialise rows ``self._open`` .. ``upto - 1`` to the temporary file, free them."""
        fh, self.fh = self.fh, self._spill
        try:
            self._rows_xml(self._open, upto)
        finally:
            self.fh = fh
        table, keep = self.table, self._keep
        for r in [r for r in table if r < upto]:
            cells = table.pop(r)
            if keep:
                kept = {c: cell for c, cell in cells.items() if c in keep}
                if kept:
                    self._kept[r] = kept
        self._open = upto

    def _check_dimensions(self, row: int, col: int, ignore_row: bool = False, ignore_col: bool = False) -> int:
        # XlsxWriter's _check_dimensions (one call, not two: it runs for every cell), refusing a
        # row already written out
        if row < 0 or col < 0 or row >= self.xls_rowmax or col >= self.xls_colmax:
            return -1
        if not ignore_row:
            if row < self._open:
                raise RowOrderError(f"sheet {self.name}: row {row + 1} was written to after it was saved "
                                    f"(rows are written top to bottom; rows up to {self._open} are on disk)")
            if self.dim_rowmin is None or row < self.dim_rowmin:
                self.dim_rowmin = row
            if self.dim_rowmax is None or row > self.dim_rowmax:
                self.dim_rowmax = row
        if not ignore_col:
            if self.dim_colmin is None or col < self.dim_colmin:
                self.dim_colmin = col
            if self.dim_colmax is None or col > self.dim_colmax:
                self.dim_colmax = col
        return 0

    # --- storing --------------------------------------------------------------------------

    def put_formula(self, row: int, col: int, formula: str, fmt=None, value: Any = 0) -> int:
        """``write_formula`` without the per-formula regular expressions (see the module
        docstring); array formulas (``{...}``) go through XlsxWriter."""
        if formula[:1] == "{":
            return self.write_formula(row, col, formula, fmt, value)
        if self._check_dimensions(row, col):
            return -1
        self.table[row][col] = CellFormulaTuple(formula[1:] if formula[:1] == "=" else formula, fmt, value)
        return 0

    # write_number/write_string/write_blank without the decorator that reads "A1" arguments
    # (their undecorated versions, with the common case inline)

    def put_number(self, row: int, col: int, number: float, fmt=None) -> int:
        if number - number != 0:                 # NaN, inf: XlsxWriter says what is wrong
            return self._write_number(row, col, number, fmt)
        if self._check_dimensions(row, col):
            return -1
        self.table[row][col] = CellNumberTuple(number, fmt)
        return 0

    def put_string(self, row: int, col: int, string: str, fmt=None) -> int:
        if len(string) > self.xls_strmax // 2:  # maybe past Excel's limit: XlsxWriter truncates
            return self._write_string(row, col, string, fmt)
        if self._check_dimensions(row, col):
            return -1
        self.table[row][col] = CellStringTuple(self.str_table._get_shared_string_index(string), fmt)
        return 0

    def put_blank(self, row: int, col: int, fmt=None) -> int:
        return self._write_blank(row, col, None, fmt)

    def put_array_formula(self, first: int, col: int, last: int, formula: str, fmt=None, value: Any = 0) -> int:
        """``write_array_formula`` over rows ``first``..``last`` of one column, without the
        zeros XlsxWriter pads the other cells with (they would reach rows far ahead of a
        streamed sheet): the caller writes every other cell of the range itself."""
        if self._check_dimensions(first, col) or self._check_dimensions(last, col):
            return -1
        ref = xl_rowcol_to_cell(first, col) if first == last else \
            f"{xl_rowcol_to_cell(first, col)}:{xl_rowcol_to_cell(last, col)}"
        self.table[first][col] = CellArrayFormulaTuple(self._prepare_formula(formula), fmt, value, ref, "static")
        return 0

    # --- serialising ------------------------------------------------------------------------

    def _write_sheet_data(self) -> None:
        if self.dim_rowmin is None:
            self._xml_empty_tag("sheetData")
            return
        self._xml_start_tag("sheetData")
        if self._spill is not None:
            self._spill.seek(0)
            shutil.copyfileobj(self._spill, self.fh, 1 << 20)
            self._spill.close()
            self._spill = None
        self._write_rows()
        self._xml_end_tag("sheetData")

    def _write_rows(self) -> None:
        self._rows_xml(self._open, self.dim_rowmax + 1)

    def _rows_xml(self, first: int, end: int) -> None:
        """XlsxWriter's ``_write_rows`` for rows ``first`` .. ``end - 1``, block by block."""
        table, info, comments = self.table, self.row_info, self.comments
        used = sorted(r for r in {*table, *info, *comments} if first <= r < end
                      and (table.get(r) or r in info or r in comments))
        k = 0
        while k < len(used):
            block = used[k] // BLOCK
            j = k
            while j < len(used) and used[j] // BLOCK == block:
                j += 1
            lo = hi = None
            for r in used[k:j]:
                for cols in (table.get(r), comments.get(r)):
                    if cols:
                        a, b = min(cols), max(cols)
                        lo = a if lo is None or a < lo else lo
                        hi = b if hi is None or b > hi else hi
            span = f"{lo + 1}:{hi + 1}" if lo is not None else None
            for r in used[k:j]:
                cells = table.get(r)
                if cells:
                    self._write_row(r, span, info.get(r))
                    self._cells_xml(r, cells)
                    self.fh.write("</row>")
                else:
                    self._write_empty_row(r, span, info.get(r))
            k = j

    def _cells_xml(self, row: int, cells: dict) -> None:
        """The ``<c>`` elements of one row, as XlsxWriter's ``_write_cell`` writes them."""
        rn = str(row + 1)
        out = []
        styles = self._styles
        row_fmt = self.row_info[row].row_format if row in self.row_info else None
        for col in sorted(cells):
            cell = cells[col]
            kind = type(cell)
            if kind not in _FAST:
                if out:
                    self.fh.write("".join(out))
                    out.clear()
                self._write_cell(row, col, cell)
                continue
            fmt = cell[-1] if kind is CellBlankTuple else cell[1]
            if fmt is None:                      # upstream: the row's, else the column's format
                fmt = row_fmt
                if fmt is None and col in self.col_info:
                    fmt = self.col_info[col].column_format
            if fmt is None:
                attr = f' r="{_LETTERS[col]}{rn}"'
            else:
                s = styles.get(fmt)
                if s is None:
                    s = styles[fmt] = f' s="{fmt._get_xf_index()}"'
                attr = f' r="{_LETTERS[col]}{rn}"{s}'
            if kind is CellFormulaTuple:         # upstream: _write_cell, "Formula" branch
                formula, _, value = cell
                if isinstance(value, bool):
                    attr += ' t="b"'
                    value = 1 if value else 0
                elif isinstance(value, str):
                    if value in _ERRORS:
                        attr += ' t="e"'
                    elif value:
                        attr += ' t="str"'
                    value = _escape(value)
                out.append(f"<c{attr}><f>{_escape(formula)}</f><v>{value}</v></c>")
            elif kind is CellStringTuple:        # "String" branch (shared strings)
                out.append(f'<c{attr} t="s"><v>{cell[0]}</v></c>')
            elif kind is CellBlankTuple:         # "Blank" branch
                out.append(f"<c{attr}/>")
            else:                                # "Number" and "Datetime" branches
                out.append(f"<c{attr}><v>{cell[0]:.16G}</v></c>")
        if out:
            self.fh.write("".join(out))

    def _get_range_data(self, row_start, col_start, row_end, col_end):
        """XlsxWriter's chart cache, also from the rows written out (their kept columns)."""
        if row_start < self._open and not set(range(col_start, col_end + 1)) <= self._keep:
            raise RowOrderError(f"sheet {self.name}: a chart draws rows already saved from columns "
                                "not kept for it (Worksheet.stream(keep=...))")
        table = self.table
        if not self._kept:
            return super()._get_range_data(row_start, col_start, row_end, col_end)
        kept, self.table = self.table, {**self._kept, **dict(table)}
        try:
            return super()._get_range_data(row_start, col_start, row_end, col_end)
        finally:
            self.table = kept


class Book(xlsxwriter.Workbook):
    """An XlsxWriter workbook of :class:`Worksheet` sheets whose formats get their XF index
    when created, in creation order (XlsxWriter gives it when a cell first uses the format,
    so a sheet written out early would renumber the styles), deflated at zlib level
    :data:`COMPRESSION` (XlsxWriter: zlib's default, 6)."""

    worksheet_class = Worksheet

    def __init__(self, filename=None, options=None) -> None:
        self._xf_now = False
        super().__init__(filename, options)
        self._xf_now = True

    def add_format(self, properties=None):
        fmt = super().add_format(properties)
        if self._xf_now:
            fmt._get_xf_index()
        return fmt

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.discard()

    def _store_workbook(self) -> None:
        # XlsxWriter's _store_workbook creates its ZipFile without a compression level (zlib's
        # default, 6) and offers no option for it: give the module's ZipFile one for the call.
        import functools

        from xlsxwriter import workbook as module

        zipfile_class = module.ZipFile
        module.ZipFile = functools.partial(zipfile_class, compresslevel=COMPRESSION)
        try:
            super()._store_workbook()
        finally:
            module.ZipFile = zipfile_class

    def discard(self) -> None:
        """Close the streamed sheets' temporary files (after close(), or when the writing
        failed and the file is abandoned)."""
        for ws in self.worksheets():
            spill = getattr(ws, "_spill", None)
            if spill is not None:
                spill.close()
                ws._spill = None


def prepare_formula(formula: str, expand_future_functions: bool = False) -> str:
    """XlsxWriter's ``_prepare_formula`` for xlprof's formulas: they use no future or
    dynamic-array functions (a test checks every one), so its ~30 regular expressions are
    skipped and only the leading ``=`` goes."""
    return formula[1:] if formula.startswith("=") else formula


def worksheet_class(*, serialiser: bool = True, streamed: bool = True, shortcut: bool = True) -> type:
    """:class:`Worksheet`, or a variant with some of its optimisations switched off, for the
    checks that they change no byte (tests/test_scale_writer.py) and for measuring what each
    buys (benchmarks/bench_workbook.py): ``serialiser`` (its cell serialiser, else
    XlsxWriter's; streaming needs it), ``streamed`` (per-client sheets to disk, else every
    cell in memory), ``shortcut`` (cells stored without XlsxWriter's argument decorator and
    per-formula regular expressions). All off: XlsxWriter's own code path. Use as
    ``Book.worksheet_class``."""
    if serialiser and streamed and shortcut:
        return Worksheet
    plain = _XlsxWorksheet

    def stream_(self, keep=()):
        return Worksheet.stream(self, keep) if streamed else self

    def put_formula(self, r, c, formula, fmt=None, value=0):
        if shortcut:
            return Worksheet.put_formula(self, r, c, formula, fmt, value)
        return self.write_formula(r, c, formula, fmt, value)

    def put_number(self, r, c, x, fmt=None):
        return Worksheet.put_number(self, r, c, x, fmt) if shortcut else self.write_number(r, c, x, fmt)

    def put_string(self, r, c, text, fmt=None):
        return Worksheet.put_string(self, r, c, text, fmt) if shortcut else self.write_string(r, c, text, fmt)

    def put_blank(self, r, c, fmt=None):
        return self.write_blank(r, c, None, fmt)

    def put_array_formula(self, first, c, last, formula, fmt=None, value=0):
        if streamed:     # XlsxWriter pads the range with zeros: rows far ahead of a streamed sheet
            return Worksheet.put_array_formula(self, first, c, last, formula, fmt, value)
        return self.write_array_formula(first, c, last, c, formula, fmt, value)

    def prepare(self):
        return prepare_formula if shortcut else plain._prepare_formula.__get__(self)

    return type("Worksheet", (Worksheet if serialiser else plain,),
                {"stream": stream_, "put_formula": put_formula, "put_array_formula": put_array_formula,
                 "put_number": put_number, "put_string": put_string, "put_blank": put_blank,
                 "_prepare_formula": property(prepare, lambda self, fn: None)})
