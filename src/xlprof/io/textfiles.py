"""CSV and text files as people really save them: a folder of them becomes raw sheets.

What Excel and friends write, and how it is read (docs/bad-input.md, "Text files"):

* **Encodings.** A byte-order mark decides (UTF-8, UTF-16 LE/BE -- Excel's "Unicode text" --,
  UTF-32). Without one: UTF-16 is recognised by its zero bytes (CSV text is mostly ASCII, so
  every other byte is zero); then strict UTF-8; then Windows-1252 (Excel's "CSV" on Windows in
  western locales) or Mac Roman (Excel for Mac's "CSV (Macintosh)"), told apart by whether the
  accented letters read as letters inside words. When neither reads cleanly the file is
  refused, naming the encodings tried and how to re-save it. Other zero bytes: not text.
* **Line endings.** CRLF, LF and CR alone (old Mac Excel) alike; quoted fields may hold
  line breaks.
* **Delimiter.** ``,`` ``;`` tab or ``|``, chosen from the header row's evidence: the
  delimiter under which a row of the first 20 names the most known column headers (so commas
  inside the notes cannot win). Excel's ``sep=;`` first line is obeyed. Files with no known
  header fall back to the delimiter that splits the first lines into the same number (> 1)
  of fields.
"""

from __future__ import annotations

import csv
import io
import itertools
import unicodedata
from pathlib import Path
from typing import Callable, Iterable

from ..errors import UnreadableFileError
from ..messages import msg
from .cells import ColumnRows, RawSheet
from .safety import check_memory

DELIMITERS = (",", ";", "\t", "|")
HEADER_SCAN_LINES = 20

_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "utf-32", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32", "UTF-32"),
    (b"\xef\xbb\xbf", "utf-8-sig", "UTF-8"),
    (b"\xff\xfe", "utf-16", "UTF-16"),
    (b"\xfe\xff", "utf-16", "UTF-16"),
)


TEXT_SUFFIXES = (".txt", ".tsv")


def read_csv_folder(folder: Path, score_header: Callable[[list[str]], int] | None = None,
                    is_table: Callable[[str], bool] | None = None) -> dict[str, RawSheet]:
    """Every ``*.csv`` file of ``folder`` (any case of the suffix) as a raw sheet named after
    the file's stem, and every ``*.txt``/``*.tsv`` file whose stem ``is_table`` (Excel's
    "Unicode Text" and "Text (Tab delimited)" saves: ``Clients.txt``; other text files, a
    ``README.txt``, are left alone). ``score_header(cells)`` counts the known column headers
    in a row (used to choose the delimiter). Raises :class:`UnreadableFileError` for files
    that cannot be read as text, or too large for the memory there is
    (:func:`.safety.check_memory`)."""
    folder = Path(folder)
    files = sorted(p for p in folder.iterdir() if p.is_file() and (
        p.suffix.lower() == ".csv"
        or p.suffix.lower() in TEXT_SUFFIXES and is_table is not None and is_table(p.stem)))
    if not files:
        raise UnreadableFileError(str(folder), msg("no_csv_files"))
    check_memory(files, str(folder))         # before any file is read
    return {f.stem: read_text_table(f, score_header) for f in files}


def read_text_table(path: Path, score_header: Callable[[list[str]], int] | None = None) -> RawSheet:
    """One CSV or tab-separated text file as a raw sheet (cells are text, blanks ``""``),
    read by column: :func:`read_columns`."""
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFileError(name, msg("cannot_read", detail=exc.strerror or str(exc))) from None
    text, encoding = decode_text(data, name)
    rest, delimiter = choose_delimiter(text, score_header)
    skip = len(text) - len(rest)            # Excel's "sep=;" line
    del text, rest                          # read again line by line, in C, from the bytes
    lines = io.TextIOWrapper(io.BytesIO(data), encoding=_codec(data, encoding), newline="")
    if skip:
        lines.read(skip)
    try:
        columns, n = read_columns(lines, delimiter)
    except csv.Error as exc:
        raise UnreadableFileError(name, msg("not_valid_csv", detail=str(exc))) from None
    return RawSheet(name, path.stem, ColumnRows(columns, n), delimiter=delimiter, encoding=encoding,
                    columns=columns)


CHUNK_ROWS = 1 << 14


def read_columns(lines: Iterable[str], delimiter: str) -> tuple[list[list[str | None]], int]:
    """The fields of ``lines`` (:func:`csv.reader`) by column, and the number of rows.

    A row shorter than the widest has None in the columns it lacks (as a cell beyond the end
    of a row reads). Read a block of rows at a time and transposed at C speed (``zip``), so
    no list per row is kept; in a column whose first block repeats its texts (quantities,
    ratings, days, names of managers), equal texts share one string object, so memory
    grows with the cells' count, not their text.
    """
    reader = csv.reader(lines, delimiter=delimiter)
    columns: list[list[str | None]] = []
    memos: list[dict | None] = []
    n = 0
    while chunk := list(itertools.islice(reader, CHUNK_ROWS)):
        width = max(map(len, chunk))
        for _ in range(width - len(columns)):
            columns.append([None] * n)
            memos.append({})
        width = len(columns)
        if min(map(len, chunk)) < width:
            chunk = [row if len(row) == width else row + [None] * (width - len(row)) for row in chunk]
        for j, values in enumerate(zip(*chunk)):
            memo = memos[j]
            if memo is None:
                columns[j].extend(values)
                continue
            columns[j].extend(map(memo.setdefault, values, values))
            if n == 0 and len(memo) > len(values) // 2:     # mostly distinct: sharing saves nothing
                memos[j] = None
        n += len(chunk)
    return columns, n


