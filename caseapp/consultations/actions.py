"""Consultation actions on a case, declared once (see caseapp.core.actions): `consult` and
`record_opinion`, with the payloads of the staff API contract.

- `consult` {kind: department|agency|third_party, department: CODE, agency: CODE,
  third_party: {name, address, phone}, question, sent_on, delivered_on, due_days} -> consultation_id
- `record_opinion` {consultation_id, opinion: agree|disagree|partial, reasons, received_on}
- `cancel_consultation` {consultation_id, reason}

The office's own consult page (caseapp.consultations.views, at the same URL /office/cases/<number>/consult,
which Werkzeug prefers to the generic action route) calls the same operation with the files chosen or
uploaded, which the action schema has no kind for; its form fields carry the schema's names.
"""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from caseapp.consultations import operations as ops
from caseapp.consultations.models import KINDS, OPINIONS, PURPOSES
from caseapp.consultations.queries import KIND_LABELS, OPINION_LABELS, PURPOSE_LABELS, third_party_values
from caseapp.core.actions import Action, Ctx, register, register_target
from caseapp.core.errors import ForbiddenError, TransitionError
from caseapp.core.inputs import Field, Schema
from caseapp.core.permissions import CASE_HANDLERS, Role
from caseapp.letters.operations import add_issue_hook
from caseapp.records.personal import add_party_source

HANDLERS = frozenset(CASE_HANDLERS)
ADDRESSEES = frozenset({Role.LIAISON, Role.CLERK, Role.SUPERVISOR})
CONSULTATION_ID = Field("consultation_id", "id", _l("Consultation"), required=True)  # one of the case's
# An answer, given on the platform by the addressee or recorded from paper by the asking clerk.
OPINION = Field("opinion", "choice", _l("Opinion"), required=True, message=_l("Please choose agree, disagree or partial."),
                choices=lambda ctx: list(OPINION_LABELS.items()), schema={"enum": list(OPINIONS)})
REASONS = Field("reasons", "longtext", _l("Reasons"), required=True, max_length=5000,
                message=_l("Please give the reasons for the opinion."))
ANSWER_FILES = Field("files", "files", _l("Files (PDF, image, DOCX or OFD)"))
register_target("consultation", lambda case, body: ops.get_case_consultation(case, (body or {}).get("consultation_id")))


def _waiting(ctx: Ctx):
    if ctx.target.status != "sent":
        return TransitionError(_l("This consultation has already been answered or has lapsed."))
    return None


def _addressee(ctx: Ctx):
    if not ops.can_answer(ctx.user, ctx.target):
        return ForbiddenError(_l("Only the consultation's addressee answers it."))
    return None

# Issuing a consultation letter sends the consultation it was drafted for (its date counts).
for _template in ops.LETTER_TEMPLATES.values():
    add_issue_hook(_template, ops.letter_sent)
# The third parties asked are parties of the case: nothing released or published may name them.
add_party_source(third_party_values)


def _third_party_from_form(form) -> dict | None:
    name = (form.get("third_party_name") or "").strip()
    if not name:
        return None
    return {"name": name, "address": form.get("third_party_address") or None,
            "phone": form.get("third_party_phone") or None}


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def _consultation_json(ctx: Ctx, c) -> dict:
    # sent_on and due_on are null while the letter of a consultation by letter is not issued.
    return {"consultation_id": c.id, "kind": c.kind, "status": c.status, "opinion": c.opinion,
            "sent_on": _iso(c.sent_on), "due_on": _iso(c.due_on), "letter_id": c.letter_id,
            "answered_on": c.answered_on.isoformat() if c.answered_on else None,
            "case_due_on": ctx.case.due_on.isoformat() if ctx.case.due_on else None}


def _consult(ctx: Ctx, data: dict):
    return ops.consult(ctx.case, actor=ctx.user, kind=data.get("kind"), question=data.get("question"),
                       department=data.get("department"), agency=data.get("agency"),
                       agency_name=data.get("agency_name"), agency_address=data.get("agency_address"),
                       purpose=data.get("purpose"),
                       third_party=data.get("third_party"), sent_on=data.get("sent_on"),
                       delivered_on=data.get("delivered_on"), due_days=data.get("due_days"),
                       attachment_ids=data.get("attachments") or (), uploads=data.get("files") or (), today=ctx.today)


