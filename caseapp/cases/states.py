"""The case state machine of SPEC §3: statuses, allowed transitions and guards. The only home of these rules."""
from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from caseapp.core.states import StateTable, Transition


class Status(enum.StrEnum):
    SUBMITTED = "submitted"
    CORRECTION_REQUESTED = "correction_requested"
    IN_PROGRESS = "in_progress"
    AWAITING_FEE = "awaiting_fee"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


STATUS_LABELS = {
    Status.SUBMITTED: _l("Awaiting acceptance"),
    Status.CORRECTION_REQUESTED: _l("Awaiting correction"),
    Status.IN_PROGRESS: _l("In progress"),
    Status.AWAITING_FEE: _l("Awaiting fee payment"),
    Status.CLOSED: _l("Closed"),
    Status.WITHDRAWN: _l("Withdrawn"),
}

FINAL = frozenset({Status.CLOSED, Status.WITHDRAWN})
OPEN = frozenset(set(Status) - FINAL)
# Statuses in which the reply clock runs or is paused (not while waiting for a correction).
CLOCK_RUNNING = frozenset({Status.SUBMITTED, Status.IN_PROGRESS, Status.AWAITING_FEE})


TABLE = StateTable(Status, STATUS_LABELS, (
    Transition("accept", frozenset({Status.SUBMITTED}), Status.IN_PROGRESS, _l("Accept")),
    Transition("request_correction", frozenset({Status.SUBMITTED}), Status.CORRECTION_REQUESTED,
               _l("Request correction")),
    Transition("receive_correction", frozenset({Status.CORRECTION_REQUESTED}), Status.SUBMITTED,
               _l("Receive correction")),
    Transition("assign", frozenset(OPEN), None, _l("Assign")),
    Transition("issue_fee_notice", frozenset({Status.IN_PROGRESS}), Status.AWAITING_FEE, _l("Issue fee notice")),
    Transition("record_payment", frozenset({Status.AWAITING_FEE}), Status.IN_PROGRESS, _l("Record payment")),
    # Extension (Reg. 33) and deferral (Reg. 35) move the due date while the clock runs.
    Transition("extend", CLOCK_RUNNING, None, _l("Extend the reply period")),
    Transition("defer", CLOCK_RUNNING, None, _l("Defer the reply")),
    # The records found for the request are gathered and prepared for release while it is handled.
    Transition("add_record", frozenset({Status.IN_PROGRESS, Status.AWAITING_FEE}), None, _l("Add a record")),
    Transition("redact_record", frozenset({Status.IN_PROGRESS, Status.AWAITING_FEE}), None, _l("Redact a record")),
    Transition("release_record", frozenset({Status.IN_PROGRESS, Status.AWAITING_FEE}), None,
               _l("Release a record as it is")),
    # A search for the requested information is recorded while the reply is prepared (SPEC §12).
    Transition("record_search", frozenset({Status.IN_PROGRESS, Status.AWAITING_FEE}), None, _l("Record a search")),
    Transition("withdraw", frozenset(OPEN), Status.WITHDRAWN, _l("Withdraw")),
    Transition("close", frozenset(OPEN), Status.CLOSED, _l("Close")),
    Transition("reopen", frozenset(FINAL), Status.IN_PROGRESS, _l("Reopen")),
), message=_l("“%(action)s” is not possible while the case is “%(status)s”."))
TRANSITIONS = TABLE.transitions


def allowed(action: str, status: str | Status) -> bool:
    """Whether `action` may be taken on a case in `status`."""
    return TABLE.allowed(action, status)


def available_actions(status: str | Status) -> list[str]:
    """Actions allowed in this status, in table order."""
    return TABLE.available(status)


def require(action: str, status: str | Status) -> None:
    """Raise TransitionError unless the case's status allows `action`."""
    TABLE.require(action, status)


def can_receive_correction(case) -> bool:
    return allowed("receive_correction", case.status)


def can_withdraw(case) -> bool:
    return allowed("withdraw", case.status)


def is_final(status: str | Status) -> bool:
    return Status(status) in FINAL
