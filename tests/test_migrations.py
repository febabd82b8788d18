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
