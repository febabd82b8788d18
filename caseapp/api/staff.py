"""Staff API endpoints (bearer token): register, list, read and act on cases of the user's agency.

Every action carries the case `version` the client last saw; a stale one gets 409 and changes
nothing. Responses show the case as GET returns it, with the ID number masked.
"""
from __future__ import annotations

import base64
import binascii
from datetime import date

from flask import current_app, jsonify, request
from flask_babel import gettext as _

from caseapp.api import bp
from caseapp.api.openapi import register_paths
from caseapp.calendar.service import load_calendar
from caseapp.cases import inbox as inbox_queries
from caseapp.cases import operations as ops
from caseapp.cases import states
from caseapp.cases.attachments import MAX_FILES, Upload, attach_files, check_uploads
from caseapp.cases.identity import mask_id
from caseapp.cases.models import APPLICANT_TYPES, CHANNELS, Case
from caseapp.cases.notes import add_note
from caseapp.cases.queries import get_case
from caseapp.clock.service import describe_clock
from caseapp.core.db import local_today
from caseapp.core.errors import StaleVersionError, ValidationError, json_error
from caseapp.core.permissions import CASE_HANDLERS, CASE_READERS, Role, acting_user, require_agency, roles_required
from caseapp.extensions import db
from caseapp.letters.queries import letters_for_case

# Which roles may take each action (the route itself admits clerks and supervisors).
ACTION_ROLES: dict[str, tuple[Role, ...]] = {
    "accept": CASE_HANDLERS,
    "request_correction": CASE_HANDLERS,
    "receive_correction": CASE_HANDLERS,
    "assign": CASE_HANDLERS,
    "withdraw": CASE_HANDLERS,
    "add_note": CASE_HANDLERS,
    "close": (Role.SUPERVISOR,),
    "reopen": (Role.SUPERVISOR,),
}
# Request-body names of the applicant fields, as validate_request() names them.
APPLICANT_FIELDS = {
    "type": "applicant_type", "name": "applicant_name", "id_type": "id_type", "id_number": "id_number",
    "org_code": "org_code", "contact_person": "contact_person", "phone": "phone", "email": "email",
    "address": "address", "postal_code": "postal_code",
}
REQUEST_FIELDS = ("description", "document_ref", "purpose", "form", "delivery", "needs_assistance", "assistance_note")
MAX_PER_PAGE = 100


def _invalid(fields: dict, message=None):
    """A 422 with per-field messages (raised, so the app's handler rolls back and answers JSON)."""
    raise ValidationError(message or _("Please correct the marked fields."), errors=fields)


def _json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return None
    return body


def _api_field(name: str) -> str:
    for api_name, field in APPLICANT_FIELDS.items():
        if field == name:
            return f"applicant.{api_name}"
    return name


def _day(value, field: str) -> date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        _invalid({field: _("Please give a date like 2026-11-27.")})
    try:
        return date.fromisoformat(value)
    except ValueError:
        _invalid({field: _("Please give a date like 2026-11-27.")})


def _text(body: dict, field: str) -> str | None:
    value = body.get(field)
    if value is not None and not isinstance(value, str):
        _invalid({field: _("Must be text.")})
    return value


def serialize_case(case: Case, today: date | None = None) -> dict:
    """The case as the staff API shows it (ID number masked)."""
    clock = describe_clock(case, today or local_today(), soon_days=int(current_app.config.get("DUE_SOON_DAYS", 5)))
    return {
        "tracking_number": case.tracking_number,
        "agency": case.agency.code,
        "status": case.status,
        "received_on": case.received_on.isoformat(),
        "due_on": case.due_on.isoformat() if case.due_on else None,
        "due_provisional": bool(case.due_provisional),
        "closed_on": case.closed_on.isoformat() if case.closed_on else None,
        "outcome": case.outcome,
        "version": case.version,
        "channel": case.channel,
        "handler": case.handler.username if case.handler else None,
        "department": case.department.code if case.department else None,
        "applicant": {
            "type": case.applicant_type, "name": case.applicant_name, "id_type": case.id_type,
            "id_number": mask_id(case.id_number), "contact_person": case.contact_person, "phone": case.phone,
            "email": case.email, "address": case.address, "postal_code": case.postal_code,
        },
        "description": case.description,
        "document_ref": case.document_ref,
        "purpose": case.purpose,
        "form": case.form,
        "delivery": case.delivery,
        "needs_assistance": bool(case.needs_assistance),
        "correction": {
            "details": case.correction_details,
            "requested_on": case.correction_requested_on.isoformat() if case.correction_requested_on else None,
            "due_on": case.correction_due_on.isoformat() if case.correction_due_on else None,
            "received_on": case.correction_received_on.isoformat() if case.correction_received_on else None,
        } if case.correction_requested_on else None,
        "clock": {
            "running": clock.running, "days_left": clock.days_left, "state": clock.state,
            "paused_days": clock.due.paused_days, "extension_days": clock.due.extension_days,
        },
        "letters": letters_for_case(case),
        "actions": [a for a in states.available_actions(case.status)
                    if a in ACTION_ROLES and not (a == "request_correction" and case.correction_count)] + ["add_note"],
    }


