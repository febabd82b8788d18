"""The similarity's vocabulary on the admin pages (/office/admin/vocabulary): an agency's synonyms
and umbrella terms beside the platform's defaults; add, replace or remove one (save_vocabulary,
remove_vocabulary). The CLI's `caseapp vocabulary-import` calls the same operations."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField

from caseapp.accounts.models import Agency
from caseapp.accounts.operations import list_agencies
from caseapp.core.actions import Ctx, get_action, message_for, perform
from caseapp.core.errors import DomainError, ValidationError
from caseapp.core.forms import apply_errors, choices
from caseapp.core.permissions import Role, roles_required
from caseapp.disclosure.labels import VOCABULARY_KIND_LABELS
from caseapp.disclosure.models import VocabularyEntry
from caseapp.disclosure.vocabulary import default_vocabulary
from caseapp.extensions import db

bp = Blueprint("admin_vocabulary", __name__, url_prefix="/office/admin/vocabulary")


class VocabularyForm(FlaskForm):
    agency = SelectField(_l("Agency"), choices=[], validate_choice=False)
    kind = SelectField(_l("Kind"), choices=[], validate_choice=False)
    term = StringField(_l("Term"), render_kw={"maxlength": 60})
    variants = TextAreaField(_l("Other words (separated by 、 or commas)"), render_kw={"rows": 3, "maxlength": 3000})


class RemoveForm(FlaskForm):
    pass


def _agencies() -> list[Agency]:
    return [a for a in list_agencies(active_only=False)
            if current_user.agency_id is None or a.id == current_user.agency_id]


def _perform(name: str, target, data: dict):
    action = get_action(name)
    ctx = Ctx(user=current_user._get_current_object(), case=None, target=target)
    return action, ctx, perform(action, ctx, data, source="office")


@bp.route("/", methods=["GET", "POST"])
@login_required
@roles_required(Role.ADMIN)
def vocabulary():
    """The agencies' own words and the platform's defaults, and a form to add one."""
    agencies = _agencies()
    form = VocabularyForm()
    form.agency.choices = choices((a.code, a.name) for a in agencies)
    form.kind.choices = choices(VOCABULARY_KIND_LABELS.items())
    if form.validate_on_submit():
        agency = next((a for a in agencies if a.code == form.agency.data), None)
        try:
            if agency is None:
                raise ValidationError(_l("Please choose an agency."), errors={"agency": _l("Please choose an agency.")})
            action, ctx, entry = _perform("save_vocabulary", agency, {
                "kind": form.kind.data, "term": form.term.data, "variants": form.variants.data})
        except DomainError as err:
            apply_errors(form, getattr(err, "errors", None) or {})
            flash(str(err.message), "danger")
        else:
            flash(message_for(action, ctx, entry), "success")
            return redirect(url_for("admin_vocabulary.vocabulary"))
    ids = [a.id for a in agencies]
    entries = db.session.scalars(sa.select(VocabularyEntry).where(VocabularyEntry.agency_id.in_(ids))
                                 .order_by(VocabularyEntry.agency_id, VocabularyEntry.kind, VocabularyEntry.term)).all()
    status = 422 if request.method == "POST" else 200
    return render_template("admin/vocabulary.html", agencies={a.id: a for a in agencies}, entries=entries, form=form,
                           remove_form=RemoveForm(), defaults=default_vocabulary().entries,
                           kinds=VOCABULARY_KIND_LABELS), status


@bp.post("/<int:entry_id>/remove")
@login_required
@roles_required(Role.ADMIN)
def remove(entry_id: int):
    entry = db.session.get(VocabularyEntry, entry_id)
    if entry is None or entry.agency_id not in {a.id for a in _agencies()}:
        abort(404)
    if not RemoveForm().validate_on_submit():
        flash(_("The form has expired or was not sent from this site. Please reload the page and try again."), "danger")
        return redirect(url_for("admin_vocabulary.vocabulary"))
    try:
        action, ctx, result = _perform("remove_vocabulary", entry, {})
    except DomainError as err:
        flash(str(err.message), "danger")
    else:
        flash(message_for(action, ctx, result), "success")
    return redirect(url_for("admin_vocabulary.vocabulary"))
