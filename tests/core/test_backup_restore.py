"""`flask caseapp backup PATH` and `restore PATH` round-trip the database and the data folder."""
from __future__ import annotations

import json
import tarfile
from pathlib import Path

import sqlalchemy as sa

from caseapp.cases.models import Case
from caseapp.core import filestore
from caseapp.core.audit import verify_chain


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["caseapp", *args], input=input)


def _numbers(db) -> set[str]:
    return set(db.session.scalars(sa.select(Case.tracking_number)))


def test_backup_and_restore_round_trip(app, db, make_case, tmp_path):
    kept = make_case("closed").tracking_number
    stored = filestore.store_bytes("申请材料".encode(), area="uploads")
    db.session.commit()
    data_dir = Path(app.config["DATA_DIR"])
    numbers = _numbers(db)
    archive = tmp_path / "backups" / "caseapp.tar.gz"

    result = run(app, "backup", str(archive))
    assert result.exit_code == 0, result.output
    with tarfile.open(archive, "r:gz") as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["format"] == "caseapp-backup" and manifest["dialect"] == db.engine.dialect.name
    assert manifest["database"] in names and f"data/{stored.storage_key}" in names

    # Life goes on after the backup: a new case, a removed file, a new file.
    later = make_case("submitted").tracking_number
    filestore.open_path(stored.storage_key).unlink()
    extra = filestore.store_bytes(b"later", area="letters")
    db.session.commit()
    assert later in _numbers(db)

    refused = run(app, "restore", str(archive), input="n\n")
    assert refused.exit_code != 0 and later in _numbers(db)  # nothing changed without a yes

    result = run(app, "restore", str(archive), "--yes")
    assert result.exit_code == 0, result.output
    db.session.remove()
    assert _numbers(db) == numbers and kept in numbers
    assert (data_dir / stored.storage_key).read_bytes() == "申请材料".encode()
    assert not (data_dir / extra.storage_key).exists()
    assert verify_chain().ok
    db.session.rollback()
    assert run(app, "audit", "verify").exit_code == 0


def test_restore_refuses_what_is_not_a_backup(app, db, make_case, tmp_path):
    make_case("submitted")
    bogus = tmp_path / "bogus.tar.gz"
    with tarfile.open(bogus, "w:gz") as tar:
        note = tmp_path / "note.txt"
        note.write_text("hello")
        tar.add(note, arcname="note.txt")
    result = run(app, "restore", str(bogus), "--yes")
    assert result.exit_code != 0 and "not a caseapp backup" in result.output
    (tmp_path / "plain.txt").write_text("not an archive")
    assert run(app, "restore", str(tmp_path / "plain.txt"), "--yes").exit_code != 0
    assert len(_numbers(db)) == 1
