"""Office pages for letters, extensions, deferrals and fees of a case, and the template previews.

Same order in every view: load (404), check role and agency (403/404), validate the form, call
one operation, commit, flash and redirect.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, make_response, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from caseapp.cases.queries import get_case
from caseapp.core.db import local_today
from caseapp.core.errors import DomainError, ValidationError
from caseapp.core.filestore import open_path
from caseapp.core.permissions import CASE_HANDLERS, CASE_READERS, Role, require_agency, roles_required
from caseapp.extensions import db
from caseapp.fees import operations as fee_ops
from caseapp.fees.queries import fees_of_case, open_fee, requests_in_month
from caseapp.letters import operations as ops
from caseapp.letters import rendering
from caseapp.letters.forms import (
    DELIVERY_CHOICES,
    ActionForm,
    ApproveFeeForm,
    DeferralForm,
    DraftForm,
    ExtensionForm,
    FeeForm,
    IssueForm,
    PaymentForm,
    ReturnForm,
    fields_form,
)
from caseapp.letters.queries import (
    get_letter,
    letters_of_case,
    pending_work,
    pending_time_request,
    time_requests_of_case,
)

bp = Blueprint("letters", __name__, url_prefix="/office/letters")

STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Awaiting approval"),
    "approved": _l("Approved, ready to issue"),
    "issued": _l("Issued"),
    "returned": _l("Returned for changes"),
}
FEE_STATUS_LABELS = {
    "proposed": _l("Proposed"), "approved": _l("Approved"), "notified": _l("Notice served, awaiting payment"),
    "paid": _l("Paid"), "lapsed": _l("Lapsed (not paid in time)"),
}
PREVIEW_ROLES = (Role.ADMIN, Role.SUPERVISOR)


@bp.context_processor
def _letter_helpers():
    labels = {choice.value: choice.label for choice in DELIVERY_CHOICES}
    return {"delivery_label": lambda method: labels.get(method, method)}


def _case_or_404(tracking_number: str):
    case = get_case(tracking_number)
    if case is None:
        abort(404)
    require_agency(current_user, case.agency_id)
    return case


def _letter_or_404(letter_id: int):
    letter = get_letter(letter_id)
    if letter is None:
        abort(404)
    require_agency(current_user, letter.agency_id)
    return letter


def _flash_error(err: DomainError) -> None:
    """Show a refused operation's message, with the per-field messages when there are any."""
    db.session.rollback()
    details = "；".join(str(m) for m in err.errors.values())
    flash(f"{err.message}{'：' + details if details else ''}", "danger")


def _flash_form_errors(form) -> None:
    for field in form:
        for message in field.errors:
            flash(f"{field.label.text}：{message}", "danger")


def _done(message, target: str):
    db.session.commit()
    flash(message, "success")
    return redirect(target)


def _case_page(case) -> str:
    return url_for("letters.case_letters", tracking_number=case.tracking_number)


def _letter_page(letter) -> str:
    return url_for("letters.letter_page", letter_id=letter.id)


# --- Work waiting for approval or for its drafter ---------------------------------------------------


@bp.get("/")
@login_required
@roles_required(*CASE_HANDLERS)
def worklist():
    """Letters, extensions, deferrals and fees waiting for approval, and letters to issue or revise."""
    return render_template("letters/worklist.html", work=pending_work(current_user), status_labels=STATUS_LABELS,
                           is_supervisor=current_user.role == Role.SUPERVISOR)


# --- A case's letters -------------------------------------------------------------------------------

@bp.get("/case/<tracking_number>")
@login_required
@roles_required(*CASE_READERS)
def case_letters(tracking_number: str):
    """The case's letters, extension, deferral and fee, with the forms to act on them."""
    case = _case_or_404(tracking_number)
    specs = {s.key: s for s in rendering.all_specs()}
    return render_template(
        "letters/case.html", case=case, letters=letters_of_case(case), specs=specs, status_labels=STATUS_LABELS,
        draft_form=DraftForm(), extension_form=ExtensionForm(), deferral_form=DeferralForm(),
        fee_form=FeeForm(data={"basis": "requests", "count": requests_in_month(case)}),
        approve_fee_form=ApproveFeeForm(), payment_form=PaymentForm(), action_form=ActionForm(),
        time_requests=time_requests_of_case(case), pending_extension=pending_time_request(case, "extension"),
        pending_deferral=pending_time_request(case, "deferral"), fees=fees_of_case(case), open_fee=open_fee(case),
        fee_status_labels=FEE_STATUS_LABELS, can_handle=current_user.role in CASE_HANDLERS,
        is_supervisor=current_user.role == Role.SUPERVISOR,
    )