def _load(tracking_number: str) -> Case:
    case = get_case(tracking_number)
    user = acting_user()
    if case is None:
        return None
    require_agency(user, case.agency_id)
    return case


@bp.post("/cases")
@roles_required(*CASE_HANDLERS)
def create_case():
    """Register a request that arrived on paper, by post, fax, e-mail, in person or orally."""
    user = acting_user()
    body = _json_body()
    if body is None:
        return json_error(400, "bad_request", _("The body must be a JSON object."))
    applicant = body.get("applicant")
    if not isinstance(applicant, dict):
        _invalid({"applicant": _("Please give the applicant as an object.")})
    data = {field: applicant.get(api_name) for api_name, field in APPLICANT_FIELDS.items()}
    data.update({field: body.get(field) for field in REQUEST_FIELDS})
    for key, value in data.items():
        if value is not None and not isinstance(value, (str, bool)):
            _invalid({_api_field(key): _("Must be text.")})
    channel = body.get("channel")
    if channel not in CHANNELS or channel == "online":
        _invalid({"channel": _("Please choose how the request arrived: in_person, post, fax, email or oral.")})
    received_on = _day(body.get("received_on"), "received_on")
    uploads = _uploads(body.get("attachments"))
    try:
        reg = ops.register_case(user.agency, data, channel=channel, received_on=received_on, actor=user)
        attach_files(reg.case, uploads, kind="scan", actor=user)
    except ValidationError as err:
        db.session.rollback()
        raise ValidationError(err.message, errors={_api_field(k): v for k, v in err.errors.items()}) from None
    db.session.commit()
    return jsonify({**serialize_case(reg.case), "query_code": reg.query_code}), 201


def _uploads(items) -> list[Upload]:
    """Base64 attachments of a JSON body, checked by content before anything is stored."""
    if items is None:
        return []
    if not isinstance(items, list) or len(items) > MAX_FILES:
        _invalid({"attachments": _("At most %(n)s files can be attached.", n=MAX_FILES)})
    uploads = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("filename"), str) \
                or not isinstance(item.get("content_base64"), str):
            _invalid({f"attachments[{i}]": _("Each attachment needs a filename and content_base64.")})
        try:
            data = base64.b64decode(item["content_base64"], validate=True)
        except (binascii.Error, ValueError):
            _invalid({f"attachments[{i}]": _("The content is not valid base64.")})
        uploads.append(Upload(item["filename"], data))
    try:
        check_uploads(uploads, field="attachments")
    except ValidationError as err:
        _invalid(err.errors, err.message)
    return uploads


