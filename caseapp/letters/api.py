"""Staff API actions on letters, extensions, deferrals and fees, and letter downloads.

The staff endpoint POST /api/v1/cases/<tracking_number>/actions dispatches the names in ACTIONS
here: each handler(case, user, payload) -> dict calls one operation; the endpoint commits. Issued
letters download from /api/v1/cases/<n>/letters/<id>.pdf|.docx (staff, bearer token) and from
/api/v1/requests/<n>/letters/<id>.pdf|.docx (the applicant, header X-Query-Code, own issued
letters only).
"""
from __future__ import annotations

from flask import abort, request, send_file

from caseapp.api import bp
from caseapp.cases.queries import find_case_for_applicant, get_case
from caseapp.core.errors import NotFoundError, ValidationError
from caseapp.core.filestore import open_path
from caseapp.core.permissions import CASE_READERS, acting_user, require_agency
from caseapp.fees import operations as fee_ops
from caseapp.letters import operations as ops
from caseapp.letters.models import Letter
from caseapp.letters.queries import get_letter, issued_letters

MIMETYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _letter(case, payload) -> Letter:
    """The letter named by payload["letter_id"], which must belong to the case (else 404)."""
    letter_id = payload.get("letter_id")
    if isinstance(letter_id, bool) or not isinstance(letter_id, int):
        raise ValidationError("letter_id", errors={"letter_id": "letter_id must be an integer."})
    letter = get_letter(letter_id)
    if letter is None or letter.case_id != case.id:
        raise NotFoundError()
    return letter


def _letter_json(letter: Letter) -> dict:
    return {"letter_id": letter.id, "template": letter.template, "status": letter.status, "number": letter.number}


def draft_letter(case, user, payload) -> dict:
    """{template, fields} -> {letter_id}."""
    fields = payload.get("fields") or {}
    letter = ops.draft_letter(case, actor=user, template=payload.get("template"), fields=fields)
    return _letter_json(letter)


def update_letter(case, user, payload) -> dict:
    """{letter_id, fields}: edit a draft."""
    return _letter_json(ops.update_letter(_letter(case, payload), actor=user, fields=payload.get("fields") or {}))


def submit_letter(case, user, payload) -> dict:
    """{letter_id}."""
    return _letter_json(ops.submit_letter(_letter(case, payload), actor=user))


def approve_letter(case, user, payload) -> dict:
    """{letter_id} (a supervisor other than the drafter)."""
    return _letter_json(ops.approve_letter(_letter(case, payload), actor=user))


def return_letter(case, user, payload) -> dict:
    """{letter_id, comment}."""
    return _letter_json(ops.return_letter(_letter(case, payload), actor=user, comment=payload.get("comment")))


def issue_letter(case, user, payload) -> dict:
    """{letter_id, delivery: {method, date, reference}} -> number and digests."""
    letter = ops.issue_letter(_letter(case, payload), actor=user, delivery=payload.get("delivery"))
    return {**_letter_json(letter), "issued_on": letter.issued_on.isoformat(),
            "pdf_sha256": letter.pdf_sha256, "docx_sha256": letter.docx_sha256,
            "case_status": case.status, "outcome": case.outcome}


def request_extension(case, user, payload) -> dict:
    """{days, reason}."""
    req = ops.request_extension(case, actor=user, days=payload.get("days"), reason=payload.get("reason"))
    return {"request_id": req.id, "status": req.status, "days": req.days}


def approve_extension(case, user, payload) -> dict:
    """Approve the pending extension: the due date moves; the extension notice is ready to issue."""
    req = ops.approve_time_request(case, actor=user, kind="extension")
    return {"request_id": req.id, "status": req.status, "letter_id": req.letter_id,
            "due_on": case.due_on.isoformat(), "extension_days": case.extension_days}


def defer(case, user, payload) -> dict:
    """{deferred_to, reason}: propose a deferral (Reg. 35) for a supervisor to approve."""
    req = ops.request_deferral(case, actor=user, deferred_to=payload.get("deferred_to"),
                               reason=payload.get("reason"))
    return {"request_id": req.id, "status": req.status, "deferred_to": req.deferred_to.isoformat()}


def approve_deferral(case, user, payload) -> dict:
    """Approve the pending deferral: the due date becomes the deferred date; its notice is ready to issue."""
    req = ops.approve_time_request(case, actor=user, kind="deferral")
    return {"request_id": req.id, "status": req.status, "letter_id": req.letter_id,
            "due_on": case.due_on.isoformat()}


def propose_fee(case, user, payload) -> dict:
    """{basis: requests|pages, count[, dry_run]} -> {amount} in yuan."""
    if payload.get("dry_run") is True:
        quote = fee_ops.quote_fee(payload.get("basis"), payload.get("count"))
        return {"amount": quote.amount, "basis": quote.basis, "count": quote.count, "dry_run": True,
                "lines": [{"first": line.first, "last": line.last, "rate": line.rate, "amount": line.amount}
                          for line in quote.lines]}
    fee = fee_ops.propose_fee(case, actor=user, basis=payload.get("basis"), count=payload.get("count"),
                              note=payload.get("note") if isinstance(payload.get("note"), str) else None)
    return {"fee_id": fee.id, "amount": fee.amount, "basis": fee.basis, "count": fee.count, "status": fee.status}


def approve_fee(case, user, payload) -> dict:
    """Approve the proposed fee; the fee notice is ready to issue (issuing it pauses the clock)."""
    how = payload.get("how_to_pay") if isinstance(payload.get("how_to_pay"), str) else None
    fee = fee_ops.approve_fee(case, actor=user, how_to_pay=how)
    return {"fee_id": fee.id, "amount": fee.amount, "status": fee.status, "letter_id": fee.letter_id}


def record_payment(case, user, payload) -> dict:
    """{paid_on}: the clock resumes."""
    fee = fee_ops.record_payment(case, actor=user, paid_on=payload.get("paid_on"))
    return {"fee_id": fee.id, "status": fee.status, "paid_on": fee.paid_on.isoformat(), "case_status": case.status}


ACTIONS = {
    "draft_letter": draft_letter,
    "update_letter": update_letter,
    "submit_letter": submit_letter,
    "approve_letter": approve_letter,
    "return_letter": return_letter,
    "issue_letter": issue_letter,
    "request_extension": request_extension,
    "approve_extension": approve_extension,
    "defer": defer,
    "approve_deferral": approve_deferral,
    "propose_fee": propose_fee,
    "approve_fee": approve_fee,
    "record_payment": record_payment,
}


def letter_file_response(letter: Letter, ext: str):
    """Stream an issued letter's frozen PDF or DOCX as a download."""
    key = letter.pdf_key if ext == "pdf" else letter.docx_key
    name = f"{letter.number or letter.id}.{ext}"
    return send_file(open_path(key), mimetype=MIMETYPES[ext], as_attachment=True,
                     download_name=name, max_age=0, etag=letter.pdf_sha256 if ext == "pdf" else letter.docx_sha256)


@bp.get("/cases/<tracking_number>/letters/<int:letter_id>.<any(pdf, docx):ext>")
def staff_letter_file(tracking_number: str, letter_id: int, ext: str):
    """An issued letter's frozen PDF or DOCX (staff of the case's agency)."""
    user = acting_user()
    if user is None:
        abort(401)
    if not user.active or user.role not in CASE_READERS:
        abort(403)
    case = get_case(tracking_number)
    if case is None:
        abort(404)
    require_agency(user, case.agency_id)
    letter = get_letter(letter_id)
    if letter is None or letter.case_id != case.id or letter.status != "issued":
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
