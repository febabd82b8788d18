"""Turning the chinesecalendar and holidays libraries into YearData."""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from importlib.metadata import PackageNotFoundError, version

from caseapp.calendar.rules import YearData

FIRST_SEEDED_YEAR = 2016


def chinesecalendar_version() -> str:
    """The installed chinesecalendar version, for the stored `source`."""
    try:
        return version("chinesecalendar")
    except PackageNotFoundError:  # pragma: no cover - always installed with the app
        return "unknown"


def official_years_from_chinesecalendar() -> dict[int, YearData]:
    """Official years 2016..latest as shipped with chinese_calendar, with Chinese names."""
    import chinese_calendar as cc

    # The library stores English names; its Holiday enum knows the Chinese ones.
    chinese = {h.value: h.chinese for h in cc.Holiday}
    holidays: dict[int, set[date]] = defaultdict(set)
    workdays: dict[int, set[date]] = defaultdict(set)
    names: dict[int, dict[date, str]] = defaultdict(dict)
    for source, target in ((cc.holidays, holidays), (cc.workdays, workdays)):
        for d, name in source.items():
            if d.year < FIRST_SEEDED_YEAR:
                continue
            target[d.year].add(d)
            names[d.year][d] = chinese.get(name, name)
    if not holidays:
        return {}
    last = max(holidays)
    return {
        year: YearData(
            year=year,
            holidays=frozenset(holidays[year]),
            workdays=frozenset(workdays[year]),
            official=True,
            names=names[year],
        )
        for year in range(FIRST_SEEDED_YEAR, last + 1)
    }


def estimated_year_from_holidays(year: int) -> YearData:
    """A provisional year from `holidays.China`: estimated festival days, make-up days if it knows any."""
    import holidays as holidays_lib

    china = holidays_lib.China(years=year, language="zh_CN")
    # weekend_workdays spans every year the class knows of, not just the requested one.
    workdays = {
        d for d in getattr(china, "weekend_workdays", ()) if d.year == year and d.weekday() >= 5
    }
    days = {d: str(name) for d, name in china.items() if d.year == year and d not in workdays}
    return YearData(
        year=year,
        holidays=frozenset(days),
        workdays=frozenset(workdays),
        official=False,
        names={**days, **{d: "调休上班" for d in workdays}},
    )