@bp.get("/cases")
@roles_required(*CASE_READERS)
def list_cases():
    """The inbox as JSON: the same tabs, filters, search, sorting and paging as the office page."""
    user = acting_user()
    args = request.args
    errors = {}

    def pick(name, allowed):
        value = args.get(name) or None
        if value is not None and value not in allowed:
            errors[name] = _("Unknown value %(value)s.", value=value)
            return None
        return value

    def day(name):
        try:
            return _day(args.get(name), name)
        except ValidationError as err:
            errors.update(err.errors)
            return None

    def integer(name, default, low, high):
        value = args.get(name)
        if value is None or value == "":
            return default
        if not value.isdigit() or not low <= int(value) <= high:
            errors[name] = _("Please give a whole number from %(low)s to %(high)s.", low=low, high=high)
            return default
        return int(value)

    handler = args.get("handler") or None
    if handler not in (None, "none"):
        found = inbox_queries.get_user_in_agency(handler, user.agency_id)
        if found is None:
            errors["handler"] = _("Unknown user %(value)s.", value=handler)
        handler = str(found.id) if found else None
    department = args.get("department") or None
    department_id = None
    if department is not None:
        match = [d for d in inbox_queries.departments_for(user) if d.code == department.upper()]
        if not match:
            errors["department"] = _("Unknown department %(value)s.", value=department)
        else:
            department_id = match[0].id
    filters = inbox_queries.InboxFilters(
        tab=pick("tab", inbox_queries.TABS) or "open",
        q=(args.get("q") or "").strip()[:100] or None,
        status=pick("status", {s.value for s in states.Status}),
        channel=pick("channel", CHANNELS),
        applicant_type=pick("applicant_type", APPLICANT_TYPES),
        department_id=department_id,
        handler=handler,
        received_from=day("received_from"),
        received_to=day("received_to"),
        sort=pick("sort", inbox_queries.SORTS) or "due",
        page=integer("page", 1, 1, 10**6),
    )
    per_page = integer("per_page", inbox_queries.PAGE_SIZE, 1, MAX_PER_PAGE)
    if errors:
        _invalid(errors)
    today = local_today()
    cal = load_calendar()
    soon = int(current_app.config.get("DUE_SOON_DAYS", 5))
    page = inbox_queries.inbox_page(user, filters, today, soon, cal, per_page=per_page)
    return jsonify({
        "cases": [serialize_case(c, today) for c in page.items],
        "total": page.total, "page": page.page, "pages": page.pages, "per_page": page.per_page,
        "counts": inbox_queries.inbox_counts(user, today, soon, cal),
    })


@bp.get("/cases/<tracking_number>")
@roles_required(*CASE_READERS)
def get_case_json(tracking_number: str):
    """One case of the user's agency."""
    case = _load(tracking_number)
    if case is None:
        return json_error(404, "not_found", _("No case with this tracking number."))
    return jsonify(serialize_case(case))


@bp.post("/cases/<tracking_number>/actions")
@roles_required(*CASE_HANDLERS)
def case_action(tracking_number: str):
    """Take one action on a case: {"action": ..., "version": N, ...payload}."""
    user = acting_user()
    case = _load(tracking_number)
    if case is None:
        return json_error(404, "not_found", _("No case with this tracking number."))
    body = _json_body()
    if body is None:
        return json_error(400, "bad_request", _("The body must be a JSON object."))
    from caseapp.letters.api import ACTIONS as LETTER_ACTIONS  # registers on this blueprint too: import late

    action = body.get("action")
    if isinstance(action, str) and action in LETTER_ACTIONS:
        return _letter_action(case, user, action, body)
    if action not in ACTION_ROLES:
        _invalid({"action": _("Unknown action. Use one of: %(actions)s.",
                              actions=", ".join([*ACTION_ROLES, *LETTER_ACTIONS]))})
    if user.role not in ACTION_ROLES[action]:
        return json_error(403, "forbidden", _("Your role may not take this action."))
    version = body.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        _invalid({"version": _("Give the case version you last saw (an integer).")})
    _perform(case, user, action, body, version)
    db.session.commit()
    return jsonify(serialize_case(case))


def _letter_action(case: Case, user, action: str, body: dict):
    """Letters, extensions, deferrals and fees: their handlers check roles and state themselves."""
    from caseapp.letters.api import ACTIONS as LETTER_ACTIONS

    version = body.get("version")
    dry_run = action == "propose_fee" and body.get("dry_run") is True
    if not dry_run:
        if not isinstance(version, int) or isinstance(version, bool):
            _invalid({"version": _("Give the case version you last saw (an integer).")})
        if version != case.version:
            raise StaleVersionError()
    result = LETTER_ACTIONS[action](case, user, body)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    # The case as GET shows it, plus what the action produced: its keys (letter_id, amount, ...) at the
    # top level where they do not clash with the case's own, and all of it under "result".
    body = serialize_case(case)
    body.update({k: v for k, v in result.items() if k not in body})
    body["result"] = result
    return jsonify(body)


