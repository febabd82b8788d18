"""Records of a case and their release versions, and the redaction log."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.core.clock import utcnow
from caseapp.core.db import sql_in
from caseapp.extensions import db
from caseapp.records.grounds import GROUNDS

# "original": as received, never public; "redacted": a version with parts removed; "as_is": the
# original's PDF form released unchanged (marked so by a clerk), sanitised like every release.
RECORD_KINDS = ("original", "redacted", "as_is")
ENTRY_KINDS = ("term", "area")


class Record(db.Model):
    """A record found for a request, or a release version of one (its `parent`)."""

    __tablename__ = "records"
    __table_args__ = (
        sa.CheckConstraint(sql_in("kind", RECORD_KINDS), name="kind"),
        # A release version has its original; a redacted one its ground and reason.
        sa.CheckConstraint("kind = 'original' OR parent_id IS NOT NULL", name="version_parent"),
        sa.CheckConstraint(f"kind != 'redacted' OR ({sql_in('exemption', tuple(GROUNDS))} AND reason IS NOT NULL)",
                           name="redacted_ground"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("records.id"), nullable=True, index=True)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    # The file as received (original) or the version's PDF, stored unchanged with its digest.
    original_name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    content_type: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    size: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    storage_key: Mapped[str] = mapped_column(sa.String(200), nullable=False, unique=True)
    # An original that is not a PDF (DOCX, XLSX, JPEG, PNG): its PDF form, for redaction and release.
    pdf_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    page_count: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    exemption: Mapped[str | None] = mapped_column(sa.String(40))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)

    parent: Mapped[Record | None] = relationship(remote_side=[id], lazy="joined")
    created_by = relationship("User", lazy="joined")
    entries: Mapped[list[RedactionEntry]] = relationship(back_populates="record", order_by="RedactionEntry.id",
                                                         lazy="selectin")

    @property
    def releasable(self) -> bool:
        """A release version: may be enclosed with a reply or published."""
        return self.kind != "original"

    @property
    def original(self) -> Record:
        """The record as received that this version comes from."""
        record = self
        while record.parent is not None:
            record = record.parent
        return record


class RedactionEntry(db.Model):
    """One line of a redacted version's log: a term (how often, on which page) or an area removed."""

    __tablename__ = "redaction_entries"
    __table_args__ = (
        sa.CheckConstraint(sql_in("kind", ENTRY_KINDS), name="kind"),
        sa.CheckConstraint("(kind = 'term' AND term IS NOT NULL) OR (kind = 'area' AND x0 IS NOT NULL"
                           " AND y0 IS NOT NULL AND x1 IS NOT NULL AND y1 IS NOT NULL)", name="what"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(sa.ForeignKey("records.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    page: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    term: Mapped[str | None] = mapped_column(sa.Text)
    count: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)
    x0: Mapped[float | None] = mapped_column(sa.Float)
    y0: Mapped[float | None] = mapped_column(sa.Float)
    x1: Mapped[float | None] = mapped_column(sa.Float)
    y1: Mapped[float | None] = mapped_column(sa.Float)

    record: Mapped[Record] = relationship(back_populates="entries")


# Where a search for the requested information was made (SPEC §12): the office's checkboxes and the
# API's places[].kind. "department" (the department that would hold it) and "other" name the place
# in `detail`; the others may say more there (which system, which years of the archive).
PLACE_KINDS = ("archive", "document_system", "business_system", "paper_files", "department", "other")
PLACES_NAMED = ("department", "other")


class SearchRecord(db.Model):
    """A search made for the requested information: where, with which terms, when, by whom, what was
    found. A reply that the information is not held or needs creation rests on one (SPEC §12)."""

    __tablename__ = "search_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), nullable=False, index=True)
    # [{kind, detail}] in the order given (kind one of PLACE_KINDS; detail "" when none).
    places: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    terms: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    searched_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    result: Mapped[str] = mapped_column(sa.Text, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)

    created_by = relationship("User", lazy="joined")
