"""Office forms of cases: registering a paper request, the ID reveal, the inbox's date filters, and
the request fields the portal's form shares. The handling actions' forms are built from their
declared input schemas (caseapp.core.inputs).

Field rules live in caseapp.cases.validation and the operations; these forms carry the values and
show the messages beside the fields.
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import ValidationError

from caseapp.cases.validation import MAX_LENGTHS
from caseapp.core.forms import Mandatory, choices
from caseapp.cases.models import CHANNELS
from caseapp.cases.labels import (
    APPLICANT_TYPE_LABELS,
    CHANNEL_LABELS,
    DELIVERY_LABELS,
    FORM_LABELS,
    ID_TYPE_LABELS,
)

PAPER_CHANNELS = tuple(c for c in CHANNELS if c != "online")


def maxlength(name: str) -> dict:
    """The HTML maxlength attribute of a request field, from the same limits the validation uses."""
    return {"maxlength": MAX_LENGTHS[name]} if name in MAX_LENGTHS else {}


# The request fields of validate_request() that the portal and the office registration forms carry.
REQUEST_FIELDS = (
    "applicant_type", "applicant_name", "id_type", "id_number", "org_code", "contact_person", "phone", "email",
    "address", "postal_code", "description", "document_ref", "purpose", "form", "delivery", "needs_assistance",
    "assistance_note",
)


class RequestFieldsForm(FlaskForm):
    """The request fields that read the same for an applicant and for a clerk; each form adds the rest
    (the applicant-type, contact, form and delivery controls differ in wording and widget)."""

    id_number = StringField(_l("Identity document number"), render_kw={"autocomplete": "off", **maxlength("id_number")})
    org_code = StringField(_l("Unified social credit code"), render_kw={"autocomplete": "off", **maxlength("org_code")})
    contact_person = StringField(_l("Contact person"), render_kw=maxlength("contact_person"))
    postal_code = StringField(_l("Postal code"), render_kw={"inputmode": "numeric", **maxlength("postal_code")})
    description = TextAreaField(_l("Description of the information requested"), validators=[Mandatory()],
                                render_kw={"rows": 5, **maxlength("description")})
    document_ref = StringField(_l("Document title or number (if known)"), render_kw=maxlength("document_ref"))
    purpose = TextAreaField(_l("Purpose (optional)"), render_kw={"rows": 2, **maxlength("purpose")})

    def request_data(self) -> dict:
        """The request fields as validate_request() and register_case() take them."""
        return {name: getattr(self, name).data for name in REQUEST_FIELDS}



def parse_day(value: str | None) -> date | None:
    """A YYYY-MM-DD string as a date, None when empty; ValueError when malformed."""
    value = (value or "").strip()
    return date.fromisoformat(value) if value else None


def day_filter(args, name: str, problems: list[str], default: date | None = None) -> date | None:
    """The date filter `name` of a query string (default when absent); a malformed one is ignored,
    with a message added to `problems`."""
    try:
        return parse_day(args.get(name)) or default
    except ValueError:
        problems.append(_("“%(value)s” is not a date like 2026-11-27; that filter was ignored.", value=args.get(name)))
        return default


class DateText(StringField):
    """A date typed as YYYY-MM-DD (a browser date picker); a clear message when malformed."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {})["type"] = "date"
        super().__init__(label, validators, **kwargs)

    def pre_validate(self, form):
        try:
            parse_day(self.data)
        except ValueError:
            raise ValidationError(_l("Please enter a date like 2026-11-27.")) from None

    @property
    def day(self) -> date | None:
        try:
            return parse_day(self.data)
        except ValueError:
            return None




class RegisterForm(RequestFieldsForm):
    """A paper, post, fax, e-mail, in-person or oral request entered by a clerk (SPEC §2)."""

    channel = SelectField(_l("How the request arrived"), validators=[Mandatory()], validate_choice=False,
                          choices=choices([("", "—")] + [(c, CHANNEL_LABELS[c]) for c in PAPER_CHANNELS]))
    received_on = DateText(_l("Receipt date"), validators=[Mandatory()])
    applicant_type = SelectField(_l("Applicant type"), validators=[Mandatory()], validate_choice=False,
                                 default="natural_person", choices=choices(APPLICANT_TYPE_LABELS.items()))
    applicant_name = StringField(_l("Name (person or organisation)"), validators=[Mandatory()],
                                 render_kw=maxlength("applicant_name"))
    id_type = SelectField(_l("Identity document"), validate_choice=False, default="resident_id",
                          choices=choices((k, v) for k, v in ID_TYPE_LABELS.items() if k != "uscc"))
    phone = StringField(_l("Phone"), render_kw={"inputmode": "tel", **maxlength("phone")})
    email = StringField(_l("Email"), render_kw={"inputmode": "email", **maxlength("email")})
    address = StringField(_l("Postal address"), render_kw=maxlength("address"))
    form = SelectField(_l("Form of the information"), validators=[Mandatory()], validate_choice=False,
                       default="paper", choices=choices(FORM_LABELS.items()))
    delivery = SelectField(_l("Way of delivery"), validators=[Mandatory()], validate_choice=False,
                           default="post", choices=choices(DELIVERY_LABELS.items()))
    needs_assistance = BooleanField(_l("The applicant needs assistance (reading, visual or hearing impairment)"))
    assistance_note = StringField(_l("Assistance needed"), render_kw=maxlength("assistance_note"))
    files = MultipleFileField(_l("Scanned request and enclosures"),
                              render_kw={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.ofd"})

    def validate_channel(self, field):
        # "online" would make register_case compute the receipt date itself: not for paper requests.
        if field.data not in PAPER_CHANNELS:
            raise ValidationError(_l("Please choose how the request arrived."))


class RevealForm(FlaskForm):
    """Show the full ID number (recorded in the audit trail)."""
