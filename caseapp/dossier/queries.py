"""Named queries on dossiers and archived cases."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from caseapp.accounts.models import Agency
from caseapp.cases.models import Case
from caseapp.cases.states import Status
from caseapp.dossier.models import ArchivedDossier
from caseapp.extensions import db

FINISHED = (Status.CLOSED, Status.WITHDRAWN)


def archivable_cases(before: date) -> list[Case]:
    """Closed (or withdrawn) cases not yet archived whose retention starts (their closing date) before `before`."""
    return list(db.session.scalars(
        sa.select(Case).where(Case.status.in_(FINISHED), Case.closed_on < before, Case.archived_at.is_(None))
        .order_by(Case.closed_on, Case.id)))


def archived_dossier(case) -> ArchivedDossier | None:
    """The frozen dossier of an archived case, or None."""
    return db.session.scalar(sa.select(ArchivedDossier).where(ArchivedDossier.case_id == case.id))


def archived_dossiers(agency_code: str | None = None) -> list[tuple[ArchivedDossier, Case, Agency]]:
    """Every archived dossier with its case and agency (of one agency when given), by agency and number."""
    q = (sa.select(ArchivedDossier, Case, Agency).join(Case, Case.id == ArchivedDossier.case_id)
         .join(Agency, Agency.id == Case.agency_id).order_by(Agency.code, Case.tracking_number))
    if agency_code:
        q = q.where(Agency.code == agency_code.strip().upper())
    return [tuple(row) for row in db.session.execute(q)]