def _codec(data: bytes, label: str) -> str:
    """The codec :func:`decode_text` decoded ``data`` with, from the name it gave."""
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            return codec
    if label == "UTF-16":
        return _utf16_without_bom(data) or "utf-16"
    return {"UTF-8": "utf-8", "Windows-1252": "cp1252", "Mac Roman": "mac_roman"}[label]


# --- encodings ------------------------------------------------------------------------------


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding name as people know it); raises UnreadableFileError naming what was tried."""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            return _decode(data, codec, label, name), label
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _decode(data, utf16, "UTF-16", name), "UTF-16"
    if b"\x00" in data:
        raise UnreadableFileError(name, msg("binary_csv"))
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    return _single_byte(data, name)


def _decode(data: bytes, codec: str, label: str, name: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise UnreadableFileError(name, msg("bad_bom_text", label=label, at=exc.start)) from None


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` when the zero bytes fall on one parity (mostly-ASCII UTF-16)."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        sample = sample[: len(sample) // 2 * 2]
    if len(sample) < 4:
        return None
    even_zero = sample[0::2].count(0)
    odd_zero = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_zero >= 0.6 * half and even_zero < 0.1 * half:
        return "utf-16-le"
    if even_zero >= 0.6 * half and odd_zero < 0.1 * half:
        return "utf-16-be"
    return None


def _single_byte(data: bytes, name: str) -> tuple[str, str]:
    """Windows-1252 or Mac Roman, whichever reads the non-ASCII bytes as plausible text.

    Accented letters sit in different places in the two: Windows-1252's ``é`` (0xE9) is Mac
    Roman's ``È``, Mac Roman's ``é`` (0x8E) is Windows-1252's ``Ž``, so a word such as
    ``Sofía`` reads as a lower-case word in one and not in the other. When both read
    plausibly (only letters that happen to look right either way), CR-only line ends --
    Excel for Mac's "CSV (Macintosh)" -- say Mac Roman, anything else Windows-1252.
    """
    texts = {}
    for codec in ("cp1252", "mac_roman"):
        try:
            texts[codec] = data.decode(codec)
        except UnicodeDecodeError:
            continue
    plausible = [c for c, t in texts.items() if _implausible(t) == 0]
    if len(plausible) == 2:
        mac = b"\r" in data and b"\n" not in data
        plausible = ["mac_roman" if mac else "cp1252"]
    if plausible:
        codec = plausible[0]
        return texts[codec], {"cp1252": "Windows-1252", "mac_roman": "Mac Roman"}[codec]
    raise UnreadableFileError(name, msg("unknown_encoding"))


def _implausible(text: str) -> int:
    """How many non-ASCII characters would be odd in a western table: control and unassigned
    characters anywhere, and anything but a lower-case letter (or ``’``) inside a lower-case
    word (``SofÌa``, ``L—pez``, ``Mar·a``)."""
    bad = 0
    for i, ch in enumerate(text):
        if ch < "\x80":
            continue
        cat = unicodedata.category(ch)
        if cat[0] == "C":
            bad += 1
            continue
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if before.isalpha() and before.islower() and after.isalpha() and after.islower():
            if cat != "Ll" and ch != "\u2019":
                bad += 1
    return bad


# --- delimiter ------------------------------------------------------------------------------


def choose_delimiter(text: str, score_header: Callable[[list[str]], int] | None) -> tuple[str, str]:
    """(text without an Excel ``sep=X`` line, delimiter)."""
    lines = _head_lines(text)
    hint = lines[0].rstrip("\r\n") if lines else ""
    if hint.lower().startswith("sep=") and len(hint) == 5:
        return text[len(lines[0]):], hint[4]
    if score_header is not None:
        best, best_score = None, 0
        for d in DELIMITERS:
            score = max((score_header(row) for row in _rows(lines, d)), default=0)
            if score > best_score:
                best, best_score = d, score
        if best is not None:
            return text, best
    return text, _consistent_delimiter(lines)


def _head_lines(text: str) -> list[str]:
    """The first lines of ``text`` with their line ends, as ``io.StringIO(text, newline="")``
    gives them -- from the text's start only (StringIO copies the text at four bytes a
    character), unless 20 lines do not fit in it."""
    head = text[:1 << 16]
    lines = list(itertools.islice(io.StringIO(head, newline=""), HEADER_SCAN_LINES + 1))
    if len(lines) <= HEADER_SCAN_LINES and len(head) < len(text):     # the last line may be cut
        lines = list(itertools.islice(io.StringIO(text, newline=""), HEADER_SCAN_LINES))
    return lines[:HEADER_SCAN_LINES]


def _rows(lines: Iterable[str], delimiter: str) -> list[list[str]]:
    try:
        return list(csv.reader(list(lines), delimiter=delimiter))
    except csv.Error:
        return []


def _consistent_delimiter(lines: list[str]) -> str:
    """The delimiter giving the same number (> 1) of fields on the most non-blank lines."""
    best, best_key = ",", (0, 0)
    for d in DELIMITERS:
        widths = [len(r) for r in _rows(lines, d) if any(c.strip() for c in r)]
        if not widths or max(widths) < 2:
            continue
        common = max(set(widths), key=widths.count)
        key = (widths.count(common), common)
        if key > best_key:
            best, best_key = d, key
    return best
