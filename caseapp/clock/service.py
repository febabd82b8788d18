"""Apply the pure clock rules to a stored case: refresh its due date and describe its clock."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from caseapp.calendar.rules import WorkingCalendar
from caseapp.calendar.service import load_calendar
from caseapp.clock.rules import DUE_SOON_DAYS, ClockFacts, DueInfo, Pause, compute_due, days_left, due_state


def facts_for(case) -> ClockFacts:
    """The clock facts recorded on a case."""
    return ClockFacts(
        started_on=case.clock_started_on,
        extension_days=case.extension_days or 0,
        deferred_to=case.deferred_to,
        pauses=tuple(Pause(p.kind, p.started_on, p.ended_on, p.counted_from) for p in case.pauses),
    )


def refresh_due(case, today: date, cal: WorkingCalendar | None = None) -> DueInfo:
    """Recompute and store the case's due date and provisional flag."""
    info = compute_due(facts_for(case), cal or load_calendar(), today)
    case.due_on = info.due_on
    case.due_provisional = info.provisional
    return info


@dataclass(frozen=True)
class ClockView:
    due: DueInfo
    days_left: int | None
    state: str | None  # "on_time" | "due_soon" | "overdue"; None when the clock does not run
    running: bool
    paused_for: str | None = None  # the open pause's kind ("fee", "consultation_..."): days left stay put


def describe_clock(case, today: date, *, soon_days: int = 5, cal: WorkingCalendar | None = None) -> ClockView:
    """The clock as a clerk sees it: due date, working days left, due-soon/overdue state."""
    cal = cal or load_calendar()
    info = compute_due(facts_for(case), cal, today)
    running = case.clock_running
    if not running:
        return ClockView(info, None, None, False)
    paused_for = next((p.kind for p in case.pauses if p.ended_on is None), None)
    return ClockView(
        info, days_left(info.due_on, today, cal), due_state(info.due_on, today, cal, soon_days), True, paused_for
    )


def due_soon_days(agency=None) -> int:
    """Working days left at which a case counts as due soon: the agency's setting, else the
    deployment's CASEAPP_DUE_SOON_DAYS, else SPEC §4's 5."""
    from flask import current_app

    configured = getattr(agency, "due_soon_days", None) if agency is not None else None
    return int(configured or current_app.config.get("DUE_SOON_DAYS") or DUE_SOON_DAYS)
