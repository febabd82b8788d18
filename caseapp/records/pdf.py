"""The PDF work on records: office files and images to PDF, terms found, redaction that removes.

PyMuPDF (MuPDF's Python binding, AGPL-3.0 or Artifex's commercial licence) does the redaction:
`apply_redactions` deletes the text under each box from the content stream, blanks the pixels of
images under it and removes vector graphics there, which a covering rectangle does not. PyMuPDF is
confined to caseapp/records/ (this module, and assemble.py which joins a case's dossier), so that an
agency holding no AGPL-compatible licence can swap the engine behind these functions. DOCX and XLSX are converted by LibreOffice headless.

Terms are matched on a page's characters with whitespace left out and full-width forms folded
(NFKC, case folded): a name broken over two lines, an ID number written 110 101 ... with spaces or
in full-width digits, are found like the plain term. Pure functions of bytes: no database.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

# The type shown in each box: PyMuPDF's built-in CJK font (Droid Sans Fallback), embedded and then
# subset to the few glyphs of the labels.
LABEL_FONT = "caseapp-cjk"
_label_font: bytes | None = None


def _font_buffer() -> bytes:
    global _label_font
    if _label_font is None:
        _label_font = pymupdf.Font("cjk").buffer
    return _label_font
SOFFICE_TIMEOUT = 180


class PdfError(Exception):
    """A file that cannot be worked on: encrypted, damaged, or not convertible. `reason` says which."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(detail or reason)
        self.reason = reason  # "encrypted", "damaged", "conversion"


@dataclass(frozen=True)
class Area:
    page: int  # 1-based
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def rect(self) -> pymupdf.Rect:
        return pymupdf.Rect(self.x0, self.y0, self.x1, self.y1)


@dataclass
class Hit:
    """Where a term was found: on which page, how often, the boxes that cover it."""

    term: str
    page: int  # 1-based
    count: int = 0
    rects: list[tuple[float, float, float, float]] = field(default_factory=list)


def fold(text: str) -> str:
    """The form terms and page text are compared in: NFKC (full-width to half-width), case folded,
    without whitespace."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if not ch.isspace())


def open_pdf(data: bytes) -> pymupdf.Document:
    """The document, or PdfError for an encrypted or damaged file."""
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # MuPDF raises its own FzError family for every kind of damage
        raise PdfError("damaged", str(exc)) from None
    if doc.needs_pass or doc.is_encrypted:
        doc.close()
        raise PdfError("encrypted")
    if doc.page_count == 0:
        doc.close()
        raise PdfError("damaged", "no pages")
    return doc


def page_count(data: bytes) -> int:
    """The number of pages (PdfError when the file cannot be read)."""
    with open_pdf(data) as doc:
        return doc.page_count


def page_sizes(data: bytes) -> list[tuple[float, float]]:
    """Each page's width and height in points."""
    with open_pdf(data) as doc:
        return [(p.rect.width, p.rect.height) for p in doc]


def image_to_pdf(data: bytes) -> bytes:
    """A JPEG or PNG as a one-page PDF the size of the image at 72 dpi... or its stated resolution."""
    try:
        with pymupdf.open(stream=data) as img:
            return img.convert_to_pdf()
    except Exception as exc:
        raise PdfError("damaged", str(exc)) from None


