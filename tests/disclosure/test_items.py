"""Information items (link, start, split, merge), candidates, applicants' suggestions, and the
counts for the statistics."""
from __future__ import annotations

from datetime import date

import pytest

from caseapp.calendar.service import load_calendar
from caseapp.core.actions import act
from caseapp.core.errors import ForbiddenError, TransitionError, ValidationError
from caseapp.disclosure import operations as ops
from caseapp.disclosure import queries

TODAY = date(2026, 11, 30)
pytestmark = pytest.mark.frozen_at(TODAY)  # the office and the API act on TODAY too


def resident_id(seq: int) -> str:
    """A resident ID number with a valid check digit."""
    from caseapp.cases.identity import make_resident_id

    return make_resident_id("110105", date(1980, 1, 1), seq)


def _requests(make_case, agency, clerk, n, *, closed=0, description="申请公开滨江区2026年公办小学学区划分方案。"):
    out = []
    for i in range(n):
        out.append(make_case(status="closed" if i < closed else "in_progress", agency=agency, handler=clerk,
                             applicant_name=f"申请人{i}", id_number=resident_id(len(description) * 10 + i),
                             phone=f"1390000{i:04d}",
                             description=description))
    return out


def test_start_link_split_and_merge(db, make_agency, make_user, make_case):
    agency = make_agency()
    clerk = make_user("clerk", agency=agency)
    a, b, c = _requests(make_case, agency, clerk, 3)
    item = ops.start_item(a, title="滨江区2026年小学学区划分方案", actor=clerk)
    ops.link_case(b, item, actor=clerk)
    ops.link_case(c, item, actor=clerk)
    db.session.commit()
    assert [x.id for x in queries.cases_of_item(item)] == [a.id, b.id, c.id]
    with pytest.raises(ValidationError):
        ops.link_case(b, item, actor=clerk)
    db.session.rollback()

    new = ops.split_item(item, [c.id], title="临湖区2026年小学学区划分方案", actor=clerk)
    db.session.commit()
    assert queries.item_of_case(c).id == new.id and len(queries.cases_of_item(item)) == 2
    with pytest.raises(ValidationError):
        ops.split_item(item, [a.id, b.id], title="全部", actor=clerk)  # would empty the item
    db.session.rollback()

    ops.merge_items(item, new, actor=clerk)
    db.session.commit()
    assert len(queries.cases_of_item(item)) == 3 and new.merged_into_id == item.id
    assert [i.id for i, _ in queries.items_of_agency(agency.id)] == [item.id]


def test_items_stay_in_their_agency(db, make_agency, make_user, make_case):
    a1, a2 = make_agency(), make_agency()
    clerk1, clerk2 = make_user("clerk", agency=a1), make_user("clerk", agency=a2)
    case1 = make_case(agency=a1, handler=clerk1)
    case2 = make_case(agency=a2, handler=clerk2)
    item = ops.start_item(case1, title="甲", actor=clerk1)
    db.session.commit()
    with pytest.raises(ForbiddenError):  # another agency's request: the runner's agency rule
        act("link_item", case2, clerk1, {"item_id": item.id})
    with pytest.raises(ValidationError):
        ops.link_case(case2, item, actor=clerk2)


def test_candidates_need_enough_applicants_and_a_disclosure(db, make_agency, make_user, make_case):
    agency = make_agency()
    clerk = make_user("clerk", agency=agency)
    cases = _requests(make_case, agency, clerk, 3, closed=1)
    item = ops.start_item(cases[0], title="学区划分方案", actor=clerk)
    for c in cases[1:]:
        ops.link_case(c, item, actor=clerk)
    few = _requests(make_case, agency, clerk, 2, closed=2, description="申请公开示范市2025年民办学校年检结果。")
    small = ops.start_item(few[0], title="民办学校年检结果", actor=clerk)
    ops.link_case(few[1], small, actor=clerk)
    undisclosed = _requests(make_case, agency, clerk, 3, description="申请公开示范市2025年教师招聘简章。")
    never = ops.start_item(undisclosed[0], title="教师招聘简章", actor=clerk)
    for c in undisclosed[1:]:
        ops.link_case(c, never, actor=clerk)
    db.session.commit()

    found = queries.candidates(agency.id, TODAY)
    assert [c.item.id for c in found] == [item.id]
    assert (found[0].applicants, found[0].requests, found[0].disclosures) == (3, 3, 1)
    # Requests older than twelve months do not count.
    assert queries.candidates(agency.id, date(2027, 12, 1)) == []
    assert [c.item.id for c in queries.candidates(None, TODAY)] == [item.id]


def test_converting_an_item_and_counts_for_statistics(db, make_agency, make_user, make_case):
    agency = make_agency()
    clerk = make_user("clerk", agency=agency)
    supervisor = make_user("supervisor", agency=agency)
    cases = _requests(make_case, agency, clerk, 2, closed=1)
    item = ops.start_item(cases[0], title="学区划分方案", actor=clerk)
    ops.link_case(cases[1], item, actor=clerk)
    entry = ops.draft_public_entry(actor=clerk, title="滨江区2026年公办小学学区划分方案", summary="", topic="education",
                                   today=date(2026, 11, 2), calendar=load_calendar(), item=item)
    ops.approve_publication(entry, actor=supervisor, today=date(2026, 11, 16))
    db.session.commit()
    assert queries.conversions_per_year(agency.id) == {2026: 1}
    assert queries.conversions_per_year(None) == {2026: 1}
    times = queries.days_to_publication(agency.id)
    assert [(t.working_days, t.on_time) for t in times] == [(10, True)]
    assert [e.id for e in queries.published_entries_for_case(cases[1])] == [entry.id]


