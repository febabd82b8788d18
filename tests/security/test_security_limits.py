"""Issue 13 items 8, 9 and 10: per-client lock-outs, trusted proxies, body and ZIP caps, what the
public API shows, HSTS and the OpenAPI document."""
from __future__ import annotations

import io
import logging
import time
import zipfile

import pytest
from flask import request

from tests.conftest import TestConfig, csrf_from


def _from(ip: str) -> dict:
    return {"REMOTE_ADDR": ip}


# --- Lock-outs per client -------------------------------------------------------------------------

def test_a_stranger_cannot_lock_a_tracking_number_for_its_applicant(client, app, make_case):
    case = make_case()
    stranger = app.test_client()
    for _ in range(12):
        stranger.get(f"/api/v1/requests/{case.tracking_number}", headers={"X-Query-Code": "WRONGCODE9"},
                     environ_base=_from("203.0.113.9"))
    blocked = stranger.get(f"/api/v1/requests/{case.tracking_number}", headers={"X-Query-Code": case.query_code},
                           environ_base=_from("203.0.113.9"))
    assert blocked.status_code == 429  # the stranger is locked out...
    mine = client.get(f"/api/v1/requests/{case.tracking_number}", headers={"X-Query-Code": case.query_code},
                      environ_base=_from("198.51.100.7"))
    assert mine.status_code == 200  # ...the applicant elsewhere is not


def test_a_stranger_cannot_lock_a_staff_account(app, make_user, login):
    user = make_user("clerk")
    stranger = app.test_client()
    for _ in range(11):
        page = stranger.get("/office/login", environ_base=_from("203.0.113.9")).get_data(as_text=True)
        stranger.post("/office/login", data={"username": user.username, "password": "wrong-password",
                                              "csrf_token": csrf_from(page)}, environ_base=_from("203.0.113.9"))
    page = stranger.get("/office/login", environ_base=_from("203.0.113.9")).get_data(as_text=True)
    resp = stranger.post("/office/login", data={"username": user.username, "password": "test-pass-123",
                                                 "csrf_token": csrf_from(page)}, environ_base=_from("203.0.113.9"))
    assert resp.status_code == 429
    owner = app.test_client()
    page = owner.get("/office/login", environ_base=_from("198.51.100.7")).get_data(as_text=True)
    resp = owner.post("/office/login", data={"username": user.username, "password": "test-pass-123",
                                             "csrf_token": csrf_from(page)}, environ_base=_from("198.51.100.7"))
    assert resp.status_code == 302


# --- Trusted proxies ------------------------------------------------------------------------------

