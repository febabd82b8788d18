"""Fees: proposed by a clerk, approved by a supervisor, notice issued (clock paused), paid or lapsed."""
from __future__ import annotations

from datetime import date

import pytest

from caseapp.calendar.service import load_calendar
from caseapp.jobs.sweep import sweep
from caseapp.core.errors import DomainError, TransitionError, ValidationError
from caseapp.extensions import db as _db
from caseapp.fees import operations as fee_ops
from caseapp.letters import operations as ops
from caseapp.core.actions import act
from caseapp.letters.models import Letter

SERVED = date(2026, 11, 12)
TODAY = date(2026, 11, 20)
pytestmark = pytest.mark.frozen_at(TODAY)  # the office and the API act on TODAY too


def _served(w):
    case = w["case"]
    fee_ops.propose_fee(case, actor=w["clerk"], basis="pages", count=150, today=SERVED)
    fee = fee_ops.approve_fee(case, actor=w["supervisor"], how_to_pay="通过非税收入缴款平台缴纳", today=SERVED)
    notice = _db.session.get(Letter, fee.letter_id)
    ops.issue_letter(notice, actor=w["clerk"], delivery={"method": "hand", "date": SERVED.isoformat()},
                     today=SERVED)
    _db.session.commit()  # an action that fails afterwards rolls back its own transaction only
    return fee, notice


def test_dry_run_only_computes(db, letter_world):
    w = letter_world
    out = act("propose_fee", w["case"], w["clerk"], {"basis": "requests", "count": 35, "dry_run": True})
    assert out["amount"] == 3000 and out["dry_run"] is True
    out = act("propose_fee", w["case"], w["clerk"], {"basis": "pages", "count": 150, "dry_run": True})
    assert out["amount"] == 1700


@pytest.mark.parametrize("payload,field", [
    ({"basis": "both", "count": 40}, "basis"),
    ({"basis": "pages", "count": "lots"}, "count"),
    ({"basis": "pages", "count": 0}, "count"),
    ({"basis": "pages", "count": 12}, "count"),  # within the free 30 pages
])
def test_bad_fee_proposals_are_refused(db, letter_world, payload, field):
    w = letter_world
    with pytest.raises(ValidationError) as err:
        act("propose_fee", w["case"], w["clerk"], payload)
    assert field in err.value.errors


def test_fee_approval_by_a_clerk_is_refused(db, letter_world):
    w = letter_world
    act("propose_fee", w["case"], w["clerk"], {"basis": "pages", "count": 150})
    with pytest.raises(DomainError) as err:
        act("approve_fee", w["case"], w["clerk"], {})
    assert err.value.status_code == 403


def test_fee_notice_pauses_the_clock_and_payment_resumes_it(db, letter_world):
    w = letter_world
    case = w["case"]
    due_before = case.due_on
    fee, notice = _served(w)
    assert notice.template == "fee_notice" and notice.status == "issued"
    assert notice.fields["fee_amount"] == 1700 and "第101至150页每页20元" in notice.fields["fee_computation"]
    assert case.status == "awaiting_fee"
    assert fee.status == "notified" and fee.pay_by == load_calendar().add_working_days(SERVED, 20)
    with pytest.raises(TransitionError):
        fee_ops.propose_fee(case, actor=w["clerk"], basis="pages", count=200)
    with pytest.raises(ValidationError):
        act("record_payment", case, w["clerk"], {"paid_on": "2026-11-01"})  # before the notice
    out = act("record_payment", case, w["clerk"], {"paid_on": "2026-11-19"})
    assert out["case_status"] == "in_progress" and fee.status == "paid"
    # Five working days (11-13 .. 11-19) of the fee notice do not count.
    assert case.due_on == load_calendar().add_working_days(due_before, 5)


def test_unpaid_fee_lapses_in_the_sweep_and_closes_the_case(db, letter_world):
    w = letter_world
    case = w["case"]
    fee, _notice = _served(w)
    db.session.commit()
    assert sweep(fee.pay_by)["fees_lapsed"] == 0  # the last day to pay still counts
    counts = sweep(date(2026, 12, 31))
    db.session.commit()
    assert counts["fees_lapsed"] == 1
    assert (case.status, case.outcome, case.closed_on) == ("closed", "other.fee_unpaid", date(2026, 12, 31))
    assert fee.status == "lapsed"
    closing = [letter for letter in db.session.query(Letter).filter_by(case_id=case.id)
               if letter.template == "other.fee_unpaid"]
    assert len(closing) == 1 and closing[0].status == "draft"
    assert closing[0].fields["fee_amount"] == 1700 and closing[0].fields["fee_notice_number"]
    # The closing notice goes through approval and issue like any letter; the case stays closed.
    ops.submit_letter(closing[0], actor=w["clerk"])
    ops.approve_letter(closing[0], actor=w["supervisor"])
    ops.issue_letter(closing[0], actor=w["clerk"], delivery={"method": "hand", "date": "2026-12-31"},
                     today=date(2026, 12, 31))
    assert closing[0].status == "issued" and case.outcome == "other.fee_unpaid"


def test_case_page_says_the_clock_is_paused_while_the_fee_is_unpaid(app, db, login, letter_world):
    from caseapp.clock.service import describe_clock

    w = letter_world
    case = w["case"]
    _served(w)
    _db.session.commit()
    assert describe_clock(case, TODAY).paused_for == "fee"
    client = app.test_client()
    login(w["clerk"], c=client)
    page = client.get(f"/office/cases/{case.tracking_number}").get_data(as_text=True)
    assert 'data-paused="fee"' in page and "缴费期间暂停计时" in page
    _db.session.rollback()  # end the test's read snapshot, taken before the login was written
    act("record_payment", case, w["clerk"], {"paid_on": "2026-11-19"})
    _db.session.commit()
    assert describe_clock(case, TODAY).paused_for is None
    assert "data-paused" not in client.get(f"/office/cases/{case.tracking_number}").get_data(as_text=True)
