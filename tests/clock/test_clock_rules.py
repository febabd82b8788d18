"""Reply due dates with pauses, extension, deferral and restart; expectations counted by hand."""
from datetime import date

import pytest

from caseapp.calendar.rules import WorkingCalendar
from caseapp.calendar.sources import estimated_year_from_holidays
from caseapp.clock.rules import (
    ClockFacts,
    Pause,
    compute_due,
    consultation_deadline,
    correction_due,
    correction_notice_deadline,
    days_left,
    due_state,
    fee_payment_deadline,
)
from tests.calendar_2026 import YEAR_2026

D = date.fromisoformat





@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar({2026: YEAR_2026}, estimate=estimated_year_from_holidays)


def third_party(sent: str, answered: str | None) -> Pause:
    return Pause("consultation_third_party", D(sent), D(answered) if answered else None)


def agency(sent: str, answered: str | None) -> Pause:
    return Pause("consultation_agency", D(sent), D(answered) if answered else None)


def fee(served: str, paid: str | None) -> Pause:
    return Pause("fee", D(served), D(paid) if paid else None)


# Working days after Mon 2026-11-02: day 20 = 11/30, 21-24 = 12/1-12/4, 25-29 = 12/7-12/11,
# 30-34 = 12/14-12/18, 35-39 = 12/21-12/25, 40 = 12/28.
@pytest.mark.parametrize(
    ("facts", "today", "due", "paused", "provisional"),
    [
        pytest.param(ClockFacts(D("2026-11-02")), "2026-11-02", "2026-11-30", 0, False, id="plain"),
        pytest.param(
            ClockFacts(D("2026-09-18")), "2026-09-18", "2026-10-22", 0, False, id="across-national-day"
        ),
        pytest.param(
            ClockFacts(D("2026-02-06")), "2026-02-06", "2026-03-12", 0, False, id="across-spring-festival"
        ),
        pytest.param(
            ClockFacts(D("2026-12-15")), "2026-12-15", "2027-01-13", 0, True, id="into-provisional-2027"
        ),
        pytest.param(
            # (11/9, 11/13] = 11/10-11/13: 4 days.
            ClockFacts(D("2026-11-02"), pauses=(third_party("2026-11-09", "2026-11-13"),)),
            "2026-12-01", "2026-12-04", 4, False, id="answered-consultation",
        ),
        pytest.param(
            # 9/18 start; (9/24, 10/9] = 9/28, 9/29, 9/30, 10/8, 10/9: 5 days; day 25 = 10/29.
            ClockFacts(D("2026-09-18"), pauses=(agency("2026-09-24", "2026-10-09"),)),
            "2026-10-20", "2026-10-29", 5, False, id="consultation-over-holiday",
        ),
        pytest.param(
            # Open since 11/16, today 11/19: 11/17-11/19 = 3 days.
            ClockFacts(D("2026-11-02"), pauses=(third_party("2026-11-16", None),)),
            "2026-11-19", "2026-12-03", 3, False, id="open-counts-to-today",
        ),
        pytest.param(
            # Lapse: 15 WD after 11/3 is 11/24, so at most 15 days; day 35 = 12/21.
            ClockFacts(D("2026-11-02"), pauses=(agency("2026-11-03", None),)),
            "2026-12-10", "2026-12-21", 15, False, id="open-lapsed",
        ),
        pytest.param(
            ClockFacts(D("2026-11-02"), pauses=(third_party("2026-11-03", "2026-12-01"),)),
            "2026-12-10", "2026-12-21", 15, False, id="late-answer-capped",
        ),
        pytest.param(
            # (11/9, 11/13] and (11/11, 11/18] merge into (11/9, 11/18]: 10-13, 16-18 = 7, not 4 + 5.
            ClockFacts(
                D("2026-11-02"),
                pauses=(agency("2026-11-09", "2026-11-13"), third_party("2026-11-11", "2026-11-18")),
            ),
            "2026-12-01", "2026-12-09", 7, False, id="overlap-not-double-counted",
        ),
        pytest.param(
            # Fee notice open since 11/3, lapses 20 WD later on 12/1: 20 days; day 40 = 12/28.
            ClockFacts(D("2026-11-02"), pauses=(fee("2026-11-03", None),)),
            "2026-12-10", "2026-12-28", 20, False, id="fee-capped-at-20",
        ),
        pytest.param(
            ClockFacts(D("2026-11-02"), pauses=(third_party("2026-11-16", None),)),
            "2026-11-10", "2026-11-30", 0, False, id="pause-after-today-counts-nothing",
        ),
        pytest.param(
            ClockFacts(D("2026-11-02"), extension_days=10), "2026-11-02", "2026-12-14", 0, False, id="extension",
        ),
        pytest.param(
            # Day 44: 12/29-12/31 = 41-43, 1/1/2027 estimated holiday, 1/4 = 44.
            ClockFacts(D("2026-11-02"), extension_days=20, pauses=(third_party("2026-11-09", "2026-11-13"),)),
            "2026-12-01", "2027-01-04", 4, True, id="extension-and-pause-into-2027",
        ),
        pytest.param(
            # Correction arrived 11/16: 20 WD from then = 12/14.
            ClockFacts(D("2026-11-16")), "2026-11-16", "2026-12-14", 0, False, id="correction-restart",
        ),
        pytest.param(
            # Only (11/16, 11/20] of the 11/9-11/20 consultation counts: 4 days; day 24 = 12/18.
            ClockFacts(D("2026-11-16"), pauses=(third_party("2026-11-09", "2026-11-20"),)),
            "2026-12-01", "2026-12-18", 4, False, id="restart-clips-earlier-pause",
        ),
    ],
)
def test_compute_due(cal, facts, today, due, paused, provisional):
    info = compute_due(facts, cal, D(today))
    assert info.due_on == D(due)
    assert info.paused_days == paused
    assert info.provisional is provisional
    assert info.extension_days == facts.extension_days


