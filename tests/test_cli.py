"""The `flask caseapp ...` commands of DESIGN §5."""
from __future__ import annotations

import json

import sqlalchemy as sa

from caseapp.accounts.models import Agency, User
from caseapp.cases.models import Case


def run(app, *args):
    return app.test_cli_runner().invoke(args=["caseapp", *args])


def test_create_agency_user_and_token(app, db, client):
    result = run(app, "create-agency", "SFJY", "示范市教育局", "--letter-pattern", "示教信公〔{year}〕{seq}号")
    assert result.exit_code == 0, result.output
    assert run(app, "create-agency", "SFJY", "重复").exit_code != 0
    result = run(app, "create-user", "alice", "--role", "clerk", "--agency", "SFJY", "--password", "long-password-1")
    assert result.exit_code == 0, result.output
    refused = run(app, "create-user", "bob", "--role", "clerk", "--password", "long-password-1")
    assert refused.exit_code != 0 and "机关" in refused.output  # a clerk needs an agency
    result = run(app, "create-token", "alice")
    token = result.output.strip()
    assert result.exit_code == 0 and token.startswith("ca_")
    assert client.get("/api/v1/agencies", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert db.session.scalar(sa.select(User.role).where(User.username == "alice")) == "clerk"


def test_demo_loads_realistic_cases_once(app, db):
    result = run(app, "demo", "--cases", "200")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Agency)) == 3
    statuses = dict(db.session.execute(sa.select(Case.status, sa.func.count()).group_by(Case.status)).all())
    assert sum(statuses.values()) == 200
    assert {"closed", "in_progress"} <= set(statuses)
    numbers = db.session.scalars(sa.select(Case.tracking_number)).all()
    assert len(set(numbers)) == 200
    closed_without = db.session.scalar(sa.select(sa.func.count()).select_from(Case).where(
        Case.status == "closed", Case.outcome.is_(None)))
    assert closed_without == 0
    again = run(app, "demo", "--if-empty")
    assert again.exit_code == 0 and db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 200


def test_calendar_show_and_import(app, db, tmp_path):
    shown = run(app, "calendar", "show", "2026")
    assert shown.exit_code == 0 and "official" in shown.output
    assert "2026-10-01" in shown.output and "2026-10-10" in shown.output
    provisional = run(app, "calendar", "show", "2027")
    assert "PROVISIONAL" in provisional.output
    notice = tmp_path / "2027.json"
    notice.write_text(json.dumps({"year": 2027, "official": True, "source": "test notice",
                                  "holidays": ["2027-01-01", "2027-01-02", "2027-01-03"], "workdays": []}))
    try:
        result = run(app, "calendar", "import", str(notice))
        assert result.exit_code == 0, result.output
        assert "official" in run(app, "calendar", "show", "2027").output.splitlines()[0]
        bad = tmp_path / "bad.json"
        bad.write_text('{"year": 2027, "holidays": ["2028-01-01"]}')
        refused = run(app, "calendar", "import", str(bad))
        assert refused.exit_code != 0 and "2028-01-01" in refused.output
    finally:
        from caseapp.calendar.models import CalendarDay, CalendarYear

        db.session.execute(sa.delete(CalendarDay).where(CalendarDay.year == 2027))
        db.session.execute(sa.delete(CalendarYear).where(CalendarYear.year == 2027))
        db.session.commit()


def test_sweep_reports_counts(app, make_case):
    make_case(status="correction_requested")
    result = run(app, "sweep", "--today", "2027-03-01")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.strip().splitlines()[-1])["corrections_lapsed"] == 1
    assert run(app, "sweep", "--today", "not-a-date").exit_code != 0


def test_demo_cases_awaiting_a_fee_have_a_served_notice_and_a_paused_clock(app, db):
    from caseapp.calendar.service import load_calendar
    from caseapp.cases.operations import record_fee_payment
    from caseapp.clock.service import facts_for
    from caseapp.clock.rules import compute_due
    from caseapp.core.clock import local_today
    from caseapp.fees.models import Fee

    assert run(app, "demo", "--cases", "1500").exit_code == 0
    waiting = db.session.scalars(sa.select(Case).where(Case.status == "awaiting_fee")).all()
    assert waiting, "the demo should include cases awaiting a fee"
    today, cal = local_today(), load_calendar()
    for case in waiting:
        fee = db.session.scalar(sa.select(Fee).where(Fee.case_id == case.id))
        assert fee.status == "notified" and fee.amount > 0 and fee.pay_by >= today
        assert [(p.kind, p.started_on, p.ended_on) for p in case.pauses] == [("fee", fee.served_on, None)]
        assert case.due_on == compute_due(facts_for(case), cal, today).due_on
    case = waiting[0]
    fee = db.session.scalar(sa.select(Fee).where(Fee.case_id == case.id))
    supervisor = db.session.get(User, fee.approved_by_id)
    assert supervisor.role == "supervisor" and supervisor.agency_id == case.agency_id
    due_while_paused = case.due_on
    record_fee_payment(case, actor=supervisor, paid_on=case.pauses[0].started_on, today=today)
    assert case.status == "in_progress" and case.due_on <= due_while_paused
