"""Issue 22, item 4: every absolute link the app writes comes from CASEAPP_PUBLIC_URL, whatever the
request's Host and X-Forwarded-Host say, also behind a trusted proxy (ProxyFix).

The attack: file a request under a victim's e-mail address with a forged Host; the agency's genuine
e-mail to the victim must not link to the forger's site. Likewise the receipt's link and QR code and
the public column's Atom feed (a reader or aggregator caches what the first fetch said).
"""
from __future__ import annotations

import email
import re
import shutil
import subprocess
from datetime import date
from email import policy
from pathlib import Path
from xml.etree import ElementTree

import pytest
import sqlalchemy as sa
from werkzeug.middleware.proxy_fix import ProxyFix

from caseapp.calendar.service import load_calendar
from caseapp.cases.models import Case
from caseapp.disclosure import operations as public_ops
from caseapp.intake import receipt as receipt_module
from caseapp.intake import views as intake_views
from tests.conftest import IsolatedClient
from tests.disclosure.conftest import make_pdf, release_version  # noqa: F401 - fixtures
from tests.intake.portal_helpers import apply_data

PUBLIC = "https://ysqgk.example.gov.cn"
ATOM = "{http://www.w3.org/2005/Atom}"

# (headers every request of the scenario carries, whether ProxyFix trusts one proxy)
SCENARIOS = {
    "forged Host": ({"Host": "evil.example"}, False),
    "forged Host and X-Forwarded-Host": (
        {"Host": "evil.example", "X-Forwarded-Host": "evil2.example", "X-Forwarded-Proto": "http"}, False),
    "behind a trusted proxy, forged X-Forwarded-Host": (
        {"Host": "evil.example", "X-Forwarded-Host": "evil2.example", "X-Forwarded-Proto": "http",
         "X-Forwarded-For": "203.0.113.9"}, True),
}


class HostClient(IsolatedClient):
    """A test client whose every request carries the scenario's headers (cookies kept as usual)."""

    forged: dict = {}

    def open(self, *args, **kwargs):
        kwargs["headers"] = {**self.forged, **(kwargs.get("headers") or {})}
        return super().open(*args, **kwargs)


@pytest.fixture(params=list(SCENARIOS), ids=list(SCENARIOS))
def forged(request, app, monkeypatch):
    """A client sending forged host headers, the public URL configured, ProxyFix in front when the
    scenario says (as create_app installs it with CASEAPP_TRUSTED_PROXIES=1)."""
    headers, proxied = SCENARIOS[request.param]
    monkeypatch.setitem(app.config, "PUBLIC_URL", PUBLIC)
    if proxied:
        monkeypatch.setattr(app, "wsgi_app", ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1))
    client = HostClient(app, app.response_class, use_cookies=True)
    client.forged = headers
    mail = Path(app.config["DATA_DIR"]) / "mail"
    shutil.rmtree(mail, ignore_errors=True)
    yield client
    shutil.rmtree(mail, ignore_errors=True)


def _no_forged_host(text: str) -> None:
    assert "evil" not in text and "localhost" not in text


def test_the_forged_headers_do_reach_the_app(app, forged):
    """The control: the request itself does see the forged host (so the tests below prove something)."""
    from flask import request, request_started

    seen = []

    def spy(sender, **extra):
        seen.append(request.host)

    request_started.connect(spy, app)
    try:
        forged.get("/healthz")
    finally:
        request_started.disconnect(spy, app)
    proxied = "X-Forwarded-For" in forged.forged
    assert seen == ["evil2.example" if proxied else "evil.example"]


