"""Office statistics pages: who may read, who may write (the auditor never), and what the pages show."""
from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest

from caseapp.cases.closures import closures_of
from caseapp.reviews.models import CaseReview
from tests.reviews.helpers import issue_reply
from tests.conftest import csrf_from

READ_URLS = [
    "/office/stats",
    "/office/stats?from=2025-01-01&to=2025-12-31",
    "/office/stats/data.json",
    "/office/stats/chart.csv?chart=outcomes",
    "/office/stats/annual-report?year=2025",
    "/office/stats/annual-report?year=2025&format=xlsx",
    "/office/stats/audit-log",
    "/office/stats/audit-log?format=csv",
]

# Written out, not read from the code: statistics are for auditors, supervisors and admins.
READ_EXPECTED = {"auditor": 200, "supervisor": 200, "admin": 200, "clerk": 403, "liaison": 403}


@pytest.fixture
def world(script, db, make_user):
    s = script
    case = s.close(s.receive("natural_person", date(2025, 3, 3)), "withheld.process_info", date(2025, 3, 20))
    issue_reply(case, date(2025, 3, 20))
    users = {role: make_user(role, agency=s.agency) for role in READ_EXPECTED}
    users["supervisor"] = s.supervisor
    users["clerk"] = s.clerk
    return {"case": case, "users": users, "script": s}


@pytest.mark.parametrize("role", list(READ_EXPECTED))
def test_read_pages_by_role(world, office, role):
    client = office(world["users"][role])
    for url in READ_URLS:
        assert client.get(url).status_code == READ_EXPECTED[role], (role, url)


@pytest.mark.parametrize("role,status", [("auditor", 200), ("supervisor", 200), ("admin", 200), ("clerk", 200),
                                         ("liaison", 403)])
def test_case_export_by_role(world, office, role, status):
    assert office(world["users"][role]).get("/office/stats/cases.csv?tab=all").status_code == status


def test_anonymous_is_sent_to_login(client, world):
    for url in READ_URLS:
        assert client.get(url).status_code in (302, 401)


def _review_form(client, case):
    page = client.get(f"/office/cases/{case.tracking_number}/reviews/new")
    return page, (csrf_from(page.get_data(as_text=True)) if page.status_code == 200 else None)


REVIEW = {"kind": "reconsideration", "body": "示范市人民政府", "reference": "示府复〔2025〕8号",
          "filed_on": "2025-04-01", "copy_received_on": "2025-04-03", "result": "corrected", "decided_on": "2025-06-02",
          "decision": "责令重新答复。"}


@pytest.mark.parametrize("role,status", [("auditor", 403), ("admin", 403), ("liaison", 403)])
def test_the_read_only_roles_cannot_record_reviews(world, office, db, role, status):
    client = office(world["users"][role])
    case = world["case"]
    assert client.get(f"/office/cases/{case.tracking_number}/reviews/new").status_code == status
    # Even with a valid token from a page they may see, the write is refused and nothing is stored.
    token = csrf_from(client.get("/office/").get_data(as_text=True))
    resp = client.post(f"/office/cases/{case.tracking_number}/reviews/new", data={**REVIEW, "csrf_token": token})
    assert resp.status_code == status
    db.session.rollback()
    assert db.session.query(CaseReview).count() == 0


def test_review_recorded_then_case_reopened_by_supervisor(world, office, db):
    case = world["case"]
    clerk = office(world["users"]["clerk"])
    _page, token = _review_form(clerk, case)
    resp = clerk.post(f"/office/cases/{case.tracking_number}/reviews/new", data={**REVIEW, "csrf_token": token})
    assert resp.status_code == 302 and "#reviews" in resp.location
    db.session.rollback()  # end the test's own read transaction to see the request's commit
    review = db.session.query(CaseReview).one()
    assert (review.kind, review.result, review.decided_on) == ("reconsideration", "corrected", date(2025, 6, 2))

    # The case page lists it; only a supervisor gets the reopen button.
    page = clerk.get(f"/office/cases/{case.tracking_number}").get_data(as_text=True)
    reopen_url = f"/office/cases/{case.tracking_number}/reviews/reopen"
    assert "示府复〔2025〕8号" in page and reopen_url not in page
    for role in ("auditor", "clerk", "admin"):
        c = office(world["users"][role])
        token = csrf_from(c.get("/office/stats/annual-report" if role != "clerk" else
                               f"/office/cases/{case.tracking_number}/reviews/new").get_data(as_text=True))
        assert c.post(reopen_url, data={"csrf_token": token, "review": review.id}).status_code == 403, role
    db.session.rollback()
    assert case.status == "closed"

    sup = office(world["users"]["supervisor"])
    page = sup.get(f"/office/cases/{case.tracking_number}").get_data(as_text=True)
    assert reopen_url in page
    resp = sup.post(reopen_url, data={"csrf_token": csrf_from(page), "review": review.id})
    assert resp.status_code == 302
    db.session.rollback()
    assert case.status == "in_progress" and case.outcome is None
    assert db.session.get(CaseReview, review.id).reopened_case
    first = closures_of(case)[0]
    assert first.reopened_on is not None and "示府复〔2025〕8号" in first.reopen_reason
    # A second reopening from the same decision is refused.
    page = sup.get(f"/office/cases/{case.tracking_number}").get_data(as_text=True)
    sup.post(reopen_url, data={"csrf_token": csrf_from(page), "review": review.id})
    db.session.rollback()
    assert len(closures_of(case)) == 1


