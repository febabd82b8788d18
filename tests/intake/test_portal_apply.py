"""Online application through the portal: validation, uploads, double submit, receipt page and PDF."""
from __future__ import annotations

import io
import os
import subprocess

import pytest
import sqlalchemy as sa

from caseapp.cases.attachments import Attachment
from caseapp.cases.models import Case
from caseapp.core.audit import AuditEvent
from caseapp.intake.models import SubmissionKey
from tests.intake.portal_helpers import DOCX, EXE, OFD, PDF, PLAIN_ZIP, PNG, apply_data


def _count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def agency(make_agency):
    return make_agency("SFJY", "示范市教育局")


def test_apply_page_is_chinese_and_lists_agencies(client, agency):
    html = client.get("/apply").get_data(as_text=True)
    assert "申请政府信息公开" in html
    assert "示范市教育局" in html
    assert "商业企业" in html and "社会公益组织" in html and "法律服务机构" in html
    assert 'name="submission_token"' in html
    assert "<script>" not in html  # no inline scripts (CSP)


def test_valid_application_files_one_case_and_shows_the_code_once(client, db, agency):
    resp = client.post("/apply", data=apply_data(client, "SFJY"))
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/apply/receipt")
    case = db.session.scalar(sa.select(Case))
    assert case.channel == "online" and case.status == "submitted" and case.agency_id == agency.id
    assert case.due_on is not None

    first = client.get("/apply/receipt")
    html = first.get_data(as_text=True)
    assert first.headers["Cache-Control"] == "no-store"
    assert case.tracking_number in html
    assert "请妥善保管您的查询码，查询码只显示一次" in html
    assert "申请编号" in html and "查询码" in html and "预计答复日期" in html
    import re

    code = re.search(r'data-testid="query-code">([^<]+)<', html).group(1)
    from caseapp.cases.identity import check_query_code

    assert check_query_code(code, case.query_code_hash)

    again = client.get("/apply/receipt").get_data(as_text=True)
    assert code not in again
    assert case.tracking_number in again
    assert "不再重复显示" in again


def test_reposted_form_files_one_request(client, db, agency):
    data = apply_data(client, "SFJY")
    assert client.post("/apply", data=dict(data)).status_code == 302
    client.get("/apply/receipt")
    second = client.post("/apply", data=dict(data))
    assert second.status_code == 302
    assert _count(db, Case) == 1
    assert _count(db, SubmissionKey) == 1
    assert case_number(db) in client.get("/apply/receipt").get_data(as_text=True)


def test_repost_from_another_browser_names_the_number_only_and_keeps_the_code(client, app, db, agency):
    """A kiosk's Back and Submit after the applicant left: no new code, no takeover (issue 13 item 1)."""
    import re

    data = apply_data(client, "SFJY")
    client.post("/apply", data=dict(data))
    html = client.get("/apply/receipt").get_data(as_text=True)
    code = re.search(r'data-testid="query-code">([^<]+)<', html).group(1)
    other = app.test_client()  # the same form posted again without the first answer's cookie
    with client.session_transaction() as sess:
        sess_copy = {k: v for k, v in sess.items() if k not in ("receipt_key", "unlocked")}
    with other.session_transaction() as sess:
        sess.update(sess_copy)
    resp = other.post("/apply", data=dict(data))
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "该表单已经提交过" in page and case_number(db) in page
    assert 'data-testid="query-code"' not in page and code not in page
    assert "张三" not in page  # nothing of the applicant's
    assert resp.headers["Cache-Control"] == "no-store"
    assert _count(db, Case) == 1
    # The applicant's own code still works; the replaying browser has nothing to open.
    from caseapp.cases.queries import find_case_for_applicant

    assert find_case_for_applicant(case_number(db), code) is not None
    assert other.get("/apply/receipt").status_code == 302
    assert other.get(f"/track/{case_number(db)}").status_code == 302
    assert "case.query_code_reissued" not in db.session.scalars(sa.select(AuditEvent.action)).all()


def case_number(db) -> str:
    return db.session.scalar(sa.select(Case.tracking_number))


@pytest.mark.parametrize("fields,field,message", [
    ({"id_number": "110105194912310021"}, "id_number", "居民身份证号码不正确"),
    ({"id_number": ""}, "id_number", "请填写身份证件号码"),
    ({"phone": "12345", "email": ""}, "phone", "请填写正确的手机或固定电话号码"),
    ({"email": "not-an-email"}, "email", "请填写正确的电子邮箱地址"),
    ({"description": ""}, "description", "请填写所需政府信息的内容描述"),
    ({"description": "x" * 5001}, "description", "最多5000个字符"),
    ({"applicant_name": ""}, "applicant_name", "请填写姓名"),
    ({"applicant_type": "commercial_enterprise", "org_code": "91350100M000100Y4A"}, "org_code",
     "统一社会信用代码的校验位（最后一位）不正确"),
    ({"applicant_type": "commercial_enterprise", "org_code": "91350100M000100Y4"}, "org_code",
     "统一社会信用代码不正确：应为18位"),
    ({"applicant_type": "commercial_enterprise", "org_code": "91350100M00010OY4A"}, "org_code",
     "统一社会信用代码不正确：只能由数字和大写英文字母"),
    ({"applicant_type": "legal_service_org", "org_code": ""}, "org_code", "请填写统一社会信用代码"),
    ({"delivery": "post", "address": ""}, "address", "选择邮寄方式的，请填写通信地址"),
])
def test_refused_application_keeps_input_and_stores_nothing(client, db, agency, fields, field, message):
    resp = client.post("/apply", data=apply_data(client, "SFJY", **fields))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert message in html, html[:3000]
    assert f'id="{field}-error"' in html
    kept = "张三" if "description" in fields else "申请公开2026年示范市义务教育阶段学校招生入学工作实施意见"
    assert kept in html  # what the applicant typed is kept
    assert _count(db, Case) == 0
    assert _count(db, AuditEvent.__table__) == 2  # agency + department creation only


