"""The disclosure actions through the action registry and the staff API's /actions endpoint."""
from __future__ import annotations

from datetime import date

import pytest

from caseapp.core.actions import act, get_action
from caseapp.core.errors import ForbiddenError, NotFoundError, TransitionError
from caseapp.disclosure import queries

def _token(db, user):
    from caseapp.accounts.operations import create_token

    token = create_token(user, label="test")
    db.session.commit()
    return token


def test_actions_are_declared_with_their_roles(app):
    for name in ("link_item", "start_item", "split_item", "merge_items", "convert_to_public", "resolve_finding",
                 "approve_publication", "answer_suggestion"):
        assert get_action(name) is not None and get_action(name).domain == "disclosure"
    assert get_action("approve_publication").roles == {"supervisor"}


def test_convert_and_approve_through_the_registry(db, disclosed_case):
    case = disclosed_case
    result = act("convert_to_public", case, case.clerk,
                 {"title": "2025年义务教育招生入学工作通知", "summary": "申请人王小明的通知。", "topic": "education"},
                 today=date(2026, 11, 30))
    assert result["status"] == "draft" and result["open_findings"] == 1 and result["target_on"] == "2026-12-28"
    finding_id = queries.get_entry(result["entry_id"]).findings[0].id
    with pytest.raises(ForbiddenError):
        act("approve_publication", case, case.clerk, {"entry_id": result["entry_id"]})
    act("resolve_finding", case, case.clerk, {"finding_id": finding_id, "reason": "示例姓名，非真实个人信息"})
    done = act("approve_publication", case, case.supervisor, {"entry_id": result["entry_id"]},
               today=date(2026, 12, 1))
    assert done["status"] == "published" and done["published_on"] == "2026-12-01"
    with pytest.raises(NotFoundError):
        act("approve_publication", case, case.supervisor, {"entry_id": 999999})


def test_refusals(db, make_case):
    open_case = make_case(status="in_progress")
    with pytest.raises(TransitionError):
        act("convert_to_public", open_case, open_case.clerk, {"title": "x", "topic": "education"})
    with pytest.raises(TransitionError):
        act("split_item", open_case, open_case.clerk, {"title": "x"})


def test_staff_api_runs_a_disclosure_action(client, db, disclosed_case):
    case = disclosed_case
    resp = client.post(f"/api/v1/cases/{case.tracking_number}/actions",
                       json={"action": "start_item", "title": "招生入学工作通知", "version": case.version},
                       headers={"Authorization": f"Bearer {_token(db, case.clerk)}"})
    assert resp.status_code in (200, 201), resp.get_json()
    body = resp.get_json()
    assert "item_id" in str(body)


def _draft_by(case, user):
    """A draft entry of the case, without personal data, drafted by `user`."""
    result = act("convert_to_public", case, user, {"title": "2025年义务教育招生入学工作通知", "topic": "education",
                                                   "summary": "示范市教育局关于招生入学工作的通知。"})
    return queries.get_entry(result["entry_id"])


def test_whoever_drafted_an_entry_does_not_approve_its_publication(client, db, disclosed_case, make_user, login):
    """Four eyes on publication (issue 20), as on letters: refused through the API and the office form."""
    from tests.conftest import csrf_from

    case = disclosed_case
    entry = _draft_by(case, case.supervisor)
    resp = client.post(f"/api/v1/cases/{case.tracking_number}/actions",
                       json={"action": "approve_publication", "entry_id": entry.id, "version": case.version},
                       headers={"Authorization": f"Bearer {_token(db, case.supervisor)}"})
    assert resp.status_code == 403 and "起草人" in resp.get_json()["error"]["message"]
    login(case.supervisor)
    page = client.get(f"/office/disclosure/entries/{entry.id}").get_data(as_text=True)
    resp = client.post(f"/office/disclosure/entries/{entry.id}/approve",
                       data={"csrf_token": csrf_from(page), "version": str(entry.version)})
    assert resp.status_code == 302
    assert "起草人" in client.get(resp.headers["Location"]).get_data(as_text=True)
    db.session.rollback()
    assert queries.get_entry(entry.id).status == "draft"
    other = make_user("supervisor", agency=case.agency)
    assert act("approve_publication", case, other, {"entry_id": entry.id})["status"] == "published"


def test_a_change_to_an_entry_makes_an_older_approval_stale(client, db, disclosed_case, make_pdf, login,
                                                            release_version):
    """Adding a document (or clearing a finding) moves the entry's version: an approval from the page
    seen before the change is refused (409) and publishes nothing."""
    from caseapp.core.db import writing
    from caseapp.disclosure import operations as ops
    from tests.conftest import csrf_from

    case = disclosed_case
    entry = _draft_by(case, case.clerk)
    version = release_version(case, make_pdf("关于做好2025年义务教育阶段学校招生入学工作的通知"), title="通知")
    login(case.supervisor)
    page = client.get(f"/office/disclosure/entries/{entry.id}").get_data(as_text=True)
    seen = entry.version
    db.session.rollback()  # a fresh transaction that writes at once (BEGIN IMMEDIATE)
    with writing():
        entry = queries.get_entry(entry.id)
        ops.add_document(entry, db.session.merge(version), actor=case.clerk)
        db.session.commit()
    assert entry.version > seen
    resp = client.post(f"/office/disclosure/entries/{entry.id}/approve",
                       data={"csrf_token": csrf_from(page), "version": str(seen)})
    assert resp.status_code == 302
    assert "已被他人修改" in client.get(resp.headers["Location"]).get_data(as_text=True)
    db.session.rollback()
    assert queries.get_entry(entry.id).status == "draft"
    stale = client.post(f"/api/v1/cases/{case.tracking_number}/actions",
                        json={"action": "approve_publication", "entry_id": entry.id, "entry_version": seen,
                              "version": case.version},
                        headers={"Authorization": f"Bearer {_token(db, case.supervisor)}"})
    assert stale.status_code == 409
    assert act("approve_publication", case, case.supervisor,
               {"entry_id": entry.id, "entry_version": entry.version})["status"] == "published"
