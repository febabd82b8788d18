"""Office pages for cases: the inbox, registering a paper request, the case page and its actions."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from caseapp.calendar.service import load_calendar
from caseapp.cases import inbox as inbox_queries
from caseapp.cases import operations as ops
from caseapp.cases import states
from caseapp.cases.attachments import (
    attach_files,
    attachments_for_case,
    check_uploads,
    get_attachment,
    read_uploads,
)
from caseapp.cases.forms import (
    AcceptForm,
    AssignForm,
    CloseForm,
    CorrectionRequestForm,
    NoteForm,
    ReceiveCorrectionForm,
    RegisterForm,
    ReopenForm,
    RevealForm,
    WithdrawForm,
    parse_day,
)
from caseapp.cases.identity import mask_id
from caseapp.core.forms import apply_errors, choices
from caseapp.cases.models import Case
from caseapp.cases.notes import add_note, list_notes
from caseapp.cases.outcomes import get_outcome
from caseapp.cases.queries import count_cases_by_status, get_case
from caseapp.cases.states import STATUS_LABELS, Status
from caseapp.cases.validation import validate_request
from caseapp.clock.rules import REPLY_DAYS, correction_due, correction_notice_deadline
from caseapp.clock.service import describe_clock
from caseapp.core import filestore
from caseapp.core.db import local_today
from caseapp.core.errors import StaleVersionError, TransitionError, ValidationError
from caseapp.core.permissions import CASE_HANDLERS, CASE_READERS, Role, require_agency, roles_required
from caseapp.extensions import db
from caseapp.intake.labels import (
    APPLICANT_TYPE_LABELS,
    ATTACHMENT_KIND_LABELS,
    CHANNEL_LABELS,
    DELIVERY_LABELS,
    FORM_LABELS,
    ID_TYPE_LABELS,
)
from caseapp.letters.queries import pending_work

bp = Blueprint("office", __name__, url_prefix="/office")

RECEIPT_SESSION_KEY = "office_receipt"
REVEAL_SESSION_KEY = "office_reveal"


@bp.get("/")
@login_required
@roles_required(*CASE_READERS, Role.LIAISON)
def index():
    """The office home: the inbox's counts, the letters and approvals waiting, and cases by status,
    for the user's agency (or all agencies, for platform-wide users)."""
    counts = count_cases_by_status(current_user.agency_id) if current_user.role in CASE_READERS else {}
    rows = [(s, STATUS_LABELS[s], counts.get(s.value, 0)) for s in Status]
    tabs = (inbox_queries.inbox_counts(current_user, local_today(), _soon_days(), load_calendar())
            if current_user.role in CASE_READERS else {})
    work = pending_work(current_user) if current_user.role in CASE_HANDLERS else None
    return render_template("office/index.html", rows=rows, tabs=tabs, work=work, tab_labels=TAB_LABELS)


# --- helpers -------------------------------------------------------------------------------------


def _soon_days() -> int:
    return int(current_app.config.get("DUE_SOON_DAYS", 5))


def _load_case(tracking_number: str) -> Case:
    """The case (404 if unknown or in another agency)."""
    case = get_case(tracking_number)
    if case is None:
        abort(404)
    require_agency(current_user, case.agency_id)
    return case


TAB_LABELS = {
    "open": _l("All open"), "mine": _l("My cases"), "unassigned": _l("Unassigned"), "due_soon": _l("Due soon"),
    "overdue": _l("Overdue"), "correction": _l("Awaiting correction"), "all": _l("All cases"),
}


def _labels() -> dict:
    return {
        "tab_labels": TAB_LABELS,
        "status_labels": {s.value: label for s, label in STATUS_LABELS.items()},
        "channel_labels": CHANNEL_LABELS,
        "applicant_type_labels": APPLICANT_TYPE_LABELS,
        "id_type_labels": ID_TYPE_LABELS,
        "form_labels": FORM_LABELS,
        "delivery_labels": DELIVERY_LABELS,
        "kind_labels": ATTACHMENT_KIND_LABELS,
    }


