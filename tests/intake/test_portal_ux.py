"""Issue 14 items 11-13: the error summary's links, organisations' labels and credit-code reasons,
the receipt downloaded again after a lookup and the web receipt's QR code."""
from __future__ import annotations

import re
import subprocess

import pytest

from caseapp.cases.identity import uscc_problem, valid_uscc
from tests.conftest import csrf_from
from tests.intake.portal_helpers import apply_data, unlock

VALID_USCC = "91350100M000100Y43"


@pytest.fixture
def agency(make_agency):
    return make_agency("SFJY", "示范市教育局")


# --- Item 12: credit codes and labels -----------------------------------------------------------------

@pytest.mark.parametrize("code,problem", [
    (VALID_USCC, None),
    (VALID_USCC.lower(), None),
    (VALID_USCC[:-1] + "4", "check"),
    (VALID_USCC[:-1], "length"),
    (VALID_USCC + "1", "length"),
    ("", "length"),
    (VALID_USCC[:5] + "O" + VALID_USCC[6:], "characters"),  # O is not in the GB 32100 alphabet
    (VALID_USCC[:5] + "中" + VALID_USCC[6:], "characters"),
])
def test_uscc_problem_tells_why(code, problem):
    assert uscc_problem(code) == problem
    assert valid_uscc(code) is (problem is None)


def _label(html: str, field: str) -> str:
    return re.search(rf'<label[^>]*for="{field}"[^>]*>([^<]*)</label>', html).group(1).strip()


def test_name_and_upload_labels_follow_the_applicant_type(client, agency):
    first = client.get("/apply").get_data(as_text=True)
    assert _label(first, "applicant_name") == "姓名或名称"  # neutral until a type is chosen (works without JS)
    assert 'data-label-org="单位名称"' in first and 'data-label-person="姓名"' in first
    assert 'data-label-org="营业执照或登记证书扫描件或照片（选填）"' in first

    org = client.post("/apply", data=apply_data(client, "SFJY", applicant_type="commercial_enterprise",
                                               org_code="", contact_person="李四"))
    html = org.get_data(as_text=True)
    assert org.status_code == 422
    assert _label(html, "applicant_name") == "单位名称"
    assert _label(html, "id_scan") == "营业执照或登记证书扫描件或照片（选填）"

    person = client.post("/apply", data=apply_data(client, "SFJY", id_number=""))
    html = person.get_data(as_text=True)
    assert _label(html, "applicant_name") == "姓名"
    assert _label(html, "id_scan") == "身份证明扫描件或照片（选填）"


# --- Item 11: the error summary ----------------------------------------------------------------------

def _summary(html: str) -> str:
    return re.search(r'<div class="alert alert-danger error-summary"(.*?)</div>', html, re.DOTALL).group(0)


def test_error_summary_links_each_message_to_its_field_in_page_order(client, agency):
    resp = client.post("/apply", data=apply_data(client, "SFJY", applicant_name="", delivery="post", address="",
                                                 description="", applicant_type="natural_person", id_number=""))
    html = resp.get_data(as_text=True)
    summary = _summary(html)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary and "请修改以下内容" in summary
    links = re.findall(r'<a href="#([^"]+)" data-error-link>([^<]+)</a>', summary)
    targets = [t for t, _m in links]
    assert targets == ["applicant_name", "id_number", "address", "description"]
    for target, message in links:
        assert f'id="{target}"' in html  # the link lands on a real control
        assert html.count(message) >= 2  # the message also sits beside its field
    assert "<script>" not in html  # no inline script (CSP): the focus is portal.js's job


def test_error_summary_links_a_radio_group_to_its_first_option(client, agency):
    resp = client.post("/apply", data=apply_data(client, "SFJY", form="scroll"))
    summary = _summary(resp.get_data(as_text=True))
    assert 'href="#form-0"' in summary


