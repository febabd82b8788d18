"""The electronic seal (issue 22 item 3): issued letters are PAdES-signed with the agency's
certificate, the seal image sits over the signature and date, and anyone can check a letter."""
from __future__ import annotations

import hashlib
import subprocess
from datetime import date

import pytest

from caseapp.core.filestore import open_path
from caseapp.letters import operations as ops
from caseapp.letters import seal
from caseapp.letters.seal import SealError
from tests.conftest import csrf_from
from tests.letters.conftest import docx_paragraphs, pdf_text, squash

TODAY = date(2026, 11, 20)
pytestmark = pytest.mark.frozen_at(TODAY)
POST = {"method": "post", "date": "2026-11-19", "reference": "XA123456789CN"}
VALID = "Signature Validation: Signature is Valid."


@pytest.fixture
def seal_dir(app, tmp_path, monkeypatch):
    """A seal directory of this test's own (the suite's config has none)."""
    path = tmp_path / "seals"
    monkeypatch.setitem(app.config, "SEAL_DIR", str(path))
    monkeypatch.delenv("CASEAPP_SEAL_PASSPHRASE_SFJY", raising=False)
    return path


@pytest.fixture
def sealed(app, seal_dir, letter_world):
    """The letter agency with a development seal."""
    with app.app_context():
        assert seal.ensure_development_seal("SFJY", "示范市教育局")
    return letter_world


def _issue(w, template="disclosed"):
    letter = ops.draft_letter(w["case"], actor=w["clerk"], template=template,
                              fields={"provided": "《示范市招生工作实施意见》，随本答复书提供。"})
    ops.submit_letter(letter, actor=w["clerk"])
    ops.approve_letter(letter, actor=w["supervisor"])
    ops.issue_letter(letter, actor=w["clerk"], delivery=POST, today=TODAY)
    return letter


