"""The case page, the hub of a case: the request, the applicant, attachments, the clock, letters,
the timeline, notes and the actions the user may take; and the ID reveal and attachment download."""
from __future__ import annotations

from flask import abort, redirect, render_template, send_file, session, url_for
from flask_login import current_user, login_required

from caseapp.cases import inbox as inbox_queries
from caseapp.cases import operations as ops
from caseapp.cases.attachments import attachments_for_case, get_attachment
from caseapp.cases.forms import RevealForm
from caseapp.cases.identity import mask_id
from caseapp.cases.models import Case
from caseapp.cases.notes import list_notes
from caseapp.cases.outcomes import get_outcome
from caseapp.cases.queries import get_case
from caseapp.clock.service import describe_clock, due_soon_days
from caseapp.core import filestore
from caseapp.core.actions import Ctx, get_action, offers, outside_runner
from caseapp.core.clock import local_today
from caseapp.core.events import event_label
from caseapp.core.permissions import CASE_READERS, require_agency, roles_required
from caseapp.extensions import db
from caseapp.jobs.supervision import order_for_case
from caseapp.office import bp
from caseapp.office.labels import labels
from caseapp.office.panels import case_panels

REVEAL_SESSION_KEY = "office_reveal"


def load_case(tracking_number: str) -> Case:
    """The case (404 if unknown or in another agency)."""
    case = get_case(tracking_number)
    if case is None:
        abort(404)
    require_agency(current_user, case.agency_id)
    return case


@bp.get("/cases/<tracking_number>")
@login_required
@roles_required(*CASE_READERS)
def case_page(tracking_number: str):
    """One case, with what the user may do next."""
    case = load_case(tracking_number)
    reveal = session.pop(REVEAL_SESSION_KEY, None) == case.id  # shown once; a reload masks it again
    today = local_today()
    ctx = Ctx(user=current_user, case=case, today=today)
    note_action = get_action("add_note")
    return render_template(
        "office/case.html", case=case, today=today, clock=describe_clock(case, today, soon_days=due_soon_days(case.agency)),
        id_display=case.id_number if reveal else mask_id(case.id_number), revealed=reveal,
        attachments=attachments_for_case(case), timeline=inbox_queries.timeline(case), event_label=event_label,
        notes=list_notes(case), earlier=inbox_queries.earlier_requests(case),
        month_count=inbox_queries.requests_in_month(case), offers=offers(ctx, domain="cases"),
        note_form=note_action.input.form_class(ctx, versioned=False)(), reveal_form=RevealForm(),
        can_note=any(o.action is note_action for o in offers(ctx, domain="cases")),
        outcome=get_outcome(case.outcome) if case.outcome else None, get_outcome=get_outcome,
        panels=case_panels(ctx), supervision_order=order_for_case(case.id), **labels(),
    )


@bp.post("/cases/<tracking_number>/reveal-id")
@outside_runner("a read: showing the full ID number changes nothing of the case; each display is logged")
@login_required
@roles_required(*CASE_READERS)
def reveal_id(tracking_number: str):
    """Show the applicant's full ID number once; every display is recorded in the audit trail."""
    case = load_case(tracking_number)
    if RevealForm().validate_on_submit():
        ops.reveal_id_number(case, actor=current_user)
        db.session.commit()
        session[REVEAL_SESSION_KEY] = case.id
    return redirect(url_for("office.case_page", tracking_number=case.tracking_number, _anchor="applicant"))


@bp.get("/cases/<tracking_number>/attachments/<int:attachment_id>")
@login_required
@roles_required(*CASE_READERS)
def attachment(tracking_number: str, attachment_id: int):
    """Download one attachment of the case (looked up by record, after the access checks)."""
    att = get_attachment(load_case(tracking_number), attachment_id)
    if att is None:
        abort(404)
    return send_file(filestore.open_path(att.storage_key), mimetype=att.content_type, as_attachment=True,
                     download_name=att.original_name)
