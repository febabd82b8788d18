"""Helpers for the letter tests: PDF text and fonts through poppler, DOCX paragraphs through python-docx."""
from __future__ import annotations

import io
import re
import subprocess
from datetime import date

import pytest

PAGE_FOOTER = re.compile(r"^\s*—\s*\d+\s*—\s*$", re.M)


def pdf_text(pdf: bytes) -> str:
    """The PDF's text as pdftotext extracts it, page footers removed."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return PAGE_FOOTER.sub("", out.decode("utf-8")).replace("\f", "")


def pdf_fonts(pdf: bytes) -> list[dict]:
    """The fonts pdffonts lists: name, type and whether embedded."""
    out = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        # name, type words..., encoding, emb, sub, uni, object id, generation
        rows.append({"name": parts[0], "emb": parts[-5], "line": line})
    return rows


def docx_paragraphs(docx: bytes) -> list[str]:
    """The DOCX's non-empty paragraphs, read back with python-docx."""
    import docx as python_docx

    return [p.text for p in python_docx.Document(io.BytesIO(docx)).paragraphs if p.text.strip()]


def squash(text: str) -> str:
    """Text without any whitespace (PDF lines wrap where the DOCX does not)."""
    return re.sub(r"\s+", "", text)


@pytest.fixture
def letter_world(make_agency, make_user, make_case):
    """An agency with a clerk, two supervisors and an in-progress case."""
    agency = make_agency("SFJY", "示范市教育局", letter_number_pattern="示教信公〔{year}〕{seq}号",
                         reconsideration_body="示范市人民政府")
    clerk = make_user("clerk", agency=agency)
    supervisor = make_user("supervisor", agency=agency)
    supervisor2 = make_user("supervisor", agency=agency)
    case = make_case("in_progress", agency=agency, handler=clerk, received_on=date(2026, 11, 2))
    return {"agency": agency, "clerk": clerk, "supervisor": supervisor, "supervisor2": supervisor2, "case": case}
