"""Dashboard warnings print one a line: not wrapped in the narrow first column, where rows of
default height printed several wrapped warnings on top of each other."""

from __future__ import annotations

from click.testing import CliRunner
from openpyxl import load_workbook

from xlprof.cli import main


def test_warnings_are_single_line_text_that_runs_on_to_the_right(tmp_path):
    r = CliRunner().invoke(main, ["demo", "-o", str(tmp_path), "--clients", "40"])
    assert r.exit_code == 0, r.output
    ws = load_workbook(tmp_path / "xlprof-demo-en.xlsx")["Dashboard"]
    title = next(row for row in range(1, ws.max_row + 1) if ws.cell(row, 1).value == "Warnings")
    cells = [ws.cell(title + 1 + i, 1) for i in range(6)]
    assert isinstance(cells[0].value, str) and cells[0].value       # a warning, or "no warnings"
    for c in cells:
        assert not c.alignment.wrap_text, c.coordinate
        assert c.protection.locked is False          # the live Recalculate writes them
        # the cells to the right stay empty, so the text shows in full
        assert all(ws.cell(c.row, col).value is None for col in range(2, 6)), c.coordinate
