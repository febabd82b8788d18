"""Form helpers shared by the portal, office and letters forms."""
from __future__ import annotations

from wtforms.fields.choices import SelectChoice

from caseapp.cases.validation import MAX_LENGTHS


class Mandatory:
    """Marks a field as always required (label asterisk, `required` attribute); the message itself
    comes from the domain validation (caseapp.cases.validation or the operation), so this checks nothing."""

    field_flags = {"required": True}

    def __call__(self, form, field):
        return None


def choices(pairs) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def maxlength(name: str) -> dict:
    """The HTML maxlength attribute of a request field, from the same limits the validation uses."""
    return {"maxlength": MAX_LENGTHS[name]} if name in MAX_LENGTHS else {}