@bp.post("/case/<tracking_number>/draft")
@login_required
@roles_required(*CASE_HANDLERS)
def draft(tracking_number: str):
    """Start a letter from a template, pre-filled from the case."""
    case = _case_or_404(tracking_number)
    form = DraftForm()
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return redirect(_case_page(case))
    try:
        letter = ops.draft_letter(case, actor=current_user, template=form.template.data)
    except DomainError as err:
        _flash_error(err)
        return redirect(_case_page(case))
    return _done(_("The draft was created."), _letter_page(letter))


# --- One letter --------------------------------------------------------------------------------------

@bp.get("/<int:letter_id>")
@login_required
@roles_required(*CASE_READERS)
def letter_page(letter_id: int):
    """A letter: its fields (editable while a draft), its approval and its issue."""
    letter = _letter_or_404(letter_id)
    spec = rendering.load_spec(letter.template)
    return render_template(
        "letters/letter.html", letter=letter, case=letter.case, spec=spec, status_labels=STATUS_LABELS,
        form=fields_form(spec, letter.fields), return_form=ReturnForm(), issue_form=_issue_form(letter.case),
        action_form=ActionForm(), editable=letter.status in ops.EDITABLE and current_user.role in CASE_HANDLERS,
        can_handle=current_user.role in CASE_HANDLERS, is_supervisor=current_user.role == Role.SUPERVISOR,
    )


# How the applicant asked to receive the information (SPEC §2) -> the usual way to deliver the letter.
_DELIVERY_FOR_REQUESTED = {"post": "post", "pickup": "hand", "email": "email", "online": "online"}


def _issue_form(case) -> IssueForm:
    """The issue form, suggesting the delivery the applicant asked for, dated today."""
    method = _DELIVERY_FOR_REQUESTED.get(case.delivery, "post")
    return IssueForm(method=method, date=local_today(), reference=case.email if method == "email" else None)


@bp.post("/<int:letter_id>/edit")
@login_required
@roles_required(*CASE_HANDLERS)
def edit(letter_id: int):
    """Save a draft's fields; refused messages show beside the fields."""
    letter = _letter_or_404(letter_id)
    spec = rendering.load_spec(letter.template)
    form = fields_form(spec, letter.fields, formdata=request.form)
    if form.validate_on_submit():
        values = {f.name: form[f"f_{f.name}"].data or "" for f in spec.fields}
        try:
            ops.update_letter(letter, actor=current_user, fields=values)
        except ValidationError as err:
            db.session.rollback()
            for name, message in err.errors.items():
                if f"f_{name}" in form:
                    form[f"f_{name}"].errors = [*form[f"f_{name}"].errors, str(message)]
            flash(str(err.message), "danger")
        except DomainError as err:
            _flash_error(err)
            return redirect(_letter_page(letter))
        else:
            return _done(_("The draft was saved."), _letter_page(letter))
    letter = _letter_or_404(letter_id)
    return render_template(
        "letters/letter.html", letter=letter, case=letter.case, spec=spec, status_labels=STATUS_LABELS,
        form=form, return_form=ReturnForm(), issue_form=IssueForm(), action_form=ActionForm(), editable=True,
        can_handle=True, is_supervisor=current_user.role == Role.SUPERVISOR,
    ), 422


