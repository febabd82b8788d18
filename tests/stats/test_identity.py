"""The annual-report identity 一 + 二 = （七） + 四, in every column of every year, on random case histories."""
from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseapp.cases.outcomes import CODES, REQUIRED_STATUS
from caseapp.stats.report import COLUMNS, annual_report
from tests.stats.conftest import Script

TYPES = COLUMNS[:-1]
FIRST = date(2024, 1, 2)
SPAN = 900  # days: histories run from early 2024 into mid 2026

# A step after the previous event: close with an outcome, withdraw, or reopen (only after a closing).
step = st.tuples(st.sampled_from(["close", "withdraw", "reopen"]), st.integers(1, 200),
                 st.sampled_from([c for c in CODES if c not in REQUIRED_STATUS]))
history = st.tuples(st.sampled_from(TYPES), st.integers(0, SPAN), st.lists(step, max_size=4))


def _play(s: Script, applicant_type, offset, steps):
    day = FIRST + timedelta(days=offset)
    case = s.receive(applicant_type, day)
    closed = False
    for action, gap, outcome in steps:
        day += timedelta(days=gap)
        if action == "reopen" and closed:
            s.reopen(case, day)
            closed = False
        elif action == "close" and not closed and s.closable(case, outcome):
            s.close(case, outcome, day)
            closed = True
        elif action == "withdraw" and not closed:
            s.withdraw(case, day)
            closed = True


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(histories=st.lists(history, min_size=1, max_size=8))
def test_identity_holds_on_random_histories(db, make_agency, make_user, histories):
    agency = make_agency()  # a fresh agency per example: earlier examples' cases do not count
    s = Script(db, agency, make_user("clerk", agency=agency), make_user("supervisor", agency=agency))
    for applicant_type, offset, steps in histories:
        _play(s, applicant_type, offset, steps)
    seen_received = 0
    for year in (2024, 2025, 2026, 2027):
        report = annual_report(year, agency)
        t3 = report.table3
        for column in COLUMNS:
            assert t3["received"][column] + t3["carried_in"][column] == t3["handled"][column] + t3["carried_out"][column]
            assert min(t3[row][column] for row in t3) >= 0
        assert t3["handled"]["total"] == sum(t3["handled"][c] for c in TYPES)
        assert report.balanced
        seen_received += t3["received"]["total"]
        # What one year carries out, the next carries in.
        assert annual_report(year + 1, agency).table3["carried_in"] == t3["carried_out"]
    # Every case is received once; reopenings in a later year add to that year's row 一.
    assert seen_received >= len(histories)
