"""The fee state table (国办函〔2020〕109号): the only home of fee statuses and their transitions.

A clerk proposes, a supervisor approves, issuing the fee notice serves it (notified), and the
applicant pays or the period lapses.
"""
from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from caseapp.core.states import StateTable, Transition


class FeeStatus(enum.StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    NOTIFIED = "notified"
    PAID = "paid"
    LAPSED = "lapsed"


FEE_LABELS = {
    FeeStatus.PROPOSED: _l("Proposed"),
    FeeStatus.APPROVED: _l("Approved"),
    FeeStatus.NOTIFIED: _l("Notice served, awaiting payment"),
    FeeStatus.PAID: _l("Paid"),
    FeeStatus.LAPSED: _l("Lapsed (not paid in time)"),
}
OPEN = frozenset({FeeStatus.PROPOSED, FeeStatus.APPROVED, FeeStatus.NOTIFIED})

FEES = StateTable(FeeStatus, FEE_LABELS, (
    Transition("approve_fee", frozenset({FeeStatus.PROPOSED}), FeeStatus.APPROVED, _l("Approve the fee")),
    Transition("serve", frozenset({FeeStatus.APPROVED}), FeeStatus.NOTIFIED, _l("Serve the fee notice")),
    Transition("record_payment", frozenset({FeeStatus.NOTIFIED}), FeeStatus.PAID, _l("Record payment")),
    Transition("lapse", frozenset({FeeStatus.NOTIFIED}), FeeStatus.LAPSED, _l("Lapse")),
), message=_l("“%(action)s” is not possible while the fee is “%(status)s”."))
