"""Supervision orders (督办单, SPEC §4): opened when a case is overdue, closed when it closes.

Who receives one: the agency's supervisors. The platform has no separate "leader" flag on users,
so the agency's supervisors stand for its leadership as well (design choice, documented in the
README): every active supervisor of the agency gets the `supervision_order` notification, and the
handling clerk gets it too, so that the person who must act knows. An order stays open until the
case is closed or withdrawn (the sweep's `close_supervision_order` action, and at once on the `case.closed` and
`case.withdrawn` events), or until a supervisor closes it after the handler's feedback (issue 26, item 4:
`answer_supervision_order` and `conclude_supervision_order` in jobs/actions.py, one audit event each).

An order's state, derived from its columns: open (no feedback yet), answered (the handler wrote
feedback), closed (closed_on set: by a supervisor, closed_by_id, or by the case's closing).
"""
from __future__ import annotations

import io
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from caseapp.accounts.queries import supervisors_of
from caseapp.cases.models import Case
from caseapp.cases.states import CLOCK_RUNNING, FINAL
from caseapp.core.audit import record_event
from caseapp.core.clock import local_today, utcnow
from caseapp.core.events import subscribe
from caseapp.core.outbox import notify
from caseapp.extensions import db
from caseapp.reviews.models import CaseReview


