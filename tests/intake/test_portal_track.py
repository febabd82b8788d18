"""Tracking, correction, withdrawal and suggestions on the portal."""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from caseapp.cases.attachments import Attachment
from caseapp.core.audit import AuditEvent
from caseapp.intake.models import ProactiveSuggestion
from tests.conftest import csrf_from
from tests.intake.portal_helpers import EXE, PDF, unlock

NO_MATCH = "申请编号或查询码不正确，请核对后重新输入。"


def test_lookup_opens_the_case_page_without_the_code_in_any_url(client, make_case):
    case = make_case()
    resp = unlock(client, case.tracking_number, case.query_code.lower())
    assert resp.status_code == 302
    location = resp.headers["Location"]
    assert location.endswith(f"/track/{case.tracking_number}")
    assert case.query_code not in location
    page = client.get(location)
    html = page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert "待受理" in html
    assert "收到申请日期" in html and "预计答复日期" in html
    assert "收到申请" in html  # the timeline
    assert "向您出具的文书" in html
    assert case.query_code not in html


def test_wrong_code_and_unknown_number_give_the_same_answer(client, make_case):
    case = make_case()
    wrong_code = unlock(client, case.tracking_number, "AAAAAAAAAA")
    unknown = unlock(client, "SFJY-2026-999999", case.query_code)
    assert wrong_code.status_code == unknown.status_code == 200
    assert NO_MATCH in wrong_code.get_data(as_text=True)
    assert NO_MATCH in unknown.get_data(as_text=True)
    assert client.get(f"/track/{case.tracking_number}").status_code == 302


def test_case_page_needs_an_unlocked_session(client, make_case):
    case = make_case()
    resp = client.get(f"/track/{case.tracking_number}")
    assert resp.status_code == 302
    assert f"/track?tracking_number={case.tracking_number}" in resp.headers["Location"]
    form = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert f'value="{case.tracking_number}"' in form


def test_closing_the_pages_locks_the_case_again(client, make_case):
    case = make_case()
    unlock(client, case.tracking_number, case.query_code)
    token = csrf_from(client.get(f"/track/{case.tracking_number}").get_data(as_text=True))
    client.post("/track/close", data={"csrf_token": token})
    assert client.get(f"/track/{case.tracking_number}").status_code == 302


def test_failed_lookups_are_limited_per_tracking_number(client, make_case):
    case = make_case()
    for _ in range(10):
        assert unlock(client, case.tracking_number, "WRONGCODE9").status_code == 200
    blocked = unlock(client, case.tracking_number, case.query_code)  # even the right code now waits
    assert blocked.status_code == 429
    assert "尝试次数过多" in blocked.get_data(as_text=True)


def test_successful_lookups_do_not_count(client, make_case):
    case = make_case()
    for _ in range(12):
        assert unlock(client, case.tracking_number, case.query_code).status_code == 302


def test_failed_lookups_are_limited_per_client(client, make_case):
    make_case()
    for i in range(20):
        assert unlock(client, f"SFJY-2026-{i:06d}", "WRONGCODE9").status_code == 200
    assert unlock(client, "SFJY-2026-000999", "WRONGCODE9").status_code == 429


def test_description_with_html_is_shown_as_text(client, make_case):
    case = make_case(description='<script>alert("x")</script><b>粗体</b>申请公开某文件')
    unlock(client, case.tracking_number, case.query_code)
    html = client.get(f"/track/{case.tracking_number}").get_data(as_text=True)
    assert "<script>alert" not in html and "<b>粗体</b>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;粗体&lt;/b&gt;" in html


def test_provisional_due_date_is_marked(client, make_case, db):
    case = make_case()
    case.due_provisional = True  # as the clock marks a due date in a year without an official calendar
    db.session.commit()
    unlock(client, case.tracking_number, case.query_code)
    html = client.get(f"/track/{case.tracking_number}").get_data(as_text=True)
    assert "（暂定）" in html
    assert "尚未正式公布" in html


def _page_token(client, case) -> str:
    return csrf_from(client.get(f"/track/{case.tracking_number}").get_data(as_text=True))


def test_correction_shows_what_and_when_and_restarts_the_clock(client, db, make_case):
    case = make_case(status="correction_requested")
    unlock(client, case.tracking_number, case.query_code)
    html = client.get(f"/track/{case.tracking_number}").get_data(as_text=True)
    assert "请补充文件名称。" in html
    assert "补正期限" in html and f"{case.correction_due_on.year}年" in html
    resp = client.post(f"/track/{case.tracking_number}/correction", content_type="multipart/form-data", data={
        "csrf_token": _page_token(client, case), "text": "文件名称为《示范市招生工作实施意见》。",
        "files": [(io.BytesIO(PDF), "补充.pdf")]})
    assert resp.status_code == 302
    db.session.rollback()  # end the test's read snapshot (SQLite WAL) before looking again
    db.session.refresh(case)
    assert case.status == "submitted"
    assert case.correction_response == "文件名称为《示范市招生工作实施意见》。"
    assert case.clock_started_on == case.correction_received_on
    att = db.session.scalar(sa.select(Attachment))
    assert att.kind == "correction" and att.original_name == "补充.pdf"
    page = client.get(f"/track/{case.tracking_number}").get_data(as_text=True)
    assert "补正材料已收到" in page and "补充.pdf" in page
    download = client.get(f"/track/{case.tracking_number}/files/{att.id}")
    assert download.status_code == 200 and download.data == PDF


