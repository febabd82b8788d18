"""Named queries on cases."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from caseapp.accounts.models import Agency
from caseapp.cases.identity import check_query_code, normalise_query_code
from caseapp.cases.models import Case
from caseapp.core.audit import AuditEvent
from caseapp.core.db import read_one
from caseapp.extensions import db

# Audit events an applicant may see on the tracking page (never notes or internal comments).
APPLICANT_EVENTS = (
    "case.registered", "case.accepted", "case.correction_requested", "case.correction_received",
    "case.withdrawn", "case.closed", "case.reopened",
)


def get_case(tracking_number: str) -> Case | None:
    """The case with this tracking number, or None."""
    return db.session.scalar(sa.select(Case).where(Case.tracking_number == tracking_number.strip().upper()))


@dataclass(frozen=True)
class ApplicantMatch:
    """A case whose number and query code matched, and its stamp: a value that changes whenever
    anything its applicant can see changes (the row's version, its last audit event, its agency's
    name), so that an answer built under one stamp may be served again while the stamp holds."""

    case_id: int
    query_code_hash: str
    stamp: tuple


def _match_statement() -> sa.Select:
    last_event = (sa.select(sa.func.max(AuditEvent.id)).where(AuditEvent.case_id == Case.id)
                  .correlate(Case).scalar_subquery())
    return (sa.select(Case.id, Case.query_code_hash, Case.version, Case.created_at, Agency.code, Agency.name,
                      last_event.label("last_event"))
            .join(Agency, Agency.id == Case.agency_id)
            .where(Case.tracking_number == sa.bindparam("number")))


_MATCH = _match_statement()  # built once: polling applicants run it on every lookup


def match_applicant(tracking_number: str, query_code: str) -> ApplicantMatch | None:
    """The matching case's id and stamp in one statement, only when both the number and the query
    code match; None either way otherwise (an unknown number costs what a wrong code costs)."""
    row = read_one(_MATCH, {"number": (tracking_number or "").strip().upper()})
    if not normalise_query_code(query_code):
        return None
    if row is None:
        check_query_code(query_code, None)  # the cost of a wrong code: timing must not reveal numbers
        return None
    case_id, code_hash = row[0], row[1]
    if not check_query_code(query_code, code_hash):
        return None
    # Every column is in the stamp: the row's version and the last audit event, when it was created
    # (ids repeat across databases), the agency's name, and the hash (a new code is a new answer).
    return ApplicantMatch(case_id, code_hash, row)


def find_case_for_applicant(tracking_number: str, query_code: str) -> Case | None:
    """The case only when both the number and the query code match; None either way otherwise."""
    match = match_applicant(tracking_number, query_code)
    return db.session.get(Case, match.case_id) if match else None


def case_timeline(case: Case, *, for_applicant: bool = False) -> list[AuditEvent]:
    """The case's audit events, oldest first; applicants see only the events meant for them."""
    q = sa.select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id)
    if for_applicant:
        q = q.where(AuditEvent.action.in_(APPLICANT_EVENTS))
    return list(db.session.scalars(q))


def count_cases_by_status(agency_id: int | None) -> dict[str, int]:
    """Number of cases per status, for one agency or all."""
    q = sa.select(Case.status, sa.func.count()).group_by(Case.status)
    if agency_id is not None:
        q = q.where(Case.agency_id == agency_id)
    return dict(db.session.execute(q).all())
