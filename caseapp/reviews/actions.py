"""Reconsiderations and lawsuits on a case (caseapp.reviews.operations), declared once as actions
(caseapp.core.actions): the office's review pages and the staff API run them.

- `record_review` {kind, body, reference, filed_on, copy_received_on, result, decided_on, decision}
  -> {review_id, answer_due_on}: only against an issued reply
- `update_review` {review_id, ...the same fields}
- `reopen_from_review` {review_id}: a supervisor reopens the case as a corrective (纠正) decision orders
- `submit_review_answer` {review_id, submitted_on}: the answer (答复书 / 答辩状) was submitted; late is
  allowed and flagged
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from caseapp.core.actions import Action, register, register_target
from caseapp.core.errors import NotFoundError
from caseapp.core.inputs import Field, Schema
from caseapp.core.permissions import CASE_HANDLERS, Role
from caseapp.reviews import answers  # noqa: F401 - the answer letters' pre-fill and rules
from caseapp.reviews import operations as ops

HANDLERS = frozenset(CASE_HANDLERS)
SUPERVISORS = frozenset({Role.SUPERVISOR})


def _review_of_case(case, body):
    """The review named by body["review_id"], recorded on this case."""
    value = body.get("review_id") if isinstance(body, dict) else None
    if isinstance(value, str) and value.isdigit() and len(value) < 10:
        value = int(value)
    review = ops.get_review(value) if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31 \
        else None
    if review is None or review.case_id != case.id:
        raise NotFoundError(_l("No such reconsideration or lawsuit on this request."))
    return review


register_target("case_review", _review_of_case)


REVIEW_FIELDS = (
    Field("kind", "choice", _l("Kind"), choices=lambda ctx: list(ops.KIND_LABELS.items())),
    Field("body", "text", _l("Reconsideration body or court"), max_length=200),
    Field("reference", "text", _l("Case or decision number"), max_length=100),
    Field("filed_on", "date", _l("Filed on")),
    Field("copy_received_on", "date", _l("Copy of the application or complaint received on"),
          help=_l("The answer is due 10 working days (reconsideration) or 15 days (lawsuit) after this day.")),
    Field("result", "choice", _l("Result"), choices=lambda ctx: list(ops.RESULT_LABELS.items())),
    Field("decided_on", "date", _l("Decided on")),
    Field("decision", "longtext", _l("Decision (summary)"), max_length=5000),
)

# Registering needs the copy's receipt: the answer clock starts from it.
RECORD_FIELDS = tuple(
    Field(f.name, f.kind, f.label, required=True, help=f.help,
          message=_l("Please give the date the copy of the application or complaint was received."))
    if f.name == "copy_received_on" else f for f in REVIEW_FIELDS)


register(
    Action(
        name="record_review", label=_l("Record a reconsideration or lawsuit"), domain="reviews", roles=HANDLERS,
        versioned=False, input=Schema(*RECORD_FIELDS), when=lambda ctx: ops.review_refusal(ctx.case),
        operation=lambda ctx, data: ops.record_review(ctx.case, actor=ctx.user, data=data, today=ctx.today),
        result=lambda ctx, review: {"review_id": review.id, "answer_due_on": review.answer_due_on.isoformat()},
        done=_l("The reconsideration or lawsuit was recorded."),
        description="{kind, body, reference, filed_on, copy_received_on, result, decided_on, decision} -> "
                    "review_id, answer_due_on",
    ),
    Action(
        name="update_review", label=_l("Correct or complete"), domain="reviews", target="case_review",
        roles=HANDLERS, versioned=False, input=Schema(*REVIEW_FIELDS),
        operation=lambda ctx, data: ops.update_review(ctx.target, actor=ctx.user, data=data, today=ctx.today),
        result=lambda ctx, review: {"review_id": review.id,
                                    "answer_due_on": review.answer_due_on.isoformat() if review.answer_due_on else None},
        done=_l("The reconsideration or lawsuit was updated."),
        description="{review_id, kind, body, reference, filed_on, result, decided_on, decision}: the review as it "
                       "should now read (every field)",
    ),
    Action(
        name="reopen_from_review", label=_l("Reopen as the decision orders"), domain="reviews", target="case_review",
        roles=SUPERVISORS, versioned=False, when=lambda ctx: ops.reopen_refusal(ctx.target),
        operation=lambda ctx, data: ops.reopen_from_review(ctx.target, actor=ctx.user, today=ctx.today),
        done=_l("The case was reopened; a new reply period has started."),
        description="{review_id}: a corrective (纠正) decision reopens the closed case, once",
    ),
    Action(
        name="submit_review_answer", label=_l("Record the answer's submission"), domain="reviews",
        target="case_review", roles=HANDLERS, versioned=False,
        input=Schema(Field("submitted_on", "date", _l("Answer submitted on"), required=True,
                           message=_l("Please give the date the answer was submitted."))),
        operation=lambda ctx, data: ops.submit_review_answer(ctx.target, actor=ctx.user,
                                                             submitted_on=data["submitted_on"], today=ctx.today),
        result=lambda ctx, review: {"review_id": review.id, "answer_submitted_on": review.answer_submitted_on.isoformat(),
                                    "late": review.answer_late},
        done=_l("The submission of the answer was recorded."),
        description="{review_id, submitted_on}: the answer and its evidence were submitted (late: allowed, flagged)",
    ),
)
