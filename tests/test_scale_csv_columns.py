"""The CSV reader reads by column (``textfiles.read_columns``: blocks of rows transposed,
repeated texts shared, the file decoded again line by line from its bytes). It must give
exactly the rows ``csv.reader`` gives over the decoded text (rows that end early padded with
None), whatever the block size, encoding, line ends, quoting or ``sep=`` line."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlprof.io import textfiles

FIELD = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x00"), max_size=6) \
    | st.sampled_from(["1", "1,5", "Ana", "", '"q"', "a\nb", "x\r\ny", "é", "2026-01-02"])
ROWS = st.lists(st.lists(FIELD, min_size=1, max_size=5), min_size=1, max_size=40)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS, delimiter=st.sampled_from([",", ";", "\t"]), newline=st.sampled_from(["\r\n", "\n"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]), sep_line=st.booleans(),
       chunk=st.sampled_from([1, 3, 1 << 14]))
def test_columns_equal_the_csv_module_rows(tmp_path_factory, monkeypatch, rows, delimiter, newline, encoding,
                                           sep_line, chunk):
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=delimiter, lineterminator=newline).writerows(rows)
    text = (f"sep={delimiter}{newline}" if sep_line else "") + buf.getvalue()
    path = tmp_path_factory.mktemp("csv") / "Clients.csv"
    path.write_bytes(text.encode(encoding))
    monkeypatch.setattr(textfiles, "CHUNK_ROWS", chunk)

    raw = textfiles.read_text_table(path)

    decoded, _ = textfiles.decode_text(path.read_bytes(), str(path))
    rest, found = textfiles.choose_delimiter(decoded, None)
    want = list(csv.reader(io.StringIO(rest, newline=""), delimiter=found))
    width = max(map(len, want), default=0)
    want = [r + [None] * (width - len(r)) for r in want]
    assert raw.delimiter == found
    assert list(raw.rows) == want
    assert [list(c) for c in raw.columns] == [list(c) for c in zip(*want)] if want else raw.columns == []
