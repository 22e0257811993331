"""The worksheet pass without a Python call per element, where that provably changes nothing.

:func:`scan_sheet` returns what the exact pass of :mod:`.xlsx_sheet` returns (errors,
formulas, styled number cells, merged ranges, and an extent checked against the limits),
but the exact pass calls Python for every element (about 2 µs each: 14 s for the 7
million elements of a 100,000-client book). Here:

1. **expat parses the whole part with no element handler** (C speed): it is well-formed,
   namespace-valid XML with no DTD or entity declaration, in an accepted encoding.
   Handlers that fire rarely record every namespace declaration and whether the part holds
   a comment, a CDATA section or a processing instruction.
2. **The census** (numpy over the bytes of ``<sheetData>``'s content; :func:`_census`).
   It rests on this argument. In a well-formed part with no comment, CDATA section or
   processing instruction, every ``<`` begins a start tag or an end tag: text and
   attribute values cannot hold a raw ``<``. When every namespace prefix is bound to one
   URI throughout the part, exactly one prefix ``P`` is bound to the spreadsheetml
   namespace (the default one only if declared on the root, so that it is in scope
   everywhere), a start tag of the main-namespace element ``L`` is exactly the bytes
   ``<`` ``P`` ``L`` followed by whitespace, ``>`` or ``/``. The census then requires
   every start tag in ``<sheetData>`` to be one of ``<Pc r="``/``<Pc r='`` (a cell whose
   reference comes first), ``row``, ``v``, ``is``, ``t`` or ``f``; anything else (another
   spelling, another namespace, rich text) sends the part to the exact pass. So:

   * every cell carries its own reference, so its position does not depend on the
     elements before it, and each cell can be read alone (step 4);
   * the largest reference bounds the extent: the exact pass counts only the cells that
     hold a value, python-calamine places cells by the same references; when the bound
     is within the limits so is the exact extent, and calamine cannot allocate more.
     Otherwise (formatted cells down to row 1,048,576, say) the exact pass decides;
   * formulas are exactly the ``f`` start tags;
   * an error cell has ``t="e"``, a cell whose format matters has ``s`` equal to one of
     the styles :mod:`.xlsx_parts` found. An attribute value decodes to ``e`` (or to a
     style number) only if its literal is ``"e"`` or ``'e'`` (``"6"``/``'6'``) or holds a
     character reference (``&#``): the predefined entities spell only ``<>&'"``, any
     other entity is refused by expat. So each such cell contains one of those byte
     strings (for styles, after ``s``, optional whitespace, ``=``, optional whitespace).
3. Each finding lies inside a cell element, which runs from its start tag to the next
   cell start, row start, row end or the end of ``<sheetData>``; the cell of a byte
   position is the last cell that starts before it. Those cells (the *candidates*) are
   cut out and parsed again, wrapped in a ``<sheetData>`` that declares the part's
   namespaces, by the exact pass's own handlers. Cells without such a byte string hold
   no finding, and are never handed to Python.
4. The part with ``<sheetData>``'s content cut out (a well-formed document too: an
   element's content removed) is parsed by the exact pass: merged ranges, and a check
   that no cell, row, value, formula or second ``<sheetData>`` lies outside it.

Any doubt (a check that does not hold, an error while parsing a piece) hands the part to
the exact pass, which also gives the refusal for a part that is damaged or unsafe. The
property test ``tests/test_read_xlsx_spelling.py`` reads random sheets spelt in many ways
through both paths and requires the same cells.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import UnreadableFileError
from .safety import MAX_CELLS, MAX_ROWS, parse_part
from .xlsx_parts import MAIN_NS, main_names
from .xlsx_sheet import SheetScan, scan_elements, scan_exact

FAST = True             # False: always the exact pass (tests compare both paths)

_WS = b" \t\r\n"
_DELIM = b" \t\r\n>/"                       # what may follow an element's name in a start tag
_CELL_PARTS = main_names("c", "row", "v", "f", "is", "sheetData")


def scan_sheet(data: bytes, name: str, member: str, sheet: str, styles: set[str]) -> SheetScan:
    """Scan one worksheet part (see the module docstring); raises UnreadableFileError
    when it is unsafe, damaged or too large."""
    if FAST:
        try:
            survey = _survey(data, name, member)
        except UnreadableFileError:
            survey = None              # the exact pass names the first problem in document order
        if survey is not None:
            scan = _quick(data, name, member, styles, survey)
            if scan is not None:
                return scan
    return scan_exact(data, name, member, sheet, styles)


# --- 1. expat, no element handler ------------------------------------------------------


@dataclass
class _Survey:
    bindings: dict[str | None, set[str]]     # prefix (None: default) -> URIs bound to it
    root_default: str | None                 # the default namespace declared on the root
    markup: bool                             # a comment, CDATA section or PI somewhere


def _survey(data: bytes, name: str, member: str) -> _Survey:
    out = _Survey({}, None, False)
    handlers = {}

    def ns_decl(prefix, uri):
        out.bindings.setdefault(prefix, set()).add(uri or "")
        if prefix is None and "root" in handlers:
            out.root_default = uri or ""

    def markup(*_a):
        out.markup = True

    def setup(p):
        def root(*_a):                  # the root's declarations come before its start
            del handlers["root"]
            p.StartElementHandler = None          # from here on, no Python call per element

        handlers["root"] = root                   # (kept referenced while it runs)
        p.StartNamespaceDeclHandler = ns_decl
        p.StartElementHandler = root
        p.CommentHandler = markup
        p.StartCdataSectionHandler = markup
        p.ProcessingInstructionHandler = markup

    parse_part(data, name, member, setup)
    return out


def _main_prefix(survey: _Survey) -> bytes | None:
    """The one prefix bound to the spreadsheetml namespace, as bytes (b"" for the
    default, b"x:" for x), or None when the prefixes do not allow the census."""
    if survey.markup or any(len(uris) != 1 for uris in survey.bindings.values()):
        return None
    main = [p for p, uris in survey.bindings.items() if next(iter(uris)) in MAIN_NS]
    if len(main) != 1:
        return None
    prefix = main[0]
    if prefix is None:
        return b"" if survey.root_default in MAIN_NS else None
    return prefix.encode() + b":"


# --- 2. the census ---------------------------------------------------------------------


def _region(data: bytes, pfx: bytes) -> tuple[int, int] | None:
    """Where sheetData's content starts and ends (the first sheetData of the main
    namespace; :func:`_outside` makes sure there is no other)."""
    tag = b"<" + pfx + b"sheetData"
    s = data.find(tag)
    if s < 0 or data[s + len(tag)] not in _DELIM:
        return None
    e = data.find(b">", s)
    if e < 0 or b'"' in data[s:e] or b"'" in data[s:e]:
        return None                            # attributes on sheetData: not worth the care
    if data[e - 1] == ord("/"):
        return e + 1, e + 1                    # <sheetData/>: no content
    end = b"</" + pfx + b"sheetData"
    b = data.find(end, e)
    close = data.find(b">", b) if b >= 0 else -1
    if close < 0 or data[b + len(end):close].strip(_WS):
        return None
    return e + 1, b


@dataclass
class _Census:
    cells: np.ndarray           # byte offsets of the cell start tags, ascending
    bounds: np.ndarray          # offsets where a cell's stretch ends: next cell, row, row end
    formulas: np.ndarray        # offsets of the f start tags
    rows: int                   # the largest row and column any cell refers to
    cols: int


def _lut(chars: bytes) -> np.ndarray:
    t = np.zeros(256, bool)
    t[list(chars)] = True
    return t


_IS_DELIM = _lut(_DELIM)
_IS_LETTER = _lut(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_IS_DIGIT = _lut(b"0123456789")
_LETTER = np.zeros(256, np.int64)
_LETTER[65:91] = _LETTER[97:123] = np.arange(1, 27)

# what a tag is, from the first two bytes of its local name (start tags; refined below)
UNKNOWN, CELL, ROW, PART, TEXT, FORMULA = 0, 1, 2, 3, 4, 5
_NAME2 = np.zeros(1 << 16, np.int8)
for _second in _DELIM:
    _NAME2[ord("v") | _second << 8] = PART
    _NAME2[ord("f") | _second << 8] = FORMULA
    _NAME2[ord("t") | _second << 8] = TEXT          # inline text, inside <is>
_NAME2[ord("c") | ord(" ") << 8] = CELL              # then r= and a quote
_NAME2[ord("r") | ord("o") << 8] = ROW               # then w and a delimiter
_NAME2[ord("i") | ord("s") << 8] = PART              # then a delimiter


def _words(data: bytes) -> np.ndarray:
    """The part's bytes as overlapping little-endian 8-byte words: element i holds the
    8 bytes from offset i (unaligned reads: one gather gives 8 bytes per offset)."""
    return np.ndarray((len(data) - 7,), "<u8", data, 0, (1,))


def _spelt(*texts: bytes) -> list[int]:
    return [int.from_bytes(t, "little") for t in texts]


def _census(data: bytes, r0: int, r1: int, pfx: bytes) -> _Census | None:
    """Every tag of data[r0:r1] classified (see the module docstring), or None."""
    a = np.frombuffer(data, np.uint8)
    k = len(pfx)
    if k > 6 or r1 + 24 > len(a):          # (the end tags after r1 leave room for reading on)
        return None
    words = _words(data)
    lt = np.flatnonzero(a[r0:r1] == ord("<"))          # offsets from r0
    head = words[r0 + 1:][lt]               # the 8 bytes after each '<'
    first = head.view(np.uint8)[::8]
    closing = first == ord("/")
    if k:                                   # '<' or '</', the prefix, then the local name
        mask, value = np.uint64((1 << 8 * k) - 1), np.uint64(_spelt(pfx)[0])
        if not ((np.where(closing, head >> np.uint64(8), head) & mask) == value).all():
            return None
        name = words[r0 + 1 + k:][lt + closing]
        row_end = closing & ((name & np.uint64(0xFFFFFF)) == np.uint64(_spelt(b"row")[0])) \
            & _IS_DELIM[name.view(np.uint8)[3::8]]
    else:
        name = head                         # '/' + a name is no start tag in _NAME2
        row_end = ((head & np.uint64(0xFFFFFFFF)) == np.uint64(_spelt(b"/row")[0])) \
            & _IS_DELIM[head.view(np.uint8)[4::8]]
    byte = name.view(np.uint8).reshape(-1, 8)           # one column per byte of the name
    kind = _NAME2[name.view(np.uint16)[::4]]
    if k:
        kind[closing] = UNKNOWN
    quote = byte[:, 4]
    bad = (kind == UNKNOWN) & ~closing      # another element, spelling or namespace
    bad |= (kind == CELL) & ~((name.view(np.uint32)[::2] >> np.uint32(16) == _spelt(b"r=")[0])
                              & ((quote == ord('"')) | (quote == ord("'"))))
    bad |= (kind == ROW) & ~((byte[:, 2] == ord("w")) & _IS_DELIM[byte[:, 3]])
    bad |= (kind == PART) & (byte[:, 0] == ord("i")) & ~_IS_DELIM[byte[:, 2]]
    if bad.any():
        return None
    kind[row_end] = ROW
    formula = kind == FORMULA
    kind[formula] = PART
    # Every v, f and is lies in a cell's stretch (after a cell start, before the next
    # cell or row start or row end), so no value is attributed across a boundary: among
    # these tags in document order, each v, f or is follows a cell start or another of
    # them, and the first is not one of them.
    seq = kind[(kind != UNKNOWN) & (kind != TEXT)]
    if len(seq) and (seq[0] == PART or ((seq[1:] == PART) & (seq[:-1] == ROW)).any()):
        return None
    is_cell = kind == CELL
    cells = lt[is_cell] + r0
    refs = _references(a, cells + k + 6, quote[is_cell])
    if refs is None:
        return None
    bounds = np.append(lt[is_cell | (kind == ROW)] + r0, r1)     # in document order already
    return _Census(cells, bounds, lt[formula] + r0, *refs)


def _references(a: np.ndarray, at: np.ndarray, quote: np.ndarray) -> tuple[int, int] | None:
    """The largest row and column among cell references (starting at the offsets ``at``,
    after the opening ``quote``) spelt 1-3 letters, then 1-7 digits not starting with 0,
    then the same quote (the exact pass reads these the same way); None if any is spelt
    otherwise. With no leading zero, more digits make a larger row (and more letters a
    larger column), so only the longest are worked out."""
    if not len(at):
        return 0, 0
    w = np.lib.stride_tricks.as_strided(a, (len(a) - 11, 12), (1, 1), writeable=False)[at]
    letters = np.zeros(len(at), np.int8)
    alive = np.ones(len(at), bool)
    for j in range(4):
        alive &= _IS_LETTER[w[:, j]]
        letters += alive
    digits = np.zeros(len(at), np.int8)
    alive[:] = True
    for j in range(1, 12):
        alive &= _IS_DIGIT[w[:, j]] | (j < letters)
        digits += alive & (j >= letters)
    each = np.arange(len(at))
    if not (((letters >= 1) & (letters <= 3) & (digits >= 1) & (digits <= 7)).all()
            and (w[each, letters] != ord("0")).all()
            and (w[each, letters + digits] == quote).all()):
        return None
    rows = cols = 0
    longest = digits == digits.max()
    for n in range(1, 4):
        sub = w[longest & (letters == n)]
        row = np.zeros(len(sub), np.int64)
        for i in range(n, n + int(digits.max())):
            row = row * 10 + sub[:, i] - ord("0")
        rows = max(rows, int(row.max(initial=0)))
    n = int(letters.max())
    sub = w[letters == n]
    col = np.zeros(len(sub), np.int64)
    for i in range(n):
        col = col * 26 + _LETTER[sub[:, i]]
    cols = int(col.max())
    if cols > 16384:
        return None
    return rows, cols


# --- 3. candidates ---------------------------------------------------------------------


def _occurrences(data: bytes, needle: bytes, r0: int, r1: int) -> list[int]:
    out = []
    i = data.find(needle, r0, r1)
    while i >= 0:
        out.append(i)
        i = data.find(needle, i + 1, r1)
    return out


def _after_s(data: bytes, at: int) -> bool:
    """Whether the attribute value literal at ``at`` belongs to an attribute named s."""
    j = at - 1
    while data[j] in _WS:
        j -= 1
    if data[j] != ord("="):
        return False
    j -= 1
    while data[j] in _WS:
        j -= 1
    return data[j] == ord("s") and data[j - 1] in _WS


def _candidates(data: bytes, r0: int, r1: int, census: _Census, styles: set[str]) -> np.ndarray:
    """Byte offsets inside the cells that may hold a finding (step 2 of the argument).
    A one-byte search (memchr) first rules out whole kinds: no ``'`` means no value in
    single quotes, no ``&`` no character reference, no ``e`` no value ``e``."""
    def has(byte: bytes) -> bool:
        return data.find(byte, r0, r1) >= 0

    quotes = (b'"', b"'") if has(b"'") else (b'"',)
    marks: list[int] = []
    if has(b"e"):
        for q in quotes:
            marks += _occurrences(data, q + b"e" + q, r0, r1)
    if has(b"&"):
        marks += _occurrences(data, b"&#", r0, r1)
    for style in styles:
        for q in quotes:
            marks += [i for i in _occurrences(data, q + style.encode() + q, r0, r1) if _after_s(data, i)]
    return np.concatenate([census.formulas, np.asarray(marks, np.int64)])


# --- the quick path --------------------------------------------------------------------


def _quick(data: bytes, name: str, member: str, styles: set[str], survey: _Survey) -> SheetScan | None:
    pfx = _main_prefix(survey)
    if pfx is None or "0" in styles:         # style 0 is every cell without an s
        return None
    region = _region(data, pfx)
    if region is None:
        return None
    r0, r1 = region
    if _mostly_formulas(data, r0, r1, pfx):
        return None
    census = _census(data, r0, r1, pfx)
    if census is None or census.rows > MAX_ROWS or census.rows * census.cols > MAX_CELLS:
        return None
    out = SheetScan(rows=census.rows, cols=census.cols)
    try:
        if not _outside(data[:r0] + data[r1:], name, member, styles, out):
            return None
        marks = _candidates(data, r0, r1, census, styles)
        if len(marks):
            which = np.searchsorted(census.cells, marks, side="right") - 1
            chosen = np.zeros(len(census.cells), bool)
            chosen[which[which >= 0]] = True        # (before the first cell: in no cell)
            starts = census.cells[chosen]
            stops = census.bounds[np.searchsorted(census.bounds, starts, side="right")]
            joined = starts[1:] == stops[:-1]       # neighbours in one row: one piece
            starts, stops = starts[np.r_[True, ~joined]], stops[np.r_[~joined, True]]
            _cells(data, starts, stops, survey, pfx, name, member, styles, out)
    except UnreadableFileError:
        return None
    return out


SAMPLE = 1 << 20


def _mostly_formulas(data: bytes, r0: int, r1: int, pfx: bytes) -> bool:
    """Whether a large sheet's first MiB of cells is mostly formulas: every formula cell
    would be parsed again here, at the exact pass's own cost per cell, so the exact pass
    alone is cheaper (a choice of speed only: both passes find the same)."""
    if r1 - r0 <= SAMPLE:
        return False
    sample = data[r0:r0 + SAMPLE]
    return 2 * sample.count(b"<" + pfx + b"f") >= sample.count(b"<" + pfx + b"c ")


def _outside(doc: bytes, name: str, member: str, styles: set[str], out: SheetScan) -> bool:
    """Parse the part without sheetData's content by the exact pass's handlers: merged
    ranges go to ``out``; False when a cell part or another sheetData lies outside."""
    seen = {"cells": 0, "sheetData": 0}

    def counting(inner):
        def start(tag, attrs):
            kind = _CELL_PARTS.get(tag)
            if kind == "sheetData":
                seen["sheetData"] += 1
            elif kind is not None:
                seen["cells"] += 1
            inner(tag, attrs)
        return start

    out.merged = scan_elements(doc, name, member, styles, counting).merged
    return seen == {"cells": 0, "sheetData": 1}


def _cells(data: bytes, starts: np.ndarray, stops: np.ndarray, survey: _Survey, pfx: bytes,
           name: str, member: str, styles: set[str], out: SheetScan) -> None:
    """Parse the candidate cells, wrapped in a sheetData that declares the part's
    namespaces, by the exact pass's handlers; their findings go to ``out``."""
    decls = []
    for prefix, uris in survey.bindings.items():
        attr = "xmlns" if prefix is None else f"xmlns:{prefix}"
        uri = next(iter(uris)).replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
        decls.append(f' {attr}="{uri}"')
    head = data[:data.find(b"?>") + 2] if data.lstrip(b"\xef\xbb\xbf").startswith(b"<?xml") else b""
    body = b"".join(data[i:j] for i, j in zip(starts.tolist(), stops.tolist()))
    doc = (head + b"<" + pfx + b"sheetData" + "".join(decls).encode() + b">" + body
           + b"</" + pfx + b"sheetData>")
    found = scan_elements(doc, name, member, styles)
    out.errors, out.formulas, out.styled = found.errors, found.formulas, found.styled

