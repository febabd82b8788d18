"""Disclosing over a third party's objection (Reg. 32, issue 20 H2, SPEC §5).

A third party consulted on the request objects. The reply that discloses is approved only with the
approver's reasoned decision on the objection; disclosed over it, the reply goes out only after the
notice to the third party (what is disclosed, why, from when) was issued and on or after the date
of disclosure it gives, which leaves the third party at least 15 working days after the notice
reaches it. The objection is shown on the approval page, and the notice can still be drafted once
the case is closed with a disclosure.

Official 2026 calendar: received Monday 11/2 (due 11/30 unpaused); the third party is written to on
Tuesday 11/3 and answers on Monday 11/9 (paused 11/4-11/9: due 12/4). A notice delivered on Tuesday
11/10 leaves 15 working days to Tuesday 12/1: the information can go out from Wednesday 12/2.
"""
from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from caseapp.consultations import operations as ops
from caseapp.core.actions import act
from caseapp.core.audit import AuditEvent
from caseapp.core.db import writing
from caseapp.letters import operations as letter_ops
from caseapp.letters.models import Letter
from tests.conftest import SHANGHAI, csrf_from
from tests.consultations.letters import issue_consultation_letter
from tests.letters.conftest import letter_world  # noqa: F401 - a fixture of these tests
from tests.letters.guards import api, events, refused_on_the_letter_page
from tests.office.conftest import office, submit  # noqa: F401 - fixtures of these tests

PARTY = "示范教育科技有限公司"
REASONS = "合同使用财政资金，涉及全市中小学校的教育信息化服务，不公开可能对公共利益造成重大影响。"


def _travel(clock, day: date) -> None:
    clock.move_to(datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHANGHAI).astimezone(UTC))


@pytest.fixture
def objected(db, letter_world):
    """The third party, written to on 11/3, disagreed on 11/9; a full disclosure awaits approval."""
    w = letter_world
    case = w["case"]
    c = ops.consult(case, actor=w["clerk"], kind="third_party", question="是否同意公开贵公司与本局签订的服务合同？",
                    third_party={"name": PARTY, "address": "示范市人民路8号"}, today=date(2026, 11, 3))
    issue_consultation_letter(c, clerk=w["clerk"], supervisor=w["supervisor2"], on=date(2026, 11, 3))
    ops.record_opinion(c, actor=w["clerk"], opinion="disagree", reasons="合同金额属于本公司商业秘密。",
                       received_on=date(2026, 11, 9), today=date(2026, 11, 9))
    reply = letter_ops.draft_letter(case, actor=w["clerk"], template="disclosed",
                                    fields={"provided": "《教育信息化服务合同》，随本答复书提供。"})
    letter_ops.submit_letter(reply, actor=w["clerk"])
    db.session.commit()
    assert case.due_on == date(2026, 12, 4)
    return {**w, "consultation": c, "reply": reply}


def _approve(db, client, w, letter, **decision):
    resp = api(client, w["supervisor"], w["case"], {"action": "approve_letter", "letter_id": letter.id, **decision})
    assert resp.status_code == 200, resp.get_json()
    return resp


def _notice(db, w, *, disclose_on=None, today=date(2026, 11, 10)):
    """The notice to the third party, drafted by the clerk (the date of disclosure given or the
    default) and submitted."""
    db.session.rollback()
    with writing():
        notice = ops.draft_disclosure_notice(w["consultation"], actor=w["clerk"], content="合同名称、金额及服务期限。",
                                             reasons=REASONS, disclose_on=disclose_on, today=today)
        letter_ops.submit_letter(notice, actor=w["clerk"])
        db.session.commit()
    return notice


