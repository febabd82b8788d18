"""Fee proposals (国办函〔2020〕109号): proposed by a clerk, approved by a supervisor, notified, paid or lapsed."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.accounts.models import User
from caseapp.core.clock import utcnow
from caseapp.core.db import sql_in, status_column
from caseapp.extensions import db
from caseapp.fees.states import FeeStatus

FEE_BASES = ("requests", "pages")
FEE_STATUSES = tuple(s.value for s in FeeStatus)


class Fee(db.Model):
    """One information-processing fee on a case; at most one is open at a time."""

    __tablename__ = "fees"
    __table_args__ = (
        sa.CheckConstraint(sql_in("basis", FEE_BASES), name="basis"),
        sa.CheckConstraint(sql_in("status", FEE_STATUSES), name="status"),
        sa.CheckConstraint("count >= 0 AND amount >= 0", name="positive"),
        sa.CheckConstraint("status NOT IN ('notified', 'paid', 'lapsed') OR served_on IS NOT NULL", name="served"),
        # The 20 working days to pay run from the applicant's receipt of the notice (109号).
        sa.CheckConstraint("(received_on IS NULL) = (pay_by IS NULL)", name="pay_by_from_receipt"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), nullable=False, index=True)
    basis: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    count: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    amount: Mapped[int] = mapped_column(sa.Integer, nullable=False)  # yuan
    status: Mapped[FeeStatus] = status_column(FeeStatus, 20, FeeStatus.PROPOSED)
    note: Mapped[str | None] = mapped_column(sa.Text)
    proposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    proposed_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_on: Mapped[date | None] = mapped_column(sa.Date)
    letter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("letters.id"))
    served_on: Mapped[date | None] = mapped_column(sa.Date)  # the notice was sent or handed over
    received_on: Mapped[date | None] = mapped_column(sa.Date)  # the applicant received it (post: signed for)
    pay_by: Mapped[date | None] = mapped_column(sa.Date)
    paid_on: Mapped[date | None] = mapped_column(sa.Date)
    lapsed_on: Mapped[date | None] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)

    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])


class FeeRequest(db.Model):
    """A request a per-request fee charges for: each request is charged once, at its place in the
    applicant's month (the 11th and later; the first ten are free)."""

    __tablename__ = "fee_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    fee_id: Mapped[int] = mapped_column(sa.ForeignKey("fees.id"), nullable=False, index=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), nullable=False, unique=True)
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False)  # the request's place in the month

    case: Mapped["Case"] = relationship()  # noqa: F821 - resolved by name at mapper configuration
