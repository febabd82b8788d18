"""The case actions of SPEC §3, declared once: the office pages, the staff API and the tests read them."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from caseapp.calendar.service import load_calendar
from caseapp.cases import inbox as inbox_queries
from caseapp.cases import operations as ops
from caseapp.cases import states
from caseapp.cases.notes import add_note
from caseapp.cases.outcomes import OUTCOMES
from caseapp.clock.rules import DEFAULT_CORRECTION_PERIOD, REPLY_DAYS, correction_notice_deadline
from caseapp.core.actions import Action, Ctx, register, register_case_lock
from caseapp.core.errors import TransitionError, ValidationError
from caseapp.core.inputs import Field, Schema
from caseapp.core.permissions import CASE_HANDLERS, Role

HANDLERS = frozenset(CASE_HANDLERS)
SUPERVISORS = frozenset({Role.SUPERVISOR})


def case_status(action: str):
    """A `when` check: the case state table allows `action` from the case's status (an action the
    table lacks fails here, at app start)."""
    check = states.TABLE.when(action)
    return lambda ctx: check(ctx.case.status)


def not_archived(ctx: Ctx):
    """An archived case is read-only: every action on it is refused (SPEC §12, the dossier keeps it)."""
    if getattr(ctx.case, "archived_at", None) is not None:
        return TransitionError(_l("This case has been archived and is read-only: nothing more can be done on "
                                  "it here. Its dossier is kept in the archive."))
    return None


register_case_lock(not_archived)


def correction_once(ctx: Ctx):
    """Reg. 30: a correction may be requested only once."""
    return ops.correction_refusal(ctx.case)


def correction_period(case) -> int:
    """The agency's default correction period in working days (SPEC §4: 15 unless configured)."""
    return getattr(case.agency, "correction_period_days", None) or DEFAULT_CORRECTION_PERIOD


def _correction_preview(ctx: Ctx) -> dict:
    cal = load_calendar()
    deadline = correction_notice_deadline(ctx.case.clock_started_on, cal)
    return {"notice_deadline": deadline, "late": ctx.today > deadline}


def _request_correction(ctx: Ctx, data: dict):
    period = data["period_days"] if data.get("period_days") is not None else correction_period(ctx.case)
    return ops.request_correction(ctx.case, actor=ctx.user, details=data.get("details") or "", period_days=period,
                                  today=ctx.today)


def _late_correction(ctx: Ctx, result):
    if not result.late:
        return None
    return _l("Note: the correction notice went out after the deadline of %(day)s "
              "(7 working days after receipt, Reg. 30).", day=result.notice_deadline.isoformat())


def _assign(ctx: Ctx, data: dict):
    handler = inbox_queries.get_user_in_agency(data["user"], ctx.case.agency_id)
    if handler is None:
        raise ValidationError(_l("Unknown user in this agency."), errors={"user": _l("Unknown user in this agency.")})
    return ops.assign_case(ctx.case, actor=ctx.user, handler=handler)


def _handler_choices(ctx: Ctx | None) -> list:
    users = inbox_queries.assignable_users(ctx.case.agency_id) if ctx is not None else []
    return [("", "—")] + [(str(u.id), f"{u.display_name}（{u.username}）") for u in users]


def _close(ctx: Ctx, data: dict):
    return ops.close_case(ctx.case, actor=ctx.user, outcome=data.get("outcome") or "", reason=data.get("reason"),
                          delivered_on=data.get("delivered_on"), today=ctx.today)


