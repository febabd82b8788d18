"""Extension (Reg. 33) and deferral (Reg. 35): a clerk asks, the person in charge approves, and
the notice to the applicant is prepared approved for a clerk to issue. One audit event each."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from caseapp.calendar.service import load_calendar
from caseapp.cases import operations as case_ops
from caseapp.cases import states as case_states
from caseapp.cases.models import Case
from caseapp.clock.rules import MAX_EXTENSION_DAYS, compute_due
from caseapp.clock.service import facts_for
from caseapp.core.audit import record_event
from caseapp.core.clock import local_today
from caseapp.core.db import flush_or_stale
from caseapp.core.errors import ForbiddenError, TransitionError, ValidationError
from caseapp.extensions import db
from caseapp.letters.models import TimeRequest
from caseapp.letters.operations import MAX_REASON_CHARS, add_issue_hook, new_approved_letter, self_approval_allowed
from caseapp.letters.queries import pending_time_request
from caseapp.letters.states import TIME_REQUESTS, TimeRequestStatus


def _clean_reason(reason) -> str:
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise ValidationError(_l("Please give the reason."), errors={"reason": _l("Please give the reason.")})
    if len(reason) > MAX_REASON_CHARS:
        raise ValidationError(_l("At most %(n)s characters.", n=MAX_REASON_CHARS),
                              errors={"reason": _l("At most %(n)s characters.", n=MAX_REASON_CHARS)})
    return reason


def within_period_refusal(case: Case, today: date) -> TransitionError | None:
    """Reg. 33: an extension (and, alike, a deferral) is decided and notified before the reply is due."""
    if case.due_on is not None and today > case.due_on:
        return TransitionError(_l("The reply was due on %(day)s: the period can no longer be extended or deferred "
                                  "(Reg. 33 requires the decision before the due date).", day=case.due_on.isoformat()))
    return None


def extension_refusal(case: Case, today: date) -> TransitionError | None:
    """Why no extension can be requested now (status, once only, within the period), or None."""
    refused = case_states.TABLE.refusal("extend", case.status)
    if refused is None and (case.extension_days or pending_time_request(case, "extension") is not None):
        refused = TransitionError(_l("The reply period may be extended only once (Reg. 33)."))
    return refused or within_period_refusal(case, today)


def deferral_refusal(case: Case, today: date) -> TransitionError | None:
    """Why no deferral can be proposed now (status, one pending at a time, within the period), or None."""
    refused = case_states.TABLE.refusal("defer", case.status)
    if refused is None and pending_time_request(case, "deferral") is not None:
        refused = TransitionError(_l("A deferral is already awaiting approval."))
    return refused or within_period_refusal(case, today)


def approval_refusal(case: Case, kind: str, user) -> TransitionError | ForbiddenError | None:
    """A pending request of this kind must exist, and someone other than its requester approves it."""
    req = pending_time_request(case, kind)
    if req is None:
        return TransitionError(_l("There is no request awaiting approval."))
    if user is not None and req.requested_by_id == user.id and not self_approval_allowed(case.agency):
        return ForbiddenError(_l("A request must be approved by someone other than whoever made it."))
    return None


def due_before(req: TimeRequest, case: Case, today: date) -> date:
    """The reply's due date as it was before this approved extension or deferral moved it."""
    facts = facts_for(case)
    if req.kind == "extension":
        facts = replace(facts, extension_days=max(0, facts.extension_days - (req.days or 0)))
    else:
        facts = replace(facts, deferred_to=None)
    return compute_due(facts, load_calendar(), today).due_on


def _notice_in_time(case: Case, *, letter, actor, served_on: date, today: date) -> None:
    """Reg. 33: the extension (or deferral) notice reaches the applicant within the period it
    extends; served later, the period has already run out and the notice cannot be issued."""
    req = db.session.scalar(sa.select(TimeRequest).where(TimeRequest.letter_id == letter.id))
    if req is None:
        return
    original = due_before(req, case, today)
    if served_on > original:
        message = _l("The reply was due on %(day)s: the notice of the extension or deferral had to reach the "
                     "applicant by then (Reg. 33) and can no longer be issued.", day=original.isoformat())
        raise TransitionError(message)


