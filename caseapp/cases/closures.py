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
from caseapp.core.db import sql_in, utcnow
from caseapp.extensions import db

KINDS = ("reply", "close", "withdrawal", "lapse")


class CaseClosure(db.Model):
    """One closing of a case, with its outcome and date; a later reopening marks it, never erases it."""

    __tablename__ = "case_closures"
    __table_args__ = (
        sa.CheckConstraint(sql_in("kind", KINDS), name="kind"),
        sa.CheckConstraint(sql_in("outcome", OUTCOME_CODES), name="outcome"),
        sa.CheckConstraint("reopened_on IS NULL OR reopened_on >= closed_on", name="reopened_after_closed"),
        sa.Index("ix_case_closures_agency_closed", "agency_id", "closed_on"),
        sa.Index("ix_case_closures_closed_on", "closed_on"),
        sa.Index("ix_case_closures_reopened_on", "reopened_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), nullable=False, index=True)
    # Kept beside the case's own column so that the report filters on this table's index alone.
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), nullable=False)
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


def closure_kind(outcome: str, reason: str | None) -> str:
    """How close_case closed: a lapse, a reply letter (its reason names the letter) or a direct close."""
    if outcome in REQUIRED_STATUS:
        return "lapse"
    if (reason or "").startswith("letter "):
        return "reply"
    return "close"


def record_closure(case: Case, kind: str) -> CaseClosure:
    """Add the closure record of a case that has just been closed or withdrawn (the caller flushes)."""
    if kind not in KINDS:
        raise ValueError(f"unknown closure kind {kind!r}")
    closure = CaseClosure(case_id=case.id, agency_id=case.agency_id, kind=kind, outcome=case.outcome,
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
