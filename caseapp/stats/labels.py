"""Labels for the coded fields the statistics show (the request's own are caseapp.cases.labels)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

PAUSE_LABELS = {
    "consultation_agency": _l("Consultation of another agency"),
    "consultation_third_party": _l("Consultation of a third party"),
    "fee": _l("Fee notice outstanding"),
}

TIME_EVENT_LABELS = {
    "case.extension_granted": _l("Extensions granted"),
    "case.deferred": _l("Replies deferred"),
}


def label(table: dict, code: str | None) -> str:
    """The label of `code` in `table`; an unknown code gets a generic label, never the code itself."""
    if code is None:
        return ""
    found = table.get(code)
    return str(found) if found is not None else str(_l("Other"))
