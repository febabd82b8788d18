"""Office pages: the liaison inbox, a consultation's page (answer, paper answer) and sending one from
a case.

Each view loads (404), checks access (403/404), validates, calls one operation, then commits once.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from caseapp.accounts.operations import list_agencies
from caseapp.cases.attachments import attachments_for_case
from caseapp.cases.models import Case
from caseapp.cases.queries import get_case
from caseapp.consultations import operations as ops
from caseapp.consultations import queries
from caseapp.consultations.forms import AnswerForm, ConsultForm, DisclosureNoticeForm, RecordOpinionForm
from caseapp.core import filestore
from caseapp.core.clock import local_today
from caseapp.core.actions import Ctx, attempt
from caseapp.core.errors import ForbiddenError
from caseapp.core.forms import apply_errors, choices
from caseapp.core.permissions import CASE_HANDLERS, CASE_READERS, Role, require_agency, roles_required
from caseapp.extensions import db

bp = Blueprint("consultations", __name__, url_prefix="/office")

ADDRESSEES = (Role.LIAISON, Role.CLERK, Role.SUPERVISOR)
KIND_INPUTS = {"department": ("department", "due_days"), "agency": ("agency", "agency_name", "agency_address", "purpose"),
               "third_party": ("third_party_name", "third_party_address", "third_party_phone")}
ANYONE = (Role.CLERK, Role.SUPERVISOR, Role.LIAISON, Role.AUDITOR, Role.ADMIN)


def _load_case(tracking_number: str) -> Case:
    case = get_case(tracking_number)
    if case is None:
        abort(404)
    require_agency(current_user, case.agency_id)
    return case


def _load_consultation(consultation_id: int):
    c = queries.visible_consultation(current_user, consultation_id)
    if c is None:
        abort(404)
    return c


def _run(name: str, c_case: Case, target, raw, form):
    """A consultation action (caseapp.consultations.actions) from an office form: its messages go
    beside the form's fields and are flashed; 403 for a user it is not for."""
    done = attempt(name, Ctx(user=current_user._get_current_object(), case=c_case, target=target), raw)
    if isinstance(done.error, ForbiddenError):
        abort(403)
    if not done.ok:
        apply_errors(form, done.errors)
    flash(done.message, "success" if done.ok else "danger")
    return done


# --- Case panel (included at the end of the case page) ---------------------------------------------

@bp.app_context_processor
def _panel_helpers():
    def consultation_panel(case):
        """What the consultations panel of the case page shows."""
        return {
            "consultations": queries.consultations_for_case(case),
            "objections": queries.objections(case),
            "can_consult": current_user.is_authenticated and current_user.role in CASE_HANDLERS
            and current_user.agency_id == case.agency_id,
            "kind_labels": queries.KIND_LABELS, "status_labels": queries.STATUS_LABELS,
            "opinion_labels": queries.OPINION_LABELS,
        }

    return {"consultation_panel": consultation_panel}


# --- Sending a consultation ------------------------------------------------------------------------

def _consult_choices(form: ConsultForm, case: Case) -> None:
    form.department.choices = choices((d.code, d.name) for d in case.agency.departments)
    form.agency.choices = choices([("", "—")] + [(a.code, a.name) for a in list_agencies() if a.id != case.agency_id])
    form.attachments.choices = choices((str(a.id), a.original_name) for a in attachments_for_case(case)
                                       if a.kind not in ops.PRIVATE_ATTACHMENT_KINDS)


@bp.route("/cases/<tracking_number>/consult", methods=["GET", "POST"])
@login_required
@roles_required(*CASE_HANDLERS)
def consult(tracking_number: str):
    """Seek the opinion of a department, another agency or a third party."""
    case = _load_case(tracking_number)
    form = ConsultForm()
    _consult_choices(form, case)
    if request.method == "GET":
        form.sent_on.data = local_today().isoformat()
    if form.validate_on_submit():
        # The form's fields carry the schema's names (caseapp.consultations.actions); the page shows the
        # inputs of every kind of addressee, and only the chosen kind's are sent on.
        raw = request.form.copy()
        for kind, names in KIND_INPUTS.items():
            if kind != form.kind.data:
                for name in names:
                    raw.pop(name, None)
        if _run("consult", case, case, raw, form).ok:
            return redirect(url_for("office.case_page", tracking_number=case.tracking_number) + "#consultations")
    status = 422 if request.method == "POST" else 200  # invalid input: the page again, with the messages
    return render_template("consultations/consult.html", case=case, form=form), status


