"""Office pages of the disclosure area (/office/disclosure/): items, candidates, conversion to
proactive disclosure, the redaction check, approval, and applicants' suggestions. Thin views."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from caseapp.calendar.service import load_calendar
from caseapp.cases.attachments import read_uploads
from caseapp.cases.models import Case
from caseapp.cases.queries import get_case
from caseapp.cases.states import STATUS_LABELS
from caseapp.core.actions import Ctx, get_action, message_for, perform
from caseapp.core.db import local_today
from caseapp.core.errors import DomainError, StaleVersionError
from caseapp.core.filestore import open_path
from caseapp.core.forms import apply_errors
from caseapp.core.permissions import CASE_HANDLERS, CASE_READERS, Role, require_agency, roles_required
from caseapp.disclosure import operations as ops
from caseapp.disclosure import queries
from caseapp.disclosure.forms import (
    AnswerForm, ApproveForm, DocumentForm, EntryForm, LinkForm, MergeForm, PlainForm, ResolveForm, SplitForm,
    StartItemForm,
)
from caseapp.disclosure.labels import (
    DECISION_LABELS, ENTRY_STATUS_LABELS, FINDING_KIND_LABELS, FINDING_SOURCE_LABELS, FINDING_STATUS_LABELS, TOPICS,
)
from caseapp.disclosure.models import PublicDocument, RedactionFinding
from caseapp.disclosure.redaction import mask
from caseapp.extensions import db

bp = Blueprint("disclosure", __name__, url_prefix="/office/disclosure")


@bp.app_context_processor
def _case_panel():
    # templates/disclosure/_case_panel.html, included in the office case page, calls this.
    from caseapp.disclosure.panel import disclosure_panel

    return {"disclosure_panel": disclosure_panel}


def _labels() -> dict:
    return {"topics": TOPICS, "finding_kinds": FINDING_KIND_LABELS, "finding_statuses": FINDING_STATUS_LABELS,
            "finding_sources": FINDING_SOURCE_LABELS, "entry_statuses": ENTRY_STATUS_LABELS,
            "decision_labels": DECISION_LABELS, "status_labels": {s.value: lbl for s, lbl in STATUS_LABELS.items()},
            "mask": mask}


def _case(tracking_number: str):
    case = get_case(tracking_number)
    if case is None:
        abort(404)
    require_agency(current_user, case.agency_id)
    return case


def _item(item_id: int):
    item = queries.get_item(item_id)
    if item is None:
        abort(404)
    require_agency(current_user, item.agency_id)
    return item


def _entry(entry_id: int):
    entry = queries.get_entry(entry_id)
    if entry is None:
        abort(404)
    require_agency(current_user, entry.agency_id)
    return entry


def _refused(err: DomainError, target: str):
    db.session.rollback()
    flash(str(err.message), "danger")
    return redirect(target)


def _run(name: str, case, raw, *, back: str, target=None):
    """Run a declared action (caseapp.disclosure.actions) from an office form: role, guards, input,
    operation and one commit in the registry's runner; flash its message or the refusal."""
    action = get_action(name)
    ctx = Ctx(user=current_user._get_current_object(), case=case, target=target)
    try:
        result = perform(action, ctx, raw, source="office")
    except DomainError as err:
        db.session.rollback()
        details = "；".join(str(v) for v in getattr(err, "errors", {}).values())
        flash(f"{err.message}{'：' + details if details and str(err.message) != details else ''}", "danger")
        return redirect(back)
    flash(message_for(action, ctx, result), "success")
    return redirect(back)


def _case_of_entry(entry):
    """The request an entry's actions are taken on: its own, or the first of its item."""
    if entry.case is not None:
        return entry.case
    cases = queries.cases_of_item(entry.item) if entry.item is not None else []
    if not cases:
        abort(404)
    return cases[0]


def _version(form) -> int | None:
    try:
        return int(form.version.data) if form.version.data else None
    except (TypeError, ValueError):
        return None


# --- Overview -----------------------------------------------------------------------------------------


