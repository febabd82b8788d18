"""Database plumbing: SQLite pragmas and write transactions, per-scope counters."""
from __future__ import annotations

import contextvars
from contextlib import contextmanager
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from sqlalchemy.pool import StaticPool

from caseapp.core.clock import utcnow
from caseapp.extensions import db

# Set while a request or command intends to write. On SQLite such a transaction starts with
# BEGIN IMMEDIATE, so two writers queue for the lock instead of failing when one upgrades a
# read snapshot that the other has already changed.
write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("write_intent", default=False)


def sql_in(column: str, values) -> str:
    """A CHECK constraint's text: `column` takes one of `values` (plain string literals)."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def status_column(statuses: type, length: int, default) -> Mapped:
    """A status column of a StrEnum: stored as VARCHAR (non-native, with the table's CHECK constraint
    `status`, written where the table is defined), read back as enum members so code compares members."""
    return mapped_column(
        sa.Enum(statuses, native_enum=False, create_constraint=False, length=length, validate_strings=True,
                values_callable=lambda members: [m.value for m in members]),
        nullable=False, default=default)


class Versioned:
    """created_at, updated_at and an optimistic-locking version (a flush fails with a stale version
    when another transaction changed the row first): the same on every table people edit."""

    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow,
                                                 nullable=False)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow, nullable=False)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}


@contextmanager
def writing():
    """Mark the enclosed database work as a write transaction (see write_intent)."""
    token = write_intent.set(True)
    try:
        yield
    finally:
        write_intent.reset(token)


def read_one(statement: sa.Select, params: dict) -> tuple | None:
    """The first row (a plain tuple, in the statement's column order; values as the driver returns
    them) of one read-only statement, or None.

    For the few statements a hot path runs on every request (the public tracking lookup): it runs on
    a pooled driver connection of its own, outside the ORM session (a request answered from a cache
    never builds one) and outside any write transaction (it neither takes nor waits for SQLite's
    write lock), and skips SQLAlchemy's result layer, which costs ten times the query itself here.
    The statement is compiled once per dialect, so it must be a long-lived (module-level) object.
    """
    engine = db.engine
    if isinstance(engine.pool, StaticPool):  # in-memory SQLite: one connection, the session's own
        return tuple(row) if (row := db.session.execute(statement, params).first()) is not None else None
    compiled = _compiled(statement, engine.dialect)
    values = compiled.construct_params(params)
    if compiled.positiontup is not None:  # qmark/format drivers take a sequence
        values = tuple(values[name] for name in compiled.positiontup)
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(compiled.string, values)
        row = cursor.fetchone()
        cursor.close()
    finally:
        connection.close()  # back to the pool, which rolls back (ends the read on PostgreSQL)
    return None if row is None else tuple(row)


_COMPILED: dict[tuple[int, str], tuple[sa.Select, sa.Compiled]] = {}


def _compiled(statement: sa.Select, dialect) -> sa.Compiled:
    """The statement compiled for the dialect, once (the entry keeps the statement alive, so its id is not reused)."""
    key = (id(statement), dialect.name)
    entry = _COMPILED.get(key)
    if entry is None or entry[0] is not statement:
        entry = _COMPILED[key] = (statement, statement.compile(dialect=dialect))
    return entry[1]


def configure_engine(engine: sa.Engine) -> None:
    """Install the SQLite pragmas and transaction handling on a freshly created engine."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - driver callback
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")


class Counter(db.Model):
    """A named sequence per scope, e.g. tracking numbers of one agency in one year."""

    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    scope: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    value: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)


def flush_or_stale() -> None:
    """Flush the session; a versioned row that someone else changed meanwhile becomes StaleVersionError."""
    from sqlalchemy.orm.exc import StaleDataError

    from caseapp.core.errors import StaleVersionError

    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise StaleVersionError() from None


def next_counter_value(name: str, scope: str) -> int:
    """Atomically increment and return the counter (name, scope), inside the caller's transaction."""
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(
        insert(Counter).values(name=name, scope=scope, value=0).on_conflict_do_nothing()
    )
    table = Counter.__table__
    return db.session.execute(
        sa.update(table)
        .where(table.c.name == name, table.c.scope == scope)
        .values(value=table.c.value + 1)
        .returning(table.c.value)
    ).scalar_one()