def _case_url(case: Case, anchor: str | None = None) -> str:
    return url_for("office.case_page", tracking_number=case.tracking_number, _anchor=anchor)


def _refused(case: Case, err) -> object:
    """A stale version or a forbidden transition: nothing changed; say so on the reloaded case page."""
    db.session.rollback()
    if isinstance(err, StaleVersionError):
        flash(_("This case was changed by someone else in the meantime. The page now shows its current state; "
                "please check it and try again."), "danger")
    else:
        flash(str(err.message), "danger")
    return redirect(_case_url(case))


# --- inbox ---------------------------------------------------------------------------------------


def _filters_from_args(args) -> tuple[inbox_queries.InboxFilters, list[str]]:
    """Inbox filters from the query string; malformed values are dropped with a message."""
    problems = []

    def day(name):
        try:
            return parse_day(args.get(name))
        except ValueError:
            problems.append(_("“%(value)s” is not a date like 2026-11-27; that filter was ignored.",
                              value=args.get(name)))
            return None

    def integer(name, default=None):
        value = args.get(name, "")
        return int(value) if value.isdigit() and len(value) < 10 else default

    filters = inbox_queries.InboxFilters(
        tab=args.get("tab") if args.get("tab") in inbox_queries.TABS else "open",
        q=(args.get("q") or "").strip()[:100] or None,
        status=args.get("status") if args.get("status") in {s.value for s in Status} else None,
        channel=args.get("channel") if args.get("channel") in CHANNEL_LABELS else None,
        applicant_type=args.get("applicant_type") if args.get("applicant_type") in APPLICANT_TYPE_LABELS else None,
        department_id=integer("department"),
        handler=args.get("handler") if args.get("handler") == "none" or (args.get("handler") or "").isdigit() else None,
        received_from=day("received_from"),
        received_to=day("received_to"),
        sort=args.get("sort") if args.get("sort") in inbox_queries.SORTS else "due",
        page=integer("page", 1) or 1,
    )
    return filters, problems


@bp.get("/cases")
@login_required
@roles_required(*CASE_READERS)
def inbox():
    """The inbox: tabs with counts, filters, search, sorted by due date, 50 a page."""
    filters, problems = _filters_from_args(request.args)
    today = local_today()
    cal = load_calendar()
    soon = _soon_days()
    counts = inbox_queries.inbox_counts(current_user, today, soon, cal)
    page = inbox_queries.inbox_page(current_user, filters, today, soon, cal)
    clocks = {c.id: inbox_queries.row_clock(c, today, soon, cal) for c in page.items}
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "office/inbox.html", filters=filters, problems=problems, counts=counts, page=page, clocks=clocks,
        args=args, departments=inbox_queries.departments_for(current_user),
        handlers=inbox_queries.handlers_for(current_user), today=today, **_labels(),
    )


# --- registration and receipt --------------------------------------------------------------------


@bp.route("/cases/new", methods=["GET", "POST"])
@login_required
@roles_required(*CASE_HANDLERS)
def register():
    """Register a request that arrived on paper, by post, fax, e-mail, in person or orally."""
    form = RegisterForm()
    if request.method == "GET" and not form.received_on.data:
        form.received_on.data = local_today().isoformat()
    if form.validate_on_submit():
        try:
            uploads = read_uploads(form.files.data or [])
            check_uploads(uploads)  # refuse bad files before anything is filed
            reg = ops.register_case(current_user.agency, form.request_data(), channel=form.channel.data,
                                    received_on=form.received_on.day, actor=current_user)
            attach_files(reg.case, uploads, kind="scan", actor=current_user)
        except ValidationError as err:
            db.session.rollback()
            apply_errors(form, err.errors)
            if not err.errors:
                form.form_errors.append(str(err.message))
        else:
            db.session.commit()
            # The query code exists only now: keep it for the one printed receipt.
            session[RECEIPT_SESSION_KEY] = {"tracking_number": reg.case.tracking_number, "code": reg.query_code}
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
    case = _load_case(tracking_number)
    stored = session.get(RECEIPT_SESSION_KEY) or {}
    code = None
    if stored.get("tracking_number") == case.tracking_number:
        code = stored.get("code")
        session.pop(RECEIPT_SESSION_KEY, None)
    clock = describe_clock(case, local_today(), soon_days=_soon_days())
    return render_template("office/receipt.html", case=case, query_code=code, clock=clock, today=local_today(),
                           **_labels())


