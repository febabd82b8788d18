"""The redaction page in the browser (issue 21): a clerk previews the terms (highlighted where the
text is), draws an area with the mouse over a phone number, chooses the ground, gives the reason and
gets the redacted version on the case page with its log (Playwright on Debian's Chromium,
screenshots under test-artifacts/ at 1366 px wide)."""
from __future__ import annotations

import json
import re
import subprocess

import pytest

from caseapp.core.actions import act
from caseapp.core.inputs import Upload
from caseapp.records import pdf
from caseapp.records.files import read_stored
from caseapp.records.models import Record
from tests.conftest import PASSWORD
from tests.records import pdfs

pytestmark = pytest.mark.browser

LETTER = [["关于示范市人民路拆迁补偿的情况说明", "被征收人张三，联系电话13800138000，住人民路8号。",
           "经办人王五，审核人赵六。"], ["第二页：张三签字确认。"]]
PHONE = "13800138000"


@pytest.fixture
def browser_context_args(browser_context_args):
    """A Chinese browser, as the clerks use it (the file input's own button speaks Chinese too)."""
    return {**browser_context_args, "locale": "zh-CN"}


@pytest.fixture
def world(db, make_agency, make_user, make_case):
    agency = make_agency("SFZJ", "示范市住房和城乡建设局")
    clerk = make_user("clerk", agency=agency, username="records_clerk")
    case = make_case("in_progress", agency=agency, handler=clerk)
    added = act("add_record", case, clerk, {"file": [Upload("拆迁补偿情况说明.pdf", pdfs.text_pdf(LETTER))],
                                             "title": "拆迁补偿情况说明"})
    record = db.session.get(Record, added["record_id"])
    db.session.commit()
    return {"clerk": clerk, "case": case, "record": record, "data": read_stored(record, as_pdf=True)}


def _login(page, live_server, user):
    page.goto(live_server + "/office/login")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/office/?$"))


def _on_screen(page_box, rect, width_points=595.0):
    """A rect in PDF points as the pixels of the page image shown at page_box."""
    scale = page_box["width"] / width_points
    return {"x": page_box["x"] + rect[0] * scale, "y": page_box["y"] + rect[1] * scale,
            "width": (rect[2] - rect[0]) * scale, "height": (rect[3] - rect[1]) * scale}


def _close(a: dict, b: dict, tolerance: float = 2.5) -> bool:
    return all(abs(a[k] - b[k]) <= tolerance for k in ("x", "y", "width", "height"))


def test_clerk_previews_draws_and_redacts_and_sees_the_version_with_its_log(page, live_server, db, world, screenshot):
    case, record = world["case"], world["record"]
    page.set_viewport_size({"width": 1366, "height": 900})
    _login(page, live_server, world["clerk"])
    page.goto(f"{live_server}/office/cases/{case.tracking_number}")
    page.click(f"a[data-redact='{record.id}']")
    page.wait_for_url(re.compile(rf"/records/{record.id}/redact$"))
    page.wait_for_function("Array.from(document.querySelectorAll('.redact-page img')).every(i => i.complete && i.naturalWidth > 0)")

    # Preview: the places of the terms are highlighted over the page images, where the text is.
    page.fill("textarea[name=terms]", "张三\n王五")
    page.click("#preview-terms")
    page.wait_for_selector("#preview-result[data-hits]")
    assert page.locator(".redact-hit").count() == 3  # 张三 on pages 1 and 2, 王五 on page 1
    summary = page.locator("#preview-result").inner_text()
    assert "“张三”：共 2 处（第 1 页 1 处，第 2 页 1 处）" in summary and "“王五”：共 1 处" in summary
    page_one = page.locator(".redact-page[data-page='1']")
    box = page_one.bounding_box()
    expected = {(h.term, h.page): h.rects[0] for h in pdf.find_terms(world["data"], ["张三", "王五"])}
    shown = page.locator(".redact-page[data-page='1'] .redact-hit[title='王五']").bounding_box()
    assert _close(shown, _on_screen(box, expected[("王五", 1)])), (shown, expected[("王五", 1)])
    shown = page.locator(".redact-page[data-page='2'] .redact-hit").bounding_box()
    assert _close(shown, _on_screen(page.locator(".redact-page[data-page='2']").bounding_box(),
                                    expected[("张三", 2)]))
    screenshot("redaction-preview")

    # A box drawn with the mouse over the phone number, a little larger than the digits.
    [phone] = pdf.find_terms(world["data"], [PHONE])
    x0, y0, x1, y1 = phone.rects[0]
    target = _on_screen(box, (x0 - 2, y0 - 2, x1 + 2, y1 + 2))
    page.mouse.move(target["x"], target["y"])
    page.mouse.down()
    page.mouse.move(target["x"] + target["width"] / 2, target["y"] + target["height"] / 2, steps=5)
    page.mouse.move(target["x"] + target["width"], target["y"] + target["height"], steps=5)
    page.mouse.up()
    areas = json.loads(page.locator("input[name=areas]").input_value())
    assert len(areas) == 1 and areas[0]["page"] == 1
    drawn = areas[0]
    for key, want in (("x0", x0 - 2), ("y0", y0 - 2), ("x1", x1 + 2), ("y1", y1 + 2)):
        assert abs(drawn[key] - want) < 1.5, (key, drawn[key], want)
    assert page.locator(".redact-area").count() == 1 and page.locator("#area-list li").count() == 1
    assert "第 1 页区域" in page.locator("#area-list").inner_text()

    page.select_option("select[name=exemption]", "personal_privacy")
    page.fill("textarea[name=reason]", "被征收人的姓名、电话及经办人姓名属于个人隐私，公开会对其合法权益造成损害。")
    screenshot("redaction-ready")
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.click("#apply-redaction")
    page.wait_for_url(re.compile(rf"/office/cases/{case.tracking_number}#records$"))
    assert questions and "删除处理版本" in questions[0]

    # The case page: the new version under its original, with its log in words.
    assert "已生成删除处理版本" in page.content()
    version = page.locator("#records .record-version[data-kind='redacted']")
    assert version.count() == 1
    assert "删除处理版本" in version.inner_text() and "依据：个人隐私" in version.inner_text()
    log = version.locator("table.redaction-log tbody tr")
    assert log.count() == 4  # 张三 p.1, 张三 p.2, 王五 p.1, the area p.1
    rows = [log.nth(i).inner_text() for i in range(4)]
    assert any("“张三”" in r and "\t2\t" in r for r in rows) and any(r.startswith("区域") for r in rows)
    page.locator("#records").scroll_into_view_if_needed()
    screenshot("records-panel")

    db.session.rollback()
    redacted = db.session.query(Record).filter_by(kind="redacted").one()
    text = subprocess.run(["pdftotext", "-", "-"], input=read_stored(redacted), capture_output=True,
                          check=True).stdout.decode()
    assert PHONE not in text and "张三" not in text and "王五" not in text and "〔个人隐私〕" in text
    assert "赵六" in text  # nothing else went
