"""Checking what a clerk types into a letter: the template's fields and the delivery record."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from caseapp.core.errors import ValidationError
from caseapp.letters import rendering
from caseapp.letters.models import DELIVERY_METHODS

MAX_FIELD_CHARS = 5000


def clean_fields(spec: rendering.TemplateSpec, raw: dict, *, complete: bool) -> dict:
    """Check and normalise submitted fields; `complete` also requires every required field."""
    if not isinstance(raw, dict):
        raise ValidationError(_l("The letter fields must be an object."), errors={"fields": _l("The letter fields must be an object.")})
    errors, clean = {}, {}
    known = {f.name: f for f in spec.fields}
    for name in raw:
        if name not in known:
            errors[name] = _l("This template has no such field.")
    for name, f in known.items():
        if name not in raw and not complete:
            continue  # an edit changes only the fields it sends
        value = raw.get(name, "")
        if value is None:
            value = ""
        if f.type == "int":
            if value == "":
                clean[name] = ""
            else:
                try:
                    number = int(str(value).strip())
                    if number < 0 or number > 10_000_000:
                        raise ValueError
                    clean[name] = number
                except ValueError:
                    errors[name] = _l("Please enter a whole number.")
        elif f.type == "date":
            text = str(value).strip()
            if text:
                try:
                    clean[name] = date.fromisoformat(text).isoformat()
                except ValueError:
                    errors[name] = _l("Please enter a date like 2026-11-02.")
            else:
                clean[name] = ""
        else:
            if not isinstance(value, (str, int)):
                errors[name] = _l("Please enter text.")
                continue
            text = str(value).replace("\r\n", "\n").strip()
            if f.type == "text":
                text = " ".join(text.split())
            if len(text) > MAX_FIELD_CHARS:
                errors[name] = _l("At most %(n)s characters.", n=MAX_FIELD_CHARS)
            clean[name] = text
        if complete and f.required and clean.get(name, "") in ("", None) and name not in errors:
            errors[name] = _l("This field is required.")
    if errors:
        raise ValidationError(_l("Please correct the marked fields."), errors=errors)
    return clean


def clean_delivery(case, delivery, today: date) -> dict:
    """Check the delivery record: method, date (not in the future, not before receipt), reference."""
    if not isinstance(delivery, dict):
        raise ValidationError(_l("Please say how the letter was delivered."),
                              errors={"delivery": _l("Please say how the letter was delivered.")})
    errors = {}
    method = delivery.get("method")
    if method not in DELIVERY_METHODS:
        errors["method"] = _l("Please choose how the letter is delivered.")
    on = delivery.get("date")
    try:
        on = on if isinstance(on, date) else date.fromisoformat(str(on or "").strip())
    except ValueError:
        errors["date"] = _l("Please enter a date like 2026-11-02.")
        on = None
    if on is not None and on > today:
        errors["date"] = _l("The delivery date cannot be in the future.")
    elif on is not None and on < case.received_on:
        errors["date"] = _l("The delivery date cannot be before the request was received.")
    reference = delivery.get("reference") or ""
    if not isinstance(reference, str) or len(reference) > 200:
        errors["reference"] = _l("At most %(n)s characters.", n=200)
        reference = ""
    reference = reference.strip()
    if method == "post" and not reference:
        errors["reference"] = _l("Please enter the registered-mail number.")
    if errors:
        raise ValidationError(_l("Please correct the marked fields."), errors=errors)
    return {"method": method, "date": on, "reference": reference or None}
