"""109号 and SPEC §8: the 20 working days to pay run from the applicant's receipt of the fee notice,
and a per-request fee charges each request beyond the free ten of the month once."""
from __future__ import annotations

from datetime import date

import pytest

from caseapp.calendar.service import load_calendar
from caseapp.jobs.sweep import sweep
from caseapp.core.errors import ValidationError
from caseapp.core.filestore import open_path
from caseapp.fees import operations as fee_ops
from caseapp.fees.queries import covered_tracking_numbers
from caseapp.letters import operations as ops
from caseapp.letters.models import Letter
from tests.letters.conftest import pdf_text, squash

SERVED = date(2026, 11, 12)


def _notice(db, w, fee, method, served=SERVED):
    notice = db.session.get(Letter, fee.letter_id)
    ops.issue_letter(notice, actor=w["clerk"], delivery={"method": method, "date": served.isoformat(),
                                                         "reference": "XA123456789CN" if method == "post" else ""},
                     today=served)
    db.session.commit()
    return notice


def _approved(w, **kw):
    fee = fee_ops.propose_fee(w["case"], actor=w["clerk"], today=SERVED, **kw)
    return fee_ops.approve_fee(w["case"], actor=w["supervisor"], how_to_pay="通过非税收入缴款平台缴纳", today=SERVED)


def test_a_notice_handed_over_runs_from_that_day(db, letter_world):
    fee = _approved(letter_world, basis="pages", count=150)
    _notice(db, letter_world, fee, "hand")
    assert fee.received_on == SERVED
    assert fee.pay_by == load_calendar().add_working_days(SERVED, 20)


def test_a_posted_notice_waits_for_its_signed_for_date_and_never_lapses_without_it(db, letter_world):
    w = letter_world
    fee = _approved(w, basis="pages", count=150)
    _notice(db, w, fee, "post")
    assert fee.status == "notified" and fee.received_on is None and fee.pay_by is None
    assert w["case"].status == "awaiting_fee"  # the clock pauses from the posting day all the same
    assert sweep(date(2027, 3, 1))["fees_lapsed"] == 0  # no proof of delivery: no lapse
    db.session.commit()
    with pytest.raises(ValidationError):
        fee_ops.record_fee_receipt(w["case"], actor=w["clerk"], received_on=date(2026, 11, 11), today=date(2026, 11, 20))
    fee_ops.record_fee_receipt(w["case"], actor=w["clerk"], received_on=date(2026, 11, 16), today=date(2026, 11, 20))
    db.session.commit()
    assert fee.pay_by == load_calendar().add_working_days(date(2026, 11, 16), 20) == date(2026, 12, 14)
    assert sweep(date(2026, 12, 14))["fees_lapsed"] == 0  # the last day to pay still counts
    assert sweep(date(2026, 12, 15))["fees_lapsed"] == 1


@pytest.fixture
def busy_applicant(db, letter_world, make_case):
    """The letters world's applicant with 35 requests to the agency in November 2026."""
    w = letter_world
    cases = [w["case"]] + [make_case("in_progress", agency=w["agency"], handler=w["clerk"],
                                     received_on=date(2026, 11, 3 + i % 20), today=date(2026, 11, 27))
             for i in range(34)]
    return w, sorted(cases, key=lambda c: (c.received_on, c.id))


def test_a_per_request_fee_charges_each_request_beyond_ten_once(db, busy_applicant):
    w, month = busy_applicant
    last = month[-1]
    w = {**w, "case": last}
    with pytest.raises(ValidationError) as err:
        fee_ops.propose_fee(last, actor=w["clerk"], basis="requests", count=20, today=SERVED)
    assert "35" in str(err.value.errors["count"])  # the count must be the month's requests on record
    fee = fee_ops.propose_fee(last, actor=w["clerk"], basis="requests", count=35, today=SERVED)
    db.session.commit()
    assert (fee.count, fee.amount) == (35, 3000)  # the 11th to 35th: 20 x 100 + 5 x 200
    assert covered_tracking_numbers(fee) == [c.tracking_number for c in month[10:]]

    # Every request beyond the tenth is charged now: another fee in the same month is refused.
    other = month[15]
    with pytest.raises(ValidationError) as err:
        fee_ops.propose_fee(other, actor=w["clerk"], basis="requests", count=35, today=SERVED)
    assert "count" in err.value.errors

    # The notice lists the requests it charges for.
    fee = fee_ops.approve_fee(last, actor=w["supervisor"], how_to_pay="通过非税收入缴款平台缴纳", today=SERVED)
    notice = _notice(db, w, fee, "email", served=date(2026, 11, 27))
    text = squash(pdf_text(open_path(notice.pdf_key).read_bytes()))
    assert month[10].tracking_number in text and month[-1].tracking_number in text
    assert "3000" in text


