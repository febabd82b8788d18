"""The office pages for letters: draft, edit (errors beside the field), approve, issue; template previews."""
from __future__ import annotations

from caseapp.core.clock import local_today
from caseapp.letters.models import Letter
from tests.conftest import csrf_from


def _page(client, url):
    resp = client.get(url)
    assert resp.status_code == 200, resp.status_code
    return resp.get_data(as_text=True)


def test_clerk_drafts_edits_submits_and_supervisor_approves_then_clerk_issues(app, db, login, letter_world):
    w = letter_world
    case = w["case"]
    clerk = app.test_client()
    login(w["clerk"], c=clerk)
    html = _page(clerk, f"/office/letters/case/{case.tracking_number}")
    resp = clerk.post(f"/office/cases/{case.tracking_number}/draft-letter",
                      data={"csrf_token": csrf_from(html), "template": "not_handled.repeat"})
    assert resp.status_code == 302 and "/office/letters/" in resp.headers["Location"]
    with clerk.session_transaction() as sess:
        assert not [m for cat, m in sess.get("_flashes", []) if cat == "danger"], sess.get("_flashes")
    db.session.rollback()  # end the test's read snapshot to see the request's commit
    letter = db.session.query(Letter).filter_by(case_id=case.id).one()
    url = f"/office/letters/{letter.id}"
    html = _page(clerk, url)
    assert "张三" in html  # pre-filled addressee

    resp = clerk.post(f"{url}/edit", data={"csrf_token": csrf_from(html), "f_addressee": "张三",
                                           "f_description": "招生文件", "f_earlier_on": "15.09.2026"})
    assert resp.status_code == 422
    body = resp.get_data(as_text=True)
    assert 'id="f_earlier_on-error"' in body and "2026-11-02" in body  # the message beside the field
    resp = clerk.post(f"{url}/edit", data={"csrf_token": csrf_from(html), "f_addressee": "张三",
                                           "f_description": "招生文件", "f_earlier_on": "2026-09-15"})
    assert resp.status_code == 302
    assert clerk.post(f"{url}/submit", data={"csrf_token": csrf_from(html)}).status_code == 302
    assert clerk.post(f"{url}/approve", data={"csrf_token": csrf_from(html)}).status_code == 403

    supervisor = app.test_client()
    login(w["supervisor"], c=supervisor)
    html = _page(supervisor, url)
    assert supervisor.post(f"{url}/approve", data={"csrf_token": csrf_from(html)}).status_code == 302
    preview = supervisor.get(f"{url}/preview.pdf")
    assert preview.status_code == 200 and preview.data.startswith(b"%PDF")

    html = _page(clerk, url)
    # The issue form suggests the delivery the applicant asked for (email, to their address), dated today.
    assert '<option selected value="email">' in html and 'value="zhangsan@example.com"' in html
    assert f'value="{local_today().isoformat()}"' in html
    resp = clerk.post(f"{url}/issue", data={"csrf_token": csrf_from(html), "method": "hand",
                                            "date": "2026-11-10", "reference": "张三签收"})
    assert resp.status_code == 302
    db.session.rollback()
    letter = db.session.get(Letter, letter.id)
    assert letter.status == "issued" and letter.case.outcome == "not_handled.repeat"
    assert "当面送达（签收）" in _page(clerk, url)  # the delivery as a label, not its code
    pdf = clerk.get(f"{url}/letter.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert clerk.get(f"{url}/letter.docx").status_code == 200


def test_fee_quote_and_template_previews(app, db, login, letter_world, make_user):
    w = letter_world
    admin_user = make_user("admin", agency=None)
    clerk = app.test_client()
    login(w["clerk"], c=clerk)
    quote = clerk.get(f"/office/fees/case/{w['case'].tracking_number}/quote?basis=requests&count=35")
    assert quote.get_json()["amount"] == 3000
    bad = clerk.get(f"/office/fees/case/{w['case'].tracking_number}/quote?basis=requests&count=x")
    assert bad.status_code == 422
    assert clerk.get("/office/letters/templates").status_code == 403

    admin = app.test_client()
    login(admin_user, c=admin)
    html = _page(admin, "/office/letters/templates")
    assert "withheld.state_secret" in html and "fee_notice" in html
    resp = admin.get("/office/letters/templates/withheld.state_secret/preview")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert admin.get("/office/letters/templates/nope/preview").status_code == 404


def test_letter_of_another_agency_is_not_found(app, db, login, letter_world, make_user):
    from caseapp.letters.operations import draft_letter

    w = letter_world
    other = make_user("supervisor")
    letter = draft_letter(w["case"], actor=w["clerk"], template="receipt")
    db.session.commit()
    outsider = app.test_client()
    login(other, c=outsider)
    assert outsider.get(f"/office/letters/{letter.id}").status_code == 404
    assert outsider.get(f"/office/letters/{letter.id}/preview.pdf").status_code == 404


def test_issuing_by_post_without_a_number_marks_the_reference_field(app, db, login, letter_world):
    from caseapp.core.actions import act

    w = letter_world
    case = w["case"]
    letter = act("draft_letter", case, w["clerk"], {"template": "not_handled.repeat",
                                                    "fields": {"earlier_on": "2026-09-15"}})
    letter_id = letter["letter_id"] if isinstance(letter, dict) else letter.id
    act("submit_letter", case, w["clerk"], {"letter_id": letter_id})
    act("approve_letter", case, w["supervisor"], {"letter_id": letter_id})
    db.session.commit()
    clerk = app.test_client()
    login(w["clerk"], c=clerk)
    url = f"/office/letters/{letter_id}"
    html = _page(clerk, url)
    resp = clerk.post(f"{url}/issue", data={"csrf_token": csrf_from(html), "method": "post",
                                            "date": local_today().isoformat(), "reference": ""})
    assert resp.status_code == 422
    body = resp.get_data(as_text=True)
    assert 'id="issue_letter-reference-error"' in body and "挂号信" in body
    assert "。：" not in body


def test_a_letter_lacking_its_content_or_its_agency_settings_is_refused(app, db, login, make_agency, make_user,
                                                                       make_case):
    from caseapp.core.actions import act
    from caseapp.core.errors import TransitionError, ValidationError

    agency = make_agency(reconsideration_body=None)
    clerk, supervisor = make_user("clerk", agency=agency), make_user("supervisor", agency=agency)
    case = make_case("in_progress", agency=agency, handler=clerk)
    refusal = act("draft_letter", case, clerk, {"template": "withheld.state_secret"})["letter_id"]
    # A refusal must give its reason before it can be submitted.
    try:
        act("submit_letter", case, clerk, {"letter_id": refusal})
    except ValidationError as err:
        assert "reason" in err.errors
    else:
        raise AssertionError("a refusal without its reason was submitted")
    act("submit_letter", case, clerk, {"letter_id": refusal, "fields": {"reason": "经定密机关确认属于国家秘密。"}})
    db.session.commit()
    # The agency has no reconsideration body: the supervisor cannot approve, and the page says why.
    try:
        act("approve_letter", case, supervisor, {"letter_id": refusal})
    except TransitionError as err:
        assert "复议机关" in str(err.message)
    else:
        raise AssertionError("approved without the agency's reconsideration body")
    db.session.rollback()
    client = app.test_client()
    login(supervisor, c=client)
    html = _page(client, f"/office/letters/{refusal}")
    assert 'id="settings-missing"' in html and "复议机关" in html
    assert 'data-action="approve_letter"' in html and "disabled" in html.split('data-action="approve_letter"')[1][:300]


def test_a_refused_extension_shows_the_letters_page_again_with_the_message_beside_the_field(app, login,
                                                                                           letter_world):
    w = letter_world
    case = w["case"]
    clerk = app.test_client()
    login(w["clerk"], c=clerk)
    html = _page(clerk, f"/office/letters/case/{case.tracking_number}")
    resp = clerk.post(f"/office/cases/{case.tracking_number}/request-extension",
                      data={"csrf_token": csrf_from(html), "version": str(case.version), "days": "50",
                            "reason": "需协调多个部门。"},
                      headers={"Referer": f"http://localhost/office/letters/case/{case.tracking_number}"})
    assert resp.status_code == 422
    body = resp.get_data(as_text=True)
    assert 'id="request_extension-days-error"' in body and "需协调多个部门。" in body
    assert '<optgroup label="答复书：（一）予以公开">' in body and "<code>" not in body
