"""Writes on fees (国办函〔2020〕109号): propose, approve, serve the notice, record payment, lapse.

A clerk proposes (the amount is computed, never typed), a supervisor approves and the fee notice is
prepared approved; issuing that notice (caseapp.letters.operations.issue_letter) serves it, which
puts the case in awaiting_fee with its clock paused. Payment resumes the clock; 20 working days
without payment close the case as other.fee_unpaid, with its closing notice prepared.
"""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from caseapp.calendar.service import load_calendar
from caseapp.cases import operations as case_ops
from caseapp.cases import states
from caseapp.cases.models import Case
from caseapp.cases.outcomes import add_outcome_rule
from caseapp.clock.rules import fee_payment_deadline
from caseapp.core.audit import record_event
from caseapp.core.clock import local_today
from caseapp.core.errors import (
    DomainError,
    ForbiddenError,
    TransitionError,
    ValidationError,
)
from caseapp.extensions import db
from caseapp.fees.models import Fee, FeeRequest
from caseapp.fees.queries import (
    charged_case_ids,
    covered_positions,
    covered_tracking_numbers,
    latest_fee,
    month_requests,
    open_fee,
)
from caseapp.fees.rules import (
    BASES,
    FREE_REQUESTS,
    MAX_COUNT,
    FeeQuote,
    compute_fee,
    describe_quote,
    quote_units,
)
from caseapp.fees.states import FEES, FeeStatus
from caseapp.letters.models import Letter
from caseapp.letters.operations import (
    draft_closing_letter,
    new_approved_letter,
    self_approval_allowed,
)


def quote_fee(basis, count) -> FeeQuote:
    """Validate the input and compute the amount (the dry run of propose_fee)."""
    errors = {}
    if basis not in BASES:
        errors["basis"] = _l("Please choose per request or per page.")
    try:
        count = int(count) if not isinstance(count, bool) and str(count).strip().lstrip("+").isdigit() else None
    except (TypeError, ValueError):
        count = None
    if count is None or not 1 <= count <= MAX_COUNT:
        errors["count"] = _l("Please enter a whole number of requests or pages.")
    if errors:
        raise ValidationError(_l("Please correct the marked fields."), errors=errors)
    return compute_fee(basis, count)


def _event(action: str, fee: Fee, case, *, actor, before: dict | None = None) -> None:
    db.session.flush()
    record_event(action, actor=actor, actor_label=None if actor else "system", case=case, before=before,
                 after={"fee_id": fee.id, "status": fee.status, "basis": fee.basis, "count": fee.count,
                        "amount": fee.amount, "received_on": fee.received_on, "pay_by": fee.pay_by,
                        "paid_on": fee.paid_on})
    db.session.flush()


def proposal_refusal(case) -> TransitionError | None:
    """Why no fee can be proposed now (an agency that charges fees, a case in progress, one fee at a
    time), or None."""
    if not getattr(case.agency, "charges_fees", True):
        return TransitionError(_l("This agency does not charge information-processing fees (its settings)."))
    if case.status != states.Status.IN_PROGRESS:
        return TransitionError(_l("A fee can only be proposed for a case in progress."))
    if open_fee(case) is not None:
        return TransitionError(_l("This case already has a fee in progress."))
    return None


def approval_refusal(case, user) -> DomainError | None:
    """A proposed fee must be waiting, and someone other than its proposer approves it."""
    fee = open_fee(case)
    if fee is None or FEES.refusal("approve_fee", fee.status) is not None:
        return TransitionError(_l("There is no proposed fee to approve."))
    if user is not None and fee.proposed_by_id == user.id and not self_approval_allowed(case.agency):
        return ForbiddenError(_l("A fee must be approved by someone other than whoever proposed it."))
    return None


def payment_refusal(case) -> TransitionError | None:
    """A served fee notice must be awaiting payment."""
    fee = open_fee(case)
    if fee is None or FEES.refusal("record_payment", fee.status) is not None:
        return TransitionError(_l("There is no fee notice awaiting payment."))
    return None


