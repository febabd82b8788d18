"""The public column /public/: lists, Chinese search, filters, detail pages with downloads, the
Atom feed and /api/v1/public-items; the tracking page links to the entry; nothing personal ever
appears (every applicant value in the database is looked for in the rendered HTML, XML and JSON)."""
from __future__ import annotations

from datetime import date
from xml.etree import ElementTree

import pytest
import sqlalchemy as sa

from caseapp.calendar.service import load_calendar
from caseapp.cases.models import Case
from caseapp.disclosure import operations as ops
from tests.conftest import csrf_from

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def column(db, make_agency, make_user, make_case, make_pdf, release_version):
    """Two agencies with published entries (one with a document), and a draft that must stay hidden."""
    jy = make_agency("SFJY", "示范市教育局")
    hb = make_agency("SFHB", "示范市生态环境局")
    jy_clerk, jy_sup = make_user("clerk", agency=jy), make_user("supervisor", agency=jy)
    hb_clerk, hb_sup = make_user("clerk", agency=hb), make_user("supervisor", agency=hb)
    c1 = make_case(status="closed", agency=jy, handler=jy_clerk, applicant_name="陈美玲", phone="13700001111",
                   email="chenml@example.com", address="示范市临湖区湖滨路12号", id_number="440524198001010013",
                   description="申请公开滨江区2026年公办小学学区划分方案。")
    c2 = make_case(status="closed", agency=hb, handler=hb_clerk, applicant_type="commercial_enterprise",
                   applicant_name="示范市绿源环保科技有限公司", id_type="uscc", id_number=None,
                   org_code="91330100MA2B3C4D5N", contact_person="刘建国", phone="057188889999",
                   email="liujg@lvyuan.example.com", address="示范市新港镇工业园8号",
                   description="申请公开示范市生活垃圾焚烧发电厂项目环境影响报告书的批复（示环审〔2025〕7号）。")
    cal = load_calendar()
    e1 = ops.draft_public_entry(actor=jy_clerk, title="滨江区2026年公办小学学区划分方案",
                                summary="滨江区各公办小学2026年的施教区范围。", topic="education",
                                today=date(2026, 3, 2), calendar=cal, case=c1)
    ops.add_document(e1, release_version(c1, make_pdf("滨江区2026年公办小学学区划分方案\n实验小学：长江路以南"),
                                         title="学区划分方案", actor=jy_clerk), actor=jy_clerk)
    ops.approve_publication(e1, actor=jy_sup, today=date(2026, 3, 10))
    e2 = ops.draft_public_entry(actor=hb_clerk, title="关于生活垃圾焚烧发电厂项目环境影响报告书的批复",
                                summary="示环审〔2025〕7号批复全文。", topic="environment",
                                today=date(2025, 12, 1), calendar=cal, case=c2)
    ops.approve_publication(e2, actor=hb_sup, today=date(2025, 12, 5))
    draft = ops.draft_public_entry(actor=jy_clerk, title="尚未批准的草稿", summary="", topic="education",
                                   today=date(2026, 3, 2), calendar=cal, case=c1)
    db.session.commit()
    return {"jy": jy, "hb": hb, "e1": e1, "e2": e2, "draft": draft, "c1": c1, "c2": c2}


def test_column_lists_all_agencies_and_one(client, column):
    html = client.get("/public/").get_data(as_text=True)
    assert column["e1"].title in html and column["e2"].title in html and "尚未批准的草稿" not in html
    one = client.get("/public/?agency=SFHB").get_data(as_text=True)
    assert column["e2"].title in one and column["e1"].title not in one


@pytest.mark.parametrize("query, expect", [
    ("q=学区划分", {"e1"}), ("q=小学 学区", {"e1"}), ("q=焚烧发电", {"e2"}), ("q=长江路以南", {"e1"}),
    ("q=不存在的词语", set()), ("topic=environment", {"e2"}), ("year=2025", {"e2"}), ("year=2026", {"e1"}),
    ("agency=SFJY&q=焚烧", set()),
])
def test_search_and_filters(client, column, query, expect):
    html = client.get(f"/public/?{query}").get_data(as_text=True)
    shown = {key for key in ("e1", "e2") if column[key].title in html}
    assert shown == expect


def test_detail_and_download(client, column):
    e1 = column["e1"]
    page = client.get(f"/public/entries/{e1.id}")
    assert page.status_code == 200 and "学区划分方案.pdf" in page.get_data(as_text=True)
    doc = e1.documents[0]
    file = client.get(f"/public/entries/{e1.id}/documents/{doc.id}")
    assert file.status_code == 200 and file.data.startswith(b"%PDF-")
    assert client.get(f"/public/entries/{column['draft'].id}").status_code == 404
    assert client.get(f"/public/entries/{column['e2'].id}/documents/{doc.id}").status_code == 404


def test_feed_is_atom_with_the_published_entries(client, column):
    resp = client.get("/public/feed.atom")
    assert resp.status_code == 200 and resp.mimetype == "application/atom+xml"
    root = ElementTree.fromstring(resp.data)
    titles = [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")]
    assert titles == [column["e1"].title, column["e2"].title]  # newest first
    one = ElementTree.fromstring(client.get("/public/feed.atom?agency=SFHB").data)
    assert [e.find(f"{ATOM}title").text for e in one.findall(f"{ATOM}entry")] == [column["e2"].title]


def test_public_items_api(client, column):
    body = client.get("/api/v1/public-items?q=学区").get_json()
    assert [i["title"] for i in body["items"]] == [column["e1"].title]
    item = body["items"][0]
    assert item["agency"] == "SFJY" and item["published_on"] == "2026-03-10" and item["documents"]
    assert client.get("/api/v1/public-items?year=2025").get_json()["items"][0]["id"] == column["e2"].id
    assert client.get("/api/v1/public-items?agency=NOPE").get_json()["items"] == []
    assert len(client.get("/api/v1/public-items").get_json()["items"]) == 2


def _applicant_values(db) -> set[str]:
    values = set()
    fields = ("applicant_name", "id_number", "org_code", "contact_person", "phone", "email", "address", "postal_code")
    for row in db.session.execute(sa.select(*[getattr(Case, f) for f in fields])).all():
        values.update(v for v in row if v and len(v) >= 2)
    return values


def test_nothing_personal_appears_in_the_column_feed_or_api(client, db, column):
    values = _applicant_values(db)
    assert "陈美玲" in values and "91330100MA2B3C4D5N" in values  # the scan looks for real values
    pages = ["/public/", "/public/?agency=SFJY", "/public/?q=学区", "/public/feed.atom", "/public/feed.atom?agency=SFHB",
             "/api/v1/public-items", f"/public/entries/{column['e1'].id}", f"/public/entries/{column['e2'].id}"]
    for url in pages:
        text = client.get(url).get_data(as_text=True)
        leaked = sorted(v for v in values if v in text)
        assert not leaked, f"{url} shows {leaked}"


def test_tracking_page_links_to_the_published_entry(client, column):
    case = column["c1"]
    token = csrf_from(client.get("/track").get_data(as_text=True))
    resp = client.post("/track", data={"csrf_token": token, "tracking_number": case.tracking_number,
                                       "query_code": case.query_code}, follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert f"/public/entries/{column['e1'].id}" in html
    assert "尚未批准的草稿" not in html


def test_a_page_past_the_last_is_not_found(client, column):
    assert client.get("/public/?page=1").status_code == 200
    resp = client.get("/public/?page=99")
    assert resp.status_code == 404
