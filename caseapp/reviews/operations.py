"""Reconsideration and litigation against a case's reply (SPEC §10 Table 4, §12): the operations.

Registering one records the day the agency received the copy of the application or complaint and
computes the answer due date with the clock's rules (caseapp.clock.rules); the answer's submission
is recorded (late: allowed, flagged); the result is entered when decided. A `corrected` result lets
a supervisor reopen the case with the decision attached (caseapp.cases.operations.reopen_case).

Table 4 of a year counts the reviews **filed** in that year, each with its result as known on
31 December (a decision dated later counts as 尚未审结), so a published report never changes.
"""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from caseapp.accounts.models import User
from caseapp.calendar.rules import WorkingCalendar
from caseapp.calendar.service import load_calendar
from caseapp.cases import operations as case_ops
from caseapp.cases.models import Case
from caseapp.clock.rules import review_answer_due
from caseapp.core.audit import record_event
from caseapp.core.clock import local_today
from caseapp.core.db import flush_or_stale
from caseapp.core.errors import TransitionError, ValidationError
from caseapp.extensions import db
from caseapp.reviews.models import ANSWER_LABELS, KIND_LABELS, KINDS, RESULT_LABELS, RESULTS, CaseReview  # noqa: F401
from caseapp.reviews.queries import get_review, issued_reply, reviews_of  # noqa: F401 - read by the views

def _snapshot(review: CaseReview) -> dict:
    return {"kind": review.kind, "body": review.body, "reference": review.reference, "filed_on": review.filed_on,
            "copy_received_on": review.copy_received_on, "answer_due_on": review.answer_due_on,
            "decided_on": review.decided_on, "result": review.result}


def _clean(data: dict, case: Case, today: date, *, reply=None, require_copy: bool = False) -> dict:
    """Check a review's fields; raise ValidationError naming every bad field, in the user's language."""
    errors = {}
    kind = data.get("kind")
    if kind not in KINDS:
        errors["kind"] = _l("Please choose reconsideration or litigation.")
    body = (data.get("body") or "").strip()
    if not body:
        errors["body"] = _l("Please give the reconsideration body or court.")
    elif len(body) > 200:
        errors["body"] = _l("At most %(n)s characters.", n=200)
    reference = (data.get("reference") or "").strip() or None
    if reference and len(reference) > 100:
        errors["reference"] = _l("At most %(n)s characters.", n=100)
    filed_on = data.get("filed_on")
    if not isinstance(filed_on, date):
        errors["filed_on"] = _l("Please give the filing date.")
    elif filed_on > today:
        errors["filed_on"] = _l("The filing date cannot be in the future.")
    elif filed_on < case.received_on:
        errors["filed_on"] = _l("The filing date cannot be before the request was received.")
    result = data.get("result") or "pending"
    if result not in RESULTS:
        errors["result"] = _l("Please choose a valid result.")
    decided_on = data.get("decided_on")
    if result == "pending":
        decided_on = None
    elif not isinstance(decided_on, date):
        errors["decided_on"] = _l("A concluded review needs its decision date.")
    elif decided_on > today:
        errors["decided_on"] = _l("The decision date cannot be in the future.")
    elif isinstance(filed_on, date) and decided_on < filed_on:
        errors["decided_on"] = _l("The decision date cannot be before the filing date.")
    decision = (data.get("decision") or "").strip() or None
    if decision and len(decision) > 5000:
        errors["decision"] = _l("At most %(n)s characters.", n=5000)
    copy_received_on = data.get("copy_received_on")
    if copy_received_on is None and not require_copy:
        pass  # a review recorded before the answer clock existed keeps none
    elif not isinstance(copy_received_on, date):
        errors["copy_received_on"] = _l("Please give the date the copy of the application or complaint was received.")
    elif copy_received_on > today:
        errors["copy_received_on"] = _l("The date the copy was received cannot be in the future.")
    elif reply is not None and reply.issued_on and copy_received_on < reply.issued_on:
        errors["copy_received_on"] = _l("The copy cannot have been received before the reply was issued (%(day)s).",
                                        day=reply.issued_on.isoformat())
    elif isinstance(filed_on, date) and copy_received_on < filed_on:
        errors["copy_received_on"] = _l("The copy cannot have been received before the filing date.")
    if errors:
        raise ValidationError(_l("Please correct the marked fields."), errors=errors)
    return {"kind": kind, "body": body, "reference": reference, "filed_on": filed_on, "result": result,
            "decided_on": decided_on, "decision": decision, "copy_received_on": copy_received_on}


