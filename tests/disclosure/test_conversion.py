"""转主动公开: drafting from a disclosed request or an item, the redaction check on text and PDFs,
approval by a supervisor only, the publication date and the 20-working-day target."""
from __future__ import annotations

from datetime import date

import pytest

from caseapp.calendar.service import load_calendar
from caseapp.cases.attachments import Upload
from caseapp.core.actions import act
from caseapp.core.errors import ForbiddenError, TransitionError, ValidationError
from caseapp.disclosure import operations as ops
from caseapp.disclosure import redaction
from caseapp.disclosure.models import RedactionFinding

TODAY = date(2026, 11, 30)
pytestmark = pytest.mark.frozen_at(TODAY)  # the office and the API act on TODAY too


def _draft(db, case, **kw):
    entry = ops.draft_public_entry(actor=case.clerk, title=kw.get("title", "2025年义务教育阶段学校招生入学工作通知"),
                                   summary=kw.get("summary", "示教发〔2025〕12号全文。"), topic="education", today=TODAY,
                                   calendar=load_calendar(), case=case)
    db.session.commit()
    return entry


# --- The check itself -------------------------------------------------------------------------------


@pytest.mark.parametrize("number, ok", [("11010519491231002X", True), ("110105194912310021", False),
                                        ("440524188001010014", True), ("440524188001010015", False)])
def test_resident_id_check_digit(number, ok):
    assert redaction.valid_resident_id(number) is ok


def test_finds_each_kind_of_personal_data_in_text():
    text = ("联系人王小明，身份证号11010519491231002X，手机139-1234-5678，座机(021)62345678，"
            "邮箱wxm@example.com，银行卡4111 1111 1111 1111，住示范市滨江区长江路88号。文号示教发〔2025〕12号，"
            "经费12345678元，编号110105194912310021。")
    found = {(f.kind, f.value) for f in redaction.find_personal_data(
        text, [("name", "王小明"), ("address", "示范市滨江区长江路88号")])}
    assert found == {("id_number", "11010519491231002X"), ("mobile", "139-1234-5678"), ("landline", "(021)62345678"),
                     ("email", "wxm@example.com"), ("bank_card", "4111 1111 1111 1111"), ("name", "王小明"),
                     ("address", "示范市滨江区长江路88号")}


def test_card_numbers_failing_luhn_and_plain_amounts_are_not_findings():
    assert redaction.find_personal_data("合同编号4111111111111112，金额2025000元，共12页。") == []


def test_pdf_text_is_read(make_pdf):
    data = make_pdf("答复书\n申请人：王小明\n身份证号：11010519491231002X")
    text = redaction.pdf_text(data)
    assert "11010519491231002X" in text and "王小明" in text


# --- The workflow -----------------------------------------------------------------------------------


def test_draft_records_decision_and_target_20_working_days_later(db, disclosed_case):
    entry = _draft(db, disclosed_case)
    assert entry.status == "draft" and entry.decided_on == TODAY
    # 2026-11-30 (Monday) + 20 working days, no holidays in December 2026.
    assert entry.target_on == date(2026, 12, 28)
    assert entry.case_id == disclosed_case.id


def test_only_disclosed_closed_requests_can_be_converted(db, make_case):
    open_case = make_case(status="in_progress")
    with pytest.raises(TransitionError):
        ops.draft_public_entry(actor=open_case.clerk, title="x", summary="", topic="education", today=TODAY,
                               calendar=load_calendar(), case=open_case)


def test_personal_data_in_text_blocks_publication_until_resolved(db, disclosed_case):
    case = disclosed_case
    entry = _draft(db, case, summary="申请人王小明（电话13912345678）要求公开的通知。总机电话：0571-87654321。")
    kinds = sorted(f.kind for f in entry.findings)
    assert kinds == ["landline", "mobile", "name"]
    with pytest.raises(ValidationError):
        ops.approve_publication(entry, actor=case.supervisor, today=TODAY)
    db.session.rollback()

    # Removing the values resolves their findings; the switchboard number is marked as not personal.
    ops.edit_public_entry(entry, title=entry.title, summary="要求公开的通知。总机电话：0571-87654321。",
                          topic="education", actor=case.clerk)
    db.session.commit()
    statuses = {f.kind: f.status for f in entry.findings}
    assert statuses == {"name": "removed", "mobile": "removed", "landline": "open"}
    landline = next(f for f in entry.findings if f.kind == "landline")
    with pytest.raises(ValidationError):
        ops.mark_not_personal(landline, reason=" ", actor=case.clerk)
    db.session.rollback()
    ops.mark_not_personal(landline, reason="本机关对外公布的总机电话", actor=case.clerk)
    db.session.commit()
    ops.approve_publication(entry, actor=case.supervisor, today=date(2026, 12, 2))
    db.session.commit()
    assert entry.status == "published" and entry.published_on == date(2026, 12, 2)
    assert entry.approved_by_id == case.supervisor.id


