"""Staff API of the disclosure area: `GET /api/v1/cases/{tracking_number}/similar`.

Its own blueprint under /api/v1 (bearer token, no session cookie, so no CSRF); errors take the
API's JSON shape through the application's error handlers.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, jsonify

from caseapp.accounts.bearer import bearer_authentication
from caseapp.cases.models import Case
from caseapp.cases.queries import get_case
from caseapp.core.permissions import (
    CASE_READERS,
    acting_user,
    require_agency,
    roles_required,
)
from caseapp.disclosure.index import find_similar
from caseapp.disclosure.labels import explain, explanation
from caseapp.extensions import csrf, db

bp = Blueprint("disclosure_api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


bp.before_request(bearer_authentication(required=True))


@bp.get("/cases/<tracking_number>/similar")
@roles_required(*CASE_READERS)
def similar(tracking_number: str):
    """Requests to the same agency asking for the same information, best first: [{tracking_number, score,
    confirmed, reasons, explanation}]."""
    case = get_case(tracking_number)
    if case is None:
        abort(404)
    require_agency(acting_user(), case.agency_id)
    matches = find_similar(case)
    numbers = dict(db.session.execute(sa.select(Case.id, Case.tracking_number)
                                      .where(Case.id.in_([m.case_id for m in matches]))).all()) if matches else {}
    return jsonify([{"tracking_number": numbers[m.case_id], "score": m.score, "confirmed": m.confirmed,
                     "reasons": explain(m.reasons), "explanation": explanation(m.reasons)}
                    for m in matches if m.case_id in numbers])


_ERROR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}

# This area's part of /api/v1/openapi.json, registered by the app factory (caseapp.api.openapi).
OPENAPI = dict(paths={
    "/cases/{tracking_number}/similar": {"get": {
        "tags": ["disclosure"], "operationId": "getSimilarRequests",
        "summary": "Requests to the same agency that ask for the same information, best first",
        "description": "Clerks, supervisors, auditors and admins of the case's agency. Only requests scoring at "
                       "or above the suggestion threshold are listed (at most 20), and those a clerk confirmed as "
                       "the same information (judge_similar); each says why in `reasons` (kinds: confirmed, "
                       "period, docno, numbered, organisation, project, place, term, words) and in one "
                       "translated line, `explanation`.",
        "security": [{"bearerAuth": []}],
        "parameters": [{"name": "tracking_number", "in": "path", "required": True,
                        "schema": {"type": "string", "maxLength": 40}}],
        "responses": {
            "200": {"description": "Similar requests", "content": {"application/json": {"schema": {
                "type": "array", "items": {"type": "object", "required": ["tracking_number", "score", "confirmed", "reasons", "explanation"],
                                           "properties": {"tracking_number": {"type": "string"},
                                                          "score": {"type": "number", "minimum": 0,
                                                                    "maximum": 1},
                                                          "confirmed": {"type": "boolean"},
                                                          "explanation": {"type": "string"},
                                                          "reasons": {"type": "array", "items": {
                                                              "type": "object", "required": ["kind", "label", "value"],
                                                              "properties": {"kind": {"type": "string"},
                                                                             "label": {"type": "string"},
                                                                             "value": {"type": "string"}}}}}}}}}},
            "401": {"description": "No or invalid token", **_ERROR},
            "403": {"description": "A role that may not read cases", **_ERROR},
            "404": {"description": "No such case in the user's agency", **_ERROR},
        },
    }},
    "/public-items": {"get": {
        "tags": ["public"], "operationId": "searchPublicItems",
        "summary": "Search the public column (依申请公开转主动公开)",
        "parameters": [
            {"name": "q", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 200},
             "description": "Chinese words (segmented); every word must match the title, summary or a document."},
            {"name": "agency", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 20}},
            {"name": "year", "in": "query", "required": False, "schema": {"type": "integer"}},
        ],
        "responses": {"200": {"description": "Published entries, newest first", "content": {"application/json": {
            "schema": {"type": "object", "required": ["q", "items"], "properties": {
                "q": {"type": "string"},
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/PublicEntry"}}}}}}}},
    }},
}, schemas={"PublicEntry": {
    "type": "object", "required": ["id", "title", "agency", "published_on", "url"],
    "properties": {
        "id": {"type": "integer"}, "title": {"type": "string"}, "summary": {"type": "string"},
        "topic": {"type": "string"}, "agency": {"type": "string"}, "agency_name": {"type": "string"},
        "published_on": {"type": "string", "format": "date"}, "url": {"type": "string"},
        "documents": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"type": "string"}, "size": {"type": "integer"}, "url": {"type": "string"}}}},
    },
}}, tags=[{"name": "disclosure", "description": "Proactive disclosure: similar requests (staff, bearer token)."}])
