"""While a fee notice is unpaid the clock is paused and the due date moves day by day. The stored
date is kept current (when the pause opens and closes, and by the daily sweep), so the inbox, the
staff API, the case page and the applicant's tracking answer show the same date on every day."""
from __future__ import annotations

import re
from datetime import date

from caseapp.accounts.operations import create_token
from caseapp.calendar.service import load_calendar
from caseapp.clock.service import compute_due, facts_for
from caseapp.jobs.sweep import sweep
from caseapp.fees import operations as fee_ops
from caseapp.letters import operations as ops
from caseapp.letters.models import Letter
from tests.letters.conftest import letter_world  # noqa: F401 - the fixture is used below

SERVED = date(2026, 11, 12)  # a Thursday
DAYS = [date(2026, 11, 13), date(2026, 11, 16), date(2026, 11, 17), date(2026, 11, 18), date(2026, 11, 19)]


def _shown_dates(app, login, case, token) -> dict[str, str]:
    """The due date each screen shows for the case now."""
    staff = client_for(app, login, case.clerk_user)
    inbox = staff.get("/office/cases?tab=all").get_data(as_text=True)
    row = inbox[inbox.index(f'data-tracking="{case.tracking_number}"'):]
    row = row[:row.index("</tr>")]
    page = staff.get(f"/office/cases/{case.tracking_number}").get_data(as_text=True)
    due_cell = page[page.index('id="clock-due"'):]
    api = app.test_client().get(f"/api/v1/cases/{case.tracking_number}",
                                headers={"Authorization": f"Bearer {token}"}).get_json()
    public = app.test_client().get(f"/api/v1/requests/{case.tracking_number}",
                                   headers={"X-Query-Code": case.query_code}).get_json()
    return {
        "inbox": re.findall(r"\d{4}-\d{2}-\d{2}", row)[-1],  # the row's dates: received, then due
        "case page": re.search(r"\d{4}-\d{2}-\d{2}", due_cell).group(0),
        "staff API": api["due_on"],
        "tracking": public["due_on"],
    }


def client_for(app, login, user):
    client = app.test_client()
    login(user, c=client)
    return client


def test_every_screen_shows_the_same_moving_due_date_while_a_fee_is_unpaid(app, db, login, letter_world):  # noqa: F811
    w = letter_world
    case = w["case"]
    case.clerk_user = w["clerk"]
    token = create_token(w["clerk"])
    fee_ops.propose_fee(case, actor=w["clerk"], basis="pages", count=150, today=SERVED)
    fee = fee_ops.approve_fee(case, actor=w["supervisor"], how_to_pay="通过非税收入缴款平台缴纳", today=SERVED)
    ops.issue_letter(db.session.get(Letter, fee.letter_id), actor=w["clerk"],
                     delivery={"method": "hand", "date": SERVED.isoformat()}, today=SERVED)
    db.session.commit()
    cal = load_calendar()
    seen = []
    for day in DAYS:
        db.session.rollback()  # end this test's read snapshot: the requests below wrote since
        sweep(day)
        db.session.commit()
        expected = compute_due(facts_for(case), cal, day).due_on
        assert case.due_on == expected, day
        shown = _shown_dates(app, login, case, token)
        assert set(shown.values()) == {expected.isoformat()}, (day, shown)
        seen.append(expected)
    # Each working day of the pause adds one working day to the reply period.
    assert all(cal.add_working_days(a, 1) == b for a, b in zip(seen, seen[1:], strict=False)), seen
