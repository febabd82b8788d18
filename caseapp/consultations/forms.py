"""Office forms of consultations: sending one, answering it, recording a paper answer, the disclosure notice.

Field rules live in caseapp.consultations.operations; these forms carry the values and show the
messages beside the fields.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, TextAreaField, widgets

from caseapp.cases.forms import DateText
from caseapp.core.forms import choices
from caseapp.consultations.queries import KIND_LABELS, OPINION_LABELS, PURPOSE_LABELS


class CheckboxList(SelectMultipleField):
    """A multiple choice shown as checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ConsultForm(FlaskForm):
    kind = RadioField(_l("Whom to consult"), choices=choices(KIND_LABELS.items()), default="department")
    department = SelectField(_l("Department"), choices=[], validate_choice=False)
    due_days = StringField(_l("Time limit (working days)"), default="5")
    agency = SelectField(_l("Agency"), choices=[], validate_choice=False)
    agency_name = StringField(_l("Or an agency not on the platform (consulted by letter)"), render_kw={"maxlength": 200})
    agency_address = StringField(_l("Its address"), render_kw={"maxlength": 300})
    purpose = RadioField(_l("Why the agency is consulted"), choices=choices(PURPOSE_LABELS.items()),
                         validate_choice=False)
    third_party_name = StringField(_l("Name of the third party"), render_kw={"maxlength": 200})
    third_party_address = StringField(_l("Address"), render_kw={"maxlength": 300})
    third_party_phone = StringField(_l("Phone"), render_kw={"maxlength": 40})
    question = TextAreaField(_l("Question"), render_kw={"rows": 4, "maxlength": 5000})
    sent_on = DateText(_l("Sent on"))
    delivered_on = DateText(_l("Received by the addressee on"))
    attachments = CheckboxList(_l("Files of the case to send"), choices=[], coerce=str, validate_choice=False)
    files = MultipleFileField(_l("Other material (PDF, image, DOCX or OFD)"))


class AnswerForm(FlaskForm):
    opinion = RadioField(_l("Opinion"), choices=choices(OPINION_LABELS.items()))
    reasons = TextAreaField(_l("Reasons"), render_kw={"rows": 4, "maxlength": 5000})
    files = MultipleFileField(_l("Files (PDF, image, DOCX or OFD)"))


class RecordOpinionForm(AnswerForm):
    received_on = DateText(_l("Answer received on"))


class DisclosureNoticeForm(FlaskForm):
    content = TextAreaField(_l("Information to be disclosed"), render_kw={"rows": 3, "maxlength": 5000})
    reasons = TextAreaField(_l("Public-interest reasons"), render_kw={"rows": 3, "maxlength": 5000})
    disclose_on = DateText(_l("Date of disclosure"))
