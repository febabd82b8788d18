"""The case page as the hub, in the browser: a number's tail typed in the default inbox tab jumps to
the case, whose page shows the approved extension and the proposed fee with their next steps in
words; the sub-pages lead back to the case (Playwright on Debian's Chromium, screenshots kept)."""
from __future__ import annotations

import re

import pytest

from caseapp.core.actions import act
from caseapp.core.clock import local_today
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_tail_search_leads_to_the_case_page_with_the_extension_and_fee_next_steps(
        page, live_server, db, make_agency, make_user, make_case, screenshot):
    agency = make_agency("SFZJ", "示范市住房和城乡建设局", letter_number_pattern="示建信公〔{year}〕{seq}号",
                         reconsideration_body="示范市人民政府")
    clerk = make_user("clerk", agency=agency, username="hub_clerk")
    supervisor = make_user("supervisor", agency=agency, username="hub_supervisor")
    today = local_today()
    case = make_case("in_progress", agency=agency, handler=clerk, received_on=today, today=today,
                     description="申请公开人民路旧住房成套改造项目的征收补偿方案及评估报告。")
    act("request_extension", case, clerk, {"days": 15, "reason": "所需信息涉及多个部门，需协调核实。"})
    act("approve_extension", case, supervisor, {})
    act("propose_fee", case, clerk, {"basis": "pages", "count": 250})
    db.session.commit()
    tail = str(int(case.tracking_number.rsplit("-", 1)[1]))

    page.goto(live_server + "/office/login")
    page.fill("input[name=username]", clerk.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(live_server + "/office/cases")  # the default tab
    page.fill("input[name=q]", tail)
    page.press("input[name=q]", "Enter")
    page.wait_for_url(re.compile(rf"/office/cases/{case.tracking_number}$"))
    panel = page.locator("#letters").inner_text()
    assert "延期答复告知书待签发，期限已变更为" + case.due_on.isoformat() in panel
    assert "待领导审批" in page.locator("#letters tr[data-fee=proposed]").inner_text()
    assert "版本" not in page.locator("h1").locator("..").inner_text()  # no internal version counter
    screenshot("office-case-hub-extension-fee")

    # The extension notice's page leads back to the case.
    page.click("#letters a:has-text('延期答复告知书')")
    page.wait_for_url(re.compile(r"/office/letters/\d+$"))
    page.click(f".breadcrumb a:has-text('{case.tracking_number}')")
    page.wait_for_url(re.compile(rf"/office/cases/{case.tracking_number}$"))
    page.click("text=制作文书、申请延期或收费")
    assert page.locator(".breadcrumb").inner_text().count(case.tracking_number) == 1
    assert "pages" not in page.locator("main").inner_text()  # the fee's basis by its label, not its code
    screenshot("office-case-letters-page")
