"""The case page and its triage and handling actions, through the office forms."""
from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from caseapp.core.audit import AuditEvent
from caseapp.core.clock import local_today
from tests.office.conftest import version_from


def _events(db, case, action=None):
    db.session.rollback()  # end the test's read snapshot: see what the requests committed
    q = sa.select(AuditEvent.action).where(AuditEvent.case_id == case.id)
    if action:
        q = q.where(AuditEvent.action == action)
    return list(db.session.scalars(q))


def _url(case, action=""):
    return f"/office/cases/{case.tracking_number}" + (f"/{action}" if action else "")


def _reload(db, case):
    db.session.rollback()  # ends the read snapshot and expires everything
    return db.session.get(type(case), case.id)


def test_case_page_shows_request_clock_and_masked_id(db, make_case, make_user, office):
    case = make_case()
    clerk = make_user("clerk", agency=case.agency)
    html = office(clerk).get(_url(case)).get_data(as_text=True)
    assert case.description in html
    assert "110***********002X" in html
    assert "11010519491231002X" not in html
    assert 'id="clock-due"' in html and case.due_on.isoformat() in html
    assert 'data-action="case.registered"' in html


def test_show_id_is_audited_and_shown_once(db, make_case, make_user, office, submit):
    case = make_case()
    auditor = make_user("auditor", agency=case.agency)
    client = office(auditor)
    page = client.get(_url(case)).get_data(as_text=True)
    from tests.conftest import csrf_from

    resp = client.post(_url(case, "reveal-id"), data={"csrf_token": csrf_from(page)})
    assert resp.status_code == 302
    shown = client.get(_url(case)).get_data(as_text=True)
    assert "11010519491231002X" in shown
    assert _events(db, case, "case.id_revealed") == ["case.id_revealed"]
    again = client.get(_url(case)).get_data(as_text=True)
    assert "11010519491231002X" not in again


def test_reveal_without_csrf_records_nothing(db, make_case, make_user, office):
    case = make_case()
    client = office(make_user("clerk", agency=case.agency))
    client.post(_url(case, "reveal-id"), data={})
    assert _events(db, case, "case.id_revealed") == []
    assert "11010519491231002X" not in client.get(_url(case)).get_data(as_text=True)


def test_html_in_the_description_is_shown_as_text(db, make_case, make_user, office):
    payload = "<script>alert('x')</script><b>粗体</b>申请公开文件"
    case = make_case(description=payload, applicant_name="<i>王五</i>")
    client = office(make_user("supervisor", agency=case.agency))
    for url in (_url(case), "/office/cases", _url(case, "accept")):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html and "<b>粗体</b>" not in html and "<i>王五</i>" not in html, url
        assert "&lt;script&gt;" in html or "&lt;b&gt;" in html, url


def test_accept_shows_what_it_will_do_then_accepts(db, make_case, make_user, office, submit):
    case = make_case()
    clerk = make_user("clerk", agency=case.agency)
    client = office(clerk)
    preview = client.get(_url(case, "accept")).get_data(as_text=True)
    assert 'id="action-preview"' in preview
    resp = submit(client, _url(case, "accept"))
    assert resp.status_code == 302 and resp.headers["Location"].endswith(_url(case))
    case = _reload(db, case)
    assert case.status == "in_progress" and case.handler_id == clerk.id
    assert _events(db, case, "case.accepted") == ["case.accepted"]


def test_action_refused_when_status_does_not_allow_it(db, make_case, make_user, office, submit):
    case = make_case(status="in_progress")
    client = office(make_user("clerk", agency=case.agency))
    page = client.get(_url(case, "accept")).get_data(as_text=True)
    assert 'id="action-refused"' in page
    assert "confirm-action" not in page
    from tests.conftest import csrf_from

    resp = client.post(_url(case, "accept"), data={"csrf_token": csrf_from(page), "version": str(case.version)})
    assert resp.status_code == 302
    follow = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "alert-danger" in follow
    assert _events(db, case, "case.accepted") == [_events(db, case, "case.accepted")[0]]  # only the factory's
    assert _reload(db, case).status == "in_progress"


