"""Form helpers shared by every form of the portal and the office."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice


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
