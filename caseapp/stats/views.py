"""Office pages for statistics: the dashboard, the annual report, the case export, the audit log,
and the reconsideration and litigation records of a case.

Reading pages admit auditors; every page that writes refuses them (the auditor is read-only).
"""
from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from caseapp.calendar.service import load_calendar
from caseapp.cases.forms import day_filter
from caseapp.cases.inbox import filters_from_args
from caseapp.cases.queries import get_case
from caseapp.clock.service import due_soon_days
from caseapp.core.actions import Ctx, attempt, get_action, message_for, perform
from caseapp.core.clock import local_today
from caseapp.core.events import event_choices
from caseapp.core.forms import apply_errors
from caseapp.core.permissions import (
    CASE_HANDLERS,
    CASE_READERS,
    Role,
    require_agency,
    roles_required,
)
from caseapp.extensions import db
from caseapp.reviews import operations as review_ops
from caseapp.reviews import queries as review_queries
from caseapp.core.errors import DomainError
from caseapp.stats import actions as _report_actions  # noqa: F401 (declares the report's actions)
from caseapp.stats import auditlog, caseexport
from caseapp.stats.access import (
    REPORT_READERS,
    FormatError,
    ScopeError,
    agencies_for,
    report_response,
    resolve_agency,
    resolve_scope,
)
from caseapp.stats.dashboard import CHARTS, Period, dashboard
from caseapp.stats.exports import XLSX_MIME, csv_lines, xlsx_stream
from caseapp.stats.forms import ReopenFromReviewForm, ReviewAnswerForm, ReviewForm
from caseapp.stats.layout import COLUMN_LABELS, check_row, report_heading, table3_grid, table4_grid
from caseapp.stats.report import COLUMNS, annual_report
from caseapp.stats.selfcheck import has_errors, opening_of, self_check
from caseapp.stats.table2 import CELL_NAMES, TABLE2_LAYOUT, get_table2

bp = Blueprint("stats", __name__, url_prefix="/office")


def _period() -> tuple[Period, list[str]]:
    """The dashboard's period and agency from the query string (this year so far by default)."""
    today = local_today()
    problems = []
    start = day_filter(request.args, "from", problems, date(today.year, 1, 1))
    end = day_filter(request.args, "to", problems, today)
    if end < start:
        problems.append(_("The end of the period is before its start; the dates were swapped."))
        start, end = end, start
    try:
        agency = resolve_agency(current_user, request.args.get("agency"))
    except ScopeError:
        abort(404)
    return Period(start, end, agency), problems


@bp.get("/stats")
@login_required
@roles_required(*REPORT_READERS)
def dashboard_page():
    """The statistics dashboard: charts with their data tables and downloads, filtered by agency and period."""
    period, problems = _period()
    charts = dashboard(period, local_today())
    args = {"from": period.start.isoformat(), "to": period.end.isoformat(),
            **({"agency": period.agency.code} if period.agency else {})}
    return render_template("stats/dashboard.html", charts=charts, period=period, problems=problems, args=args,
                           agencies=agencies_for(current_user), data_url=url_for("stats.dashboard_data", **args))


@bp.get("/stats/data.json")
@login_required
@roles_required(*REPORT_READERS)
def dashboard_data():
    """The dashboard's charts as JSON, for stats.js."""
    period, _problems = _period()
    return jsonify({"charts": [c.as_json() for c in dashboard(period, local_today())]})


@bp.get("/stats/chart.csv")
@login_required
@roles_required(*REPORT_READERS)
def chart_csv():
    """One chart's data table as CSV (UTF-8 with BOM): ?chart=NAME and the dashboard's filters."""
    name = request.args.get("chart") or CHARTS[0]
    if name not in CHARTS:
        abort(404)
    period, _problems = _period()
    chart = next(c for c in dashboard(period, local_today()) if c.name == name)
    body = b"".join(csv_lines([str(h) for h in chart.header], chart.rows))
    resp = Response(body, mimetype="text/csv; charset=utf-8")
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}-{period.start}-{period.end}.csv"'
    return resp


