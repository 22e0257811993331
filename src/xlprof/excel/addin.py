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


import contextlib
import io
import os
import re
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from ..errors import InputError, OutputError, Problem

from .addin_check import _check_package, check_addin
from .versions import STAMP
from .addin_package import (ADDIN_FILENAME, CONF_SHEET, INTERPRETER_MAC, INTERPRETER_WIN, RIBBON_IMAGE, TAB_LABEL, TEMPLATE_CONF_SHEET,
                            TEMPLATE_NAME, UDF_MODULES_KEY, UDF_MODULES_VALUE, _REL_UI, _SST_PART, _VBA_PART,
                            _WORKBOOK_PART, _ZIP_DATE, _ZIP_LEVEL, ExcelUnavailableError, _config_rows,
                            _parse, _read_members, _rels_targets, _shared_strings, _sheet_cells,
                            _TemplateError, _workbook_sheets, _xlwings_version, template_path)


__all__ = [
    "ADDIN_FILENAME",
    "LABELS",
    "ExcelUnavailableError",
    "build_addin",
    "check_addin",
    "install_addin",
    "template_path",
]


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
    item = f"<si><t{preserve}>{escape(value)}</t></si></sst>"
    sst = _sub_one(r"</sst>\s*$", lambda _m: item, sst, "</sst>")  # a path's backslashes stay

    def bump(m: re.Match) -> str:
        return f'{m.group(1)}="{int(m.group(2)) + 1}"'

    sst = _sub_one(r'(<sst\b[^>]*?\bcount)="(\d+)"', bump, sst, "sst count")
    sst = _sub_one(r'(<sst\b[^>]*?\buniqueCount)="(\d+)"', bump, sst, "sst uniqueCount")
    members[_SST_PART] = sst.encode("utf-8")
    return index


def _config_cell(ref: str, value: str | bool, style: str, members: dict[str, bytes]) -> str:
    if isinstance(value, bool):
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    sst = _shared_strings(members[_SST_PART])
    index = sst.index(value) if value in sst else _add_shared_string(members, value)
    return f'<c r="{ref}"{style} t="s"><v>{index}</v></c>'


def _write_config(members: dict[str, bytes], sheet_part: str, values: dict[str, str]) -> None:
    """Rewrite the config rows: the template's keys in its order with ``values`` filled in,
    and **no row without a value**. (The VBA's ``GetConfig`` stops at the first layer that
    has a key, so an empty row would hide the user's own xlwings.conf, e.g. its
    Interpreter_Win.) Rows stay contiguous from A1: the VBA reads A1 down to the first
    blank."""
    sst = _shared_strings(members.get(_SST_PART))
    xml = members[sheet_part].decode("utf-8")
    template = _config_rows(_sheet_cells(members[sheet_part], sst))
    known = {k.strip().upper() for _r, k, _v in template}
    for key in values:
        if key.upper() not in known:
            raise _TemplateError(
                f"The xlwings add-in template's config sheet has no '{key}' row; "
                f"xlwings {_xlwings_version()} is not supported by this xlprof version."
            )
    given = {k.upper(): v for k, v in values.items()}
    rows = []
    for _r, key, value in template:
        value = given.get(key.strip().upper(), value)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        rows.append((key, value if isinstance(value, (str, bool)) else str(value)))
    style_m = re.search(r'<c\b[^>]*?\br="A1"[^>]*?\bs="(\d+)"', xml)
    style = f' s="{style_m.group(1)}"' if style_m else ""
    body = "".join(
        f'<row r="{i}" spans="1:2">'
        + _config_cell(f"A{i}", key, style, members)
        + _config_cell(f"B{i}", value, style, members)
        + "</row>"
        for i, (key, value) in enumerate(rows, start=1)
    )
    xml = _sub_one(r"<sheetData\b[^>]*/>|<sheetData\b[^>]*>.*?</sheetData>",
                   lambda _m: f"<sheetData>{body}</sheetData>", xml, "sheetData")
    xml = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:B{len(rows)}" />', xml, count=1)
    members[sheet_part] = xml.encode("utf-8")


def interpreter_settings(executable: str | None = None, platform: str | None = None) -> dict[str, str]:
    """The config rows that point the add-in at this Python (``sys.executable``):
    ``Interpreter_Win`` on Windows, ``Interpreter_Mac`` on macOS, none elsewhere."""
    executable = executable or sys.executable
    platform = platform or sys.platform
    if platform.startswith("win"):
        return {INTERPRETER_WIN: executable}
    if platform == "darwin":
        return {INTERPRETER_MAC: executable}
    return {}


def _stamp_core(members: dict[str, bytes]) -> None:
    """Title and description in docProps/core.xml (which xlwings built it)."""
    core = members.get("docProps/core.xml")
    if not core:
        return
    text = core.decode("utf-8")
    desc = (
        f"xlprof add-in, {STAMP.format(version=_xlwings_version())}{TEMPLATE_NAME}; "
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


def _build_bytes(lang: str, config: dict[str, str] | None = None) -> bytes:
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
    _write_config(members, sheet_part, {UDF_MODULES_KEY: UDF_MODULES_VALUE, **(config or {})})
    _stamp_core(members)
    edited = (ui_part, _WORKBOOK_PART, _SST_PART, sheet_part, "docProps/core.xml")
    for name in edited + ("docProps/app.xml",):
        if name in members:
            _parse(members[name])  # every edited part must still be well-formed
    return _package_bytes(order, members)


def build_addin(out_dir: Path, *, lang: str = "en", config: dict[str, str] | None = None) -> Path:
    """Write ``out_dir/xlprof.xlam`` (atomically) and return its path.

    ``lang`` ("en" or "es") chooses the ribbon labels; ``config`` adds config rows such
    as :func:`interpreter_settings` (``xlprof addin install`` passes the running Python).
    The template's config rows without a value are dropped. Raises ``OutputError``
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
    data = _build_bytes(lang, config)
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