def _perform(case: Case, user, action: str, body: dict, version: int) -> None:
    """Call the one operation behind the action (domain errors become 409/422 JSON)."""
    if action == "accept":
        ops.accept_case(case, actor=user, expected_version=version)
    elif action == "request_correction":
        period = body.get("period_days", 15)
        if not isinstance(period, int) or isinstance(period, bool):
            _invalid({"period_days": _("The correction period is 1 to 60 working days.")})
        ops.request_correction(case, actor=user, details=_text(body, "details"), period_days=period,
                               expected_version=version)
    elif action == "receive_correction":
        if not body.get("received_on"):
            _invalid({"received_on": _("Please enter the date the correction arrived.")})
        ops.receive_correction(case, actor=user, text=_text(body, "description"),
                               received_on=_day(body.get("received_on"), "received_on"), expected_version=version)
    elif action == "assign":
        name = body.get("user")
        handler = inbox_queries.get_user_in_agency(name, case.agency_id) if isinstance(name, (str, int)) else None
        if handler is None:
            _invalid({"user": _("Unknown user in this agency.")})
        ops.assign_case(case, actor=user, handler=handler, expected_version=version)
    elif action == "close":
        reason = (_text(body, "reason") or "").strip()
        if not reason:
            _invalid({"reason": _("Please give the reason for closing the case directly.")})
        ops.close_case(case, actor=user, outcome=_text(body, "outcome") or "", reason=reason,
                       expected_version=version)
    elif action == "reopen":
        ops.reopen_case(case, actor=user, reason=_text(body, "reason"), expected_version=version)
    elif action == "withdraw":
        ops.withdraw_case(case, actor=user, reason=_text(body, "reason"), expected_version=version)
    elif action == "add_note":
        add_note(case, actor=user, text=_text(body, "text"), expected_version=version)


# --- OpenAPI ---------------------------------------------------------------------------------------


def _letter_action_names() -> list[str]:
    from caseapp.letters.api import ACTIONS

    return list(ACTIONS)


