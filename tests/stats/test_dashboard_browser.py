"""The statistics dashboard in Chromium: every chart drawn by ECharts (served locally, no inline script),
the data tables beside them, and the annual report page (screenshots in test-artifacts/)."""
from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_auditor_sees_the_dashboard_and_the_report(page, live_server, db, script, make_user, screenshot):
    s = script
    outcomes = ["disclosed", "disclosed", "partially_disclosed", "unavailable.not_held", "withheld.process_info",
                "not_handled.repeat", "disclosed", "unavailable.needs_creation"]
    for i, outcome in enumerate(outcomes):
        case = s.receive(("natural_person", "commercial_enterprise", "legal_service_org")[i % 3],
                         date(2026, 1 + i, 5))
        s.close(case, outcome, date(2026, 1 + i, 26))
    s.withdraw(s.receive("natural_person", date(2026, 3, 9)), date(2026, 3, 11))
    s.receive("natural_person", date(2026, 10, 12))  # still open, overdue by now
    auditor = make_user("auditor", agency=s.agency)

    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" and "status of" not in msg.text
            else None)
    page.on("pageerror", lambda err: problems.append(str(err)))
    page.on("response", lambda resp: problems.append(f"{resp.status} {resp.url}") if resp.status >= 400 else None)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(live_server + "/office/login")
    page.fill("input[name=username]", auditor.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.click("nav >> text=统计")
    page.wait_for_selector("#stats-charts[data-ready=true]", timeout=15000)
    assert page.locator("h1").inner_text() == "统计"
    drawn = page.locator("[data-canvas][data-drawn=true] canvas")
    assert drawn.count() == 10
    table = page.locator("#chart-outcomes table").inner_text()
    assert "予以公开" in table or "Disclosed" in table
    assert page.locator("#chart-per_month tbody tr").count() == 9  # January to August, and October 2026
    assert page.locator("#chart-overdue_now [data-note]").inner_text().endswith("1件")
    assert not problems, problems
    screenshot("stats-dashboard")

    page.click("text=年度报告统计表")
    page.select_option("select[name=year]", "2026")
    page.click("main form[method=get] button[type=submit]")
    assert page.locator("#identity").get_attribute("data-balanced") == "true"
    assert "三、本年度办理结果" in page.content()
    screenshot("stats-annual-report")
