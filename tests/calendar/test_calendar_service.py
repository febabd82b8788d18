"""Stored calendar years: seeding, loading, strict import, export."""
import json
from datetime import date

import pytest
import sqlalchemy as sa

from caseapp.calendar import service
from caseapp.calendar.models import CalendarDay, CalendarYear
from caseapp.clock.rules import ClockFacts, compute_due
from caseapp.core.errors import ValidationError
from caseapp.extensions import db
from tests.calendar_2026 import SPEC_2026_HOLIDAYS, SPEC_2026_WORKDAYS

D = date.fromisoformat




# Fictitious test data, not the real 2027 notice: 1/1-1/4 off, Saturday 1/9 worked.
FILE_2027 = {
    "year": 2027,
    "official": True,
    "source": "test notice",
    "holidays": [{"date": "2027-01-01", "name": "元旦"}, "2027-01-02", "2027-01-03", "2027-01-04"],
    "workdays": [{"date": "2027-01-09", "name": "元旦调休"}],
}


@pytest.fixture
def cal_db(app):
    """An empty calendar table, restored to the seeded years afterwards."""
    def empty():
        db.session.execute(sa.delete(CalendarDay))
        db.session.execute(sa.delete(CalendarYear))
        db.session.commit()
        service.invalidate_calendar_cache()

    empty()
    yield
    db.session.rollback()
    empty()
    service.seed_calendar()
    db.session.commit()
    service.invalidate_calendar_cache()


def _snapshot():
    years = db.session.execute(sa.select(CalendarYear.year, CalendarYear.official, CalendarYear.source)).all()
    days = db.session.execute(sa.select(CalendarDay.day, CalendarDay.kind, CalendarDay.name)).all()
    return sorted(years), sorted(days)


def test_seed_is_idempotent(cal_db):
    assert service.seed_calendar() == list(range(2016, 2027))
    db.session.commit()
    assert service.seed_calendar() == []
    row = db.session.get(CalendarYear, 2026)
    assert row.official and row.source.startswith("chinesecalendar ")
    # Estimated years are never stored.
    assert db.session.get(CalendarYear, 2027) is None


def test_seed_never_overwrites_an_entered_year(cal_db):
    service.import_year({"year": 2020, "holidays": ["2020-01-01"]}, source="admin")
    assert 2020 not in service.seed_calendar()
    assert service.year_summary(2020)["holidays"] == [(D("2020-01-01"), None)]
    assert db.session.get(CalendarYear, 2020).source == "admin"


def test_loaded_calendar_matches_spec_2026(cal_db):
    service.seed_calendar()
    cal = service.load_calendar()
    data = cal.year_data(2026)
    assert data.holidays == SPEC_2026_HOLIDAYS
    assert data.workdays == SPEC_2026_WORKDAYS
    assert cal.is_official(2026) and not cal.is_official(2027)
    assert cal.add_working_days(D("2026-09-18"), 20) == D("2026-10-22")


def test_load_calendar_is_cached_until_the_table_changes(cal_db):
    service.seed_calendar()
    first = service.load_calendar()
    assert service.load_calendar() is first
    service.import_year(FILE_2027, source="imported")
    assert service.load_calendar() is not first


def test_import_2027_makes_it_official_and_moves_due_dates(cal_db):
    service.seed_calendar()
    # From 12/7: 18 working days to 12/31. Estimate (1/1 off): 1/4 = 19, 1/5 = 20.
    early, late = ClockFacts(D("2026-12-07")), ClockFacts(D("2026-12-15"))
    before = compute_due(early, service.load_calendar(), D("2026-12-07"))
    assert (before.due_on, before.provisional) == (D("2027-01-05"), True)
    # From 12/15: 12 days to 12/31; 1/4-1/8 = 13-17, 1/11-1/13 = 18-20.
    assert compute_due(late, service.load_calendar(), D("2026-12-15")).due_on == D("2027-01-13")

    row = service.import_year(FILE_2027, source="imported")
    db.session.commit()
    assert row.official and row.source == "imported: test notice"
    assert service.import_year(FILE_2027, source="test notice").source == "test notice"
    cal = service.load_calendar()
    # 1/4 is now off: 1/5 = 19, 1/6 = 20.
    after = compute_due(early, cal, D("2026-12-07"))
    assert (after.due_on, after.provisional) == (D("2027-01-06"), False)
    # 1/5-1/9 (Saturday worked) = 13-17, 1/11-1/13 = 18-20: same date, no longer provisional.
    after_late = compute_due(late, cal, D("2026-12-15"))
    assert (after_late.due_on, after_late.provisional) == (D("2027-01-13"), False)


