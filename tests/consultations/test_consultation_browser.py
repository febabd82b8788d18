"""In the browser: a clerk consults a department, its liaison answers, the clerk sees the opinion
(Playwright on Debian's Chromium, screenshots under test-artifacts/)."""
from __future__ import annotations

import os
import re

import pytest

from caseapp.accounts.operations import create_department
from caseapp.core.clock import local_today
from tests.conftest import ARTIFACTS, PASSWORD

pytestmark = pytest.mark.browser


def screenshot(name: str, page) -> None:
    """Save a full-page screenshot of one of the test's pages under test-artifacts/."""
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, f"{name}.png"), full_page=True)


def _login(page, live_server, user):
    page.goto(live_server + "/office/login")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/office/?$"))


def test_clerk_consults_department_liaison_answers(browser, live_server, db, make_agency, make_user, make_case):
    agency = make_agency("SFJT", "示范市交通运输局")
    create_department(agency, "GLC", "公路管理处")
    db.session.commit()
    clerk = make_user("clerk", agency=agency, username="jt_clerk")
    liaison = make_user("liaison", agency=agency, username="jt_liaison", department=agency.departments[1])
    today = local_today()
    case = make_case(status="in_progress", agency=agency, handler=clerk, received_on=today, today=today,
                     description="申请公开示范市2026年国省道养护工程招标文件及中标结果。")
    case.handler_id = clerk.id
    db.session.commit()
    number = case.tracking_number

    clerk_ctx = browser.new_context(locale="zh-CN")
    page = clerk_ctx.new_page()
    _login(page, live_server, clerk)
    page.goto(f"{live_server}/office/cases/{number}")
    page.click("#consult-link")
    assert page.locator("h1").inner_text().startswith("征求意见")
    page.check("input[name=kind][value=department]")
    page.select_option("select[name=department]", "GLC")
    page.fill("textarea[name=question]", "请核实中标结果是否已在交通运输局网站公示，并就公开范围提出意见。")
    screenshot("consultation-form", page)
    page.click("#consult-submit")
    page.wait_for_url(re.compile(rf"/office/cases/{number}"))
    panel = page.locator("#consultations")
    assert "公路管理处" in panel.inner_text() and "待答复" in panel.inner_text()
    screenshot("consultation-sent", page)

    liaison_ctx = browser.new_context(locale="zh-CN")
    lpage = liaison_ctx.new_page()
    _login(lpage, live_server, liaison)
    assert lpage.locator("#notification-count").inner_text() == "1"
    lpage.goto(live_server + "/office/consultations")
    screenshot("consultation-liaison-inbox", lpage)
    lpage.click(f"text={number}")
    assert "请核实中标结果" in lpage.locator("#consultation-question").inner_text()
    lpage.check("#answer-form input[name=opinion][value=partial]")
    lpage.fill("#answer-form textarea[name=reasons]", "中标结果已公示，可以公开；招标文件中投标人报价明细涉及商业秘密，建议不予公开。")
    screenshot("consultation-liaison-answer", lpage)
    lpage.click("#answer-submit")
    lpage.wait_for_url(re.compile(r"/office/consultations/\d+$"))
    assert lpage.locator("#consultation-opinion").inner_text() == "部分同意公开"
    screenshot("consultation-liaison-answered", lpage)

    page.goto(f"{live_server}/office/cases/{number}")
    opinion = page.locator("#consultations .consultation-opinion").first.inner_text()
    assert "部分同意公开" in opinion and "商业秘密" in opinion
    assert "已答复" in page.locator("#consultations").inner_text()
    assert page.locator("#notification-count").inner_text() == "1"  # the answer's notification
    screenshot("consultation-clerk-sees-opinion", page)
    page.click("#notification-bell")
    assert "已答复" in page.locator("#notification-list").inner_text()
    screenshot("consultation-notifications", page)
    clerk_ctx.close()
    liaison_ctx.close()


def test_supervisor_dashboard_and_supervision_order(browser, live_server, db, make_agency, make_user, make_case):
    from datetime import timedelta

    from caseapp.calendar.service import load_calendar
    from caseapp.jobs.sweep import sweep
    from caseapp.core.db import writing

    agency = make_agency("SFSJ", "示范市审计局")
    clerk = make_user("clerk", agency=agency, username="sj_clerk")
    supervisor = make_user("supervisor", agency=agency, username="sj_supervisor")
    today = local_today()
    cal = load_calendar()
    received = today
    while cal.working_days_between(received, today) < 25:  # received 25 working days ago: 5 days overdue
        received -= timedelta(days=1)
    late = make_case(status="in_progress", agency=agency, handler=clerk, received_on=received, today=received,
                     description="申请公开示范市2025年度预算执行审计工作报告。")
    late.handler_id = clerk.id
    db.session.commit()
    assert late.due_on < today
    with writing():
        sweep(today)
        db.session.commit()

    ctx = browser.new_context(locale="zh-CN")
    page = ctx.new_page()
    _login(page, live_server, supervisor)
    assert page.locator("#notification-count").inner_text() == "1"
    page.goto(live_server + "/office/supervision")
    board = page.locator("#supervision-board").inner_text()
    assert "sj_clerk" in board
    screenshot("supervision-dashboard", page)
    page.click(f"#supervision-board a[href*='tab=overdue'][href*='handler={clerk.id}'] >> nth=0")
    page.wait_for_url(re.compile(r"/office/cases\?"))
    assert late.tracking_number in page.content()
    page.goto(f"{live_server}/office/cases/{late.tracking_number}")
    assert "督办单" in page.locator("#supervision-order").inner_text()
    screenshot("supervision-order-on-case", page)
    ctx.close()


def test_clerk_cancels_a_third_party_consultation(browser, live_server, db, make_agency, make_user, make_case):
    """The consultation's page offers the cancellation with its reason; afterwards it says when and why."""
    from caseapp.consultations.operations import consult

    agency = make_agency("SFSW", "示范市商务局")
    clerk = make_user("clerk", agency=agency, username="sw_clerk")
    case = make_case(status="in_progress", agency=agency, handler=clerk,
                     description="申请公开示范市2026年外资企业名录及其投资额。")
    c = consult(case, actor=clerk, kind="third_party", question="是否同意公开贵公司的投资额？",
                third_party={"name": "示范外贸有限公司", "address": "示范市港口路8号"})
    db.session.commit()

    ctx = browser.new_context(locale="zh-CN")
    page = ctx.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    _login(page, live_server, clerk)
    page.goto(f"{live_server}/office/consultations/{c.id}")
    assert "撤销征求意见" in page.locator("#cancel-form").inner_text()
    page.fill("#cancel-reason", "申请人已撤回投资额部分，无需再征求意见。")
    screenshot("consultation-cancel-form", page)
    page.click("#cancel-form button[type=submit]")
    page.wait_for_url(re.compile(rf"/office/cases/{case.tracking_number}"))  # back to the case's consultations
    assert "征求意见已撤销。" in page.locator(".alert-success").inner_text()
    assert "已撤销" in page.locator("#consultations").inner_text()
    page.goto(f"{live_server}/office/consultations/{c.id}")
    assert "申请人已撤回投资额部分" in page.locator("#consultation-cancelled").inner_text()
    assert page.locator("#cancel-form").count() == 0 and page.locator("#record-form").count() == 0
    screenshot("consultation-cancelled", page)
    ctx.close()
