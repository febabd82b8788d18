"""The public JSON API: file, track, withdraw, correct, public items, OpenAPI; errors never 500."""
from __future__ import annotations

import base64
import io
import json

import pytest
import sqlalchemy as sa

from caseapp.cases.attachments import Attachment
from caseapp.cases.models import Case
from tests.intake.portal_helpers import DOCX, EXE, PDF, PNG
from tests.letters.conftest import letter_world  # noqa: F401 - a fixture of the last test


@pytest.fixture
def agency(make_agency):
    return make_agency("SFJY", "示范市教育局")


def body(**over) -> dict:
    data = {
        "agency": "SFJY",
        "applicant": {"type": "natural_person", "name": "张三", "id_type": "resident_id",
                      "id_number": "11010519491231002X", "phone": "13800138000", "email": "zhangsan@example.com"},
        "description": "申请公开2026年示范市义务教育阶段学校招生入学工作实施意见。",
        "form": "electronic",
        "delivery": "email",
    }
    data.update(over)
    return data


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def count(db, model) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def file_request(client, **over):
    return client.post("/api/v1/requests", json=body(**over))


# --- POST /requests -----------------------------------------------------------------------------

def test_filing_returns_number_code_and_dates(client, db, agency):
    resp = client.post("/api/v1/requests", json=body(attachments=[
        {"kind": "id_scan", "filename": "id.png", "content_base64": b64(PNG)},
        {"filename": "a.docx", "content_base64": b64(DOCX)}]))
    assert resp.status_code == 201, resp.get_json()
    data = resp.get_json()
    assert set(data) >= {"tracking_number", "query_code", "status", "received_on", "due_on"}
    assert data["status"] == "submitted" and data["tracking_number"].startswith("SFJY-")
    assert resp.headers["Location"].endswith(f"/api/v1/requests/{data['tracking_number']}")
    case = db.session.scalar(sa.select(Case))
    assert case.channel == "online" and case.received_on.isoformat() == data["received_on"]
    kinds = db.session.scalars(sa.select(Attachment.kind).order_by(Attachment.id)).all()
    assert kinds == ["id_scan", "supporting"]


def test_filing_as_multipart_with_files(client, db, agency):
    resp = client.post("/api/v1/requests", content_type="multipart/form-data", data={
        "request": json.dumps(body(), ensure_ascii=False),
        "files": [(io.BytesIO(PDF), "a.pdf")], "id_scan": (io.BytesIO(PNG), "id.png")})
    assert resp.status_code == 201, resp.get_json()
    assert count(db, Attachment) == 2


@pytest.mark.parametrize("raw,content_type,code", [
    (b'{"agency": "SFJY",', "application/json", "malformed_json"),
    (b"\xff\xfe\x00garbage", "application/json", "malformed_json"),
    (b"[1, 2, 3]", "application/json", "invalid_body"),
    (b'"text"', "application/json", "invalid_body"),
    (b"", "application/json", "invalid_body"),
    (b"agency=SFJY", "application/x-www-form-urlencoded", "malformed_json"),
])
def test_malformed_bodies_are_400_never_500(client, db, agency, raw, content_type, code):
    resp = client.post("/api/v1/requests", data=raw, content_type=content_type)
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == code
    assert count(db, Case) == 0


@pytest.mark.parametrize("over,field", [
    ({"applicant": "张三"}, "applicant"),
    ({"applicant": {"type": "natural_person", "name": ["张三"]}}, "applicant.name"),
    ({"description": 12345}, "description"),
    ({"needs_assistance": "yes"}, "needs_assistance"),
    ({"agency": {"code": "SFJY"}}, "agency"),
    ({"attachments": "a.pdf"}, "attachments"),
    ({"attachments": [{"filename": "a.pdf", "content_base64": "***not base64***"}]}, "attachments[0].content_base64"),
    ({"attachments": [{"filename": "a.pdf", "content_base64": 5}]}, "attachments[0].content_base64"),
    ({"attachments": [{"kind": "letter", "filename": "a.pdf", "content_base64": b64(PDF)}]}, "attachments[0].kind"),
    ({"attachments": ["x"]}, "attachments[0]"),
])
def test_wrong_types_are_422_with_the_field(client, db, agency, over, field):
    resp = file_request(client, **over)
    assert resp.status_code == 422, resp.get_json()
    err = resp.get_json()["error"]
    assert err["code"] == "validation_error" and field in err["fields"]
    assert count(db, Case) == 0


