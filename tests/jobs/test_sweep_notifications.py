"""The sweep's reminders and supervision orders (never sent twice, even by two sweeps at once), the
lapse of a correction with its closing letter drafted, and the outbox: the applicant's e-mails as
.eml files and retries with back-off."""
from __future__ import annotations

import email
import threading
from datetime import date, timedelta
from email import policy
from pathlib import Path

import pytest
import sqlalchemy as sa

from caseapp.jobs.supervision import SupervisionOrder
from caseapp.jobs.sweep import sweep
from caseapp.core.clock import utcnow
from caseapp.core.db import writing
from caseapp.core.outbox import MAX_ATTEMPTS, Notification, OutboxMessage, deliver_due, retry_delay

# Received Mon 2026-11-02: due 20 working days later, Mon 2026-11-30 (no holiday in between).
RECEIVED = date(2026, 11, 2)
DUE = date(2026, 11, 30)


@pytest.fixture
def running(db, make_agency, make_user, make_case):
    agency = make_agency("SFWJ", "示范市卫生健康委员会")
    clerk = make_user("clerk", agency=agency)
    supervisor = make_user("supervisor", agency=agency)
    case = make_case(status="in_progress", agency=agency, handler=clerk, received_on=RECEIVED, today=RECEIVED)
    case.handler_id = clerk.id
    db.session.commit()
    assert case.due_on == DUE
    return case, clerk, supervisor


def _notes(db, kind=None):
    q = sa.select(Notification)
    if kind:
        q = q.where(Notification.kind == kind)
    return db.session.scalars(q.order_by(Notification.id)).all()


def _sweep(db, day):
    with writing():
        counts = sweep(day)
        db.session.commit()
    return counts


def test_reminders_at_five_and_two_days_left_never_twice(db, running):
    case, clerk, supervisor = running
    assert _sweep(db, date(2026, 11, 20))["clerk_reminders"] == 0  # 6 working days left
    counts = _sweep(db, date(2026, 11, 23))  # 5 left
    assert counts["clerk_reminders"] == 1 and counts["supervisor_reminders"] == 0
    assert _sweep(db, date(2026, 11, 23))["clerk_reminders"] == 0  # the same day again
    assert _sweep(db, date(2026, 11, 24))["clerk_reminders"] == 0  # 4 left: nothing new
    counts = _sweep(db, date(2026, 11, 26))  # 2 left: clerk and supervisor
    assert counts["clerk_reminders"] == 1 and counts["supervisor_reminders"] == 1
    _sweep(db, date(2026, 11, 26))
    _sweep(db, date(2026, 11, 27))
    reminders = _notes(db, "due_reminder")
    assert [(n.user_id, n.dedupe_key.split(":")[2:4]) for n in reminders] == [
        (clerk.id, ["clerk", "5"]), (clerk.id, ["clerk", "2"]), (supervisor.id, ["supervisor", "2"])]


def test_agency_thresholds_are_used(db, running):
    case, clerk, _ = running
    if not hasattr(case.agency, "clerk_reminder_days"):
        pytest.skip("the agency settings of issue 9 are not in this tree")
    case.agency.clerk_reminder_days = [3]
    db.session.commit()
    assert _sweep(db, date(2026, 11, 23))["clerk_reminders"] == 0  # 5 left: not a threshold any more
    assert _sweep(db, date(2026, 11, 25))["clerk_reminders"] == 1  # 3 left


