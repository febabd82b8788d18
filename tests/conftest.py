"""Shared fixtures: one migrated database per test session, emptied after every test."""
from __future__ import annotations

import atexit
import itertools
import os
import re
import shutil
import tempfile
import threading
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

if "CASEAPP_INSTANCE_DIR" not in os.environ:
    # A throwaway instance folder (uploads, issued letters, the SQLite database), removed at exit.
    os.environ["CASEAPP_INSTANCE_DIR"] = tempfile.mkdtemp(prefix="caseapp-test-instance-")
    atexit.register(shutil.rmtree, os.environ["CASEAPP_INSTANCE_DIR"], ignore_errors=True)

# Tests never run the in-process scheduler (nor do the servers they start): see caseapp/jobs/scheduler.py.
os.environ.setdefault("CASEAPP_SCHEDULER", "0")
# The servers the tests start (gunicorn on wsgi:app) run in production mode, which needs a public URL.
os.environ.setdefault("CASEAPP_PUBLIC_URL", "http://localhost")

from flask.testing import FlaskClient  # noqa: E402

from caseapp import create_app  # noqa: E402
from caseapp.extensions import db as _db  # noqa: E402
from config import TestConfig  # noqa: E402

PASSWORD = "test-pass-123"
SHANGHAI = ZoneInfo("Asia/Shanghai")
# The suite's one "today": a Tuesday, an ordinary working day of the official 2026 calendar, at
# 10:00 in Beijing (before every agency's cut-off, far from midnight). Every test runs at this
# instant unless it says otherwise with @pytest.mark.frozen_at(...); see the `clock` fixture.
FROZEN_AT = datetime(2026, 11, 10, 10, 0, tzinfo=SHANGHAI)
# make_case's default receipt date: this many working days before the frozen today.
RECEIVED_WORKING_DAYS_AGO = 6
KEEP_TABLES = {"alembic_version", "calendar_years", "calendar_days"}
_counter = itertools.count(1)


def _database_url(tmp_dir: str) -> str:
    url = os.environ.get("CASEAPP_TEST_DATABASE_URL")
    return url or f"sqlite:///{tmp_dir}/test.sqlite3"


class IsolatedClient(FlaskClient):
    """Each request in its own app context (own `g`, own database session), as in production,
    even though the test itself holds an app context for its factories and assertions."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "frozen_at(moment): run the test at this instant instead of the suite's FROZEN_AT: a date "
        "(YYYY-MM-DD, 10:00 Beijing time), an ISO time with its offset, or an aware datetime")


def frozen_moment(value) -> datetime:
    """The instant a frozen_at marker names (a bare date means 10:00 Beijing time that day)."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, FROZEN_AT.timetz())
    elif len(value) == 10:
        moment = datetime.combine(date.fromisoformat(value), FROZEN_AT.timetz())
    else:
        moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"frozen_at needs a time zone: {value!r}")
    return moment


@pytest.fixture(autouse=True)
def clock(request):
    """Every test runs with the wall clock frozen at FROZEN_AT (or its frozen_at marker's instant):
    time.time, datetime.now and date.today, in every thread of the process (the live server's and
    the scheduler's too), start there and tick on from it, so the Beijing date stays the same
    throughout the test. Yields time-machine's traveller: `clock.move_to(...)` travels on."""
    marker = request.node.get_closest_marker("frozen_at")
    moment = frozen_moment(marker.args[0]) if marker else FROZEN_AT
    # In UTC: given a ZoneInfo, time-machine would also set the process's TZ, and the suite must
    # keep the machine's own zone (the code may never rely on it being Beijing's).
    with time_machine.travel(moment.astimezone(UTC), tick=True) as traveller:
        yield traveller