def _app_with(**settings):
    from caseapp import create_app

    config = type("Config", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": "sqlite://", **settings})
    app = create_app(config)

    @app.get("/_whoami")
    def _whoami():
        return request.remote_addr or ""

    return app


def test_forwarded_for_is_ignored_without_trusted_proxies():
    app = _app_with()
    resp = app.test_client().get("/_whoami", headers={"X-Forwarded-For": "192.0.2.1"},
                                 environ_base=_from("10.0.0.2"))
    assert resp.get_data(as_text=True) == "10.0.0.2"


def test_forwarded_for_is_trusted_from_the_configured_proxy_hops():
    app = _app_with(TRUSTED_PROXIES=1)
    resp = app.test_client().get("/_whoami", headers={"X-Forwarded-For": "192.0.2.66, 192.0.2.1"},
                                 environ_base=_from("10.0.0.2"))
    assert resp.get_data(as_text=True) == "192.0.2.1"  # one hop: only the proxy's own entry counts


def test_memory_limits_with_several_workers_warn_at_start(monkeypatch, caplog):
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    with caplog.at_level(logging.WARNING, logger="caseapp"):
        _app_with()
    assert any("memory://" in r.getMessage() and "redis://" in r.getMessage() for r in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="caseapp"):
        _app_with(RATELIMIT_STORAGE_URI="memory://", )
        monkeypatch.setenv("WEB_CONCURRENCY", "1")
        _app_with()
    assert sum("memory://" in r.getMessage() for r in caplog.records) == 1


# --- Body and ZIP caps ------------------------------------------------------------------------------

def test_the_default_body_limit_is_30_mb_with_a_chinese_413(app, client, agency):
    from config import Config

    assert Config.MAX_CONTENT_LENGTH == 30 * 1024 * 1024
    resp = client.post("/api/v1/requests", data=b"{" + b" " * (31 * 1024 * 1024) + b"}",
                       content_type="application/json")
    assert resp.status_code == 413
    assert "30" in resp.get_json()["error"]["message"] and "不得超过" in resp.get_json()["error"]["message"]


def test_portal_413_is_a_chinese_page(client, app, agency, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)
    resp = client.post("/apply", data={"files": (io.BytesIO(b"%PDF-1.4" + b"0" * 2 * 1024 * 1024), "a.pdf")},
                       content_type="multipart/form-data")
    assert resp.status_code == 413 and "不得超过1 MB" in resp.get_data(as_text=True).replace("1MB", "1 MB")


def _docx_with(entries: int, size: int = 0) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>")
        zf.writestr("word/document.xml", b"<w:document/>" + b" " * size)
        for i in range(entries):
            zf.writestr(f"x/{i}", b"")
    return buf.getvalue()


def test_a_docx_with_150000_entries_is_refused_fast(app):
    from caseapp.cases.attachments import check_upload
    from caseapp.core.errors import ValidationError

    data = _docx_with(150_000)
    start = time.perf_counter()
    with pytest.raises(ValidationError) as err:
        check_upload("big.docx", data)
    assert time.perf_counter() - start < 0.5
    assert "部分过多" in str(err.value.message)


def test_a_docx_expanding_past_the_cap_is_refused(app, monkeypatch):
    from caseapp.cases import attachments

    monkeypatch.setattr(attachments, "MAX_ZIP_EXPANDED", 1024 * 1024)
    with pytest.raises(attachments.ValidationError):
        attachments.check_upload("bomb.docx", _docx_with(0, size=2 * 1024 * 1024))
    assert attachments.check_upload("ok.docx", _docx_with(20)) == attachments.CONTENT_TYPES["docx"]


# --- What the public API shows, HSTS, OpenAPI ---------------------------------------------------------

def test_public_api_shows_no_contact_details(client, make_case):
    case = make_case(phone="13912345678", email="li@example.com", address="示范市人民路1号", postal_code="200000")
    resp = client.get(f"/api/v1/requests/{case.tracking_number}", headers={"X-Query-Code": case.query_code})
    text = resp.get_data(as_text=True)
    assert resp.status_code == 200
    for secret in ("13912345678", "li@example.com", "人民路", "200000"):
        assert secret not in text
    assert not {"phone", "email", "address", "postal_code"} & set(resp.get_json()["applicant"])


def test_hsts_only_with_secure_cookies(client, app, monkeypatch):
    assert "Strict-Transport-Security" not in client.get("/").headers
    monkeypatch.setitem(app.config, "HSTS", True)
    assert client.get("/").headers["Strict-Transport-Security"].startswith("max-age=")


def test_config_turns_hsts_on_with_secure_cookies(monkeypatch):
    import importlib

    import config

    monkeypatch.setenv("CASEAPP_SECURE_COOKIES", "1")
    try:
        assert importlib.reload(config).Config.HSTS is True
    finally:
        monkeypatch.delenv("CASEAPP_SECURE_COOKIES")
        importlib.reload(config)


def test_letter_downloads_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for ext in ("pdf", "docx"):
        public = paths[f"/requests/{{tracking_number}}/letters/{{letter_id}}.{ext}"]["get"]
        assert any(p["name"] == "X-Query-Code" for p in public["parameters"])
        assert f"/cases/{{tracking_number}}/letters/{{letter_id}}.{ext}" in paths


def test_the_apply_form_states_the_total_size_limit(client, agency):
    html = client.get("/apply").get_data(as_text=True)
    assert "每个不超过20 MB，全部文件合计不超过30 MB" in html
