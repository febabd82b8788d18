"""Access matrix of the staff API: every endpoint and every action, per role and per agency.

The expectations are written out here (never read from the code's role lists): for each action,
the roles that may take it, the state a case must be in, and a valid payload. "Allowed" means a
2xx answer; a refused role gets 403; a user of another agency gets 404 (clerks and supervisors,
who could act on their own agency's cases) or 403 (roles that may take no action at all).
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from caseapp.accounts.operations import create_token
from caseapp.core.clock import local_today
from tests.conftest import FROZEN_AT

ROLES = ("clerk", "supervisor", "liaison", "auditor", "admin")
READERS = {"clerk", "supervisor", "auditor", "admin"}
HANDLERS = {"clerk", "supervisor"}
SUPERVISOR = {"supervisor"}


@pytest.fixture
def world(db, make_agency, make_user, make_case):
    a, b = make_agency("AGA", reconsideration_body="示范市人民政府"), make_agency("AGB")
    tokens, users = {}, {}
    for agency, key in ((a, "a"), (b, "b")):
        for role in ROLES:
            user = make_user(role, agency=agency, username=f"{key}_{role}")
            users[(key, role)] = user
            tokens[(key, role)] = {"Authorization": f"Bearer {create_token(user)}"}
    tokens[("platform", "admin")] = {"Authorization": f"Bearer {create_token(make_user('admin', agency=None))}"}
    db.session.commit()
    return {"a": a, "tokens": tokens, "users": users, "make_case": make_case}


def test_no_or_bad_token_is_401(client, world):
    case = world["make_case"](agency=world["a"])
    for method, url in (("get", "/api/v1/cases"), ("post", "/api/v1/cases"),
                        ("get", f"/api/v1/cases/{case.tracking_number}"),
                        ("post", f"/api/v1/cases/{case.tracking_number}/actions")):
        for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic eDp5"}):
            resp = getattr(client, method)(url, headers=headers, json={})
            assert resp.status_code == 401, (method, url, headers)
            assert resp.json["error"]["code"]


@pytest.mark.parametrize("role", ROLES)
def test_reading(client, world, role):
    case = world["make_case"](agency=world["a"])
    mine = client.get(f"/api/v1/cases/{case.tracking_number}", headers=world["tokens"][("a", role)])
    listing = client.get("/api/v1/cases?tab=all", headers=world["tokens"][("a", role)])
    if role in READERS:
        assert mine.status_code == 200 and listing.status_code == 200
        other = client.get(f"/api/v1/cases/{case.tracking_number}", headers=world["tokens"][("b", role)])
        assert other.status_code == 404
        others_list = client.get("/api/v1/cases?tab=all", headers=world["tokens"][("b", role)]).json
        assert case.tracking_number not in str(others_list)
    else:
        assert mine.status_code == 403 and listing.status_code == 403


def test_platform_admin_reads_every_agency(client, world):
    case = world["make_case"](agency=world["a"])
    resp = client.get(f"/api/v1/cases/{case.tracking_number}", headers=world["tokens"][("platform", "admin")])
    assert resp.status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_registering(client, db, world, role):
    from tests.api.test_staff_api import _body

    resp = client.post("/api/v1/cases", headers=world["tokens"][("a", role)], json=_body())
    assert resp.status_code == (201 if role in HANDLERS else 403)


# --- Every action --------------------------------------------------------------------------------
# Each setup brings a fresh case of agency A to where the action can be taken and returns the
# payload. Approvals are prepared by agency A's clerk, so that the supervisor is a second pair of eyes.

def _recent(world, status="in_progress"):
    """A case received today, so that its reply period is still running whatever the date."""
    return world["make_case"](status, agency=world["a"], received_on=local_today(), today=local_today())


def _letter(world, case, status):
    from caseapp.core.actions import act

    clerk, supervisor = world["users"][("a", "clerk")], world["users"][("a", "supervisor")]
    letter = act("draft_letter", case, clerk, {"template": "not_handled.repeat",
                                               "fields": {"earlier_on": "2026-09-15"}})
    if status in ("submitted", "approved"):
        act("submit_letter", case, clerk, {"letter_id": letter["letter_id"]})
    if status == "approved":
        act("approve_letter", case, supervisor, {"letter_id": letter["letter_id"]})
    return letter["letter_id"]


def _pending(world, case, name, body):
    from caseapp.core.actions import act

    act(name, case, world["users"][("a", "clerk")], body)


def _fee(world, case, served=False, method="hand"):
    from caseapp.core.actions import act

    clerk, supervisor = world["users"][("a", "clerk")], world["users"][("a", "supervisor")]
    act("propose_fee", case, clerk, {"basis": "pages", "count": 150})
    if served:
        fee = act("approve_fee", case, supervisor, {"how_to_pay": "请通过非税收入缴款渠道缴纳。"})
        act("issue_letter", case, clerk, {"letter_id": fee["letter_id"], "delivery": {
            "method": method, "date": local_today().isoformat(), "reference": "XA123456789CN"}})


TODAY = FROZEN_AT.date().isoformat()  # every test runs at FROZEN_AT (tests/conftest.py)
ACTIONS = {
    # action: (roles that may take it, setup(world) -> (case, payload))
    "accept": (HANDLERS, lambda w: (w["make_case"]("submitted", agency=w["a"]), {})),
    "request_correction": (HANDLERS, lambda w: (w["make_case"]("submitted", agency=w["a"]),
                                                {"details": "请补充文号。"})),
    "receive_correction": (HANDLERS, lambda w: (w["make_case"]("correction_requested", agency=w["a"]),
                                                {"received_on": TODAY, "description": "补正内容"})),
    "assign": (HANDLERS, lambda w: (w["make_case"]("submitted", agency=w["a"]), {"user": "a_supervisor"})),
    "withdraw": (HANDLERS, lambda w: (w["make_case"]("submitted", agency=w["a"]), {"reason": "撤回"})),
    "add_note": (HANDLERS, lambda w: (w["make_case"]("submitted", agency=w["a"]), {"text": "备注"})),
    # Records (SPEC §11): handlers gather, redact and release the records of a request in progress.
    "add_record": (HANDLERS, lambda w: (w["make_case"]("in_progress", agency=w["a"]),
                                        {"file": [{"filename": "方案.pdf", "content_base64": _pdf_base64()}]})),
    "redact_record": (HANDLERS, lambda w: _with_record(w, {"terms": ["学区"], "exemption": "personal_privacy",
                                                           "reason": "涉及个人隐私。"})),
    "release_record": (HANDLERS, lambda w: _with_record(w, {})),
    # A search for the requested information (SPEC §12), recorded while the case is handled.
    "record_search": (HANDLERS, lambda w: (w["make_case"]("in_progress", agency=w["a"]),
                                           {"places": [{"kind": "archive"}], "terms": ["学区划分"],
                                            "searched_on": TODAY, "result": "未查见。"})),
    "close": (SUPERVISOR, lambda w: (w["make_case"]("in_progress", agency=w["a"]),
                                     {"outcome": "disclosed", "reason": "已提供"})),
    "reopen": (SUPERVISOR, lambda w: (w["make_case"]("closed", agency=w["a"]), {"reason": "复议决定"})),
    "draft_letter": (HANDLERS, lambda w: (w["make_case"]("in_progress", agency=w["a"]), {"template": "receipt"})),
    "update_letter": (HANDLERS, lambda w: _with_letter(w, "draft", {"fields": {"earlier_on": "2026-09-16"}})),
    "submit_letter": (HANDLERS, lambda w: _with_letter(w, "draft", {})),
    "approve_letter": (SUPERVISOR, lambda w: _with_letter(w, "submitted", {})),
    "return_letter": (SUPERVISOR, lambda w: _with_letter(w, "submitted", {"comment": "请补充理由。"})),
    "issue_letter": (HANDLERS, lambda w: _with_letter(w, "approved", {"delivery": {
        "method": "hand", "date": TODAY, "reference": "张三签收"}})),
    "request_extension": (HANDLERS, lambda w: (_recent(w), {"days": 10, "reason": "档案较多"})),
    "approve_extension": (SUPERVISOR, lambda w: _with_pending(w, "request_extension", {"days": 10, "reason": "档案较多"})),
    "defer": (HANDLERS, lambda w: (_recent(w), {"deferred_to": (local_today() + timedelta(days=90)).isoformat(),
                                                "reason": "申请数量大"})),
    "approve_deferral": (SUPERVISOR, lambda w: _with_pending(w, "defer", {
        "deferred_to": (local_today() + timedelta(days=90)).isoformat(), "reason": "申请数量大"})),
    "propose_fee": (HANDLERS, lambda w: (_recent(w), {"basis": "pages", "count": 150})),
    "approve_fee": (SUPERVISOR, lambda w: _with_fee(w, served=False)),
    "record_payment": (HANDLERS, lambda w: _with_fee(w, served=True, payload={"paid_on": TODAY})),
    "record_fee_receipt": (HANDLERS, lambda w: _with_fee(w, served=True, method="post",
                                                          payload={"received_on": TODAY})),
    "consult": (HANDLERS, lambda w: (_recent(w), {"kind": "department", "department": "BGS",
                                                  "question": "请核实该文件的定密情况。"})),
    "record_opinion": (HANDLERS, lambda w: _with_consultation(w)),
    "cancel_consultation": (HANDLERS, lambda w: _with_consultation(w, cancel=True)),
    "record_letter_receipt": (HANDLERS, lambda w: _with_consultation(w, receipt=True)),
    # proactive disclosure (caseapp/disclosure/actions.py)
    "start_item": (HANDLERS, lambda w: (w["make_case"]("in_progress", agency=w["a"]), {"title": "学区划分方案"})),
    "link_item": (HANDLERS, lambda w: _with_item(w, "link_item")),
    "judge_similar": (HANDLERS, lambda w: _pair(w)),
    "split_item": (HANDLERS, lambda w: _with_item(w, "split_item")),
    "merge_items": (HANDLERS, lambda w: _with_item(w, "merge_items")),
    "convert_to_public": (HANDLERS, lambda w: (w["make_case"]("closed", agency=w["a"]),
                                               {"title": "学区划分方案", "topic": "education"})),
    "resolve_finding": (HANDLERS, lambda w: _with_entry(w, "resolve_finding")),
    "approve_publication": (SUPERVISOR, lambda w: _with_entry(w, "approve_publication")),
    "answer_suggestion": (SUPERVISOR, lambda w: _with_suggestion(w)),
    "convert_item_to_public": (HANDLERS, lambda w: _with_disclosed_item(w)),
    "edit_entry": (HANDLERS, lambda w: _with_entry(w, "edit_entry")),
    "add_document": (HANDLERS, lambda w: _with_entry(w, "add_document")),
    "remove_document": (HANDLERS, lambda w: _with_entry(w, "remove_document")),
    "draft_disclosure_notice": (HANDLERS, lambda w: _with_consultation(w, objection=True)),
    # reconsiderations and lawsuits (caseapp/stats/actions.py)
    "record_review": (HANDLERS, lambda w: (_replied_case(w), REVIEW)),
    "update_review": (HANDLERS, lambda w: _with_review(w, {**REVIEW, "reference": "示府复〔2026〕8号"})),
    "reopen_from_review": (SUPERVISOR, lambda w: _with_review(w, {}, corrected=True)),
    "submit_review_answer": (HANDLERS, lambda w: _with_review(w, {"submitted_on": TODAY})),
    # supervision orders (issue 26): the case's handler (agency A's clerk here) answers, a supervisor closes
    "answer_supervision_order": ({"clerk"}, lambda w: _with_order(w, {"feedback": "已补充检索，三日内答复。"})),
    "conclude_supervision_order": (SUPERVISOR, lambda w: _with_order(w, {}, answered=True)),
}
REVIEW = {"kind": "reconsideration", "body": "示范市人民政府", "filed_on": TODAY, "copy_received_on": TODAY,
          "result": "pending"}


def _pdf_base64() -> str:
    import base64

    from weasyprint import HTML

    pdf = HTML(string="<html><head><meta charset='utf-8'></head><body><p>学区划分方案</p></body></html>").write_pdf()
    return base64.b64encode(pdf).decode()


def _with_record(world, payload):
    """A case of agency A in progress with one record added."""
    from caseapp.core.actions import act

    case = world["make_case"]("in_progress", agency=world["a"])
    added = act("add_record", case, world["users"][("a", "clerk")],
                {"file": [{"filename": "方案.pdf", "content_base64": _pdf_base64()}]})
    return case, {"record_id": added["record_id"], **payload}


def _with_disclosed_item(world):
    """A disclosed case of agency A that started an information item."""
    from caseapp.core.actions import act

    case = world["make_case"]("closed", agency=world["a"])
    act("start_item", case, world["users"][("a", "clerk")], {"title": "学区划分方案"})
    return case, {"title": "学区划分方案", "topic": "education"}


def _replied_case(world):
    """A closed case of agency A whose reply was issued (a review challenges it)."""
    from caseapp.extensions import db
    from tests.reviews.helpers import issue_reply

    case = world["make_case"]("closed", agency=world["a"])
    issue_reply(case)
    db.session.commit()  # the API's request writes in its own transaction
    return case


def _with_review(world, payload, corrected=False):
    """A closed case of agency A with a reconsideration on record (decided 纠正 for reopening)."""
    from caseapp.core.actions import act

    case = _replied_case(world)
    body = {**REVIEW, **({"result": "corrected", "decided_on": TODAY, "decision": "责令重新答复"} if corrected else {})}
    review = act("record_review", case, world["users"][("a", "clerk")], body)
    return case, {"review_id": review["review_id"], **payload}


def _pair(world):
    """Two requests of agency A: the second is judged against the first."""
    case, other = (world["make_case"]("in_progress", agency=world["a"]) for _ in range(2))
    return case, {"other": other.tracking_number, "same": "same"}


def _with_item(world, action):
    """A case of agency A in an information item with another case, and a second item."""
    from caseapp.core.actions import act

    clerk = world["users"][("a", "clerk")]
    case, other, third = (world["make_case"]("in_progress", agency=world["a"]) for _ in range(3))
    item = act("start_item", other, clerk, {"title": "学区划分方案"})["item_id"]
    second = act("start_item", third, clerk, {"title": "招生入学通知"})["item_id"]
    if action == "link_item":
        return case, {"item_id": item}
    act("link_item", case, clerk, {"item_id": item})
    return case, ({"title": "另一份方案"} if action == "split_item" else {"source_item_id": second})


def _with_entry(world, action):
    """A disclosed case of agency A converted to a draft entry (with one finding for resolve_finding)."""
    from caseapp.core.actions import act

    if action in ("add_document", "remove_document"):  # with a release version of one of its records
        case, record = _with_record(world, {})
        version = act("release_record", case, world["users"][("a", "clerk")], record)["record_id"]
        act("close", case, world["users"][("a", "supervisor")], {"outcome": "disclosed", "reason": "已提供"})
    else:
        case = world["make_case"]("closed", agency=world["a"])
    summary = f"{case.applicant_name}申请的信息。" if action == "resolve_finding" else "学区划分方案全文。"
    entry = act("convert_to_public", case, world["users"][("a", "clerk")],
                {"title": "学区划分方案", "summary": summary, "topic": "education"})
    if action == "approve_publication":
        return case, {"entry_id": entry["entry_id"]}
    if action == "edit_entry":
        return case, {"entry_id": entry["entry_id"], "title": "学区划分方案（2026年）", "topic": "education"}
    if action == "add_document":
        return case, {"entry_id": entry["entry_id"], "record_id": version}
    if action == "remove_document":
        doc = act("add_document", case, world["users"][("a", "clerk")],
                  {"entry_id": entry["entry_id"], "record_id": version})
        return case, {"entry_id": entry["entry_id"], "document_id": doc["document_id"]}
    from caseapp.disclosure.queries import get_entry, open_findings

    return case, {"finding_id": open_findings(get_entry(entry["entry_id"]))[0].id, "reason": "示例，非个人信息"}


def _with_suggestion(world):
    from caseapp.extensions import db
    from caseapp.intake.operations import suggest_proactive_disclosure

    case = world["make_case"]("in_progress", agency=world["a"])
    suggestion = suggest_proactive_disclosure(case, text="建议主动公开。")
    db.session.commit()
    return case, {"suggestion_id": suggestion.id, "decision": "agree", "reason": "已主动公开。"}


def _with_order(world, payload, answered=False):
    """A case handled by agency A's clerk with an open supervision order (answered, when asked)."""
    from tests.jobs.supervision_helpers import order_on_handled_case

    case, order = order_on_handled_case(world, answered=answered)
    return case, {"order_id": order.id, **payload}


