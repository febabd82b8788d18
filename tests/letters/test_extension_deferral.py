"""Extension (Reg. 33: at most 20 working days, once, approved by a supervisor) and deferral (Reg. 35)."""
from __future__ import annotations

from datetime import date

import pytest

from caseapp.calendar.service import load_calendar
from caseapp.core.errors import DomainError, TransitionError, ValidationError
from caseapp.core.actions import act
from caseapp.letters import operations as ops
from caseapp.letters import time_requests as times

TODAY = date(2026, 11, 20)
pytestmark = pytest.mark.frozen_at(TODAY)  # the office and the API act on TODAY too


@pytest.mark.parametrize("days", [0, 21, -3, "many", None, True])
def test_extension_outside_1_to_20_days_is_refused(db, letter_world, days):
    w = letter_world
    with pytest.raises(ValidationError) as err:
        times.request_extension(w["case"], actor=w["clerk"], days=days, reason="档案较多", today=TODAY)
    assert "days" in err.value.errors


def test_extension_needs_a_reason(db, letter_world):
    w = letter_world
    with pytest.raises(ValidationError) as err:
        times.request_extension(w["case"], actor=w["clerk"], days=10, reason=" ", today=TODAY)
    assert "reason" in err.value.errors


def test_extension_approved_moves_the_due_date_and_prepares_the_notice(db, letter_world):
    w = letter_world
    case = w["case"]
    base_due = case.due_on
    times.request_extension(case, actor=w["clerk"], days=20, reason="需要调取多年档案", today=TODAY)
    db.session.commit()
    assert case.due_on == base_due  # nothing moves before approval
    with pytest.raises(DomainError) as err:
        act("approve_extension", case, w["clerk"], {}, today=TODAY)  # a clerk may not approve
    assert err.value.status_code == 403
    req = times.approve_time_request(case, actor=w["supervisor"], kind="extension", today=TODAY)
    db.session.commit()
    assert case.extension_days == 20
    assert case.due_on == load_calendar().add_working_days(case.received_on, 40)
    from caseapp.letters.models import Letter

    notice = db.session.get(Letter, req.letter_id)
    assert (notice.template, notice.status) == ("extension_notice", "approved")
    assert notice.fields["days"] == 20 and notice.fields["new_due_on"] == case.due_on.isoformat()
    ops.issue_letter(notice, actor=w["clerk"], delivery={"method": "email", "date": "2026-11-20"}, today=TODAY)
    assert notice.status == "issued" and case.status == "in_progress"


def test_a_second_extension_is_refused(db, letter_world):
    w = letter_world
    times.request_extension(w["case"], actor=w["clerk"], days=5, reason="理由一", today=TODAY)
    with pytest.raises(TransitionError):
        times.request_extension(w["case"], actor=w["clerk"], days=5, reason="理由二", today=TODAY)  # one pending
    times.approve_time_request(w["case"], actor=w["supervisor"], kind="extension", today=TODAY)
    with pytest.raises(TransitionError):
        times.request_extension(w["case"], actor=w["clerk"], days=5, reason="理由三", today=TODAY)  # already extended
    with pytest.raises(TransitionError):
        times.approve_time_request(w["case"], actor=w["supervisor"], kind="extension", today=TODAY)


def test_extension_of_a_closed_case_is_refused(db, letter_world, make_case):
    w = letter_world
    closed = make_case("closed", agency=w["agency"], handler=w["clerk"])
    with pytest.raises(TransitionError):
        times.request_extension(closed, actor=w["clerk"], days=5, reason="理由", today=TODAY)


def test_deferral_sets_the_reply_date(db, letter_world):
    w = letter_world
    case = w["case"]
    with pytest.raises(ValidationError):
        act("defer", case, w["clerk"], {"deferred_to": case.due_on.isoformat(), "reason": "申请数量大"}, today=TODAY)
    with pytest.raises(ValidationError):
        act("defer", case, w["clerk"], {"deferred_to": "next month", "reason": "申请数量大"}, today=TODAY)
    out = act("defer", case, w["clerk"], {"deferred_to": "2027-01-29", "reason": "申请数量大，理由合理"}, today=TODAY)
    assert out["status"] == "requested" and case.deferred_to is None
    out = act("approve_deferral", case, w["supervisor"], {}, today=TODAY)
    assert case.deferred_to == date(2027, 1, 29) and case.due_on == date(2027, 1, 29)
    from caseapp.letters.models import Letter

    notice = db.session.get(Letter, out["letter_id"])
    assert notice.template == "deferral_notice" and notice.fields["deferred_to"] == "2027-01-29"


def test_api_extension_actions(db, letter_world):
    w = letter_world
    with pytest.raises(ValidationError):
        act("request_extension", w["case"], w["clerk"], {"days": 25, "reason": "x"}, today=TODAY)
    act("request_extension", w["case"], w["clerk"], {"days": 15, "reason": "档案较多"}, today=TODAY)
    out = act("approve_extension", w["case"], w["supervisor"], {}, today=TODAY)
    assert out["extension_days"] == 15 and out["letter_id"]


def test_extension_and_deferral_are_refused_after_the_due_date(db, letter_world):
    """Reg. 33: the extension is decided and notified before the reply is due; a deferral likewise."""
    w = letter_world
    case = w["case"]
    day_after = load_calendar().add_working_days(case.due_on, 1)
    for name, body in (("request_extension", {"days": 5, "reason": "档案较多"}),
                       ("defer", {"deferred_to": "2027-03-01", "reason": "申请数量大"})):
        with pytest.raises(TransitionError) as err:
            act(name, case, w["clerk"], body, today=day_after)
        assert case.due_on.isoformat() in str(err.value.message)
    # On the due date itself both are still possible.
    act("request_extension", case, w["clerk"], {"days": 5, "reason": "档案较多"}, today=case.due_on)
