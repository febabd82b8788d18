"""The in-process scheduler of `make run`: the daily sweep and the outbox's retries (APScheduler).

Started only when serving, from gunicorn's `post_worker_init` hook (gunicorn.conf.py), never by
the app factory: tests, `flask ...` commands and `python -c` imports never start it. It is off when
`CASEAPP_SCHEDULER=0` (for instance when the sweep runs from cron instead) and in testing. Several
workers (or hosts) may each run it: the sweep takes its database lock, so the work is done once.

APScheduler replaces a crontab line (`flask --app wsgi caseapp sweep`): the sweep then runs at
00:30 Shanghai time every day, once 30 seconds after start-up (catching up a day the server was
down), and the outbox retries failed e-mails every 5 minutes.
"""
from __future__ import annotations

import logging
import os
from datetime import timedelta

from caseapp.core.clock import local_today, utcnow
from caseapp.core.db import writing
from caseapp.core.outbox import deliver_due
from caseapp.extensions import db
from caseapp.jobs.sweep import sweep

log = logging.getLogger(__name__)
_started: dict[int, object] = {}


def scheduler_enabled(app) -> bool:
    """Whether this process should run the scheduler."""
    if os.environ.get("CASEAPP_SCHEDULER", "1").strip() == "0":
        return False
    return not (app.config.get("TESTING") or app.config.get("SCHEDULER_DISABLED"))


def run_sweep(app) -> dict | None:
    """One sweep for today (Shanghai), committed; failures are logged and retried the next time."""
    with app.app_context():
        try:
            with writing():
                counts = sweep(local_today())
                db.session.commit()
        except Exception:  # noqa: BLE001 - a scheduler job must not die
            db.session.rollback()
            log.exception("scheduled sweep failed")
            return None
        log.info("scheduled sweep: %s", counts)
        return counts


def run_outbox(app) -> None:
    """Deliver the outbox messages whose retry is due."""
    with app.app_context():
        try:
            with writing():
                deliver_due()
        except Exception:  # noqa: BLE001
            log.exception("scheduled outbox delivery failed")


def build_scheduler(app, *, startup_delay: float = 30):
    """The scheduler's jobs (daily sweep, a catch-up sweep after start-up, outbox retries), not started."""
    from apscheduler.schedulers.background import BackgroundScheduler

    sched = BackgroundScheduler(timezone=app.config.get("TIMEZONE", "Asia/Shanghai"))
    common = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}
    sched.add_job(run_sweep, "cron", hour=0, minute=30, args=[app], id="sweep-daily", **common)
    sched.add_job(run_sweep, "date", run_date=utcnow() + timedelta(seconds=startup_delay), args=[app],
                  id="sweep-startup", **common)
    sched.add_job(run_outbox, "interval", minutes=5, args=[app], id="outbox-retries", **common)
    return sched


def start_scheduler(app):
    """Start the background scheduler for this process (once); None when disabled."""
    if not scheduler_enabled(app):
        return None
    if os.getpid() in _started:
        return _started[os.getpid()]
    sched = build_scheduler(app)
    sched.start()
    _started[os.getpid()] = sched
    log.info("scheduler started: daily sweep at 00:30, outbox retries every 5 minutes")
    return sched
