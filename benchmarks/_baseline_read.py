"""Today's xlsx reader (main at d1f4cf3, before issue 9), frozen as the baseline of
bench_read.py: regular-expression and numpy scans of the package, then python-calamine.
Not used by xlprof; kept only so the benchmark compares against it in the same run.
"""
# ruff: noqa


from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from xlprof.errors import UnreadableFileError

MAX_ROWS = 500_000                  # rows of one sheet (or lines of one CSV file)
MAX_CELLS = 15_000_000              # rows x columns of one sheet
MAX_UNCOMPRESSED = 1 << 30          # 1 GiB across all members
MAX_MEMBER_RATIO = 200              # uncompressed / compressed for one large member
MAX_MEMBERS = 10_000
RATIO_MIN_SIZE = 1 << 20            # ratios only matter for members over 1 MiB

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")
# ASCII-compatible encodings only (Excel writes UTF-8; some tools declare Latin-1)
_ASCII_COMPATIBLE = {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin1", "latin-1",
                     "iso-8859-15", "windows-1252", "cp1252"}
_ERROR_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*?t="e"[^>]*>(?:<f[^>]*?(?:/>|>.*?</f>))?<v>([^<]*)</v>',
                         re.DOTALL)
_SHEET = re.compile(rb'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"')
_SHEET_ALT = re.compile(rb'<sheet\b[^>]*?r:id="([^"]*)"[^>]*?name="([^"]*)"')
_REL = re.compile(rb'<Relationship\b[^>]*?Id="([^"]*)"[^>]*?Target="([^"]*)"|'
                  rb'<Relationship\b[^>]*?Target="([^"]*)"[^>]*?Id="([^"]*)"')


@dataclass
class Package:
    """What the safety check learnt about a workbook package."""

    path: Path
    sheet_parts: dict[str, str] = field(default_factory=dict)   # sheet name -> part name
    errors: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict)  # sheet -> (row0, col0) -> "#N/A"


def _unescape(b: bytes) -> str:
    import html

    return html.unescape(b.decode("utf-8", "replace"))


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def check_xlsx(path: Path) -> Package:
    """Validate the package at ``path``; raise :class:`UnreadableFileError` with the reason."""
    name = str(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except IsADirectoryError:
        raise UnreadableFileError(name, "is a folder, not a workbook") from None
    except FileNotFoundError:
        raise UnreadableFileError(name, "no such file") from None
    except PermissionError:
        raise UnreadableFileError(name, "permission denied") from None
    except OSError as exc:
        raise UnreadableFileError(name, f"cannot be read ({exc.strerror or exc})") from None
    if head.startswith(OLE_MAGIC):
        raise UnreadableFileError(
            name, "is password-protected or an old .xls workbook; remove the password or "
                  "save it as .xlsx (Excel Workbook) and try again")
    if not head.startswith(b"PK"):
        raise UnreadableFileError(name, "is not an .xlsx workbook (not a zip package)")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableFileError(name, f"is a damaged or truncated .xlsx file ({exc})") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise UnreadableFileError(name, f"has {len(infos):,} parts; more than {MAX_MEMBERS:,} is not a normal workbook")
        total = 0
        for info in infos:
            member = info.filename
            norm = posixpath.normpath(member)
            if member.startswith(("/", "\\")) or norm.startswith("..") or ":" in member or "\\" in member:
                raise UnreadableFileError(name, f"is unsafe: part name {member!r} points outside the package")
            total += info.file_size
            if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_MEMBER_RATIO * max(info.compress_size, 1):
                raise UnreadableFileError(
                    name, f"is unsafe: part {member!r} expands {info.file_size // max(info.compress_size, 1)}x "
                          "(a zip bomb?)")
        if total > MAX_UNCOMPRESSED:
            raise UnreadableFileError(
                name, f"is too large: {total / 2**20:,.0f} MiB uncompressed (limit {MAX_UNCOMPRESSED / 2**20:,.0f} MiB)")
        names = {i.filename for i in infos}
        if "mimetype" in names:
            mt = zf.read("mimetype")[:100]
            if b"opendocument" in mt:
                raise UnreadableFileError(name, "is an OpenDocument (.ods) file renamed; save it as .xlsx")
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise UnreadableFileError(name, "is a zip file but not an Excel workbook (no xl/workbook.xml)")
        pkg = Package(Path(path))
        try:
            pkg.sheet_parts = _sheet_parts(zf)
            part_sheet = {part: sheet for sheet, part in pkg.sheet_parts.items()}
            for info in infos:
                if info.filename.endswith((".xml", ".rels", ".vml")):
                    data = _read_member(zf, info, name)
                    _check_encoding(data, name, info.filename)
                    if _DTD.search(data):
                        raise UnreadableFileError(
                            name, f"is unsafe: part {info.filename!r} declares a DTD or XML entities")
                    sheet = part_sheet.get(info.filename)
                    if sheet is None and b"sheetData" not in data:
                        continue
                    _check_extent(data, name, sheet or info.filename)
                    if sheet is not None and b't="e"' in data:
                        pkg.errors[sheet] = {
                            (int(m[2]) - 1, col_index(m[1].decode())): _unescape(m[3])
                            for m in _ERROR_CELL.finditer(data)
                        }
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError) as exc:
            raise UnreadableFileError(name, f"is a damaged or truncated .xlsx file ({exc})") from None
    return pkg


