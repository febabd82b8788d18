"""The notifications outbox: in-app notifications for staff and e-mail, written in the event's transaction.

Domain code calls `notify(...)` (an in-app notification for one staff user) and `queue_email(...)`
(a message to anyone) inside its operation; both only add rows to the current transaction, so a
rolled-back operation sends nothing. After the commit, an `after_commit` hook on the session
delivers the queued e-mails in a fresh session: by SMTP when `MAIL_SERVER` is set, otherwise as
`.eml` files under `$CASEAPP_DATA_DIR/mail/`. A failed delivery stays in the table and is retried
with exponential back-off by `deliver_due()` (the sweep calls it); after MAX_ATTEMPTS it is marked
`failed` for good. Staff read and mark their notifications through caseapp.notifications.

Nothing is sent twice: an in-app notification or message with a `dedupe_key` is stored once per
(user, key) or key (a unique constraint; `notify` checks first and the constraint decides a race),
and a message is claimed (`pending` -> `sending`) by a conditional UPDATE before delivery, so two
deliverers never both send it.

Core imports no domain package: the case is referred to by id only.
"""
from __future__ import annotations

import enum
import logging
import re
import smtplib
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, has_app_context
from markupsafe import escape
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

from caseapp.core.actions import bookkeeping
from caseapp.core.clock import SHANGHAI, utcnow
from caseapp.core.db import sql_in, status_column
from caseapp.core.filestore import open_path
from caseapp.core.urls import public_host
from caseapp.extensions import db

# Messages queued for people (staff notifications, the applicant's e-mails), not records of a case:
# the sweep's reminders write them beside its actions, a reader marks their own as read.
bookkeeping("notifications", "outbox_messages")

log = logging.getLogger(__name__)

class MessageStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


MESSAGE_STATUSES = tuple(s.value for s in MessageStatus)
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=5)
MAX_RETRY = timedelta(hours=12)
_PENDING_FLAG = "caseapp_outbox_pending"
_READY_FLAG = "caseapp_outbox_ready"


class Notification(db.Model):
    """An in-app notification for one staff user (the bell in the office, `GET /api/v1/notifications`)."""

    __tablename__ = "notifications"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "dedupe_key", name="uq_notifications_user_dedupe"),
        sa.Index("ix_notifications_user_read", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    # due_reminder, supervision_order, consultation_request, consultation_answered, consultation_overdue, ...
    kind: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"), nullable=True, index=True)
    # The record the notification is about besides the case (e.g. a consultation id), for its link.
    subject_id: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    message: Mapped[str] = mapped_column(sa.Text, nullable=False)
    # A key that makes a repeated notification (the same reminder on a second sweep) a no-op.
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(120), nullable=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
    read_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), nullable=True)

    @property
    def read(self) -> bool:
        return self.read_at is not None


class OutboxMessage(db.Model):
    """An e-mail waiting for delivery after its transaction committed (or retried after a failure)."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        sa.CheckConstraint(sql_in("status", MESSAGE_STATUSES), name="status"),
        sa.Index("ix_outbox_messages_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"), nullable=True, index=True)
    recipient: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    subject: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    # The From header's display name (the agency that writes); the address is MAIL_SENDER.
    sender_name: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    # Files of the file store sent with the message: [{key, filename, content_type}] (read at delivery).
    attachments: Mapped[list | None] = mapped_column(sa.JSON, nullable=True)
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(120), nullable=True, unique=True)
    status: Mapped[MessageStatus] = status_column(MessageStatus, 20, MessageStatus.PENDING)
    attempts: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
    last_error: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), nullable=True)


# --- Writing (inside the caller's transaction) -------------------------------------------------------

def notify(user_id: int, kind: str, message: str, *, case_id: int | None = None, subject_id: int | None = None,
           dedupe_key: str | None = None) -> Notification | None:
    """Add an in-app notification for a user; None when one with the same dedupe key exists already."""
    if dedupe_key is not None:
        exists = db.session.scalar(sa.select(Notification.id).where(
            Notification.user_id == user_id, Notification.dedupe_key == dedupe_key))
        pending = any(isinstance(o, Notification) and o.user_id == user_id and o.dedupe_key == dedupe_key
                      for o in db.session.new)
        if exists is not None or pending:
            return None
    note = Notification(user_id=user_id, kind=kind, message=message, case_id=case_id, subject_id=subject_id,
                        dedupe_key=dedupe_key, created_at=utcnow())
    db.session.add(note)
    return note


def queue_email(recipient: str, subject: str, body: str, *, kind: str, case_id: int | None = None,
                dedupe_key: str | None = None, attachments: list[dict] | None = None,
                sender_name: str | None = None) -> OutboxMessage | None:
    """Queue an e-mail for delivery after the commit; None when the dedupe key was used already.
    `attachments`: files of the file store, [{key, filename, content_type}]; `sender_name`: the
    From header's display name (the agency)."""
    if dedupe_key is not None:
        exists = db.session.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key))
        pending = any(isinstance(o, OutboxMessage) and o.dedupe_key == dedupe_key for o in db.session.new)
        if exists is not None or pending:
            return None
    msg = OutboxMessage(kind=kind, recipient=recipient, subject=subject, body=body, case_id=case_id,
                        sender_name=(sender_name or "").strip()[:200] or None, attachments=list(attachments) if attachments else None, dedupe_key=dedupe_key, status="pending", attempts=0, next_attempt_at=utcnow())
    db.session.add(msg)
    request_delivery()
    return msg


