"""Open statistics for the public (/public/statistics, issue 27 item 4): the figures, the
fewer-than-5 rule in the page and the CSV, per agency and for the platform, no login, no applicant
data, published years frozen, and clear answers to a bad agency or year."""
from __future__ import annotations

import csv
import io
import os
import re
from datetime import date

import pytest

from caseapp.stats import public_stats
from caseapp.stats.models import PublishedReport
from caseapp.stats.report import live_report
from tests.conftest import ARTIFACTS, VALID_PERSON

# 2026's official calendar (chinesecalendar, the suite's stored years): Mid-Autumn 25-27 September
# and National Day 1-7 October off; Sunday 20 September and Saturday 10 October are working days.
NATIONAL_DAY = {
    # received on, closed on, working days (start < d <= closing)
    "holiday": (date(2026, 9, 29), date(2026, 10, 9), 3),   # 30 Sep, 8 and 9 Oct
    "makeup": (date(2026, 10, 9), date(2026, 10, 12), 2),   # Saturday 10 Oct (worked), Monday 12 Oct
}


@pytest.fixture(autouse=True)
def _fresh_cache():
    public_stats.clear_cache()
    yield
    public_stats.clear_cache()


def _rows(html: str, table: str) -> dict[str, str]:
    """The label -> value rows of one table of the page."""
    section = html.split(f'id="table-{table}"', 1)[1].split("</section>", 1)[0]
    body = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return {label.strip(): value.strip() for label, value in
            re.findall(r'<th scope="row"[^>]*>(.*?)</th><td[^>]*>(.*?)</td>', body)}


def _matrix(html: str, table: str) -> dict[str, list[str]]:
    """The label -> values rows of a table with several columns."""
    section = html.split(f'id="table-{table}"', 1)[1].split("</section>", 1)[0]
    body = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return {label.strip(): re.findall(r"<td[^>]*>(.*?)</td>", cells)
            for label, cells in re.findall(r'<th scope="row"[^>]*>(.*?)</th>(.*?)</tr>', body)}


def _csv(client, **args) -> tuple[bytes, list[list[str]]]:
    resp = client.get("/public/statistics", query_string={"format": "csv", **args})
    assert resp.status_code == 200, resp.data[:200]
    assert resp.mimetype == "text/csv"
    body = resp.data
    assert body.startswith(b"\xef\xbb\xbf")
    return body, list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _receive(script, n: int, on: date, close_on: date | None = None, outcome: str = "disclosed"):
    cases = []
    for _ in range(n):
        case = script.receive("natural_person", on)
        if close_on is not None:
            script.close(case, outcome, close_on)
        cases.append(case)
    return cases


def test_the_calendar_behind_the_expected_days(app):
    """The expected figures below rest on the official 2026 calendar the suite stores."""
    from caseapp.calendar.service import load_calendar

    cal = load_calendar()
    for start, end, days in NATIONAL_DAY.values():
        assert cal.working_days_between(start, end) == days


def test_counts_median_and_the_fewer_than_five_rule(client, script):
    _receive(script, 6, date(2026, 3, 3), date(2026, 3, 10))         # March: 6, 5 working days each
    _receive(script, 3, date(2026, 4, 7))                             # April: 3, still open
    holiday, makeup = NATIONAL_DAY["holiday"], NATIONAL_DAY["makeup"]
    _receive(script, 5, holiday[0], holiday[1])                       # September: 5, October: 5
    _receive(script, 5, makeup[0], makeup[1])

    resp = client.get("/public/statistics", query_string={"agency": script.agency.code})  # no login
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    months = _rows(html, "per_month")
    assert months["3月"] == "6"
    assert months["4月"] == "少于5件"
    assert months["5月"] == "0"
    assert months["9月"] == "5" and months["10月"] == "5"
    assert "12月" not in months  # 10 November 2026: the months to come are not shown
    assert _rows(html, "outcomes")["予以公开"] == "16"
    days = _rows(html, "reply_days")
    # 16 replies: 5 of 2 working days, 5 of 3, 6 of 5 -> the 8th is 3 days, the 15th is 5.
    assert list(days.values()) == ["16", "3", "5"]
    assert _rows(html, "on_time")["按期答复比例（%）"] == "100.0"
    assert "少于5件" in html and "少于5件" in resp.get_data(as_text=True).split('data-chart="', 2)[1]

    _body, rows = _csv(client, agency=script.agency.code, table="per_month")
    by_month = dict(rows[1:])
    assert by_month["4月"] == "少于5件" and by_month["3月"] == "6"


def test_per_agency_and_for_the_platform(client, script, make_agency, make_user):
    from tests.stats.conftest import Script

    other = make_agency()
    small = Script(script.db, other, make_user("clerk", agency=other), make_user("supervisor", agency=other))
    _receive(script, 6, date(2026, 3, 3))
    _receive(small, 3, date(2026, 3, 4))

    assert _rows(client.get(f"/public/statistics?agency={other.code}").get_data(as_text=True),
                 "per_month")["3月"] == "少于5件"
    assert _rows(client.get(f"/public/statistics?agency={script.agency.code}").get_data(as_text=True),
                 "per_month")["3月"] == "6"
    platform = client.get("/public/statistics").get_data(as_text=True)
    # 9 in all, but 9 less the other agency's 6 would give away the 3: withheld on the platform too.
    assert _rows(platform, "per_month")["3月"] == "少于5件"
    assert other.name in platform  # in the agency selector

    _receive(small, 3, date(2026, 7, 7))
    _receive(script, 3, date(2026, 7, 8))     # two small agencies in July: neither can be told apart
    _receive(small, 2, date(2026, 6, 3))
    _receive(script, 6, date(2026, 6, 4))
    public_stats.clear_cache()
    months = _rows(client.get("/public/statistics").get_data(as_text=True), "per_month")
    assert months["7月"] == "6"
    assert months["6月"] == "少于5件"   # 8 less 6 gives the other agency's 2
    assert months["3月"] == "少于5件"


