"""The letter and time-request state tables: the only home of their statuses and transitions.

A letter is drafted, edited while a draft or returned, submitted, approved or returned by a
supervisor, and issued (then frozen). An extension or deferral request is requested, then approved.
"""
from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from caseapp.core.states import StateTable, Transition


class LetterStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    ISSUED = "issued"
    RETURNED = "returned"


LETTER_LABELS = {
    LetterStatus.DRAFT: _l("Draft"),
    LetterStatus.SUBMITTED: _l("Awaiting approval"),
    LetterStatus.APPROVED: _l("Approved, ready to issue"),
    LetterStatus.ISSUED: _l("Issued"),
    LetterStatus.RETURNED: _l("Returned for changes"),
}
EDITABLE = frozenset({LetterStatus.DRAFT, LetterStatus.RETURNED})

LETTERS = StateTable(LetterStatus, LETTER_LABELS, (
    Transition("update_letter", EDITABLE, None, _l("Save draft")),
    Transition("submit_letter", EDITABLE, LetterStatus.SUBMITTED, _l("Submit for approval")),
    Transition("approve_letter", frozenset({LetterStatus.SUBMITTED}), LetterStatus.APPROVED, _l("Approve")),
    Transition("return_letter", frozenset({LetterStatus.SUBMITTED}), LetterStatus.RETURNED, _l("Return for changes")),
    Transition("issue_letter", frozenset({LetterStatus.APPROVED}), LetterStatus.ISSUED, _l("Issue")),
), message=_l("“%(action)s” is not possible while the letter is “%(status)s”."))


class TimeRequestStatus(enum.StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"


TIME_REQUEST_LABELS = {
    TimeRequestStatus.REQUESTED: _l("Awaiting approval"),
    TimeRequestStatus.APPROVED: _l("Approved"),
}

TIME_REQUESTS = StateTable(TimeRequestStatus, TIME_REQUEST_LABELS, (
    Transition("approve", frozenset({TimeRequestStatus.REQUESTED}), TimeRequestStatus.APPROVED, _l("Approve")),
), message=_l("“%(action)s” is not possible while the request is “%(status)s”."))