# --- case page -----------------------------------------------------------------------------------


def _event_labels() -> dict:
    return {
        "case.registered": _("Registered"),
        "case.accepted": _("Accepted"),
        "case.correction_requested": _("Correction requested"),
        "case.correction_received": _("Correction received"),
        "case.assigned": _("Assigned"),
        "case.withdrawn": _("Withdrawn"),
        "case.closed": _("Closed"),
        "case.reopened": _("Reopened"),
        "case.fee_notice_served": _("Fee notice served"),
        "case.fee_paid": _("Fee paid"),
        "case.note_added": _("Internal note"),
        "case.id_revealed": _("ID number displayed"),
        "case.files_attached": _("Files attached"),
    }


def _actions_for(case: Case) -> list[tuple[str, str, str]]:
    """(endpoint, label, button style) of the actions this user may take on the case now."""
    role = current_user.role
    handler = role in CASE_HANDLERS
    out = []
    if handler and states.can_accept(case):
        out.append(("office.accept", _("Accept"), "primary"))
    if handler and states.can_request_correction(case) and case.correction_count == 0:
        out.append(("office.request_correction_view", _("Request correction"), "outline-primary"))
    if handler and states.can_receive_correction(case):
        out.append(("office.receive_correction_view", _("Receive correction"), "primary"))
    if handler and states.allowed("assign", case.status):
        out.append(("office.assign", _("Assign"), "outline-secondary"))
    if role == Role.SUPERVISOR and states.can_close(case):
        out.append(("office.close", _("Close"), "outline-danger"))
    if handler and states.can_withdraw(case):
        out.append(("office.withdraw", _("Record withdrawal"), "outline-secondary"))
    if role == Role.SUPERVISOR and states.can_reopen(case):
        out.append(("office.reopen", _("Reopen"), "outline-danger"))
    return out


@bp.get("/cases/<tracking_number>")
@login_required
@roles_required(*CASE_READERS)
def case_page(tracking_number: str):
    """One case: the request, the applicant, attachments, the clock, the timeline, notes and actions."""
    case = _load_case(tracking_number)
    reveal = session.get(REVEAL_SESSION_KEY) == case.id
    if reveal:
        session.pop(REVEAL_SESSION_KEY, None)  # shown once; a reload masks it again
    today = local_today()
    return render_template(
        "office/case.html", case=case, today=today,
        clock=describe_clock(case, today, soon_days=_soon_days()),
        id_display=case.id_number if reveal else mask_id(case.id_number), revealed=reveal,
        attachments=attachments_for_case(case), timeline=inbox_queries.timeline(case),
        event_labels=_event_labels(), notes=list_notes(case),
        earlier=inbox_queries.earlier_requests(case), month_count=inbox_queries.requests_in_month(case),
        actions=_actions_for(case), note_form=NoteForm(), reveal_form=RevealForm(),
        outcome=get_outcome(case.outcome) if case.outcome else None, get_outcome=get_outcome,
        can_note=current_user.role in CASE_HANDLERS, **_labels(),
    )


