"""The file store: uploads and issued documents under DATA_DIR, by random name, with their SHA-256.

Files are never served from a guessable path: views look a file up by its database record
(after the access checks) and stream it with send_file.

Files are written before the transaction that records them commits. Every file stored while a
database transaction is open is remembered on the session and removed if that transaction rolls
back (a refused, failed or crashed request leaves no file behind); a commit forgets the list.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from caseapp.extensions import db

_PENDING_KEY = "caseapp_pending_files"


@dataclass(frozen=True)
class StoredFile:
    storage_key: str  # relative path under DATA_DIR
    sha256: str
    size: int


def _root() -> Path:
    return Path(current_app.config["DATA_DIR"])


def store_bytes(data: bytes, *, area: str = "uploads") -> StoredFile:
    """Write bytes under a random name; returns where and the digest."""
    key = f"{area}/{secrets.token_hex(2)}/{secrets.token_urlsafe(24)}"
    path = _root() / key
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    db.session().info.setdefault(_PENDING_KEY, []).append(key)
    return StoredFile(key, hashlib.sha256(data).hexdigest(), len(data))


def store_file(source: Path, *, area: str = "uploads") -> StoredFile:
    """Copy a file into the store under a random name, hashing as it goes (a large file, e.g. a case's
    dossier, never held in memory); removed like store_bytes' files if the transaction rolls back."""
    key = f"{area}/{secrets.token_hex(2)}/{secrets.token_urlsafe(24)}"
    path = _root() / key
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    digest, size = hashlib.sha256(), 0
    with open(source, "rb") as src, open(tmp, "wb") as dst:
        while chunk := src.read(1 << 20):
            digest.update(chunk)
            dst.write(chunk)
            size += len(chunk)
    tmp.replace(path)
    db.session().info.setdefault(_PENDING_KEY, []).append(key)
    return StoredFile(key, digest.hexdigest(), size)


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def open_path(storage_key: str) -> Path:
    """The absolute path of a stored file (the key never comes from the user)."""
    path = (_root() / storage_key).resolve()
    if _root().resolve() not in path.parents:
        raise ValueError("storage key escapes the data directory")
    return path


def remove(storage_key: str) -> None:
    """Delete a stored file (used to clean up after a rolled-back transaction)."""
    try:
        open_path(storage_key).unlink()
    except FileNotFoundError:
        pass


@event.listens_for(Session, "after_commit")
def _forget_pending(session):
    session.info.pop(_PENDING_KEY, None)


@event.listens_for(Session, "after_soft_rollback")
def _remove_pending(session, previous_transaction):
    if previous_transaction.parent is not None:
        return  # a savepoint: the outer transaction decides
    for key in session.info.pop(_PENDING_KEY, None) or ():
        try:
            remove(key)
        except Exception:  # noqa: BLE001 - cleanup must never mask the real error
            pass
