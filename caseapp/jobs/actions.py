"""The sweep's actions, declared once (caseapp.core.actions): what the periodic sweep does to a
case, a fee or a consultation when a time limit runs out, and the supervision orders of late
cases. Only the system takes them (door "system"); the sweep runs each through the runner, in its
one transaction (jobs.sweep).

Staff act on a supervision order too (door "staff", target "supervision_order", named by the API
body's `order_id`; the office's supervision pages and `POST /api/v1/cases/{number}/actions` run them):
- `answer_supervision_order` {order_id, feedback}: the case's handler answers an open order
- `conclude_supervision_order` {order_id}: a supervisor closes an answered order
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from caseapp.accounts.queries import first_active_user
from caseapp.cases import operations as case_ops
from caseapp.cases import states
from caseapp.clock.service import refresh_due
from caseapp.consultations.deadlines import escalate_consultation, lapse_consultation
from caseapp.core.actions import SYSTEM, Action, Ctx, register, register_target
from caseapp.core.errors import ForbiddenError, NotFoundError, TransitionError, ValidationError
from caseapp.core.inputs import Field, Schema
from caseapp.core.permissions import CASE_HANDLERS, Role
from caseapp.fees.operations import lapse_fee
from caseapp.jobs.supervision import (
    answer_supervision_order,
    close_supervision_order,
    conclude_supervision_order,
    get_supervision_order,
    open_review_answer_order,
    open_supervision_order,
)
from caseapp.jobs.sweep import recompute_provisional_dues
from caseapp.letters.operations import draft_letter

SYSTEMS = frozenset({SYSTEM})
HANDLERS = frozenset(CASE_HANDLERS)
SUPERVISORS = frozenset({Role.SUPERVISOR})


def _order_of_case(case, body):
    """The supervision order named by body["order_id"], opened on this case."""
    order = get_supervision_order((body or {}).get("order_id") if isinstance(body, dict) else None)
    if order is None or order.case_id != case.id:
        raise NotFoundError(_l("No such supervision order on this request."))
    return order


register_target("supervision_order", _order_of_case)


def _order_open(ctx: Ctx):
    if ctx.target.closed_on is not None:
        return TransitionError(_l("This supervision order is already closed."))
    return None


def _order_answered(ctx: Ctx):
    if not ctx.target.feedback:
        return TransitionError(_l("The handler has not answered this supervision order yet."))
    return None


def _is_handler(ctx: Ctx):
    """Only the person who must act answers: the case's handler now, or the order's when it opened."""
    if ctx.user.id not in {ctx.case.handler_id, ctx.target.handler_id} - {None}:
        return ForbiddenError(_l("Only the case's handler answers its supervision order."))
    return None


FEEDBACK_MISSING = _l("Please write what was done and when the reply will be issued.")


def _answer_order(ctx: Ctx, data):
    feedback = (data.get("feedback") or "").strip()
    if not feedback:  # a long text keeps its spaces; blank feedback is none
        raise ValidationError(_l("Please correct the marked fields."), errors={"feedback": FEEDBACK_MISSING})
    return answer_supervision_order(ctx.target, actor=ctx.user, feedback=feedback)


def _order_json(ctx: Ctx, order) -> dict:
    return {"order_id": order.id, "number": order.number, "state": order.state, "feedback": order.feedback,
            "closed_on": order.closed_on.isoformat() if order.closed_on else None}


def closing_letter_drafter(case):
    """Whose name a sweep-drafted closing letter carries: the handling clerk, else a supervisor, else a clerk."""
    if case.handler is not None and case.handler.active and case.handler.role in ("clerk", "supervisor"):
        return case.handler
    for role in ("supervisor", "clerk"):
        user = first_active_user(case.agency_id, role)
        if user is not None:
            return user
    return None


def draft_closing_letter(case, *, today):
    """Draft the closing notice of a case the sweep closed (the outcome's template), for the usual
    approval and issue; None when the agency has no staff to draft it for."""
    drafter = closing_letter_drafter(case)
    if drafter is None:
        return None
    return draft_letter(case, actor=drafter, template=case.outcome, today=today)


def _lapse_correction(ctx: Ctx, _data):
    case = case_ops.lapse_correction(ctx.case, today=ctx.today)
    draft_closing_letter(case, today=ctx.today)
    return case


def _case_allows(name: str):
    check = states.TABLE.when(name)
    return lambda ctx: check(ctx.case.status)


register(
    Action(
        name="lapse_correction", label=_l("Close: the correction was not made in time"), domain="jobs",
        door="system", roles=SYSTEMS, versioned=False, when=_case_allows("close"), operation=_lapse_correction,
    ),
    Action(
        name="lapse_fee", label=_l("Close: the fee was not paid in time"), domain="jobs", door="system",
        target="fee", roles=SYSTEMS, versioned=False, when=_case_allows("close"),
        operation=lambda ctx, data: lapse_fee(ctx.target, today=ctx.today),
    ),
    Action(
        name="lapse_consultation", label=_l("The consultation's time limit ran out"), domain="jobs",
        door="system", target="consultation", roles=SYSTEMS, versioned=False,
        operation=lambda ctx, data: lapse_consultation(ctx.target, today=ctx.today),
    ),
    Action(
        name="escalate_consultation", label=_l("The department's answer is late"), domain="jobs", door="system",
        target="consultation", roles=SYSTEMS, versioned=False,
        operation=lambda ctx, data: escalate_consultation(ctx.target, today=ctx.today),
    ),
    Action(
        name="refresh_due", label=_l("Keep the due date current"), domain="jobs", door="system", roles=SYSTEMS,
        versioned=False, operation=lambda ctx, data: refresh_due(ctx.case, ctx.today),
    ),
    Action(
        name="recompute_provisional_dues", label=_l("Recompute the provisional due dates"), domain="jobs",
        door="system", target="calendar", roles=SYSTEMS, versioned=False,
        operation=lambda ctx, data: recompute_provisional_dues(ctx.today),
    ),
    Action(
        name="open_supervision_order", label=_l("Open a supervision order"), domain="jobs", door="system",
        roles=SYSTEMS, versioned=False,
        operation=lambda ctx, data: open_supervision_order(ctx.case, today=ctx.today),
    ),
    Action(
        name="close_supervision_order", label=_l("Close the supervision order"), domain="jobs", door="system",
        target="supervision_order", roles=SYSTEMS, versioned=False,
        operation=lambda ctx, data: close_supervision_order(ctx.target, closed_on=ctx.case.closed_on or ctx.today),
    ),
    Action(
        name="open_review_answer_order", label=_l("Open a supervision order for a late answer"), domain="jobs",
        door="system", target="case_review", roles=SYSTEMS, versioned=False,
        operation=lambda ctx, data: open_review_answer_order(ctx.target, today=ctx.today),
    ),
    Action(
        name="answer_supervision_order", label=_l("Send feedback"), domain="jobs", target="supervision_order",
        roles=HANDLERS, versioned=False, when=_order_open, guards=(_is_handler,),
        input=Schema(Field("feedback", "longtext", _l("Feedback"), required=True, max_length=2000,
                           message=FEEDBACK_MISSING)),
        operation=_answer_order,
        result=_order_json, done=_l("Your feedback was sent to the supervisors."),
        description="{order_id, feedback}: the case's handler answers an open supervision order",
    ),
    Action(
        name="conclude_supervision_order", label=_l("Close the order"), domain="jobs", target="supervision_order",
        roles=SUPERVISORS, versioned=False, when=_order_open, guards=(_order_answered,),
        operation=lambda ctx, data: conclude_supervision_order(ctx.target, actor=ctx.user, today=ctx.today),
        result=_order_json, done=_l("The supervision order was closed."),
        confirm=_l("Close this supervision order? The handler's feedback is kept with it."),
        description="{order_id}: a supervisor closes a supervision order the handler has answered",
    ),
)
