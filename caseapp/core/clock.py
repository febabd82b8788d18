"""The one place that reads the real clock: every date and time in caseapp comes from here.

A test greps the package for any other read (`date.today(`, `datetime.now(`, ...), so that the
suite can freeze time for all of it. Dates are Beijing's: the office's today is Asia/Shanghai's
calendar date, whatever the machine's own time zone.
"""
from __future__ import annotations

import time
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def epoch_seconds() -> float:
    """The current time as seconds since the epoch (session expiries, Retry-After)."""
    return time.time()


def local_date(moment: datetime) -> date:
    """The calendar date in Asia/Shanghai of a stored time (naive values, as SQLite returns them, are UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(SHANGHAI).date()


def local_today(now: datetime | None = None) -> date:
    """Today's calendar date in Asia/Shanghai, whatever the machine's time zone."""
    return local_date(now or utcnow())
