"""Enclosures of a reply (issue 21, SPEC §11): only release versions of the case are enclosed, the
letter lists them, issuing freezes them, the applicant downloads them with the query code, and the
reply's e-mail carries them up to 10 MB (links beyond)."""
from __future__ import annotations

import email
import hashlib
from datetime import date
from email import policy
from pathlib import Path

import pytest
import sqlalchemy as sa

from caseapp.cases.attachments import Upload
from caseapp.core.actions import act
from caseapp.core.errors import TransitionError, ValidationError
from caseapp.core.filestore import open_path
from caseapp.core.outbox import OutboxMessage
from caseapp.letters import operations as ops
from caseapp.letters.models import LetterEnclosure
from caseapp.notifications import applicant as mails
from caseapp.records import operations as record_ops
from tests.letters.conftest import pdf_text, squash
from tests.records import pdfs

TODAY = date(2026, 11, 20)
pytestmark = pytest.mark.frozen_at(TODAY)
POST = {"method": "post", "date": "2026-11-19", "reference": "XA123456789CN"}
REASON = "涉及个人隐私，公开会对第三方合法权益造成损害。"


def _records(db, case, clerk):
    """An original, its redacted version (a name removed on two pages) and an as-is release."""
    original = record_ops.add_record(case, Upload("说明.pdf", pdfs.text_pdf(
        [["拆迁补偿情况说明", "被征收人张三，联系电话13800138000。"], ["第二页：张三签字确认。"]])),
        title="拆迁补偿情况说明", actor=clerk)
    redacted = record_ops.redact_record(case, original, terms=["张三"], areas=[], exemption="personal_privacy",
                                        reason=REASON, actor=clerk)
    plan = record_ops.add_record(case, Upload("计划.pdf", pdfs.text_pdf([["2026年招生计划表"]])), title="招生计划表",
                                 actor=clerk)
    as_is = record_ops.release_as_is(case, plan, actor=clerk)
    db.session.commit()
    return {"original": original, "redacted": redacted, "plan": plan, "as_is": as_is}


@pytest.fixture
def world(db, letter_world):
    w = letter_world
    w.update(_records(db, w["case"], w["clerk"]))
    return w


def _issued(w, template="disclosed", fields=None, enclosures=None):
    letter = ops.draft_letter(w["case"], actor=w["clerk"], template=template,
                              fields=fields if fields is not None else {"provided": "相关材料随本答复书提供。"},
                              enclosures=enclosures if enclosures is not None else [w["redacted"].id, w["as_is"].id])
    ops.submit_letter(letter, actor=w["clerk"])
    ops.approve_letter(letter, actor=w["supervisor"])
    ops.issue_letter(letter, actor=w["clerk"], delivery=POST, today=TODAY)
    return letter


def test_an_original_is_refused_and_nothing_is_drafted(db, world):
    w = world
    with pytest.raises(ValidationError) as err:
        act("draft_letter", w["case"], w["clerk"], {"template": "disclosed", "enclosures": [w["original"].id]})
    assert "原件" in str(err.value.errors["enclosures"])
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LetterEnclosure)) == 0


def test_another_cases_record_or_an_unknown_id_is_refused(db, world, make_case):
    w = world
    other = make_case("in_progress", agency=w["agency"], handler=w["clerk"], received_on=date(2026, 11, 2))
    theirs = _records(db, other, w["clerk"])["redacted"]
    for record_id in (theirs.id, 999_999):
        with pytest.raises(ValidationError) as err:
            ops.draft_letter(w["case"], actor=w["clerk"], template="disclosed", enclosures=[record_id])
        assert "不是本申请的记录" in str(err.value.errors["enclosures"])
    letter = ops.draft_letter(w["case"], actor=w["clerk"], template="disclosed", enclosures=[w["as_is"].id])
    with pytest.raises(ValidationError):
        ops.update_letter(letter, actor=w["clerk"], fields={}, enclosures=[w["as_is"].id, theirs.id])
    assert [e.record_id for e in letter.enclosures] == [w["as_is"].id]


def test_the_letter_lists_its_enclosures_and_issuing_freezes_them(db, world):
    w = world
    letter = _issued(w)
    db.session.commit()
    text = squash(pdf_text(open_path(letter.pdf_key).read_bytes()))
    assert "附件：1.《拆迁补偿情况说明》（2页）2.《招生计划表》（1页）" in text
    assert [e.sha256 for e in letter.enclosures] == [w["redacted"].sha256, w["as_is"].sha256]
    with pytest.raises(TransitionError):
        ops.update_letter(letter, actor=w["clerk"], fields={}, enclosures=[w["as_is"].id])
    with pytest.raises(TransitionError):
        act("update_letter", w["case"], w["clerk"], {"letter_id": letter.id, "enclosures": []})
    db.session.rollback()
    assert [e.record_id for e in letter.enclosures] == [w["redacted"].id, w["as_is"].id]


