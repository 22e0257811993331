"""Recalculate: refresh the analysis in the workbook open in Excel (the ribbon button).

Two layers, so that the logic runs -- and is tested -- without Excel:

* :func:`plan_recalculation` (pure: pandas/numpy, no xlwings, no file libraries) reads
  the book through a small :class:`SheetSource` (one block per sheet), validates the
  inputs, runs the engine, checks that the book's formula rows still fit the data,
  and returns every change as :class:`Write`/:class:`Clear` instructions -- or, when
  the book cannot be refreshed, the located reason and no instructions but a status
  line. Everything is computed before anything is written.
* :func:`recalculate_book` is the xlwings adapter: one ``used_range`` read per sheet,
  one ``range.value = rows`` per block (cell by cell would take seconds), a status
  line on the Dashboard and a message box when something is wrong. It works with
  any xlwings ``Book``: desktop Excel (the classic add-in's ``RunPython``), xlwings
  Server's remote engine and xlwings Lite.

Where the blocks are and what goes in them is :mod:`xlprof.workbook.layout`, the same
description the file writer (``xlprof generate``/``xlprof recalc``) uses. Formula
cells are left alone: Excel recalculates them itself.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from .recalc import (Clear, DictSource, Recalculation, SheetSource, Write, book_language, check_layout,
                     excel_text, plan_recalculation)
from .recalc_text import text

# --- the xlwings adapter ---------------------------------------------------------------------


class XlwingsSource:
    """:class:`SheetSource` over an xlwings ``Book``: one block read per sheet or range."""

    def __init__(self, book):
        self._sheets = {s.name: s for s in book.sheets}
        self.names = list(self._sheets)
        self._cache: dict[str, list[list[Any]]] = {}

    def values(self, sheet: str) -> list[list[Any]]:
        if sheet not in self._cache:
            rng = self._sheets[sheet].used_range
            rows = rng.options(ndim=2, err_to_str=True).value or []
            r0, c0 = rng.row - 1, rng.column - 1
            if c0:
                rows = [[None] * c0 + list(r) for r in rows]
            if r0:
                rows = [[] for _ in range(r0)] + rows
            self._cache[sheet] = [list(r) for r in rows]
        return self._cache[sheet]

    def block(self, sheet: str, row: int, col: int, nrows: int, ncols: int) -> list[list[Any]]:
        rng = self._sheets[sheet].range((row + 1, col + 1), (row + nrows, col + ncols))
        return rng.options(ndim=2, err_to_str=True).value


def apply(book, rec: Recalculation) -> None:
    """Carry out ``rec`` on the xlwings ``book``: clears, block writes, status line."""
    sheets = {s.name: s for s in book.sheets}

    def rng(name, row, col, nrows, ncols):
        return sheets[name].range((row + 1, col + 1), (row + nrows, col + ncols))

    for c in rec.clears:
        rng(c.sheet, c.row, c.col, c.nrows, c.ncols).clear_contents()
    for w in rec.writes:
        rng(w.sheet, w.row, w.col, w.nrows, w.ncols).value = w.rows
    if rec.status is not None:
        s = rec.status
        rng(s.sheet, s.row, s.col, s.nrows, s.ncols).value = s.rows


def _set_screen_updating(book, on: bool) -> None:
    try:
        book.app.screen_updating = on
    except Exception:  # noqa: BLE001 - an engine without the setting
        pass


def recalculate_book(book, *, alert: bool = True,
                     now: Callable[[], dt.datetime] | None = None) -> Recalculation:
    """Recalculate the analysis in the open xlwings ``book`` (what the ribbon runs).

    Nothing is written unless the whole analysis was computed; a book that is not an
    xlprof analysis book, or whose inputs are wrong, gets a message box (and, if it
    has a Dashboard, a status line) and no other change.
    """
    name = getattr(book, "name", "") or ""
    try:
        path = book.fullname
    except Exception:  # noqa: BLE001 - engines without a path
        path = name
    try:
        rec = plan_recalculation(XlwingsSource(book), book_name=name, book_path=path,
                                 now=now() if now else None)
    except Exception as exc:  # a bug must not leave the user without a word
        rec = Recalculation(False, "en", message=text("failed", "en", error=f"{type(exc).__name__}: {exc}"),
                            title=text("title", "en"))
    if rec.ok:
        _set_screen_updating(book, False)
        try:
            apply(book, rec)
        except Exception as exc:  # noqa: BLE001 - e.g. a sheet protected by an older xlprof
            if not alert:
                raise
            book.app.alert(text("write_failed", rec.lang, error=f"{type(exc).__name__}: {exc}", book=path),
                           title=rec.title, mode="critical")
        else:
            _calculate_if_manual(book)
        finally:
            _set_screen_updating(book, True)
    else:
        message = rec.message
        if rec.status is not None:
            try:
                apply(book, Recalculation(False, rec.lang, status=rec.status))
            except Exception as exc:  # noqa: BLE001 - a locked status cell: the message still goes out
                message += "\n\n" + text("status_failed", rec.lang, error=f"{type(exc).__name__}: {exc}")
        if alert:
            book.app.alert(message, title=rec.title, mode="critical")
    return rec


def _calculate_if_manual(book) -> None:
    """In Manual calculation mode Excel would leave the live formulas (net profit, scores,
    the Dashboard's figures) showing the old results next to the new engine blocks:
    calculate once after writing. Automatic mode recalculates by itself."""
    try:
        manual = book.app.calculation == "manual"
    except Exception:  # noqa: BLE001 - an engine that does not say (then it calculates itself)
        return
    if manual:
        book.app.calculate()


def status_of(rec: Recalculation) -> str:
    """The status line ``rec`` writes (for logs and tests)."""
    if rec.status is None or not rec.status.rows:
        return ""
    v = rec.status.rows[0][0]
    return v[1:] if isinstance(v, str) and v.startswith("'") else (v or "")


__all__ = ["Clear", "DictSource", "Recalculation", "SheetSource", "Write", "apply", "book_language",
           "check_layout", "excel_text", "plan_recalculation", "recalculate_book", "status_of"]
