"""Reads of a staff member's in-app notifications (stored by core's outbox)."""
from __future__ import annotations

import sqlalchemy as sa

from caseapp.core.outbox import Notification
from caseapp.extensions import db


def notifications_for(user_id: int, *, limit: int = 100, unread_only: bool = False) -> list[Notification]:
    """A user's notifications, newest first."""
    q = sa.select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        q = q.where(Notification.read_at.is_(None))
    return list(db.session.scalars(q.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)))


def unread_count(user_id: int) -> int:
    """How many of a user's notifications are unread."""
    return db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def get_notification(user_id: int, notification_id: int) -> Notification | None:
    """One of the user's own notifications (None for anyone else's)."""
    note = db.session.get(Notification, notification_id)
    return note if note is not None and note.user_id == user_id else None
