"""One dossier per case (issue 23 item 3, SPEC §12): cover, contents whose pages match the stamped
pages, every document in order, closing note; the staff API and the case page serve it to the case's
agency only."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pymupdf
import pytest

from caseapp.accounts.operations import create_token
from caseapp.dossier.build import build_dossier, dossier_contents
from tests.dossier.conftest import TODAY

pytestmark = pytest.mark.frozen_at(TODAY)


def _text(path: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout


def test_documents_in_order_with_pages_that_match_the_stamps(db, dossier_world, tmp_path):
    case = dossier_world["case"]
    out = tmp_path / "d.pdf"
    dossier = build_dossier(case, out, compiled_by="李四")
    titles = [e["title"] for e in dossier.contents()]
    assert titles == ["政府信息公开申请", "申请附件：身份证.png", "申请附件：说明.pdf", "政府信息公开申请答复书",
                      "附件1：招生计划表", "送达回证"]
    pages = [e["page"] for e in dossier.contents()]
    assert pages == ["1", "2", "3-4", "5-6", "7-9", "10"]
    assert dossier.document_pages == 10 and dossier.page_count == 13  # cover, contents, 10 pages, closing note
    with pymupdf.open(out) as doc:
        labels = [doc[i].get_label() for i in range(doc.page_count)]
        assert labels[2:12] == [str(n) for n in range(1, 11)]
        for entry in dossier.contents():  # the stamped number (top right) is the contents' page
            page = doc[2 + entry["first_page"] - 1]
            corner = pymupdf.Rect(page.rect.width - 60, 0, page.rect.width, 45) * page.derotation_matrix
            assert page.get_textbox(corner).strip() == str(entry["first_page"]), entry
    cover, contents, closing = _text(out, 1), _text(out, 2), _text(out, 13)
    assert "政府信息公开申请办理案卷" in cover and case.tracking_number in cover and "10年" in cover
    assert "110***********002X" in cover and "11010519491231002X" not in cover  # masked on the cover
    assert "卷内目录" in contents and "示教信公〔2026〕" in contents and "7-9" in contents
    assert "备考表" in closing and "李四" in closing and "6件" in closing
    request_page = _text(out, 3)
    assert "11010519491231002X" in request_page and "13800138000" in request_page  # the dossier keeps them
    delivery = _text(out, 12)
    assert "XA123456789CN" in delivery and "邮寄" in delivery


def test_the_contents_are_the_evidence_list(db, dossier_world):
    rows = dossier_contents(dossier_world["case"])
    assert set(rows[0]) >= {"number", "reference", "author", "title", "date", "page"}
    assert rows[3] == {**rows[3], "number": 4, "reference": "示教信公〔2026〕1号", "author": "示范市教育局",
                       "date": "2026-11-19", "page": "5-6"}


def test_a_damaged_attachment_is_listed_with_a_page_saying_so(db, dossier_world, tmp_path):
    from caseapp.cases.attachments import attachments_for_case
    from caseapp.core.filestore import open_path

    case = dossier_world["case"]
    pdf_attachment = attachments_for_case(case)[1]
    open_path(pdf_attachment.storage_key).write_bytes(b"%PDF-1.7 damaged")
    dossier = build_dossier(case, tmp_path / "d.pdf", compiled_by="李四")
    assert dossier.contents()[2]["page"] == "3"
    assert "无法作为页面装入本卷" in _text(tmp_path / "d.pdf", dossier.page_count)


def test_staff_api_serves_it_to_the_cases_agency_only(client, db, dossier_world, make_agency, make_user):
    case, w = dossier_world["case"], dossier_world
    url = f"/api/v1/cases/{case.tracking_number}/dossier.pdf"
    token, other = create_token(w["clerk"]), create_token(make_user("clerk", agency=make_agency()))
    db.session.commit()
    resp = client.get(url, headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200 and resp.mimetype == "application/pdf" and resp.data.startswith(b"%PDF")
    assert client.get(url, headers={"Authorization": f"Bearer {other}"}).status_code == 404
    assert client.get("/api/v1/cases/NOPE-1/dossier.pdf", headers={"Authorization": f"Bearer {token}"}).status_code == 404
    assert client.get(url).status_code == 401


def test_the_case_page_links_the_dossier(client, db, dossier_world, login):
    case = dossier_world["case"]
    login(dossier_world["supervisor"])
    page = client.get(f"/office/cases/{case.tracking_number}").get_data(as_text=True)
    assert f"/office/cases/{case.tracking_number}/dossier.pdf" in page and "案卷（PDF）" in page
    resp = client.get(f"/office/cases/{case.tracking_number}/dossier.pdf")
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF")
