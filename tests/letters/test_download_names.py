"""Download names of letters and enclosures keep the Chinese name (RFC 5987 `filename*`) and give
clients without it an ASCII name with the tracking number and the kind (issue 22, item 6)."""
from __future__ import annotations

from datetime import date
from urllib.parse import quote

import pytest

from caseapp.core.downloads import content_disposition
from caseapp.letters import operations as ops

TODAY = date(2026, 11, 20)
pytestmark = pytest.mark.frozen_at(TODAY)
POST = {"method": "post", "date": "2026-11-19", "reference": "XA123456789CN"}


def _issue(w, template, fields):
    letter = ops.draft_letter(w["case"], actor=w["clerk"], template=template, fields=fields)
    ops.submit_letter(letter, actor=w["clerk"])
    ops.approve_letter(letter, actor=w["supervisor"])
    ops.issue_letter(letter, actor=w["clerk"], delivery=POST, today=TODAY)
    return letter


def test_a_chinese_name_keeps_its_utf8_form_beside_the_ascii_fallback():
    value = content_disposition("示教信公〔2026〕1号.pdf", "SFJY-2026-000001-reply.pdf")
    assert value == ("attachment; filename=\"SFJY-2026-000001-reply.pdf\"; "
                     f"filename*=UTF-8''{quote('示教信公〔2026〕1号.pdf')}")
    assert content_disposition("a.pdf", "a.pdf", inline=True) == 'inline; filename="a.pdf"'
    # Quotes, separators and line breaks never reach the header.
    assert content_disposition('x"/\r\nSet-Cookie: a.pdf', 'x"\r\n.pdf') == (
        "attachment; filename=\"x_.pdf\"; filename*=UTF-8''x_Set-Cookie_%20a.pdf")


def test_letter_downloads_name_the_tracking_number_and_the_kind(db, client, letter_world):
    from caseapp.accounts.operations import create_token

    w = letter_world
    case = w["case"]
    reply = _issue(w, "disclosed", {"provided": "《示范市招生工作实施意见》，随本答复书提供。"})
    notice = _issue(w, "receipt", {})
    token = create_token(w["clerk"])
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    for letter, kind in ((reply, "reply"), (notice, "receipt")):
        for ext in ("pdf", "docx"):
            resp = client.get(f"/api/v1/cases/{case.tracking_number}/letters/{letter.id}.{ext}", headers=headers)
            assert resp.status_code == 200
            value = resp.headers["Content-Disposition"]
            assert value.startswith(f'attachment; filename="{case.tracking_number}-{kind}.{ext}"'), value
            assert f"filename*=UTF-8''{quote(f'{letter.number}.{ext}')}" in value
    public = client.get(f"/api/v1/requests/{case.tracking_number}/letters/{reply.id}.pdf",
                        headers={"X-Query-Code": case.query_code})
    assert f'filename="{case.tracking_number}-reply.pdf"' in public.headers["Content-Disposition"]