def propose_fee(case, *, actor, basis, count, note: str | None = None, today: date | None = None) -> Fee:
    """A clerk proposes a fee; the amount comes from the bands, and it must exceed zero.

    Per request, the fee covers the applicant's requests of that month beyond the free ten that no
    earlier fee covered, each at its own place's rate; `count` (the month's requests) is checked
    against the requests on record."""
    refused = proposal_refusal(case)
    if refused is not None:
        raise refused
    covered: list[tuple[int, Case]] = []
    if basis == "requests":
        month = month_requests(case)
        if count in (None, ""):
            count = len(month)
        quote_fee(basis, count)  # the input's own checks first
        if int(count) != len(month):
            message = _l("This applicant made %(n)s requests to the agency in that month.", n=len(month))
            raise ValidationError(message, errors={"count": message})
        charged = charged_case_ids([c.id for c in month])
        covered = [(k, c) for k, c in enumerate(month, start=1) if k > FREE_REQUESTS and c.id not in charged]
        quote = quote_units(basis, [k for k, _ in covered])
        quote = FeeQuote(basis, len(month), quote.amount, quote.lines)
        if covered and case.id not in {c.id for _, c in covered}:
            # The notice pauses, and unpaid closes, the request it is proposed on: that must be one it charges.
            place = next(k for k, c in enumerate(month, start=1) if c.id == case.id)
            message = _l("This is the applicant's request no. %(k)s of the month, which is not charged: propose the "
                         "fee on a request it charges (from %(first)s).", k=place, first=covered[0][1].tracking_number)
            raise ValidationError(message, errors={"basis": message})
    else:
        quote = quote_fee(basis, count)
    if quote.amount == 0:
        message = (_l("Every request beyond the free ten of this month has been charged already.")
                   if basis == "requests" and len(month) > FREE_REQUESTS
                   else _l("Within the free allowance: no fee is due."))
        raise ValidationError(message, errors={"count": message})
    fee = Fee(case_id=case.id, basis=quote.basis, count=quote.count, amount=quote.amount, status=FeeStatus.PROPOSED,
              note=(note or "").strip() or None, proposed_by_id=actor.id, proposed_on=today or local_today())
    db.session.add(fee)
    db.session.flush()
    db.session.add_all(FeeRequest(fee_id=fee.id, case_id=c.id, position=k) for k, c in covered)
    _event("fee.proposed", fee, case, actor=actor)
    return fee


def fee_quote(fee: Fee) -> FeeQuote:
    """How a fee's amount was counted: per request, the requests it covers at their places in the month."""
    positions = covered_positions(fee)
    if fee.basis == "requests" and positions:
        return quote_units(fee.basis, positions)
    return compute_fee(fee.basis, fee.count)


def approve_fee(case, *, actor, how_to_pay: str | None = None, today: date | None = None) -> Fee:
    """A supervisor approves the proposed fee; the fee notice is prepared, approved, for a clerk to issue."""
    refused = approval_refusal(case, actor)
    if refused is not None:
        raise refused
    fee = open_fee(case)
    fee.status = FeeStatus.APPROVED
    fee.approved_by_id = actor.id
    fee.approved_on = today or local_today()
    db.session.flush()
    fields = {"fee_basis": fee.basis, "fee_count": fee.count, "fee_amount": fee.amount,
              "fee_computation": describe_quote(fee_quote(fee))}
    if how_to_pay:
        fields["how_to_pay"] = how_to_pay.strip()
    letter = new_approved_letter(case, template="fee_notice", drafted_by_id=fee.proposed_by_id, approver=actor,
                                  fields=fields)
    fee.letter_id = letter.id
    _event("fee.approved", fee, case, actor=actor, before={"status": "proposed"})
    return fee


def serve_fee_notice(case, *, letter, actor, served_on: date, today: date | None = None) -> Fee:
    """The fee notice is issued: the case awaits payment, its clock paused from the serving day. The 20
    working days to pay run from the applicant's receipt (109号): for a notice handed over, e-mailed or
    delivered online that is the serving day; for one posted, the day it is signed for (recorded later)."""
    fee = open_fee(case)
    if fee is None or FEES.refusal("serve", fee.status) is not None or fee.letter_id != letter.id:
        raise TransitionError(_l("This fee notice has no approved fee waiting for it."))
    case_ops.await_fee(case, actor=actor, served_on=served_on, today=today)
    fee.status, fee.served_on = FeeStatus.NOTIFIED, served_on
    if letter.delivery_method != "post":
        fee.received_on, fee.pay_by = served_on, fee_payment_deadline(served_on, load_calendar())
    _event("fee.notified", fee, case, actor=actor, before={"status": "approved"})
    return fee


def receipt_refusal(case) -> TransitionError | None:
    """A posted fee notice must be waiting for its signed-for date."""
    fee = open_fee(case)
    if fee is None or FEES.refusal("record_payment", fee.status) is not None or fee.received_on is not None:
        return TransitionError(_l("No posted fee notice is waiting for its date of receipt."))
    return None


def record_fee_receipt(case, *, actor, received_on: date, today: date | None = None) -> Fee:
    """The applicant signed for the posted fee notice: the 20 working days to pay start from that day."""
    refused = receipt_refusal(case)
    if refused is not None:
        raise refused
    fee = open_fee(case)
    today = today or local_today()
    if not isinstance(received_on, date) or not fee.served_on <= received_on <= today:
        message = _l("The date of receipt must be between the day the notice was posted and today.")
        raise ValidationError(message, errors={"received_on": message})
    fee.received_on, fee.pay_by = received_on, fee_payment_deadline(received_on, load_calendar())
    _event("fee.received", fee, case, actor=actor, before={"received_on": None})
    return fee


