"""One exception tree for xlprof.

The model only raises; the CLI turns an error into a message and its exit code
(design.md section 6), the UDF layer into a short ``#XLPROF!`` text, the ribbon
into a status line.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    header text or the canonical column name.
    """

    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def location(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        loc = self.location()
        return f"{loc}: {self.message}" if loc else self.message


class XlprofError(Exception):
    """Base of every error xlprof raises on purpose."""

    exit_code = EXIT_INPUT


class InputError(XlprofError):
    """The inputs break a rule; carries every problem found, not just the first."""

    exit_code = EXIT_INPUT

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UnreadableFileError(XlprofError):
    """A file cannot be read: missing, wrong type, corrupt, unsafe or too large."""

    exit_code = EXIT_UNREADABLE

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class OutputError(XlprofError):
    """An output cannot be written (folder missing, read-only, disk full...)."""

    exit_code = EXIT_UNWRITABLE

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: cannot write: {reason}")


class InternalError(XlprofError):
    """A defect in xlprof (an exception nobody raised on purpose); never bad input."""

    exit_code = EXIT_INTERNAL

    def __init__(self, exc: BaseException):
        self.cause = exc
        super().__init__(f"internal error ({type(exc).__name__}: {exc}); this is a defect in xlprof, "
                         "not a problem with your input: please report it with the command you ran")


def format_error(exc: XlprofError, max_shown: int = 50) -> str:
    """The message the command line prints for ``exc`` (every input problem, up to ``max_shown``)."""
    if isinstance(exc, InputError):
        probs = exc.problems
        head = f"{len(probs):,} problems in the inputs:" if len(probs) > 1 else "problem in the inputs:"
        lines = [f"  {p}" for p in probs[:max_shown]]
        if len(probs) > max_shown:
            lines.append(f"  ... and {len(probs) - max_shown} more")
        return "\n".join([f"xlprof: {head}", *lines])
    return f"xlprof: {exc}"


class WorkbookError(XlprofError):
    """A workbook is not an xlprof analysis book, or its layout is damaged."""

    exit_code = EXIT_INPUT
