"""Uploads are checked by content (magic bytes), limited in number and size, and cleaned up on rollback."""
from __future__ import annotations

import os

import pytest

from caseapp.cases.attachments import (
    MAX_FILE_SIZE,
    Upload,
    attach_files,
    check_upload,
    check_uploads,
    clean_filename,
)
from caseapp.core.errors import ValidationError
from tests.intake.portal_helpers import (
    DOCX,
    EXE,
    JPEG,
    OFD,
    PDF,
    PLAIN_ZIP,
    PNG,
    zip_bytes,
)


@pytest.mark.parametrize("data,name,expected", [
    (PDF, "x.bin", "application/pdf"),
    (JPEG, "photo", "image/jpeg"),
    (PNG, "scan.pdf", "image/png"),  # the name does not matter, the content does
    (DOCX, "a.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (OFD, "a.ofd", "application/ofd"),
])
def test_accepted_types_are_recognised_by_content(app, data, name, expected):
    assert check_upload(name, data) == expected


@pytest.mark.parametrize("data,name", [
    (EXE, "report.pdf"),
    (PLAIN_ZIP, "report.docx"),
    (zip_bytes({"word/document.xml": b"x"}), "no-content-types.docx"),
    (b"PK\x03\x04broken", "broken.ofd"),
    (b"GIF89a" + b"\x00" * 10, "a.png"),
    (b"%PD", "short.pdf"),
    (b"", "empty.pdf"),
])
def test_other_content_is_refused(app, data, name):
    with pytest.raises(ValidationError) as exc:
        check_upload(name, data)
    assert "files" in exc.value.errors


def test_size_limit_is_20_mb(app):
    assert check_upload("ok.pdf", b"%PDF-" + b"0" * (MAX_FILE_SIZE - 5))
    with pytest.raises(ValidationError):
        check_upload("big.pdf", b"%PDF-" + b"0" * (MAX_FILE_SIZE - 4))


def test_at_most_ten_files(app):
    assert len(check_uploads([Upload(f"{i}.pdf", PDF) for i in range(10)])) == 10
    with pytest.raises(ValidationError):
        check_uploads([Upload(f"{i}.pdf", PDF) for i in range(11)])


def test_file_names_lose_paths_and_control_characters():
    assert clean_filename("C:\\Users\\a\\..\\报告.pdf") == "报告.pdf"
    assert clean_filename("../../etc/passwd") == "passwd"
    assert clean_filename("a\x00b\nc.pdf") == "abc.pdf"
    assert len(clean_filename("长" * 300 + ".pdf")) == 200 and clean_filename("长" * 300 + ".pdf").endswith(".pdf")
    assert clean_filename("") == "file"


def test_stored_files_are_removed_when_the_transaction_rolls_back(app, db, make_case):
    case = make_case()
    att = attach_files(case, [Upload("a.pdf", PDF)], kind="scan")[0]
    path = os.path.join(app.config["DATA_DIR"], att.storage_key)
    assert os.path.isfile(path)
    db.session.rollback()
    assert not os.path.exists(path)


def test_committed_files_stay(app, db, make_case):
    case = make_case()
    att = attach_files(case, [Upload("a.pdf", PDF)], kind="scan")[0]
    path = os.path.join(app.config["DATA_DIR"], att.storage_key)
    db.session.commit()
    db.session.rollback()
    assert os.path.isfile(path)


def test_unknown_kind_is_a_programming_error(app, make_case):
    with pytest.raises(ValueError):
        attach_files(make_case(), [Upload("a.pdf", PDF)], kind="letter")