def test_refused_correction_keeps_the_case_waiting(client, db, make_case):
    case = make_case(status="correction_requested")
    unlock(client, case.tracking_number, case.query_code)
    token = _page_token(client, case)
    empty = client.post(f"/track/{case.tracking_number}/correction", data={"csrf_token": token, "text": "  "})
    assert empty.status_code == 422
    bad_file = client.post(f"/track/{case.tracking_number}/correction", content_type="multipart/form-data", data={
        "csrf_token": token, "text": "补充说明", "files": [(io.BytesIO(EXE), "a.pdf")]})
    assert bad_file.status_code == 422
    assert "不是 PDF、JPEG、PNG、DOCX 或 OFD 文件" in bad_file.get_data(as_text=True)
    assert '补充说明' in bad_file.get_data(as_text=True)
    db.session.rollback()  # end the test's read snapshot (SQLite WAL) before looking again
    db.session.refresh(case)
    assert case.status == "correction_requested"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0


def test_correction_in_the_wrong_status_is_refused(client, db, make_case):
    case = make_case(status="in_progress")
    unlock(client, case.tracking_number, case.query_code)
    html = client.get(f"/track/{case.tracking_number}").get_data(as_text=True)
    assert "提交补正" not in html
    resp = client.post(f"/track/{case.tracking_number}/correction",
                       data={"csrf_token": csrf_from(html), "text": "补正"}, follow_redirects=True)
    assert "只有在行政机关要求补正期间才能提交补正材料" in resp.get_data(as_text=True)
    db.session.rollback()  # end the test's read snapshot (SQLite WAL) before looking again
    db.session.refresh(case)
    assert case.status == "in_progress"


def test_withdraw_needs_confirmation_and_records_the_reason(client, db, make_case):
    case = make_case()
    unlock(client, case.tracking_number, case.query_code)
    confirm = client.get(f"/track/{case.tracking_number}/withdraw")
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "确认撤回" in html and "不能恢复" in html
    db.session.rollback()  # end the test's read snapshot (SQLite WAL) before looking again
    db.session.refresh(case)
    assert case.status == "submitted"  # the confirmation page changes nothing
    resp = client.post(f"/track/{case.tracking_number}/withdraw",
                       data={"csrf_token": csrf_from(html), "reason": "已从其他渠道获得"})
    assert resp.status_code == 302
    db.session.rollback()  # end the test's read snapshot (SQLite WAL) before looking again
    db.session.refresh(case)
    assert case.status == "withdrawn" and case.withdrawal_reason == "已从其他渠道获得"
    page = client.get(f"/track/{case.tracking_number}").get_data(as_text=True)
    assert "已撤回" in page and "您的申请已撤回" in page
    assert "撤回申请</a>" not in page


@pytest.mark.parametrize("status", ["withdrawn", "closed"])
def test_withdraw_is_refused_once_final(client, db, make_case, status):
    case = make_case(status=status)
    unlock(client, case.tracking_number, case.query_code)
    token = _page_token(client, case)
    resp = client.post(f"/track/{case.tracking_number}/withdraw", data={"csrf_token": token},
                       follow_redirects=True)
    assert "已经办结或撤回，不能再撤回" in resp.get_data(as_text=True) or "不能再撤回" in resp.get_data(as_text=True)
    db.session.rollback()  # end the test's read snapshot (SQLite WAL) before looking again
    db.session.refresh(case)
    assert case.status == status
    assert client.get(f"/track/{case.tracking_number}/withdraw").status_code == 302


def test_suggestion_is_recorded_on_the_case(client, db, make_case):
    case = make_case(status="closed")
    unlock(client, case.tracking_number, case.query_code)
    resp = client.post(f"/track/{case.tracking_number}/suggestion",
                       data={"csrf_token": _page_token(client, case), "text": "建议将招生政策主动公开。"})
    assert resp.status_code == 302
    db.session.rollback()
    suggestion = db.session.scalar(sa.select(ProactiveSuggestion))
    assert suggestion.case_id == case.id and suggestion.text == "建议将招生政策主动公开。"
    assert suggestion.answer is None
    evt = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "case.disclosure_suggested"))
    assert evt.actor_label == "applicant"
    page = client.get(f"/track/{case.tracking_number}").get_data(as_text=True)
    assert "建议将招生政策主动公开。" in page and "尚未答复" in page
    # The suggestion is not a status event: the applicant's timeline does not list it.
    empty = client.post(f"/track/{case.tracking_number}/suggestion",
                        data={"csrf_token": _page_token(client, case), "text": ""})
    assert empty.status_code == 422 and "请填写您的建议" in empty.get_data(as_text=True)


def test_follow_up_pages_need_the_unlocked_session(client, make_case, app):
    case = make_case(status="correction_requested")
    other = app.test_client()
    token = csrf_from(other.get("/track").get_data(as_text=True))
    for url in (f"/track/{case.tracking_number}/withdraw", f"/track/{case.tracking_number}/correction",
                f"/track/{case.tracking_number}/suggestion"):
        resp = other.post(url, data={"csrf_token": token, "text": "x" * 10})
        assert resp.status_code == 302 and "/track?tracking_number=" in resp.headers["Location"]
    assert other.get(f"/track/{case.tracking_number}/files/1").status_code == 302


def test_another_cases_file_is_not_served(client, db, make_case):
    from caseapp.cases.attachments import Upload, attach_files

    mine, other = make_case(), make_case()
    att = attach_files(other, [Upload("x.pdf", PDF)], kind="supporting")[0]
    db.session.commit()
    unlock(client, mine.tracking_number, mine.query_code)
    assert client.get(f"/track/{mine.tracking_number}/files/{att.id}").status_code == 404
