"""The staff API's part of the OpenAPI document; the actions' names, payloads and descriptions come
from the action registry, so a new action appears here by being declared."""
from __future__ import annotations

from caseapp.api.openapi import register_paths
from caseapp.api.staff import MAX_PER_PAGE
from caseapp.cases import inbox as inbox_queries
from caseapp.cases.attachments import MAX_FILES
from caseapp.cases.models import CHANNELS
from caseapp.core.actions import case_actions


def _actions_description() -> str:
    lines = ["Payloads, per action (letter actions name their letter with `letter_id`):"]
    for a in case_actions():
        lines.append(f"{a.name} {a.description or '{}'}" + (" (supervisors)" if {r.value for r in a.roles} == {"supervisor"} else ""))
    lines.append("The answer is the case; an action with a result adds it under `result` and its non-clashing keys "
                 "at the top level. Every action carries the `version` last seen (not needed for a dry run); a "
                 "stale version gets 409.")
    return " ".join(lines)


def _action_properties() -> dict:
    props: dict = {}
    for a in case_actions():
        for name, spec in a.input.openapi().items():
            props.setdefault(name, spec)
    return props


def _multipart_schema() -> dict:
    """The multipart body of the actions that take files (add_record): text parts and the files."""
    with_files = [a for a in case_actions() if any(f.kind == "files" for f in a.input.fields)]
    props: dict = {"action": {"type": "string", "enum": [a.name for a in with_files]},
                   "version": {"type": "integer", "description": "The case version last seen."}}
    for a in with_files:
        for f in a.input.fields:
            if f.kind == "files":
                props.setdefault(f.name, {"type": "string", "format": "binary", "description": str(f.label)})
            elif f.kind in ("text", "longtext", "choice"):
                props.setdefault(f.name, {"type": "string", **({"maxLength": f.max_length} if f.max_length else {})})
    return {"type": "object", "required": ["action", "version"], "properties": props}


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
                                              "cases": {"type": "array", "items": ref},
                                              "total": {"type": "integer", "description": (
                                                  "How many cases match, counted as the office's inbox counts them: "
                                                  "exactly without `q`; with `q`, at most "
                                                  f"{inbox_queries.SEARCH_COUNT_LIMIT} (then `more` is true and only "
                                                  "the first `total` results can be paged).")},
                                              "more": {"type": "boolean", "description": (
                                                  "The search matches more than `total` cases (a capped count).")},
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
            "description": _actions_description(),
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["action", "version"],
                "properties": {"action": {"type": "string", "enum": [a.name for a in case_actions()]},
                               "version": {"type": "integer", "description": "The case version last seen."},
                               "dry_run": {"type": "boolean"}, "letter_id": {"type": "integer", "minimum": 1},
                               **_action_properties()}}},
                "multipart/form-data": {"schema": _multipart_schema()}}},
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
        "consultations": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "kind": {"type": "string", "enum": ["department", "agency", "third_party"]},
            "status": {"type": "string", "enum": ["sent", "answered", "lapsed", "deemed_consent"]},
            "opinion": {"type": ["string", "null"]}, "sent_on": {"type": ["string", "null"], "format": "date"},
            "due_on": {"type": ["string", "null"], "format": "date"},
            "answered_on": {"type": ["string", "null"], "format": "date"}}}},
        "supervision_order": {"type": ["object", "null"], "properties": {
            "opened_on": {"type": "string", "format": "date"},
            "closed_on": {"type": ["string", "null"], "format": "date"}}},
        "query_code": {"type": "string", "description": "Only in the answer to POST /cases."},
    },
}

register_paths(openapi_paths, schemas={"Case": CASE_SCHEMA},
               tags=[{"name": "staff", "description": "For staff, with a bearer token."}])
