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

from caseapp.cases.attachments import get_attachment, read_uploads
from caseapp.cases.models import Case
from caseapp.cases.queries import get_case
from caseapp.core import filestore
from caseapp.core.actions import Applicant, Ctx, attempt
from caseapp.core.errors import ValidationError
from caseapp.core.forms import apply_errors
from caseapp.core.text import text_checked_by_view
from caseapp.intake import queries
from caseapp.intake.forms import (
    CorrectionForm,
    SuggestionForm,
    VerifyLetterForm,
    WithdrawForm,
)
from caseapp.intake.limits import limited_verification
from caseapp.intake.views import bp, case_page_response, require_unlocked
from caseapp.letters.files import enclosure_file_response, letter_file_response
from caseapp.letters.queries import enclosure_of, issued_letters
from caseapp.letters.verification import verify_file, verify_number


def _back(tracking_number: str, anchor: str = "") -> str:
    return url_for("portal.case", tracking_number=tracking_number) + anchor


def _applicant_step(name: str, case: Case, raw):
    """Take the applicant's action (raw None: only ask whether it may be taken now). Returns the
    attempt, and the answer when the step is over: done, or refused in the request's state (back to
    the request's page with the message); None when the form is to be shown (again)."""
    done = attempt(name, Ctx(user=Applicant(), case=case), raw)
    if (done.ok and raw is not None) or (not done.ok and not isinstance(done.error, ValidationError)):
        flash(done.message, "success" if done.ok else "danger")
        return done, redirect(_back(case.tracking_number))
    return done, None


@bp.post("/track/<tracking_number>/correction")
@text_checked_by_view
def correction(tracking_number: str):
    """Submit the correction the agency asked for (text and files)."""
    found = require_unlocked(tracking_number)
    if not isinstance(found, Case):
        return found
    form = CorrectionForm()
    sent = form.validate_on_submit()
    uploads = read_uploads(request.files.getlist("files")) if sent else []
    done, answer = _applicant_step("submit_correction", found, {"text": form.text.data, "files": uploads} if sent else None)
    if answer is not None:
        return answer
    apply_errors(form, done.errors)
    if uploads:
        form.form_errors.append(_("For your security, files are not kept after a refused submission: "
                                  "please select them again."))
    found = get_case(tracking_number)
    return case_page_response(found, correction_form=form, status=422)


@bp.route("/track/<tracking_number>/withdraw", methods=["GET", "POST"])
@text_checked_by_view
def withdraw(tracking_number: str):
    """Confirm, then withdraw the request (reason optional)."""
    found = require_unlocked(tracking_number)
    if not isinstance(found, Case):
        return found
    form = WithdrawForm()
    done, answer = _applicant_step("withdraw_request", found,
                                   {"reason": form.reason.data} if form.validate_on_submit() else None)
    if answer is not None:
        return answer
    apply_errors(form, done.errors)
    return render_template("portal/withdraw.html", case=get_case(tracking_number), form=form)


@bp.post("/track/<tracking_number>/suggestion")
@text_checked_by_view
def suggestion(tracking_number: str):
    """Record a suggestion to disclose the information proactively (Reg. 44)."""
    found = require_unlocked(tracking_number)
    if not isinstance(found, Case):
        return found
    form = SuggestionForm()
    if form.validate_on_submit():
        done = attempt("suggest_disclosure", Ctx(user=Applicant(), case=found), {"text": form.text.data})
        if done.ok:
            flash(done.message, "success")
            return redirect(_back(tracking_number, "#suggest"))
        apply_errors(form, done.errors or {"text": done.message})
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


@bp.get("/track/<tracking_number>/letters/<int:letter_id>/enclosures/<int:record_id>.pdf")
def enclosure(tracking_number: str, letter_id: int, record_id: int):
    """Download a file enclosed with a letter issued to the applicant (only for a session that unlocked the case)."""
    found = require_unlocked(tracking_number)
    if not isinstance(found, Case):
        return found
    issued = next((item for item in issued_letters(found) if item.id == letter_id), None)
    enclosed = enclosure_of(issued, record_id) if issued is not None else None
    if enclosed is None:
        abort(404)
    return enclosure_file_response(enclosed)


# The largest letter file the check reads (a letter is well under 1 MB; the request limit is larger).
MAX_VERIFY_BYTES = 20 * 1024 * 1024


@bp.route("/verify", methods=["GET", "POST"])
@limited_verification(methods=("POST",))
def verify_letter():
    """Anyone may check a letter (核验文书): its PDF, or its number. Reads only; names the letter's
    number, agency and issue date, nothing about the applicant."""
    form = VerifyLetterForm()
    result = matches = None
    if form.validate_on_submit():
        upload = request.files.get(form.file.name)
        number = (form.number.data or "").strip()
        if upload is not None and upload.filename:
            data = upload.stream.read(MAX_VERIFY_BYTES + 1)
            if len(data) > MAX_VERIFY_BYTES:
                form.file.errors.append(_("The file is larger than 20 MB: it is not a letter of this office."))
            elif not data.startswith(b"%PDF-"):
                form.file.errors.append(_("Please choose the letter's PDF file."))
            else:
                result = verify_file(data)
        elif number:
            matches = verify_number(number)
        else:
            form.form_errors.append(_("Choose the letter's PDF file or enter its number."))
    return render_template("portal/verify.html", form=form, result=result, matches=matches)