@pytest.mark.frozen_at("2026-11-12")
def test_request_correction_warns_when_late(db, make_case, make_user, office, submit):
    case = make_case(received_on=date(2026, 11, 2))  # the 7 working days ended on 2026-11-11
    client = office(make_user("clerk", agency=case.agency))
    page = client.get(_url(case, "request-correction")).get_data(as_text=True)
    assert 'id="late-warning"' in page and "2026-11-11" in page
    resp = submit(client, _url(case, "request-correction"), {"details": "请写明所需文件的名称或文号。", "period_days": "10"})
    assert resp.status_code == 302
    follow = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "alert-warning" in follow and "2026-11-11" in follow
    case = _reload(db, case)
    assert case.status == "correction_requested" and case.correction_details == "请写明所需文件的名称或文号。"


def test_request_correction_in_time_has_no_warning(db, make_case, make_user, office, submit):
    today = local_today()
    case = make_case(received_on=today, today=today)
    client = office(make_user("clerk", agency=case.agency))
    assert 'id="late-warning"' not in client.get(_url(case, "request-correction")).get_data(as_text=True)
    resp = submit(client, _url(case, "request-correction"), {"details": "请补充文号。", "period_days": "15"})
    follow = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "alert-warning" not in follow
    assert _reload(db, case).status == "correction_requested"


