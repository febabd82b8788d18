"""Letter workflow: draft, edit, submit, approve or return, issue (number, files, delivery, freeze)."""
from __future__ import annotations

import hashlib
from datetime import date

import pytest
import sqlalchemy as sa

from caseapp.core.audit import AuditEvent
from caseapp.core.errors import DomainError, TransitionError, ValidationError
from caseapp.core.filestore import open_path
from caseapp.letters import operations as ops
from caseapp.core.actions import act
from caseapp.letters.queries import issued_documents_for_applicant, letters_for_case
from tests.letters.conftest import docx_paragraphs, pdf_text, squash

TODAY = date(2026, 11, 20)
pytestmark = pytest.mark.frozen_at(TODAY)  # the office and the API act on TODAY too
POST = {"method": "post", "date": "2026-11-19", "reference": "XA123456789CN"}


def _approved(w, template="disclosed", fields=None):
    letter = ops.draft_letter(w["case"], actor=w["clerk"], template=template,
                              fields=fields if fields is not None else {"provided": "《示范市招生工作实施意见》，随本答复书提供。"})
    ops.submit_letter(letter, actor=w["clerk"])
    ops.approve_letter(letter, actor=w["supervisor"])
    return letter


def test_draft_is_prefilled_from_the_case(db, letter_world):
    w = letter_world
    letter = ops.draft_letter(w["case"], actor=w["clerk"], template="disclosed")
    assert letter.status == "draft"
    assert letter.fields["addressee"] == "张三"
    # The letter says 您申请获取“……”: the summary drops the request's own leading 申请公开.
    assert w["case"].description.startswith("申请公开2026年") and letter.fields["description"].startswith("2026年")
    receipt = ops.draft_letter(w["case"], actor=w["clerk"], template="receipt")
    assert receipt.fields["due_on"] == w["case"].due_on.isoformat()


def test_full_workflow_issues_numbered_frozen_files_and_closes_the_case(db, letter_world):
    w = letter_world
    case = w["case"]
    letter = ops.draft_letter(case, actor=w["clerk"], template="disclosed")
    ops.update_letter(letter, actor=w["clerk"], fields={"provided": "《示范市招生工作实施意见》，随本答复书提供。"})
    ops.submit_letter(letter, actor=w["clerk"])
    ops.approve_letter(letter, actor=w["supervisor"])
    ops.issue_letter(letter, actor=w["clerk"], delivery=POST, today=TODAY)
    db.session.commit()

    assert letter.status == "issued"
    assert letter.number == "示教信公〔2026〕1号"
    assert letter.issued_on == date(2026, 11, 19)
    assert (letter.delivery_method, letter.delivery_reference) == ("post", "XA123456789CN")
    # The reply closes the case with its outcome on the posting date (235号).
    assert (case.status, case.outcome, case.closed_on) == ("closed", "disclosed", date(2026, 11, 19))
    pdf = open_path(letter.pdf_key).read_bytes()
    docx = open_path(letter.docx_key).read_bytes()
    assert hashlib.sha256(pdf).hexdigest() == letter.pdf_sha256
    assert hashlib.sha256(docx).hexdigest() == letter.docx_sha256
    text = squash(pdf_text(pdf))
    assert case.tracking_number in text and "示教信公〔2026〕1号" in text and "2026年11月19日" in text
    assert squash("".join(docx_paragraphs(docx))) == text
    actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.case_id == case.id)).all()
    for action in ("letter.drafted", "letter.edited", "letter.submitted", "letter.approved", "letter.issued",
                   "case.closed"):
        assert action in actions


def test_numbers_are_sequential_per_agency_and_year(db, letter_world, make_case):
    w = letter_world
    first = _approved(w, "receipt", fields={})
    ops.issue_letter(first, actor=w["clerk"], delivery={"method": "hand", "date": "2026-11-03"}, today=TODAY)
    other_case = make_case("in_progress", agency=w["agency"], handler=w["clerk"], received_on=date(2026, 11, 2))
    second = ops.draft_letter(other_case, actor=w["clerk"], template="receipt")
    ops.submit_letter(second, actor=w["clerk"])
    ops.approve_letter(second, actor=w["supervisor"])
    ops.issue_letter(second, actor=w["clerk"], delivery={"method": "online", "date": "2026-11-04"}, today=TODAY)
    assert (first.number, second.number) == ("示教信公〔2026〕1号", "示教信公〔2026〕2号")
    assert w["case"].status == "in_progress"  # a receipt does not close the case


def test_issuing_twice_is_refused_and_issued_letters_never_change(db, letter_world):
    w = letter_world
    letter = _approved(w)
    ops.issue_letter(letter, actor=w["clerk"], delivery=POST, today=TODAY)
    db.session.commit()
    digest = letter.pdf_sha256
    with pytest.raises(TransitionError):
        ops.issue_letter(letter, actor=w["clerk"], delivery=POST, today=TODAY)
    with pytest.raises(TransitionError):
        ops.update_letter(letter, actor=w["clerk"], fields={"provided": "改动"})
    with pytest.raises(TransitionError):
        ops.submit_letter(letter, actor=w["clerk"])
    assert letter.pdf_sha256 == digest


