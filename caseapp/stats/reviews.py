"""Reconsideration and litigation against a case's reply (SPEC §10, Table 4): records and operations.

Kinds: `reconsideration` (行政复议), `litigation_direct` (未经复议直接起诉) and
`litigation_after_reconsideration` (复议后起诉). Results: `upheld` 维持, `corrected` 纠正,
`other` 其他, `pending` 尚未审结. A `corrected` result lets a supervisor reopen the case
with the decision attached (caseapp.cases.operations.reopen_case).

Table 4 of a year counts the reviews **filed** in that year, each with its result as known on
31 December (a decision dated later counts as 尚未审结), so a published report never changes.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.accounts.models import User
from caseapp.cases import operations as case_ops
from caseapp.cases.models import Case
from caseapp.core.audit import record_event
from caseapp.core.clock import local_today, utcnow
from caseapp.core.db import flush_or_stale, sql_in
from caseapp.core.errors import TransitionError, ValidationError
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
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), nullable=False, index=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    body: Mapped[str] = mapped_column(sa.String(200), nullable=False)  # reconsideration body or court
    reference: Mapped[str | None] = mapped_column(sa.String(100))      # its case or decision number
    filed_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
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


def _snapshot(review: CaseReview) -> dict:
    return {"kind": review.kind, "body": review.body, "reference": review.reference, "filed_on": review.filed_on,
            "decided_on": review.decided_on, "result": review.result}


def _clean(data: dict, case: Case, today: date) -> dict:
    """Check a review's fields; raise ValidationError naming every bad field, in the user's language."""
    errors = {}
    kind = data.get("kind")
    if kind not in KINDS:
        errors["kind"] = _l("Please choose reconsideration or litigation.")
    body = (data.get("body") or "").strip()
    if not body:
        errors["body"] = _l("Please give the reconsideration body or court.")
    elif len(body) > 200:
        errors["body"] = _l("At most %(n)s characters.", n=200)
    reference = (data.get("reference") or "").strip() or None
    if reference and len(reference) > 100:
        errors["reference"] = _l("At most %(n)s characters.", n=100)
    filed_on = data.get("filed_on")
    if not isinstance(filed_on, date):
        errors["filed_on"] = _l("Please give the filing date.")
    elif filed_on > today:
        errors["filed_on"] = _l("The filing date cannot be in the future.")
    elif filed_on < case.received_on:
        errors["filed_on"] = _l("The filing date cannot be before the request was received.")
    result = data.get("result") or "pending"
    if result not in RESULTS:
        errors["result"] = _l("Please choose a valid result.")
    decided_on = data.get("decided_on")
    if result == "pending":
        decided_on = None
    elif not isinstance(decided_on, date):
        errors["decided_on"] = _l("A concluded review needs its decision date.")
    elif decided_on > today:
        errors["decided_on"] = _l("The decision date cannot be in the future.")
    elif isinstance(filed_on, date) and decided_on < filed_on:
        errors["decided_on"] = _l("The decision date cannot be before the filing date.")
    decision = (data.get("decision") or "").strip() or None
    if decision and len(decision) > 5000:
        errors["decision"] = _l("At most %(n)s characters.", n=5000)
    if errors:
        raise ValidationError(_l("Please correct the marked fields."), errors=errors)
    return {"kind": kind, "body": body, "reference": reference, "filed_on": filed_on, "result": result,
            "decided_on": decided_on, "decision": decision}


def record_review(case: Case, *, actor: User, data: dict, today: date | None = None) -> CaseReview:
    """Record a reconsideration or lawsuit against the case (SPEC §10, Table 4)."""
    clean = _clean(data, case, today or local_today())
    review = CaseReview(case_id=case.id, agency_id=case.agency_id, recorded_by_id=actor.id, **clean)
    db.session.add(review)
    flush_or_stale()
    record_event("review.recorded", actor=actor, case=case, after=_snapshot(review), note=clean["decision"])
    flush_or_stale()
    return review


def update_review(review: CaseReview, *, actor: User, data: dict, today: date | None = None) -> CaseReview:
    """Correct a review or enter its result when the decision arrives."""
    before = _snapshot(review)
    clean = _clean({**_snapshot(review), "decision": review.decision, **data}, review.case, today or local_today())
    for key, value in clean.items():
        setattr(review, key, value)
    flush_or_stale()
    record_event("review.updated", actor=actor, case=review.case, before=before, after=_snapshot(review),
                 note=clean["decision"])
    flush_or_stale()
    return review


def reopen_refusal(review: CaseReview) -> TransitionError | None:
    """Why this review's decision may not reopen its case, or None: only a 纠正 result, once, on a
    closed (or withdrawn) case."""
    if review.result != "corrected":
        return TransitionError(_l("Only a decision that corrects the reply reopens the case."))
    if review.reopened_case:
        return TransitionError(_l("This decision has already reopened the case."))
    if review.case.status not in ("closed", "withdrawn"):
        return TransitionError(_l("The case is open: it is handled already."))
    return None


def reopen_from_review(review: CaseReview, *, actor: User, today: date | None = None) -> Case:
    """Reopen the case as the corrective decision orders, with the decision attached as the reason
    (the action's rule, reopen_refusal, was checked by the runner)."""
    reason = "；".join(filter(None, [
        f"{KIND_LABELS[review.kind]}：{review.body}",
        review.reference,
        review.decided_on.isoformat() if review.decided_on else None,
        review.decision,
    ]))
    case = case_ops.reopen_case(review.case, actor=actor, reason=reason, today=today)
    review.reopened_case = True
    flush_or_stale()
    return case


def reviews_of(case: Case) -> list[CaseReview]:
    """The case's reconsiderations and lawsuits, oldest first."""
    return list(db.session.scalars(
        sa.select(CaseReview).where(CaseReview.case_id == case.id).order_by(CaseReview.filed_on, CaseReview.id)
    ))


def get_review(review_id: int) -> CaseReview | None:
    """A review by id, or None."""
    return db.session.get(CaseReview, review_id)