register(
    Action(
        name="accept", label=_l("Accept"), roles=HANDLERS, when=case_status("accept"), page=True, style="primary",
        operation=lambda ctx, data: ops.accept_case(ctx.case, actor=ctx.user, today=ctx.today),
        done=_l("The request was accepted."),
    ),
    Action(
        name="request_correction", label=_l("Request correction"), roles=HANDLERS,
        when=case_status("request_correction"), guards=(correction_once,), page=True, style="outline-primary",
        input=Schema(
            Field("details", "longtext", _l("What the applicant must correct or complete"), required=True,
                  message=_l("Please list everything the applicant must correct."), max_length=5000,
                  help=_l("List everything at once: a correction may be requested only once.")),
            Field("period_days", "int", _l("Correction period (working days)"),
                  default=lambda ctx: correction_period(ctx.case),
                  help=_l("The agency's period, counted in working days from the notice."),
                  schema={"minimum": 1, "maximum": 60}),
        ),
        operation=_request_correction, preview=_correction_preview, warning=_late_correction,
        done=_l("The correction was recorded and the clock stops until it arrives. Issue the correction notice "
                "now: the correction period counts from its issue."),
        description="{details, period_days}",
    ),
    Action(
        name="receive_correction", label=_l("Receive correction"), roles=HANDLERS,
        when=case_status("receive_correction"), page=True, style="primary",
        input=Schema(
            Field("received_on", "date", _l("Date the correction arrived"), required=True,
                  message=_l("Please enter the date the correction arrived."), default=lambda ctx: ctx.today),
            Field("description", "longtext", _l("The corrected or supplemented content"), required=True,
                  message=_l("Please enter the corrected or supplemented content."), max_length=5000),
        ),
        operation=lambda ctx, data: ops.receive_correction(
            ctx.case, actor=ctx.user, text=data.get("description") or "", received_on=data["received_on"],
            today=ctx.today),
        preview=lambda ctx: {"reply_days": REPLY_DAYS},
        done=_l("The correction was recorded; the 20 working days start again from its arrival."),
        description="{received_on, description}",
    ),
    Action(
        name="assign", label=_l("Assign"), roles=HANDLERS, when=case_status("assign"), page=True,
        input=Schema(Field("user", "choice", _l("Handler"), required=True, message=_l("Please choose a handler."),
                           choices=_handler_choices, schema={"description": "Username or user id."})),
        operation=_assign, done=_l("The handler was changed."), description="{user}",
    ),
    Action(
        name="close", label=_l("Close"), roles=SUPERVISORS, when=case_status("close"), page=True,
        style="outline-danger", confirm=_l("Are you sure? This cannot be undone from this page."),
        input=Schema(
            Field("outcome", "choice", _l("Outcome"), required=True, message=_l("Please choose a valid outcome."),
                  choices=lambda ctx: [("", "—")] + [(o.code, o.label) for o in OUTCOMES]),
            Field("reason", "longtext", _l("Reason for closing directly"), required=True, max_length=2000,
                  message=_l("Please give the reason for closing the case directly.")),
            Field("delivered_on", "date", _l("Date the decision reached the applicant"),
                  help=_l("The case counts as closed on this day (国办公开办函〔2016〕235号)."),
                  default=lambda ctx: ctx.today),
        ),
        operation=_close, done=_l("The case was closed."), description="{outcome, reason, delivered_on}",
    ),
    Action(
        name="reopen", label=_l("Reopen"), roles=SUPERVISORS, when=case_status("reopen"), page=True,
        style="outline-danger", confirm=_l("Are you sure? This cannot be undone from this page."),
        input=Schema(Field("reason", "longtext", _l("Decision ordering a new reply (reconsideration or court)"),
                           required=True, max_length=2000,
                           message=_l("Please give the decision that orders the case reopened."),
                           help=_l("E.g. the number and date of the reconsideration decision or judgment."))),
        operation=lambda ctx, data: ops.reopen_case(ctx.case, actor=ctx.user, reason=data.get("reason") or "",
                                                    today=ctx.today),
        preview=lambda ctx: {"new_due_on": load_calendar().add_working_days(ctx.today, REPLY_DAYS)},
        done=_l("The case was reopened; a new period of 20 working days runs from today."),
        description="{reason}",
    ),
    Action(
        name="withdraw", label=_l("Record withdrawal"), roles=HANDLERS, when=case_status("withdraw"), page=True,
        confirm=_l("Are you sure? This cannot be undone from this page."),
        input=Schema(Field("reason", "longtext", _l("How the applicant withdrew, and why (optional)"),
                           max_length=1000)),
        operation=lambda ctx, data: ops.withdraw_case(ctx.case, actor=ctx.user, reason=data.get("reason"),
                                                      today=ctx.today),
        done=_l("The withdrawal was recorded."), description="{reason}",
    ),
    Action(
        name="add_note", label=_l("Add note"), roles=HANDLERS, path="notes",
        input=Schema(Field("text", "longtext", _l("Internal note"), required=True,
                           message=_l("Please write the note."), max_length=5000)),
        operation=lambda ctx, data: add_note(ctx.case, actor=ctx.user, text=data.get("text") or ""),
        done=_l("The note was added."), description="{text}",
    ),
)
