"""Every write on a case: one verb-first function per action, each recording one audit event.

Operations flush but never commit: the request (or command) commits once, or rolls back on error.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from caseapp.accounts.models import Agency, User
from caseapp.calendar.rules import receipt_date
from caseapp.calendar.service import load_calendar
from caseapp.cases import states
from caseapp.cases.identity import (
    applicant_key,
    format_tracking_number,
    hash_query_code,
    new_query_code,
)
from caseapp.cases.models import Case
from caseapp.cases.outcomes import REQUIRED_STATUS, WITHDRAWAL_OUTCOME, get_outcome, outcome_rule_refusal
from caseapp.cases.validation import validate_channel, validate_request
from caseapp.clock.rules import (
    DEFAULT_CORRECTION_PERIOD,
    MAX_EXTENSION_DAYS,
    correction_due,
    correction_notice_deadline,
)
from caseapp.clock.service import refresh_due
from caseapp.core.audit import record_event
from caseapp.core.clock import local_today, utcnow
from caseapp.core.db import flush_or_stale, next_counter_value
from caseapp.core.errors import TransitionError, ValidationError
from caseapp.core.outbox import notify
from caseapp.core.permissions import CASE_HANDLERS
from caseapp.extensions import db

SNAPSHOT_FIELDS = (
    "status", "outcome", "closed_on", "handler_id", "clock_started_on", "due_on", "due_provisional",
    "correction_notified_on", "correction_due_on", "extension_days", "deferred_to",
)


def _one_write(op):
    """Run an operation without autoflush, so that its changes reach the database in one flush
    (one version bump) however many lazy loads happen in between."""

    @functools.wraps(op)
    def wrapper(*args, **kwargs):
        with db.session.no_autoflush:
            return op(*args, **kwargs)

    return wrapper


def _snapshot(case: Case) -> dict:
    return {f: getattr(case, f) for f in SNAPSHOT_FIELDS}


def _actor_label(actor: User | None, default: str) -> str | None:
    return None if actor is not None else default


def _begin(case: Case, action: str) -> dict:
    """Check the transition (the state machine holds for the steps that follow from other actions,
    such as a reply's issue closing its case); return the 'before' snapshot. The client's version
    is the runner's to check."""
    states.require(action, case.status)
    return _snapshot(case)


def _finish(case: Case, event: str, before: dict, *, actor: User | None, actor_label: str, note: str | None = None):
    flush_or_stale()
    record_event(event, actor=actor, actor_label=_actor_label(actor, actor_label), case=case,
                 before=before, after=_snapshot(case), note=note)
    flush_or_stale()


@dataclass(frozen=True)
class Registration:
    case: Case
    query_code: str  # shown to the applicant once; only its hash is stored


@_one_write
def register_case(
    agency: Agency,
    data: dict,
    *,
    channel: str = "online",
    received_on: date | None = None,
    submitted_at: datetime | None = None,
    actor: User | None = None,
    today: date | None = None,
) -> Registration:
    """File a request: online (receipt date by SPEC §2's rule) or registered by a clerk with its receipt date."""
    submitted_at = submitted_at or utcnow()
    today = today or local_today(submitted_at)
    clean, errors = validate_request(data)
    cal = load_calendar()
    if channel == "online":
        received_on = receipt_date(submitted_at, agency.reply_cutoff, cal)
    else:
        errors.update(validate_channel(channel, received_on, today))
    if errors:
        raise ValidationError(_l("Please correct the marked fields."), errors=errors)
    seq = next_counter_value("tracking", f"{agency.id}:{received_on.year}")
    code = new_query_code()
    case = Case(
        agency_id=agency.id,
        tracking_number=format_tracking_number(agency.tracking_pattern, agency.tracking_prefix, received_on.year, seq),
        query_code_hash=hash_query_code(code),
        applicant_key=applicant_key(clean["applicant_type"], clean["id_number"], clean["org_code"],
                                    clean["applicant_name"], clean["phone"]),
        channel=channel,
        status=states.Status.SUBMITTED.value,
        submitted_at=submitted_at,
        received_on=received_on,
        clock_started_on=received_on,
        registered_by_id=actor.id if actor is not None else None,
        **clean,
    )
    db.session.add(case)
    refresh_due(case, today, cal)
    flush_or_stale()
    record_event("case.registered", actor=actor, actor_label=_actor_label(actor, "applicant"), case=case,
                 after={"channel": channel, "received_on": received_on, "tracking_number": case.tracking_number,
                        **_snapshot(case)})
    flush_or_stale()
    return Registration(case, code)


@_one_write
def accept_case(case: Case, *, actor: User, today: date | None = None) -> Case:
    """Accept a submitted request for handling; the accepting clerk handles it unless someone already does."""
    before = _begin(case, "accept")
    case.status = states.Status.IN_PROGRESS.value
    case.accepted_on = today or local_today()
    if case.handler_id is None and actor.role in CASE_HANDLERS:
        case.handler_id = actor.id
    _finish(case, "case.accepted", before, actor=actor, actor_label="system")
    return case


@dataclass(frozen=True)
class CorrectionRequest:
    case: Case
    late: bool  # the notice went out after the 7 working days of Reg. 30
    notice_deadline: date


def correction_refusal(case: Case) -> TransitionError | None:
    """Reg. 30: a correction may be requested only once; the error that says so, or None."""
    if case.correction_count >= 1:
        return TransitionError(_l("A correction may be requested only once (Reg. 30)."))
    return None


@_one_write
def request_correction(
    case: Case,
    *,
    actor: User,
    details: str,
    period_days: int = DEFAULT_CORRECTION_PERIOD,
    today: date | None = None,
) -> CorrectionRequest:
    """Decide, once, everything the applicant must correct and the period to do it in (Reg. 30).

    The period runs from the day the correction notice (补正告知书) is issued to the applicant
    (`serve_correction_notice`), not from this decision: until then there is no correction due
    date, and nothing can lapse."""
    before = _begin(case, "request_correction")
    details = (details or "").strip()
    if not details:
        raise ValidationError(_l("Please list everything the applicant must correct."),
                              errors={"details": _l("Please list everything the applicant must correct.")})
    if not isinstance(period_days, int) or not 1 <= period_days <= 60:
        raise ValidationError(_l("The correction period is 1 to 60 working days."),
                              errors={"period_days": _l("The correction period is 1 to 60 working days.")})
    refused = correction_refusal(case)
    if refused is not None:
        raise refused
    today = today or local_today()
    cal = load_calendar()
    deadline = correction_notice_deadline(case.clock_started_on, cal)
    case.status = states.Status.CORRECTION_REQUESTED.value
    case.correction_details = details
    case.correction_requested_on = today
    case.correction_period_days = period_days
    case.correction_notified_on = case.correction_due_on = None
    case.correction_count += 1
    if case.handler_id is None and actor is not None and actor.role in CASE_HANDLERS:
        case.handler_id = actor.id  # whoever asked handles the corrected request: it comes back to them
    late = today > deadline
    _finish(case, "case.correction_requested", before, actor=actor, actor_label="system",
            note=details)
    return CorrectionRequest(case, late, deadline)


@_one_write
def receive_correction(
    case: Case,
    *,
    actor: User | None,
    text: str,
    received_on: date | None = None,
    today: date | None = None,
    submitted_at: datetime | None = None,
) -> Case:
    """Record the applicant's correction; the 20 working days start again from its arrival (Reg. 30).

    A correction made online (`submitted_at`) arrives by SPEC §2's online receipt rule: after the
    agency's cut-off or on a non-working day it counts as received on the next working day."""
    before = _begin(case, "receive_correction")
    text = (text or "").strip()
    if not text:
        raise ValidationError(_l("Please enter the corrected or supplemented content."),
                              errors={"description": _l("Please enter the corrected or supplemented content.")})
    if len(text) > 5000:
        raise ValidationError(_l("At most %(n)s characters.", n=5000), errors={"description": _l("At most %(n)s characters.", n=5000)})
    today = today or local_today()
    if submitted_at is not None:
        received_on = receipt_date(submitted_at, case.agency.reply_cutoff, load_calendar())
    else:
        received_on = received_on or today
        if received_on > today:
            raise ValidationError(_l("The receipt date cannot be in the future."),
                                  errors={"received_on": _l("The receipt date cannot be in the future.")})
    if case.correction_requested_on and received_on < case.correction_requested_on:
        raise ValidationError(_l("The correction cannot arrive before it was requested."),
                              errors={"received_on": _l("The correction cannot arrive before it was requested.")})
    case.status = states.Status.SUBMITTED.value
    case.correction_response = text
    case.correction_received_on = received_on
    case.clock_started_on = received_on
    refresh_due(case, today)
    _finish(case, "case.correction_received", before, actor=actor, actor_label="applicant", note=text)
    if case.handler_id is not None and (actor is None or actor.id != case.handler_id):
        notify(case.handler_id, "correction_received",
               f"{case.tracking_number}：申请人已提交补正，办理期限自{received_on.isoformat()}起重新计算，请重新审查。",
               case_id=case.id, dedupe_key=f"correction:{case.id}:{case.correction_count}")
    return case


@_one_write
def assign_case(case: Case, *, actor: User, handler: User) -> Case:
    """Give the case to a clerk or supervisor of its agency."""
    before = _begin(case, "assign")
    if handler.agency_id != case.agency_id or handler.role not in CASE_HANDLERS or not handler.active:
        raise ValidationError(_l("Cases can only be assigned to active clerks or supervisors of the same agency."),
                              errors={"user": _l("Cases can only be assigned to active clerks or supervisors of the same agency.")})
    if case.handler_id == handler.id:
        raise ValidationError(_l("The case is already assigned to %(name)s.", name=handler.display_name),
                              errors={"user": _l("The case is already assigned to %(name)s.", name=handler.display_name)})
    case.handler_id = handler.id
    _finish(case, "case.assigned", before, actor=actor, actor_label="system")
    return case


@_one_write
def withdraw_case(
    case: Case, *, actor: User | None, reason: str | None = None,
    today: date | None = None,
) -> Case:
    """The applicant withdraws (or a clerk records a withdrawal on the applicant's behalf)."""
    if states.is_final(case.status):
        raise TransitionError(_l("This request has already been closed or withdrawn and can no longer be withdrawn."))
    before = _begin(case, "withdraw")
    reason = (reason or "").strip() or None
    if reason and len(reason) > 1000:
        raise ValidationError(_l("At most %(n)s characters.", n=1000), errors={"reason": _l("At most %(n)s characters.", n=1000)})
    case.status = states.Status.WITHDRAWN.value
    case.outcome = WITHDRAWAL_OUTCOME
    case.closed_on = today or local_today()
    case.withdrawal_reason = reason
    from caseapp.cases.closures import record_closure
    record_closure(case, "withdrawal")
    _finish(case, "case.withdrawn", before, actor=actor, actor_label="applicant", note=reason)
    return case


@_one_write
def close_case(
    case: Case, *, actor: User | None, outcome: str, reason: str | None = None, today: date | None = None, actor_label: str = "system",
    delivered_on: date | None = None,
) -> Case:
    """Close the case with one outcome of SPEC §6; `closed_on` is the day the decision reached the
    applicant (`delivered_on`, default today: 国办公开办函〔2016〕235号)."""
    before = _begin(case, "close")
    found = get_outcome(outcome or "")
    if found is None:
        raise ValidationError(_l("Please choose a valid outcome."), errors={"outcome": _l("Please choose a valid outcome.")})
    today = today or local_today()
    if delivered_on is not None and not case.received_on <= delivered_on <= today:
        message = _l("The delivery date must be between the receipt date and today.")
        raise ValidationError(message, errors={"delivered_on": message})
    refused = outcome_refusal(case, found.code, today)
    if refused is not None:
        raise refused
    case.status = states.Status.CLOSED.value
    case.outcome = found.code
    case.closed_on = delivered_on or today
    from caseapp.cases.closures import closure_kind, record_closure
    record_closure(case, closure_kind(found.code, reason))
    _finish(case, "case.closed", before, actor=actor, actor_label=actor_label, note=(reason or "").strip() or None)
    return case


def outcome_refusal(case: Case, code: str, today: date) -> ValidationError | TransitionError | None:
    """Why the case cannot close with outcome `code` today: its status (409), or a rule of the outcome
    (422 naming the outcome field, so that a form shows it beside the choice); None when it can."""
    required = REQUIRED_STATUS.get(code)
    if required and case.status != required:
        return TransitionError(_l("This outcome only applies to a case in the status “%(status)s”.",
                                  status=states.STATUS_LABELS[states.Status(required)]))
    message = outcome_rule_refusal(case, code, today)
    return ValidationError(message, errors={"outcome": message}) if message is not None else None


def correction_notice_refusal(case: Case) -> TransitionError | None:
    """Why a correction notice cannot be issued on the case now: only while its correction is
    requested, and once (Reg. 30: everything to correct is told at one time); None when it can."""
    if case.status != states.Status.CORRECTION_REQUESTED.value:
        return TransitionError(_l("A correction notice is issued only while a correction of the request is awaited."))
    if case.correction_notified_on is not None:
        return TransitionError(_l("The correction notice was already issued on %(day)s: a correction is requested "
                                  "only once (Reg. 30).", day=case.correction_notified_on.isoformat()))
    return None


def serve_correction_notice(case: Case, *, served_on: date) -> Case:
    """The correction notice reached the applicant on `served_on` (its issue: handed over, sent, or
    posted): the correction period counts from that day (Reg. 30). Part of the letter's issue (its
    audit event, letter.issued), which prints the due date set here."""
    refused = correction_notice_refusal(case)
    if refused is not None:
        raise refused
    period = case.correction_period_days or getattr(case.agency, "correction_period_days", None) \
        or DEFAULT_CORRECTION_PERIOD
    case.correction_period_days = period
    case.correction_notified_on = served_on
    case.correction_due_on = correction_due(served_on, load_calendar(), period)
    flush_or_stale()
    return case


def lapse_correction(case: Case, *, today: date) -> Case:
    """The correction period passed without a correction: close as other.correction_lapsed."""
    return close_case(case, actor=None, outcome="other.correction_lapsed", today=today,
                      reason=str(_l("No correction arrived within the period.")))


@_one_write
def reopen_case(
    case: Case, *, actor: User, reason: str, today: date | None = None,
) -> Case:
    """Reopen after a reconsideration or court decision orders a new reply; a new 20-day period starts."""
    before = _begin(case, "reopen")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_l("Please give the decision that orders the case reopened."),
                              errors={"reason": _l("Please give the decision that orders the case reopened.")})
    today = today or local_today()
    case.status = states.Status.IN_PROGRESS.value
    case.outcome = None
    case.closed_on = None
    case.clock_started_on = today
    case.extension_days = 0
    case.deferred_to = None
    refresh_due(case, today)
    from caseapp.cases.closures import mark_reopened
    mark_reopened(case, today, reason)
    _finish(case, "case.reopened", before, actor=actor, actor_label="system", note=reason)
    return case