def working_days_before(day: date, n: int) -> date:
    """The date n working days before `day` in the stored calendar (the inverse of add_working_days)."""
    from caseapp.calendar.service import load_calendar

    cal = load_calendar()
    while n > 0:
        day = date.fromordinal(day.toordinal() - 1)
        if cal.is_working_day(day):
            n -= 1
    return day


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """The application on a database built by the migrations (which tests them on every run)."""
    tmp = tmp_path_factory.mktemp("caseapp")

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = _database_url(str(tmp))
        DATA_DIR = str(tmp / "data")

    app = create_app(Config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        from flask_migrate import upgrade

        if _db.engine.dialect.name == "postgresql":
            _db.session.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            _db.session.commit()
        upgrade()
        from caseapp.calendar.service import seed_calendar

        seed_calendar()
        _db.session.commit()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_db(request, app):
    """Run each test in an app context and empty the case data afterwards."""
    with app.app_context():
        yield
        _db.session.rollback()
        _db.session.remove()
        existing = set(sa.inspect(_db.engine).get_table_names())
        tables = [t for t in reversed(_db.metadata.sorted_tables)
                  if t.name not in KEEP_TABLES and t.name in existing]
        with _db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("TRUNCATE " + ", ".join(t.name for t in tables) + " RESTART IDENTITY CASCADE")
            else:
                for t in tables:
                    conn.execute(t.delete())
        from caseapp.calendar.service import invalidate_calendar_cache

        invalidate_calendar_cache()
        from caseapp.extensions import throttle

        throttle.reset()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def drop_2027(db):
    """The calendar tables outlive a test (KEEP_TABLES): drop a 2027 the test imported afterwards."""
    yield
    from caseapp.calendar.models import CalendarDay, CalendarYear
    from caseapp.calendar.service import invalidate_calendar_cache

    db.session.rollback()
    db.session.execute(sa.delete(CalendarDay).where(CalendarDay.year == 2027))
    db.session.execute(sa.delete(CalendarYear).where(CalendarYear.year == 2027))
    db.session.commit()
    invalidate_calendar_cache()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_agency(db):
    """Factory: an agency with a department."""
    from caseapp.accounts.operations import create_agency, create_department

    def make(code: str | None = None, name: str | None = None, **kw):
        code = code or f"AG{next(_counter)}"
        # Letters cannot be approved without a reconsideration body: pass None to test an agency lacking it.
        kw.setdefault("reconsideration_body", "测试市人民政府")
        agency = create_agency(code, name or f"测试市{code}局", reply_cutoff=kw.pop("cutoff", time(17, 0)), **kw)
        create_department(agency, "BGS", "办公室")
        db.session.commit()
        return agency

    return make


@pytest.fixture
def make_user(db, make_agency):
    """Factory: a user with a role in an agency (a new agency unless given; None for platform-wide)."""
    from caseapp.accounts.operations import create_user

    def make(role: str = "clerk", agency="new", username: str | None = None, department=None):
        if agency == "new":
            agency = make_agency()
        if role == "liaison" and department is None:
            department = agency.departments[0]
        user = create_user(username or f"{role}{next(_counter)}", PASSWORD, role, agency=agency,
                           department=department)
        db.session.commit()
        return user

    return make


def csrf_from(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.fixture
def login(client):
    """Log a user in through the real login form (with its CSRF token)."""

    def do(user, password: str = PASSWORD, c=None):
        c = c if c is not None else client
        page = c.get("/office/login")
        token = csrf_from(page.get_data(as_text=True))
        return c.post("/office/login", data={"username": user.username, "password": password, "csrf_token": token})

    return do


VALID_PERSON = {
    "applicant_type": "natural_person",
    "applicant_name": "张三",
    "id_type": "resident_id",
    "id_number": "11010519491231002X",
    "phone": "13800138000",
    "email": "zhangsan@example.com",
    "address": "示范市人民路1号",
    "description": "申请公开2026年示范市义务教育阶段学校招生入学工作实施意见。",
    "form": "electronic",
    "delivery": "email",
}


@pytest.fixture
def request_data():
    """A valid request's fields (a citizen with a real-format resident ID)."""
    return dict(VALID_PERSON)


@pytest.fixture
def make_case(db, make_agency, make_user, request_data):
    """Factory: a case brought to `status` through the real operations (a requested correction has its
    notice served the same day, so its period runs, unless notice_served=False)."""
    from caseapp.cases import operations as ops

    def make(status: str = "submitted", agency=None, received_on: date | None = None,
             today: date | None = None, handler=None, notice_served: bool = True, **fields):
        from caseapp.core.clock import local_today

        # By default the case was received a few working days before today and acted on today.
        today = today or local_today()
        received_on = received_on or working_days_before(today, RECEIVED_WORKING_DAYS_AGO)
        agency = agency or make_agency()
        clerk = handler or make_user("clerk", agency=agency)
        reg = ops.register_case(agency, {**request_data, **fields}, channel="in_person", received_on=received_on,
                                actor=clerk, today=today)
        case = reg.case
        if status in ("in_progress", "awaiting_fee", "closed"):
            ops.accept_case(case, actor=clerk, today=today)
        if status == "correction_requested":
            ops.request_correction(case, actor=clerk, details="请补充文件名称。", today=today)
            if notice_served:  # its correction notice reached the applicant that day (period from it)
                ops.serve_correction_notice(case, served_on=today)
        if status == "awaiting_fee":
            ops.await_fee(case, actor=clerk, today=today)
        if status == "closed":
            ops.close_case(case, actor=clerk, outcome="disclosed", today=today)
        if status == "withdrawn":
            ops.withdraw_case(case, actor=None, reason="不再需要", today=today)
        db.session.commit()
        case.query_code = reg.query_code
        case.clerk = clerk  # a clerk of the agency, for tests that act on the case
        return case

    return make


# --- Browser tests: a live server on a free local port and Debian's Chromium through Playwright.

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test-artifacts")


@pytest.fixture(scope="session")
def live_server(app):
    """The app served by werkzeug in a background thread on 127.0.0.1; yields its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def without_faketime() -> dict[str, str]:
    """Our environment without libfaketime, for the programs that are not ours (Chromium, redis-server).
    Under `make test-at` they would run at the shifted date too, and there Chromium crawls and
    redis-server never answers; they keep the real clock, while the app they serve or talk to runs
    at the suite's frozen time (see `clock`)."""
    return {k: v for k, v in os.environ.items() if k != "LD_PRELOAD" and not k.startswith("FAKETIME")}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium (browsers cannot be downloaded here)."""
    return {
        **browser_type_launch_args,
        "env": without_faketime(),
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    }


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot under test-artifacts/ (kept as a test artefact)."""

    def shot(name: str) -> str:
        os.makedirs(ARTIFACTS, exist_ok=True)
        path = os.path.join(ARTIFACTS, f"{name}.png")
        page.screenshot(path=path, full_page=True)
        return path

    return shot
