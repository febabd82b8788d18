"""The records in the office (issue 21): the case page's records panel with its versions and their
redaction logs, the staff routes of a record (file, page images, preview, redaction page) and who may
use them; every write through the runner."""
from __future__ import annotations

import io
import json
import re

import pytest

from caseapp.core.actions import act
from caseapp.core.inputs import Upload
from caseapp.records.models import Record
from tests.conftest import csrf_from
from tests.office.conftest import version_from
from tests.records import pdfs

LETTER = [["关于示范市人民路拆迁补偿的情况说明", "被征收人张三，联系电话13800138000。", "经办人王五。"],
          ["第二页：张三签字确认。"]]


@pytest.fixture
def case(make_case):
    return make_case(status="in_progress")


@pytest.fixture
def record(db, case):
    """A two-page PDF record of the case, added through the runner."""
    added = act("add_record", case, case.clerk, {"file": [Upload("说明.pdf", pdfs.text_pdf(LETTER))],
                                                  "title": "拆迁补偿情况说明"})
    return db.session.get(Record, added["record_id"])


def _case_url(case, tail=""):
    return f"/office/cases/{case.tracking_number}{tail}"


def _record_url(case, record, tail):
    return f"/office/cases/{case.tracking_number}/records/{record.id}/{tail}"


def _records(db, **filters):
    db.session.rollback()  # see what the requests committed
    return db.session.query(Record).filter_by(**filters).order_by(Record.id).all()


def _redact(case, record, **body):
    return act("redact_record", case, case.clerk, {"record_id": record.id, "exemption": "personal_privacy",
                                                    "reason": "涉及第三方个人隐私。", **body})


def test_the_panel_lists_records_versions_and_their_log_with_labels(db, case, record, office):
    _redact(case, record, terms=["张三"], areas=[{"page": 1, "x0": 60, "y0": 120, "x1": 300, "y1": 140}])
    act("release_record", case, case.clerk, {"record_id": record.id})
    html = office(case.clerk).get(_case_url(case)).get_data(as_text=True)
    panel = html[html.index('id="records"'):html.index("</section>", html.index('id="records"'))]
    assert "材料" in html and "拆迁补偿情况说明" in panel
    for label in ("原件", "删除处理版本", "原样公开版本", "个人隐私", "删除处理记录", "涉及第三方个人隐私。"):
        assert label in panel, label
    assert "“张三”" in panel and "区域" in panel and record.sha256[:12] in panel
    rows = re.findall(r'<tr data-entry="(term|area)">(.*?)</tr>', panel, re.S)
    # 张三 on pages 1 and 2, and the area on page 1: page, count, ground, reason, who
    assert [k for k, _row in rows] == ["term", "term", "area"]
    first = re.sub(r"<[^>]+>", "|", rows[0][1])
    assert "|1|" in first and "个人隐私" in first and case.clerk.display_name in first
    # Codes are never shown: only their labels.
    text = re.sub(r"<[^>]+>", " ", panel)
    for code in ("personal_privacy", "redacted", "as_is", "original", "term", "area"):
        assert not re.search(rf"\b{code}\b", text), code
    # The forms of a handler: add, release as is, redact.
    assert 'id="add-record-form"' in panel and 'data-action="release_record"' in panel
    assert f'data-redact="{record.id}"' in panel


def test_a_clerk_adds_a_record_and_releases_it_as_is_through_the_forms(db, case, office):
    client = office(case.clerk)
    page = client.get(_case_url(case)).get_data(as_text=True)
    resp = client.post(_case_url(case, "/add-record"), data={
        "csrf_token": csrf_from(page), "version": version_from(page), "title": "通知",
        "file": (io.BytesIO(pdfs.text_pdf([["公开的通知正文"]])), "通知.pdf")}, content_type="multipart/form-data")
    assert resp.status_code == 302
    [original] = _records(db)
    assert (original.kind, original.title, original.page_count) == ("original", "通知", 1)
    page = client.get(_case_url(case)).get_data(as_text=True)
    assert "材料已添加" in page
    resp = client.post(_case_url(case, "/release-record"), data={
        "csrf_token": csrf_from(page), "version": version_from(page), "record_id": str(original.id)})
    assert resp.status_code == 302
    assert [r.kind for r in _records(db)] == ["original", "as_is"]
    assert "原样公开版本" in client.get(_case_url(case)).get_data(as_text=True)


