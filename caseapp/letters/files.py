"""Issued letters' frozen files as downloads (the access checks are the caller's)."""
from __future__ import annotations

from flask import send_file

from caseapp.core.downloads import set_download_name
from caseapp.core.filestore import open_path
from caseapp.letters.models import Letter
from caseapp.letters.rendering import TEMPLATE_KEYS, load_spec

MIMETYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def letter_kind(letter: Letter) -> str:
    """The letter's kind in ASCII for file names: "reply" for every reply, else the notice's key
    (correction-notice, fee-notice, ...)."""
    if letter.template not in TEMPLATE_KEYS or load_spec(letter.template).is_reply:
        return "reply"
    return letter.template.replace("_", "-")


def letter_download_names(letter: Letter, ext: str) -> tuple[str, str]:
    """(name, ASCII fallback) of a letter's file: its number (示教信公〔2026〕1号.pdf), and the tracking
    number with the kind (SFJY-2026-000001-reply.pdf) for clients without RFC 5987."""
    tracking = letter.case.tracking_number
    return f"{letter.number or f'{tracking}-{letter.id}'}.{ext}", f"{tracking}-{letter_kind(letter)}.{ext}"


def letter_file_response(letter: Letter, ext: str, *, inline: bool = False):
    """Stream an issued letter's frozen PDF or DOCX."""
    key = letter.pdf_key if ext == "pdf" else letter.docx_key
    digest = letter.pdf_sha256 if ext == "pdf" else letter.docx_sha256
    response = send_file(open_path(key), mimetype=MIMETYPES[ext], max_age=0, etag=digest)
    return set_download_name(response, *letter_download_names(letter, ext), inline=inline)


def enclosure_file_response(enclosure, *, inline: bool = False):
    """Stream an enclosure's file (a release version's PDF) from the file store."""
    record = enclosure.record
    response = send_file(open_path(record.storage_key), mimetype=record.content_type, max_age=0,
                         etag=enclosure.sha256 or record.sha256)
    tracking = enclosure.letter.case.tracking_number
    return set_download_name(response, f"{enclosure.position}-{record.title}.pdf",
                             f"{tracking}-enclosure-{enclosure.position}.pdf", inline=inline)
