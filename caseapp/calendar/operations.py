"""Writes on the calendar: importing a year, with its audit event and the due dates it moves."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from caseapp.calendar.models import CalendarYear
from caseapp.calendar.service import import_year, parse_calendar_file
from caseapp.core.audit import record_event
from caseapp.core.clock import local_today
from caseapp.extensions import db


def import_calendar_text(text: str, *, actor=None, source: str | None = None, today: date | None = None) -> CalendarYear:
    """Import one year from a calendar file. The cases' provisional due dates it settles are
    recomputed by the clock's subscriber to `calendar.imported`, in the same transaction."""
    data = parse_calendar_file(text)
    year = import_year(data, source=source or data.get("source") or (f"admin: {actor.username}" if actor else "cli"))
    db.session.flush()
    record_event("calendar.imported", actor=actor, actor_label=None if actor else "cli",
                 after={"year": year.year, "official": year.official, "source": year.source,
                        "today": (today or local_today()).isoformat()})
    return year


def list_years() -> list[CalendarYear]:
    """Stored calendar years, newest first."""
    return list(db.session.scalars(sa.select(CalendarYear).order_by(CalendarYear.year.desc())))
