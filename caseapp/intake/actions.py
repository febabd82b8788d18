"""The intake actions, declared once (see caseapp.core.actions): filing a request and what an
applicant does on it afterwards, through the portal and the public API (door "applicant"), and the
office's registration of a request that arrived on paper (the office page and POST /api/v1/cases).

The views only read their transport (form, multipart, JSON, base64 attachments) into the schema's
fields and answer; the runner checks, the operation writes, one commit.

- `file_request` {agency, request: {...the form's fields}, id_scan: files, files: files,
  submission_scope, submission_key, request_hash} -> Registration (target "new": no case yet)
- `register_request` {request: {...}, channel, received_on, files} -> Registration (staff)
- `submit_correction` {text, files}; `withdraw_request` {reason}; `suggest_disclosure` {text}
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from caseapp.cases import operations as case_ops
from caseapp.cases import states
from caseapp.cases.attachments import attach_files, check_uploads
from caseapp.cases.validation import validate_request
from caseapp.core.actions import APPLICANT, Action, Ctx, register
from caseapp.core.errors import TransitionError, ValidationError
from caseapp.core.inputs import Field, Schema
from caseapp.core.permissions import CASE_HANDLERS
from caseapp.intake import operations as ops

APPLICANTS = frozenset({APPLICANT})
HANDLERS = frozenset(CASE_HANDLERS)


def _case_allows(action: str, message):
    """The case state table allows the step (said to the applicant in their words)."""
    check = states.TABLE.when(action)
    return lambda ctx: TransitionError(message) if check(ctx.case.status) is not None else None


def _file(ctx: Ctx, data: dict):
    if ctx.target is None:  # the view found no active agency of that code
        _clean, errors = validate_request(data.get("request") or {})
        errors["agency"] = _l("Please choose the agency the request is addressed to.")
        raise ValidationError(_l("Please correct the marked fields."), errors=errors)
    return ops.submit_online_request(ctx.target, data.get("request") or {},
                                     {"id_scan": data.get("id_scan") or [], "supporting": data.get("files") or []},
                                     submission_scope=data.get("submission_scope"),
                                     submission_key=data.get("submission_key"),
                                     request_hash=data.get("request_hash"))


def _register(ctx: Ctx, data: dict):
    uploads = data.get("files") or []
    check_uploads(uploads)  # bad files are refused before anything is filed
    reg = case_ops.register_case(ctx.target, data.get("request") or {}, channel=data.get("channel"),
                                 received_on=data.get("received_on"), actor=ctx.user)
    attach_files(reg.case, uploads, kind="scan", actor=ctx.user)
    return reg


REQUEST = Field("request", "object", _l("The request"), required=True, office=False,
                message=_l("Please fill in the request."))
register(
    Action(
        name="file_request", label=_l("Submit the request"), domain="intake", door="applicant", target="new",
        roles=APPLICANTS, versioned=False,
        input=Schema(
            REQUEST,
            Field("id_scan", "files", _l("Copy of the identity document")),
            Field("files", "files", _l("Supporting documents (optional)")),
            Field("submission_scope", "text", "", office=False, max_length=10),
            Field("submission_key", "text", "", office=False, max_length=100),
            Field("request_hash", "text", "", office=False, max_length=64),
        ),
        operation=_file, done=_l("Your request was filed."),
    ),
    Action(
        name="register_request", label=_l("Register a request"), domain="intake", target="new",
        roles=HANDLERS, versioned=False,
        input=Schema(
            REQUEST,
            Field("channel", "text", _l("How it arrived"), max_length=20),
            Field("received_on", "date", _l("Received on")),
            Field("files", "files", _l("Scanned request and enclosures")),
        ),
        operation=_register, done=_l("The request was registered."),
    ),
    Action(
        name="submit_correction", label=_l("Submit the correction"), domain="intake", door="applicant",
        roles=APPLICANTS, when=_case_allows("receive_correction", _l(
            "A correction can only be submitted while the agency is waiting for one.")), versioned=False,
        input=Schema(Field("text", "longtext", _l("Corrected or supplemented content"), max_length=5000),
                     Field("files", "files", _l("Files (optional)"))),
        operation=lambda ctx, data: ops.submit_correction(ctx.case, text=data.get("text") or "",
                                                          uploads=data.get("files") or []),
        done=_l("Your correction was received. The time limit for the reply starts again today."),
    ),
    Action(
        name="withdraw_request", label=_l("Withdraw the request"), domain="intake", door="applicant",
        roles=APPLICANTS, when=_case_allows("withdraw", _l(
            "This request has already been closed or withdrawn and can no longer be withdrawn.")), versioned=False,
        input=Schema(Field("reason", "longtext", _l("Reason (optional)"), max_length=1000)),
        operation=lambda ctx, data: ops.withdraw_request(ctx.case, reason=data.get("reason")),
        done=_l("Your request has been withdrawn."),
    ),
    Action(
        name="suggest_disclosure", label=_l("Suggest proactive disclosure"), domain="intake", door="applicant",
        roles=APPLICANTS, versioned=False,
        input=Schema(Field("text", "longtext", _l("Your suggestion"))),
        operation=lambda ctx, data: ops.suggest_proactive_disclosure(ctx.case, text=data.get("text") or ""),
        done=_l("Thank you. Your suggestion was recorded and will be answered by the agency."),
    ),
)
