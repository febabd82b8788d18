"""Working-day arithmetic against the official 2026 calendar, with expectations counted by hand."""
from datetime import date, datetime, time, timedelta, timezone

import pytest

from caseapp.calendar.rules import WorkingCalendar, YearData, receipt_date
from caseapp.calendar.sources import estimated_year_from_holidays, official_years_from_chinesecalendar
from tests.calendar_2026 import SPEC_2026_HOLIDAYS, SPEC_2026_WORKDAYS, YEAR_2026

D = date.fromisoformat





@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar({2026: YEAR_2026}, estimate=estimated_year_from_holidays)


def test_chinesecalendar_2026_matches_spec():
    years = official_years_from_chinesecalendar()
    assert years[2026].holidays == SPEC_2026_HOLIDAYS
    assert years[2026].workdays == SPEC_2026_WORKDAYS
    assert years[2026].official
    assert years[2026].names[D("2026-10-01")] == "国庆节"
    assert sorted(years) == list(range(2016, 2027))


def test_holidays_estimate_for_2027_is_provisional_without_make_up_days():
    data = estimated_year_from_holidays(2027)
    assert not data.official
    assert D("2027-01-01") in data.holidays
    assert data.workdays == frozenset()
    assert all(d.year == 2027 for d in data.holidays)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2026-01-01", False),  # New Year, Thursday
        ("2026-01-04", True),  # make-up Sunday
        ("2026-02-14", True),  # make-up Saturday
        ("2026-02-23", False),  # Monday inside Spring Festival
        ("2026-02-24", True),
        ("2026-09-20", True),  # make-up Sunday
        ("2026-09-25", False),  # Mid-Autumn, Friday
        ("2026-10-08", True),
        ("2026-10-10", True),  # make-up Saturday
        ("2026-10-11", False),  # ordinary Sunday
        ("2026-11-02", True),
    ],
)
def test_is_working_day(cal, day, working):
    assert cal.is_working_day(D(day)) is working


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # 9/20 (Sun, make-up) is day 1; 9/25-27 and 10/1-7 off; 10/10 (Sat) is day 11; day 20 is 10/22.
        ("2026-09-18", 20, "2026-10-22"),
        # 2/14 (Sat) is day 6; 2/15-23 off; 2/28 (Sat) is day 11; day 20 is 3/12.
        ("2026-02-06", 20, "2026-03-12"),
        # 2/14 is day 1, 2/24-27 days 2-5, 2/28 day 6; day 20 is 3/19.
        ("2026-02-13", 20, "2026-03-19"),
        ("2026-11-02", 20, "2026-11-30"),
        # 12 working days left in December; 1/1/2027 is the estimated New Year holiday; day 20 is 1/13.
        ("2026-12-15", 20, "2027-01-13"),
        ("2026-09-18", 7, "2026-09-29"),
        ("2026-09-30", 1, "2026-10-08"),
        ("2026-09-30", 0, "2026-09-30"),
        ("2026-10-01", 0, "2026-10-01"),
    ],
)
def test_add_working_days(cal, start, n, expected):
    assert cal.add_working_days(D(start), n) == D(expected)


def test_add_working_days_refuses_negative(cal):
    with pytest.raises(ValueError):
        cal.add_working_days(D("2026-01-05"), -1)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2026-09-18", "2026-10-22", 20),
        ("2026-09-24", "2026-10-09", 5),  # 9/28, 9/29, 9/30, 10/8, 10/9
        ("2026-11-02", "2026-11-02", 0),
        ("2026-11-30", "2026-11-02", 0),
        ("2026-10-01", "2026-10-07", 0),
    ],
)
def test_working_days_between(cal, start, end, expected):
    assert cal.working_days_between(D(start), D(end)) == expected


