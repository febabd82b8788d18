"""The periodic sweep: lapse overdue corrections and recompute provisional due dates."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from caseapp.calendar.service import load_calendar
from caseapp.cases import operations as case_ops
from caseapp.cases.models import Case
from caseapp.cases.states import OPEN, Status
from caseapp.clock.service import refresh_due
from caseapp.core.db import next_counter_value
from caseapp.extensions import db


def sweep(today: date) -> dict[str, int]:
    """Move every clock forward to `today`; returns counts of what changed. The caller commits."""
    lock_sweep()
    lapsed = 0
    for case in db.session.scalars(
        sa.select(Case).where(
            Case.status == Status.CORRECTION_REQUESTED.value, Case.correction_due_on < today
        )
    ):
        case_ops.lapse_correction(case, today=today)
        lapsed += 1
    from caseapp.fees.sweep import lapse_unpaid_fees

    return {"corrections_lapsed": lapsed, "fees_lapsed": lapse_unpaid_fees(today),
            "due_dates_recomputed": recompute_provisional_dues(today)}


def lock_sweep() -> None:
    """Make this transaction the only sweep until it ends, so that two sweeps never both do the work.

    PostgreSQL: a transaction-level advisory lock, which holds across hosts (cron on several
    machines). SQLite: take the database's write lock now with a write to a lock row, before
    reading anything, so a second sweep waits for the first to commit and then finds nothing left.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(421337)"))
    else:
        next_counter_value("sweep", "lock")


def recompute_provisional_dues(today: date) -> int:
    """Recompute open cases whose due date was provisional; returns how many changed."""
    cal = load_calendar()
    changed = 0
    for case in db.session.scalars(
        sa.select(Case).where(Case.status.in_([s.value for s in OPEN]), Case.due_provisional.is_(True))
    ):
        before = (case.due_on, case.due_provisional)
        info = refresh_due(case, today, cal)
        if (info.due_on, info.provisional) != before:
            changed += 1
    return changed
