"""The official 2026 calendar of SPEC §4, typed in from the State Council's notice: defined once
for every test that needs real dates."""
from __future__ import annotations

from datetime import date, timedelta

from caseapp.calendar.rules import WorkingCalendar, YearData

D = date.fromisoformat


def date_range(first: str, last: str) -> set[date]:
    """Every day from `first` to `last`, both included."""
    start, end = D(first), D(last)
    return {start + timedelta(days=i) for i in range((end - start).days + 1)}


SPEC_2026_HOLIDAYS = frozenset(
    date_range("2026-01-01", "2026-01-03")
    | date_range("2026-02-15", "2026-02-23")
    | date_range("2026-04-04", "2026-04-06")
    | date_range("2026-05-01", "2026-05-05")
    | date_range("2026-06-19", "2026-06-21")
    | date_range("2026-09-25", "2026-09-27")
    | date_range("2026-10-01", "2026-10-07")
)
SPEC_2026_WORKDAYS = frozenset(
    D(s) for s in ("2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10")
)
YEAR_2026 = YearData(2026, SPEC_2026_HOLIDAYS, SPEC_2026_WORKDAYS, official=True)


def calendar_2026(estimate=None) -> WorkingCalendar:
    """A working calendar that knows 2026 as officially published (other years by `estimate`)."""
    return WorkingCalendar({2026: YEAR_2026}, estimate=estimate)