def test_a_refused_upload_says_why_in_chinese_and_stores_nothing(db, case, office):
    client = office(case.clerk)
    page = client.get(_case_url(case)).get_data(as_text=True)
    resp = client.post(_case_url(case, "/add-record"), data={
        "csrf_token": csrf_from(page), "version": version_from(page),
        "file": (io.BytesIO(b"MZ\x90\x00 not a document"), "程序.pdf")}, content_type="multipart/form-data",
        headers={"Referer": "http://localhost" + _case_url(case)}, follow_redirects=True)
    assert "不是 PDF、DOCX、XLSX、JPEG 或 PNG 文件" in resp.get_data(as_text=True)
    assert _records(db) == []


def test_the_redaction_page_shows_the_pages_and_the_form(db, case, record, office):
    client = office(case.clerk)
    resp = client.get(_record_url(case, record, "redact"))
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert html.count('class="redact-page"') == 2 and 'data-width="595.00" data-height="842.00"' in html
    assert _record_url(case, record, "pages/1.png") in html and _record_url(case, record, "pages/2.png") in html
    assert 'name="areas"' in html and 'name="terms"' in html and "预览" in html and "个人隐私" in html
    assert "<script>" not in html and " style=" not in html  # the CSP: no inline script or style
    assert "js/redact.js" in html


