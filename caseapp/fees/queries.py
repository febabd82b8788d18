"""Named queries on fees."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from caseapp.cases.models import Case
from caseapp.extensions import db
from caseapp.cases.states import Status
from caseapp.fees.models import Fee, FeeRequest
from caseapp.fees.states import OPEN, FeeStatus
from caseapp.letters.queries import WorkItem, author_name



def latest_fee(case) -> Fee | None:
    """The case's most recent fee, whatever its status."""
    return db.session.scalar(sa.select(Fee).where(Fee.case_id == case.id).order_by(Fee.id.desc()).limit(1))


def open_fee(case) -> Fee | None:
    """The case's fee not yet paid or lapsed, if any."""
    return db.session.scalar(sa.select(Fee).where(Fee.case_id == case.id, Fee.status.in_(OPEN))
                             .order_by(Fee.id.desc()).limit(1))


def fees_of_case(case) -> list[Fee]:
    """A case's fees, oldest first."""
    return list(db.session.scalars(sa.select(Fee).where(Fee.case_id == case.id).order_by(Fee.id)))


def lapsed_fees(today: date) -> list[Fee]:
    """Notified fees whose payment period ended before today while the case still waits."""
    return list(db.session.scalars(
        sa.select(Fee).join(Case, Case.id == Fee.case_id)
        .where(Fee.status == FeeStatus.NOTIFIED, Fee.pay_by < today, Case.status == Status.AWAITING_FEE)
        .order_by(Fee.id)))


def _month_of(case) -> tuple[date, date]:
    first = case.received_on.replace(day=1)
    return first, date(first.year + (first.month == 12), first.month % 12 + 1, 1)


def requests_in_month(case) -> int:
    """The same applicant's requests to the case's agency in the calendar month of its receipt (按件 basis)."""
    first, nxt = _month_of(case)
    return db.session.scalar(sa.select(sa.func.count()).select_from(Case).where(
        Case.agency_id == case.agency_id, Case.applicant_key == case.applicant_key,
        Case.received_on >= first, Case.received_on < nxt)) or 0


def month_requests(case) -> list[Case]:
    """The same applicant's requests to the agency in the case's month, in the order received."""
    first, nxt = _month_of(case)
    return list(db.session.scalars(sa.select(Case).where(
        Case.agency_id == case.agency_id, Case.applicant_key == case.applicant_key,
        Case.received_on >= first, Case.received_on < nxt).order_by(Case.received_on, Case.id)))


def charged_case_ids(case_ids) -> set[int]:
    """Which of these requests a fee has already charged for."""
    if not case_ids:
        return set()
    return set(db.session.scalars(sa.select(FeeRequest.case_id).where(FeeRequest.case_id.in_(list(case_ids)))))


def covered_positions(fee) -> list[int]:
    """The places in the month of the requests a per-request fee charges for."""
    return list(db.session.scalars(sa.select(FeeRequest.position).where(FeeRequest.fee_id == fee.id)
                                   .order_by(FeeRequest.position)))


def covered_tracking_numbers(fee) -> list[str]:
    """The tracking numbers of the requests a per-request fee charges for, in order."""
    return list(db.session.scalars(sa.select(Case.tracking_number).join(FeeRequest, FeeRequest.case_id == Case.id)
                                   .where(FeeRequest.fee_id == fee.id).order_by(FeeRequest.position)))


def proposed_fees(agency_id: int, *, proposed_by: int | None = None, limit: int = 200) -> list[WorkItem]:
    """Fees of the agency's cases awaiting a supervisor's approval, oldest first (only those proposed
    by `proposed_by` when given)."""
    q = (sa.select(Fee, Case.tracking_number).join(Case, Case.id == Fee.case_id)
         .where(Case.agency_id == agency_id, Fee.status == FeeStatus.PROPOSED))
    if proposed_by is not None:
        q = q.where(Fee.proposed_by_id == proposed_by)
    return [WorkItem("fee", number, str(fee.amount), author_name(fee.proposed_by), fee.proposed_on)
            for fee, number in db.session.execute(q.order_by(Fee.id).limit(limit))]
