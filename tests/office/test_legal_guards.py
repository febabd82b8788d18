"""Guards the Regulations put on closing a case and on moving its due date (issue 20: M1, M4, M5).

Each forbidden step is tried through the staff API and through the office form: it is refused
with the rule in Chinese, and nothing is written (status, due date, audit trail unchanged).
"""
from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from caseapp.accounts.operations import create_token
from caseapp.cases import operations as case_ops
from caseapp.core.actions import act
from caseapp.core.audit import AuditEvent
from caseapp.core.errors import ValidationError
from caseapp.extensions import db as _db
from caseapp.fees import operations as fee_ops
from caseapp.letters import operations as letter_ops
from caseapp.letters.models import Letter
from tests.conftest import csrf_from
from tests.letters.conftest import letter_world  # noqa: F401 - a fixture of these tests


def _events(db, case) -> list[str]:
    db.session.rollback()  # see what the requests committed
    return list(db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.case_id == case.id)
                                   .order_by(AuditEvent.id)))


def _api(client, user, case, payload):
    token = create_token(user)
    _db.session.commit()
    return client.post(f"/api/v1/cases/{case.tracking_number}/actions", headers={"Authorization": f"Bearer {token}"},
                       json={"version": case.version, **payload})


def _refused_both_ways(db, client, office, submit, user, case, payload: dict, *, status: int, field: str | None,
                       message: str):
    """The step is refused by the API and by the office form with `message`, and changes nothing."""
    before = (_events(db, case), db.session.get(type(case), case.id).status, db.session.get(type(case), case.id).due_on)
    resp = _api(client, user, case, payload)
    assert resp.status_code == status, resp.get_json()
    error = resp.get_json()["error"]
    said = error["fields"][field] if field else error["message"]
    assert message in said, said
    url = f"/office/cases/{case.tracking_number}/{payload['action'].replace('_', '-')}"
    form = {k: v for k, v in payload.items() if k != "action"}
    staff = office(user)
    if staff.get(url).status_code == 200:  # an action with a page of its own: its form
        page = submit(staff, url, form)
    else:  # a button of the case's letters page: shown disabled with the reason, and refused if posted
        html = staff.get(f"/office/letters/case/{case.tracking_number}").get_data(as_text=True)
        assert re.search(rf'data-action="{payload["action"]}">\s*<button[^>]* disabled', html)
        assert message in html
        page = staff.post(url, data={"csrf_token": csrf_from(html), "version": str(case.version), **form})
    html = page.get_data(as_text=True)
    if page.status_code == 302:  # a refused button flashes its reason on the page it returns to
        html = staff.get(page.headers["Location"]).get_data(as_text=True)
    else:
        assert page.status_code == 422
    assert message in html
    case = db.session.get(type(case), case.id)
    assert (_events(db, case), case.status, case.due_on) == before


@pytest.mark.frozen_at("2026-11-20")
def test_a_correction_cannot_be_closed_as_lapsed_before_its_period_ends(db, client, make_case, make_user, office,
                                                                         submit):
    case = make_case("correction_requested", today=date(2026, 11, 12))  # 15 working days: due 2026-12-03
    assert case.correction_due_on == date(2026, 12, 3)
    supervisor = make_user("supervisor", agency=case.agency)
    _refused_both_ways(db, client, office, submit, supervisor, case,
                       {"action": "close", "outcome": "other.correction_lapsed", "reason": "逾期未补正"},
                       status=422, field="outcome", message="补正期限至2026-12-03届满，届满前不能以逾期未补正办结。")


@pytest.mark.frozen_at("2026-12-04")
def test_a_correction_lapses_the_day_after_its_period(db, make_case, make_user):
    case = make_case("correction_requested", today=date(2026, 11, 12))
    supervisor = make_user("supervisor", agency=case.agency)
    act("close", case, supervisor, {"outcome": "other.correction_lapsed", "reason": "逾期未补正"})
    assert (case.status, case.outcome) == ("closed", "other.correction_lapsed")