def test_an_edit_without_enclosures_keeps_them_and_an_empty_list_removes_them(db, world):
    w = world
    made = act("draft_letter", w["case"], w["clerk"], {"template": "disclosed", "enclosures": [w["as_is"].id]})
    act("update_letter", w["case"], w["clerk"], {"letter_id": made["letter_id"], "fields": {"provided": "材料"}})
    kept = act("update_letter", w["case"], w["clerk"], {"letter_id": made["letter_id"], "fields": {}})
    assert kept["enclosures"] == [w["as_is"].id]
    cleared = act("update_letter", w["case"], w["clerk"], {"letter_id": made["letter_id"], "enclosures": []})
    assert cleared["enclosures"] == []


def test_a_partial_disclosure_takes_its_withheld_part_from_the_log_unless_the_clerk_gave_it(db, world):
    w = world
    letter = ops.draft_letter(w["case"], actor=w["clerk"], template="partially_disclosed",
                              fields={"provided": "招生计划表及情况说明（已删除个人信息）。"},
                              enclosures=[w["redacted"].id, w["as_is"].id])
    part, reason = letter.fields["withheld_part"], letter.fields["withheld_reason"]
    assert "《拆迁补偿情况说明》第1页、第2页中涉及个人隐私的内容（共2处）" in part
    assert "张三" not in part + reason  # the letter never repeats what was withheld
    assert REASON in reason and "第十五条" in reason
    ops.submit_letter(letter, actor=w["clerk"])  # complete: the pre-filled fields count
    own = ops.draft_letter(w["case"], actor=w["clerk"], template="partially_disclosed",
                           fields={"provided": "材料", "withheld_part": "我写的"}, enclosures=[w["redacted"].id])
    assert own.fields["withheld_part"] == "我写的" and "第十五条" in own.fields["withheld_reason"]
    later = ops.draft_letter(w["case"], actor=w["clerk"], template="partially_disclosed", fields={"provided": "材料"})
    assert later.fields["withheld_part"] == ""
    ops.update_letter(later, actor=w["clerk"], fields={}, enclosures=[w["redacted"].id])
    assert "个人隐私" in later.fields["withheld_part"]
    ops.update_letter(later, actor=w["clerk"], fields={"withheld_part": "改过的"})
    assert later.fields["withheld_part"] == "改过的"


def test_the_post_delivery_records_what_was_posted(db, world):
    from caseapp.core.audit import AuditEvent

    letter = _issued(world)
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "letter.issued")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.after["delivery"]["enclosures"] == ["拆迁补偿情况说明", "招生计划表"]
    assert "《拆迁补偿情况说明》（2页）" in event.note and letter.delivery_reference == "XA123456789CN"


def _mail(db, case_id):
    return db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.case_id == case_id,
                                                             OutboxMessage.kind == "applicant_reply")).one()


@pytest.fixture
def mailed_world(db, letter_world, make_case):
    w = letter_world
    w["case"] = make_case("in_progress", agency=w["agency"], handler=w["clerk"], received_on=date(2026, 11, 2),
                          email="zhangsan@example.com")
    w.update(_records(db, w["case"], w["clerk"]))
    return w


def test_the_reply_email_attaches_the_letter_and_enclosures_up_to_10_mb(app, db, mailed_world):
    w = mailed_world
    letter = _issued(w)
    db.session.commit()
    msg = _mail(db, w["case"].id)
    assert [a["filename"] for a in msg.attachments] == [f"{letter.number}.pdf", "附件1-拆迁补偿情况说明.pdf",
                                                        "附件2-招生计划表.pdf"]
    built = email.message_from_bytes(mails_build(msg), policy=policy.default)
    files = {part.get_filename(): part.get_content() for part in built.iter_attachments()}
    assert files["附件1-拆迁补偿情况说明.pdf"] == open_path(w["redacted"].storage_key).read_bytes()
    assert w["case"].query_code not in msg.body


def test_over_10_mb_the_email_links_to_the_tracking_page_without_the_code(app, db, mailed_world, monkeypatch):
    w = mailed_world
    monkeypatch.setattr(mails, "MAX_EMAIL_ATTACHMENTS", 1000)  # smaller than the letter's PDF alone
    _issued(w)
    db.session.commit()
    msg = _mail(db, w["case"].id)
    assert msg.attachments is None
    assert "/track?tracking_number=" in msg.body and "查询码" in msg.body and "《招生计划表》（1页）" in msg.body
    assert w["case"].query_code not in msg.body


def mails_build(msg) -> bytes:
    from caseapp.core.outbox import build_email

    return build_email(msg, "noreply@example.invalid").as_bytes()


