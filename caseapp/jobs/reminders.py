"""Due-date reminders (SPEC §4): the handling clerk at 5 and 2 working days left, the supervisor at 2;
and the answers to reconsiderations and lawsuits (SPEC §12): both at 3 and 1 working days left.

The thresholds come from the agency's settings (`clerk_reminder_days`, `supervisor_reminder_days`,
`due_soon_days`), with the SPEC's defaults while an agency has none. A reminder is an in-app
notification whose dedupe key names the case, the recipient's part, the threshold and the due date
it was computed for: a second sweep finds it and sends nothing; a due date moved by an extension
reminds again at its own thresholds. When the sweep first sees a case below several thresholds at
once (it did not run for a while), it sends only the nearest one.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from caseapp.accounts.models import Agency
from caseapp.accounts.queries import supervisors_of
from caseapp.calendar.rules import WorkingCalendar
from caseapp.calendar.service import load_calendar
from caseapp.cases.models import Case
from caseapp.cases.states import CLOCK_RUNNING
from caseapp.clock.rules import days_left
from caseapp.core.outbox import notify
from caseapp.extensions import db
from caseapp.reviews.queries import unanswered_reviews

DEFAULT_CLERK_DAYS = (5, 2)
DEFAULT_SUPERVISOR_DAYS = (2,)
DEFAULT_DUE_SOON_DAYS = 5


def _days(value, default: tuple[int, ...]) -> tuple[int, ...]:
    try:
        days = tuple(sorted({int(v) for v in (value or ()) if int(v) >= 0}, reverse=True))
    except (TypeError, ValueError):
        return default
    return days or default


def reminder_settings(agency) -> dict:
    """The agency's reminder thresholds (working days left), read with the SPEC's defaults."""
    return {
        "clerk": _days(getattr(agency, "clerk_reminder_days", None), DEFAULT_CLERK_DAYS),
        "supervisor": _days(getattr(agency, "supervisor_reminder_days", None), DEFAULT_SUPERVISOR_DAYS),
        "due_soon": int(getattr(agency, "due_soon_days", None) or DEFAULT_DUE_SOON_DAYS),
    }


def due_thresholds(thresholds: tuple[int, ...], left: int) -> list[int]:
    """The thresholds a case with `left` working days has reached, nearest first."""
    return sorted((t for t in thresholds if 0 <= left <= t), key=lambda t: t)


def reminder_key(case, part: str, threshold: int) -> str:
    """The dedupe key of one reminder: case, part (clerk/supervisor), threshold and due date."""
    return f"due:{case.id}:{part}:{threshold}:{case.due_on.isoformat()}"


def _remind(user_id: int, case, part: str, reached: list[int], left: int) -> int:
    """Send the nearest reached threshold (once: notify skips a used dedupe key); returns 1 if sent."""
    nearest = reached[0]
    message = f"{case.tracking_number}：距答复期限（{case.due_on.isoformat()}）还有{left}个工作日。"
    sent = notify(user_id, "due_reminder", message, case_id=case.id, dedupe_key=reminder_key(case, part, nearest))
    return 1 if sent is not None else 0


def send_due_reminders(today: date, cal: WorkingCalendar | None = None) -> dict[str, int]:
    """Remind clerks and supervisors of the running cases that reached a threshold; returns counts."""
    cal = cal or load_calendar()
    counts = {"due_soon": 0, "overdue": 0, "clerk_reminders": 0, "supervisor_reminders": 0}
    settings: dict[int, dict] = {}
    supervisors: dict[int, list] = {}
    horizon = cal.add_working_days(today, 30)
    q = (sa.select(Case).where(Case.status.in_([s.value for s in CLOCK_RUNNING]), Case.due_on.is_not(None),
                               Case.due_on <= horizon)
         .order_by(Case.agency_id, Case.id))
    for case in db.session.scalars(q).all():
        if case.agency_id not in settings:
            settings[case.agency_id] = reminder_settings(db.session.get(Agency, case.agency_id))
            supervisors[case.agency_id] = [u.id for u in supervisors_of(case.agency_id)]
        conf = settings[case.agency_id]
        if case.due_on < today:
            counts["overdue"] += 1
            continue
        left = days_left(case.due_on, today, cal)
        if left <= conf["due_soon"]:
            counts["due_soon"] += 1
        if any(p.ended_on is None for p in case.pauses):
            continue  # the clock is paused: the days left stay put, nothing to remind yet
        reached = due_thresholds(conf["clerk"], left)
        if reached and case.handler_id:
            counts["clerk_reminders"] += _remind(case.handler_id, case, "clerk", reached, left)
        reached = due_thresholds(conf["supervisor"], left)
        if reached:
            for user_id in supervisors[case.agency_id]:
                counts["supervisor_reminders"] += _remind(user_id, case, "supervisor", reached, left)
    return counts


# The answer to a reconsideration or lawsuit (SPEC §12): the case's handler and the agency's
# supervisors at 3 and 1 working days before its due date, once each (the dedupe key names the
# review, the part, the threshold and the due date).
REVIEW_ANSWER_DAYS = (3, 1)
# The answer's name in the (Chinese) notification text, as the other reminders write it.
ANSWER_NAMES = {"reconsideration": "行政复议答复书"}


def review_reminder_key(review, part: str, threshold: int) -> str:
    """The dedupe key of one answer reminder."""
    return f"review:{review.id}:{part}:{threshold}:{review.answer_due_on.isoformat()}"


def send_review_answer_reminders(today: date, cal: WorkingCalendar | None = None) -> dict[str, int]:
    """Remind the handler and the supervisors of the answers due within 3 working days; returns counts."""
    cal = cal or load_calendar()
    sent = 0
    supervisors: dict[int, list[int]] = {}
    for review in unanswered_reviews(cal.add_working_days(today, max(REVIEW_ANSWER_DAYS))):
        if review.answer_due_on < today:
            continue  # passed: the supervision order takes over
        left = days_left(review.answer_due_on, today, cal)
        reached = due_thresholds(REVIEW_ANSWER_DAYS, left)
        if not reached:
            continue
        if review.agency_id not in supervisors:
            supervisors[review.agency_id] = [u.id for u in supervisors_of(review.agency_id)]
        case = review.case
        message = (f"{case.tracking_number}：{ANSWER_NAMES.get(review.kind, '答辩状')}应于{review.answer_due_on.isoformat()}前提交，"
                   f"还有{left}个工作日。")
        recipients = [("clerk", case.handler_id)] if case.handler_id else []
        recipients += [("supervisor", uid) for uid in supervisors[review.agency_id]]
        for part, user_id in recipients:
            if notify(user_id, "due_reminder", message, case_id=case.id, subject_id=review.id,
                      dedupe_key=review_reminder_key(review, part, reached[0])) is not None:
                sent += 1
    return {"review_answer_reminders": sent}