def test_approval_by_a_clerk_or_by_the_drafter_is_refused(db, letter_world):
    w = letter_world
    letter = ops.draft_letter(w["case"], actor=w["clerk"], template="disclosed",
                              fields={"provided": "材料"})
    ops.submit_letter(letter, actor=w["clerk"])
    with pytest.raises(DomainError) as err:
        ops.approve_letter(letter, actor=w["clerk"])
    assert err.value.status_code == 403
    own = ops.draft_letter(w["case"], actor=w["supervisor"], template="receipt")
    ops.submit_letter(own, actor=w["supervisor"])
    with pytest.raises(DomainError) as err:
        ops.approve_letter(own, actor=w["supervisor"])
    assert err.value.status_code == 403
    ops.approve_letter(own, actor=w["supervisor2"])
    assert own.status == "approved"


def test_unapproved_letter_cannot_be_issued(db, letter_world):
    w = letter_world
    letter = ops.draft_letter(w["case"], actor=w["clerk"], template="receipt")
    with pytest.raises(TransitionError):
        ops.issue_letter(letter, actor=w["clerk"], delivery=POST, today=TODAY)
    ops.submit_letter(letter, actor=w["clerk"])
    with pytest.raises(TransitionError):
        ops.issue_letter(letter, actor=w["clerk"], delivery=POST, today=TODAY)
    assert letter.number is None


def test_return_with_comment_then_edit_and_resubmit(db, letter_world):
    w = letter_world
    letter = ops.draft_letter(w["case"], actor=w["clerk"], template="disclosed", fields={"provided": "材料"})
    ops.submit_letter(letter, actor=w["clerk"])
    with pytest.raises(ValidationError):
        ops.return_letter(letter, actor=w["supervisor"], comment="  ")
    with pytest.raises(DomainError) as err:  # only a supervisor returns a letter (the action's roles)
        act("return_letter", w["case"], w["clerk"], {"letter_id": letter.id, "comment": "请修改"})
    assert err.value.status_code == 403
    ops.return_letter(letter, actor=w["supervisor"], comment="请写明文号。")
    assert (letter.status, letter.return_comment) == ("returned", "请写明文号。")
    ops.update_letter(letter, actor=w["clerk"], fields={"provided": "《实施意见》（示教发〔2026〕5号）"})
    ops.submit_letter(letter, actor=w["clerk"])
    ops.approve_letter(letter, actor=w["supervisor"])
    assert letter.return_comment is None


def test_required_fields_and_bad_values_are_refused(db, letter_world):
    w = letter_world
    letter = ops.draft_letter(w["case"], actor=w["clerk"], template="not_handled.repeat")
    with pytest.raises(ValidationError) as err:
        ops.submit_letter(letter, actor=w["clerk"])
    assert "earlier_on" in err.value.errors
    with pytest.raises(ValidationError) as err:
        ops.update_letter(letter, actor=w["clerk"], fields={"earlier_on": "15/09/2026", "nonsense": "x"})
    assert set(err.value.errors) == {"earlier_on", "nonsense"}
    with pytest.raises(ValidationError):
        ops.draft_letter(w["case"], actor=w["clerk"], template="no_such_template")


@pytest.mark.parametrize("delivery,field", [
    ({"method": "pigeon", "date": "2026-11-19"}, "method"),
    ({"method": "post", "date": "2026-11-19"}, "reference"),
    ({"method": "hand", "date": "2026-11-21"}, "date"),
    ({"method": "hand", "date": "2026-10-01"}, "date"),
    ({"method": "hand", "date": "19.11.2026"}, "date"),
])
def test_bad_delivery_is_refused_and_nothing_is_numbered(db, letter_world, delivery, field):
    w = letter_world
    letter = _approved(w)
    with pytest.raises(ValidationError) as err:
        ops.issue_letter(letter, actor=w["clerk"], delivery=delivery, today=TODAY)
    assert field in err.value.errors
    assert letter.status == "approved" and letter.number is None and w["case"].status == "in_progress"


def test_reply_with_another_outcome_on_a_closed_case_is_refused(db, letter_world):
    w = letter_world
    letter = _approved(w)
    ops.issue_letter(letter, actor=w["clerk"], delivery=POST, today=TODAY)
    with pytest.raises(TransitionError):
        ops.draft_letter(w["case"], actor=w["clerk"], template="withheld.state_secret")


