"""The small parts of an .xlsx package, parsed with expat (namespace-aware):

* ``xl/workbook.xml`` -- sheet names, their parts and visibility; the calculation
  properties (``fullCalcOnLoad``, manual calculation) that say whether the saved
  values of formulas can be trusted;
* relationship parts (``*.rels``) -- which part holds which sheet or table;
* ``xl/styles.xml`` -- the number format of every cell style, classified into the
  formats whose display changes what a number means (:func:`classify_format`);
* ``xl/tables/*.xml`` -- Excel tables and their total rows.

Element names are compared as (namespace, local name): ``<x:sheet>`` written by the Open
XML SDK is the same element as Excel's ``<sheet>``. Both the transitional and the strict
spreadsheetml namespaces are read.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Callable

from .safety import NS_SEP, parse_part

MAIN_NS = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main",
           "http://purl.oclc.org/ooxml/spreadsheetml/main")
REL_NS = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
          "http://purl.oclc.org/ooxml/officeDocument/relationships")
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def main_names(*local: str) -> dict[str, str]:
    """``{"uri|local": local}`` for each local name in both spreadsheetml namespaces."""
    return {f"{ns}{NS_SEP}{n}": n for ns in MAIN_NS for n in local}


def rel_attr(attrs: dict[str, str], local: str) -> str | None:
    """An attribute in the relationships namespace (``r:id``), whatever its prefix."""
    for ns in REL_NS:
        v = attrs.get(f"{ns}{NS_SEP}{local}")
        if v is not None:
            return v
    return None


def is_true(v: str | None) -> bool:
    return v is not None and v.strip().lower() in ("1", "true")


# --- workbook -----------------------------------------------------------------------------


@dataclass
class SheetEntry:
    name: str
    rid: str | None
    state: str = "visible"              # visible | hidden | veryHidden
    part: str = ""                      # zip member, from the workbook's relationships


@dataclass
class WorkbookInfo:
    sheets: list[SheetEntry] = field(default_factory=list)
    full_calc_on_load: bool = False
    manual_calc: bool = False           # calcMode="manual"
    calc_on_save: bool = True           # calcOnSave="0": saved without recalculating
    date1904: bool = False


def parse_workbook(data: bytes, name: str, member: str = "xl/workbook.xml") -> WorkbookInfo:
    info = WorkbookInfo()
    kinds = main_names("sheet", "calcPr", "workbookPr")

    def start(tag, attrs):
        k = kinds.get(tag)
        if k == "sheet":
            info.sheets.append(SheetEntry(attrs.get("name", ""), rel_attr(attrs, "id"),
                                          attrs.get("state", "visible")))
        elif k == "calcPr":
            info.full_calc_on_load = is_true(attrs.get("fullCalcOnLoad"))
            info.manual_calc = attrs.get("calcMode", "auto") == "manual"
            info.calc_on_save = not (attrs.get("calcOnSave", "1").strip().lower() in ("0", "false"))
        elif k == "workbookPr":
            info.date1904 = is_true(attrs.get("date1904"))

    parse_part(data, name, member, _handlers(start))
    return info


def _handlers(start: Callable) -> Callable:
    def setup(p):
        p.StartElementHandler = start
    return setup


# --- relationships ------------------------------------------------------------------------


@dataclass(frozen=True)
class Rel:
    type: str           # the last segment of the relationship type: "worksheet", "table"...
    target: str         # zip member the relationship points to ("" when external)


def rels_member(part: str) -> str:
    """``xl/worksheets/sheet1.xml`` -> ``xl/worksheets/_rels/sheet1.xml.rels``."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def parse_rels(data: bytes, name: str, member: str, source_part: str) -> dict[str, Rel]:
    """Relationship id -> :class:`Rel`, targets resolved against ``source_part``'s folder."""
    out: dict[str, Rel] = {}
    tag = f"{PKG_REL_NS}{NS_SEP}Relationship"
    folder = posixpath.dirname(source_part)

    def start(t, attrs):
        if t != tag:
            return
        rid, target = attrs.get("Id"), attrs.get("Target", "")
        if rid is None:
            return
        if attrs.get("TargetMode", "Internal") == "External":
            target = ""
        elif target.startswith("/"):
            target = target.lstrip("/")
        else:
            target = posixpath.normpath(posixpath.join(folder, target))
        out[rid] = Rel(attrs.get("Type", "").rsplit("/", 1)[-1], target)

    parse_part(data, name, member, _handlers(start))
    return out


# --- styles and number formats ------------------------------------------------------------

# Excel's built-in formats that matter here (ECMA-376 part 1, 18.8.30)
BUILTIN_FORMATS = {9: "0%", 10: "0.00%"}


@dataclass(frozen=True)
class Percent:
    """A percent format: the stored 0.05 is shown as 5 %."""

    code: str


