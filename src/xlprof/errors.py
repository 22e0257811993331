"""One exception tree for xlprof.

The model only raises; the CLI turns an error into a message and its exit code
(design.md section 6), the UDF layer into a short ``#XLPROF!`` text, the ribbon
into a status line.
"""

from __future__ import annotations

from dataclasses import dataclass

from .messages import msg, render

# Exit codes (design.md section 6) -- other tools rely on them.
EXIT_OK = 0
EXIT_INPUT = 1
EXIT_USAGE = 2
EXIT_UNREADABLE = 3
EXIT_UNWRITABLE = 4
EXIT_BATCH_PARTIAL = 5
EXIT_INTERNAL = 70      # a defect in xlprof, never bad input (BSD sysexits EX_SOFTWARE)


@dataclass(frozen=True)
class Problem:
    """One located problem in the inputs.

    ``row`` is the 1-based row number as the user sees it in the sheet (the
    header is row 1 for a table starting at A1); ``column`` is the user's
    header text or the canonical column name. ``message`` is text, or a
    :class:`~xlprof.messages.Msg` of the catalog that :meth:`render` shows in
    another language (``str(problem)`` is English).
    """

    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def location(self, lang: str = "en") -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(render(msg("where_sheet", sheet=self.sheet), lang))
        if self.row is not None:
            parts.append(render(msg("where_row", row=self.row), lang))
        if self.column:
            parts.append(render(msg("where_column", column=self.column), lang))
        return ", ".join(parts)

    def render(self, lang: str = "en") -> str:
        """The located message in ``lang`` (the user's file, sheet and column names as they are)."""
        loc = self.location(lang)
        text = render(self.message, lang)
        return f"{loc}: {text}" if loc else text

    def __str__(self) -> str:
        return self.render("en")


class XlprofError(Exception):
    """Base of every error xlprof raises on purpose."""

    exit_code = EXIT_INPUT


class InputError(XlprofError):
    """The inputs break a rule; carries every problem found, not just the first.

    ``lang`` is the language the inputs' Settings ask for, when they were read that far
    (None otherwise): the command line shows the problems in it unless ``--lang`` says."""

    exit_code = EXIT_INPUT

    def __init__(self, problems: list[Problem] | Problem | str, lang: str | None = None):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        self.lang = lang
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):        # across processes (generate -j) with its problems, not one text
        return type(self), (self.problems, self.lang)


class UnreadableFileError(XlprofError):
    """A file cannot be read: missing, wrong type, corrupt, unsafe or too large."""

    exit_code = EXIT_UNREADABLE

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")

    def render(self, lang: str = "en") -> str:
        return f"{self.path}: {render(self.reason, lang)}"

    def __reduce__(self):
        return type(self), (self.path, self.reason)


class OutputError(XlprofError):
    """An output cannot be written (folder missing, read-only, disk full...)."""

    exit_code = EXIT_UNWRITABLE

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {msg('cannot_write', reason=reason)}")

    def render(self, lang: str = "en") -> str:
        return f"{self.path}: {render(msg('cannot_write', reason=self.reason), lang)}"

    def __reduce__(self):
        return type(self), (self.path, self.reason)


class InternalError(XlprofError):
    """A defect in xlprof (an exception nobody raised on purpose); never bad input."""

    exit_code = EXIT_INTERNAL

    def __init__(self, exc: BaseException):
        self.cause = exc
        self.text = msg("internal", kind=type(exc).__name__, detail=str(exc))
        super().__init__(str(self.text))

    def render(self, lang: str = "en") -> str:
        return render(self.text, lang)


def format_error(exc: XlprofError, max_shown: int = 50, lang: str = "en") -> str:
    """The message the command line prints for ``exc`` (every input problem, up to
    ``max_shown``), in ``lang``."""
    if isinstance(exc, InputError):
        probs = exc.problems
        head = msg("head_many", n=len(probs)) if len(probs) > 1 else msg("head_one")
        lines = [f"  {p.render(lang)}" for p in probs[:max_shown]]
        if len(probs) > max_shown:
            lines.append(f"  {render(msg('and_more', n=len(probs) - max_shown), lang)}")
        return "\n".join([f"xlprof: {render(head, lang)}", *lines])
    text = exc.render(lang) if hasattr(exc, "render") else render(exc.args[0] if len(exc.args) == 1 else str(exc), lang)
    return f"xlprof: {text}"


class WorkbookError(XlprofError):
    """A workbook is not an xlprof analysis book, or its layout is damaged."""

    exit_code = EXIT_INPUT
