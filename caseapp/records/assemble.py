"""Assembling one PDF from many (a case's dossier): files added page by page, images scaled to an A4
page, front and back matter put around them, the documents' pages numbered (页号, top right, as
archives number them) and labelled so that a reader's page numbers are the stamped ones.

PyMuPDF stays confined to caseapp/records/ (see pdf.py). Sources are opened from files on disk and
closed after their pages are copied; the result is written to a file, never returned as bytes.
"""
from __future__ import annotations

import io
from pathlib import Path

import pymupdf

A4 = pymupdf.paper_rect("a4")
IMAGE_MARGIN = 36  # points around an image scaled to its page
NUMBER_FONT = "caseapp-digits"
_digits: bytes | None = None


def _digits_font() -> bytes:
    """The page numbers' font: the digits of PyMuPDF's built-in Droid Sans Fallback, about 1.5 KB, so
    that every page embeds its font (a base-14 Helvetica is not embedded, and print paths substitute it)."""
    global _digits
    if _digits is None:
        from fontTools import subset
        from fontTools.ttLib import TTFont

        font = TTFont(io.BytesIO(pymupdf.Font("cjk").buffer))
        options = subset.Options()
        options.hinting, options.layout_features = False, []
        subsetter = subset.Subsetter(options)
        subsetter.populate(text="0123456789")
        subsetter.subset(font)
        out = io.BytesIO()
        font.save(out)
        _digits = out.getvalue()
    return _digits


def readable_pdf(path: str | Path) -> bool:
    """Whether the file is a PDF whose pages can be copied (not damaged, not encrypted, not empty)."""
    try:
        with pymupdf.open(str(path), filetype="pdf") as doc:
            return not (doc.needs_pass or doc.is_encrypted) and doc.page_count > 0
    except Exception:  # noqa: BLE001 - MuPDF's errors for every kind of damage
        return False


def readable_image(path: str | Path) -> bool:
    """Whether the file is an image MuPDF can place on a page."""
    try:
        with pymupdf.open(str(path)) as img:
            return img.page_count > 0 and not img.is_pdf
    except Exception:  # noqa: BLE001
        return False


class Assembler:
    """The document pages of one PDF, added in order; `finish` puts the matter around them."""

    def __init__(self) -> None:
        self.doc = pymupdf.open()

    @property
    def page_count(self) -> int:
        return self.doc.page_count

    def add_pdf(self, path: str | Path, *, first: int = 0, last: int = -1) -> int:
        """Copy pages of a PDF file (0-based, inclusive; all by default); returns how many. Raises
        ValueError for a file that cannot be read (damaged, encrypted, no pages)."""
        try:
            src = pymupdf.open(str(path), filetype="pdf")
        except Exception as exc:  # MuPDF's own errors for every kind of damage
            raise ValueError(str(exc)) from None
        with src:
            if src.needs_pass or src.is_encrypted or src.page_count == 0:
                raise ValueError("encrypted or empty")
            last = src.page_count - 1 if last < 0 else last
            before = self.doc.page_count
            self.doc.insert_pdf(src, from_page=first, to_page=last)
            return self.doc.page_count - before

    def add_image(self, path: str | Path) -> int:
        """One A4 page with the image scaled to fit inside the margins (proportions kept)."""
        try:
            with pymupdf.open(str(path)) as img:
                rect = img[0].rect
        except Exception as exc:
            raise ValueError(str(exc)) from None
        landscape = rect.width > rect.height
        size = pymupdf.Rect(0, 0, A4.height, A4.width) if landscape else A4
        page = self.doc.new_page(width=size.width, height=size.height)
        page.insert_image(size + (IMAGE_MARGIN, IMAGE_MARGIN, -IMAGE_MARGIN, -IMAGE_MARGIN), filename=str(path),
                          keep_proportion=True)
        return 1

    def finish(self, out: str | Path, *, matter: str | Path, front_pages: int) -> int:
        """Stamp the document pages 1..n, put the matter's first `front_pages` pages (cover, contents)
        before them and its other pages (the closing note) after, label the pages, write `out`;
        returns the total."""
        doc = self.doc
        numbered = doc.page_count
        for index in range(numbered):
            page = doc[index]
            at = pymupdf.Point(page.rect.width - 40, 28) * page.derotation_matrix
            page.insert_font(fontname=NUMBER_FONT, fontbuffer=_digits_font())
            page.insert_text(at, str(index + 1), fontsize=11, fontname=NUMBER_FONT, rotate=page.rotation)
        with pymupdf.open(str(matter)) as m:
            back = m.page_count - front_pages
            doc.insert_pdf(m, from_page=front_pages, to_page=m.page_count - 1)
            doc.insert_pdf(m, from_page=0, to_page=front_pages - 1, start_at=0)
        labels = [{"startpage": 0, "prefix": "卷首-", "style": "D", "firstpagenum": 1}]
        if numbered:
            labels.append({"startpage": front_pages, "prefix": "", "style": "D", "firstpagenum": 1})
        if back:
            labels.append({"startpage": front_pages + numbered, "prefix": "备考表-", "style": "D", "firstpagenum": 1})
        doc.set_page_labels(labels)
        doc.set_metadata({"producer": "caseapp", "creator": "caseapp"})
        doc.save(str(out), garbage=1, deflate=True)
        total = doc.page_count
        doc.close()
        return total

    def close(self) -> None:
        """Drop the pages (after an error)."""
        if not self.doc.is_closed:
            self.doc.close()