def test_no_applicant_data_in_the_page_or_the_csv(client, script):
    _receive(script, 6, date(2026, 3, 3), date(2026, 3, 10))
    pages = [client.get("/public/statistics").get_data(as_text=True),
             client.get(f"/public/statistics?agency={script.agency.code}").get_data(as_text=True)]
    for table in public_stats.TABLES:
        pages.append(_csv(client, table=table)[0].decode("utf-8-sig"))
        pages.append(_csv(client, agency=script.agency.code, table=table)[0].decode("utf-8-sig"))
    case = script.receive("natural_person", date(2026, 3, 3))
    for text in pages:
        for secret in (VALID_PERSON["applicant_name"], VALID_PERSON["id_number"], VALID_PERSON["phone"],
                       VALID_PERSON["email"], case.tracking_number):
            assert secret not in text


def test_unknown_agency_bad_year_and_unknown_table(client, script):
    assert client.get("/public/statistics?agency=NOSUCH").status_code == 404
    for year in ("abc", "1999", "2099", "２０２６", "20261"):
        resp = client.get("/public/statistics", query_string={"year": year})
        assert resp.status_code == 400
        assert "年份无效：请选择2008年至2026年之间的年份。" in resp.get_data(as_text=True)
    assert client.get("/public/statistics?format=csv&table=nosuch").status_code == 404
    assert client.get("/public/statistics?format=xml").status_code == 404
    assert client.get("/public/statistics?year=2025").status_code == 200


def test_a_published_year_shows_the_published_figures(client, script, db):
    _receive(script, 6, date(2025, 3, 3), date(2025, 3, 10))
    figures = live_report(2025, script.agency).snapshot()
    figures["table3"]["rows"]["disclosed"]["total"] = 7          # as published, whatever the records say now
    figures["table4"]["rows"]["reconsideration"]["upheld"] = 5
    db.session.add(PublishedReport(agency_id=script.agency.id, year=2025, figures=figures))
    db.session.commit()

    for args in ({"agency": script.agency.code, "year": 2025}, {"year": 2025}):
        html = client.get("/public/statistics", query_string=args).get_data(as_text=True)
        assert _rows(html, "outcomes")["予以公开"] == "7"
        assert _matrix(html, "reviews")["行政复议"] == ["5", "0", "0", "0"]  # 结果维持 first
        assert _rows(html, "per_month")["3月"] == "6"   # not in the report: counted
        assert "采用其年度报告公布的数据" in html


def test_the_current_year_is_cached_for_the_day(client, script, clock):
    _receive(script, 6, date(2026, 3, 3))
    url = f"/public/statistics?agency={script.agency.code}"
    assert _rows(client.get(url).get_data(as_text=True), "per_month")["3月"] == "6"
    _receive(script, 1, date(2026, 3, 3))
    assert _rows(client.get(url).get_data(as_text=True), "per_month")["3月"] == "6"
    clock.move_to("2026-11-11T10:00:00+08:00")
    assert _rows(client.get(url).get_data(as_text=True), "per_month")["3月"] == "7"


# --- In Chromium: the charts draw under the site's CSP, at three widths, and axe-core finds nothing serious.

AXE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                   "node_modules", "axe-core", "axe.min.js")
AXE_RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.mark.browser
def test_the_page_in_chromium(browser, live_server, script):
    _receive(script, 6, date(2026, 3, 3), date(2026, 3, 10))
    _receive(script, 3, date(2026, 4, 7))
    _receive(script, 7, date(2026, 9, 29), date(2026, 10, 9))
    for width, height in ((1920, 1080), (1366, 768), (1024, 768)):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{live_server}/public/statistics?agency={script.agency.code}")
        page.wait_for_selector("#public-stats[data-ready=true]")
        assert page.locator("[data-drawn=true]").count() == len(public_stats.TABLES)
        assert not [e for e in errors if "Content Security Policy" in e]
        assert page.locator("#table-per_month td", has_text="少于5件").count() == 1
        # No horizontal scrolling at this width.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        screenshot_path = os.path.join(ARTIFACTS, f"public-statistics-{width}.png")
        os.makedirs(ARTIFACTS, exist_ok=True)
        page.screenshot(path=screenshot_path, full_page=True)
        context.close()

    assert os.path.exists(AXE), "run `npm ci` (axe-core is a devDependency in package.json)"
    context = browser.new_context(bypass_csp=True, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    for url in ("/public/statistics", f"/public/statistics?agency={script.agency.code}", "/public/statistics?year=x"):
        page.goto(live_server + url)
        page.add_script_tag(path=AXE)
        result = page.evaluate("""(rules) => axe.run(document, {runOnly: {type: 'tag', values: rules},
                                  iframes: false, resultTypes: ['violations']})""", AXE_RULES)
        serious = [{"id": v["id"], "impact": v["impact"], "nodes": [n["html"][:160] for n in v["nodes"][:3]]}
                   for v in result["violations"] if v["impact"] in ("serious", "critical", "moderate")]
        assert serious == [], (url, serious)
    context.close()
