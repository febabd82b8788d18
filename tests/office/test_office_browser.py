"""A clerk's day in the browser: log in, open the inbox, register a paper request, accept it,
request a correction (Playwright on Debian's Chromium, with screenshots under test-artifacts/)."""
from __future__ import annotations

import re

import pytest

from caseapp.core.clock import local_today
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_clerk_registers_accepts_and_requests_correction(page, live_server, db, make_agency, make_user, make_case,
                                                         screenshot):
    agency = make_agency("SFJY", "示范市教育局")
    clerk = make_user("clerk", agency=agency, username="jy_clerk")
    make_case(agency=agency, handler=clerk, description="申请公开2026年示范市义务教育阶段学校招生入学工作实施意见及划片范围。")
    make_case(agency=agency, status="in_progress", handler=clerk, applicant_name="李四",
              description="申请公开示范市2025年教育经费执行情况统计公告。")
    other = make_case(agency=agency, received_on=local_today(), today=local_today(), handler=clerk,
                      applicant_name="赵六", id_number="110105198001010016",
                      description="申请公开示范市民办学校年度检查结果。")

    page.goto(live_server + "/office/login")
    page.fill("input[name=username]", clerk.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(live_server + "/office/cases")
    assert page.locator("h1").inner_text() == "收件箱"
    assert "我的案件" in page.content() and "待分配" in page.content() and "即将到期" in page.content()
    screenshot("office-inbox")

    page.click("text=登记纸质申请 >> nth=0")
    page.select_option("select[name=channel]", "post")
    page.fill("input[name=received_on]", local_today().isoformat())
    page.fill("input[name=applicant_name]", "王小明")
    page.fill("input[name=id_number]", "110105198001010016")
    page.fill("input[name=phone]", "13912345678")
    page.fill("input[name=address]", "示范市滨江区长江路88号")
    page.fill("textarea[name=description]", "申请公开滨江区2026年新建小学建设项目的立项批复文件。")
    screenshot("office-register")
    page.click("button[type=submit] >> text=登记并打印回执")
    page.wait_for_url(re.compile(r"/receipt$"))
    code = page.locator("#receipt-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{10}", code)
    number = page.locator("#receipt-tracking").inner_text()
    screenshot("office-receipt")

    page.click("text=打开案件")
    assert page.locator("#case-number").inner_text() == number
    assert "110***********0016" in page.content()
    screenshot("office-case")

    page.click(".case-actions >> text=受理")
    assert "此操作将" in page.content()
    page.click("#confirm-action")
    page.wait_for_url(re.compile(rf"/office/cases/{number}$"))
    assert "申请已受理" in page.content()
    assert "办理中" in page.locator(".status-badge").first.inner_text()

    # The other new request: a correction notice before accepting it.
    page.goto(f"{live_server}/office/cases/{other.tracking_number}")
    page.click(".case-actions >> text=告知补正")
    page.fill("textarea[name=details]", "请写明所需民办学校的名称及检查年度。")
    screenshot("office-request-correction")
    page.click("#confirm-action")
    page.wait_for_url(re.compile(rf"/office/cases/{other.tracking_number}$"))
    assert "待补正" in page.locator(".status-badge").first.inner_text()
    assert "暂停计时" in page.content()
    screenshot("office-case-correction")

    page.goto(live_server + "/office/cases?tab=correction")
    assert other.tracking_number in page.content()
