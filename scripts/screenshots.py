"""Render every sheet of the demo analysis books (en and es) to PNG through LibreOffice
(PDF, then pdftoppm), check that no page is blank or cut, and copy the README pictures.

Needs LibreOffice (soffice) and poppler-utils (pdftoppm, pdftotext). Usage:

    python scripts/screenshots.py [OUTDIR] [--pages DIR] [--clients N] [--dpi D]

writes, for the README, OUTDIR/dashboard.png, client.png, segmentation.png (English) and
dashboard-es.png (default OUTDIR: docs/img), and with --pages every printed page of both
books as DIR/<lang>-<page>-<sheet>.png. Prints one line per sheet (pages, ink) and exits 1
if a page is blank or its drawing runs into the page's right edge.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import lo  # noqa: E402

from xlprof.demo import demo_portfolio  # noqa: E402
from xlprof.model import analyze  # noqa: E402
from xlprof.workbook.book import write_analysis_book  # noqa: E402
from xlprof.workbook.labels import SHEETS  # noqa: E402

FOOTER = re.compile(r"^\s*(\S+)\s.*?\s(\d+) / (\d+)\s*$")   # sheet name ... page / pages
README_PAGES = {"dashboard": ("dashboard", 0), "client": ("client", 0), "segmentation": ("segmentation", 0)}
MIN_INK = 0.002        # a page with less drawn than this (above the footer) is blank
MAX_RIGHT = 0.985      # a drawing reaching further right than this is cut by the page


@dataclass
class Page:
    lang: str
    number: int          # 1-based page of the book's PDF
    sheet: str           # the sheet name printed in the footer
    ink: float
    right: float

    @property
    def problem(self) -> str | None:
        if self.ink < MIN_INK:
            return "blank"
        if self.right > MAX_RIGHT:
            return "cut at the right edge"
        return None


def write_demo_books(folder: Path, clients: int) -> dict[str, Path]:
    books = {}
    for lang in ("en", "es"):
        p = demo_portfolio(clients, lang=lang)
        book = folder / f"demo-{lang}.xlsx"
        write_analysis_book(analyze(p, lang=lang), p, book, source_name=f"demo-input-{lang}.xlsx")
        books[lang] = book
    return books


def render(books: dict[str, Path], work: Path, *, ink_dpi: int = 20) -> dict[str, tuple[Path, list[Page]]]:
    """PDF of each book (one soffice run) and what is on each of its pages."""
    pdfs = lo.export_pdfs(list(books.values()), work / "pdf")
    out = {}
    for (lang, _), pdf in zip(books.items(), pdfs):
        texts = lo.pdf_page_texts(pdf)
        inks = lo.page_ink(pdf, dpi=ink_dpi)
        pages = []
        for k, (text, ink) in enumerate(zip(texts, inks), start=1):
            m = next((m for x in reversed(text.splitlines()) if (m := FOOTER.match(x))), None)
            pages.append(Page(lang, k, m[1] if m else "?", ink["ink"], ink["right"]))
        out[lang] = (pdf, pages)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", nargs="?", type=Path, default=ROOT / "docs" / "img")
    ap.add_argument("--pages", type=Path, default=None, help="also keep every page here")
    ap.add_argument("--clients", type=int, default=300)
    ap.add_argument("--dpi", type=int, default=110)
    args = ap.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    bad = 0
    with tempfile.TemporaryDirectory() as d:
        work = Path(d)
        pages_dir = args.pages or work / "pages"
        pages_dir.mkdir(parents=True, exist_ok=True)
        rendered = render(write_demo_books(work, args.clients), work)
        for lang, (pdf, pages) in rendered.items():
            pngs = lo.pdf_to_pngs(pdf, work / f"png-{lang}", dpi=args.dpi)
            for old in pages_dir.glob(f"{lang}-*.png"):
                old.unlink()
            seen: dict[str, int] = {}
            for page, png in zip(pages, pngs):
                k = seen.get(page.sheet, 0)
                seen[page.sheet] = k + 1
                name = f"{lang}-{page.number:03d}-{page.sheet}.png"
                shutil.copy(png, pages_dir / name)
                for key, (picture, nth) in README_PAGES.items():
                    if page.sheet == SHEETS[key][lang] and k == nth and (lang == "en" or key == "dashboard"):
                        shutil.copy(png, out / (f"{picture}.png" if lang == "en" else f"{picture}-{lang}.png"))
                if page.problem:
                    bad += 1
                    print(f"PROBLEM {lang} page {page.number} ({page.sheet}): {page.problem}")
            for sheet, count in seen.items():
                ink = max(p.ink for p in pages if p.sheet == sheet)
                print(f"{lang} {sheet}: {count} page(s), most ink {ink:.1%}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
