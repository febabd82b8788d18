"""Admin pages under /office/admin/."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from caseapp.accounts.operations import (
    AGENCY_SETTINGS,
    agency_settings,
    format_reminder_days,
    get_agency_by_code,
    list_agencies,
    list_users,
)
from caseapp.admin.forms import AgencySettingsForm, CalendarImportForm, CaseImportForm
from caseapp.admin.imports import LEVELS, ZipRefused, open_upload, run_import
from caseapp.calendar.operations import list_years
from caseapp.calendar.service import year_summary
from caseapp.core.actions import Ctx, get_action, message_for, perform
from caseapp.core.errors import ValidationError
from caseapp.core.permissions import ROLE_LABELS, Role, roles_required
from caseapp.letters.rendering import missing_settings

bp = Blueprint("admin", __name__, url_prefix="/office/admin")

MAX_CALENDAR_FILE = 256 * 1024
MAX_IMPORT_FILE = 30 * 1024 * 1024  # the request limit; larger imports go through the CLI


@bp.get("/")
@login_required
@roles_required(Role.ADMIN)
def index():
    """Agencies and users."""
    agency_id = current_user.agency_id
    agencies = [a for a in list_agencies(active_only=False) if agency_id is None or a.id == agency_id]
    return render_template("admin/index.html", agencies=agencies, users=list_users(agency_id),
                           role_labels=ROLE_LABELS)


@bp.route("/calendar", methods=["GET", "POST"])
@login_required
@roles_required(Role.ADMIN)
def calendar():
    """The stored calendar years, and the import of a year's official notice."""
    form = CalendarImportForm()
    if form.validate_on_submit():
        raw = form.file.data.read(MAX_CALENDAR_FILE + 1)
        try:
            if len(raw) > MAX_CALENDAR_FILE:
                raise ValidationError(_("The file is too large for a calendar (at most 256 KB)."))
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationError(_("The file is not UTF-8 text.")) from None
            action, ctx = get_action("import_calendar"), Ctx(user=current_user._get_current_object(), case=None)
            year = perform(action, ctx, {"text": text}, source="api")
        except ValidationError as err:
            form.file.errors = [*form.file.errors, err.message]
        else:
            flash(message_for(action, ctx, year), "success")
            return redirect(url_for("admin.calendar_year", year=year.year))
    return render_template("admin/calendar.html", form=form, years=list_years())


@bp.get("/calendar/<int:year>")
@login_required
@roles_required(Role.ADMIN)
def calendar_year(year: int):
    """One year's holidays and make-up working days."""
    if not 1900 <= year <= 2200:
        abort(404)
    return render_template("admin/calendar_year.html", summary=year_summary(year))


def _visible_agencies():
    """The agencies this admin manages: all for a platform-wide admin, else their own."""
    agency_id = current_user.agency_id
    return [a for a in list_agencies(active_only=False) if agency_id is None or a.id == agency_id]


@bp.get("/agencies")
@login_required
@roles_required(Role.ADMIN)
def agencies():
    """Each agency's settings, and what it still lacks before its letters can be approved."""
    rows = [(a, missing_settings(a)) for a in _visible_agencies()]
    return render_template("admin/agencies.html", rows=rows, format_days=format_reminder_days)


@bp.route("/agencies/<agency_code>/edit", methods=["GET", "POST"])
@login_required
@roles_required(Role.ADMIN)
def agency_edit(agency_code: str):
    """Change an agency's settings; every change is audited with its before and after values."""
    agency = get_agency_by_code(agency_code) if len(agency_code) <= 20 else None
    if agency is None or (current_user.agency_id is not None and agency.id != current_user.agency_id):
        abort(404)
    form = AgencySettingsForm()
    if request.method == "GET":
        current = agency_settings(agency)
        for name in AGENCY_SETTINGS:
            value = current[name]
            if name.endswith("_reminder_days"):
                value = format_reminder_days(value)
            getattr(form, name).data = value if isinstance(value, bool) else ("" if value is None else str(value))
    elif form.validate_on_submit():
        changes = {name: getattr(form, name).data for name in AGENCY_SETTINGS}
        action, ctx = get_action("edit_agency_settings"), Ctx(user=current_user._get_current_object(), case=None,
                                                              target=agency)
        try:
            changed = perform(action, ctx, {"settings": changes}, source="api")
        except ValidationError as err:
            for name, message in err.errors.items():
                if hasattr(form, name):
                    getattr(form, name).errors = [*getattr(form, name).errors, message]
            flash(str(err.message), "danger")
        else:
            flash(message_for(action, ctx, changed), "success" if changed else "info")
            return redirect(url_for("admin.agencies"))
    return render_template("admin/agency_edit.html", form=form, agency=agency)


@bp.route("/imports", methods=["GET", "POST"])
@login_required
@roles_required(Role.ADMIN)
def imports():
    """Import existing cases from a sheet (or a .zip with the sheet and its letters): a dry run shows
    the validation report; an import writes each valid row in its own transaction (issue 25, item 4)."""
    agencies = _visible_agencies()
    form = CaseImportForm()
    form.agency.choices = [(a.code, f"{a.name}（{a.code}）") for a in agencies]
    report, refused = None, None
    if form.validate_on_submit():
        agency = next((a for a in agencies if a.code == form.agency.data), None)
        if agency is None:
            abort(404)
        upload = form.file.data
        data = upload.read(MAX_IMPORT_FILE + 1)
        try:
            if len(data) > MAX_IMPORT_FILE:
                raise ZipRefused(_("The file is larger than 30 MB: import it with the import-cases command."))
            name, sheet, letters = open_upload(upload.filename or "", data)
        except ZipRefused as err:
            refused = str(err.args[0])
        else:
            report = run_import(agency, name, sheet, letters=letters, user=current_user._get_current_object(),
                                dry_run=bool(form.dry_run.data), actor_label="admin:imports")
    return render_template("admin/imports.html", form=form, report=report, refused=refused,
                           levels=LEVELS)
