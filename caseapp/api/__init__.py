"""JSON API v1: public endpoints for applicants and bearer-token endpoints for staff."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request
from flask_babel import gettext as _

from caseapp.accounts.operations import list_agencies, user_for_token
from caseapp.core.errors import json_error
from caseapp.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# The API authenticates with bearer tokens or query codes, never with the session cookie,
# so cross-site form posts cannot act through it: CSRF tokens are not needed here.
csrf.exempt(bp)


@bp.before_request
def _authenticate():
    # Bearer token only: in an API request the session cookie never counts (see acting_user).
    g.api_request = True
    g.api_user = None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        user = user_for_token(header[7:].strip())
        if user is None:
            return json_error(401, "invalid_token", _("Invalid or revoked access token."))
        g.api_user = user
    return None


@bp.get("/agencies")
def agencies():
    """Agencies that accept requests."""
    return jsonify({"agencies": [{"code": a.code, "name": a.name} for a in list_agencies()]})


# Endpoint modules register their routes on `bp`.
from caseapp.api import actions, downloads, public, staff, staff_openapi  # noqa: E402,F401
