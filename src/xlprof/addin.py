"""Build, check and install the xlprof Excel add-in (``xlprof.xlam``).

The add-in is built **without Excel** from the custom-ribbon add-in template that
ships inside the installed xlwings package (``quickstart_addin_ribbon.xlam``, the
file ``xlwings quickstart NAME --addin --ribbon`` copies). The OOXML package is
edited directly with :mod:`zipfile` and targeted XML edits (never openpyxl
load/save, which would drop the VBA project and the ribbon):

* ``customUI/customUI.xml`` is replaced: a tab labelled ``xlprof`` with one group
  and a large *Recalculate* button whose ``onAction`` is the template's ribbon
  macro (``RibbonMyAddin.RunMain``). That macro runs
  ``RunPython "import <file stem>; <file stem>.main()"``, so the file must be
  called ``xlprof.xlam`` to run ``xlprof.main()``.
* The configuration sheet ``_myaddin.conf`` is activated by renaming it to
  ``myaddin.conf`` (the VBA looks up ``PROJECT_NAME & ".conf"`` and PROJECT_NAME
  stays ``myaddin``), and its ``UDF Modules`` setting is set to ``xlprof.udfs``.
* ``xl/vbaProject.bin`` is copied byte for byte: the VBA declares the xlwings DLL
  of the exact xlwings version it came from, so build from the installed xlwings
  and rebuild after upgrading it.

The setting alone does not create the worksheet functions: xlwings writes their
VBA wrappers when "Import Functions" runs once inside Excel. The fewest steps
(Windows, once, after ``xlprof addin install``; see ``docs/addin.md``):

1. Excel: File > Options > Trust Center > Trust Center Settings > Macro Settings >
   tick "Trust access to the VBA project object model" > OK > OK.
2. With any workbook open, press Alt+F11, then Ctrl+G, type this line in the
   Immediate window and press Enter::

       Application.Run "'xlprof.xlam'!ImportPythonUDFsToAddin": Workbooks("xlprof.xlam").Save

Pre-generated wrappers are deliberately not embedded: they cannot be verified
without Excel.

Builds are deterministic: fixed zip timestamps, stable member order, same
compression; building twice gives byte-identical files.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import re
import sys
import tempfile
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from xlprof.errors import (
    EXIT_UNWRITABLE,
    InputError,
    OutputError,
    Problem,
    UnreadableFileError,
    XlprofError,
)

__all__ = [
    "ADDIN_FILENAME",
    "LABELS",
    "ExcelUnavailableError",
    "build_addin",
    "check_addin",
    "install_addin",
    "template_path",
]

ADDIN_FILENAME = "xlprof.xlam"
TEMPLATE_NAME = "quickstart_addin_ribbon.xlam"
PROJECT_NAME = "myaddin"  # the template's VBA constant; not changed
CONF_SHEET = f"{PROJECT_NAME}.conf"
TEMPLATE_CONF_SHEET = f"_{PROJECT_NAME}.conf"
UDF_MODULES_KEY = "UDF Modules"
UDF_MODULES_VALUE = "xlprof.udfs"
TAB_LABEL = "xlprof"
RIBBON_IMAGE = "CalculateNow"  # built-in Office icon (Formulas > Calculate Now)

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "group": "Client profitability",
        "button": "Recalculate",
        "screentip": "Recalculate the analysis",
        "supertip": (
            "Refreshes scores, segments, charts and transition plans "
            "in the active workbook."
        ),
    },
    "es": {
        "group": "Rentabilidad de clientes",
        "button": "Recalcular",
        "screentip": "Recalcular el análisis",
        "supertip": (
            "Actualiza puntuaciones, segmentos, gráficos y planes de transición "
            "del libro activo."
        ),
    },
}

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


# ---------------------------------------------------------------------------- build


def _ribbon_macro(template_customui: bytes) -> str:
    root = _parse(template_customui)
    for el in root.iter():
        action = el.get("onAction")
        if action:
            return action
    raise _TemplateError(
        "The xlwings add-in template's ribbon has no button macro (onAction); "
        f"this xlwings version ({_xlwings_version()}) is not supported."
    )


def _customui_xml(lang: str, macro: str) -> bytes:
    lab = LABELS[lang]
    text = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui">\n'
        "  <ribbon>\n"
        "    <tabs>\n"
        f'      <tab id="xlprofTab" label={quoteattr(TAB_LABEL)}>\n'
        f'        <group id="xlprofGroup" label={quoteattr(lab["group"])}>\n'
        '          <button id="xlprofRecalculate"'
        f" label={quoteattr(lab['button'])}"
        ' size="large"'
        f" onAction={quoteattr(macro)}"
        f" imageMso={quoteattr(RIBBON_IMAGE)}"
        f" screentip={quoteattr(lab['screentip'])}"
        f" supertip={quoteattr(lab['supertip'])} />\n"
        "        </group>\n"
        "      </tab>\n"
        "    </tabs>\n"
        "  </ribbon>\n"
        "</customUI>\n"
    )
    return text.encode("utf-8")


def _sub_one(pattern: str, repl: str | Callable, text: str, what: str) -> str:
    new, n = re.subn(pattern, repl, text, count=1, flags=re.S)
    if n != 1:
        raise _TemplateError(
            f"Unexpected xlwings add-in template ({what} not found); xlwings "
            f"{_xlwings_version()} is not supported by this xlprof version."
        )
    return new


def _rename_sheet(members: dict[str, bytes], old: str, new: str) -> None:
    """Rename a sheet in workbook.xml, its defined names and app.xml titles."""
    wb = members[_WORKBOOK_PART].decode("utf-8")
    old_attr, new_attr = escape(old, {'"': "&quot;"}), escape(new, {'"': "&quot;"})
    wb = _sub_one(
        r'(<sheet\b[^>]*?\bname=")' + re.escape(old_attr) + r'(")',
        lambda m: m.group(1) + new_attr + m.group(2),
        wb,
        f"sheet {old}",
    )

    def fix_names(m: re.Match) -> str:
        block = m.group(0)
        for a, b in ((f"'{old}'!", f"'{new}'!"), (f"{old}!", f"{new}!")):
            block = block.replace(escape(a, {"'": "&apos;"}), escape(b, {"'": "&apos;"}))
            block = block.replace(escape(a), escape(b))
        return block

    wb = re.sub(r"<definedNames\b.*?</definedNames>", fix_names, wb, flags=re.S)
    members[_WORKBOOK_PART] = wb.encode("utf-8")

    app = members.get("docProps/app.xml")
    if app:
        text = app.decode("utf-8")
        text = text.replace(
            f"<vt:lpstr>{escape(old)}</vt:lpstr>", f"<vt:lpstr>{escape(new)}</vt:lpstr>"
        )
        members["docProps/app.xml"] = text.encode("utf-8")


def _add_shared_string(members: dict[str, bytes], value: str) -> int:
    sst = members[_SST_PART].decode("utf-8")
    index = len(_shared_strings(members[_SST_PART]))
    preserve = ' xml:space="preserve"' if value != value.strip() else ""
    sst = _sub_one(r"</sst>\s*$", f"<si><t{preserve}>{escape(value)}</t></si></sst>", sst, "</sst>")

    def bump(m: re.Match) -> str:
        return f'{m.group(1)}="{int(m.group(2)) + 1}"'

    sst = _sub_one(r'(<sst\b[^>]*?\bcount)="(\d+)"', bump, sst, "sst count")
    sst = _sub_one(r'(<sst\b[^>]*?\buniqueCount)="(\d+)"', bump, sst, "sst uniqueCount")
    members[_SST_PART] = sst.encode("utf-8")
    return index


def _set_config_value(members: dict[str, bytes], sheet_part: str, key: str, value: str) -> None:
    """Put ``value`` in column B of the config row whose column A is ``key``."""
    sst = _shared_strings(members.get(_SST_PART))
    cells = _sheet_cells(members[sheet_part], sst)
    row = next(
        (r for r, k, _v in _config_rows(cells) if k.strip().upper() == key.upper()), None
    )
    if row is None:
        raise _TemplateError(
            f"The xlwings add-in template's config sheet has no '{key}' row; "
            f"xlwings {_xlwings_version()} is not supported by this xlprof version."
        )
    index = _add_shared_string(members, value)
    xml = members[sheet_part].decode("utf-8")
    row_re = r'<row\b[^>]*?\br="' + str(row) + r'"[^>]*>.*?</row>'
    m = re.search(row_re, xml, flags=re.S)
    if m is None:
        raise _TemplateError(f"config row {row} not found in {sheet_part}")
    row_xml = m.group(0)
    # drop any existing B cell, then insert ours right after the A cell
    row_xml = re.sub(rf'<c\b[^>]*?\br="B{row}"[^>]*?(/>|>.*?</c>)', "", row_xml, flags=re.S)
    a_cell = re.search(rf'<c\b[^>]*?\br="A{row}"[^>]*?(/>|>.*?</c>)', row_xml, flags=re.S)
    if a_cell is None:  # pragma: no cover - the row was found through its A cell
        raise _TemplateError(f"cell A{row} not found in {sheet_part}")
    style = re.search(r'\bs="(\d+)"', a_cell.group(0))
    s_attr = f' s="{style.group(1)}"' if style else ""
    new_cell = f'<c r="B{row}"{s_attr} t="s"><v>{index}</v></c>'
    row_xml = row_xml[: a_cell.end()] + new_cell + row_xml[a_cell.end() :]
    # keep the spans hint consistent (it is optional; only widen it)
    row_xml = re.sub(
        r'(<row\b[^>]*?\bspans=")(\d+):(\d+)(")',
        lambda s: f"{s.group(1)}{s.group(2)}:{max(int(s.group(3)), 2)}{s.group(4)}",
        row_xml,
        count=1,
    )
    xml = xml[: m.start()] + row_xml + xml[m.end() :]
    members[sheet_part] = xml.encode("utf-8")


def _stamp_core(members: dict[str, bytes]) -> None:
    """Title and description in docProps/core.xml (which xlwings built it)."""
    core = members.get("docProps/core.xml")
    if not core:
        return
    text = core.decode("utf-8")
    desc = (
        f"xlprof add-in, built from xlwings {_xlwings_version()} {TEMPLATE_NAME}; "
        "rebuild with 'xlprof addin build' after upgrading xlwings."
    )
    for tag, value in (("dc:title", "xlprof"), ("dc:description", desc)):
        text = re.sub(
            rf"<{tag}\s*/>|<{tag}>.*?</{tag}>",
            f"<{tag}>{escape(value)}</{tag}>",
            text,
            count=1,
            flags=re.S,
        )
    members["docProps/core.xml"] = text.encode("utf-8")


def _package_bytes(order: list[str], members: dict[str, bytes]) -> bytes:
    first = "[Content_Types].xml"
    names = ([first] if first in members else []) + [n for n in order if n != first]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.create_system = 0  # same bytes on Windows, macOS and Linux
            info.external_attr = 0
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(
                info,
                members[name],
                compress_type=zipfile.ZIP_DEFLATED,
                compresslevel=_ZIP_LEVEL,
            )
    return buf.getvalue()


def _build_bytes(lang: str) -> bytes:
    tpl = template_path()
    order, members = _read_members(tpl)
    for part in ("[Content_Types].xml", _WORKBOOK_PART, _VBA_PART, _SST_PART):
        if part not in members:
            raise _TemplateError(f"The xlwings add-in template {tpl} has no {part}.")
    ui_parts = [p for _i, t, p in _rels_targets(members["_rels/.rels"], "") if t in _REL_UI]
    if not ui_parts or ui_parts[0] not in members:
        raise _TemplateError(f"The xlwings add-in template {tpl} has no ribbon (customUI).")
    ui_part = ui_parts[0]
    macro = _ribbon_macro(members[ui_part])
    members[ui_part] = _customui_xml(lang, macro)

    sheets = _workbook_sheets(members)
    sheet_part = sheets.get(TEMPLATE_CONF_SHEET) or sheets.get(CONF_SHEET)
    if not sheet_part or sheet_part not in members:
        raise _TemplateError(
            f"The xlwings add-in template {tpl} has no '{TEMPLATE_CONF_SHEET}' sheet."
        )
    if TEMPLATE_CONF_SHEET in sheets:
        _rename_sheet(members, TEMPLATE_CONF_SHEET, CONF_SHEET)
    _set_config_value(members, sheet_part, UDF_MODULES_KEY, UDF_MODULES_VALUE)
    _stamp_core(members)
    edited = (ui_part, _WORKBOOK_PART, _SST_PART, sheet_part, "docProps/core.xml")
    for name in edited + ("docProps/app.xml",):
        if name in members:
            _parse(members[name])  # every edited part must still be well-formed
    return _package_bytes(order, members)


def build_addin(out_dir: Path, *, lang: str = "en") -> Path:
    """Write ``out_dir/xlprof.xlam`` (atomically) and return its path.

    ``lang`` ("en" or "es") chooses the ribbon labels. Raises ``OutputError``
    when the file cannot be written, ``UnreadableFileError`` when xlwings or its
    template is missing.
    """
    if lang not in LABELS:
        raise InputError(
            Problem(f"unknown language {lang!r}; choose one of: {', '.join(sorted(LABELS))}")
        )
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise OutputError(str(out_dir), "the folder does not exist")
    data = _build_bytes(lang)
    target = out_dir / ADDIN_FILENAME
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".xlprof-", suffix=".xlam.tmp", dir=out_dir)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, target)
        tmp_name = None
    except PermissionError as exc:
        raise OutputError(
            str(target), f"permission denied ({exc.strerror}); is the add-in open in Excel?"
        ) from None
    except OSError as exc:
        raise OutputError(str(target), exc.strerror or str(exc)) from None
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
    return target


# ---------------------------------------------------------------------------- check


def _check_package(path: Path) -> tuple[list[str], dict[str, bytes] | None]:
    """Checks that need no oletools. Returns (problems, members or None)."""
    path = Path(path)
    problems: list[str] = []
    if not path.is_file():
        return [f"{path}: file not found"], None
    try:
        _order, members = _read_members(path)
    except UnreadableFileError:
        return [f"{path}: not a zip/OOXML package"], None

    # [Content_Types].xml and the main workbook part
    ct_xml = members.get("[Content_Types].xml")
    if ct_xml is None:
        problems.append("[Content_Types].xml is missing")
    rels_xml = members.get("_rels/.rels")
    if rels_xml is None:
        problems.append("_rels/.rels is missing")
        return problems, members
    try:
        rels = _rels_targets(rels_xml, "")
    except Exception as exc:  # defusedxml / ParseError
        problems.append(f"_rels/.rels is not well-formed XML ({exc})")
        return problems, members
    main = [p for _i, t, p in rels if t == _REL_OFFICE_DOC]
    if not main:
        problems.append("_rels/.rels has no officeDocument relationship")
    elif main[0] not in members:
        problems.append(f"workbook part {main[0]} is missing")
    elif main[0] != _WORKBOOK_PART:
        problems.append(f"unexpected workbook part {main[0]} (expected {_WORKBOOK_PART})")
    if ct_xml is not None:
        try:
            ct = _parse(ct_xml)
            defaults = {
                d.get("Extension", "").lower(): d.get("ContentType", "")
                for d in ct.findall(f"{{{_NS_CT}}}Default")
            }
            overrides = {
                o.get("PartName", "").lstrip("/"): o.get("ContentType", "")
                for o in ct.findall(f"{{{_NS_CT}}}Override")
            }
            if overrides.get(_WORKBOOK_PART) != _CT_ADDIN:
                problems.append(
                    f"{_WORKBOOK_PART} is not typed as a macro-enabled add-in ({_CT_ADDIN})"
                )
            for name in members:
                if name == "[Content_Types].xml":
                    continue
                ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
                if name not in overrides and ext not in defaults:
                    problems.append(f"{name} has no content type in [Content_Types].xml")
        except Exception as exc:
            problems.append(f"[Content_Types].xml is not well-formed XML ({exc})")

    # ribbon
    ui = [p for _i, t, p in rels if t in _REL_UI]
    if not ui:
        problems.append("_rels/.rels does not reference a customUI (ribbon) part")
    elif ui[0] not in members:
        problems.append(f"the ribbon part {ui[0]} referenced from _rels/.rels is missing")
    else:
        try:
            root = _parse(members[ui[0]])
        except Exception as exc:
            problems.append(f"{ui[0]} is not well-formed XML ({exc})")
        else:
            ns = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
            if _local(root.tag) != "customUI" or ns not in _NS_CUSTOMUI:
                problems.append(f"{ui[0]} is not a customUI document")
            tabs = [e for e in root.iter() if _local(e.tag) == "tab"]
            if not any(t.get("label") == TAB_LABEL for t in tabs):
                problems.append(f"the ribbon has no tab labelled {TAB_LABEL!r}")
            buttons = [e for e in root.iter() if _local(e.tag) == "button"]
            if not buttons:
                problems.append("the ribbon has no button")
            for b in buttons:
                if not b.get("onAction"):
                    problems.append(f"ribbon button {b.get('id')!r} has no onAction")

    # VBA project
    if _VBA_PART not in members:
        problems.append(f"{_VBA_PART} (the VBA project) is missing")
    else:
        try:
            with zipfile.ZipFile(template_path()) as zf:
                tpl_vba = zf.read(_VBA_PART)
        except XlprofError as exc:
            problems.append(f"cannot compare the VBA project with the xlwings template: {exc}")
        except (OSError, KeyError, zipfile.BadZipFile) as exc:
            problems.append(f"cannot read the xlwings template's VBA project ({exc})")
        else:
            if members[_VBA_PART] != tpl_vba:
                problems.append(
                    f"{_VBA_PART} differs from the installed xlwings "
                    f"{_xlwings_version()} template (built with another xlwings "
                    "version, or modified); rebuild with 'xlprof addin build'"
                )

    # config sheet
    if _WORKBOOK_PART in members:
        try:
            sheets = _workbook_sheets(members)
        except Exception as exc:
            problems.append(f"{_WORKBOOK_PART} cannot be read ({exc})")
        else:
            part = sheets.get(CONF_SHEET)
            if not part:
                problems.append(
                    f"config sheet {CONF_SHEET!r} not found (sheets: {', '.join(sheets) or 'none'})"
                )
            elif part not in members:
                problems.append(f"config sheet part {part} is missing")
            else:
                try:
                    sst = _shared_strings(members.get(_SST_PART))
                    rows = _config_rows(_sheet_cells(members[part], sst))
                except Exception as exc:
                    problems.append(f"config sheet {CONF_SHEET!r} cannot be read ({exc})")
                else:
                    value = next(
                        (v for _r, k, v in rows if k.strip().upper() == UDF_MODULES_KEY.upper()),
                        None,
                    )
                    if value != UDF_MODULES_VALUE:
                        problems.append(
                            f"config sheet {CONF_SHEET!r}: {UDF_MODULES_KEY!r} is {value!r}, "
                            f"expected {UDF_MODULES_VALUE!r} (keys are read from A1 down "
                            "to the first empty cell)"
                        )
    return problems, members


# customUI attributes naming VBA callbacks (plus every get* attribute)
_CALLBACK_ATTRS = {"onAction", "onChange", "onLoad", "loadImage"}

_SUB_RE = re.compile(
    r"^[ \t]*(?:(?:Public|Private|Friend)[ \t]+)?(?:Static[ \t]+)?Sub[ \t]+(\w+)[ \t]*\(([^)]*)\)",
    re.I | re.M,
)


def _vba_modules(vba_bin: bytes) -> dict[str, str]:
    """VBA module name -> code, via oletools (imported here: test/dev dependency)."""
    with warnings.catch_warnings():
        # oletools calls pyparsing APIs that newer pyparsing marks deprecated
        warnings.simplefilter("ignore")
        from oletools.olevba import VBA_Parser

    parser = VBA_Parser("vbaProject.bin", data=vba_bin)
    try:
        modules: dict[str, str] = {}
        for _fn, _stream, vba_filename, code in parser.extract_macros():
            name = vba_filename.rsplit(".", 1)[0]
            if isinstance(code, bytes):
                code = code.decode("latin-1")
            modules[name] = code
        return modules
    finally:
        parser.close()


def _find_sub(modules: dict[str, str], macro: str) -> tuple[bool, str]:
    """Is ``macro`` ("Module.Sub", "Sub" or "'book'!Module.Sub") a ribbon-callable Sub?"""
    name = macro.split("!", 1)[-1]
    module, _, sub = name.rpartition(".")
    candidates = (
        {k: v for k, v in modules.items() if k.lower() == module.lower()} if module else modules
    )
    if module and not candidates:
        return False, f"VBA module {module!r} not found"
    for code in candidates.values():
        for m in _SUB_RE.finditer(code):
            if m.group(1).lower() == sub.lower():
                if not m.group(2).strip():
                    return False, (
                        f"Sub {sub} takes no argument; a ribbon onAction macro needs "
                        "(control As IRibbonControl)"
                    )
                return True, ""
    return False, f"no 'Sub {sub}(' in the VBA project"


def check_addin(path: Path) -> list[str]:
    """Problems found in an xlprof add-in file; an empty list means it is fine.

    Checks the zip/OOXML package, the ribbon XML (well-formed, tab, buttons),
    that every ``onAction`` names an existing VBA ``Sub`` (needs oletools), the
    ``myaddin.conf`` sheet with ``UDF Modules`` = ``xlprof.udfs`` and that the VBA
    project is byte-identical to the installed xlwings template's.
    """
    problems, members = _check_package(Path(path))
    if members is None or _VBA_PART not in members:
        return problems
    try:
        modules = _vba_modules(members[_VBA_PART])
    except ImportError:
        problems.append(
            "oletools is not installed: cannot check the ribbon macros against the "
            "VBA project (pip install oletools)"
        )
        return problems
    except Exception as exc:
        problems.append(f"cannot read the VBA project ({exc})")
        return problems
    if not modules:
        problems.append("the VBA project holds no code")
    code = "\n".join(modules.values())
    m = re.search(r'PROJECT_NAME\s+As\s+String\s*=\s*"([^"]*)"', code, re.I)
    if m and f"{m.group(1)}.conf" != CONF_SHEET:
        problems.append(
            f"the VBA reads the config sheet {m.group(1)}.conf, not {CONF_SHEET}"
        )
    try:
        rels = _rels_targets(members["_rels/.rels"], "")
    except Exception:  # missing or malformed: already reported
        rels = []
    ui = [p for _i, t, p in rels if t in _REL_UI and p in members]
    if ui:
        try:
            root = _parse(members[ui[0]])
        except Exception:
            return problems  # already reported as malformed
        for el in root.iter():
            for attr, macro in el.attrib.items():
                if attr in _CALLBACK_ATTRS or attr.startswith("get"):
                    ok, why = _find_sub(modules, macro)
                    if not ok:
                        problems.append(f"ribbon {attr}={macro!r}: {why}")
    return problems


# -------------------------------------------------------------------------- install


def _require_excel_platform() -> None:
    if not (sys.platform.startswith("win") or sys.platform == "darwin"):
        raise ExcelUnavailableError(
            "Cannot install the Excel add-in here: Microsoft Excel runs only on Windows "
            f"and macOS, and this computer runs {sys.platform}. Build it with "
            "'xlprof addin build', copy xlprof.xlam to the Excel user's computer and run "
            "'xlprof addin install -f xlprof.xlam' there."
        )


def install_addin(path: Path) -> str:
    """Install ``path`` (an ``xlprof.xlam``) for the current user; return a message.

    Wraps ``xlwings addin install -f PATH``: Excel's per-user XLSTART folder
    receives a copy, so Excel opens the add-in at every start (on macOS the
    xlwings AppleScript is installed too). On a computer without Excel (Linux,
    or Windows/macOS where Excel is not found) raises ``ExcelUnavailableError``
    (exit code 4). The copy is verified afterwards: xlwings only prints its
    errors, so a failed copy raises ``OutputError``.
    """
    path = Path(path)
    _require_excel_platform()
    if path.name.lower() != ADDIN_FILENAME:
        raise InputError(
            Problem(
                f"the add-in file must be named {ADDIN_FILENAME}: its ribbon button runs "
                f"'import <file name>; <file name>.main()'",
                file=str(path),
            )
        )
    problems, _members = _check_package(path)
    if problems:
        raise InputError([Problem(p, file=str(path)) for p in problems])

    try:
        import argparse

        import xlwings  # noqa: F401  (pywin32 / appscript come with it)
        from xlwings import cli as xlcli
    except Exception as exc:  # ImportError, or xlwings' own platform errors
        raise ExcelUnavailableError(
            f"Cannot install the Excel add-in: xlwings cannot drive Excel here ({exc})."
        ) from None

    try:
        target_dir = Path(xlcli.get_addin_dir())  # starts Excel hidden if needed
    except Exception as exc:
        raise ExcelUnavailableError(
            "Cannot install the Excel add-in: Microsoft Excel was not found or could "
            f"not be started on this computer ({type(exc).__name__}: {exc})."
        ) from None

    out = io.StringIO()
    args = argparse.Namespace(file=str(path.resolve()), dir=None, glob=False)
    try:
        with contextlib.redirect_stdout(out):
            xlcli.addin_install(args)
    except SystemExit as exc:
        raise OutputError(str(target_dir / path.name), f"xlwings stopped: {exc}") from None
    except Exception as exc:
        raise OutputError(str(target_dir / path.name), f"{type(exc).__name__}: {exc}") from None
    said = " ".join(out.getvalue().split())

    target = target_dir / path.name
    try:
        same = target.read_bytes() == path.read_bytes()
    except OSError:
        same = False
    if not same:
        raise OutputError(
            str(target),
            (said or "the add-in was not copied")
            + " (if Excel is running, quit Excel and try again)",
        )
    return (
        f"Installed {path.name} in Excel's startup folder {target_dir}. "
        "Restart Excel: the 'xlprof' tab appears in the ribbon. "
        "For the XLPROF_ worksheet functions run 'Import Functions' once "
        "(see docs/addin.md)."
        + (f" [xlwings: {said}]" if said else "")
    )