@pytest.mark.parametrize("applicant,field,message", [
    ({"id_number": "110105194912310021"}, "applicant.id_number", "居民身份证号码不正确"),
    ({"phone": "12", "email": None}, "applicant.phone", "手机或固定电话"),
    ({"email": "bad@"}, "applicant.email", "电子邮箱"),
    ({"type": "research_institution", "org_code": "123"}, "applicant.org_code", "统一社会信用代码不正确"),
    ({"type": "robot"}, "applicant.type", ""),
])
def test_field_rules_give_the_portal_messages(client, db, agency, applicant, field, message):
    data = body()
    data["applicant"] = {**data["applicant"], **applicant}
    resp = client.post("/api/v1/requests", json=data)
    assert resp.status_code == 422
    assert message in resp.get_json()["error"]["fields"][field]


def test_unknown_agency_is_422(client, db, agency):
    resp = file_request(client, agency="NOPE")
    assert resp.status_code == 422 and "agency" in resp.get_json()["error"]["fields"]


def test_disguised_upload_is_refused_and_nothing_stored(client, db, agency):
    resp = file_request(client, attachments=[{"filename": "ok.pdf", "content_base64": b64(PDF)},
                                             {"filename": "virus.pdf", "content_base64": b64(EXE)}])
    assert resp.status_code == 422
    assert "virus.pdf" in resp.get_json()["error"]["fields"]["attachments"]
    assert count(db, Case) == 0 and count(db, Attachment) == 0


def test_oversize_upload_is_refused(client, db, agency):
    big = b"%PDF-" + b"0" * (20 * 1024 * 1024)
    resp = client.post("/api/v1/requests", content_type="multipart/form-data", data={
        "request": json.dumps(body()), "files": [(io.BytesIO(big), "big.pdf")]})
    assert resp.status_code == 422
    assert "超过20 MB" in resp.get_json()["error"]["fields"]["attachments"]
    resp = file_request(client, attachments=[{"filename": "big.pdf", "content_base64": b64(big)}])
    assert resp.status_code == 422
    assert count(db, Case) == 0


def test_too_many_files_are_refused(client, db, agency):
    resp = file_request(client, attachments=[{"filename": f"{i}.pdf", "content_base64": b64(PDF)} for i in range(11)])
    assert resp.status_code == 422
    assert count(db, Case) == 0


