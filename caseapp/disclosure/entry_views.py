"""Office pages of the public entries (edit, documents, redaction findings, approval) and of the
applicants' suggestions; the routes sit on the disclosure blueprint (caseapp/disclosure/views.py)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from caseapp.calendar.service import load_calendar
from caseapp.cases.models import Case
from caseapp.core.actions import Ctx, attempt
from caseapp.core.clock import local_today
from caseapp.core.filestore import open_path
from caseapp.core.forms import apply_errors
from caseapp.core.permissions import CASE_HANDLERS, CASE_READERS, Role, require_agency, roles_required
from caseapp.disclosure import operations as ops
from caseapp.disclosure import queries
from caseapp.disclosure.forms import (
    AnswerForm, ApproveForm, DocumentForm, EntryForm, PlainForm, ResolveForm,
)
from caseapp.disclosure.models import PublicDocument, RedactionFinding
from caseapp.extensions import db
from caseapp.disclosure.views import bp, case_of_entry, form_version, load_entry, page_labels, run_action


# --- Entries ------------------------------------------------------------------------------------------


def _entry_page(entry, *, form=None, doc_form=None, status: int = 200):
    cal = load_calendar()
    today = local_today()
    end = entry.published_on or today
    clock = {"target_on": entry.target_on, "used": cal.working_days_between(entry.decided_on, end),
             "left": cal.working_days_between(today, entry.target_on) if today < entry.target_on else 0,
             "overdue": entry.status == "draft" and today > entry.target_on}
    form = form or EntryForm(formdata=None, obj=entry)
    form.version.data = entry.version
    sources = ops.source_cases(entry)
    versions = queries.versions_to_attach(entry, sources)
    doc_form = doc_form or DocumentForm(formdata=None)
    numbers = {c.id: c.tracking_number for c in sources}
    doc_form.record_id.choices = [("", "—")] + [(str(r.id), _version_label(r, numbers[r.case_id])) for r in versions]
    return render_template(
        "disclosure/entry.html", entry=entry, form=form, doc_form=doc_form, versions=versions,
        resolve_form=ResolveForm(formdata=None), approve_form=ApproveForm(formdata=None, version=entry.version),
        plain_form=PlainForm(formdata=None), open_findings=queries.open_findings(entry), clock=clock,
        can_act=current_user.role in CASE_HANDLERS and entry.status == "draft",
        can_approve=current_user.role == Role.SUPERVISOR and entry.status == "draft",
        sources=sources, **page_labels()), status


def _version_label(record, number: str) -> str:
    """How a release version is offered: its title, whether redacted or as it is, its request and pages."""
    kind = _("redacted version") if record.kind == "redacted" else _("version released as it is")
    return _("%(title)s (%(kind)s, %(case)s, %(pages)s p.)", title=record.title, kind=kind, case=number,
             pages=record.page_count)


@bp.get("/entries/<int:entry_id>")
@login_required
@roles_required(*CASE_READERS)
def entry(entry_id: int):
    """A public entry: its text, documents, the redaction findings, the 20-working-day clock, approval."""
    return _entry_page(load_entry(entry_id))


@bp.post("/entries/<int:entry_id>/edit")
@login_required
@roles_required(*CASE_HANDLERS)
def edit(entry_id: int):
    """Save the draft's title, summary and topic (the redaction check runs again)."""
    found = load_entry(entry_id)
    form = EntryForm()
    back = url_for("disclosure.entry", entry_id=found.id)
    if not form.validate_on_submit():
        flash(_("The form has expired or was not sent from this site. Please reload the page and try again."), "danger")
        return redirect(back)
    raw = {"title": form.title.data, "summary": form.summary.data, "topic": form.topic.data,
           "entry_version": form.version.data}
    done = attempt("edit_entry", Ctx(user=current_user._get_current_object(), case=case_of_entry(found), target=found),
                   raw)
    if done.ok or not done.errors:
        flash(done.message, "success" if done.ok else "danger")
        return redirect(back)
    apply_errors(form, done.errors)
    return _entry_page(load_entry(entry_id), form=form, status=422)


