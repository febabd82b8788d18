"""The correction period counts from the correction notice (补正告知书) reaching the applicant (Reg. 30,
issue 20): without an issued notice nothing lapses, by the sweep or by hand; issued, its period runs
from the notice's delivery, and the notice goes out once."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from caseapp.core.actions import act
from caseapp.jobs.sweep import sweep
from caseapp.letters import operations as letter_ops
from caseapp.letters import rendering
from caseapp.letters.models import Letter
from caseapp.letters.values import agency_values, case_values
from tests.letters.conftest import pdf_text, squash
from tests.letters.guards import api, events, refused_on_the_letter_page
from tests.office.conftest import office, submit  # noqa: F401 - fixtures of these tests
from tests.office.test_legal_guards import _refused_both_ways

RECEIVED = date(2026, 11, 2)  # a Monday
ASKED = date(2026, 11, 3)


@pytest.fixture
def asked(db, make_case, make_user):
    """A correction requested on Tuesday 2026-11-03 (15 working days), its notice drafted and approved
    but not issued."""
    case = make_case("correction_requested", received_on=RECEIVED, today=ASKED, notice_served=False)
    supervisor = make_user("supervisor", agency=case.agency)
    notice = letter_ops.draft_letter(case, actor=case.clerk, template="correction_notice", today=ASKED)
    letter_ops.submit_letter(notice, actor=case.clerk)
    letter_ops.approve_letter(notice, actor=supervisor)
    db.session.commit()
    assert (case.correction_period_days, case.correction_notified_on, case.correction_due_on) == (15, None, None)
    return case, supervisor, notice


@pytest.mark.frozen_at("2026-12-30")
def test_nothing_lapses_while_the_correction_notice_is_not_issued(db, client, asked, office, submit):
    """Seven weeks on, the sweep closes nothing, and a supervisor cannot close the case as lapsed
    through the API or the office's closing form."""
    case, supervisor, _notice = asked
    counts = sweep(date(2026, 12, 30))
    db.session.commit()
    assert counts["corrections_lapsed"] == 0
    assert db.session.get(type(case), case.id).status == "correction_requested"
    assert "case.closed" not in events(db, case)
    _refused_both_ways(db, client, office, submit, supervisor, case,
                       {"action": "close", "outcome": "other.correction_lapsed", "reason": "逾期未补正"},
                       status=422, field="outcome", message="补正告知书尚未发出，申请人未被告知需要补正的事项，补正期限尚未起算")


@pytest.mark.frozen_at("2026-11-20")
def test_the_correction_period_counts_from_the_notices_issue(db, client, asked, office, submit):
    """Posted on Wednesday 11-04 (the delivery date of a posted letter is its posting day), the notice
    starts the 15 working days: the applicant may correct until Wednesday 11-25, which the frozen
    letter prints; closing as lapsed is refused until then, and the sweep lapses it on 11-26."""
    case, supervisor, notice = asked
    resp = api(client, case.clerk, case, {"action": "issue_letter", "letter_id": notice.id, "delivery": {
        "method": "post", "date": "2026-11-04", "reference": "XA100000001CN"}})
    assert resp.status_code == 200, resp.get_json()
    db.session.rollback()
    case = db.session.get(type(case), case.id)
    assert (case.correction_notified_on, case.correction_due_on) == (date(2026, 11, 4), date(2026, 11, 25))
    issued = db.session.get(Letter, notice.id)
    from caseapp.core import filestore

    with open(filestore.open_path(issued.pdf_key), "rb") as fh:
        assert "请您于2026年11月25日前向本机关提交补正后的申请" in squash(pdf_text(fh.read()))
    _refused_both_ways(db, client, office, submit, supervisor, case,
                       {"action": "close", "outcome": "other.correction_lapsed", "reason": "逾期未补正"},
                       status=422, field="outcome", message="补正期限至2026-11-25届满，届满前不能以逾期未补正办结。")
    assert sweep(date(2026, 11, 25))["corrections_lapsed"] == 0
    assert sweep(date(2026, 11, 26))["corrections_lapsed"] == 1
    db.session.commit()
    assert (case.status, case.outcome) == ("closed", "other.correction_lapsed")
    closing = db.session.scalar(sa.select(Letter).where(Letter.case_id == case.id,
                                                        Letter.template == "other.correction_lapsed"))
    # The closing letter quotes the notice as sent on the day it went out, not the day it was decided.
    assert (closing.fields["correction_requested_on"], closing.fields["correction_due_on"]) == (
        "2026-11-04", "2026-11-25")


@pytest.mark.frozen_at("2026-11-20")
def test_the_correction_notice_goes_out_once(db, client, asked, office):
    case, supervisor, notice = asked
    act("issue_letter", case, case.clerk, {"letter_id": notice.id,
                                           "delivery": {"method": "email", "date": "2026-11-04",
                                                        "reference": "zhangsan@example.com"}})
    again = letter_ops.draft_letter(case, actor=case.clerk, template="correction_notice")
    letter_ops.submit_letter(again, actor=case.clerk)
    db.session.commit()
    refused_on_the_letter_page(db, client, office, supervisor, case, again, {"action": "approve_letter"},
                               status=409, message="补正告知书已于2026-11-04发出。依照条例第三十条，补正只能一次性告知。")


def test_a_drafts_preview_gives_the_period_from_its_receipt(db, asked):
    """Before its issue the notice's due date is not known: the draft says how long, from when."""
    case, _supervisor, notice = asked
    html = rendering.render_html("correction_notice", rendering.build_context(
        key="correction_notice", agency=agency_values(case.agency), case=case_values(case), fields=notice.fields,
        number=None, dated=ASKED))
    assert "请您自收到本告知书之日起15个工作日内向本机关提交补正后的申请" in squash(html)


@pytest.mark.frozen_at("2026-11-20")
def test_a_correction_that_arrived_needs_no_notice_any_more(db, client, asked, office):
    case, supervisor, notice = asked
    act("receive_correction", case, case.clerk, {"description": "所需文件为示教〔2026〕1号。", "received_on": "2026-11-05"})
    refused_on_the_letter_page(db, client, office, case.clerk, case, notice,
                               {"action": "issue_letter", "delivery": {"method": "hand", "date": "2026-11-06"}},
                               status=409, message="补正告知书只能在等待申请人补正期间发出。")
