"""Database side of the calendar: seeding, loading (cached), import and export. Never commits."""
from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from caseapp.calendar.models import HOLIDAY, WORKDAY, CalendarDay, CalendarYear
from caseapp.calendar.rules import WorkingCalendar, YearData
from caseapp.calendar.sources import (
    chinesecalendar_version,
    estimated_year_from_holidays,
    official_years_from_chinesecalendar,
)
from caseapp.core.clock import utcnow
from caseapp.core.errors import ValidationError
from caseapp.core.text import JSONBodyError, loads_json
from caseapp.extensions import db

MIN_YEAR = 1990
MAX_YEAR = 2100
ESTIMATED_SOURCE = "estimated"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FILE_KEYS = {"year", "official", "holidays", "workdays", "source"}

_cache: tuple[tuple, WorkingCalendar] | None = None


def seed_calendar() -> list[int]:
    """Store every chinesecalendar year not stored yet (never overwriting); return the years added."""
    existing = set(db.session.scalars(sa.select(CalendarYear.year)))
    source = f"chinesecalendar {chinesecalendar_version()}"
    added = []
    for year, data in sorted(official_years_from_chinesecalendar().items()):
        if year in existing:
            continue
        db.session.add(CalendarYear(year=year, official=True, source=source, updated_at=utcnow()))
        db.session.flush()  # no ORM relationship orders the year before its days
        db.session.add_all(_day_rows(data))
        added.append(year)
    if added:
        db.session.flush()
        invalidate_calendar_cache()
    return added


def _day_rows(data: YearData) -> list[CalendarDay]:
    rows = [CalendarDay(day=d, year=data.year, kind=HOLIDAY, name=data.names.get(d)) for d in data.holidays]
    rows += [CalendarDay(day=d, year=data.year, kind=WORKDAY, name=data.names.get(d)) for d in data.workdays]
    return rows


def _version() -> tuple:
    count, latest = db.session.execute(
        sa.select(sa.func.count(CalendarYear.year), sa.func.max(CalendarYear.updated_at))
    ).one()
    # The URL keeps two databases in one process (tests, scripts) from sharing an entry.
    return (db.engine.url.render_as_string(hide_password=True), count, latest)


def load_calendar() -> WorkingCalendar:
    """The working calendar from stored years, estimating the others; cached until the table changes."""
    global _cache
    version = _version()
    if _cache is not None and _cache[0] == version:
        return _cache[1]
    years = {y.year: y for y in db.session.scalars(sa.select(CalendarYear))}
    holidays: dict[int, set[date]] = defaultdict(set)
    workdays: dict[int, set[date]] = defaultdict(set)
    names: dict[int, dict[date, str]] = defaultdict(dict)
    for row in db.session.scalars(sa.select(CalendarDay)):
        (holidays if row.kind == HOLIDAY else workdays)[row.year].add(row.day)
        if row.name:
            names[row.year][row.day] = row.name
    data = {
        year: YearData(year, frozenset(holidays[year]), frozenset(workdays[year]), y.official, names[year])
        for year, y in years.items()
    }
    cal = WorkingCalendar(data, estimate=estimated_year_from_holidays)
    _cache = (version, cal)
    return cal


def invalidate_calendar_cache() -> None:
    """Drop this process's cached calendar (other processes notice the new version themselves)."""
    global _cache
    _cache = None


def parse_calendar_file(text: str) -> dict:
    """Parse an uploaded calendar file (JSON, the import_year shape) into a dict."""
    try:
        json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as err:
        raise ValidationError(
            _l("The file is not valid JSON (line %(line)s, column %(col)s).", line=err.lineno, col=err.colno)
        ) from err
    except (RecursionError, ValueError):
        pass  # loads_json below names the problem
    try:
        # Refuses deep nesting, lone surrogates, control characters and numbers beyond 64 bits.
        data = loads_json(text)
    except JSONBodyError as err:
        where = _l(" (at %(path)s)", path=err.path) if err.path else ""
        raise ValidationError(_l("The file cannot be imported: %(problem)s%(where)s", problem=err.message,
                                 where=where)) from None
    if not isinstance(data, dict):
        raise ValidationError(_l("The file must contain a JSON object with a year and its days."))
    return data