def test_overdue_opens_one_supervision_order_closed_with_the_case(db, running, client, login):
    from caseapp.cases import operations as case_ops

    case, clerk, supervisor = running
    assert _sweep(db, DUE)["supervision_orders_opened"] == 0
    assert _sweep(db, date(2026, 12, 1))["supervision_orders_opened"] == 1
    assert _sweep(db, date(2026, 12, 2))["supervision_orders_opened"] == 0
    orders = db.session.scalars(sa.select(SupervisionOrder)).all()
    assert [(o.case_id, o.opened_on, o.due_on, o.closed_on) for o in orders] == [(case.id, date(2026, 12, 1), DUE, None)]
    assert sorted(n.user_id for n in _notes(db, "supervision_order")) == sorted([clerk.id, supervisor.id])

    login(supervisor)
    pdf = client.get(f"/office/cases/{case.tracking_number}/supervision-order.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    from pypdf import PdfReader
    import io

    reader = PdfReader(io.BytesIO(pdf.data))
    assert len(reader.pages) == 1
    assert "督" in reader.pages[0].extract_text() and case.tracking_number in reader.pages[0].extract_text()

    db.session.commit()  # end the read snapshot before writing (other connections wrote meanwhile)
    with writing():
        case_ops.close_case(case, actor=clerk, outcome="disclosed", today=date(2026, 12, 3))
        db.session.commit()
    assert orders[0].closed_on == date(2026, 12, 3)
    from caseapp.jobs.supervision import supervision_order_json

    assert supervision_order_json(case) == {"opened_on": "2026-12-01", "closed_on": "2026-12-03"}


def test_a_reopened_case_that_runs_late_again_gets_a_new_order(db, running):
    """One order per due date missed, not one per case ever (issue 20)."""
    from caseapp.cases import operations as case_ops

    case, clerk, supervisor = running
    _sweep(db, date(2026, 12, 1))
    with writing():
        case_ops.close_case(case, actor=clerk, outcome="disclosed", today=date(2026, 12, 3))
        case_ops.reopen_case(case, actor=supervisor, reason="示范市人民政府行政复议决定书责令重新答复",
                             today=date(2026, 12, 7))
        db.session.commit()
    assert case.due_on == date(2027, 1, 5)  # 20 working days from the reopening, across New Year
    assert _sweep(db, date(2027, 1, 5))["supervision_orders_opened"] == 0  # the last day still counts
    assert _sweep(db, date(2027, 1, 6))["supervision_orders_opened"] == 1
    assert _sweep(db, date(2027, 1, 7))["supervision_orders_opened"] == 0
    orders = db.session.scalars(sa.select(SupervisionOrder).order_by(SupervisionOrder.id)).all()
    assert [(o.opened_on, o.due_on, o.closed_on) for o in orders] == [
        (date(2026, 12, 1), DUE, date(2026, 12, 3)), (date(2027, 1, 6), date(2027, 1, 5), None)]
    assert len(_notes(db, "supervision_order")) == 4  # the clerk and the supervisor, once per order


def test_two_sweeps_at_once_do_the_work_once(app, db, running):
    case, clerk, supervisor = running
    if db.engine.url.database in (None, "", ":memory:"):
        pytest.skip("needs a database shared by two connections")
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            with app.app_context():
                barrier.wait()
                results.append(_sweep(db, date(2026, 12, 1)))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(r["supervision_orders_opened"] for r in results) == [0, 1]
    db.session.rollback()  # a fresh snapshot, after both sweeps committed
    assert db.session.scalar(sa.select(sa.func.count(SupervisionOrder.id))) == 1
    assert len(_notes(db, "supervision_order")) == 2


def test_correction_lapse_closes_and_drafts_the_closing_letter(db, make_case):
    from caseapp.letters.models import Letter

    case = make_case(status="correction_requested", received_on=RECEIVED, today=date(2026, 11, 4))
    assert case.correction_due_on == date(2026, 11, 25)
    assert _sweep(db, date(2026, 11, 25))["corrections_lapsed"] == 0
    assert _sweep(db, date(2026, 11, 26))["corrections_lapsed"] == 1
    assert (case.status, case.outcome, case.closed_on) == ("closed", "other.correction_lapsed", date(2026, 11, 26))
    letters = db.session.scalars(sa.select(Letter).where(Letter.case_id == case.id)).all()
    assert [(lt.template, lt.status) for lt in letters] == [("other.correction_lapsed", "draft")]
    assert _sweep(db, date(2026, 11, 27))["corrections_lapsed"] == 0
    assert db.session.scalar(sa.select(sa.func.count(Letter.id)).where(Letter.case_id == case.id)) == 1


def _mail_dir(app) -> Path:
    return Path(app.config["DATA_DIR"]) / "mail"


def _emails(app) -> list:
    folder = _mail_dir(app)
    if not folder.exists():
        return []
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in sorted(folder.glob("*.eml"))]