def test_still_unclear_after_correction_needs_a_correction(db, client, make_case, make_user, office, submit):
    case = make_case("in_progress")
    supervisor = make_user("supervisor", agency=case.agency)
    _refused_both_ways(db, client, office, submit, supervisor, case,
                       {"action": "close", "outcome": "unavailable.unclear_after_correction", "reason": "仍不明确"},
                       status=422, field="outcome", message="只有在告知补正并收到补正后")


def test_still_unclear_after_a_received_correction_may_close(db, make_case, make_user):
    case = make_case("correction_requested", today=date(2026, 11, 3))
    case_ops.receive_correction(case, actor=None, text="所需文件为示教〔2026〕1号。", today=date(2026, 11, 5))
    case_ops.accept_case(case, actor=case.clerk, today=date(2026, 11, 6))
    db.session.commit()
    supervisor = make_user("supervisor", agency=case.agency)
    act("close", case, supervisor, {"outcome": "unavailable.unclear_after_correction", "reason": "补正后仍不明确"})
    assert case.outcome == "unavailable.unclear_after_correction"


def _fee_notice_served(db, w, delivery: dict):
    """A fee on 150 pages, proposed, approved and its notice issued on Thursday 2026-11-12."""
    case = w["case"]
    fee_ops.propose_fee(case, actor=w["clerk"], basis="pages", count=150, today=date(2026, 11, 12))
    fee = fee_ops.approve_fee(case, actor=w["supervisor"], how_to_pay="通过非税收入缴款平台缴纳",
                              today=date(2026, 11, 12))
    letter_ops.issue_letter(db.session.get(Letter, fee.letter_id), actor=w["clerk"], delivery=delivery,
                            today=date(2026, 11, 12))
    db.session.commit()
    return fee


@pytest.mark.frozen_at("2026-11-20")
def test_a_fee_cannot_be_closed_as_unpaid_before_its_payment_period_ends(db, client, letter_world, office, submit):
    w = letter_world
    case = w["case"]
    fee = _fee_notice_served(db, w, {"method": "hand", "date": "2026-11-12"})
    assert (case.status, fee.pay_by) == ("awaiting_fee", date(2026, 12, 10))
    _refused_both_ways(db, client, office, submit, w["supervisor"], case,
                       {"action": "close", "outcome": "other.fee_unpaid", "reason": "逾期未缴费"},
                       status=422, field="outcome", message="缴费期限至2026-12-10届满，届满前不能以逾期未缴费办结。")


@pytest.mark.frozen_at("2027-01-20")
def test_a_posted_fee_notice_whose_receipt_is_not_recorded_cannot_lapse(db, letter_world):
    w = letter_world
    case = w["case"]
    fee = _fee_notice_served(db, w, {"method": "post", "date": "2026-11-12", "reference": "XA123456789CN"})
    assert fee.pay_by is None  # the 20 working days run from the applicant's receipt, not yet recorded
    with pytest.raises(ValidationError) as err:
        act("close", case, w["supervisor"], {"outcome": "other.fee_unpaid", "reason": "逾期未缴费"})
    assert "缴费期限尚未起算" in str(err.value.errors["outcome"])
    assert case.status == "awaiting_fee"


def _late_extension(db, make_case, make_user):
    """A case due 2026-11-30 (received 11-02) whose clerk asked for an extension on 11-27."""
    case = make_case("in_progress", received_on=date(2026, 11, 2))
    assert case.due_on == date(2026, 11, 30)
    act("request_extension", case, case.clerk, {"days": 10, "reason": "需协调多个部门。"}, today=date(2026, 11, 27))
    return case, make_user("supervisor", agency=case.agency)


@pytest.mark.frozen_at("2026-12-01")
def test_an_extension_cannot_be_approved_after_the_due_date(db, client, make_case, make_user, office, submit):
    case, supervisor = _late_extension(db, make_case, make_user)
    _refused_both_ways(db, client, office, submit, supervisor, case, {"action": "approve_extension"},
                       status=409, field=None, message="答复期限已于 2026-11-30 届满，不能再延期或延后答复")
    assert case.extension_days == 0


