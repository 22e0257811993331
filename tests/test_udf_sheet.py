"""Where a function sits in the sheet, through xlwings' real CallUDF path (tests/xlwings_win.py):
whole columns (B:B), header rows, the caller's row, and Excel 2016/2019 (no dynamic arrays),
normally entered or array-entered (Ctrl+Shift+Enter) over a selection."""

from __future__ import annotations

import pytest

import xlwings_win as xw_win
from xlwings_win import XL_NA, FakeApp, FakeBook, fake_caller
from xlprof.excel import shape

#: Sheet height for most tests: the logic only compares an argument's length with the sheet's,
#: so a short "sheet" tests the same code in a fraction of the time (a million cells take
#: seconds to marshal); test_a_real_million_row_column uses Excel's real height.
SHORT_SHEET = 4096


@pytest.fixture(autouse=True)
def short_sheet(request, monkeypatch):
    if "real_height" not in request.keywords:
        monkeypatch.setattr(shape, "SHEET_ROWS", SHORT_SHEET)

MOD = "xlprof.udfs"
B = ""  # a blank result as xlwings hands it to COM (None and NaN become "")


def call(func, *args, **kwargs):
    return xw_win.call_udf(MOD, func, *args, **kwargs)


def whole(*cells) -> tuple:
    """A whole column (1,048,576 rows) as COM delivers it: the cells from row 1, then blanks."""
    head = tuple(c if isinstance(c, tuple) else (c,) for c in cells)
    width = len(head[0])
    return head + ((None,) * width,) * (shape.SHEET_ROWS - len(head))


def profits():
    return whole("Net profit", 500.0, 300.0, 150.0, 50.0, -100.0)


def old_excel_caller(rows=1, columns=1, *, row=1, column=9):
    """The calling cell(s) in Excel 2016/2019 (no WorksheetFunction.Unique: no dynamic arrays)."""
    book = FakeBook("old.xlsm", app=FakeApp(hwnd=2016, dynamic_arrays=False))
    return fake_caller(rows, columns, row=row, column=column, book=book)


# --- whole columns -------------------------------------------------------------------------------


@pytest.mark.real_height
def test_a_real_million_row_column(udfs):
    assert shape.SHEET_ROWS == 1_048_576  # Excel's sheet height
    out = call("XLPROF_TIER", profits(), caller=fake_caller(row=2, column=9))
    assert out == [["Platinum"], ["Gold"], ["Iron"], ["Iron"], ["Lead"]]


def test_whole_column_in_the_header_row_gives_a_blank_header_and_no_million_row_spill(udfs):
    out = call("XLPROF_TIER", profits(), caller=fake_caller(row=1, column=9))
    assert out == [[B], ["Platinum"], ["Gold"], ["Iron"], ["Iron"], ["Lead"]]


def test_whole_column_formula_in_row_2_starts_with_row_2(udfs):
    # typed in I2, beside the first client: every result sits beside its own row
    out = call("XLPROF_TIER", profits(), caller=fake_caller(row=2, column=9))
    assert out == [["Platinum"], ["Gold"], ["Iron"], ["Iron"], ["Lead"]]
    out = call("XLPROF_TIER", profits(), caller=fake_caller(row=4, column=9))  # rows 4.. only
    assert out == [["Platinum"], ["Gold"], ["Lead"]]  # 150, 50, -100: tiers among rows 4 to 6


def test_whole_columns_cell_by_cell_with_header_and_trailing_blanks(udfs):
    revenue = whole("Revenue", 1000.0, 500.0, None, 200.0)
    cogs = whole("COGS", 600.0, 100.0, None, 250.0)
    out = call("XLPROF_MARGIN", revenue, cogs, 50.0, caller=fake_caller(row=1, column=4))
    # 1000-50-600 = 350; 500-50-100 = 350; blank row blank; 200-50-250 = -100
    assert out == [[B], [350.0], [350.0], [B], [-100.0]]


def test_several_header_rows_and_a_title(udfs):
    revenue = whole("Client profitability", "Revenue", 1000.0)
    cogs = whole(None, "COGS", 600.0)
    out = call("XLPROF_MARGIN", revenue, cogs, caller=fake_caller(row=1, column=4))
    assert out == [[B], [B], [400.0]]


