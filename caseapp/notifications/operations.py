"""The reader's own marks on their notifications (no audit event: nothing of a case changes)."""
from __future__ import annotations

import sqlalchemy as sa

from caseapp.core.clock import utcnow
from caseapp.core.outbox import Notification
from caseapp.extensions import db


def mark_read(note: Notification) -> Notification:
    """Mark a notification read (once; reading it again changes nothing)."""
    if note.read_at is None:
        note.read_at = utcnow()
        db.session.flush()
    return note


def mark_all_read(user_id: int) -> int:
    """Mark every unread notification of the user read; returns how many."""
    result = db.session.execute(sa.update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)).values(read_at=utcnow()))
    return result.rowcount or 0
