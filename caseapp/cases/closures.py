"""Closure records: every closing of a case (reply, direct close, withdrawal, lapse), kept for the annual report.

A case's own `outcome` and `closed_on` describe only its current state and are cleared when a
reconsideration or court decision reopens it. The annual report needs the history, so every
closing writes one `CaseClosure` row (outcome, date, year) and a reopening only marks the row
(`reopened_on`), never deletes it.

How a reopened case counts (following published annual reports: a report once published is not
revised, and a re-made reply is handled as a new piece of work in the year it is ordered):
- a year already reported stays as reported: a closing counts in row 三 of its own year unless
  the case was reopened **in that same year** (then only the later, final closing of that year
  counts, so a case counts once per year);
- a case reopened in a later year re-enters that year's figures in row 一 (本年新收: the new reply
  is work received in that year), and its final closing counts in row 三 of the year it happens,
  or in row 四 (结转下年度) when it is still open on 31 December.
With this rule 一 + 二 = （七） + 四 holds in every column of every year (see caseapp.stats.report).
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.cases.models import Case
from caseapp.cases.outcomes import CODES as OUTCOME_CODES
from caseapp.cases.outcomes import REQUIRED_STATUS
from caseapp.core.clock import utcnow
from caseapp.core.db import sql_in
from caseapp.core.events import subscribe
from caseapp.extensions import db

KINDS = ("reply", "close", "withdrawal", "lapse")


class CaseClosure(db.Model):
    """One closing of a case, with its outcome and date; a later reopening marks it, never erases it."""

    __tablename__ = "case_closures"
    __table_args__ = (
        sa.CheckConstraint(sql_in("kind", KINDS), name="kind"),
        sa.CheckConstraint(sql_in("outcome", OUTCOME_CODES), name="outcome"),
        sa.CheckConstraint("reopened_on IS NULL OR reopened_on >= closed_on", name="reopened_after_closed"),
        # Covering indexes: the annual report reads only these columns, for all agencies or one.
        sa.Index("ix_case_closures_report", "closed_on", "reopened_on", "applicant_type", "outcome"),
        sa.Index("ix_case_closures_agency_report", "agency_id", "closed_on", "reopened_on", "applicant_type",
                 "outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), nullable=False, index=True)
    # Copied from the case so that the report counts this table alone, without joining the cases.
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), nullable=False)
    applicant_type: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    outcome: Mapped[str] = mapped_column(sa.String(50), nullable=False)
    closed_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    year: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    # The clock this closing answered (start and due date), kept because reopening resets the case's.
    started_on: Mapped[date | None] = mapped_column(sa.Date)
    due_on: Mapped[date | None] = mapped_column(sa.Date)
    reopened_on: Mapped[date | None] = mapped_column(sa.Date)
    reopen_reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)


# Rows 一, 二 and 四 count the cases received by a date per applicant type: these covering indexes
# answer that from the index alone (declared here, beside the report's other indexes).
CASES_RECEIVED_TYPE_INDEX = sa.Index("ix_cases_received_type", Case.received_on, Case.applicant_type)
CASES_AGENCY_RECEIVED_TYPE_INDEX = sa.Index("ix_cases_agency_received_type", Case.agency_id, Case.received_on,
                                            Case.applicant_type)


def closure_kind(outcome: str, reason: str | None = None) -> str:
    """How close_case closed: a lapse, or a close (a reply letter's issue turns it into "reply", below)."""
    return "lapse" if outcome in REQUIRED_STATUS else "close"


def _reply_letter_issued(event) -> None:
    """A reply letter was issued: the closing it made (same outcome, still standing) is a reply."""
    template = (event.after or {}).get("template")
    if event.case_id is None or not template:
        return
    closure = db.session.scalar(
        sa.select(CaseClosure).where(CaseClosure.case_id == event.case_id, CaseClosure.reopened_on.is_(None))
        .order_by(CaseClosure.id.desc()).limit(1)
    )
    if closure is not None and closure.kind == "close" and closure.outcome == template:
        closure.kind = "reply"


subscribe("letter.issued", _reply_letter_issued)


def record_closure(case: Case, kind: str) -> CaseClosure:
    """Add the closure record of a case that has just been closed or withdrawn (the caller flushes)."""
    if kind not in KINDS:
        raise ValueError(f"unknown closure kind {kind!r}")
    closure = CaseClosure(case_id=case.id, agency_id=case.agency_id, applicant_type=case.applicant_type,
                          kind=kind, outcome=case.outcome,
                          closed_on=case.closed_on, year=case.closed_on.year,
                          started_on=case.clock_started_on, due_on=case.due_on)
    db.session.add(closure)
    return closure


def mark_reopened(case: Case, reopened_on: date, reason: str | None = None) -> CaseClosure | None:
    """Mark the case's standing closure as reopened on this day (the record stays for the report)."""
    closure = current_closure(case)
    if closure is not None:
        closure.reopened_on = max(reopened_on, closure.closed_on)
        closure.reopen_reason = reason
    return closure


def current_closure(case: Case) -> CaseClosure | None:
    """The closing that still stands (not reopened), or None for an open case."""
    return db.session.scalar(
        sa.select(CaseClosure).where(CaseClosure.case_id == case.id, CaseClosure.reopened_on.is_(None))
        .order_by(CaseClosure.id.desc()).limit(1)
    )


def closures_of(case: Case) -> list[CaseClosure]:
    """Every closing of the case, oldest first."""
    return list(db.session.scalars(
        sa.select(CaseClosure).where(CaseClosure.case_id == case.id).order_by(CaseClosure.closed_on, CaseClosure.id)
    ))


def backfill_closures() -> int:
    """Add the closure record of every closed or withdrawn case that has none (bulk loads, old data); returns how many."""
    kind = sa.case(
        (Case.status == "withdrawn", sa.literal("withdrawal")),
        (Case.outcome.in_(tuple(REQUIRED_STATUS)), sa.literal("lapse")),
        else_=sa.literal("close"),
    )
    missing = ~sa.exists().where(CaseClosure.case_id == Case.id)
    select = sa.select(
        Case.id, Case.agency_id, Case.applicant_type, kind, Case.outcome, Case.closed_on,
        sa.cast(sa.extract("year", Case.closed_on), sa.Integer), Case.clock_started_on, Case.due_on,
        sa.literal(utcnow(), sa.DateTime(timezone=True)),
    ).where(Case.status.in_(("closed", "withdrawn")), Case.outcome.is_not(None), Case.closed_on.is_not(None), missing)
    result = db.session.execute(sa.insert(CaseClosure).from_select(
        ["case_id", "agency_id", "applicant_type", "kind", "outcome", "closed_on", "year", "started_on", "due_on", "created_at"], select))
    return result.rowcount or 0
