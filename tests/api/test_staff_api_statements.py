"""The staff API's case list, search and case cost a fixed handful of SQL statements, whatever the
page's size: what each row needs (letters and their enclosures, records, searches, consultations,
the supervision order, reviews, clock pauses, department) is loaded for the whole page at once."""
from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from caseapp.accounts.operations import create_token

# A page of 5 cases or 50 (measured: 18, 19 with a search): BEGIN, the token and its user, the
# calendar's version, the user's agency, the count (a search: its ids), the page, its handlers,
# agencies, departments and clock pauses, letters and their enclosures, records, searches,
# consultations, supervision orders, reviews, the tab counts. Before: 9 more for every case.
MAX_STATEMENTS = 20


@contextmanager
def statements(db):
    """The SQL statements run inside the block."""
    seen: list[str] = []

    def before(_conn, _cursor, statement, *_args):
        seen.append(re.sub(r"\s+", " ", statement))

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


@pytest.fixture
def page_of_cases(client, db, make_case, make_user):
    """50 cases in progress of one agency, several with a consultation and a draft letter; a
    supervisor's bearer header."""
    supervisor = make_user("supervisor")
    clerk = make_user("clerk", agency=supervisor.agency)
    cases = [make_case("in_progress", agency=supervisor.agency, handler=clerk) for _ in range(50)]
    headers = {"Authorization": f"Bearer {create_token(supervisor)}"}
    clerk_headers = {"Authorization": f"Bearer {create_token(clerk)}"}
    db.session.commit()
    for case in cases[:3] + cases[20:23] + cases[47:]:
        resp = client.post(f"/api/v1/cases/{case.tracking_number}/actions", headers=clerk_headers, json={
            "action": "consult", "version": case.version, "kind": "department", "department": "BGS",
            "question": "请核实该文件的定密情况。"})
        assert resp.status_code == 200, resp.json
        resp = client.post(f"/api/v1/cases/{case.tracking_number}/actions", headers=clerk_headers, json={
            "action": "draft_letter", "version": resp.json["version"], "template": "disclosed",
            "fields": {"provided": "《示范市2026年义务教育阶段学校招生入学工作实施意见》，随本答复书一并提供。"}})
        assert resp.status_code == 200, resp.json
    return cases, headers


@pytest.mark.parametrize("query", ["tab=all", "tab=open", "tab=open&sort=-due", "tab=all&status=in_progress",
                                   "tab=open&sort=-received", "q=义务教育", "tab=open&q=招生入学"])
def test_a_page_costs_the_same_statements_whatever_its_size(client, db, page_of_cases, query):
    _cases, headers = page_of_cases
    counts = {}
    for size in (5, 50):
        with statements(db) as seen:
            resp = client.get(f"/api/v1/cases?{query}&per_page={size}", headers=headers)
        assert resp.status_code == 200, resp.json
        assert len(resp.json["cases"]) == size
        assert any(c["letters"] and c["consultations"] for c in resp.json["cases"])
        counts[size] = seen
    assert len(counts[5]) == len(counts[50]) <= MAX_STATEMENTS, "\n".join(counts[50])


def test_the_case_costs_a_fixed_number_of_statements(client, db, page_of_cases):
    cases, headers = page_of_cases
    sizes = []
    for case in (cases[0], cases[10]):  # with and without a letter and a consultation
        with statements(db) as seen:
            resp = client.get(f"/api/v1/cases/{case.tracking_number}", headers=headers)
        assert resp.status_code == 200
        sizes.append(len(seen))
    assert max(sizes) <= MAX_STATEMENTS


def test_the_list_counts_a_search_like_the_office(client, db, page_of_cases, monkeypatch):
    from caseapp.cases import inbox

    _cases, headers = page_of_cases
    monkeypatch.setattr(inbox, "SEARCH_COUNT_LIMIT", 20)
    body = client.get("/api/v1/cases?tab=all&q=义务教育&per_page=10", headers=headers).json
    assert (body["total"], body["more"], body["pages"]) == (20, True, 2)
    body = client.get("/api/v1/cases?tab=all&per_page=10", headers=headers).json  # no search: exact
    assert (body["total"], body["more"]) == (50, False)
