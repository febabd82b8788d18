"""Staff API (bearer token) for the caller's notifications, on its own blueprint under /api/v1.

- `GET /api/v1/notifications[?unread=1]`: the caller's notifications, newest first, each with its
  `read` flag, and `unread`: how many of the caller's notifications are unread (all of them, not
  only those listed).
- `POST /api/v1/notifications/{id}/read`: 404 for anyone else's.
"""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from caseapp.accounts.bearer import bearer_authentication
from caseapp.cases.models import Case
from caseapp.core.actions import outside_runner
from caseapp.core.errors import NotFoundError
from caseapp.core.permissions import Role, acting_user, roles_required
from caseapp.core.openapi_parts import error_answer, json_answer, operation
from caseapp.extensions import csrf, db
from caseapp.notifications.operations import mark_read
from caseapp.notifications.queries import get_notification, notifications_for, unread_count

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
    """The caller's notifications, newest first (only the unread with ?unread=1), and the unread count."""
    user_id = acting_user().id
    items = notifications_for(user_id, limit=200, unread_only=request.args.get("unread") in ("1", "true"))
    return jsonify({"notifications": [_notification_json(n) for n in items], "unread": unread_count(user_id)})


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


_UNREAD = [{"name": "unread", "in": "query", "required": False, "description": "1: only the unread notifications",
            "schema": {"type": "string", "enum": ["0", "1", "true", "false"]}}]
_LIST_DESCRIPTION = ("The caller's notifications (at most 200), newest first. Each has `read` (false until the caller "
                     "opens it in the office or marks it read); `unread` counts all of the caller's unread "
                     "notifications, as the office's bell does.")

_NOTIFICATION = {"type": "object", "required": ["id", "kind", "message", "created_at", "read"], "properties": {
    "id": {"type": "integer"}, "kind": {"type": "string"}, "tracking_number": {"type": ["string", "null"]},
    "message": {"type": "string"}, "created_at": {"type": "string", "format": "date-time"},
    "read": {"type": "boolean", "description": "Whether the caller has opened it or marked it read"}}}
_LIST_ANSWER = {"description": _LIST_DESCRIPTION, "content": {"application/json": {"schema": {
    "type": "object", "required": ["notifications", "unread"], "properties": {
        "notifications": {"type": "array", "items": _NOTIFICATION},
        "unread": {"type": "integer", "minimum": 0, "description": "How many of the caller's notifications are unread"}}}}}}


OPENAPI_PATHS = {
    "/notifications": {"get": _op("The caller's notifications, newest first, with their read state", {
        "200": _LIST_ANSWER, "401": error_answer("No or invalid token"),
        "403": error_answer("Role not allowed")}, params=_UNREAD)},
    "/notifications/{notification_id}/read": {"post": _op("Mark a notification read", {
        "200": json_answer("The notification"), "401": error_answer("No or invalid token"), "403": error_answer("Role not allowed"),
        "404": error_answer("Not the caller's notification")}, params=_NID)},
}

OPENAPI_TAGS = [{"name": "notifications", "description": "The caller's in-app notifications"}]
