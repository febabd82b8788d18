"""The PDF receipt: 暂定 beside a provisional due date, and download names that keep the Chinese
name with an ASCII fallback carrying the tracking number (issue 22, item 6)."""
from __future__ import annotations

import re
import subprocess
from urllib.parse import quote

from caseapp.intake.receipt import render_receipt_pdf
from tests.intake.portal_helpers import unlock


def _text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode("utf-8")


def test_a_provisional_due_date_says_so_beside_the_date(app, db, make_case):
    case = make_case("submitted")
    case.due_provisional = True  # as the clock marks a due date in a year without an official calendar
    db.session.commit()
    with app.test_request_context():
        text = _text(render_receipt_pdf(case, case.query_code))
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日\s*（暂定）", text), text


def test_a_firm_due_date_has_no_mark(app, db, make_case):
    case = make_case("submitted")
    with app.test_request_context():
        assert "暂定" not in _text(render_receipt_pdf(case, case.query_code))


def test_receipt_downloads_keep_the_chinese_name_and_an_ascii_one(client, db, make_case):
    case = make_case("submitted")
    assert unlock(client, case.tracking_number, case.query_code).status_code == 302
    resp = client.get(f"/track/{case.tracking_number}/receipt.pdf")
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF")
    value = resp.headers["Content-Disposition"]
    assert value.startswith(f'attachment; filename="{case.tracking_number}-receipt.pdf"'), value
    assert f"filename*=UTF-8''{quote(f'申请接收回执-{case.tracking_number}.pdf')}" in value
