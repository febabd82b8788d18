"""The OpenAPI 3.1 document of API v1, served at /api/v1/openapi.json.

The public endpoints are described here. Other endpoint modules add theirs with
`register_paths(paths, schemas=..., tags=...)` at import time (e.g. caseapp/api/staff.py):
`paths` is an OpenAPI "paths" mapping keyed by the path under /api/v1 (e.g. "/cases"), or a
function returning one, called when the document is built (so that it may name what other modules
define without importing them at import time); `schemas` adds to components.schemas. `build_document()` merges everything into one document.
"""
from __future__ import annotations

import copy

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("caseapp")
except PackageNotFoundError:  # pragma: no cover - run from a source tree without installing
    __version__ = "0"

_EXTRA_PATHS: list = []  # path mappings, or functions returning one
_EXTRA_SCHEMAS: dict[str, dict] = {}
_EXTRA_TAGS: list[dict] = []


def register_paths(paths, *, schemas: dict | None = None, tags: list[dict] | None = None) -> None:
    """Add path items (and their schemas and tags) to the document; methods of one path are merged."""
    _EXTRA_PATHS.append(paths)
    _EXTRA_SCHEMAS.update(schemas or {})
    for tag in tags or []:
        if all(t["name"] != tag["name"] for t in _EXTRA_TAGS):
            _EXTRA_TAGS.append(tag)


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


QUERY_CODE_HEADER = {
    "name": "X-Query-Code", "in": "header", "required": True,
    "description": "The query code given when the request was filed. A wrong tracking number and a wrong "
                   "code give the same 404; repeated failures are rate-limited (429).",
    "schema": {"type": "string", "minLength": 8, "maxLength": 20},
}
TRACKING_NUMBER_PARAM = {
    "name": "tracking_number", "in": "path", "required": True,
    "schema": {"type": "string", "maxLength": 40}, "example": "SFJY-2026-000123",
}
LOOKUP_ERRORS = {
    "400": _error("Malformed body or missing X-Query-Code header."),
    "404": _error("No request matches this tracking number and query code."),
    "429": _error("Too many failed lookups from this client or for this tracking number."),
}

_STR = {"type": ["string", "null"]}

