"""Case attachments: uploaded files checked by their content, stored in the file store.

The small public API, shared by the portal, the public JSON API and the office (scanned paper
requests):

- ``Upload(filename, data)``: one file as received (name as given by the client, raw bytes).
- ``read_uploads(storages)``: turn werkzeug ``FileStorage`` objects into ``Upload``s, reading at
  most the size limit (+1 byte) of each, skipping empty file inputs.
- ``check_upload(filename, data) -> content_type``: the content type sniffed from the magic bytes
  (PDF, JPEG, PNG, DOCX, OFD); raises ``ValidationError`` for anything else or a file too large.
- ``check_uploads(uploads, field=...)``: the per-request checks (at most ``MAX_FILES`` files, each
  checked); raises one ``ValidationError`` naming the first bad file.
- ``attach_files(case, uploads, *, kind, actor)``: check, store and record the files on the case,
  with one audit event ``case.files_attached``; returns the new ``Attachment`` rows.

Files live under DATA_DIR by random name with their SHA-256 (caseapp.core.filestore), never in a
static folder; views serve them only after their access checks, by attachment id.
"""
from __future__ import annotations

import io
import struct
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.core import filestore
from caseapp.core.audit import record_event
from caseapp.core.clock import utcnow
from caseapp.core.errors import ValidationError
from caseapp.core.inputs import MAX_UPLOAD_BYTES, Upload, read_uploads  # noqa: F401 (the domain's names)
from caseapp.extensions import db

KINDS = ("id_scan", "supporting", "correction", "scan")
MAX_FILES = 10
MAX_FILE_SIZE = MAX_UPLOAD_BYTES  # 20 MB
MAX_NAME_LENGTH = 200
# DOCX and OFD files are ZIP archives: real ones hold tens or hundreds of parts. More parts, or
# more declared expanded bytes, are refused before anything is decompressed.
MAX_ZIP_MEMBERS = 2000
MAX_ZIP_EXPANDED = 250 * 1024 * 1024

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "ofd": "application/ofd",
}


class Attachment(db.Model):
    """A file attached to a case: an ID scan, a supporting document, a correction or a paper scan."""

    __tablename__ = "attachments"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('id_scan', 'supporting', 'correction', 'scan')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    original_name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    content_type: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    size: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    storage_key: Mapped[str] = mapped_column(sa.String(200), nullable=False, unique=True)
    uploaded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
    # None: uploaded by the applicant through the portal or the public API.
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)


class ZipTooLarge(Exception):
    """A ZIP-based file (DOCX, OFD) with more members or more expanded bytes than any real document."""


def _declared_entries(data: bytes) -> int | None:
    """The entry count the end-of-central-directory record declares (read before parsing the
    directory, so a 150,000-entry archive is refused in microseconds); None if not found."""
    tail = data[-(65535 + 22):]
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    total, directory_size = struct.unpack_from("<HI", tail, at + 10)
    # 0xFFFF means "see the ZIP64 record": more entries than any document has. zipfile parses the
    # whole central directory whatever the count says, so its size is bounded too.
    if total == 0xFFFF or directory_size > MAX_ZIP_MEMBERS * 1024:
        return MAX_ZIP_MEMBERS + 1
    return total


def _zip_names(data: bytes) -> set[str] | None:
    """The member names of a ZIP file, None if it is not one; raises ZipTooLarge past the caps."""
    declared = _declared_entries(data)
    if declared is not None and declared > MAX_ZIP_MEMBERS:
        raise ZipTooLarge
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        return None
    if len(infos) > MAX_ZIP_MEMBERS or sum(i.file_size for i in infos) > MAX_ZIP_EXPANDED:
        raise ZipTooLarge
    return {i.filename for i in infos}


