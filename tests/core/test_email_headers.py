"""Issue 22, item 5: the headers of the e-mails the outbox writes, read back from the .eml files in
$CASEAPP_DATA_DIR/mail/ as a mail client parses them."""
from __future__ import annotations

import email
import shutil
from datetime import date, datetime, timedelta
from email import policy
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from caseapp.core.clock import SHANGHAI, utcnow

RECEIVED = date(2026, 11, 3)


@pytest.fixture
def mails(app, monkeypatch):
    """The parsed .eml files written during the test, oldest first; the site at its public address."""
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://ysqgk.example.gov.cn")
    monkeypatch.setitem(app.config, "MAIL_SENDER", "noreply@mail.example.gov.cn")
    folder = Path(app.config["DATA_DIR"]) / "mail"
    shutil.rmtree(folder, ignore_errors=True)

    def read() -> list:
        return [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in sorted(folder.glob("*.eml"))]

    yield read
    shutil.rmtree(folder, ignore_errors=True)


def test_applicant_email_headers(db, make_agency, make_case, mails):
    agency = make_agency("SFJY", "示范市教育局")
    case = make_case(agency=agency, received_on=RECEIVED, today=RECEIVED, email="wangwu@example.com")
    [message] = mails()
    raw = message.as_bytes()

    # From: the agency's name (RFC 2047-encoded by the email library) at the configured address.
    assert b"=?utf-8?" in raw.split(b"\nTo:")[0]
    [sender] = message["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("示范市教育局", "noreply@mail.example.gov.cn")
    assert message["To"] == "wangwu@example.com"
    assert case.tracking_number in message["Subject"]

    # Date: Beijing time, +0800, and now.
    assert message["Date"].endswith("+0800")
    sent = parsedate_to_datetime(message["Date"])
    assert sent.utcoffset() == timedelta(hours=8)
    assert abs(sent - utcnow()) < timedelta(minutes=1)

    # Message-ID on the public site's domain, unique per message.
    message_id = message["Message-ID"].strip()  # folded onto its own line when long (RFC 5322 allows it)
    assert message_id.startswith("<") and message_id.endswith("@ysqgk.example.gov.cn>")
    assert "localhost" not in message["Message-ID"]

    assert message["Auto-Submitted"] == "auto-generated"

    # A text/plain part and its HTML alternative, with the same words and the link clickable.
    link = f"https://ysqgk.example.gov.cn/track?tracking_number={case.tracking_number}"
    body = message.get_body(preferencelist=("plain",))
    assert body is not None and body.get_content_type() == "text/plain"
    assert link in body.get_content()
    html = message.get_body(preferencelist=("html",))
    assert html is not None and html.get_content_type() == "text/html"
    assert f'<a href="{link}">' in html.get_content().replace("&amp;", "&")
    assert case.tracking_number in html.get_content() and "<script" not in html.get_content()


def test_message_ids_differ_and_the_date_follows_beijing_across_midnight(app, db, make_agency, make_case, mails,
                                                                        clock):
    agency = make_agency("SFJY", "示范市教育局")
    # 17:30 UTC is 01:30 the next day in Beijing: the Date says the Beijing day and hour.
    clock.move_to(datetime(2026, 11, 11, 1, 30, tzinfo=SHANGHAI))
    make_case(agency=agency, received_on=RECEIVED, today=RECEIVED, email="a@example.com")
    make_case(agency=agency, received_on=RECEIVED, today=RECEIVED, email="b@example.com")
    first, second = mails()
    assert first["Message-ID"].strip() != second["Message-ID"].strip()
    assert "11 Nov 2026 01:3" in first["Date"] and first["Date"].endswith("+0800")


def test_a_message_without_a_sender_name_has_the_bare_address(app, db, mails):
    from caseapp.core.outbox import build_email, queue_email

    msg = queue_email("x@example.com", "测试", "正文", kind="test")
    db.session.flush()
    built = build_email(msg, "报告 <noreply@mail.example.gov.cn>")
    [sender] = built["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("", "noreply@mail.example.gov.cn")
    assert built["Auto-Submitted"] == "auto-generated" and built["Date"].endswith("+0800")
    db.session.rollback()