def _with_letter(world, status, payload):
    case = world["make_case"]("in_progress", agency=world["a"])
    return case, {"letter_id": _letter(world, case, status), **payload}


def _with_pending(world, name, body):
    case = _recent(world)
    _pending(world, case, name, body)
    return case, {}


def _with_fee(world, served, payload=None, method="hand"):
    case = _recent(world)
    _fee(world, case, served=served, method=method)
    return case, payload or {}


def _with_consultation(world, cancel=False, receipt=False, objection=False):
    """A case with a third party consulted: to record the opinion that came back on paper, or to cancel."""
    from caseapp.core.actions import act

    case = _recent(world)
    sent = act("consult", case, world["users"][("a", "clerk")], {
        "kind": "third_party", "third_party": {"name": "示范化工有限公司", "address": "示范市化工园区1号"},
        "question": "是否同意公开贵公司报送的应急预案？"})
    if cancel:
        return case, {"consultation_id": sent["consultation_id"], "reason": "申请人已撤回该项内容。"}
    # Asked by letter: its letter is issued (posted today) before an answer or a receipt is recorded.
    from caseapp.consultations.models import Consultation
    from caseapp.extensions import db
    from tests.consultations.letters import issue_consultation_letter

    issue_consultation_letter(db.session.get(Consultation, sent["consultation_id"]),
                              clerk=world["users"][("a", "clerk")], supervisor=world["users"][("a", "supervisor")],
                              on=FROZEN_AT.date(), method="post")
    if receipt:
        return case, {"consultation_id": sent["consultation_id"], "received_on": TODAY}
    if objection:
        act("record_opinion", case, world["users"][("a", "clerk")], {
            "consultation_id": sent["consultation_id"], "opinion": "disagree", "reasons": "涉及商业秘密。"})
        return case, {"consultation_id": sent["consultation_id"], "content": "应急预案全文",
                      "reasons": "涉及公共安全，不公开可能对公共利益造成重大影响。"}
    return case, {"consultation_id": sent["consultation_id"], "opinion": "agree", "reasons": "同意公开。",
                  "received_on": TODAY}


