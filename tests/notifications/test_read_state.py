"""Notifications have state (issue 26, item 2): opening one marks it read, all can be marked read
(a POST with its CSRF token), the bell counts the unread only, and the staff API gives each its
`read` flag and the list its `unread` count."""
from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_from


@pytest.fixture
def notes(db, make_agency, make_user, make_case):
    from caseapp.core.outbox import notify

    a = make_agency("AGA")
    clerk, other = make_user("clerk", agency=a, username="a_clerk"), make_user("clerk", agency=a, username="a_clerk2")
    case = make_case("in_progress", agency=a, handler=clerk)
    mine = [notify(clerk.id, "due_reminder", f"{case.tracking_number}：还有{n}个工作日到期。", case_id=case.id)
            for n in (3, 2, 1)]
    theirs = notify(other.id, "due_reminder", "他人的提醒。", case_id=case.id)
    db.session.commit()
    return {"clerk": clerk, "other": other, "case": case, "mine": mine, "theirs": theirs}


def _bell(client) -> str | None:
    found = re.search(r'id="notification-count">(\d+)<', client.get("/office/").get_data(as_text=True))
    return found.group(1) if found else None


def test_opening_a_notification_marks_it_read_and_leads_to_its_case(client, db, login, notes):
    login(notes["clerk"])
    assert _bell(client) == "3"
    page = client.get("/office/notifications").get_data(as_text=True)
    first = notes["mine"][0]
    assert f'href="/office/notifications/{first.id}"' in page and "3条未读" in page
    resp = client.get(f"/office/notifications/{first.id}")
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"/office/cases/{notes['case'].tracking_number}")
    db.session.rollback()
    assert first.read_at is not None and not notes["mine"][1].read
    assert _bell(client) == "2"
    # Opening it again changes nothing (it stays read, from the first time).
    read_at = first.read_at
    client.get(f"/office/notifications/{first.id}")
    db.session.rollback()
    assert first.read_at == read_at


def test_nobody_opens_anothers_notification(client, db, login, notes):
    login(notes["clerk"])
    assert client.get(f"/office/notifications/{notes['theirs'].id}").status_code == 404
    db.session.rollback()
    assert not notes["theirs"].read


def test_mark_all_read_is_a_post_with_its_csrf_token(client, db, login, notes):
    login(notes["clerk"])
    assert client.post("/office/notifications/read-all").status_code in (302, 400)  # no token: nothing marked
    db.session.rollback()
    assert not any(n.read for n in notes["mine"])
    page = client.get("/office/notifications").get_data(as_text=True)
    assert 'action="/office/notifications/read-all"' in page
    assert client.post("/office/notifications/read-all", data={"csrf_token": csrf_from(page)}).status_code == 302
    db.session.rollback()
    assert all(n.read for n in notes["mine"]) and not notes["theirs"].read
    assert _bell(client) is None  # nothing unread: no count on the bell
    page = client.get("/office/notifications").get_data(as_text=True)
    assert "未读" not in page.split('id="notification-list"')[1] and "read-all" not in page


def test_the_api_gives_read_flags_and_the_unread_count(client, db, notes):
    from caseapp.accounts.operations import create_token

    headers = {"Authorization": f"Bearer {create_token(notes['clerk'])}"}
    db.session.commit()
    body = client.get("/api/v1/notifications", headers=headers).json
    assert body["unread"] == 3 and [n["read"] for n in body["notifications"]] == [False, False, False]
    first = notes["mine"][0].id
    assert client.post(f"/api/v1/notifications/{first}/read", headers=headers).json["read"] is True
    body = client.get("/api/v1/notifications", headers=headers).json
    assert body["unread"] == 2
    assert {n["id"]: n["read"] for n in body["notifications"]}[first] is True
    only_unread = client.get("/api/v1/notifications?unread=1", headers=headers).json
    assert len(only_unread["notifications"]) == 2 and only_unread["unread"] == 2
    assert first not in [n["id"] for n in only_unread["notifications"]]
    assert client.post(f"/api/v1/notifications/{notes['theirs'].id}/read", headers=headers).status_code == 404


def test_the_openapi_document_describes_the_read_state(client):
    doc = client.get("/api/v1/openapi.json").json
    answer = doc["paths"]["/notifications"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert {"notifications", "unread"} <= set(answer["required"])
    assert answer["properties"]["notifications"]["items"]["properties"]["read"]["type"] == "boolean"
