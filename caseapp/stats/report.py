"""The annual report's Table 3 and Table 4 (SPEC §10), counted in SQL from closure records and dates.

Table 3 of year Y (S = 1 January, E = 31 December), per applicant type:
- 一 received: cases received in Y, plus cases closed in an earlier year and reopened in Y
  (the re-made reply is work of Y; the earlier year's report stays as published);
- 二 carried in: cases received before Y and open at the end of 31 December of Y-1;
- 三 handled: closings dated in Y that were not reopened within Y, by outcome (a withdrawal
  is `other.other`);
- 四 carried out: cases received by E and open at its end.
A case is open at the end of day D when it was received by D and no closing dated on or before D
still stood on D (not reopened by then); a case has at most one standing closing on any day, so
the open cases are counted as "received by D" minus "closings standing on D" (two GROUP BYs
instead of a correlated NOT EXISTS per case: a year of 100,000 cases is counted in well under a
second). With these definitions 一 + 二 = （七） + 四 holds for consistent data in every column by
construction; the report still checks and shows it per column, so that a counting error (or
data written behind the operations, such as a closed case without its closure record) is
visible instead of silently published.
See caseapp.cases.closures for why a reopened case counts this way.

Table 4 of year Y: reconsiderations and lawsuits filed in Y, each with its result as known on
31 December (caseapp.reviews).

The fee paragraph (六、其他需要报告的事项, 国办函〔2020〕109号): fee notices served in Y and the
amount paid in Y, from the fee records.

Once an agency's report of a year is published (caseapp.stats.publication) its figures are frozen:
`annual_report` then answers the published figures, whatever happened to the cases since.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from caseapp.accounts.models import Agency
from caseapp.cases.closures import CaseClosure
from caseapp.cases.models import APPLICANT_TYPES, Case
from caseapp.cases.outcomes import CODES as OUTCOME_CODES
from caseapp.extensions import db
from caseapp.fees.models import Fee
from caseapp.fees.states import FeeStatus
from caseapp.reviews.models import KINDS as REVIEW_KINDS
from caseapp.reviews.models import RESULTS as REVIEW_RESULTS
from caseapp.reviews.queries import table4_rows
from caseapp.stats.models import PublishedReport

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
    fees: dict[str, int] = field(default_factory=dict)                # notices, amount (yuan)
    published_at: datetime | None = None  # set when these are the figures of the published report

    def column_balanced(self, column: str) -> bool:
        """一 + 二 = （七） + 四 in this column."""
        rows = self.table3
        try:
            return (rows["received"][column] + rows["carried_in"][column]
                    == rows["handled"][column] + rows["carried_out"][column])
        except (KeyError, TypeError):  # a blank cell (a damaged published figure): the self-check names it
            return False

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

    def snapshot(self) -> dict:
        """The figures a publication freezes: the API's shape plus the fee paragraph's figures."""
        return {**self.as_json(), "fees": dict(self.fees)}


def _scoped(query, column, agency: Agency | None):
    return query.where(column == agency.id) if agency is not None else query


def _standing_on(day: date):
    """A closing dated on or before `day` that still stood at its end (not reopened by then)."""
    return sa.and_(CaseClosure.closed_on <= day,
                   sa.or_(CaseClosure.reopened_on.is_(None), CaseClosure.reopened_on > day))


def table3_counts(year: int, agency: Agency | None) -> dict[str, dict[str, int]]:
    """Table 3 as row -> column -> count, every row and column present.

    Three aggregate queries: the cases received (by the year's start, in the year, by its end),
    the closure records standing on 31 December of the year before and of the year (a case has
    at most one standing closing on a given day) with the re-entries, and the year's closings by
    outcome. Open on day D = received by D minus closings standing on D. Everything is counted
    from the closure table alone (it carries the agency and the applicant type).
    """
    start, end = date(year, 1, 1), date(year, 12, 31)
    before = start - timedelta(days=1)
    zero = dict.fromkeys(COLUMNS, 0)
    received, received_before, received_by_end = dict(zero), dict(zero), dict(zero)
    cases = _scoped(sa.select(
        Case.applicant_type,
        sa.func.count().filter(Case.received_on >= start),
        sa.func.count().filter(Case.received_on < start),
        sa.func.count(),
    ).where(Case.received_on <= end), Case.agency_id, agency).group_by(Case.applicant_type)
    for applicant_type, in_year, earlier, by_end in db.session.execute(cases):
        for row, n in ((received, in_year), (received_before, earlier), (received_by_end, by_end)):
            row[applicant_type] += n
            row["total"] += n

    reentered, closed_before, closed_at_end = dict(zero), dict(zero), dict(zero)
    standing = _scoped(sa.select(
        CaseClosure.applicant_type,
        sa.func.count().filter(CaseClosure.reopened_on.between(start, end), CaseClosure.closed_on < start),
        sa.func.count().filter(_standing_on(before)),
        sa.func.count().filter(_standing_on(end)),
    ).where(CaseClosure.closed_on <= end), CaseClosure.agency_id, agency).group_by(CaseClosure.applicant_type)
    for applicant_type, again, stood_before, stood_end in db.session.execute(standing):
        for row, n in ((reentered, again), (closed_before, stood_before), (closed_at_end, stood_end)):
            row[applicant_type] += n
            row["total"] += n

    rows: dict[str, dict[str, int]] = {
        "received": {c: received[c] + reentered[c] for c in COLUMNS},
        "carried_in": {c: received_before[c] - closed_before[c] for c in COLUMNS},
    }
    for code in OUTCOME_CODES:
        rows[code] = dict(zero)
    handled = _scoped(
        sa.select(CaseClosure.outcome, CaseClosure.applicant_type, sa.func.count())
        .where(CaseClosure.closed_on.between(start, end),
               sa.or_(CaseClosure.reopened_on.is_(None), CaseClosure.reopened_on > end)),
        CaseClosure.agency_id, agency).group_by(CaseClosure.outcome, CaseClosure.applicant_type)
    for outcome, applicant_type, n in db.session.execute(handled):
        rows[outcome][applicant_type] += n
        rows[outcome]["total"] += n
    rows["handled"] = {c: sum(rows[code][c] for code in OUTCOME_CODES) for c in COLUMNS}
    rows["carried_out"] = {c: received_by_end[c] - closed_at_end[c] for c in COLUMNS}
    return {r: rows[r] for r in ROWS}


def table4_counts(year: int, agency: Agency | None) -> dict[str, dict[str, int]]:
    """Table 4 as kind -> result -> count (reviews filed in the year, results known by 31 December)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    rows = {kind: dict.fromkeys(TABLE4_COLUMNS, 0) for kind in REVIEW_KINDS}
    for kind, res, n in table4_rows(start, end, agency.id if agency is not None else None):
        rows[kind][res] += n
        rows[kind]["total"] += n
    return rows


def fee_figures(year: int, agency: Agency | None) -> dict[str, int]:
    """The fee paragraph's figures: fee notices served in the year and the yuan paid in it.

    Read here from the fee records in one aggregate (the fees package has no yearly query yet)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    query = _scoped(sa.select(
        sa.func.count().filter(Fee.served_on.between(start, end)),
        sa.func.coalesce(sa.func.sum(Fee.amount).filter(Fee.status == FeeStatus.PAID.value,
                                                        Fee.paid_on.between(start, end)), 0),
    ).select_from(Fee).join(Case, Case.id == Fee.case_id), Case.agency_id, agency)
    notices, amount = db.session.execute(query).one()
    return {"notices": int(notices or 0), "amount": int(amount or 0)}


def live_report(year: int, agency: Agency | None = None) -> AnnualReport:
    """Table 3, Table 4 and the fee figures of a year counted from the records now."""
    return AnnualReport(year, agency, table3_counts(year, agency), table4_counts(year, agency),
                        fee_figures(year, agency))


def frozen_report(year: int, agency: Agency, figures: dict, published_at: datetime | None) -> AnnualReport:
    """An AnnualReport from a published report's JSON figures (snapshot's shape)."""
    return AnnualReport(year, agency, figures["table3"]["rows"], figures["table4"]["rows"],
                        figures.get("fees") or {}, published_at)


def published_figures(year: int, agency: Agency | None):
    """The PublishedReport of the agency and year, or None (never one for all agencies together)."""
    if agency is None:
        return None
    return db.session.scalar(sa.select(PublishedReport).where(PublishedReport.agency_id == agency.id,
                                                              PublishedReport.year == year))


def annual_report(year: int, agency: Agency | None = None) -> AnnualReport:
    """The report of a year for one agency (or all when agency is None): the published figures once
    the agency's report is published, otherwise counted from the records now."""
    published = published_figures(year, agency)
    if published is not None:
        return frozen_report(year, agency, published.figures, published.published_at)
    return live_report(year, agency)