@bp.get("/")
@login_required
@roles_required(*CASE_READERS)
def index():
    """Candidates for proactive disclosure, drafts awaiting approval, items, and recent publications."""
    agency_id = current_user.agency_id
    today = local_today()
    return render_template(
        "disclosure/index.html", candidates=queries.candidates(agency_id, today), drafts=queries.draft_entries(agency_id),
        items=queries.items_of_agency(agency_id) if agency_id else [],
        published=queries.published_entries(agency=current_user.agency, page_size=10)[0] if agency_id
        else queries.published_entries(page_size=10)[0],
        unanswered=len(queries.suggestions(agency_id, answered=False)), today=today, **_labels())


# --- Items -------------------------------------------------------------------------------------------


@bp.get("/items/<int:item_id>")
@login_required
@roles_required(*CASE_READERS)
def item(item_id: int):
    """One information item: its requests (split), merging another item, converting it."""
    found = _item(item_id)
    if found.merged_into_id:
        return redirect(url_for("disclosure.item", item_id=found.merged_into_id))
    return render_template(
        "disclosure/item.html", item=found, cases=queries.cases_of_item(found),
        disclosed=queries.is_disclosed, can_act=current_user.role in CASE_HANDLERS,
        can_convert=ops.can_convert_item(found), split_form=SplitForm(formdata=None), merge_form=MergeForm(formdata=None),
        entries=[e for e in queries.draft_entries(found.agency_id) if e.item_id == found.id], **_labels())


@bp.post("/cases/<tracking_number>/link")
@login_required
@roles_required(*CASE_HANDLERS)
def link(tracking_number: str):
    """Link the request to an item (one suggested on the case page, or by its number)."""
    case = _case(tracking_number)
    form = LinkForm()
    back = url_for("office.case_page", tracking_number=case.tracking_number, _anchor="disclosure")
    if not form.validate_on_submit() or not form.item_id.data:
        flash(_("Please choose an information item."), "danger")
        return redirect(back)
    return _run("link_item", case, {"item_id": str(form.item_id.data)}, back=back)


@bp.post("/cases/<tracking_number>/start-item")
@login_required
@roles_required(*CASE_HANDLERS)
def start_item(tracking_number: str):
    """Start a new item from the request."""
    case = _case(tracking_number)
    form = StartItemForm()
    back = url_for("office.case_page", tracking_number=case.tracking_number, _anchor="disclosure")
    if not form.validate_on_submit():
        flash(_("The form has expired or was not sent from this site. Please reload the page and try again."), "danger")
        return redirect(back)
    return _run("start_item", case, {"title": form.title.data}, back=back)


@bp.post("/items/<int:item_id>/split")
@login_required
@roles_required(*CASE_HANDLERS)
def split(item_id: int):
    """Move the chosen requests to a new item."""
    found = _item(item_id)
    form = SplitForm()
    back = url_for("disclosure.item", item_id=found.id)
    if not form.validate_on_submit():
        abort(400)
    ids = [int(v) for v in request.form.getlist("case_ids") if v.isdigit()]
    try:
        new = ops.split_item(found, ids, title=form.title.data, actor=current_user)
    except DomainError as err:
        return _refused(err, back)
    db.session.commit()
    flash(_("The chosen requests were moved to a new information item."), "success")
    return redirect(url_for("disclosure.item", item_id=new.id))


@bp.post("/items/<int:item_id>/merge")
@login_required
@roles_required(*CASE_HANDLERS)
def merge(item_id: int):
    """Merge another item (by its number) into this one."""
    found = _item(item_id)
    form = MergeForm()
    back = url_for("disclosure.item", item_id=found.id)
    if not form.validate_on_submit():
        abort(400)
    source = queries.get_item(form.source_id.data) if form.source_id.data else None
    if source is None or source.agency_id != found.agency_id:
        flash(_("No information item with this number in your agency."), "danger")
        return redirect(back)
    try:
        ops.merge_items(found, source, actor=current_user)
    except DomainError as err:
        return _refused(err, back)
    db.session.commit()
    flash(_("The items were merged."), "success")
    return redirect(back)


# --- Converting ---------------------------------------------------------------------------------------


