"""Office pages of the disclosure area (/office/disclosure/): items, candidates, conversion to
proactive disclosure, the redaction check, approval, and applicants' suggestions. Thin views."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from caseapp.cases.queries import get_case
from caseapp.cases.states import STATUS_LABELS
from caseapp.core.actions import Ctx, attempt
from caseapp.core.clock import local_today
from caseapp.core.errors import NotFoundError
from caseapp.core.forms import apply_errors
from caseapp.core.permissions import CASE_HANDLERS, CASE_READERS, require_agency, roles_required
from caseapp.disclosure import operations as ops
from caseapp.disclosure.actions import similar_case
from caseapp.disclosure import queries
from caseapp.disclosure.forms import (
    EntryForm, LinkForm, MergeForm, SplitForm,
    StartItemForm,
)
from caseapp.disclosure.labels import (
    DECISION_LABELS, ENTRY_STATUS_LABELS, FINDING_KIND_LABELS, FINDING_SOURCE_LABELS, FINDING_STATUS_LABELS, TOPICS,
)
from caseapp.records.personal import mask

bp = Blueprint("disclosure", __name__, url_prefix="/office/disclosure")


@bp.app_context_processor
def _case_panel():
    # templates/disclosure/_case_panel.html, included in the office case page, calls this.
    from caseapp.disclosure.panel import disclosure_panel

    return {"disclosure_panel": disclosure_panel}


def page_labels() -> dict:
    """The label tables the disclosure pages use."""
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


def load_entry(entry_id: int):
    """The public entry (404 if unknown or of another agency)."""
    entry = queries.get_entry(entry_id)
    if entry is None:
        abort(404)
    require_agency(current_user, entry.agency_id)
    return entry


def run_action(name: str, case, raw, *, back: str, target=None, after=None):
    """Run a declared action from an office form; flash its message or the refusal, then go back
    (or to `after(result)`)."""
    done = attempt(name, Ctx(user=current_user._get_current_object(), case=case, target=target), raw)
    if not done.ok:
        details = "；".join(str(v) for v in done.errors.values())
        flash(f"{done.message}{'：' + details if details and done.message != details else ''}", "danger")
        return redirect(back)
    flash(done.message, "success")
    return redirect(after(done.result) if after is not None else back)


def case_of_entry(entry):
    """The request an entry's actions are taken on: its own, or the first of its item."""
    if entry.case is not None:
        return entry.case
    cases = queries.cases_of_item(entry.item) if entry.item is not None else []
    if not cases:
        abort(404)
    return cases[0]


def form_version(form) -> int | None:
    """The case version an office form carried, or None."""
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
        unanswered=len(queries.suggestions(agency_id, answered=False)), today=today, **page_labels())


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
        entries=[e for e in queries.draft_entries(found.agency_id) if e.item_id == found.id], **page_labels())


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
    return run_action("link_item", case, {"item_id": str(form.item_id.data)}, back=back)


@bp.post("/cases/<tracking_number>/judge")
@login_required
@roles_required(*CASE_HANDLERS)
def judge(tracking_number: str):
    """A clerk's answer on a suggested request: the same information, or not (judge_similar)."""
    case = _case(tracking_number)
    back = url_for("office.case_page", tracking_number=case.tracking_number, _anchor="disclosure")
    body = {"other": (request.form.get("other") or "")[:40], "same": request.form.get("same") or ""}
    try:
        other = similar_case(case, body)
    except NotFoundError as err:
        flash(str(err.message), "danger")
        return redirect(back)
    return run_action("judge_similar", case, body, back=back, target=other)


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
    return run_action("start_item", case, {"title": form.title.data}, back=back)


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
    chosen = next((c for c in queries.cases_of_item(found) if c.id in ids), None)
    if chosen is None:  # the action splits the request it is taken on when none is named: name one here
        flash(_("Please choose the requests to move to the new item."), "danger")
        return redirect(back)
    return run_action("split_item", chosen, {"title": form.title.data, "case_ids": ids}, back=back,
                      after=lambda new: url_for("disclosure.item", item_id=new.id))


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
    members = queries.cases_of_item(found)
    if source is None or source.agency_id != found.agency_id or not members:
        flash(_("No information item with this number in your agency."), "danger")
        return redirect(back)
    return run_action("merge_items", members[0], {"source_item_id": str(source.id)}, back=back)


# --- Converting ---------------------------------------------------------------------------------------


def _convert_page(*, case=None, item=None):
    form = EntryForm()
    source_title = item.title if item is not None else (case.document_ref or case.description[:100])
    if request.method == "GET":
        form.title.data = source_title
    if form.validate_on_submit():
        members = queries.cases_of_item(item) if item is not None else [case]
        raw = {"title": form.title.data, "summary": form.summary.data, "topic": form.topic.data}
        done = attempt("convert_item_to_public" if item is not None else "convert_to_public",
                       Ctx(user=current_user._get_current_object(), case=members[0]), raw)
        if done.ok:
            flash(done.message, "warning" if done.result.findings else "success")
            return redirect(url_for("disclosure.entry", entry_id=done.result.id))
        apply_errors(form, done.errors)
        if not done.errors:
            flash(done.message, "danger")
    elif request.method == "POST" and form.errors.get("csrf_token"):
        flash(_("The form has expired or was not sent from this site. Please reload the page and try again."), "danger")
    return render_template("disclosure/convert.html", form=form, case=case, item=item, **page_labels())


@bp.route("/cases/<tracking_number>/convert", methods=["GET", "POST"])
@login_required
@roles_required(*CASE_HANDLERS)
def convert_case(tracking_number: str):
    """转主动公开 from a disclosed request: the draft's title, summary and topic."""
    case = _case(tracking_number)
    may = attempt("convert_to_public", Ctx(user=current_user._get_current_object(), case=case), None)
    if not may.ok:
        flash(may.message, "danger")
        return redirect(url_for("office.case_page", tracking_number=case.tracking_number))
    return _convert_page(case=case)


@bp.route("/items/<int:item_id>/convert", methods=["GET", "POST"])
@login_required
@roles_required(*CASE_HANDLERS)
def convert_item(item_id: int):
    """转主动公开 from an information item."""
    found = _item(item_id)
    members = queries.cases_of_item(found)
    user = current_user._get_current_object()
    may = attempt("convert_item_to_public", Ctx(user=user, case=members[0]), None) if members else None
    if may is None or not may.ok:
        flash(may.message if may is not None else _("None of this item's requests was disclosed yet."), "danger")
        return redirect(url_for("disclosure.item", item_id=found.id))
    return _convert_page(item=found)


# The public entries' pages (edit, documents, findings, approval) and the applicants' suggestions.
from caseapp.disclosure import entry_views  # noqa: E402,F401
