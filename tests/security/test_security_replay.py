"""Issue 13 items 1 and 6: a replayed filing never mints a query code; the receipt's code stays
server side and its PDF downloads once, even with a copied cookie."""
from __future__ import annotations

import re

import sqlalchemy as sa
from flask.sessions import SecureCookieSessionInterface

from caseapp.cases.models import Case
from caseapp.intake.models import ReceiptHold
from tests.intake.portal_helpers import apply_data


def _session_cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _decoded_session(app, client) -> dict:
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    return serializer.loads(_session_cookie(client))


def _code_from(html: str) -> str:
    return re.search(r'data-testid="query-code">([^<]+)<', html).group(1)


def test_apply_and_receipt_pages_are_never_cached(client, agency):
    assert client.get("/apply").headers["Cache-Control"] == "no-store"
    client.post("/apply", data=apply_data(client, "SFJY"))
    assert client.get("/apply/receipt").headers["Cache-Control"] == "no-store"
    assert client.get("/apply/receipt.pdf").headers["Cache-Control"] == "no-store"


def test_the_query_code_is_not_in_the_session_cookie(app, client, db, agency):
    client.post("/apply", data=apply_data(client, "SFJY"))
    raw_before = _session_cookie(client)
    code = _code_from(client.get("/apply/receipt").get_data(as_text=True))
    session = _decoded_session(app, client)
    assert code not in repr(session) and code not in raw_before and code not in _session_cookie(client)
    # The cookie holds a random key; the database holds the code sealed, not in clear.
    hold = db.session.scalar(sa.select(ReceiptHold))
    assert hold is not None and code not in hold.sealed_code and session["receipt_key"] not in hold.key_hash


def test_same_browser_resubmitting_sees_its_own_receipt(client, db, agency):
    data = apply_data(client, "SFJY")
    client.post("/apply", data=dict(data))
    resp = client.post("/apply", data=dict(data))
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/apply/receipt")
    html = client.get("/apply/receipt").get_data(as_text=True)
    assert "该表单已经提交过" in html and 'data-testid="query-code"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 1


def test_receipt_pdf_downloads_once_even_with_a_copied_cookie(app, client, db, agency):
    client.post("/apply", data=apply_data(client, "SFJY"))
    client.get("/apply/receipt")
    copied = app.test_client()
    copied.set_cookie("session", _session_cookie(client))
    first = client.get("/apply/receipt.pdf")
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    assert copied.get("/apply/receipt.pdf").status_code == 302  # the hold is gone server side
    assert copied.get("/apply/receipt").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReceiptHold)) == 0


def test_closing_the_request_pages_forgets_the_receipt(client, db, agency):
    from tests.conftest import csrf_from

    client.post("/apply", data=apply_data(client, "SFJY"))
    page = client.get("/track").get_data(as_text=True)
    client.post("/track/close", data={"csrf_token": csrf_from(page)})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReceiptHold)) == 0
    assert client.get("/apply/receipt").status_code == 302


def test_an_expired_hold_is_gone_and_purged_by_the_next_filing(app, db, make_case):
    from caseapp.intake.operations import hold_receipt
    from caseapp.intake.queries import get_held_receipt

    case = make_case()
    old = hold_receipt(case, case.query_code, seconds=-1)
    db.session.commit()
    assert get_held_receipt(old) is None
    fresh = hold_receipt(case, case.query_code)
    db.session.commit()
    held = get_held_receipt(fresh)
    assert held is not None and held.code == case.query_code and held.case_id == case.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReceiptHold)) == 1
    assert get_held_receipt("not-a-key") is None and get_held_receipt(None) is None
