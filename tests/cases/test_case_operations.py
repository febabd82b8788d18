"""Registration, receipt dates, the clock restart, optimistic locking and the database's own guards."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from caseapp.cases import operations as ops
from caseapp.cases.identity import check_query_code
from caseapp.cases.models import Case
from caseapp.cases.queries import case_timeline, find_case_for_applicant
from caseapp.core.actions import act
from caseapp.core.audit import AuditEvent
from caseapp.core.errors import StaleVersionError, TransitionError, ValidationError


def test_online_registration_receipt_date_and_due_date(db, make_agency, request_data):
    agency = make_agency("SFJY")
    # Wednesday 30 September 2026, 18:30 in Shanghai: after the 17:00 cut-off on the eve of National Day,
    # so the request counts as received on the next working day, Thursday 8 October.
    submitted = datetime(2026, 9, 30, 10, 30, tzinfo=UTC)
    reg = ops.register_case(agency, request_data, submitted_at=submitted)
    db.session.commit()
    case = reg.case
    assert case.received_on == date(2026, 10, 8)
    # 20 working days after 8 Oct 2026 (10 Oct is a make-up Saturday): 9,10,12-16,19-23,26-30,2 Nov -> 5 Nov.
    assert case.due_on == date(2026, 11, 4)
    assert case.due_provisional is False
    assert case.tracking_number == "SFJY-2026-000001"
    assert len(reg.query_code) >= 8 and reg.query_code not in case.query_code_hash
    assert check_query_code(reg.query_code, case.query_code_hash)
    assert find_case_for_applicant(case.tracking_number, reg.query_code) is case
    assert find_case_for_applicant(case.tracking_number, "WRONGCODE1") is None
    assert find_case_for_applicant("SFJY-2026-999999", reg.query_code) is None


def test_december_receipt_gets_a_provisional_january_due_date(db, make_agency, request_data):
    agency = make_agency()
    reg = ops.register_case(agency, request_data, channel="post", received_on=date(2026, 12, 15),
                            today=date(2026, 12, 16))
    db.session.commit()
    assert reg.case.due_on.year == 2027 and reg.case.due_on.month == 1
    assert reg.case.due_provisional is True


def test_invalid_request_stores_nothing(db, make_agency, request_data):
    agency = make_agency()
    bad = {**request_data, "id_number": "110105194912310021", "phone": "12345", "description": ""}
    with pytest.raises(ValidationError) as err:
        ops.register_case(agency, bad)
    assert set(err.value.errors) >= {"id_number", "phone", "description"}
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "case.registered")) == 0


def test_clerk_registration_needs_a_plausible_receipt_date(db, make_agency, make_user, request_data):
    agency = make_agency()
    clerk = make_user("clerk", agency=agency)
    with pytest.raises(ValidationError) as err:
        ops.register_case(agency, request_data, channel="post", received_on=date(2026, 12, 1), actor=clerk,
                          today=date(2026, 11, 27))
    assert "received_on" in err.value.errors


def test_correction_restarts_the_clock(db, make_case):
    # Received Mon 2 Nov 2026; correction requested; the correction arrives Fri 20 Nov.
    case = make_case(status="correction_requested", received_on=date(2026, 11, 2), today=date(2026, 11, 4))
    assert case.correction_due_on == date(2026, 11, 25)  # 15 working days after 4 Nov
    ops.receive_correction(case, actor=None, text="补充：文件名称为《招生入学工作实施意见》。",
                           received_on=date(2026, 11, 20), today=date(2026, 11, 20))
    db.session.commit()
    assert case.status == "submitted"
    assert case.clock_started_on == date(2026, 11, 20)
    assert case.due_on == date(2026, 12, 18)  # 20 working days after 20 Nov
    assert [e.action for e in case_timeline(case, for_applicant=True)][-1] == "case.correction_received"


def test_correction_only_once_and_lateness_reported(db, make_case, make_user):
    case = make_case(received_on=date(2026, 11, 2))
    clerk = case.clerk
    result = ops.request_correction(case, actor=clerk, details="请补充文号。", today=date(2026, 11, 12))
    # The notice was due within 7 working days of 2 Nov, i.e. by 11 Nov.
    assert result.notice_deadline == date(2026, 11, 11) and result.late is True
    ops.receive_correction(case, actor=None, text="文号为示教〔2026〕1号。", today=date(2026, 11, 13))
    with pytest.raises(TransitionError):
        ops.request_correction(case, actor=clerk, details="再次补正", today=date(2026, 11, 16))


def test_correction_lapse_closes_the_case(db, make_case):
    from caseapp.jobs.sweep import sweep

    case = make_case(status="correction_requested", received_on=date(2026, 11, 2), today=date(2026, 11, 4))
    assert sweep(date(2026, 11, 25))["corrections_lapsed"] == 0  # the due day itself still counts
    assert sweep(date(2026, 11, 26))["corrections_lapsed"] == 1
    db.session.commit()
    assert (case.status, case.outcome, case.closed_on) == ("closed", "other.correction_lapsed", date(2026, 11, 26))


def test_stale_version_changes_nothing(db, make_case, make_user):
    case = make_case()
    clerk = make_user("clerk", agency=case.agency)
    with pytest.raises(StaleVersionError):  # the runner checks the version the client saw
        act("accept", case, clerk, version=case.version - 1)
    assert db.session.get(Case, case.id).status == "submitted"


def test_second_clerk_with_an_old_version_is_refused(app, db, make_case, make_user):
    """Two clerks loaded version N; the first one's action wins, the second is refused and changes nothing."""
    case = make_case()
    seen = case.version
    from sqlalchemy.orm import Session

    with Session(db.engine) as other:  # the first clerk, in another transaction
        theirs = other.get(Case, case.id)
        theirs.status, theirs.accepted_on = "in_progress", date(2026, 11, 10)
        other.commit()
    db.session.commit()  # the second clerk's request starts afresh
    with pytest.raises(StaleVersionError):
        act("request_correction", case, case.clerk, {"details": "请补充文号。"}, version=seen)
    assert db.session.get(Case, case.id).correction_details is None


