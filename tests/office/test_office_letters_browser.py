"""The letter composer in the browser: what the clerk types is saved and submitted in one go, the
autosave keeps a draft, the preview sits beside the fields, a disclosure that says nothing cannot be
submitted, and the supervisor's approval shows the letter inline and asks before approving
(Playwright on Debian's Chromium, screenshots under test-artifacts/)."""
from __future__ import annotations

import os
import re

import pytest

from caseapp.letters.models import Letter
from tests.conftest import ARTIFACTS, PASSWORD
from tests.letters.conftest import pdf_text, squash

pytestmark = pytest.mark.browser

TYPED = "《示范市2026年义务教育阶段招生入学工作实施意见》（示教发〔2026〕5号），随本答复书一并提供。"


def _login(page, live_server, user):
    page.goto(live_server + "/office/login")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/office/?$"))


def test_clerk_drafts_and_submits_in_one_go_and_the_typed_text_is_in_the_approved_pdf(
        page, browser, live_server, db, make_agency, make_user, make_case, screenshot):
    agency = make_agency("SFJY", "示范市教育局", letter_number_pattern="示教信公〔{year}〕{seq}号",
                         reconsideration_body="示范市人民政府")
    clerk = make_user("clerk", agency=agency, username="composer_clerk")
    supervisor = make_user("supervisor", agency=agency, username="composer_supervisor")
    case = make_case("in_progress", agency=agency, handler=clerk)

    _login(page, live_server, clerk)
    page.goto(f"{live_server}/office/letters/case/{case.tracking_number}")
    page.select_option("form[data-action=draft_letter] select[name=template]", "disclosed")
    page.click("form[data-action=draft_letter] button[type=submit]")
    page.wait_for_url(re.compile(r"/office/letters/\d+$"))
    letter_url = page.url
    # The breadcrumbs lead back to the case; the preview sits beside the fields.
    assert page.locator(".breadcrumb a", has_text=case.tracking_number).count() == 1
    assert page.locator("iframe#letter-preview").count() == 1
    # A disclosure that says neither what nor where cannot be submitted: the page says what is missing.
    assert "提交审批前还需填写" in page.locator("#letter-missing").inner_text()

    # Autosave: typing and waiting stores the draft without pressing any button.
    page.fill("input[name=f_public_location]", "示范市教育局门户网站“政府信息公开”专栏")
    page.wait_for_selector("#letter-composer[data-saved-at]", timeout=15000)
    db.session.rollback()
    letter = db.session.query(Letter).filter_by(case_id=case.id).one()
    assert letter.fields["public_location"] == "示范市教育局门户网站“政府信息公开”专栏"
    assert letter.status == "draft"
    assert not page.locator("#letter-missing").is_visible()  # the saved draft now says where it is published

    # The clerk types the content and presses 提交审批 straight away: the text is saved, then submitted.
    page.fill("textarea[name=f_provided]", TYPED)
    screenshot("letter-composer-typed")
    page.click("#submit-letter")
    page.wait_for_url(letter_url)
    assert "已保存并提交审批" in page.content()
    assert page.locator("#letter-status").inner_text() == "待审批"
    screenshot("letter-composer-submitted")
    db.session.rollback()
    letter = db.session.get(Letter, letter.id)
    assert letter.status == "submitted" and letter.fields["provided"] == TYPED

    # The supervisor sees the letter inline and is asked before approving.
    context = browser.new_context(locale="zh-CN")
    other = context.new_page()
    _login(other, live_server, supervisor)
    other.goto(letter_url)
    assert other.locator("iframe#letter-preview").count() == 1
    assert "批准后" in other.locator("#letter-consequences").inner_text()
    questions = []
    other.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    other.click("form[data-action=approve_letter] button[type=submit]")
    assert questions and "批准" in questions[0]
    db.session.rollback()
    assert db.session.get(Letter, letter.id).status == "submitted"  # dismissed: nothing happened
    other.once("dialog", lambda dialog: dialog.accept())
    other.click("form[data-action=approve_letter] button[type=submit]")
    other.wait_for_url(letter_url)
    assert other.locator("#letter-status").inner_text().startswith("已批准")
    other.screenshot(path=os.path.join(ARTIFACTS, "letter-approved.png"), full_page=True)
    pdf = other.request.get(letter_url + "/preview.pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert squash(TYPED) in squash(pdf_text(pdf.body()))
    context.close()
