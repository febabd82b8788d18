"""Office pages for cases."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from caseapp.cases.queries import count_cases_by_status
from caseapp.cases.states import STATUS_LABELS, Status
from caseapp.core.permissions import CASE_READERS, Role, roles_required

bp = Blueprint("office", __name__, url_prefix="/office")


@bp.get("/")
@login_required
@roles_required(*CASE_READERS, Role.LIAISON)
def index():
    """The office home: case counts by status for the user's agency (or all, for platform-wide users)."""
    counts = count_cases_by_status(current_user.agency_id) if current_user.role in CASE_READERS else {}
    rows = [(s, STATUS_LABELS[s], counts.get(s.value, 0)) for s in Status]
    return render_template("office/index.html", rows=rows)
