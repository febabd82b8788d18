"""Reg. 33 (issue 20 H3, SPEC §5): the clock pause of a consultation by letter follows the letter's
issue, not the recording. A third party or an agency off the platform is asked when its letter is
issued: from that day the clock pauses, and its 15 working days count from the addressee's receipt
(the sending day by hand, e-mail or online; a posted letter's recorded receipt). A consultation whose
letter never went out pauses nothing and never lapses.

Dates on the official 2026 calendar: the request is received on Monday 11/2, due 11/30 unpaused.
"""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from caseapp.cases.models import Case
from caseapp.consultations import operations as ops
from caseapp.consultations.models import Consultation
from caseapp.core.db import writing
from caseapp.jobs.sweep import sweep
from caseapp.letters import operations as letter_ops
from caseapp.letters.models import Letter
from tests.conftest import SHANGHAI, csrf_from
from tests.letters.guards import api, events, refused_on_the_letter_page
from tests.office.conftest import office, submit  # noqa: F401 - fixtures of these tests

RECEIVED = date(2026, 11, 2)
THIRD_PARTY = {"name": "示范数据有限公司", "address": "示范市高新路1号"}


def _travel(clock, day: date) -> None:
    clock.move_to(datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHANGHAI).astimezone(UTC))


@pytest.fixture
def world(db, make_agency, make_user, make_case):
    agency = make_agency("SFKJ", "示范市科学技术局")
    clerk = make_user("clerk", agency=agency)
    supervisor = make_user("supervisor", agency=agency)
    case = make_case("in_progress", agency=agency, handler=clerk, received_on=RECEIVED, today=RECEIVED)
    assert case.due_on == date(2026, 11, 30)
    return {"agency": agency, "clerk": clerk, "supervisor": supervisor, "case": case}


def _reload(db, obj):
    db.session.rollback()
    return db.session.get(type(obj), obj.id)


def _consult_third_party(client, world):
    resp = api(client, world["clerk"], world["case"], {"action": "consult", "kind": "third_party",
                                                       "third_party": THIRD_PARTY, "question": "是否同意公开贵公司报送的数据？"})
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()["result"]


def _approve_letter(client, world, letter_id):
    for user, action in ((world["clerk"], "submit_letter"), (world["supervisor"], "approve_letter")):
        resp = api(client, user, world["case"], {"action": action, "letter_id": letter_id})
        assert resp.status_code == 200, resp.get_json()


@pytest.mark.frozen_at("2026-11-03")
def test_a_recorded_consultation_whose_letter_never_went_out_pauses_nothing_and_never_lapses(db, client, world):
    result = _consult_third_party(client, world)
    assert (result["sent_on"], result["due_on"], result["case_due_on"]) == (None, None, "2026-11-30")
    c = _reload(db, Consultation(id=result["consultation_id"]))
    assert c.awaiting_letter and c.pause is None and c.letter.template == "consultation_third_party"
    # Months later, the sweep has nothing to lapse and the reply's due date never moved.
    for day in (date(2026, 11, 25), date(2026, 12, 31)):
        counts = sweep(day)
        db.session.commit()
        assert counts["consultations_lapsed"] == 0
    c = _reload(db, c)
    assert (c.status, c.lapsed_on, c.pause) == ("sent", None, None)
    assert db.session.get(Case, world["case"].id).due_on == date(2026, 11, 30)


@pytest.mark.frozen_at("2026-11-03")
def test_the_pause_starts_on_the_letters_issue_and_counts_from_the_sending_day(db, client, clock, world):
    """Recorded on Tuesday 11/3, e-mailed on Thursday 11/5: sent that day, answer due on 11/26 (15
    working days), the clock paused from 11/5."""
    result = _consult_third_party(client, world)
    _approve_letter(client, world, result["letter_id"])
    _travel(clock, date(2026, 11, 5))
    resp = api(client, world["clerk"], world["case"], {"action": "issue_letter", "letter_id": result["letter_id"],
                                                       "delivery": {"method": "email", "date": "2026-11-05",
                                                                    "reference": "legal@example.com"}})
    assert resp.status_code == 200, resp.get_json()
    c = _reload(db, Consultation(id=result["consultation_id"]))
    assert (c.sent_on, c.delivered_on, c.due_on) == (date(2026, 11, 5), date(2026, 11, 5), date(2026, 11, 26))
    assert (c.pause.started_on, c.pause.counted_from, c.pause.ended_on) == (date(2026, 11, 5), date(2026, 11, 5), None)
    # Not posted: there is no receipt date to record.
    resp = api(client, world["clerk"], world["case"], {"action": "record_letter_receipt",
                                                       "consultation_id": c.id, "received_on": "2026-11-06"})
    assert resp.status_code == 409 and "以非邮寄方式送达" in resp.get_json()["error"]["message"]
    # The answer arrives on Tuesday 11/10: paused (11/5, 11/10] = 11/6, 11/9, 11/10, so due 11/30 + 3.
    _travel(clock, date(2026, 11, 10))
    resp = api(client, world["clerk"], world["case"], {"action": "record_opinion", "consultation_id": c.id,
                                                       "opinion": "agree", "reasons": "同意公开。",
                                                       "received_on": "2026-11-10"})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["result"]["case_due_on"] == "2026-12-03"