@_one_write
def await_fee(case: Case, *, actor: User, served_on: date | None = None,
              today: date | None = None) -> Case:
    """A fee notice was served: the case waits for payment and its clock pauses (SPEC §4 design choice)."""
    from caseapp.cases.models import ClockPause

    before = _begin(case, "issue_fee_notice")
    today = today or local_today()
    served_on = served_on or today
    case.status = states.Status.AWAITING_FEE.value
    case.pauses.append(ClockPause(kind="fee", started_on=served_on))
    refresh_due(case, today)
    _finish(case, "case.fee_notice_served", before, actor=actor, actor_label="system")
    return case


@_one_write
def record_fee_payment(case: Case, *, actor: User, paid_on: date | None = None,
                       today: date | None = None) -> Case:
    """The fee was paid: the pause ends and the clock runs again."""
    before = _begin(case, "record_payment")
    today = today or local_today()
    paid_on = paid_on or today
    for pause in case.pauses:
        if pause.kind == "fee" and pause.ended_on is None:
            if paid_on < pause.started_on:
                raise ValidationError(_l("The payment date cannot be before the fee notice was served."),
                                      errors={"paid_on": _l("The payment date cannot be before the fee notice was served.")})
            pause.ended_on = paid_on
    case.status = states.Status.IN_PROGRESS.value
    refresh_due(case, today)
    _finish(case, "case.fee_paid", before, actor=actor, actor_label="system")
    return case