def _parse_days(entries: Any, field: str, year: int) -> dict[date, str | None]:
    if entries is None:
        return {}
    if not isinstance(entries, list):
        raise ValidationError(_l("“%(field)s” must be a list of dates.", field=field))
    days: dict[date, str | None] = {}
    for entry in entries:
        name = None
        if isinstance(entry, dict):
            unknown = set(entry) - {"date", "name"}
            if unknown:
                raise ValidationError(
                    _l("Unknown key %(key)s in “%(field)s”.", key=sorted(unknown)[0], field=field)
                )
            name = entry.get("name")
            if name is not None and (not isinstance(name, str) or len(name) > 100):
                raise ValidationError(_l("A day's name must be text of at most 100 characters."))
            if name is not None:
                name = name.strip() or None
            entry = entry.get("date")
        if not isinstance(entry, str) or not _ISO_DATE.fullmatch(entry):
            raise ValidationError(_l("%(value)s is not a date in the form YYYY-MM-DD.", value=repr(entry)))
        try:
            d = date.fromisoformat(entry)
        except ValueError as err:
            raise ValidationError(_l("%(value)s is not a valid date.", value=entry)) from err
        if d.year != year:
            raise ValidationError(_l("Date %(value)s is not in year %(year)s.", value=entry, year=year))
        if d in days:
            raise ValidationError(_l("Date %(value)s is listed twice.", value=entry))
        days[d] = name
    return days


def _validate(data: dict) -> tuple[int, bool, dict[date, str | None], dict[date, str | None], str | None]:
    if not isinstance(data, dict):
        raise ValidationError(_l("The file must contain a JSON object with a year and its days."))
    unknown = set(data) - _FILE_KEYS
    if unknown:
        raise ValidationError(_l("Unknown key %(key)s in the file.", key=sorted(unknown)[0]))
    year = data.get("year")
    # bool is an int subclass; "year": true must not become 1.
    if not isinstance(year, int) or isinstance(year, bool) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(
            _l("The file must give a year between %(min)s and %(max)s.", min=MIN_YEAR, max=MAX_YEAR)
        )
    official = data.get("official", True)
    if not isinstance(official, bool):
        raise ValidationError(_l("“official” must be true or false."))
    file_source = data.get("source")
    if file_source is not None and not isinstance(file_source, str):
        raise ValidationError(_l("“source” must be text."))
    holidays = _parse_days(data.get("holidays"), "holidays", year)
    workdays = _parse_days(data.get("workdays"), "workdays", year)
    both = sorted(holidays.keys() & workdays.keys())
    if both:
        raise ValidationError(
            _l("Date %(value)s is listed both as a holiday and as a working day.", value=both[0].isoformat())
        )
    for d in sorted(workdays):
        if d.weekday() < 5:
            raise ValidationError(
                _l("Make-up working day %(value)s is not a Saturday or Sunday.", value=d.isoformat())
            )
    if official and not holidays:
        raise ValidationError(_l("An official calendar must list the year's holidays."))
    return year, official, holidays, workdays, (file_source or "").strip() or None


def import_year(data: dict, *, source: str) -> CalendarYear:
    """Validate a parsed calendar file and replace that year's stored days with it."""
    year, official, holidays, workdays, file_source = _validate(data)
    # Callers may already pass the file's own source; don't repeat it.
    full_source = f"{source}: {file_source}" if file_source and file_source not in source else source
    # Everything is validated above, so nothing below can leave the year half replaced.
    row = db.session.get(CalendarYear, year)
    if row is None:
        row = CalendarYear(year=year)
        db.session.add(row)
    row.official = official
    row.source = full_source[:200]
    row.updated_at = utcnow()
    db.session.execute(sa.delete(CalendarDay).where(CalendarDay.year == year))
    db.session.add_all(
        [CalendarDay(day=d, year=year, kind=HOLIDAY, name=n) for d, n in sorted(holidays.items())]
        + [CalendarDay(day=d, year=year, kind=WORKDAY, name=n) for d, n in sorted(workdays.items())]
    )
    db.session.flush()
    invalidate_calendar_cache()
    return row


def year_summary(year: int) -> dict:
    """A year's holidays and make-up days with names, stored or else estimated."""
    row = db.session.get(CalendarYear, year)
    if row is None:
        data = estimated_year_from_holidays(year)
        return {
            "year": year,
            "official": False,
            "source": ESTIMATED_SOURCE,
            "holidays": [(d, data.names.get(d)) for d in sorted(data.holidays)],
            "workdays": [(d, data.names.get(d)) for d in sorted(data.workdays)],
        }
    days = db.session.scalars(
        sa.select(CalendarDay).where(CalendarDay.year == year).order_by(CalendarDay.day)
    ).all()
    return {
        "year": year,
        "official": row.official,
        "source": row.source,
        "holidays": [(d.day, d.name) for d in days if d.kind == HOLIDAY],
        "workdays": [(d.day, d.name) for d in days if d.kind == WORKDAY],
    }


def export_year(year: int) -> dict:
    """A year in the import file format (estimated years export as official: false)."""
    summary = year_summary(year)

    def entries(days: list[tuple[date, str | None]]) -> list[dict]:
        return [{"date": d.isoformat(), "name": n} if n else {"date": d.isoformat()} for d, n in days]

    return {
        "year": year,
        "official": summary["official"],
        "source": summary["source"],
        "holidays": entries(summary["holidays"]),
        "workdays": entries(summary["workdays"]),
    }
