"""The consult and record_opinion actions through the registry's runner and the staff API, with the
payloads of the API contract (consultation_id at the top level and under result)."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from caseapp.accounts.operations import create_token
from caseapp.consultations.models import Consultation
from caseapp.consultations.operations import consult
from caseapp.core.actions import act, get_action
from caseapp.core.clock import local_today
from caseapp.core.db import writing
from caseapp.core.errors import NotFoundError, TransitionError, ValidationError


@pytest.fixture
def case(db, make_agency, make_user, make_case):
    agency = make_agency("SFKJ", "示范市科学技术局")
    make_agency("SFTJ", "示范市统计局")
    clerk = make_user("clerk", agency=agency)
    today = local_today()
    case = make_case(status="in_progress", agency=agency, handler=clerk, received_on=today, today=today)
    return case


def _post(client, db, case, user, body):
    db.session.rollback()  # a fresh transaction that writes at once (BEGIN IMMEDIATE)
    with writing():
        token = create_token(user)
        db.session.commit()
    db.session.refresh(case)
    body = {**body, "version": case.version}  # the case version last seen, as every case action carries
    db.session.commit()  # no read snapshot left open while the request writes
    return client.post(f"/api/v1/cases/{case.tracking_number}/actions", json=body,
                       headers={"Authorization": f"Bearer {token}"})


def test_consult_and_record_opinion_by_api(client, db, case):
    clerk = case.clerk
    answer = _post(client, db, case, clerk, {"action": "consult", "kind": "agency", "purpose": "joint_production", "agency": "SFTJ",
                                             "question": "该统计数据系联合发布，是否同意公开？"})
    assert answer.status_code == 200, answer.json
    cid = answer.json["consultation_id"]
    assert answer.json["result"]["consultation_id"] == cid and answer.json["result"]["status"] == "sent"
    answer = _post(client, db, case, clerk, {"action": "consult", "kind": "third_party",
                                             "third_party": {"name": "示范数据有限公司", "address": "示范市高新路1号",
                                                             "phone": "0571-86660000"},
                                             "question": "是否同意公开贵公司报送的数据？"})
    assert answer.status_code == 200 and answer.json["result"]["kind"] == "third_party"
    agency_cid, cid = cid, answer.json["consultation_id"]
    # By letter: nothing is sent, and no answer can be recorded, until its letter is issued.
    assert answer.json["result"]["sent_on"] is None and answer.json["result"]["due_on"] is None
    early = _post(client, db, case, clerk, {"action": "record_opinion", "consultation_id": cid, "opinion": "disagree",
                                            "reasons": "数据尚未审定。"})
    assert early.status_code == 409 and "征求意见函件尚未发出" in early.json["error"]["message"]
    _send_by_api(client, db, case, answer.json["result"]["letter_id"], {"method": "hand",
                                                                        "date": local_today().isoformat()})
    bad = _post(client, db, case, clerk, {"action": "consult", "kind": "department", "department": "NOPE",
                                          "question": "请核实。"})
    assert bad.status_code == 422 and "department" in bad.json["error"]["fields"]
    # An agency on the platform answers there itself: the asking clerk cannot answer for it.
    for_them = _post(client, db, case, clerk, {"action": "record_opinion", "consultation_id": agency_cid,
                                               "opinion": "agree", "reasons": "同意。"})
    assert for_them.status_code == 409 and "应在平台上自行答复" in for_them.json["error"]["message"]
    done = _post(client, db, case, clerk, {"action": "record_opinion", "consultation_id": cid, "opinion": "disagree",
                                           "reasons": "数据尚未审定。", "received_on": local_today().isoformat()})
    assert done.status_code == 200, done.json
    assert done.json["consultation_id"] == cid and done.json["result"]["opinion"] == "disagree"
    again = _post(client, db, case, clerk, {"action": "record_opinion", "consultation_id": cid, "opinion": "agree",
                                            "reasons": "改为同意。"})
    assert again.status_code == 409
    missing = _post(client, db, case, clerk, {"action": "record_opinion", "consultation_id": 999999,
                                              "opinion": "agree", "reasons": "同意。"})
    assert missing.status_code == 404


def test_actions_are_registered_for_handlers(case, make_user, db):
    consult = get_action("consult")
    assert consult is not None and {r.value for r in consult.roles} == {"clerk", "supervisor"}
    liaison = make_user("liaison", agency=case.agency)
    with pytest.raises(Exception):
        act("consult", case, liaison, {"kind": "department", "department": "BGS", "question": "请核实。"})
    db.session.rollback()
    with pytest.raises(ValidationError):
        act("consult", case, case.clerk, {"kind": "department", "department": "BGS"})  # no question
    db.session.rollback()
    result = act("consult", case, case.clerk, {"kind": "department", "department": "BGS", "question": "请核实。",
                                               "due_days": 3})
    assert result["status"] == "sent"
    with pytest.raises(NotFoundError):
        act("record_opinion", case, case.clerk, {"consultation_id": result["consultation_id"] + 1000,
                                                 "opinion": "agree", "reasons": "同意"})


def test_consult_refused_on_a_closed_case(db, make_case):
    closed = make_case(status="closed")
    with pytest.raises(TransitionError):
        act("consult", closed, closed.clerk, {"kind": "department", "department": "BGS", "question": "请核实。"})


def test_an_agency_on_the_platform_is_asked_when_recorded(db, make_agency, make_user, make_case):
    """SPEC §5: on the platform the addressee has the question in its inbox at once, so the pause and
    the 15 working days start on recording; the formal letter drafted for it, issued later, moves
    nothing."""
    from caseapp.consultations import operations as ops
    from caseapp.letters import operations as letters
    from caseapp.letters.models import Letter

    agency = make_agency("SFHB", "示范市生态环境局")
    make_agency("SFSL", "示范市水利局")
    clerk = make_user("clerk", agency=agency)
    supervisor = make_user("supervisor", agency=agency)
    case = make_case(status="in_progress", agency=agency, handler=clerk, received_on=date(2026, 11, 2),
                     today=date(2026, 11, 2))
    c = ops.consult(case, actor=clerk, kind="agency", purpose="joint_production", agency="SFSL", question="该监测报告系联合发布，是否同意公开？",
                    sent_on=date(2026, 11, 3), today=date(2026, 11, 3))
    db.session.commit()
    assert (c.sent_on, c.due_on, c.pause.started_on, c.letter_id) == (date(2026, 11, 3), date(2026, 11, 24),
                                                                      date(2026, 11, 3), None)
    letter = db.session.scalars(sa.select(Letter).where(Letter.case_id == case.id)).one()
    letters.submit_letter(letter, actor=clerk)
    letters.approve_letter(letter, actor=supervisor)
    letters.issue_letter(letter, actor=clerk, delivery={"method": "hand", "date": "2026-11-05"},
                         today=date(2026, 11, 5))
    db.session.commit()
    assert (c.sent_on, c.delivered_on, c.due_on) == (date(2026, 11, 3), date(2026, 11, 3), date(2026, 11, 24))
    assert c.pause.started_on == date(2026, 11, 3) and c.pause.counted_from == date(2026, 11, 3)


def _send_by_api(client, db, case, letter_id, delivery):
    """Submit, approve (another user: a supervisor of the agency) and issue a consultation letter
    through the staff API, as the office would."""
    from caseapp.accounts.models import User

    db.session.rollback()
    supervisor = db.session.scalar(sa.select(User).where(User.agency_id == case.agency_id,
                                                         User.role == "supervisor").limit(1))
    if supervisor is None:
        from caseapp.accounts.operations import create_user

        with writing():
            supervisor = create_user(f"sup{case.id}", "test-pass-123", "supervisor", agency=case.agency)
            db.session.commit()
    for user, body in ((case.clerk, {"action": "submit_letter", "letter_id": letter_id}),
                       (supervisor, {"action": "approve_letter", "letter_id": letter_id}),
                       (case.clerk, {"action": "issue_letter", "letter_id": letter_id, "delivery": delivery})):
        resp = _post(client, db, case, user, body)
        assert resp.status_code == 200, resp.json
    return resp


def _sent(client, db, case, clerk, **over):
    body = {"action": "consult", "kind": "third_party",
            "third_party": {"name": "示范数据有限公司", "address": "示范市高新路1号"},
            "question": "是否同意公开贵公司报送的数据？", **over}
    return _post(client, db, case, clerk, body)


def _events_of(db, case, action):
    db.session.rollback()
    from caseapp.core.audit import AuditEvent

    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.case_id == case.id,
                                                               AuditEvent.action == action)))


def test_the_same_party_is_not_consulted_twice_while_its_answer_is_awaited(client, db, case):
    first = _sent(client, db, case, case.clerk)
    assert first.status_code == 200, first.json
    again = _sent(client, db, case, case.clerk, third_party={"name": "示范数据有限公司"})
    assert again.status_code == 422
    assert "征求意见函件尚未发出）；请发出该函件，或先撤销原征求意见" in again.json["error"]["fields"]["third_party_name"]
    _send_by_api(client, db, case, first.json["result"]["letter_id"], {"method": "hand",
                                                                       "date": local_today().isoformat()})
    again = _sent(client, db, case, case.clerk, third_party={"name": "示范数据有限公司"})
    assert again.status_code == 422
    assert "尚未答复；如需重新征求，请先撤销原征求意见" in again.json["error"]["fields"]["third_party_name"]
    assert len(_events_of(db, case, "consultation.sent")) == 1
    other = _sent(client, db, case, case.clerk, third_party={"name": "示范科技有限公司"})
    assert other.status_code == 200  # another party may be asked


def test_a_consultation_is_cancelled_with_its_reason_and_its_pause_ends(client, db, case):
    sent = _sent(client, db, case, case.clerk).json["result"]
    cid = sent["consultation_id"]
    _send_by_api(client, db, case, sent["letter_id"], {"method": "hand", "date": local_today().isoformat()})
    db.session.rollback()
    c = db.session.get(Consultation, cid)
    assert c.pause is not None and c.pause.ended_on is None
    refused = _post(client, db, case, case.clerk, {"action": "cancel_consultation", "consultation_id": cid})
    assert refused.status_code == 422 and "reason" in refused.json["error"]["fields"]
    done = _post(client, db, case, case.clerk, {"action": "cancel_consultation", "consultation_id": cid,
                                                "reason": "申请人已撤回该项内容。"})
    assert done.status_code == 200, done.json
    db.session.rollback()
    c = db.session.get(Consultation, cid)
    assert (c.status, c.cancelled_on, c.cancel_reason) == ("cancelled", local_today(), "申请人已撤回该项内容。")
    assert c.pause.ended_on == local_today()
    [event] = _events_of(db, case, "consultation.cancelled")
    assert event.note == "申请人已撤回该项内容。"
    twice = _post(client, db, case, case.clerk, {"action": "cancel_consultation", "consultation_id": cid,
                                                 "reason": "再次撤销"})
    assert twice.status_code == 409 and "只有尚待答复的征求意见才能撤销" in twice.json["error"]["message"]
    assert _sent(client, db, case, case.clerk).status_code == 200  # once cancelled, the party may be asked again


def test_the_office_cancels_from_the_consultation_page(app, db, case, login):
    from tests.conftest import csrf_from

    clerk = case.clerk
    c = consult(case, actor=clerk, kind="third_party", third_party={"name": "示范数据有限公司"},
                question="是否同意公开？")
    db.session.commit()
    browser = app.test_client()
    login(clerk, c=browser)
    page = browser.get(f"/office/consultations/{c.id}").get_data(as_text=True)
    assert 'id="cancel-form"' in page and "撤销征求意见" in page
    resp = browser.post(f"/office/cases/{case.tracking_number}/cancel-consultation",
                        data={"csrf_token": csrf_from(page), "version": str(case.version), "consultation_id": str(c.id),
                              "reason": "已另行取得该单位书面意见。"},
                        headers={"Referer": f"http://localhost/office/consultations/{c.id}"})
    assert resp.status_code == 302
    page = browser.get(resp.headers["Location"]).get_data(as_text=True)
    assert "征求意见已撤销。" in page
    page = browser.get(f"/office/consultations/{c.id}").get_data(as_text=True)
    assert "已于2026-11-10撤销：已另行取得该单位书面意见。" in page and 'id="cancel-form"' not in page


def test_closing_or_withdrawing_a_case_cancels_its_open_consultations(db, make_case, make_user):
    case = make_case("in_progress")
    c = consult(case, actor=case.clerk, kind="third_party", third_party={"name": "示范数据有限公司"},
                question="是否同意公开？")
    db.session.commit()
    act("close", case, make_user("supervisor", agency=case.agency), {"outcome": "disclosed", "reason": "已提供"})
    assert (c.status, c.cancel_reason, c.pause) == ("cancelled", "案件已办结。", None)  # its letter never went out
    other = make_case("in_progress", agency=case.agency, handler=case.clerk)
    d = consult(other, actor=case.clerk, kind="department", department="BGS", question="请核实。")
    db.session.commit()
    act("withdraw", other, case.clerk, {"reason": "申请人撤回"})
    assert (d.status, d.cancel_reason) == ("cancelled", "申请已撤回。")


def test_an_agency_consultation_needs_its_purpose(client, db, case, login):
    """SPEC §5: the clerk says why another agency is asked; through the API and the office's form."""
    resp = _post(client, db, case, case.clerk, {"action": "consult", "kind": "agency", "agency": "SFTJ",
                                                "question": "该统计数据是否仍然有效？"})
    assert resp.status_code == 422 and "请选择征求该机关意见的事由" in resp.json["error"]["fields"]["purpose"]
    from tests.conftest import csrf_from

    login(case.clerk)
    page = client.get(f"/office/cases/{case.tracking_number}/consult").get_data(as_text=True)
    assert 'name="purpose" type="radio" value="joint_production"' in page or 'value="joint_production"' in page
    resp = client.post(f"/office/cases/{case.tracking_number}/consult", data={
        "csrf_token": csrf_from(page), "kind": "agency", "agency": "SFTJ", "question": "该统计数据是否仍然有效？",
        "sent_on": local_today().isoformat()})
    assert resp.status_code == 422 and "请选择征求该机关意见的事由" in resp.get_data(as_text=True)
    assert _events_of(db, case, "consultation.sent") == []


