"""Records on a case through the staff API (multipart upload, redaction, release as is) and what the
redacted file holds afterwards, read with poppler as a reader would."""
from __future__ import annotations

import hashlib
import io
import subprocess

import pymupdf
import pytest

from caseapp.accounts.operations import create_token
from caseapp.core import filestore
from caseapp.records.models import Record
from tests.records import pdfs

ID = "11010519491231002X"


def _headers(db, user):
    token = create_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def _add(client, headers, case, data: bytes, name: str, title: str | None = None):
    form = {"action": "add_record", "version": str(case.version), "file": (io.BytesIO(data), name)}
    number = case.tracking_number
    _db().session.rollback()  # the test's own read ends before the request writes (SQLite)
    if title:
        form["title"] = title
    return client.post(f"/api/v1/cases/{number}/actions", headers=headers, data=form,
                       content_type="multipart/form-data")


def _db():
    from caseapp.extensions import db

    return db


def _act(client, headers, case, version, **body):
    number = case.tracking_number
    _db().session.rollback()
    return client.post(f"/api/v1/cases/{number}/actions", headers=headers,
                       json={"version": version, **body})


def _text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def _stored(record_id: int) -> bytes:
    from caseapp.extensions import db

    db.session.rollback()  # see what the requests committed
    return filestore.open_path(db.session.get(Record, record_id).storage_key).read_bytes()


@pytest.fixture
def case(make_case):
    return make_case(status="in_progress")


LETTER = [["关于示范市人民路拆迁补偿的情况说明", "被征收人张三，身份证号１１０１０５１９４９１２３１００２Ｘ，联系电话13800138000。",
           "经办人王", "五，审核人赵六。"], ["第二页：张三签字确认。"]]


def test_a_record_is_added_by_multipart_and_redacted_so_that_nothing_of_the_terms_remains(db, client, case):
    headers = _headers(db, case.clerk)
    original = pdfs.text_pdf(LETTER, metadata={"author": "张三", "subject": ID})
    added = _add(client, headers, case, original, "说明.pdf", title="拆迁补偿情况说明")
    assert added.status_code == 200, added.json
    record_id = added.json["record_id"]
    assert added.json["pages"] == 2 and added.json["sha256"] == hashlib.sha256(original).hexdigest()
    assert _stored(record_id) == original  # kept unchanged

    redacted = _act(client, headers, case, added.json["version"], action="redact_record", record_id=record_id,
                    terms=["张三", ID, "王五"], areas=[{"page": 1, "x0": 60, "y0": 150, "x1": 300, "y1": 175}],
                    exemption="personal_privacy", reason="涉及个人隐私，公开会对第三方合法权益造成损害。")
    assert redacted.status_code == 200, redacted.json
    version_id = redacted.json["record_id"]
    data = _stored(version_id)
    text = _text(data)
    for gone in ("张三", "１１０１０５", "王", "赵六"):  # 赵六 was under the drawn area
        assert gone not in text
    assert ID not in text.replace(" ", "") and "〔个人隐私〕" in text
    with pymupdf.open(stream=data) as doc:
        assert not any(doc.metadata.get(k) for k in ("author", "subject", "title", "keywords"))
        assert doc.get_xml_metadata() == "" and not list(doc[0].annots())
    record = next(r for r in redacted.json["records"] if r["record_id"] == version_id)
    log = {(e["kind"], e.get("term"), e["page"]): e["count"] for e in record["redactions"]}
    assert log == {("term", "张三", 1): 1, ("term", "张三", 2): 1, ("term", ID, 1): 1, ("term", "王五", 1): 1,
                   ("area", None, 1): 1}
    assert {e["exemption"] for e in record["redactions"]} == {"personal_privacy"}
    shown = client.get(f"/api/v1/cases/{case.tracking_number}", headers=headers).json
    assert [r["kind"] for r in shown["records"]] == ["original", "redacted"]


def test_images_under_an_area_are_blanked(db, client, case):
    headers = _headers(db, case.clerk)
    added = _add(client, headers, case, pdfs.pdf_with_image(["一张现场照片"]), "照片.pdf")
    redacted = _act(client, headers, case, added.json["version"], action="redact_record",
                    record_id=added.json["record_id"], areas=[{"page": 1, "x0": 300, "y0": 300, "x1": 500, "y1": 450}],
                    exemption="personal_privacy", reason="照片可识别个人。")
    assert redacted.status_code == 200, redacted.json
    with pymupdf.open(stream=_stored(redacted.json["record_id"])) as doc:
        pix = doc[0].get_pixmap(clip=pymupdf.Rect(320, 320, 480, 430))
        reds = sum(1 for i in range(0, len(pix.samples), 3) if pix.samples[i] > 150 and pix.samples[i + 1] < 80)
        assert reds == 0
        for xref, *_ in doc[0].get_images():
            img = pymupdf.Pixmap(doc, xref)
            assert not any(img.samples[i] > 150 and img.samples[i + 1] < 80 for i in range(0, len(img.samples), 3))


