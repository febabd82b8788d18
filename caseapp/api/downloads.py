"""Issued letters' files through the API: staff (bearer token, the case's agency) and the applicant
(header X-Query-Code, own issued letters only). Anything else is 404."""
from __future__ import annotations

from flask import abort, request

from caseapp.api import bp
from caseapp.api.openapi import register_paths
from caseapp.api.staff import load_case
from caseapp.cases.queries import find_case_for_applicant
from caseapp.core.permissions import CASE_READERS, roles_required
from caseapp.letters.files import letter_file_response
from caseapp.letters.queries import get_letter, issued_letters
from caseapp.letters.states import LetterStatus


@bp.get("/cases/<tracking_number>/letters/<int:letter_id>.<any(pdf, docx):ext>")
@roles_required(*CASE_READERS)
def staff_letter_file(tracking_number: str, letter_id: int, ext: str):
    """An issued letter's frozen PDF or DOCX (staff of the case's agency)."""
    case = load_case(tracking_number)
    letter = get_letter(letter_id) if letter_id < 2**63 else None
    if letter is None or letter.case_id != case.id or letter.status != LetterStatus.ISSUED:
        abort(404)
    return letter_file_response(letter, ext)


@bp.get("/requests/<tracking_number>/letters/<int:letter_id>.<any(pdf, docx):ext>")
def public_letter_file(tracking_number: str, letter_id: int, ext: str):
    """The applicant's own issued letter, with the query code in X-Query-Code (404 for anything else)."""
    case = find_case_for_applicant(tracking_number, request.headers.get("X-Query-Code", ""))
    if case is None:
        abort(404)
    letter = next((item for item in issued_letters(case) if item.id == letter_id), None)
    if letter is None:
        abort(404)
    return letter_file_response(letter, ext)


def letter_download_paths() -> dict:
    """The OpenAPI paths of the letter downloads above, for the applicant and for staff."""
    params = [
        {"name": "tracking_number", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 40}},
        {"name": "letter_id", "in": "path", "required": True,
         "schema": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}},
    ]
    files = {"application/pdf": {"schema": {"type": "string", "format": "binary"}},
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
                 {"schema": {"type": "string", "format": "binary"}}}
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    paths = {}
    for ext in ("pdf", "docx"):
        paths[f"/requests/{{tracking_number}}/letters/{{letter_id}}.{ext}"] = {"get": {
            "tags": ["public"], "summary": f"Download a letter issued to the applicant ({ext.upper()})",
            "operationId": f"getRequestLetter{ext.capitalize()}",
            "parameters": [*params, {"name": "X-Query-Code", "in": "header", "required": True,
                                     "schema": {"type": "string", "maxLength": 40}}],
            "responses": {"200": {"description": "The issued letter, as frozen when issued.", "content": files},
                          "404": {"description": "No such issued letter for this number and query code.", **error}},
        }}
        paths[f"/cases/{{tracking_number}}/letters/{{letter_id}}.{ext}"] = {"get": {
            "tags": ["staff"], "summary": f"Download an issued letter of a case ({ext.upper()})",
            "operationId": f"getCaseLetter{ext.capitalize()}",
            "security": [{"bearerAuth": []}],
            "parameters": params,
            "responses": {"200": {"description": "The issued letter, as frozen when issued.", "content": files},
                          "401": {"description": "No or an invalid bearer token.", **error},
                          "403": {"description": "The token's role may not read cases.", **error},
                          "404": {"description": "No such issued letter in the token user's agency.", **error}},
        }}
    return paths


register_paths(letter_download_paths)