def test_review_result_entered_later_and_scoped_to_its_case(world, office, db, make_agency, make_user):
    from caseapp.reviews.operations import record_review

    case = world["case"]
    review = record_review(case, actor=world["users"]["clerk"], data={
        "kind": "litigation_direct", "body": "示范市某区人民法院", "filed_on": date(2025, 4, 7)})
    db.session.commit()
    edit_url = f"/office/cases/{case.tracking_number}/reviews/edit?review={review.id}"
    assert office(world["users"]["auditor"]).get(edit_url).status_code == 403
    clerk = office(world["users"]["clerk"])
    page = clerk.get(edit_url)
    assert page.status_code == 200 and "2025-04-07" in page.get_data(as_text=True)
    resp = clerk.post(edit_url, data={"kind": "litigation_direct", "body": "示范市某区人民法院", "filed_on": "2025-04-07",
                                      "result": "upheld", "decided_on": "2025-09-30",
                                      "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert resp.status_code == 302
    db.session.rollback()
    assert (db.session.get(CaseReview, review.id).result, db.session.get(CaseReview, review.id).decided_on) == (
        "upheld", date(2025, 9, 30))
    # Another case's number with this review's id, or another agency's supervisor: not found.
    other_case = world["script"].receive("natural_person", date(2025, 5, 5))
    assert clerk.get(f"/office/cases/{other_case.tracking_number}/reviews/edit?review={review.id}").status_code == 404
    elsewhere = make_agency()
    outsider = office(make_user("supervisor", agency=elsewhere))
    assert outsider.get(edit_url).status_code == 404


def test_review_with_bad_dates_is_refused_in_chinese(world, office, db):
    case = world["case"]
    clerk = office(world["users"]["clerk"])
    _page, token = _review_form(clerk, case)
    resp = clerk.post(f"/office/cases/{case.tracking_number}/reviews/new",
                      data={**REVIEW, "filed_on": "2025-13-45", "decided_on": "2025-03-01", "csrf_token": token})
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "2026-11-27" in html  # "please enter a date like ..." beside the field
    resp = clerk.post(f"/office/cases/{case.tracking_number}/reviews/new",
                      data={**REVIEW, "filed_on": "2025-06-01", "decided_on": "2025-05-01", "csrf_token": token})
    assert resp.status_code == 422
    db.session.rollback()
    assert db.session.query(CaseReview).count() == 0


def test_annual_report_page_shows_the_official_table_and_the_check(world, office):
    html = office(world["users"]["auditor"]).get("/office/stats/annual-report?year=2025").get_data(as_text=True)
    assert "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）" in html
    assert 'rowspan="22"' in html and "三、本年度办理结果" in html
    assert 'data-balanced="true"' in html
    assert "withheld.process_info" not in html


def test_audit_log_shows_labels_filters_and_exports(world, office, app):
    from caseapp.core.events import event_label

    client = office(world["users"]["auditor"])
    html = client.get("/office/stats/audit-log?event=case.closed").get_data(as_text=True)
    with app.test_request_context():
        closed_label = event_label("case.closed")
    rows = re.findall(r'<tr data-event-id="\d+">(.*?)</tr>', html, re.DOTALL)
    assert len(rows) == 1 and closed_label in rows[0] and world["case"].tracking_number in rows[0]
    assert "case.closed</td>" not in html
    everything = client.get("/office/stats/audit-log").get_data(as_text=True)
    assert len(re.findall(r'<tr data-event-id=', everything)) >= 3
    resp = client.get("/office/stats/audit-log?format=csv&event=case.closed")
    assert resp.data.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))
    assert len(lines) == 2 and lines[1][1] == closed_label and lines[1][3] == world["case"].tracking_number
    assert client.get("/office/stats/audit-log?from=2999-01-01").status_code == 200
    assert 'data-event-id' not in client.get("/office/stats/audit-log?from=2999-01-01").get_data(as_text=True)