def test_body_over_the_size_limit_is_413_json(client, app, agency, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    resp = client.post("/api/v1/requests", data=b"{" + b" " * 4096 + b"}", content_type="application/json")
    assert resp.status_code == 413
    assert "error" in resp.get_json()


def test_idempotency_key_files_once_and_replays_without_a_code(client, db, agency):
    """A replay returns the first answer without a query code: never a new one (issue 13 item 1)."""
    headers = {"Idempotency-Key": "0f8c2b7e-8a4d-4c1e-9a57-3f1d2e6b7c90"}
    first = client.post("/api/v1/requests", json=body(), headers=headers)
    second = client.post("/api/v1/requests", json=body(), headers=headers)
    assert first.status_code == 201 and second.status_code == 200
    assert second.headers["Idempotent-Replayed"] == "true"
    assert first.get_json()["tracking_number"] == second.get_json()["tracking_number"]
    assert second.get_json()["query_code"] is None
    assert {k: v for k, v in second.get_json().items() if k != "query_code"} == \
        {k: v for k, v in first.get_json().items() if k != "query_code"}
    assert count(db, Case) == 1
    number, code = first.get_json()["tracking_number"], first.get_json()["query_code"]
    assert client.get(f"/api/v1/requests/{number}", headers={"X-Query-Code": code}).status_code == 200
    other = client.post("/api/v1/requests", json=body(description="另一项完全不同的申请内容描述。"), headers=headers)
    assert other.status_code == 422 and other.get_json()["error"]["code"] == "idempotency_key_reused"
    assert count(db, Case) == 1


def test_short_idempotency_key_is_refused(client, db, agency):
    resp = client.post("/api/v1/requests", json=body(), headers={"Idempotency-Key": "1"})
    assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "invalid_idempotency_key"
    assert count(db, Case) == 0


def test_filing_is_rate_limited(client, app, agency, monkeypatch):
    monkeypatch.setitem(app.config, "FILING_RATE_LIMIT", "2 per hour")
    assert file_request(client).status_code == 201
    assert file_request(client).status_code == 201
    resp = file_request(client)
    assert resp.status_code == 429
    assert resp.get_json()["error"]["message"]


# --- GET /requests/<number> -------------------------------------------------------------------

def test_tracking_returns_the_applicants_view(client, make_case):
    case = make_case(status="correction_requested", description="<b>申请</b>某某文件")
    resp = client.get(f"/api/v1/requests/{case.tracking_number}", headers={"X-Query-Code": case.query_code})
    assert resp.status_code == 200
    assert resp.headers["Cache-Control"] == "no-store"
    data = resp.get_json()
    assert data["status"] == "correction_requested" and data["status_label"] == "待补正"
    assert data["applicant"]["id_number"] == "110***********002X"
    assert data["description"] == "<b>申请</b>某某文件"
    assert data["correction"]["details"] == "请补充文件名称。"
    assert [e["action"] for e in data["timeline"]] == ["case.registered", "case.correction_requested"]
    assert data["documents"] == [] and "query_code" not in data
    for key in ("tracking_number", "agency", "received_on", "due_on", "due_provisional", "outcome", "form",
                "delivery", "channel"):
        assert key in data


def test_wrong_code_and_unknown_number_are_the_same_404(client, make_case):
    case = make_case()
    wrong = client.get(f"/api/v1/requests/{case.tracking_number}", headers={"X-Query-Code": "AAAAAAAAAA"})
    unknown = client.get("/api/v1/requests/SFJY-2026-424242", headers={"X-Query-Code": case.query_code})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.get_json() == unknown.get_json()


def test_missing_code_header_is_400(client, make_case):
    case = make_case()
    resp = client.get(f"/api/v1/requests/{case.tracking_number}")
    assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "missing_query_code"


def test_failed_lookups_are_rate_limited_per_number_and_client(client, make_case):
    case = make_case()
    for _ in range(10):
        client.get(f"/api/v1/requests/{case.tracking_number}", headers={"X-Query-Code": "WRONGCODE9"})
    blocked = client.get(f"/api/v1/requests/{case.tracking_number}", headers={"X-Query-Code": case.query_code})
    assert blocked.status_code == 429 and blocked.get_json()["error"]["code"] == "too_many_requests"
    assert 1 <= int(blocked.headers["Retry-After"]) <= 15 * 60  # when the 15-minute window resets
    for i in range(10):
        client.get(f"/api/v1/requests/SFJY-2026-{i:06d}", headers={"X-Query-Code": "WRONGCODE9"})
    other = make_case()
    assert client.get(f"/api/v1/requests/{other.tracking_number}",
                      headers={"X-Query-Code": other.query_code}).status_code == 429


def test_portal_and_api_failures_share_the_limit(client, make_case):
    from tests.intake.portal_helpers import unlock

    case = make_case()
    for _ in range(5):
        unlock(client, case.tracking_number, "WRONGCODE9")
    for _ in range(5):
        client.get(f"/api/v1/requests/{case.tracking_number}", headers={"X-Query-Code": "WRONGCODE9"})
    assert client.get(f"/api/v1/requests/{case.tracking_number}",
                      headers={"X-Query-Code": case.query_code}).status_code == 429


# --- POST /withdraw, /correction ---------------------------------------------------------------

def test_withdraw_then_withdraw_again_is_409(client, db, make_case):
    case = make_case()
    url = f"/api/v1/requests/{case.tracking_number}/withdraw"
    headers = {"X-Query-Code": case.query_code}
    first = client.post(url, json={"reason": "不再需要"}, headers=headers)
    assert first.status_code == 200 and first.get_json()["status"] == "withdrawn"
    assert first.get_json()["outcome"] == "other.other"
    again = client.post(url, headers=headers)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "invalid_transition"


def test_withdraw_without_body_and_with_bad_bodies(client, db, make_case):
    case = make_case()
    url = f"/api/v1/requests/{case.tracking_number}/withdraw"
    headers = {"X-Query-Code": case.query_code}
    assert client.post(url, data=b"{oops", content_type="application/json", headers=headers).status_code == 400
    assert client.post(url, json={"reason": 5}, headers=headers).status_code == 422
    assert client.post(url, json={"reason": "x" * 1001}, headers=headers).status_code == 422
    assert client.post(url, headers=headers).status_code == 200


def test_withdraw_with_a_wrong_code_is_404(client, db, make_case):
    case = make_case()
    resp = client.post(f"/api/v1/requests/{case.tracking_number}/withdraw", headers={"X-Query-Code": "AAAAAAAAAA"})
    assert resp.status_code == 404
    db.session.rollback()
    assert db.session.get(Case, case.id).status == "submitted"


def test_correction_restarts_the_clock(client, db, make_case):
    case = make_case(status="correction_requested")
    resp = client.post(f"/api/v1/requests/{case.tracking_number}/correction",
                       headers={"X-Query-Code": case.query_code},
                       json={"text": "补充文件名称。", "attachments": [{"filename": "b.pdf", "content_base64": b64(PDF)}]})
    assert resp.status_code == 200, resp.get_json()
    data = resp.get_json()
    assert data["status"] == "submitted" and data["correction"] is None
    assert [a["kind"] for a in data["attachments"]] == ["correction"]
    db.session.rollback()
    fresh = db.session.get(Case, case.id)
    assert fresh.clock_started_on == fresh.correction_received_on


def test_correction_as_multipart(client, db, make_case):
    case = make_case(status="correction_requested")
    resp = client.post(f"/api/v1/requests/{case.tracking_number}/correction",
                       headers={"X-Query-Code": case.query_code}, content_type="multipart/form-data",
                       data={"text": "补充。", "files": [(io.BytesIO(PNG), "c.png")]})
    assert resp.status_code == 200


@pytest.mark.parametrize("status", ["submitted", "in_progress", "closed", "withdrawn"])
def test_correction_in_the_wrong_status_is_409(client, db, make_case, status):
    case = make_case(status=status)
    resp = client.post(f"/api/v1/requests/{case.tracking_number}/correction",
                       headers={"X-Query-Code": case.query_code}, json={"text": "补充。"})
    assert resp.status_code == 409


def test_correction_bad_input_is_422_or_400(client, db, make_case):
    case = make_case(status="correction_requested")
    url = f"/api/v1/requests/{case.tracking_number}/correction"
    headers = {"X-Query-Code": case.query_code}
    assert client.post(url, headers=headers, json={"text": ""}).get_json()["error"]["fields"]["text"]
    assert client.post(url, headers=headers, json={"text": ["x"]}).status_code == 422
    assert client.post(url, headers=headers, data=b"nope", content_type="application/json").status_code == 400
    bad = client.post(url, headers=headers, json={"text": "补充。", "attachments": [
        {"filename": "a.docx", "content_base64": b64(EXE)}]})
    assert bad.status_code == 422
    db.session.rollback()
    assert db.session.get(Case, case.id).status == "correction_requested"


# --- Public items, agencies, OpenAPI -----------------------------------------------------------

def test_public_items_is_an_empty_list_for_now(client):
    resp = client.get("/api/v1/public-items?q=招生")
    assert resp.status_code == 200 and resp.get_json() == {"q": "招生", "items": []}


def test_openapi_document_describes_the_public_endpoints(client):
    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200
    doc = resp.get_json()
    assert doc["openapi"].startswith("3.")
    for path in ("/requests", "/requests/{tracking_number}", "/requests/{tracking_number}/withdraw",
                 "/requests/{tracking_number}/correction", "/public-items", "/agencies"):
        assert path in doc["paths"], path
    assert "X-Query-Code" in json.dumps(doc["paths"]["/requests/{tracking_number}"])
    # Every $ref resolves.
    refs = {r.split("/")[-1] for r in _refs(doc)}
    assert refs <= set(doc["components"]["schemas"])


def _refs(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref":
                yield v
            else:
                yield from _refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from _refs(v)


def test_other_modules_can_add_paths(client):
    from caseapp.api import openapi

    extra = {"/test-extra": {"get": {"summary": "x", "responses": {"200": {"description": "ok"}}}}}
    openapi.register_paths(extra, schemas={"Extra": {"type": "object"}})
    openapi.register_paths(lambda: {"/test-lazy": {"get": {"summary": "y", "responses": {"200": {"description": "ok"}}}}})
    try:
        doc = client.get("/api/v1/openapi.json").get_json()
        assert "/test-extra" in doc["paths"] and "Extra" in doc["components"]["schemas"]
        assert "/test-lazy" in doc["paths"]
        assert "/requests" in doc["paths"]
    finally:
        del openapi._EXTRA_PATHS[-2:]
        openapi._EXTRA_SCHEMAS.pop("Extra", None)


def test_the_api_shows_an_extended_due_date_only_once_its_notice_is_issued(client, db, letter_world):
    """The same rule as the tracking page: the applicant learns the new date with the notice."""
    from datetime import date

    from caseapp.core.actions import act

    w = letter_world
    case = w["case"]
    before = case.due_on.isoformat()
    act("request_extension", case, w["clerk"], {"days": 10, "reason": "档案较多"}, today=date(2026, 11, 20))
    notice = act("approve_extension", case, w["supervisor"], {}, today=date(2026, 11, 20))
    shown = client.get(f"/api/v1/requests/{case.tracking_number}", headers={"X-Query-Code": case.query_code}).json
    assert shown["due_on"] == before  # approved, but the notice has not gone out
    act("issue_letter", case, w["clerk"], {"letter_id": notice["letter_id"], "delivery": {
        "method": "email", "date": "2026-11-20", "reference": "zhangsan@example.com"}}, today=date(2026, 11, 20))
    shown = client.get(f"/api/v1/requests/{case.tracking_number}", headers={"X-Query-Code": case.query_code}).json
    assert shown["due_on"] == case.due_on.isoformat() != before


def test_an_organisation_files_with_its_credit_code_as_id_number(client, db, agency):
    """DESIGN §5: the public API reads the applicant as the staff API does: an organisation's unified
    social credit code in applicant.id_number with id_type "uscc" (org_code stays an alias)."""
    org = {"type": "commercial_enterprise", "name": "示范市某某科技有限公司", "id_type": "uscc",
           "id_number": "91350100M000100Y43", "contact_person": "王五", "phone": "13800138000",
           "email": "wangwu@example.com"}
    resp = client.post("/api/v1/requests", json=body(applicant=org))
    assert resp.status_code == 201, resp.get_json()
    case = db.session.scalar(sa.select(Case))
    assert (case.applicant_type, case.id_type, case.org_code) == ("commercial_enterprise", "uscc", "91350100M000100Y43")
    bad = client.post("/api/v1/requests", json=body(applicant={**org, "id_number": "91350100M000100Y4A"}))
    assert bad.status_code == 422 and "applicant.id_number" in bad.get_json()["error"]["fields"]
    assert count(db, Case) == 1  # the refused one wrote nothing
    alias = client.post("/api/v1/requests", json=body(applicant={**{k: v for k, v in org.items() if k != "id_number"},
                                                                 "org_code": "91350100M000100Y43"}))
    assert alias.status_code == 201, alias.get_json()