def openapi_paths() -> dict:
    """The staff paths of the OpenAPI document."""
    ref = {"$ref": "#/components/schemas/Case"}
    err = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    security = [{"bearerAuth": []}]
    tn = {"name": "tracking_number", "in": "path", "required": True, "schema": {"type": "string"}}
    common = {"401": {"description": "No or invalid token.", **err},
              "403": {"description": "Your role may not do this.", **err}}
    filters = [
        {"name": n, "in": "query", "required": False, "schema": s, "description": d} for n, s, d in (
            ("tab", {"type": "string", "enum": list(inbox_queries.TABS)}, "Inbox tab (default open)."),
            ("q", {"type": "string", "maxLength": 100}, "Tracking number, applicant name or Chinese full text."),
            ("status", {"type": "string"}, ""), ("channel", {"type": "string"}, ""),
            ("applicant_type", {"type": "string"}, ""), ("department", {"type": "string"}, "Department code."),
            ("handler", {"type": "string"}, "Username, or `none` for unassigned."),
            ("received_from", {"type": "string", "format": "date"}, ""),
            ("received_to", {"type": "string", "format": "date"}, ""),
            ("sort", {"type": "string", "enum": list(inbox_queries.SORTS)}, "Default: due date, earliest first."),
            ("page", {"type": "integer", "minimum": 1}, ""),
            ("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}, "Default 50."),
        )
    ]
    return {
        "/cases": {
            "get": {"tags": ["staff"], "summary": "List cases (the inbox)", "operationId": "listCases",
                    "security": security, "parameters": filters,
                    "responses": {"200": {"description": "One page of cases, with the tab counts.",
                                          "content": {"application/json": {"schema": {"type": "object", "properties": {
                                              "cases": {"type": "array", "items": ref}, "total": {"type": "integer"},
                                              "page": {"type": "integer"}, "pages": {"type": "integer"},
                                              "per_page": {"type": "integer"},
                                              "counts": {"type": "object",
                                                         "additionalProperties": {"type": "integer"}}}}}}},
                                  "422": {"description": "Unknown filter values.", **err}, **common}},
            "post": {"tags": ["staff"], "summary": "Register a paper, post, fax, e-mail, in-person or oral request",
                     "operationId": "createCase", "security": security,
                     "requestBody": {"required": True, "content": {"application/json": {"schema": {
                         "type": "object", "required": ["channel", "received_on", "applicant", "description",
                                                        "form", "delivery"],
                         "properties": {
                             "channel": {"type": "string", "enum": [c for c in CHANNELS if c != "online"]},
                             "received_on": {"type": "string", "format": "date"},
                             "applicant": {"$ref": "#/components/schemas/ApplicantInput"},
                             "description": {"type": "string"}, "document_ref": {"type": ["string", "null"]},
                             "purpose": {"type": ["string", "null"]},
                             "form": {"type": "string", "enum": ["paper", "electronic"]},
                             "delivery": {"type": "string", "enum": ["post", "email", "pickup", "online"]},
                             "needs_assistance": {"type": "boolean"},
                             "attachments": {"type": "array", "maxItems": MAX_FILES,
                                             "items": {"$ref": "#/components/schemas/AttachmentInput"}}}}}}},
                     "responses": {"201": {"description": "Registered; `query_code` is returned this once.",
                                           "content": {"application/json": {"schema": ref}}},
                                   "400": {"description": "The body is not a JSON object.", **err},
                                   "422": {"description": "Invalid fields; nothing stored.", **err}, **common}},
        },
        "/cases/{tracking_number}": {"get": {
            "tags": ["staff"], "summary": "One case", "operationId": "getCase", "security": security,
            "parameters": [tn],
            "responses": {"200": {"description": "The case.", "content": {"application/json": {"schema": ref}}},
                          "404": {"description": "No such case in your agency.", **err}, **common}}},
        "/cases/{tracking_number}/actions": {"post": {
            "tags": ["staff"], "summary": "Act on a case", "operationId": "actOnCase", "security": security,
            "parameters": [tn],
            "description": "Payloads: request_correction {details, period_days}; receive_correction "
                           "{received_on, description}; assign {user}; close {outcome, reason} (supervisors); "
                           "reopen {reason} (supervisors); withdraw {reason}; add_note {text}; accept {}. "
                           "Letters: draft_letter {template, fields} -> letter_id; update_letter, submit_letter, "
                           "approve_letter, return_letter {letter_id[, comment]}; issue_letter {letter_id, "
                           "delivery: {method: post|hand|email|online, date, reference}}; request_extension "
                           "{days, reason}; approve_extension; defer {deferred_to, reason}; approve_deferral; "
                           "propose_fee {basis: requests|pages, count[, dry_run]} -> amount (yuan); approve_fee; "
                           "record_payment {paid_on}. The answer is the case plus the action's result "
                           "(under `result`, and its non-clashing keys at the top level). "
                           "Every action carries the `version` last seen (not needed for a fee dry run); "
                           "a stale version gets 409.",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["action", "version"],
                "properties": {"action": {"type": "string", "enum": [*ACTION_ROLES, *_letter_action_names()]},
                               "version": {"type": "integer"}, "details": {"type": "string"},
                               "period_days": {"type": "integer", "minimum": 1, "maximum": 60},
                               "received_on": {"type": "string", "format": "date"},
                               "description": {"type": "string"}, "user": {"type": "string"},
                               "outcome": {"type": "string"}, "reason": {"type": "string"},
                               "text": {"type": "string"}}}}}},
            "responses": {"200": {"description": "The case after the action.",
                                  "content": {"application/json": {"schema": ref}}},
                          "400": {"description": "The body is not a JSON object.", **err},
                          "404": {"description": "No such case in your agency.", **err},
                          "409": {"description": "Stale version, or the status does not allow the action; "
                                                 "nothing changed.", **err},
                          "422": {"description": "Invalid payload; nothing changed.", **err}, **common}}},
    }


CASE_SCHEMA = {
    "type": "object",
    "required": ["tracking_number", "status", "received_on", "due_on", "due_provisional", "outcome", "version",
                 "applicant"],
    "properties": {
        "tracking_number": {"type": "string"}, "agency": {"type": "string"}, "status": {"type": "string"},
        "received_on": {"type": "string", "format": "date"}, "due_on": {"type": ["string", "null"], "format": "date"},
        "due_provisional": {"type": "boolean"}, "closed_on": {"type": ["string", "null"], "format": "date"},
        "outcome": {"type": ["string", "null"]}, "version": {"type": "integer"}, "channel": {"type": "string"},
        "handler": {"type": ["string", "null"]}, "department": {"type": ["string", "null"]},
        "applicant": {"type": "object", "description": "id_number is masked."},
        "description": {"type": "string"}, "correction": {"type": ["object", "null"]},
        "clock": {"type": "object"}, "actions": {"type": "array", "items": {"type": "string"}},
        "query_code": {"type": "string", "description": "Only in the answer to POST /cases."},
    },
}

register_paths(openapi_paths, schemas={"Case": CASE_SCHEMA},
               tags=[{"name": "staff", "description": "For staff, with a bearer token."}])
