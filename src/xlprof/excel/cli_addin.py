"""``xlprof addin`` commands: build and install the Excel add-in.

The main CLI registers this group with ``main.add_command(addin)``.

* ``xlprof addin build [-o DIR] [--lang es|en]`` writes ``DIR/xlprof.xlam``
  (default: the current folder), without Excel.
* ``xlprof addin install [-f FILE] [--lang es|en]`` installs the add-in for the
  current user (wraps ``xlwings addin install -f``: a copy goes to Excel's
  XLSTART folder). With ``-f`` it installs that existing ``xlprof.xlam``;
  without it, it first builds a fresh one (in ``--lang``) in a temporary folder,
  with ``Interpreter_Win`` (Windows) or ``Interpreter_Mac`` (macOS) set to the Python
  running the command -- the one xlprof is installed in -- and installs that. Needs Microsoft Excel (Windows or macOS); elsewhere it
  says so and exits with code 4.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from ..errors import XlprofError
from .addin import LABELS, _require_excel_platform, build_addin, install_addin, interpreter_settings

T = TypeVar("T")


class _XlprofClickError(click.ClickException):
    """Shows an XlprofError as ``Error: ...`` and exits with its exit code."""

    def __init__(self, error: XlprofError):
        super().__init__(str(error))
        self.exit_code = error.exit_code


def _run(fn: Callable[..., T], *args, **kwargs) -> T:
    try:
        return fn(*args, **kwargs)
    except XlprofError as exc:
        raise _XlprofClickError(exc) from None


_LANG = click.option(
    "--lang",
    type=click.Choice(sorted(LABELS)),
    default="en",
    show_default=True,
    help="Language of the ribbon labels.",
)


@click.group("addin")
def addin() -> None:
    """Build or install the xlprof Excel add-in (xlprof.xlam)."""


@addin.command("build")
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default="current folder",
    help="Folder to write xlprof.xlam into (it must exist).",
)
@_LANG
def build_cmd(output: Path, lang: str) -> None:
    """Write xlprof.xlam (built without Excel from the installed xlwings)."""
    path = _run(build_addin, output, lang=lang)
    click.echo(f"Wrote {path}")
    click.echo(
        "Install it with 'xlprof addin install -f "
        f"{path}' on a computer with Excel. Keep the file name xlprof.xlam."
    )


@addin.command("install")
@click.option(
    "-f",
    "--file",
    "file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="An existing xlprof.xlam to install; without it a fresh one is built first.",
)
@_LANG
def install_cmd(file: Path | None, lang: str) -> None:
    """Install the add-in for the current user (needs Microsoft Excel)."""
    _run(_require_excel_platform)  # fail fast, before building anything
    if file is not None:
        message = _run(install_addin, file)
    else:
        with tempfile.TemporaryDirectory(prefix="xlprof-addin-") as tmp:
            built = _run(build_addin, Path(tmp), lang=lang, config=interpreter_settings())
            message = _run(install_addin, built)
    click.echo(message)