def _convert_page(*, case=None, item=None):
    form = EntryForm()
    source_title = item.title if item is not None else (case.document_ref or case.description[:100])
    if request.method == "GET":
        form.title.data = source_title
    if form.validate_on_submit():
        try:
            entry = ops.draft_public_entry(actor=current_user, title=form.title.data, summary=form.summary.data,
                                           topic=form.topic.data, today=local_today(), calendar=load_calendar(),
                                           case=case, item=item)
        except DomainError as err:
            db.session.rollback()
            apply_errors(form, err.errors)
            if not err.errors:
                flash(str(err.message), "danger")
        else:
            db.session.commit()
            if entry.findings:
                flash(_("The draft was saved. The redaction check found personal data: resolve each finding "
                        "before publication."), "warning")
            else:
                flash(_("The draft was saved. Attach the redacted documents, then ask a supervisor to approve it."),
                      "success")
            return redirect(url_for("disclosure.entry", entry_id=entry.id))
    elif request.method == "POST" and form.errors.get("csrf_token"):
        flash(_("The form has expired or was not sent from this site. Please reload the page and try again."), "danger")
    return render_template("disclosure/convert.html", form=form, case=case, item=item, **_labels())


@bp.route("/cases/<tracking_number>/convert", methods=["GET", "POST"])
@login_required
@roles_required(*CASE_HANDLERS)
def convert_case(tracking_number: str):
    """转主动公开 from a disclosed request: the draft's title, summary and topic."""
    case = _case(tracking_number)
    if not ops.can_convert_case(case):
        flash(_("Only a closed request whose information was disclosed or partly disclosed can be converted to "
                "proactive disclosure."), "danger")
        return redirect(url_for("office.case_page", tracking_number=case.tracking_number))
    return _convert_page(case=case)


@bp.route("/items/<int:item_id>/convert", methods=["GET", "POST"])
@login_required
@roles_required(*CASE_HANDLERS)
def convert_item(item_id: int):
    """转主动公开 from an information item."""
    found = _item(item_id)
    if not ops.can_convert_item(found):
        flash(_("None of this item's requests was disclosed yet."), "danger")
        return redirect(url_for("disclosure.item", item_id=found.id))
    return _convert_page(item=found)


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
    return render_template(
        "disclosure/entry.html", entry=entry, form=form, doc_form=doc_form or DocumentForm(formdata=None),
        resolve_form=ResolveForm(formdata=None), approve_form=ApproveForm(formdata=None, version=entry.version),
        plain_form=PlainForm(formdata=None), open_findings=queries.open_findings(entry), clock=clock,
        can_act=current_user.role in CASE_HANDLERS and entry.status == "draft",
        can_approve=current_user.role == Role.SUPERVISOR and entry.status == "draft",
        sources=ops.source_cases(entry), **_labels()), status


@bp.get("/entries/<int:entry_id>")
@login_required
@roles_required(*CASE_READERS)
def entry(entry_id: int):
    """A public entry: its text, documents, the redaction findings, the 20-working-day clock, approval."""
    return _entry_page(_entry(entry_id))


@bp.post("/entries/<int:entry_id>/edit")
@login_required
@roles_required(*CASE_HANDLERS)
def edit(entry_id: int):
    """Save the draft's title, summary and topic (the redaction check runs again)."""
    found = _entry(entry_id)
    form = EntryForm()
    if not form.validate_on_submit():
        flash(_("The form has expired or was not sent from this site. Please reload the page and try again."), "danger")
        return redirect(url_for("disclosure.entry", entry_id=found.id))
    try:
        ops.edit_public_entry(found, title=form.title.data, summary=form.summary.data, topic=form.topic.data,
                              actor=current_user, expected_version=_version(form))
    except StaleVersionError as err:
        return _refused(err, url_for("disclosure.entry", entry_id=entry_id))
    except DomainError as err:
        db.session.rollback()
        apply_errors(form, err.errors)
        if not err.errors:
            flash(str(err.message), "danger")
        return _entry_page(_entry(entry_id), form=form, status=422)
    db.session.commit()
    flash(_("The draft was saved and checked again."), "success")
    return redirect(url_for("disclosure.entry", entry_id=found.id))