def sniff_type(data: bytes) -> str | None:
    """The content type from the file's magic bytes, or None if it is not an accepted kind.

    Raises ZipTooLarge for a ZIP (DOCX, OFD) past MAX_ZIP_MEMBERS or MAX_ZIP_EXPANDED."""
    if data.startswith(b"%PDF-"):
        return CONTENT_TYPES["pdf"]
    if data.startswith(b"\xff\xd8\xff"):
        return CONTENT_TYPES["jpeg"]
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return CONTENT_TYPES["png"]
    if data.startswith(b"PK\x03\x04"):
        names = _zip_names(data)
        if names is None:
            return None
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return CONTENT_TYPES["docx"]
        if "OFD.xml" in names:
            return CONTENT_TYPES["ofd"]
    return None


def clean_filename(filename: str) -> str:
    """A displayable file name: no path, no control characters, at most 200 characters."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: MAX_NAME_LENGTH - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:MAX_NAME_LENGTH]
    return name or "file"


def check_upload(filename: str, data: bytes) -> str:
    """The content type of an acceptable file; raises ValidationError (field "files") otherwise."""
    name = clean_filename(filename)
    if len(data) > MAX_FILE_SIZE:
        msg = _l("“%(name)s” is larger than 20 MB.", name=name)
        raise ValidationError(msg, errors={"files": msg})
    if not data:
        msg = _l("“%(name)s” is empty.", name=name)
        raise ValidationError(msg, errors={"files": msg})
    try:
        content_type = sniff_type(data)
    except ZipTooLarge:
        msg = _l("“%(name)s” has too many parts or expands to too much data to be accepted; please send it as PDF.",
                 name=name)
        raise ValidationError(msg, errors={"files": msg}) from None
    if content_type is None:
        msg = _l("“%(name)s” is not a PDF, JPEG, PNG, DOCX or OFD file (checked by its content, not its name).",
                 name=name)
        raise ValidationError(msg, errors={"files": msg})
    return content_type


def check_uploads(uploads: Sequence[Upload], *, field: str = "files") -> list[str]:
    """Check a submission's files (count and each file); returns their content types in order."""
    if len(uploads) > MAX_FILES:
        msg = _l("At most %(n)s files can be attached.", n=MAX_FILES)
        raise ValidationError(msg, errors={field: msg})
    types = []
    for upload in uploads:
        try:
            types.append(check_upload(upload.filename, upload.data))
        except ValidationError as err:
            raise ValidationError(err.message, errors={field: err.message}) from None
    return types


def attach_files(case, uploads: Sequence[Upload], *, kind: str, actor=None) -> list[Attachment]:
    """Check, store and record files on a case; one audit event for the lot. Nothing happens for no files."""
    if kind not in KINDS:
        raise ValueError(f"unknown attachment kind {kind!r}")
    if not uploads:
        return []
    types = check_uploads(uploads)
    attachments = []
    for upload, content_type in zip(uploads, types, strict=True):
        stored = filestore.store_bytes(upload.data, area="uploads")
        att = Attachment(
            case_id=case.id, kind=kind, original_name=clean_filename(upload.filename), content_type=content_type,
            size=stored.size, sha256=stored.sha256, storage_key=stored.storage_key,
            uploaded_by_id=actor.id if actor is not None else None,
        )
        db.session.add(att)
        attachments.append(att)
    db.session.flush()
    record_event(
        "case.files_attached", actor=actor, actor_label=None if actor is not None else "applicant", case=case,
        after={"kind": kind, "files": [{"id": a.id, "name": a.original_name, "sha256": a.sha256, "size": a.size}
                                       for a in attachments]},
    )
    db.session.flush()
    return attachments


def attachments_for_case(case, *, kinds: Sequence[str] | None = None) -> list[Attachment]:
    """The case's attachments, oldest first, optionally of some kinds only."""
    q = sa.select(Attachment).where(Attachment.case_id == case.id).order_by(Attachment.id)
    if kinds:
        q = q.where(Attachment.kind.in_(kinds))
    return list(db.session.scalars(q))


def get_attachment(case, attachment_id: int) -> Attachment | None:
    """One attachment of this case (None if it belongs to another case)."""
    att = db.session.get(Attachment, attachment_id)
    return att if att is not None and att.case_id == case.id else None