@pytest.mark.frozen_at("2026-11-10")
def test_approving_a_disclosure_over_an_objection_needs_a_reasoned_decision(db, client, objected, office):
    w, reply = objected, objected["reply"]
    # No decision: refused beside the field, through the API and the office's approval form.
    refused_on_the_letter_page(db, client, office, w["supervisor"], w["case"], reply, {"action": "approve_letter"},
                               status=422, field="objection_decision", shown_disabled=False,
                               message="第三方不同意公开：请决定对其不同意公开的信息予以公开还是不予公开")
    # A decision without its reasons.
    refused_on_the_letter_page(db, client, office, w["supervisor"], w["case"], reply,
                               {"action": "approve_letter", "objection_decision": "disclose"},
                               status=422, field="decision_reasons", shown_disabled=False,
                               message="请说明对第三方意见作出决定的理由")
    # A full disclosure cannot withhold what the third party objects to.
    refused_on_the_letter_page(db, client, office, w["supervisor"], w["case"], reply,
                               {"action": "approve_letter", "objection_decision": "withhold", "decision_reasons": "采纳"},
                               status=422, field="objection_decision", shown_disabled=False,
                               message="全部公开将公开第三方不同意公开的信息")
    _approve(db, client, w, reply, objection_decision="disclose", decision_reasons=REASONS)
    db.session.rollback()
    reply = db.session.get(Letter, reply.id)
    assert (reply.status, reply.objection_decision, reply.decision_reasons) == ("approved", "disclose", REASONS)
    approved = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.case_id == w["case"].id,
                                                             AuditEvent.action == "letter.approved")
                                 .order_by(AuditEvent.id.desc()).limit(1))
    assert REASONS in approved.note and approved.after["objection_decision"] == "disclose"


@pytest.mark.frozen_at("2026-11-10")
def test_the_objection_is_shown_on_the_approval_page(db, objected, office, make_case, letter_world):
    w = objected
    staff = office(w["supervisor"])
    page = staff.get(f"/office/letters/{w['reply'].id}").get_data(as_text=True)
    section = page.split('id="letter-objections"')[1].split("</section>")[0]
    assert "第三方不同意公开的意见" in section and PARTY in section and "合同金额属于本公司商业秘密。" in section
    assert "不同意" in section and "2026-11-09收到" in section
    form = page.split('data-action="approve_letter"')[1].split("</form>")[0]
    assert 'name="objection_decision"' in form and 'name="decision_reasons"' in form
    # A reply on a case without objections is approved as before: no objection, no decision to take.
    db.session.rollback()
    other = make_case("in_progress", agency=w["agency"], handler=w["clerk"], received_on=date(2026, 11, 2))
    plain = letter_ops.draft_letter(other, actor=w["clerk"], template="disclosed",
                                    fields={"provided": "《招生工作实施意见》，随本答复书提供。"})
    letter_ops.submit_letter(plain, actor=w["clerk"])
    db.session.commit()
    page = staff.get(f"/office/letters/{plain.id}").get_data(as_text=True)
    assert 'id="letter-objections"' not in page and 'name="objection_decision"' not in page
    assert act("approve_letter", other, w["supervisor"], {"letter_id": plain.id})["status"] == "approved"


@pytest.mark.frozen_at("2026-11-10")
def test_a_reply_over_an_objection_waits_for_the_notice_and_its_date(db, client, clock, objected, office):
    w, reply = objected, objected["reply"]
    _approve(db, client, w, reply, objection_decision="disclose", decision_reasons=REASONS)
    issue = {"action": "issue_letter", "delivery": {"method": "hand", "date": "2026-11-10"}}
    refused_on_the_letter_page(db, client, office, w["clerk"], w["case"], reply, issue, status=409,
                               message="请先发出决定公开政府信息告知书，再发出本答复")
    # The notice: its date of disclosure by default the first day the law allows, delivered today.
    notice = _notice(db, w)
    assert notice.fields["disclose_on"] == "2026-12-02"
    assert act("approve_letter", w["case"], w["supervisor"], {"letter_id": notice.id})["status"] == "approved"
    out = act("issue_letter", w["case"], w["clerk"], {"letter_id": notice.id,
                                                      "delivery": {"method": "hand", "date": "2026-11-10"}})
    assert out["status"] == "issued" and out["case_status"] == "in_progress"
    refused_on_the_letter_page(db, client, office, w["clerk"], w["case"], reply, issue, status=409,
                               message=f"已书面告知{PARTY}将于2026-12-02公开该政府信息")
    _travel(clock, date(2026, 12, 2))
    # Delivered on the date given, not a day before (the delivery date is checked when issuing).
    resp = api(client, w["clerk"], w["case"], {"action": "issue_letter", "letter_id": reply.id,
                                               "delivery": {"method": "hand", "date": "2026-12-01"}})
    assert resp.status_code == 409 and "将于2026-12-02公开该政府信息" in resp.get_json()["error"]["message"]
    resp = api(client, w["clerk"], w["case"], {"action": "issue_letter", "letter_id": reply.id,
                                               "delivery": {"method": "hand", "date": "2026-12-02"}})
    assert resp.status_code == 200, resp.get_json()
    assert (resp.get_json()["result"]["case_status"], resp.get_json()["result"]["outcome"]) == ("closed", "disclosed")


