"""The case (one disclosure request) and the periods that pause its clock."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.accounts.models import Agency, Department, User
from caseapp.cases.outcomes import CODES as OUTCOME_CODES
from caseapp.cases.states import CLOCK_RUNNING, Status
from caseapp.core.clock import utcnow
from caseapp.core.db import Versioned, sql_in, status_column
from caseapp.extensions import db

APPLICANT_TYPES = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
)
ID_TYPES = ("resident_id", "passport", "hk_macao_permit", "taiwan_permit", "foreign_permanent_residence",
            "other", "uscc")
FORMS = ("paper", "electronic")
DELIVERIES = ("post", "email", "pickup", "online")
CHANNELS = ("online", "in_person", "post", "fax", "email", "oral")


class Case(Versioned, db.Model):
    __tablename__ = "cases"
    __table_args__ = (
        sa.CheckConstraint(sql_in("status", [s.value for s in Status]), name="status"),
        sa.CheckConstraint(sql_in("applicant_type", APPLICANT_TYPES), name="applicant_type"),
        sa.CheckConstraint(sql_in("form", FORMS), name="form"),
        sa.CheckConstraint(sql_in("delivery", DELIVERIES), name="delivery"),
        sa.CheckConstraint(sql_in("channel", CHANNELS), name="channel"),
        sa.CheckConstraint(f"outcome IS NULL OR {sql_in('outcome', OUTCOME_CODES)}", name="outcome"),
        # A closed or withdrawn case has an outcome and a closing date; an open one has neither.
        sa.CheckConstraint(
            "(status IN ('closed', 'withdrawn') AND outcome IS NOT NULL AND closed_on IS NOT NULL)"
            " OR (status NOT IN ('closed', 'withdrawn') AND outcome IS NULL AND closed_on IS NULL)",
            name="closed_has_outcome",
        ),
        sa.CheckConstraint("extension_days >= 0 AND extension_days <= 20", name="extension_days"),
        # With the handler and the id, the inbox's tab counts read this index alone (make bench-pg).
        sa.Index("ix_cases_agency_status_due", "agency_id", "status", "due_on", "handler_id", "id"),
        sa.Index("ix_cases_agency_received", "agency_id", "received_on"),
        sa.Index("ix_cases_applicant_key", "agency_id", "applicant_key"),
        # At a million cases (make bench-pg): a full-text match joins its case ids to the agency
        # and the due date through this index alone, without reading the wide case rows; the
        # inbox's channel and applicant-type filters count and list through theirs.
        sa.Index("ix_cases_id_agency_due", "id", "agency_id", "due_on"),
        sa.Index("ix_cases_agency_channel_status_due", "agency_id", "channel", "status", "due_on"),
        sa.Index("ix_cases_agency_type_received", "agency_id", "applicant_type", "received_on"),
        # The start of a tracking number (LIKE 'SFJY-2025-50%'): under a non-C collation PostgreSQL
        # answers prefixes only from a pattern-ops index (on SQLite this is a plain index).
        sa.Index("ix_cases_tracking_number_pattern", "tracking_number",
                 postgresql_ops={"tracking_number": "varchar_pattern_ops"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), nullable=False)
    tracking_number: Mapped[str] = mapped_column(sa.String(40), unique=True, nullable=False)
    query_code_hash: Mapped[str] = mapped_column(sa.String(200), nullable=False)

    # Applicant (SPEC §2).
    applicant_type: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    applicant_name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    id_type: Mapped[str | None] = mapped_column(sa.String(40))
    id_number: Mapped[str | None] = mapped_column(sa.String(40))
    org_code: Mapped[str | None] = mapped_column(sa.String(18))  # unified social credit code
    contact_person: Mapped[str | None] = mapped_column(sa.String(100))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    email: Mapped[str | None] = mapped_column(sa.String(200))
    address: Mapped[str | None] = mapped_column(sa.String(300))
    postal_code: Mapped[str | None] = mapped_column(sa.String(10))
    # Normalised identity for "same applicant" lookups (ID number or credit code, else name+phone).
    applicant_key: Mapped[str] = mapped_column(sa.String(80), nullable=False)

    # The information requested.
    description: Mapped[str] = mapped_column(sa.Text, nullable=False)
    document_ref: Mapped[str | None] = mapped_column(sa.String(300))  # title or document number
    purpose: Mapped[str | None] = mapped_column(sa.Text)
    form: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    delivery: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    channel: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    needs_assistance: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    assistance_note: Mapped[str | None] = mapped_column(sa.String(300))

    # Handling.
    status: Mapped[Status] = status_column(Status, 30, Status.SUBMITTED)
    outcome: Mapped[str | None] = mapped_column(sa.String(50))
    submitted_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
    received_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    accepted_on: Mapped[date | None] = mapped_column(sa.Date)
    closed_on: Mapped[date | None] = mapped_column(sa.Date)
    handler_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"))
    registered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    # Clock facts (SPEC §4); due_on is derived from them by caseapp.clock and kept for queries.
    clock_started_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    extension_days: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    deferred_to: Mapped[date | None] = mapped_column(sa.Date)
    due_on: Mapped[date | None] = mapped_column(sa.Date)
    due_provisional: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)

    # Correction (Reg. 30).
    correction_details: Mapped[str | None] = mapped_column(sa.Text)
    correction_requested_on: Mapped[date | None] = mapped_column(sa.Date)
    # The period chosen when the correction was requested; it counts from the notice's service
    # (correction_notified_on, the correction notice's issue), and only then is there a due date.
    correction_period_days: Mapped[int | None] = mapped_column(sa.Integer)
    correction_notified_on: Mapped[date | None] = mapped_column(sa.Date)
    correction_due_on: Mapped[date | None] = mapped_column(sa.Date)
    correction_count: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    correction_response: Mapped[str | None] = mapped_column(sa.Text)
    correction_received_on: Mapped[date | None] = mapped_column(sa.Date)
    withdrawal_reason: Mapped[str | None] = mapped_column(sa.Text)
    # Archived (一案一档, caseapp.dossier): the dossier was frozen in the file store and the applicant's
    # contact and ID data removed from here; the case is read-only from then on (a case lock).
    archived_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


    agency: Mapped[Agency] = relationship()
    handler: Mapped[User | None] = relationship(foreign_keys=[handler_id])
    registered_by: Mapped[User | None] = relationship(foreign_keys=[registered_by_id])
    department: Mapped[Department | None] = relationship()
    pauses: Mapped[list[ClockPause]] = relationship(
        back_populates="case", order_by="ClockPause.started_on", cascade="all, delete-orphan"
    )

    @property
    def clock_running(self) -> bool:
        """Whether the reply clock runs (or is paused) in this status: not while awaiting a correction."""
        return Status(self.status) in CLOCK_RUNNING

    @property
    def status_enum(self) -> Status:
        return Status(self.status)


class ClockPause(db.Model):
    """A period that does not count towards the reply deadline (consultations, an open fee notice)."""

    __tablename__ = "clock_pauses"
    __table_args__ = (
        sa.CheckConstraint(
            "kind IN ('consultation_agency', 'consultation_third_party', 'fee')", name="kind"
        ),
        sa.CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    started_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    ended_on: Mapped[date | None] = mapped_column(sa.Date)
    reference: Mapped[str | None] = mapped_column(sa.String(100))
    # The day the pause's lapse period counts from, when later than started_on (a consultation
    # letter counts 15 working days from the addressee's receipt, SPEC §4).
    counted_from: Mapped[date | None] = mapped_column(sa.Date)

    case: Mapped[Case] = relationship(back_populates="pauses")
