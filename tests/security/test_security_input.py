"""Issue 13 items 2 and 4: control characters, lone surrogates, deep JSON and huge integers are
refused at every entry with a 4xx and the usual error body, never stored and never a 500."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from caseapp.cases.models import Case
from caseapp.core.text import UnsafeTextError, check_text, loads_json
from tests.intake.portal_helpers import apply_data

BIG = 2**63


def _cases(db) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(Case))


def _api_body(**applicant) -> dict:
    return {"agency": "SFJY", "description": "申请公开2026年示范市义务教育阶段学校招生入学工作实施意见。",
            "form": "electronic", "delivery": "email",
            "applicant": {"type": "natural_person", "name": "张三", "id_type": "resident_id",
                          "id_number": "11010519491231002X", "email": "zhangsan@example.com", **applicant}}


# --- The helper -------------------------------------------------------------------------------

@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x08", "\x7f", "\x0b", "\x0c", "\ud800", "\udfff", "\uffff"])
def test_check_text_refuses_controls_and_lone_surrogates(char):
    with pytest.raises(UnsafeTextError):
        check_text(f"张{char}三")
    with pytest.raises(UnsafeTextError):
        check_text(f"张{char}三", multiline=True)


def test_check_text_keeps_tab_and_newline_and_normalises_cr_in_multiline_text():
    assert check_text("a\tb\nc") == "a\tb\nc"
    assert check_text("a\r\nb\rc", multiline=True) == "a\nb\nc"
    with pytest.raises(UnsafeTextError):
        check_text("a\rb")  # a carriage return only in multi-line text
    assert check_text("表情😀") == "表情😀"


# --- Portal and office forms ------------------------------------------------------------------

@pytest.mark.parametrize("field,value", [
    ("applicant_name", "张\x00三"), ("applicant_name", "张\x1b[31m三"), ("address", "人民路\x081号"),
    ("description", "申请公开某某文件\x07的内容。"),
])
def test_portal_form_refuses_control_characters(client, db, agency, field, value):
    resp = client.post("/apply", data=apply_data(client, "SFJY", **{field: value}))
    assert resp.status_code == 422
    assert "控制字符" in resp.get_data(as_text=True)
    assert _cases(db) == 0


def test_portal_form_keeps_line_breaks_in_the_description(client, db, agency):
    text = "第一项：2026年招生方案；\r\n第二项：实施细则。"
    assert client.post("/apply", data=apply_data(client, "SFJY", description=text)).status_code == 302
    assert db.session.scalar(sa.select(Case.description)) == "第一项：2026年招生方案；\n第二项：实施细则。"


def test_office_registration_refuses_control_characters(app, db, make_user):
    """The office form and the staff API share validate_request with the portal."""
    from caseapp.cases.validation import validate_request
    from tests.conftest import VALID_PERSON

    _clean, errors = validate_request({**VALID_PERSON, "applicant_name": "李\x00四"})
    assert "applicant_name" in errors and "控制字符" in str(errors["applicant_name"])


def test_office_form_posts_with_control_characters_are_refused_before_the_view():
    """The safety net behind every form (letter fields, notes, actions): 422, the view never runs."""
    from caseapp import create_app
    from config import TestConfig

    app = create_app(type("C", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": "sqlite://", "WTF_CSRF_ENABLED": False}))
    seen = []

    @app.post("/office/_echo")
    def _echo():
        seen.append(dict(__import__("flask").request.form))
        return "ok"

    client = app.test_client()
    assert client.post("/office/_echo", data={"body": "第一段\r\n第二段\t完"}).status_code == 200
    resp = client.post("/office/_echo", data={"body": "正文\x1b[2J内容"}, headers={"Referer": "/office/x"})
    assert resp.status_code == 302  # back to the form, with the message flashed
    with client.session_transaction() as sess:
        assert any("控制字符" in str(m) for _cat, m in sess.get("_flashes", []))
    assert client.post("/office/_echo", data={"body": "\x00"}).status_code == 422
    assert len(seen) == 1


def test_portal_correction_withdrawal_and_suggestion_refuse_control_characters(client, db, make_case):
    from caseapp.core.errors import ValidationError
    from caseapp.intake.operations import submit_correction, suggest_proactive_disclosure, withdraw_request

    case = make_case(status="correction_requested")
    for call in (lambda: submit_correction(case, text="补充\x00内容"),
                 lambda: withdraw_request(case, reason="不再\x1b需要"),
                 lambda: suggest_proactive_disclosure(case, text="建议\x08公开")):
        with pytest.raises(ValidationError) as err:
            call()
        assert "控制字符" in str(next(iter(err.value.errors.values())))
        db.session.rollback()
    assert db.session.get(Case, case.id).status == "correction_requested"


# --- JSON bodies ------------------------------------------------------------------------------

def test_public_api_refuses_a_control_character_naming_the_field(client, db, agency):
    resp = client.post("/api/v1/requests", json=_api_body(name="张\u0000三"))
    assert resp.status_code == 422
    error = resp.get_json()["error"]
    assert error["code"] == "validation_error" and "applicant.name" in error["fields"]
    assert _cases(db) == 0


@pytest.mark.parametrize("raw", [
    '{"agency": "SFJY", "applicant": {"name": "\\ud800"}}',
    '{"agency": "\\udc00abc"}',
    '{"\\ud83d": 1}',
])
def test_lone_surrogates_in_json_are_400(client, db, agency, raw):
    resp = client.post("/api/v1/requests", data=raw, content_type="application/json")
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == "invalid_character"
    assert _cases(db) == 0


def test_surrogate_pairs_are_fine(client, db, agency):
    raw = json.dumps(_api_body(name="张三😀"))  # ensure_ascii: written as a \\ud83d\\ude00 pair
    assert "\\ud83d\\ude00" in raw
    assert client.post("/api/v1/requests", data=raw, content_type="application/json").status_code == 201


@pytest.mark.parametrize("depth", [40, 5000, 200_000])
def test_deeply_nested_json_is_400_on_public_and_staff_api(client, make_case, make_user, bearer, depth):
    raw = "[" * depth + "]" * depth
    resp = client.post("/api/v1/requests", data=raw, content_type="application/json")
    assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "too_deep"
    case = make_case()
    headers = bearer(make_user("clerk", agency=case.agency))
    nested = '{"action": "accept", "x": ' + raw + "}"
    resp = client.post(f"/api/v1/cases/{case.tracking_number}/actions", data=nested,
                       content_type="application/json", headers=headers)
    assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "too_deep"
    resp = client.post("/api/v1/cases", data=nested, content_type="application/json", headers=headers)
    assert resp.status_code == 400


def test_integers_beyond_integer_columns_in_bodies_are_422(client, make_case, make_user, bearer):
    case = make_case()
    headers = bearer(make_user("supervisor", agency=case.agency))
    for payload in ({"action": "submit_letter", "letter_id": BIG}, {"action": "assign", "user": BIG},
                    {"action": "submit_letter", "letter_id": -BIG - 1}, {"action": "submit_letter", "letter_id": 2**31}):
        resp = client.post(f"/api/v1/cases/{case.tracking_number}/actions", json=payload, headers=headers)
        assert resp.status_code == 422, payload
        assert resp.get_json()["error"]["code"] == "validation_error"


def test_numbers_overflowing_to_infinity_are_422(client, agency):
    resp = client.post("/api/v1/requests", data='{"agency": "SFJY", "n": 1e400}', content_type="application/json")
    assert resp.status_code == 422 and "n" in resp.get_json()["error"]["fields"]


def test_nan_and_huge_numbers_are_not_json(client, agency):
    for raw in ('{"agency": NaN}', '{"agency": Infinity}', '{"n": ' + "9" * 5000 + "}"):
        resp = client.post("/api/v1/requests", data=raw, content_type="application/json")
        assert resp.status_code == 400, raw


def test_loads_json_reports_the_path():
    from caseapp.core.text import JSONBodyError

    with pytest.raises(JSONBodyError) as err:
        loads_json('{"a": [1, {"b": "x\\u0001"}]}')
    assert err.value.status_code == 422 and err.value.path == "a[1].b"


# --- Calendar import ---------------------------------------------------------------------------

@pytest.mark.parametrize("text,needle", [
    ('{"year": 2027, "holidays": [{"date": "2027-01-01", "name": "元旦\\u0000"}]}', "控制字符"),
    ("[" * 100_000 + "]" * 100_000, "嵌套"),
    ('{"year": 2027, "holidays": [{"date": "2027-01-01", "name": "\\ud800"}]}', "代理"),
    ('{"year": 99999999999999999999999}', "过大"),
])
def test_calendar_import_refuses_hostile_files(app, text, needle):
    from caseapp.calendar.service import parse_calendar_file
    from caseapp.core.errors import ValidationError

    with pytest.raises(ValidationError) as err:
        parse_calendar_file(text)
    assert needle in str(err.value.message)


# --- Integers in URLs ----------------------------------------------------------------------------

@pytest.mark.parametrize("number", [BIG, 2**64, 10**30])
def test_huge_ids_in_urls_are_404(client, db, make_case, make_user, login, bearer, number):
    from tests.intake.portal_helpers import unlock

    case = make_case()
    unlock(client, case.tracking_number, case.query_code)
    tn = case.tracking_number
    assert client.get(f"/track/{tn}/files/{number}").status_code == 404
    assert client.get(f"/track/{tn}/letters/{number}.pdf").status_code == 404
    assert client.get(f"/api/v1/requests/{tn}/letters/{number}.pdf",
                      headers={"X-Query-Code": case.query_code}).status_code == 404
    headers = bearer(case.clerk)
    assert client.get(f"/api/v1/cases/{tn}/letters/{number}.docx", headers=headers).status_code == 404
    office = client.application.test_client()
    login(case.clerk, c=office)
    assert office.get(f"/office/letters/{number}").status_code == 404
    assert office.get(f"/office/cases/{tn}/attachments/{number}").status_code == 404
    assert office.get(f"/office/admin/calendar/{number}").status_code in (403, 404)


def test_the_largest_id_an_integer_column_holds_is_still_a_plain_404(client, make_case):
    from tests.intake.portal_helpers import unlock

    case = make_case()
    unlock(client, case.tracking_number, case.query_code)
    assert client.get(f"/track/{case.tracking_number}/files/{2**31 - 1}").status_code == 404
    assert client.get(f"/track/{case.tracking_number}/files/{2**31}").status_code == 404


# --- Query strings, path values, other forms ---------------------------------------------------------

def test_nul_in_query_strings_and_path_values_is_refused(client, make_case, make_user, bearer):
    """PostgreSQL refuses NUL in text: it must never reach a query."""
    case = make_case()
    headers = bearer(make_user("supervisor", agency=case.agency))
    for url in ("/api/v1/cases?handler=%00", "/api/v1/cases?q=a%1Bb", "/api/v1/requests/SFJY%00",
                "/api/v1/public-items?q=%00"):
        resp = client.get(url, headers={**headers, "X-Query-Code": case.query_code})
        assert resp.status_code == 422, url
        assert resp.get_json()["error"]["code"] == "validation_error"
    assert client.get("/track?tracking_number=%00").status_code == 422
    assert client.get("/api/v1/cases?q=%E6%95%99%E8%82%B2", headers=headers).status_code == 200


def test_nul_in_the_tracking_and_login_forms_is_refused(client, make_case, make_user):
    from tests.conftest import csrf_from

    case = make_case()
    page = client.get("/track").get_data(as_text=True)
    resp = client.post("/track", data={"csrf_token": csrf_from(page), "tracking_number": case.tracking_number + "\x00",
                                       "query_code": case.query_code})
    assert resp.status_code == 422
    page = client.get("/office/login").get_data(as_text=True)
    resp = client.post("/office/login", data={"csrf_token": csrf_from(page), "username": "clerk\x00",
                                              "password": "x"}, headers={"Referer": "http://localhost/office/login"})
    assert resp.status_code == 302 and "/office/login" in resp.headers["Location"]


def test_the_portal_form_keeps_what_was_typed_with_a_message_beside_the_field(client, db, agency):
    resp = client.post("/apply", data=apply_data(client, "SFJY", applicant_name="张\x00三",
                                                  description="申请公开某某文件的全部内容。"))
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "申请公开某某文件的全部内容。" in html and "控制字符" in html


def test_an_agency_code_with_nul_is_simply_unknown(app, agency):
    from caseapp.intake.queries import get_active_agency

    assert get_active_agency("SFJY\x00") is None and get_active_agency("SFJY") is not None


def test_a_multipart_part_without_a_usable_name_is_no_500(client, agency):
    """Found by schemathesis: a part named "\\r" reached the form check with a key of None."""
    body = (b"--b\r\nContent-Disposition: form-data; name=\"\r\"\r\n\r\nnull\r\n--b\r\n"
            b"Content-Disposition: form-data; name=\"request\"\r\n\r\n{}\r\n--b--\r\n")
    resp = client.post("/api/v1/requests", data=body, content_type="multipart/form-data; boundary=b")
    assert 400 <= resp.status_code < 500
    assert "error" in resp.get_json()
