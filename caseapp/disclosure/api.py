"""Staff API of the disclosure area: `GET /api/v1/cases/{tracking_number}/similar`.

Its own blueprint under /api/v1 (bearer token, no session cookie, so no CSRF); errors take the
API's JSON shape through the application's error handlers.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, g, jsonify, request
from flask_babel import gettext as _

from caseapp.accounts.operations import user_for_token
from caseapp.cases.models import Case
from caseapp.cases.queries import get_case
from caseapp.core.errors import json_error
from caseapp.core.permissions import CASE_READERS, acting_user, require_agency, roles_required
from caseapp.disclosure.index import find_similar
from caseapp.extensions import csrf, db

bp = Blueprint("disclosure_api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


@bp.before_request
def _authenticate():
    # Bearer token only: in an API request the session cookie never counts (see acting_user).
    g.api_request = True
    g.api_user = None
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return json_error(401, "unauthorized", _("Please log in."))
    user = user_for_token(header[7:].strip())
    if user is None:
        return json_error(401, "invalid_token", _("Invalid or revoked access token."))
    g.api_user = user
    return None


@bp.get("/cases/<tracking_number>/similar")
@roles_required(*CASE_READERS)
def similar(tracking_number: str):
    """Requests to the same agency asking for the same information: [{tracking_number, score}], best first."""
    case = get_case(tracking_number)
    if case is None:
        abort(404)
    require_agency(acting_user(), case.agency_id)
    matches = find_similar(case)
    numbers = dict(db.session.execute(sa.select(Case.id, Case.tracking_number)
                                      .where(Case.id.in_([m.case_id for m in matches]))).all()) if matches else {}
    db.session.commit()  # a case indexed on demand keeps its signature
    return jsonify([{"tracking_number": numbers[m.case_id], "score": m.score} for m in matches if m.case_id in numbers])
