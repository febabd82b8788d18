"""Pure working-day arithmetic over per-year holiday data (no Flask, no clock)."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class YearData:
    """One year's days off and make-up working days, and whether they come from the official notice."""

    year: int
    holidays: frozenset[date]  # days off (may include weekend days of holiday periods; harmless)
    workdays: frozenset[date]  # weekend days declared working days (调休上班)
    official: bool
    # Display names by date; not part of equality, as they do not change the arithmetic.
    names: Mapping[date, str] = field(default_factory=dict, compare=False)


def weekends_only(year: int) -> YearData:
    """A provisional year with no holidays at all, the last-resort fallback."""
    return YearData(year=year, holidays=frozenset(), workdays=frozenset(), official=False)


class WorkingCalendar:
    """Working-day queries over known years, estimating unknown years on demand."""

    def __init__(
        self,
        years: Mapping[int, YearData],
        estimate: Callable[[int], YearData] | None = None,
    ):
        self._years: dict[int, YearData] = dict(years)
        self._estimate = estimate

    def year_data(self, year: int) -> YearData:
        """The data of `year`: stored, else estimated (cached), else weekends only."""
        data = self._years.get(year)
        if data is None:
            data = weekends_only(year)
            if self._estimate is not None:
                try:
                    data = self._estimate(year)
                except Exception:  # noqa: BLE001 - a broken estimate must never stop deadline arithmetic
                    data = weekends_only(year)
                if data.official:
                    # An estimate is provisional by definition, whatever the estimator claims.
                    data = YearData(data.year, data.holidays, data.workdays, False, data.names)
            self._years[year] = data
        return data

    def is_working_day(self, d: date) -> bool:
        """Monday to Friday minus holidays, plus declared make-up working days."""
        data = self.year_data(d.year)
        if d in data.workdays:
            return True
        if d in data.holidays:
            return False
        return d.weekday() < 5

    def is_official(self, year: int) -> bool:
        """Whether the year's calendar comes from the official notice."""
        return self.year_data(year).official

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (start is day 0); `start` itself when n == 0."""
        if n < 0:
            raise ValueError("n must not be negative")
        d = start
        while n > 0:
            d += _ONE_DAY
            if self.is_working_day(d):
                n -= 1
        return d

    def working_days_between(self, start: date, end: date) -> int:
        """Number of working days d with start < d <= end (0 if end <= start)."""
        count = 0
        d = start + _ONE_DAY
        while d <= end:
            if self.is_working_day(d):
                count += 1
            d += _ONE_DAY
        return count

    def next_working_day(self, d: date, *, inclusive: bool = True) -> date:
        """The first working day on or after `d` (inclusive) or strictly after it."""
        if not inclusive:
            d += _ONE_DAY
        while not self.is_working_day(d):
            d += _ONE_DAY
        return d

    def spans_provisional(self, start: date, end: date) -> bool:
        """Whether any calendar year from start's to end's is not official."""
        first, last = sorted((start.year, end.year))
        return any(not self.is_official(y) for y in range(first, last + 1))


def receipt_date(submitted_at: datetime, cutoff: time, cal: WorkingCalendar) -> date:
    """Receipt date of an online submission: same day if a working day before cutoff, else the next."""
    if submitted_at.tzinfo is None:
        raise ValueError("submitted_at must be timezone-aware")
    local = submitted_at.astimezone(SHANGHAI)
    day = local.date()
    if cal.is_working_day(day) and local.time() < cutoff:
        return day
    return cal.next_working_day(day, inclusive=False)