def office_to_pdf(data: bytes, suffix: str) -> bytes:
    """A DOCX or XLSX converted to PDF by LibreOffice headless (its own profile per call, so that
    conversions may run side by side)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise PdfError("conversion", "LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="caseapp-convert-") as tmp:
        source = Path(tmp) / f"record{suffix}"
        source.write_bytes(data)
        profile = Path(tmp) / "profile"
        try:
            subprocess.run(
                [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                 "--convert-to", "pdf", "--outdir", tmp, str(source)],
                check=True, capture_output=True, timeout=SOFFICE_TIMEOUT,
                env={**os.environ, "HOME": tmp},
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise PdfError("conversion", str(exc)) from None
        target = Path(tmp) / "record.pdf"
        if not target.exists() or target.stat().st_size == 0:
            raise PdfError("conversion", "LibreOffice wrote no PDF")
        return target.read_bytes()


def _page_chars(page: pymupdf.Page) -> tuple[str, list[tuple[int, pymupdf.Rect]]]:
    """The page's characters in reading order, folded and joined (whitespace left out), and for each
    folded character the line it is on and its box. Lines are put in order by their position, and a
    horizontal line's characters from left to right, so that glyphs drawn out of order (the second
    half of a line first) are read as a reader sees them."""
    raw = page.get_text("rawdict", flags=pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP)
    lines = []
    for block in raw["blocks"]:
        for line in block.get("lines", ()):
            chars = [ch for span in line["spans"] for ch in span["chars"]]
            if not chars:
                continue
            x0, y0, x1, y1 = line["bbox"]
            horizontal = abs(line["dir"][1]) < 1e-3 and line["dir"][0] > 0
            if horizontal:
                chars.sort(key=lambda ch: ch["bbox"][0])
            # Lines on one baseline (within 2 pt) are one reading line, left to right.
            lines.append(((round(y1 / 2), x0) if horizontal else (float("inf"), 0), chars))
    lines.sort(key=lambda item: item[0])
    folded: list[str] = []
    boxes: list[tuple[int, pymupdf.Rect]] = []
    for line_no, (_key, chars) in enumerate(lines, start=1):
        for ch in chars:
            for c in fold(ch["c"]):
                folded.append(c)
                boxes.append((line_no, pymupdf.Rect(ch["bbox"])))
    return "".join(folded), boxes


def _cover(boxes: list[tuple[int, pymupdf.Rect]]) -> list[pymupdf.Rect]:
    """One box per line for the characters of one occurrence."""
    lines: dict[int, pymupdf.Rect] = {}
    for line_no, rect in boxes:
        lines[line_no] = lines[line_no] | rect if line_no in lines else pymupdf.Rect(rect)
    return list(lines.values())


def _find(doc: pymupdf.Document, terms: list[str]) -> list[Hit]:
    hits: list[Hit] = []
    for index, page in enumerate(doc):
        text, boxes = _page_chars(page)
        for term in terms:
            key = fold(term)
            if not key:
                continue
            hit = Hit(term, index + 1)
            start = text.find(key)
            while start >= 0:
                hit.count += 1
                hit.rects.extend(tuple(r) for r in _cover(boxes[start:start + len(key)]))
                start = text.find(key, start + len(key))
            if hit.count:
                hits.append(hit)
    return hits


def find_terms(data: bytes, terms: list[str]) -> list[Hit]:
    """Where each term occurs, page by page (the office's preview highlights these boxes)."""
    with open_pdf(data) as doc:
        return _find(doc, terms)


def _label(shape: pymupdf.Shape, rect: pymupdf.Rect, label: str) -> None:
    """The ground in small white type inside the black box, as large as fits (at least 3 pt)."""
    if not label or rect.width < 6 or rect.height < 4:
        return
    size = max(3.0, min(rect.height * 0.7, 10.0, rect.width / (len(label) + 0.5)))
    box = pymupdf.Rect(rect.x0, rect.y0 + max(0.0, (rect.height - size * 1.3) / 2), rect.x1, rect.y1 + size)
    shape.insert_textbox(box, label, fontname=LABEL_FONT, fontsize=size, color=(1, 1, 1),
                         align=pymupdf.TEXT_ALIGN_CENTER)


@dataclass
class Redacted:
    data: bytes
    hits: list[Hit]
    areas: list[Area]


def redact(data: bytes, *, terms: list[str], areas: list[Area], label: str) -> Redacted:
    """A new PDF with every occurrence of the terms and everything under the areas removed (text,
    image pixels, drawings), each place a black box naming the ground; then sanitised and rewritten.

    Raises ValueError naming the terms not found or the areas outside their page: nothing is made."""
    with open_pdf(data) as doc:
        hits = _find(doc, terms)
        missing = [t for t in terms if not any(h.term == t for h in hits)]
        outside = [a for a in areas if not (1 <= a.page <= doc.page_count)
                   or a.rect.is_empty or not doc[a.page - 1].rect.contains(a.rect)]
        if missing or outside:
            raise RedactionRefused(missing=missing, outside=outside)
        boxes: dict[int, list[pymupdf.Rect]] = {}
        for hit in hits:
            boxes.setdefault(hit.page - 1, []).extend(pymupdf.Rect(r) for r in hit.rects)
        for area in areas:
            boxes.setdefault(area.page - 1, []).append(area.rect)
        for index, rects in boxes.items():
            page = doc[index]
            for rect in rects:
                page.add_redact_annot(rect, fill=(0, 0, 0))
            page.apply_redactions(images=pymupdf.PDF_REDACT_IMAGE_PIXELS,
                                  graphics=pymupdf.PDF_REDACT_LINE_ART_REMOVE_IF_TOUCHED,
                                  text=pymupdf.PDF_REDACT_TEXT_REMOVE)
            if label:
                page.insert_font(fontname=LABEL_FONT, fontbuffer=_font_buffer())
                shape = page.new_shape()
                for rect in rects:
                    _label(shape, rect, label)
                shape.commit()
        if boxes:
            doc.subset_fonts()
        return Redacted(_sanitised(doc), hits, areas)


class RedactionRefused(ValueError):
    """Terms not found or areas outside their page: no version is made."""

    def __init__(self, *, missing: list[str], outside: list[Area]):
        super().__init__(f"missing={missing} outside={outside}")
        self.missing = missing
        self.outside = outside


def _sanitised(doc: pymupdf.Document) -> bytes:
    """The document without what nobody reviews (annotations, links, form fields, metadata and XMP,
    outlines, embedded files, JavaScript, thumbnails), rewritten whole: no earlier revision or
    unused object survives in the file."""
    for page in doc:
        for widget in list(page.widgets() or ()):
            page.delete_widget(widget)
        for annot in list(page.annots() or ()):
            page.delete_annot(annot)
        for link in page.get_links():
            page.delete_link(link)
    doc.scrub(attached_files=True, clean_pages=True, embedded_files=True, hidden_text=False, javascript=True,
              metadata=True, redactions=False, remove_links=True, reset_fields=True, reset_responses=True,
              thumbnails=True, xml_metadata=True)
    doc.set_toc([])
    doc.set_metadata({})
    return doc.tobytes(garbage=4, deflate=True, clean=True, no_new_id=True)


def sanitise(data: bytes) -> bytes:
    """The PDF as it may leave the agency: what nobody reviews removed, the file rewritten."""
    with open_pdf(data) as doc:
        return _sanitised(doc)


def render_page(data: bytes, page: int, *, zoom: float = 1.0) -> bytes:
    """One page as PNG (the office's redaction view): 72 dpi times zoom."""
    with open_pdf(data) as doc:
        if not 1 <= page <= doc.page_count:
            raise IndexError(page)
        return doc[page - 1].get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False).tobytes("png")
