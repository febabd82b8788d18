"""Four eyes (issue 13 item 3): whoever drafted, last edited or submitted a letter, requested an
extension or deferral, or proposed a fee cannot approve it, unless the agency allows it (audited)."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from caseapp.accounts.operations import update_agency_settings
from caseapp.core.actions import act
from caseapp.core.audit import AuditEvent
from caseapp.core.errors import DomainError

TODAY = date(2026, 11, 20)
pytestmark = pytest.mark.frozen_at(TODAY)  # the office and the API act on TODAY too


def _refused(name, case, user, body=None):
    with pytest.raises(DomainError) as err:
        act(name, case, user, body or {}, today=TODAY)
    assert err.value.status_code == 403, err.value.message
    return err.value


def test_a_supervisor_who_rewrote_a_clerks_draft_cannot_approve_it(db, letter_world):
    w = letter_world
    draft = act("draft_letter", w["case"], w["clerk"], {"template": "not_handled.repeat",
                                                        "fields": {"earlier_on": "2026-09-15"}})
    act("update_letter", w["case"], w["supervisor"], {"letter_id": draft["letter_id"],
                                                      "fields": {"earlier_on": "2026-09-16"}})
    act("submit_letter", w["case"], w["clerk"], {"letter_id": draft["letter_id"]})
    _refused("approve_letter", w["case"], w["supervisor"], {"letter_id": draft["letter_id"]})
    # A second supervisor, who wrote nothing of it, approves.
    assert act("approve_letter", w["case"], w["supervisor2"], {"letter_id": draft["letter_id"]})["status"] == "approved"


def test_requests_and_fees_are_approved_by_someone_else(db, letter_world):
    w = letter_world
    act("request_extension", w["case"], w["supervisor"], {"days": 10, "reason": "档案较多"}, today=TODAY)
    _refused("approve_extension", w["case"], w["supervisor"])
    act("approve_extension", w["case"], w["supervisor2"], {}, today=TODAY)
    act("propose_fee", w["case"], w["supervisor"], {"basis": "pages", "count": 150}, today=TODAY)
    _refused("approve_fee", w["case"], w["supervisor"])
    assert act("approve_fee", w["case"], w["supervisor2"], {"how_to_pay": "通过非税收入缴款平台缴纳"},
               today=TODAY)["status"] == "approved"


def test_a_one_person_office_may_allow_self_approval_and_it_is_recorded(db, letter_world, make_user):
    w = letter_world
    admin = make_user("admin", agency=None)
    update_agency_settings(w["agency"], actor=admin, allow_self_approval=True)
    db.session.commit()
    draft = act("draft_letter", w["case"], w["supervisor"], {"template": "not_handled.repeat",
                                                             "fields": {"earlier_on": "2026-09-15"}})
    act("submit_letter", w["case"], w["supervisor"], {"letter_id": draft["letter_id"]})
    act("approve_letter", w["case"], w["supervisor"], {"letter_id": draft["letter_id"]})
    note = db.session.scalar(sa.select(AuditEvent.note).where(AuditEvent.action == "letter.approved")
                             .order_by(AuditEvent.id.desc()))
    assert note and ("self-approval" in note or "本人审批" in note)
