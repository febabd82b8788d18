"""The in-process scheduler (off in tests and with CASEAPP_SCHEDULER=0), and creating departments from
the CLI and the admin page."""
from __future__ import annotations

import sqlalchemy as sa

from caseapp.accounts.models import Department
from caseapp.jobs import scheduler
from tests.conftest import csrf_from


def test_scheduler_is_off_in_tests_and_with_the_switch(app, monkeypatch):
    assert scheduler.start_scheduler(app) is None  # TESTING
    monkeypatch.setitem(app.config, "TESTING", False)
    monkeypatch.setenv("CASEAPP_SCHEDULER", "0")
    assert scheduler.scheduler_enabled(app) is False
    monkeypatch.setenv("CASEAPP_SCHEDULER", "1")
    assert scheduler.scheduler_enabled(app) is True


def test_scheduler_jobs_when_serving(app, monkeypatch):
    monkeypatch.setitem(app.config, "TESTING", False)
    monkeypatch.setenv("CASEAPP_SCHEDULER", "1")
    monkeypatch.setattr(scheduler, "_started", {})
    sched = scheduler.start_scheduler(app)
    try:
        jobs = {job.id: job for job in sched.get_jobs()}
        assert set(jobs) == {"sweep-daily", "sweep-startup", "outbox-retries"}
        assert str(jobs["sweep-daily"].trigger) == "cron[hour='0', minute='30']"
        assert scheduler.start_scheduler(app) is sched  # once per process
    finally:
        sched.shutdown(wait=False)


def test_scheduled_sweep_runs_and_commits(app, db, make_case):
    case = make_case("correction_requested")
    counts = scheduler.run_sweep(app)
    assert counts is not None and "corrections_lapsed" in counts


def test_cli_create_department(app, db, make_agency):
    agency = make_agency("SFSW", "示范市水务局")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["caseapp", "create-department", "SFSW", "psc", "排水管理处"])
    assert result.exit_code == 0, result.output
    assert "PSC" in result.output
    db.session.rollback()
    assert [(d.code, d.name) for d in agency.departments] == [("BGS", "办公室"), ("PSC", "排水管理处")]
    again = runner.invoke(args=["caseapp", "create-department", "SFSW", "PSC", "另一个处"])
    assert again.exit_code != 0
    assert runner.invoke(args=["caseapp", "create-department", "NOPE", "X", "处"]).exit_code != 0


def test_admin_page_creates_a_department(app, db, make_agency, make_user, login):
    agency = make_agency("SFMZ", "示范市民政局")
    admin = make_user("admin", agency=None)
    clerk = make_user("clerk", agency=agency)
    c = app.test_client()
    login(admin, c=c)
    page = c.get("/office/admin/departments/")
    assert page.status_code == 200
    token = csrf_from(page.get_data(as_text=True))
    bad = c.post("/office/admin/departments/", data={"csrf_token": token, "agency": "SFMZ", "code": "好", "name": "x"})
    assert bad.status_code == 422
    ok = c.post("/office/admin/departments/", data={"csrf_token": token, "agency": "SFMZ", "code": "SHC",
                                                    "name": "社会救助处"})
    assert ok.status_code == 302
    db.session.rollback()
    assert db.session.scalar(sa.select(Department.name).where(Department.code == "SHC")) == "社会救助处"
    other = app.test_client()
    login(clerk, c=other)
    assert other.get("/office/admin/departments/").status_code == 403
