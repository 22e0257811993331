"""Generate docs/functions.md (the Excel function reference) from src/xlprof/excel/.

Everything per function comes from its one definition: the one-line docstring (what
Excel's Insert Function dialog shows), the argument descriptions of ``@excel_function``,
which arguments are optional (a Python default), the category, and the examples in
:mod:`xlprof.excel.catalog`. The definitions are plain Python, so this runs anywhere.

Run: python scripts/gen_function_docs.py          (rewrites docs/functions.md)
     python scripts/gen_function_docs.py --check  (exit 1 if it is out of date)
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))  # this checkout's xlprof, installed or not
TARGET = ROOT / "docs" / "functions.md"


@dataclass
class Argument:
    name: str
    optional: bool
    doc: str


@dataclass
class Function:
    name: str
    doc: str
    category: str
    args: list[Argument]
    example: tuple[str, str]
    worked: tuple[tuple, object] | None = None

    @property
    def signature(self) -> str:
        parts = [f"[{a.name}]" if a.optional else a.name for a in self.args]
        return f"{self.name}({', '.join(parts)})"


def functions() -> list[Function]:
    """The worksheet functions, in reference order, from their one definition
    (:mod:`xlprof.excel.catalog`; importing it loads no xlwings)."""
    from xlprof.excel.catalog import EXAMPLES, FUNCTIONS, WORKED
    from xlprof.excel.spec import CATEGORY, spec_of

    out = []
    for f in FUNCTIONS:
        spec = spec_of(f)
        args = [Argument(name, name in spec.optional, doc) for name, doc in spec.args]
        out.append(Function(spec.name, spec.doc, CATEGORY, args, EXAMPLES.get(spec.name, ("", "")),
                            WORKED.get(spec.name)))
    return out


SETUP = """\
## From nothing to a working `=XLPROF_MARGIN` on Windows

