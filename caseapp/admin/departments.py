"""Departments (内设机构) on the admin pages: list an agency's departments and add one.

On its own small blueprint under /office/admin/departments, so it does not touch the other admin
views. The same checks serve the CLI (`caseapp create-department AGENCY CODE NAME`).
"""
from __future__ import annotations

import re

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from caseapp.accounts.models import Agency, Department
from caseapp.accounts.operations import create_department, list_agencies
from caseapp.core.actions import Ctx, get_action, message_for, perform
from caseapp.core.errors import ValidationError
from caseapp.core.forms import apply_errors, choices
from caseapp.core.permissions import Role, roles_required
from caseapp.extensions import db

bp = Blueprint("admin_departments", __name__, url_prefix="/office/admin/departments")
CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,19}$")


def add_department(agency: Agency, code: str, name: str, *, actor=None) -> Department:
    """Check and add a department: a code of letters and digits unique in the agency, and a name."""
    code = (code or "").strip().upper()
    name = (name or "").strip()
    errors = {}
    if not CODE_RE.match(code):
        errors["code"] = _l("Use up to 20 letters, digits, hyphens or underscores.")
    elif db.session.scalar(sa.select(Department.id).where(Department.agency_id == agency.id,
                                                          Department.code == code)) is not None:
        errors["code"] = _l("This agency already has a department with this code.")
    if not name or len(name) > 200:
        errors["name"] = _l("Please give the department's name (at most 200 characters).")
    if errors:
        raise ValidationError(next(iter(errors.values())), errors=errors)
    return create_department(agency, code, name, actor=actor)


class DepartmentForm(FlaskForm):
    agency = SelectField(_l("Agency"), choices=[], validate_choice=False)
    code = StringField(_l("Code"), render_kw={"maxlength": 20})
    name = StringField(_l("Name"), render_kw={"maxlength": 200})


def _agencies() -> list[Agency]:
    return [a for a in list_agencies(active_only=False)
            if current_user.agency_id is None or a.id == current_user.agency_id]


@bp.route("/", methods=["GET", "POST"])
@login_required
@roles_required(Role.ADMIN)
def departments():
    """The departments of the agencies the admin manages, and a form to add one."""
    agencies = _agencies()
    form = DepartmentForm()
    form.agency.choices = choices((a.code, a.name) for a in agencies)
    if form.validate_on_submit():
        agency = next((a for a in agencies if a.code == form.agency.data), None)
        try:
            if agency is None:
                raise ValidationError(_l("Please choose an agency."), errors={"agency": _l("Please choose an agency.")})
            action = get_action("add_department")
            ctx = Ctx(user=current_user._get_current_object(), case=None, target=agency)
            dept = perform(action, ctx, {"code": form.code.data, "name": form.name.data}, source="office")
        except ValidationError as err:
            apply_errors(form, err.errors)
            flash(str(err.message), "danger")
        else:
            flash(message_for(action, ctx, dept), "success")
            return redirect(url_for("admin_departments.departments"))
    status = 422 if request.method == "POST" else 200  # invalid input: the page again, with the messages
    return render_template("admin/departments.html", agencies=agencies, form=form), status
