"""The clock at the year's end: Beijing's date whatever the machine's zone, provisional due dates in
a year whose official calendar is not out yet, and the notice's import settling exactly those."""
from __future__ import annotations

import json
import re
import time
from datetime import date

import pytest
import sqlalchemy as sa

from caseapp.calendar.service import load_calendar
from caseapp.cases.models import Case
from caseapp.clock.service import describe_clock
from caseapp.core.audit import AuditEvent
from caseapp.core.clock import local_today


def _row(html: str, number: str) -> str:
    match = re.search(rf'<tr data-tracking="{re.escape(number)}".*?</tr>', html, re.S)
    assert match, f"{number} is not in the inbox"
    return match.group(0)


def _listed(html: str) -> list[str]:
    return re.findall(r'<tr data-tracking="([^"]+)"', html)


@pytest.fixture
def machine_zone():
    """Set the process's own time zone (TZ) for one test and put it back afterwards."""
    import os

    saved = os.environ.get("TZ")

    def use(zone: str) -> None:
        os.environ["TZ"] = zone
        time.tzset()

    yield use
    if saved is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = saved
    time.tzset()


@pytest.mark.frozen_at("2026-12-31T20:00:00+00:00")  # 2027-01-01 04:00 in Beijing
@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_new_years_day_in_beijing_is_today_whatever_the_machines_zone(zone, machine_zone, make_agency, make_user,
                                                                      make_case, office, client):
    machine_zone(zone)
    assert time.strftime("%Y-%m-%d") == "2026-12-31"  # the machine's own date is still the old year's
    assert local_today() == date(2027, 1, 1)
    agency = make_agency("SFJY", "示范市教育局")
    clerk = make_user("clerk", agency=agency)
    # Received Thursday 2026-12-03: 20 working days later is Thursday 2026-12-31, the last day.
    case = make_case("in_progress", agency=agency, handler=clerk, received_on=date(2026, 12, 3))
    assert case.due_on == date(2026, 12, 31)
    clock = describe_clock(case, local_today())
    assert clock.state == "overdue"  # on 2026-12-31 it would still be due that day
    html = office(clerk).get("/office/cases?tab=overdue").get_data(as_text=True)
    assert _listed(html) == [case.tracking_number]
    assert "due-overdue" in _row(html, case.tracking_number)
    # Filed online now (a public holiday in Beijing): received on the first working day of 2027,
    # Monday 2027-01-04 (1/1 is New Year's Day, 1/2-1/3 a weekend), in a provisional year.
    resp = client.post("/api/v1/requests", json={
        "agency": "SFJY",
        "applicant": {"type": "natural_person", "name": "张三", "id_type": "resident_id",
                      "id_number": "11010519491231002X", "phone": "13800138000"},
        "description": "申请公开示范市2027年义务教育阶段学校招生入学工作实施意见。",
        "form": "electronic", "delivery": "online"})
    assert resp.status_code == 201, resp.get_json()
    filed = resp.get_json()
    assert filed["received_on"] == "2027-01-04" and filed["due_provisional"] is True


# A fictitious 2027 notice for the test (the real one is not in the libraries): 1/1-1/4 off,
# Saturday 1/9 worked. It moves the due dates that cross New Year and leaves 2026's alone.
NOTICE_2027 = {"year": 2027, "official": True, "source": "国务院办公厅通知（测试用）",
               "holidays": ["2027-01-01", "2027-01-02", "2027-01-03", "2027-01-04"],
               "workdays": ["2027-01-09"]}


@pytest.mark.frozen_at("2026-12-28")
def test_due_dates_in_a_provisional_new_year_show_and_settle_on_import(app, db, make_agency, make_user, make_case,
                                                                        office, tmp_path, drop_2027):
    assert not load_calendar().is_official(2027)
    agency = make_agency("SFJY", "示范市教育局")
    clerk = make_user("clerk", agency=agency)
    cases = {
        # received today, 2026-12-28: 3 working days in 2026, then 1/4-1/26 (1/1 estimated off)
        "today": make_case("in_progress", agency=agency, handler=clerk, received_on=date(2026, 12, 28)),
        # received 2026-12-07: due Tuesday 2027-01-05, 5 working days left: due soon
        "soon": make_case("in_progress", agency=agency, handler=clerk, received_on=date(2026, 12, 7)),
        # received 2026-12-01: due 2026-12-29, wholly in the official 2026: never provisional
        "official": make_case("in_progress", agency=agency, handler=clerk, received_on=date(2026, 12, 1)),
    }
    due = {k: (c.due_on, c.due_provisional) for k, c in cases.items()}
    assert due == {"today": (date(2027, 1, 26), True), "soon": (date(2027, 1, 5), True),
                   "official": (date(2026, 12, 29), False)}

    client = office(clerk)
    html = client.get("/office/cases?tab=open").get_data(as_text=True)
    # Sorted by due date like any other, provisional or not; coloured by the working days left.
    assert _listed(html) == [cases[k].tracking_number for k in ("official", "soon", "today")]
    assert "暂定" in _row(html, cases["today"].tracking_number)
    assert "暂定" in _row(html, cases["soon"].tracking_number) and "due-soon" in _row(html, cases["soon"].tracking_number)
    assert "暂定" not in _row(html, cases["official"].tracking_number)
    page = client.get(f"/office/cases/{cases['today'].tracking_number}").get_data(as_text=True)
    assert "暂定" in page and "2027-01-26" in page

    notice = tmp_path / "2027.json"
    notice.write_text(json.dumps(NOTICE_2027, ensure_ascii=False), encoding="utf-8")
    db.session.rollback()  # end this test's read transaction: the command writes from its own session
    result = app.test_cli_runner().invoke(args=["caseapp", "calendar", "import", str(notice)])
    assert result.exit_code == 0, result.output

    db.session.expire_all()
    after = {k: (db.session.get(Case, c.id).due_on, db.session.get(Case, c.id).due_provisional)
             for k, c in cases.items()}
    # 12/29-12/31 are 3, 1/5-1/8 7, Saturday 1/9 8, 1/11-1/15 13, 1/18-1/22 18, 1/25-1/26 20: the
    # same date, now final. 12/8-12/31 are 18, 1/1-1/4 off, 1/5 19, 1/6 20: one day later.
    assert after == {"today": (date(2027, 1, 26), False), "soon": (date(2027, 1, 6), False),
                     "official": (date(2026, 12, 29), False)}
    moved = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "case.due_recomputed")
                               .order_by(AuditEvent.id)).all()
    assert {e.case_id for e in moved} == {cases["today"].id, cases["soon"].id}
    soon = next(e for e in moved if e.case_id == cases["soon"].id)
    assert soon.before == {"due_on": "2027-01-05", "due_provisional": True}
    assert soon.after == {"due_on": "2027-01-06", "due_provisional": False, "calendar_year": 2027}
    page = client.get(f"/office/cases/{cases['soon'].tracking_number}").get_data(as_text=True)
    assert "办理期限重新计算" in page and "暂定" not in page.split('id="clock-calendar"')[1][:40]
