"""What the public column publishes is what was checked (issue 21, items 6 and 7): a release version of a
record, sanitised; the check reads the text a reader sees (poppler), numbers with their letter-spacing
taken out; nothing of an ID number hidden in annotations, XMP, outlines, form fields, embedded files or
Info keys survives in the published file; every party of the case (applicant, third party consulted)
is looked for. Records are made and the entry published through the staff API."""
from __future__ import annotations

import io
import subprocess
from datetime import date

import pymupdf
import pytest

from caseapp.accounts.operations import create_token
from caseapp.cases import operations as case_ops
from caseapp.consultations import operations as consultation_ops
from caseapp.core import filestore
from caseapp.disclosure.models import PublicDocument, PublicEntry
from caseapp.extensions import db as _db
from caseapp.records.reader import reader_text
from tests.disclosure import published_pdfs as kinds
from tests.records import pdfs

ID = kinds.ID
TODAY = date(2026, 11, 30)
pytestmark = pytest.mark.frozen_at(TODAY)
ID_LINE = {"page": 1, "x0": 60, "y0": 112, "x1": 560, "y1": 136}  # the line at y=130 that shows the ID


def _headers(user) -> dict:
    token = create_token(user)
    _db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def _post(client, headers, case, **body):
    _db.session.rollback()  # the test's own read ends before the request writes (SQLite)
    number, version = case.tracking_number, case.version
    _db.session.rollback()
    return client.post(f"/api/v1/cases/{number}/actions", headers=headers, json={"version": version, **body})


def _add_record(client, headers, case, data: bytes, title: str) -> int:
    _db.session.rollback()
    number, version = case.tracking_number, case.version
    _db.session.rollback()
    resp = client.post(f"/api/v1/cases/{number}/actions", headers=headers, content_type="multipart/form-data",
                       data={"action": "add_record", "version": str(version), "title": title,
                             "file": (io.BytesIO(data), f"{title}.pdf")})
    assert resp.status_code == 200, resp.json
    return resp.json["record_id"]


def _version(client, headers, case, record_id: int, *, area: dict | None = None) -> int:
    if area is None:
        resp = _post(client, headers, case, action="release_record", record_id=record_id)
    else:
        resp = _post(client, headers, case, action="redact_record", record_id=record_id,
                     areas=[area], exemption="personal_privacy", reason="涉及个人隐私。")
    assert resp.status_code == 200, resp.json
    return resp.json["record_id"]


def _close(case):
    _db.session.rollback()
    case_ops.close_case(case, actor=case.clerk, outcome="disclosed", today=TODAY)
    _db.session.commit()


def _entry(client, headers, case) -> int:
    resp = _post(client, headers, case, action="convert_to_public", title="招生入学工作通知", topic="education")
    assert resp.status_code == 200, resp.json
    return resp.json["result"]["entry_id"] if "result" in resp.json else resp.json["entry_id"]


def _result(resp) -> dict:
    return resp.json.get("result", resp.json)


@pytest.fixture
def world(db, make_case, make_user):
    case = make_case(status="in_progress", applicant_name="王小明", phone="13912345678", email="wxm@example.com",
                     address="示范市滨江区长江路88号")
    supervisor = make_user("supervisor", agency=case.agency)
    return case, _headers(case.clerk), _headers(supervisor)


def _published(client, entry_id: int) -> list[bytes]:
    _db.session.rollback()
    entry = _db.session.get(PublicEntry, entry_id)
    assert entry.status == "published"
    files = []
    for doc in entry.documents:
        resp = client.get(f"/public/entries/{entry_id}/documents/{doc.id}")
        assert resp.status_code == 200
        assert resp.data == filestore.open_path(doc.storage_key).read_bytes()
        files.append(resp.data)
    return files


def _id_forms() -> list[bytes]:
    """The ID as a PDF may carry it: plain, UTF-16BE (text strings), and either as hex."""
    utf16 = ID.encode("utf-16-be")
    return [ID.encode(), utf16, *(b.hex().encode() for b in (ID.encode(), utf16)),
            *(b.hex().upper().encode() for b in (ID.encode(), utf16))]


def _assert_nothing_of_the_id(data: bytes, tmp_path) -> None:
    assert ID not in "".join(reader_text(data).split())
    with pymupdf.open(stream=data) as doc:
        expanded = doc.tobytes(expand=255)
        assert not any(v for v in doc.metadata.values() if v and v != "PDF 1.7" and "format" not in v.lower()
                       and ID in v)
        assert doc.get_xml_metadata() == "" and doc.get_toc() == [] and doc.embfile_count() == 0
        assert not any(list(page.annots()) or list(page.widgets()) for page in doc)
        info = doc.xref_get_key(-1, "Info")
        assert info[0] == "null" or ID not in doc.xref_object(int(info[1].split()[0]))
    source, target = tmp_path / "in.pdf", tmp_path / "out.pdf"
    source.write_bytes(data)
    subprocess.run(["mutool", "clean", "-d", str(source), str(target)], check=True, capture_output=True)
    for raw in (expanded, target.read_bytes()):
        assert not [f for f in _id_forms() if f in raw]


