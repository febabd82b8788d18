"""`flask db upgrade` alone stores the official calendar years (issue 9 item 14), without
`caseapp calendar seed`, so a fresh deployment computes official 2026 deadlines."""
from __future__ import annotations

import os
from datetime import date

import pytest
import sqlalchemy as sa

from caseapp import create_app
from caseapp.extensions import db as _db
from config import TestConfig


@pytest.mark.skipif(bool(os.environ.get("CASEAPP_TEST_DATABASE_URL")), reason="uses a private SQLite file")
def test_upgrade_alone_gives_an_official_2026_deadline_across_national_day(tmp_path):
    from flask_migrate import downgrade, upgrade

    from caseapp.calendar.models import CalendarYear
    from caseapp.calendar.service import invalidate_calendar_cache, load_calendar
    from caseapp.clock.rules import ClockFacts, compute_due

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path}/fresh.sqlite3"
        DATA_DIR = str(tmp_path / "data")

    app = create_app(Config)
    with app.app_context():
        try:
            upgrade()
            invalidate_calendar_cache()
            row = _db.session.get(CalendarYear, 2026)
            assert row is not None and row.official and row.source.startswith("chinesecalendar")
            cal = load_calendar()
            assert cal.is_official(2026)
            # Received Monday 28 September 2026: National Day runs 1-7 October and Saturday
            # 10 October is a make-up working day, so the 20th working day is Friday 30 October.
            due = compute_due(ClockFacts(started_on=date(2026, 9, 28)), cal, today=date(2026, 9, 28))
            assert due.due_on == date(2026, 10, 30)
            assert due.provisional is False
            assert not cal.is_working_day(date(2026, 10, 7)) and cal.is_working_day(date(2026, 10, 10))

            # Going down and up again neither fails on the years already stored nor duplicates them.
            downgrade(revision="e3scale00001")
            upgrade()
            days = _db.session.scalar(sa.text("SELECT count(*) FROM calendar_days WHERE year = 2026"))
            assert days == 33 + 6  # the notice's 33 days off and 6 make-up working days
        finally:
            _db.session.remove()
            _db.engine.dispose()
            invalidate_calendar_cache()
