"""Building a case's dossier (一案一档): the documents' pages assembled first (so the contents know
each document's pages), then the cover, the contents (卷内目录) and the closing note (备考表) written
with WeasyPrint in the letters' font, then all joined, numbered and written to a file.

Three WeasyPrint passes at most whatever the number of documents: the pages the dossier writes from
recorded facts (one pass, split by anchors), the portal's receipt, the cover and notes.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import render_template
from flask_babel import gettext as _
from markupsafe import Markup

from caseapp.cases.identity import mask_id
from caseapp.cases.models import Case
from caseapp.cases.outcomes import get_outcome
from caseapp.core import filestore
from caseapp.core.clock import local_today
from caseapp.core.urls import public_url
from caseapp.dossier.sections import DOCX, IMAGES, PDF, XLSX, Document, documents_of
from caseapp.letters import fonts
from caseapp.records import assemble
from caseapp.records.pdf import PdfError, office_to_pdf


@dataclass
class Entry:
    """One row of the contents: the document and its pages in the dossier (1-based, stamped)."""

    number: int
    document: Document
    first: int = 0
    last: int = 0

    @property
    def pages(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"

    def as_dict(self) -> dict:
        doc = self.document
        return {"number": self.number, "reference": doc.reference, "author": doc.author, "title": doc.title,
                "date": doc.on.isoformat() if doc.on else None, "page": self.pages,
                "first_page": self.first, "last_page": self.last}


@dataclass
class Dossier:
    """A built dossier: the file, its page count and its contents."""

    path: Path
    page_count: int
    document_pages: int
    entries: list[Entry]
    compiled_by: str
    compiled_on: date

    def contents(self) -> list[dict]:
        return [e.as_dict() for e in self.entries]


def _style() -> dict:
    # Server constants (the prepared font files), not user input.
    return {"font_face_css": Markup(fonts.font_face_css()), "font_stack": Markup(fonts.font_stack())}


def _render(html: str, out: Path):
    """Render HTML to a PDF file; returns WeasyPrint's pages (for their anchors)."""
    from weasyprint import HTML

    document = HTML(string=html).render()
    document.write_pdf(str(out))
    return document.pages


def _receipt(case: Case, out: Path) -> None:
    """The portal's receipt, as the applicant got it but without the query code (only its hash is kept)."""
    import segno

    link = public_url("portal.track", tracking_number=case.tracking_number)
    html = render_template("portal/receipt_pdf.html", case=case, query_code=_("(not kept: shown only to the applicant)"),
                           track_link=link, downloaded_on=None,
                           qr=segno.make(link, error="m").svg_data_uri(scale=4, border=2), **_style())
    _render(html, out)


def _converted(doc: Document, tmp: Path, index: int) -> Path | None:
    """The PDF (or image) file a stored document's pages come from, or None when it cannot be included."""
    try:
        path = filestore.open_path(doc.key)
    except ValueError:
        return None
    if not path.is_file():
        return None
    if doc.content_type == PDF:
        return path if assemble.readable_pdf(path) else None
    if doc.content_type in IMAGES:
        return path if assemble.readable_image(path) else None
    if doc.content_type in (DOCX, XLSX):
        try:
            data = office_to_pdf(path.read_bytes(), ".docx" if doc.content_type == DOCX else ".xlsx")
        except PdfError:
            return None
        out = tmp / f"converted-{index}.pdf"
        out.write_bytes(data)
        return out if assemble.readable_pdf(out) else None
    return None  # OFD and anything else: a page in its place says so


def build_dossier(case: Case, out: Path, *, compiled_by: str, today: date | None = None) -> Dossier:
    """Write the case's dossier to `out` (a PDF file) and return what it holds."""
    today = today or local_today()
    entries = [Entry(i, doc) for i, doc in enumerate(documents_of(case), start=1)]
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="caseapp-dossier-") as tmpdir:
        tmp = Path(tmpdir)
        sources: dict[int, Path] = {}
        for entry in entries:
            doc = entry.document
            if doc.key is None:
                continue
            source = _converted(doc, tmp, entry.number)
            if source is None:
                # The file is listed and a page says why its pages are not here (kept in the case's files).
                problems.append(_("No. %(n)s (%(title)s) could not be included as pages; its file is kept with "
                                  "the case.", n=entry.number, title=doc.title))
                doc.template, doc.values = "unavailable", {"content_type": doc.content_type or ""}
            else:
                sources[entry.number] = source
        written = [e for e in entries if e.document.template and e.document.template != "receipt"]
        ranges: dict[int, tuple[int, int]] = {}
        generated = tmp / "generated.pdf"
        if written:
            html = render_template("dossier/documents.html", case=case, entries=written, **_style())
            pages = _render(html, generated)
            starts = []
            for index, page in enumerate(pages):
                starts += [(int(name[4:]), index) for name in page.anchors if name.startswith("doc-")]
            starts.sort(key=lambda item: item[1])
            for pos, (number, first) in enumerate(starts):
                last = starts[pos + 1][1] - 1 if pos + 1 < len(starts) else len(pages) - 1
                ranges[number] = (first, max(first, last))
        receipt = tmp / "receipt.pdf"
        if any(e.document.template == "receipt" for e in entries):
            _receipt(case, receipt)

        pdf = assemble.Assembler()
        try:
            for entry in entries:
                doc = entry.document
                start = pdf.page_count
                if doc.template == "receipt":
                    pdf.add_pdf(receipt)
                elif doc.template:
                    first, last = ranges[entry.number]
                    pdf.add_pdf(generated, first=first, last=last)
                elif doc.content_type in IMAGES:
                    pdf.add_image(sources[entry.number])
                else:
                    pdf.add_pdf(sources[entry.number])
                entry.first, entry.last = start + 1, pdf.page_count
            document_pages = pdf.page_count
            outcome = get_outcome(case.outcome) if case.outcome else None
            matter = tmp / "matter.pdf"
            pages = _render(render_template(
                "dossier/matter.html", case=case, entries=entries, document_pages=document_pages,
                masked_id=mask_id(case.id_number), outcome=outcome.label if outcome else "",
                retention=case.agency.retention_years, compiled_by=compiled_by, compiled_on=today,
                problems=problems, **_style()), matter)
            front_pages = next(i for i, page in enumerate(pages) if "closing" in page.anchors)
            total = pdf.finish(out, matter=matter, front_pages=front_pages)
        finally:
            pdf.close()
    return Dossier(Path(out), total, document_pages, entries, compiled_by, today)


def dossier_contents(case: Case) -> list[dict]:
    """The dossier's contents (卷内目录), each with its pages: number, reference, author, title, date,
    page (e.g. "3-5"); the evidence list of an answer to a review. Builds the dossier to know the pages."""
    with tempfile.TemporaryDirectory(prefix="caseapp-contents-") as tmp:
        return build_dossier(case, Path(tmp) / "dossier.pdf", compiled_by="").contents()
