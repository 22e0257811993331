"""The add-in and the installed xlwings must be the same version.

``xlprof.xlam`` carries the VBA of the xlwings template it was built from, which loads the
xlwings DLL of exactly that version. After ``pip install -U xlwings`` the old add-in either
fails in VBA (the DLL is gone) or, when an old DLL is still around, talks to a different
xlwings than the one in Python. The build stamps the xlwings version into the add-in's
document properties; the ribbon's Recalculate (``xlprof.main``) and the worksheet functions
compare it with the installed xlwings and, when they differ, say: rebuild the add-in with
``xlprof addin install``.
"""

from __future__ import annotations

import re
import zipfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from .addin_package import ADDIN_FILENAME

#: How the build stamps the version into docProps/core.xml (dc:description).
STAMP = "built from xlwings {version} "
_STAMP_RE = re.compile(r"built from xlwings (\S+) ")

_CHECKED: dict[Any, str | None] = {}  # Excel window handle -> problem (None: fine)


def installed_xlwings() -> str | None:
    try:
        return version("xlwings")
    except PackageNotFoundError:
        return None


def built_for(path: Path | str) -> str | None:
    """The xlwings version an ``xlprof.xlam`` was built from (None: not stamped/unreadable)."""
    try:
        with zipfile.ZipFile(path) as zf:
            core = zf.read("docProps/core.xml").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    m = _STAMP_RE.search(core)
    return m.group(1) if m else None


def mismatch(built: str | None, installed: str | None) -> str | None:
    """The message when the add-in and the installed xlwings differ (None: they match or
    one of them is unknown)."""
    if not built or not installed or built == installed:
        return None
    return (f"rebuild the add-in: xlprof addin install (then restart Excel). It was built for "
            f"xlwings {built}, and this Python has xlwings {installed}")


def addin_problem(app_api: Any) -> str | None:
    """For the Excel behind ``app_api`` (COM ``Application``): the mismatch message, or None
    when the xlprof add-in is not loaded there, cannot be read, or matches. Checked once per
    Excel: the add-in file cannot change while Excel has it open."""
    try:
        key = app_api.Hwnd
    except Exception:  # noqa: BLE001 - not desktop Excel
        return None
    if key not in _CHECKED:
        try:
            path = app_api.Workbooks(ADDIN_FILENAME).FullName
        except Exception:  # noqa: BLE001 - the add-in is not loaded: functions from a workbook
            _CHECKED[key] = None
        else:
            _CHECKED[key] = mismatch(built_for(path), installed_xlwings())
    return _CHECKED[key]