def request_delivery() -> None:
    """Ask for the due messages to be delivered once the current transaction commits."""
    db.session.info[_PENDING_FLAG] = True


# --- Delivery (after the commit, in its own session) ----------------------------------------------

def retry_delay(attempts: int) -> timedelta:
    """Back-off before the next attempt after `attempts` failures: 5 min, 10, 20, ... at most 12 h."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), MAX_RETRY)


_LINK = re.compile(r"https?://[^\s<>\"'）)，。]+")


def _html_body(text: str) -> str:
    """The HTML alternative of a plain-text body: the same words, paragraphs and line breaks, links
    clickable (mail programs that show HTML by default get the same message, nothing more)."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = []
        for line in block.splitlines():
            escaped = str(escape(line))
            lines.append(_LINK.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped))
        paragraphs.append("<p>" + "<br>\n".join(lines) + "</p>")
    return ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"></head>'
            '<body style="font-family: sans-serif; line-height: 1.6">\n' + "\n".join(paragraphs) + "\n</body></html>\n")


def build_email(msg: OutboxMessage, sender: str, config=None) -> EmailMessage:
    """The MIME message of an outbox row: the UTF-8 text as the plain part, its HTML alternative
    beside it, and its attachments. From: the agency's name at the configured sender
    address; Date in Beijing time (+0800); Message-ID on the public site's domain (CASEAPP_PUBLIC_URL);
    Auto-Submitted, so that auto-responders and vacation replies stay quiet (RFC 3834)."""
    config = config if config is not None else current_app.config
    email = EmailMessage()
    email["From"] = Address(display_name=msg.sender_name or "", addr_spec=parseaddr(sender)[1] or sender)
    email["To"] = msg.recipient
    email["Subject"] = msg.subject
    email["Date"] = format_datetime(utcnow().astimezone(SHANGHAI))
    email["Message-ID"] = make_msgid(idstring=f"caseapp-{msg.id}", domain=public_host(config))
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(msg.body)
    email.add_alternative(_html_body(msg.body), subtype="html")
    for item in msg.attachments or ():
        maintype, _, subtype = (item.get("content_type") or "application/octet-stream").partition("/")
        email.add_attachment(open_path(item["key"]).read_bytes(), maintype=maintype, subtype=subtype,
                             filename=item["filename"])
    return email


def _send(email: EmailMessage, msg_id: int, config) -> None:
    server = config.get("MAIL_SERVER") or ""
    if server:
        with smtplib.SMTP(server, int(config.get("MAIL_PORT") or 25), timeout=15) as smtp:
            smtp.send_message(email)
        return
    folder = Path(config["DATA_DIR"]) / "mail"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S")
    path = folder / f"{stamp}-{msg_id:08d}.eml"
    tmp = path.with_suffix(".part")
    tmp.write_bytes(email.as_bytes())
    tmp.replace(path)


def deliver_due(session: Session | None = None, *, now: datetime | None = None, config=None) -> dict[str, int]:
    """Deliver every message whose attempt is due; returns counts of sent and failed. Commits its own session."""
    config = config if config is not None else current_app.config
    own = session is None
    session = session or Session(db.engine)
    now = now or utcnow()
    sent = failed = 0
    try:
        ids = list(session.scalars(sa.select(OutboxMessage.id).where(
            OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now).order_by(OutboxMessage.id)))
        session.commit()
        for msg_id in ids:
            claimed = session.execute(sa.update(OutboxMessage).where(
                OutboxMessage.id == msg_id, OutboxMessage.status == "pending").values(status="sending"))
            session.commit()
            if claimed.rowcount != 1:
                continue  # another deliverer took it
            msg = session.get(OutboxMessage, msg_id)
            try:
                _send(build_email(msg, config.get("MAIL_SENDER") or "noreply@caseapp.invalid", config), msg.id, config)
            except Exception as exc:  # noqa: BLE001 - any failure is retried later
                msg.attempts += 1
                msg.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                if msg.attempts >= MAX_ATTEMPTS:
                    msg.status = "failed"
                else:
                    msg.status = "pending"
                    msg.next_attempt_at = utcnow() + retry_delay(msg.attempts)
                failed += 1
                log.warning("outbox message %s failed (attempt %s): %s", msg.id, msg.attempts, exc)
            else:
                msg.attempts += 1
                msg.status = "sent"
                msg.sent_at = utcnow()
                msg.last_error = None
                sent += 1
            session.commit()
    finally:
        if own:
            session.close()
    return {"sent": sent, "failed": failed}


@event.listens_for(Session, "after_commit")
def _deliver_after_commit(session: Session) -> None:
    """Mark what the committed transaction queued as ready (never before the commit)."""
    if session.in_nested_transaction():
        return  # a savepoint was released (begin_nested): the outer transaction has not committed yet
    if session.info.pop(_PENDING_FLAG, False):
        session.info[_READY_FLAG] = True


@event.listens_for(Session, "after_transaction_end")
def _deliver_when_released(session: Session, transaction) -> None:
    """Deliver once the committed transaction has handed its connection back to the pool, so that
    delivery never holds two connections (or the write lock) for one request."""
    if transaction.parent is not None or not session.info.pop(_READY_FLAG, False):
        return
    if not has_app_context():
        return
    try:
        deliver_due()
    except Exception:  # noqa: BLE001 - the commit stands; the sweep retries delivery
        log.exception("outbox delivery after commit failed")


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is not None:
        return  # a savepoint: the outer transaction decides
    session.info.pop(_PENDING_FLAG, None)
