"""Issued letters' files and their enclosures through the API: staff (bearer token, the case's agency)
and the applicant (header X-Query-Code, own issued letters and what was enclosed with them only).
Anything else is 404, the same answer whether the number, the code or the document is wrong."""
from __future__ import annotations

from flask import abort, jsonify, request

from caseapp.api import bp
from caseapp.api.openapi import register_paths
from caseapp.api.staff import load_case
from caseapp.cases.queries import find_case_for_applicant
from caseapp.core.permissions import CASE_READERS, roles_required
from caseapp.letters.files import enclosure_file_response, letter_file_response
from caseapp.letters.queries import enclosure_of, get_letter, issued_documents_for_applicant, issued_letters
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


def _applicant_case():
    """The case the number and X-Query-Code unlock; 404 otherwise (as for an unknown number)."""
    case = find_case_for_applicant(request.view_args["tracking_number"], request.headers.get("X-Query-Code", ""))
    if case is None:
        abort(404)
    return case


@bp.get("/requests/<tracking_number>/documents")
def public_documents(tracking_number: str):
    """The letters issued to the applicant and what was enclosed with each, with their download URLs."""
    case = _applicant_case()
    return jsonify({"tracking_number": case.tracking_number, "documents": issued_documents_for_applicant(case)})


@bp.get("/requests/<tracking_number>/letters/<int:letter_id>/enclosures/<int:record_id>.pdf")
def public_enclosure_file(tracking_number: str, letter_id: int, record_id: int):
    """A file enclosed with a letter issued to the applicant (never an original, never a draft's)."""
    case = _applicant_case()
    letter = next((item for item in issued_letters(case) if item.id == letter_id), None)
    enclosure = enclosure_of(letter, record_id) if letter is not None else None
    if enclosure is None:
        abort(404)
    return enclosure_file_response(enclosure)


@bp.get("/cases/<tracking_number>/letters/<int:letter_id>/enclosures/<int:record_id>.pdf")
@roles_required(*CASE_READERS)
def staff_enclosure_file(tracking_number: str, letter_id: int, record_id: int):
    """A file enclosed with a letter of the case, draft or issued (staff of the case's agency)."""
    case = load_case(tracking_number)
    letter = get_letter(letter_id) if letter_id < 2**63 else None
    enclosure = enclosure_of(letter, record_id) if letter is not None and letter.case_id == case.id else None
    if enclosure is None:
        abort(404)
    return enclosure_file_response(enclosure)


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
    paths.update(_enclosure_paths(params, error))
    return paths


def _enclosure_paths(params: list, error: dict) -> dict:
    """The OpenAPI paths of the applicant's documents list and of the enclosure downloads."""
    number = params[0]
    code = {"name": "X-Query-Code", "in": "header", "required": True, "schema": {"type": "string", "maxLength": 40}}
    record = {"name": "record_id", "in": "path", "required": True,
              "schema": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}}
    pdf = {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}
    enclosure = {"type": "object", "properties": {
        "record_id": {"type": "integer"}, "position": {"type": "integer"}, "title": {"type": "string"},
        "pages": {"type": "integer"}, "size": {"type": "integer"}, "sha256": {"type": "string"},
        "url": {"type": "string", "description": "Download URL; send the query code in X-Query-Code."}}}
    document = {"type": "object", "properties": {
        "id": {"type": "integer"}, "template": {"type": "string"}, "title": {"type": "string"},
        "number": {"type": "string"}, "issued_on": {"type": "string", "format": "date"},
        "pdf_url": {"type": "string"}, "docx_url": {"type": "string"}, "pdf_sha256": {"type": "string"},
        "enclosures": {"type": "array", "items": enclosure}}}
    missing = {"description": "No such request for this number and query code (or no code).", **error}
    return {
        "/requests/{tracking_number}/documents": {"get": {
            "tags": ["public"], "summary": "List the letters issued to the applicant and their enclosures",
            "description": "Each issued letter with the release versions of records enclosed with it (title, "
                           "pages, size, SHA-256 as issued, download URL). Drafts and originals never appear.",
            "operationId": "listRequestDocuments", "parameters": [number, code],
            "responses": {"200": {"description": "The issued letters and their enclosures.", "content": {
                "application/json": {"schema": {"type": "object", "properties": {
                    "tracking_number": {"type": "string"},
                    "documents": {"type": "array", "items": document}}}}}},
                "404": missing},
        }},
        "/requests/{tracking_number}/letters/{letter_id}/enclosures/{record_id}.pdf": {"get": {
            "tags": ["public"], "summary": "Download a file enclosed with a letter issued to the applicant",
            "operationId": "getRequestEnclosure", "parameters": [*params, record, code],
            "responses": {"200": {"description": "The enclosed release version, as issued.", "content": pdf},
                          "404": {"description": "No such enclosure of an issued letter for this number and "
                                                 "query code.", **error}},
        }},
        "/cases/{tracking_number}/letters/{letter_id}/enclosures/{record_id}.pdf": {"get": {
            "tags": ["staff"], "summary": "Download a file enclosed with a letter of a case",
            "operationId": "getCaseEnclosure", "security": [{"bearerAuth": []}], "parameters": [*params, record],
            "responses": {"200": {"description": "The enclosed release version.", "content": pdf},
                          "401": {"description": "No or an invalid bearer token.", **error},
                          "403": {"description": "The token's role may not read cases.", **error},
                          "404": {"description": "No such enclosure in the token user's agency.", **error}},
        }},
    }


register_paths(letter_download_paths)
