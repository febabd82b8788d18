"""Labels for the coded fields the statistics show.

The applicant-type and channel labels repeat caseapp.cases.labels with the same msgids (so they
share one translation): intake sits above stats in the import layers, so stats cannot import them.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

APPLICANT_TYPE_LABELS = {
    "natural_person": _l("Citizen (natural person)"),
    "commercial_enterprise": _l("Commercial enterprise"),
    "research_institution": _l("Research institution"),
    "social_welfare_org": _l("Social welfare organisation"),
    "legal_service_org": _l("Legal service organisation"),
    "other_org": _l("Other organisation"),
}

CHANNEL_LABELS = {
    "online": _l("Online"),
    "in_person": _l("In person"),
    "post": _l("By post"),
    "fax": _l("By fax"),
    "email": _l("By email"),
    "oral": _l("Orally (recorded by staff)"),
}

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
