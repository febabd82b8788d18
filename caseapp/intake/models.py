"""Public-portal records: proactive-disclosure suggestions (Reg. 44) and submission keys."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.core.db import utcnow
from caseapp.extensions import db


class ProactiveSuggestion(db.Model):
    """An applicant's suggestion that the agency disclose the information proactively (Reg. 44 para. 2)."""

    __tablename__ = "proactive_suggestions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), nullable=False, index=True)
    text: Mapped[str] = mapped_column(sa.Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
    # The agency's answer, recorded by the office (the disclosure work).
    answer: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), nullable=True)
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)


class SubmissionKey(db.Model):
    """One-time keys that make filing idempotent: a re-posted portal form (its submission token)
    or a retried API call (its Idempotency-Key header) finds the case already filed.

    Only a SHA-256 of the key is kept; `scope` separates portal tokens from API keys, and
    `request_hash` lets the API refuse a key reused for a different request body.
    """

    __tablename__ = "submission_keys"
    __table_args__ = (sa.CheckConstraint("scope IN ('portal', 'api')", name="scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    scope: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    request_hash: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), nullable=False, index=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
