"""The admin upload page for importing existing cases (issue 25, item 4): a .zip with the sheet and
its letters or the sheet alone, the same validation report as the CLI as a table, CSRF and the
admin role."""
from __future__ import annotations

import io
import re
import zipfile

import sqlalchemy as sa

from caseapp.cases.attachments import Attachment
from caseapp.cases.models import Case
from tests.conftest import csrf_from
from tests.imports.test_import_cases import HEADERS, row
from tests.intake.portal_helpers import PDF

URL = "/office/admin/imports"


def csv_bytes(rows) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for r in rows:
        writer.writerow([r.get(h, "") for h in HEADERS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def zipped(rows, letters: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("旧案/cases.csv", csv_bytes(rows))
        for name, data in letters.items():
            zf.writestr(f"旧案/{name}", data)
    return buf.getvalue()


def post(client, agency, data: bytes, name: str, *, dry_run: bool):
    token = csrf_from(client.get(URL).get_data(as_text=True))
    form = {"csrf_token": token, "agency": agency.code, "file": (io.BytesIO(data), name)}
    if dry_run:
        form["dry_run"] = "y"
    return client.post(URL, data=form, content_type="multipart/form-data")


def count(db) -> int:
    db.session.rollback()  # see what the requests committed, and hold no read transaction
    n = db.session.scalar(sa.select(sa.func.count()).select_from(Case))
    db.session.rollback()
    return n


def cells(html: str) -> list[list[str]]:
    return [re.findall(r"<td>(.*?)</td>", tr) for tr in re.findall(r"<tr>(.*?)</tr>", html, re.S) if "<td>" in tr]


def test_admin_checks_then_imports_a_zip_with_letters(db, client, login, make_agency, make_user):
    agency = make_agency("SFJY")
    login(make_user("admin", agency=agency))
    rows = [row(**{"文书文件": "答复书.pdf"}),
            row(**{"申请编号": "SFJY-2025-000102", "收到申请日期": "2025/9/31"})]
    data = zipped(rows, {"答复书.pdf": PDF})

    dry = post(client, agency, data, "旧案.zip", dry_run=True)
    assert dry.status_code == 200
    html = dry.get_data(as_text=True)
    assert ["3", "收到申请日期", "“2025/9/31”不是日期：请写成 2025-03-05（或使用日期格式的单元格）。", "错误"] in cells(html)
    assert "试运行，未写入任何数据：2 行中 1 行可以导入" in html
    assert count(db) == 0

    done = post(client, agency, data, "旧案.zip", dry_run=False)
    assert "2 行中导入 1 行" in done.get_data(as_text=True)
    assert count(db) == 1
    case = db.session.scalar(sa.select(Case))
    assert case.tracking_number == "SFJY-2025-000101"
    assert db.session.scalar(sa.select(Attachment.original_name)) == "答复书.pdf"
    again = post(client, agency, data, "旧案.zip", dry_run=False)
    assert "此前已导入为 SFJY-2025-000101，不再重复导入。" in again.get_data(as_text=True)


def test_sheet_alone_and_a_zip_without_a_sheet(db, client, login, make_agency, make_user):
    agency = make_agency("SFJY")
    login(make_user("admin", agency=agency))
    alone = post(client, agency, csv_bytes([row()]), "cases.csv", dry_run=True)
    assert "1 行中 1 行可以导入" in alone.get_data(as_text=True)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("答复书.pdf", PDF)
    refused = post(client, agency, buf.getvalue(), "旧案.zip", dry_run=False)
    assert ".zip 文件中须有且仅有一个表格" in refused.get_data(as_text=True)


def test_refused_without_csrf_and_to_other_roles(db, app, client, login, make_agency, make_user):
    agency, other = make_agency("SFJY"), make_agency("QTJG")
    supervisor = make_user("supervisor", agency=agency)
    login(make_user("admin", agency=agency))
    resp = client.post(URL, data={"agency": agency.code, "file": (io.BytesIO(csv_bytes([row()])), "cases.csv")},
                       content_type="multipart/form-data")
    assert resp.status_code in (200, 400)
    assert count(db) == 0
    clerk_client = app.test_client()
    login(supervisor, c=clerk_client)
    assert clerk_client.get(URL).status_code == 403
    resp = post(client, other, csv_bytes([row()]), "cases.csv", dry_run=False)  # an agency the admin does not manage
    assert resp.status_code == 200 and count(db) == 0
