"""Checks an .xlsx package before, and while, any of its XML is read.

Rejects what is not a workbook (legacy .xls, encrypted files, OpenDocument renamed
.xlsx, plain text), truncated or corrupt zips, zip bombs (uncompressed size and
compression ratio limits), path-traversal member names, XML with a DTD or entity
declarations (billion laughs, external entities), XML that is not UTF-8 (or another
ASCII-compatible encoding) and sheets whose cells span more rows or cells than xlprof
reads (python-calamine allocates the whole rectangle from A1 to the last cell that
holds a value, so one value in XFD1048576 would abort the process).

Every XML part is read with expat, namespace-aware, through :func:`parse_part`: a DTD
or an entity declaration stops the parse at once (nothing is expanded), and so does
malformed XML. No part is ever searched with patterns over its text.
"""

from __future__ import annotations

import os
import posixpath
import pyexpat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..errors import UnreadableFileError
from ..messages import msg

MAX_ROWS = 500_000                  # rows of one sheet (or lines of one CSV file)
MAX_CELLS = 15_000_000              # rows x columns of one sheet
MAX_UNCOMPRESSED = 1 << 30          # 1 GiB across all members
MAX_MEMBER_RATIO = 200              # uncompressed / compressed for one large member
MAX_MEMBERS = 10_000
RATIO_MIN_SIZE = 1 << 20            # ratios only matter for members over 1 MiB

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# ASCII-compatible encodings only (Excel writes UTF-8; some tools declare Latin-1)
ASCII_COMPATIBLE = {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin1", "latin-1",
                    "iso-8859-15", "windows-1252", "cp1252"}
XML_SUFFIXES = (".xml", ".rels", ".vml")
NS_SEP = "|"                        # expat's separator between namespace URI and local name


@dataclass
class Package:
    """What the package check learnt: the zip's members and the path it came from."""

    path: Path
    members: dict[str, zipfile.ZipInfo] = field(default_factory=dict)
    sheet_parts: dict[str, str] = field(default_factory=dict)   # sheet name -> part name


class _Stop(Exception):
    """Raised inside expat handlers to abandon a parse; carries the user-facing reason."""

    def __init__(self, reason: str):
        self.reason = reason


