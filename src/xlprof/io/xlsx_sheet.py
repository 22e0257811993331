"""The exact pass over a worksheet part (expat, namespace-aware, a Python handler per
element) for what python-calamine does not tell: where the cells that hold values end (the extent, checked
before calamine allocates anything), error cells, formula cells with their text and
whether a value was saved, the style of number cells whose format changes their
meaning, and merged ranges.

Cells are told apart by their own ``r`` reference (or their position when a writer
leaves it out), never by patterns over the text: ``<x:c>`` of the Open XML SDK is read
like Excel's ``<c>``. :mod:`.xlsx_scan` reaches the same findings without a Python call per
element wherever it can prove them the same, and calls this pass everywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..messages import msg
from .safety import NS_SEP, check_extent, parse_part, stop
from .xlsx_parts import main_names, parse_range

_DIGITS = "0123456789"


@dataclass
class Formula:
    text: str | None            # formula text without "="; None for a shared-formula child
    has_value: bool             # a cached value was saved
    shared_index: str | None    # si of a shared formula (master or child)
    is_master: bool             # carries the shared formula's text


@dataclass
class SheetScan:
    """What one pass over a worksheet found; positions are (row0, col0)."""

    rows: int = 0               # extent of the cells that hold values (the quick path of
    cols: int = 0               # xlsx_scan: an upper bound of it), checked against the limits
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    formulas: dict[tuple[int, int], Formula] = field(default_factory=dict)
    styled: dict[tuple[int, int], str] = field(default_factory=dict)   # style index of number cells
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)


_KIND = main_names("row", "c", "v", "f", "is", "mergeCell")
_CODE = {tag: {"c": 1, "v": 2}.get(local, 3) for tag, local in _KIND.items()}


class _Scanner:
    """expat handlers; the state is the cell being read (the cell starts at ``<c>`` and
    its parts, ``<v>`` or ``<f>``, follow before the next ``<c>`` or ``<row>``)."""

    def __init__(self, styles: set[str], out: SheetScan, member: str):
        self.member = member
        self.styles = styles
        self.default_styled = "0" in styles     # a cell without s has style 0
        self.out = out
        self.row = 0                            # 1-based row of the current <row>
        self.col = 0                            # 1-based column of the current cell
        self.ref: str | None = None             # the current cell's r (parsed on demand)
        self.pos: tuple[int, int] | None = None  # its (row0, col0) once parsed
        self.t: str | None = None
        self.s: str | None = None
        self.pending = False                    # an error or formula cell to close
        self.formula: Formula | None = None
        self.text: list[str] = []
        self.capture: str | None = None         # "v" or "f" while their text is kept
        self.letters: dict[str, int] = {}
        self.parser = None
        self.max_row = self.max_col = 0

    # -- positions -------------------------------------------------------------------------

    def _where(self) -> tuple[int, int]:
        if self.pos is None:
            ref = self.ref
            if ref:
                letters = ref.rstrip(_DIGITS)
                col = self.letters.get(letters)
                if col is None:
                    col = 0
                    for ch in letters.upper():
                        col = col * 26 + ord(ch) - 64
                    if not letters.isalpha() or not letters.isascii() or col > 16384:
                        raise stop(msg("invalid_reference", ref=ref))
                    self.letters[letters] = col
                digits = ref[len(letters):]
                row = int(digits) if digits.isascii() and digits.isdigit() else self.row
                self.col = col
            else:
                row, col = self.row, self.col
            self.pos = (row - 1, col - 1)
        return self.pos

    # -- handlers --------------------------------------------------------------------------

    def handler(self):
        """The StartElementHandler: cells and values, three in four of all elements, are
        handled inline (a Python call per element is what this pass costs)."""
        kinds = _CODE
        cache = self.letters
        styles, default_styled = self.styles, self.default_styled
        styled = self.out.styled
        rare = self.start

        def start(tag, attrs):
            k = kinds.get(tag, 0)
            if k == 1:                                  # <c>
                if self.pending:
                    self._finish()
                ref = attrs.get("r")
                if ref is None:
                    return rare(tag, attrs)
                self.ref = ref
                self.pos = None
                self.t = t = attrs.get("t")
                self.s = attrs.get("s")
                if t == "e":
                    self.pending = True
            elif k == 2:                                # <v>
                pos = self.pos
                if pos is None:
                    ref = self.ref
                    letters = ref.rstrip(_DIGITS) if ref else None
                    col = cache.get(letters)
                    digits = ref[len(letters):] if col is not None else ""
                    if col is None or not (digits.isascii() and digits.isdigit()):
                        pos = self._where()
                    else:
                        self.col = col
                        pos = self.pos = (int(digits) - 1, col - 1)
                r0, c0 = pos
                if r0 >= self.max_row:
                    self.max_row = r0 + 1
                if c0 >= self.max_col:
                    self.max_col = c0 + 1
                s, t = self.s, self.t
                if (s in styles if s is not None else default_styled) and (t is None or t == "n"):
                    styled[pos] = s or "0"
                if t == "e" or self.formula is not None:
                    self._capture("v")
            else:
                rare(tag, attrs)
        return start

    def start(self, tag, attrs):
        k = _KIND.get(tag)
        if k is None:
            uri, _, local = tag.rpartition(NS_SEP)
            if local in ("c", "row"):   # python-calamine would read it as a cell or a row
                raise stop(msg("foreign_cell", part=self.member,
                               where=msg("the_namespace", uri=uri) if uri else msg("no_namespace")))
            return
        if k == "c":
            if self.pending:
                self._finish()
            ref = attrs.get("r")
            if ref is None:                     # position follows the previous cell
                if self.pos is None and self.ref:
                    self._where()
                self.col += 1
            self.ref, self.pos = ref, None
            self.t = attrs.get("t")
            self.s = attrs.get("s")
            self.pending = self.t == "e"
        elif k == "v":
            self._valued()
            if self.t == "e" or self.formula is not None:
                self._capture("v")
        elif k == "f":
            si = attrs.get("si")
            shared = attrs.get("t") == "shared"
            self.formula = Formula(None, False, si if shared else None, False)
            self.pending = True
            self._capture("f")
        elif k == "is":
            self._valued()
        elif k == "row":
            if self.pending:
                self._finish()
            r = attrs.get("r")
            self.row = int(r) if r is not None and r.isascii() and r.isdigit() else self.row + 1
            self.col = 0
            self.ref, self.pos, self.t = None, None, None
        elif k == "mergeCell":
            self._finish()
            rng = parse_range(attrs.get("ref", ""))
            if rng is not None:
                self.out.merged.append(rng)

    def _valued(self) -> None:
        r0, c0 = self._where()
        if r0 >= self.max_row:
            self.max_row = r0 + 1
        if c0 >= self.max_col:
            self.max_col = c0 + 1
        s = self.s
        if (s in self.styles if s is not None else self.default_styled) and self.t in (None, "n"):
            self.out.styled[(r0, c0)] = s or "0"

    def _capture(self, what: str) -> None:
        self._flush_text()
        self.capture = what
        self.text = []
        self.parser.CharacterDataHandler = self.text.append

    def _flush_text(self) -> None:
        if self.capture is None:
            return
        text = "".join(self.text).strip()
        if self.capture == "f" and self.formula is not None:
            self.formula.text = text or None
            self.formula.is_master = bool(text)
        elif self.capture == "v":
            if self.t == "e":
                self.out.errors[self._where()] = text or "#N/A"
            if self.formula is not None:
                # an empty <v/> saves nothing, except the empty text a formula can return
                self.formula.has_value = bool(text) or self.t in ("str", "inlineStr")
        self.capture = None
        self.parser.CharacterDataHandler = None

    def _finish(self) -> None:
        """Close the current cell (called when the next one begins, and at the end)."""
        self._flush_text()
        if self.formula is not None:
            pos = self._where()
            if self.t == "e":
                pass                               # an error value: reported as such
            else:
                self.out.formulas[pos] = self.formula
                if pos[0] >= self.max_row:
                    self.max_row = pos[0] + 1
                if pos[1] >= self.max_col:
                    self.max_col = pos[1] + 1
            self.formula = None
        self.t = None
        self.pending = False


def scan_elements(data: bytes, name: str, member: str, styles: set[str],
                  wrap: Callable[[Callable], Callable] | None = None) -> SheetScan:
    """Parse ``data`` (a worksheet part, or pieces of one wrapped in a root) with the exact
    pass's handlers; ``wrap(handler)`` may stand in front of the start handler. The extent
    found is in ``rows``/``cols``, not checked; raises UnreadableFileError."""
    out = SheetScan()
    sc = _Scanner(styles, out, member)

    def setup(p):
        sc.parser = p
        p.buffer_text = True
        handler = sc.handler()
        p.StartElementHandler = wrap(handler) if wrap is not None else handler

    parse_part(data, name, member, setup)
    sc._finish()
    out.rows, out.cols = sc.max_row, sc.max_col
    return out


def scan_exact(data: bytes, name: str, member: str, sheet: str, styles: set[str]) -> SheetScan:
    """Scan one worksheet part; raises UnreadableFileError when it is unsafe, damaged or
    too large (before any cell is stored beyond the sparse findings)."""
    out = scan_elements(data, name, member, styles)
    check_extent(out.rows, out.cols, name, sheet)
    return out
