"""Issue 13 items 6 and 7: login sessions can be revoked; the staff API takes bearer tokens only."""
from __future__ import annotations

import sqlalchemy as sa

from caseapp.accounts.models import User
from tests.conftest import PASSWORD, csrf_from


def _logout(client):
    page = client.get("/office/").get_data(as_text=True)
    return client.post("/office/logout", data={"csrf_token": csrf_from(page)})


def test_a_cookie_copied_before_logout_no_longer_works(app, client, make_user, login):
    user = make_user("clerk")
    assert login(user).status_code == 302
    assert client.get("/office/").status_code == 200
    copied = app.test_client()
    copied.set_cookie("session", client.get_cookie("session").value)
    assert copied.get("/office/").status_code == 200
    assert _logout(client).status_code == 302
    resp = copied.get("/office/")
    assert resp.status_code == 302 and "/office/login" in resp.headers["Location"]


def test_a_new_password_ends_existing_sessions(client, db, make_user, login):
    user = make_user("clerk")
    login(user)
    assert client.get("/office/").status_code == 200
    db.session.rollback()
    stored = db.session.get(User, user.id)
    stored.set_password("another-pass-456")
    db.session.commit()
    assert client.get("/office/").status_code == 302
    fresh = client.application.test_client()
    assert login(user, "another-pass-456", c=fresh).status_code == 302
    assert fresh.get("/office/").status_code == 200


def test_logout_bumps_the_generation_and_records_one_event(client, db, make_user, login):
    from caseapp.core.audit import AuditEvent

    user = make_user("clerk")
    before = user.session_generation
    login(user)
    _logout(client)
    db.session.rollback()
    assert db.session.get(User, user.id).session_generation == before + 1
    assert db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action == "user.logout")).all() == \
        ["user.logout"]


def test_staff_api_refuses_the_session_cookie(client, make_user, login):
    user = make_user("clerk")
    login(user)
    assert client.get("/office/").status_code == 200  # the browser session works in the office
    resp = client.get("/api/v1/cases")
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"]


def test_staff_api_still_takes_the_bearer_token(client, make_user, bearer):
    user = make_user("clerk")
    assert client.get("/api/v1/cases", headers=bearer(user)).status_code == 200


def test_unknown_username_costs_a_password_check(client, make_user, monkeypatch):
    """Timing must not tell which usernames exist: an unknown one checks a dummy hash."""
    from caseapp.accounts import operations

    calls = []
    real = operations.check_dummy_password
    monkeypatch.setattr(operations, "check_dummy_password", lambda pw: calls.append(pw) or real(pw))
    make_user("clerk", username="known-user")
    assert operations.authenticate("nobody-here", PASSWORD) is None
    assert calls == [PASSWORD]
    assert operations.authenticate("known-user", "wrong-password") is None
    assert calls == [PASSWORD]  # a known user checks the real hash instead


def test_login_timing_is_the_same_for_unknown_and_known_usernames(app, db, make_user, monkeypatch):
    """Medians over 30 tries each with a real (slower) hash: within a generous factor of each other."""
    import statistics
    import time

    from caseapp.accounts import operations

    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", "pbkdf2:sha256:60000")
    user = make_user("clerk", username="timed-user")
    user.set_password("a-real-password-1")
    db.session.commit()

    def median(name: str) -> float:
        times = []
        for _ in range(30):
            start = time.perf_counter()
            operations.authenticate(name, "wrong-password")
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    known, unknown = median("timed-user"), median("no-such-user")
    assert known > 0.002  # the hash dominates, so the comparison means something
    assert 0.5 < unknown / known < 2.0


def test_every_api_blueprint_refuses_the_session_cookie(client, make_user, login):
    """Blueprints other than `api` under /api/v1 (statistics, consultations) count the token only too."""
    user = make_user("supervisor")
    login(user)
    for url in ("/api/v1/stats/annual-report?year=2026", "/api/v1/consultations", "/api/v1/notifications"):
        resp = client.get(url)
        assert resp.status_code == 401, url


def test_acting_user_ignores_the_login_under_api_paths(app, make_user):
    from flask_login import login_user

    from caseapp.core.permissions import acting_user

    user = make_user("clerk")
    with app.test_request_context("/api/v1/anything"):
        login_user(user)
        assert acting_user() is None
    with app.test_request_context("/office/"):
        login_user(user)
        assert acting_user() == user
