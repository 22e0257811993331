"""LibreOffice headless recalculation harness for generated .xlsx workbooks.

XlsxWriter stores a *cached* value next to every formula (the value Excel shows
before it recalculates, and the value most readers - pandas, calamine, openpyxl
with ``data_only=True`` - return).  This module lets the tests check that those
cached values are what a real spreadsheet engine computes:

* :func:`recalc` / :func:`recalc_many` open workbooks in LibreOffice headless
  with a private profile that forces "always recalculate on load" and save them
  again as .xlsx, so the saved values are LibreOffice's results;
* :func:`compare_recalculated` compares, for every formula cell of the original
  workbook, its cached value with LibreOffice's value;
* :func:`export_pdf` / :func:`pdf_to_pngs` render workbooks for README screenshots.

Cell values are read with a small streaming OOXML reader (stdlib ElementTree
``iterparse``) rather than python-calamine or openpyxl: calamine turns error
cells (``#NAME?``, ``#DIV/0!``...) into ``""`` - which would hide exactly the
failures we look for - and openpyxl needs two passes (formulas, then cached
values) and is several times slower.  One pass here gives formula presence,
value type and value.

See docs/libreoffice.md for the background and measured timings.
"""

from __future__ import annotations

import atexit
import math
import os
import posixpath
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator
from xml.etree import ElementTree as ET

__all__ = [
    "LibreOfficeError",
    "XlError",
    "soffice_path",
    "recalc",
    "recalc_many",
    "compare_recalculated",
    "read_formula_cells",
    "export_pdf",
    "export_pdfs",
    "pdf_to_pngs",
    "pdf_page_texts",
    "page_ink",
]


class LibreOfficeError(RuntimeError):
    """soffice (or pdftoppm) failed, timed out or produced no output."""


# --------------------------------------------------------------------------- #
# soffice discovery and private profile
# --------------------------------------------------------------------------- #

_SOFFICE_CANDIDATES = (
    "soffice",
    "libreoffice",
    "/usr/bin/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)


def soffice_path() -> str | None:
    """Path of the LibreOffice ``soffice`` executable, or None if not installed.

    ``$SOFFICE`` overrides the search.
    """
    env = os.environ.get("SOFFICE")
    if env:
        return shutil.which(env) or (env if os.path.isfile(env) else None)
    for cand in _SOFFICE_CANDIDATES:
        found = shutil.which(cand)
        if found:
            return found
    return None


# OOXMLRecalcMode / ODFRecalcMode: 0 = always recalculate, 1 = never, 2 = ask.
# The default keeps the file's cached values, which would make the check a no-op.
_REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" \
xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">\
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">\
<prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc">\
<prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc">\
<prop oor:name="ShowTipOfTheDay" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Setup/Office">\
<prop oor:name="ooSetupInstCompleted" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">\
<prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Recovery/AutoSave">\
<prop oor:name="Enabled" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""

_lock = threading.Lock()  # one soffice per profile at a time
_profile_dir: Path | None = None


def _profile() -> Path:
    """Private LibreOffice user profile, created once per process."""
    global _profile_dir
    if _profile_dir is None:
        root = Path(tempfile.mkdtemp(prefix="xlprof-lo-profile-"))
        atexit.register(shutil.rmtree, root, True)
        user = root / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_REGISTRY, encoding="utf-8")
        _profile_dir = root
    return _profile_dir


