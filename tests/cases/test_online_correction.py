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


def test_the_clerk_who_asked_for_the_correction_is_told_when_it_arrives(db, make_agency, make_user, make_case):
    """Issue 20: a correction that arrives comes back to whoever asked for it (the case's handler)."""
    import sqlalchemy as sa

    from caseapp.core.outbox import Notification
    from caseapp.intake.operations import submit_correction

    agency = make_agency()
    clerk = make_user("clerk", agency=agency)
    case = make_case(agency=agency, handler=clerk)  # registered, not yet accepted: nobody handles it
    assert case.handler_id is None
    ops.request_correction(case, actor=clerk, details="请写明所需文件的名称或文号。")
    assert case.handler_id == clerk.id
    db.session.commit()
    submit_correction(case, text="文件名称为《学区划分方案》。")
    db.session.commit()
    [note] = db.session.scalars(sa.select(Notification).where(Notification.user_id == clerk.id)).all()
    assert note.kind == "correction_received" and case.tracking_number in note.message
    assert "重新计算" in note.message
