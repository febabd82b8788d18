def test_healthz(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.get_json()["status"] == "ok"


def test_every_page_names_the_icon_and_favicon_ico_leads_to_it(client):
    page = client.get("/")
    assert 'rel="icon"' in page.get_data(as_text=True)
    resp = client.get("/favicon.ico")
    assert resp.status_code == 301 and resp.headers["Location"].endswith("/static/favicon.svg")
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and icon.data.startswith(b"<svg")


def test_an_office_refusal_keeps_the_office_layout_and_a_portal_error_the_portals(client, login, make_user):
    clerk = make_user("clerk")
    login(clerk)
    refused = client.get("/office/admin/")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 403 and 'id="notification-bell"' in page and "返回概览" in page
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and "notification-bell" not in missing.get_data(as_text=True)