def _check_encoding(data: bytes, name: str, member: str) -> None:
    """Only UTF-8 (or another ASCII-compatible encoding) XML, what Excel and the usual
    writers produce: in UTF-16 or UTF-7 a DTD would slip past the byte-level check, and
    python-calamine reads a UTF-16 sheet as empty without a word."""
    m = _XML_ENCODING.match(data[:200])
    declared = m[1].decode("ascii", "replace").strip().lower() if m else None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:1024] or (
            declared is not None and declared not in _ASCII_COMPATIBLE):
        raise UnreadableFileError(
            name, f"is not a standard .xlsx: part {member!r} is not UTF-8 XML"
                  f"{f' (declared {declared})' if declared else ''}; open it in Excel and save it again")


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    # Read in chunks so a lying header cannot make us inflate past the declared size.
    out = bytearray()
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 20):
            out += chunk
            if len(out) > info.file_size or len(out) > MAX_UNCOMPRESSED:
                raise UnreadableFileError(name, f"is unsafe: part {info.filename!r} is larger than it declares")
    return bytes(out)


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    wb = _read_member(zf, zf.getinfo("xl/workbook.xml"), "xl/workbook.xml")
    try:
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets = {}
    for m in _REL.finditer(rels):
        rid, target = (m[1], m[2]) if m[1] is not None else (m[4], m[3])
        t = _unescape(target)
        t = t.lstrip("/") if t.startswith("/") else posixpath.normpath(posixpath.join("xl", t))
        targets[rid.decode()] = t
    out = {}
    for m in _SHEET.finditer(wb):
        out[_unescape(m[1])] = targets.get(m[2].decode(), "")
    if not out:
        for m in _SHEET_ALT.finditer(wb):
            out[_unescape(m[2])] = targets.get(m[1].decode(), "")
    return out


# --- sheet extent ----------------------------------------------------------------------

_CELL_REF = np.frombuffer(b'<c r="', dtype=np.uint8)
_TAG_END = np.zeros(256, dtype=bool)                   # what may follow a tag name
_TAG_END[list(b" \t\r\n>/")] = True
_UPPER = np.zeros(256, dtype=bool)
_UPPER[ord("A"):ord("Z") + 1] = True
_DIGIT = np.zeros(256, dtype=bool)
_DIGIT[ord("0"):ord("9") + 1] = True
_TAG = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?(row|c)[\s>/]([^>]*)')
_ATTR_R = re.compile(rb"""\br\s*=\s*["']([A-Za-z]*)(\d*)["']""")
_CHUNK = 1 << 24


class _Irregular(Exception):
    pass


def _check_extent(data: bytes, name: str, sheet: str) -> None:
    """Raise "too large" when the cells of a sheet part span too many rows or cells."""
    rows, cols = sheet_extent(data)
    if rows > MAX_ROWS or rows * cols > MAX_CELLS:
        raise UnreadableFileError(
            name, f"sheet {sheet}: {rows:,} rows x {cols:,} columns is too large "
                  f"(limits: {MAX_ROWS:,} rows, {MAX_CELLS:,} cells)")