@bp.post("/entries/<int:entry_id>/documents")
@login_required
@roles_required(*CASE_HANDLERS)
def upload(entry_id: int):
    """Attach a redacted PDF; its text is checked for personal data."""
    found = _entry(entry_id)
    form = DocumentForm()
    back = url_for("disclosure.entry", entry_id=found.id)
    if not form.validate_on_submit():
        flash(_("The form has expired or was not sent from this site. Please reload the page and try again."), "danger")
        return redirect(back)
    uploads = read_uploads([request.files.get("file")])
    if not uploads:
        flash(_("Please choose a PDF file."), "danger")
        return redirect(back)
    try:
        ops.add_document(found, uploads[0], actor=current_user)
    except DomainError as err:
        return _refused(err, back)
    db.session.commit()
    flash(_("The document was attached and checked for personal data."), "success")
    return redirect(back)


@bp.post("/entries/<int:entry_id>/documents/<int:document_id>/remove")
@login_required
@roles_required(*CASE_HANDLERS)
def remove_document(entry_id: int, document_id: int):
    """Take a document off the draft."""
    found = _entry(entry_id)
    doc = db.session.get(PublicDocument, document_id)
    if doc is None or doc.entry_id != found.id:
        abort(404)
    if not PlainForm().validate_on_submit():
        abort(400)
    back = url_for("disclosure.entry", entry_id=found.id)
    try:
        ops.remove_document(found, doc, actor=current_user)
    except DomainError as err:
        return _refused(err, back)
    db.session.commit()
    flash(_("The document was removed."), "success")
    return redirect(back)


@bp.get("/entries/<int:entry_id>/documents/<int:document_id>")
@login_required
@roles_required(*CASE_READERS)
def document(entry_id: int, document_id: int):
    """A document of an entry (drafts too), for staff."""
    found = _entry(entry_id)
    doc = db.session.get(PublicDocument, document_id)
    if doc is None or doc.entry_id != found.id:
        abort(404)
    return send_file(open_path(doc.storage_key), mimetype=doc.content_type, as_attachment=True,
                     download_name=doc.original_name, max_age=0)


@bp.post("/entries/<int:entry_id>/findings/<int:finding_id>/not-personal")
@login_required
@roles_required(*CASE_HANDLERS)
def not_personal(entry_id: int, finding_id: int):
    """Resolve a finding as not personal data, with a reason."""
    found = _entry(entry_id)
    finding = db.session.get(RedactionFinding, finding_id)
    if finding is None or finding.entry_id != found.id:
        abort(404)
    form = ResolveForm()
    back = url_for("disclosure.entry", entry_id=found.id, _anchor="findings")
    if not form.validate_on_submit():
        abort(400)
    return _run("resolve_finding", _case_of_entry(found), {"reason": form.reason.data}, back=back, target=finding)


@bp.post("/entries/<int:entry_id>/approve")
@login_required
@roles_required(Role.SUPERVISOR)
def approve(entry_id: int):
    """A supervisor approves the entry; it is published today."""
    found = _entry(entry_id)
    form = ApproveForm()
    back = url_for("disclosure.entry", entry_id=found.id)
    if not form.validate_on_submit():
        abort(400)
    if _version(form) is not None and _version(form) != found.version:
        return _refused(StaleVersionError(), back)
    return _run("approve_publication", _case_of_entry(found), {}, back=back, target=found)


# --- Applicants' suggestions --------------------------------------------------------------------------


@bp.get("/suggestions")
@login_required
@roles_required(Role.SUPERVISOR, Role.AUDITOR, Role.ADMIN)
def suggestions():
    """Applicants' suggestions of proactive disclosure (Reg. 44 para. 2), unanswered first."""
    return render_template("disclosure/suggestions.html", rows=queries.suggestions(current_user.agency_id),
                           form=AnswerForm(formdata=None), can_answer=current_user.role == Role.SUPERVISOR,
                           **_labels())


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
    return _run("answer_suggestion", case, {"decision": form.decision.data, "reason": form.reason.data}, back=back,
                target=suggestion)
