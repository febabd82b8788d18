"""Public-portal records: proactive-disclosure suggestions (Reg. 44), submission keys, receipt holds."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.core.actions import bookkeeping
from caseapp.core.clock import utcnow
from caseapp.extensions import db

# A receipt hold keeps a just-filed query code for its one receipt: written by the receipt pages
# beside the filing action, not a record of the case.
bookkeeping("receipt_holds")


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


class ReceiptHold(db.Model):
    """The fresh query code of a request just filed, held server side for its receipt (page and PDF).

    The browser's session carries only a random key; this row keeps the SHA-256 of that key and the
    code sealed with a pad derived from the key (so neither the cookie nor the database alone shows
    the code). The row is deleted when the PDF is downloaded or the hold expires: a copied cookie
    cannot fetch the receipt again.
    """

    __tablename__ = "receipt_holds"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), nullable=False, index=True)
    sealed_code: Mapped[str] = mapped_column(sa.String(128), nullable=False)
    code_shown: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), nullable=False, index=True)