def test_flush_level_race_is_caught(db, make_case):
    """If the row changed under the ORM's feet, the versioned UPDATE matches nothing and is refused."""
    case = make_case()
    db.session.execute(sa.text("UPDATE cases SET version = version + 1 WHERE id = :id"), {"id": case.id})
    with pytest.raises(StaleVersionError):
        ops.accept_case(case, actor=case.clerk, today=date(2026, 11, 10))


def test_withdrawn_twice_is_refused_with_a_clear_message(db, make_case):
    case = make_case(status="withdrawn")
    with pytest.raises(TransitionError) as err:
        ops.withdraw_case(case, actor=None)
    assert "撤回" in str(err.value.message)


def test_lapse_outcomes_need_their_status(db, make_case):
    case = make_case(status="in_progress")
    with pytest.raises(TransitionError):
        ops.close_case(case, actor=case.clerk, outcome="other.correction_lapsed")
    with pytest.raises(ValidationError):
        ops.close_case(case, actor=case.clerk, outcome="no.such.outcome")


def test_fee_pause_moves_the_due_date(db, make_case):
    case = make_case(status="in_progress", received_on=date(2026, 11, 2), today=date(2026, 11, 4))
    assert case.due_on == date(2026, 11, 30)
    ops.await_fee(case, actor=case.clerk, served_on=date(2026, 11, 5), today=date(2026, 11, 5))
    ops.record_fee_payment(case, actor=case.clerk, paid_on=date(2026, 11, 12), today=date(2026, 11, 12))
    db.session.commit()
    # 5 working days paused (6, 9, 10, 11, 12 Nov): due 5 working days later than 30 Nov.
    assert case.due_on == date(2026, 12, 7)


@pytest.mark.parametrize("status,outcome,closed_on", [
    ("closed", None, date(2026, 11, 10)),
    ("closed", "disclosed", None),
    ("in_progress", "disclosed", None),
    ("withdrawn", None, None),
])
def test_database_refuses_inconsistent_closure(db, make_case, status, outcome, closed_on):
    case = make_case()
    with pytest.raises(IntegrityError):
        db.session.execute(sa.update(Case).where(Case.id == case.id).values(
            status=status, outcome=outcome, closed_on=closed_on))
        db.session.flush()
    db.session.rollback()


def test_tracking_number_is_unique_in_the_database(db, make_case):
    case = make_case()
    other = make_case(agency=case.agency)
    with pytest.raises(IntegrityError):
        db.session.execute(sa.update(Case).where(Case.id == other.id).values(tracking_number=case.tracking_number))
        db.session.flush()
    db.session.rollback()


def test_audit_trail_is_append_only(db, make_case):
    make_case()
    event = db.session.scalars(sa.select(AuditEvent)).first()
    event.note = "tampered"
    with pytest.raises(RuntimeError):
        db.session.flush()
    db.session.rollback()
