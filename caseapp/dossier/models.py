"""An archived case's frozen dossier."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.core.clock import utcnow
from caseapp.extensions import db


class ArchivedDossier(db.Model):
    """The dossier PDF of an archived case, as frozen: its file and digest never change."""

    __tablename__ = "archived_dossiers"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), nullable=False, unique=True)
    storage_key: Mapped[str] = mapped_column(sa.String(200), nullable=False, unique=True)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    size: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    page_count: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    document_count: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    retention_years: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    compiled_by: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    archived_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