@pytest.mark.parametrize(
    ("day", "inclusive", "expected"),
    [
        ("2026-10-01", True, "2026-10-08"),
        ("2026-10-08", True, "2026-10-08"),
        ("2026-10-08", False, "2026-10-09"),
        ("2026-10-09", False, "2026-10-10"),
        ("2026-02-14", False, "2026-02-24"),
    ],
)
def test_next_working_day(cal, day, inclusive, expected):
    assert cal.next_working_day(D(day), inclusive=inclusive) == D(expected)


def test_provisional_years(cal):
    assert cal.is_official(2026)
    assert not cal.is_official(2027)
    assert not cal.spans_provisional(D("2026-01-01"), D("2026-12-31"))
    assert cal.spans_provisional(D("2026-12-15"), D("2027-01-13"))


def test_weekends_only_without_estimate():
    plain = WorkingCalendar({2026: YEAR_2026})
    # Without an estimate 1/1/2027 (Friday) is a working day, so day 20 is 1/12.
    assert plain.add_working_days(D("2026-12-15"), 20) == D("2027-01-12")
    assert not plain.is_official(2027)


def test_estimate_is_cached_and_failures_fall_back():
    calls = []

    def estimate(year: int) -> YearData:
        calls.append(year)
        raise RuntimeError("broken source")

    cal = WorkingCalendar({}, estimate=estimate)
    assert cal.add_working_days(D("2030-01-04"), 1) == D("2030-01-07")  # Friday -> Monday
    assert cal.add_working_days(D("2030-03-04"), 20) == D("2030-04-01")
    assert calls == [2030]


def test_estimate_claiming_official_stays_provisional():
    cal = WorkingCalendar({}, estimate=lambda y: YearData(y, frozenset(), frozenset(), official=True))
    assert not cal.is_official(2031)


@pytest.mark.parametrize("year", [1900, 1950, 2004, 2099, 2100])
def test_any_year_works(cal, year):
    start = date(year, 12, 20)
    due = cal.add_working_days(start, 20)
    assert due.year == year + 1 or year == 2100 and due.year == 2101
    assert cal.working_days_between(start, due) == 20


CST = timezone(timedelta(hours=8))
CUTOFF = time(17, 0)


@pytest.mark.parametrize(
    ("submitted", "expected"),
    [
        (datetime(2026, 11, 6, 16, 59, tzinfo=CST), "2026-11-06"),  # Friday before cut-off
        (datetime(2026, 11, 6, 17, 0, tzinfo=CST), "2026-11-09"),  # Friday at cut-off -> Monday
        (datetime(2026, 11, 7, 10, 0, tzinfo=CST), "2026-11-09"),  # Saturday
        (datetime(2026, 9, 30, 9, 0, tzinfo=CST), "2026-09-30"),
        (datetime(2026, 9, 30, 17, 30, tzinfo=CST), "2026-10-08"),  # eve of National Day
        (datetime(2026, 10, 10, 9, 0, tzinfo=CST), "2026-10-10"),  # make-up Saturday
        (datetime(2026, 9, 20, 16, 0, tzinfo=CST), "2026-09-20"),  # make-up Sunday
        (datetime(2026, 11, 5, 20, 0, tzinfo=timezone.utc), "2026-11-06"),  # 04:00 Friday in Shanghai
        (datetime(2026, 11, 6, 8, 59, tzinfo=timezone.utc), "2026-11-06"),  # 16:59 in Shanghai
        (datetime(2026, 11, 6, 9, 0, tzinfo=timezone.utc), "2026-11-09"),  # 17:00 in Shanghai
        (datetime(2026, 11, 6, 16, 30, tzinfo=timezone.utc), "2026-11-09"),  # already Saturday
    ],
)
def test_receipt_date(cal, submitted, expected):
    assert receipt_date(submitted, CUTOFF, cal) == D(expected)


def test_receipt_date_needs_aware_datetime(cal):
    with pytest.raises(ValueError):
        receipt_date(datetime(2026, 11, 6, 10, 0), CUTOFF, cal)