@bp.post("/cases/<tracking_number>/reveal-id")
@login_required
@roles_required(*CASE_READERS)
def reveal_id(tracking_number: str):
    """Show the applicant's full ID number once; every display is recorded in the audit trail."""
    case = _load_case(tracking_number)
    form = RevealForm()
    if form.validate_on_submit():
        ops.reveal_id_number(case, actor=current_user)
        db.session.commit()
        session[REVEAL_SESSION_KEY] = case.id
    return redirect(_case_url(case, "applicant"))


@bp.get("/cases/<tracking_number>/attachments/<int:attachment_id>")
@login_required
@roles_required(*CASE_READERS)
def attachment(tracking_number: str, attachment_id: int):
    """Download one attachment of the case (looked up by record, after the access checks)."""
    case = _load_case(tracking_number)
    att = get_attachment(case, attachment_id)
    if att is None:
        abort(404)
    return send_file(filestore.open_path(att.storage_key), mimetype=att.content_type, as_attachment=True,
                     download_name=att.original_name)


@bp.post("/cases/<tracking_number>/notes")
@login_required
@roles_required(*CASE_HANDLERS)
def note(tracking_number: str):
    """Add an internal note."""
    case = _load_case(tracking_number)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            add_note(case, actor=current_user, text=form.text.data)
        except ValidationError as err:
            db.session.rollback()
            flash(str(err.message), "danger")
        else:
            db.session.commit()
            flash(_("The note was added."), "success")
    else:
        flash(_("Please write the note."), "danger")
    return redirect(_case_url(case, "notes"))


# --- actions -------------------------------------------------------------------------------------
# Each action has a page (GET) that says what it will do, and the same URL (POST) that does it.


def _action(case: Case, action: str, form, template_args: dict, perform, done_message: str):
    """Shared flow: refuse a forbidden status, validate, run the one operation, commit, redirect."""
    allowed = states.allowed(action, case.status) and not (action == "request_correction" and case.correction_count)
    if request.method == "GET":
        form.version.data = case.version
    elif form.validate_on_submit():
        try:
            result = perform(form)
        except (StaleVersionError, TransitionError) as err:
            return _refused(case, err)
        except ValidationError as err:
            db.session.rollback()
            apply_errors(form, err.errors)
            if not err.errors:
                form.form_errors.append(str(err.message))
        else:
            db.session.commit()
            flash(done_message, "success")
            if isinstance(result, ops.CorrectionRequest) and result.late:
                flash(_("Note: the correction notice went out after the deadline of %(day)s "
                        "(7 working days after receipt, Reg. 30).", day=result.notice_deadline.isoformat()),
                      "warning")
            return redirect(_case_url(case))
    elif form.version.errors:
        return _refused(case, StaleVersionError())
    return render_template(
        "office/action.html", case=case, action=action, form=form, allowed=allowed,
        transition=states.TRANSITIONS[action], status_label=STATUS_LABELS[Status(case.status)],
        target_label=STATUS_LABELS[states.target_status(action, case.status)] if allowed else None,
        clock=describe_clock(case, local_today(), soon_days=_soon_days()), **template_args, **_labels(),
    )


@bp.route("/cases/<tracking_number>/accept", methods=["GET", "POST"])
@login_required
@roles_required(*CASE_HANDLERS)
def accept(tracking_number: str):
    """Accept the request for handling."""
    case = _load_case(tracking_number)
    return _action(
        case, "accept", AcceptForm(), {},
        lambda f: ops.accept_case(case, actor=current_user, expected_version=f.expected_version()),
        _("The request was accepted."),
    )


