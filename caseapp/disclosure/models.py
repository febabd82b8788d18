"""Information items, the similarity index, public entries, their documents and redaction findings,
and the agency's answers to applicants' suggestions."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.accounts.models import Agency, User
from caseapp.cases.models import Case
from caseapp.core.actions import bookkeeping
from caseapp.core.clock import utcnow
from caseapp.core.db import sql_in, status_column
from caseapp.extensions import db
from caseapp.records.models import Record


class EntryStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


ENTRY_STATUSES = tuple(s.value for s in EntryStatus)
FINDING_KINDS = ("id_number", "mobile", "landline", "email", "bank_card", "name", "address")
class FindingStatus(enum.StrEnum):
    OPEN = "open"
    REMOVED = "removed"
    NOT_PERSONAL = "not_personal"


FINDING_STATUSES = tuple(s.value for s in FindingStatus)
FINDING_SOURCES = ("title", "summary", "document")
SUGGESTION_DECISIONS = ("agree", "disagree")
# The similarity index is derived from the requests' text (rebuilt at will): written beside the
# actions (a filing indexes itself, the sweep indexes older requests), not a record of a case.
bookkeeping("similarity_signatures", "similarity_postings", "similarity_terms")


class InfoItem(db.Model):
    """One piece of government information (a document, a data set, a decision) of an agency."""

    __tablename__ = "info_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), nullable=False, index=True)
    title: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    # A merged item points to the item that absorbed its requests; it is no longer offered.
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("info_items.id"), nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)

    agency: Mapped[Agency] = relationship()


class ItemCase(db.Model):
    """A request linked to the information item it asks for (one item per request)."""

    __tablename__ = "info_item_cases"

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("info_items.id"), nullable=False, index=True)
    linked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    linked_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)

    case: Mapped[Case] = relationship()
    item: Mapped[InfoItem] = relationship()


class Signature(db.Model):
    """The similarity features of one request (its words with weights and its discriminating parts)."""

    __tablename__ = "similarity_signatures"

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), nullable=False, index=True)
    features: Mapped[dict] = mapped_column(sa.JSON, nullable=False)


class Posting(db.Model):
    """Inverted index: a term (word or discriminating feature) occurs in a request of an agency."""

    __tablename__ = "similarity_postings"
    __table_args__ = (sa.Index("ix_similarity_postings_case_id", "case_id"),)

    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), primary_key=True)
    term: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), primary_key=True)


class TermStat(db.Model):
    """Document frequency of a term in an agency's requests (the empty term counts the requests)."""

    __tablename__ = "similarity_terms"

    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), primary_key=True)
    term: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    df: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)


class PublicEntry(db.Model):
    """An entry of the public column, drafted from a request or an item, published after approval."""

    __tablename__ = "public_entries"
    __table_args__ = (
        sa.CheckConstraint(sql_in("status", ENTRY_STATUSES), name="status"),
        sa.CheckConstraint("status != 'published' OR (published_on IS NOT NULL AND approved_by_id IS NOT NULL)",
                           name="published_complete"),
        sa.Index("ix_public_entries_status_published", "status", "published_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), nullable=False, index=True)
    item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("info_items.id"), nullable=True, index=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"), nullable=True, index=True)
    title: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    summary: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    topic: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    status: Mapped[EntryStatus] = status_column(EntryStatus, 20, EntryStatus.DRAFT)
    decided_on: Mapped[date] = mapped_column(sa.Date, nullable=False)  # the decision to publish
    target_on: Mapped[date] = mapped_column(sa.Date, nullable=False)  # 20 working days later
    published_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow,
                                                 nullable=False)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}

    agency: Mapped[Agency] = relationship()
    item: Mapped[InfoItem | None] = relationship()
    case: Mapped[Case | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    documents: Mapped[list[PublicDocument]] = relationship(back_populates="entry", order_by="PublicDocument.id")
    findings: Mapped[list[RedactionFinding]] = relationship(back_populates="entry", order_by="RedactionFinding.id")


class PublicDocument(db.Model):
    """A release version of a record of the entry's requests (redacted, or as it is), published with the
    entry as a sanitised copy; the text a reader sees in that copy is kept for the redaction check."""

    __tablename__ = "public_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("public_entries.id"), nullable=False, index=True)
    # The release version it was made from (None for the PDFs uploaded before issue 21).
    record_id: Mapped[int | None] = mapped_column(sa.ForeignKey("records.id"), nullable=True, index=True)
    original_name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    content_type: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    size: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    storage_key: Mapped[str] = mapped_column(sa.String(200), nullable=False, unique=True)
    text: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    uploaded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)

    entry: Mapped[PublicEntry] = relationship(back_populates="documents")
    record: Mapped[Record | None] = relationship()


class RedactionFinding(db.Model):
    """A personal detail found in an entry; publication waits until every finding is resolved."""

    __tablename__ = "redaction_findings"
    __table_args__ = (
        sa.CheckConstraint(sql_in("kind", FINDING_KINDS), name="kind"),
        sa.CheckConstraint(sql_in("status", FINDING_STATUSES), name="status"),
        sa.CheckConstraint(sql_in("source", FINDING_SOURCES), name="source"),
        sa.CheckConstraint("status != 'not_personal' OR reason IS NOT NULL", name="reason_required"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("public_entries.id"), nullable=False, index=True)
    source: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("public_documents.id", ondelete="SET NULL"),
                                                    nullable=True)
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    value: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    status: Mapped[FindingStatus] = status_column(FindingStatus, 20, FindingStatus.OPEN)
    reason: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), nullable=True)

    entry: Mapped[PublicEntry] = relationship(back_populates="findings")


class SuggestionAnswer(db.Model):
    """The agency's answer to an applicant's suggestion of proactive disclosure (Reg. 44 para. 2)."""

    __tablename__ = "suggestion_answers"
    __table_args__ = (sa.CheckConstraint(sql_in("decision", SUGGESTION_DECISIONS), name="decision"),)

    suggestion_id: Mapped[int] = mapped_column(sa.ForeignKey("proactive_suggestions.id"), primary_key=True)
    decision: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    reason: Mapped[str] = mapped_column(sa.Text, nullable=False)
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    answered_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)


VOCABULARY_KINDS = ("synonym", "umbrella")


class VocabularyEntry(db.Model):
    """An agency's own word for the similarity: a synonym (every variant reads as the term) or an
    umbrella term and its parts (caseapp.disclosure.vocabulary); added to the platform's defaults."""

    __tablename__ = "similarity_vocabulary"
    __table_args__ = (
        sa.UniqueConstraint("agency_id", "kind", "term", name="uq_similarity_vocabulary_term"),
        sa.CheckConstraint(sql_in("kind", VOCABULARY_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    term: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    variants: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)


class SimilarityFeedback(db.Model):
    """A clerk's word on a suggested pair: the same information or not. Used for that pair at once
    and exported in the labelled set's format (`caseapp similarity-export`)."""

    __tablename__ = "similarity_feedback"

    # The pair, smaller case id first: one answer per pair (a later answer replaces it).
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), primary_key=True)
    other_case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), primary_key=True, index=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), nullable=False, index=True)
    same: Mapped[bool] = mapped_column(sa.Boolean, nullable=False)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    decided_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
