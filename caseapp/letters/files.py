"""Issued letters' frozen files as downloads (the access checks are the caller's)."""
from __future__ import annotations

from flask import send_file

from caseapp.core.filestore import open_path
from caseapp.letters.models import Letter

MIMETYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def letter_file_response(letter: Letter, ext: str, *, inline: bool = False):
    """Stream an issued letter's frozen PDF or DOCX."""
    key = letter.pdf_key if ext == "pdf" else letter.docx_key
    digest = letter.pdf_sha256 if ext == "pdf" else letter.docx_sha256
    return send_file(open_path(key), mimetype=MIMETYPES[ext], as_attachment=not inline,
                     download_name=f"{letter.number or letter.id}.{ext}", max_age=0, etag=digest)


def enclosure_file_response(enclosure, *, inline: bool = False):
    """Stream an enclosure's file (a release version's PDF) from the file store."""
    record = enclosure.record
    name = f"{enclosure.position}-{record.title}.pdf".replace("/", "_")
    return send_file(open_path(record.storage_key), mimetype=record.content_type, as_attachment=not inline,
                     download_name=name, max_age=0, etag=enclosure.sha256 or record.sha256)
