"""Publishing an annual report freezes its figures (issue 27): the page, the exports and the next
year's check use the published figures whatever happens to the cases afterwards; only supervisors
and admins of the agency publish, once, after the year, and never over a self-check error."""
from __future__ import annotations

import json
from datetime import date

import pytest

from caseapp.cases import operations as case_ops
from caseapp.core.actions import Ctx, get_action, perform
from caseapp.core.errors import ForbiddenError, TransitionError
from caseapp.stats.models import PublishedReport
from caseapp.stats.report import annual_report, live_report
from tests.conftest import csrf_from
from tests.stats.conftest import applicant
from tests.stats.test_selfcheck import fill_table2, publish

NP = "natural_person"


@pytest.fixture
def year2025(db, script):
    s = script
    s.close(s.receive(NP, date(2025, 3, 3)), "disclosed", date(2025, 3, 24))
    s.receive("commercial_enterprise", date(2025, 12, 22))  # carried into 2026
    fill_table2(s.agency, 2025)
    db.session.commit()
    return s


def _late_registration(s):
    """A paper request of December 2025, registered after the report was published (still open)."""
    case_ops.register_case(s.agency, applicant(NP), channel="post", received_on=date(2025, 12, 29),
                           actor=s.clerk, today=date(2026, 2, 2))
    _db_commit()


def _db_commit():
    from caseapp.extensions import db

    db.session.commit()


def test_published_figures_stay_when_the_cases_change(db, year2025):
    s = year2025
    before = live_report(2025, s.agency).snapshot()
    published = publish(s.supervisor, s.agency, 2025)
    db.session.commit()
    assert published.figures["table3"] == before["table3"]
    assert published.figures["table2"]["rules_made"] == 2
    _late_registration(s)
    closed = s.receive(NP, date(2025, 11, 3))
    s.close(closed, "disclosed", date(2025, 11, 24))  # closed in 2025 after publication, then reopened now
    s.reopen(closed, date(2026, 11, 10))
    assert live_report(2025, s.agency).table3["received"]["total"] == 4  # the records moved on
    frozen = annual_report(2025, s.agency)
    assert frozen.published_at is not None
    assert frozen.table3 == before["table3"]["rows"] and frozen.table4 == before["table4"]["rows"]


def test_page_and_exports_show_the_frozen_figures(app, db, year2025, office):
    s = year2025
    publish(s.supervisor, s.agency, 2025)
    db.session.commit()
    _late_registration(s)
    client = office(s.supervisor)
    body = json.loads(client.get(f"/office/stats/annual-report?year=2025&agency={s.agency.code}&format=json").data)
    assert body["table3"]["rows"]["received"]["total"] == 2  # not 3
    page = client.get(f"/office/stats/annual-report?year=2025&agency={s.agency.code}").get_data(as_text=True)
    assert 'id="published"' in page and "已于" in page
    assert "发布2025年度报告" not in page  # no second publication offered
    csv = client.get(f"/office/stats/annual-report?year=2025&agency={s.agency.code}&format=csv").data.decode("utf-8-sig")
    assert csv  # the export answers from the same frozen report
    runner = app.test_cli_runner()
    out = runner.invoke(args=["caseapp", "annual-report", "2025", "--agency", s.agency.code])
    assert json.loads(out.output)["table3"]["rows"]["received"]["total"] == 2


def test_next_year_is_checked_against_the_frozen_item_four(db, year2025):
    from caseapp.stats.selfcheck import check_carried_in

    s = year2025
    publish(s.supervisor, s.agency, 2025)
    db.session.commit()
    assert check_carried_in(live_report(2026, s.agency)) == []
    _late_registration(s)
    [err, total] = check_carried_in(live_report(2026, s.agency))
    assert err.severity == "error" and "已发布" in str(err.message)


def test_publishing_is_refused_twice_before_the_year_ends_and_over_errors(db, year2025):
    s = year2025
    with pytest.raises(TransitionError, match="结束后"):
        publish(s.supervisor, s.agency, 2026)
    with pytest.raises(TransitionError, match="自查发现错误"):
        publish(s.supervisor, s.agency, 2024)  # Table 2 of 2024 is empty
    publish(s.supervisor, s.agency, 2025)
    db.session.commit()
    with pytest.raises(TransitionError, match="已发布"):
        publish(s.supervisor, s.agency, 2025)
    assert db.session.query(PublishedReport).count() == 1


@pytest.mark.parametrize("role", ["clerk", "auditor", "liaison"])
def test_only_supervisors_and_admins_publish(db, year2025, make_user, role):
    user = make_user(role, agency=year2025.agency)
    with pytest.raises(ForbiddenError):
        publish(user, year2025.agency, 2025)
    assert db.session.query(PublishedReport).count() == 0


def test_admin_publishes_and_another_agency_is_refused(db, year2025, make_user, make_agency):
    other = make_user("supervisor", agency=make_agency())
    with pytest.raises(ForbiddenError):
        publish(other, year2025.agency, 2025)
    publish(make_user("admin", agency=year2025.agency), year2025.agency, 2025)
    db.session.commit()
    assert db.session.query(PublishedReport).count() == 1


def test_office_publish_button(app, db, year2025, office, make_user):
    s = year2025
    url = f"/office/stats/annual-report?year=2025&agency={s.agency.code}"
    auditor = office(make_user("auditor", agency=s.agency))
    assert "发布2025年度报告" not in auditor.get(url).get_data(as_text=True)  # read-only
    token = csrf_from(auditor.get(url).get_data(as_text=True))
    assert auditor.post("/office/stats/annual-report/publish",
                        data={"csrf_token": token, "year": "2025", "agency": s.agency.code}).status_code == 403
    client = office(s.supervisor)
    page = client.get(url).get_data(as_text=True)
    assert "发布2025年度报告" in page
    resp = client.post("/office/stats/annual-report/publish",
                       data={"csrf_token": csrf_from(page), "year": "2025", "agency": s.agency.code})
    assert resp.status_code == 302
    db.session.rollback()
    assert db.session.query(PublishedReport).count() == 1
    assert "数据已锁定" in client.get(resp.headers["Location"]).get_data(as_text=True)


def test_opening_cannot_change_a_published_year(db, year2025):
    s = year2025
    publish(s.supervisor, s.agency, 2025)
    db.session.commit()
    with pytest.raises(TransitionError):
        perform(get_action("enter_report_opening"), Ctx(user=s.supervisor, case=None, target=s.agency),
                {"year": 2025, **{c: 0 for c in ("natural_person", "commercial_enterprise", "research_institution",
                                                 "social_welfare_org", "legal_service_org", "other_org")}},
                source="api")
