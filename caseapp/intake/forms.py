"""Portal forms. Field rules live in caseapp.cases.validation (shared with the office and the API);
these forms only carry the values and show the messages next to the fields."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)

from caseapp.cases.forms import RequestFieldsForm, maxlength
from caseapp.cases.labels import (
    APPLICANT_TYPE_LABELS,
    DELIVERY_LABELS,
    FORM_LABELS,
    ID_TYPE_LABELS,
)
from caseapp.core.forms import Mandatory, choices

# The labels that read differently for a citizen and for an organisation (switched by portal.js as
# the applicant type changes, and chosen server side when a refused form comes back).
APPLICANT_LABELS = {
    "applicant_name": {"person": _l("Full name"), "org": _l("Name of the organisation"),
                       None: _l("Name (person or organisation)")},
    "id_scan": {"person": _l("Scan or photo of the identity document (optional)"),
                "org": _l("Scan or photo of the business licence or registration certificate (optional)"),
                None: _l("Scan or photo of the identity document (optional)")},
}


def applicant_kind(applicant_type: str | None) -> str | None:
    """"person" for a citizen, "org" for any kind of organisation, None when no type is chosen."""
    if applicant_type == "natural_person":
        return "person"
    return "org" if applicant_type in APPLICANT_TYPE_LABELS else None


class ApplyForm(RequestFieldsForm):
    """The online request form (SPEC §2)."""

    agency = SelectField(_l("Agency the request is addressed to"), validators=[Mandatory()], validate_choice=False)
    applicant_type = RadioField(
        _l("Applicant type"), validators=[Mandatory()], validate_choice=False, default="natural_person",
        choices=choices(APPLICANT_TYPE_LABELS.items()),
    )
    applicant_name = StringField(_l("Name (person or organisation)"), validators=[Mandatory()],
                                 render_kw={"autocomplete": "name", **maxlength("applicant_name")})
    id_type = SelectField(
        _l("Identity document"), validate_choice=False, default="resident_id",
        choices=choices((k, v) for k, v in ID_TYPE_LABELS.items() if k != "uscc"),
    )
    phone = StringField(_l("Phone"), render_kw={"autocomplete": "tel", "inputmode": "tel", **maxlength("phone")})
    email = StringField(_l("Email"), render_kw={"autocomplete": "email", "inputmode": "email", **maxlength("email")})
    address = StringField(_l("Postal address"), render_kw={"autocomplete": "street-address", **maxlength("address")})
    form = RadioField(_l("Form of the information"), validators=[Mandatory()], validate_choice=False,
                      default="electronic", choices=choices(FORM_LABELS.items()))
    delivery = RadioField(_l("How you want to receive it"), validators=[Mandatory()], validate_choice=False,
                          default="online", choices=choices(DELIVERY_LABELS.items()))
    needs_assistance = BooleanField(_l("I need assistance (e.g. reading, visual or hearing impairment)"))
    assistance_note = StringField(_l("What assistance do you need?"), render_kw=maxlength("assistance_note"))
    id_scan = FileField(_l("Scan or photo of the identity document (optional)"),
                        render_kw={"accept": ".pdf,.jpg,.jpeg,.png,.ofd"})
    files = MultipleFileField(_l("Supporting documents (optional)"),
                              render_kw={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.ofd"})
    # One-time token: a re-posted form finds the request already filed (see views.apply).
    submission_token = HiddenField()

    def label_for_applicant(self, kind: str | None) -> None:
        """Word the name and upload labels for a citizen ("person"), an organisation ("org") or either (None)."""
        for name, labels in APPLICANT_LABELS.items():
            getattr(self, name).label.text = labels[kind]


class TrackForm(FlaskForm):
    """Look a request up by tracking number and query code (the API's field names)."""

    tracking_number = StringField(_l("Tracking number"), validators=[Mandatory()],
                                  render_kw={"autocomplete": "off", "autocapitalize": "characters", "maxlength": 40})
    query_code = StringField(_l("Query code"), validators=[Mandatory()],
                             render_kw={"autocomplete": "off", "autocapitalize": "characters", "maxlength": 20,
                                        "spellcheck": "false"})


class CorrectionForm(FlaskForm):
    """The applicant's correction: text and files."""

    # Own ids: the suggestion form on the same page also has a "text" field.
    text = TextAreaField(_l("Corrected or supplemented content"), validators=[Mandatory()], id="correction_text",
                         render_kw={"rows": 5, "maxlength": 5000})
    files = MultipleFileField(_l("Files (optional)"), id="correction_files",
                              render_kw={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.ofd"})


class WithdrawForm(FlaskForm):
    """Withdraw the request; the reason is optional."""

    reason = TextAreaField(_l("Reason (optional)"), render_kw={"rows": 3, "maxlength": 1000})


class SuggestionForm(FlaskForm):
    """Suggest that the agency disclose the information proactively (Reg. 44)."""

    text = TextAreaField(_l("Your suggestion"), validators=[Mandatory()], id="suggestion_text",
                         render_kw={"rows": 3, "maxlength": 2000})


class VerifyLetterForm(FlaskForm):
    """The public letter check (核验文书): the letter's PDF, or its number."""

    file = FileField(_l("The letter's PDF file"), render_kw={"accept": ".pdf,application/pdf"})
    number = StringField(_l("Or the letter's number"), render_kw={"maxlength": 100, "autocomplete": "off"})
