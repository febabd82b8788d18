"""The case's dossier (一案一档) from the case page: the same PDF as the staff API's."""
from __future__ import annotations

from flask_login import current_user, login_required

from caseapp.core.permissions import CASE_READERS, roles_required
from caseapp.dossier.files import dossier_response
from caseapp.office import bp
from caseapp.office.case import load_case


@bp.get("/cases/<tracking_number>/dossier.pdf")
@login_required
@roles_required(*CASE_READERS)
def case_dossier(tracking_number: str):
    """Download the case's dossier as one PDF (the case's agency; roles as the case page)."""
    case = load_case(tracking_number)
    return dossier_response(case, compiled_by=current_user.display_name or current_user.username)