def sheet_extent(data: bytes) -> tuple[int, int]:
    """(last row, last column), 1-based, over every cell of a worksheet part's XML.

    The usual layout (every cell tag is ``<c r="A1" ...``, no namespace prefix) is
    scanned with numpy, a fraction of a second per 100 MB; anything else (prefixes,
    cells without a reference) falls back to a slower tag-by-tag scan.
    """
    a = np.frombuffer(data + bytes(24), dtype=np.uint8)  # padded: a ref may end the data
    max_row = max_col = 0
    try:
        for start in range(0, len(data), _CHUNK):
            rows, cols = _extent_fast(a, start, min(start + _CHUNK, len(data)))
            max_row, max_col = max(max_row, rows), max(max_col, cols)
    except _Irregular:
        return _extent_slow(data)
    return max_row, max_col


def _extent_fast(a: np.ndarray, start: int, stop: int) -> tuple[int, int]:
    chunk = a[start:stop]
    colon = np.flatnonzero(chunk == ord(":")) + start
    if np.any((a[colon + 1] == ord("c")) & _TAG_END[a[colon + 2]]):
        raise _Irregular  # a prefixed <x:c> tag (or text that looks like one)
    lt_c = chunk == ord("<")
    lt_c &= a[start + 1:stop + 1] == ord("c")
    tag = np.flatnonzero(lt_c) + start
    tag = tag[_TAG_END[a[tag + 2]]]
    ref = np.ones(len(tag), dtype=bool)
    for k in range(2, len(_CELL_REF)):
        ref &= a[tag + k] == _CELL_REF[k]
    if not ref.all():
        raise _Irregular  # a cell without r="..." first
    p = tag + len(_CELL_REF)
    if not len(p):
        return 0, 0
    # Letters then digits; a fourth letter (past XFD) or an eighth digit only makes
    # the result larger, so runs are cut there.
    letters = np.zeros(len(p), dtype=np.int64)
    idx = np.arange(len(p))
    for k in range(4):
        idx = idx[_UPPER[a[p[idx] + k]]]
        letters[idx] += 1
    digits_at = p + letters
    return _longest_number(a, digits_at, _DIGIT, 8, 10), _longest_number(a, p, _UPPER, 4, 26)


def _longest_number(a: np.ndarray, p: np.ndarray, table: np.ndarray, most: int, base: int) -> int:
    """Largest number spelt from positions ``p`` by symbols of ``table`` (digits or A-Z)."""
    cur, length = p, 0
    for k in range(most):
        longer = cur[table[a[cur + k]]]
        if not len(longer):
            break
        cur, length = longer, k + 1
    if length == 0:
        return 0
    zero = ord("0") if base == 10 else ord("A") - 1
    value = np.zeros(len(cur), dtype=np.int64)
    for k in range(length):
        value = value * base + a[cur + k].astype(np.int64) - zero
    return int(value.max())


def _extent_slow(data: bytes) -> tuple[int, int]:
    max_row = max_col = row = col = 0
    for m in _TAG.finditer(data):
        r = _ATTR_R.search(m[2])
        if m[1] == b"row":
            row = int(r[2]) if r and r[2] else row + 1
            col = 0
            max_row = max(max_row, row)
            continue
        col = col_index(r[1].upper().decode()) + 1 if r and r[1] else col + 1
        max_row = max(max_row, int(r[2]) if r and r[2] else row)
        max_col = max(max_col, col)
    return max_row, max_col


def read_xlsx_baseline(path):
    """Today's ``reader._read_xlsx``: package checks, then calamine for every sheet."""
    import python_calamine as pc

    pkg = check_xlsx(path)
    wb = pc.CalamineWorkbook.from_path(str(path))
    out = {}
    try:
        for sheet_name in wb.sheet_names:
            sheet = wb.get_sheet_by_name(sheet_name)
            height, width = sheet.height, sheet.width
            if height > MAX_ROWS or height * width > MAX_CELLS:
                raise UnreadableFileError(str(path), "too large")
            rows = sheet.to_python(skip_empty_area=False)
            merged = list(getattr(sheet, "merged_cell_ranges", None) or [])
            out[sheet_name] = (rows, pkg.errors.get(sheet_name, {}), merged)
    finally:
        wb.close()
    return out
