"""Stored calendar years: official notices (shipped or imported) and admin corrections."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.core.clock import utcnow
from caseapp.extensions import db

HOLIDAY = "holiday"
WORKDAY = "workday"


class CalendarYear(db.Model):
    """A year whose days are stored; years not stored are estimated on the fly."""

    __tablename__ = "calendar_years"
    year: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    official: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    source: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    # Bumped on every change: together with the row count it versions the per-process cache.
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow
    )


class CalendarDay(db.Model):
    """A day off or a make-up working day (调休上班) of a stored year."""

    __tablename__ = "calendar_days"
    __table_args__ = (sa.CheckConstraint(f"kind IN ('{HOLIDAY}', '{WORKDAY}')", name="kind"),)
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    year: Mapped[int] = mapped_column(
        sa.ForeignKey("calendar_years.year", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    name: Mapped[str | None] = mapped_column(sa.String(100), nullable=True)