def test_correction_and_suggestion_forms_have_distinct_ids(client, make_case):
    case = make_case(status="correction_requested")
    page = client.get(unlock(client, case.tracking_number, case.query_code).headers["Location"])
    html = page.get_data(as_text=True)
    assert 'id="correction_text"' in html and 'id="suggestion_text"' in html
    assert len(re.findall(r'id="text"', html)) == 0
    resp = client.post(f"/track/{case.tracking_number}/suggestion", data={"csrf_token": csrf_from(html), "text": " "})
    assert resp.status_code == 422
    summary = _summary(resp.get_data(as_text=True))
    assert 'href="#suggestion_text"' in summary


def test_withdraw_and_track_forms_use_the_summary(client, make_case):
    page = client.get("/track").get_data(as_text=True)
    resp = client.post("/track", data={"csrf_token": csrf_from(page), "tracking_number": "", "query_code": ""})
    assert "请修改以下内容" in _summary(resp.get_data(as_text=True))


# --- Item 13: the receipt again ----------------------------------------------------------------------

def _pdf_text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()


def test_receipt_downloads_again_after_a_lookup_with_number_and_code(app, client, make_case):
    case = make_case()
    html = client.get(unlock(client, case.tracking_number, case.query_code.lower()).headers["Location"]).get_data(
        as_text=True)
    url = f"/track/{case.tracking_number}/receipt.pdf"
    assert f'href="{url}"' in html and "下载回执" in html and "退出查询" in html
    assert "在本浏览器退出查询" not in html
    for _ in range(2):  # not once only: as often as needed while the lookup lasts
        pdf = client.get(url)
        assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
        assert pdf.headers["Cache-Control"] == "no-store"
    text = _pdf_text(pdf.data)
    assert case.tracking_number in text and case.query_code in text
    assert "重新下载" in text and "您通过网上申请平台提交" not in text  # a paper request did not come online

    # The session holds the code sealed, never in clear (decoded, not only as the compressed cookie).
    from flask.sessions import SecureCookieSessionInterface

    cookie = client.get_cookie("session").value
    decoded = SecureCookieSessionInterface().get_signing_serializer(app).loads(cookie)
    assert decoded["lookup_receipt"]["number"] == case.tracking_number
    assert case.query_code not in repr(decoded) and case.query_code not in cookie

    # Another browser, and this one after 退出查询, must look the case up again.
    assert app.test_client().get(url).status_code == 302
    token = csrf_from(client.get(f"/track/{case.tracking_number}").get_data(as_text=True))
    client.post("/track/close", data={"csrf_token": token})
    assert client.get(url).status_code == 302


def test_a_reissued_query_code_ends_the_old_lookup_download(client, db, make_case):
    from caseapp.cases.identity import hash_query_code

    case = make_case()
    unlock(client, case.tracking_number, case.query_code)
    case.query_code_hash = hash_query_code("MNPQRTUVWX")
    db.session.commit()
    resp = client.get(f"/track/{case.tracking_number}/receipt.pdf")
    assert resp.status_code == 302 and "/track?tracking_number=" in resp.headers["Location"]


def test_web_receipt_shows_the_qr_code(client, agency):
    client.post("/apply", data=apply_data(client, "SFJY"))
    html = client.get("/apply/receipt").get_data(as_text=True)
    img = re.search(r'<img class="receipt-qr" src="([^"]+)" alt="([^"]+)"', html)
    assert img and img.group(1).startswith("data:image/svg+xml") and img.group(2) == "办理进度查询页面二维码"
    assert "扫码查询办理进度" in html
    assert "此后如需再次下载，请凭申请编号和查询码查询。" in html


def test_sealed_lookup_code_opens_only_with_its_nonce(app):
    from caseapp.intake.queries import open_lookup_code, seal_lookup_code

    sealed = seal_lookup_code("DNXMYJNQCC")
    assert "DNXMYJNQCC" not in repr(sealed) and open_lookup_code(sealed) == "DNXMYJNQCC"
    assert open_lookup_code({**sealed, "nonce": "another"}) != "DNXMYJNQCC"
    for bad in (None, "x", {}, {"nonce": 1, "sealed": "00"}, {"nonce": "n", "sealed": "zz"}):
        assert open_lookup_code(bad) is None
