"""Writes on the calendar: importing a year, with its audit event and the due dates it moves."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from caseapp.calendar.models import CalendarYear
from caseapp.calendar.service import import_year, parse_calendar_file
from caseapp.core.audit import record_event
from caseapp.core.db import local_today
from caseapp.extensions import db


def import_calendar_text(text: str, *, actor=None, source: str | None = None, today: date | None = None) -> CalendarYear:
    """Import one year from a calendar file and recompute the provisional due dates it settles."""
    data = parse_calendar_file(text)
    year = import_year(data, source=source or data.get("source") or (f"admin: {actor.username}" if actor else "cli"))
    db.session.flush()
    # Deferred import: clock depends on cases, which depend on the calendar.
    from caseapp.clock.sweep import recompute_provisional_dues

    moved = recompute_provisional_dues(today or local_today())
    record_event("calendar.imported", actor=actor, actor_label=None if actor else "cli",
                 after={"year": year.year, "official": year.official, "source": year.source,
                        "due_dates_recomputed": moved})
    return year


def list_years() -> list[CalendarYear]:
    """Stored calendar years, newest first."""
    return list(db.session.scalars(sa.select(CalendarYear).order_by(CalendarYear.year.desc())))
