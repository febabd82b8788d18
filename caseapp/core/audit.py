"""The append-only audit trail: one event for every state change, with actor, before and after."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.core.db import utcnow
from caseapp.core.events import dispatch
from caseapp.extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_case_id_id", "case_id", "id"),)

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


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(_mapper, _connection, _target):
    raise RuntimeError("audit events are append-only")


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