# --- Delivery to the applicant through the public API and the tracking page ------------------------

def _docs(client, case, code):
    headers = {"X-Query-Code": code} if code is not None else {}
    return client.get(f"/api/v1/requests/{case.tracking_number}/documents", headers=headers)


def test_the_applicant_lists_and_downloads_the_exact_redacted_bytes_with_the_code(app, db, client, world):
    w = world
    letter = _issued(w)
    db.session.commit()
    case, code = w["case"], w["case"].query_code
    redacted_bytes = open_path(w["redacted"].storage_key).read_bytes()
    db.session.rollback()
    listed = _docs(client, case, code)
    assert listed.status_code == 200, listed.json
    [doc] = [d for d in listed.json["documents"] if d["id"] == letter.id]
    first = doc["enclosures"][0]
    assert (first["title"], first["pages"], first["size"]) == ("拆迁补偿情况说明", 2, len(redacted_bytes))
    assert first["sha256"] == hashlib.sha256(redacted_bytes).hexdigest()
    got = client.get(first["url"], headers={"X-Query-Code": code})
    assert got.status_code == 200 and got.data == redacted_bytes
    # Without the code, with a wrong one, or for an unknown number: the same 404.
    unknown = client.get("/api/v1/requests/SFJY-2026-999999/documents", headers={"X-Query-Code": code})
    for resp in (_docs(client, case, None), _docs(client, case, "WRONGCODE1"), client.get(first["url"]),
                 client.get(first["url"], headers={"X-Query-Code": "WRONGCODE1"})):
        assert resp.status_code == 404 and resp.json == unknown.json
    # Never an original, even of this case and through an issued letter's URL.
    original_url = first["url"].replace(f"/enclosures/{w['redacted'].id}.", f"/enclosures/{w['original'].id}.")
    assert client.get(original_url, headers={"X-Query-Code": code}).status_code == 404


def test_a_drafts_enclosures_are_not_public(app, db, client, world):
    w = world
    draft = ops.draft_letter(w["case"], actor=w["clerk"], template="disclosed", enclosures=[w["redacted"].id])
    db.session.commit()
    case, code, letter_id = w["case"], w["case"].query_code, draft.id
    db.session.rollback()
    assert _docs(client, case, code).json["documents"] == []
    url = f"/api/v1/requests/{case.tracking_number}/letters/{letter_id}/enclosures/{w['redacted'].id}.pdf"
    assert client.get(url, headers={"X-Query-Code": code}).status_code == 404


def test_the_tracking_page_lists_and_serves_the_enclosures(app, db, client, world):
    w = world
    letter = _issued(w)
    db.session.commit()
    case, code, record_id = w["case"], w["case"].query_code, w["redacted"].id
    data = open_path(w["redacted"].storage_key).read_bytes()
    db.session.rollback()
    url = f"/track/{case.tracking_number}/letters/{letter.id}/enclosures/{record_id}.pdf"
    assert client.get(url).status_code in (302, 403, 404)  # not unlocked
    from tests.intake.portal_helpers import unlock

    unlock(client, case.tracking_number, code)
    page = client.get(f"/track/{case.tracking_number}")
    assert "拆迁补偿情况说明" in page.get_data(as_text=True) and url in page.get_data(as_text=True)
    got = client.get(url)
    assert got.status_code == 200 and got.data == data


def test_staff_see_the_enclosures_in_the_case_json_and_on_the_approval_page(app, db, client, login, world):
    from caseapp.accounts.operations import create_token

    w = world
    letter = ops.draft_letter(w["case"], actor=w["clerk"], template="disclosed",
                              fields={"provided": "材料"}, enclosures=[w["redacted"].id])
    ops.submit_letter(letter, actor=w["clerk"])
    token = create_token(w["supervisor"])
    db.session.commit()
    number, letter_id, record_id, digest = w["case"].tracking_number, letter.id, w["redacted"].id, w["redacted"].sha256
    db.session.rollback()
    shown = client.get(f"/api/v1/cases/{number}", headers={"Authorization": f"Bearer {token}"}).json
    [row] = [x for x in shown["letters"] if x["id"] == letter_id]
    assert row["enclosures"] == [{"record_id": record_id, "title": "拆迁补偿情况说明", "pages": 2, "sha256": digest}]
    login(w["supervisor"])
    page = client.get(f"/office/letters/{letter_id}").get_data(as_text=True)
    link = f"/office/letters/{letter_id}/enclosures/{record_id}"
    assert link in page
    opened = client.get(link)
    assert opened.status_code == 200 and hashlib.sha256(opened.data).hexdigest() == digest
    assert client.get(f"/office/letters/{letter_id}/enclosures/{w['original'].id}").status_code == 404
