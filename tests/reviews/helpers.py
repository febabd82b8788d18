"""Test helpers of reviews: a case whose reply was issued (a review needs one to challenge)."""
from __future__ import annotations

from datetime import date


def issue_reply(case, issued_on: date | None = None, template: str | None = None):
    """Give the case an issued reply letter (written directly: the letters' own tests cover issuing)."""
    from caseapp.extensions import db
    from caseapp.letters.models import Letter
    from caseapp.letters.states import LetterStatus

    day = issued_on or case.closed_on or case.received_on
    letter = Letter(case_id=case.id, agency_id=case.agency_id, template=template or case.outcome or "disclosed",
                    status=LetterStatus.ISSUED, fields={}, number=f"答{case.id}", issued_on=day, delivery_on=day,
                    delivery_method="post", pdf_key="test/reply.pdf", pdf_sha256="0" * 64, docx_key="test/reply.docx",
                    docx_sha256="0" * 64)
    db.session.add(letter)
    db.session.flush()
    return letter