@pytest.mark.frozen_at("2026-11-10")
def test_the_date_of_disclosure_leaves_the_third_party_15_working_days(db, client, clock, objected, office):
    """12/1 is the 15th working day after a notice delivered on 11/10: too soon (here typed into the
    draft in the letter's composer). Approved with 12/2 on 11/10, the notice can no longer go out on
    11/11 (it would leave 14 days)."""
    w = objected
    db.session.rollback()
    with writing():
        early = ops.draft_disclosure_notice(w["consultation"], actor=w["clerk"], content="合同金额。", reasons=REASONS,
                                            today=date(2026, 11, 10))
        letter_ops.update_letter(early, actor=w["clerk"], fields={"disclose_on": "2026-12-01"})
        letter_ops.submit_letter(early, actor=w["clerk"])
        db.session.commit()
    refused_on_the_letter_page(db, client, office, w["supervisor"], w["case"], early, {"action": "approve_letter"},
                               status=409, message="公开时间（2026-12-01）距告知书送达第三方之日不足15个工作日")
    notice = _notice(db, w, disclose_on="2026-12-02")
    assert act("approve_letter", w["case"], w["supervisor"], {"letter_id": notice.id})["status"] == "approved"
    _travel(clock, date(2026, 11, 11))
    refused_on_the_letter_page(db, client, office, w["clerk"], w["case"], notice,
                               {"action": "issue_letter", "delivery": {"method": "hand", "date": "2026-11-11"}},
                               status=409, message="告知书于2026-11-11送达的，最早可于2026-12-03公开")


@pytest.mark.frozen_at("2026-11-10")
def test_withholding_what_the_third_party_objects_to_needs_no_notice(db, client, objected):
    w = objected
    partial = letter_ops.draft_letter(w["case"], actor=w["clerk"], template="partially_disclosed", fields={
        "provided": "合同名称及服务期限，随本答复书提供。", "withheld_part": "合同金额。",
        "withheld_reason": "合同金额属于第三方的商业秘密，第三方不同意公开。根据《中华人民共和国政府信息公开条例》第十五条的"
                           "规定，本机关对该部分内容不予公开。"})
    db.session.commit()
    missing = letter_ops.rendering.check_required("partially_disclosed", partial.fields)
    assert not missing, missing  # the sample fields fill the template
    letter_ops.submit_letter(partial, actor=w["clerk"])
    db.session.commit()
    _approve(db, client, w, partial, objection_decision="withhold",
             decision_reasons="第三方理由成立，合同金额属于商业秘密，不予公开；其余部分予以公开。")
    resp = api(client, w["clerk"], w["case"], {"action": "issue_letter", "letter_id": partial.id,
                                               "delivery": {"method": "hand", "date": "2026-11-10"}})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["result"]["outcome"] == "partially_disclosed"


