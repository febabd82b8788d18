"""Fee actions (国办函〔2020〕109号), declared once, and the fee's hooks into letters.

Issuing the approved fee notice serves the fee (the case then awaits payment, its clock paused),
and every letter of a case with a fee may print the fee's facts.
"""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from caseapp.core.actions import Action, Ctx, register
from caseapp.core.inputs import Field, Schema
from caseapp.core.permissions import CASE_HANDLERS, Role
from caseapp.fees import operations as ops
from caseapp.fees.queries import requests_in_month
from caseapp.fees.rules import BASES
from caseapp.letters.operations import add_issue_hook
from caseapp.letters.values import add_values_provider

HANDLERS = frozenset(CASE_HANDLERS)
SUPERVISORS = frozenset({Role.SUPERVISOR})
BASIS_LABELS = {"requests": _l("Per request (requests this month)"), "pages": _l("Per page (pages of this request)")}

add_issue_hook("fee_notice", ops.serve_fee_notice)
add_values_provider(ops.fee_values)


def _fee_json(ctx: Ctx, fee) -> dict:
    out = {"fee_id": fee.id, "amount": fee.amount, "basis": fee.basis, "count": fee.count, "status": fee.status}
    if fee.letter_id is not None:
        out["letter_id"] = fee.letter_id
    if fee.received_on is not None:
        out.update({"received_on": fee.received_on.isoformat(), "pay_by": fee.pay_by.isoformat()})
    if fee.paid_on is not None:
        out.update({"paid_on": fee.paid_on.isoformat(), "case_status": ctx.case.status})
    return out


def _quote(ctx: Ctx, data: dict) -> dict:
    quote = ops.quote_fee(data.get("basis"), data.get("count"))
    return {"amount": quote.amount, "basis": quote.basis, "count": quote.count, "dry_run": True,
            "lines": [{"first": line.first, "last": line.last, "rate": line.rate, "amount": line.amount}
                      for line in quote.lines]}


def _notice_page(ctx: Ctx, fee) -> str:
    return url_for("letters.letter_page", letter_id=fee.letter_id)


register(
    Action(
        name="propose_fee", label=_l("Propose a fee"), domain="fees", roles=HANDLERS, path="propose-fee",
        when=lambda ctx: ops.proposal_refusal(ctx.case),
        input=Schema(
            Field("basis", "choice", _l("Basis"), required=True, message=_l("Please choose per request or per page."),
                  choices=lambda ctx: list(BASIS_LABELS.items()), schema={"enum": list(BASES)}, default="requests"),
            Field("count", "int", _l("Number of requests or pages"), required=True,
                  message=_l("Please enter a whole number of requests or pages."),
                  default=lambda ctx: requests_in_month(ctx.case),
                  help=_l("Requests counts this applicant's requests in the month of receipt.")),
            Field("note", "longtext", _l("Note"), max_length=2000, office=False),
        ),
        operation=lambda ctx, data: ops.propose_fee(ctx.case, actor=ctx.user, basis=data.get("basis"),
                                                    count=data.get("count"), note=data.get("note"), today=ctx.today),
        dry_run=_quote, result=_fee_json,
        done=lambda ctx, fee: _l("A fee of %(amount)s yuan was proposed; a supervisor must approve it.",
                                 amount=fee.amount),
        description="{basis: requests|pages, count[, dry_run]} -> amount (yuan)",
    ),
    Action(
        name="approve_fee", label=_l("Approve the fee"), domain="fees", roles=SUPERVISORS, path="approve-fee",
        when=lambda ctx: ops.approval_refusal(ctx.case, None),
        guards=(lambda ctx: ops.approval_refusal(ctx.case, ctx.user),),
        input=Schema(Field("how_to_pay", "longtext", _l("How to pay"), max_length=2000)),
        operation=lambda ctx, data: ops.approve_fee(ctx.case, actor=ctx.user, how_to_pay=data.get("how_to_pay"),
                                                    today=ctx.today),
        result=_fee_json, after=_notice_page, style="success",
        done=_l("The fee was approved; please complete and issue the fee notice."),
        description="{how_to_pay}: the fee notice is ready to issue (issuing it pauses the clock)",
    ),
    Action(
        name="record_fee_receipt", label=_l("Record receipt of the fee notice"), domain="fees", roles=HANDLERS,
        path="record-fee-receipt", when=lambda ctx: ops.receipt_refusal(ctx.case), style="primary",
        input=Schema(Field("received_on", "date", _l("Date the applicant signed for the notice"), required=True,
                           message=_l("Please enter the date the applicant signed for the notice."))),
        operation=lambda ctx, data: ops.record_fee_receipt(ctx.case, actor=ctx.user, received_on=data["received_on"],
                                                           today=ctx.today),
        result=_fee_json, done=_l("The date of receipt was recorded; the 20 working days to pay run from it."),
        description="{received_on}: the posted fee notice was signed for; the period to pay starts",
    ),
    Action(
        name="record_payment", label=_l("Record payment"), domain="fees", roles=HANDLERS, path="record-payment",
        when=lambda ctx: ops.payment_refusal(ctx.case),
        input=Schema(Field("paid_on", "date", _l("Paid on"))),
        operation=lambda ctx, data: ops.record_payment(ctx.case, actor=ctx.user, paid_on=data.get("paid_on"),
                                                       today=ctx.today),
        result=_fee_json, done=_l("The payment was recorded."), style="primary",
        description="{paid_on}: the clock resumes",
    ),
)
