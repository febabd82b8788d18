"""In the browser: a clerk converts a disclosed request to proactive disclosure, a supervisor
approves it, and the entry appears in the public column (also on a phone) and in the Atom feed."""
from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _login(page, base, user):
    page.goto(base + "/office/login")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def test_clerk_converts_supervisor_approves_entry_is_public(page, browser, live_server, db, make_agency, make_user,
                                                           make_case, make_pdf, screenshot, tmp_path,
                                                           release_version):
    agency = make_agency("SFJY", "示范市教育局")
    clerk = make_user("clerk", agency=agency, username="jy_clerk_b")
    supervisor = make_user("supervisor", agency=agency, username="jy_supervisor_b")
    earlier = make_case(status="closed", agency=agency, handler=clerk, applicant_name="赵六",
                        description="申请公开滨江区2026年公办小学学区划分方案（滨教〔2026〕7号）。")
    case = make_case(status="closed", agency=agency, handler=clerk, applicant_name="王小明",
                     id_number="110105198001010016", address="示范市滨江区长江路88号",
                     description="请提供滨教〔2026〕7号文件，即滨江区公办小学施教区范围。")

    third = make_case(status="closed", agency=agency, handler=clerk, applicant_name="孙七",
                      id_number="440524198001010013", description="申请公开滨江区小学学区划分方案（滨教〔2026〕7号）。")
    from caseapp.disclosure import operations as ops
    from caseapp.intake.operations import suggest_proactive_disclosure

    item = ops.start_item(earlier, title="滨江区2026年公办小学学区划分方案", actor=clerk)
    ops.link_case(third, item, actor=clerk)
    suggest_proactive_disclosure(third, text="建议将学区划分方案在网站上主动公开，方便家长查询。")
    db.session.commit()
    # The records found for the request, released as they are (the records tests cover redaction).
    version = release_version(case, make_pdf("滨江区2026年公办小学学区划分方案\n实验小学：长江路以南、解放路以东"),
                              title="学区划分方案（脱敏）")

    _login(page, live_server, clerk)
    page.goto(f"{live_server}/office/cases/{case.tracking_number}")
    panel = page.locator("#disclosure")
    assert earlier.tracking_number in panel.inner_text()  # the earlier request for the same document
    screenshot("disclosure-case-panel")
    page.click("#convert-case")
    page.fill("input[name=title]", "滨江区2026年公办小学学区划分方案")
    page.fill("textarea[name=summary]", "滨江区各公办小学2026年施教区范围（滨教〔2026〕7号）。")
    page.select_option("select[name=topic]", "education")
    page.click("#save-draft")
    page.wait_for_url(re.compile(r"/office/disclosure/entries/\d+$"))
    entry_url = page.url
    page.select_option("select[name=record_id]", str(version.id))
    page.click("#attach-document")
    assert "学区划分方案（脱敏）.pdf" in page.content()
    assert page.locator("#findings-clear").count() == 1
    assert page.locator("#approve-entry").count() == 0  # a clerk cannot approve
    screenshot("disclosure-entry-draft")

    page.goto(f"{live_server}/office/cases/{case.tracking_number}")
    page.click("#disclosure >> text=将本申请关联至该事项")  # link to the earlier request's item
    assert "事项" in page.locator("#case-item").inner_text()

    context = browser.new_context()
    sup = context.new_page()
    _login(sup, live_server, supervisor)
    sup.goto(live_server + "/office/disclosure/")
    assert "滨江区2026年公办小学学区划分方案" in sup.locator("#drafts").inner_text()
    candidates = sup.locator("#candidates").inner_text()
    assert "滨江区2026年公办小学学区划分方案" in candidates  # three applicants, disclosed
    import os

    from tests.conftest import ARTIFACTS

    os.makedirs(ARTIFACTS, exist_ok=True)
    sup.screenshot(path=os.path.join(ARTIFACTS, "disclosure-overview.png"), full_page=True)
    sup.goto(live_server + "/office/disclosure/suggestions")
    sup.check("input[name=decision][value=agree]")
    sup.fill("textarea[name=reason]", "该方案已转为主动公开，可在“依申请公开转主动公开”专栏查阅。")
    sup.click("button.answer-submit")
    assert "同意" in sup.content()
    sup.screenshot(path=os.path.join(ARTIFACTS, "disclosure-suggestions.png"), full_page=True)
    sup.goto(entry_url)
    sup.click("#approve-entry")
    sup.wait_for_url(entry_url)
    assert "已发布" in sup.locator("#entry-status").inner_text()
    sup.screenshot(path=os.path.join(ARTIFACTS, "disclosure-entry-published.png"), full_page=True)
    context.close()

    page.goto(live_server + "/public/?q=学区划分")
    assert page.locator("#public-entries >> text=滨江区2026年公办小学学区划分方案").count() == 1
    screenshot("public-column")
    page.click("#public-entries a >> nth=0")
    assert page.locator("#entry-title").inner_text() == "滨江区2026年公办小学学区划分方案"
    for value in ("王小明", "赵六", "长江路88号"):
        assert value not in page.content()
    screenshot("public-entry")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server + "/public/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400  # no sideways scrolling on a phone
    screenshot("public-column-mobile")
    feed = page.request.get(live_server + "/public/feed.atom")
    assert feed.ok and "滨江区2026年公办小学学区划分方案" in feed.text()
