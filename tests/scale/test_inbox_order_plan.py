"""Every inbox ordering by due date is read from an index (issue 26 item 7): a tab of several
statuses is read status by status from (agency_id, status, due_on, id) and merged, instead of
sorting every case of the tab (COALESCE(due_on, received_on) over `status IN (...)` was sorted in
full on PostgreSQL: 150-366 ms at a million cases). Shown with SQLite's EXPLAIN QUERY PLAN."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from caseapp.calendar.service import load_calendar
from caseapp.cases import inbox
from caseapp.core.clock import local_today


def _plan(db, statement) -> list[str]:
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    return [row[-1] for row in db.session.execute(sa.text(f"EXPLAIN QUERY PLAN {compiled}"))]


def _listing(user, filters, monkeypatch):
    """The statement inbox_page runs for the page's cases."""
    seen = []
    real = inbox.db.session.scalars

    def spy(statement, *args, **kwargs):
        seen.append(statement)
        return real(statement, *args, **kwargs)

    monkeypatch.setattr(inbox.db.session, "scalars", spy)
    today = local_today()
    inbox.inbox_page(user, filters, today, 5, load_calendar())
    monkeypatch.undo()
    return seen[-1]


@pytest.mark.parametrize("tab,status,sort", [
    ("open", None, "due"), ("open", None, "-due"), ("mine", None, "due"), ("due_soon", None, "due"),
    ("overdue", None, "due"), ("correction", None, "due"), ("unassigned", None, "due"), ("all", "in_progress", "due"),
    ("open", "in_progress", "-due"),
])
def test_each_due_ordering_reads_an_index(db, make_user, make_case, monkeypatch, tab, status, sort):
    supervisor = make_user("supervisor")
    make_case("in_progress", agency=supervisor.agency)
    if db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    statement = _listing(supervisor, inbox.InboxFilters(tab=tab, status=status, sort=sort), monkeypatch)
    plan = _plan(db, statement)
    reads = [line for line in plan if line.startswith(("SEARCH cases", "SCAN cases"))]
    # Every part reads its one status from an (agency, status, due) index: the parts in due order
    # from (agency, status, due_on, id), stopped at the page; those of cases without a due date
    # (none are expected) by `due_on IS NULL`. Only the merge of the page-sized parts is sorted (a
    # sort inside a part would sort the whole status).
    ordered = [line for line in reads if "due_on=?" not in line]
    assert ordered and all(line.startswith("SEARCH cases USING INDEX ix_cases_agency_status_due_id (agency_id=? AND status=?")
                           for line in ordered), plan
    assert all(line.startswith("SEARCH cases USING INDEX ix_cases_agency_status_due") and "status=? AND due_on=?" in line
               for line in reads if line not in ordered), plan
    assert sum("USE TEMP B-TREE" in line for line in plan) == 1 and plan[-1] == "USE TEMP B-TREE FOR ORDER BY", plan
