"""Registering a request that arrived on paper, and its printable receipt."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from caseapp.cases.attachments import read_uploads
from caseapp.cases.forms import RegisterForm
from caseapp.cases.validation import validate_request
from caseapp.clock.service import describe_clock, due_soon_days
from caseapp.core.actions import Ctx, get_action, perform
from caseapp.core.clock import local_today
from caseapp.core.errors import ValidationError
from caseapp.core.forms import apply_errors
from caseapp.core.permissions import CASE_HANDLERS, roles_required
from caseapp.extensions import db
from caseapp.intake.operations import hold_receipt, release_receipt
from caseapp.intake.queries import get_held_receipt
from caseapp.office import bp
from caseapp.office.case import load_case
from caseapp.office.labels import labels

RECEIPT_SESSION_KEY = "office_receipt"


@bp.route("/cases/new", methods=["GET", "POST"])
@login_required
@roles_required(*CASE_HANDLERS)
def register():
    """Register a request that arrived on paper, by post, fax, e-mail, in person or orally."""
    form = RegisterForm()
    if request.method == "GET" and not form.received_on.data:
        form.received_on.data = local_today().isoformat()
    if form.validate_on_submit():
        raw = {"request": form.request_data(), "channel": form.channel.data, "received_on": form.received_on.data,
               "files": read_uploads(form.files.data or [])}
        ctx = Ctx(user=current_user._get_current_object(), case=None, target=current_user.agency)
        try:
            reg = perform(get_action("register_request"), ctx, raw, source="api")  # typed values, as the API gives them
        except ValidationError as err:
            apply_errors(form, err.errors)
            if not err.errors:
                form.form_errors.append(str(err.message))
        else:
            # The query code exists only now: held server side for the one printed receipt (the
            # cookie carries only a random key to it; the hold is bookkeeping, intake.models).
            session[RECEIPT_SESSION_KEY] = hold_receipt(reg.case, reg.query_code)
            db.session.commit()
            flash(_("Request %(number)s was registered. Print the receipt for the applicant now: "
                    "the query code is shown only once.", number=reg.case.tracking_number), "success")
            return redirect(url_for("office.receipt", tracking_number=reg.case.tracking_number))
    elif form.is_submitted():
        # Show every problem at once, not only the form-level ones.
        _clean, errors = validate_request(form.request_data())
        apply_errors(form, {k: v for k, v in errors.items() if not getattr(getattr(form, k, None), "errors", None)})
    return render_template("office/register.html", form=form)


@bp.get("/cases/<tracking_number>/receipt")
@login_required
@roles_required(*CASE_HANDLERS)
def receipt(tracking_number: str):
    """A printable receipt for the applicant; the query code appears on the first printout only."""
    case = load_case(tracking_number)
    key = session.get(RECEIPT_SESSION_KEY)
    held = get_held_receipt(key)
    code = held.code if held is not None and held.case_id == case.id else None
    if code is not None:  # printed once: the hold and the key go
        session.pop(RECEIPT_SESSION_KEY, None)
        release_receipt(key)
        db.session.commit()
    clock = describe_clock(case, local_today(), soon_days=due_soon_days(case.agency))
    return render_template("office/receipt.html", case=case, query_code=code, clock=clock, today=local_today(),
                           **labels())
