"""Checks an .xlsx package before any parser touches it.

Rejects what is not a workbook (legacy .xls, encrypted files, OpenDocument renamed
.xlsx, plain text), truncated or corrupt zips, zip bombs (uncompressed size and
compression ratio limits), path-traversal member names, and XML with DOCTYPE or
entity declarations (billion laughs, external entities). Also finds the cells that
hold Excel error values, which python-calamine reads as empty strings.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UnreadableFileError

MAX_UNCOMPRESSED = 1 << 30          # 1 GiB across all members
MAX_MEMBER_RATIO = 200              # uncompressed / compressed for one large member
MAX_MEMBERS = 10_000
RATIO_MIN_SIZE = 1 << 20            # ratios only matter for members over 1 MiB

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
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
            raise UnreadableFileError(name, f"has {len(infos)} parts; more than {MAX_MEMBERS} is not a normal workbook")
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
            for info in infos:
                if info.filename.endswith((".xml", ".rels", ".vml")):
                    data = _read_member(zf, info, name)
                    if _DTD.search(data[:4096]) or _DTD.search(data):
                        raise UnreadableFileError(
                            name, f"is unsafe: part {info.filename!r} declares a DTD or XML entities")
            pkg.sheet_parts = _sheet_parts(zf)
            for sheet, part in pkg.sheet_parts.items():
                if part in names:
                    data = zf.read(part)
                    if b't="e"' in data:
                        pkg.errors[sheet] = {
                            (int(m[2]) - 1, col_index(m[1].decode())): _unescape(m[3])
                            for m in _ERROR_CELL.finditer(data)
                        }
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
            raise UnreadableFileError(name, f"is a damaged or truncated .xlsx file ({exc})") from None
    return pkg


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
    wb = zf.read("xl/workbook.xml")
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