def test_a_later_request_of_the_month_is_charged_at_its_own_place(db, busy_applicant, make_case):
    w, month = busy_applicant
    fee_ops.propose_fee(month[-1], actor=w["clerk"], basis="requests", count=35, today=SERVED)
    db.session.commit()
    late = make_case("in_progress", agency=w["agency"], handler=w["clerk"], received_on=date(2026, 11, 27),
                     today=date(2026, 11, 27))
    fee = fee_ops.propose_fee(late, actor=w["clerk"], basis="requests", count=36, today=date(2026, 11, 27))
    assert (fee.amount, covered_tracking_numbers(fee)) == (200, [late.tracking_number])  # the 36th: 200 yuan


def test_an_agency_that_charges_no_fees_refuses_a_proposal(db, letter_world, make_user):
    from caseapp.accounts.operations import update_agency_settings
    from caseapp.core.actions import act
    from caseapp.core.errors import TransitionError

    w = letter_world
    update_agency_settings(w["agency"], actor=make_user("admin", agency=None), charges_fees=False)
    db.session.commit()
    with pytest.raises(TransitionError):
        act("propose_fee", w["case"], w["clerk"], {"basis": "pages", "count": 150})


def test_the_notice_writes_consecutive_requests_as_a_range():
    from caseapp.fees.operations import compact_numbers

    numbers = [f"SFJY-2026-{n:06d}" for n in (11, 12, 13, 15, 16)] + ["SFZJ-2026-000017"]
    assert compact_numbers(numbers) == ("SFJY-2026-000011至SFJY-2026-000013、SFJY-2026-000015、SFJY-2026-000016、"
                                        "SFZJ-2026-000017")
    assert compact_numbers([]) == ""


def test_a_per_request_fee_is_proposed_on_a_request_it_charges(db, busy_applicant, client, login):
    """Issue 20 H4: the fee notice pauses, and when unpaid closes, the case it is proposed on; a
    request within the free ten is refused, through the API and the office form, and nothing is written."""
    from caseapp.accounts.operations import create_token
    from caseapp.fees.models import Fee
    from tests.conftest import csrf_from

    w, month = busy_applicant
    free = month[2]  # the applicant's third request of the month: free
    token = create_token(w["clerk"])
    db.session.commit()
    resp = client.post(f"/api/v1/cases/{free.tracking_number}/actions", headers={"Authorization": f"Bearer {token}"},
                       json={"action": "propose_fee", "version": free.version, "basis": "requests", "count": 35})
    assert resp.status_code == 422, resp.get_json()
    said = resp.get_json()["error"]["fields"]["basis"]
    assert "当月第3件申请，不予收费" in said and month[10].tracking_number in said
    login(w["clerk"])
    page = client.get(f"/office/letters/case/{free.tracking_number}").get_data(as_text=True)
    resp = client.post(f"/office/cases/{free.tracking_number}/propose-fee",
                       data={"csrf_token": csrf_from(page), "version": str(free.version),
                             "basis": "requests", "count": "35"})
    assert resp.status_code in (302, 422)
    html = resp.get_data(as_text=True) if resp.status_code == 422 else client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "当月第3件申请，不予收费" in html
    db.session.rollback()
    assert db.session.query(Fee).count() == 0 and db.session.get(type(free), free.id).status == "in_progress"
    # On a charged one (the 11th), the same proposal goes through.
    assert fee_ops.propose_fee(month[10], actor=w["clerk"], basis="requests", count=35, today=SERVED).amount == 3000