@bp.post("/entries/<int:entry_id>/documents")
@login_required
@roles_required(*CASE_HANDLERS)
def attach(entry_id: int):
    """Attach a release version of a record of the entry's requests; a sanitised copy is checked for
    personal data and published with the entry."""
    found = load_entry(entry_id)
    form = DocumentForm()
    back = url_for("disclosure.entry", entry_id=found.id)
    if not form.validate_on_submit() and form.errors.get("csrf_token"):
        flash(_("The form has expired or was not sent from this site. Please reload the page and try again."), "danger")
        return redirect(back)
    return run_action("add_document", case_of_entry(found), {"record_id": request.form.get("record_id", "")},
                      back=back, target=found)


@bp.post("/entries/<int:entry_id>/documents/<int:document_id>/remove")
@login_required
@roles_required(*CASE_HANDLERS)
def remove_document(entry_id: int, document_id: int):
    """Take a document off the draft."""
    found = load_entry(entry_id)
    if not PlainForm().validate_on_submit():
        abort(400)
    back = url_for("disclosure.entry", entry_id=found.id)
    return run_action("remove_document", case_of_entry(found), {"document_id": str(document_id)}, back=back,
                      target=found)


def _document_of(entry, document_id: int) -> PublicDocument:
    """A document of this entry (404 for any other)."""
    doc = db.session.get(PublicDocument, document_id)
    if doc is None or doc.entry_id != entry.id:
        abort(404)
    return doc


@bp.get("/entries/<int:entry_id>/documents/<int:document_id>")
@login_required
@roles_required(*CASE_READERS)
def document(entry_id: int, document_id: int):
    """A document of an entry (drafts too), for staff."""
    found = load_entry(entry_id)
    doc = _document_of(found, document_id)
    return send_file(open_path(doc.storage_key), mimetype=doc.content_type, as_attachment=True,
                     download_name=doc.original_name, max_age=0)


@bp.post("/entries/<int:entry_id>/findings/<int:finding_id>/not-personal")
@login_required
@roles_required(*CASE_HANDLERS)
def not_personal(entry_id: int, finding_id: int):
    """Resolve a finding as not personal data, with a reason."""
    found = load_entry(entry_id)
    finding = db.session.get(RedactionFinding, finding_id)
    if finding is None or finding.entry_id != found.id:
        abort(404)
    form = ResolveForm()
    back = url_for("disclosure.entry", entry_id=found.id, _anchor="findings")
    if not form.validate_on_submit():
        abort(400)
    return run_action("resolve_finding", case_of_entry(found), {"reason": form.reason.data}, back=back, target=finding)


@bp.post("/entries/<int:entry_id>/approve")
@login_required
@roles_required(Role.SUPERVISOR)
def approve(entry_id: int):
    """A supervisor approves the entry; it is published today."""
    found = load_entry(entry_id)
    form = ApproveForm()
    back = url_for("disclosure.entry", entry_id=found.id)
    if not form.validate_on_submit():
        abort(400)
    return run_action("approve_publication", case_of_entry(found), {"entry_version": form_version(form)}, back=back,
                      target=found)


# --- Applicants' suggestions --------------------------------------------------------------------------


@bp.get("/suggestions")
@login_required
@roles_required(Role.SUPERVISOR, Role.AUDITOR, Role.ADMIN)
def suggestions():
    """Applicants' suggestions of proactive disclosure (Reg. 44 para. 2), unanswered first."""
    return render_template("disclosure/suggestions.html", rows=queries.suggestions(current_user.agency_id),
                           form=AnswerForm(formdata=None), can_answer=current_user.role == Role.SUPERVISOR,
                           **page_labels())


@bp.post("/suggestions/<int:suggestion_id>/answer")
@login_required
@roles_required(Role.SUPERVISOR)
def answer(suggestion_id: int):
    """Answer a suggestion: agree or not, with a reason (shown to the applicant on the tracking page)."""
    suggestion = queries.get_suggestion(suggestion_id)
    if suggestion is None:
        abort(404)
    case = db.session.get(Case, suggestion.case_id)
    require_agency(current_user, case.agency_id)
    form = AnswerForm()
    back = url_for("disclosure.suggestions", _anchor=f"s{suggestion.id}")
    if not form.validate_on_submit():
        if form.errors.get("csrf_token"):
            abort(400)
        flash(_("Please choose whether the agency agrees and give the reason."), "danger")
        return redirect(back)
    return run_action("answer_suggestion", case, {"decision": form.decision.data, "reason": form.reason.data}, back=back,
                target=suggestion)