@pytest.fixture
def clean_mail(app):
    import shutil

    shutil.rmtree(_mail_dir(app), ignore_errors=True)
    yield
    shutil.rmtree(_mail_dir(app), ignore_errors=True)


def test_applicant_emails_as_eml_files(app, db, make_case, clean_mail):
    from caseapp.cases import operations as case_ops

    case = make_case(received_on=RECEIVED, today=RECEIVED, email="wangwu@example.com")
    mails = _emails(app)
    assert len(mails) == 1
    receipt = mails[0]
    assert receipt["To"] == "wangwu@example.com" and case.tracking_number in receipt["Subject"]
    body = receipt.get_body(preferencelist=("plain",)).get_content()
    assert f"/track?tracking_number={case.tracking_number}" in body
    assert case.query_code not in body and case.query_code not in receipt.as_string()

    case_ops.request_correction(case, actor=case.clerk, details="请写明文件的发文字号。", today=date(2026, 11, 4))
    db.session.commit()
    mails = _emails(app)
    assert len(mails) == 2
    assert "补正" in mails[1]["Subject"] and "请写明文件的发文字号。" in mails[1].get_body(preferencelist=("plain",)).get_content()
    # A case without an e-mail address sends nothing.
    make_case(received_on=RECEIVED, today=RECEIVED, email="", delivery="post")
    assert len(_emails(app)) == 2
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)).where(OutboxMessage.status == "sent")) == 2


def test_failed_delivery_is_retried_with_back_off(app, db, make_case, clean_mail):
    saved = app.config["MAIL_SERVER"], app.config["MAIL_PORT"]
    app.config["MAIL_SERVER"], app.config["MAIL_PORT"] = "127.0.0.1", 9  # nothing listens: refused
    try:
        before = utcnow()
        make_case(received_on=RECEIVED, today=RECEIVED, email="zhaoliu@example.com")
        msg = db.session.scalars(sa.select(OutboxMessage)).one()
        db.session.rollback()  # a fresh snapshot: delivery commits in its own session
        assert (msg.status, msg.attempts) == ("pending", 1) and msg.last_error
        wait = msg.next_attempt_at.replace(tzinfo=before.tzinfo) - before
        assert timedelta(minutes=4) < wait < timedelta(minutes=6)
        assert deliver_due(now=utcnow()) == {"sent": 0, "failed": 0}  # not due yet
        assert deliver_due(now=utcnow() + timedelta(minutes=6)) == {"sent": 0, "failed": 1}
        db.session.rollback()  # a fresh snapshot: delivery commits in its own session
        assert msg.attempts == 2 and retry_delay(2) == timedelta(minutes=10)
    finally:
        app.config["MAIL_SERVER"], app.config["MAIL_PORT"] = saved
    assert deliver_due(now=utcnow() + timedelta(hours=1)) == {"sent": 1, "failed": 0}
    db.session.rollback()
    assert msg.status == "sent" and len(_emails(app)) == 1
    assert deliver_due(now=utcnow() + timedelta(days=2)) == {"sent": 0, "failed": 0}  # never twice
    assert retry_delay(MAX_ATTEMPTS) < retry_delay(MAX_ATTEMPTS + 5) == timedelta(hours=12)  # capped


def test_a_released_savepoint_delivers_nothing_before_the_commit(app, db, clean_mail):
    from caseapp.core.outbox import queue_email

    queue_email("lisi@example.com", "测试", "正文", kind="test")
    with db.session.begin_nested():
        pass  # another subscriber's savepoint, released inside the same transaction
    assert _emails(app) == []
    db.session.rollback()
    assert _emails(app) == [] and db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0
    queue_email("lisi@example.com", "测试", "正文", kind="test")
    with db.session.begin_nested():
        pass
    db.session.commit()
    assert [m["To"] for m in _emails(app)] == ["lisi@example.com"]