@dataclass(frozen=True)
class Padded:
    """A format that shows whole numbers with leading zeros (``0000``, ``"C-"00000``)."""

    code: str
    width: int
    prefix: str = ""
    suffix: str = ""

    def display(self, value: float) -> str | None:
        """The text Excel shows for ``value``, or None when it is not a whole number >= 0
        (those are left as numbers: their display is not an id)."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        if not (value >= 0 and float(value).is_integer() and value < 1e15):
            return None
        return f"{self.prefix}{int(value):0{self.width}d}{self.suffix}"


FormatKind = Percent | Padded | None


def _first_section(code: str) -> list[tuple[str, str]]:
    """Tokens of a format's first section (positive numbers): ("lit", text) for quoted or
    escaped literals, ("code", char) for format characters; [...] blocks are dropped."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(code)
    while i < n:
        ch = code[i]
        if ch == ";":
            break
        if ch == '"':
            j = code.find('"', i + 1)
            j = n if j < 0 else j
            out.append(("lit", code[i + 1:j]))
            i = j + 1
        elif ch == "\\" and i + 1 < n:
            out.append(("lit", code[i + 1]))
            i += 2
        elif ch == "[":
            j = code.find("]", i + 1)
            i = n if j < 0 else j + 1
        elif ch in "_*" and i + 1 < n:      # _x: a space as wide as x; *x: fill with x
            i += 2
        else:
            out.append(("code", ch))
            i += 1
    return out


_LITERAL_CODE = set(" -+/():$€£¥!^&'~{}<>=")


def classify_format(code: str) -> FormatKind:
    """What a number format's display does to the meaning of a number.

    * :class:`Percent` -- a ``%`` outside literals: 5 % is stored 0.05;
    * :class:`Padded` -- only zeros (two or more) and literals: ids shown as ``0001``;
    * None -- every other format. Dates are told apart by python-calamine; thousands
      scaling (``#,##0,``), fractions, rounding and hidden (``;;;``) formats change only
      the display, not the stored number that Excel's own formulas use, so the stored
      number is read.
    """
    tokens = _first_section(code)
    codes = [c for kind, c in tokens if kind == "code"]
    if "%" in codes:
        return Percent(code)
    zeros = [i for i, (kind, c) in enumerate(tokens) if kind == "code" and c == "0"]
    if len(zeros) < 2 or zeros != list(range(zeros[0], zeros[-1] + 1)):
        return None
    for kind, c in tokens:
        if kind == "code" and c != "0" and c not in _LITERAL_CODE:
            return None
    lit = lambda part: "".join(c for _, c in part)  # noqa: E731
    return Padded(code, len(zeros), lit(tokens[:zeros[0]]), lit(tokens[zeros[-1] + 1:]))


def parse_styles(data: bytes, name: str, member: str = "xl/styles.xml") -> dict[str, FormatKind]:
    """Cell style index (the ``s`` attribute, as text) -> its format kind, for the styles
    whose format changes meaning (others are left out)."""
    formats: dict[int, str] = dict(BUILTIN_FORMATS)
    xf_formats: list[int] = []
    kinds = main_names("numFmt", "cellXfs", "xf")
    state = {"in_xfs": False}

    def start(tag, attrs):
        k = kinds.get(tag)
        if k == "numFmt":
            try:
                formats[int(attrs.get("numFmtId", ""))] = attrs.get("formatCode", "")
            except ValueError:
                pass
        elif k == "cellXfs":
            state["in_xfs"] = True
        elif k == "xf" and state["in_xfs"]:
            try:
                xf_formats.append(int(attrs.get("numFmtId", "0")))
            except ValueError:
                xf_formats.append(0)

    def end(tag):
        if kinds.get(tag) == "cellXfs":
            state["in_xfs"] = False

    def setup(p):
        p.StartElementHandler = start
        p.EndElementHandler = end

    parse_part(data, name, member, setup)
    out: dict[str, FormatKind] = {}
    for i, fmt_id in enumerate(xf_formats):
        kind = classify_format(formats.get(fmt_id, "")) if fmt_id in formats else None
        if kind is not None:
            out[str(i)] = kind
    return out


# --- tables -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableInfo:
    name: str
    first: tuple[int, int]          # (row0, col0) of the table's top-left cell
    last: tuple[int, int]           # (row0, col0) of its bottom-right cell
    totals_rows: int                # rows at the bottom that are the Total Row (0 if off)


_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")   # one cell reference (an attribute value)


def parse_ref(ref: str) -> tuple[int, int] | None:
    """``"B12"`` -> (11, 1) (0-based row, column), None if not a cell reference."""
    m = _REF.match(ref.strip())
    if not m:
        return None
    col = 0
    for ch in m[1].upper():
        col = col * 26 + ord(ch) - 64
    return int(m[2]) - 1, col - 1


def parse_range(ref: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """``"A1:C5"`` -> ((0, 0), (4, 2)); a single cell is a one-cell range."""
    a, _, b = ref.partition(":")
    first, last = parse_ref(a), parse_ref(b or a)
    if first is None or last is None:
        return None
    return (min(first[0], last[0]), min(first[1], last[1])), (max(first[0], last[0]), max(first[1], last[1]))


def parse_table(data: bytes, name: str, member: str) -> TableInfo | None:
    found: list[TableInfo] = []
    kinds = main_names("table")

    def start(tag, attrs):
        if kinds.get(tag) != "table" or found:
            return
        rng = parse_range(attrs.get("ref", ""))
        if rng is None:
            return
        try:
            totals = int(attrs.get("totalsRowCount", "0"))
        except ValueError:
            totals = 0
        found.append(TableInfo(attrs.get("displayName") or attrs.get("name", ""), rng[0], rng[1], max(totals, 0)))

    parse_part(data, name, member, _handlers(start))
    return found[0] if found else None
