"""One frozen today for the whole suite, Beijing's date whatever the machine's zone, and no real
clock read anywhere in caseapp outside core/clock.py."""
from __future__ import annotations

import io
import json
import re
import threading
import time
import tokenize
import urllib.request
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from caseapp.core.clock import SHANGHAI, local_today, utcnow
from tests.conftest import FROZEN_AT

PACKAGE = Path(__file__).resolve().parents[2] / "caseapp"
CLOCK_MODULE = PACKAGE / "core" / "clock.py"
# Every way of reading the wall clock that the suite could not freeze if it were read elsewhere.
REAL_CLOCK = re.compile(r"\b(?:date\.today|datetime\.now|datetime\.utcnow|datetime\.today|time\.time)\(")


def test_no_module_reads_the_real_clock_except_core_clock():
    hits = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == CLOCK_MODULE:
            continue
        source = path.read_text(encoding="utf-8")
        if not REAL_CLOCK.search(source):
            continue  # fast path: nothing that looks like a clock read, not even in a string
        for line_no, line in enumerate(source.splitlines(), 1):
            if REAL_CLOCK.search(line) and REAL_CLOCK.search(_code_only_line(line)):
                hits.append(f"{path.relative_to(PACKAGE.parent)}:{line_no}: {line.strip()}")
    assert not hits, "read the time through caseapp.core.clock instead:\n" + "\n".join(hits)


def _code_only_line(line: str) -> str:
    """One line without its comment and string literals (good enough for a grep of calls)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(line.strip() + "\n").readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return line
    return "".join(t.string for t in tokens if t.type not in (tokenize.STRING, tokenize.COMMENT))


def test_the_grep_finds_a_real_clock_read(tmp_path):
    """The check above is not vacuous: it finds the calls it forbids and ignores them in strings."""
    assert REAL_CLOCK.search(_code_only_line("x = datetime.now(UTC)"))
    assert REAL_CLOCK.search(_code_only_line("t = time.time() + 5  # later"))
    assert REAL_CLOCK.search(_code_only_line("d = date.today()"))
    assert not REAL_CLOCK.search(_code_only_line('msg = "never call date.today() here"'))
    assert not REAL_CLOCK.search(_code_only_line("x = 1  # not time.time()"))


def test_every_test_runs_at_the_suites_frozen_today():
    assert FROZEN_AT.date() == date(2026, 11, 10) and FROZEN_AT.weekday() == 1
    assert local_today() == date(2026, 11, 10)
    assert abs(utcnow() - FROZEN_AT) < timedelta(minutes=5)
    assert abs(datetime.now(UTC) - FROZEN_AT) < timedelta(minutes=5)
    assert abs(time.time() - FROZEN_AT.timestamp()) < 300


@pytest.mark.frozen_at("2026-12-28")
def test_a_marker_moves_the_whole_test_to_another_day():
    assert local_today() == date(2026, 12, 28)
    assert utcnow().astimezone(SHANGHAI).hour == 10


def test_make_case_dates_come_from_the_frozen_today(make_case):
    case = make_case("in_progress")
    # Six working days before Tuesday 2026-11-10: Monday 2026-11-02.
    assert case.received_on == date(2026, 11, 2)
    assert case.due_on == date(2026, 11, 30)


@pytest.mark.frozen_at("2027-03-02")
def test_make_case_follows_a_marked_today_through_the_calendar(make_case):
    case = make_case("in_progress")
    # 2027-03-02 is a Tuesday; six working days before it is Monday 2027-02-22 (no holiday between).
    assert case.received_on == date(2027, 2, 22)


def test_the_live_server_thread_sees_the_frozen_time(live_server, make_agency):
    make_agency("SFJY", "示范市教育局")
    body = {
        "agency": "SFJY",
        "applicant": {"type": "natural_person", "name": "张三", "id_type": "resident_id",
                      "id_number": "11010519491231002X", "phone": "13800138000"},
        "description": "申请公开2026年示范市义务教育阶段学校招生入学工作实施意见。",
        "form": "electronic", "delivery": "online",
    }
    req = urllib.request.Request(live_server + "/api/v1/requests", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=30) as resp:
        data = json.load(resp)
    # Filed online on a working day before the cut-off: received that day, the frozen one.
    assert data["received_on"] == "2026-11-10"


def test_the_scheduler_thread_sees_the_frozen_time(app, db, make_case):
    """The scheduler's start-up sweep, run in APScheduler's own thread, sweeps the frozen today."""
    from apscheduler.events import EVENT_JOB_EXECUTED

    from caseapp.jobs.scheduler import build_scheduler
    from caseapp.jobs.supervision import SupervisionOrder

    overdue = make_case("in_progress", received_on=date(2026, 10, 9))  # due 2026-11-05 (10/10 a make-up day)
    assert overdue.due_on < local_today()
    swept = threading.Event()
    sched = build_scheduler(app, startup_delay=0.2)
    sched.add_listener(lambda event: swept.set() if event.job_id == "sweep-startup" else None,
                       mask=EVENT_JOB_EXECUTED)
    sched.start()
    try:
        assert swept.wait(30), "the start-up sweep did not run"
        daily = sched.get_job("sweep-daily").next_run_time
    finally:
        sched.shutdown(wait=True)
    assert daily == datetime(2026, 11, 11, 0, 30, tzinfo=SHANGHAI)
    db.session.rollback()
    order = db.session.scalar(sa.select(SupervisionOrder).where(SupervisionOrder.case_id == overdue.id))
    assert order is not None and order.opened_on == date(2026, 11, 10)