SCHEMAS: dict[str, dict] = {
    "Error": {
        "type": "object", "required": ["error"],
        "properties": {"error": {
            "type": "object", "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "example": "validation_error"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"},
                           "description": "Per-field messages, keyed by the field's name in the request body "
                                          "(e.g. applicant.id_number, attachments[0])."},
            },
        }},
    },
    "ApplicantInput": {
        "type": "object", "required": ["type", "name"],
        "properties": {
            "type": {"type": "string", "enum": ["natural_person", "commercial_enterprise", "research_institution",
                                                "social_welfare_org", "legal_service_org", "other_org"]},
            "name": {"type": "string", "maxLength": 200},
            "id_type": {"type": ["string", "null"], "enum": ["resident_id", "passport", "hk_macao_permit",
                                                             "taiwan_permit", "foreign_permanent_residence",
                                                             "other", "uscc", None],
                        "description": "Citizens: the identity document; organisations: uscc, with the "
                                       "unified social credit code in id_number (or in org_code)."},
            "id_number": {**_STR, "maxLength": 40, "description": "Citizens: required; a resident ID is checked "
                                                                  "(18 characters, birth date, check digit)."},
            "org_code": {**_STR, "maxLength": 18, "description": "Organisations: the unified social credit code."},
            "contact_person": {**_STR, "maxLength": 100, "description": "Organisations: required."},
            "phone": {**_STR, "maxLength": 40},
            "email": {**_STR, "maxLength": 200},
            "address": {**_STR, "maxLength": 300},
            "postal_code": {**_STR, "pattern": "^[0-9]{6}$"},
        },
        "description": "At least one of phone, email and address is required.",
    },
    "AttachmentInput": {
        "type": "object", "required": ["filename", "content_base64"],
        "properties": {
            "kind": {"type": "string", "enum": ["id_scan", "supporting"], "default": "supporting",
                     "description": "For a correction only 'correction' is used (the field may be omitted)."},
            "filename": {"type": "string", "maxLength": 200},
            "content_base64": {"type": "string", "contentEncoding": "base64",
                               "description": "PDF, JPEG, PNG, DOCX or OFD, checked by content; at most 20 MB."},
        },
    },
    "RequestInput": {
        "type": "object", "required": ["agency", "applicant", "description", "form", "delivery"],
        "properties": {
            "agency": {"type": "string", "description": "Agency code, see GET /agencies.", "example": "SFJY"},
            "applicant": _ref("ApplicantInput"),
            "description": {"type": "string", "minLength": 5, "maxLength": 5000},
            "document_ref": {**_STR, "maxLength": 300},
            "purpose": {**_STR, "maxLength": 2000},
            "form": {"type": "string", "enum": ["paper", "electronic"]},
            "delivery": {"type": "string", "enum": ["post", "email", "pickup", "online"]},
            "needs_assistance": {"type": "boolean", "default": False},
            "assistance_note": {**_STR, "maxLength": 300},
            "attachments": {"type": "array", "maxItems": 10, "items": _ref("AttachmentInput")},
        },
    },
    "Registration": {
        "type": "object",
        "required": ["tracking_number", "query_code", "status", "received_on", "due_on"],
        "properties": {
            "tracking_number": {"type": "string"},
            "query_code": {"type": "string", "description": "Returned once: keep it. Only its hash is stored."},
            "status": {"type": "string"},
            "received_on": {"type": "string", "format": "date"},
            "due_on": {"type": ["string", "null"], "format": "date"},
            "due_provisional": {"type": "boolean"},
        },
    },
    "TimelineEntry": {
        "type": "object",
        "properties": {"action": {"type": "string"}, "at": {"type": "string", "format": "date-time"},
                       "label": {"type": "string"}},
    },
    "Attachment": {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "kind": {"type": "string"}, "name": {"type": "string"},
                       "content_type": {"type": "string"}, "size": {"type": "integer"},
                       "sha256": {"type": "string"}, "uploaded_at": {"type": "string", "format": "date-time"}},
    },
    "Request": {
        "type": "object",
        "properties": {
            "tracking_number": {"type": "string"},
            "agency": {"type": "string"}, "agency_name": {"type": "string"},
            "status": {"type": "string", "enum": ["submitted", "correction_requested", "in_progress",
                                                  "awaiting_fee", "closed", "withdrawn"]},
            "status_label": {"type": "string"},
            "received_on": {"type": "string", "format": "date"},
            "due_on": {"type": ["string", "null"], "format": "date"},
            "due_provisional": {"type": "boolean", "description": "The due date falls in a year whose official "
                                                                  "holiday calendar is not known yet."},
            "closed_on": {"type": ["string", "null"], "format": "date"},
            "outcome": {"type": ["string", "null"]}, "outcome_label": {"type": ["string", "null"]},
            "applicant": {"type": "object", "description": "As filed; id_number is masked."},
            "description": {"type": "string"}, "document_ref": _STR, "purpose": _STR,
            "form": {"type": "string"}, "delivery": {"type": "string"}, "channel": {"type": "string"},
            "needs_assistance": {"type": "boolean"},
            "correction": {"type": ["object", "null"], "properties": {
                "details": {"type": "string"}, "requested_on": {"type": "string", "format": "date"},
                "due_on": {"type": "string", "format": "date"}}},
            "timeline": {"type": "array", "items": _ref("TimelineEntry")},
            "documents": {"type": "array", "items": {"type": "object"},
                          "description": "Documents issued to the applicant (replies and notices)."},
            "attachments": {"type": "array", "items": _ref("Attachment")},
        },
    },
    "PublicItem": {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "title": {"type": "string"}, "agency": {"type": "string"},
                       "published_on": {"type": "string", "format": "date"}, "url": {"type": "string"}},
    },
}

