"""Forms of the disclosure area (CSRF through Flask-WTF); the operations validate the values."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from caseapp.core.forms import Mandatory, choices
from caseapp.disclosure.labels import DECISION_LABELS, TOPICS


class LinkForm(FlaskForm):
    """Link a request to an existing item."""

    item_id = IntegerField(_l("Information item"), validators=[Optional()])


class StartItemForm(FlaskForm):
    """Start a new item from a request."""

    title = StringField(_l("Title of the information item"), validators=[Mandatory()], render_kw={"maxlength": 300})


class SplitForm(FlaskForm):
    """Move some requests of an item to a new one (the chosen case ids come as a list)."""

    title = StringField(_l("Title of the new item"), validators=[Mandatory()], render_kw={"maxlength": 300})


class MergeForm(FlaskForm):
    """Merge another item into this one."""

    source_id = IntegerField(_l("Number of the item to merge into this one"), validators=[Optional()])


class EntryForm(FlaskForm):
    """A public entry's title, summary and topic."""

    title = StringField(_l("Title"), validators=[Mandatory()], render_kw={"maxlength": 300})
    summary = TextAreaField(_l("Summary"), render_kw={"rows": 5, "maxlength": 5000})
    topic = SelectField(_l("Topic"), choices=choices([("", "—"), *TOPICS.items()]), validators=[Mandatory()])
    version = HiddenField()


class DocumentForm(FlaskForm):
    """Choose a release version of a record of the entry's requests (the view sets the choices)."""

    record_id = SelectField(_l("Release version"), choices=[], validate_choice=False, validators=[Mandatory()])


class ResolveForm(FlaskForm):
    """Mark a finding as not personal data, with a reason."""

    reason = StringField(_l("Why this is not personal data"), validators=[Mandatory()], render_kw={"maxlength": 1000})


class ApproveForm(FlaskForm):
    """Approve and publish an entry."""

    version = HiddenField()


class PlainForm(FlaskForm):
    """A button that only needs its CSRF token."""


class AnswerForm(FlaskForm):
    """Answer an applicant's suggestion."""

    decision = RadioField(_l("Answer"), choices=choices(DECISION_LABELS.items()), validators=[Mandatory()])
    reason = TextAreaField(_l("Reason"), validators=[Mandatory()], render_kw={"rows": 2, "maxlength": 1000})