def check_package(path: Path) -> tuple[Package, zipfile.ZipFile]:
    """Check the zip container at ``path``; return it opened (the caller closes it).

    Raises :class:`UnreadableFileError` with the reason; nothing is inflated here, the
    sizes come from the zip directory.
    """
    name = str(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except IsADirectoryError:
        raise UnreadableFileError(name, msg("is_folder")) from None
    except FileNotFoundError:
        raise UnreadableFileError(name, msg("no_such_file_only")) from None
    except PermissionError:
        raise UnreadableFileError(name, msg("permission_denied")) from None
    except OSError as exc:
        raise UnreadableFileError(name, msg("cannot_read", detail=exc.strerror or str(exc))) from None
    if head.startswith(OLE_MAGIC):
        raise UnreadableFileError(name, msg("ole"))
    if not head.startswith(b"PK"):
        raise UnreadableFileError(name, msg("not_zip"))
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableFileError(name, msg("damaged", detail=str(exc))) from None
    try:
        pkg = _check_members(zf, Path(path))
    except BaseException:
        zf.close()
        raise
    return pkg, zf


def _check_members(zf: zipfile.ZipFile, path: Path) -> Package:
    name = str(path)
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise UnreadableFileError(name, msg("too_many_parts", n=len(infos), limit=MAX_MEMBERS))
    total = 0
    for info in infos:
        member = info.filename
        norm = posixpath.normpath(member)
        if member.startswith(("/", "\\")) or norm.startswith("..") or ":" in member or "\\" in member:
            raise UnreadableFileError(name, msg("outside_package", part=member))
        total += info.file_size
        if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_MEMBER_RATIO * max(info.compress_size, 1):
            raise UnreadableFileError(
                name, msg("zip_bomb", part=member, ratio=str(info.file_size // max(info.compress_size, 1))))
    if total > MAX_UNCOMPRESSED:
        raise UnreadableFileError(name, msg("too_large_package", size=total / 2**20, limit=MAX_UNCOMPRESSED / 2**20))
    members = {i.filename: i for i in infos}
    if "mimetype" in members:
        mt = read_member(zf, members["mimetype"], name)[:100]
        if b"opendocument" in mt:
            raise UnreadableFileError(name, msg("ods_renamed"))
    if "[Content_Types].xml" not in members or "xl/workbook.xml" not in members:
        raise UnreadableFileError(name, msg("zip_not_workbook"))
    return Package(path, members)


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    """The bytes of one member, never inflated past the size its headers declare."""
    out = bytearray()
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(1 << 20):
                out += chunk
                if len(out) > info.file_size or len(out) > MAX_UNCOMPRESSED:
                    raise UnreadableFileError(name, msg("larger_than_declared", part=info.filename))
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise UnreadableFileError(name, msg("damaged", detail=str(exc))) from None
    return bytes(out)


def check_encoding(data: bytes, name: str, member: str) -> None:
    """Only UTF-8 (or another ASCII-compatible encoding) XML, what Excel and the usual
    writers produce: python-calamine reads a UTF-16 sheet as empty without a word.
    (The declared encoding itself is checked by the parser, see :func:`parse_part`.)"""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:1024]:
        raise UnreadableFileError(name, _not_utf8(member, None))


def _not_utf8(member: str, declared: str | None) -> str:
    return msg("not_utf8", part=member, declared=msg("declared", encoding=declared) if declared else "")


def new_parser(member: str) -> pyexpat.XMLParserType:
    """A namespace-aware expat parser that refuses DTDs, entity declarations and
    encodings other than ASCII-compatible ones (names come as ``uri|local``)."""
    p = pyexpat.ParserCreate(namespace_separator=NS_SEP)
    p.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse_dtd(*_a):
        raise _Stop(msg("dtd", part=member))

    def xml_decl(_version, encoding, _standalone):
        if encoding is not None and encoding.strip().lower() not in ASCII_COMPATIBLE:
            raise _Stop(_not_utf8(member, encoding.strip().lower()))

    p.StartDoctypeDeclHandler = refuse_dtd
    p.EntityDeclHandler = refuse_dtd
    p.UnparsedEntityDeclHandler = refuse_dtd
    p.NotationDeclHandler = refuse_dtd
    p.ExternalEntityRefHandler = refuse_dtd
    p.XmlDeclHandler = xml_decl
    return p


def parse_part(data: bytes, name: str, member: str,
               setup: Callable[[pyexpat.XMLParserType], None] | None = None) -> None:
    """Parse one XML part with :func:`new_parser`; ``setup(parser)`` installs the
    caller's handlers (which may raise :class:`UnreadableFileError`).

    Raises :class:`UnreadableFileError`: unsafe (DTD, entities), not UTF-8, or damaged.
    """
    check_encoding(data, name, member)
    p = new_parser(member)
    if setup is not None:
        setup(p)
    try:
        p.Parse(data, True)
    except _Stop as stop:
        raise UnreadableFileError(name, stop.reason) from None
    except ValueError:  # pyexpat: "multi-byte encodings are not supported"
        raise UnreadableFileError(name, _not_utf8(member, None)) from None
    except pyexpat.ExpatError as exc:
        if exc.code == pyexpat.errors.codes[pyexpat.errors.XML_ERROR_UNKNOWN_ENCODING]:
            raise UnreadableFileError(name, _not_utf8(member, None)) from None
        at = p.ErrorByteIndex
        if at >= 2 and data[at - 2:at] == b"<!" and data[at:at + 7].upper() in (b"DOCTYPE", b"ENTITY "):
            # a declaration after the document began: not well-formed, and meant to harm
            raise UnreadableFileError(name, msg("dtd", part=member)) from None
        raise UnreadableFileError(
            name, msg("invalid_xml_line", part=member, detail=pyexpat.errors.messages[exc.code],
                      line=exc.lineno)) from None


class _RootReached(Exception):
    pass


def check_prolog(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    """Parse a part only up to its root element: the one place a DTD can be declared, so
    that a part nobody reads still refuses a DTD, a bad encoding or a broken start."""
    member = info.filename
    p = new_parser(member)

    def root(*_a):
        raise _RootReached

    p.StartElementHandler = root
    first = True
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(1 << 16):
                if first:
                    check_encoding(chunk, name, member)
                    first = False
                p.Parse(chunk, False)
        p.Parse(b"", True)
    except _RootReached:
        return
    except _Stop as stop_:
        raise UnreadableFileError(name, stop_.reason) from None
    except ValueError:
        raise UnreadableFileError(name, _not_utf8(member, None)) from None
    except pyexpat.ExpatError as exc:
        raise UnreadableFileError(
            name, msg("invalid_xml", part=member, detail=pyexpat.errors.messages[exc.code])) from None
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise UnreadableFileError(name, msg("damaged", detail=str(exc))) from None


def check_extent(rows: int, cols: int, name: str, sheet: str) -> None:
    """Raise "too large" when the cells that hold values span too many rows or cells."""
    if rows > MAX_ROWS or rows * cols > MAX_CELLS:
        raise UnreadableFileError(
            name, msg("sheet_too_large", sheet=sheet, rows=rows, cols=cols, max_rows=MAX_ROWS, max_cells=MAX_CELLS))


# --- memory --------------------------------------------------------------------------------
# Reading a CSV portfolio, validating and analysing it peaks at about this many bytes of memory
# per byte of CSV, on top of the interpreter and its libraries: measured 3,077 MB peak RSS for
# ``xlprof score`` of 138 MiB of CSV (10^6 clients x 20 activities, benchmarks/bench_scale.py),
# 21.3 bytes a byte; rounded up so that the estimate errs on the side of refusing.
MEMORY_PER_CSV_BYTE = 22.0
MEMORY_BASE = 200 * 2**20
MEMORY_LIMIT_ENV = "XLPROF_MEMORY_LIMIT_MB"     # overrides the memory available (MiB)


def memory_available() -> int | None:
    """Bytes of memory xlprof may use: ``XLPROF_MEMORY_LIMIT_MB`` if set, else the system's
    available memory (``MemAvailable`` of /proc/meminfo; None where unknown)."""
    env = os.environ.get(MEMORY_LIMIT_ENV, "").strip()
    if env:
        try:
            return int(float(env) * 2**20)
        except ValueError:
            pass
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def memory_estimate(paths) -> tuple[int, int]:
    """(bytes of the files, bytes of memory reading and analysing them takes, estimated)."""
    size = 0
    for p in paths:
        try:
            size += Path(p).stat().st_size
        except OSError:
            pass                         # the reader says what is wrong with it
    return size, int(MEMORY_BASE + size * MEMORY_PER_CSV_BYTE)


def check_memory(paths, name: str) -> None:
    """Refuse, before anything is read, text files whose estimated memory (:func:`memory_estimate`)
    exceeds :func:`memory_available`: a clear message rather than the system killing xlprof
    part-way."""
    size, need = memory_estimate(paths)
    have = memory_available()
    if have is not None and need > have:
        raise UnreadableFileError(name, msg("csv_memory", size=size / 2**20, need=need / 2**20, have=have / 2**20))


def stop(reason: str) -> _Stop:
    """An exception that abandons the current :func:`parse_part` with ``reason``."""
    return _Stop(reason)


def check_xlsx(path: Path) -> Package:
    """Check the package at ``path`` and parse every XML part of it (see
    :func:`xlprof.io.xlsx.read_structure`); the result names each sheet's part."""
    from .xlsx import read_structure   # here: xlsx imports this module

    book = read_structure(Path(path))
    return Package(Path(path), sheet_parts={s.name: s.part for s in book.info.sheets})
