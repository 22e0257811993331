"""The Dashboard's status line and the README's layout stamp (what the book's formula rows
were built for), written by the file writer and read back by the live Recalculate.

Pure Python: imported by xlwings Lite.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

STATUS = {
    "written": {"en": "Written by xlprof {version}: {clients} clients, {warnings} warning(s)",
                "es": "Escrito por xlprof {version}: {clients} clientes, {warnings} aviso(s)"},
    "recalculated": {"en": "Recalculated {when}: {clients} clients, {warnings} warning(s)",
                     "es": "Recalculado {when}: {clients} clientes, {warnings} aviso(s)"},
    "failed": {"en": "Not recalculated ({when}): {reason}", "es": "Sin recalcular ({when}): {reason}"},
}


def status_text(kind: str, lang: str, **values: Any) -> str:
    return STATUS[kind][lang if lang in ("en", "es") else "en"].format(**values)


LAYOUT_VERSION = 2     # books of another layout version are rebuilt by xlprof recalc, not refreshed
STAMP_KEY = {"en": "Layout", "es": "Estructura"}
MODE_KEY = {"en": "Formulas", "es": "Fórmulas"}
MODE_WORDS = {
    "native": {"en": "live Excel formulas", "es": "fórmulas vivas de Excel"},
    "values": {"en": "values only", "es": "solo valores"},
    "udf": {"en": "XLPROF_ functions (needs the add-in)", "es": "funciones XLPROF_ (requiere el complemento)"},
}
SPLIT_NOTE = {"en": "portfolio rates", "es": "tarifas de la cartera"}


@dataclass(frozen=True)
class Stamp:
    """What the book's formula rows were built for."""

    clients: int
    activities: int
    resources: int
    fixed_rates: bool = False
    mode: str = "native"

    def text(self, lang: str) -> str:
        es = lang == "es"
        words = ("clientes", "actividades", "recursos") if es else ("clients", "activities", "resources")
        s = (f"{STAMP_KEY[lang]} v{LAYOUT_VERSION}: {self.clients} {words[0]}, {self.activities} {words[1]}, "
             f"{self.resources} {words[2]}")
        return s + (f", {SPLIT_NOTE[lang]}" if self.fixed_rates else "")


def readme_lines(lang: str, *, source_name: str, version: str, stamp: Stamp) -> list[str]:
    """The "Generated" lines at the end of the README."""
    en = lang != "es"
    return [
        f"{'Source' if en else 'Origen'}: {source_name}",
        f"{'xlprof version' if en else 'Versión de xlprof'}: {version}",
        f"{MODE_KEY[lang]}: {MODE_WORDS[stamp.mode][lang]}",
        f"{'Clients' if en else 'Clientes'}: {stamp.clients}",
        stamp.text(lang),
    ]


_STAMP_RE = re.compile(r"^\s*(?:%s)\s+v(\d+)\s*:\s*(\d+)\D+(\d+)\D+(\d+)"
                       % "|".join(map(re.escape, STAMP_KEY.values())))
_MODE_RE = re.compile(r"^\s*(?:%s)\s*:\s*(.+?)\s*$" % "|".join(map(re.escape, MODE_KEY.values())))


def _mode(text: str) -> str:
    for code, words in MODE_WORDS.items():
        if text == code or text in words.values():
            return code
    return "native"


def parse_stamp(readme: list[list[Any]]) -> Stamp | None:
    """The layout stamp from the README's column A (None if the book has none, or one of
    another layout version: its formula rows are not where this version looks)."""
    found, mode = None, "native"
    for row in readme:
        text = row[0] if row else None
        if not isinstance(text, str):
            continue
        if m := _STAMP_RE.match(text):
            fixed = any(note in text for note in SPLIT_NOTE.values())
            if int(m[1]) == LAYOUT_VERSION:
                found = (int(m[2]), int(m[3]), int(m[4]), fixed)
        elif m := _MODE_RE.match(text):
            mode = _mode(m[1])
    return None if found is None else Stamp(*found, mode=mode)


def stamp_of(a: Any, *, fixed_rates: bool = False, mode: str = "native") -> Stamp:
    return Stamp(len(a.clients), len(a.activities), len(a.resources), fixed_rates, mode)


def today_text(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M")
