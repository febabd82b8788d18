"""转主动公开: drafting from a disclosed request or an item, the redaction check on text and PDFs,
approval by a supervisor only, the publication date and the 20-working-day target."""
from __future__ import annotations

from datetime import date

import pytest

from caseapp.calendar.service import load_calendar
from caseapp.core.actions import act
from caseapp.core.errors import ForbiddenError, TransitionError, ValidationError
from caseapp.disclosure import operations as ops
from caseapp.records import personal as redaction
from caseapp.records.reader import reader_text
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


def test_pdf_text_is_read_as_a_reader_sees_it(make_pdf):
    data = make_pdf("答复书\n申请人：王小明\n身份证号：11010519491231002X")
    text = reader_text(data)
    assert "11010519491231002X" in text and "王小明" in text


@pytest.mark.parametrize("text", ["身份证号 1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2 X", "身份证号 110105 19491231 002X",
                                  "身份证号１１０１０５１９４９１２３１００２Ｘ"])
def test_numbers_are_found_with_their_spaces_taken_out(text):
    assert [f.kind for f in redaction.find_personal_data(text)] == ["id_number"]


def test_spaced_mobile_and_card_are_found_once():
    found = {(f.kind, f.value) for f in redaction.find_personal_data("手机 1 3 9 1 2 3 4 5 6 7 8；卡号4111 1111 1111 1111")}
    assert found == {("mobile", "13912345678"), ("bank_card", "4111 1111 1111 1111")}


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


def test_personal_data_in_an_attached_version_is_found(db, disclosed_case, make_pdf, release_version):
    case = disclosed_case
    entry = _draft(db, case)
    assert entry.findings == []
    pdf = make_pdf("示范市教育局政府信息公开答复书\n王小明：\n你于2026年11月2日提出的申请收悉。\n"
                   "身份证号：11010519491231002X\n地址：示范市滨江区长江路88号\n邮箱：wxm@example.com")
    doc = ops.add_document(entry, release_version(case, pdf, title="答复书（已处理）"), actor=case.clerk)
    db.session.commit()
    found = {(f.kind, f.source, f.document_id) for f in entry.findings if f.status == "open"}
    assert found == {("name", "document", doc.id), ("id_number", "document", doc.id),
                     ("address", "document", doc.id), ("email", "document", doc.id)}
    with pytest.raises(ValidationError):
        ops.approve_publication(entry, actor=case.supervisor, today=TODAY)
    db.session.rollback()
    # The properly redacted version replaces it.
    ops.remove_document(entry, doc, actor=case.clerk)
    ops.add_document(entry, release_version(case, make_pdf("示范市教育局政府信息公开答复书\n申请人：***\n附件：招生入学工作通知"),
                                            title="答复书（脱敏）"), actor=case.clerk)
    db.session.commit()
    assert not [f for f in entry.findings if f.status == "open"]
    ops.approve_publication(entry, actor=case.supervisor, today=TODAY)
    db.session.commit()
    assert entry.status == "published"


def test_the_title_is_checked_and_metadata_is_sanitised_away(db, disclosed_case, release_version):
    import pymupdf
    from weasyprint import HTML

    from caseapp.core.filestore import open_path

    entry = _draft(db, disclosed_case)
    pdf = HTML(string="<html><head><meta charset='utf-8'><meta name='author' content='王小明'></head>"
                      "<body><p>招生入学工作通知</p></body></html>").write_pdf()
    doc = ops.add_document(entry, release_version(disclosed_case, pdf, title="给wxm@example.com的答复"),
                           actor=disclosed_case.clerk)
    db.session.commit()
    # The author is gone from the published copy; the title it is published under is still checked.
    assert {(f.kind, f.value) for f in entry.findings if f.status == "open"} == {("email", "wxm@example.com")}
    with pymupdf.open(stream=open_path(doc.storage_key).read_bytes()) as published:
        assert not published.metadata.get("author")


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
