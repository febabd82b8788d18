"""Access matrix of the staff API: every endpoint and action, per role and per agency."""
from __future__ import annotations

import pytest

from caseapp.accounts.operations import create_token
from caseapp.api.staff import ACTION_ROLES

ROLES = ("clerk", "supervisor", "liaison", "auditor", "admin")
READERS = {"clerk", "supervisor", "auditor", "admin"}
HANDLERS = {"clerk", "supervisor"}


@pytest.fixture
def world(db, make_agency, make_user, make_case):
    a, b = make_agency("AGA"), make_agency("AGB")
    tokens = {}
    for agency, key in ((a, "a"), (b, "b")):
        for role in ROLES:
            user = make_user(role, agency=agency, username=f"{key}_{role}")
            tokens[(key, role)] = {"Authorization": f"Bearer {create_token(user)}"}
    tokens[("platform", "admin")] = {"Authorization": f"Bearer {create_token(make_user('admin', agency=None))}"}
    db.session.commit()
    return {"a": a, "tokens": tokens, "make_case": make_case}


def test_no_or_bad_token_is_401(client, world):
    case = world["make_case"](agency=world["a"])
    for method, url in (("get", "/api/v1/cases"), ("post", "/api/v1/cases"),
                        ("get", f"/api/v1/cases/{case.tracking_number}"),
                        ("post", f"/api/v1/cases/{case.tracking_number}/actions")):
        for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic eDp5"}):
            resp = getattr(client, method)(url, headers=headers, json={})
            assert resp.status_code == 401, (method, url, headers)
            assert resp.json["error"]["code"]


@pytest.mark.parametrize("role", ROLES)
def test_reading(client, world, role):
    case = world["make_case"](agency=world["a"])
    mine = client.get(f"/api/v1/cases/{case.tracking_number}", headers=world["tokens"][("a", role)])
    listing = client.get("/api/v1/cases?tab=all", headers=world["tokens"][("a", role)])
    if role in READERS:
        assert mine.status_code == 200 and listing.status_code == 200
        other = client.get(f"/api/v1/cases/{case.tracking_number}", headers=world["tokens"][("b", role)])
        assert other.status_code == 404
        others_list = client.get("/api/v1/cases?tab=all", headers=world["tokens"][("b", role)]).json
        assert case.tracking_number not in str(others_list)
    else:
        assert mine.status_code == 403 and listing.status_code == 403


def test_platform_admin_reads_every_agency(client, world):
    case = world["make_case"](agency=world["a"])
    resp = client.get(f"/api/v1/cases/{case.tracking_number}", headers=world["tokens"][("platform", "admin")])
    assert resp.status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_registering(client, db, world, role):
    from tests.api.test_staff_api import _body

    resp = client.post("/api/v1/cases", headers=world["tokens"][("a", role)], json=_body())
    assert resp.status_code == (201 if role in HANDLERS else 403)


PAYLOADS = {
    "accept": {}, "request_correction": {"details": "请补充文号。"}, "assign": {"user": "a_supervisor"},
    "withdraw": {"reason": "撤回"}, "add_note": {"text": "备注"},
    "close": {"outcome": "disclosed", "reason": "已提供"}, "reopen": {"reason": "复议决定"},
    "receive_correction": {"received_on": "2026-11-20", "description": "补正内容"},
}
START = {"accept": "submitted", "request_correction": "submitted", "assign": "submitted", "withdraw": "submitted",
         "add_note": "submitted", "close": "in_progress", "reopen": "closed",
         "receive_correction": "correction_requested"}


@pytest.mark.parametrize("action", sorted(ACTION_ROLES))
@pytest.mark.parametrize("role", ROLES)
def test_every_action_per_role_and_agency(client, world, action, role):
    case = world["make_case"](agency=world["a"], status=START[action])
    body = {"action": action, "version": case.version, **PAYLOADS[action]}
    url = f"/api/v1/cases/{case.tracking_number}/actions"
    other_agency = client.post(url, headers=world["tokens"][("b", role)], json=body)
    allowed = role in {r.value for r in ACTION_ROLES[action]}
    assert other_agency.status_code == (404 if role in HANDLERS else 403), other_agency.json
    resp = client.post(url, headers=world["tokens"][("a", role)], json=body)
    assert resp.status_code == (200 if allowed else 403), (action, role, resp.json)