def test_an_agency_asked_another_question_neither_pauses_the_clock_nor_consents_by_silence(client, db, case):
    """SPEC §5: purpose `opinion` — the clock runs, its letter does not speak of joint production, its
    silence lapses without consent, and a disclosing reply does not wait for it."""
    from caseapp.consultations.deadlines import lapse_consultation
    from caseapp.letters.models import Letter

    due = case.due_on
    resp = _post(client, db, case, case.clerk, {"action": "consult", "kind": "agency", "agency": "SFTJ",
                                                "purpose": "opinion", "question": "该统计公报是否仍然有效"})
    assert resp.status_code == 200, resp.json
    db.session.rollback()
    c = db.session.get(Consultation, resp.json["consultation_id"])
    assert (c.purpose, c.pause, c.pauses_clock) == ("opinion", None, False)
    assert db.session.get(type(case), case.id).due_on == due
    letter = db.session.scalar(sa.select(Letter).where(Letter.case_id == case.id,
                                                       Letter.template == "consultation_agency"))
    assert letter.fields["purpose"] == "opinion" and letter.fields["question"] == "该统计公报是否仍然有效"
    from caseapp.letters import rendering
    from caseapp.letters.values import agency_values, case_values

    html = rendering.render_html("consultation_agency", rendering.build_context(
        key="consultation_agency", agency=agency_values(case.agency), case=case_values(case), fields=letter.fields,
        number=None, dated=local_today()))
    assert "共同制作" not in html and "视为同意" not in html and "征求意见事项：该统计公报是否仍然有效。" in html
    with writing():
        lapse_consultation(c, today=load_calendar_day(c.due_on))
        db.session.commit()
    assert c.status == "lapsed" and _events_of(db, case, "consultation.deemed_consent") == []


