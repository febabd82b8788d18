"""The record of a reconsideration or lawsuit against a case's reply (SPEC §10 Table 4, §12).

Kinds: `reconsideration` (行政复议), `litigation_direct` (未经复议直接起诉) and
`litigation_after_reconsideration` (复议后起诉). Results: `upheld` 维持, `corrected` 纠正,
`other` 其他, `pending` 尚未审结. The table keeps its name from when reviews lived in stats.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.accounts.models import User
from caseapp.cases.models import Case
from caseapp.core.clock import utcnow
from caseapp.core.db import sql_in
from caseapp.extensions import db

KINDS = ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
RESULTS = ("upheld", "corrected", "other", "pending")

KIND_LABELS = {
    "reconsideration": _l("Administrative reconsideration"),
    "litigation_direct": _l("Lawsuit without reconsideration"),
    "litigation_after_reconsideration": _l("Lawsuit after reconsideration"),
}
RESULT_LABELS = {
    "upheld": _l("Upheld"),
    "corrected": _l("Corrected"),
    "other": _l("Other result"),
    "pending": _l("Not yet concluded"),
}
# What the agency submits in answer, by kind: 行政复议答复书 or 答辩状.
ANSWER_LABELS = {
    "reconsideration": _l("Written answer to the reconsideration"),
    "litigation_direct": _l("Statement of defence"),
    "litigation_after_reconsideration": _l("Statement of defence"),
}


class CaseReview(db.Model):
    """One reconsideration or lawsuit against the agency's handling of a case."""

    __tablename__ = "case_reviews"
    __table_args__ = (
        sa.CheckConstraint(sql_in("kind", KINDS), name="kind"),
        sa.CheckConstraint(sql_in("result", RESULTS), name="result"),
        # A concluded review has its decision date; a pending one has none.
        sa.CheckConstraint("(result = 'pending' AND decided_on IS NULL) OR "
                           "(result <> 'pending' AND decided_on IS NOT NULL)", name="decided"),
        sa.CheckConstraint("decided_on IS NULL OR decided_on >= filed_on", name="order"),
        sa.Index("ix_case_reviews_agency_filed", "agency_id", "filed_on"),
        # The inbox's open answers: by agency, unanswered, by due date.
        sa.Index("ix_case_reviews_agency_answer", "agency_id", "answer_submitted_on", "answer_due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), nullable=False, index=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    body: Mapped[str] = mapped_column(sa.String(200), nullable=False)  # reconsideration body or court
    reference: Mapped[str | None] = mapped_column(sa.String(100))      # its case or decision number
    filed_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    # The day the agency received the copy of the application or complaint: the answer clock's day 0.
    # None only on reviews recorded before the clock existed.
    copy_received_on: Mapped[date | None] = mapped_column(sa.Date)
    answer_due_on: Mapped[date | None] = mapped_column(sa.Date)
    answer_submitted_on: Mapped[date | None] = mapped_column(sa.Date)
    decided_on: Mapped[date | None] = mapped_column(sa.Date)
    result: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="pending")
    decision: Mapped[str | None] = mapped_column(sa.Text)
    reopened_case: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow,
                                                 nullable=False)

    case: Mapped[Case] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    @property
    def answer_late(self) -> bool:
        """Whether the answer was submitted after its due date (allowed, but flagged and counted)."""
        return bool(self.answer_submitted_on and self.answer_due_on and self.answer_submitted_on > self.answer_due_on)