def _run_soffice(args: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    exe = soffice_path()
    if exe is None:
        raise LibreOfficeError("LibreOffice (soffice) is not installed / not on PATH")
    cmd = [
        exe,
        f"-env:UserInstallation={_profile().as_uri()}",
        "--headless",
        "--invisible",
        "--norestore",
        "--nologo",
        "--nodefault",
        "--nolockcheck",
        *args,
    ]
    env = dict(os.environ)
    env.setdefault("SAL_USE_VCLPLUGIN", "svp")
    with _lock:
        # Own session so that a timeout kills oosplash *and* soffice.bin.
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            start_new_session=True,
        )
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            out, err = proc.communicate()
            raise LibreOfficeError(
                f"soffice timed out after {timeout}s: {' '.join(cmd)}\n"
                f"--- stdout ---\n{out}\n--- stderr ---\n{err}"
            ) from None
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _convert(books: list[Path], out_dir: Path, target: str, ext: str, timeout: float) -> list[Path]:
    books = [Path(b).resolve() for b in books]
    if not books:
        return []
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    outputs: list[Path] = []
    for b in books:
        if not b.is_file():
            raise FileNotFoundError(b)
        if b.parent == out_dir and b.suffix.lower() == f".{ext}":
            raise ValueError(f"out_dir must differ from the book's folder (would overwrite {b})")
        out = out_dir / f"{b.stem}.{ext}"
        if out in outputs:
            raise ValueError(f"two books would both be written to {out}")
        outputs.append(out)
    for out in outputs:  # so that a stale file cannot pass for a fresh result
        out.unlink(missing_ok=True)
    res = _run_soffice(["--convert-to", target, "--outdir", str(out_dir), *map(str, books)], timeout)
    missing = [o for o in outputs if not o.is_file() or o.stat().st_size == 0]
    if res.returncode != 0 or missing:
        raise LibreOfficeError(
            f"soffice exit code {res.returncode}; missing output(s): {[str(m) for m in missing]}\n"
            f"command: {' '.join(res.args)}\n"
            f"--- stdout ---\n{res.stdout}\n--- stderr ---\n{res.stderr}"
        )
    return outputs


def recalc_many(books: Iterable[Path], out_dir: Path, *, timeout: float = 600) -> list[Path]:
    """Recalculate several workbooks in ONE soffice run (saves ~1 s start-up each).

    Returns the recalculated copies, ``out_dir/<stem>.xlsx``, in input order.
    Books must have distinct file stems and must not live in ``out_dir``.
    """
    return _convert(list(books), out_dir, "xlsx:Calc MS Excel 2007 XML", "xlsx", timeout)


def recalc(book: Path, out_dir: Path, *, timeout: float = 300) -> Path:
    """Open ``book`` in LibreOffice, recalculate every formula, save to ``out_dir``.

    Returns the path of the recalculated .xlsx (``out_dir/<stem>.xlsx``).
    Raises :class:`LibreOfficeError` with soffice's output on failure.
    """
    return recalc_many([book], out_dir, timeout=timeout)[0]


def export_pdf(book: Path, out_dir: Path, *, timeout: float = 300) -> Path:
    """Render ``book`` (all sheets, recalculated) to ``out_dir/<stem>.pdf``."""
    return _convert([book], out_dir, "pdf:calc_pdf_Export", "pdf", timeout)[0]


def export_pdfs(books: Iterable[Path], out_dir: Path, *, timeout: float = 600) -> list[Path]:
    """Render several workbooks to PDF in ONE soffice run (``out_dir/<stem>.pdf`` each)."""
    return _convert(list(books), out_dir, "pdf:calc_pdf_Export", "pdf", timeout)


