"""Fee pages of the office: the amount for a basis and count while the clerk types it."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required

from caseapp.cases.queries import get_case
from caseapp.core.errors import ValidationError
from caseapp.core.permissions import CASE_READERS, require_agency, roles_required
from caseapp.fees import operations as ops

bp = Blueprint("fees", __name__, url_prefix="/office/fees")


@bp.get("/case/<tracking_number>/quote")
@login_required
@roles_required(*CASE_READERS)
def quote(tracking_number: str):
    """The amount for a basis and count, as JSON (the case's fee form previews it)."""
    case = get_case(tracking_number)
    if case is None:
        abort(404)
    require_agency(current_user, case.agency_id)
    try:
        found = ops.quote_fee(request.args.get("basis"), request.args.get("count", ""))
    except ValidationError as err:
        return jsonify({"error": {"message": str(err.message),
                                  "fields": {k: str(v) for k, v in err.errors.items()}}}), 422
    return jsonify({"amount": found.amount, "basis": found.basis, "count": found.count})