def test_unknown_agency_is_refused(client, db, agency):
    resp = client.post("/apply", data=apply_data(client, "NOPE"))
    assert resp.status_code == 422
    assert "请选择受理机关" in resp.get_data(as_text=True)
    assert _count(db, Case) == 0


def test_missing_csrf_token_is_refused(client, db, agency):
    data = apply_data(client, "SFJY")
    data.pop("csrf_token")
    resp = client.post("/apply", data=data)
    assert resp.status_code in (400, 422)
    assert _count(db, Case) == 0


def test_uploads_of_each_type_are_stored_by_content_with_their_hash(client, app, db, agency):
    data = apply_data(client, "SFJY")
    data["id_scan"] = (io.BytesIO(PNG), "身份证.png")
    data["files"] = [(io.BytesIO(PDF), "a.pdf"), (io.BytesIO(DOCX), "b.docx"), (io.BytesIO(OFD), "c.ofd")]
    resp = client.post("/apply", data=data, content_type="multipart/form-data")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    atts = db.session.scalars(sa.select(Attachment).order_by(Attachment.id)).all()
    assert [(a.kind, a.content_type) for a in atts] == [
        ("id_scan", "image/png"),
        ("supporting", "application/pdf"),
        ("supporting", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("supporting", "application/ofd"),
    ]
    import hashlib

    assert atts[1].sha256 == hashlib.sha256(PDF).hexdigest()
    for att in atts:
        path = os.path.join(app.config["DATA_DIR"], att.storage_key)
        assert os.path.isfile(path)
        assert "static" not in path and not att.storage_key.endswith((".pdf", ".png"))
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "case.files_attached")).all()
    assert len(events) == 2  # one per kind


def _stored_files(app) -> set[str]:
    uploads = os.path.join(app.config["DATA_DIR"], "uploads")
    return {os.path.join(d, f) for d, _s, files in os.walk(uploads) for f in files}


@pytest.mark.parametrize("payload,name,message", [
    (EXE, "scan.pdf", "不是 PDF、JPEG、PNG、DOCX 或 OFD 文件"),
    (PLAIN_ZIP, "letter.docx", "不是 PDF、JPEG、PNG、DOCX 或 OFD 文件"),
    (b"<html><script>alert(1)</script>", "page.png", "不是 PDF、JPEG、PNG、DOCX 或 OFD 文件"),
    (b"%PDF-" + b"0" * (20 * 1024 * 1024), "big.pdf", "超过20 MB"),
])
def test_rejected_upload_keeps_the_form_and_stores_nothing(client, app, db, agency, payload, name, message):
    before = _stored_files(app)
    data = apply_data(client, "SFJY")
    data["files"] = [(io.BytesIO(PDF), "ok.pdf"), (io.BytesIO(payload), name)]
    resp = client.post("/apply", data=data, content_type="multipart/form-data")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert message in html and name in html
    assert "请重新选择" in html
    assert 'value="张三"' in html
    assert _count(db, Case) == 0 and _count(db, Attachment) == 0
    assert _stored_files(app) == before


def test_more_than_ten_files_are_refused(client, db, agency):
    data = apply_data(client, "SFJY")
    data["files"] = [(io.BytesIO(PDF), f"f{i}.pdf") for i in range(11)]
    resp = client.post("/apply", data=data, content_type="multipart/form-data")
    assert resp.status_code == 422
    assert "最多可上传10个文件" in resp.get_data(as_text=True)
    assert _count(db, Case) == 0


def test_filing_is_rate_limited_per_client(client, app, db, agency, monkeypatch):
    monkeypatch.setitem(app.config, "FILING_RATE_LIMIT", "2 per hour")
    for _ in range(2):
        assert client.post("/apply", data=apply_data(client, "SFJY")).status_code == 302
    resp = client.post("/apply", data=apply_data(client, "SFJY"))
    assert resp.status_code == 429
    assert "尝试次数过多" in resp.get_data(as_text=True) or "请稍后" in resp.get_data(as_text=True)
    assert _count(db, Case) == 2


def test_receipt_pdf_has_the_code_and_selectable_chinese_text(client, db, agency, tmp_path):
    client.post("/apply", data=apply_data(client, "SFJY"))
    html = client.get("/apply/receipt").get_data(as_text=True)
    import re

    code = re.search(r'data-testid="query-code">([^<]+)<', html).group(1)
    resp = client.get("/apply/receipt.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert resp.headers["Cache-Control"] == "no-store"
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(resp.data)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "申请接收回执" in text
    assert case_number(db) in text and code in text
    assert "示范市教育局" in text and "张三" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    # The letters' prepared serif (make install), or the system CJK fallback where it is missing.
    assert "CaseappSerifSC" in fonts or "WenQuanYi" in fonts
    assert " yes " in fonts.split("\n", 2)[2]  # embedded
    # One download only: the code leaves the session.
    again = client.get("/apply/receipt.pdf")
    assert again.status_code == 302
    assert client.get("/apply/receipt").status_code == 302


def test_receipt_without_a_fresh_filing_redirects_to_track(client, agency):
    resp = client.get("/apply/receipt")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/track")
    assert client.get("/apply/receipt.pdf").status_code == 302


def test_home_page_explains_time_limits_and_links(client, agency):
    html = client.get("/").get_data(as_text=True)
    assert "20个工作日" in html and "7个工作日" in html
    assert 'href="/apply"' in html and 'href="/track"' in html
    assert "示范市教育局" in html
    assert 'href="/apply?agency=SFJY"' in html