def test_page_images_are_png_and_revalidated_by_their_digest(db, case, record, office):
    client = office(case.clerk)
    resp = client.get(_record_url(case, record, "pages/1.png"))
    assert resp.status_code == 200 and resp.mimetype == "image/png" and resp.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert resp.headers["Cache-Control"] == "private, no-cache" and record.sha256 in resp.headers["ETag"]
    again = client.get(_record_url(case, record, "pages/1.png"), headers={"If-None-Match": resp.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    assert client.get(_record_url(case, record, "pages/3.png")).status_code == 404


def test_the_file_route_gives_the_original_as_received(db, case, record, office):
    resp = office(case.clerk).get(_record_url(case, record, "file"))
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert resp.data == pdfs.text_pdf(LETTER) or len(resp.data) == record.size
    assert "attachment" in resp.headers["Content-Disposition"]


def test_preview_finds_the_terms_as_boxes_in_points(db, case, record, office):
    client = office(case.clerk)
    token = csrf_from(client.get(_record_url(case, record, "redact")).get_data(as_text=True))
    resp = client.post(_record_url(case, record, "find"), data={"csrf_token": token, "terms": "张三\n钱七"})
    assert resp.status_code == 200
    hits = {(h["term"], h["page"]): h for h in resp.json["hits"]}
    assert set(hits) == {("张三", 1), ("张三", 2)} and resp.json["missing"] == ["钱七"]
    x0, y0, x1, y1 = hits[("张三", 1)]["rects"][0]
    assert 72 < x0 < x1 < 595 and 90 < y0 < y1 < 842
    assert "“张三”：共 2 处" in resp.json["summary"][0] and "钱七" in resp.json["summary"][1]
    assert client.post(_record_url(case, record, "find"), data={"terms": "张三"}).status_code == 400  # CSRF


def test_redaction_through_the_page_goes_back_to_the_case_with_the_new_version(db, case, record, office, submit):
    client = office(case.clerk)
    areas = [{"page": 1, "x0": 60, "y0": 120, "x1": 300, "y1": 140}]
    resp = submit(client, _record_url(case, record, "redact"), {
        "record_id": str(record.id), "terms": "张三\n王五", "areas": json.dumps(areas),
        "exemption": "personal_privacy", "reason": "涉及第三方个人隐私。"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(_case_url(case) + "#records")
    [_original, version] = _records(db)
    assert version.kind == "redacted" and version.parent_id == record.id
    assert sorted((e.kind, e.term, e.page) for e in version.entries) == [
        ("area", None, 1), ("term", "张三", 1), ("term", "张三", 2), ("term", "王五", 1)]
    page = client.get(_case_url(case)).get_data(as_text=True)
    assert "已生成删除处理版本" in page and "“王五”" in page


@pytest.mark.parametrize("body, message", [
    ({"terms": "张三\n钱七"}, "材料中未找到：“钱七”"),
    ({"areas": json.dumps([{"page": 3, "x0": 0, "y0": 0, "x1": 10, "y1": 10}])}, "区域超出页面：p.3"),
    ({"terms": "张三", "exemption": ""}, "请选择不予公开的依据"),
    ({"terms": "张三", "reason": ""}, "请填写不予公开的理由"),
    ({}, "请填写需删除的文字，或在页面上框选需删除的区域"),
])
def test_refused_redaction_comes_back_on_the_page_in_chinese_with_nothing_changed(db, case, record, office,
                                                                                 submit, body, message):
    client = office(case.clerk)
    form = {"record_id": str(record.id), "exemption": "personal_privacy", "reason": "个人隐私", **body}
    resp = submit(client, _record_url(case, record, "redact"), form)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert message in html and "未作任何删除" in html
    if "terms" in body and body["terms"]:
        assert body["terms"].split("\n")[-1] in html  # what was typed is kept
    if "areas" in body:
        assert "&#34;page&#34;: 3" in html or "&quot;page&quot;: 3" in html  # what was drawn is kept
    assert [r.kind for r in _records(db)] == ["original"]


def test_a_redaction_page_posts_only_its_own_record(db, case, record, office, submit):
    resp = submit(office(case.clerk), _record_url(case, record, "redact"), {
        "record_id": str(record.id + 1), "terms": "张三", "exemption": "personal_privacy", "reason": "x"})
    assert resp.status_code == 400


def test_redaction_needs_the_csrf_token(db, case, record, office):
    resp = office(case.clerk).post(_record_url(case, record, "redact"), data={
        "record_id": str(record.id), "terms": "张三", "exemption": "personal_privacy", "reason": "x",
        "version": str(case.version)})
    assert resp.status_code == 400
    assert [r.kind for r in _records(db)] == ["original"]


def test_an_auditor_sees_the_records_but_no_forms_and_cannot_post(db, case, record, make_user, office):
    auditor = make_user("auditor", agency=case.agency)
    client = office(auditor)
    page = client.get(_case_url(case)).get_data(as_text=True)
    panel = page[page.index('id="records"'):]
    assert "拆迁补偿情况说明" in panel
    assert 'id="add-record-form"' not in panel and "data-redact" not in panel and 'data-action="release_record"' not in panel
    assert client.get(_record_url(case, record, "file")).status_code == 200
    assert client.get(_record_url(case, record, "pages/1.png")).status_code == 200
    assert client.get(_record_url(case, record, "redact")).status_code == 403
    token, version = csrf_from(page), str(case.version)
    for tail, data in (("/add-record", {"file": (io.BytesIO(pdfs.text_pdf([["x"]])), "x.pdf")}),
                       ("/release-record", {"record_id": str(record.id)}),
                       ("/redact-record", {"record_id": str(record.id), "terms": "张三"})):
        resp = client.post(_case_url(case, tail), data={"csrf_token": token, "version": version, **data})
        assert resp.status_code == 403, tail
    for tail in ("redact", "find"):
        resp = client.post(_record_url(case, record, tail), data={
            "csrf_token": token, "version": version, "record_id": str(record.id), "terms": "张三",
            "exemption": "personal_privacy", "reason": "x"})
        assert resp.status_code == 403, tail
    assert [r.kind for r in _records(db)] == ["original"]


def test_staff_of_another_agency_and_anonymous_users_get_nothing(db, case, record, make_user, office, client):
    other = office(make_user("clerk"))
    for tail in ("file", "pages/1.png", "redact"):
        assert other.get(_record_url(case, record, tail)).status_code in (403, 404), tail
        resp = client.get(_record_url(case, record, tail))
        assert resp.status_code == 302 and "/office/login" in resp.headers["Location"], tail
    token = csrf_from(other.get("/office/").get_data(as_text=True))
    resp = other.post(_record_url(case, record, "find"), data={"csrf_token": token, "terms": "张三"})
    assert resp.status_code in (403, 404)


def test_a_record_of_another_case_is_not_found_under_this_one(db, case, record, make_case, office):
    elsewhere = make_case(status="in_progress", agency=case.agency)
    client = office(case.clerk)
    for tail in ("file", "pages/1.png", "redact"):
        assert client.get(_record_url(elsewhere, record, tail)).status_code == 404
