"""Reads of accounts that other packages share."""
from __future__ import annotations

import sqlalchemy as sa

from caseapp.accounts.models import User
from caseapp.extensions import db


def supervisors_of(agency_id: int) -> list[User]:
    """The active supervisors of an agency (they receive supervision orders and escalations)."""
    return list(db.session.scalars(sa.select(User).where(
        User.agency_id == agency_id, User.role == "supervisor", User.active.is_(True)).order_by(User.id)))


def first_active_user(agency_id: int, role: str) -> User | None:
    """The agency's longest-serving active user of a role, or None."""
    return db.session.scalar(sa.select(User).where(User.agency_id == agency_id, User.role == role,
                                                   User.active.is_(True)).order_by(User.id))
