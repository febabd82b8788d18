"""Internal notes on a case: staff-only remarks, never shown to the applicant."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.accounts.models import User
from caseapp.cases.models import Case
from caseapp.core.audit import record_event
from caseapp.core.clock import utcnow
from caseapp.core.errors import ValidationError
from caseapp.extensions import db

MAX_NOTE_LENGTH = 5000


class CaseNote(db.Model):
    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), nullable=False, index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    text: Mapped[str] = mapped_column(sa.Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)

    author: Mapped[User] = relationship()


def add_note(case: Case, *, actor: User, text: str) -> CaseNote:
    """Add an internal note to a case (the case itself does not change, so its version stays)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(_l("Please write the note."), errors={"text": _l("Please write the note.")})
    if len(text) > MAX_NOTE_LENGTH:
        message = _l("At most %(n)s characters.", n=MAX_NOTE_LENGTH)
        raise ValidationError(message, errors={"text": message})
    note = CaseNote(case_id=case.id, author_id=actor.id, text=text)
    db.session.add(note)
    db.session.flush()
    record_event("case.note_added", actor=actor, case=case, after={"note_id": note.id}, note=text)
    db.session.flush()
    return note


def list_notes(case: Case) -> list[CaseNote]:
    """The case's notes, newest first."""
    return list(db.session.scalars(
        sa.select(CaseNote).where(CaseNote.case_id == case.id).order_by(CaseNote.id.desc())
    ))
