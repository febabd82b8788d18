"""The disclosure panel of the office case page (templates/disclosure/_case_panel.html)."""
from __future__ import annotations

from flask_login import current_user

from caseapp.cases.models import Case
from caseapp.core.permissions import CASE_HANDLERS
from caseapp.disclosure import queries
from caseapp.disclosure.forms import LinkForm, StartItemForm
from caseapp.disclosure.labels import explain
from caseapp.disclosure.operations import can_convert_case


def disclosure_panel(case: Case, user=None) -> dict:
    """What the case page shows about information items: similar requests with their scores, the
    request's item, the link and start forms, and whether it can be converted to proactive disclosure."""
    user = user if user is not None else current_user
    item = queries.item_of_case(case)
    can_act = getattr(user, "role", None) in CASE_HANDLERS
    return {
        "item": item,
        "suggestions": queries.similar_requests(case),
        "entries": queries.entries_of_case(case),
        "can_act": can_act,
        "can_convert": can_act and can_convert_case(case),
        "link_form": LinkForm(formdata=None),
        "explain": explain,
        "start_form": StartItemForm(formdata=None, title=(case.document_ref or case.description or "")[:60]),
    }
