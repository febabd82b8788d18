"""The staff API: register, list, read and act on cases with a bearer token."""
from __future__ import annotations

import base64
from datetime import date

import pytest
import sqlalchemy as sa

from caseapp.accounts.operations import create_token
from caseapp.cases.models import Case
from caseapp.core.audit import AuditEvent
from caseapp.core.clock import local_today
from tests.conftest import VALID_PERSON

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def token(db):
    def make(user):
        value = create_token(user)
        db.session.commit()
        return {"Authorization": f"Bearer {value}"}

    return make


def _body(**overrides):
    applicant = {"type": "natural_person", "name": "张三", "id_type": "resident_id",
                 "id_number": VALID_PERSON["id_number"], "phone": "13800138000", "address": "示范市人民路1号"}
    body = {"channel": "post", "received_on": local_today().isoformat(), "applicant": applicant,
            "description": "申请公开2026年示范市义务教育阶段学校招生入学工作实施意见。", "form": "paper", "delivery": "post"}
    body.update(overrides)
    return body


def _act(client, headers, case_or_number, action, version, **payload):
    number = getattr(case_or_number, "tracking_number", case_or_number)
    return client.post(f"/api/v1/cases/{number}/actions", headers=headers,
                       json={"action": action, "version": version, **payload})


def _count(db, model):
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_register_then_get(client, db, make_user, token):
    headers = token(make_user("clerk"))
    body = _body(attachments=[{"filename": "scan.pdf", "content_base64": base64.b64encode(PDF).decode()}])
    resp = client.post("/api/v1/cases", headers=headers, json=body)
    assert resp.status_code == 201, resp.json
    data = resp.json
    assert data["status"] == "submitted" and data["channel"] == "post" and data["version"] == 1
    assert data["received_on"] == local_today().isoformat() and data["due_on"] and len(data["query_code"]) >= 8
    assert data["applicant"]["id_number"] == "110***********002X"
    got = client.get(f"/api/v1/cases/{data['tracking_number']}", headers=headers).json
    assert "query_code" not in got
    assert {k: got[k] for k in ("tracking_number", "status", "received_on", "due_on", "due_provisional",
                                "outcome", "version")} == {k: data[k] for k in ("tracking_number", "status",
                                                                                 "received_on", "due_on",
                                                                                 "due_provisional", "outcome",
                                                                                 "version")}
    assert "11010519491231002X" not in str(got)


@pytest.mark.parametrize("body,field", [
    (_body(channel="online"), "channel"),
    (_body(received_on="2099-01-01"), "received_on"),
    (_body(received_on="yesterday"), "received_on"),
    (_body(received_on=20261127), "received_on"),
    (_body(applicant="张三"), "applicant"),
    (_body(applicant={"type": "natural_person", "name": "张三", "id_type": "resident_id",
                      "id_number": "110105194912310028", "phone": "13800138000"}), "applicant.id_number"),
    (_body(description=["x"]), "description"),
    (_body(attachments=[{"filename": "a.exe", "content_base64": base64.b64encode(b"MZ..").decode()}]), "attachments"),
    (_body(attachments=[{"filename": "a.pdf", "content_base64": "%%%"}]), "attachments[0]"),
])
def test_register_refusals(client, db, make_user, token, body, field):
    headers = token(make_user("clerk"))
    resp = client.post("/api/v1/cases", headers=headers, json=body)
    assert resp.status_code == 422, resp.json
    assert field in resp.json["error"]["fields"]
    assert _count(db, Case) == 0


def test_malformed_bodies_are_400_not_500(client, make_user, make_case, token):
    case = make_case()
    headers = token(make_user("clerk", agency=case.agency))
    for url in ("/api/v1/cases", f"/api/v1/cases/{case.tracking_number}/actions"):
        for data in ("not json", "[1, 2]", "null"):
            resp = client.post(url, headers={**headers, "Content-Type": "application/json"}, data=data)
            assert resp.status_code == 400 and resp.json["error"]["code"], (url, data)


