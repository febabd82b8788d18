"""The applicant's side of a released record in Debian's Chromium: after the reply is issued, the
tracking page lists the letter and its enclosures, and the enclosure downloads with the number and
query code (issue 21, item 5)."""
from __future__ import annotations

import re

import pytest

from tests.letters.test_enclosures import TODAY, _issued, _records

pytestmark = [pytest.mark.browser, pytest.mark.frozen_at(TODAY)]


def test_the_applicant_sees_and_downloads_the_enclosures(db, page, live_server, letter_world, screenshot):
    w = letter_world
    w.update(_records(db, w["case"], w["clerk"]))
    _issued(w)
    db.session.commit()
    case = w["case"]
    page.goto(live_server + "/track")
    page.get_by_label("申请编号", exact=True).fill(case.tracking_number)
    page.get_by_label("查询码", exact=True).fill(case.query_code)
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(re.compile(rf".*/track/{re.escape(case.tracking_number)}$"))
    body = page.locator("main").inner_text()
    assert "拆迁补偿情况说明" in body and "招生计划表" in body
    for internal in ("as_is", "redacted", "original", "letter.issued", "disclosed"):
        assert internal not in body
    link = page.get_by_role("link", name=re.compile("拆迁补偿情况说明"))
    with page.expect_download() as download:
        link.first.click()
    path = download.value.path()
    with open(path, "rb") as f:
        data = f.read()
    assert data.startswith(b"%PDF") and data == open(_stored_path(w["redacted"]), "rb").read()
    screenshot("portal-reply-with-enclosures")


def _stored_path(record):
    from caseapp.core.filestore import open_path

    return open_path(record.storage_key)