def _record(ctx: Ctx, data: dict):
    c = ops.get_case_consultation(ctx.case, data.get("consultation_id"))
    return ops.record_opinion(c, actor=ctx.user, opinion=data.get("opinion"), reasons=data.get("reasons"),
                              received_on=data.get("received_on"), uploads=data.get("files") or (), today=ctx.today)


def _receipt(ctx: Ctx, data: dict):
    c = ops.get_case_consultation(ctx.case, data.get("consultation_id"))
    return ops.record_letter_receipt(c, actor=ctx.user, received_on=data.get("received_on"), today=ctx.today)


def _cancel(ctx: Ctx, data: dict):
    c = ops.get_case_consultation(ctx.case, data.get("consultation_id"))
    return ops.cancel_consultation(c, actor=ctx.user, reason=data.get("reason"), today=ctx.today)


def _consult_done(c):
    if c.due_on is None:
        return _l("The consultation was recorded and its letter drafted: it is sent, and the clock paused, when the "
                  "letter is issued.") if c.pauses_clock else _l(
            "The consultation was recorded and its letter drafted: it is sent when the letter is issued.")
    return _l("The consultation was sent; it is due on %(day)s.", day=c.due_on.isoformat())


def _panel(ctx: Ctx, _result) -> str:
    return url_for("office.case_page", tracking_number=ctx.case.tracking_number) + "#consultations"


