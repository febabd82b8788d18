"""The file store: uploads and issued documents under DATA_DIR, by random name, with their SHA-256.

Files are never served from a guessable path: views look a file up by its database record
(after the access checks) and stream it with send_file.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app


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
    return StoredFile(key, hashlib.sha256(data).hexdigest(), len(data))


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