@pytest.mark.frozen_at("2026-12-01")
def test_an_extension_notice_cannot_be_issued_after_the_original_due_date(db, client, make_case, make_user):
    case, supervisor = _late_extension(db, make_case, make_user)
    act("approve_extension", case, supervisor, {}, today=date(2026, 11, 30))  # approved on the last day
    notice = db.session.scalar(sa.select(Letter).where(Letter.case_id == case.id,
                                                       Letter.template == "extension_notice"))
    assert case.due_on == date(2026, 12, 14) and notice.status == "approved"
    before = _events(db, case)
    resp = _api(client, case.clerk, case, {"action": "issue_letter", "letter_id": notice.id,
                                           "delivery": {"method": "hand", "date": "2026-12-01"}})
    assert resp.status_code == 409, resp.get_json()
    assert "原答复期限为2026-11-30" in resp.get_json()["error"]["message"]
    assert _events(db, case) == before and db.session.get(Letter, notice.id).number is None
    # Handed over on the last day (and recorded the next morning): the notice was in time.
    out = act("issue_letter", case, case.clerk, {"letter_id": notice.id,
                                                 "delivery": {"method": "hand", "date": "2026-11-30"}})
    assert out["status"] == "issued"


def _consulted_with_a_disclosure_submitted(db, w):
    """The case's third party is consulted and a disclosing reply awaits approval."""
    from caseapp.consultations.operations import consult

    from tests.consultations.letters import issue_consultation_letter

    c = consult(w["case"], actor=w["clerk"], kind="third_party", question="是否同意公开贵公司报送的材料？",
                third_party={"name": "示范化工有限公司", "address": "示范市化工园区1号"})
    issue_consultation_letter(c, clerk=w["clerk"], supervisor=w["supervisor2"], on=date(2026, 11, 10))
    letter = letter_ops.draft_letter(w["case"], actor=w["clerk"], template="disclosed",
                                     fields={"provided": "《示范化工有限公司应急预案》，随本答复书提供。"})
    letter_ops.submit_letter(letter, actor=w["clerk"])
    db.session.commit()
    return c, letter


def test_a_disclosing_reply_waits_for_the_third_partys_answer(db, client, letter_world, office, login):
    """Reg. 32 (issue 20 H1): while the third party's consultation is open, a disclosing reply is
    neither approved nor issued, through the API or the office's button."""
    w = letter_world
    c, letter = _consulted_with_a_disclosure_submitted(db, w)
    message = "示范化工有限公司尚未答复征求意见（答复期限至"
    before = _events(db, w["case"])
    resp = _api(client, w["supervisor"], w["case"], {"action": "approve_letter", "letter_id": letter.id})
    assert resp.status_code == 409 and message in resp.get_json()["error"]["message"]
    staff = office(w["supervisor"])
    page = staff.get(f"/office/letters/{letter.id}").get_data(as_text=True)
    assert message in page  # the approve button is shown disabled with the reason
    resp = staff.post(f"/office/letters/{letter.id}/approve", data={"csrf_token": csrf_from(page)},
                      headers={"Referer": f"http://localhost/office/letters/{letter.id}"})
    assert resp.status_code == 302 and message in staff.get(resp.headers["Location"]).get_data(as_text=True)
    assert _events(db, w["case"]) == before and db.session.get(Letter, letter.id).status == "submitted"
    # Once the third party has answered, the reply goes ahead.
    act("record_opinion", w["case"], w["clerk"], {"consultation_id": c.id, "opinion": "agree", "reasons": "同意公开。"})
    assert act("approve_letter", w["case"], w["supervisor"], {"letter_id": letter.id})["status"] == "approved"


def test_a_refusal_does_not_wait_for_the_consultation(db, letter_world):
    from caseapp.consultations.operations import consult

    w = letter_world
    consult(w["case"], actor=w["clerk"], kind="third_party", question="是否同意公开？",
            third_party={"name": "示范化工有限公司"})
    letter = letter_ops.draft_letter(w["case"], actor=w["clerk"], template="withheld.third_party",
                                     fields={"interest": "第三方的商业秘密", "reason": "该信息涉及第三方商业秘密。"})
    letter_ops.submit_letter(letter, actor=w["clerk"])
    db.session.commit()
    assert act("approve_letter", w["case"], w["supervisor"], {"letter_id": letter.id})["status"] == "approved"
