"""Exit codes that tell a crash from bad input (design.md section 6): every test asserts the
exact code *and* the class of the message. A defect inside xlprof (an exception nobody
raised on purpose, made here by breaking a function deep in the engine or the reader)
exits 70 with a message that says it is a defect and asks for a report; bad input exits
1 with located problems and never says "internal error".
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from _inputs import set_cells, valid_book
from xlprof.cli import main
from xlprof.errors import EXIT_INPUT, EXIT_INTERNAL

DEFECT = ("internal error (RuntimeError: boom); this is a defect in xlprof, not a problem with "
          "your input: please report it with the command you ran")


def invoke(*args):
    r = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in r.output, r.output
    # the CLI turned the exception into its exit code itself (no uncaught exception)
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    return r


def boom(*args, **kwargs):
    raise RuntimeError("boom")


def test_exit_codes_are_the_documented_ones():
    assert (EXIT_INPUT, EXIT_INTERNAL) == (1, 70)


@pytest.mark.parametrize("target, command", [
    ("xlprof.model.formulas.net_profit", "score"),          # deep in the engine
    ("xlprof.model.segments.whale_curve", "score"),
    ("xlprof.model.formulas.net_profit", "generate"),
    ("xlprof.io.tables.parse_table", "validate"),            # deep in the reader
    ("xlprof.workbook.book.write_analysis_book", "generate"),  # in the writer
])
def test_a_defect_exits_70_and_says_so(tmp_path, monkeypatch, target, command):
    module, name = target.rsplit(".", 1)
    monkeypatch.setattr(__import__(module, fromlist=[name]), name, boom)
    if target == "xlprof.io.tables.parse_table":       # the reader imports it by name
        import xlprof.io.reader as reader

        monkeypatch.setattr(reader, "parse_table", boom)
    if target == "xlprof.model.segments.whale_curve":
        import xlprof.model.analysis as analysis

        monkeypatch.setattr(analysis, "whale_curve", boom)
    book = valid_book(tmp_path)
    args = [command, book] + (["-o", tmp_path / "out"] if command == "generate" else [])
    r = invoke(*args)
    assert r.exit_code == EXIT_INTERNAL, r.output
    assert DEFECT in r.output
    assert "problem in the inputs" not in r.output and "problems in the inputs" not in r.output
    if command == "generate":
        assert not list((tmp_path / "out").glob("*.xlsx"))   # nothing half-written


def test_a_defect_in_a_real_process_exits_70(tmp_path):
    """The console entry point, in its own process: exit status 70 and the message on stderr."""
    book = valid_book(tmp_path)
    code = ("import sys, xlprof.model.formulas as F\n"
            "def boom(*a, **k):\n    raise RuntimeError('boom')\n"
            "F.net_revenue = boom\n"
            "from xlprof.cli import main\n"
            "sys.argv = ['xlprof', 'score', sys.argv[1]]\n"
            "main()\n")
    proc = subprocess.run([sys.executable, "-c", code, str(book)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == EXIT_INTERNAL, proc.stderr
    assert DEFECT in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""


@pytest.mark.parametrize("command", ["validate", "score", "generate"])
def test_bad_input_exits_1_with_located_problems_never_internal(tmp_path, command):
    book = set_cells(tmp_path, "Clients", {"E3": "n/a"})
    args = [command, book] + (["-o", tmp_path / "out"] if command == "generate" else [])
    r = invoke(*args)
    assert r.exit_code == EXIT_INPUT, r.output
    assert "internal error" not in r.output and "defect" not in r.output
    assert f"{book}, sheet Clients, row 3, column Revenue: 'n/a' is not a number" in r.output


def test_recalc_of_a_book_with_bad_input_exits_1_never_internal(tmp_path):
    from _inputs import edit_book

    r = invoke("generate", valid_book(tmp_path), "-o", tmp_path)
    assert r.exit_code == 0, r.output
    book = tmp_path / "input-analysis.xlsx"

    def spoil(wb):
        ws = wb["Clients"]
        col = next(c.column for c in ws[1] if c.value == "Revenue")
        ws.cell(3, col).value = "n/a"

    edit_book(book, spoil)
    before = book.read_bytes()
    r = invoke("recalc", book)
    assert r.exit_code == EXIT_INPUT, r.output
    assert "internal error" not in r.output and "defect" not in r.output
    assert "sheet Clients, row 3, column Revenue: 'n/a' is not a number" in r.output
    assert book.read_bytes() == before


def test_a_batch_with_a_defect_in_one_book_exits_5_and_names_it(tmp_path, monkeypatch):
    import xlprof.batch as batch

    good = valid_book(tmp_path, "good.xlsx")
    other = valid_book(tmp_path, "other.xlsx")
    real = batch.run_job

    def flaky(job):
        if "other" in str(job.label):
            raise RuntimeError("boom")
        return real(job)

    monkeypatch.setattr(batch, "run_job", flaky)
    r = invoke("generate", good, other, "-o", tmp_path / "out")
    assert r.exit_code == 5, r.output
    assert f"FAILED {other}:\nxlprof: {DEFECT}" in r.output
    assert (tmp_path / "out" / "good-analysis.xlsx").exists()
