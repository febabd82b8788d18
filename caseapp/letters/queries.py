"""Named queries on letters and the plain values a letter is drafted from."""
from __future__ import annotations

import sqlalchemy as sa
from flask import url_for

from caseapp.extensions import db
from caseapp.letters.models import Letter, TimeRequest


def get_letter(letter_id: int) -> Letter | None:
    """The letter with this id, or None."""
    return db.session.get(Letter, letter_id)


def letters_of_case(case) -> list[Letter]:
    """A case's letters, oldest first."""
    return list(db.session.scalars(sa.select(Letter).where(Letter.case_id == case.id).order_by(Letter.id)))


def time_requests_of_case(case) -> list[TimeRequest]:
    """A case's extension and deferral requests, oldest first."""
    return list(db.session.scalars(
        sa.select(TimeRequest).where(TimeRequest.case_id == case.id).order_by(TimeRequest.id)))


def pending_time_request(case, kind: str) -> TimeRequest | None:
    """The case's request of this kind awaiting approval, if any."""
    return db.session.scalar(sa.select(TimeRequest).where(
        TimeRequest.case_id == case.id, TimeRequest.kind == kind, TimeRequest.status == "requested"))


def letters_for_case(case) -> list[dict]:
    """The case's letters for the staff API's case JSON: id, template, status, number, file URLs."""
    out = []
    for letter in letters_of_case(case):
        issued = letter.status == "issued"
        out.append({
            "id": letter.id,
            "template": letter.template,
            "status": letter.status,
            "number": letter.number,
            "issued_on": letter.issued_on.isoformat() if letter.issued_on else None,
            "pdf_url": url_for("api.staff_letter_file", tracking_number=case.tracking_number,
                               letter_id=letter.id, ext="pdf") if issued else None,
            "docx_url": url_for("api.staff_letter_file", tracking_number=case.tracking_number,
                                letter_id=letter.id, ext="docx") if issued else None,
        })
    return out


def issued_letters(case) -> list[Letter]:
    """The case's issued letters addressed to the applicant (never consultation letters to others)."""
    from caseapp.letters.rendering import load_spec

    return [letter for letter in letters_of_case(case)
            if letter.status == "issued" and load_spec(letter.template).addressee == "applicant"]


def issued_documents_for_applicant(case) -> list[dict]:
    """Issued letters the applicant may download from the tracking page: title, number, date, URLs."""
    from caseapp.letters.rendering import load_spec

    return [{
        "id": letter.id,
        "template": letter.template,
        "title": load_spec(letter.template).title,
        "number": letter.number,
        "issued_on": letter.issued_on.isoformat(),
        "pdf_url": url_for("api.public_letter_file", tracking_number=case.tracking_number,
                           letter_id=letter.id, ext="pdf"),
        "docx_url": url_for("api.public_letter_file", tracking_number=case.tracking_number,
                            letter_id=letter.id, ext="docx"),
    } for letter in issued_letters(case)]
