"""Admins import and see a year's calendar in the office."""
from __future__ import annotations

import io
import json
from datetime import date

import pytest

from caseapp.calendar.models import CalendarYear
from caseapp.cases.models import Case
from tests.conftest import csrf_from


def _upload(client, content: bytes):
    token = csrf_from(client.get("/office/admin/calendar").get_data(as_text=True))
    return client.post("/office/admin/calendar", data={"csrf_token": token, "file": (io.BytesIO(content), "2027.json")},
                       content_type="multipart/form-data", follow_redirects=True)


def test_import_makes_a_provisional_due_date_official(db, client, make_user, login, make_case, drop_2027):
    admin = make_user("admin", agency=None)
    case = make_case(received_on=date(2026, 12, 15), today=date(2026, 12, 16))
    assert case.due_provisional
    login(admin)
    page = client.get("/office/admin/calendar/2027").get_data(as_text=True)
    assert "暂定" in page
    notice = {"year": 2027, "official": True, "source": "国办发明电〔2026〕99号（测试）",
              "holidays": [{"date": "2027-01-01", "name": "元旦"}, "2027-01-02", "2027-01-03"], "workdays": []}
    resp = _upload(client, json.dumps(notice, ensure_ascii=False).encode())
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "2027年工作日历已导入" in html and "正式" in html
    db.session.rollback()  # end this test's read snapshot; the request committed in its own session
    assert db.session.get(Case, case.id).due_provisional is False


def test_bad_file_is_refused_beside_the_field_and_changes_nothing(db, client, make_user, login, drop_2027):
    admin = make_user("admin", agency=None)
    login(admin)
    resp = _upload(client, b'{"year": 2027, "holidays": ["2027-13-01"]}')
    html = resp.get_data(as_text=True)
    assert "不是有效日期" in html
    assert db.session.get(CalendarYear, 2027) is None
    resp = _upload(client, b"\xff\xfe not text")
    assert "UTF-8" in resp.get_data(as_text=True)