def test_a_bad_first_row_is_not_taken_for_a_header(udfs):
    # an error value or a number written as text is data, never a silent header
    out = call("XLPROF_MARGIN", whole(XL_NA, 10.0), whole(1.0, 2.0), caller=fake_caller(row=1, column=4))
    assert out == [["#XLPROF! revenue row 1 is #N/A"], [8.0]]
    out = call("XLPROF_MARGIN", whole("1.000", 10.0), whole(1.0, 2.0), caller=fake_caller(row=1, column=4))
    assert out[1] == [8.0] and out[0] != [B]


def test_whole_columns_with_ratings_table(udfs):
    ratings = whole(("values", "communication", "needs", "terms"), (1.0, 1.0, 1.0, 1.0))
    out = call("XLPROF_TERMINATION_SCORE", whole("NP", -200.0), whole("NR", 1000.0), whole("CTS", 400.0),
               None, None, None, ratings, caller=fake_caller(row=1, column=20))
    assert out == [[B], [100.0]]  # every signal 1 -> 100


def test_whole_columns_mixed_with_a_range_is_one_clear_text(udfs):
    out = call("XLPROF_MARGIN", profits(), ((1.0,), (2.0,)), caller=fake_caller(row=1, column=9))
    assert out == f"#XLPROF! cogs has 2 rows but revenue has {SHORT_SHEET} rows"


def test_whole_columns_below_the_data_give_one_blank(udfs):
    out = call("XLPROF_TIER", profits(), caller=fake_caller(row=50, column=9))
    assert out is None or out == "" or out == [[B]]


def test_analyze_takes_whole_column_tables(udfs):
    clients = whole(("client_id", "revenue", "cogs"), ("A", 100.0, 50.0), ("B", 80.0, 70.0))
    activities = whole(("activity", "rate", "behavior"), ("Orders", 2.0, "variable"))
    volumes = whole(("client_id", "Orders"), ("A", 3.0))
    out = call("XLPROF_ANALYZE", clients, activities, volumes, caller=fake_caller(row=1, column=30))
    assert out[0][0] == "client_id" and len(out) == 3
    profits = {row[0]: row[out[0].index("net_profit")] for row in out[1:]}
    assert profits == {"A": 44.0, "B": 10.0}  # 100-50-3x2 = 44; 80-70 = 10


# --- Excel 2016/2019: no dynamic arrays ----------------------------------------------------------


def test_old_excel_single_cell_formula_says_what_to_select(udfs):
    out = call("XLPROF_MARGIN", ((1000.0,), (500.0,), (200.0,)), ((600.0,), (100.0,), (250.0,)),
               caller=old_excel_caller(row=2, column=4))
    assert out == ("#XLPROF! the result has 3 rows: select D2:D4, type the formula and press "
                   "Ctrl+Shift+Enter (this Excel does not spill arrays)")


def test_old_excel_one_value_is_fine(udfs):
    assert call("XLPROF_MARGIN", 1000.0, 600.0, 100.0, caller=old_excel_caller()) == 300.0


def test_array_entered_over_a_larger_selection_is_padded_with_blanks(udfs):
    out = call("XLPROF_MARGIN", ((1000.0,), (500.0,)), ((600.0,), (100.0,)),
               caller=old_excel_caller(4, 1, row=2, column=4))
    assert out == [[400.0], [400.0], [B], [B]]  # not #N/A in the extra cells


def test_array_entered_over_a_too_small_selection_never_truncates(udfs):
    out = call("XLPROF_MARGIN", ((1000.0,), (500.0,), (1.0,)), ((600.0,), (100.0,), (1.0,)),
               caller=old_excel_caller(2, 1, row=2, column=4))
    text = "#XLPROF! select 3 rows for this result (the selection has 2x1 cells)"
    assert out == [[text], [text]]


def test_array_entered_in_dynamic_array_excel_behaves_the_same(udfs):
    out = call("XLPROF_NET_REVENUE", ((10.0,), (20.0,)), caller=fake_caller(3, 1, row=1, column=5))
    assert out == [[10.0], [20.0], [B]]


@pytest.mark.parametrize("caller_row", [1, 2])
def test_old_excel_whole_columns_need_a_selection_too(udfs, caller_row):
    out = call("XLPROF_TIER", profits(), caller=old_excel_caller(row=caller_row, column=9))
    assert out.startswith("#XLPROF! the result has ")
