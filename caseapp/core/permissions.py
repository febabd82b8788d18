"""Role and agency checks for office routes and the staff API."""
from __future__ import annotations

import enum
from functools import wraps

from flask import abort, g, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user


class Role(enum.StrEnum):
    CLERK = "clerk"
    SUPERVISOR = "supervisor"
    LIAISON = "liaison"
    AUDITOR = "auditor"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.CLERK: _l("Clerk"),
    Role.SUPERVISOR: _l("Supervisor"),
    Role.LIAISON: _l("Department liaison"),
    Role.AUDITOR: _l("Auditor"),
    Role.ADMIN: _l("Administrator"),
}

# Roles that handle cases day to day.
CASE_HANDLERS = (Role.CLERK, Role.SUPERVISOR)
# Roles that may read cases of their agency (or of all agencies when they have none).
CASE_READERS = (Role.CLERK, Role.SUPERVISOR, Role.AUDITOR, Role.ADMIN)


def acting_user():
    """The user behind this request: in the API only the bearer token's user (never the session
    cookie, which a cross-site request would carry without a CSRF token); elsewhere the logged-in one."""
    if g.get("api_request") or request.path.startswith("/api/"):  # every API blueprint, whoever forgets the flag
        return g.get("api_user")
    return current_user if current_user.is_authenticated else None


def roles_required(*roles: Role):
    """Refuse the view with 401 when nobody is logged in and 403 for any other role."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            user = acting_user()
            if user is None:
                abort(401)
            if not user.active or user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapper.required_roles = roles  # read by the access-matrix test
        return wrapper

    return decorator


def can_access_agency(user, agency_id: int | None) -> bool:
    """A user bound to an agency sees only that agency; platform-wide users see all."""
    if user is None:
        return False
    return user.agency_id is None or user.agency_id == agency_id


def require_agency(user, agency_id: int | None) -> None:
    """Abort with 404 (not 403, to reveal nothing) when the record belongs to another agency."""
    if not can_access_agency(user, agency_id):
        abort(404)
