"""Work waiting for someone: what awaits approval, and letters to issue or revise."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from caseapp.core.permissions import CASE_HANDLERS, Role, roles_required
from caseapp.fees.queries import proposed_fees
from caseapp.letters.queries import WorkItem, awaiting_approval, letters_to_finish
from caseapp.letters.states import LETTER_LABELS
from caseapp.office import bp


def pending_work(user) -> dict[str, list[WorkItem]]:
    """For a supervisor, what awaits approval in the agency and the agency's approved or returned
    letters; for a clerk, what they submitted that awaits approval and their own letters to finish."""
    mine = None if user.role == Role.SUPERVISOR else user.id
    approval = awaiting_approval(user.agency_id, submitted_by=mine) + proposed_fees(user.agency_id, proposed_by=mine)
    return {"approval": sorted(approval, key=lambda item: item.since),
            "finish": letters_to_finish(user.agency_id, drafted_by=mine)}


@bp.get("/letters/")
@login_required
@roles_required(*CASE_HANDLERS)
def worklist():
    """Letters, extensions, deferrals and fees waiting for approval, and letters to issue or revise."""
    return render_template("letters/worklist.html", work=pending_work(current_user),
                           status_labels={s.value: label for s, label in LETTER_LABELS.items()},
                           is_supervisor=current_user.role == Role.SUPERVISOR)