@bp.get("/stats/annual-report")
@login_required
@roles_required(*REPORT_READERS)
def annual_report_page():
    """Table 3 and Table 4 of a year on screen, with the identity check and the downloads."""
    default_year = local_today().year - 1
    try:
        year, agency = resolve_scope(current_user, request.args.get("year"), request.args.get("agency"),
                                     default_year=default_year)
    except ScopeError as err:
        if err.status == 404:
            abort(404)
        flash(str(err.message), "warning")
        year, agency = default_year, resolve_agency(current_user, None)
    fmt = request.args.get("format")
    if fmt and fmt != "html":
        try:
            return report_response(year, agency, fmt)
        except FormatError:
            abort(404)
    report = annual_report(year, agency)
    args = {"year": year, **({"agency": agency.code} if agency else {})}
    late = review_queries.late_answer_count(date(year, 1, 1), date(year, 12, 31), agency.id if agency else None)
    findings = self_check(year, agency, local_today(), report)
    return render_template("stats/annual_report.html", report=report, heading=report_heading(report),
                           t3=table3_grid(report), t4=table4_grid(report), checks=check_row(report), late_answers=late,
                           agencies=agencies_for(current_user), args=args,
                           years=list(range(local_today().year, 2018, -1)),
                           findings=findings, has_errors=has_errors(findings),
                           can_edit=agency is not None and current_user.role in REPORT_EDITORS,
                           opening=opening_of(year, agency), columns=COLUMNS[:-1], column_labels=COLUMN_LABELS,
                           table2=get_table2(year, agency), table2_layout=TABLE2_LAYOUT)


# --- publishing, the opening balance and Table 2 (caseapp.stats.actions) -----------------------------

REPORT_EDITORS = (Role.SUPERVISOR, Role.ADMIN)


def _report_target():
    """(year, agency) named by the posted form or the query string; 404 for an agency the user may
    not see, and for none (a report is published, and Table 2 entered, per agency)."""
    values = request.form if request.method == "POST" else request.args
    try:
        year, agency = resolve_scope(current_user, values.get("year"), values.get("agency"))
    except ScopeError:
        abort(404)
    if agency is None:
        abort(404)
    return year, agency


def _report_page(year: int, agency) -> str:
    return url_for("stats.annual_report_page", year=year, agency=agency.code)


def _run_report_action(name: str, agency, data):
    """Run one of the report's actions for the office (the runner checks role and agency)."""
    try:
        result = perform(get_action(name), Ctx(user=current_user._get_current_object(), case=None, target=agency),
                         data, source="office")
    except DomainError as err:
        details = "；".join(f"{CELL_NAMES.get(k) or COLUMN_LABELS.get(k) or ''}{str(v)}" for k, v in err.errors.items())
        flash(f"{err.message}{'：' + details if details else ''}", "danger")
        return None
    flash(message_for(get_action(name), None, result), "success")
    return result


@bp.post("/stats/annual-report/publish")
@login_required
@roles_required(*REPORT_EDITORS)
def publish_annual_report():
    """Publish the agency's report of the year: its figures are frozen from now on."""
    year, agency = _report_target()
    _run_report_action("publish_annual_report", agency, {"year": str(year)})
    return redirect(_report_page(year, agency))


@bp.post("/stats/annual-report/opening")
@login_required
@roles_required(*REPORT_EDITORS)
def save_report_opening():
    """Enter item two of the agency's first report on the platform (the cases carried over into it)."""
    year, agency = _report_target()
    _run_report_action("enter_report_opening", agency, request.form)
    return redirect(_report_page(year, agency))


@bp.route("/stats/annual-report/table2", methods=["GET", "POST"])
@login_required
@roles_required(*REPORT_EDITORS)
def table2_page():
    """Enter or correct Table 2 (proactive disclosure) of the agency and year."""
    year, agency = _report_target()
    if request.method == "POST" and _run_report_action("save_table2", agency, request.form) is not None:
        return redirect(_report_page(year, agency) + "#table2")
    entry = get_table2(year, agency)
    values = request.form if request.method == "POST" else (entry.cells() if entry is not None else {})
    return render_template("stats/table2_form.html", year=year, agency=agency, layout=TABLE2_LAYOUT,
                           values=values), 422 if request.method == "POST" else 200


# --- the inbox's list as CSV or XLSX -------------------------------------------------------------

