"""The fee part of the periodic sweep: unpaid fee notices lapse after 20 working days (109号)."""
from __future__ import annotations

from datetime import date

from caseapp.fees.operations import lapse_fee
from caseapp.fees.queries import lapsed_fees


def lapse_unpaid_fees(today: date) -> int:
    """Close every case whose fee went unpaid past its deadline; returns how many."""
    count = 0
    for fee in lapsed_fees(today):
        lapse_fee(fee, today=today)
        count += 1
    return count
