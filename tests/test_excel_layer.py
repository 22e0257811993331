"""The Excel layer's shape: one package, small modules, no cycles, no xlwings where not needed."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "xlprof"


def _imports(path: Path) -> set[str]:
    """Modules ``path`` imports anywhere (module level or inside functions), resolved."""
    pkg = ".".join(path.relative_to(SRC.parent).with_suffix("").parts[:-1])
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = pkg.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out.add(mod)
            out |= {f"{mod}.{a.name}" for a in node.names}
    return out


def test_batch_does_not_import_the_cli():
    assert not {m for m in _imports(SRC / "batch.py") if m == "xlprof.cli" or m.startswith("xlprof.cli.")}


def test_excel_modules_stay_small():
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in (SRC / "excel").glob("*.py")}
    assert sizes and max(sizes.values()) <= 500, sizes


def test_the_excel_layer_imports_no_cli_and_no_workbook_writer():
    for path in (SRC / "excel").glob("*.py"):
        bad = {m for m in _imports(path) if m.startswith(("xlprof.cli", "xlprof.batch", "xlprof.workbook.book"))}
        if path.name == "cli_addin.py":
            continue
        assert not bad, (path.name, bad)


def test_definitions_load_without_xlwings():
    code = ("import sys, xlprof.excel.catalog, xlprof.excel.recalc, xlprof.excel.live, xlprof.excel.classic; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'xlwings'))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_udfs_is_the_catalog_registered():
    from xlprof.excel.catalog import NAMES

    code = "import xlprof.udfs as u; print(' '.join(u.__all__))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert sorted(proc.stdout.split()) == sorted(NAMES)
    assert len(set(NAMES)) == len(NAMES) == 19