@bp.get("/stats/cases.csv", defaults={"fmt": "csv"})
@bp.get("/stats/cases.xlsx", defaults={"fmt": "xlsx"})
@login_required
@roles_required(*CASE_READERS)
def export_cases(fmt: str):
    """The inbox's filtered list as CSV or XLSX, streamed (ID numbers masked)."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    query = caseexport.export_query(current_user, filters_from_args(request.args)[0], local_today(),
                                    due_soon_days(current_user.agency), load_calendar())
    labels = caseexport.export_labels()
    if fmt == "csv":
        body, mime = caseexport.generate_cases_csv(query, labels, db.engine), "text/csv; charset=utf-8"
    else:
        body, mime = caseexport.generate_cases_xlsx(query, labels, _("Case list"), db.engine), XLSX_MIME
    resp = Response(body, mimetype=mime)
    resp.headers["Content-Disposition"] = f'attachment; filename="cases-{local_today().isoformat()}.{fmt}"'
    resp.headers["Cache-Control"] = "no-store"
    return resp


# --- the audit log -------------------------------------------------------------------------------

def _audit_filters() -> tuple[auditlog.AuditFilters, list[str]]:
    args = request.args
    problems = []
    try:
        agency = resolve_agency(current_user, args.get("agency"))
    except ScopeError:
        abort(404)
    user = (args.get("user") or "").strip()
    page = args.get("page", "")
    event = args.get("event") or None
    return auditlog.AuditFilters(
        date_from=day_filter(args, "from", problems), date_to=day_filter(args, "to", problems), agency_id=agency.id if agency else None,
        user_id=int(user) if user.isdigit() and len(user) < 10 else None,
        event=event if event in dict(event_choices()) else None,
        page=int(page) if page.isdigit() and len(page) < 7 else 1,
    ), problems


@bp.get("/stats/audit-log")
@login_required
@roles_required(*REPORT_READERS)
def audit_log():
    """Every audit event with its label, who, when and which case; filters and CSV/XLSX export."""
    filters, problems = _audit_filters()
    fmt = request.args.get("format")
    if fmt in ("csv", "xlsx"):
        header = [_("Time"), _("Event"), _("Who"), _("Case"), _("Agency"), _("Note")]
        labels, title, engine = auditlog.event_labels(), _("Audit log"), db.engine

        def rows():
            for r in auditlog.audit_rows(filters, labels, engine):
                # Beijing time to the second: a date-time cell in the XLSX, "2026-11-10 10:00:00" in the CSV.
                yield [r.occurred_at.replace(microsecond=0, tzinfo=None), r.event, r.who, r.tracking_number or "",
                       r.agency or "", r.note or ""]

        if fmt == "csv":
            body, mime = csv_lines(header, rows()), "text/csv; charset=utf-8"
        else:
            body, mime = xlsx_stream(title, header, rows()), XLSX_MIME
        resp = Response(body, mimetype=mime)
        resp.headers["Content-Disposition"] = f'attachment; filename="audit-log-{local_today().isoformat()}.{fmt}"'
        return resp
    rows, has_next = auditlog.audit_page(filters)
    args = {k: v for k, v in request.args.items() if k not in ("page", "format") and v}
    return render_template("stats/audit_log.html", rows=rows, has_next=has_next, filters=filters, args=args,
                           problems=problems, agencies=agencies_for(current_user),
                           users=auditlog.users_for(current_user.agency_id), events=event_choices())


# --- reconsideration and litigation on a case ----------------------------------------------------

def _load_case(tracking_number: str):
    case = get_case(tracking_number)
    if case is None:
        abort(404)
    require_agency(current_user, case.agency_id)
    return case


def _load_review(tracking_number: str, review_id: str | None):
    """The case and one of its reviews (404 when either is unknown or in another agency)."""
    case = _load_case(tracking_number)
    review = review_ops.get_review(int(review_id)) if (review_id or "").isdigit() and len(review_id) < 10 else None
    if review is None or review.case_id != case.id:
        abort(404)
    return review


@bp.app_template_global()
def case_reviews(case) -> list:
    """The case's reconsiderations and lawsuits, for the case page's partial."""
    return review_ops.reviews_of(case)


@bp.app_template_global()
def review_can_reopen(review) -> bool:
    """Whether the review's decision may still reopen its case (for the supervisor's button)."""
    return review_ops.reopen_refusal(review) is None


@bp.app_template_global()
def review_labels() -> dict:
    """Labels of review kinds and results, for templates."""
    return {"kinds": review_ops.KIND_LABELS, "results": review_ops.RESULT_LABELS, "answers": review_ops.ANSWER_LABELS}


def _review_form_page(form, case, review=None, status=200):
    return render_template("stats/review_form.html", form=form, case=case, review=review), status


def _review_form_answer(name: str, form, case, review=None):
    """The review form posted: run its action (caseapp.stats.actions), then the case page, or the
    form again with the messages (422)."""
    data, errors = form.review_data()
    if errors:
        apply_errors(form, errors)
        return _review_form_page(form, case, review, status=422)
    raw = {**data, **{k: data[k].isoformat() for k in ("filed_on", "copy_received_on", "decided_on") if data.get(k)}}
    done = attempt(name, Ctx(user=current_user._get_current_object(), case=case, target=review), raw, source="api")
    if not done.ok:
        apply_errors(form, done.errors)
        if not done.errors:
            form.form_errors.append(done.message)
        return _review_form_page(form, case, review, status=422)
    flash(done.message, "success")
    return redirect(url_for("office.case_page", tracking_number=case.tracking_number) + "#reviews")


@bp.route("/cases/<tracking_number>/reviews/new", methods=["GET", "POST"])
@login_required
@roles_required(*CASE_HANDLERS)
def new_review(tracking_number: str):
    """Record a reconsideration or lawsuit against the case."""
    case = _load_case(tracking_number)
    form = ReviewForm()
    if form.validate_on_submit():
        return _review_form_answer("record_review", form, case)
    return _review_form_page(form, case, status=422 if request.method == "POST" else 200)


@bp.route("/cases/<tracking_number>/reviews/edit", methods=["GET", "POST"])
@login_required
@roles_required(*CASE_HANDLERS)
def edit_review(tracking_number: str):
    """Correct a review (?review=ID) or enter its result."""
    review = _load_review(tracking_number, request.args.get("review"))
    form = ReviewForm(obj=None if request.method == "POST" else review)
    if request.method == "GET":
        form.filed_on.data = review.filed_on.isoformat()
        form.decided_on.data = review.decided_on.isoformat() if review.decided_on else ""
        form.copy_received_on.data = review.copy_received_on.isoformat() if review.copy_received_on else ""
    if form.validate_on_submit():
        return _review_form_answer("update_review", form, review.case, review)
    return _review_form_page(form, review.case, review, status=422 if request.method == "POST" else 200)


@bp.post("/cases/<tracking_number>/reviews/answer")
@login_required
@roles_required(*CASE_HANDLERS)
def submit_review_answer(tracking_number: str):
    """Record the day the answer to a review (its id in the form) was submitted, through its action."""
    review = _load_review(tracking_number, request.form.get("review"))
    form = ReviewAnswerForm()
    if not form.validate_on_submit():
        flash(_("Please give the date the answer was submitted."), "danger")
        return redirect(url_for("office.case_page", tracking_number=review.case.tracking_number) + "#reviews")
    done = attempt("submit_review_answer", Ctx(user=current_user._get_current_object(), case=review.case,
                                               target=review), {"submitted_on": form.submitted_on.data}, source="api")
    flash(done.message if done.ok or not done.errors else " ".join(str(m) for m in done.errors.values()),
          "success" if done.ok else "danger")
    return redirect(url_for("office.case_page", tracking_number=review.case.tracking_number) + "#reviews")


@bp.post("/cases/<tracking_number>/reviews/reopen")
@login_required
@roles_required(Role.SUPERVISOR)
def reopen_from_review(tracking_number: str):
    """A supervisor reopens the case as a corrective (纠正) decision orders (the review's id in the form)."""
    review = _load_review(tracking_number, request.form.get("review"))
    form = ReopenFromReviewForm()
    if not form.validate_on_submit():
        abort(400)
    done = attempt("reopen_from_review", Ctx(user=current_user._get_current_object(), case=review.case, target=review),
                   {})
    flash(done.message, "success" if done.ok else "danger")
    return redirect(url_for("office.case_page", tracking_number=review.case.tracking_number) + "#reviews")
