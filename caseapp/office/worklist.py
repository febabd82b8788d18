"""Work waiting for someone: what awaits approval, and letters to issue or revise."""
from __future__ import annotations

from datetime import date

from flask import render_template
from flask_login import current_user, login_required

from caseapp.cases.inbox import due_dates
from caseapp.core.clock import local_today
from caseapp.core.permissions import CASE_HANDLERS, Role, roles_required
from caseapp.fees.queries import proposed_fees
from caseapp.letters.queries import awaiting_approval, letters_to_finish
from caseapp.letters.states import LETTER_LABELS
from caseapp.office import bp


def pending_work(user) -> dict:
    """For a supervisor, what awaits approval in the agency and the agency's approved or returned
    letters; for a clerk, what they submitted that awaits approval and their own letters to finish;
    each list sorted by the case's due date ("due": tracking number -> due date)."""
    mine = None if user.role == Role.SUPERVISOR else user.id
    approval = awaiting_approval(user.agency_id, submitted_by=mine) + proposed_fees(user.agency_id, proposed_by=mine)
    finish = letters_to_finish(user.agency_id, drafted_by=mine)
    due = due_dates(item.tracking_number for item in approval + finish)

    def by_due(item):  # the case due first comes first; then the oldest waiting
        return (due.get(item.tracking_number) or date.max, item.since)

    return {"approval": sorted(approval, key=by_due), "finish": sorted(finish, key=by_due), "due": due}


@bp.get("/letters/")
@login_required
@roles_required(*CASE_HANDLERS)
def worklist():
    """Letters, extensions, deferrals and fees waiting for approval, and letters to issue or revise."""
    return render_template("letters/worklist.html", work=pending_work(current_user),
                           status_labels={s.value: label for s, label in LETTER_LABELS.items()},
                           is_supervisor=current_user.role == Role.SUPERVISOR, today=local_today())