def test_base_due_ignores_pauses_and_extension(cal):
    facts = ClockFacts(D("2026-11-02"), extension_days=10, pauses=(third_party("2026-11-09", "2026-11-13"),))
    assert compute_due(facts, cal, D("2026-12-01")).base_due_on == D("2026-11-30")


@pytest.mark.parametrize(("deferred", "provisional"), [("2026-12-31", False), ("2027-02-26", True)])
def test_deferral_replaces_due_date(cal, deferred, provisional):
    facts = ClockFacts(
        D("2026-11-02"), extension_days=5, deferred_to=D(deferred), pauses=(third_party("2026-11-09", "2026-11-13"),)
    )
    info = compute_due(facts, cal, D("2026-12-01"))
    assert info.due_on == D(deferred)
    assert info.provisional is provisional
    assert (info.paused_days, info.extension_days) == (4, 5)


@pytest.mark.parametrize("days", [-1, 21])
def test_extension_out_of_range(cal, days):
    with pytest.raises(ValueError):
        compute_due(ClockFacts(D("2026-11-02"), extension_days=days), cal, D("2026-11-02"))


def test_unknown_pause_kind(cal):
    with pytest.raises(ValueError):
        facts = ClockFacts(D("2026-11-02"), pauses=(Pause("department", D("2026-11-03"), None),))
        compute_due(facts, cal, D("2026-11-05"))


@pytest.mark.parametrize(
    ("due", "today", "left", "state"),
    [
        ("2026-11-30", "2026-11-20", 6, "on_time"),  # 11/23-27, 11/30
        ("2026-11-30", "2026-11-23", 5, "due_soon"),
        ("2026-11-30", "2026-11-30", 0, "due_soon"),
        ("2026-11-30", "2026-12-01", -1, "overdue"),
        ("2026-11-30", "2026-12-02", -2, "overdue"),
        ("2026-10-09", "2026-09-30", 2, "due_soon"),  # 10/8, 10/9 across National Day
        ("2026-10-22", "2026-09-18", 20, "on_time"),
    ],
)
def test_days_left_and_state(cal, due, today, left, state):
    assert days_left(D(due), D(today), cal) == left
    assert due_state(D(due), D(today), cal) == state


def test_due_state_custom_threshold(cal):
    assert due_state(D("2026-11-30"), D("2026-11-20"), cal, soon_days=6) == "due_soon"


def test_side_deadlines(cal):
    # 9/20, 9/21-24, 9/28, 9/29 are days 1-7.
    assert correction_notice_deadline(D("2026-09-18"), cal) == D("2026-09-29")
    # From 9/30: 10/8, 10/9, 10/10, 10/12-16, 10/19-23, 10/26, 10/27 = 15.
    assert correction_due(D("2026-09-30"), cal) == D("2026-10-27")
    assert correction_due(D("2026-09-30"), cal, period_days=3) == D("2026-10-10")
    assert consultation_deadline(D("2026-11-03"), cal) == D("2026-11-24")
    assert fee_payment_deadline(D("2026-11-03"), cal) == D("2026-12-01")
