"""Named queries for the public portal and the public API."""
from __future__ import annotations

import dataclasses
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from flask import url_for
from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from caseapp.accounts.models import Agency
from caseapp.calendar.service import load_calendar
from caseapp.cases.attachments import Attachment, attachments_for_case
from caseapp.cases.models import Case
from caseapp.cases.queries import case_timeline
from caseapp.cases.states import Status
from caseapp.clock.rules import compute_due
from caseapp.clock.service import facts_for
from caseapp.core.clock import SHANGHAI, local_today, utcnow
from caseapp.core.text import unsafe_character
from caseapp.extensions import db
from caseapp.fees.queries import fees_of_case, open_fee
from caseapp.fees.states import FeeStatus
from caseapp.intake.models import ProactiveSuggestion, ReceiptHold, SubmissionKey
from caseapp.letters.queries import (
    get_letter,
    issued_documents_for_applicant as issued_letter_documents,
    issued_letters,
    time_requests_of_case,
)
from caseapp.letters.rendering import load_spec
from caseapp.letters.states import TimeRequestStatus

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
    at: datetime  # Asia/Shanghai (the end of the day when only the day is known)
    label: str
    day_only: bool = False  # only the day is known (a payment, a consultation's dates)


# A consultation that pauses the clock (Reg. 32-33), as the applicant is told of it.
CONSULTATION_LABELS = {
    "consultation_third_party": _l("The agency is asking a third party for its opinion; this time (at most "
                                   "15 working days) does not count towards the time limit."),
    "consultation_agency": _l("The agency is asking another agency for its opinion; this time (at most "
                              "15 working days) does not count towards the time limit."),
}


def get_active_agency(code: str | None) -> Agency | None:
    """The active agency with this code (case-insensitive), or None."""
    if not code or not isinstance(code, str) or unsafe_character(code) is not None:
        return None
    return db.session.scalar(sa.select(Agency).where(Agency.code == code.strip().upper(), Agency.active.is_(True)))


def _long(day: date) -> str:
    """A day as the portal prints it (2026年12月1日)."""
    return format_date(day, "long")


def _shanghai(at: datetime) -> datetime:
    if at.tzinfo is None:  # SQLite returns naive UTC
        at = at.replace(tzinfo=UTC)
    return at.astimezone(SHANGHAI)


def _day_entry(action: str, on: date, label) -> TimelineEntry:
    return TimelineEntry(action, datetime.combine(on, time(23, 59), SHANGHAI), str(label), day_only=True)


def _letter_label(letter, spec) -> str:
    """What an issued letter means for the applicant, in a line of the progress list."""
    f = letter.fields or {}
    if letter.template == "extension_notice" and f.get("new_due_on"):
        return str(_l("Reply period extended by %(days)s working days: the reply is now due by %(date)s",
                      days=f.get("days"), date=_long(date.fromisoformat(f["new_due_on"]))))
    if letter.template == "deferral_notice" and f.get("deferred_to"):
        return str(_l("Reply deferred: the reply is now due by %(date)s", date=_long(date.fromisoformat(f["deferred_to"]))))
    if letter.template == "fee_notice":
        return str(_l("Fee notice issued: %(amount)s yuan", amount=f.get("fee_amount")))
    if spec.is_reply:
        return str(_l("Reply issued: %(title)s", title=spec.title))
    return str(_l("Notice issued: %(title)s", title=spec.title))


