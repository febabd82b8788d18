"""Backup and restore of the database and the data folder (`flask caseapp backup|restore PATH`).

A backup is one gzip-compressed tar file:

    manifest.json       format, version, creation time, database dialect, Alembic revision, file counts
    database.sqlite3    SQLite: a consistent copy made with the online backup API (sqlite3 backup)
    database.dump       PostgreSQL: `pg_dump -Fc` (custom format, restored with pg_restore)
    data/...            every file under DATA_DIR (uploads and issued letters)

The database is copied first and the data folder second, so that every file the copied database
refers to is in the archive (stored files are written before their row commits and never changed).
Secrets (CASEAPP_SECRET_KEY, instance/secret_key) are not included: keep them apart from backups.

Restore replaces the whole database and the contents of DATA_DIR with the archive's. Stop the
application (and the sweep) first; run `flask db upgrade` afterwards if the code is newer.
"""
from __future__ import annotations

import glob
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from caseapp.core.clock import utcnow
from caseapp.extensions import db

FORMAT = "caseapp-backup"
VERSION = 1
MANIFEST = "manifest.json"
SQLITE_NAME = "database.sqlite3"
PG_NAME = "database.dump"
DATA_NAME = "data"


class BackupError(Exception):
    """A backup or restore that cannot be done, with a message for the operator."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    dialect: str
    revision: str | None
    files: int
    size: int


def _engine_url() -> sa.URL:
    return db.engine.url


def _sqlite_path(url: sa.URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(url.database).resolve()


def pg_tool(name: str) -> str:
    """The path of a PostgreSQL client program (PATH first, then Debian's newest server folder)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if not candidates:
        raise BackupError(f"{name} was not found; install the PostgreSQL client (postgresql-client).")
    return candidates[-1]


def _pg_args(url: sa.URL) -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump/pg_restore and the environment carrying the password."""
    args = ["--dbname", url.database or "postgres"]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _revision() -> str | None:
    try:
        return db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    except sa.exc.DBAPIError:
        db.session.rollback()
        return None


def _data_dir() -> Path:
    return Path(current_app.config["DATA_DIR"])


def create_backup(path: Path) -> BackupResult:
    """Write a backup archive of the database and DATA_DIR to `path` (atomically)."""
    url = _engine_url()
    dialect = url.get_backend_name()
    if dialect not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups of {dialect} databases are not supported.")
    revision = _revision()
    db.session.rollback()  # no transaction of ours stays open during the copy
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="caseapp-backup-", dir=path.parent) as tmp_name:
        tmp = Path(tmp_name)
        if dialect == "sqlite":
            db_file = tmp / SQLITE_NAME
            source = sqlite3.connect(_sqlite_path(url))
            target = sqlite3.connect(db_file)
            try:
                with target:
                    source.backup(target)
            finally:
                target.close()
                source.close()
        else:
            db_file = tmp / PG_NAME
            args, env = _pg_args(url)
            _run([pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(db_file),
                  *args], env)
        data = _data_dir()
        files = [p for p in sorted(data.rglob("*")) if p.is_file() and not p.name.endswith(".part")] \
            if data.is_dir() else []
        manifest = {"format": FORMAT, "version": VERSION, "created_at": utcnow().isoformat(), "dialect": dialect,
                    "revision": revision, "database": db_file.name, "data_files": len(files)}
        (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        partial = tmp / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(tmp / MANIFEST, arcname=MANIFEST)
            tar.add(db_file, arcname=db_file.name)
            tar.add(data if data.is_dir() else tmp, arcname=DATA_NAME, recursive=False)
            for file in files:
                tar.add(file, arcname=f"{DATA_NAME}/{file.relative_to(data).as_posix()}")
        os.replace(partial, path)
    return BackupResult(path, dialect, revision, len(files), path.stat().st_size)


def read_manifest(path: Path) -> dict:
    """The manifest of a backup archive; BackupError when the file is not one."""
    try:
        with tarfile.open(path, "r:gz") as tar:
            member = tar.extractfile(MANIFEST)
            manifest = json.loads(member.read().decode("utf-8")) if member else None
    except (OSError, tarfile.TarError, KeyError, ValueError) as err:
        raise BackupError(f"{path} is not a caseapp backup ({err}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a caseapp backup.")
    if manifest.get("version") != VERSION:
        raise BackupError(f"{path} is a backup of format version {manifest.get('version')}; "
                          f"this version reads {VERSION}.")
    return manifest


def restore_backup(path: Path) -> dict:
    """Replace the database and the contents of DATA_DIR with the backup's; returns its manifest."""
    path = Path(path)
    manifest = read_manifest(path)
    url = _engine_url()
    dialect = url.get_backend_name()
    if manifest["dialect"] != dialect:
        raise BackupError(f"The backup holds a {manifest['dialect']} database but the configured database is "
                          f"{dialect}.")
    with tempfile.TemporaryDirectory(prefix="caseapp-restore-") as tmp_name:
        tmp = Path(tmp_name)
        with tarfile.open(path, "r:gz") as tar:
            tar.extractall(tmp, filter="data")
        db_file = tmp / manifest["database"]
        if not db_file.is_file():
            raise BackupError(f"{path} lacks its database file {manifest['database']}.")
        db.session.remove()
        db.engine.dispose()
        if dialect == "sqlite":
            _restore_sqlite(db_file, _sqlite_path(url))
        else:
            _restore_postgresql(db_file, url)
        db.engine.dispose()
        _replace_data_dir(tmp / DATA_NAME, _data_dir())
    return manifest


def _restore_sqlite(source_file: Path, target_file: Path) -> None:
    source = sqlite3.connect(source_file)
    target = sqlite3.connect(target_file, timeout=30)
    try:
        with target:
            source.backup(target)
    finally:
        target.close()
        source.close()


def _restore_postgresql(dump: Path, url: sa.URL) -> None:
    # Objects created after the backup (a newer migration's tables) must not survive the restore.
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    finally:
        engine.dispose()
    args, env = _pg_args(url)
    _run([pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
          *args, str(dump)], env)


def _replace_data_dir(source: Path, target: Path) -> None:
    """Empty `target` (which may be a mount point) and move the backup's files into it."""
    target.mkdir(parents=True, exist_ok=True)
    for child in target.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    if source.is_dir():
        for child in source.iterdir():
            shutil.move(str(child), str(target / child.name))


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip() or done.stdout.strip()}")