PUBLIC_PATHS: dict[str, dict] = {
    "/agencies": {"get": {
        "tags": ["public"], "summary": "Agencies that accept requests", "operationId": "listAgencies",
        "responses": {"200": _json({"type": "object", "properties": {"agencies": {"type": "array", "items": {
            "type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"}}}}}},
            "The agencies.")},
    }},
    "/requests": {"post": {
        "tags": ["public"], "summary": "File a request online", "operationId": "createRequest",
        "description": "Receipt date by the online rule (SPEC §2). Send JSON (files as base64 in `attachments`) "
                       "or multipart/form-data with a `request` part holding the JSON and files in `id_scan` "
                       "and `files`. With an `Idempotency-Key` header (16-200 characters) a retry with the same "
                       "key and body files nothing new: it answers 200 with the same tracking number and a "
                       "newly issued query code (the earlier code stops working); the same key with another "
                       "body is refused (422).",
        "parameters": [{"name": "Idempotency-Key", "in": "header", "required": False,
                        "schema": {"type": "string", "minLength": 16, "maxLength": 200}}],
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": _ref("RequestInput")},
            "multipart/form-data": {"schema": {"type": "object", "required": ["request"], "properties": {
                "request": {"type": "string", "description": "RequestInput as JSON (without attachments)."},
                "id_scan": {"type": "string", "format": "binary"},
                "files": {"type": "array", "items": {"type": "string", "format": "binary"}}}}},
        }},
        "responses": {
            "201": _json(_ref("Registration"), "Filed."),
            "200": _json(_ref("Registration"), "Already filed under this Idempotency-Key (new query code)."),
            "400": _error("Malformed JSON or body."),
            "413": _error("The body is too large."),
            "422": _error("Invalid fields or files; nothing was stored."),
            "429": _error("Too many filings from this client."),
        },
    }},
    "/requests/{tracking_number}": {"get": {
        "tags": ["public"], "summary": "Track a request", "operationId": "getRequest",
        "parameters": [TRACKING_NUMBER_PARAM, QUERY_CODE_HEADER],
        "responses": {"200": _json(_ref("Request"), "The request as the applicant sees it."), **LOOKUP_ERRORS},
    }},
    "/requests/{tracking_number}/withdraw": {"post": {
        "tags": ["public"], "summary": "Withdraw a request", "operationId": "withdrawRequest",
        "parameters": [TRACKING_NUMBER_PARAM, QUERY_CODE_HEADER],
        "requestBody": {"required": False, "content": {"application/json": {"schema": {
            "type": "object", "properties": {"reason": {**_STR, "maxLength": 1000}}}}}},
        "responses": {"200": _json(_ref("Request"), "Withdrawn."), **LOOKUP_ERRORS,
                      "409": _error("The request is already closed or withdrawn."),
                      "422": _error("Invalid reason.")},
    }},
    "/requests/{tracking_number}/correction": {"post": {
        "tags": ["public"], "summary": "Submit a requested correction", "operationId": "correctRequest",
        "description": "Only while the status is correction_requested; the reply period starts again.",
        "parameters": [TRACKING_NUMBER_PARAM, QUERY_CODE_HEADER],
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": {"type": "object", "required": ["text"], "properties": {
                "text": {"type": "string", "maxLength": 5000},
                "attachments": {"type": "array", "maxItems": 10, "items": _ref("AttachmentInput")}}}},
            "multipart/form-data": {"schema": {"type": "object", "required": ["text"], "properties": {
                "text": {"type": "string"},
                "files": {"type": "array", "items": {"type": "string", "format": "binary"}}}}},
        }},
        "responses": {"200": _json(_ref("Request"), "Correction received."), **LOOKUP_ERRORS,
                      "409": _error("No correction was requested (wrong status)."),
                      "422": _error("Invalid text or files; nothing was stored.")},
    }},
    "/public-items": {"get": {
        "tags": ["public"], "summary": "Search the public column (依申请公开转主动公开)", "operationId": "searchPublicItems",
        "parameters": [{"name": "q", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 200}}],
        "responses": {"200": _json({"type": "object", "properties": {
            "items": {"type": "array", "items": _ref("PublicItem")}, "q": {"type": "string"}}}, "Matching items.")},
    }},
    "/openapi.json": {"get": {
        "tags": ["public"], "summary": "This document", "operationId": "getOpenApi",
        "responses": {"200": {"description": "The OpenAPI document."}},
    }},
}


def build_document(server_url: str = "/api/v1") -> dict:
    """The complete OpenAPI document: public paths plus those registered by other modules."""
    paths = copy.deepcopy(PUBLIC_PATHS)
    for extra in _EXTRA_PATHS:
        for path, item in (extra() if callable(extra) else extra).items():
            paths.setdefault(path, {}).update(copy.deepcopy(item))
    tags = [{"name": "public", "description": "For applicants, without an account: tracking number and query code."},
            *_EXTRA_TAGS]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "caseapp API",
            "version": __version__,
            "description": "Government information disclosure requests (政府信息依申请公开). Errors are "
                           "{\"error\": {\"code\", \"message\", \"fields\"?}} with a 4xx status.",
        },
        "servers": [{"url": server_url}],
        "tags": tags,
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": {**copy.deepcopy(SCHEMAS), **copy.deepcopy(_EXTRA_SCHEMAS)},
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "description": "Staff endpoints: a token from `flask caseapp create-token`."}},
        },
    }
