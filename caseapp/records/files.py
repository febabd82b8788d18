"""The files of records: which kinds are accepted (by content), their PDF form, reading them back."""
from __future__ import annotations

import io
import zipfile

from flask_babel import lazy_gettext as _l

from caseapp.cases.attachments import CONTENT_TYPES, MAX_FILE_SIZE, Upload, ZipTooLarge, sniff_type
from caseapp.core import filestore
from caseapp.core.errors import ValidationError
from caseapp.records import pdf

PDF = CONTENT_TYPES["pdf"]
DOCX = CONTENT_TYPES["docx"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# content type -> the short name users see
RECORD_TYPES = {PDF: "PDF", DOCX: "DOCX", XLSX: "XLSX", CONTENT_TYPES["jpeg"]: "JPEG", CONTENT_TYPES["png"]: "PNG"}


def _is_xlsx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        return False
    return "[Content_Types].xml" in names and "xl/workbook.xml" in names


def record_type(upload: Upload, name: str) -> str:
    """The content type of an acceptable record (PDF, DOCX, XLSX, JPEG, PNG; by content, at most 20 MB)."""
    def refuse(message):
        return ValidationError(message, errors={"file": message})

    if not upload.data:
        raise refuse(_l("“%(name)s” is empty.", name=name))
    if len(upload.data) > MAX_FILE_SIZE:
        raise refuse(_l("“%(name)s” is larger than 20 MB.", name=name))
    try:
        content_type = sniff_type(upload.data)
    except ZipTooLarge:
        raise refuse(_l("“%(name)s” has too many parts or expands to too much data to be accepted; please add it "
                        "as PDF.", name=name)) from None
    if content_type is None and upload.data.startswith(b"PK\x03\x04") and _is_xlsx(upload.data):
        content_type = XLSX
    if content_type not in RECORD_TYPES:
        raise refuse(_l("“%(name)s” is not a PDF, DOCX, XLSX, JPEG or PNG file (checked by its content, not its "
                        "name).", name=name))
    return content_type


def pdf_form(data: bytes, content_type: str) -> bytes | None:
    """The PDF a non-PDF record is redacted and released as (None for a PDF: the file itself)."""
    if content_type == PDF:
        return None
    if content_type in (DOCX, XLSX):
        return pdf.office_to_pdf(data, ".docx" if content_type == DOCX else ".xlsx")
    return pdf.image_to_pdf(data)


def read_stored(record, *, as_pdf: bool = False) -> bytes:
    """The bytes of a record's file (`as_pdf`: its PDF form)."""
    key = record.pdf_key if as_pdf and record.pdf_key else record.storage_key
    return filestore.open_path(key).read_bytes()
