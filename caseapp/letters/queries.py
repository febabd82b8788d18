"""Named queries on letters and the plain values a letter is drafted from."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import selectinload

from caseapp.cases.models import Case
from caseapp.core.clock import local_date
from caseapp.extensions import db
from caseapp.letters.models import Letter, LetterEnclosure, TimeRequest
from caseapp.letters.states import LetterStatus, TimeRequestStatus


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
        TimeRequest.case_id == case.id, TimeRequest.kind == kind, TimeRequest.status == TimeRequestStatus.REQUESTED))


def letters_by_case(case_ids) -> dict[int, list[Letter]]:
    """case id -> its letters, oldest first, with their enclosures: two statements for a page of cases."""
    out: dict[int, list[Letter]] = {i: [] for i in case_ids}
    if out:
        for letter in db.session.scalars(sa.select(Letter).where(Letter.case_id.in_(out))
                                         .options(selectinload(Letter.enclosures)).order_by(Letter.id)):
            out[letter.case_id].append(letter)
    return out


def letters_for_case(case, letters: list[Letter] | None = None) -> list[dict]:
    """The case's letters for the staff API's case JSON: id, template, status, number, file URLs
    (`letters`: the case's letters already loaded by `letters_by_case`)."""
    out = []
    for letter in letters_of_case(case) if letters is None else letters:
        issued = letter.status == LetterStatus.ISSUED
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
            # As issued, the digest frozen then; on a draft, the release version's own.
            "enclosures": [{"record_id": e.record_id, "title": e.record.title, "pages": e.record.page_count,
                            "sha256": e.sha256 or e.record.sha256} for e in letter.enclosures],
        })
    return out


def enclosure_of(letter: Letter, record_id) -> LetterEnclosure | None:
    """The letter's enclosure of this record, or None."""
    return next((e for e in letter.enclosures if e.record_id == record_id), None)


def enclosure_json(enclosure: LetterEnclosure, url: str) -> dict:
    """An enclosure as the applicant's documents list it: title, pages, size, SHA-256 (as issued), URL."""
    record = enclosure.record
    return {"record_id": record.id, "position": enclosure.position, "title": record.title,
            "pages": record.page_count, "size": record.size, "sha256": enclosure.sha256, "url": url}


def issued_letters(case) -> list[Letter]:
    """The case's issued letters addressed to the applicant (never consultation letters to others)."""
    from caseapp.letters.rendering import load_spec

    return [letter for letter in letters_of_case(case)
            if letter.status == LetterStatus.ISSUED and load_spec(letter.template).addressee == "applicant"]


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
        "pdf_sha256": letter.pdf_sha256,
        "enclosures": [enclosure_json(e, url_for("api.public_enclosure_file", tracking_number=case.tracking_number,
                                                 letter_id=letter.id, record_id=e.record_id))
                       for e in letter.enclosures],
    } for letter in issued_letters(case)]


# --- Work waiting for someone -------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkItem:
    """One letter, time request or fee proposal waiting for approval or for its drafter."""

    kind: str  # "letter" | "extension" | "deferral" | "fee"
    tracking_number: str
    detail: str  # the letter's title; the extension's days, the deferral's date or the fee in yuan
    by: str  # who drafted, requested or proposed it
    since: date
    letter_id: int | None = None
    status: str | None = None  # the letter's status


def author_name(user) -> str:
    """A user's display name, or '' when there is none."""
    return user.display_name if user else ""


def _letter_items(q: sa.Select, limit: int) -> list[WorkItem]:
    from caseapp.letters.rendering import load_spec

    q = q.options(selectinload(Letter.case), selectinload(Letter.created_by)).order_by(Letter.updated_at).limit(limit)
    return [WorkItem("letter", letter.case.tracking_number, load_spec(letter.template).title,
                     author_name(letter.created_by), local_date(letter.updated_at), letter.id, letter.status)
            for letter in db.session.scalars(q)]


def awaiting_approval(agency_id: int, *, submitted_by: int | None = None, limit: int = 200) -> list[WorkItem]:
    """Letters submitted for approval and extension and deferral requests of the agency's cases,
    oldest first; only those submitted by `submitted_by` when given."""
    letters = sa.select(Letter).where(Letter.agency_id == agency_id, Letter.status == LetterStatus.SUBMITTED)
    times = (sa.select(TimeRequest, Case.tracking_number).join(Case, Case.id == TimeRequest.case_id)
             .where(Case.agency_id == agency_id, TimeRequest.status == TimeRequestStatus.REQUESTED))
    if submitted_by is not None:
        letters = letters.where(Letter.submitted_by_id == submitted_by)
        times = times.where(TimeRequest.requested_by_id == submitted_by)
    items = _letter_items(letters, limit)
    items += [WorkItem(request.kind, number,
                       str(request.days) if request.kind == "extension" else request.deferred_to.isoformat(),
                       author_name(request.requested_by), request.requested_on)
              for request, number in db.session.execute(times.order_by(TimeRequest.id).limit(limit))]
    return sorted(items, key=lambda item: item.since)[:limit]


def letters_to_finish(agency_id: int, *, drafted_by: int | None = None, limit: int = 200) -> list[WorkItem]:
    """Approved letters waiting to be issued and drafts returned for changes, oldest first; only
    those drafted by `drafted_by` when given."""
    q = sa.select(Letter).where(Letter.agency_id == agency_id,
                                Letter.status.in_((LetterStatus.APPROVED, LetterStatus.RETURNED)))
    if drafted_by is not None:
        q = q.where(Letter.created_by_id == drafted_by)
    return _letter_items(q, limit)
