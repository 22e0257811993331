"""Tests for tests/remote_book.py against xlwings' real remote-engine Book."""

from __future__ import annotations

import datetime as dt

import pytest

from remote_book import (
    UnsupportedActionError,
    actions_of,
    apply_actions,
    encode_cell,
    make_payload,
    run_in_remote_book,
)

INPUT = [
    ["client", "revenue", "cost"],
    ["Acme", 100, 40.5],
    ["Beta", 50, 10],
    ["Acme", 20, 0],
    [None, None, None],  # trailing blank row the client still sends
]
STALE_OUTPUT = [["client", "revenue", "cost", "margin"]] + [
    [f"old{i}", 1, 1, 0] for i in range(10)
]


def sample_payload(output=STALE_OUTPUT):
    sheets = {"Input": INPUT, "Status": [["Status", "stale"]]}
    if output is not None:
        sheets["Output"] = output
    return make_payload(sheets, book_name="analysis.xlsx", active_sheet="Input")


# --- make_payload / encode_cell (no subprocess) -----------------------------


def test_encode_cell_matches_office_js_wire_format():
    assert encode_cell(None) == ""
    assert encode_cell(5.0) == 5 and isinstance(encode_cell(5.0), int)
    assert encode_cell(2.5) == 2.5
    assert encode_cell(True) is True
    assert encode_cell("#N/A") == "#N/A"
    assert encode_cell(dt.date(2024, 1, 31)) == "2024-01-31T00:00:00.000Z"
    assert encode_cell(dt.datetime(2024, 1, 31, 10, 30, 0, 123456)) == (
        "2024-01-31T10:30:00.123Z"
    )
    assert encode_cell(dt.date(2024, 1, 31), dates="serial") == 45322
    assert encode_cell(dt.datetime(2024, 1, 31, 12), dates="serial") == 45322.5
    with pytest.raises(ValueError):
        encode_cell(float("nan"))
    with pytest.raises(TypeError):
        encode_cell(object())


def test_make_payload_shape():
    payload = make_payload(
        {"A": [[1, None], [2]], "B": []},
        active_sheet="b",
        names={"rates": "A!$A$1:$B$2"},
        used_range_address=True,
    )
    assert payload["client"] == "Office.js"
    assert payload["book"]["active_sheet_index"] == 1
    a, b = payload["sheets"]
    assert a["values"] == [[1, ""], [2, ""]]
    assert a["used_range_address"] == "A1:A2"
    assert b["values"] == [[""]] and b["used_range_address"] is None
    assert payload["names"] == [
        {
            "name": "rates",
            "sheet_index": 0,
            "address": "A1:B2",
            "refers_to": "=A!$A$1:$B$2",
            "book_scope": True,
            "scope_sheet_name": None,
            "scope_sheet_index": None,
        }
    ]
    with pytest.raises(ValueError):
        make_payload({"X": [], "x": []})


# --- apply_actions (no subprocess) ------------------------------------------


def _action(func, position=None, rect=None, args=None, values=None):
    r, c, nr, nc = rect or (None, None, None, None)
    return {
        "func": func,
        "args": args if isinstance(args, list) else [args],
        "values": values,
        "sheet_position": position,
        "start_row": r,
        "start_column": c,
        "row_count": nr,
        "column_count": nc,
    }


def test_apply_actions_sheet_lifecycle_and_clears():
    payload = make_payload({"S1": [[1, 2], [3, 4]], "S2": [["x"]]})
    actions = [
        _action("addSheet", args=[1, "New"]),
        _action("setValues", 1, (1, 1, 1, 2), values=[["a", ""]]),
        _action("rangeClearContents", 0, (0, 1, 1048576, 1)),  # column B
        _action("setSheetName", 2, args="Renamed"),
        _action("setNumberFormat", 0, (0, 0, 1, 1), args="0.00"),
        _action("copySheet", 0, args=["After", 2, "S1 (2)"]),
        _action("sheetClearContents", 0),
        _action("setSheetPosition", 1, args=[0]),
        _action("setFormula", 2, (0, 0, 2, 1), values="=B1*2"),
    ]
    assert apply_actions(payload, actions) == {
        "New": [[None, None], [None, "a"]],
        "S1": [],
        "Renamed": [["=B1*2"], ["=B1*2"]],
        "S1 (2)": [[1], [3]],
    }
    assert apply_actions(payload, {"actions": []}, blank="") == {
        "S1": [[1, 2], [3, 4]],
        "S2": [["x"]],
    }


def test_apply_actions_rejects_unknown_and_misshaped():
    payload = make_payload({"S": [[1]]})
    with pytest.raises(UnsupportedActionError, match="rangeInsert"):
        apply_actions(payload, [_action("rangeInsert", 0, (0, 0, 1, 1), args=["down"])])
    with pytest.raises(ValueError, match="don't match"):
        apply_actions(payload, [_action("setValues", 0, (0, 0, 1, 2), values=[[1]])])
    with pytest.raises(ValueError, match="already exists"):
        apply_actions(payload, [_action("addSheet", args=[1, "s"])])