def test_request_correction_needs_details_and_a_sane_period(db, make_case, make_user, office, submit):
    case = make_case()
    client = office(make_user("clerk", agency=case.agency))
    resp = submit(client, _url(case, "request-correction"), {"details": "  ", "period_days": "0"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "invalid-feedback" in html
    assert _reload(db, case).status == "submitted"
    resp = submit(client, _url(case, "request-correction"), {"details": "请补充。", "period_days": "abc"})
    assert resp.status_code == 422 and _reload(db, case).status == "submitted"


def test_receive_correction_restarts_the_clock(db, make_case, make_user, office, submit):
    case = make_case(status="correction_requested")
    client = office(make_user("clerk", agency=case.agency))
    arrived = local_today()
    resp = submit(client, _url(case, "receive-correction"),
                  {"received_on": arrived.isoformat(), "description": "补充说明：需要2026年的文件。"})
    assert resp.status_code == 302
    case = _reload(db, case)
    assert case.status == "submitted" and case.clock_started_on == arrived
    assert case.due_on > arrived


def test_receive_correction_refuses_a_future_or_malformed_date(db, make_case, make_user, office, submit):
    case = make_case(status="correction_requested")
    client = office(make_user("clerk", agency=case.agency))
    for bad in ("2099-01-01", "2026-13-45", ""):
        resp = submit(client, _url(case, "receive-correction"), {"received_on": bad, "description": "补充材料"})
        assert resp.status_code == 422 and "invalid-feedback" in resp.get_data(as_text=True), bad
    assert _reload(db, case).status == "correction_requested"


def test_assign_to_a_colleague_but_not_to_another_agency(db, make_case, make_user, office, submit):
    case = make_case()
    supervisor = make_user("supervisor", agency=case.agency)
    colleague = make_user("clerk", agency=case.agency)
    outsider = make_user("clerk")
    client = office(supervisor)
    resp = submit(client, _url(case, "assign"), {"user": str(outsider.id)})
    assert resp.status_code == 422 and _reload(db, case).handler_id is None
    resp = submit(client, _url(case, "assign"), {"user": str(colleague.id)})
    assert resp.status_code == 302 and _reload(db, case).handler_id == colleague.id


def test_only_supervisors_close_directly_and_need_a_reason(db, make_case, make_user, office, submit):
    case = make_case(status="in_progress")
    clerk = make_user("clerk", agency=case.agency)
    boss = make_user("supervisor", agency=case.agency)
    assert office(clerk).get(_url(case, "close")).status_code == 403
    supervisor = office(boss)
    resp = submit(supervisor, _url(case, "close"), {"outcome": "disclosed", "reason": ""})
    assert resp.status_code == 422 and _reload(db, case).status == "in_progress"
    resp = submit(supervisor, _url(case, "close"), {"outcome": "no.such", "reason": "已当面提供"})
    assert resp.status_code == 422 and _reload(db, case).status == "in_progress"
    resp = submit(supervisor, _url(case, "close"), {"outcome": "disclosed", "reason": "已当面提供"})
    assert resp.status_code == 302
    case = _reload(db, case)
    assert case.status == "closed" and case.outcome == "disclosed"


def test_reopen_after_a_decision(db, make_case, make_user, office, submit):
    case = make_case(status="closed")
    supervisor = office(make_user("supervisor", agency=case.agency))
    resp = submit(supervisor, _url(case, "reopen"), {"reason": ""})
    assert resp.status_code == 422 and _reload(db, case).status == "closed"
    resp = submit(supervisor, _url(case, "reopen"), {"reason": "示范市人民政府行政复议决定书（示府复〔2026〕8号）"})
    assert resp.status_code == 302
    case = _reload(db, case)
    assert case.status == "in_progress" and case.outcome is None


def test_withdraw_on_behalf_of_the_applicant(db, make_case, make_user, office, submit):
    case = make_case()
    client = office(make_user("clerk", agency=case.agency))
    resp = submit(client, _url(case, "withdraw"), {"reason": "申请人来电撤回"})
    assert resp.status_code == 302
    case = _reload(db, case)
    assert case.status == "withdrawn" and case.withdrawal_reason == "申请人来电撤回"


def test_notes_are_internal_and_audited(db, make_case, make_user, office):
    from tests.conftest import csrf_from

    case = make_case()
    clerk = make_user("clerk", agency=case.agency)
    reader = make_user("auditor", agency=case.agency)
    client = office(clerk)
    page = client.get(_url(case)).get_data(as_text=True)
    resp = client.post(_url(case, "notes"), data={"csrf_token": csrf_from(page), "text": "已电话联系申请人核实<b>身份</b>"})
    assert resp.status_code == 302
    html = client.get(_url(case)).get_data(as_text=True)
    assert "已电话联系申请人核实&lt;b&gt;身份&lt;/b&gt;" in html
    assert _events(db, case, "case.note_added") == ["case.note_added"]
    client.post(_url(case, "notes"), data={"csrf_token": csrf_from(page), "text": "   "})
    assert _events(db, case, "case.note_added") == ["case.note_added"]
    # Auditors read notes but cannot write them.
    auditor = office(reader)
    seen = auditor.get(_url(case)).get_data(as_text=True)
    assert "已电话联系申请人核实" in seen and 'name="text"' not in seen
    assert auditor.post(_url(case, "notes"), data={"csrf_token": csrf_from(seen), "text": "x"}).status_code == 403


def test_earlier_requests_panel_and_month_count(db, make_agency, make_case, make_user, office):
    agency = make_agency()
    first = make_case(agency=agency, received_on=date(2026, 10, 20), today=date(2026, 10, 21))
    second = make_case(agency=agency, received_on=date(2026, 11, 3), today=date(2026, 11, 4), status="closed")
    third = make_case(agency=agency, received_on=date(2026, 11, 5), today=date(2026, 11, 6))
    other_person = make_case(agency=agency, id_number="110105198001010016", applicant_name="李四",
                             received_on=date(2026, 11, 5), today=date(2026, 11, 6))
    elsewhere = make_case(received_on=date(2026, 11, 5), today=date(2026, 11, 6))  # same person, other agency
    client = office(make_user("clerk", agency=agency))
    html = client.get(_url(third)).get_data(as_text=True)
    panel = html[html.index('id="earlier"'):html.index('id="notes"')]
    assert first.tracking_number in panel and second.tracking_number in panel
    assert other_person.tracking_number not in panel and elsewhere.tracking_number not in panel
    assert 'id="month-count" data-count="2"' in panel  # November: the second and third requests


def test_two_clerks_accepting_at_once_one_wins_and_the_other_is_told(db, make_case, make_user, office):
    from tests.conftest import csrf_from

    case = make_case()
    first, second = make_user("clerk", agency=case.agency), make_user("clerk", agency=case.agency)
    c1, c2 = office(first), office(second)
    page1 = c1.get(_url(case, "accept")).get_data(as_text=True)
    page2 = c2.get(_url(case, "assign")).get_data(as_text=True)  # the second clerk works on the same version
    assert version_from(page1) == version_from(page2)
    r1 = c1.post(_url(case, "accept"), data={"csrf_token": csrf_from(page1), "version": version_from(page1)})
    assert r1.status_code == 302
    r2 = c2.post(_url(case, "assign"), data={"csrf_token": csrf_from(page2), "version": version_from(page2),
                                             "user": str(second.id)})
    assert r2.status_code == 302 and r2.headers["Location"].endswith(_url(case))
    follow = c2.get(r2.headers["Location"]).get_data(as_text=True)
    assert "alert-danger" in follow
    case = _reload(db, case)
    assert case.status == "in_progress" and case.handler_id == first.id  # the first clerk's work is kept
    assert _events(db, case, "case.assigned") == []


def test_true_race_is_caught_at_flush(app, db, make_case, make_user):
    """Two writers that both passed the version check: the database refuses the second (version_id_col)."""
    import pytest
    from sqlalchemy.orm import Session
    from sqlalchemy.orm.exc import StaleDataError

    from caseapp.cases import operations as ops
    from caseapp.cases.models import Case

    case = make_case()
    clerk = make_user("clerk", agency=case.agency)
    supervisor = make_user("supervisor", agency=case.agency)
    other = Session(db.engine, expire_on_commit=False)
    try:
        stale = other.get(Case, case.id)
        other.commit()  # keeps the loaded object (version 1) after its transaction ends
        ops.accept_case(case, actor=clerk)
        db.session.commit()
        stale.handler_id = supervisor.id  # a second write based on version 1
        with pytest.raises(StaleDataError):
            other.flush()
    finally:
        other.rollback()
        other.close()
    case = _reload(db, case)
    assert case.handler_id == clerk.id and case.version == 2


def test_after_a_correction_request_the_case_page_offers_the_notice_drafted_from_the_details(
        db, make_case, make_user, office, submit):
    from caseapp.letters.models import Letter
    from tests.conftest import csrf_from

    today = local_today()
    case = make_case(received_on=today, today=today)
    client = office(make_user("clerk", agency=case.agency))
    submit(client, _url(case, "request-correction"), {"details": "请写明所需文件的名称或文号。", "period_days": "15"})
    html = client.get(_url(case)).get_data(as_text=True)
    assert "政府信息公开申请补正告知书未发出" in html and 'id="draft-correction-notice"' in html
    form = html.split('id="correction-next"')[1].split("</form>")[0]
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)
    resp = client.post(_url(case, "draft-letter"), data={"csrf_token": csrf_from(html), "version": version,
                                                         "template": "correction_notice"})
    assert resp.status_code == 302 and "/office/letters/" in resp.headers["Location"]
    db.session.rollback()
    letter = db.session.scalars(sa.select(Letter).where(Letter.case_id == case.id)).one()
    assert letter.template == "correction_notice" and letter.fields["correction_items"] == "请写明所需文件的名称或文号。"
    html = client.get(_url(case)).get_data(as_text=True)
    assert "补正告知书尚未发出（草稿" in html and 'id="draft-correction-notice"' not in html


def test_closing_directly_asks_for_the_delivery_date_prefilled_with_today(db, make_case, make_user, office, submit):
    """235号: closed_on is the day the decision reached the applicant; the form starts from today."""
    case = make_case(status="in_progress")
    supervisor = office(make_user("supervisor", agency=case.agency))
    page = supervisor.get(_url(case, "close")).get_data(as_text=True)
    assert f'value="{local_today().isoformat()}"' in page and 'name="delivered_on"' in page
    resp = submit(supervisor, _url(case, "close"), {"outcome": "disclosed", "reason": "已当面提供",
                                                    "delivered_on": "2026-11-09"})
    assert resp.status_code == 302
    assert _reload(db, case).closed_on.isoformat() == "2026-11-09"


def test_the_correction_form_starts_from_the_agencys_own_period(db, make_agency, make_case, make_user, office,
                                                                 submit):
    agency = make_agency(correction_period_days=10)
    case = make_case(agency=agency)
    client = office(make_user("clerk", agency=agency))
    page = client.get(_url(case, "request-correction")).get_data(as_text=True)
    assert re.search(r'name="period_days"[^>]*value="10"', page) or re.search(r'value="10"[^>]*name="period_days"', page)
    resp = submit(client, _url(case, "request-correction"), {"details": "请写明所需文件的名称或文号。"})
    assert resp.status_code == 302
    case = _reload(db, case)
    assert (case.correction_period_days, case.correction_due_on) == (10, None)  # counted from the notice
    # 10 working days from the notice served on Tuesday 2026-11-10: Tuesday 2026-11-24.
    from caseapp.cases.operations import serve_correction_notice

    assert serve_correction_notice(case, served_on=date(2026, 11, 10)).correction_due_on == date(2026, 11, 24)
