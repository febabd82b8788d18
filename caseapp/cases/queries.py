"""Named queries on cases."""
from __future__ import annotations

import sqlalchemy as sa

from caseapp.cases.identity import check_query_code, normalise_query_code
from caseapp.cases.models import Case
from caseapp.core.audit import AuditEvent
from caseapp.extensions import db

# Audit events an applicant may see on the tracking page (never notes or internal comments).
APPLICANT_EVENTS = (
    "case.registered", "case.accepted", "case.correction_requested", "case.correction_received",
    "case.withdrawn", "case.closed", "case.reopened",
)


def get_case(tracking_number: str) -> Case | None:
    """The case with this tracking number, or None."""
    return db.session.scalar(sa.select(Case).where(Case.tracking_number == tracking_number.strip().upper()))


def find_case_for_applicant(tracking_number: str, query_code: str) -> Case | None:
    """The case only when both the number and the query code match; None either way otherwise."""
    case = get_case(tracking_number or "")
    if not normalise_query_code(query_code):
        return None
    if case is None:
        check_query_code(query_code, None)  # the cost of a wrong code: timing must not reveal numbers
        return None
    if not check_query_code(query_code, case.query_code_hash):
        return None
    return case


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
