"""POST /api/v1/cases/<tracking_number>/actions: every registered action, through the one runner.

The body is {"action": NAME, "version": N, ...payload}; the payload is the action's input schema
(caseapp/*/actions.py). The answer is the case as GET shows it; an action with a result (letters,
extensions, deferrals, fees) adds it under "result" and its non-clashing keys at the top level.
A stale version is 409; nothing changes on any error.
"""
from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _

from caseapp.api import bp
from caseapp.api.staff import load_case, serialize_case
from caseapp.core.actions import case_actions, context_for, get_action, perform, role_refusal
from caseapp.core.inputs import read_uploads
from caseapp.core.errors import ForbiddenError, ValidationError, json_error
from caseapp.core.permissions import acting_user
from caseapp.extensions import db


def _acting_staff():
    """The bearer token's user, if their role may take any action at all (else 401/403)."""
    user = acting_user()
    if user is None:
        return None, json_error(401, "unauthorized", _("Please log in."))
    if all(role_refusal(a, user) is not None for a in case_actions()):
        raise ForbiddenError(_("Your role may not take this action."))
    return user, None


def _version(body: dict) -> int:
    """The case version the client last saw (required: a stale one is refused with 409)."""
    version = body.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ValidationError(_("Please correct the marked fields."),
                              errors={"version": _("Give the case version you last saw (an integer).")})
    return version


def _multipart_body() -> dict:
    """A multipart body (an action with files, e.g. add_record): its text parts as the JSON body's
    values (version as a number) and its files as the action's file inputs."""
    body: dict = {key: request.form.get(key) for key in request.form}
    if isinstance(body.get("version"), str) and body["version"].strip().isdigit():
        body["version"] = int(body["version"].strip())
    for name in request.files:
        body[name] = read_uploads(request.files.getlist(name))
    return body


@bp.post("/cases/<tracking_number>/actions")
def case_action(tracking_number: str):
    """Take one action on a case: {"action": ..., "version": N, ...payload}."""
    user, refused = _acting_staff()
    if refused is not None:
        return refused
    case = load_case(tracking_number)
    body = _multipart_body() if request.mimetype == "multipart/form-data" else request.get_json(silent=True)
    if not isinstance(body, dict):
        return json_error(400, "bad_request", _("The body must be a JSON object."))
    action = get_action(body.get("action"))
    if action not in case_actions():
        raise ValidationError(_("Please correct the marked fields."), errors={"action": _(
            "Unknown action. Use one of: %(actions)s.", actions=", ".join(a.name for a in case_actions()))})
    refused = role_refusal(action, user)
    if refused is not None:
        raise refused
    dry_run = action.dry_run is not None and body.get("dry_run") is True
    version = None if dry_run else _version(body)
    ctx = context_for(action, case, user, body)
    result = perform(action, ctx, body, source="api", version=version, dry_run=dry_run)
    if dry_run:
        db.session.rollback()
    answer = serialize_case(case)
    if action.result is not None or dry_run:
        shown = result if dry_run else action.result(ctx, result)
        answer.update({k: v for k, v in shown.items() if k not in answer})
        answer["result"] = shown
    return jsonify(answer)
