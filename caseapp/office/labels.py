"""Labels the office pages share: inbox tabs, statuses and the request's coded fields."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from caseapp.cases.labels import (
    APPLICANT_TYPE_LABELS,
    ATTACHMENT_KIND_LABELS,
    CHANNEL_LABELS,
    DELIVERY_LABELS,
    FORM_LABELS,
    ID_TYPE_LABELS,
)
from caseapp.cases.states import STATUS_LABELS

TAB_LABELS = {
    "open": _l("All open"), "mine": _l("My cases"), "unassigned": _l("Unassigned"), "due_soon": _l("Due soon"),
    "overdue": _l("Overdue"), "correction": _l("Awaiting correction"), "all": _l("All cases"),
}


def labels() -> dict:
    """Every label table the office templates use."""
    return {
        "tab_labels": TAB_LABELS,
        "status_labels": {s.value: label for s, label in STATUS_LABELS.items()},
        "channel_labels": CHANNEL_LABELS,
        "applicant_type_labels": APPLICANT_TYPE_LABELS,
        "id_type_labels": ID_TYPE_LABELS,
        "form_labels": FORM_LABELS,
        "delivery_labels": DELIVERY_LABELS,
        "kind_labels": ATTACHMENT_KIND_LABELS,
    }