@pytest.mark.frozen_at("2026-11-03")
def test_a_posted_letter_pauses_from_its_posting_and_lapses_15_working_days_after_its_receipt(db, client, world):
    """Posted on 11/3 and received on 11/6 (the return receipt): the pause starts on 11/3, the 15
    working days run from 11/6 to 11/27, and the sweep lapses it on the next working day, 11/30."""
    result = _consult_third_party(client, world)
    _approve_letter(client, world, result["letter_id"])
    resp = api(client, world["clerk"], world["case"], {"action": "issue_letter", "letter_id": result["letter_id"],
                                                       "delivery": {"method": "post", "date": "2026-11-03",
                                                                    "reference": "XA200000001CN"}})
    assert resp.status_code == 200, resp.get_json()
    c = _reload(db, Consultation(id=result["consultation_id"]))
    assert (c.sent_on, c.due_on, c.pause.started_on) == (date(2026, 11, 3), date(2026, 11, 24), date(2026, 11, 3))
    ops.record_letter_receipt(c, actor=world["clerk"], received_on=date(2026, 11, 6), today=date(2026, 11, 6))
    db.session.commit()
    assert (c.delivered_on, c.due_on, c.pause.counted_from) == (date(2026, 11, 6), date(2026, 11, 27), date(2026, 11, 6))
    assert sweep(date(2026, 11, 27))["consultations_lapsed"] == 0
    assert sweep(date(2026, 11, 30))["consultations_lapsed"] == 1
    db.session.commit()
    assert (c.status, c.pause.ended_on) == ("lapsed", date(2026, 11, 27))


@pytest.mark.frozen_at("2026-11-03")
def test_a_letter_consultation_takes_no_sending_day_of_its_own(db, client, world, office, submit):
    """The sending day of a consultation by letter is its letter's: one given when recording it is
    refused (422), through the API and the office's consult form, and nothing is recorded."""
    case = world["case"]
    before = events(db, case)
    resp = api(client, world["clerk"], case, {"action": "consult", "kind": "third_party", "third_party": THIRD_PARTY,
                                              "question": "是否同意公开？", "sent_on": "2026-11-02"})
    assert resp.status_code == 422
    assert "以函件征求意见的，以函件发出之日为发出日期" in resp.get_json()["error"]["fields"]["sent_on"]
    page = submit(office(world["clerk"]), f"/office/cases/{case.tracking_number}/consult", {
        "kind": "third_party", "third_party_name": THIRD_PARTY["name"], "question": "是否同意公开？",
        "sent_on": "2026-11-02"})
    assert page.status_code == 422 and "以函件征求意见的，以函件发出之日为发出日期" in page.get_data(as_text=True)
    assert events(db, case) == before and db.session.scalar(sa.select(sa.func.count(Consultation.id))) == 0


@pytest.mark.frozen_at("2026-11-03")
def test_no_answer_is_recorded_before_the_letter_is_issued(db, client, world, office):
    """Nobody was asked yet: the paper answer is refused through the API and the office's form."""
    case = world["case"]
    cid = _consult_third_party(client, world)["consultation_id"]
    message = "致示范数据有限公司的征求意见函件尚未发出，尚未征求意见，不能登记其答复。"
    before = events(db, case)
    payload = {"action": "record_opinion", "consultation_id": cid, "opinion": "disagree", "reasons": "涉及商业秘密。",
               "received_on": "2026-11-03"}
    resp = api(client, world["clerk"], case, payload)
    assert resp.status_code == 409 and message in resp.get_json()["error"]["message"]
    staff = office(world["clerk"])
    page = staff.get(f"/office/consultations/{cid}").get_data(as_text=True)
    assert "登记书面答复意见" not in page  # no form to record an answer with
    case = db.session.get(Case, case.id)
    resp = staff.post(f"/office/cases/{case.tracking_number}/record-opinion", data={
        "csrf_token": csrf_from(page), "version": str(case.version),
        **{k: v for k, v in payload.items() if k != "action"}},
        headers={"Referer": f"http://localhost/office/consultations/{cid}"})
    html = staff.get(resp.headers["Location"]).get_data(as_text=True) if resp.status_code == 302 else \
        resp.get_data(as_text=True)
    assert resp.status_code in (302, 409) and message in html
    assert events(db, case) == before
    assert _reload(db, Consultation(id=cid)).status == "sent"


@pytest.mark.frozen_at("2026-11-03")
def test_the_letter_of_a_cancelled_consultation_is_not_issued(db, client, world, office):
    result = _consult_third_party(client, world)
    _approve_letter(client, world, result["letter_id"])
    resp = api(client, world["clerk"], world["case"], {"action": "cancel_consultation",
                                                       "consultation_id": result["consultation_id"],
                                                       "reason": "申请人已撤回涉及第三方的部分。"})
    assert resp.status_code == 200, resp.get_json()
    letter = db.session.get(Letter, result["letter_id"])
    refused_on_the_letter_page(db, client, office, world["clerk"], world["case"], letter,
                               {"action": "issue_letter", "delivery": {"method": "hand", "date": "2026-11-03"}},
                               status=409, message="本函件所对应的征求示范数据有限公司意见已不再等待答复（已撤销）")


@pytest.mark.frozen_at("2026-11-03")
def test_a_disclosing_reply_waits_for_a_consultation_whose_letter_is_not_out(db, client, world, office):
    """H1 still holds while the letter is a draft: the third party has not even been asked."""
    _consult_third_party(client, world)
    db.session.rollback()
    with writing():
        reply = letter_ops.draft_letter(world["case"], actor=world["clerk"], template="disclosed",
                                        fields={"provided": "《示范数据统计报告》，随本答复书提供。"})
        letter_ops.submit_letter(reply, actor=world["clerk"])
        db.session.commit()
    refused_on_the_letter_page(db, client, office, world["supervisor"], world["case"], reply,
                               {"action": "approve_letter"}, status=409,
                               message="拟征求示范数据有限公司的意见，但征求意见函件尚未发出")