def test_the_matrix_covers_every_action(app):
    from caseapp.core.actions import case_actions

    assert {a.name for a in case_actions()} == set(ACTIONS)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_action_per_role_and_agency(client, db, world, action, role):
    allowed_roles, setup = ACTIONS[action]
    case, payload = setup(world)
    db.session.refresh(case)
    body = {"action": action, "version": case.version, **payload}
    url = f"/api/v1/cases/{case.tracking_number}/actions"
    other_agency = client.post(url, headers=world["tokens"][("b", role)], json=body)
    assert other_agency.status_code == (404 if role in HANDLERS else 403), other_agency.json
    resp = client.post(url, headers=world["tokens"][("a", role)], json=body)
    if role in allowed_roles:
        assert 200 <= resp.status_code < 300, (action, role, resp.json)
    else:
        assert resp.status_code == 403, (action, role, resp.json)


def test_four_eyes_refuses_approving_your_own_work(client, db, world):
    """The supervisor who drafted a letter, or requested an extension, cannot approve it (403)."""
    from caseapp.core.actions import act

    supervisor = world["users"][("a", "supervisor")]
    headers = world["tokens"][("a", "supervisor")]
    case = _recent(world)
    letter = act("draft_letter", case, supervisor, {"template": "not_handled.repeat",
                                                    "fields": {"earlier_on": "2026-09-15"}})
    act("submit_letter", case, supervisor, {"letter_id": letter["letter_id"]})
    act("request_extension", case, supervisor, {"days": 5, "reason": "档案较多"})
    db.session.refresh(case)
    for body in ({"action": "approve_letter", "letter_id": letter["letter_id"]}, {"action": "approve_extension"}):
        resp = client.post(f"/api/v1/cases/{case.tracking_number}/actions", headers=headers,
                           json={**body, "version": case.version})
        assert resp.status_code == 403 and resp.json["error"]["code"] == "forbidden", resp.json
