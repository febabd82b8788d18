"""Two sweeps started at the same moment never both do the work (SQLite and PostgreSQL)."""
from __future__ import annotations

import threading
from datetime import date

import sqlalchemy as sa

from caseapp.cases.models import Case
from caseapp.core.audit import AuditEvent


def test_concurrent_sweeps_lapse_each_correction_once(app, db, make_case):
    for _ in range(6):
        make_case("correction_requested")
    db.session.rollback()
    start = threading.Barrier(2)
    results, errors = [], []

    def sweep_once():
        try:
            with app.app_context():
                from caseapp.jobs.sweep import sweep

                start.wait()
                counts = sweep(date(2026, 12, 31))
                db.session.commit()
                results.append(counts["corrections_lapsed"])
        except Exception as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=sweep_once) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results) == [0, 6]  # one sweep did it all, the other found nothing left
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case).where(Case.status == "closed")) == 6
    closing = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "case.closed"))
    assert closing == 6