register(
    Action(
        name="consult", label=_l("Seek an opinion"), domain="consultations", roles=HANDLERS, path="consult",
        when=lambda ctx: ops.consult_refusal(ctx.case),
        input=Schema(
            Field("kind", "choice", _l("Whom to consult"), required=True, message=_l("Please choose whom to consult."),
                  choices=lambda ctx: list(KIND_LABELS.items()), schema={"enum": list(KINDS)}),
            Field("department", "choice", _l("Department"), max_length=20,
                  choices=lambda ctx: [(d.code, d.name) for d in ctx.case.agency.departments] if ctx else []),
            Field("agency", "text", _l("Agency"), max_length=20),
            Field("agency_name", "text", _l("Agency not on the platform"), max_length=200,
                  schema={"description": "An agency off the platform, consulted by letter (instead of `agency`)."}),
            Field("agency_address", "text", _l("Its address"), max_length=300),
            Field("purpose", "choice", _l("Why the agency is consulted"), choices=lambda ctx: list(PURPOSE_LABELS.items()),
                  schema={"enum": list(PURPOSES), "description": "Agencies only: joint_production (Reg. 34: the "
                          "clock pauses, silence is deemed consent) or opinion (the clock runs)."}),
            Field("third_party", "object", _l("Third party"), reader=_third_party_from_form, schema={
                "properties": {"name": {"type": "string", "maxLength": 200},
                               "address": {"type": "string", "maxLength": 300},
                               "phone": {"type": "string", "maxLength": 40}}}),
            Field("question", "longtext", _l("Question"), required=True, max_length=5000,
                  message=_l("Please write the question to be answered.")),
            Field("sent_on", "date", _l("Sent on"), schema={
                "description": "A department or an agency on the platform only: a consultation by letter is sent "
                               "when its letter is issued (issue_letter), and takes that date."}),
            Field("delivered_on", "date", _l("Received by the addressee on"), schema={
                "description": "A department or an agency on the platform only (see sent_on)."}),
            Field("due_days", "int", _l("Time limit (working days)")),
            Field("attachments", "ids", _l("Files of the case to send"), schema={
                "description": "Ids of the case's files sent with the consultation (not the applicant's identity "
                               "documents)."}),
            Field("files", "files", _l("Other material (PDF, image, DOCX or OFD)")),
        ),
        operation=_consult, result=_consultation_json, after=_panel,
        done=lambda ctx, c: _consult_done(c),
        description=_l("{kind: department|agency|third_party, department|agency|third_party{name, address, phone}, "
                       "purpose (agency: joint_production|opinion), question, sent_on, delivered_on, due_days} "
                       "-> consultation_id"),
    ),
    Action(
        name="record_opinion", label=_l("Record an answer received on paper"), domain="consultations",
        roles=HANDLERS, path="record-opinion",
        input=Schema(
            CONSULTATION_ID,
            OPINION, REASONS,
            Field("received_on", "date", _l("Answer received on")),
            ANSWER_FILES,
        ),
        operation=_record, result=_consultation_json, after=_panel,
        done=_l("The opinion was recorded."),
        description=_l("{consultation_id, opinion: agree|disagree|partial, reasons, received_on}"),
    ),
    Action(
        name="record_letter_receipt", label=_l("Record the letter's receipt"), domain="consultations",
        roles=HANDLERS, path="consultation-letter-received",
        input=Schema(
            CONSULTATION_ID,
            Field("received_on", "date", _l("The addressee received the letter on"), required=True,
                  message=_l("Please enter the date the addressee received the letter.")),
        ),
        operation=_receipt, result=_consultation_json, after=_panel,
        done=lambda ctx, c: _l("The receipt was recorded; the answer is due on %(day)s.", day=c.due_on.isoformat()),
        description=_l("{consultation_id, received_on}: a posted letter's receipt date; its 15 working days count "
                       "from it"),
    ),
    Action(
        name="cancel_consultation", label=_l("Cancel the consultation"), domain="consultations",
        roles=HANDLERS, path="cancel-consultation", style="outline-danger",
        confirm=_l("Cancel this consultation? Its addressee is told not to answer; its pause of the clock ends today."),
        input=Schema(
            CONSULTATION_ID,
            Field("reason", "longtext", _l("Why it is cancelled"), required=True, max_length=2000,
                  message=_l("Please give the reason for cancelling.")),
        ),
        operation=_cancel, result=_consultation_json, after=_panel,
        done=_l("The consultation was cancelled."),
        description=_l("{consultation_id, reason}: a consultation awaiting its answer is withdrawn; its pause ends"),
    ),
    Action(
        name="answer_consultation", label=_l("Send the answer"), domain="consultations", door="addressee",
        target="consultation", roles=ADDRESSEES, versioned=False, when=_waiting, guards=(_addressee,),
        agency=lambda ctx: ctx.target.addressee_agency_id or ctx.target.agency_id,
        input=Schema(
            OPINION, REASONS,
            ANSWER_FILES,
        ),
        operation=lambda ctx, data: ops.answer_consultation(ctx.target, actor=ctx.user, opinion=data.get("opinion"),
                                                            reasons=data.get("reasons"),
                                                            uploads=data.get("files") or (), today=ctx.today),
        done=_l("Your answer was sent."),
    ),
    Action(
        name="draft_disclosure_notice", label=_l("Draft the notice of disclosure to the third party"),
        domain="consultations", target="consultation", roles=HANDLERS, versioned=False,
        input=Schema(
            Field("content", "longtext", _l("Information to be disclosed"), required=True, max_length=5000,
                  message=_l("Please say what will be disclosed.")),
            Field("reasons", "longtext", _l("Public-interest reasons"), required=True, max_length=5000,
                  message=_l("Please give the public-interest reasons for disclosing.")),
            Field("disclose_on", "date", _l("Date of disclosure"), schema={
                "description": "Later than the 15th working day after the notice reaches the third party "
                               "(Reg. 32); by default the first working day after that, were it issued today."}),
        ),
        operation=lambda ctx, data: ops.draft_disclosure_notice(ctx.target, actor=ctx.user, content=data["content"],
                                                                reasons=data["reasons"],
                                                                disclose_on=data.get("disclose_on"), today=ctx.today),
        result=lambda ctx, letter: {"letter_id": letter.id},
        done=_l("The disclosure notice to the third party was drafted."),
        description="{consultation_id, content, reasons, disclose_on?}: the notice to a third party that objected "
                    "(Reg. 32) -> letter_id",
    ),
)