@pytest.mark.parametrize("kind", sorted(kinds.HIDDEN))
def test_hidden_parts_are_sanitised_away_before_publication(client, world, kind, tmp_path):
    case, clerk, supervisor = world
    original = kinds.HIDDEN[kind]()
    with pymupdf.open(stream=original) as doc:  # the probe really carries the ID
        assert [f for f in _id_forms() if f in doc.tobytes(expand=255)]
    version = _version(client, clerk, case, _add_record(client, clerk, case, original, "招生入学工作通知"))
    _close(case)
    entry_id = _entry(client, clerk, case)
    attached = _post(client, clerk, case, action="add_document", entry_id=entry_id, record_id=version)
    assert attached.status_code == 200, attached.json
    approved = _post(client, supervisor, case, action="approve_publication", entry_id=entry_id)
    assert approved.status_code == 200, approved.json
    (published,) = _published(client, entry_id)
    _assert_nothing_of_the_id(published, tmp_path)


@pytest.mark.parametrize("kind", sorted(kinds.VISIBLE))
def test_an_id_on_the_page_blocks_publication_until_the_redacted_version_replaces_it(client, world, kind, tmp_path):
    case, clerk, supervisor = world
    record_id = _add_record(client, clerk, case, kinds.VISIBLE[kind](), "招生入学工作通知")
    as_is = _version(client, clerk, case, record_id)
    redacted = _version(client, clerk, case, record_id, area=ID_LINE)
    _close(case)
    entry_id = _entry(client, clerk, case)
    attached = _post(client, clerk, case, action="add_document", entry_id=entry_id, record_id=as_is)
    assert attached.status_code == 200, attached.json
    _db.session.rollback()
    entry = _db.session.get(PublicEntry, entry_id)
    assert [(f.kind, f.value, f.status) for f in entry.findings] == [("id_number", ID, "open")]
    refused = _post(client, supervisor, case, action="approve_publication", entry_id=entry_id)
    assert refused.status_code in (409, 422) and "个人信息" in refused.json["error"]["message"]

    removed = _post(client, clerk, case, action="remove_document", entry_id=entry_id,
                    document_id=_result(attached)["document_id"])
    assert removed.status_code == 200, removed.json
    assert _post(client, clerk, case, action="add_document", entry_id=entry_id, record_id=redacted).status_code == 200
    approved = _post(client, supervisor, case, action="approve_publication", entry_id=entry_id)
    assert approved.status_code == 200, approved.json
    (published,) = _published(client, entry_id)
    _assert_nothing_of_the_id(published, tmp_path)


def test_only_release_versions_of_the_entrys_requests_are_published(client, world, make_case):
    case, clerk, _supervisor = world
    original = _add_record(client, clerk, case, pdfs.text_pdf([[kinds.PLAIN]]), "通知")
    other = make_case(status="in_progress", agency=case.agency, handler=case.clerk)
    elsewhere = _version(client, clerk, other, _add_record(client, clerk, other, pdfs.text_pdf([[kinds.PLAIN]]), "另案"))
    _close(case)
    entry_id = _entry(client, clerk, case)
    for record_id, words in ((original, "原件"), (elsewhere, "不是本条目所答复的申请的记录"),
                             (999_999, "不是本条目所答复的申请的记录")):
        resp = _post(client, clerk, case, action="add_document", entry_id=entry_id, record_id=record_id)
        assert resp.status_code == 422, resp.json
        assert words in resp.json["error"]["fields"]["record_id"]
    _db.session.rollback()
    assert _db.session.query(PublicDocument).count() == 0


def test_a_third_partys_spaced_name_and_number_are_found(client, world):
    case, clerk, supervisor = world
    consultation_ops.consult(case, actor=case.clerk, kind="third_party", question="是否同意公开？",
                             third_party={"name": "李建华", "address": "示范市工业路9号", "phone": "0571-86001234"},
                             today=TODAY)
    _db.session.commit()
    text = [["示范市教育局关于招生入学工作的通知", "经征求李 建 华的意见，", "联系电话 0571 8600 1234。"]]
    version = _version(client, clerk, case, _add_record(client, clerk, case, pdfs.text_pdf(text), "通知"))
    _close(case)
    entry_id = _entry(client, clerk, case)
    _post(client, clerk, case, action="add_document", entry_id=entry_id, record_id=version)
    _db.session.rollback()
    entry = _db.session.get(PublicEntry, entry_id)
    assert {(f.kind, f.value) for f in entry.findings if f.status == "open"} == {
        ("name", "李建华"), ("landline", "0571-86001234")}
    refused = _post(client, supervisor, case, action="approve_publication", entry_id=entry_id)
    assert refused.status_code in (409, 422)


def test_a_third_partys_name_alone_is_found(client, world):
    case, clerk, supervisor = world
    consultation_ops.consult(case, actor=case.clerk, kind="third_party", question="是否同意公开？",
                             third_party={"name": "李建华", "address": "示范市工业路9号", "phone": "13605710000"},
                             today=TODAY)
    _db.session.commit()
    version = _version(client, clerk, case, _add_record(
        client, clerk, case, pdfs.text_pdf([["示范市教育局关于招生入学工作的通知", "经征求李建华的意见。"]]), "通知"))
    _close(case)
    entry_id = _entry(client, clerk, case)
    _post(client, clerk, case, action="add_document", entry_id=entry_id, record_id=version)
    _db.session.rollback()
    entry = _db.session.get(PublicEntry, entry_id)
    assert {(f.kind, f.value, f.source) for f in entry.findings} == {("name", "李建华", "document")}
    refused = _post(client, supervisor, case, action="approve_publication", entry_id=entry_id)
    assert refused.status_code in (409, 422)
    _db.session.rollback()
    assert _db.session.get(PublicEntry, entry_id).status == "draft"
