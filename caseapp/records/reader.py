"""What a reader sees in a PDF: its page text as poppler's pdftotext prints it.

pdftotext puts the glyphs in reading order by their position on the page, whatever order the
content stream draws them in, and prints letter-spaced characters (Word's 分散对齐) as the
characters they are; that is the text a reader copies or a search engine indexes, so the check for
personal data reads it rather than the order of the content stream. It reads only the pages: run it
on a sanitised file (`caseapp.records.pdf.sanitise`), whose annotations, metadata, outlines, form
fields and embedded files are gone, so that what is read is all that goes out.
"""
from __future__ import annotations

import shutil
import subprocess

from caseapp.records.pdf import PdfError

PDFTOTEXT_TIMEOUT = 60  # seconds; a few hundred pages take a second or two


def reader_text(data: bytes) -> str:
    """The text of every page in reading order (pages separated by form feeds), as pdftotext gives it.

    Raises PdfError("damaged") when poppler cannot read the file, PdfError("conversion") when
    pdftotext is missing or takes too long."""
    tool = shutil.which("pdftotext")
    if tool is None:
        raise PdfError("conversion", "pdftotext (poppler-utils) is not installed")
    try:
        done = subprocess.run([tool, "-q", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                              timeout=PDFTOTEXT_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise PdfError("conversion", "pdftotext timed out") from None
    if done.returncode != 0:
        raise PdfError("damaged", done.stderr.decode("utf-8", "replace")[:500])
    return done.stdout.decode("utf-8", "replace")
