"""Child-process side of tests/test_lite.py: xlprof.lite through xlwings' own Office.js
machinery (``xlwings.pro.udfs_officejs``), as xlwings Lite runs it.

Run with ``XLWINGS_ON_SERVER=true`` (what xlwings Lite and xlwings Server set before xlwings
is imported: ``xlwings.func``/``arg``/``script`` are then the Office.js decorators) and
``XLWINGS_LICENSE_KEY=noncommercial`` (xlwings.pro checks it locally); neither is ever set
in the pytest process or needed by production code.

``python _lite_driver.py REQUESTS.json RESULTS.json [--block]``: REQUESTS is
``{"calls": [payload, ...], "sheet_rows": N}`` (optional: a shorter sheet height, so that a
"whole column" need not be a million cells of JSON); RESULTS gets ``meta`` (custom_functions_meta),
``scripts`` (custom_scripts_meta), ``results`` (custom_functions_call per payload, or
``{"error": ...}``) and ``loaded`` (desktop-only libraries imported). ``--block`` makes the
desktop-only libraries unimportable first, as in the browser.
"""

from __future__ import annotations

import asyncio
import importlib.abc
import json
import sys
import types

DESKTOP_ONLY = {"openpyxl", "xlsxwriter", "click", "python_calamine", "defusedxml", "duckdb"}


def _pyodide_ffi() -> None:
    """xlwings checks every Office.js cell for Pyodide's ``JsNull`` by importing
    ``pyodide.ffi``; in Pyodide that import is cached, on desktop Python it fails anew for
    every cell (0.3 ms each). A stand-in module (no value is ever a JsNull here, as on
    desktop) keeps the timing close to the browser's without changing a value."""
    ffi = types.ModuleType("pyodide.ffi")
    ffi.JsNull = type("JsNull", (), {})
    pyodide = types.ModuleType("pyodide")
    pyodide.ffi, pyodide.__path__ = ffi, []
    sys.modules.setdefault("pyodide", pyodide)
    sys.modules.setdefault("pyodide.ffi", ffi)


class _Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in DESKTOP_ONLY:
            raise ImportError(f"{name} is not installed (blocked: not available in the browser)")
        return None


def run_recalculate_script(book) -> None:
    """Target for remote_book.run_in_remote_book: the Lite script, called the way xlwings
    Lite calls scripts (custom_scripts_call, the Book injected by its type hint)."""
    import xlwings as xw
    from xlwings.pro.udfs_officejs import custom_scripts_call

    import xlprof.lite

    asyncio.run(custom_scripts_call(xlprof.lite, "xlprof_recalculate", typehint_to_value={xw.Book: book}))


def main(argv: list[str]) -> int:
    requests_path, results_path, *flags = argv
    if "--block" in flags:
        sys.meta_path.insert(0, _Blocker())
    _pyodide_ffi()
    from xlwings.pro.udfs_officejs import custom_functions_call, custom_functions_meta, custom_scripts_meta

    import xlprof.excel.shape
    import xlprof.lite

    requests = json.load(open(requests_path, encoding="utf-8"))
    if requests.get("sheet_rows"):
        xlprof.excel.shape.SHEET_ROWS = requests["sheet_rows"]
    results = []
    for payload in requests["calls"]:
        try:
            results.append({"value": asyncio.run(custom_functions_call(payload, xlprof.lite))})
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results.append({"error": f"{type(exc).__name__}: {exc}"})
    out = {"meta": custom_functions_meta(xlprof.lite), "scripts": custom_scripts_meta(xlprof.lite),
           "results": results,
           "loaded": sorted({m.split(".")[0] for m in sys.modules} & DESKTOP_ONLY)}
    with open(results_path, "w", encoding="utf-8") as fh:
        json.dump(out, fh, allow_nan=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
