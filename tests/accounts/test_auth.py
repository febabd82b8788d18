"""Login, logout, throttling, CSRF and bearer tokens."""
from __future__ import annotations

import sqlalchemy as sa

from caseapp.accounts.models import ApiToken
from caseapp.accounts.operations import create_token
from tests.conftest import PASSWORD, csrf_from


def test_login_and_logout(client, make_user, login):
    user = make_user("clerk")
    resp = login(user)
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/office/")
    page = client.get("/office/")
    assert page.status_code == 200
    token = csrf_from(page.get_data(as_text=True))
    refused = client.get("/office/logout")
    assert refused.status_code == 405 and "POST" in refused.headers["Allow"]  # a link cannot log anyone out
    resp = client.post("/office/logout", data={"csrf_token": token})
    assert resp.status_code == 302
    assert client.get("/office/").status_code == 302


def test_wrong_password_is_refused_in_chinese(client, make_user, login):
    user = make_user("clerk")
    resp = login(user, password="wrong-password")
    assert resp.status_code == 200
    assert "用户名或密码错误" in resp.get_data(as_text=True)
    assert client.get("/office/").status_code == 302


def test_login_without_csrf_token_is_refused(client, make_user):
    user = make_user("clerk")
    resp = client.post("/office/login", data={"username": user.username, "password": PASSWORD})
    assert resp.status_code == 400
    assert client.get("/office/").status_code == 302


def test_failed_logins_are_throttled(app, client, make_user, login):
    user = make_user("clerk")
    for _ in range(10):
        assert login(user, password="wrong-password").status_code == 200
    resp = login(user, password="wrong-password")
    assert resp.status_code == 429
    # Even the right password waits now.
    assert login(user).status_code == 429


def test_open_redirect_is_refused(client, make_user):
    user = make_user("clerk")
    token = csrf_from(client.get("/office/login").get_data(as_text=True))
    resp = client.post("/office/login?next=//evil.example/x",
                       data={"username": user.username, "password": PASSWORD, "csrf_token": token})
    assert resp.headers["Location"].endswith("/office/")


def test_inactive_user_cannot_log_in(db, make_user, login):
    user = make_user("clerk")
    user.active = False
    db.session.commit()
    assert login(user).status_code == 200


def test_api_tokens_are_stored_hashed(db, client, make_user):
    user = make_user("clerk")
    token = create_token(user, label="test")
    db.session.commit()
    stored = db.session.scalars(sa.select(ApiToken.token_hash)).all()
    assert token not in stored and len(stored[0]) == 64
    assert client.get("/api/v1/agencies", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    resp = client.get("/api/v1/agencies", headers={"Authorization": "Bearer ca_wrong"})
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "invalid_token"


def test_security_headers(client):
    resp = client.get("/")
    assert "default-src 'self'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
