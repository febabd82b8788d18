"""Archiving a closed case: its dossier frozen in the file store with its digest, the case read-only
(cases' archive lock), the applicant's ID number and contact data removed from the live database
(the dossier keeps them). Counts and statistics read none of these, so they do not change."""
from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from flask_babel import lazy_gettext as _l

from caseapp.core import filestore
from caseapp.core.audit import record_event
from caseapp.core.clock import utcnow
from caseapp.core.errors import TransitionError
from caseapp.dossier.build import build_dossier
from caseapp.dossier.models import ArchivedDossier
from caseapp.dossier.queries import FINISHED
from caseapp.extensions import db
from caseapp.reviews.queries import reviews_of

# What leaves the live database on archiving: the ID number and every way to reach the applicant.
# The e-mail address goes too (PIPL Art. 19: kept no longer than needed; nobody writes to the
# applicant about an archived case). The name stays: the register and the statistics list it.
PERSONAL_FIELDS = ("id_number", "phone", "email", "address", "postal_code")
ARCHIVIST = "系统归档"  # the dossier's compiler when the archive job builds it (printed as is, like letters)


def archive_refusal(case) -> TransitionError | None:
    """Only a closed (or withdrawn) case is archived, and not while a reconsideration or lawsuit
    against it is undecided (its answer clock and result are still to be recorded on the case)."""
    if case.status not in FINISHED or case.closed_on is None:
        return TransitionError(_l("Only a closed case can be archived."))
    if any(review.result == "pending" for review in reviews_of(case)):
        return TransitionError(_l("A reconsideration or lawsuit against this case is still undecided: the case is "
                                  "archived once its result is recorded."))
    return None


def archive_case(case, *, today, compiled_by: str = ARCHIVIST) -> ArchivedDossier:
    """Freeze the case's dossier, mark the case archived and remove the applicant's personal data."""
    with tempfile.TemporaryDirectory(prefix="caseapp-archive-") as tmp:
        dossier = build_dossier(case, Path(tmp) / "dossier.pdf", compiled_by=compiled_by, today=today)
        stored = filestore.store_file(dossier.path, area="dossiers")
    row = ArchivedDossier(case_id=case.id, storage_key=stored.storage_key, sha256=stored.sha256, size=stored.size,
                          page_count=dossier.page_count, document_count=len(dossier.entries),
                          retention_years=case.agency.retention_years, compiled_by=compiled_by, archived_at=utcnow())
    db.session.add(row)
    removed = [name for name in PERSONAL_FIELDS if getattr(case, name)]
    for name in PERSONAL_FIELDS:
        setattr(case, name, None)
    # The "same applicant" key of a person is their ID number: kept only as a digest, so that the
    # archived requests of one applicant still group together without the number itself.
    if not case.applicant_key.startswith("sha:"):
        case.applicant_key = "sha:" + hashlib.sha256(case.applicant_key.encode()).hexdigest()[:60]
    case.archived_at = row.archived_at
    db.session.flush()
    record_event("case.archived", actor=None, actor_label="system", case=case,
                 after={"sha256": stored.sha256, "pages": dossier.page_count, "documents": len(dossier.entries),
                        "retention_years": row.retention_years, "removed": removed})
    db.session.flush()
    return row
