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
