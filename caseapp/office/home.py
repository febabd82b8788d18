"""The office home: the inbox's counts, the work waiting for the user, and cases by status."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from caseapp.calendar.service import load_calendar
from caseapp.cases import inbox as inbox_queries
from caseapp.cases.queries import count_cases_by_status
from caseapp.cases.states import STATUS_LABELS, Status
from caseapp.clock.service import due_soon_days
from caseapp.consultations import queries as consultation_queries
from caseapp.core.clock import local_today
from caseapp.core.permissions import CASE_HANDLERS, CASE_READERS, Role, roles_required
from caseapp.office import bp
from caseapp.office.labels import TAB_LABELS
from caseapp.office.worklist import pending_work


@bp.get("/")
@login_required
@roles_required(*CASE_READERS, Role.LIAISON)
def index():
    """The office home: the inbox's counts, the letters and approvals waiting, and cases by status,
    for the user's agency (or all agencies, for platform-wide users)."""
    counts = count_cases_by_status(current_user.agency_id) if current_user.role in CASE_READERS else {}
    rows = [(s, STATUS_LABELS[s], counts.get(s.value, 0)) for s in Status]
    tabs = (inbox_queries.inbox_counts(current_user, local_today(), due_soon_days(current_user.agency), load_calendar())
            if current_user.role in CASE_READERS else {})
    work = pending_work(current_user) if current_user.role in CASE_HANDLERS else None
    # A liaison's overview is the consultations waiting for their department's answer.
    waiting = consultation_queries.inbox_for(current_user, status="waiting") if current_user.role == Role.LIAISON else []
    return render_template("office/index.html", rows=rows, tabs=tabs, work=work, tab_labels=TAB_LABELS,
                           waiting=waiting, today=local_today())
