"""Migrations build the schema the models describe, from an empty database, and go back down."""
from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from caseapp import create_app
from caseapp.cases.search import include_name
from caseapp.extensions import db as _db
from config import TestConfig


def test_migrated_schema_matches_the_models(app, db):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": include_name})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


@pytest.mark.skipif(bool(os.environ.get("CASEAPP_TEST_DATABASE_URL")), reason="uses a private SQLite file")
def test_upgrade_from_empty_and_downgrade(tmp_path):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path}/m.sqlite3"
        DATA_DIR = str(tmp_path / "data")

    app = create_app(Config)
    with app.app_context():
        upgrade()
        import sqlalchemy as sa

        tables = set(sa.inspect(_db.engine).get_table_names())
        assert {"cases", "agencies", "users", "audit_events", "calendar_days"} <= tables
        downgrade(revision="base")
        assert set(sa.inspect(_db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        _db.engine.dispose()


@pytest.mark.skipif(bool(os.environ.get("CASEAPP_TEST_DATABASE_URL")), reason="uses a private SQLite file")
def test_an_existing_database_with_data_upgrades_in_place(tmp_path):
    """`make run` upgrades an existing database: SQLite's batch mode rebuilds tables (agencies,
    letters, fees) that other rows refer to, which must neither fail nor lose or break a row."""
    import sqlalchemy as sa

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path}/old.sqlite3"
        DATA_DIR = str(tmp_path / "data")

    app = create_app(Config)
    with app.app_context():
        upgrade(revision="d1letters001")  # the schema of the previous release
        with _db.engine.begin() as conn:
            for table in ("agencies", "users", "cases", "letters", "fees"):
                _insert_row(conn, table)
        upgrade()
        with _db.engine.connect() as conn:
            assert [conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar()
                    for t in ("agencies", "users", "cases", "letters", "fees")] == [1, 1, 1, 1, 1]
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            assert conn.execute(sa.text("SELECT received_on FROM fees")).scalar() is not None  # backfilled
        _db.engine.dispose()


def _insert_row(conn, table: str) -> None:
    """One row in `table`, every required column filled from its type; references point at row 1."""
    import sqlalchemy as sa

    values = {}
    for _cid, name, kind, notnull, default, pk in conn.exec_driver_sql(f"PRAGMA table_info({table})"):
        if pk or not notnull or default is not None:
            continue
        kind = kind.upper()
        if name.endswith("_id"):
            values[name] = 1
        elif "DATE" in kind or "TIME" in kind:
            values[name] = "2026-11-02" if "DATE" == kind else "2026-11-02 08:00:00"
        elif "INT" in kind or "BOOL" in kind or "NUMERIC" in kind:
            values[name] = 1
        elif "JSON" in kind:
            values[name] = "{}"
        else:
            values[name] = _text_for(table, name)
    values.update(EXTRA.get(table, {}))
    cols = ", ".join(values)
    conn.execute(sa.text(f"INSERT INTO {table} ({cols}) VALUES ({', '.join(':' + c for c in values)})"), values)


EXTRA = {"users": {"agency_id": 1},  # a clerk of the agency; a served fee notice of the letter
         "fees": {"letter_id": 1, "served_on": "2026-11-12", "pay_by": "2026-12-10"}}


def _text_for(table: str, column: str) -> str:
    """A value the old schema's CHECK constraints accept."""
    known = {"status": {"cases": "in_progress", "letters": "approved", "fees": "notified"}.get(table, "x"),
             "role": "clerk", "channel": "post", "applicant_type": "natural_person", "form": "paper",
             "delivery": "post", "basis": "pages", "template": "fee_notice", "delivery_method": "post"}
    return known.get(column, f"{table}-{column}")
