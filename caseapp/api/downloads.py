"""Issued letters' files through the API: staff (bearer token, the case's agency) and the applicant
(header X-Query-Code, own issued letters only). Anything else is 404."""
from __future__ import annotations

from flask import abort, request

from caseapp.api import bp
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
