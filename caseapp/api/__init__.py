"""JSON API v1: public endpoints for applicants and bearer-token endpoints for staff."""
from __future__ import annotations

from flask import Blueprint, jsonify

from caseapp.accounts.bearer import bearer_authentication
from caseapp.accounts.operations import list_agencies
from caseapp.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# The API authenticates with bearer tokens or query codes, never with the session cookie,
# so cross-site form posts cannot act through it: CSRF tokens are not needed here.
csrf.exempt(bp)
bp.before_request(bearer_authentication())


@bp.get("/agencies")
def agencies():
    """Agencies that accept requests."""
    return jsonify({"agencies": [{"code": a.code, "name": a.name} for a in list_agencies()]})


# Endpoint modules register their routes on `bp`.
from caseapp.api import actions, dossier, downloads, public, staff, staff_openapi  # noqa: E402,F401
