"""Issue 14 items 10-12 in Debian's Chromium: the tracking page during a fee notice, the error
summary's links on a phone-width page, and the organisation labels switching with the applicant type."""
from __future__ import annotations

import os
import re
from datetime import date

import pytest

from caseapp.extensions import db as _db
from caseapp.fees import operations as fee_ops
from caseapp.letters import operations as letter_ops
from caseapp.letters.models import Letter
from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

HOW_TO_PAY = "凭本通知书通过示范市非税收入统一缴款平台缴纳，缴款识别码见本通知书附件"


def _look_up(page, live_server, number: str, code: str) -> None:
    page.goto(live_server + "/track")
    page.get_by_label("申请编号", exact=True).fill(number)
    page.get_by_label("查询码", exact=True).fill(code)
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(re.compile(rf".*/track/{re.escape(number)}$"))


def test_tracking_page_during_a_fee_notice(page, live_server, letter_world, screenshot):
    w = letter_world
    case = w["case"]
    served = date(2026, 11, 12)
    fee_ops.propose_fee(case, actor=w["clerk"], basis="pages", count=150, today=served)
    fee = fee_ops.approve_fee(case, actor=w["supervisor"], how_to_pay=HOW_TO_PAY, today=served)
    notice = _db.session.get(Letter, fee.letter_id)
    letter_ops.issue_letter(notice, actor=w["clerk"], delivery={"method": "hand", "date": served.isoformat()},
                            today=served)
    _db.session.commit()
    pay_by = fee.pay_by

    _look_up(page, live_server, case.tracking_number, case.query_code)
    assert page.get_by_test_id("status").inner_text() == "待缴费"
    step = page.get_by_test_id("next-fee")
    assert step.is_visible()
    text = step.inner_text()
    assert "请缴纳信息处理费" in text and "1700元" in text and HOW_TO_PAY in text
    assert f"{pay_by.year}年{pay_by.month}月{pay_by.day}日前" in text
    assert step.get_by_role("link", name="政府信息公开信息处理费缴费通知书").is_visible()
    progress = page.locator(".portal-timeline").inner_text()
    assert "出具信息处理费缴费通知书，应缴金额1700元" in progress
    assert page.get_by_role("link", name="下载回执").is_visible()
    assert page.get_by_role("button", name="退出查询").is_visible()
    screenshot("portal-case-fee-notice")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("portal-case-fee-notice-mobile")


def test_error_summary_links_move_focus_on_a_phone(page, live_server, make_agency, screenshot):
    make_agency("SFJY", "示范市教育局")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server + "/apply")
    page.get_by_label("受理机关", exact=True).select_option("SFJY")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_load_state()

    summary = page.locator("[data-form-errors]")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.hasAttribute('data-form-errors')")  # focused on load
    assert summary.get_by_role("heading", name="请修改以下内容").is_visible()
    screenshot("portal-error-summary-mobile")

    link = summary.get_by_role("link", name="请填写所需政府信息的内容描述。")
    link.click()
    assert page.evaluate("document.activeElement.id") == "description"
    # Scrolled into view on the phone (Bootstrap scrolls smoothly: wait for it to settle).
    page.wait_for_function("() => { const r = document.getElementById('description').getBoundingClientRect();"
                           " return r.top >= 0 && r.bottom <= window.innerHeight; }", timeout=5000)
    # What the phone shows after the click: its viewport, not the whole page.
    page.screenshot(path=os.path.join(ARTIFACTS, "portal-error-summary-focus-mobile.png"))

    summary.get_by_role("link").first.click()  # back to the top of the form: the name field
    assert page.evaluate("document.activeElement.id") == "applicant_name"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_organisation_labels_switch_with_the_applicant_type(page, live_server, make_agency, screenshot):
    make_agency("SFJY", "示范市教育局")
    page.goto(live_server + "/apply")
    assert page.locator("label[for=applicant_name]").inner_text().strip() == "姓名"
    page.get_by_label("商业企业").check()
    assert page.locator("label[for=applicant_name]").inner_text().strip() == "单位名称"
    assert page.locator("label[for=id_scan]").inner_text().strip() == "营业执照或登记证书扫描件或照片（选填）"
    page.get_by_label("单位名称").fill("示范市某某科技有限公司")
    page.get_by_label("统一社会信用代码").fill("91350100M000100Y44")  # wrong last character
    page.get_by_label("联系人").fill("李四")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_load_state()
    assert "统一社会信用代码的校验位（最后一位）不正确" in page.locator("[data-form-errors]").inner_text()
    assert page.locator("label[for=applicant_name]").inner_text().strip() == "单位名称"
    screenshot("portal-apply-organisation-errors")
    page.get_by_label("公民（自然人）").check()
    assert page.locator("label[for=applicant_name]").inner_text().strip() == "姓名"


AXE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                   "node_modules", "axe-core", "axe.min.js")


def _serious_violations(page) -> list[dict]:
    page.add_script_tag(path=AXE)
    result = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag', values:
                              ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})""")
    return [{"id": v["id"], "help": v["help"], "nodes": [n["html"][:160] for n in v["nodes"][:3]]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_fee_step_and_error_summary_have_no_serious_axe_violation(browser, live_server, letter_world):
    assert os.path.exists(AXE), "run `npm ci` (axe-core is a devDependency in package.json)"
    w = letter_world
    case = w["case"]
    fee_ops.propose_fee(case, actor=w["clerk"], basis="pages", count=150, today=date(2026, 11, 12))
    fee = fee_ops.approve_fee(case, actor=w["supervisor"], how_to_pay=HOW_TO_PAY, today=date(2026, 11, 12))
    letter_ops.issue_letter(_db.session.get(Letter, fee.letter_id), actor=w["clerk"],
                            delivery={"method": "hand", "date": "2026-11-12"}, today=date(2026, 11, 12))
    _db.session.commit()
    # axe-core is injected by the test only, past the site's CSP.
    context = browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        _look_up(page, live_server, case.tracking_number, case.query_code)
        assert _serious_violations(page) == []
        page.goto(live_server + "/apply")
        page.get_by_role("button", name="提交申请").click()
        page.wait_for_load_state()
        assert page.locator("[data-form-errors]").is_visible()
        assert _serious_violations(page) == []
    finally:
        context.close()
