"""The pages of issue 26, items 2 and 4, in Chromium at 1366 px: the supervisors' list of
supervision orders, the handler's feedback on the case page, the notifications with their read
state, and the tracking page marking what is new. axe-core finds no serious violation on them."""
from __future__ import annotations

import os
from datetime import timedelta

import pytest

from tests.conftest import PASSWORD
from tests.jobs.supervision_helpers import open_order
from tests.office.test_office_axe_browser import AXE, _serious

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser):
    context = browser.new_context(bypass_csp=True, viewport={"width": 1366, "height": 900})
    yield context.new_page()
    context.close()


def _login(page, live_server, user):
    page.context.clear_cookies()
    page.goto(live_server + "/office/login")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_supervision_orders_and_notifications_in_the_browser(page, live_server, db, make_agency, make_user,
                                                             make_case, screenshot):
    from caseapp.jobs.supervision import answer_supervision_order

    assert os.path.exists(AXE), "run `npm ci` (axe-core is a devDependency in package.json)"
    agency = make_agency("SFJY", "示范市教育局")
    clerk = make_user("clerk", agency=agency, username="wang_clerk")
    supervisor = make_user("supervisor", agency=agency, username="li_supervisor")
    waiting = make_case("in_progress", agency=agency, handler=clerk, description="申请公开2026年学区划分方案。")
    answered = make_case("in_progress", agency=agency, handler=clerk, description="申请公开校舍安全检查报告。")
    orders = [open_order(waiting), open_order(answered)]
    for order in orders:
        order.due_on = order.due_on - timedelta(days=30)  # as if run late: 10 days overdue today
    answer_supervision_order(orders[1], actor=clerk, feedback="已完成检索，涉及第三方，已发征求意见函，预计12月18日前答复。")
    db.session.commit()  # opening each order notified the handler (the bell shows 2)

    _login(page, live_server, supervisor)
    page.goto(live_server + "/office/supervision/orders")
    assert page.locator("#supervision-orders tbody tr").count() == 2
    assert page.get_by_role("button", name="办结督办单").count() == 1  # only the answered one
    assert _serious(page) == []
    screenshot("issue26-supervision-orders-1366")
    for width in (1024, 1920):  # the table fits (or scrolls inside its box) at the other widths too
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(f"issue26-supervision-orders-{width}")
    page.set_viewport_size({"width": 1366, "height": 900})

    _login(page, live_server, clerk)
    assert page.locator("#notification-count").inner_text() == "2"
    page.goto(live_server + "/office/notifications")
    assert _serious(page) == []
    screenshot("issue26-notifications-1366")
    page.locator("#notification-list a").first.click()
    page.wait_for_load_state()
    assert "/office/cases/" in page.url and page.locator("#notification-count").inner_text() == "1"
    page.fill("#supervision-feedback-form textarea", "已补充检索，三个工作日内答复。")
    page.locator("#supervision-feedback-form").screenshot(path=os.path.join(os.path.dirname(screenshot("x")),
                                                                           "issue26-feedback-form-1366.png"))
    page.click("#supervision-feedback-form button[type=submit]")
    page.wait_for_load_state()
    assert "已补充检索" in page.locator("#supervision-feedback").inner_text()
    screenshot("issue26-case-feedback-1366")


def test_the_tracking_page_marks_new_progress_in_the_browser(page, live_server, db, make_case, screenshot):
    from caseapp.cases import operations as ops
    from caseapp.core.clock import local_today

    case = make_case("submitted")
    page.goto(live_server + "/track")
    page.fill("input[name=tracking_number]", case.tracking_number)
    page.fill("input[name=query_code]", case.query_code)
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".timeline-new").count() == 0
    from caseapp.accounts.queries import first_active_user

    ops.accept_case(case, actor=first_active_user(case.agency_id, "clerk"), today=local_today())
    db.session.commit()
    page.reload()
    assert page.locator(".timeline-new").count() == 1
    assert _serious(page) == []
    screenshot("issue26-track-new-1366")