def review_refusal(case: Case) -> TransitionError | None:
    """Why no reconsideration or lawsuit can be registered against this case, or None: it needs an
    issued reply to be challenged."""
    if issued_reply(case) is None:
        return TransitionError(_l("This request has no issued reply yet: there is nothing to challenge."))
    return None


def _answer_due(clean: dict, cal: WorkingCalendar | None) -> date | None:
    if clean["copy_received_on"] is None:
        return None
    return review_answer_due(clean["kind"], clean["copy_received_on"], cal or load_calendar())


def record_review(case: Case, *, actor: User, data: dict, today: date | None = None,
                  cal: WorkingCalendar | None = None) -> CaseReview:
    """Register a reconsideration or lawsuit against the case's reply, with its answer due date
    (SPEC §12) when the copy's receipt is given (the runner's action requires it and an issued reply)."""
    reply = issued_reply(case)
    clean = _clean(data, case, today or local_today(), reply=reply)
    review = CaseReview(case_id=case.id, agency_id=case.agency_id, recorded_by_id=actor.id,
                        answer_due_on=_answer_due(clean, cal), **clean)
    db.session.add(review)
    flush_or_stale()
    record_event("review.recorded", actor=actor, case=case, after=_snapshot(review), note=clean["decision"])
    flush_or_stale()
    return review


def update_review(review: CaseReview, *, actor: User, data: dict, today: date | None = None) -> CaseReview:
    """Correct a review or enter its result when the decision arrives."""
    before = _snapshot(review)
    merged = {**_snapshot(review), "decision": review.decision, **data}
    if merged.get("copy_received_on") is None:
        merged["copy_received_on"] = review.copy_received_on  # a form without it keeps the recorded day
    clean = _clean(merged, review.case, today or local_today(), reply=issued_reply(review.case),
                   require_copy=review.copy_received_on is not None)
    for key, value in clean.items():
        setattr(review, key, value)
    review.answer_due_on = _answer_due(clean, None)
    flush_or_stale()
    record_event("review.updated", actor=actor, case=review.case, before=before, after=_snapshot(review),
                 note=clean["decision"])
    flush_or_stale()
    return review


def reopen_refusal(review: CaseReview) -> TransitionError | None:
    """Why this review's decision may not reopen its case, or None: only a 纠正 result, once, on a
    closed (or withdrawn) case."""
    if review.result != "corrected":
        return TransitionError(_l("Only a decision that corrects the reply reopens the case."))
    if review.reopened_case:
        return TransitionError(_l("This decision has already reopened the case."))
    if review.case.status not in ("closed", "withdrawn"):
        return TransitionError(_l("The case is open: it is handled already."))
    return None


def reopen_from_review(review: CaseReview, *, actor: User, today: date | None = None) -> Case:
    """Reopen the case as the corrective decision orders, with the decision attached as the reason
    (the action's rule, reopen_refusal, was checked by the runner)."""
    reason = "；".join(filter(None, [
        f"{KIND_LABELS[review.kind]}：{review.body}",
        review.reference,
        review.decided_on.isoformat() if review.decided_on else None,
        review.decision,
    ]))
    case = case_ops.reopen_case(review.case, actor=actor, reason=reason, today=today)
    review.reopened_case = True
    flush_or_stale()
    return case


def submit_review_answer(review: CaseReview, *, actor: User, submitted_on: date, today: date | None = None
                         ) -> CaseReview:
    """Record the day the answer (行政复议答复书 / 答辩状) and its evidence were submitted; after the
    due date it is late: allowed, flagged on the case and counted in the statistics."""
    today = today or local_today()
    if review.answer_submitted_on is not None:
        raise TransitionError(_l("The answer was already submitted on %(day)s.",
                                 day=review.answer_submitted_on.isoformat()))
    if not isinstance(submitted_on, date):
        raise ValidationError(_l("Please correct the marked fields."),
                              errors={"submitted_on": _l("Please give the date the answer was submitted.")})
    if submitted_on > today:
        raise ValidationError(_l("Please correct the marked fields."),
                              errors={"submitted_on": _l("The submission date cannot be in the future.")})
    start = review.copy_received_on or review.filed_on
    if submitted_on < start:
        raise ValidationError(_l("Please correct the marked fields."), errors={
            "submitted_on": _l("The answer cannot have been submitted before the copy was received.")})
    review.answer_submitted_on = submitted_on
    flush_or_stale()
    record_event("review.answer_submitted", actor=actor, case=review.case,
                 after={"review_id": review.id, "answer_submitted_on": submitted_on,
                        "answer_due_on": review.answer_due_on, "late": review.answer_late})
    flush_or_stale()
    return review