def _pdfsig(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout


def _flip_signed_byte(pdf: bytes) -> bytes:
    """The PDF with one byte changed inside the first signed range (in a content stream)."""
    at = pdf.index(b"stream", 1000) + 200
    assert at < pdf.index(b"/ByteRange")  # the renderer's bytes: covered by the signature
    changed = bytearray(pdf)
    changed[at] ^= 0x20
    return bytes(changed)


def test_issued_letter_is_signed_and_pdfsig_says_valid(db, sealed, tmp_path):
    letter = _issue(sealed)
    db.session.commit()
    pdf = open_path(letter.pdf_key).read_bytes()
    # The stored digest is that of the signed file.
    assert hashlib.sha256(pdf).hexdigest() == letter.pdf_sha256
    report = _pdfsig(pdf, tmp_path)
    assert VALID in report, report
    assert "开发测试用" in report  # the signer is the development certificate of the agency
    check = seal.check_signature(pdf)
    assert check.signed and check.valid and check.development and "示范市教育局" in check.subject


def test_one_changed_byte_breaks_the_signature(db, sealed, tmp_path):
    letter = _issue(sealed)
    db.session.commit()
    changed = _flip_signed_byte(open_path(letter.pdf_key).read_bytes())
    report = _pdfsig(changed, tmp_path)
    assert "Signature Validation:" in report and VALID not in report, report
    check = seal.check_signature(changed)
    assert check.signed and not check.valid


def test_seal_image_lies_over_the_agency_name_and_date_on_the_last_page(db, sealed):
    import pymupdf as fitz

    letter = _issue(sealed)
    db.session.commit()
    pdf = open_path(letter.pdf_key).read_bytes()
    assert "（印章）" not in pdf_text(pdf)  # no placeholder on a sealed letter
    with fitz.open(stream=pdf, filetype="pdf") as doc:
        page = doc[-1]
        images = page.get_images(full=True)
        assert len(images) == 1
        box = page.get_image_bbox(images[0])
        name = page.search_for("示范市教育局")[-1]  # the signature (the letterhead is on page 1)
        dated = page.search_for("2026年11月19日")[-1]
        # The seal presses on both, whole on the page; name and date sit around its middle or lower.
        assert box.intersects(name) and box.intersects(dated)
        assert page.rect.contains(box)
        assert 100 < box.width < 130 and abs(box.width - box.height) < 1  # 40 mm round
        assert box.y0 < name.y0 and dated.y1 < box.y1
        middle = (box.y0 + box.y1) / 2
        assert (name.y0 + dated.y1) / 2 >= middle - 5
        assert box.x0 < min(name.x0, dated.x0) + 40 and box.x1 > max(name.x1, dated.x1) - 40
    # The DOCX carries no placeholder either (it is not signed; see the note in README).
    assert "（印章）" not in squash("".join(docx_paragraphs(open_path(letter.docx_key).read_bytes())))


def test_agency_without_a_seal_issues_unsigned_letters_with_the_placeholder(db, seal_dir, letter_world, tmp_path):
    letter = _issue(letter_world)
    db.session.commit()
    pdf = open_path(letter.pdf_key).read_bytes()
    assert "（印章）" in pdf_text(pdf)  # where the office stamps the paper copy
    assert "does not contain any signatures" in _pdfsig(pdf, tmp_path)
    assert not seal.check_signature(pdf).signed


def test_a_half_installed_seal_refuses_issuing(app, db, seal_dir, letter_world):
    seal_dir.mkdir()
    (seal_dir / "SFJY.png").write_bytes(seal.draw_seal_png("示范市教育局"))
    letter = ops.draft_letter(letter_world["case"], actor=letter_world["clerk"], template="disclosed",
                              fields={"provided": "《示范市招生工作实施意见》"})
    ops.submit_letter(letter, actor=letter_world["clerk"])
    ops.approve_letter(letter, actor=letter_world["supervisor"])
    with pytest.raises(SealError, match="SFJY.p12"):
        ops.issue_letter(letter, actor=letter_world["clerk"], delivery=POST, today=TODAY)
    db.session.rollback()
    assert letter.number is None


def test_a_wrong_passphrase_refuses_issuing(app, db, sealed, monkeypatch):
    monkeypatch.setenv("CASEAPP_SEAL_PASSPHRASE_SFJY", "not-the-passphrase")
    with pytest.raises(SealError):
        _issue(sealed)
    db.session.rollback()


# --- The public check (核验文书) ------------------------------------------------------------------

def _verify(client, **data):
    page = client.get("/verify")
    assert page.status_code == 200
    return client.post("/verify", data={"csrf_token": csrf_from(page.get_data(as_text=True)), **data},
                       content_type="multipart/form-data")


def test_tracking_page_links_to_the_check(client):
    assert 'href="/verify"' in client.get("/track").get_data(as_text=True)


def test_verify_page_recognises_the_issued_file_and_no_applicant_data(db, client, sealed):
    import io

    letter = _issue(sealed)
    db.session.commit()
    pdf = open_path(letter.pdf_key).read_bytes()
    answer = _verify(client, file=(io.BytesIO(pdf), "答复书.pdf"))
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert '<h2 id="verify-result" class="h5">是本机关出具的文书。</h2>' in html
    assert letter.number in html and "示范市教育局" in html and "2026年11月19日" in html
    assert "签名有效" in html and "开发测试用证书" in html  # a development certificate, said so
    case = sealed["case"]
    for private in (case.applicant_name, case.tracking_number, case.description[:12], case.phone or "无此值"):
        assert private not in html

    changed = _verify(client, file=(io.BytesIO(_flip_signed_byte(pdf)), "答复书.pdf")).get_data(as_text=True)
    assert '"h5">是本机关出具的文书' not in changed and "不是本机关出具的文书" in changed
    assert "签名无效" in changed


def test_verify_by_number_and_refusals(db, client, sealed):
    import io

    letter = _issue(sealed)
    db.session.commit()
    html = _verify(client, number=letter.number.replace("〔", "[").replace("〕", "]")).get_data(as_text=True)
    assert "本机关出具过该文号的文书" in html and letter.pdf_sha256 in html and "示范市教育局" in html
    assert sealed["case"].applicant_name not in html
    assert "本系统未出具过该文号的文书" in _verify(client, number="示教信公〔2026〕999号").get_data(as_text=True)
    assert "请选择文书的 PDF 文件" in _verify(client, file=(io.BytesIO(b"GIF89a..."), "x.pdf")).get_data(as_text=True)
    assert "请选择文书的 PDF 文件，或输入文号" in _verify(client).get_data(as_text=True)
    # CSRF on the form.
    assert client.post("/verify", data={"number": letter.number}).status_code == 400
