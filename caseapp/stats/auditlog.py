"""The audit log for auditors: every event with its label, who, when and which case, filtered and exported."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from caseapp.accounts.models import Agency, User
from caseapp.cases.models import Case
from caseapp.core.audit import AuditEvent
from caseapp.core.events import EVENTS, event_label
from caseapp.extensions import db

SHANGHAI = ZoneInfo("Asia/Shanghai")
PAGE_SIZE = 100


@dataclass
class AuditFilters:
    """What the auditor asked for (all optional)."""

    date_from: date | None = None
    date_to: date | None = None
    agency_id: int | None = None   # already checked against what the user may see
    user_id: int | None = None
    event: str | None = None
    page: int = 1


def audit_query(filters: AuditFilters) -> sa.Select:
    """Events matching the filters, newest first, with the acting user, the case number and the agency."""
    q = (sa.select(AuditEvent.id, AuditEvent.occurred_at, AuditEvent.action, AuditEvent.actor_label, AuditEvent.note,
                   User.username, User.display_name, Case.tracking_number, Agency.name)
         .outerjoin(User, AuditEvent.actor_id == User.id)
         .outerjoin(Case, AuditEvent.case_id == Case.id)
         .outerjoin(Agency, AuditEvent.agency_id == Agency.id))
    if filters.date_from:
        q = q.where(AuditEvent.occurred_at >= datetime.combine(filters.date_from, time.min, SHANGHAI))
    if filters.date_to:
        q = q.where(AuditEvent.occurred_at < datetime.combine(filters.date_to + timedelta(days=1), time.min, SHANGHAI))
    if filters.agency_id is not None:
        q = q.where(AuditEvent.agency_id == filters.agency_id)
    if filters.user_id is not None:
        q = q.where(AuditEvent.actor_id == filters.user_id)
    if filters.event:
        q = q.where(AuditEvent.action == filters.event)
    return q.order_by(AuditEvent.id.desc())


@dataclass(frozen=True)
class AuditRow:
    id: int
    occurred_at: datetime
    event: str          # the label, never the code
    who: str
    tracking_number: str | None
    agency: str | None
    note: str | None


def _row(row, labels: dict | None = None) -> AuditRow:
    (event_id, occurred_at, action, actor_label, note, username, display_name, tracking_number, agency_name) = row
    who = f"{display_name}（{username}）" if username else actor_label
    if occurred_at.tzinfo is None:  # SQLite hands back naive UTC
        occurred_at = occurred_at.replace(tzinfo=UTC)
    text = labels.get(action, labels[None]) if labels is not None else event_label(action)
    return AuditRow(event_id, occurred_at.astimezone(SHANGHAI), text, who, tracking_number, agency_name, note)


def audit_page(filters: AuditFilters, per_page: int = PAGE_SIZE) -> tuple[list[AuditRow], bool]:
    """One page of events and whether there is a next page (no total count over the whole log)."""
    page = max(1, filters.page)
    rows = db.session.execute(audit_query(filters).limit(per_page + 1).offset((page - 1) * per_page)).all()
    return [_row(r) for r in rows[:per_page]], len(rows) > per_page


def event_labels() -> dict:
    """Every event's label in the current language (None: the label of an unknown code), for exports
    that run after the request has gone."""
    return {None: event_label(""), **{code: event_label(code) for code in EVENTS}}


def audit_rows(filters: AuditFilters, labels: dict, engine: sa.Engine) -> Iterator[AuditRow]:
    """Every matching event, read in batches on a connection of its own (for exports streamed after the request)."""
    with engine.connect() as conn:
        for r in conn.execution_options(yield_per=1000).execute(audit_query(filters)):
            yield _row(r, labels)


def users_for(agency_id: int | None) -> list[User]:
    """Users the 'who' filter may offer."""
    q = sa.select(User).order_by(User.display_name)
    if agency_id is not None:
        q = q.where(User.agency_id == agency_id)
    return list(db.session.scalars(q))
