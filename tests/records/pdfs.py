"""Real PDFs for the records tests, written with PyMuPDF and an embedded CJK font (Droid Sans
Fallback, PyMuPDF's built-in), and office files written with python-docx and openpyxl."""
from __future__ import annotations

import io

import pymupdf

_FONT = None


def _font() -> bytes:
    global _FONT
    if _FONT is None:
        _FONT = pymupdf.Font("cjk").buffer
    return _FONT


def text_pdf(lines_per_page: list[list[str]], *, fontsize: float = 11, metadata: dict | None = None,
             width: float = 595, height: float = 842) -> bytes:
    """A PDF with the given lines on each page (embedded font, real text layer)."""
    doc = pymupdf.open()
    for lines in lines_per_page:
        page = doc.new_page(width=width, height=height)
        page.insert_font(fontname="cjk", fontbuffer=_font())
        for i, line in enumerate(lines):
            page.insert_text((72, 90 + i * fontsize * 1.8), line, fontname="cjk", fontsize=fontsize)
    if metadata:
        doc.set_metadata(metadata)
    data = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    return data


def image_png(width: int = 400, height: int = 300, rgb=(200, 30, 30)) -> bytes:
    """A plain coloured PNG."""
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, width, height), False)
    pix.set_rect(pix.irect, rgb)
    return pix.tobytes("png")


def pdf_with_image(lines: list[str], *, image_rect=(300, 300, 500, 450)) -> bytes:
    """One page with text and a photo-like image (a coloured PNG) at image_rect."""
    doc = pymupdf.open(stream=text_pdf([lines]))
    doc[0].insert_image(pymupdf.Rect(*image_rect), stream=image_png())
    data = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    return data


def encrypted_pdf(lines: list[str]) -> bytes:
    doc = pymupdf.open(stream=text_pdf([lines]))
    data = doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="owner", user_pw="secret")
    doc.close()
    return data


def docx_file(paragraphs: list[str]) -> bytes:
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_file(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