def load_calendar_day(day):
    """The working day after `day`."""
    from caseapp.calendar.service import load_calendar

    return load_calendar().next_working_day(day, inclusive=False)


def test_a_posted_letters_receipt_date_starts_its_fifteen_working_days(client, db, case, make_case):
    """SPEC §5 (issue 20 M2): by post, the 15 working days count from the addressee's receipt."""
    case = make_case("in_progress", agency=case.agency, handler=case.clerk, received_on=date(2026, 11, 2))
    sent = _post(client, db, case, case.clerk, {
        "action": "consult", "kind": "third_party", "third_party": {"name": "示范数据有限公司"},
        "question": "是否同意公开？"})
    cid = sent.json["consultation_id"]
    unsent = _post(client, db, case, case.clerk, {"action": "record_letter_receipt", "consultation_id": cid,
                                                  "received_on": "2026-11-06"})
    assert unsent.status_code == 409 and "征求意见函件尚未发出" in unsent.json["error"]["message"]
    issued = _send_by_api(client, db, case, sent.json["result"]["letter_id"],
                          {"method": "post", "date": "2026-11-03", "reference": "XA100000002CN"})
    assert issued.json["result"]["status"] == "issued"
    db.session.rollback()
    assert db.session.get(Consultation, cid).due_on == date(2026, 11, 24)  # 15 WD from the posting, until known
    early = _post(client, db, case, case.clerk, {"action": "record_letter_receipt", "consultation_id": cid,
                                                 "received_on": "2026-11-02"})
    assert early.status_code == 422 and "不能早于函件发出日期（2026-11-03）" in early.json["error"]["fields"]["received_on"]
    later = _post(client, db, case, case.clerk, {"action": "record_letter_receipt", "consultation_id": cid,
                                                 "received_on": "2026-11-30"})
    assert later.status_code == 422 and "received_on" in later.json["error"]["fields"]  # in the future
    done = _post(client, db, case, case.clerk, {"action": "record_letter_receipt", "consultation_id": cid,
                                                "received_on": "2026-11-06"})
    assert done.status_code == 200, done.json
    assert done.json["result"]["due_on"] == "2026-11-27"  # 11/9-11/13, 11/16-11/20, 11/23-11/27
    db.session.rollback()
    c = db.session.get(Consultation, cid)
    assert (c.delivered_on, c.pause.counted_from) == (date(2026, 11, 6), date(2026, 11, 6))
    assert len(_events_of(db, case, "consultation.letter_received")) == 1
    dept = _post(client, db, case, case.clerk, {"action": "consult", "kind": "department", "department": "BGS",
                                                "question": "请核实。"}).json["consultation_id"]
    refused = _post(client, db, case, case.clerk, {"action": "record_letter_receipt", "consultation_id": dept,
                                                   "received_on": "2026-11-10"})
    assert refused.status_code == 409
