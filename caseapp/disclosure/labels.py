"""Labels of the disclosure area: topics of the public column, finding kinds, statuses, events."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

TOPICS = {
    "education": _l("Education"),
    "housing": _l("Housing and urban-rural development"),
    "environment": _l("Ecology and environment"),
    "market": _l("Market regulation"),
    "planning": _l("Planning and natural resources"),
    "transport": _l("Transport"),
    "budget": _l("Budgets and final accounts"),
    "enforcement": _l("Administrative enforcement"),
    "other": _l("Other"),
}

FINDING_KIND_LABELS = {
    "id_number": _l("Resident ID number"),
    "mobile": _l("Mobile phone number"),
    "landline": _l("Landline phone number"),
    "email": _l("E-mail address"),
    "bank_card": _l("Bank card number"),
    "name": _l("Applicant's name"),
    "address": _l("Applicant's address"),
}

FINDING_STATUS_LABELS = {
    "open": _l("To be resolved"),
    "removed": _l("Removed"),
    "not_personal": _l("Marked as not personal"),
}

FINDING_SOURCE_LABELS = {"title": _l("Title"), "summary": _l("Summary"), "document": _l("Document")}

ENTRY_STATUS_LABELS = {"draft": _l("Draft awaiting approval"), "published": _l("Published")}

DECISION_LABELS = {"agree": _l("Agreed"), "disagree": _l("Not agreed")}

JUDGEMENT_LABELS = {"same": _l("The same information"), "different": _l("Different information")}

VOCABULARY_KIND_LABELS = {"synonym": _l("Synonym"), "umbrella": _l("Umbrella term")}

# Why a similar request is suggested (caseapp.disclosure.similarity.Reason kinds).
REASON_LABELS = {
    "confirmed": _l("Confirmed by a clerk as the same information"),
    "period": _l("Same period"),
    "docno": _l("Same document number"),
    "numbered": _l("Same numbered line, building or plot"),
    "organisation": _l("Same company or institution"),
    "project": _l("Same project"),
    "place": _l("Same place"),
    "term": _l("Same subject"),
    "words": _l("Shared words"),
}


def explain(reasons) -> list[dict]:
    """The reasons of a suggestion for people: [{kind, label, value}] in the request's language."""
    return [{"kind": r.kind, "label": str(REASON_LABELS.get(r.kind, r.kind)), "value": r.value} for r in reasons]


def explanation(reasons) -> str:
    """One line for the clerk: 时间相同：2025年第二季度；文号相同：〔2025〕12号；…"""
    return "；".join(f"{x['label']}：{x['value']}" if x["value"] else x["label"] for x in explain(reasons))
