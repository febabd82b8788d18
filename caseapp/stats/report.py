"""The annual report's Table 3 and Table 4 (SPEC §10), counted in SQL from closure records and dates.

Table 3 of year Y (S = 1 January, E = 31 December), per applicant type:
- 一 received: cases received in Y, plus cases closed in an earlier year and reopened in Y
  (the re-made reply is work of Y; the earlier year's report stays as published);
- 二 carried in: cases received before Y and open at the end of 31 December of Y-1;
- 三 handled: closings dated in Y that were not reopened within Y, by outcome (a withdrawal
  is `other.other`);
- 四 carried out: cases received by E and open at its end.
A case is open at the end of day D when it was received by D and no closing dated on or before D
still stood on D (not reopened by then). With these definitions 一 + 二 = （七） + 四 holds for every
case and so in every column; the report checks it anyway and says so (a failed check means the
data were changed outside the operations).
See caseapp.cases.closures for why a reopened case counts this way.

Table 4 of year Y: reconsiderations and lawsuits filed in Y, each with its result as known on
31 December (caseapp.stats.reviews).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa

from caseapp.accounts.models import Agency
from caseapp.cases.closures import CaseClosure
from caseapp.cases.models import APPLICANT_TYPES, Case
from caseapp.cases.outcomes import CODES as OUTCOME_CODES
from caseapp.extensions import db
from caseapp.stats.reviews import KINDS as REVIEW_KINDS
from caseapp.stats.reviews import RESULTS as REVIEW_RESULTS
from caseapp.stats.reviews import CaseReview

COLUMNS: tuple[str, ...] = (*APPLICANT_TYPES, "total")
ROWS: tuple[str, ...] = ("received", "carried_in", *OUTCOME_CODES, "handled", "carried_out")
TABLE4_COLUMNS: tuple[str, ...] = (*REVIEW_RESULTS, "total")


@dataclass
class AnnualReport:
    """Both tables of one year, for one agency (or all when agency is None)."""

    year: int
    agency: Agency | None
    table3: dict[str, dict[str, int]] = field(default_factory=dict)   # row -> column -> n
    table4: dict[str, dict[str, int]] = field(default_factory=dict)   # kind -> result -> n

    def column_balanced(self, column: str) -> bool:
        """一 + 二 = （七） + 四 in this column."""
        rows = self.table3
        return rows["received"][column] + rows["carried_in"][column] == rows["handled"][column] + rows["carried_out"][column]

    @property
    def balanced(self) -> bool:
        """Whether the identity holds in every column."""
        return all(self.column_balanced(c) for c in COLUMNS)

    def as_json(self) -> dict:
        """The API's JSON shape (issue 12)."""
        return {
            "year": self.year,
            "agency": self.agency.code if self.agency else None,
            "table3": {"columns": list(COLUMNS), "rows": self.table3, "balanced": self.balanced},
            "table4": {"columns": list(TABLE4_COLUMNS), "rows": self.table4},
        }


def _by_type(query) -> dict[str, int]:
    """Run a (applicant_type, n) GROUP BY query into a full row with its total."""
    row = dict.fromkeys(COLUMNS, 0)
    for applicant_type, n in db.session.execute(query):
        row[applicant_type] += n
        row["total"] += n
    return row


def _scoped(query, column, agency: Agency | None):
    return query.where(column == agency.id) if agency is not None else query


def _open_at_end_of(day: date, agency: Agency | None) -> sa.Select:
    """Cases received by `day` and open at its end, counted by applicant type."""
    standing = sa.exists().where(
        CaseClosure.case_id == Case.id, CaseClosure.closed_on <= day,
        sa.or_(CaseClosure.reopened_on.is_(None), CaseClosure.reopened_on > day),
    )
    q = sa.select(Case.applicant_type, sa.func.count()).where(Case.received_on <= day, ~standing)
    return _scoped(q, Case.agency_id, agency).group_by(Case.applicant_type)


def table3_counts(year: int, agency: Agency | None) -> dict[str, dict[str, int]]:
    """Table 3 as row -> column -> count, every row and column present."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    received = _by_type(_scoped(
        sa.select(Case.applicant_type, sa.func.count()).where(Case.received_on.between(start, end)),
        Case.agency_id, agency).group_by(Case.applicant_type))
    reentered = _by_type(_scoped(
        sa.select(Case.applicant_type, sa.func.count()).select_from(CaseClosure)
        .join(Case, Case.id == CaseClosure.case_id)
        .where(CaseClosure.reopened_on.between(start, end), CaseClosure.closed_on < start),
        CaseClosure.agency_id, agency).group_by(Case.applicant_type))
    rows: dict[str, dict[str, int]] = {
        "received": {c: received[c] + reentered[c] for c in COLUMNS},
        "carried_in": _by_type(_open_at_end_of(start - timedelta(days=1), agency)),
    }
    for code in OUTCOME_CODES:
        rows[code] = dict.fromkeys(COLUMNS, 0)
    handled = _scoped(
        sa.select(CaseClosure.outcome, Case.applicant_type, sa.func.count()).select_from(CaseClosure)
        .join(Case, Case.id == CaseClosure.case_id)
        .where(CaseClosure.closed_on.between(start, end),
               sa.or_(CaseClosure.reopened_on.is_(None), CaseClosure.reopened_on > end)),
        CaseClosure.agency_id, agency).group_by(CaseClosure.outcome, Case.applicant_type)
    for outcome, applicant_type, n in db.session.execute(handled):
        rows[outcome][applicant_type] += n
        rows[outcome]["total"] += n
    rows["handled"] = {c: sum(rows[code][c] for code in OUTCOME_CODES) for c in COLUMNS}
    rows["carried_out"] = _by_type(_open_at_end_of(end, agency))
    return {r: rows[r] for r in ROWS}


def table4_counts(year: int, agency: Agency | None) -> dict[str, dict[str, int]]:
    """Table 4 as kind -> result -> count (reviews filed in the year, results known by 31 December)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    result = sa.case((sa.and_(CaseReview.decided_on.is_not(None), CaseReview.decided_on <= end), CaseReview.result),
                     else_=sa.literal("pending"))
    q = _scoped(sa.select(CaseReview.kind, result, sa.func.count()).where(CaseReview.filed_on.between(start, end)),
                CaseReview.agency_id, agency).group_by(CaseReview.kind, result)
    rows = {kind: dict.fromkeys(TABLE4_COLUMNS, 0) for kind in REVIEW_KINDS}
    for kind, res, n in db.session.execute(q):
        rows[kind][res] += n
        rows[kind]["total"] += n
    return rows


def annual_report(year: int, agency: Agency | None = None) -> AnnualReport:
    """Table 3 and Table 4 of a year for one agency, or for all agencies when agency is None."""
    return AnnualReport(year, agency, table3_counts(year, agency), table4_counts(year, agency))