def test_full_handling_through_actions(client, db, make_case, make_user, token):
    case = make_case()
    clerk = make_user("clerk", agency=case.agency)
    colleague = make_user("clerk", agency=case.agency)
    supervisor = make_user("supervisor", agency=case.agency)
    h_clerk, h_sup = token(clerk), token(supervisor)
    v = case.version
    r = _act(client, h_clerk, case, "request_correction", v, details="请写明文件名称。", period_days=10)
    assert r.status_code == 200 and r.json["status"] == "correction_requested" and r.json["correction"]["details"]
    r = _act(client, h_clerk, case, "receive_correction", r.json["version"], received_on=local_today().isoformat(),
             description="补充：2026年发布的实施意见。")
    assert r.status_code == 200 and r.json["status"] == "submitted"
    r = _act(client, h_clerk, case, "accept", r.json["version"])
    assert r.status_code == 200 and r.json["status"] == "in_progress" and r.json["handler"] == clerk.username
    r = _act(client, h_clerk, case, "assign", r.json["version"], user=colleague.username)
    assert r.status_code == 200 and r.json["handler"] == colleague.username
    r = _act(client, h_clerk, case, "add_note", r.json["version"], text="已与申请人电话沟通。")
    assert r.status_code == 200
    r = _act(client, h_sup, case, "close", r.json["version"], outcome="disclosed", reason="已当场提供。")
    assert r.status_code == 200 and r.json["status"] == "closed" and r.json["outcome"] == "disclosed"
    r = _act(client, h_sup, case, "reopen", r.json["version"], reason="行政复议决定责令重新答复。")
    assert r.status_code == 200 and r.json["status"] == "in_progress" and r.json["outcome"] is None
    r = _act(client, h_clerk, case, "withdraw", r.json["version"], reason="申请人书面撤回。")
    assert r.status_code == 200 and r.json["status"] == "withdrawn"
    db.session.rollback()
    actions = list(db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.case_id == case.id)))
    assert actions.count("case.note_added") == 1 and actions[-1] == "case.withdrawn"


def test_stale_version_gets_409_and_changes_nothing(client, db, make_case, make_user, token):
    case = make_case()
    headers = token(make_user("clerk", agency=case.agency))
    old = case.version
    assert _act(client, headers, case, "accept", old).status_code == 200
    events = _count(db, AuditEvent)
    for action, payload in (("request_correction", {"details": "x"}), ("add_note", {"text": "x"}),
                            ("withdraw", {})):
        resp = _act(client, headers, case, action, old, **payload)
        assert resp.status_code == 409 and resp.json["error"]["code"] == "stale_version", action
    assert _count(db, AuditEvent) == events
    db.session.rollback()
    assert db.session.get(Case, case.id).status == "in_progress"


def test_invalid_payloads_are_422(client, db, make_case, make_user, token):
    case = make_case()
    supervisor = make_user("supervisor", agency=case.agency)
    headers = token(supervisor)
    v = case.version
    bad = [
        ({"action": "explode", "version": v}, "action"),
        ({"action": "accept"}, "version"),
        ({"action": "accept", "version": "1"}, "version"),
        ({"action": "accept", "version": True}, "version"),
        ({"action": "request_correction", "version": v, "details": ""}, "details"),
        ({"action": "request_correction", "version": v, "details": "x", "period_days": "15"}, "period_days"),
        ({"action": "request_correction", "version": v, "details": "x", "period_days": 99}, "period_days"),
        ({"action": "assign", "version": v, "user": "nobody"}, "user"),
        ({"action": "assign", "version": v, "user": ["x"]}, "user"),
        ({"action": "close", "version": v, "outcome": "disclosed"}, "reason"),
        ({"action": "close", "version": v, "outcome": "nonsense", "reason": "x"}, "outcome"),
        ({"action": "add_note", "version": v, "text": ""}, "text"),
        ({"action": "add_note", "version": v, "text": 5}, "text"),
    ]
    for body, field in bad:
        resp = client.post(f"/api/v1/cases/{case.tracking_number}/actions", headers=headers, json=body)
        assert resp.status_code == 422 and field in resp.json["error"].get("fields", {}), (body, resp.json)
    db.session.rollback()
    assert db.session.get(Case, case.id).version == v


def test_transition_not_allowed_is_409(client, make_case, make_user, token):
    case = make_case(status="closed")
    headers = token(make_user("clerk", agency=case.agency))
    resp = _act(client, headers, case, "accept", case.version)
    assert resp.status_code == 409 and resp.json["error"]["code"] == "invalid_transition"


