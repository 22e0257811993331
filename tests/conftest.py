"""Shared pytest set-up.

In CI (``CI`` set, as .ci/run runs) LibreOffice must be present: the agreement tests are
the independent check of every cached value, so a missing soffice is an error there,
not a silent skip.
"""

from __future__ import annotations

import os
import shutil

import pytest


QUICK_FIRST = ["test_mutants.py", "test_formulas.py", "test_vector.py", "test_split.py", "test_analysis_tables.py",
               "test_independent.py", "test_split_analysis.py", "test_model.py", "test_reading_evidence.py",
               "test_reader_properties.py", "test_udf_thresholds.py", "test_udfs.py"]


def pytest_collection_modifyitems(config, items):
    if os.environ.get("XLPROF_TEST_EXAMPLES"):
        # mutation testing (scripts/mutation.py): the first failure kills a mutant, so run the
        # quick hand-worked files first, the heavier ones after and the hypothesis properties last
        def cost(item):
            name = item.path.name
            rank = QUICK_FIRST.index(name) if name in QUICK_FIRST else len(QUICK_FIRST)
            return bool(getattr(getattr(item, "obj", None), "is_hypothesis_test", False)), rank

        items.sort(key=cost)
    if os.environ.get("CI") and not (os.environ.get("SOFFICE") or shutil.which("soffice")):
        if any(item.get_closest_marker("libreoffice") for item in items):
            raise pytest.UsageError("CI: LibreOffice (soffice) is required by the libreoffice tests; "
                                    "install libreoffice-calc (see .ci/run)")


@pytest.fixture(scope="module")
def udfs():
    """``xlprof.udfs`` loaded through xlwings' real Windows UDF machinery (tests/xlwings_win.py);
    the stubs are removed again after the module's tests."""
    import xlwings_win

    xlwings_win.install_windows_stubs()
    try:
        yield xlwings_win.load_udf_module("xlprof.udfs")
    finally:
        xlwings_win.uninstall_windows_stubs()


@pytest.fixture(scope="module")
def remote():
    """xlwings' remote-engine Book (tests/remote_book.py) can run in a child process."""
    from remote_book import remote_engine_status

    ok, detail = remote_engine_status()
    if not ok:
        pytest.skip(f"xlwings remote engine unavailable: {detail}")
    return detail
