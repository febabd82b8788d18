"""Who sees which consultation (office pages and staff API), answering through the API, notifications,
the bell, the supervisor dashboard, and the refusals."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from caseapp.accounts.operations import create_department, create_token
from caseapp.consultations import operations as ops
from caseapp.core.clock import local_today
from caseapp.core.outbox import Notification
from tests.conftest import csrf_from


@pytest.fixture
def setup(db, make_agency, make_user, make_case):
    agency = make_agency("SFZJ", "示范市住房和城乡建设局")
    create_department(agency, "GHC", "规划处")
    db.session.commit()
    other = make_agency("SFGT", "示范市规划和自然资源局")
    clerk = make_user("clerk", agency=agency)
    supervisor = make_user("supervisor", agency=agency)
    liaison = make_user("liaison", agency=agency, department=agency.departments[0])
    liaison_other_dept = make_user("liaison", agency=agency, department=agency.departments[1])
    other_clerk = make_user("clerk", agency=other)
    stranger = make_user("clerk")  # a third agency
    today = local_today()
    case = make_case(status="in_progress", agency=agency, handler=clerk, received_on=today, today=today)
    case.handler_id = clerk.id
    db.session.commit()
    dept = ops.consult(case, actor=clerk, kind="department", department=agency.departments[0].code,
                       question="请核实该项目是否已批复。", today=today)
    outside = ops.consult(case, actor=clerk, kind="agency", purpose="joint_production", agency="SFGT", question="该文件系联合制发，是否同意公开？",
                          today=today)
    db.session.commit()
    return dict(agency=agency, clerk=clerk, supervisor=supervisor, liaison=liaison, liaison2=liaison_other_dept,
                other_clerk=other_clerk, stranger=stranger, case=case, dept=dept, outside=outside)


def _auth(db, user):
    token = create_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_api_lists_only_what_is_addressed_to_the_caller(client, db, setup):
    s = setup
    listed = lambda user: [c["id"] for c in client.get("/api/v1/consultations", headers=_auth(db, user)).json["consultations"]]  # noqa: E731
    assert listed(s["liaison"]) == [s["dept"].id]
    assert listed(s["liaison2"]) == []
    assert listed(s["other_clerk"]) == [s["outside"].id]
    assert listed(s["clerk"]) == []  # nothing is addressed to the asking agency itself
    # Reading one: the addressee and the asking agency may; anyone else gets 404.
    for user, cid, status in [(s["liaison"], s["dept"].id, 200), (s["liaison2"], s["dept"].id, 404),
                              (s["other_clerk"], s["dept"].id, 404), (s["stranger"], s["outside"].id, 404),
                              (s["clerk"], s["dept"].id, 200), (s["other_clerk"], s["outside"].id, 200)]:
        assert client.get(f"/api/v1/consultations/{cid}", headers=_auth(db, user)).status_code == status, (user.username, cid)
    assert client.get("/api/v1/consultations").status_code == 401
    assert client.get("/api/v1/consultations", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_api_answer_then_409(client, db, setup):
    s = setup
    url = f"/api/v1/consultations/{s['dept'].id}/answer"
    assert client.post(url, json={"opinion": "agree", "reasons": "同意"}, headers=_auth(db, s["liaison2"])).status_code == 404
    assert client.post(url, json={"opinion": "agree", "reasons": "同意"}, headers=_auth(db, s["clerk"])).status_code == 403
    bad = client.post(url, json={"opinion": "yes", "reasons": "同意"}, headers=_auth(db, s["liaison"]))
    assert bad.status_code == 422 and "opinion" in bad.json["error"]["fields"]
    ok = client.post(url, json={"opinion": "partial", "reasons": "第二项属内部事务信息。"}, headers=_auth(db, s["liaison"]))
    assert ok.status_code == 200 and ok.json["status"] == "answered" and ok.json["opinion"] == "partial"
    again = client.post(url, json={"opinion": "agree", "reasons": "同意"}, headers=_auth(db, s["liaison"]))
    assert again.status_code == 409 and again.json["error"]["code"]
    # The case's consultations as the case JSON lists them.
    from caseapp.consultations.queries import consultations_for_case_json

    db.session.rollback()
    rows = consultations_for_case_json(s["case"])
    assert [(r["kind"], r["status"], r["opinion"]) for r in rows] == [
        ("department", "answered", "partial"), ("agency", "sent", None)]
    assert set(rows[0]) == {"id", "kind", "status", "opinion", "sent_on", "due_on", "answered_on"}


def test_api_notifications_and_read(client, db, setup):
    s = setup
    headers = _auth(db, s["liaison"])
    notes = client.get("/api/v1/notifications", headers=headers).json["notifications"]
    assert [(n["kind"], n["tracking_number"], n["read"]) for n in notes] == [
        ("consultation_request", s["case"].tracking_number, False)]
    nid = notes[0]["id"]
    assert client.post(f"/api/v1/notifications/{nid}/read", headers=_auth(db, s["liaison2"])).status_code == 404
    assert client.post(f"/api/v1/notifications/{nid}/read", headers=headers).json["read"] is True
    assert client.get("/api/v1/notifications", headers=headers).json["notifications"][0]["read"] is True


def test_openapi_lists_the_paths(client):
    doc = client.get("/api/v1/openapi.json").json
    assert "/consultations/{consultation_id}/answer" in doc["paths"]
    assert "/notifications" in doc["paths"]
    answer = doc["paths"]["/consultations/{consultation_id}/answer"]["post"]
    schemes = set(doc["components"]["securitySchemes"])
    assert all(set(req) <= schemes for req in answer["security"])
    assert answer["requestBody"]["content"]["application/json"]["schema"]["properties"]["opinion"]["enum"] == [
        "agree", "disagree", "partial"]


def test_office_inbox_and_answer_page(app, db, setup, login):
    s = setup
    liaison, other = app.test_client(), app.test_client()
    login(s["liaison"], c=liaison)
    login(s["liaison2"], c=other)
    page = liaison.get("/office/consultations").get_data(as_text=True)
    assert s["case"].tracking_number in page
    assert s["case"].tracking_number not in other.get("/office/consultations").get_data(as_text=True)
    assert other.get(f"/office/consultations/{s['dept'].id}").status_code == 404
    # The liaison's office bar shows one unread notification.
    assert 'id="notification-count">1<' in page
    detail = liaison.get(f"/office/consultations/{s['dept'].id}").get_data(as_text=True)
    assert "请核实该项目是否已批复。" in detail
    no_csrf = liaison.post(f"/office/consultations/{s['dept'].id}/answer", data={"opinion": "agree", "reasons": "x"})
    assert no_csrf.status_code == 400
    empty = liaison.post(f"/office/consultations/{s['dept'].id}/answer",
                         data={"csrf_token": csrf_from(detail), "opinion": "agree", "reasons": ""})
    assert empty.status_code == 422
    db.session.rollback()
    assert s["dept"].status == "sent"
    done = liaison.post(f"/office/consultations/{s['dept'].id}/answer",
                        data={"csrf_token": csrf_from(detail), "opinion": "agree", "reasons": "经核实，同意公开。"})
    assert done.status_code == 302
    db.session.rollback()
    assert s["dept"].opinion == "agree"
    # The clerk's notification of the answer, marked read from the list.
    clerk = app.test_client()
    login(s["clerk"], c=clerk)
    listing = clerk.get("/office/notifications").get_data(as_text=True)
    assert "已答复" in listing
    note = db.session.scalars(sa.select(Notification).where(Notification.user_id == s["clerk"].id)).one()
    assert clerk.post(f"/office/notifications/{note.id}/read", data={"csrf_token": csrf_from(listing)}).status_code == 302
    db.session.rollback()
    assert note.read_at is not None


@pytest.mark.parametrize("url,roles_ok", [
    ("/office/consultations", {"liaison", "clerk", "supervisor"}),
    ("/office/supervision", {"supervisor", "admin", "auditor"}),
    ("/office/notifications", {"liaison", "clerk", "supervisor", "auditor", "admin"}),
])
def test_role_refusals(app, db, make_user, login, url, roles_ok):
    roles = ("clerk", "supervisor", "liaison", "auditor", "admin")
    users = {role: make_user(role, agency=None) if role in ("auditor", "admin") else make_user(role) for role in roles}
    db.session.commit()  # no open snapshot while the clients write their logins
    for role, user in users.items():
        c = app.test_client()
        login(user, c=c)
        assert c.get(url).status_code == (200 if role in roles_ok else 403), (url, role)
    assert app.test_client().get(url).status_code in (302, 401)


def test_consult_page_refusals(app, db, setup, login):
    s = setup
    url = f"/office/cases/{s['case'].tracking_number}/consult"
    for user, status in [(s["liaison"], 403), (s["other_clerk"], 404), (s["clerk"], 200)]:
        c = app.test_client()
        login(user, c=c)
        assert c.get(url).status_code == status, user.username


def test_supervisor_dashboard_links_to_filtered_inbox(app, db, setup, login):
    s = setup
    c = app.test_client()
    login(s["supervisor"], c=c)
    page = c.get("/office/supervision").get_data(as_text=True)
    assert f"handler={s['clerk'].id}" in page and "tab=due_soon" in page
    assert s["clerk"].display_name in page


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_office_consult_with_material_and_paper_answer(app, db, make_agency, make_user, make_case, login):
    import io

    from caseapp.consultations.models import Consultation

    agency = make_agency("SFYJ", "示范市应急管理局")
    clerk = make_user("clerk", agency=agency)
    today = local_today()
    case = make_case(status="in_progress", agency=agency, handler=clerk, received_on=today, today=today)
    c = app.test_client()
    login(clerk, c=c)
    url = f"/office/cases/{case.tracking_number}/consult"
    token = csrf_from(c.get(url).get_data(as_text=True))
    refused = c.post(url, data={"csrf_token": token, "kind": "third_party", "question": "是否同意公开？",
                                "third_party_name": ""})
    assert refused.status_code == 422 and "请填写第三方的名称" in refused.get_data(as_text=True)
    sent = c.post(url, content_type="multipart/form-data", data={
        "csrf_token": token, "kind": "third_party", "question": "公开贵公司应急预案是否涉及商业秘密？",
        "third_party_name": "示范化工有限公司", "third_party_address": "示范市化工园区1号", "sent_on": today.isoformat(),
        "files": [(io.BytesIO(PDF), "应急预案.pdf")]})
    assert sent.status_code == 302
    db.session.rollback()
    consultation = db.session.scalars(sa.select(Consultation)).one()
    assert [(f.role, f.original_name) for f in consultation.files] == [("material", "应急预案.pdf")]
    # Recorded, not sent: nothing pauses until its letter is issued (SPEC §5), and no answer can be recorded.
    assert consultation.pause is None and consultation.sent_on is None
    page = c.get(f"/office/consultations/{consultation.id}").get_data(as_text=True)
    assert "尚未发出：征求意见函件发出之日方为征求意见之日" in page and "登记书面答复意见" not in page
    from tests.consultations.letters import issue_consultation_letter

    issue_consultation_letter(consultation, clerk=clerk, supervisor=make_user("supervisor", agency=agency), on=today)
    assert consultation.pause is not None and consultation.pause.started_on == today
    page = c.get(f"/office/consultations/{consultation.id}").get_data(as_text=True)
    assert "应急预案.pdf" in page and "登记书面答复意见" in page
    download = c.get(f"/office/consultations/{consultation.id}/files/{consultation.files[0].id}")
    assert download.status_code == 200 and download.data == PDF
    recorded = c.post(f"/office/consultations/{consultation.id}/record", data={
        "csrf_token": csrf_from(page), "opinion": "disagree", "reasons": "涉及企业商业秘密。", "received_on": today.isoformat()})
    assert recorded.status_code == 302
    db.session.rollback()
    assert (consultation.status, consultation.opinion, consultation.answer_channel) == ("answered", "disagree", "paper")
    case_page = c.get(f"/office/cases/{case.tracking_number}").get_data(as_text=True)
    assert "第三方示范化工有限公司的意见" in case_page  # the objection, shown on the case


def test_a_liaisons_overview_lists_the_consultations_waiting_for_their_answer(app, db, setup, login):
    s = setup
    liaison, other = app.test_client(), app.test_client()
    login(s["liaison"], c=liaison)
    login(s["liaison2"], c=other)
    page = liaison.get("/office/").get_data(as_text=True)
    assert 'id="liaison-waiting"' in page and s["case"].tracking_number in page and "请核实该项目是否已批复。" in page
    assert f"/office/consultations/{s['dept'].id}" in page
    quiet = other.get("/office/").get_data(as_text=True)  # another department: nothing of this one
    assert s["case"].tracking_number not in quiet and "没有待本部门答复的征求意见" in quiet
