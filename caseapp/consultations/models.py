"""A consultation of a department, another agency or a third party about one case (SPEC §5)."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.accounts.models import Agency, Department, User
from caseapp.cases.models import Case, ClockPause
from caseapp.core.clock import utcnow
from caseapp.core.db import sql_in, status_column
from caseapp.extensions import db
from caseapp.letters.models import Letter

KINDS = ("department", "agency", "third_party")
class ConsultationStatus(enum.StrEnum):
    SENT = "sent"
    ANSWERED = "answered"
    LAPSED = "lapsed"
    DEEMED_CONSENT = "deemed_consent"
    CANCELLED = "cancelled"  # withdrawn by the asking agency, or ended with its case (SPEC §5)


STATUSES = tuple(s.value for s in ConsultationStatus)
OPINIONS = ("agree", "disagree", "partial")
# Why another agency is consulted (SPEC §5): the information was made jointly with it (Reg. 34: the
# clock pauses, silence after 15 working days is deemed consent), or any other question (the clock
# runs, silence is no consent).
PURPOSES = ("joint_production", "opinion")
ANSWER_CHANNELS = ("platform", "paper")
FILE_ROLES = ("material", "answer")
# The pause kind each outside consultation puts on the case's clock (departments never pause).
PAUSE_KINDS = {"agency": "consultation_agency", "third_party": "consultation_third_party"}


class Consultation(db.Model):
    """One request for an opinion, with its own due date and state."""

    __tablename__ = "consultations"
    __table_args__ = (
        sa.CheckConstraint(sql_in("kind", KINDS), name="kind"),
        sa.CheckConstraint(f"(kind = 'agency' AND {sql_in('purpose', PURPOSES)}) OR (kind != 'agency' AND purpose IS NULL)",
                           name="purpose"),
        sa.CheckConstraint(sql_in("status", STATUSES), name="status"),
        sa.CheckConstraint(f"opinion IS NULL OR {sql_in('opinion', OPINIONS)}", name="opinion"),
        sa.CheckConstraint(f"answer_channel IS NULL OR {sql_in('answer_channel', ANSWER_CHANNELS)}",
                           name="answer_channel"),
        # Each kind names its own addressee.
        sa.CheckConstraint(
            "(kind = 'department' AND department_id IS NOT NULL)"
            " OR (kind = 'agency' AND (addressee_agency_id IS NOT NULL OR third_party_name IS NOT NULL))"
            " OR (kind = 'third_party' AND third_party_name IS NOT NULL)",
            name="addressee",
        ),
        # An answered consultation has its opinion and date; a waiting one has neither.
        sa.CheckConstraint(
            "(status = 'answered' AND opinion IS NOT NULL AND answered_on IS NOT NULL)"
            " OR (status != 'answered' AND opinion IS NULL)",
            name="answered_has_opinion",
        ),
        # A consultation by letter (a third party, an agency off the platform) is sent when its
        # letter is issued (SPEC §5): until then it has no dates, pauses nothing and cannot lapse.
        sa.CheckConstraint(
            "(sent_on IS NULL AND delivered_on IS NULL AND due_on IS NULL AND status IN ('sent', 'cancelled'))"
            " OR (sent_on IS NOT NULL AND delivered_on IS NOT NULL AND due_on IS NOT NULL"
            " AND delivered_on >= sent_on AND due_on >= delivered_on)",
            name="dates",
        ),
        sa.CheckConstraint(
            "sent_on IS NOT NULL OR kind = 'third_party' OR (kind = 'agency' AND addressee_agency_id IS NULL)",
            name="sent_unless_by_letter",
        ),
        sa.Index("ix_consultations_status_due", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), nullable=False, index=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), nullable=False)  # the asking agency
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    purpose: Mapped[str | None] = mapped_column(sa.String(20))  # agencies only: see PURPOSES
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    addressee_agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    third_party_name: Mapped[str | None] = mapped_column(sa.String(200))
    third_party_address: Mapped[str | None] = mapped_column(sa.String(300))
    third_party_phone: Mapped[str | None] = mapped_column(sa.String(40))
    question: Mapped[str] = mapped_column(sa.Text, nullable=False)
    # The day the question went out: recording, for a department or an agency on the platform; the
    # issue of its letter for one consulted by letter (None until then). Its 15 working days count
    # from delivered_on: the same day, or a posted letter's recorded receipt.
    sent_on: Mapped[date | None] = mapped_column(sa.Date)
    delivered_on: Mapped[date | None] = mapped_column(sa.Date)
    due_on: Mapped[date | None] = mapped_column(sa.Date)
    status: Mapped[ConsultationStatus] = status_column(ConsultationStatus, 20, ConsultationStatus.SENT)
    opinion: Mapped[str | None] = mapped_column(sa.String(20))
    reasons: Mapped[str | None] = mapped_column(sa.Text)
    answered_on: Mapped[date | None] = mapped_column(sa.Date)
    answer_channel: Mapped[str | None] = mapped_column(sa.String(20))
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    lapsed_on: Mapped[date | None] = mapped_column(sa.Date)
    escalated_on: Mapped[date | None] = mapped_column(sa.Date)  # department past its due date
    cancelled_on: Mapped[date | None] = mapped_column(sa.Date)
    cancel_reason: Mapped[str | None] = mapped_column(sa.Text)
    pause_id: Mapped[int | None] = mapped_column(sa.ForeignKey("clock_pauses.id"))
    # The consultation letter drafted for it (by letter only): issuing that letter sends it.
    letter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("letters.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
    # Optimistic locking: an addressee and a clerk recording an answer at once cannot both win.
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship()
    agency: Mapped[Agency] = relationship(foreign_keys=[agency_id])
    department: Mapped[Department | None] = relationship()
    addressee_agency: Mapped[Agency | None] = relationship(foreign_keys=[addressee_agency_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    pause: Mapped[ClockPause | None] = relationship()
    letter: Mapped[Letter | None] = relationship()
    files: Mapped[list[ConsultationFile]] = relationship(
        back_populates="consultation", order_by="ConsultationFile.id", cascade="all, delete-orphan")

    @property
    def addressee_name(self) -> str:
        """Who was asked, as shown to staff."""
        if self.kind == "department" and self.department is not None:
            return self.department.name
        if self.kind == "agency" and self.addressee_agency is not None:
            return self.addressee_agency.name
        return self.third_party_name or ""

    @property
    def by_letter(self) -> bool:
        """Asked by letter (a third party, an agency off the platform): sent when the letter is issued."""
        return self.kind == "third_party" or (self.kind == "agency" and self.addressee_agency_id is None)

    @property
    def awaiting_letter(self) -> bool:
        """Recorded, but its letter not issued yet: nobody has been asked (SPEC §5)."""
        return self.status == ConsultationStatus.SENT and self.sent_on is None

    @property
    def pauses_clock(self) -> bool:
        """A third party's consultation, or another agency's on jointly made information (Reg. 32, 34)."""
        return self.kind == "third_party" or (self.kind == "agency" and self.purpose == "joint_production")

    @property
    def materials(self) -> list[ConsultationFile]:
        return [f for f in self.files if f.role == "material"]

    @property
    def answer_files(self) -> list[ConsultationFile]:
        return [f for f in self.files if f.role == "answer"]


class ConsultationFile(db.Model):
    """A file of a consultation: material sent with the question, or a file sent with the answer."""

    __tablename__ = "consultation_files"
    __table_args__ = (sa.CheckConstraint(sql_in("role", FILE_ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultations.id"), nullable=False, index=True)
    role: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    # Chosen from the case's attachments (the same stored file) or uploaded for the consultation.
    attachment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("attachments.id"))
    original_name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    content_type: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    size: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    storage_key: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)

    consultation: Mapped[Consultation] = relationship(back_populates="files")