def test_import_replaces_a_years_days(cal_db):
    service.import_year(FILE_2027, source="imported")
    service.import_year({"year": 2027, "official": False, "holidays": ["2027-02-08"]}, source="admin")
    summary = service.year_summary(2027)
    assert summary["holidays"] == [(D("2027-02-08"), None)]
    assert summary["workdays"] == []
    assert summary["official"] is False
    assert service.load_calendar().is_working_day(D("2027-01-04"))


def _with(**changes):
    return {**FILE_2027, **changes}


INVALID = {
    "missing-year": {k: v for k, v in FILE_2027.items() if k != "year"},
    "year-as-text": _with(year="2027"),
    "year-as-bool": _with(year=True),
    "year-out-of-range": _with(year=3000),
    "not-iso-slashes": _with(holidays=["2027/01/01"]),
    "not-iso-compact": _with(holidays=["20270101"]),
    "impossible-date": _with(holidays=["2027-02-30"]),
    "date-as-number": _with(holidays=[20270101]),
    "outside-year": _with(holidays=["2026-12-31"]),
    "both-kinds": _with(workdays=["2027-01-02"]),
    "weekday-workday": _with(workdays=["2027-01-05"]),
    "duplicate": _with(holidays=["2027-01-01", {"date": "2027-01-01"}]),
    "holidays-not-list": _with(holidays="2027-01-01"),
    "entry-without-date": _with(holidays=[{"name": "元旦"}]),
    "unknown-entry-key": _with(holidays=[{"date": "2027-01-01", "kind": "x"}]),
    "name-too-long": _with(holidays=[{"date": "2027-01-01", "name": "节" * 101}]),
    "official-not-bool": _with(official="yes"),
    "official-without-holidays": _with(holidays=[]),
    "unknown-key": _with(comment="x"),
    "source-not-text": _with(source=5),
}


@pytest.mark.parametrize("data", INVALID.values(), ids=INVALID.keys())
def test_invalid_files_change_nothing(cal_db, data):
    service.seed_calendar()
    service.import_year({**FILE_2027, "holidays": ["2027-02-08"], "workdays": []}, source="admin")
    db.session.commit()
    before = _snapshot()
    with pytest.raises(ValidationError) as excinfo:
        service.import_year(data, source="imported")
    message = str(excinfo.value.message)
    assert message and "%(" not in message
    assert not db.session.new and not db.session.dirty and not db.session.deleted
    db.session.rollback()
    assert _snapshot() == before


def test_outside_year_message_names_date_and_year(cal_db):
    with pytest.raises(ValidationError) as excinfo:
        service.import_year(_with(holidays=["2026-12-31"]), source="imported")
    assert str(excinfo.value.message) == "日期2026-12-31不在2027年内。"


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '"2027"', ""])
def test_parse_rejects_bad_syntax(cal_db, text):
    with pytest.raises(ValidationError):
        service.parse_calendar_file(text)


def test_parse_accepts_bom():
    assert service.parse_calendar_file("\ufeff" + json.dumps(FILE_2027)) == FILE_2027


def test_export_round_trips(cal_db):
    service.seed_calendar()
    exported = service.export_year(2026)
    assert exported["official"] is True
    assert {"date": "2026-10-01", "name": "国庆节"} in exported["holidays"]
    service.import_year(service.parse_calendar_file(json.dumps(exported, ensure_ascii=False)), source="re-imported")
    again = service.export_year(2026)
    assert {k: v for k, v in again.items() if k != "source"} == {k: v for k, v in exported.items() if k != "source"}


def test_imported_year_exports_as_given(cal_db):
    service.import_year(FILE_2027, source="imported")
    exported = service.export_year(2027)
    assert exported["holidays"] == [
        {"date": "2027-01-01", "name": "元旦"},
        {"date": "2027-01-02"},
        {"date": "2027-01-03"},
        {"date": "2027-01-04"},
    ]
    assert exported["workdays"] == [{"date": "2027-01-09", "name": "元旦调休"}]


def test_summary_of_unstored_year_is_the_estimate(cal_db):
    summary = service.year_summary(2027)
    assert summary["official"] is False and summary["source"] == "estimated"
    assert (D("2027-01-01"), "元旦") in summary["holidays"]
    assert summary["workdays"] == []
    exported = service.export_year(2027)
    assert exported["official"] is False
    # An estimated export is importable as a provisional draft.
    service.import_year(exported, source="admin")
    assert not service.load_calendar().is_official(2027)
