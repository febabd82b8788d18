"""What an applicant does on a request they looked up (number and query code): correct it,
withdraw it, suggest proactive disclosure, download its files and letters. The routes sit on the
portal blueprint (caseapp/intake/views.py)."""
from __future__ import annotations

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _

from caseapp.cases import states
from caseapp.cases.attachments import get_attachment, read_uploads
from caseapp.cases.models import Case
from caseapp.cases.queries import get_case
from caseapp.core import filestore
from caseapp.core.errors import TransitionError, ValidationError
from caseapp.core.forms import apply_errors
from caseapp.core.text import text_checked_by_view
from caseapp.extensions import db
from caseapp.intake import queries
from caseapp.intake.forms import (
    CorrectionForm,
    SuggestionForm,
    WithdrawForm,
)
from caseapp.intake.operations import (
    submit_correction,
    suggest_proactive_disclosure,
    withdraw_request,
)
from caseapp.intake.views import bp, case_page_response, require_unlocked
from caseapp.letters.files import letter_file_response
from caseapp.letters.queries import issued_letters


@bp.post("/track/<tracking_number>/correction")
@text_checked_by_view
def correction(tracking_number: str):
    """Submit the correction the agency asked for (text and files)."""
    found = require_unlocked(tracking_number)
    if not isinstance(found, Case):
        return found
    form = CorrectionForm()
    if not states.can_receive_correction(found):
        flash(_("A correction can only be submitted while the agency is waiting for one."), "danger")
        return redirect(url_for("portal.case", tracking_number=tracking_number))
    if form.validate_on_submit():
        uploads = read_uploads(request.files.getlist("files"))
        try:
            submit_correction(found, text=form.text.data, uploads=uploads)
            db.session.commit()
        except ValidationError as err:
            db.session.rollback()
            apply_errors(form, err.errors)
            if uploads:
                form.form_errors.append(_("For your security, files are not kept after a refused submission: "
                                          "please select them again."))
        except TransitionError as err:
            db.session.rollback()
            flash(str(err.message), "danger")
            return redirect(url_for("portal.case", tracking_number=tracking_number))
        else:
            flash(_("Your correction was received. The time limit for the reply starts again today."), "success")
            return redirect(url_for("portal.case", tracking_number=tracking_number))
    db.session.rollback()
    found = get_case(tracking_number)
    return case_page_response(found, correction_form=form, status=422)


@bp.route("/track/<tracking_number>/withdraw", methods=["GET", "POST"])
@text_checked_by_view
def withdraw(tracking_number: str):
    """Confirm, then withdraw the request (reason optional)."""
    found = require_unlocked(tracking_number)
    if not isinstance(found, Case):
        return found
    if not states.can_withdraw(found):
        flash(_("This request has already been closed or withdrawn and can no longer be withdrawn."), "danger")
        return redirect(url_for("portal.case", tracking_number=tracking_number))
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            withdraw_request(found, reason=form.reason.data)
            db.session.commit()
        except ValidationError as err:
            db.session.rollback()
            apply_errors(form, err.errors)
        except TransitionError as err:
            db.session.rollback()
            flash(str(err.message), "danger")
            return redirect(url_for("portal.case", tracking_number=tracking_number))
        else:
            flash(_("Your request has been withdrawn."), "success")
            return redirect(url_for("portal.case", tracking_number=tracking_number))
    return render_template("portal/withdraw.html", case=found, form=form)


@bp.post("/track/<tracking_number>/suggestion")
@text_checked_by_view
def suggestion(tracking_number: str):
    """Record a suggestion to disclose the information proactively (Reg. 44)."""
    found = require_unlocked(tracking_number)
    if not isinstance(found, Case):
        return found
    form = SuggestionForm()
    if form.validate_on_submit():
        try:
            suggest_proactive_disclosure(found, text=form.text.data)
            db.session.commit()
        except ValidationError as err:
            db.session.rollback()
            apply_errors(form, err.errors)
        else:
            flash(_("Thank you. Your suggestion was recorded and will be answered by the agency."), "success")
            return redirect(url_for("portal.case", tracking_number=tracking_number) + "#suggest")
    found = get_case(tracking_number)
    return case_page_response(found, suggestion_form=form, status=422)


@bp.get("/track/<tracking_number>/files/<int:attachment_id>")
def attachment(tracking_number: str, attachment_id: int):
    """Download a file the applicant uploaded (only for a session that unlocked the case)."""
    found = require_unlocked(tracking_number)
    if not isinstance(found, Case):
        return found
    att = get_attachment(found, attachment_id)
    if att is None or att.kind not in queries.APPLICANT_KINDS:
        abort(404)
    return send_file(filestore.open_path(att.storage_key), mimetype=att.content_type, as_attachment=True,
                     download_name=att.original_name)


@bp.get("/track/<tracking_number>/letters/<int:letter_id>.<any(pdf, docx):ext>")
def letter(tracking_number: str, letter_id: int, ext: str):
    """Download a letter issued to the applicant (only for a session that unlocked the case)."""
    found = require_unlocked(tracking_number)
    if not isinstance(found, Case):
        return found
    issued = next((item for item in issued_letters(found) if item.id == letter_id), None)
    if issued is None:
        abort(404)
    return letter_file_response(issued, ext)
