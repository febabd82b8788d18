"""The audit trail is a hash chain: `flask caseapp audit verify` holds on real events and names the
first broken link after a row is altered, removed or forged with raw SQL."""
from __future__ import annotations

import os
import threading

import pytest
import sqlalchemy as sa

from caseapp.core.audit import GENESIS_HASH, AuditEvent, event_hash, record_event, verify_chain


def run(app, *args):
    return app.test_cli_runner().invoke(args=["caseapp", *args])


def _events(db):
    return db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()


def test_events_are_chained_in_order_and_verify(app, db, make_case):
    make_case("closed")
    make_case("correction_requested")
    events = _events(db)
    assert len(events) >= 8
    assert events[0].prev_hash == GENESIS_HASH
    for before, after in zip(events, events[1:]):
        assert after.prev_hash == before.hash and len(after.hash) == 64
    assert len({e.hash for e in events}) == len(events)
    result = run(app, "audit", "verify")
    assert result.exit_code == 0, result.output
    assert f"{len(events)} events" in result.output


def test_tampering_with_one_row_names_it(app, db, make_case):
    make_case("closed")
    events = _events(db)
    position = len(events) // 2
    victim_id = events[position].id
    db.session.rollback()  # the test's session keeps no snapshot older than the change below
    with db.engine.begin() as conn:  # raw SQL, as an intruder with database access would
        conn.execute(sa.text("UPDATE audit_events SET note = 'nothing happened' WHERE id = :id"), {"id": victim_id})
    report = verify_chain()
    assert not report.ok and report.broken_id == victim_id
    assert report.checked == position
    db.session.rollback()
    result = run(app, "audit", "verify")
    assert result.exit_code == 1
    assert f"#{victim_id}" in result.output and "altered" in result.output


def test_a_recomputed_hash_still_breaks_the_next_link(app, db, make_case):
    make_case("closed")
    events = _events(db)
    victim, following_id = events[1], events[2].id
    forged = dict(actor_label="nobody", **{k: getattr(victim, k) for k in (
        "occurred_at", "actor_id", "agency_id", "case_id", "action", "before", "after", "note", "ip_address")})
    params = {"h": event_hash(forged, victim.prev_hash), "id": victim.id}
    db.session.rollback()
    with db.engine.begin() as conn:  # the forger recomputes the row's own hash
        conn.execute(sa.text("UPDATE audit_events SET actor_label = 'nobody', hash = :h WHERE id = :id"), params)
    report = verify_chain()
    assert report.broken_id == following_id and "prev_hash" in report.reason


def test_a_removed_row_breaks_the_chain(app, db, make_case):
    make_case("closed")
    ids = [e.id for e in _events(db)]
    db.session.rollback()
    with db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM audit_events WHERE id = :id"), {"id": ids[2]})
    assert verify_chain().broken_id == ids[3]


def test_concurrent_writers_keep_one_linear_chain(app, db, make_agency):
    agency = make_agency()
    agency_id = agency.id
    errors = []

    def write(n: int):
        try:
            with app.app_context():
                from caseapp.core.db import writing

                for i in range(5):
                    with writing():
                        record_event("agency.updated", actor_label=f"writer{n}", agency_id=agency_id, note=str(i))
                        db.session.commit()
        except Exception as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    db.session.rollback()  # a fresh snapshot: see what the writers committed
    report = verify_chain()
    assert report.ok, report
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "agency.updated")) == 20


@pytest.mark.skipif(bool(os.environ.get("CASEAPP_TEST_DATABASE_URL")), reason="uses a private SQLite file")
def test_the_migration_chains_existing_events_in_id_order(tmp_path):
    from flask_migrate import upgrade

    from caseapp import create_app
    from caseapp.extensions import db as _db
    from config import TestConfig

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path}/m.sqlite3"
        DATA_DIR = str(tmp_path / "data")

    migrated = create_app(Config)
    with migrated.app_context():
        upgrade(revision="e2security01")
        with _db.engine.begin() as conn:
            for n in range(7):
                conn.execute(sa.text(
                    "INSERT INTO audit_events (occurred_at, actor_label, action, after, note) "
                    "VALUES (:at, 'system', 'case.accepted', :after, :note)"),
                    {"at": f"2026-03-0{n + 1} 02:00:00.000000", "after": '{"status": "in_progress"}',
                     "note": f"事件{n}"})
        upgrade(revision="e3scale00001")
        report = verify_chain()
        assert report.ok and report.checked == 7
        record_event("case.accepted", note="after the migration")
        _db.session.commit()
        assert verify_chain().checked == 8
        _db.session.remove()
        _db.engine.dispose()
