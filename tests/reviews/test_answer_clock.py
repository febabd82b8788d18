"""The answer clocks of a reconsideration (10 working days) and a lawsuit (15 days, a last day on a
holiday moved to the next working day), with the official 2026 calendar (SPEC §4, §12)."""
from __future__ import annotations

from datetime import date

import pytest

from caseapp.clock.rules import lawsuit_answer_due, reconsideration_answer_due, review_answer_due
from tests.calendar_2026 import calendar_2026

D = date.fromisoformat
CAL = calendar_2026()


@pytest.mark.parametrize("received,due", [
    # An ordinary fortnight: Wed 11-04 + 10 working days.
    ("2026-11-04", "2026-11-18"),
    # Just before National Day: Wed 09-23, then 24 (Thu), 25-27 Mid-Autumn holiday, 28 (Mon) 29 30,
    # Oct 1-7 holiday, Thu 8 Fri 9, Sat 10 (make-up working day) ... : the 10th working day is Oct 14.
    ("2026-09-23", "2026-10-14"),
    # Friday before Spring Festival: Sat 02-14 (make-up) is day 1, 02-15..23 holiday, 24-27 are 2-5,
    # Sat 02-28 (make-up) is 6, Mar 2-5 are 7-10.
    ("2026-02-13", "2026-03-05"),
])
def test_reconsideration_answer_is_due_10_working_days_after_the_copy(received, due):
    assert reconsideration_answer_due(D(received), CAL) == D(due)
    assert review_answer_due("reconsideration", D(received), CAL) == D(due)


@pytest.mark.parametrize("received,due", [
    # Day of receipt not counted: 11-04 + 15 = 11-19 (Thu).
    ("2026-11-04", "2026-11-19"),
    # 09-20 + 15 = 10-05, inside the National Day holiday: moves to Thu 10-08.
    ("2026-09-20", "2026-10-08"),
    # 09-25 + 15 = 10-10, a Saturday that is a make-up working day: it stays.
    ("2026-09-25", "2026-10-10"),
    # 02-05 + 15 = 02-20, inside the Spring Festival holiday: moves to Tue 02-24.
    ("2026-02-05", "2026-02-24"),
    # 11-06 + 15 = 11-21, a Saturday: moves to Mon 11-23.
    ("2026-11-06", "2026-11-23"),
])
def test_lawsuit_answer_is_due_15_days_after_the_complaint_moved_off_holidays(received, due):
    assert lawsuit_answer_due(D(received), CAL) == D(due)
    for kind in ("litigation_direct", "litigation_after_reconsideration"):
        assert review_answer_due(kind, D(received), CAL) == D(due)


def test_unknown_kind_is_an_error():
    with pytest.raises(ValueError):
        review_answer_due("appeal", D("2026-11-04"), CAL)
