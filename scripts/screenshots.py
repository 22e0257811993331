"""Render the demo book's Dashboard and Segmentation sheets to PNG for the README.

Needs LibreOffice (soffice) and poppler-utils (pdftoppm). Usage:
    python scripts/screenshots.py [OUTDIR]   (default docs/img)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import lo  # noqa: E402

from xlprof.demo import demo_portfolio  # noqa: E402
from xlprof.model import analyze  # noqa: E402
from xlprof.workbook.book import write_analysis_book  # noqa: E402


def find_page(pdf: Path, text: str) -> int:
    """First 1-based page of ``pdf`` whose text contains ``text`` (pdftotext)."""
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    for i, page in enumerate(pages, start=1):
        if text in page:
            return i
    raise SystemExit(f"{text!r} not found in {pdf}")


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    p = demo_portfolio()
    a = analyze(p)
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        book = d / "demo.xlsx"
        write_analysis_book(a, p, book)
        pdf = lo.export_pdf(book, d / "pdf")
        for name, marker in (("dashboard", "Key figures (live formulas)"),
                             ("segmentation", "Segment value chain")):
            page = find_page(pdf, marker)
            png = lo.pdf_to_pngs(pdf, d / name, first=page, last=page, dpi=140)[0]
            shutil.copy(png, out / f"{name}.png")
            print(out / f"{name}.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "img")