The functions run in desktop Excel for Windows through [xlwings](https://www.xlwings.org)
(classic user-defined functions: Excel calls Python through a small VBA wrapper per
function). On a Mac, on the web, or on Windows without Python, use
[xlwings Lite](#the-same-functions-in-xlwings-lite-mac-web-windows) instead.

1. **Python.** Install Python 3.11 or later (python.org). It need not be on `PATH`.
2. **xlprof.** xlprof is not published on PyPI: install it from its wheel. Whoever has the
   source builds the wheel once, on any computer:

   ```
   python -m pip install build
   python -m build            # writes dist/xlprof-0.1.0-py3-none-any.whl
   ```

   and on the Excel computer, in a command prompt:

   ```
   python -m pip install xlprof-0.1.0-py3-none-any.whl
   ```

   This installs xlwings with it (a version xlprof was tested with: 0.37.x).
3. **The add-in.** Quit Excel, then run

   ```
   xlprof addin install
   ```

   It builds `xlprof.xlam` from the installed xlwings, writes the Python that ran the
   command into its settings (`Interpreter_Win`, so Excel finds Python without `PATH`),
   and puts it in Excel's start-up folder. Start Excel: an **xlprof** tab appears.
4. **Allow Import Functions** (once per computer): File > Options > Trust Center > Trust
   Center Settings > Macro Settings > tick
   **Trust access to the VBA project object model** > OK > OK. (xlwings writes the
   functions' VBA wrappers with it.)
5. **Import the functions into the add-in** (once, and again after upgrading xlprof):
   with any workbook open, press **Alt+F11**, then **Ctrl+G**, paste this line and press
   **Enter**, then close the editor:

   ```
   Application.Run "'xlprof.xlam'!ImportPythonUDFsToAddin": Workbooks("xlprof.xlam").Save
   ```

   The wrappers now live in the add-in, which holds its own copy of xlwings' VBA: the
   functions work in **every** workbook, `.xlsx` included, with no reference to set and
   nothing to import per workbook.
6. **Type** `=XLPROF_MARGIN(B2:B100, C2:C100, D2:D100)` (one formula, a column of results)
   or `=XLPROF_MARGIN(B2, C2, D2)` (one client).

Other way (the xlwings add-in instead of xlprof's, per workbook): `xlwings addin install`;
save the workbook as `.xlsm` (Import Functions refuses a workbook without macros); in the
VBA editor (Alt+F11) Tools > References > tick **xlwings**; on the **xlwings** tab set
**UDF Modules** to `xlprof.udfs` and, if Python is not found, **Interpreter** to its
`python.exe`; click **Import Functions**.

**After upgrading xlwings** the add-in must be rebuilt (its VBA loads the DLL of exactly
the xlwings it was built with): run `xlprof addin install` again and repeat step 5. Until
then the functions and the Recalculate button answer
`#XLPROF! rebuild the add-in: xlprof addin install ...` (or VBA reports the missing
`xlwings64-....dll` when the old DLL is gone).

## The same functions in xlwings Lite (Mac, web, Windows)

[xlwings Lite](https://lite.xlwings.org) is a free add-in from the Office store that runs
Python inside Excel (Microsoft 365 or Office 2021 and later, on Windows, macOS and the
web): nothing to install on the computer.

1. Serve the xlprof wheel (step 2 above) at an `https://` address the browser may fetch
   (one that allows cross-origin requests, such as your company's package mirror or a file
   in a repository served through a CDN), and run, on any computer with xlprof:

   ```
   xlprof lite --wheel https://…/xlprof-0.1.0-py3-none-any.whl -o lite
   ```

   It writes `lite/main.py` (the one line `from xlprof.lite import *`) and
   `lite/requirements.txt` (the wheel's address).
2. In Excel: **Home > Add-ins**, search **xlwings**, **Add**. The xlwings Lite pane opens.
3. Paste `main.py` into its **main.py** tab; add the line of `requirements.txt` to its
   **requirements.txt** tab (keep the `xlwings` line); restart xlwings Lite (its menu >
   Restart). In the browser xlprof needs only pandas and numpy, which Lite provides; its
   desktop-only dependencies are skipped.
4. Type `=XLPROF_MARGIN(B2:B100, C2:C100, D2:D100)`.

The functions, arguments and `#XLPROF!` messages are the same. Whole columns (`B:B`) are
refused there (Lite does not tell a function its row): give the rows.
"""

RULES = """\
## How the functions behave

* **Array-first.** Every argument takes one cell or a whole range. Give whole columns
  and one formula returns the whole result column (it spills in Excel 365): one call
  over 10,000 rows instead of 10,000 calls. A single cell next to ranges (such as a
  cost of capital of `8%`) applies to every row. The per-row form, with one cell per
  argument, returns the same numbers.
* **Whole columns.** `=XLPROF_TIER(H:H)` or `=XLPROF_MARGIN(B:B, C:C, D:D)` work: the
  result stops at the last row with data (never a million-row spill), starts at the row the
  formula is typed in (type it in row 2, beside the first client, and every result sits
  beside its row), and header rows (text labels such as `Net profit`) give blanks. All range
  arguments must then be whole columns. Excel for Windows only: xlwings Lite does not tell
  a function its row, so there give the rows (`H2:H1000`).
* **Excel 2016 and 2019** (no dynamic arrays, nothing spills): a formula over a range
  returns several cells, which these versions show only when the formula is entered over a
  selection. Select the result's cells (one per row of the range), type the formula and
  press **Ctrl+Shift+Enter**; extra selected cells stay blank. Entered normally in one
  cell, or over too few cells, the function does not show a partial result: it says
  `#XLPROF! the result has 100 rows: select D2:D101, ...` (or `select 100 rows`). One
  value per row (`=XLPROF_MARGIN(B2, C2, D2)`, filled down) works in every version.
* **Shapes.** Cell-by-cell functions return the shape of their range arguments.
  Functions over a clients x activities block (cost-to-serve, service hours) and the
  score functions take one row per client and return one column. Lists of one value per
  activity or per signal (rates, minutes, weights) may be a row or a column. Tiers,
  quadrants and the whale curve compare clients with each other: give them the whole
  column, not one cell.
* **Numbers** are read like the input reader reads them (the reading rule, design.md
  section 5): numbers, Currency cells, or text such as `1.234,56`, `1,234.56`, `€ 1 200` or
  `12 %`. Text that reads two ways (`1.234`, `120,000`) is settled by the other cells of the
  same argument (one `12,5` proves a decimal comma), then by the `decimal_separator` of the
  function's `settings` range (the score functions, `XLPROF_ACTION`, `XLPROF_ANALYZE`);
  otherwise it is refused with both readings, never guessed.
* **Blanks.** Optional arguments that are omitted or blank take their default (0 for
  amounts). A row where every range argument is blank gives a blank (ranges may be longer
  than the data). A blank required value in a row with data is an error.
* **Problems show as text** starting with `#XLPROF!` (xlwings cannot return Excel error
  values): text or an error such as `#N/A` in a number argument, a blank required value,
  a rating outside 1-5. A bad row marks only its own result cell, for example
  `#XLPROF! revenue row 3 is text` (rows are counted within the range you gave, its first
  row being row 1). Ranges of different sizes give one text for the whole call, such as
  `#XLPROF! cogs has 99 rows but revenue has 100 rows`. For tiers, quadrants and the
  whale curve a bad row would shift every other result, so every result cell shows it.
* **Blank results** mean "no value", as in the analysis workbook: a net margin without
  net revenue, a score without any signal data, a whale curve when total profit is 0 or
  less.
* **Dates** are date cells (or date serial numbers, or text such as `2027-12-31`,
  `31/12/2027`, `31-Dec-2027`); dates returned need a date number format in the cell. A text
  date that reads two ways (`03/04/2027`) is settled by the other cells of the argument (one
  `31/12/2027` puts the day first; `XLPROF_ANALYZE`: also its settings' `date_order`),
  otherwise refused with both readings.
"""


def excel_literal(value) -> str:
    """A value as typed in a formula: 0.1, "es", TRUE, {10,2;3,4}."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return f"{value:g}"
    if isinstance(value, str):
        return '"' + value.replace('"', '""') + '"'
    if isinstance(value, tuple):
        return "{" + ";".join(",".join(excel_literal(v) for v in row) for row in value) + "}"
    raise TypeError(f"no Excel literal for {value!r}")


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render(funcs: list[Function]) -> str:
    lines = [
        "# Excel functions (`XLPROF_…`)",
        "",
        "<!-- Generated by scripts/gen_function_docs.py from src/xlprof/excel/: do not edit. -->",
        "",
        "Worksheet functions that run xlprof's model on cells and ranges: the same formulas",
        "as `xlprof score` and the analysis workbook, one implementation. In the Insert",
        "Function dialog they are in the category **xlprof**; optional arguments are shown",
        "in brackets below and can be left out (or left empty: `=XLPROF_NET_PROFIT(B2, C2,",
        "F2, , , K2)`).",
        "",
        SETUP,
        RULES,
        "## Functions",
        "",
        "| Function | What it returns |",
        "|---|---|",
    ]
    for f in funcs:
        anchor = f.name.lower()
        lines.append(f"| [`{f.name}`](#{anchor}) | {_cell(f.doc)} |")
    lines.append("")
    for f in funcs:
        formula, what = f.example
        lines += [
            f"### {f.name}",
            "",
            f"`{f.signature}`",
            "",
            f.doc,
            "",
            "| Argument | | Description |",
            "|---|---|---|",
        ]
        for a in f.args:
            doc = a.doc.removeprefix("Optional. ") if a.optional else a.doc
            lines.append(f"| `{a.name}` | {'optional' if a.optional else 'required'} | {_cell(doc)} |")
        lines += ["", f"Example: `{formula}` — {what}."]
        if f.worked is not None:
            args, result = f.worked
            call = f"={f.name}({', '.join(excel_literal(a) for a in args)})"
            shown = (excel_literal(result) if not isinstance(result, str) else result)
            lines += ["", f"Worked example: `{call}` returns `{shown}`."]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def generate() -> str:
    return render(functions())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if docs/functions.md is out of date")
    args = ap.parse_args(argv)
    text = generate()
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET} is out of date: run python scripts/gen_function_docs.py", file=sys.stderr)
            return 1
        print(f"{TARGET} is up to date")
        return 0
    TARGET.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