class SupervisionOrder(db.Model):
    """A supervision order of an overdue case: when it was opened and when the case closed it. One
    per due date missed: a case reopened by a review decision that runs late again gets a new one."""

    __tablename__ = "supervision_orders"
    __table_args__ = (
        sa.CheckConstraint("closed_on IS NULL OR closed_on >= opened_on", name="order"),
        # One order per missed due date: a second sweep (or a second host) cannot open another.
        sa.UniqueConstraint("case_id", "due_on", name="uq_supervision_orders_case_due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), nullable=False, index=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), nullable=False, index=True)
    opened_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    due_on: Mapped[date] = mapped_column(sa.Date, nullable=False)  # the due date the case missed
    handler_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    closed_on: Mapped[date | None] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
    # The handler's answer to the order (反馈): what was done and when the reply will go out.
    feedback: Mapped[str | None] = mapped_column(sa.Text)
    feedback_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    feedback_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The supervisor who closed it; None when the case's closing (or withdrawal) closed it.
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    case = relationship("Case")
    handler = relationship("User", foreign_keys=[handler_id])
    feedback_by = relationship("User", foreign_keys=[feedback_by_id])
    closed_by = relationship("User", foreign_keys=[closed_by_id])

    @property
    def number(self) -> str:
        """The order's number as printed and listed: 督办〔year opened〕id号."""
        return f"督办〔{self.opened_on.year}〕{self.id}号"

    @property
    def state(self) -> str:
        """open, answered or closed."""
        if self.closed_on is not None:
            return "closed"
        return "answered" if self.feedback else "open"

    def days_overdue(self, today: date) -> int:
        """Calendar days past the missed due date, up to today or to the day the order closed."""
        end = self.closed_on or today
        return max((end - self.due_on).days, 0)


def order_for_case(case_id: int) -> SupervisionOrder | None:
    """The case's latest supervision order, if one was ever opened."""
    return db.session.scalar(sa.select(SupervisionOrder).where(SupervisionOrder.case_id == case_id)
                             .order_by(SupervisionOrder.id.desc()).limit(1))


def _has_order(case) -> bool:
    """Whether the case's lateness is already supervised: an order is open, or one was opened for
    the due date it now misses."""
    return db.session.scalar(sa.select(SupervisionOrder.id).where(
        SupervisionOrder.case_id == case.id,
        sa.or_(SupervisionOrder.closed_on.is_(None), SupervisionOrder.due_on == case.due_on)).limit(1)) is not None


def open_supervision_order(case, *, today: date) -> SupervisionOrder | None:
    """Open the order of an overdue case and notify its recipients; None if it has one already."""
    if _has_order(case):
        return None
    order = SupervisionOrder(case_id=case.id, agency_id=case.agency_id, opened_on=today, due_on=case.due_on,
                             handler_id=case.handler_id)
    db.session.add(order)
    db.session.flush()
    record_event("supervision.opened", case=case, actor_label="system",
                 after={"order_id": order.id, "due_on": case.due_on, "opened_on": today})
    message = f"{case.tracking_number}：已超过答复期限（{case.due_on.isoformat()}），已生成督办单。"
    recipients = [u.id for u in supervisors_of(case.agency_id)]
    if case.handler_id and case.handler_id not in recipients:
        recipients.append(case.handler_id)
    for user_id in recipients:
        notify(user_id, "supervision_order", message, case_id=case.id, subject_id=order.id,
               dedupe_key=f"supervision:{order.id}")
    return order


def close_supervision_order(order: SupervisionOrder, *, closed_on: date) -> SupervisionOrder:
    """Close an open order (its case was closed or withdrawn)."""
    if order.closed_on is None:
        order.closed_on = max(closed_on, order.opened_on)
        db.session.flush()
        record_event("supervision.closed", case=order.case, actor_label="system",
                     after={"order_id": order.id, "closed_on": order.closed_on})
    return order


def answer_supervision_order(order: SupervisionOrder, *, actor, feedback: str) -> SupervisionOrder:
    """The handler answers the order with a feedback note (a later answer replaces it; the audit
    trail keeps each one)."""
    before = {"order_id": order.id, "feedback": order.feedback}
    order.feedback = feedback.strip()
    order.feedback_at = utcnow()
    order.feedback_by_id = actor.id
    db.session.flush()
    record_event("supervision.answered", actor=actor, case=order.case, before=before,
                 after={"order_id": order.id, "feedback": order.feedback})
    return order


def conclude_supervision_order(order: SupervisionOrder, *, actor, today: date) -> SupervisionOrder:
    """A supervisor closes an answered order (the case may still be running: the feedback satisfied them)."""
    order.closed_on = max(today, order.opened_on)
    order.closed_by_id = actor.id
    db.session.flush()
    record_event("supervision.concluded", actor=actor, case=order.case,
                 after={"order_id": order.id, "closed_on": order.closed_on})
    return order


def get_supervision_order(order_id) -> SupervisionOrder | None:
    """The order of this id, or None."""
    if isinstance(order_id, str) and order_id.isdigit() and len(order_id) < 10:
        order_id = int(order_id)
    if not isinstance(order_id, int) or isinstance(order_id, bool) or not 0 < order_id < 2**31:
        return None
    return db.session.get(SupervisionOrder, order_id)


STATES = ("open", "answered", "closed")
UNCLOSED = "unclosed"  # a filter beside the states: open or answered (what the dashboard counts)


def supervision_orders(agency_id: int | None, *, state: str | None = None, handler: int | str | None = None,
                       limit: int = 200) -> list[SupervisionOrder]:
    """The agency's orders (all agencies for a platform-wide user), unclosed first, the longest
    overdue first; `state` one of STATES or UNCLOSED, `handler` the case's handler id ("none": unassigned)."""
    q = sa.select(SupervisionOrder).options(joinedload(SupervisionOrder.case),
                                            joinedload(SupervisionOrder.handler))
    if agency_id is not None:
        q = q.where(SupervisionOrder.agency_id == agency_id)
    if handler is not None:
        q = q.join(Case, Case.id == SupervisionOrder.case_id)
        q = q.where(Case.handler_id.is_(None) if handler == "none" else Case.handler_id == handler)
    if state == UNCLOSED:
        q = q.where(SupervisionOrder.closed_on.is_(None))
    elif state == "closed":
        q = q.where(SupervisionOrder.closed_on.is_not(None))
    elif state == "answered":
        q = q.where(SupervisionOrder.closed_on.is_(None), SupervisionOrder.feedback.is_not(None))
    elif state == "open":
        q = q.where(SupervisionOrder.closed_on.is_(None), SupervisionOrder.feedback.is_(None))
    q = q.order_by(SupervisionOrder.closed_on.is_not(None), SupervisionOrder.due_on, SupervisionOrder.id.desc())
    return list(db.session.scalars(q.limit(limit)).unique())


def close_order_on_event(event) -> None:
    """Subscriber of case.closed and case.withdrawn: close the case's open order at once."""
    if event.case_id is None:
        return
    order = db.session.scalar(sa.select(SupervisionOrder).where(
        SupervisionOrder.case_id == event.case_id, SupervisionOrder.closed_on.is_(None)))
    if order is not None:
        close_supervision_order(order, closed_on=order.case.closed_on or local_today())


# An order stays open until its case closes: closed at once, in the closing transaction.
subscribe("case.closed", close_order_on_event)
subscribe("case.withdrawn", close_order_on_event)


def overdue_without_order(today: date) -> list:
    """The running cases past their due date without an order for that date (the sweep opens one each)."""
    supervised = sa.exists().where(SupervisionOrder.case_id == Case.id, sa.or_(
        SupervisionOrder.closed_on.is_(None), SupervisionOrder.due_on == Case.due_on))
    return list(db.session.scalars(
        sa.select(Case).where(Case.status.in_([s.value for s in CLOCK_RUNNING]), Case.due_on < today, ~supervised)
        .order_by(Case.id)))


def finished_orders() -> list[tuple]:
    """(order, case) of the open orders whose case is closed or withdrawn (the sweep closes them)."""
    q = (sa.select(SupervisionOrder, Case).join(Case, Case.id == SupervisionOrder.case_id)
         .where(SupervisionOrder.closed_on.is_(None), Case.status.in_([s.value for s in FINAL])))
    return [tuple(row) for row in db.session.execute(q).all()]


def supervision_order_json(case) -> dict | None:
    """The case's order for the API: {"opened_on", "closed_on"} or None."""
    order = order_for_case(case.id)
    if order is None:
        return None
    return {"opened_on": order.opened_on.isoformat(),
            "closed_on": order.closed_on.isoformat() if order.closed_on else None}


def render_supervision_order_pdf(order: SupervisionOrder, html: str) -> bytes:
    """A one-page PDF of a supervision order from its rendered HTML (WeasyPrint)."""
    from weasyprint import HTML

    out = io.BytesIO()
    HTML(string=html).write_pdf(out)
    return out.getvalue()


# --- Answers to reconsiderations and lawsuits (SPEC §12) -------------------------------------------

class ReviewAnswerOrder(db.Model):
    """A supervision order of a review whose answer was not submitted by its due date; closed when
    the answer is submitted. One per review and due date (a corrected copy date moves the due date)."""

    __tablename__ = "review_answer_orders"
    __table_args__ = (
        sa.CheckConstraint("closed_on IS NULL OR closed_on >= opened_on", name="order"),
        sa.UniqueConstraint("review_id", "due_on", name="uq_review_answer_orders_review_due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("case_reviews.id"), nullable=False, index=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), nullable=False, index=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), nullable=False, index=True)
    opened_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    due_on: Mapped[date] = mapped_column(sa.Date, nullable=False)  # the answer due date missed
    closed_on: Mapped[date | None] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)

    review = relationship("CaseReview")


def unanswered_without_order(today: date) -> list:
    """Reviews past their answer due date, unanswered, without an order for that date."""
    ordered = sa.exists().where(ReviewAnswerOrder.review_id == CaseReview.id,
                                ReviewAnswerOrder.due_on == CaseReview.answer_due_on)
    return list(db.session.scalars(
        sa.select(CaseReview).where(CaseReview.answer_submitted_on.is_(None), CaseReview.answer_due_on < today,
                                    ~ordered).order_by(CaseReview.id)))


def open_review_answer_order(review, *, today: date) -> ReviewAnswerOrder | None:
    """Open the order of a review whose answer is late and notify the supervisors and the handler."""
    if review.answer_submitted_on is not None or review.answer_due_on is None or review.answer_due_on >= today:
        return None
    if db.session.scalar(sa.select(ReviewAnswerOrder.id).where(
            ReviewAnswerOrder.review_id == review.id, ReviewAnswerOrder.due_on == review.answer_due_on)):
        return None
    case = review.case
    order = ReviewAnswerOrder(review_id=review.id, case_id=case.id, agency_id=case.agency_id, opened_on=today,
                              due_on=review.answer_due_on)
    db.session.add(order)
    db.session.flush()
    record_event("supervision.review_opened", case=case, actor_label="system",
                 after={"order_id": order.id, "review_id": review.id, "due_on": review.answer_due_on,
                        "opened_on": today})
    name = "行政复议答复书" if review.kind == "reconsideration" else "答辩状"
    message = f"{case.tracking_number}：{name}已超过提交期限（{review.answer_due_on.isoformat()}），已生成督办单。"
    recipients = [u.id for u in supervisors_of(case.agency_id)]
    if case.handler_id and case.handler_id not in recipients:
        recipients.append(case.handler_id)
    for user_id in recipients:
        notify(user_id, "supervision_order", message, case_id=case.id, subject_id=order.id,
               dedupe_key=f"review-supervision:{order.id}")
    return order


def close_review_orders_on_event(event) -> None:
    """Subscriber of review.answer_submitted: the answer closes the review's open orders."""
    review_id = (event.after or {}).get("review_id")
    for order in db.session.scalars(sa.select(ReviewAnswerOrder).where(
            ReviewAnswerOrder.review_id == review_id, ReviewAnswerOrder.closed_on.is_(None))):
        order.closed_on = max(date.fromisoformat(str(event.after["answer_submitted_on"])), order.opened_on)
    db.session.flush()


subscribe("review.answer_submitted", close_review_orders_on_event)


def review_answer_order_of(review) -> ReviewAnswerOrder | None:
    """The review's latest answer order, if one was opened."""
    return db.session.scalar(sa.select(ReviewAnswerOrder).where(ReviewAnswerOrder.review_id == review.id)
                             .order_by(ReviewAnswerOrder.id.desc()).limit(1))
