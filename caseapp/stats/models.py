"""What the annual report keeps besides the cases: the opening balance entered for the first year of
use, the figures of a published report (frozen), and Table 2 (proactive disclosure), entered by hand.

All three are per agency and year. A published report's figures are plain JSON in the shape of
`AnnualReport.as_json()` (Table 3, Table 4 and the fee paragraph), so that a later change of the
cases (a back-dated registration, a corrected closing) never changes what was published.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.core.clock import utcnow
from caseapp.extensions import db

# Table 2 of the 2021 format (国办公开办函〔2021〕30号), one column per cell: counts, and the fees
# collected in 万元 (four decimals: to the yuan).
TABLE2_COUNT_CELLS = (
    "rules_made", "rules_repealed", "rules_in_force",
    "normative_made", "normative_repealed", "normative_in_force",
    "licensing_decisions", "penalty_decisions", "enforcement_decisions",
)
TABLE2_CELLS = (*TABLE2_COUNT_CELLS, "fees_amount")


class ReportOpening(db.Model):
    """Table 3 row 二 (carried over) as entered for a year whose previous year is not in the system:
    the figures of the last report published before the platform was used, per applicant column."""

    __tablename__ = "report_openings"
    __table_args__ = (sa.UniqueConstraint("agency_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), nullable=False)
    year: Mapped[int] = mapped_column(sa.Integer, nullable=False)  # the report year whose 二 this is
    figures: Mapped[dict] = mapped_column(sa.JSON, nullable=False)  # column -> count
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)


class PublishedReport(db.Model):
    """The figures of an agency's annual report as published: never recomputed afterwards."""

    __tablename__ = "published_reports"
    __table_args__ = (sa.UniqueConstraint("agency_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), nullable=False)
    year: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    figures: Mapped[dict] = mapped_column(sa.JSON, nullable=False)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)


class Table2Entry(db.Model):
    """Table 2 (主动公开政府信息情况) of an agency and year; an empty cell is None until entered."""

    __tablename__ = "table2_entries"
    __table_args__ = (
        sa.UniqueConstraint("agency_id", "year"),
        sa.CheckConstraint(" AND ".join(f"({c} IS NULL OR {c} >= 0)" for c in TABLE2_CELLS), name="not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), nullable=False)
    year: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    rules_made: Mapped[int | None] = mapped_column(sa.Integer)
    rules_repealed: Mapped[int | None] = mapped_column(sa.Integer)
    rules_in_force: Mapped[int | None] = mapped_column(sa.Integer)
    normative_made: Mapped[int | None] = mapped_column(sa.Integer)
    normative_repealed: Mapped[int | None] = mapped_column(sa.Integer)
    normative_in_force: Mapped[int | None] = mapped_column(sa.Integer)
    licensing_decisions: Mapped[int | None] = mapped_column(sa.Integer)
    penalty_decisions: Mapped[int | None] = mapped_column(sa.Integer)
    enforcement_decisions: Mapped[int | None] = mapped_column(sa.Integer)
    fees_amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(16, 4))  # 万元
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow,
                                                 nullable=False)

    def cells(self) -> dict[str, object]:
        """cell -> value (None when not entered)."""
        return {c: getattr(self, c) for c in TABLE2_CELLS}
