"""Named queries on fees."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from caseapp.cases.models import Case
from caseapp.extensions import db
from caseapp.fees.models import Fee

OPEN_STATUSES = ("proposed", "approved", "notified")


def latest_fee(case) -> Fee | None:
    """The case's most recent fee, whatever its status."""
    return db.session.scalar(sa.select(Fee).where(Fee.case_id == case.id).order_by(Fee.id.desc()).limit(1))


def open_fee(case) -> Fee | None:
    """The case's fee not yet paid or lapsed, if any."""
    return db.session.scalar(sa.select(Fee).where(Fee.case_id == case.id, Fee.status.in_(OPEN_STATUSES))
                             .order_by(Fee.id.desc()).limit(1))


def fees_of_case(case) -> list[Fee]:
    """A case's fees, oldest first."""
    return list(db.session.scalars(sa.select(Fee).where(Fee.case_id == case.id).order_by(Fee.id)))


def lapsed_fees(today: date) -> list[Fee]:
    """Notified fees whose payment period ended before today while the case still waits."""
    return list(db.session.scalars(
        sa.select(Fee).join(Case, Case.id == Fee.case_id)
        .where(Fee.status == "notified", Fee.pay_by < today, Case.status == "awaiting_fee")
        .order_by(Fee.id)))


def requests_in_month(case) -> int:
    """The same applicant's requests to the case's agency in the calendar month of its receipt (按件 basis)."""
    first = case.received_on.replace(day=1)
    nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return db.session.scalar(sa.select(sa.func.count()).select_from(Case).where(
        Case.agency_id == case.agency_id, Case.applicant_key == case.applicant_key,
        Case.received_on >= first, Case.received_on < nxt)) or 0