# --- the real remote engine (subprocess) ------------------------------------


def test_recalculate_records_block_actions(remote):
    payload = sample_payload()
    run = run_in_remote_book(payload, "_remote_sample:recalculate")
    assert run["error"] is None, run["traceback"]
    assert run["serialization_error"] is None

    expected_table = [
        ["client", "revenue", "cost", "margin"],
        ["Acme", 120, 40.5, 79.5],
        ["Beta", 50, 10, 40],
    ]
    assert [a["func"] for a in run["actions"]] == [
        "rangeClearContents",
        "setValues",
        "setValues",
        "setValues",
    ]
    clear, table, status_label, status = run["actions"]
    # Output is the third sheet (position 2); its used range is A1:D11
    assert (clear["sheet_position"], clear["start_row"], clear["start_column"]) == (2, 0, 0)
    assert (clear["row_count"], clear["column_count"]) == (11, 4)
    assert table["values"] == expected_table
    assert (table["row_count"], table["column_count"]) == (3, 4)
    assert status["sheet_position"] == 1
    assert (status["start_row"], status["start_column"]) == (0, 1)
    assert status["values"] == [["OK: 2 clients"]]
    assert status["args"] == [None]

    after = apply_actions(payload, run)
    assert after == {
        "Input": [row for row in INPUT if any(v is not None for v in row)],
        "Status": [["Status", "OK: 2 clients"]],
        "Output": expected_table,
    }
    assert run["sheet_names"] == list(after)

    # Second "Recalculate" on the workbook as Excel now has it: same result.
    rerun = run_in_remote_book(make_payload(after), "_remote_sample:recalculate")
    assert rerun["error"] is None, rerun["traceback"]
    assert apply_actions(make_payload(after), rerun) == after


def test_recalculate_adds_missing_sheet_via_caller(remote):
    payload = sample_payload(output=None)
    run = run_in_remote_book(payload, "_remote_sample:recalculate_caller", pass_book=False)
    assert run["error"] is None, run["traceback"]
    assert actions_of(run, "addSheet")[0]["args"] == [2, "Output"]
    after = apply_actions(payload, run)
    assert list(after) == ["Input", "Status", "Output"] == run["sheet_names"]
    assert after["Output"][1] == ["Acme", 120, 40.5, 79.5]


def test_caller_without_mock_fails_on_linux(remote):
    run = run_in_remote_book(
        sample_payload(), "_remote_sample:recalculate_caller", pass_book=False, mock_caller=False
    )
    assert run["error_type"] == "AttributeError"
    assert "_xlwindows" in run["error"]
    assert run["actions"] == []


def test_target_exception_is_reported_with_partial_actions(remote):
    payload = sample_payload()
    run = run_in_remote_book(payload, "_remote_sample:fail_midway")
    assert run["error"] == "ValueError: model failed: no clients"
    assert run["error_type"] == "ValueError"
    assert 'raise ValueError("model failed: no clients")' in run["traceback"]
    # Recorded before the raise; xlwings Server would send none of these.
    assert [a["values"] for a in run["actions"]] == [[["running"]]]


def test_bad_target_is_reported(remote):
    run = run_in_remote_book(sample_payload(), "_remote_sample:no_such_function")
    assert run["error_type"] == "AttributeError"
    assert run["actions"] == []


def test_wire_encoding_of_writes(remote):
    run = run_in_remote_book(sample_payload(), "_remote_sample:write_awkward_values")
    assert run["error"] is None, run["traceback"]
    (action,) = run["actions"]
    # dates as ISO-ish strings (no "T" when there's a time!), None as "",
    # "=..." passed through verbatim (Excel makes it a formula), ints stay ints
    assert action["values"] == [
        ["2024-01-31", "2024-01-31 10:30:00", "", "=1+1", True, 3, 2.5]
    ]
    assert (action["row_count"], action["column_count"]) == (1, 7)


def test_infinity_is_a_serialization_error(remote):
    run = run_in_remote_book(sample_payload(), "_remote_sample:write_infinity")
    assert run["error"] is None
    assert run["serialization_error"].startswith("ValueError: Out of range float")


def test_read_types(remote):
    payload = make_payload(
        {
            "Input": [
                [1.0, 2.5, dt.datetime(2024, 1, 31, 10, 30), "#N/A", None, True],
                [dt.date(2024, 1, 31), "2024-02-01T00:00:00.000Z", "text", 0, "", False],
            ],
            "Status": [],
        }
    )
    run = run_in_remote_book(payload, "_remote_sample:read_types")
    assert run["error"] is None, run["traceback"]
    assert run["actions"][0]["values"] == [
        ["int", "float", "2024-01-31T10:30:00", "NoneType", "NoneType", "bool"],
        ["2024-01-31T00:00:00", "2024-02-01T00:00:00", "str", "int", "NoneType", "bool"],
    ]
