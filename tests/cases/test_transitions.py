"""Every allowed and every forbidden transition of SPEC §3, through the real operations."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from caseapp.cases import operations as ops
from caseapp.cases.states import FINAL, TRANSITIONS, Status, allowed, available_actions
from caseapp.core.audit import AuditEvent
from caseapp.core.errors import TransitionError

TODAY = date(2026, 11, 10)

# What each action needs besides the case; `clerk` and `supervisor` are filled in by the test.
ACTIONS = {
    "accept": lambda c, u: ops.accept_case(c, actor=u["clerk"], today=TODAY),
    "request_correction": lambda c, u: ops.request_correction(c, actor=u["clerk"], details="请补充文号。", today=TODAY),
    "receive_correction": lambda c, u: ops.receive_correction(c, actor=None, text="文号为示教〔2026〕1号。", today=TODAY),
    "assign": lambda c, u: ops.assign_case(c, actor=u["supervisor"], handler=u["supervisor"]),
    "issue_fee_notice": lambda c, u: ops.await_fee(c, actor=u["clerk"], today=TODAY),
    "record_payment": lambda c, u: ops.record_fee_payment(c, actor=u["clerk"], today=TODAY),
    "withdraw": lambda c, u: ops.withdraw_case(c, actor=None, reason="已另行获取", today=TODAY),
    "close": lambda c, u: ops.close_case(c, actor=u["supervisor"], outcome="unavailable.not_held", today=TODAY),
    "reopen": lambda c, u: ops.reopen_case(c, actor=u["supervisor"], reason="复议决定书 示府复〔2026〕3号", today=TODAY),
    "extend": lambda c, u: ops.grant_extension(c, actor=u["supervisor"], days=10, reason="档案较多", today=TODAY),
    "defer": lambda c, u: ops.defer_case(c, actor=u["supervisor"], deferred_to=date(2027, 3, 1), reason="申请量大",
                                         today=TODAY),
}
# Gathering and preparing records changes no status: checked here against the table only (their
# operations and files are tested in tests/records).
RECORD_ACTIONS = {
    "add_record": {"in_progress", "awaiting_fee"},
    "redact_record": {"in_progress", "awaiting_fee"},
    "release_record": {"in_progress", "awaiting_fee"},
    "record_search": {"in_progress", "awaiting_fee"},
}
EXPECTED = {
    # action: statuses it is allowed from (SPEC §3), written out rather than read from the table under test
    "accept": {"submitted"},
    "request_correction": {"submitted"},
    "receive_correction": {"correction_requested"},
    "assign": {"submitted", "correction_requested", "in_progress", "awaiting_fee"},
    "issue_fee_notice": {"in_progress"},
    "record_payment": {"awaiting_fee"},
    "withdraw": {"submitted", "correction_requested", "in_progress", "awaiting_fee"},
    "close": {"submitted", "correction_requested", "in_progress", "awaiting_fee"},
    "reopen": {"closed", "withdrawn"},
    # Extension (Reg. 33) and deferral (Reg. 35) move the due date while the reply clock runs.
    "extend": {"submitted", "in_progress", "awaiting_fee"},
    "defer": {"submitted", "in_progress", "awaiting_fee"},
}
TARGET = {
    "accept": "in_progress", "request_correction": "correction_requested", "receive_correction": "submitted",
    "issue_fee_notice": "awaiting_fee", "record_payment": "in_progress", "withdraw": "withdrawn",
    "close": "closed", "reopen": "in_progress",
}


def test_table_matches_spec():
    assert set(TRANSITIONS) == set(ACTIONS) | set(RECORD_ACTIONS) and set(ACTIONS) == set(EXPECTED)
    for action, sources in {**EXPECTED, **RECORD_ACTIONS}.items():
        for status in Status:
            assert allowed(action, status) == (status.value in sources), (action, status)
    assert available_actions(Status.CLOSED) == ["reopen"]


@pytest.fixture
def people(make_agency, make_user):
    agency = make_agency()
    return {"agency": agency, "clerk": make_user("clerk", agency=agency),
            "supervisor": make_user("supervisor", agency=agency)}


def _events(db, case):
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id)).all()


@pytest.mark.parametrize("status", [s.value for s in Status])
@pytest.mark.parametrize("action", list(ACTIONS))
def test_transition(db, make_case, people, status, action):
    case = make_case(status=status, agency=people["agency"], handler=people["clerk"])
    before_status, before_version = case.status, case.version
    before_events = len(_events(db, case))
    if status in EXPECTED[action]:
        ACTIONS[action](case, people)
        db.session.commit()
        assert case.status == TARGET.get(action, before_status)
        events = _events(db, case)
        assert len(events) == before_events + 1, "one audit event per state change"
        assert events[-1].before["status"] == before_status
        assert events[-1].after["status"] == case.status
        assert case.version == before_version + 1
        if case.status in {s.value for s in FINAL}:
            assert case.outcome and case.closed_on
        else:
            assert case.outcome is None and case.closed_on is None
    else:
        with pytest.raises(TransitionError) as err:
            ACTIONS[action](case, people)
        assert str(err.value.message)  # a message for the user, in Chinese by default
        db.session.rollback()
        db.session.refresh(case)
        assert case.status == before_status and case.version == before_version
        assert len(_events(db, case)) == before_events
