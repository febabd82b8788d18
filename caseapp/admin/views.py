"""Admin pages under /office/admin/."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from caseapp.accounts.operations import list_agencies, list_users
from caseapp.admin.forms import CalendarImportForm
from caseapp.calendar.operations import import_calendar_text, list_years
from caseapp.calendar.service import year_summary
from caseapp.core.errors import ValidationError
from caseapp.core.permissions import ROLE_LABELS, Role, roles_required
from caseapp.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/office/admin")

MAX_CALENDAR_FILE = 256 * 1024


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
            year = import_calendar_text(text, actor=current_user)
        except ValidationError as err:
            db.session.rollback()
            form.file.errors = [*form.file.errors, err.message]
        else:
            db.session.commit()
            flash(_("The calendar of %(year)s was imported.", year=year.year), "success")
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
