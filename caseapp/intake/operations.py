"""Writes made by applicants through the portal and the public API.

Filing and correcting combine the case operations (caseapp.cases.operations) with the files the
applicant attached, so that a request and its files are accepted or refused together.
"""
from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from caseapp.accounts.models import Agency
from caseapp.cases import operations as case_ops
from caseapp.cases.attachments import MAX_FILES, Upload, attach_files, check_uploads
from caseapp.cases.identity import hash_query_code, query_code_needs_upgrade
from caseapp.cases.models import Case
from caseapp.cases.operations import Registration
from caseapp.cases.validation import clean_text, text_errors, validate_request
from caseapp.core.actions import bookkeeping_write
from caseapp.core.audit import record_event
from caseapp.core.clock import utcnow
from caseapp.core.errors import ValidationError
from caseapp.extensions import db
from caseapp.intake.models import ProactiveSuggestion, ReceiptHold, SubmissionKey
from caseapp.intake.queries import (
    RECEIPT_SECONDS,
    hash_submission_key,
    receipt_key_hash,
    seal_code,
    suggestions_for_case,
)

SUGGESTION_MAX_LENGTH = 2000
MAX_SUGGESTIONS_PER_CASE = 10

# Upload field of each attachment kind, as the form and the API name it.
UPLOAD_FIELDS = {"id_scan": "id_scan", "supporting": "files", "correction": "files"}


def _file_errors(uploads: Mapping[str, Sequence[Upload]]) -> dict[str, object]:
    errors: dict[str, object] = {}
    if sum(len(v) for v in uploads.values()) > MAX_FILES:
        errors["files"] = _l("At most %(n)s files can be attached.", n=MAX_FILES)
        return errors
    for kind, files in uploads.items():
        try:
            check_uploads(files, field=UPLOAD_FIELDS[kind])
        except ValidationError as err:
            errors.update(err.errors)
    return errors


def submit_online_request(
    agency: Agency,
    data: dict,
    uploads: Mapping[str, Sequence[Upload]] | None = None,
    *,
    submission_scope: str | None = None,
    submission_key: str | None = None,
    request_hash: str | None = None,
) -> Registration:
    """File an online request with its files (kind -> uploads); all or nothing.

    With a submission key (the portal form's one-time token or the API's Idempotency-Key) the
    filing is recorded under the key, so a repeated submission can find it instead of filing again.
    """
    uploads = {k: list(v) for k, v in (uploads or {}).items() if v}
    _clean, errors = validate_request(data)
    errors.update(_file_errors(uploads))
    if errors:
        raise ValidationError(_l("Please correct the marked fields."), errors=errors)
    reg = case_ops.register_case(agency, data, channel="online")
    for kind, files in uploads.items():
        attach_files(reg.case, files, kind=kind, actor=None)
    if submission_key:
        db.session.add(SubmissionKey(key_hash=hash_submission_key(submission_scope, submission_key),
                                     scope=submission_scope, request_hash=request_hash, case_id=reg.case.id))
        db.session.flush()
    return reg


def upgrade_query_code_hash(case: Case, code: str) -> bool:
    """After a successful lookup, replace an older (PBKDF2) stored hash by the HMAC form; True if changed."""
    if not query_code_needs_upgrade(case.query_code_hash):
        return False
    with bookkeeping_write("a stronger hash of the query code, after a lookup"):
        case.query_code_hash = hash_query_code(code)
        db.session.flush()
    return True


def hold_receipt(case: Case, code: str, *, seconds: int = RECEIPT_SECONDS) -> str:
    """Keep a just-filed case's query code server side for its receipt; returns the random key that
    the browser's session keeps (the only thing in the cookie). Expired holds are removed."""
    db.session.execute(sa.delete(ReceiptHold).where(ReceiptHold.expires_at < utcnow()))
    key = secrets.token_urlsafe(32)
    db.session.add(ReceiptHold(key_hash=receipt_key_hash(key), case_id=case.id, sealed_code=seal_code(key, code),
                               expires_at=utcnow() + timedelta(seconds=seconds)))
    db.session.flush()
    return key


def mark_receipt_shown(hold: ReceiptHold) -> None:
    """The receipt page has shown the code once; later displays leave it out."""
    hold.code_shown = True
    db.session.flush()


def release_receipt(key: str | None) -> None:
    """Forget a receipt hold (its PDF was downloaded, or the browser closed the request pages)."""
    if key:
        db.session.execute(sa.delete(ReceiptHold).where(ReceiptHold.key_hash == receipt_key_hash(key)))
        db.session.flush()


def submit_correction(case: Case, *, text: str, uploads: Sequence[Upload] = ()) -> Case:
    """The applicant's correction (text and files); the reply period starts again (Reg. 30)."""
    uploads = list(uploads)
    text = clean_text(text, multiline=True) or ""
    errors = _file_errors({"correction": uploads}) if uploads else {}
    errors.update(text_errors({"text": text}, multiline=("text",)))
    if errors:
        raise ValidationError(_l("Please correct the marked fields."), errors=errors)
    try:
        case_ops.receive_correction(case, actor=None, text=text, submitted_at=utcnow())
    except ValidationError as err:
        # The applicant's field is called "text" in the form and the API.
        fields = {("text" if k == "description" else k): v for k, v in err.errors.items()}
        raise ValidationError(err.message, errors=fields) from None
    attach_files(case, uploads, kind="correction", actor=None)
    return case


def withdraw_request(case: Case, *, reason: str | None) -> Case:
    """The applicant withdraws the request (refused once it is closed or withdrawn)."""
    reason = clean_text(reason, multiline=True)
    errors = text_errors({"reason": reason}, multiline=("reason",))
    if errors:
        raise ValidationError(_l("Please correct the marked fields."), errors=errors)
    return case_ops.withdraw_case(case, actor=None, reason=reason)


def suggest_proactive_disclosure(case: Case, *, text: str) -> ProactiveSuggestion:
    """Record the applicant's suggestion to disclose the information proactively (Reg. 44 para. 2)."""
    text = clean_text(text, multiline=True) or ""
    errors = text_errors({"text": text}, multiline=("text",))
    if errors:
        raise ValidationError(errors["text"], errors=errors)
    if not text:
        msg = _l("Please write your suggestion.")
        raise ValidationError(msg, errors={"text": msg})
    if len(text) > SUGGESTION_MAX_LENGTH:
        msg = _l("At most %(n)s characters.", n=SUGGESTION_MAX_LENGTH)
        raise ValidationError(msg, errors={"text": msg})
    if len(suggestions_for_case(case)) >= MAX_SUGGESTIONS_PER_CASE:
        msg = _l("You have already made %(n)s suggestions on this request.", n=MAX_SUGGESTIONS_PER_CASE)
        raise ValidationError(msg, errors={"text": msg})
    suggestion = ProactiveSuggestion(case_id=case.id, text=text)
    db.session.add(suggestion)
    db.session.flush()
    record_event("case.disclosure_suggested", actor=None, actor_label="applicant", case=case,
                 after={"suggestion_id": suggestion.id}, note=text)
    db.session.flush()
    return suggestion
