"""Letter, extension and fee actions through the staff API's one /actions endpoint."""
from __future__ import annotations

from datetime import date

from caseapp.accounts.operations import create_token


def _headers(db, user):
    token = create_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def _act(client, headers, number, **body):
    return client.post(f"/api/v1/cases/{number}/actions", headers=headers, json=body)


def test_reply_letter_from_draft_to_issue_closes_the_case(db, client, make_case, make_user):
    case = make_case(status="in_progress", received_on=date(2026, 11, 2), today=date(2026, 11, 4))
    clerk = _headers(db, case.clerk)
    supervisor = _headers(db, make_user("supervisor", agency=case.agency))
    number, version = case.tracking_number, case.version

    resp = _act(client, clerk, number, action="draft_letter", version=version, template="disclosed",
                fields={"provided": "《示范市2026年义务教育阶段学校招生入学工作实施意见》，随本答复书一并提供。"})
    assert resp.status_code == 200, resp.json
    letter_id = resp.json["letter_id"]
    assert [item["id"] for item in resp.json["letters"]] == [letter_id]
    version = resp.json["version"]

    assert _act(client, clerk, number, action="submit_letter", version=version, letter_id=letter_id).status_code == 200
    refused = _act(client, clerk, number, action="approve_letter", version=version, letter_id=letter_id)
    assert refused.status_code == 403  # a clerk cannot approve
    stale = _act(client, supervisor, number, action="approve_letter", version=version - 1, letter_id=letter_id)
    assert stale.status_code == 409 and stale.json["error"]["code"] == "stale_version"
    assert _act(client, supervisor, number, action="approve_letter", version=version,
                letter_id=letter_id).status_code == 200
    issued = _act(client, clerk, number, action="issue_letter", version=version, letter_id=letter_id,
                  delivery={"method": "email", "date": date.today().isoformat(), "reference": "zhangsan@example.com"})
    assert issued.status_code == 200, issued.json
    assert issued.json["status"] == "closed" and issued.json["outcome"] == "disclosed"
    letter = issued.json["letters"][0]
    assert letter["status"] == "issued" and letter["number"] and letter["pdf_url"] and letter["docx_url"]
    pdf = client.get(letter["pdf_url"], headers=clerk)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    again = _act(client, clerk, number, action="issue_letter", version=issued.json["version"], letter_id=letter_id,
                 delivery={"method": "email", "date": date.today().isoformat(), "reference": "x@example.com"})
    assert again.status_code == 409


def test_fee_dry_run_computes_without_storing_and_unknown_action_is_refused(db, client, make_case):
    case = make_case(status="in_progress")
    clerk = _headers(db, case.clerk)
    resp = _act(client, clerk, case.tracking_number, action="propose_fee", basis="pages", count=150, dry_run=True)
    assert resp.status_code == 200 and resp.json["amount"] == 1700
    assert resp.json["version"] == case.version
    bad = _act(client, clerk, case.tracking_number, action="no_such_action", version=case.version)
    assert bad.status_code == 422 and "draft_letter" in bad.json["error"]["fields"]["action"]