def _letter_action(letter_id: int, call, message):
    letter = _letter_or_404(letter_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        call(letter)
    except DomainError as err:
        _flash_error(err)
        return redirect(_letter_page(letter))
    return _done(message, _letter_page(letter))


@bp.post("/<int:letter_id>/submit")
@login_required
@roles_required(*CASE_HANDLERS)
def submit(letter_id: int):
    """Send the draft for approval."""
    return _letter_action(letter_id, lambda letter: ops.submit_letter(letter, actor=current_user),
                          _("The letter was submitted for approval."))


@bp.post("/<int:letter_id>/approve")
@login_required
@roles_required(Role.SUPERVISOR)
def approve(letter_id: int):
    """Approve a submitted letter (a supervisor other than its drafter)."""
    return _letter_action(letter_id, lambda letter: ops.approve_letter(letter, actor=current_user),
                          _("The letter was approved."))


@bp.post("/<int:letter_id>/return")
@login_required
@roles_required(Role.SUPERVISOR)
def return_(letter_id: int):
    """Send a submitted letter back with a comment."""
    letter = _letter_or_404(letter_id)
    form = ReturnForm()
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return redirect(_letter_page(letter))
    try:
        ops.return_letter(letter, actor=current_user, comment=form.comment.data)
    except DomainError as err:
        _flash_error(err)
        return redirect(_letter_page(letter))
    return _done(_("The letter was returned to its drafter."), _letter_page(letter))


@bp.post("/<int:letter_id>/issue")
@login_required
@roles_required(*CASE_HANDLERS)
def issue(letter_id: int):
    """Issue an approved letter: number, PDF and DOCX, delivery record; a reply closes the case."""
    letter = _letter_or_404(letter_id)
    form = IssueForm()
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return redirect(_letter_page(letter))
    delivery = {"method": form.method.data, "date": form.date.data, "reference": form.reference.data or ""}
    try:
        ops.issue_letter(letter, actor=current_user, delivery=delivery)
    except DomainError as err:
        _flash_error(err)
        return redirect(_letter_page(letter))
    return _done(_("The letter was issued as %(number)s.", number=letter.number), _letter_page(letter))


@bp.get("/<int:letter_id>/preview.pdf")
@login_required
@roles_required(*CASE_READERS)
def preview(letter_id: int):
    """The letter as it stands, rendered now (a draft has no number yet)."""
    letter = _letter_or_404(letter_id)
    if letter.status == "issued":
        return _send(letter, "pdf", inline=True)
    response = make_response(ops.preview_letter_pdf(letter))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = "inline; filename=preview.pdf"
    return response


def _send(letter, ext: str, inline: bool = False):
    from caseapp.letters.api import MIMETYPES

    if letter.status != "issued":
        abort(404)
    key = letter.pdf_key if ext == "pdf" else letter.docx_key
    return send_file(open_path(key), mimetype=MIMETYPES[ext], as_attachment=not inline,
                     download_name=f"{letter.number}.{ext}", max_age=0)


@bp.get("/<int:letter_id>/letter.pdf")
@login_required
@roles_required(*CASE_READERS)
def file_pdf(letter_id: int):
    """The issued letter's frozen PDF."""
    return _send(_letter_or_404(letter_id), "pdf")


@bp.get("/<int:letter_id>/letter.docx")
@login_required
@roles_required(*CASE_READERS)
def file_docx(letter_id: int):
    """The issued letter's frozen DOCX."""
    return _send(_letter_or_404(letter_id), "docx")


# --- Extension and deferral -----------------------------------------------------------------------

@bp.post("/case/<tracking_number>/extension")
@login_required
@roles_required(*CASE_HANDLERS)
def extension(tracking_number: str):
    """Ask to extend the reply period (at most 20 working days, once)."""
    case = _case_or_404(tracking_number)
    form = ExtensionForm()
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return redirect(_case_page(case))
    try:
        ops.request_extension(case, actor=current_user, days=form.days.data, reason=form.reason.data)
    except DomainError as err:
        _flash_error(err)
        return redirect(_case_page(case))
    return _done(_("The extension was requested; a supervisor must approve it."), _case_page(case))


@bp.post("/case/<tracking_number>/deferral")
@login_required
@roles_required(*CASE_HANDLERS)
def deferral(tracking_number: str):
    """Propose a deferred reply date (Reg. 35)."""
    case = _case_or_404(tracking_number)
    form = DeferralForm()
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return redirect(_case_page(case))
    try:
        ops.request_deferral(case, actor=current_user, deferred_to=form.deferred_to.data, reason=form.reason.data)
    except DomainError as err:
        _flash_error(err)
        return redirect(_case_page(case))
    return _done(_("The deferral was requested; a supervisor must approve it."), _case_page(case))


def _approve_time(tracking_number: str, kind: str):
    case = _case_or_404(tracking_number)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        req = ops.approve_time_request(case, actor=current_user, kind=kind)
    except DomainError as err:
        _flash_error(err)
        return redirect(_case_page(case))
    return _done(_("Approved. The due date is now %(date)s; please issue the notice.", date=case.due_on.isoformat()),
                 url_for("letters.letter_page", letter_id=req.letter_id))


@bp.post("/case/<tracking_number>/extension/approve")
@login_required
@roles_required(Role.SUPERVISOR)
def approve_extension(tracking_number: str):
    """Approve the pending extension; the extension notice is prepared."""
    return _approve_time(tracking_number, "extension")


@bp.post("/case/<tracking_number>/deferral/approve")
@login_required
@roles_required(Role.SUPERVISOR)
def approve_deferral(tracking_number: str):
    """Approve the pending deferral; the deferral notice is prepared."""
    return _approve_time(tracking_number, "deferral")


# --- Fees -----------------------------------------------------------------------------------------

@bp.get("/case/<tracking_number>/fee/quote")
@login_required
@roles_required(*CASE_READERS)
def fee_quote(tracking_number: str):
    """The amount for a basis and count, as JSON (the page previews it while typing)."""
    _case_or_404(tracking_number)
    try:
        quote = fee_ops.quote_fee(request.args.get("basis"), request.args.get("count", ""))
    except ValidationError as err:
        return jsonify({"error": {"message": str(err.message), "fields": {k: str(v) for k, v in err.errors.items()}}}), 422
    return jsonify({"amount": quote.amount, "basis": quote.basis, "count": quote.count})


@bp.post("/case/<tracking_number>/fee")
@login_required
@roles_required(*CASE_HANDLERS)
def propose_fee(tracking_number: str):
    """Propose a fee (the amount is computed from the bands)."""
    case = _case_or_404(tracking_number)
    form = FeeForm()
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return redirect(_case_page(case))
    try:
        fee = fee_ops.propose_fee(case, actor=current_user, basis=form.basis.data, count=form.count.data)
    except DomainError as err:
        _flash_error(err)
        return redirect(_case_page(case))
    return _done(_("A fee of %(amount)s yuan was proposed; a supervisor must approve it.", amount=fee.amount),
                 _case_page(case))


@bp.post("/case/<tracking_number>/fee/approve")
@login_required
@roles_required(Role.SUPERVISOR)
def approve_fee(tracking_number: str):
    """Approve the proposed fee; the fee notice is prepared."""
    case = _case_or_404(tracking_number)
    form = ApproveFeeForm()
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return redirect(_case_page(case))
    try:
        fee = fee_ops.approve_fee(case, actor=current_user, how_to_pay=form.how_to_pay.data)
    except DomainError as err:
        _flash_error(err)
        return redirect(_case_page(case))
    return _done(_("The fee was approved; please complete and issue the fee notice."),
                 url_for("letters.letter_page", letter_id=fee.letter_id))


@bp.post("/case/<tracking_number>/fee/payment")
@login_required
@roles_required(*CASE_HANDLERS)
def record_payment(tracking_number: str):
    """Record the payment; the clock runs again."""
    case = _case_or_404(tracking_number)
    form = PaymentForm()
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return redirect(_case_page(case))
    try:
        fee_ops.record_payment(case, actor=current_user, paid_on=form.paid_on.data)
    except DomainError as err:
        _flash_error(err)
        return redirect(_case_page(case))
    return _done(_("The payment was recorded."), _case_page(case))


# --- Template previews (admin) --------------------------------------------------------------------

@bp.get("/templates")
@login_required
@roles_required(*PREVIEW_ROLES)
def templates():
    """Every standard letter template, with a preview from its sample data."""
    return render_template("letters/templates.html", specs=rendering.all_specs())


@bp.get("/templates/<key>/preview")
@login_required
@roles_required(*PREVIEW_ROLES)
def template_preview(key: str):
    """A template rendered as PDF from its sample.yaml."""
    if key not in rendering.TEMPLATE_KEYS:
        abort(404)
    html = rendering.render_html(key, rendering.context_from_sample(key))
    response = make_response(rendering.render_pdf(html))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f"inline; filename={key}.pdf"
    return response