def pdf_page_texts(pdf: Path, *, timeout: float = 120) -> list[str]:
    """The text of each page of ``pdf`` (pdftotext -layout), in page order."""
    exe = shutil.which("pdftotext")
    if exe is None:
        raise LibreOfficeError("pdftotext (poppler-utils) is not installed")
    res = subprocess.run([exe, "-layout", str(pdf), "-"], capture_output=True, text=True, timeout=timeout)
    if res.returncode != 0:
        raise LibreOfficeError(f"pdftotext exit code {res.returncode}\n{res.stderr}")
    pages = res.stdout.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def page_ink(pdf: Path, *, dpi: int = 20, footer: float = 0.08, timeout: float = 300) -> list[dict]:
    """Per page: how much of it is drawn, from a grayscale rendering (pdftoppm -gray).

    Returns dicts with ``ink`` (share of non-white pixels above the footer band, the bottom
    ``footer`` share of the page) and ``right`` (share of the page width left of the
    rightmost non-white pixel: 1.0 means the drawing touches the right edge).
    """
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise LibreOfficeError("pdftoppm (poppler-utils) is not installed")
    out = []
    with tempfile.TemporaryDirectory() as d:
        res = subprocess.run([exe, "-gray", "-r", str(dpi), str(pdf), str(Path(d) / "p")],
                             capture_output=True, text=True, timeout=timeout)
        if res.returncode != 0:
            raise LibreOfficeError(f"pdftoppm exit code {res.returncode}\n{res.stderr}")
        for pgm in sorted(Path(d).glob("p-*.pgm"), key=lambda p: int(p.stem.rsplit("-", 1)[1])):
            width, height, pixels = _read_pgm(pgm.read_bytes())
            body = int(height * (1 - footer))
            dark = right = 0
            for y in range(body):
                row = pixels[y * width:(y + 1) * width]
                for x in range(width - 1, -1, -1):
                    if row[x] < 200:
                        right = max(right, x + 1)
                        break
                dark += sum(1 for v in row if v < 200)
            out.append({"ink": dark / max(width * body, 1), "right": right / max(width, 1)})
    return out


def _read_pgm(data: bytes) -> tuple[int, int, bytes]:
    """Width, height and pixels of a binary (P5) 8-bit PGM image."""
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P5" or int(fields[3]) > 255:
        raise LibreOfficeError("not an 8-bit binary PGM image")
    width, height = int(fields[1]), int(fields[2])
    return width, height, data[pos + 1:pos + 1 + width * height]


def pdf_to_pngs(
    pdf: Path,
    out_dir: Path,
    *,
    first: int | None = None,
    last: int | None = None,
    dpi: int = 80,
    timeout: float = 120,
) -> list[Path]:
    """Rasterise pages ``first..last`` (1-based, inclusive) of ``pdf`` with pdftoppm.

    Returns the PNG paths in page order (``out_dir/<stem>-<page>.png``).
    """
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise LibreOfficeError("pdftoppm (poppler-utils) is not installed")
    pdf = Path(pdf).resolve()
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    prefix = out_dir / pdf.stem
    page_re = re.compile(re.escape(pdf.stem) + r"-(\d+)\.png$")

    def pages() -> dict[Path, int]:
        found = {}
        for p in out_dir.glob(f"{_glob_escape(pdf.stem)}-*.png"):
            m = page_re.fullmatch(p.name)
            if m:
                found[p] = int(m.group(1))
        return found

    for old in pages():
        old.unlink()
    cmd = [exe, "-png", "-r", str(dpi)]
    if first is not None:
        cmd += ["-f", str(first)]
    if last is not None:
        cmd += ["-l", str(last)]
    cmd += [str(pdf), str(prefix)]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    found = pages()
    if res.returncode != 0 or not found:
        raise LibreOfficeError(
            f"pdftoppm exit code {res.returncode}, {len(found)} page(s)\n"
            f"command: {' '.join(cmd)}\n--- stderr ---\n{res.stderr}"
        )
    return sorted(found, key=found.__getitem__)


