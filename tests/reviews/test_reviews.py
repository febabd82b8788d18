"""Registering a review through the runner: refusals, the answer due date, the API's reviews[], the
answer's submission (late: flagged), reminders at 3 and 1 working days and the supervision order."""
from __future__ import annotations

from datetime import date

import pytest

from caseapp.core.actions import act
from caseapp.core.errors import DomainError
from caseapp.extensions import db
from caseapp.reviews.models import CaseReview
from tests.reviews.helpers import issue_reply

BODY = {"kind": "reconsideration", "body": "示范市人民政府", "filed_on": "2026-11-02", "result": "pending"}


@pytest.fixture
def replied(make_case, make_agency, make_user):
    agency = make_agency()
    clerk = make_user("clerk", agency=agency)
    supervisor = make_user("supervisor", agency=agency)
    case = make_case("closed", agency=agency, handler=clerk, received_on=date(2026, 9, 1))
    issue_reply(case, date(2026, 10, 9))
    db.session.commit()
    return {"case": case, "clerk": clerk, "supervisor": supervisor}


@pytest.mark.frozen_at("2026-11-10")
def test_record_review_answers_its_due_date(replied):
    out = act("record_review", replied["case"], replied["clerk"], {**BODY, "copy_received_on": "2026-11-04"})
    assert out["answer_due_on"] == "2026-11-18"
    review = db.session.get(CaseReview, out["review_id"])
    assert review.copy_received_on == date(2026, 11, 4)


@pytest.mark.frozen_at("2026-11-10")
@pytest.mark.parametrize("copy,field", [("2026-10-01", "copy_received_on"), ("2026-11-20", "copy_received_on"),
                                        (None, "copy_received_on")])
def test_bad_copy_dates_are_refused(replied, copy, field):
    body = {**BODY, **({"copy_received_on": copy} if copy else {})}
    with pytest.raises(DomainError) as err:
        act("record_review", replied["case"], replied["clerk"], body)
    assert field in (getattr(err.value, "errors", None) or {})
    db.session.rollback()
    assert db.session.query(CaseReview).count() == 0


@pytest.mark.frozen_at("2026-11-10")
def test_a_case_without_an_issued_reply_is_refused(make_case, make_agency, make_user):
    agency = make_agency()
    clerk = make_user("clerk", agency=agency)
    case = make_case("closed", agency=agency, handler=clerk, received_on=date(2026, 9, 1))
    db.session.commit()
    with pytest.raises(DomainError):
        act("record_review", case, clerk, {**BODY, "copy_received_on": "2026-11-04"})
    db.session.rollback()
    assert db.session.query(CaseReview).count() == 0


@pytest.mark.frozen_at("2026-11-20")
def test_late_answer_is_allowed_and_flagged(replied):
    out = act("record_review", replied["case"], replied["clerk"], {**BODY, "copy_received_on": "2026-11-04"})
    done = act("submit_review_answer", replied["case"], replied["clerk"],
               {"review_id": out["review_id"], "submitted_on": "2026-11-19"})
    assert done["late"] is True
    assert db.session.get(CaseReview, out["review_id"]).answer_late


@pytest.mark.frozen_at("2026-11-20")
def test_the_annual_report_page_counts_late_answers(replied, client, login, make_user):
    out = act("record_review", replied["case"], replied["clerk"], {**BODY, "copy_received_on": "2026-11-04"})
    act("submit_review_answer", replied["case"], replied["clerk"],
        {"review_id": out["review_id"], "submitted_on": "2026-11-19"})
    agency = replied["case"].agency
    login(make_user("auditor", agency=agency))
    page = client.get(f"/office/stats/annual-report?year=2026&agency={agency.code}").get_data(as_text=True)
    assert "本年度逾期提交的行政复议答复书、行政诉讼答辩状：1件" in page
    other_year = client.get(f"/office/stats/annual-report?year=2025&agency={agency.code}").get_data(as_text=True)
    assert "行政诉讼答辩状：0件" in other_year


@pytest.mark.frozen_at("2026-11-10")
def test_the_staff_api_lists_reviews_with_both_dates(replied):
    out = act("record_review", replied["case"], replied["clerk"], {**BODY, "copy_received_on": "2026-11-04"})
    from caseapp.reviews.queries import reviews_json

    [row] = reviews_json(replied["case"])
    assert (row["review_id"], row["copy_received_on"], row["answer_due_on"], row["answer_late"]) == (
        out["review_id"], "2026-11-04", "2026-11-18", False)


def _sweep(day: str):
    from caseapp.jobs.sweep import sweep

    counts = sweep(date.fromisoformat(day))
    db.session.commit()
    return counts


@pytest.mark.frozen_at("2026-11-10")
def test_reminders_at_3_and_1_working_days_then_a_supervision_order(replied):
    from caseapp.core.outbox import Notification
    from caseapp.jobs.supervision import ReviewAnswerOrder

    act("record_review", replied["case"], replied["clerk"], {**BODY, "copy_received_on": "2026-11-04"})
    db.session.commit()
    # Due 11-18 (Wed): 3 working days before is 11-13 (Fri), 1 is 11-17 (Tue).
    assert _sweep("2026-11-12")["review_answer_reminders"] == 0
    assert _sweep("2026-11-13")["review_answer_reminders"] == 2  # the handler and the supervisor
    assert _sweep("2026-11-13")["review_answer_reminders"] == 0  # nothing sent twice
    assert _sweep("2026-11-16")["review_answer_reminders"] == 0
    assert _sweep("2026-11-17")["review_answer_reminders"] == 2
    sent = [n for n in db.session.query(Notification) if (n.dedupe_key or "").startswith("review:")]
    assert sorted(n.user_id for n in sent) == sorted([replied["clerk"].id, replied["supervisor"].id] * 2)
    assert _sweep("2026-11-18")["review_answer_orders_opened"] == 0
    assert _sweep("2026-11-19")["review_answer_orders_opened"] == 1
    assert _sweep("2026-11-20")["review_answer_orders_opened"] == 0
    order = db.session.query(ReviewAnswerOrder).one()
    assert (order.due_on, order.opened_on, order.closed_on) == (date(2026, 11, 18), date(2026, 11, 19), None)
