"""Display labels for a request's coded fields (applicant type, ID type, form, delivery, channel)."""
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

# Natural persons choose one of these; organisations always identify with the credit code ("uscc").
ID_TYPE_LABELS = {
    "resident_id": _l("Resident identity card"),
    "passport": _l("Passport"),
    "hk_macao_permit": _l("Mainland travel permit for Hong Kong and Macao residents"),
    "taiwan_permit": _l("Mainland travel permit for Taiwan residents"),
    "foreign_permanent_residence": _l("Foreign permanent resident ID card"),
    "other": _l("Other identity document"),
    "uscc": _l("Unified social credit code"),
}

FORM_LABELS = {
    "paper": _l("On paper"),
    "electronic": _l("Electronic"),
}

DELIVERY_LABELS = {
    "post": _l("By post"),
    "email": _l("By email"),
    "pickup": _l("Collect in person"),
    "online": _l("Download online"),
}

CHANNEL_LABELS = {
    "online": _l("Online"),
    "in_person": _l("In person"),
    "post": _l("By post"),
    "fax": _l("By fax"),
    "email": _l("By email"),
    "oral": _l("Orally (recorded by staff)"),
}

ATTACHMENT_KIND_LABELS = {
    "id_scan": _l("Identity document"),
    "supporting": _l("Supporting document"),
    "correction": _l("Correction material"),
    "scan": _l("Scanned paper request"),
}


def label(table: dict, code: str | None) -> str:
    """The label of `code` in `table`, or the code itself when unknown (never an error)."""
    if code is None:
        return ""
    return str(table.get(code, code))
