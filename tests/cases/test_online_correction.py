"""An online correction follows the online receipt rule (SPEC §2): after the agency's cut-off or on a
non-working day it counts as received on the next working day, and the 20 days run from then."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from caseapp.calendar.service import load_calendar
from caseapp.cases import operations as ops

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("moment,received", [
    (datetime(2026, 9, 29, 10, 0, tzinfo=SHANGHAI), date(2026, 9, 29)),   # a Tuesday morning
    (datetime(2026, 9, 30, 17, 30, tzinfo=SHANGHAI), date(2026, 10, 8)),  # after 17:00, then National Day
    (datetime(2026, 10, 3, 9, 0, tzinfo=SHANGHAI), date(2026, 10, 8)),    # during National Day
    (datetime(2026, 10, 10, 11, 0, tzinfo=SHANGHAI), date(2026, 10, 10)),  # Saturday 10/10 is a working day
    (datetime(2026, 10, 11, 11, 0, tzinfo=SHANGHAI), date(2026, 10, 12)),  # Sunday
])
def test_online_correction_counts_from_the_next_working_day_after_the_cutoff(db, make_case, moment, received):
    case = make_case("correction_requested", received_on=date(2026, 9, 21), today=date(2026, 9, 22))
    ops.receive_correction(case, actor=None, text="文件名称为《学区划分方案》。", submitted_at=moment,
                           today=date(2026, 10, 12))
    db.session.commit()
    assert case.correction_received_on == received
    assert case.clock_started_on == received
    assert case.due_on == load_calendar().add_working_days(received, 20)


def test_a_correction_entered_by_a_clerk_keeps_the_date_given(db, make_case):
    case = make_case("correction_requested", received_on=date(2026, 9, 21), today=date(2026, 9, 22))
    ops.receive_correction(case, actor=case.clerk, text="补充了文号。", received_on=date(2026, 10, 3),
                           today=date(2026, 10, 12))
    assert case.correction_received_on == date(2026, 10, 3)  # a paper correction: the day it was handed in
