"""Staff API (bearer token) for the caller's notifications, on its own blueprint under /api/v1.

- `GET /api/v1/notifications`: the caller's notifications, newest first.
- `POST /api/v1/notifications/{id}/read`: 404 for anyone else's.
"""
from __future__ import annotations

from flask import Blueprint, jsonify

from caseapp.accounts.bearer import bearer_authentication
from caseapp.cases.models import Case
from caseapp.core.actions import outside_runner
from caseapp.core.errors import NotFoundError
from caseapp.core.permissions import Role, acting_user, roles_required
from caseapp.core.openapi_parts import error_answer, json_answer, operation
from caseapp.extensions import csrf, db
from caseapp.notifications.operations import mark_read
from caseapp.notifications.queries import get_notification, notifications_for

bp = Blueprint("notifications_api", __name__, url_prefix="/api/v1")
# Bearer tokens only, never the session cookie: cross-site form posts cannot act through it.
csrf.exempt(bp)

STAFF = (Role.CLERK, Role.SUPERVISOR, Role.LIAISON, Role.AUDITOR, Role.ADMIN)


bp.before_request(bearer_authentication())


def _notification_json(note) -> dict:
    case = db.session.get(Case, note.case_id) if note.case_id else None
    return {"id": note.id, "kind": note.kind, "tracking_number": case.tracking_number if case else None,
            "message": note.message, "created_at": note.created_at.isoformat(), "read": note.read}


@bp.get("/notifications")
@roles_required(*STAFF)
def list_notifications():
    """The caller's notifications, newest first."""
    items = notifications_for(acting_user().id, limit=200)
    return jsonify({"notifications": [_notification_json(n) for n in items]})


@bp.post("/notifications/<int:notification_id>/read")
@outside_runner("the reader's own mark: nothing of a case changes")
@roles_required(*STAFF)
def read_notification(notification_id: int):
    """Mark one of the caller's notifications read."""
    note = get_notification(acting_user().id, notification_id)
    if note is None:
        raise NotFoundError()
    mark_read(note)
    db.session.commit()
    return jsonify(_notification_json(note))


_NID = [{"name": "notification_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}]


def _op(summary: str, responses: dict, **kwargs) -> dict:
    return operation("notifications", summary, responses, **kwargs)


OPENAPI_PATHS = {
    "/notifications": {"get": _op("The caller's notifications, newest first", {
        "200": json_answer("The notifications"), "401": error_answer("No or invalid token"), "403": error_answer("Role not allowed")})},
    "/notifications/{notification_id}/read": {"post": _op("Mark a notification read", {
        "200": json_answer("The notification"), "401": error_answer("No or invalid token"), "403": error_answer("Role not allowed"),
        "404": error_answer("Not the caller's notification")}, params=_NID)},
}

OPENAPI_TAGS = [{"name": "notifications", "description": "The caller's in-app notifications"}]
