"""Apply -> receipt -> track -> withdraw in Chinese, in Debian's Chromium, with a screenshot of each page."""
from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def test_apply_receipt_track_withdraw(page, live_server, make_agency, screenshot):
    make_agency("SFJY", "示范市教育局")
    make_agency("SFZJ", "示范市住房和城乡建设局")

    page.goto(live_server + "/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "跳到正文"
    page.evaluate("document.activeElement.blur()")  # the visible skip link would shift the page under the mouse
    screenshot("portal-home")

    page.get_by_role("link", name="在线申请").click()
    page.wait_for_url(re.compile(r".*/apply$"))
    page.get_by_label("受理机关", exact=True).select_option("SFJY")
    # Organisation fields are hidden for a citizen and shown for an organisation.
    assert page.get_by_label("统一社会信用代码").is_hidden()
    page.get_by_label("商业企业").check()
    assert page.get_by_label("统一社会信用代码").is_visible()
    page.get_by_label("公民（自然人）").check()
    page.get_by_label("姓名", exact=True).fill("张三")
    page.get_by_label("证件号码").fill("11010519491231002X")
    page.get_by_label("联系电话").fill("13800138000")
    page.get_by_label("电子邮箱").fill("zhangsan@example.com")
    page.get_by_label("所需政府信息的内容描述").fill("申请公开2026年示范市义务教育阶段学校招生入学工作实施意见。")
    page.get_by_label("电子文本").check()
    page.get_by_label("网上下载").check()
    screenshot("portal-apply")
    page.get_by_role("button", name="提交申请").click()

    page.wait_for_url(re.compile(r".*/apply/receipt$"))
    assert "请妥善保管您的查询码，查询码只显示一次" in page.content()
    number = page.get_by_test_id("tracking-number").inner_text().strip()
    code = page.get_by_test_id("query-code").inner_text().strip()
    assert re.fullmatch(r"SFJY-\d{4}-\d{6}", number) and len(code) == 10
    screenshot("portal-receipt")

    # Start from a locked browser, as an applicant coming back later would.
    page.goto(live_server + f"/track/{number}")
    page.get_by_role("button", name="退出查询").click()
    page.wait_for_url(re.compile(r".*/track$"))
    page.get_by_label("申请编号", exact=True).fill(number)
    page.get_by_label("查询码", exact=True).fill(code)
    screenshot("portal-track")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(re.compile(rf".*/track/{re.escape(number)}$"))
    assert code not in page.url
    assert page.get_by_test_id("status").inner_text() == "待受理"
    screenshot("portal-case")

    page.get_by_role("link", name="撤回申请").click()
    page.wait_for_url(re.compile(r".*/withdraw$"))
    page.get_by_label("撤回理由（选填）").fill("已从其他渠道获得所需信息。")
    screenshot("portal-withdraw")
    page.get_by_role("button", name="确认撤回").click()
    page.wait_for_url(re.compile(rf".*/track/{re.escape(number)}$"))
    assert page.get_by_test_id("status").inner_text() == "已撤回"
    assert "您的申请已撤回。" in page.content()
    screenshot("portal-withdrawn")


def test_home_and_form_on_a_phone(page, live_server, make_agency, screenshot):
    make_agency("SFJY", "示范市教育局")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server + "/")
    screenshot("portal-home-mobile")
    page.goto(live_server + "/apply")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_load_state()
    assert page.locator(".invalid-feedback").count() > 0  # server messages beside the fields
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 390  # no horizontal scrolling on a phone
    screenshot("portal-apply-errors-mobile")
