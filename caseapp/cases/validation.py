"""Validation of a request's fields (SPEC §2), shared by the portal form, the office form and the API."""
from __future__ import annotations

import re
from datetime import date

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from caseapp.cases.identity import uscc_problem, valid_resident_id
from caseapp.cases.models import APPLICANT_TYPES, CHANNELS, DELIVERIES, FORMS, ID_TYPES
from caseapp.core.text import UNSAFE_TEXT_MESSAGE, unsafe_character

MAX_LENGTHS = {
    "applicant_name": 200, "id_number": 40, "org_code": 18, "contact_person": 100, "phone": 40,
    "email": 200, "address": 300, "postal_code": 10, "description": 5000, "document_ref": 300,
    "purpose": 2000, "assistance_note": 300,
}
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|\+?\d[\d\- ]{6,19})$")
POSTAL_RE = re.compile(r"^\d{6}$")
TEXT_FIELDS = tuple(MAX_LENGTHS)
# What is wrong with a unified social credit code (caseapp.cases.identity.uscc_problem), in words.
USCC_MESSAGES = {
    "length": _l("This is not a valid unified social credit code: it has 18 characters."),
    "characters": _l("This is not a valid unified social credit code: it holds only digits and capital letters "
                     "(without I, O, S, V and Z)."),
    "check": _l("The check character (the last one) of the unified social credit code is wrong: please check "
                "the code."),
}
# Fields typed in a text area: line breaks kept (CRLF and CR become LF).
MULTILINE_FIELDS = ("description", "purpose", "document_ref", "assistance_note", "address")


def clean_text(value, *, multiline: bool = False) -> str | None:
    """Strip a text value (line breaks normalised in multi-line text); empty becomes None."""
    if value is None:
        return None
    value = str(value)
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.strip()
    return value or None


def text_errors(values: dict[str, object], *, multiline: tuple[str, ...] = ()) -> dict[str, object]:
    """{field: message} for each text value holding a refused character (control character, lone
    surrogate; see caseapp.core.text); fields named in `multiline` may hold line breaks."""
    errors: dict[str, object] = {}
    for field, value in values.items():
        if isinstance(value, str) and unsafe_character(value, multiline=field in multiline) is not None:
            errors[field] = UNSAFE_TEXT_MESSAGE
    return errors


def validate_request(data: dict) -> tuple[dict, dict[str, object]]:
    """Check a request's fields; returns (clean values, {field: message}) — no errors means valid."""
    clean: dict = {k: clean_text(data.get(k), multiline=k in MULTILINE_FIELDS) for k in TEXT_FIELDS}
    for key in ("applicant_type", "id_type", "form", "delivery"):
        clean[key] = clean_text(data.get(key))
    clean["needs_assistance"] = bool(data.get("needs_assistance"))
    unsafe = text_errors({k: clean[k] for k in (*TEXT_FIELDS, "applicant_type", "id_type", "form", "delivery")},
                         multiline=MULTILINE_FIELDS)
    errors: dict[str, object] = {}

    for field, limit in MAX_LENGTHS.items():
        if clean[field] and len(clean[field]) > limit:
            errors[field] = _l("At most %(n)s characters.", n=limit)

    atype = clean["applicant_type"]
    if atype not in APPLICANT_TYPES:
        errors["applicant_type"] = _l("Please choose the type of applicant.")
    if not clean["applicant_name"]:
        errors["applicant_name"] = (
            _l("Please enter your name.") if atype == "natural_person" else _l("Please enter the organisation's name.")
        )
    if atype == "natural_person":
        clean["org_code"] = None
        if clean["id_type"] not in ID_TYPES or clean["id_type"] == "uscc":
            errors["id_type"] = _l("Please choose the type of identity document.")
        if not clean["id_number"]:
            errors["id_number"] = _l("Please enter the identity document number.")
        elif clean["id_type"] == "resident_id":
            clean["id_number"] = clean["id_number"].upper()
            if not valid_resident_id(clean["id_number"]):
                errors["id_number"] = _l(
                    "This is not a valid resident ID number (18 characters; check the birth date and the last digit)."
                )
    elif atype in APPLICANT_TYPES:
        clean["id_type"] = "uscc"
        if not clean["org_code"]:
            errors["org_code"] = _l("Please enter the unified social credit code.")
        else:
            clean["org_code"] = clean["org_code"].upper()
            problem = uscc_problem(clean["org_code"])
            if problem is not None:
                errors["org_code"] = USCC_MESSAGES[problem]
        clean["id_number"] = clean["org_code"]
        if not clean["contact_person"]:
            errors["contact_person"] = _l("Please enter the contact person.")

    if not clean["phone"] and not clean["email"] and not clean["address"]:
        errors["phone"] = _l("Please give at least one way to contact you: phone, email or address.")
    if clean["phone"] and not PHONE_RE.match(clean["phone"]):
        errors["phone"] = _l("Please enter a valid mobile or landline number, e.g. 13800138000 or 021-12345678.")
    if clean["email"]:
        try:
            clean["email"] = validate_email(clean["email"], check_deliverability=False).normalized
        except EmailNotValidError:
            errors["email"] = _l("Please enter a valid email address.")
    if clean["postal_code"] and not POSTAL_RE.match(clean["postal_code"]):
        errors["postal_code"] = _l("A postal code has 6 digits.")

    if not clean["description"]:
        errors["description"] = _l("Please describe the information you are asking for.")
    elif len(clean["description"]) < 5:
        errors["description"] = _l("Please describe the information in more detail (title, document number or other description).")
    if clean["form"] not in FORMS:
        errors["form"] = _l("Please choose the form in which you want the information.")
    if clean["delivery"] not in DELIVERIES:
        errors["delivery"] = _l("Please choose how you want to receive it.")
    elif clean["delivery"] == "post" and not clean["address"]:
        errors["address"] = _l("Please enter a postal address for delivery by post.")
    elif clean["delivery"] == "email" and not clean["email"]:
        errors["email"] = _l("Please enter an email address for delivery by email.")
    errors.update(unsafe)  # the refused character is the thing to fix first
    return clean, errors


def validate_channel(channel: str | None, received_on: date | None, today: date, *,
                     historical: bool = False) -> dict[str, object]:
    """Check the channel and receipt date a clerk enters for a paper request.

    `historical` is for the import of an office's existing cases only (caseapp.cases.importer):
    their receipt dates may be more than a year old and they may have arrived online."""
    errors: dict[str, object] = {}
    if channel not in CHANNELS or (channel == "online" and not historical):
        errors["channel"] = _l("Please choose how the request arrived.")
    if received_on is None:
        errors["received_on"] = _l("Please enter the date the request was received.")
    elif received_on > today:
        errors["received_on"] = _l("The receipt date cannot be in the future.")
    elif not historical and (today - received_on).days > 366:
        errors["received_on"] = _l("The receipt date is more than a year ago.")
    return errors