def record_payment(case, *, actor, paid_on=None, today: date | None = None) -> Fee:
    """The applicant paid: the clock resumes."""
    today = today or local_today()
    refused = payment_refusal(case)
    if refused is not None:
        raise refused
    fee = open_fee(case)
    if paid_on in (None, ""):
        paid_on = today
    try:
        paid_on = paid_on if isinstance(paid_on, date) else date.fromisoformat(str(paid_on))
    except ValueError:
        raise ValidationError(_l("Please enter a date like 2026-11-02."),
                              errors={"paid_on": _l("Please enter a date like 2026-11-02.")}) from None
    if paid_on > today:
        raise ValidationError(_l("The payment date cannot be in the future."),
                              errors={"paid_on": _l("The payment date cannot be in the future.")})
    case_ops.record_fee_payment(case, actor=actor, paid_on=paid_on, today=today)
    fee.status = FeeStatus.PAID
    fee.paid_on = paid_on
    _event("fee.paid", fee, case, actor=actor, before={"status": "notified"})
    return fee


def _payment_period_over(case, today: date):
    """109号: a fee lapses only once its 20 working days from the notice's receipt have run out.
    (A case awaiting a fee without a fee record, which only an import could leave, has no period to wait for.)"""
    fee = open_fee(case)
    if fee is None:
        return None
    if fee.status != FeeStatus.NOTIFIED or fee.pay_by is None:
        return _l("The payment period has not started: the fee notice's receipt is not recorded yet.")
    if today <= fee.pay_by:
        return _l("The fee may be paid until %(day)s: the request cannot be closed as unpaid before then.",
                  day=fee.pay_by.isoformat())
    return None


add_outcome_rule("other.fee_unpaid", _payment_period_over)


def lapse_fee(fee: Fee, *, today: date) -> Fee:
    """No payment within 20 working days: close the case as other.fee_unpaid and prepare its notice."""
    FEES.require("lapse", fee.status)
    case = db.session.get(Case, fee.case_id)
    case_ops.close_case(case, actor=None, outcome="other.fee_unpaid", today=today,
                        reason=str(_l("The fee was not paid in time.")))
    fee.status = FeeStatus.LAPSED
    fee.lapsed_on = today
    db.session.flush()
    # The closing notice is prepared as a draft: a clerk completes, submits and issues it as usual.
    draft_closing_letter(case, "other.fee_unpaid")
    _event("fee.lapsed", fee, case, actor=None, before={"status": "notified"})
    return fee


def fee_letter_number(fee: Fee) -> str:
    """The number of the fee's issued notice, or ''."""
    if fee.letter_id is None:
        return ""
    letter = db.session.get(Letter, fee.letter_id)
    return (letter.number or "") if letter is not None else ""


def compact_numbers(numbers: list[str]) -> str:
    """Tracking numbers for a letter, runs of three or more consecutive ones written as a range
    (SFJY-2026-000111至SFJY-2026-000135), the rest listed with 、."""
    parts, run = [], []

    def seq(number: str) -> tuple[str, int] | None:
        prefix, _, digits = number.rpartition("-")
        return (prefix, int(digits)) if digits.isdigit() else None

    def close():
        if len(run) >= 3:
            parts.append(f"{run[0]}至{run[-1]}")
        else:
            parts.extend(run)
        run.clear()

    for number in numbers:
        here, last = seq(number), seq(run[-1]) if run else None
        if run and not (here and last and here[0] == last[0] and here[1] == last[1] + 1):
            close()
        run.append(number)
    close()
    return "、".join(parts)


def fee_values(case) -> dict:
    """The fee facts a letter of the case prints (empty when the case has no fee)."""
    fee = latest_fee(case)
    if fee is None:
        return {}
    return {
        "fee_basis": fee.basis, "fee_count": fee.count, "fee_amount": fee.amount,
        "fee_computation": describe_quote(fee_quote(fee)),
        "fee_requests": compact_numbers(covered_tracking_numbers(fee)),
        "fee_period": f"{case.received_on.year}年{case.received_on.month}月",
        "fee_served_on": fee.served_on.isoformat() if fee.served_on else "",
        "fee_received_on": fee.received_on.isoformat() if fee.received_on else "",
        "fee_pay_by": fee.pay_by.isoformat() if fee.pay_by else "",
        "fee_notice_number": fee_letter_number(fee),
    }
