"""Staff API for statistics: GET /api/v1/stats/annual-report (auditors, supervisors, admins).

Its own blueprint under /api/v1: bearer tokens only (never the session cookie), so CSRF does not
apply; the token is read by this blueprint's before_request, the same way as the `api` blueprint's.
"""
from __future__ import annotations

from flask import Blueprint, request

from caseapp.accounts.bearer import bearer_authentication
from caseapp.core.errors import json_error
from caseapp.core.permissions import acting_user, roles_required
from caseapp.extensions import csrf
from caseapp.stats.access import (
    REPORT_READERS,
    FormatError,
    ScopeError,
    report_response,
    resolve_scope,
)

bp = Blueprint("stats_api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


bp.before_request(bearer_authentication(required=True))


@bp.get("/stats/annual-report")
@roles_required(*REPORT_READERS)
def annual_report():
    """Table 3 and Table 4 of a year for one agency or all, as JSON, XLSX, CSV, PDF or DOCX."""
    user = acting_user()
    try:
        year, agency = resolve_scope(user, request.args.get("year"), request.args.get("agency"))
        return report_response(year, agency, request.args.get("format", "json"))
    except ScopeError as err:
        return json_error(err.status, err.code, err.message)
    except FormatError as err:
        return json_error(400, "invalid_format", err.message)


# Registered with caseapp.api.openapi.register_paths by the app factory (the api package sits
# above this one, so this module only holds the data).
OPENAPI = {"paths": {"/stats/annual-report": {"get": {
        "tags": ["stats"], "operationId": "getAnnualReport",
        "summary": "Annual report Table 3 and Table 4 (SPEC §10) for a year",
        "description": "Auditors, supervisors and admins. A user bound to an agency sees only that agency; "
                       "platform-wide users see one agency (agency=CODE) or all agencies.",
        "security": [{"bearerAuth": []}],
        "parameters": [
            {"name": "year", "in": "query", "required": True, "schema": {"type": "integer", "minimum": 2008,
                                                                          "maximum": 2100}},
            {"name": "agency", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 20}},
            {"name": "format", "in": "query", "required": False,
             "schema": {"type": "string", "enum": ["json", "xlsx", "csv", "pdf", "docx"], "default": "json"}},
        ],
        "responses": {
            "200": {"description": "The report", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/AnnualReport"}},
                "text/csv": {"schema": {"type": "string"}},
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
                    {"schema": {"type": "string", "format": "binary"}},
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
                    {"schema": {"type": "string", "format": "binary"}},
            }},
            "400": {"description": "Bad year or format", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}},
            "401": {"description": "No or invalid token", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}},
            "403": {"description": "Clerks and liaisons may not read statistics", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}},
            "404": {"description": "Unknown agency, or another agency than the user's", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        },
    }}}, "schemas": {"AnnualReport": {
        "type": "object", "required": ["year", "agency", "table3", "table4"],
        "properties": {
            "year": {"type": "integer"},
            "agency": {"type": ["string", "null"]},
            "table3": {"type": "object", "required": ["columns", "rows", "balanced"], "properties": {
                "columns": {"type": "array", "items": {"type": "string"}},
                "rows": {"type": "object", "additionalProperties": {
                    "type": "object", "additionalProperties": {"type": "integer"}}},
                "balanced": {"type": "boolean"},
            }},
            "table4": {"type": "object", "properties": {
                "columns": {"type": "array", "items": {"type": "string"}},
                "rows": {"type": "object", "additionalProperties": {
                    "type": "object", "additionalProperties": {"type": "integer"}}},
            }},
        },
    }}, "tags": [{"name": "stats", "description": "Statistics and the annual report"}]}
