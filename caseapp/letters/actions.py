"""Letter, extension and deferral actions, declared once: office buttons, the staff API and tests read them.

Letter actions act on the letter named by the API body's `letter_id` (which must belong to the
case, else 404) or by the office URL /office/letters/<id>/<path>.
"""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from caseapp.clock.rules import MAX_EXTENSION_DAYS
from caseapp.core.actions import Action, Ctx, register, register_target
from caseapp.core.errors import NotFoundError, TransitionError, ValidationError
from caseapp.core.inputs import Field, Schema
from caseapp.core.permissions import CASE_HANDLERS, Role
from caseapp.letters import operations as ops
from caseapp.letters import rendering
from caseapp.letters import searches
from caseapp.letters import time_requests as times
from caseapp.letters.forms import template_groups
from caseapp.letters.models import DELIVERY_METHODS, OBJECTION_DECISIONS
from caseapp.letters.queries import get_letter
from caseapp.letters.states import LETTERS
from caseapp.records import queries as record_queries

HANDLERS = frozenset(CASE_HANDLERS)
SUPERVISORS = frozenset({Role.SUPERVISOR})
DELIVERY_LABELS = {"post": _l("By post (registered mail)"), "hand": _l("Handed over (signed for)"),
                   "email": _l("By email"), "online": _l("Online (via the portal)")}


def _letter_of_case(case, body):
    """The letter named by body["letter_id"]; it must belong to the case."""
    letter_id = body.get("letter_id") if isinstance(body, dict) else None
    if isinstance(letter_id, bool) or not isinstance(letter_id, int):
        message = _l("letter_id must be a whole number.")
        raise ValidationError(message, errors={"letter_id": message})
    if not 1 <= letter_id < 2**63:
        raise NotFoundError(_l("No such letter on this case."))
    letter = get_letter(letter_id)
    if letter is None or letter.case_id != case.id:
        raise NotFoundError(_l("No such letter on this case."))
    return letter


register_target("letter", _letter_of_case)


def letter_status(action: str):
    """A `when` check: the letter state table allows `action` from the letter's status (an action the
    table lacks fails here, at app start)."""
    check = LETTERS.when(action)
    return lambda ctx: check(ctx.letter.status)


def letter_json(ctx: Ctx, letter) -> dict:
    """The API's result of a letter action."""
    return {"letter_id": letter.id, "template": letter.template, "status": letter.status, "number": letter.number,
            "enclosures": [e.record_id for e in letter.enclosures]}


def _issued_json(ctx: Ctx, letter) -> dict:
    return {**letter_json(ctx, letter), "issued_on": letter.issued_on.isoformat(),
            "pdf_sha256": letter.pdf_sha256, "docx_sha256": letter.docx_sha256,
            "case_status": ctx.case.status, "outcome": ctx.case.outcome}


def _letter_page(ctx: Ctx, letter) -> str:
    return url_for("letters.letter_page", letter_id=letter.id)


def _template_choices(ctx) -> list:
    return [(s.key, s.summary if s.is_reply else s.title) for s in rendering.all_specs()]


# How the applicant asked to receive the reply -> how the issue form suggests delivering it.
_DELIVERY_FOR_REQUESTED = {"post": "post", "pickup": "hand", "email": "email", "online": "online"}


def _requested_delivery(ctx) -> str:
    return _DELIVERY_FOR_REQUESTED.get(ctx.case.delivery, "post")


def _template_groups(ctx) -> dict:
    """The office's list: replies by annual-report section, then the procedural notices."""
    return {group: [(spec.key, name) for spec, name in items] for group, items in template_groups(rendering.all_specs())}


def _office_fields(form) -> dict:
    """The draft's fields as the letter page posts them (inputs named f_<field>)."""
    return {name[2:]: value for name, value in form.items() if name.startswith("f_")}


def _time_request_json(ctx: Ctx, req) -> dict:
    out = {"request_id": req.id, "status": req.status}
    if req.kind == "extension":
        out["days"] = req.days
    else:
        out["deferred_to"] = req.deferred_to.isoformat()
    if req.status == "approved":
        out.update({"letter_id": req.letter_id, "due_on": ctx.case.due_on.isoformat()})
        if req.kind == "extension":
            out["extension_days"] = ctx.case.extension_days
    return out


