"""The office inbox: who sees what, tab counts in SQL, filters, search, sorting and paging."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from caseapp.calendar.service import load_calendar
from caseapp.cases import inbox
from caseapp.cases import operations as ops
from caseapp.clock.service import describe_clock
from caseapp.core.clock import local_today


def _numbers(html: str) -> set[str]:
    return set(re.findall(r'<tr data-tracking="([^"]+)"', html))


def _counts(html: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'data-count="(\w+)">(\d+)<', html)}


@pytest.fixture
def offices(make_agency, make_user, make_case):
    a, b = make_agency("AGA"), make_agency("AGB")
    clerk1, clerk2 = make_user("clerk", agency=a), make_user("clerk", agency=a)
    people = {
        "clerk1": clerk1, "clerk2": clerk2, "supervisor": make_user("supervisor", agency=a),
        "auditor": make_user("auditor", agency=a), "platform": make_user("admin", agency=None),
        "liaison": make_user("liaison", agency=a),
    }
    cases = {
        "mine": make_case(agency=a, status="in_progress", handler=clerk1),
        "theirs": make_case(agency=a, status="in_progress", handler=clerk2),
        "new": make_case(agency=a),
        "elsewhere": make_case(agency=b),
    }
    return people, cases


@pytest.mark.parametrize("who,expected", [
    ("clerk1", {"mine", "new"}),
    ("clerk2", {"theirs", "new"}),
    ("supervisor", {"mine", "theirs", "new"}),
    ("auditor", {"mine", "theirs", "new"}),
    ("platform", {"mine", "theirs", "new", "elsewhere"}),
])
def test_who_sees_which_cases(offices, office, who, expected):
    people, cases = offices
    html = office(people[who]).get("/office/cases?tab=all").get_data(as_text=True)
    assert _numbers(html) == {cases[k].tracking_number for k in expected}


def test_liaison_has_no_inbox(offices, office):
    people, _cases = offices
    assert office(people["liaison"]).get("/office/cases").status_code == 403


def test_tabs_mine_and_unassigned(offices, office):
    people, cases = offices
    client = office(people["clerk1"])
    assert _numbers(client.get("/office/cases?tab=mine").get_data(as_text=True)) == {cases["mine"].tracking_number}
    assert _numbers(client.get("/office/cases?tab=unassigned").get_data(as_text=True)) == {cases["new"].tracking_number}
    counts = _counts(client.get("/office/cases").get_data(as_text=True))
    assert counts["mine"] == 1 and counts["unassigned"] == 1 and counts["open"] == 2


def test_due_soon_and_overdue_counts_agree_with_the_clock(db, app, make_agency, make_user, make_case, office):
    """The SQL boundaries give exactly the cases describe_clock calls due soon or overdue."""
    agency = make_agency()
    clerk = make_user("clerk", agency=agency)
    supervisor = make_user("supervisor", agency=agency)
    today = local_today()
    cases = []
    for back in range(45):
        received = today - timedelta(days=back)
        cases.append(make_case(agency=agency, received_on=received, today=today, handler=clerk,
                               status="in_progress" if back % 2 else "submitted"))
    cases.append(make_case(agency=agency, received_on=today - timedelta(days=40), today=today, handler=clerk,
                           status="correction_requested"))
    cal = load_calendar()
    soon = app.config["DUE_SOON_DAYS"]
    states = [describe_clock(c, today, soon_days=soon, cal=cal).state for c in cases]
    assert states.count("due_soon") >= 3 and states.count("overdue") >= 3  # the test covers both boundaries
    counts = inbox.inbox_counts(supervisor, today, soon, cal)
    assert counts["due_soon"] == states.count("due_soon")
    assert counts["overdue"] == states.count("overdue")
    assert counts["correction"] == 1
    html = office(supervisor).get("/office/cases?tab=due_soon").get_data(as_text=True)
    expected = {c.tracking_number for c, s in zip(cases, states, strict=True) if s == "due_soon"}
    assert _numbers(html) == expected
    assert _counts(html)["due_soon"] == len(expected)


def _register(agency, clerk, *, channel="post", received_on=date(2026, 11, 2), **fields):
    from tests.conftest import VALID_PERSON

    reg = ops.register_case(agency, {**VALID_PERSON, **fields}, channel=channel, received_on=received_on,
                            actor=clerk, today=date(2026, 11, 20))
    return reg.case


def test_filters(db, make_agency, make_user, office):
    agency = make_agency()
    clerk = make_user("clerk", agency=agency)
    supervisor = make_user("supervisor", agency=agency)
    by_post = _register(agency, clerk, channel="post", received_on=date(2026, 11, 2))
    by_fax = _register(agency, clerk, channel="fax", received_on=date(2026, 11, 9))
    company = _register(agency, clerk, channel="in_person", received_on=date(2026, 11, 16),
                        applicant_type="commercial_enterprise", applicant_name="示范市某某置业有限公司",
                        org_code="913100004JURQ283FD", contact_person="王经理", id_number=None)
    ops.accept_case(by_fax, actor=clerk)
    db.session.commit()
    client = office(supervisor)

    def found(query):
        return _numbers(client.get("/office/cases?tab=all&" + query).get_data(as_text=True))

    assert found("channel=fax") == {by_fax.tracking_number}
    assert found("status=submitted") == {by_post.tracking_number, company.tracking_number}
    assert found("applicant_type=commercial_enterprise") == {company.tracking_number}
    assert found(f"handler={clerk.id}") == {by_fax.tracking_number}
    assert found("handler=none") == {by_post.tracking_number, company.tracking_number}
    assert found("received_from=2026-11-05&received_to=2026-11-10") == {by_fax.tracking_number}
    assert found("q=置业") == {company.tracking_number}


def test_malformed_filters_are_ignored_with_a_message(make_case, make_user, office):
    case = make_case()
    client = office(make_user("supervisor", agency=case.agency))
    resp = client.get("/office/cases?received_from=yesterday&page=abc&status=nonsense&sort=x&tab=zzz&department=1e9")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "alert-warning" in html and case.tracking_number in html


def test_search_in_the_inbox_finds_chinese_words(make_agency, make_user, make_case, office):
    agency = make_agency()
    school = make_case(agency=agency, description="申请公开2026年示范市义务教育阶段学校招生入学工作实施意见。")
    make_case(agency=agency, description="申请公开人民路旧住房成套改造项目的征收补偿方案。")
    elsewhere = make_case(description="申请公开某区学校招生划片范围。")
    client = office(make_user("supervisor", agency=agency))
    assert _numbers(client.get("/office/cases?tab=all&q=招生").get_data(as_text=True)) == {school.tracking_number}
    assert elsewhere.tracking_number not in client.get("/office/cases?tab=all&q=招生").get_data(as_text=True)
    # A whole tracking number goes straight to the case.
    resp = client.get(f"/office/cases?tab=all&q={school.tracking_number}")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/office/cases/{school.tracking_number}")


def test_a_number_or_its_tail_jumps_to_the_case_from_any_tab(make_agency, make_user, make_case, office):
    agency = make_agency()
    closed = make_case("closed", agency=agency, description="申请公开2025年示范市财政预算执行情况。")
    make_case(agency=agency, description="申请公开人民路旧住房成套改造项目的征收补偿方案。")
    other = make_case(description="申请公开某区学校招生划片范围。")
    client = office(make_user("supervisor", agency=agency))
    tail = closed.tracking_number.rsplit("-", 1)[1]  # e.g. 000001
    for typed in (tail, str(int(tail)), closed.tracking_number.lower(), "-".join(closed.tracking_number.split("-")[1:])):
        resp = client.get(f"/office/cases?q={typed}")  # the default tab lists open cases only
        assert resp.status_code == 302, typed
        assert resp.headers["Location"].endswith(f"/office/cases/{closed.tracking_number}"), typed
    # Another agency's case is never reached by its number.
    assert client.get(f"/office/cases?q={other.tracking_number}").status_code == 200


def test_a_search_counts_every_status_and_marks_the_words_escaped(make_agency, make_user, make_case, office):
    agency = make_agency()
    make_case("closed", agency=agency, description="申请公开2025年招生计划<script>alert(1)</script>。")
    make_case(agency=agency, applicant_name="招生&<b>办</b>", description="申请公开2026年示范市学校招生入学工作实施意见。")
    client = office(make_user("supervisor", agency=agency))
    html = client.get("/office/cases?q=招生").get_data(as_text=True)
    assert len(_numbers(html)) == 1  # the open tab
    assert "在全部案件中有 2 条结果" in html
    assert "<mark>招生</mark>" in html
    assert "<script>alert(1)" not in html and "<b>办</b>" not in html
    assert "<mark>招生</mark>&amp;&lt;b&gt;办&lt;/b&gt;" in html
    html = client.get("/office/cases?q=招生&tab=all").get_data(as_text=True)
    assert len(_numbers(html)) == 2 and "search-everywhere" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "&lt;script&gt;" in html


def test_sorted_by_due_date_and_paged(db, make_agency, make_user, app):
    agency = make_agency()
    clerk = make_user("clerk", agency=agency)
    supervisor = make_user("supervisor", agency=agency)
    made = [_register(agency, clerk, received_on=date(2026, 11, 2) + timedelta(days=d)) for d in (9, 1, 5, 3, 7)]
    db.session.commit()
    cal = load_calendar()
    today = date(2026, 11, 20)
    pages = [inbox.inbox_page(supervisor, inbox.InboxFilters(tab="all", page=p), today, 5, cal, per_page=2)
             for p in (1, 2, 3)]
    assert [pg.total for pg in pages] == [5, 5, 5] and pages[0].pages == 3
    listed = [c for pg in pages for c in pg.items]
    assert [c.due_on for c in listed] == sorted(c.due_on for c in made)
    latest = inbox.inbox_page(supervisor, inbox.InboxFilters(tab="all", sort="-due"), today, 5, cal)
    assert [c.due_on for c in latest.items] == sorted((c.due_on for c in made), reverse=True)


def test_fifty_a_page(db, make_agency, make_user, office):
    agency = make_agency()
    clerk = make_user("clerk", agency=agency)
    supervisor = make_user("supervisor", agency=agency)
    for _ in range(51):
        _register(agency, clerk)
    db.session.commit()
    client = office(supervisor)
    first = client.get("/office/cases?tab=all").get_data(as_text=True)
    second = client.get("/office/cases?tab=all&page=2").get_data(as_text=True)
    assert len(_numbers(first)) == 50 and len(_numbers(second)) == 1
    assert not _numbers(first) & _numbers(second)
    # past the last page there is nothing: 404, not the first page again
    past = client.get("/office/cases?tab=all&page=3")
    assert past.status_code == 404 and not _numbers(past.get_data(as_text=True))
    assert client.get("/office/cases?tab=all&page=0").status_code == 200  # below the first: the first


def test_the_staff_bar_marks_the_current_page(make_case, make_user, office):
    case = make_case()
    client = office(make_user("clerk", agency=case.agency))
    html = client.get("/office/cases").get_data(as_text=True)
    bar = html.split('class="navbar-nav')[1].split("</ul>")[0]
    assert bar.count('aria-current="page"') == 1
    assert re.search(r'href="/office/cases"\s+aria-current="page"', bar)
    html = client.get(f"/office/cases/{case.tracking_number}").get_data(as_text=True)
    bar = html.split('class="navbar-nav')[1].split("</ul>")[0]
    assert re.search(r'href="/office/cases"\s+aria-current="page"', bar)  # a case belongs to the inbox
    assert "版本" not in html and "暂定" not in html.split('id="clock-calendar"')[1][:20]


def test_the_letters_page_leads_back_to_the_case_once(make_case, make_user, office):
    case = make_case("in_progress")
    client = office(make_user("clerk", agency=case.agency))
    html = client.get(f"/office/letters/case/{case.tracking_number}").get_data(as_text=True)
    title = html.split("<title>")[1].split("</title>")[0]
    assert "<" not in title and case.tracking_number in title
    assert html.count(f'href="/office/cases/{case.tracking_number}"') == 2  # the breadcrumb and the way back


def test_the_approvals_list_shows_each_cases_due_date_and_sorts_by_it(db, make_agency, make_user, make_case, office):
    from datetime import date

    from caseapp.core.actions import act

    agency = make_agency()
    clerk, supervisor = make_user("clerk", agency=agency), make_user("supervisor", agency=agency)
    later = make_case("in_progress", agency=agency, handler=clerk, received_on=date(2026, 11, 20),
                      today=date(2026, 11, 20))
    sooner = make_case("in_progress", agency=agency, handler=clerk, received_on=date(2026, 11, 2),
                       today=date(2026, 11, 2))
    for case in (later, sooner):  # the later case is submitted first
        letter = act("draft_letter", case, clerk, {"template": "disclosed", "fields": {"public_location": "门户网站"}})
        act("submit_letter", case, clerk, {"letter_id": letter["letter_id"]})
    db.session.commit()
    html = office(supervisor).get("/office/letters/").get_data(as_text=True)
    approval = html.split("</table>")[0]
    assert approval.index(sooner.tracking_number) < approval.index(later.tracking_number)
    assert sooner.due_on.isoformat() in approval and later.due_on.isoformat() in approval
