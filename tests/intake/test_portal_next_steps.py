"""Issue 14 item 10: the tracking page says what happens next (extension, fee, consultation, reply)."""
from __future__ import annotations

from datetime import date

from caseapp.calendar.service import load_calendar
from caseapp.cases.models import ClockPause
from caseapp.extensions import db as _db
from caseapp.fees import operations as fee_ops
from caseapp.intake import queries
from caseapp.letters import operations as letter_ops
from caseapp.letters import time_requests as times
from caseapp.letters.models import Letter
from tests.intake.portal_helpers import unlock

SERVED = date(2026, 11, 12)
HOW_TO_PAY = "凭本通知书通过示范市非税收入统一缴款平台缴纳"


def _page(client, case) -> str:
    resp = client.get(unlock(client, case.tracking_number, case.query_code).headers["Location"])
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def _long(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _serve_fee(w, method: str) -> tuple:
    case = w["case"]
    fee_ops.propose_fee(case, actor=w["clerk"], basis="pages", count=150, today=SERVED)
    fee = fee_ops.approve_fee(case, actor=w["supervisor"], how_to_pay=HOW_TO_PAY, today=SERVED)
    notice = _db.session.get(Letter, fee.letter_id)
    delivery = {"method": method, "date": SERVED.isoformat()}
    if method == "post":
        delivery["reference"] = "XA123456789CN"
    letter_ops.issue_letter(notice, actor=w["clerk"], delivery=delivery, today=SERVED)
    _db.session.commit()
    return fee, notice


def test_an_approved_extension_shows_only_once_its_notice_is_issued(client, db, letter_world):
    w = letter_world
    case = w["case"]
    old_due = case.due_on
    times.request_extension(case, actor=w["clerk"], days=10, reason="需要调取多年档案", today=date(2026, 11, 20))
    req = times.approve_time_request(case, actor=w["supervisor"], kind="extension", today=date(2026, 11, 20))
    db.session.commit()
    new_due = load_calendar().add_working_days(old_due, 10)
    assert case.due_on == new_due
    # Approved, notice not issued: the applicant still sees the old date and nothing about it.
    assert queries.applicant_due(case).due_on == old_due
    html = _page(client, case)
    assert _long(old_due) in html and _long(new_due) not in html
    assert "答复期限已延长" not in html and 'data-testid="next-extension"' not in html

    notice = db.session.get(Letter, req.letter_id)
    letter_ops.issue_letter(notice, actor=w["clerk"], delivery={"method": "online", "date": "2026-11-20"},
                            today=date(2026, 11, 20))
    db.session.commit()
    assert queries.applicant_due(case).due_on == new_due
    html = client.get(f"/track/{case.tracking_number}").get_data(as_text=True)
    assert 'data-testid="next-extension"' in html and "答复期限已延长" in html
    assert f"行政机关已将答复期限延长10个工作日，将于{_long(new_due)}前作出答复。" in html
    assert f"/track/{case.tracking_number}/letters/{notice.id}.pdf" in html  # the notice itself
    assert f"答复期限延长10个工作日，将于{_long(new_due)}前作出答复" in html  # the progress list


def test_a_fee_notice_handed_over_shows_amount_pay_by_and_how_to_pay(client, db, letter_world):
    w = letter_world
    fee, notice = _serve_fee(w, "hand")
    assert fee.pay_by is not None
    html = _page(client, w["case"])
    assert 'data-testid="next-fee"' in html and "请缴纳信息处理费" in html
    assert "1700元" in html
    assert f"{_long(fee.pay_by)}前（自您收到缴费通知书之日起20个工作日）" in html
    assert HOW_TO_PAY in html
    assert f"/track/{w['case'].tracking_number}/letters/{notice.id}.pdf" in html
    assert "出具信息处理费缴费通知书，应缴金额1700元" in html  # the progress list
    assert "等待缴费期间，答复期限暂停计算，预计答复日期将相应顺延。" in html


def test_a_posted_fee_notice_counts_from_its_receipt(client, db, letter_world):
    w = letter_world
    fee, _notice = _serve_fee(w, "post")
    assert fee.pay_by is None
    html = _page(client, w["case"])
    assert f"自您收到缴费通知书之日起20个工作日内（通知书已于{_long(SERVED)}邮寄）" in html
    fee_ops.record_fee_receipt(w["case"], actor=w["clerk"], received_on=date(2026, 11, 16), today=date(2026, 11, 20))
    db.session.commit()
    html = client.get(f"/track/{w['case'].tracking_number}").get_data(as_text=True)
    assert f"您已收到缴费通知书，请于{_long(fee.pay_by)}前缴纳" in html
    assert f"{_long(fee.pay_by)}前（自您收到缴费通知书之日起20个工作日）" in html


def test_payment_ends_the_fee_step_and_enters_the_progress_list(client, db, letter_world):
    w = letter_world
    _serve_fee(w, "hand")
    fee_ops.record_payment(w["case"], actor=w["clerk"], paid_on=date(2026, 11, 19), today=date(2026, 11, 20))
    db.session.commit()
    html = _page(client, w["case"])
    assert 'data-testid="next-fee"' not in html
    assert "信息处理费已缴纳，继续处理申请" in html


def test_a_consultation_pause_is_explained_and_listed(client, db, letter_world):
    case = letter_world["case"]
    db.session.add(ClockPause(case_id=case.id, kind="consultation_third_party", started_on=date(2026, 11, 16)))
    db.session.commit()
    html = _page(client, case)
    assert 'data-testid="next-consultation"' in html
    assert "行政机关正在征求第三方意见，所需时间（最长15个工作日）不计算在答复期限内。" in html
    assert "征求意见期间，答复期限暂停计算" in html
    pause = case.pauses[0]
    pause.ended_on = date(2026, 11, 20)
    db.session.commit()
    html = client.get(f"/track/{case.tracking_number}").get_data(as_text=True)
    assert 'data-testid="next-consultation"' not in html and 'data-testid="due-paused"' not in html
    assert "征求意见结束，答复期限继续计算" in html
    entries = [e.action for e in queries.applicant_timeline(case)]
    assert entries.index("consultation.paused") < entries.index("consultation.ended")


def test_the_reply_enters_the_progress_list(client, db, letter_world):
    w = letter_world
    letter = letter_ops.draft_letter(w["case"], actor=w["clerk"], template="disclosed",
                                     fields={"provided": "《示范市2026年义务教育阶段学校招生入学工作实施意见》。"})
    letter_ops.submit_letter(letter, actor=w["clerk"])
    letter_ops.approve_letter(letter, actor=w["supervisor"])
    letter_ops.issue_letter(letter, actor=w["clerk"], delivery={"method": "online", "date": "2026-11-20"},
                            today=date(2026, 11, 20))
    db.session.commit()
    html = _page(client, w["case"])
    assert "作出答复（政府信息公开申请答复书）" in html
    assert 'id="next-steps"' not in html  # nothing left to happen on a closed case
    actions = [e.action for e in queries.applicant_timeline(w["case"])]
    assert actions.index("letter.disclosed") > actions.index("case.accepted")