def _notice_page(ctx: Ctx, req) -> str:
    return url_for("letters.letter_page", letter_id=req.letter_id)


def _approved_message(ctx: Ctx, req) -> str:
    return str(_l("Approved. The due date is now %(date)s; please issue the notice.", date=ctx.case.due_on.isoformat()))


def _save_and_submit(ctx: Ctx, data: dict):
    """Save the fields and enclosures sent with the submission (what the clerk typed), then submit the letter."""
    fields = data.get("fields") or {}
    current = ctx.letter.fields or {}
    enclosures = data.get("enclosures")
    if enclosures is not None and list(enclosures) == [e.record_id for e in ctx.letter.enclosures]:
        enclosures = None
    if enclosures is not None or any(
            str(current.get(k) if current.get(k) is not None else "") != str(v if v is not None else "").strip()
            for k, v in fields.items()):
        ops.update_letter(ctx.letter, actor=ctx.user, fields=fields, enclosures=enclosures)
    return ops.submit_letter(ctx.letter, actor=ctx.user)


def _settings_refusal(ctx: Ctx):
    """A letter cannot be approved while its agency lacks the settings it prints."""
    reasons = rendering.missing_settings(ctx.case.agency, ctx.letter.template)
    return TransitionError("".join(str(r) for r in reasons)) if reasons else None


FIELDS_INPUT = Field("fields", "object", _l("Letter fields"), reader=_office_fields,
                     schema={"additionalProperties": True})


def _release_choices(ctx) -> list:
    """The case's release versions a reply may enclose (never an original)."""
    return [(r.id, f"{r.title}（{r.page_count}页，{'已删除部分内容' if r.kind == 'redacted' else '原样公开'}）")
            for r in record_queries.release_versions(ctx.case)]


ENCLOSURES_HELP = _l("Release versions of the case's records (redacted, or released as they are) sent with the "
                     "reply; the letter lists them. An original as received is never enclosed.")
ENCLOSURES = Field("enclosures", "ids", _l("Enclosures"), choices=_release_choices, help=ENCLOSURES_HELP,
                   schema={"maxItems": ops.MAX_ENCLOSURES,
                           "description": "Record ids of release versions of this case's records (redacted or "
                                          "as_is), in the order the letter lists them. Originals are refused."})
# The composer shows its enclosures beside the fields and says so with this input: a composer that
# lists none clears them, a form without it (another page, the autosave of an old page) keeps them.
ENCLOSURES_SHOWN = "enclosures_shown"


class _EditSchema(Schema):
    """A draft's edit: `enclosures` replace the list only when given (the API's key, or the composer's
    list); otherwise the enclosures stay as they are."""

    def clean(self, raw, *, source: str) -> dict:
        values = super().clean(raw, source=source)
        if source == "api":
            given = isinstance(raw, dict) and raw.get("enclosures") is not None
        else:
            given = hasattr(raw, "get") and raw.get(ENCLOSURES_SHOWN) is not None
        if not given:
            values["enclosures"] = None
        return values


EDIT_ENCLOSURES = Field("enclosures", "ids", _l("Enclosures"), choices=_release_choices, office=True,
                        reader=lambda form: form.getlist("enclosures") if hasattr(form, "getlist")
                        else form.get("enclosures"),
                        schema={"maxItems": ops.MAX_ENCLOSURES,
                                "description": "Record ids of release versions of this case's records, replacing "
                                               "the draft's enclosures (omit to keep them; [] removes them)."})
REASON = Field("reason", "longtext", _l("Reason"), required=True, message=_l("Please give the reason."),
               max_length=2000)