@_one_write
def reveal_id_number(case: Case, *, actor: User) -> str | None:
    """Record that a staff member displayed the applicant's full ID number; returns it."""
    record_event("case.id_revealed", actor=actor, case=case, after={"id_type": case.id_type})
    flush_or_stale()
    return case.id_number


@_one_write
def grant_extension(case: Case, *, actor: User, days: int, reason: str | None = None, today: date | None = None) -> Case:
    """Extend the reply period by up to 20 working days, once per case (Reg. 33); the due date moves."""
    before = _begin(case, "extend")
    if case.extension_days:
        raise TransitionError(_l("The reply period may be extended only once (Reg. 33)."))
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ValidationError(_l("An extension is 1 to 20 working days."),
                              errors={"days": _l("An extension is 1 to 20 working days.")})
    case.extension_days = days
    refresh_due(case, today or local_today())
    _finish(case, "case.extension_granted", before, actor=actor, actor_label="system",
            note=(reason or "").strip() or None)
    return case


@_one_write
def defer_case(case: Case, *, actor: User, deferred_to: date, reason: str | None = None, today: date | None = None) -> Case:
    """Set a later reply date for plainly excessive requests (Reg. 35); it replaces the computed one."""
    before = _begin(case, "defer")
    if not isinstance(deferred_to, date) or (case.due_on is not None and deferred_to <= case.due_on):
        raise ValidationError(_l("The deferred reply date must be later than the current due date."),
                              errors={"deferred_to": _l("The deferred reply date must be later than the current due date.")})
    case.deferred_to = deferred_to
    refresh_due(case, today or local_today())
    _finish(case, "case.deferred", before, actor=actor, actor_label="system", note=(reason or "").strip() or None)
    return case