add_issue_hook("extension_notice", _notice_in_time)
add_issue_hook("deferral_notice", _notice_in_time)


def request_extension(case: Case, *, actor, days, reason, today: date | None = None) -> TimeRequest:
    """Ask to extend the reply period by at most 20 working days; once per case."""
    today = today or local_today()
    refused = extension_refusal(case, today)
    if refused is not None:
        raise refused
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ValidationError(_l("An extension is 1 to 20 working days."),
                              errors={"days": _l("An extension is 1 to 20 working days.")})
    reason = _clean_reason(reason)
    req = TimeRequest(case_id=case.id, kind="extension", days=days, reason=reason, requested_by_id=actor.id,
                      requested_on=today, status=TimeRequestStatus.REQUESTED)
    db.session.add(req)
    flush_or_stale()
    record_event("extension.requested", actor=actor, case=case, after={"request_id": req.id, "days": days},
                 note=reason)
    flush_or_stale()
    return req


def request_deferral(case: Case, *, actor, deferred_to, reason, today: date | None = None) -> TimeRequest:
    """Propose a later reply date for plainly excessive requests (Reg. 35), for a supervisor to approve."""
    today = today or local_today()
    refused = deferral_refusal(case, today)
    if refused is not None:
        raise refused
    if not isinstance(deferred_to, date):
        raise ValidationError(_l("Please enter a date like 2026-11-02."),
                              errors={"deferred_to": _l("Please enter a date like 2026-11-02.")})
    if case.due_on is not None and deferred_to <= case.due_on:
        message = _l("The deferred reply date must be later than the current due date.")
        raise ValidationError(message, errors={"deferred_to": message})
    reason = _clean_reason(reason)
    req = TimeRequest(case_id=case.id, kind="deferral", deferred_to=deferred_to, reason=reason,
                      requested_by_id=actor.id, requested_on=today, status=TimeRequestStatus.REQUESTED)
    db.session.add(req)
    flush_or_stale()
    record_event("deferral.requested", actor=actor, case=case, after={"request_id": req.id, "deferred_to": deferred_to},
                 note=reason)
    flush_or_stale()
    return req


def approve_time_request(case: Case, *, actor, kind: str, today: date | None = None) -> TimeRequest:
    """Approve the pending extension or deferral: the due date moves and its notice is prepared,
    approved, for a clerk to issue."""
    refused = approval_refusal(case, kind, actor)
    if refused is not None:
        raise refused
    req = pending_time_request(case, kind)
    TIME_REQUESTS.require("approve", req.status)
    today = today or local_today()
    if kind == "extension":
        case_ops.grant_extension(case, actor=actor, days=req.days, reason=req.reason, today=today)
        template = "extension_notice"
        fields = {"days": req.days, "reason": req.reason, "new_due_on": case.due_on.isoformat()}
    else:
        case_ops.defer_case(case, actor=actor, deferred_to=req.deferred_to, reason=req.reason, today=today)
        template = "deferral_notice"
        fields = {"deferred_to": req.deferred_to.isoformat(), "reason": req.reason}
    letter = new_approved_letter(case, template=template, drafted_by_id=req.requested_by_id, approver=actor,
                                 fields=fields)
    req.status = TimeRequestStatus.APPROVED
    req.approved_by_id = actor.id
    req.approved_on = today
    req.letter_id = letter.id
    flush_or_stale()
    record_event(f"{kind}.approved", actor=actor, case=case, before={"status": "requested"},
                 after={"request_id": req.id, "status": "approved", "letter_id": letter.id, "due_on": case.due_on})
    flush_or_stale()
    return req
