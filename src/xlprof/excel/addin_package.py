"""The xlwings add-in template as an OOXML package: where it is, its parts, and the few XML
reads the build and the checks share (shared strings, cells of the config sheet,
relationships, sheets). Read with defusedxml; nothing here writes.
"""

from __future__ import annotations

import importlib.util
import os
import zipfile
from pathlib import Path

from ..errors import EXIT_UNWRITABLE, UnreadableFileError, XlprofError

ADDIN_FILENAME = "xlprof.xlam"
TEMPLATE_NAME = "quickstart_addin_ribbon.xlam"
PROJECT_NAME = "myaddin"  # the template's VBA constant; not changed
CONF_SHEET = f"{PROJECT_NAME}.conf"
TEMPLATE_CONF_SHEET = f"_{PROJECT_NAME}.conf"
UDF_MODULES_KEY = "UDF Modules"
UDF_MODULES_VALUE = "xlprof.udfs"
INTERPRETER_WIN = "Interpreter_Win"
INTERPRETER_MAC = "Interpreter_Mac"
TAB_LABEL = "xlprof"
RIBBON_IMAGE = "CalculateNow"  # built-in Office icon (Formulas > Calculate Now)

# Fixed zip metadata so that two builds are byte-identical on any OS.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_ZIP_LEVEL = 6

_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_REL_OFFICE_DOC = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)
_REL_UI = (
    "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility",
    "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility",
)
_REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
_NS_CUSTOMUI = (
    "http://schemas.microsoft.com/office/2006/01/customui",
    "http://schemas.microsoft.com/office/2009/07/customui",
)
_CT_ADDIN = "application/vnd.ms-excel.addin.macroEnabled.main+xml"

_CUSTOMUI_PART = "customUI/customUI.xml"
_WORKBOOK_PART = "xl/workbook.xml"
_VBA_PART = "xl/vbaProject.bin"
_SST_PART = "xl/sharedStrings.xml"


class ExcelUnavailableError(XlprofError):
    """The add-in cannot be installed here: no Microsoft Excel on this computer."""

    exit_code = EXIT_UNWRITABLE


class _TemplateError(XlprofError):
    """The xlwings template does not look like the one this module knows."""

    exit_code = EXIT_UNWRITABLE


# --------------------------------------------------------------------------- template


def template_path() -> Path:
    """Path of ``quickstart_addin_ribbon.xlam`` inside the installed xlwings.

    Located through ``importlib.util.find_spec`` so xlwings is not imported.
    """
    spec = importlib.util.find_spec("xlwings")
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise UnreadableFileError(
            TEMPLATE_NAME, "xlwings is not installed (pip install xlwings)"
        )
    path = Path(locations[0]) / TEMPLATE_NAME
    if not path.is_file():
        raise UnreadableFileError(
            str(path), "the installed xlwings has no custom ribbon add-in template"
        )
    return path


def _xlwings_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("xlwings")
    except PackageNotFoundError:  # pragma: no cover - template_path fails first
        return "unknown"


def _read_members(path: Path) -> tuple[list[str], dict[str, bytes]]:
    try:
        with zipfile.ZipFile(path) as zf:
            names = [i.filename for i in zf.infolist() if not i.is_dir()]
            return names, {n: zf.read(n) for n in names}
    except (OSError, zipfile.BadZipFile) as exc:
        raise UnreadableFileError(str(path), f"not a readable xlam/zip file ({exc})")


# ----------------------------------------------------------------------------- XML


def _parse(data: bytes):
    from defusedxml import ElementTree as DET

    return DET.fromstring(data)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _shared_strings(data: bytes | None) -> list[str]:
    if not data:
        return []
    root = _parse(data)
    out = []
    for si in root.findall(f"{{{_NS_MAIN}}}si"):
        # plain <t>, or rich-text runs <r><t>; phonetic <rPh><t> is not the value
        t = si.find(f"{{{_NS_MAIN}}}t")
        if t is not None:
            out.append(t.text or "")
        else:
            out.append(
                "".join(
                    rt.text or ""
                    for r in si.findall(f"{{{_NS_MAIN}}}r")
                    for rt in r.findall(f"{{{_NS_MAIN}}}t")
                )
            )
    return out


def _sheet_cells(sheet_xml: bytes, sst: list[str]) -> dict[str, object]:
    """Cell reference -> value (str, bool, float) for the cells that hold one."""
    root = _parse(sheet_xml)
    cells: dict[str, object] = {}
    for c in root.iter(f"{{{_NS_MAIN}}}c"):
        ref = c.get("r")
        if not ref:
            continue
        typ = c.get("t", "n")
        v = c.find(f"{{{_NS_MAIN}}}v")
        if typ == "inlineStr":
            is_ = c.find(f"{{{_NS_MAIN}}}is")
            if is_ is not None:
                cells[ref] = "".join(t.text or "" for t in is_.iter(f"{{{_NS_MAIN}}}t"))
            continue
        if v is None or v.text is None:
            continue
        if typ == "s":
            idx = int(v.text)
            cells[ref] = sst[idx] if 0 <= idx < len(sst) else None
        elif typ == "b":
            cells[ref] = v.text.strip() == "1"
        elif typ in ("str", "e"):
            cells[ref] = v.text
        else:
            try:
                cells[ref] = float(v.text)
            except ValueError:
                cells[ref] = v.text
    return cells


def _config_rows(cells: dict[str, object]) -> list[tuple[int, str, object]]:
    """Rows the xlwings VBA reads: A1 downwards until the first empty A cell.

    (``GetConfigFromSheet`` uses ``Range("A1").End(xlDown)``; keys are compared
    upper-cased; the value is column B.)
    """
    rows = []
    r = 1
    while True:
        key = cells.get(f"A{r}")
        if key is None or key == "":
            break
        rows.append((r, str(key), cells.get(f"B{r}")))
        r += 1
    return rows


def _rels_targets(rels_xml: bytes, base: str) -> list[tuple[str, str, str]]:
    """(Id, Type, resolved part name) for each internal relationship."""
    root = _parse(rels_xml)
    out = []
    for rel in root.findall(f"{{{_NS_PKG_REL}}}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        if target.startswith("/"):
            part = target.lstrip("/")
        else:
            part = os.path.normpath(os.path.join(base, target)).replace("\\", "/")
        out.append((rel.get("Id", ""), rel.get("Type", ""), part))
    return out


def _workbook_sheets(members: dict[str, bytes]) -> dict[str, str]:
    """Sheet name -> worksheet part name."""
    wb = _parse(members[_WORKBOOK_PART])
    rels = {
        rid: part
        for rid, _typ, part in _rels_targets(
            members.get("xl/_rels/workbook.xml.rels", b"<Relationships/>"), "xl"
        )
    }
    out = {}
    sheets = wb.find(f"{{{_NS_MAIN}}}sheets")
    for sh in sheets if sheets is not None else []:
        rid = sh.get(f"{{{_NS_REL_DOC}}}id")
        out[sh.get("name", "")] = rels.get(rid, "")
    return out