def applicant_timeline(case: Case) -> list[TimelineEntry]:
    """The events of a case meant for the applicant, oldest first, with plain labels: the audit trail's
    applicant events, every letter issued to the applicant (extension, deferral, fee notice, reply),
    the fee's receipt, payment or lapse, and the consultations that paused the clock."""
    entries = [TimelineEntry(evt.action, _shanghai(evt.occurred_at), str(TIMELINE_LABELS.get(evt.action, evt.action)))
               for evt in case_timeline(case, for_applicant=True)]
    for letter in issued_letters(case):
        spec = load_spec(letter.template)
        label = _letter_label(letter, spec)
        if letter.issued_at is not None:
            entries.append(TimelineEntry(f"letter.{letter.template}", _shanghai(letter.issued_at), label))
        else:
            entries.append(_day_entry(f"letter.{letter.template}", letter.issued_on, label))
    for fee in fees_of_case(case):
        if fee.received_on and fee.served_on and fee.received_on != fee.served_on:
            entries.append(_day_entry("fee.received", fee.received_on,
                                      _l("You received the fee notice; pay by %(date)s", date=_long(fee.pay_by))))
        if fee.paid_on:
            entries.append(_day_entry("fee.paid", fee.paid_on, _l("Fee paid; the handling continues")))
        if fee.lapsed_on:
            entries.append(_day_entry("fee.lapsed", fee.lapsed_on, _l("The fee was not paid in time")))
    for pause in case.pauses:
        if pause.kind not in CONSULTATION_LABELS:
            continue
        entries.append(_day_entry("consultation.paused", pause.started_on, CONSULTATION_LABELS[pause.kind]))
        if pause.ended_on:
            entries.append(_day_entry("consultation.ended", pause.ended_on,
                                      _l("Consultation ended; the time limit runs again")))
    return sorted(entries, key=lambda e: e.at)


@dataclass(frozen=True)
class VisibleDue:
    """The reply date as the applicant knows it: an extension or deferral counts once its notice is issued."""

    due_on: date | None
    due_provisional: bool
    paused_for: str | None = None  # "fee" or "consultation" while the clock is paused (the date moves on)


@dataclass(frozen=True)
class NextStep:
    """One thing the applicant should know or do now, with the notice that says so."""

    kind: str  # "fee" | "extension" | "deferral" | "consultation"
    title: str
    text: str
    details: tuple[tuple[str, str], ...] = ()  # (label, value) rows
    document: dict | None = None  # the issued notice: title, number, url


def _approved_time_requests(case: Case) -> list:
    return [r for r in time_requests_of_case(case) if r.status == TimeRequestStatus.APPROVED]


def _issued_ids(case: Case) -> set[int]:
    return {letter.id for letter in issued_letters(case)}


def applicant_due(case: Case, *, today: date | None = None) -> VisibleDue:
    """The reply date to show the applicant: an approved extension or deferral whose notice is not
    issued yet is left out (the applicant learns the new date with the notice)."""
    issued = _issued_ids(case)
    hidden = {r.kind for r in _approved_time_requests(case) if r.letter_id not in issued}
    open_pause = next((p.kind for p in case.pauses if p.ended_on is None), None)
    paused_for = None if open_pause is None else ("fee" if open_pause == "fee" else "consultation")
    if not hidden or case.due_on is None:
        return VisibleDue(case.due_on, bool(case.due_provisional), paused_for)

    facts = facts_for(case)
    facts = dataclasses.replace(
        facts, extension_days=0 if "extension" in hidden else facts.extension_days,
        deferred_to=None if "deferral" in hidden else facts.deferred_to)
    info = compute_due(facts, load_calendar(), today or local_today())
    return VisibleDue(info.due_on, info.provisional, paused_for)


