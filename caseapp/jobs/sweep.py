"""The periodic sweep: lapses, due dates kept current (provisional years, paused clocks), reminders,
supervision orders and the outbox."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from caseapp.cases.models import Case, ClockPause
from caseapp.cases.states import OPEN, Status
from caseapp.clock.service import refresh_due
from caseapp.consultations.deadlines import lapse_due_consultations
from caseapp.core.actions import Ctx, System, get_action, one_door, perform
from caseapp.core.audit import record_event
from caseapp.core.db import next_counter_value
from caseapp.core.events import subscribe
from caseapp.core.outbox import request_delivery
from caseapp.disclosure.index import index_backlog
from caseapp.extensions import db
from caseapp.fees.queries import lapsed_fees
from caseapp.jobs.reminders import send_due_reminders, send_review_answer_reminders
from caseapp.jobs.supervision import finished_orders, overdue_without_order, unanswered_without_order
from caseapp.calendar.service import load_calendar


def sweep(today: date) -> dict[str, int]:
    """Move every clock forward to `today`; returns counts of what changed. The caller commits.

    In order: lapse corrections (each closing letter drafted), fees and consultations; index a batch
    of older requests for similarity; recompute provisional due dates; remind clerks and supervisors;
    open and close supervision orders; ask for the outbox's due e-mails to be delivered after the
    commit. Every step finds its own work from the database, so a second run on the same day does
    nothing more. Each change to a case, fee, consultation or order is a declared action
    (caseapp.jobs.actions) run through the runner, all in this one transaction.
    """
    lock_sweep()
    with one_door("sweep"):
        counts = {"corrections_lapsed": 0, "fees_lapsed": 0}
        for case in db.session.scalars(sa.select(Case).where(
                Case.status == Status.CORRECTION_REQUESTED.value, Case.correction_due_on < today)).all():
            run("lapse_correction", case, today=today)
            counts["corrections_lapsed"] += 1
        for fee in lapsed_fees(today):
            run("lapse_fee", db.session.get(Case, fee.case_id), fee, today=today)
            counts["fees_lapsed"] += 1
        counts.update(lapse_due_consultations(today, lambda name, c: run(name, c.case, c, today=today)))
        counts.update(index_backlog(today))
        counts["due_dates_recomputed"] = run("recompute_provisional_dues", None, today=today)
        counts["paused_due_dates_moved"] = refresh_paused_dues(today)
        counts.update(send_due_reminders(today))
        counts.update(send_review_answer_reminders(today))
        counts["supervision_orders_opened"] = sum(
            1 for case in overdue_without_order(today) if run("open_supervision_order", case, today=today))
        counts["supervision_orders_closed"] = sum(
            1 for order, case in finished_orders() if run("close_supervision_order", case, order, today=today))
        counts["review_answer_orders_opened"] = sum(
            1 for review in unanswered_without_order(today)
            if run("open_review_answer_order", review.case, review, today=today))
    request_delivery()
    return counts


def run(name: str, case, target=None, *, today: date):
    """One of the sweep's actions through the runner, inside the sweep's transaction."""
    return perform(get_action(name), Ctx(user=System(), case=case, target=target, today=today), {}, source="api",
                   commit=False)


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


def refresh_paused_dues(today: date) -> int:
    """Move the stored due date of every case whose clock is paused (an unpaid fee, an outside
    consultation) to what it is today, so that the inbox, the API, the tracking page and the
    reminders all show and sort by the same date; returns how many moved."""
    cal = load_calendar()
    changed = 0
    paused = (sa.select(Case).where(Case.status.in_([s.value for s in OPEN]),
                                    Case.pauses.any(ClockPause.ended_on.is_(None))))
    for case in db.session.scalars(paused).all():
        before = case.due_on
        if run("refresh_due", case, today=today).due_on != before:
            changed += 1
    return changed


def recompute_provisional_dues(today: date, *, calendar_year: int | None = None) -> int:
    """Recompute open cases whose due date was provisional; returns how many changed. Each case
    whose due date or its provisional mark changed gets a `case.due_recomputed` event, so that its
    history says why the date moved (and after which calendar import)."""
    cal = load_calendar()
    changed = 0
    for case in db.session.scalars(
        sa.select(Case).where(Case.status.in_([s.value for s in OPEN]), Case.due_provisional.is_(True))
    ):
        before = {"due_on": case.due_on, "due_provisional": case.due_provisional}
        info = refresh_due(case, today, cal)
        after = {"due_on": info.due_on, "due_provisional": info.provisional}
        if after != before:
            changed += 1
            record_event("case.due_recomputed", case=case, before=before,
                         after={**after, "calendar_year": calendar_year} if calendar_year else after)
    return changed


def _recompute_after_calendar_import(event) -> None:
    """A year's calendar was entered or corrected: recompute the provisional due dates it settles."""
    recompute_provisional_dues(date.fromisoformat(event.after["today"]), calendar_year=event.after["year"])


subscribe("calendar.imported", _recompute_after_calendar_import)