def test_list_with_filters_and_search(client, db, make_agency, make_case, make_user, token):
    agency = make_agency()
    school = make_case(agency=agency, description="申请公开示范市义务教育阶段学校招生入学工作实施意见。",
                       received_on=date(2026, 11, 3), today=date(2026, 11, 4))
    housing = make_case(agency=agency, status="in_progress", description="申请公开旧住房成套改造项目的征收补偿方案。")
    other = make_case(description="申请公开学校招生划片范围。")
    headers = token(make_user("supervisor", agency=agency))
    data = client.get("/api/v1/cases?tab=all", headers=headers).json
    assert {c["tracking_number"] for c in data["cases"]} == {school.tracking_number, housing.tracking_number}
    assert data["total"] == 2 and data["counts"]["open"] == 2
    found = client.get("/api/v1/cases?q=招生", headers=headers).json["cases"]
    assert [c["tracking_number"] for c in found] == [school.tracking_number]
    assert other.tracking_number not in str(found)
    assert [c["tracking_number"] for c in client.get("/api/v1/cases?status=in_progress", headers=headers).json[
        "cases"]] == [housing.tracking_number]
    assert client.get("/api/v1/cases?handler=none&received_to=2026-11-03", headers=headers).json["total"] == 1
    resp = client.get("/api/v1/cases?status=bogus&received_from=x&per_page=1000&handler=ghost", headers=headers)
    assert resp.status_code == 422
    assert set(resp.json["error"]["fields"]) == {"status", "received_from", "per_page", "handler"}


def test_openapi_lists_the_staff_paths(client):
    doc = client.get("/api/v1/openapi.json").json
    assert {"/cases", "/cases/{tracking_number}", "/cases/{tracking_number}/actions"} <= set(doc["paths"])
    assert "Case" in doc["components"]["schemas"]


def test_an_organisation_registers_with_its_credit_code_as_id_number(client, db, make_user, token):
    """DESIGN §5 names one identity field: an organisation's unified social credit code goes in
    applicant.id_number with id_type "uscc" (org_code stays accepted as an alias)."""
    headers = token(make_user("clerk"))
    org = {"type": "commercial_enterprise", "name": "示范市某某科技有限公司", "id_type": "uscc",
           "id_number": "91350100M000100Y43", "contact_person": "王五", "phone": "13800138000",
           "address": "示范市人民路1号"}
    resp = client.post("/api/v1/cases", headers=headers, json=_body(applicant=org))
    assert resp.status_code == 201, resp.json
    from caseapp.cases.queries import get_case

    case = get_case(resp.json["tracking_number"])
    assert (case.applicant_type, case.id_type, case.org_code) == ("commercial_enterprise", "uscc", "91350100M000100Y43")
    bad = client.post("/api/v1/cases", headers=headers,
                      json=_body(applicant={**org, "id_number": "91350100M000100Y4A"}))
    assert bad.status_code == 422 and "applicant.id_number" in bad.json["error"]["fields"]  # where it was sent
    alias = client.post("/api/v1/cases", headers=headers,
                        json=_body(applicant={**{k: v for k, v in org.items() if k != "id_number"},
                                              "org_code": "91350100M000100Y43"}))
    assert alias.status_code == 201, alias.json


def test_the_case_lists_its_consultations_and_supervision_order(client, db, make_user, make_case, token):
    """Issue 10's API contract: the case JSON carries `consultations` and `supervision_order`."""
    clerk = make_user("clerk")
    case = make_case("in_progress", agency=clerk.agency, handler=clerk)
    headers = token(clerk)
    resp = client.post(f"/api/v1/cases/{case.tracking_number}/actions", headers=headers, json={
        "action": "consult", "version": case.version, "kind": "department", "department": "BGS",
        "question": "请核实该文件的定密情况。"})
    assert resp.status_code == 200, resp.json
    assert resp.json["consultation_id"] == resp.json["result"]["consultation_id"]
    body = client.get(f"/api/v1/cases/{case.tracking_number}", headers=headers).json
    [consultation] = body["consultations"]
    assert consultation["id"] == resp.json["consultation_id"]
    assert (consultation["kind"], consultation["status"]) == ("department", "sent")
    assert body["supervision_order"] is None
