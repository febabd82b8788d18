"""Pure deadline arithmetic (SPEC §4, §12): reply due date with pauses, extension and deferral; the
answer due dates of a reconsideration or lawsuit against a reply."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from caseapp.calendar.rules import WorkingCalendar

REPLY_DAYS = 20
CORRECTION_NOTICE_DAYS = 7
DEFAULT_CORRECTION_PERIOD = 15
MAX_EXTENSION_DAYS = 20
# A case is due soon when this many working days or fewer remain (SPEC §4 design choice; an agency setting).
DUE_SOON_DAYS = 5
CONSULTATION_DAYS = 15
FEE_PAYMENT_DAYS = 20

# How long each kind of pause can last at most: its lapse period in working days.
PAUSE_LIMITS = {
    "consultation_agency": CONSULTATION_DAYS,
    "consultation_third_party": CONSULTATION_DAYS,
    "fee": FEE_PAYMENT_DAYS,
}


@dataclass(frozen=True)
class Pause:
    """A span in which the clock stops: an outside consultation or an outstanding fee notice."""

    kind: str  # "consultation_agency" | "consultation_third_party" | "fee"
    started_on: date  # day the letter/notice was sent (day 0)
    ended_on: date | None  # day the opinion/payment arrived; None = still open
    counted_from: date | None = None  # the lapse counts from here (the addressee's receipt) if later


@dataclass(frozen=True)
class ClockFacts:
    """Everything about a case that moves its reply due date."""

    started_on: date  # received_on, or the day a requested correction arrived (restart)
    extension_days: int = 0  # granted extension (0..20)
    deferred_to: date | None = None  # Reg. 35 deferral: replaces the computed date
    pauses: tuple[Pause, ...] = ()
    limit_days: int = REPLY_DAYS


@dataclass(frozen=True)
class DueInfo:
    """A computed due date and how it came about."""

    due_on: date
    provisional: bool  # some day of the period falls in a non-official calendar year
    paused_days: int  # working days added for pauses
    extension_days: int
    base_due_on: date  # before pauses and extension


def _pause_intervals(facts: ClockFacts, cal: WorkingCalendar, today: date) -> list[tuple[date, date]]:
    """Pauses as (start, end] intervals, clipped to the clock's start and their lapse, then merged."""
    intervals = []
    for pause in facts.pauses:
        if pause.kind not in PAUSE_LIMITS:
            raise ValueError(f"unknown pause kind {pause.kind!r}")
        start = max(pause.started_on, facts.started_on)
        end = pause.ended_on if pause.ended_on is not None else today
        limit_from = max(pause.started_on, pause.counted_from or pause.started_on)
        end = min(end, cal.add_working_days(limit_from, PAUSE_LIMITS[pause.kind]))
        if end > start:
            intervals.append((start, end))
    merged: list[tuple[date, date]] = []
    for start, end in sorted(intervals):
        # (a, b] and (c, d] share days only when c < b; touching intervals may merge harmlessly too.
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def compute_due(facts: ClockFacts, cal: WorkingCalendar, today: date) -> DueInfo:
    """The reply due date: limit plus extension plus paused working days, unless deferred."""
    if not 0 <= facts.extension_days <= MAX_EXTENSION_DAYS:
        raise ValueError(f"extension_days must be between 0 and {MAX_EXTENSION_DAYS}")
    base = cal.add_working_days(facts.started_on, facts.limit_days)
    paused = sum(cal.working_days_between(s, e) for s, e in _pause_intervals(facts, cal, today))
    due = cal.add_working_days(facts.started_on, facts.limit_days + facts.extension_days + paused)
    if facts.deferred_to is not None:
        due = facts.deferred_to
    return DueInfo(
        due_on=due,
        provisional=cal.spans_provisional(facts.started_on, due),
        paused_days=paused,
        extension_days=facts.extension_days,
        base_due_on=base,
    )


def days_left(due_on: date, today: date, cal: WorkingCalendar) -> int:
    """Working days from today to the due date; 0 on it, negative once overdue."""
    if due_on >= today:
        return cal.working_days_between(today, due_on)
    return -cal.working_days_between(due_on, today)


def due_state(due_on: date, today: date, cal: WorkingCalendar, soon_days: int = 5) -> str:
    """"overdue" after the due date, "due_soon" with soon_days or fewer left, else "on_time"."""
    if today > due_on:
        return "overdue"
    if days_left(due_on, today, cal) <= soon_days:
        return "due_soon"
    return "on_time"


def correction_notice_deadline(received_on: date, cal: WorkingCalendar) -> date:
    """Last day to send a correction notice: 7 working days after receipt."""
    return cal.add_working_days(received_on, CORRECTION_NOTICE_DAYS)


def correction_due(requested_on: date, cal: WorkingCalendar, period_days: int = DEFAULT_CORRECTION_PERIOD) -> date:
    """Last day for the applicant's correction, counted from the notice."""
    return cal.add_working_days(requested_on, period_days)


def consultation_deadline(sent_on: date, cal: WorkingCalendar) -> date:
    """Day an outside consultation lapses: 15 working days after the letter."""
    return cal.add_working_days(sent_on, CONSULTATION_DAYS)


def fee_payment_deadline(served_on: date, cal: WorkingCalendar) -> date:
    """Last day to pay a fee: 20 working days after the notice is served."""
    return cal.add_working_days(served_on, FEE_PAYMENT_DAYS)


# --- Answer clocks of a reconsideration or a lawsuit against a reply (SPEC §12) -------------------
# Administrative Reconsideration Law 2023, Art. 48: the respondent answers in writing within 10 days
# of receiving the copy of the application; Art. 88: those "10 days" are working days.
RECONSIDERATION_ANSWER_DAYS = 10
# Administrative Litigation Law, Art. 67: the defendant submits its evidence and defence within 15
# days of receiving the copy of the complaint; calendar days counted as the Civil Procedure Law
# Art. 85 counts periods (the day of receipt not counted; a last day on a holiday moves to the day
# after the holiday).
LAWSUIT_ANSWER_DAYS = 15


def reconsideration_answer_due(copy_received_on: date, cal: WorkingCalendar) -> date:
    """Last day of the respondent's written answer: 10 working days after the copy was received."""
    return cal.add_working_days(copy_received_on, RECONSIDERATION_ANSWER_DAYS)


def lawsuit_answer_due(copy_received_on: date, cal: WorkingCalendar) -> date:
    """Last day of the defendant's evidence and defence: 15 calendar days after the complaint's copy
    was received, moved to the next working day when that day is a weekend or holiday."""
    return cal.next_working_day(copy_received_on + timedelta(days=LAWSUIT_ANSWER_DAYS))


def review_answer_due(kind: str, copy_received_on: date, cal: WorkingCalendar) -> date:
    """The answer due date of a review of this kind ("reconsideration" or a "litigation_*" kind)."""
    if kind == "reconsideration":
        return reconsideration_answer_due(copy_received_on, cal)
    if kind.startswith("litigation"):
        return lawsuit_answer_due(copy_received_on, cal)
    raise ValueError(f"unknown review kind {kind!r}")
