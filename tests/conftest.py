"""Shared pytest set-up.

In CI (``CI`` set, as .ci/run runs) LibreOffice must be present: the agreement tests are
the independent check of every cached value, so a missing soffice is an error there,
not a silent skip.
"""

from __future__ import annotations

import os
import shutil

import pytest
from click.testing import CliRunner

from _tuning import mutating, plain_id

# Every CLI run in the suite tells a crash from bad input (design.md section 6): whatever the
# test asserts, an exit code of 1 (input), 3 (unreadable) or 4 (unwritable) never carries the
# "internal error" message, 70 always does, no traceback is printed and no exception escapes
# the CLI (click's runner would report one as exit code 1, the code for bad input).
_DEFECT = ("defect in xlprof", "defecto de xlprof")
_invoke = CliRunner.invoke


def _checked_invoke(self, *args, **kwargs):
    result = _invoke(self, *args, **kwargs)
    out = result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"the CLI let {type(result.exception).__name__} escape (exit {result.exit_code}): {result.exception!r}\n{out}")
    assert "Traceback (most recent call last)" not in out, out
    if result.exit_code in (1, 3, 4):
        assert not any(d in out for d in _DEFECT), f"exit {result.exit_code} with an internal error:\n{out}"
    if result.exit_code == 70:
        assert any(d in out for d in _DEFECT), f"exit 70 without saying it is a defect:\n{out}"
    return result


CliRunner.invoke = _checked_invoke


def pytest_make_parametrize_id(config, val, argname):
    """Under mutation testing, parameter ids spelt in plain ASCII (tests/_tuning.plain_id)."""
    if mutating() and isinstance(val, str) and plain_id(val) != val:
        return plain_id(val)
    return None


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