# --- Liaison inbox and a consultation's page -------------------------------------------------------

@bp.get("/consultations")
@login_required
@roles_required(*ADDRESSEES)
def inbox():
    """Consultations addressed to the user: their department (liaison) or their agency (clerk, supervisor)."""
    status = request.args.get("status") or None
    if status not in (None, "waiting", "answered", "lapsed", "deemed_consent"):
        status = None
    return render_template("consultations/inbox.html", items=queries.inbox_for(current_user, status=status),
                           status=status, kind_labels=queries.KIND_LABELS, status_labels=queries.STATUS_LABELS,
                           opinion_labels=queries.OPINION_LABELS, today=local_today())


@bp.get("/consultations/<int:consultation_id>")
@login_required
@roles_required(*ANYONE)
def detail(consultation_id: int):
    """One consultation: the question, the material, the answer (or the forms to give one)."""
    c = _load_consultation(consultation_id)
    return _detail_page(c, AnswerForm(), RecordOpinionForm(), DisclosureNoticeForm())


def _detail_page(c, answer_form, record_form, notice_form):
    can_cancel = (current_user.role in CASE_HANDLERS and current_user.agency_id == c.agency_id
                  and c.status == "sent")
    can_record = can_cancel and ops.answers_on_paper(c)
    if request.method == "GET" and not record_form.received_on.data:
        record_form.received_on.data = local_today().isoformat()
    return render_template(
        "consultations/detail.html", c=c, answer_form=answer_form, record_form=record_form,
        notice_form=notice_form, can_answer=ops.can_answer(current_user, c) and c.status == "sent",
        can_record=can_record, can_cancel=can_cancel, is_asking=queries.of_asking_agency(current_user, c),
        can_notice=(current_user.role in CASE_HANDLERS and current_user.agency_id == c.agency_id
                    and c.kind == "third_party" and c.opinion in ("disagree", "partial")),
        kind_labels=queries.KIND_LABELS, status_labels=queries.STATUS_LABELS, opinion_labels=queries.OPINION_LABELS)


@bp.post("/consultations/<int:consultation_id>/answer")
@login_required
@roles_required(*ADDRESSEES)
def answer(consultation_id: int):
    """The addressee answers: agree, disagree or partial, with reasons and files."""
    c = _load_consultation(consultation_id)
    form = AnswerForm()
    if form.validate_on_submit():
        if _run("answer_consultation", c.case, c, request.form, form).ok:
            return redirect(url_for("consultations.detail", consultation_id=c.id))
    return _detail_page(c, form, RecordOpinionForm(), DisclosureNoticeForm()), 422


@bp.post("/consultations/<int:consultation_id>/record")
@login_required
@roles_required(*CASE_HANDLERS)
def record(consultation_id: int):
    """A clerk records an answer that arrived on paper, with the date it was received."""
    c = _load_consultation(consultation_id)
    form = RecordOpinionForm()
    if form.validate_on_submit():
        if _run("record_opinion", c.case, c, {**request.form.to_dict(), "consultation_id": str(c.id)}, form).ok:
            return redirect(url_for("consultations.detail", consultation_id=c.id))
    return _detail_page(c, AnswerForm(), form, DisclosureNoticeForm()), 422


@bp.post("/consultations/<int:consultation_id>/disclosure-notice")
@login_required
@roles_required(*CASE_HANDLERS)
def disclosure_notice(consultation_id: int):
    """Disclose over a third party's objection: draft the notice to the third party."""
    c = _load_consultation(consultation_id)
    form = DisclosureNoticeForm()
    if form.validate_on_submit():
        done = _run("draft_disclosure_notice", c.case, c, request.form, form)
        if done.ok:
            return redirect(url_for("letters.letter_page", letter_id=done.result.id))
    return _detail_page(c, AnswerForm(), RecordOpinionForm(), form), 422


@bp.get("/consultations/<int:consultation_id>/files/<int:file_id>")
@login_required
@roles_required(*ANYONE)
def file(consultation_id: int, file_id: int):
    """Download a consultation's material or answer file (after the access check)."""
    c = _load_consultation(consultation_id)
    found = next((f for f in c.files if f.id == file_id), None)
    if found is None:
        abort(404)
    return send_file(filestore.open_path(found.storage_key), mimetype=found.content_type, as_attachment=True,
                     download_name=found.original_name)
