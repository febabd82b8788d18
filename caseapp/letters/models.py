"""Letters (drafted from a standard template, approved, issued and frozen) and time requests
(extension under Reg. 33, deferral under Reg. 35)."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.accounts.models import User
from caseapp.cases.models import Case
from caseapp.core.clock import utcnow
from caseapp.core.db import Versioned, sql_in, status_column
from caseapp.extensions import db
from caseapp.letters.states import LetterStatus, TimeRequestStatus
from caseapp.records.models import Record

LETTER_STATUSES = tuple(s.value for s in LetterStatus)
DELIVERY_METHODS = ("post", "hand", "email", "online")
# What the approver of a disclosing reply decided about a third party's objection (Reg. 32): the
# information it objects to is disclosed all the same, or withheld (a partial disclosure).
OBJECTION_DECISIONS = ("disclose", "withhold")
TIME_REQUEST_KINDS = ("extension", "deferral")
TIME_REQUEST_STATUSES = tuple(s.value for s in TimeRequestStatus)


class Letter(Versioned, db.Model):
    """One letter of a case; once issued its number, files and digests never change."""

    __tablename__ = "letters"
    __table_args__ = (
        sa.CheckConstraint(sql_in("status", LETTER_STATUSES), name="status"),
        sa.CheckConstraint(f"delivery_method IS NULL OR {sql_in('delivery_method', DELIVERY_METHODS)}",
                           name="delivery_method"),
        # An issued letter has its number, date, both files and their digests.
        sa.CheckConstraint(
            "status != 'issued' OR (number IS NOT NULL AND issued_on IS NOT NULL AND pdf_key IS NOT NULL"
            " AND pdf_sha256 IS NOT NULL AND docx_key IS NOT NULL AND docx_sha256 IS NOT NULL"
            " AND delivery_method IS NOT NULL AND delivery_on IS NOT NULL)",
            name="issued_complete",
        ),
        sa.UniqueConstraint("agency_id", "number", name="uq_letters_agency_number"),
        sa.CheckConstraint(f"objection_decision IS NULL OR ({sql_in('objection_decision', OBJECTION_DECISIONS)}"
                           " AND decision_reasons IS NOT NULL)", name="objection_decision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), nullable=False, index=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), nullable=False)
    template: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    status: Mapped[LetterStatus] = status_column(LetterStatus, 20, LetterStatus.DRAFT)
    # The values the template renders besides the case's own facts (plain JSON: strings, ISO dates, numbers).
    fields: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)

    number: Mapped[str | None] = mapped_column(sa.String(100))
    number_year: Mapped[int | None] = mapped_column(sa.Integer)
    number_seq: Mapped[int | None] = mapped_column(sa.Integer)
    issued_on: Mapped[date | None] = mapped_column(sa.Date)
    issued_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    pdf_key: Mapped[str | None] = mapped_column(sa.String(200))
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    docx_key: Mapped[str | None] = mapped_column(sa.String(200))
    docx_sha256: Mapped[str | None] = mapped_column(sa.String(64))

    # Service (国办公开办函〔2016〕235号): how and when the letter reached the applicant.
    delivery_method: Mapped[str | None] = mapped_column(sa.String(20))
    delivery_on: Mapped[date | None] = mapped_column(sa.Date)
    delivery_reference: Mapped[str | None] = mapped_column(sa.String(200))

    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    edited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))  # who last changed the text
    approver_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    return_comment: Mapped[str | None] = mapped_column(sa.Text)
    # The approval's reasoned decision on a third party's objection (a disclosing reply, Reg. 32).
    objection_decision: Mapped[str | None] = mapped_column(sa.String(20))
    decision_reasons: Mapped[str | None] = mapped_column(sa.Text)


    case: Mapped[Case] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    approver: Mapped[User | None] = relationship(foreign_keys=[approver_id])
    enclosures: Mapped[list[LetterEnclosure]] = relationship(
        back_populates="letter", order_by="LetterEnclosure.position", cascade="all, delete-orphan", lazy="selectin")


class LetterEnclosure(db.Model):
    """A release version of a record sent with a letter (附件), in the letter's order; its digest is
    taken when the letter is issued, and the list never changes afterwards."""

    __tablename__ = "letter_enclosures"
    __table_args__ = (
        sa.UniqueConstraint("letter_id", "position", name="uq_letter_enclosures_position"),
        sa.UniqueConstraint("letter_id", "record_id", name="uq_letter_enclosures_record"),
        sa.CheckConstraint("position >= 1", name="position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("letters.id"), nullable=False, index=True)
    record_id: Mapped[int] = mapped_column(sa.ForeignKey("records.id"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    sha256: Mapped[str | None] = mapped_column(sa.String(64))  # of the file as issued

    letter: Mapped[Letter] = relationship(back_populates="enclosures")
    record: Mapped[Record] = relationship(lazy="joined")


class TimeRequest(db.Model):
    """A request to extend the reply period (Reg. 33) or defer the reply (Reg. 35), and its approval."""

    __tablename__ = "time_requests"
    __table_args__ = (
        sa.CheckConstraint(sql_in("kind", TIME_REQUEST_KINDS), name="kind"),
        sa.CheckConstraint(sql_in("status", TIME_REQUEST_STATUSES), name="status"),
        sa.CheckConstraint("kind != 'extension' OR (days >= 1 AND days <= 20)", name="extension_days"),
        sa.CheckConstraint("kind != 'deferral' OR deferred_to IS NOT NULL", name="deferral_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    status: Mapped[TimeRequestStatus] = status_column(TimeRequestStatus, 20, TimeRequestStatus.REQUESTED)
    days: Mapped[int | None] = mapped_column(sa.Integer)
    deferred_to: Mapped[date | None] = mapped_column(sa.Date)
    reason: Mapped[str] = mapped_column(sa.Text, nullable=False)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    requested_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_on: Mapped[date | None] = mapped_column(sa.Date)
    letter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("letters.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)

    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
