"""Named queries for the public portal and the public API."""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from caseapp.accounts.models import Agency
from caseapp.cases.attachments import Attachment, attachments_for_case
from caseapp.cases.models import Case
from caseapp.cases.queries import case_timeline
from caseapp.core.db import SHANGHAI
from caseapp.core.text import unsafe_character
from caseapp.extensions import db
from caseapp.intake.models import ProactiveSuggestion, ReceiptHold, SubmissionKey

# What each applicant-visible event means, in the applicant's words.
TIMELINE_LABELS = {
    "case.registered": _l("Request received"),
    "case.accepted": _l("Accepted for handling"),
    "case.correction_requested": _l("Correction requested"),
    "case.correction_received": _l("Correction received; the time limit starts again"),
    "case.withdrawn": _l("Request withdrawn"),
    "case.closed": _l("Handling completed"),
    "case.reopened": _l("Handling resumed"),
}

# Attachment kinds the applicant supplied (and may download again from the tracking page).
APPLICANT_KINDS = ("id_scan", "supporting", "correction")


@dataclass(frozen=True)
class TimelineEntry:
    action: str
    at: datetime  # Asia/Shanghai
    label: str


def get_active_agency(code: str | None) -> Agency | None:
    """The active agency with this code (case-insensitive), or None."""
    if not code or not isinstance(code, str) or unsafe_character(code) is not None:
        return None
    return db.session.scalar(sa.select(Agency).where(Agency.code == code.strip().upper(), Agency.active.is_(True)))


def applicant_timeline(case: Case) -> list[TimelineEntry]:
    """The events of a case meant for the applicant, oldest first, with plain labels."""
    entries = []
    for evt in case_timeline(case, for_applicant=True):
        at = evt.occurred_at
        if at.tzinfo is None:  # SQLite returns naive UTC
            at = at.replace(tzinfo=UTC)
        entries.append(TimelineEntry(evt.action, at.astimezone(SHANGHAI), str(TIMELINE_LABELS.get(evt.action, evt.action))))
    return entries


def applicant_attachments(case: Case) -> list[Attachment]:
    """Files the applicant uploaded (ID scan, supporting documents, corrections)."""
    return attachments_for_case(case, kinds=APPLICANT_KINDS)


def issued_documents_for_applicant(case: Case) -> list[dict]:
    """Letters issued to the applicant (replies, notices), oldest first, with portal download links.

    The links work only in a session that unlocked the case with its query code.
    """
    from caseapp.letters.queries import issued_documents_for_applicant as issued

    return [
        {**doc, "issued_on": date.fromisoformat(doc["issued_on"]),
         "url": url_for("portal.letter", tracking_number=case.tracking_number, letter_id=doc["id"], ext="pdf"),
         "portal_docx_url": url_for("portal.letter", tracking_number=case.tracking_number, letter_id=doc["id"],
                                    ext="docx")}
        for doc in issued(case)
    ]


def suggestions_for_case(case: Case) -> list[ProactiveSuggestion]:
    """The proactive-disclosure suggestions made on a case, oldest first."""
    return list(db.session.scalars(
        sa.select(ProactiveSuggestion).where(ProactiveSuggestion.case_id == case.id).order_by(ProactiveSuggestion.id)
    ))


def hash_submission_key(scope: str, key: str) -> str:
    """The stored form of a submission key (SHA-256 of scope and key)."""
    return hashlib.sha256(f"{scope}:{key}".encode()).hexdigest()


def find_submission(scope: str, key: str | None) -> SubmissionKey | None:
    """The earlier filing under this one-time key, if any."""
    if not key:
        return None
    return db.session.scalar(sa.select(SubmissionKey).where(SubmissionKey.key_hash == hash_submission_key(scope, key)))


RECEIPT_SECONDS = 30 * 60  # how long a just-filed case's query code waits for its receipt


@dataclass(frozen=True)
class HeldReceipt:
    hold: ReceiptHold
    case_id: int
    code: str
    code_shown: bool


def receipt_key_hash(key: str) -> str:
    """The stored form of a receipt key (SHA-256)."""
    return hashlib.sha256(f"receipt:{key}".encode()).hexdigest()


def _pad(key: str, length: int) -> bytes:
    return hmac.new(key.encode(), b"receipt query code", hashlib.sha256).digest()[:length]


def seal_code(key: str, code: str) -> str:
    """The query code XOR a pad derived from the receipt key (hex); codes are at most 32 bytes."""
    raw = code.encode()
    return bytes(a ^ b for a, b in zip(raw, _pad(key, len(raw)), strict=True)).hex()


def get_held_receipt(key: str | None) -> HeldReceipt | None:
    """The receipt held under this session key, unless missing or expired."""
    if not key or not isinstance(key, str):
        return None
    hold = db.session.scalar(sa.select(ReceiptHold).where(ReceiptHold.key_hash == receipt_key_hash(key)))
    if hold is None:
        return None
    expires = hold.expires_at if hold.expires_at.tzinfo else hold.expires_at.replace(tzinfo=UTC)
    if expires < datetime.now(UTC):
        return None
    sealed = bytes.fromhex(hold.sealed_code)
    code = bytes(a ^ b for a, b in zip(sealed, _pad(key, len(sealed)), strict=True)).decode()
    return HeldReceipt(hold=hold, case_id=hold.case_id, code=code, code_shown=hold.code_shown)


def search_public_items(q: str) -> list[dict]:
    """Published items of the public column matching `q`; filled in by the disclosure work.

    Returns a list of dicts (`id`, `title`, `agency`, `published_on`, `url`). The column
    "依申请公开转主动公开" has no entries until information items can be published.
    """
    try:
        from caseapp.disclosure.queries import search_public_items as search  # type: ignore[import-not-found]
    except ImportError:
        return []
    return search(q)