def _glob_escape(s: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", s)


# --------------------------------------------------------------------------- #
# Minimal streaming .xlsx cell reader
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class XlError:
    """An Excel error value such as ``#NAME?``."""

    code: str

    def __str__(self) -> str:
        return self.code


_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _sheet_parts(zf: zipfile.ZipFile) -> list[tuple[str, str]]:
    """[(sheet name, zip member of its XML)] in workbook order (worksheets only)."""
    rels: dict[str, str] = {}
    rels_xml = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    for rel in rels_xml.iter(f"{{{_PKG_REL_NS}}}Relationship"):
        target = rel.get("Target", "")
        if target.startswith("/"):
            member = target.lstrip("/")
        else:
            member = posixpath.normpath(posixpath.join("xl", target))
        rels[rel.get("Id", "")] = member
    names = set(zf.namelist())
    out = []
    for el in ET.fromstring(zf.read("xl/workbook.xml")).iter():
        if _local(el.tag) == "sheet":
            member = rels.get(el.get(f"{{{_REL_NS}}}id", ""), "")
            if member in names and "/worksheets/" in member:  # skip chartsheets
                out.append((el.get("name", ""), member))
    return out


def _shared_strings(zf: zipfile.ZipFile) -> list[str]:
    try:
        data = zf.open("xl/sharedStrings.xml")
    except KeyError:
        return []
    strings: list[str] = []
    with data:
        for _, el in ET.iterparse(data, events=("end",)):
            if _local(el.tag) == "si":
                strings.append(_rich_text(el))
                el.clear()
    return strings


def _rich_text(el: ET.Element) -> str:
    """Text of an <si> / <is> element: plain <t> or rich-text runs, minus phonetics."""
    parts = []
    for child in el:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            for t in child:
                if _local(t.tag) == "t":
                    parts.append(t.text or "")
    return "".join(parts)


def _decode(t: str | None, v: str | None, c: ET.Element, sst: list[str]) -> object:
    """Python value of a <c>: float, str, bool, XlError or None (no value)."""
    if t == "inlineStr":
        for child in c:
            if _local(child.tag) == "is":
                return _rich_text(child)
        return ""
    if t == "str":
        return v or ""
    if not v:  # no <v>, or an empty one (XlsxWriter's cached "")
        return None
    if t is None or t == "n":
        try:
            return float(v)
        except ValueError:
            return v  # malformed, keep the text so that it shows in reports
    if t == "s":
        return sst[int(v)]
    if t == "b":
        return v.strip() in ("1", "true")
    if t == "e":
        return XlError(v)
    return v  # "d" (ISO date) or unknown: keep the text


# Above this uncompressed size a sheet is streamed (flat memory, ~1.5x slower);
# below it, parsing the whole XML at once lets ElementTree do the work in C.
_STREAM_ABOVE = 64 * 1024 * 1024


def _iter_c(zf: zipfile.ZipFile, member: str) -> Iterator[tuple[ET.Element, str]]:
    """Yield (<c> element, namespace prefix "{...}") for every cell of a worksheet."""
    if zf.getinfo(member).file_size <= _STREAM_ABOVE:
        root = ET.fromstring(zf.read(member))
        ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
        for el in root.iter(ns + "c"):
            yield el, ns
        return
    with zf.open(member) as fh:
        ns = ""
        for event, el in ET.iterparse(fh, events=("start", "end")):
            if event == "start":
                if not ns and el.tag.startswith("{"):
                    ns = el.tag[: el.tag.index("}") + 1]
                continue
            tag = _local(el.tag)
            if tag == "c":
                yield el, ns
            elif tag == "row":
                el.clear()  # keep memory flat on huge sheets


def read_formula_cells(book: Path) -> dict[str, dict[str, tuple[str, object]]]:
    """{sheet: {ref: (formula, cached value)}} for every formula cell of ``book``.

    ``formula`` is the <f> text without "=", or "" for a shared-formula child
    (<f t="shared" si="..."/>).  Cells are in document (row-major) order.
    """
    out: dict[str, dict[str, tuple[str, object]]] = {}
    with zipfile.ZipFile(book) as zf:
        sst = _shared_strings(zf)
        for name, member in _sheet_parts(zf):
            cells = out[name] = {}
            for el, ns in _iter_c(zf, member):
                f = el.find(ns + "f")
                if f is not None:
                    value = _decode(el.get("t"), el.findtext(ns + "v"), el, sst)
                    cells[el.get("r", "")] = (f.text or "", value)
    return out


def _read_values(book: Path, wanted: dict[str, set[str]]) -> dict[str, dict[str, object] | None]:
    """{sheet: {ref: value}} for the ``wanted`` cells; None for a missing sheet."""
    out: dict[str, dict[str, object] | None] = {name: None for name in wanted}
    with zipfile.ZipFile(book) as zf:
        sst = _shared_strings(zf)
        for name, member in _sheet_parts(zf):
            if name not in wanted:
                continue
            refs = wanted[name]
            vals = out[name] = {}
            if not refs:
                continue
            for el, ns in _iter_c(zf, member):
                ref = el.get("r", "")
                if ref in refs:
                    vals[ref] = _decode(el.get("t"), el.findtext(ns + "v"), el, sst)
    return out


# --------------------------------------------------------------------------- #
# Comparison
# --------------------------------------------------------------------------- #


def _fmt(v: object) -> str:
    if v is None or v == "":
        return "(empty)"
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return repr(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, str):
        return repr(v)
    return str(v)


def _same(cached: object, lo: object, rel: float, abs_tol: float) -> bool:
    if isinstance(lo, XlError):
        return False  # any error in a recalculated formula cell is a finding
    # A formula returning "" is cached by XlsxWriter as t="str" with "" and by
    # LibreOffice as t="str" with <v></v>; a never-calculated cell has no <v>.
    if cached in (None, "") or lo in (None, ""):
        return cached in (None, "") and lo in (None, "")
    if isinstance(cached, bool) or isinstance(lo, bool):
        return type(cached) is type(lo) and cached == lo
    if isinstance(cached, float) and isinstance(lo, float):
        return math.isclose(cached, lo, rel_tol=rel, abs_tol=abs_tol)
    return type(cached) is type(lo) and cached == lo


def _sheet_ref(sheet: str) -> str:
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


def compare_recalculated(
    original: Path,
    recalculated: Path,
    *,
    rel: float = 1e-9,
    abs_tol: float = 1e-6,
) -> list[str]:
    """Mismatches between ``original``'s cached formula values and LibreOffice's.

    For every cell holding a formula in ``original``: numbers must agree within
    ``math.isclose(rel_tol=rel, abs_tol=abs_tol)``, strings exactly, booleans
    exactly (TRUE is not 1); "" and "no value" are the same; any error value
    (#NAME?, #VALUE!, #DIV/0!, #REF!, #N/A, ...) in the recalculated cell is a
    mismatch even if the cached value was the same error.

    Returns lines like ``"Data!C5: cached 12.5, LibreOffice 12 (=SUM(C1:C4))"``,
    sheet by sheet in workbook order, row-major; [] when everything agrees.
    """
    formulas = read_formula_cells(original)
    wanted = {sheet: set(cells) for sheet, cells in formulas.items()}
    lo_values = _read_values(recalculated, wanted)
    problems: list[str] = []
    for sheet, cells in formulas.items():
        if not cells:
            continue
        got = lo_values.get(sheet)
        if got is None:
            problems.append(f"{_sheet_ref(sheet)}: sheet missing from the recalculated workbook")
            continue
        for ref, (formula, cached) in cells.items():
            lo = got.get(ref)
            if not _same(cached, lo, rel, abs_tol):
                shown = f"={formula}" if formula else "shared formula"
                problems.append(
                    f"{_sheet_ref(sheet)}!{ref}: cached {_fmt(cached)}, LibreOffice {_fmt(lo)} ({shown})"
                )
    return problems


if __name__ == "__main__":  # quick manual check: python tests/lo.py BOOK.xlsx ...
    import sys

    books = [Path(a) for a in sys.argv[1:]]
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        outs = recalc_many(books, Path(tmp))
        print(f"recalc: {time.perf_counter() - t0:.2f}s")
        bad = 0
        for b, o in zip(books, outs):
            t0 = time.perf_counter()
            found = compare_recalculated(b, o)
            print(f"{b}: {len(found)} mismatch(es), compare {time.perf_counter() - t0:.2f}s")
            for line in found[:50]:
                print("  " + line)
            bad += bool(found)
    sys.exit(1 if bad else 0)
