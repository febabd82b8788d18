"""Staff API (bearer token) for consultations, on its own blueprint under /api/v1.

- `GET /api/v1/consultations`: those addressed to the caller (liaison: their department; clerk or
  supervisor: their agency).
- `GET /api/v1/consultations/{id}`: 404 for anyone neither addressed nor of the asking agency.
- `POST /api/v1/consultations/{id}/answer` {opinion, reasons}: 409 once answered.

The caller's notifications are caseapp.notifications.api.
"""
from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _

from caseapp.accounts.bearer import bearer_authentication
from caseapp.consultations import queries
from caseapp.core.actions import Ctx, get_action, perform
from caseapp.core.errors import NotFoundError, ValidationError
from caseapp.core.permissions import Role, acting_user, roles_required
from caseapp.core.openapi_parts import error_answer, json_answer, operation
from caseapp.extensions import csrf, db

bp = Blueprint("consultations_api", __name__, url_prefix="/api/v1")
# Bearer tokens only, never the session cookie: cross-site form posts cannot act through it.
csrf.exempt(bp)

ADDRESSEES = (Role.LIAISON, Role.CLERK, Role.SUPERVISOR)
STAFF = (Role.CLERK, Role.SUPERVISOR, Role.LIAISON, Role.AUDITOR, Role.ADMIN)


bp.before_request(bearer_authentication())


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationError(_("The request body must be a JSON object."))
    return body


@bp.get("/consultations")
@roles_required(*ADDRESSEES)
def list_consultations():
    """Consultations addressed to the caller."""
    user = acting_user()
    items = queries.inbox_for(user)
    return jsonify({"consultations": [queries.consultation_json(c, detail=True) for c in items]})


@bp.get("/consultations/<int:consultation_id>")
@roles_required(*STAFF)
def get_consultation(consultation_id: int):
    """One consultation (404 unless addressed to the caller or of the caller's agency)."""
    c = queries.visible_consultation(acting_user(), consultation_id)
    if c is None:
        raise NotFoundError()
    return jsonify(queries.consultation_json(c, detail=True))


@bp.post("/consultations/<int:consultation_id>/answer")
@roles_required(*ADDRESSEES)
def answer_consultation(consultation_id: int):
    """Answer a consultation addressed to the caller: {opinion, reasons}."""
    user = acting_user()
    c = queries.visible_consultation(user, consultation_id)
    if c is None:
        raise NotFoundError()
    perform(get_action("answer_consultation"), Ctx(user=user, case=c.case, target=c), _body(), source="api")
    return jsonify(queries.consultation_json(c, detail=True))


_ID = [{"name": "consultation_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}]


def _op(summary: str, responses: dict, **kwargs) -> dict:
    return operation("consultations", summary, responses, **kwargs)


OPENAPI_PATHS = {
    "/consultations": {"get": _op("Consultations addressed to the caller", {
        "200": json_answer("The consultations"), "401": error_answer("No or invalid token"), "403": error_answer("Not an addressee role")})},
    "/consultations/{consultation_id}": {"get": _op("One consultation", {
        "200": json_answer("The consultation"), "401": error_answer("No or invalid token"), "403": error_answer("Role not allowed"),
        "404": error_answer("Not addressed to the caller nor of the caller's agency")}, params=_ID)},
    "/consultations/{consultation_id}/answer": {"post": _op("Answer a consultation", {
        "200": json_answer("The answered consultation"), "401": error_answer("No or invalid token"),
        "403": error_answer("Not the addressee"), "404": error_answer("Not found"), "409": error_answer("Already answered or lapsed"),
        "422": error_answer("Invalid opinion or missing reasons")}, params=_ID, body={
        "type": "object", "required": ["opinion", "reasons"], "properties": {
            "opinion": {"type": "string", "enum": ["agree", "disagree", "partial"]},
            "reasons": {"type": "string", "minLength": 1, "maxLength": 5000}}})},
}

OPENAPI_TAGS = [{"name": "consultations", "description": "Consultations"}]