@pytest.mark.parametrize("make, name, message", [
    (lambda: pdfs.encrypted_pdf(["加密文件"]), "加密.pdf", "已加密"),
    (lambda: b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage", "坏.pdf", "已损坏"),
    (lambda: b"MZ\x90\x00 not a document", "程序.pdf", "不是 PDF、DOCX、XLSX、JPEG 或 PNG 文件"),
])
def test_bad_files_are_refused_with_a_message_and_nothing_is_stored(db, client, case, make, name, message):
    headers = _headers(db, case.clerk)
    resp = _add(client, headers, case, make(), name)
    assert resp.status_code == 422 and message in resp.json["error"]["fields"]["file"]
    db.session.rollback()
    assert db.session.query(Record).count() == 0


def test_office_files_and_images_are_kept_and_turned_into_pdf(db, client, case):
    headers = _headers(db, case.clerk)
    docx = pdfs.docx_file(["内部请示：经办人李四。"])
    added = _add(client, headers, case, docx, "请示.docx")
    assert added.status_code == 200, added.json
    db.session.rollback()
    record = db.session.get(Record, added.json["record_id"])
    assert record.content_type.endswith("wordprocessingml.document") and _stored(record.id) == docx
    assert "李四" in _text(filestore.open_path(record.pdf_key).read_bytes())
    xlsx = _add(client, headers, case, pdfs.xlsx_file([["姓名", "补贴"], ["赵六", "1200"]]), "名单.xlsx")
    db.session.rollback()
    assert xlsx.status_code == 200 and db.session.get(Record, xlsx.json["record_id"]).content_type.endswith("sheet")
    png = _add(client, headers, case, pdfs.image_png(), "照片.png")
    assert png.status_code == 200 and png.json["pages"] == 1


def test_redaction_refuses_what_it_cannot_do_and_writes_no_version(db, client, case, make_case):
    headers = _headers(db, case.clerk)
    added = _add(client, headers, case, pdfs.text_pdf(LETTER), "说明.pdf")
    version, record_id = added.json["version"], added.json["record_id"]
    base = {"action": "redact_record", "exemption": "personal_privacy", "reason": "个人隐私"}
    missing = _act(client, headers, case, version, record_id=record_id, terms=["张三", "钱七"], **base)
    assert missing.status_code == 422 and "钱七" in missing.json["error"]["fields"]["terms"]
    outside = _act(client, headers, case, version, record_id=record_id, **base,
                   areas=[{"page": 3, "x0": 0, "y0": 0, "x1": 10, "y1": 10}])
    assert outside.status_code == 422 and "p.3" in outside.json["error"]["fields"]["areas"]
    off_page = _act(client, headers, case, version, record_id=record_id, **base,
                    areas=[{"page": 1, "x0": 500, "y0": 800, "x1": 700, "y1": 900}])
    assert off_page.status_code == 422
    other = make_case(status="in_progress", agency=case.agency)
    elsewhere = _add(client, headers, other, pdfs.text_pdf(LETTER), "别案.pdf")
    foreign = _act(client, headers, case, version, record_id=elsewhere.json["record_id"], terms=["张三"], **base)
    assert foreign.status_code == 422 and "record_id" in foreign.json["error"]["fields"]
    no_ground = _act(client, headers, case, version, record_id=record_id, terms=["张三"], action="redact_record",
                     reason="x")
    assert no_ground.status_code == 422
    db.session.rollback()
    assert db.session.query(Record).filter_by(kind="redacted").count() == 0


def test_release_as_is_makes_a_sanitised_version_and_only_handlers_may_add(db, client, case, make_user):
    headers = _headers(db, case.clerk)
    added = _add(client, headers, case, pdfs.text_pdf([["公开的通知正文"]], metadata={"author": "张三"}), "通知.pdf")
    released = _act(client, headers, case, added.json["version"], action="release_record",
                    record_id=added.json["record_id"])
    assert released.status_code == 200, released.json
    data = _stored(released.json["record_id"])
    assert "公开的通知正文" in _text(data)
    with pymupdf.open(stream=data) as doc:
        assert not doc.metadata.get("author")
    auditor = _headers(db, make_user("auditor", agency=case.agency))
    refused = _add(client, auditor, case, pdfs.text_pdf([["x"]]), "x.pdf")
    assert refused.status_code == 403
    other_agency = _headers(db, make_user("clerk"))
    assert _add(client, other_agency, case, pdfs.text_pdf([["x"]]), "x.pdf").status_code in (403, 404)