def test_agency_bound_auditor_cannot_look_at_another_agency(world, office, make_agency):
    other = make_agency()
    client = office(world["users"]["auditor"])
    assert client.get(f"/office/stats?agency={other.code}").status_code == 404
    assert client.get(f"/office/stats/annual-report?year=2025&agency={other.code}").status_code == 404
    assert client.get(f"/office/stats/audit-log?agency={other.code}").status_code == 404


def test_case_export_masks_ids_and_defuses_formulas(world, office, db):
    s = world["script"]
    from caseapp.cases import operations as ops
    from tests.stats.conftest import applicant

    data = {**applicant("natural_person"), "description": "=HYPERLINK(\"http://evil\",\"点我\")"}
    ops.register_case(s.agency, data, channel="in_person", received_on=date(2025, 5, 6), actor=s.clerk,
                      today=date(2025, 5, 6))
    db.session.commit()
    resp = office(world["users"]["auditor"]).get("/office/stats/cases.csv?tab=all")
    assert resp.status_code == 200 and resp.data.startswith("\ufeff".encode())
    body = resp.data.decode("utf-8-sig")
    assert "11010519491231002X" not in body and "110***********002X" in body
    rows = list(csv.reader(io.StringIO(body)))
    assert len(rows) == 3
    formula = next(r for r in rows if "HYPERLINK" in "".join(r))
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in formula)
    assert "'=HYPERLINK" in "".join(formula)
    resp = office(world["users"]["auditor"]).get("/office/stats/cases.xlsx?tab=all")
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(resp.data)).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert len(values) == 3 and "110***********002X" in [v for row in values for v in row]


def test_chart_csv_and_data(world, office):
    client = office(world["users"]["supervisor"])
    data = client.get("/office/stats/data.json?from=2025-01-01&to=2025-12-31").get_json()
    charts = {c["name"]: c for c in data["charts"]}
    assert set(charts) == {"per_month", "by_channel", "by_applicant_type", "by_agency", "outcomes", "on_time",
                           "reply_days", "overdue_now", "time", "conversions"}
    assert charts["per_month"]["rows"] == [["2025-03", 1]]
    outcome_rows = dict(charts["outcomes"]["rows"])
    assert sum(outcome_rows.values()) == 1
    resp = client.get("/office/stats/chart.csv?chart=per_month&from=2025-01-01&to=2025-12-31")
    assert list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))[1] == ["2025-03", "1"]
    assert client.get("/office/stats/chart.csv?chart=nonsense").status_code == 404


def test_conversions_counted_per_year_from_publications(world, db):
    """Each publication of a public entry records one event; the dashboard counts them by Shanghai year."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from caseapp.core.audit import record_event
    from caseapp.stats.dashboard import Period, conversions

    s = world["script"]
    shanghai = ZoneInfo("Asia/Shanghai")
    for moment in (datetime(2025, 6, 3, 10, tzinfo=shanghai), datetime(2025, 12, 31, 23, 30, tzinfo=shanghai),
                   datetime(2026, 1, 1, 0, 30, tzinfo=shanghai)):
        evt = record_event("disclosure.entry_published", actor=s.supervisor, agency_id=s.agency.id)
        evt.occurred_at = moment
    record_event("disclosure.entry_drafted", actor=s.clerk, agency_id=s.agency.id)
    db.session.commit()
    chart = conversions(Period(date(2025, 1, 1), date(2026, 12, 31), s.agency))
    assert chart.rows == [("2025", 2), ("2026", 1)]


def test_inbox_links_its_filtered_list_to_the_export(world, office):
    client = office(world["users"]["auditor"])
    html = client.get("/office/cases?tab=all&channel=in_person").get_data(as_text=True)
    links = re.findall(r'href="([^"]+)" data-export="(csv|xlsx)"', html)
    assert {fmt for _href, fmt in links} == {"csv", "xlsx"}
    href = {fmt: h for h, fmt in links}["csv"].replace("&amp;", "&")
    assert href.startswith("/office/stats/cases.csv?") and "channel=in_person" in href and "tab=all" in href
    rows = list(csv.reader(io.StringIO(client.get(href).data.decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][0] == world["case"].tracking_number
    empty = office(world["users"]["auditor"]).get("/office/stats/cases.csv?tab=all&channel=post")
    assert len(list(csv.reader(io.StringIO(empty.data.decode("utf-8-sig"))))) == 1  # the header alone
