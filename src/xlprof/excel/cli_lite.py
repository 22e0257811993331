"""``xlprof lite``: what a controller pastes into the xlwings Lite editor.

xlwings Lite (Excel on Windows, Mac and the web) keeps a workbook's Python in two tabs of
its editor: ``main.py`` and ``requirements.txt``. For xlprof, ``main.py`` is the one line
``from xlprof.lite import *`` (every ``XLPROF_`` function and the Recalculate script) and
``requirements.txt`` names the xlprof wheel -- the pure-Python wheel ``python -m build``
writes, served over https where the browser can fetch it (xlprof is not on PyPI). In the
browser its desktop-only dependencies are skipped (they carry the marker
``sys_platform != "emscripten"``); the model needs only pandas and numpy, which come with
Pyodide.
"""

from __future__ import annotations

import re
from pathlib import Path

import click

MAIN_PY = "from xlprof.lite import *  # noqa: F403 - the XLPROF_ functions and xlprof_recalculate\n"
WHEEL_NAME = re.compile(r"xlprof-[0-9][^/-]*-py3-none-any\.whl")


def requirements_txt(wheel_url: str) -> str:
    return wheel_url + "\n"


def _check_url(ctx, param, value: str) -> str:
    value = value.strip()
    name = value.rsplit("/", 1)[-1]
    if not value.lower().startswith(("https://", "http://")):
        raise click.BadParameter(
            f"{value!r} is not a web address. xlwings Lite runs in the browser: serve the wheel "
            "(dist/xlprof-VERSION-py3-none-any.whl from 'python -m build') where the browser can "
            "fetch it, for example as a release asset, and give its https:// address")
    if not WHEEL_NAME.fullmatch(name):
        raise click.BadParameter(
            f"{name!r} is not xlprof's pure-Python wheel (xlprof-VERSION-py3-none-any.whl, "
            "written by 'python -m build')")
    return value


@click.command("lite")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default="current folder", help="Folder for main.py and requirements.txt (created if missing).")
@click.option("--wheel", "wheel", metavar="URL", required=True, callback=_check_url,
              help="https:// address of the xlprof wheel (xlprof-VERSION-py3-none-any.whl).")
def lite(output: Path, wheel: str) -> None:
    """Write main.py and requirements.txt for xlwings Lite (Excel on Mac, the web, Windows)."""
    from ..errors import OutputError
    from ..io.atomic import write_text

    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(str(output), exc.strerror or str(exc)) from None
    for name, text in (("main.py", MAIN_PY), ("requirements.txt", requirements_txt(wheel))):
        write_text(output / name, text)
        click.echo(f"wrote {output / name}")
    click.echo("In Excel: open the xlwings Lite pane, paste main.py into its main.py tab and add the "
               "line of requirements.txt to its requirements.txt tab (keep the xlwings line), then "
               "restart xlwings Lite. The XLPROF_ functions work in any cell; run "
               "'xlprof_recalculate' to refresh an analysis workbook (docs/ribbon.md).")
