"""Form helpers shared by the portal, office and letters forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from caseapp.cases.validation import MAX_LENGTHS


class Mandatory:
    """Marks a field as always required (label asterisk, `required` attribute); the message itself
    comes from the domain validation (caseapp.cases.validation or the operation), so this checks nothing."""

    field_flags = {"required": True}

    def __call__(self, form, field):
        return None


def apply_errors(form: FlaskForm, errors: dict) -> None:
    """Put {field: message} from a domain ValidationError beside the form's fields (others on the form)."""
    for name, message in errors.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, str(message)]
        else:
            form.form_errors.append(str(message))


def choices(pairs) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


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
