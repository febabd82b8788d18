"""`update-agency CODE --seal-p12 FILE --seal-image FILE` and the demo's development seals."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from caseapp.accounts.models import Agency
from caseapp.core.audit import AuditEvent
from caseapp.letters import seal


def run(app, *args):
    return app.test_cli_runner().invoke(args=["caseapp", *args])


@pytest.fixture
def seal_dir(app, tmp_path, monkeypatch):
    path = tmp_path / "seals"
    monkeypatch.setitem(app.config, "SEAL_DIR", str(path))
    for code in ("SFJY", "SFZJ", "SFHB"):
        monkeypatch.delenv(f"CASEAPP_SEAL_PASSPHRASE_{code}", raising=False)
    return path


@pytest.fixture
def files(tmp_path):
    p12 = tmp_path / "official.p12"
    p12.write_bytes(seal.development_p12("示范市教育局", b"right-passphrase"))
    png = tmp_path / "seal.png"
    png.write_bytes(seal.draw_seal_png("示范市教育局"))
    return {"p12": p12, "png": png}


def _events(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))


def test_update_agency_installs_the_seal_files(app, db, make_agency, seal_dir, files, monkeypatch):
    make_agency("SFJY", "示范市教育局")
    monkeypatch.setenv("CASEAPP_SEAL_PASSPHRASE_SFJY", "right-passphrase")
    before = _events(db)
    result = run(app, "update-agency", "SFJY", "--seal-p12", str(files["p12"]), "--seal-image", str(files["png"]))
    assert result.exit_code == 0, result.output
    assert "seal certificate = " in result.output and "开发测试用" in result.output
    assert (seal_dir / "SFJY.p12").read_bytes() == files["p12"].read_bytes()
    assert (seal_dir / "SFJY.png").read_bytes() == files["png"].read_bytes()
    assert oct((seal_dir / "SFJY.p12").stat().st_mode & 0o777) == "0o600"
    assert _events(db) == before  # files, not the database
    with app.app_context():
        assert seal.agency_seal("SFJY") is not None


def test_passphrase_from_the_file_beside_the_p12(app, db, make_agency, seal_dir, files):
    make_agency("SFJY", "示范市教育局")
    seal_dir.mkdir()
    (seal_dir / "SFJY.pass").write_text("right-passphrase\n")
    result = run(app, "update-agency", "SFJY", "--seal-p12", str(files["p12"]))
    assert result.exit_code == 0, result.output
    assert "incomplete until" in result.output  # no image yet: issuing is refused meanwhile


@pytest.mark.parametrize("passphrase", ["wrong-passphrase", None])
def test_wrong_or_missing_passphrase_is_refused_and_nothing_written(app, db, make_agency, seal_dir, files,
                                                                     monkeypatch, passphrase):
    make_agency("SFJY", "示范市教育局")
    if passphrase:
        monkeypatch.setenv("CASEAPP_SEAL_PASSPHRASE_SFJY", passphrase)
    result = run(app, "update-agency", "SFJY", "--seal-p12", str(files["p12"]), "--seal-image", str(files["png"]),
                 "--phone", "0100-99999999")
    assert result.exit_code != 0
    assert ("口令" in result.output) and ("CASEAPP_SEAL_PASSPHRASE_SFJY" in result.output or passphrase)
    assert not seal_dir.exists() or not any(seal_dir.iterdir())
    assert db.session.scalar(sa.select(Agency.phone).where(Agency.code == "SFJY")) != "0100-99999999"


def test_non_png_image_is_refused_and_nothing_written(app, db, make_agency, seal_dir, files, tmp_path, monkeypatch):
    make_agency("SFJY", "示范市教育局")
    monkeypatch.setenv("CASEAPP_SEAL_PASSPHRASE_SFJY", "right-passphrase")
    fake = tmp_path / "seal.png"
    fake.write_bytes(b"\xff\xd8\xff\xe0" + b"JFIF" * 100)  # a JPEG named .png
    result = run(app, "update-agency", "SFJY", "--seal-p12", str(files["p12"]), "--seal-image", str(fake))
    assert result.exit_code != 0 and "PNG" in result.output
    assert not seal_dir.exists() or not any(seal_dir.iterdir())


def test_demo_makes_development_seals(app, db, seal_dir):
    result = run(app, "demo", "--cases", "20")
    assert result.exit_code == 0, result.output
    assert "开发测试用" in result.output
    with app.app_context():
        for code in ("SFJY", "SFZJ", "SFHB"):
            assert (seal_dir / f"{code}.pass").is_file()
            found = seal.agency_seal(code)
            assert found is not None
            subject = seal.check_p12(code, found.p12)
            assert "开发测试用" in subject and "development only" in subject
            seal.check_png(found.image_png)