def test_suggestion_answered_by_a_supervisor_only(app, db, make_agency, make_user, make_case, client):
    from caseapp.intake.operations import suggest_proactive_disclosure

    agency = make_agency()
    clerk = make_user("clerk", agency=agency)
    supervisor = make_user("supervisor", agency=agency)
    case = make_case(agency=agency, handler=clerk)
    suggestion = suggest_proactive_disclosure(case, text="建议将学区划分方案主动公开。")
    db.session.commit()
    assert [s.id for s, _, _ in queries.suggestions(agency.id, answered=False)] == [suggestion.id]
    suggestion = queries.get_suggestion(suggestion.id)
    with pytest.raises(ForbiddenError):  # supervisors answer: the runner's role rule
        act("answer_suggestion", case, clerk, {"suggestion_id": suggestion.id, "decision": "agree",
                                               "reason": "已主动公开"})
    with pytest.raises(ValidationError):
        ops.answer_suggestion(suggestion, decision="agree", reason="", actor=supervisor)
    db.session.rollback()
    ops.answer_suggestion(suggestion, decision="agree", reason="该方案已在本机关网站主动公开。", actor=supervisor)
    db.session.commit()
    assert queries.get_suggestion(suggestion.id).answer == "同意。该方案已在本机关网站主动公开。"
    assert queries.answer_of(suggestion).decision == "agree"
    with pytest.raises(TransitionError):
        ops.answer_suggestion(queries.get_suggestion(suggestion.id), decision="disagree", reason="再答", actor=supervisor)
    db.session.rollback()
    assert queries.suggestions(agency.id, answered=False) == []


def test_suggestions_page_answer_and_tracking_page(app, db, make_agency, make_user, make_case, login, client):
    from caseapp.intake.operations import suggest_proactive_disclosure
    from tests.conftest import csrf_from

    agency = make_agency()
    supervisor = make_user("supervisor", agency=agency)
    case = make_case(agency=agency)
    suggestion = suggest_proactive_disclosure(case, text="建议主动公开学区划分方案。")
    db.session.commit()
    office = app.test_client()
    login(supervisor, c=office)
    page = office.get("/office/disclosure/suggestions").get_data(as_text=True)
    assert "建议主动公开学区划分方案。" in page
    resp = office.post(f"/office/disclosure/suggestions/{suggestion.id}/answer",
                       data={"csrf_token": csrf_from(page), "decision": "disagree", "reason": ""})
    assert resp.status_code == 302
    assert queries.get_suggestion(suggestion.id).answered_at is None  # no reason: nothing recorded
    resp = office.post(f"/office/disclosure/suggestions/{suggestion.id}/answer",
                       data={"csrf_token": csrf_from(page), "decision": "disagree", "reason": "该方案涉及个人信息，不宜主动公开。"})
    assert resp.status_code == 302
    db.session.rollback()
    token = csrf_from(client.get("/track").get_data(as_text=True))
    html = client.post("/track", data={"csrf_token": token, "tracking_number": case.tracking_number,
                                       "query_code": case.query_code}, follow_redirects=True).get_data(as_text=True)
    assert "不同意。该方案涉及个人信息，不宜主动公开。" in html


def test_candidate_threshold_is_the_agency_setting(db, make_agency, make_user, make_case):
    from caseapp.accounts.models import Agency

    if not hasattr(Agency, "candidate_threshold"):
        pytest.skip("agencies have no candidate setting yet (the default of 3 applies)")
    agency = make_agency()
    clerk = make_user("clerk", agency=agency)
    cases = _requests(make_case, agency, clerk, 2, closed=1)
    item = ops.start_item(cases[0], title="学区划分方案", actor=clerk)
    ops.link_case(cases[1], item, actor=clerk)
    db.session.commit()
    assert queries.candidates(agency.id, TODAY) == []
    agency.candidate_threshold = 2
    db.session.commit()
    assert [(c.item.id, c.threshold) for c in queries.candidates(agency.id, TODAY)] == [(item.id, 2)]
    assert queries.candidate_threshold(agency) == 2


def test_item_page_split_and_merge_through_the_office(app, db, make_agency, make_user, make_case, login):
    from tests.conftest import csrf_from

    agency = make_agency()
    clerk = make_user("clerk", agency=agency)
    a, b, c = _requests(make_case, agency, clerk, 3)
    item = ops.start_item(a, title="学区划分方案", actor=clerk)
    ops.link_case(b, item, actor=clerk)
    ops.link_case(c, item, actor=clerk)
    db.session.commit()
    office = app.test_client()
    login(clerk, c=office)
    page = office.get(f"/office/disclosure/items/{item.id}").get_data(as_text=True)
    assert a.tracking_number in page and f'value="{c.id}"' in page
    resp = office.post(f"/office/disclosure/items/{item.id}/split",
                       data={"csrf_token": csrf_from(page), "title": "临湖区学区划分方案", "case_ids": [str(c.id)]})
    assert resp.status_code == 302
    db.session.rollback()
    new = queries.item_of_case(c)
    assert new.id != item.id and new.title == "临湖区学区划分方案"
    page = office.get(f"/office/disclosure/items/{item.id}").get_data(as_text=True)
    resp = office.post(f"/office/disclosure/items/{item.id}/merge",
                       data={"csrf_token": csrf_from(page), "source_id": str(new.id)})
    assert resp.status_code == 302
    db.session.rollback()
    assert queries.item_of_case(c).id == item.id
    # The merged item's page leads to the item that absorbed it.
    assert office.get(f"/office/disclosure/items/{new.id}").headers["Location"].endswith(f"/items/{item.id}")
