"""Messages about the inputs, in English and Spanish: made where a problem is found, rendered
where it is shown.

A reader that finds a problem makes a :class:`Msg` -- ``msg("not_a_number", value="lots")`` --
from the catalog (:mod:`xlprof.catalog`: one key, an English and a Spanish template). A
``Msg`` *is* its English text (a ``str``), so every place that handles messages as text keeps
working unchanged; it also keeps its key and values, so the edge that shows it (the command
line, Recalculate's message box) renders it in the user's language with :func:`render`.
Values are kept as they are: the user's own text (``'1,234'``) is shown as typed in both
languages, while numbers xlprof writes itself follow the language (``1,200`` / ``1.200``).

Which language (decided once, at the edge): ``--lang`` on the command line; else the Settings
``language`` of the inputs, when they could be read that far; else English. The live
Recalculate speaks its book's language.

Template rules (checked by ``tests/test_reading_messages.py``): ``{name}`` fields are filled
with :func:`str.format` rules; a value that is itself a ``Msg`` is rendered in the same
language; ``{when:long}`` writes a date in words (``3 April 2027`` / ``3 de abril de 2027``);
``{names:and}`` joins a list (``'a', 'b' and 'c'`` / ``'a', 'b' y 'c'``; ``{names:andr}``
quotes each item; ``{parts:comma}`` joins with commas); an entry given as a pair
``(one, other)`` is chosen by the value ``n``; a number with a format spec (``{n:,}``) takes
the language's punctuation, the user's own values (``{value!r}``) never change.
"""

from __future__ import annotations

import datetime as dt
import string
from typing import Any, Iterable

LANGS = ("en", "es")

_MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
           "octubre", "noviembre", "diciembre"),
}


class Msg(str):
    """A catalog message: its English text, plus ``key`` and ``values`` to render it in
    another language (:meth:`render`)."""

    key: str
    values: dict[str, Any]

    def __new__(cls, key: str, values: dict[str, Any]) -> "Msg":
        self = super().__new__(cls, _format(key, "en", values))
        self.key, self.values = key, values
        return self

    def render(self, lang: str = "en") -> str:
        """The message in ``lang`` (``"en"`` or ``"es"``; anything else is English)."""
        return str.__str__(self) if lang not in LANGS[1:] else _format(self.key, lang, self.values)

    def __str__(self) -> str:
        return str.__str__(self)

    def __reduce__(self):        # pickles (batch jobs in other processes) with key and values
        return Msg, (self.key, self.values)


def msg(key: str, /, **values: Any) -> Msg:
    """The catalog message ``key`` with ``values`` (KeyError for an unknown key)."""
    return Msg(key, values)


def render(text: Any, lang: str = "en") -> str:
    """``text`` in ``lang``: a :class:`Msg` rendered, anything else as ``str``."""
    if isinstance(text, Msg):
        return text.render(lang)
    return "" if text is None else str(text)


def reason(exc: BaseException) -> str:
    """What ``exc`` (a ValueError raised with a message) says: its :class:`Msg` when it was
    raised with one (``ValueError(msg(...))``), else its text."""
    first = exc.args[0] if len(exc.args) == 1 else None
    return first if isinstance(first, Msg) else str(exc)


def number(x: float | int, lang: str = "en", spec: str = ",") -> str:
    """A number xlprof writes, in the language's punctuation (``1,234.5`` / ``1.234,5``)."""
    text = format(x, spec)
    if lang == "es":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def lang_of(value: Any) -> str | None:
    """``"en"``/``"es"`` when ``value`` names one of the languages (``ES``, ``es ``), else None."""
    if isinstance(value, str) and value.strip().lower() in LANGS:
        return value.strip().lower()
    return None


class _Formatter(string.Formatter):
    def __init__(self, lang: str):
        super().__init__()
        self.lang = lang

    def format_field(self, value: Any, spec: str) -> str:
        if isinstance(value, Msg):
            return format(value.render(self.lang), spec)
        if spec == "long" and isinstance(value, dt.date):
            month = _MONTHS[self.lang][value.month - 1]
            return (f"{value.day} de {month} de {value.year}" if self.lang == "es"
                    else f"{value.day} {month} {value.year}")
        if spec in ("and", "andr", "or", "orr", "comma") and isinstance(value, (list, tuple)):
            return self._join(value, spec)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and spec:
            return number(value, self.lang, spec)
        return super().format_field(value, spec)

    def _join(self, items: Iterable[Any], spec: str) -> str:
        words = [repr(str(x)) if spec.endswith("r") else self.format_field(x, "") for x in items]
        if spec == "comma":
            return ", ".join(words)
        last = {"and": {"en": " and ", "es": " y "}, "or": {"en": " or ", "es": " o "}}[spec.rstrip("r")][self.lang]
        return words[0] if len(words) == 1 else ", ".join(words[:-1]) + last + words[-1]


def _format(key: str, lang: str, values: dict[str, Any]) -> str:
    from .catalog import CATALOG

    en, es = CATALOG[key]
    template = es if lang == "es" else en
    if isinstance(template, tuple):
        template = template[0] if values.get("n") == 1 else template[1]
    return _Formatter(lang).format(template, **values)
