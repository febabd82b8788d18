"""The tracking page marks the progress that is new since this browser's last visit (issue 26,
item 2): remembered in a signed cookie per case, without an account and without the query code."""
from __future__ import annotations

import re

from tests.intake.portal_helpers import unlock


def _new_badges(html: str) -> list[str]:
    return re.findall(r'<span>([^<]+)</span> <span class="badge text-bg-primary timeline-new">新</span>', html)


def test_what_happened_since_the_last_visit_is_marked_new(client, db, make_case):
    from caseapp.cases import operations as ops
    from caseapp.core.clock import local_today

    case = make_case("submitted")
    assert unlock(client, case.tracking_number, case.query_code).status_code == 302
    first = client.get(f"/track/{case.tracking_number}")
    html = first.get_data(as_text=True)
    assert first.status_code == 200 and _new_badges(html) == [] and 'id="timeline-new"' not in html  # first visit
    cookie = first.headers.get("Set-Cookie", "")
    assert cookie.startswith("track_seen=") and "HttpOnly" in cookie and "Path=/track" in cookie
    assert case.tracking_number not in cookie and case.query_code not in cookie

    ops.accept_case(case, actor=case.handler or _clerk_of(case), today=local_today())
    db.session.commit()
    html = client.get(f"/track/{case.tracking_number}").get_data(as_text=True)
    assert len(_new_badges(html)) == 1 and "自您上次查看以来有1条新进展" in html
    # Seen now: the next visit marks nothing new.
    assert _new_badges(client.get(f"/track/{case.tracking_number}").get_data(as_text=True)) == []


def test_a_tampered_cookie_is_ignored(client, make_case):
    case = make_case("in_progress")
    unlock(client, case.tracking_number, case.query_code)
    client.set_cookie("track_seen", "forged.value", path="/track")
    resp = client.get(f"/track/{case.tracking_number}")
    assert resp.status_code == 200 and _new_badges(resp.get_data(as_text=True)) == []


def _clerk_of(case):
    from caseapp.accounts.queries import first_active_user

    return first_active_user(case.agency_id, "clerk")
