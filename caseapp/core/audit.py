"""The append-only audit trail: one event for every state change, with actor, before and after.

The events form a hash chain: each carries the SHA-256 of its canonical content together with the
previous event's hash (`prev_hash`, GENESIS_HASH for the first), so that `verify_chain` (the
`flask caseapp audit verify` command) finds any row changed, removed or inserted out of band.
The hashes are computed when the events are flushed, in insertion order, after taking a lock that
keeps the chain linear with concurrent writers (a transaction-level advisory lock on PostgreSQL;
SQLite serialises writers itself), and a unique `prev_hash` refuses a fork outright.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

from caseapp.core.clock import utcnow
from caseapp.core.events import dispatch
from caseapp.extensions import db


GENESIS_HASH = "0" * 64  # the prev_hash of the first event
AUDIT_CHAIN_LOCK = 421338  # pg_advisory_xact_lock key held while appending to the chain


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_case_id_id", "case_id", "id"),
                      sa.UniqueConstraint("prev_hash", name="uq_audit_events_prev_hash"))

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    # Who acted when there is no user: "applicant", "system" or a CLI label.
    actor_label: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"), nullable=True, index=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"), nullable=True)
    action: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    before: Mapped[dict | None] = mapped_column(sa.JSON, nullable=True)
    after: Mapped[dict | None] = mapped_column(sa.JSON, nullable=True)
    note: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    ip_address: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    # The hash chain, filled in at flush time (see _chain_new_events).
    prev_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(_mapper, _connection, _target):
    raise RuntimeError("audit events are append-only")


CHAINED_FIELDS = ("occurred_at", "actor_id", "actor_label", "agency_id", "case_id", "action", "before", "after",
                  "note", "ip_address")


def _canonical_time(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite returns the stored UTC time without its zone
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(content: dict[str, Any], prev_hash: str) -> str:
    """SHA-256 (hex) of an event's canonical content (CHAINED_FIELDS) chained to the previous hash."""
    fields = {name: content.get(name) for name in CHAINED_FIELDS}
    fields["occurred_at"] = _canonical_time(fields["occurred_at"])
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


def _locked_tail(conn: sa.Connection) -> str:
    """Lock the chain for this transaction and return the hash of its last event."""
    if conn.dialect.name == "postgresql":
        # Held until commit: a concurrent writer reads the tail only after this one is committed.
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_CHAIN_LOCK})
    table = AuditEvent.__table__
    return conn.execute(sa.select(table.c.hash).order_by(table.c.id.desc()).limit(1)).scalar() or GENESIS_HASH


def chain_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fill `prev_hash` and `hash` into event rows that will be bulk-inserted in this order; returns them."""
    prev = _locked_tail(db.session.connection())
    for row in rows:
        row.setdefault("occurred_at", utcnow())
        row["prev_hash"] = prev
        row["hash"] = prev = event_hash(row, prev)
    return rows


@event.listens_for(Session, "before_flush")
def _chain_new_events(session, _flush_context, _instances):
    """Give the events about to be inserted their place in the chain, in insertion order."""
    new = [obj for obj in session.new if isinstance(obj, AuditEvent) and obj.hash is None]
    if not new:
        return
    new.sort(key=lambda obj: sa.inspect(obj).insert_order)
    prev = _locked_tail(session.connection())
    for evt in new:
        if evt.occurred_at is None:
            evt.occurred_at = utcnow()
        evt.prev_hash = prev
        evt.hash = prev = event_hash({name: getattr(evt, name) for name in CHAINED_FIELDS}, prev)


@dataclass
class ChainReport:
    checked: int
    broken_id: int | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def verify_chain(batch: int = 5000) -> ChainReport:
    """Walk the audit trail in id order; return how many events hold and the first broken link."""
    table = AuditEvent.__table__
    columns = [table.c.id, table.c.prev_hash, table.c.hash, *(table.c[name] for name in CHAINED_FIELDS)]
    prev, prev_id, checked, last_id = GENESIS_HASH, None, 0, 0
    while True:
        rows = db.session.execute(
            sa.select(*columns).where(table.c.id > last_id).order_by(table.c.id).limit(batch)
        ).mappings().all()
        if not rows:
            return ChainReport(checked)
        for row in rows:
            if row["prev_hash"] != prev:
                where = f"the event before it (#{prev_id})" if prev_id is not None else "the start of the chain"
                return ChainReport(checked, row["id"], f"its prev_hash does not match {where}: "
                                                         "an event was removed, inserted or altered")
            if event_hash(dict(row), prev) != row["hash"]:
                return ChainReport(checked, row["id"], "its content does not match its hash: the event was altered")
            prev, prev_id, last_id = row["hash"], row["id"], row["id"]
            checked += 1


def _jsonable(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "value"):  # enums
        return value.value
    return value


def record_event(
    action: str,
    *,
    actor=None,
    actor_label: str | None = None,
    agency_id: int | None = None,
    case=None,
    before: dict | None = None,
    after: dict | None = None,
    note: str | None = None,
) -> AuditEvent:
    """Add one audit event to the current transaction (the caller's operation flushes)."""
    label = actor_label or (actor.username if actor is not None else "system")
    evt = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        actor_label=label,
        agency_id=agency_id if agency_id is not None else (case.agency_id if case is not None else None),
        case_id=case.id if case is not None else None,
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        note=note,
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(evt)
    dispatch(evt)
    return evt
