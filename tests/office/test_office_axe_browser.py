"""Every office page passes axe-core (WCAG 2.1 A and AA rules) without a serious or critical
violation. axe-core comes from the npm registry (a devDependency in package.json) and is injected
into the page by the test only; production never serves it."""
from __future__ import annotations

import json
import os

import pytest

from caseapp.core.actions import act
from caseapp.core.clock import local_today
from tests.conftest import ARTIFACTS, PASSWORD

pytestmark = pytest.mark.browser

AXE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                   "node_modules", "axe-core", "axe.min.js")
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _login(page, live_server, user):
    page.context.clear_cookies()
    page.goto(live_server + "/office/login")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _serious(page) -> list[dict]:
    page.add_script_tag(path=AXE)
    result = page.evaluate("""(rules) => axe.run(document, {runOnly: {type: 'tag', values: rules},
                                                        iframes: false, resultTypes: ['violations']})""", RULES)
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["html"][:160] for n in v["nodes"][:3]]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.fixture
def page(browser):
    """A page whose context lets the test inject axe-core past the site's CSP (script-src 'self')."""
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def test_every_office_page_has_no_serious_axe_violation(page, live_server, db, make_agency, make_user, make_case):
    assert os.path.exists(AXE), "run `npm ci` (axe-core is a devDependency in package.json)"
    agency = make_agency("SFWJ", "示范市卫生健康委员会", letter_number_pattern="示卫信公〔{year}〕{seq}号",
                         reconsideration_body="示范市人民政府")
    clerk = make_user("clerk", agency=agency, username="axe_clerk")
    supervisor = make_user("supervisor", agency=agency, username="axe_supervisor")
    admin = make_user("admin", agency=agency, username="axe_admin")
    auditor = make_user("auditor", agency=agency, username="axe_auditor")
    liaison = make_user("liaison", agency=agency, username="axe_liaison")
    today = local_today()
    new = make_case(agency=agency, received_on=today, today=today, description="申请公开示范市2026年医疗机构名录。")
    busy = make_case("in_progress", agency=agency, handler=clerk, received_on=today, today=today,
                     description="申请公开示范市人民医院2025年度财务决算报告。")
    act("request_extension", busy, clerk, {"days": 10, "reason": "需调取档案核实。"})
    act("propose_fee", busy, clerk, {"basis": "pages", "count": 250})
    letter = act("draft_letter", busy, clerk, {"template": "disclosed",
                                                "fields": {"public_location": "示范市卫生健康委员会门户网站"}})
    sent = act("consult", busy, clerk, {"kind": "department", "department": "BGS",
                                        "question": "请核实该决算报告是否已公开。"})
    db.session.commit()

    pages = {
        clerk: ["/office/", "/office/cases", "/office/cases?q=医院", "/office/cases/new",
                f"/office/cases/{busy.tracking_number}/consult", "/office/consultations",
                f"/office/consultations/{sent['consultation_id']}", "/office/notifications", "/office/disclosure/",
                f"/office/cases/{busy.tracking_number}/reviews/new",
                f"/office/cases/{new.tracking_number}", f"/office/cases/{new.tracking_number}/accept",
                f"/office/cases/{new.tracking_number}/request-correction",
                f"/office/cases/{busy.tracking_number}", f"/office/letters/case/{busy.tracking_number}",
                f"/office/letters/{letter['letter_id']}", "/office/letters/"],
        supervisor: ["/office/letters/", "/office/letters/templates", f"/office/cases/{busy.tracking_number}",
                     f"/office/cases/{busy.tracking_number}/close", "/office/supervision",
                     "/office/disclosure/suggestions"],
        liaison: ["/office/", "/office/consultations", f"/office/consultations/{sent['consultation_id']}"],
        auditor: ["/office/stats", "/office/stats/annual-report", "/office/stats/audit-log"],
        admin: ["/office/", "/office/cases", "/office/admin/", "/office/admin/calendar", "/office/admin/agencies",
                "/office/admin/departments/"],
    }
    found = {}
    for user, urls in pages.items():
        _login(page, live_server, user)
        for url in urls:
            page.goto(live_server + url)
            assert page.url.startswith(live_server), url
            problems = _serious(page)
            if problems:
                found[f"{user.role} {url}"] = problems
    page.goto(live_server + "/office/login")
    page.context.clear_cookies()
    page.goto(live_server + "/office/login")
    if _serious(page):
        found["login"] = _serious(page)
    os.makedirs(ARTIFACTS, exist_ok=True)
    with open(os.path.join(ARTIFACTS, "office-axe.json"), "w", encoding="utf-8") as out:
        json.dump(found, out, ensure_ascii=False, indent=2)
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)