def applicant_next_steps(case: Case) -> list[NextStep]:
    """What happens next, for the tracking page: a fee due (amount, pay-by date, how to pay), an
    extension or deferral once its notice is issued, a consultation pausing the clock."""
    if case.status in (Status.CLOSED, Status.WITHDRAWN):
        return []
    documents = {doc["id"]: doc for doc in issued_documents_for_applicant(case)}
    steps: list[NextStep] = []
    fee = open_fee(case)
    if case.status == Status.AWAITING_FEE and fee is not None and fee.status == FeeStatus.NOTIFIED:
        notice = get_letter(fee.letter_id) if fee.letter_id else None
        how_to_pay = ((notice.fields or {}).get("how_to_pay") or "").strip() if notice else ""
        if fee.pay_by:
            pay_by = str(_l("%(date)s (20 working days from the day you received the notice)",
                            date=_long(fee.pay_by)))
        else:
            pay_by = str(_l("Within 20 working days of the day you receive the notice (posted on %(date)s)",
                            date=_long(fee.served_on)))
        details = [(str(_l("Amount due")), str(_l("%(amount)s yuan", amount=fee.amount))),
                   (str(_l("Pay by")), pay_by)]
        if how_to_pay:
            details.append((str(_l("How to pay")), how_to_pay))
        steps.append(NextStep(
            "fee", str(_l("An information-processing fee is due")),
            str(_l("The agency continues handling your request once it receives the fee. If the fee is not paid "
                   "in time, the request is treated as abandoned and is not handled further.")),
            tuple(details), documents.get(fee.letter_id)))
    for req in _approved_time_requests(case):
        doc = documents.get(req.letter_id)
        if doc is None:
            continue  # the notice is not issued yet: the applicant learns of it with the notice
        if req.kind == "extension":
            steps.append(NextStep("extension", str(_l("The reply period was extended")), str(_l(
                "The agency extended the reply period by %(days)s working days (Article 33 of the Regulations); "
                "the reply is now due by %(date)s.", days=req.days, date=_long(applicant_due(case).due_on))),
                document=doc))
        else:
            steps.append(NextStep("deferral", str(_l("The reply was deferred")), str(_l(
                "The agency set a later reply date (Article 35 of the Regulations): the reply is now due by "
                "%(date)s.", date=_long(req.deferred_to))), document=doc))
    for pause in case.pauses:
        if pause.kind in CONSULTATION_LABELS and pause.ended_on is None:
            steps.append(NextStep("consultation", str(_l("Handling paused for a consultation")),
                                  str(CONSULTATION_LABELS[pause.kind]),
                                  ((str(_l("Consultation started on")), _long(pause.started_on)),)))
    return steps


def applicant_attachments(case: Case) -> list[Attachment]:
    """Files the applicant uploaded (ID scan, supporting documents, corrections)."""
    return attachments_for_case(case, kinds=APPLICANT_KINDS)


def issued_documents_for_applicant(case: Case) -> list[dict]:
    """Letters issued to the applicant (replies, notices), oldest first, with portal download links.

    The links work only in a session that unlocked the case with its query code.
    """
    return [
        {**doc, "issued_on": date.fromisoformat(doc["issued_on"]),
         "url": url_for("portal.letter", tracking_number=case.tracking_number, letter_id=doc["id"], ext="pdf"),
         "portal_docx_url": url_for("portal.letter", tracking_number=case.tracking_number, letter_id=doc["id"],
                                    ext="docx"),
         "enclosures": [{**e, "url": url_for("portal.enclosure", tracking_number=case.tracking_number,
                                             letter_id=doc["id"], record_id=e["record_id"])}
                        for e in doc.get("enclosures", ())]}
        for doc in issued_letter_documents(case)
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
    if expires < utcnow():
        return None
    sealed = bytes.fromhex(hold.sealed_code)
    code = bytes(a ^ b for a, b in zip(sealed, _pad(key, len(sealed)), strict=True)).decode()
    return HeldReceipt(hold=hold, case_id=hold.case_id, code=code, code_shown=hold.code_shown)


def _lookup_pad(nonce: str, length: int) -> bytes:
    from flask import current_app

    secret = current_app.secret_key
    secret = secret.encode() if isinstance(secret, str) else bytes(secret)
    return hmac.new(secret, f"lookup receipt:{nonce}".encode(), hashlib.sha256).digest()[:length]


def seal_lookup_code(code: str) -> dict:
    """The query code a lookup succeeded with, sealed for the session: a random nonce and the code XOR a
    pad derived from the server's secret and the nonce (the cookie alone never shows the code)."""
    import secrets

    nonce = secrets.token_urlsafe(16)
    raw = code.encode()[:32]
    return {"nonce": nonce, "sealed": bytes(a ^ b for a, b in zip(raw, _lookup_pad(nonce, len(raw)), strict=True)).hex()}


def open_lookup_code(held: dict | None) -> str | None:
    """The query code sealed by seal_lookup_code, or None when missing or malformed."""
    if not isinstance(held, dict) or not isinstance(held.get("nonce"), str) or not isinstance(held.get("sealed"), str):
        return None
    try:
        sealed = bytes.fromhex(held["sealed"])
        return bytes(a ^ b for a, b in zip(sealed, _lookup_pad(held["nonce"], len(sealed)), strict=True)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