def test_personal_data_in_an_uploaded_pdf_is_found(db, disclosed_case, make_pdf):
    case = disclosed_case
    entry = _draft(db, case)
    assert entry.findings == []
    pdf = make_pdf("示范市教育局政府信息公开答复书\n王小明：\n你于2026年11月2日提出的申请收悉。\n"
                   "身份证号：11010519491231002X\n地址：示范市滨江区长江路88号\n邮箱：wxm@example.com")
    doc = ops.add_document(entry, Upload("答复书（已处理）.pdf", pdf), actor=case.clerk)
    db.session.commit()
    found = {(f.kind, f.source, f.document_id) for f in entry.findings if f.status == "open"}
    assert found == {("name", "document", doc.id), ("id_number", "document", doc.id),
                     ("address", "document", doc.id), ("email", "document", doc.id)}
    with pytest.raises(ValidationError):
        ops.approve_publication(entry, actor=case.supervisor, today=TODAY)
    db.session.rollback()
    # The properly redacted version replaces it.
    ops.remove_document(entry, doc, actor=case.clerk)
    ops.add_document(entry, Upload("答复书（脱敏）.pdf", make_pdf("示范市教育局政府信息公开答复书\n申请人：***\n附件：招生入学工作通知")),
                     actor=case.clerk)
    db.session.commit()
    assert not [f for f in entry.findings if f.status == "open"]
    ops.approve_publication(entry, actor=case.supervisor, today=TODAY)
    db.session.commit()
    assert entry.status == "published"


def test_file_name_and_pdf_metadata_are_checked(db, disclosed_case):
    from weasyprint import HTML

    entry = _draft(db, disclosed_case)
    pdf = HTML(string="<html><head><meta charset='utf-8'><meta name='author' content='王小明'></head>"
                      "<body><p>招生入学工作通知</p></body></html>").write_pdf()
    assert "王小明" in redaction.pdf_text(pdf)
    ops.add_document(entry, Upload("给wxm@example.com的答复.pdf", pdf), actor=disclosed_case.clerk)
    db.session.commit()
    assert {(f.kind, f.value) for f in entry.findings if f.status == "open"} == {
        ("name", "王小明"), ("email", "wxm@example.com")}


def test_upload_must_be_a_pdf_by_content(db, disclosed_case):
    entry = _draft(db, disclosed_case)
    with pytest.raises(ValidationError):
        ops.add_document(entry, Upload("fake.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 100), actor=disclosed_case.clerk)
    with pytest.raises(ValidationError):
        ops.add_document(entry, Upload("notes.pdf", b"just text"), actor=disclosed_case.clerk)


def test_a_clerk_cannot_approve(db, disclosed_case, make_user):
    entry = _draft(db, disclosed_case)
    with pytest.raises(ForbiddenError):  # the runner's role and agency rules (caseapp.core.actions)
        act("approve_publication", disclosed_case, disclosed_case.clerk, {"entry_id": entry.id}, today=TODAY)
    other_supervisor = make_user("supervisor")  # another agency
    with pytest.raises(ForbiddenError):
        act("approve_publication", disclosed_case, other_supervisor, {"entry_id": entry.id}, today=TODAY)
    assert entry.status == "draft"


def test_approval_route_refuses_clerk_and_accepts_supervisor(app, db, disclosed_case, login):
    from tests.conftest import csrf_from

    entry = _draft(db, disclosed_case)
    clerk_client, sup_client = app.test_client(), app.test_client()
    login(disclosed_case.clerk, c=clerk_client)
    login(disclosed_case.supervisor, c=sup_client)
    page = clerk_client.get(f"/office/disclosure/entries/{entry.id}")
    assert page.status_code == 200 and "approve-entry" not in page.get_data(as_text=True)
    token = csrf_from(page.get_data(as_text=True))
    resp = clerk_client.post(f"/office/disclosure/entries/{entry.id}/approve", data={"csrf_token": token,
                                                                                     "version": entry.version})
    assert resp.status_code == 403
    db.session.rollback()  # end the test's read snapshot to see what the requests committed
    assert entry.status == "draft"
    page = sup_client.get(f"/office/disclosure/entries/{entry.id}")
    html = page.get_data(as_text=True)
    assert "approve-entry" in html
    resp = sup_client.post(f"/office/disclosure/entries/{entry.id}/approve",
                           data={"csrf_token": csrf_from(html), "version": entry.version})
    assert resp.status_code == 302
    db.session.rollback()
    assert entry.status == "published" and entry.published_on is not None


def test_office_pages_refuse_roles_and_other_agencies(app, db, disclosed_case, make_user, login):
    entry = _draft(db, disclosed_case)
    liaison = make_user("liaison", agency=disclosed_case.agency)
    stranger = make_user("clerk")
    anonymous = app.test_client()
    assert anonymous.get("/office/disclosure/").status_code in (302, 401)
    c = app.test_client()
    login(liaison, c=c)
    assert c.get("/office/disclosure/").status_code == 403
    assert c.get(f"/office/disclosure/entries/{entry.id}").status_code == 403
    s = app.test_client()
    login(stranger, c=s)
    assert s.get(f"/office/disclosure/entries/{entry.id}").status_code == 404
    assert s.get(f"/office/disclosure/cases/{disclosed_case.tracking_number}/convert").status_code == 404
    cl = app.test_client()
    login(disclosed_case.clerk, c=cl)
    assert cl.get("/office/disclosure/suggestions").status_code == 403


def test_findings_are_kept_per_value(db, disclosed_case):
    entry = _draft(db, disclosed_case, title="王小明申请的通知", summary="王小明")
    rows = db.session.query(RedactionFinding).filter_by(entry_id=entry.id).all()
    assert sorted(r.source for r in rows) == ["summary", "title"]
