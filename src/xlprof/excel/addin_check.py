"""Checks of a built ``xlprof.xlam`` without Excel: the package, the ribbon, the macros the
ribbon calls (through oletools), the config sheet, and that the VBA project is the
installed xlwings template's byte for byte."""

from __future__ import annotations

import re
import warnings
import zipfile
from pathlib import Path

from ..errors import UnreadableFileError, XlprofError
from .addin_package import (CONF_SHEET, TAB_LABEL, UDF_MODULES_KEY, UDF_MODULES_VALUE, template_path,
                            _CT_ADDIN, _NS_CT, _NS_CUSTOMUI, _REL_OFFICE_DOC, _REL_UI, _SST_PART, _VBA_PART,
                            _WORKBOOK_PART, _config_rows, _local, _parse, _read_members, _rels_targets,
                            _shared_strings, _sheet_cells, _workbook_sheets, _xlwings_version)

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
                    for r, key, v in rows:
                        if v is None or (isinstance(v, str) and not v.strip()):
                            problems.append(
                                f"config sheet {CONF_SHEET!r} row {r} ({key}) has no value: it "
                                "hides the same setting in the user's own xlwings.conf; rebuild "
                                "with 'xlprof addin build'"
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
