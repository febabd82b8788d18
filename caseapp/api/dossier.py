"""A case's dossier (一案一档) through the staff API: `GET /api/v1/cases/{tracking_number}/dossier.pdf`
(bearer token, the case's agency: another agency's case is 404)."""
from __future__ import annotations

from caseapp.api import bp
from caseapp.api.openapi import register_paths
from caseapp.api.staff import load_case
from caseapp.core.permissions import CASE_READERS, acting_user, roles_required
from caseapp.dossier import actions as _dossier_actions  # noqa: F401 (registers archive_case with the app)
from caseapp.dossier.files import dossier_response


@bp.get("/cases/<tracking_number>/dossier.pdf")
@roles_required(*CASE_READERS)
def staff_dossier(tracking_number: str):
    """The case's dossier as one PDF: cover, contents, every document in order, closing note."""
    case = load_case(tracking_number)
    user = acting_user()
    return dossier_response(case, compiled_by=getattr(user, "display_name", None) or user.username)


def dossier_paths() -> dict:
    """The OpenAPI path of the dossier download."""
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    number = {"name": "tracking_number", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 40}}
    return {"/cases/{tracking_number}/dossier.pdf": {"get": {
        "tags": ["staff"], "summary": "Download a case's dossier (一案一档) as one PDF",
        "description": "Cover, table of contents (卷内目录) with each document's pages, every document of the case "
                       "in order (the request and its attachments, receipt, correction, consultations, extension, "
                       "fee, reply and enclosures with the proof of delivery), closing note (备考表). An archived "
                       "case's dossier is the one frozen at archiving.",
        "operationId": "getCaseDossier", "security": [{"bearerAuth": []}], "parameters": [number],
        "responses": {"200": {"description": "The dossier.",
                              "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
                      "401": {"description": "No or an invalid bearer token.", **error},
                      "403": {"description": "The token's role may not read cases.", **error},
                      "404": {"description": "No such case in the token user's agency.", **error}},
    }}}


register_paths(dossier_paths)
