"""Helpers for the tests of the legal guards on letters: try a step through the staff API and through
the office's letter page, and see it refused with the rule in Chinese and nothing written."""
from __future__ import annotations

import re

import sqlalchemy as sa

from caseapp.accounts.operations import create_token
from caseapp.core.audit import AuditEvent
from caseapp.core.db import writing
from caseapp.extensions import db as _db
from caseapp.letters.models import Letter
from tests.conftest import csrf_from


def events(db, case) -> list[str]:
    """The case's audit trail as the requests committed it."""
    db.session.rollback()
    return list(db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.case_id == case.id)
                                   .order_by(AuditEvent.id)))


def api(client, user, case, payload: dict):
    """POST /api/v1/cases/<n>/actions as `user`, carrying the case version last seen."""
    _db.session.rollback()  # a fresh transaction that writes at once (BEGIN IMMEDIATE)
    with writing():
        token = create_token(user)
        _db.session.commit()
    version = _db.session.get(type(case), case.id).version
    _db.session.commit()  # no read snapshot left open while the request writes
    return client.post(f"/api/v1/cases/{case.tracking_number}/actions", headers={"Authorization": f"Bearer {token}"},
                       json={"version": version, **payload})


def letter_snapshot(db, letter) -> tuple:
    letter = db.session.get(Letter, letter.id)
    return letter.status, letter.number, letter.approver_id, dict(letter.fields or {})


def refused_on_the_letter_page(db, client, office, user, case, letter, payload: dict, *, status: int,
                               message: str, field: str | None = None, shown_disabled: bool = True):
    """A letter step (payload["action"]) is refused by the API (`status`, with `message` in the error
    or in the field's message) and by the office's letter page (its button disabled with the reason,
    and the form, if posted anyway, answered with the reason), and nothing changes."""
    before = (events(db, case), letter_snapshot(db, letter))
    resp = api(client, user, case, {"letter_id": letter.id, **payload})
    assert resp.status_code == status, resp.get_json()
    error = resp.get_json()["error"]
    said = error["fields"][field] if field else error["message"]
    assert message in said, said
    staff = office(user)
    url = f"/office/letters/{letter.id}"
    page = staff.get(url).get_data(as_text=True)
    action = payload["action"]
    if shown_disabled:
        assert re.search(rf'data-action="{action}">\s*<button[^>]* disabled', page), "not shown disabled"
        assert message in page
    form = {k: v for k, v in payload.items() if k not in ("action", "delivery")}
    form.update(payload.get("delivery") or {})
    slug = {"approve_letter": "approve", "issue_letter": "issue", "submit_letter": "submit"}[action]
    resp = staff.post(f"{url}/{slug}", data={"csrf_token": csrf_from(page), **form},
                      headers={"Referer": f"http://localhost{url}"})
    if resp.status_code == 302:  # a refused step flashes its reason on the letter page
        html = staff.get(resp.headers["Location"]).get_data(as_text=True)
    else:
        assert resp.status_code == 422, resp.status_code
        html = resp.get_data(as_text=True)
    assert message in html
    assert (events(db, case), letter_snapshot(db, letter)) == before
