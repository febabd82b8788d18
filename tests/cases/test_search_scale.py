"""A search's capped count and its frequent-query plan (issue 13: the office at a million cases)."""
from __future__ import annotations

import math
from datetime import date, timedelta

import sqlalchemy as sa

from caseapp.calendar.service import load_calendar
from caseapp.cases import inbox
from caseapp.cases import operations as ops
from caseapp.cases.models import Case
from caseapp.cases.search import search_cases
from tests.conftest import VALID_PERSON

TODAY = date(2026, 11, 20)


def _register(agency, clerk, received_on, **fields):
    return ops.register_case(agency, {**VALID_PERSON, **fields}, channel="post", received_on=received_on,
                             actor=clerk, today=TODAY).case


def _office(agency, make_user, db):
    """Seven cases of one agency asking for school admissions (received on different days), two for
    something else, and one admissions case in another agency."""
    clerk = make_user("clerk", agency=agency)
    school = [_register(agency, clerk, date(2026, 11, 2) + timedelta(days=d),
                        description=f"申请公开示范市第{d}中学招生入学工作实施意见。") for d in (9, 1, 5, 3, 7, 2, 6)]
    other = [_register(agency, clerk, date(2026, 11, 4), description="申请公开滨江区河道水质监测报告。")
             for _ in range(2)]
    db.session.commit()
    return school, other


def _numbers(db, select):
    return [c.tracking_number for c in db.session.scalars(select)]


def test_a_common_query_finds_the_same_cases_in_the_same_order(db, make_agency, make_user):
    """common=True (PostgreSQL: each case's stored tsvector checked while the listing is read in its
    order) finds exactly what the full-text index finds, on either database."""
    agency, elsewhere = make_agency(), make_agency()
    school, other = _office(agency, make_user, db)
    _register(elsewhere, make_user("clerk", agency=elsewhere), date(2026, 11, 3), description="申请公开第1中学招生计划。")
    db.session.commit()
    base = sa.select(Case).where(Case.agency_id == agency.id).order_by(Case.due_on, Case.id)
    for query in ("招生", "中学 招生", "水质 监测", "招生 水质", "欧阳", "义务教育"):
        rare = _numbers(db, search_cases(query, base))
        common = _numbers(db, search_cases(query, base, common=True))
        assert common == rare, query
    assert _numbers(db, search_cases("招生", base, common=True)) == [
        c.tracking_number for c in sorted(school, key=lambda c: (c.due_on, c.id))]
    assert set(_numbers(db, search_cases("水质", base, common=True))) == {c.tracking_number for c in other}
    assert _numbers(db, search_cases("!!!", base, common=True)) == []  # no words: nothing


def test_a_search_counts_up_to_the_limit_and_pages_the_first_results(db, make_agency, make_user):
    agency = make_agency()
    school, _other = _office(agency, make_user, db)
    supervisor = make_user("supervisor", agency=agency)
    cal = load_calendar()
    by_due = [c.tracking_number for c in sorted(school, key=lambda c: (c.due_on, c.id))]

    def page(q, p=1, limit=4):
        return inbox.inbox_page(supervisor, inbox.InboxFilters(tab="all", q=q, page=p), TODAY, 5, cal,
                                per_page=2, count_limit=limit)

    first = page("招生")
    assert (first.total, first.more, first.pages) == (4, True, 2)  # "more than 4": two pages of two
    assert [c.tracking_number for c in first.items] == by_due[:2]
    second = page("招生", 2)
    assert [c.tracking_number for c in second.items] == by_due[2:4]
    assert page("招生", 9).page == 2  # no page beyond the counted results
    # Within the limit the count is exact; without one (the staff API) it is always exact.
    assert (page("招生", limit=7).total, page("招生", limit=7).more) == (7, False)
    assert (page("水质").total, page("水质").more) == (2, False)
    exact = inbox.inbox_page(supervisor, inbox.InboxFilters(tab="all", q="招生"), TODAY, 5, cal, per_page=2)
    assert (exact.total, exact.more, exact.pages) == (7, False, 4)
    # The limit is for searches only: a listing without words counts every case.
    listing = inbox.inbox_page(supervisor, inbox.InboxFilters(tab="all"), TODAY, 5, cal, count_limit=4)
    assert (listing.total, listing.more) == (9, False)
    assert inbox.count_matching(supervisor, inbox.InboxFilters(tab="all", q="招生"), TODAY, 5, cal, 4) == 5
    assert inbox.count_matching(supervisor, inbox.InboxFilters(tab="all", q="招生"), TODAY, 5, cal) == 7


def test_the_office_says_more_than_the_limit_in_chinese(db, make_agency, make_user, login, app, monkeypatch):
    agency = make_agency()
    _office(agency, make_user, db)
    monkeypatch.setattr(inbox, "SEARCH_COUNT_LIMIT", 3)
    client = app.test_client()
    assert login(make_user("supervisor", agency=agency), c=client).status_code == 302
    html = client.get("/office/cases?tab=all&q=招生").get_data(as_text=True)
    assert "超过3件" in html and "仅列出前3件，请增加检索词或筛选条件以缩小范围。" in html
    assert html.count('<tr data-tracking="') == 3
    assert "search-everywhere" not in html
    # A tab with no match points to the (capped) count over all cases.
    html = client.get("/office/cases?tab=correction&q=招生").get_data(as_text=True)
    assert "共0件" in html and "在全部案件中有超过 3 条结果。" in html
    html = client.get("/office/cases?tab=all&q=水质").get_data(as_text=True)
    assert "共2件" in html and "超过" not in html


def test_a_capped_search_lists_the_same_cases_in_the_same_order_in_every_tab_and_sort(db, make_agency, make_user):
    """Past the limit the page is read another way (on PostgreSQL: each status walked in due order and
    merged); its cases and their order are those of the exact listing, in every tab and sort."""
    agency = make_agency()
    school, _other = _office(agency, make_user, db)
    clerk = make_user("clerk", agency=agency)
    ops.accept_case(school[0], actor=clerk, today=TODAY)
    ops.accept_case(school[3], actor=clerk, today=TODAY)
    ops.request_correction(school[4], actor=clerk, details="请补充文件名称。", today=TODAY)
    db.session.commit()
    supervisor = make_user("supervisor", agency=agency)
    cal = load_calendar()
    for tab in ("open", "unassigned", "correction", "all"):
        for sort in inbox.SORTS:
            filters = inbox.InboxFilters(tab=tab, q="招生", sort=sort)
            exact = [c.id for c in inbox.inbox_page(supervisor, filters, TODAY, 5, cal).items]
            assert exact
            for limit in (1, 3, 5, 10):
                pages = range(1, math.ceil(min(len(exact), limit) / 2) + 1)
                listed = [c.id for p in pages for c in inbox.inbox_page(
                    supervisor, inbox.InboxFilters(tab=tab, q="招生", sort=sort, page=p), TODAY, 5, cal,
                    per_page=2, count_limit=limit).items]
                assert listed == exact[:limit], (tab, sort, limit)
            first = inbox.inbox_page(supervisor, filters, TODAY, 5, cal, count_limit=3)
            if tab != "all":  # the count over all cases comes with the page
                assert (first.everywhere, first.everywhere_more) == (3, True)
