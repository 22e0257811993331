"""The physical floor of writing a workbook's cells: a minimal streaming XML writer plus deflate.

Takes the cells xlprof wrote (recorded by ``bench_workbook.record_cells``: values and formulas
with their cached values), already grouped by sheet and sorted by row and column -- the order a
streaming writer receives them in -- and writes the smallest valid .xlsx holding them: one
worksheet part per sheet (inline strings, no styles, no shared strings, no charts), the four
package parts Excel needs, deflated at zlib's default level as XlsxWriter does. No formats,
validation, charts or protection: a floor, not a peer. The output opens in LibreOffice and
python-calamine reads its values.
"""

from __future__ import annotations

import zipfile
from collections import defaultdict
from pathlib import Path

_ESC = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ESC_ATTR = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def _col_letters(n: int) -> list[str]:
    out = []
    for j in range(n):
        s, k = "", j + 1
        while k:
            k, r = divmod(k - 1, 26)
            s = chr(65 + r) + s
        out.append(s)
    return out


def group(log) -> dict[str, list[list[tuple[int, str, tuple]]]]:
    """{sheet: [(row, [(col, method, args)...]) ...]} in row, then column order (the last
    write to a cell wins, as in XlsxWriter). Done once, outside the timing."""
    sheets: dict[str, dict[int, dict[int, tuple]]] = defaultdict(lambda: defaultdict(dict))
    for sheet, method, args in log:
        sheets[sheet][args[0]][args[1]] = (method, args)
    return {s: [(r, [(c, *cells[c]) for c in sorted(cells)]) for r, cells in sorted(rows.items())]
            for s, rows in sheets.items()}


def _cell(ref: str, method: str, args: tuple) -> str:
    if method == "write_number":
        return f'<c r="{ref}"><v>{args[2]!r}</v></c>'
    if method == "write_string":
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{args[2].translate(_ESC)}</t></is></c>'
    if method == "write_formula":
        f = args[2][1:] if args[2].startswith("=") else args[2]
        v = args[3] if len(args) > 3 else 0
        if isinstance(v, bool):
            return f'<c r="{ref}" t="b"><f>{f.translate(_ESC)}</f><v>{int(v)}</v></c>'
        if isinstance(v, str):
            return f'<c r="{ref}" t="str"><f>{f.translate(_ESC)}</f><v>{v.translate(_ESC)}</v></c>'
        return f'<c r="{ref}"><f>{f.translate(_ESC)}</f><v>{v!r}</v></c>'
    if method == "write_boolean":
        return f'<c r="{ref}" t="b"><v>{int(bool(args[2]))}</v></c>'
    if method == "write_datetime":
        import datetime as dt

        d = args[2]
        serial = (d - dt.datetime(1899, 12, 30)).total_seconds() / 86400
        return f'<c r="{ref}"><v>{serial!r}</v></c>'
    return ""                                       # a blank without a format writes nothing


_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_RNS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def write_floor(grouped, path: Path | str, compresslevel: int | None = None) -> None:
    """Write ``grouped`` (see :func:`group`) to ``path``, streaming each sheet's rows."""
    letters = _col_letters(16384)
    names = list(grouped)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as z:
        for k, name in enumerate(names, start=1):
            with z.open(f"xl/worksheets/sheet{k}.xml", "w", force_zip64=True) as fh:
                fh.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS}>'
                         "<sheetData>".encode())
                buf: list[str] = []
                for r, cells in grouped[name]:
                    rr = r + 1
                    buf.append(f'<row r="{rr}">')
                    buf.extend(_cell(f"{letters[c]}{rr}", m, a) for c, m, a in cells)
                    buf.append("</row>")
                    if len(buf) > 4096:
                        fh.write("".join(buf).encode())
                        buf.clear()
                buf.append("</sheetData></worksheet>")
                fh.write("".join(buf).encode())
        sheets = "".join(f'<sheet name="{n.translate(_ESC_ATTR)}" sheetId="{k}" r:id="rId{k}"/>'
                         for k, n in enumerate(names, start=1))
        z.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                                      f"<workbook {_NS} {_RNS}><sheets>{sheets}</sheets></workbook>")
        rels = "".join(f'<Relationship Id="rId{k}" Type="http://schemas.openxmlformats.org/officeDocument/'
                       f'2006/relationships/worksheet" Target="worksheets/sheet{k}.xml"/>'
                       for k in range(1, len(names) + 1))
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   f"{rels}</Relationships>")
        z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        parts = "".join(f'<Override PartName="/xl/worksheets/sheet{k}.xml" ContentType="application/'
                        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                        for k in range(1, len(names) + 1))
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                   'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.spreadsheetml.sheet.main+xml"/>' + parts + "</Types>")