def test_receipt_link_qr_and_email_use_the_public_url(app, db, forged, make_agency, monkeypatch, tmp_path):
    make_agency("SFJY", "示范市教育局")
    encoded, draw = [], receipt_module.qr_data_uri
    for module in (intake_views, receipt_module):
        real = module.qr_data_uri
        monkeypatch.setattr(module, "qr_data_uri", lambda url, real=real: encoded.append(url) or real(url))

    resp = forged.post("/apply", data=apply_data(forged, "SFJY"))
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    number = db.session.scalar(sa.select(Case.tracking_number))
    expected = f"{PUBLIC}/track?tracking_number={number}"

    page = forged.get("/apply/receipt").get_data(as_text=True)
    assert draw(expected) in page.replace("&#39;", "'").replace("&#34;", '"')
    pdf = forged.get("/apply/receipt.pdf")
    assert pdf.status_code == 200
    (tmp_path / "r.pdf").write_bytes(pdf.data)
    text = subprocess.run(["pdftotext", "-raw", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert expected in text.replace("\n", "")
    _no_forged_host(text)
    assert encoded == [expected, expected]  # the page's QR code and the PDF's

    [path] = sorted((Path(app.config["DATA_DIR"]) / "mail").glob("*.eml"))
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert expected in body
    _no_forged_host(path.read_bytes().decode("ascii", "replace") + body)
    assert re.search(r"@ysqgk\.example\.gov\.cn>$", message["Message-ID"])


def test_feed_ids_and_links_use_the_public_url(app, db, forged, make_agency, make_user, make_case, make_pdf,
                                               release_version):
    agency = make_agency("SFJY", "示范市教育局")
    clerk, supervisor = make_user("clerk", agency=agency), make_user("supervisor", agency=agency)
    case = make_case(status="closed", agency=agency, handler=clerk)
    entry = public_ops.draft_public_entry(actor=clerk, title="滨江区2026年公办小学学区划分方案", summary="施教区范围。",
                                          topic="education", today=date(2026, 3, 2), calendar=load_calendar(),
                                          case=case)
    public_ops.add_document(entry, release_version(case, make_pdf("学区划分方案"), title="学区划分方案", actor=clerk),
                            actor=clerk)
    public_ops.approve_publication(entry, actor=supervisor, today=date(2026, 3, 10))
    db.session.commit()
    doc_id = entry.documents[0].id

    for query, self_url in (("", f"{PUBLIC}/public/feed.atom"),
                            ("?agency=SFJY", f"{PUBLIC}/public/feed.atom?agency=SFJY")):
        resp = forged.get(f"/public/feed.atom{query}")
        assert resp.status_code == 200
        _no_forged_host(resp.get_data(as_text=True))
        root = ElementTree.fromstring(resp.data)
        assert root.find(f"{ATOM}id").text == self_url
        links = {(link.get("rel"), link.get("href")) for link in root.findall(f"{ATOM}link")}
        assert links == {("self", self_url), ("alternate", f"{PUBLIC}/public/")}
        [item] = root.findall(f"{ATOM}entry")
        assert item.find(f"{ATOM}id").text == f"{PUBLIC}/public/entries/{entry.id}"
        hrefs = {(link.get("rel"), link.get("href")) for link in item.findall(f"{ATOM}link")}
        assert hrefs == {("alternate", f"{PUBLIC}/public/entries/{entry.id}"),
                         ("enclosure", f"{PUBLIC}/public/entries/{entry.id}/documents/{doc_id}")}


def test_the_nginx_sample_drops_unknown_hosts_and_the_env_sample_sets_the_public_url():
    root = Path(__file__).resolve().parents[2] / "deploy"
    env = (root / "caseapp.env").read_text()
    [url] = re.findall(r"^CASEAPP_PUBLIC_URL=(\S+)$", env, re.M)
    host = url.split("://", 1)[1].rstrip("/")
    nginx = (root / "nginx.conf").read_text()
    servers = re.split(r"^server \{", nginx, flags=re.M)[1:]
    defaults = [s for s in servers if "default_server" in s]
    assert {("443" in s, "80 default_server" in s) for s in defaults} == {(True, False), (False, True)}
    for block in defaults:
        assert "return 444;" in block and "server_name _;" in block
    named = [s for s in servers if f"server_name {host};" in s]
    assert len(named) == 2 and all("default_server" not in s for s in named)