register(
    Action(
        name="draft_letter", label=_l("Draft a letter"), domain="letters", roles=HANDLERS, path="draft-letter",
        input=Schema(Field("template", "choice", _l("Letter template"), required=True,
                           message=_l("Please choose a letter template."), choices=_template_choices,
                           groups=_template_groups),
                     Field("fields", "object", _l("Letter fields"), office=False), ENCLOSURES),
        operation=lambda ctx, data: ops.draft_letter(ctx.case, actor=ctx.user, template=data["template"],
                                                     fields=data.get("fields"), enclosures=data.get("enclosures")),
        result=letter_json, after=_letter_page, done=_l("The draft was created."), style="primary", place="letters",
        description="{template, fields, enclosures?} -> letter_id",
    ),
    Action(
        name="update_letter", label=_l("Save draft"), domain="letters", target="letter", roles=HANDLERS,
        path="edit", when=letter_status("update_letter"), input=_EditSchema(FIELDS_INPUT, EDIT_ENCLOSURES),
        place="composer",
        operation=lambda ctx, data: ops.update_letter(ctx.letter, actor=ctx.user, fields=data.get("fields") or {},
                                                      enclosures=data.get("enclosures")),
        result=letter_json, done=_l("The draft was saved."), description="{letter_id, fields, enclosures?}",
    ),
    Action(
        name="submit_letter", label=_l("Submit for approval"), domain="letters", target="letter", roles=HANDLERS,
        path="submit", when=letter_status("submit_letter"), style="primary",
        # A not-held or needs-creation reply waits for the search record (approval refuses it too).
        guards=(lambda ctx: searches.search_refusal(ctx.letter),),
        input=_EditSchema(FIELDS_INPUT, EDIT_ENCLOSURES), place="composer-submit",
        operation=_save_and_submit,
        result=letter_json, done=_l("The letter was saved and submitted for approval."),
        description="{letter_id, fields?}: the fields sent are saved first, then the letter is submitted",
    ),
    Action(
        name="approve_letter", label=_l("Approve"), domain="letters", target="letter", roles=SUPERVISORS,
        path="approve", when=letter_status("approve_letter"), style="success",
        guards=(lambda ctx: ops.four_eyes_refusal(ctx.letter, ctx.user), _settings_refusal,
                lambda ctx: ops.letter_rule_refusal(ctx.letter, "approve")),
        confirm=_l("Approve this letter? Once approved its text can no longer be changed; it can then be issued."),
        input=Schema(
            # Reg. 32: a disclosing reply on a case where a third party objected is approved with the
            # decision on the objection and its reasons (422 without them); no other letter takes them.
            Field("objection_decision", "choice", _l("Decision on the third party's objection"),
                  choices=lambda ctx: [("", "—"), *ops.DECISION_LABELS.items()],
                  schema={"enum": list(OBJECTION_DECISIONS),
                          "description": "Required when a disclosing reply is approved on a case where a third "
                                         "party objected: disclose (over the objection) or withhold (what it "
                                         "objects to; a partial disclosure only)."}),
            Field("decision_reasons", "longtext", _l("Reasons for the decision"), max_length=2000,
                  help=_l("Why the information is disclosed over the objection (the public interest it serves, "
                          "or why the objection has no good reason), or why the objection is followed.")),
        ),
        operation=lambda ctx, data: ops.approve_letter(ctx.letter, actor=ctx.user,
                                                       objection_decision=data.get("objection_decision"),
                                                       decision_reasons=data.get("decision_reasons")),
        result=letter_json, done=_l("The letter was approved."),
        description="{letter_id, objection_decision?, decision_reasons?}",
    ),
    Action(
        name="return_letter", label=_l("Return for changes"), domain="letters", target="letter", roles=SUPERVISORS,
        path="return", when=letter_status("return_letter"),
        input=Schema(Field("comment", "longtext", _l("What should be changed"), required=True,
                           message=_l("Please say what to change."), max_length=2000)),
        operation=lambda ctx, data: ops.return_letter(ctx.letter, actor=ctx.user, comment=data.get("comment")),
        result=letter_json, done=_l("The letter was returned to its drafter."),
        description="{letter_id, comment}",
    ),
    Action(
        name="issue_letter", label=_l("Issue"), domain="letters", target="letter", roles=HANDLERS, path="issue",
        when=letter_status("issue_letter"), style="primary", guards=(lambda ctx: ops.letter_rule_refusal(ctx.letter, "issue"),),
        confirm=_l("Issue this letter? It is numbered and its PDF and DOCX are frozen; a reply also closes the "
                   "case with its outcome. This cannot be undone."),
        input=Schema(
            Field("method", "choice", _l("Delivery"), path=("delivery", "method"), default=_requested_delivery,
                  choices=lambda ctx: list(DELIVERY_LABELS.items()), schema={"enum": list(DELIVERY_METHODS)}),
            Field("date", "date", _l("Delivery date (posting, signing or sending date)"), path=("delivery", "date"),
                  default=lambda ctx: ctx.today),
            Field("reference", "text", _l("Reference (registered-mail number, recipient, email address)"),
                  path=("delivery", "reference"), max_length=200,
                  default=lambda ctx: ctx.case.email if _requested_delivery(ctx) == "email" else None),
        ),
        operation=lambda ctx, data: ops.issue_letter(
            ctx.letter, actor=ctx.user, today=ctx.today,
            delivery={"method": data.get("method"), "date": data.get("date"), "reference": data.get("reference")}),
        result=_issued_json, done=lambda ctx, letter: _l("The letter was issued as %(number)s.", number=letter.number),
        description="{letter_id, delivery: {method: post|hand|email|online, date, reference}}",
    ),
    Action(
        name="request_extension", label=_l("Request an extension"), domain="letters", roles=HANDLERS,
        path="request-extension", when=lambda ctx: times.extension_refusal(ctx.case, ctx.today),
        input=Schema(Field("days", "int", _l("Working days (at most 20)"), required=True,
                           message=_l("An extension is 1 to 20 working days."),
                           schema={"minimum": 1, "maximum": MAX_EXTENSION_DAYS}),
                     REASON),
        operation=lambda ctx, data: times.request_extension(ctx.case, actor=ctx.user, days=data["days"],
                                                            reason=data.get("reason"), today=ctx.today),
        result=_time_request_json, done=_l("The extension was requested; a supervisor must approve it."),
        description="{days, reason}",
    ),
    Action(
        name="approve_extension", label=_l("Approve the extension"), domain="letters", roles=SUPERVISORS,
        path="approve-extension", when=lambda ctx: times.approval_refusal(ctx.case, "extension", None),
        guards=(lambda ctx: times.approval_refusal(ctx.case, "extension", ctx.user),
                lambda ctx: times.within_period_refusal(ctx.case, ctx.today)),
        operation=lambda ctx, data: times.approve_time_request(ctx.case, actor=ctx.user, kind="extension",
                                                               today=ctx.today),
        result=_time_request_json, after=_notice_page, done=_approved_message, style="success",
        description="{}: the due date moves; the extension notice is ready to issue",
    ),
    Action(
        name="defer", label=_l("Propose a deferral"), domain="letters", roles=HANDLERS, path="defer",
        when=lambda ctx: times.deferral_refusal(ctx.case, ctx.today),
        input=Schema(Field("deferred_to", "date", _l("Reply by"), required=True,
                           message=_l("Please enter a date like 2026-11-02.")), REASON),
        operation=lambda ctx, data: times.request_deferral(ctx.case, actor=ctx.user, deferred_to=data["deferred_to"],
                                                           reason=data.get("reason"), today=ctx.today),
        result=_time_request_json, done=_l("The deferral was requested; a supervisor must approve it."),
        description="{deferred_to, reason}",
    ),
    Action(
        name="approve_deferral", label=_l("Approve the deferral"), domain="letters", roles=SUPERVISORS,
        path="approve-deferral", when=lambda ctx: times.approval_refusal(ctx.case, "deferral", None),
        guards=(lambda ctx: times.approval_refusal(ctx.case, "deferral", ctx.user),
                lambda ctx: times.within_period_refusal(ctx.case, ctx.today)),
        operation=lambda ctx, data: times.approve_time_request(ctx.case, actor=ctx.user, kind="deferral",
                                                               today=ctx.today),
        result=_time_request_json, after=_notice_page, done=_approved_message, style="success",
        description="{}: the due date becomes the deferred date; its notice is ready to issue",
    ),
)