@bp.route("/cases/<tracking_number>/request-correction", methods=["GET", "POST"])
@login_required
@roles_required(*CASE_HANDLERS)
def request_correction_view(tracking_number: str):
    """Tell the applicant, once, everything to correct and by when (Reg. 30)."""
    case = _load_case(tracking_number)
    today = local_today()
    cal = load_calendar()
    deadline = correction_notice_deadline(case.clock_started_on, cal)
    form = CorrectionRequestForm()
    return _action(
        case, "request_correction", form,
        {"notice_deadline": deadline, "late": today > deadline,
         "correction_due_on": correction_due(today, cal, form.period_days.data or 15)},
        lambda f: ops.request_correction(case, actor=current_user, details=f.details.data,
                                         period_days=f.period_days.data, expected_version=f.expected_version()),
        _("The correction notice was recorded; the clock stops until the correction arrives."),
    )


@bp.route("/cases/<tracking_number>/receive-correction", methods=["GET", "POST"])
@login_required
@roles_required(*CASE_HANDLERS)
def receive_correction_view(tracking_number: str):
    """Record a correction that arrived on paper, by post or in person, with its date."""
    case = _load_case(tracking_number)
    form = ReceiveCorrectionForm()
    if request.method == "GET":
        form.received_on.data = local_today().isoformat()
    return _action(
        case, "receive_correction", form, {"reply_days": REPLY_DAYS},
        lambda f: ops.receive_correction(case, actor=current_user, text=f.description.data,
                                         received_on=f.received_on.day, expected_version=f.expected_version()),
        _("The correction was recorded; the 20 working days start again from its arrival."),
    )


@bp.route("/cases/<tracking_number>/assign", methods=["GET", "POST"])
@login_required
@roles_required(*CASE_HANDLERS)
def assign(tracking_number: str):
    """Give the case to a clerk or supervisor of the agency."""
    case = _load_case(tracking_number)
    form = AssignForm()
    users = inbox_queries.assignable_users(case.agency_id)
    form.user.choices = choices([("", "—")] + [(str(u.id), f"{u.display_name}（{u.username}）") for u in users])

    def perform(f):
        handler = inbox_queries.get_user_in_agency(f.user.data, case.agency_id) if f.user.data else None
        if handler is None:
            raise ValidationError(_("Please choose a handler."), errors={"user": _("Please choose a handler.")})
        return ops.assign_case(case, actor=current_user, handler=handler, expected_version=f.expected_version())

    return _action(case, "assign", form, {}, perform, _("The handler was changed."))


@bp.route("/cases/<tracking_number>/close", methods=["GET", "POST"])
@login_required
@roles_required(Role.SUPERVISOR)
def close(tracking_number: str):
    """Close directly with an outcome and a reason (normally a reply letter closes a case)."""
    case = _load_case(tracking_number)
    return _action(
        case, "close", CloseForm(), {},
        lambda f: ops.close_case(case, actor=current_user, outcome=f.outcome.data, reason=f.reason.data,
                                 expected_version=f.expected_version()),
        _("The case was closed."),
    )


@bp.route("/cases/<tracking_number>/reopen", methods=["GET", "POST"])
@login_required
@roles_required(Role.SUPERVISOR)
def reopen(tracking_number: str):
    """Reopen a closed or withdrawn case after a reconsideration or court decision."""
    case = _load_case(tracking_number)
    cal = load_calendar()
    return _action(
        case, "reopen", ReopenForm(), {"new_due_on": cal.add_working_days(local_today(), REPLY_DAYS)},
        lambda f: ops.reopen_case(case, actor=current_user, reason=f.reason.data,
                                  expected_version=f.expected_version()),
        _("The case was reopened; a new period of 20 working days runs from today."),
    )


@bp.route("/cases/<tracking_number>/withdraw", methods=["GET", "POST"])
@login_required
@roles_required(*CASE_HANDLERS)
def withdraw(tracking_number: str):
    """Record a withdrawal the applicant made on paper, by phone or in person."""
    case = _load_case(tracking_number)
    return _action(
        case, "withdraw", WithdrawForm(), {},
        lambda f: ops.withdraw_case(case, actor=current_user, reason=f.reason.data,
                                    expected_version=f.expected_version()),
        _("The withdrawal was recorded."),
    )