def test_withdrawal_confirmation_needs_a_withdrawn_case(db, letter_world, make_case):
    w = letter_world
    with pytest.raises(TransitionError):
        ops.draft_letter(w["case"], actor=w["clerk"], template="withdrawal_confirmation")
    withdrawn = make_case("withdrawn", agency=w["agency"], handler=w["clerk"])
    letter = ops.draft_letter(withdrawn, actor=w["clerk"], template="withdrawal_confirmation")
    assert letter.fields["withdrawn_on"] == withdrawn.closed_on.isoformat()


# --- API actions and downloads ----------------------------------------------------------------------

def test_api_actions_run_the_workflow(app, db, letter_world):
    w = letter_world
    case = w["case"]
    out = act("draft_letter", case, w["clerk"], {"template": "unavailable.not_held",
                                                     "fields": {"ground": "not_ours",
                                                                "right_agency": "示范市人力资源和社会保障局",
                                                                "search": "该信息由人力资源社会保障部门制作并保存。"}})
    letter_id = out["letter_id"]
    # A not-held reply rests on a recorded search (SPEC §12): submitting it waits for one.
    act("record_search", case, w["clerk"], {"places": [{"kind": "department", "detail": "人事处"}],
                                            "terms": ["社会保险缴费记录"], "searched_on": "2026-11-16",
                                            "result": "本机关未制作、获取该信息。"})
    act("submit_letter", case, w["clerk"], {"letter_id": letter_id})
    with pytest.raises(DomainError) as err:
        act("approve_letter", case, w["clerk"], {"letter_id": letter_id})
    assert err.value.status_code == 403
    act("approve_letter", case, w["supervisor"], {"letter_id": letter_id})
    issued = act("issue_letter", case, w["clerk"], {"letter_id": letter_id, "delivery": {
        "method": "email", "date": "2026-11-18", "reference": "zhangsan@example.com"}})
    assert issued["status"] == "issued" and issued["outcome"] == "unavailable.not_held"
    with pytest.raises(TransitionError):
        act("issue_letter", case, w["clerk"], {"letter_id": letter_id, "delivery": POST})
    with pytest.raises(ValidationError):
        act("submit_letter", case, w["clerk"], {"letter_id": "1"})
    with app.test_request_context():
        [listed] = letters_for_case(case)
    assert listed["id"] == letter_id and listed["number"] == issued["number"]
    assert listed["pdf_url"].endswith(f"/letters/{letter_id}.pdf")


def test_letter_of_another_case_is_not_found(db, letter_world, make_case):
    w = letter_world
    other = make_case("in_progress", agency=w["agency"], handler=w["clerk"])
    letter = ops.draft_letter(other, actor=w["clerk"], template="receipt")
    with pytest.raises(DomainError) as err:
        act("submit_letter", w["case"], w["clerk"], {"letter_id": letter.id})
    assert err.value.status_code == 404


def test_downloads_for_staff_and_for_the_applicant(app, db, client, letter_world, make_user):
    from caseapp.accounts.operations import create_token

    w = letter_world
    case = w["case"]
    letter = _approved(w)
    consult = ops.draft_letter(case, actor=w["clerk"], template="consultation_third_party",
                               fields={"addressee": "某公司"})
    ops.issue_letter(letter, actor=w["clerk"], delivery=POST, today=TODAY)
    token = create_token(w["clerk"])
    outsider = create_token(make_user("clerk"))  # another agency
    db.session.commit()
    pdf_url = f"/api/v1/cases/{case.tracking_number}/letters/{letter.id}.pdf"
    resp = client.get(pdf_url, headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert hashlib.sha256(resp.data).hexdigest() == letter.pdf_sha256
    resp = client.get(pdf_url.replace(".pdf", ".docx"), headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200 and hashlib.sha256(resp.data).hexdigest() == letter.docx_sha256
    assert client.get(pdf_url).status_code == 401
    assert client.get(pdf_url, headers={"Authorization": f"Bearer {outsider}"}).status_code == 404
    assert client.get(f"/api/v1/cases/{case.tracking_number}/letters/{consult.id}.pdf",
                      headers={"Authorization": f"Bearer {token}"}).status_code == 404  # not issued

    public = f"/api/v1/requests/{case.tracking_number}/letters/{letter.id}.pdf"
    resp = client.get(public, headers={"X-Query-Code": case.query_code})
    assert resp.status_code == 200 and hashlib.sha256(resp.data).hexdigest() == letter.pdf_sha256
    assert client.get(public, headers={"X-Query-Code": "WRONGCODE99"}).status_code == 404
    assert client.get(public).status_code == 404
    with app.test_request_context():
        docs = issued_documents_for_applicant(case)
    assert [d["id"] for d in docs] == [letter.id] and docs[0]["title"] == "政府信息公开申请答复书"


def test_issued_letter_row_is_consistent_in_the_database(db, letter_world):
    w = letter_world
    letter = _approved(w)
    letter.status = "issued"  # without number and files: the check constraint refuses it
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()