@pytest.mark.frozen_at("2026-11-10")
def test_the_notice_can_still_be_drafted_once_the_case_closed_with_a_disclosure(db, client, objected, office,
                                                                                  make_case):
    """A case closed as disclosed over an objection before the rule above (or closed directly) still
    owes the third party its notice: drafted through the API or the consultation's page, approved and
    issued after the closure. A case closed without a disclosure owes none."""
    w = objected
    c = w["consultation"]
    assert act("close", w["case"], w["supervisor"], {"outcome": "disclosed", "reason": "已当面提供",
                                                     "delivered_on": "2026-11-10"}).status == "closed"
    before = events(db, w["case"])
    resp = api(client, w["clerk"], w["case"], {"action": "draft_disclosure_notice", "consultation_id": c.id,
                                               "content": "合同名称、金额及服务期限。", "reasons": REASONS})
    assert resp.status_code == 200, resp.get_json()
    letter_id = resp.get_json()["result"]["letter_id"]
    assert events(db, w["case"]) == [*before, "letter.drafted"]
    staff = office(w["clerk"])
    page = staff.get(f"/office/consultations/{c.id}").get_data(as_text=True)
    resp = staff.post(f"/office/consultations/{c.id}/disclosure-notice", data={
        "csrf_token": csrf_from(page), "content": "合同名称及金额。", "reasons": REASONS})
    assert resp.status_code == 302 and "/office/letters/" in resp.headers["Location"]
    db.session.rollback()
    notice = db.session.get(Letter, letter_id)
    letter_ops.submit_letter(notice, actor=w["clerk"])
    letter_ops.approve_letter(notice, actor=w["supervisor"])
    db.session.commit()
    out = act("issue_letter", w["case"], w["clerk"], {"letter_id": notice.id,
                                                      "delivery": {"method": "post", "date": "2026-11-10",
                                                                   "reference": "XA300000001CN"}})
    assert out["status"] == "issued" and out["case_status"] == "closed"
    # Closed as withheld: nothing was disclosed, so there is nothing to tell the third party.
    db.session.rollback()
    other = make_case("in_progress", agency=w["agency"], handler=w["clerk"], received_on=date(2026, 11, 2))
    d = ops.consult(other, actor=w["clerk"], kind="third_party", question="是否同意公开？",
                    third_party={"name": PARTY}, today=date(2026, 11, 3))
    issue_consultation_letter(d, clerk=w["clerk"], supervisor=w["supervisor2"], on=date(2026, 11, 3))
    ops.record_opinion(d, actor=w["clerk"], opinion="disagree", reasons="涉及商业秘密。", received_on=date(2026, 11, 9),
                       today=date(2026, 11, 9))
    db.session.commit()
    act("close", other, w["supervisor"], {"outcome": "withheld.third_party", "reason": "涉及第三方商业秘密"})
    before = events(db, other)
    resp = api(client, w["clerk"], other, {"action": "draft_disclosure_notice", "consultation_id": d.id,
                                           "content": "合同金额。", "reasons": REASONS})
    assert resp.status_code == 409 and "本案件办结时未公开任何政府信息" in resp.get_json()["error"]["message"]
    assert events(db, other) == before
    assert not re.search("third_party_disclosure_notice", str(db.session.scalars(
        sa.select(Letter.template).where(Letter.case_id == other.id)).all()))


@pytest.mark.frozen_at("2026-11-10")
def test_the_notice_is_drafted_with_a_lawful_date_of_disclosure(db, client, objected, office):
    """Drafted today, the date of disclosure cannot be the 15th working day (12/1) or earlier: 422
    beside the field through the API and the consultation page's form; a later one is kept."""
    w, c = objected, objected["consultation"]
    before = events(db, w["case"])
    body = {"action": "draft_disclosure_notice", "consultation_id": c.id, "content": "合同金额。", "reasons": REASONS}
    resp = api(client, w["clerk"], w["case"], {**body, "disclose_on": "2026-12-01"})
    assert resp.status_code == 422
    assert "今日发出的，最早可定为2026-12-02" in resp.get_json()["error"]["fields"]["disclose_on"]
    staff = office(w["clerk"])
    page = staff.get(f"/office/consultations/{c.id}").get_data(as_text=True)
    assert 'name="disclose_on"' in page.split('id="disclosure-notice"')[1]
    resp = staff.post(f"/office/consultations/{c.id}/disclosure-notice", data={
        "csrf_token": csrf_from(page), "content": "合同金额。", "reasons": REASONS, "disclose_on": "2026-12-01"})
    assert resp.status_code == 422 and "今日发出的，最早可定为2026-12-02" in resp.get_data(as_text=True)
    assert events(db, w["case"]) == before
    resp = api(client, w["clerk"], w["case"], {**body, "disclose_on": "2026-12-10"})
    assert resp.status_code == 200, resp.get_json()
    db.session.rollback()
    assert db.session.get(Letter, resp.get_json()["result"]["letter_id"]).fields["disclose_on"] == "2026-12-10"
