"""Search records (SPEC §12, issue 23 item 1): a reply that the information is not held or needs
creation is submitted and approved only once the case has a recorded search; the supervisor sees
the searches when approving; the not-held letter says in one sentence that a search was made."""
from __future__ import annotations

from datetime import date

import pytest

from caseapp.accounts.operations import create_token
from caseapp.core.actions import act
from caseapp.core.errors import TransitionError, ValidationError
from caseapp.core.filestore import open_path
from caseapp.extensions import db
from caseapp.letters import operations as ops
from caseapp.letters.models import Letter
from caseapp.records.models import SearchRecord
from tests.conftest import csrf_from
from tests.letters.conftest import letter_world, pdf_text, squash  # noqa: F401 (letter_world: a fixture)

TODAY = date(2026, 11, 20)
pytestmark = pytest.mark.frozen_at(TODAY)
SEARCH = {"places": [{"kind": "archive", "detail": "2020年以来的文书档案"}, {"kind": "document_system"},
                     {"kind": "department", "detail": "基础教育处"}],
          "terms": ["学区划分", "招生入学实施意见"], "searched_on": "2026-11-18",
          "result": "未查见相关文件，仅有2025年的征求意见稿。"}
NOT_EXIST = {"ground": "not_exist"}
NEEDS_CREATION = "unavailable.needs_creation"


def _submitted(w, template="unavailable.not_held", fields=None):
    letter = ops.draft_letter(w["case"], actor=w["clerk"], template=template,
                              fields=fields if fields is not None else NOT_EXIST)
    ops.submit_letter(letter, actor=w["clerk"])  # the operation: the runner's guard is tested below
    db.session.commit()  # a refused action rolls back: the letter must outlive it
    return letter


def _fill_needs_creation(w, letter):
    """The needs-creation reply's own fields, from its sample."""
    from caseapp.letters import rendering

    spec = rendering.load_spec(NEEDS_CREATION)
    sample = rendering.load_sample(NEEDS_CREATION).get("fields", {})
    return {f.name: sample[f.name] for f in spec.fields if f.name in sample}


def _headers(db, user):
    token = create_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_not_held_reply_is_refused_without_a_search_and_approved_after(db, letter_world):
    w = letter_world
    letter = _submitted(w)
    with pytest.raises(TransitionError) as err:
        act("approve_letter", w["case"], w["supervisor"], {"letter_id": letter.id})
    assert err.value.status_code == 409
    assert "须先登记检索记录" in str(err.value.message)
    out = act("record_search", w["case"], w["clerk"], SEARCH)
    search = db.session.get(SearchRecord, out["search_id"])
    assert search.created_by_id == w["clerk"].id and search.searched_on == date(2026, 11, 18)
    assert search.places[1] == {"kind": "document_system", "detail": ""}
    act("approve_letter", w["case"], w["supervisor"], {"letter_id": letter.id})
    assert letter.status == "approved"


def test_submitting_a_not_held_reply_waits_for_the_search_too(db, letter_world):
    w = letter_world
    letter = ops.draft_letter(w["case"], actor=w["clerk"], template="unavailable.not_held", fields=NOT_EXIST)
    db.session.commit()
    with pytest.raises(TransitionError):
        act("submit_letter", w["case"], w["clerk"], {"letter_id": letter.id})
    act("record_search", w["case"], w["clerk"], SEARCH)
    act("submit_letter", w["case"], w["clerk"], {"letter_id": letter.id})
    assert letter.status == "submitted"


def test_needs_creation_reply_likewise(db, letter_world):
    w = letter_world
    letter = ops.draft_letter(w["case"], actor=w["clerk"], template=NEEDS_CREATION)
    ops.update_letter(letter, actor=w["clerk"], fields=_fill_needs_creation(w, letter))
    ops.submit_letter(letter, actor=w["clerk"])
    db.session.commit()
    with pytest.raises(TransitionError):
        act("approve_letter", w["case"], w["supervisor"], {"letter_id": letter.id})
    act("record_search", w["case"], w["clerk"], SEARCH)
    act("approve_letter", w["case"], w["supervisor"], {"letter_id": letter.id})
    assert letter.status == "approved"


def test_a_disclosing_reply_needs_no_search(db, letter_world):
    w = letter_world
    letter = _submitted(w, "disclosed", {"provided": "《示范市招生工作实施意见》，随本答复书提供。"})
    act("approve_letter", w["case"], w["supervisor"], {"letter_id": letter.id})
    assert letter.status == "approved"


def test_api_refuses_approval_with_409_and_lists_searches(client, db, letter_world):
    w = letter_world
    case = w["case"]
    letter = _submitted(w)
    db.session.commit()
    clerk, supervisor = _headers(db, w["clerk"]), _headers(db, w["supervisor"])
    number = case.tracking_number
    db.session.rollback()
    version = client.get(f"/api/v1/cases/{number}", headers=clerk).json["version"]
    resp = client.post(f"/api/v1/cases/{number}/actions", headers=supervisor,
                       json={"action": "approve_letter", "letter_id": letter.id, "version": version})
    assert resp.status_code == 409, resp.json
    assert "须先登记检索记录" in resp.json["error"]["message"]
    version = client.get(f"/api/v1/cases/{number}", headers=clerk).json["version"]
    resp = client.post(f"/api/v1/cases/{number}/actions", headers=clerk,
                       json={"action": "record_search", "version": version, **SEARCH})
    assert resp.status_code == 200, resp.json
    # A second search is another record.
    second = {**SEARCH, "places": [{"kind": "paper_files"}], "terms": ["学区"], "result": "未找到。"}
    version = client.get(f"/api/v1/cases/{number}", headers=clerk).json["version"]
    assert client.post(f"/api/v1/cases/{number}/actions", headers=clerk,
                       json={"action": "record_search", "version": version, **second}).status_code == 200
    body = client.get(f"/api/v1/cases/{number}", headers=clerk).json
    assert [s["terms"] for s in body["searches"]] == [SEARCH["terms"], ["学区"]]
    first = body["searches"][0]
    assert first["places"][2] == {"kind": "department", "detail": "基础教育处"}
    assert first["searched_on"] == "2026-11-18" and first["result"] == SEARCH["result"]
    assert first["by"] == w["clerk"].display_name and first["at"]
    resp = client.post(f"/api/v1/cases/{number}/actions", headers=supervisor,
                       json={"action": "approve_letter", "letter_id": letter.id, "version": body["version"]})
    assert resp.status_code == 200, resp.json


@pytest.mark.parametrize("change, field", [
    ({"searched_on": "2026-11-21"}, "searched_on"),  # tomorrow
    ({"searched_on": "2026-11-01"}, "searched_on"),  # before the request was received (2026-11-02)
    ({"places": []}, "places"),
    ({"places": [{"kind": "basement"}]}, "places"),
    ({"places": [{"kind": "department"}]}, "places"),  # which department?
    ({"terms": []}, "terms"),
    ({"result": "  "}, "result"),
])
def test_bad_search_input_is_refused(db, letter_world, change, field):
    w = letter_world
    with pytest.raises(ValidationError) as err:
        act("record_search", w["case"], w["clerk"], {**SEARCH, **change})
    assert field in err.value.errors
    assert db.session.query(SearchRecord).count() == 0


def test_search_only_while_the_case_is_handled(db, letter_world, make_case):
    w = letter_world
    closed = make_case("closed", agency=w["agency"], handler=w["clerk"])
    with pytest.raises(TransitionError):
        act("record_search", closed, w["clerk"], SEARCH)


def test_the_not_held_letter_says_a_search_was_made_without_its_details(db, letter_world):
    w = letter_world
    act("record_search", w["case"], w["clerk"], SEARCH)
    letter = _submitted(w)
    act("approve_letter", w["case"], w["supervisor"], {"letter_id": letter.id})
    ops.issue_letter(letter, actor=w["clerk"], delivery={"method": "post", "date": "2026-11-19",
                                                         "reference": "XA123456789CN"}, today=TODAY)
    db.session.commit()
    text = squash(pdf_text(open_path(letter.pdf_key).read_bytes()))
    assert squash("经本机关对档案室、公文系统、相关业务部门等进行检索，未找到您申请获取的政府信息") in text
    for secret in (*SEARCH["terms"], "基础教育处", "征求意见稿", "2020年以来"):
        assert secret not in text


def test_approval_page_and_case_page_show_the_searches(app, db, login, letter_world):
    w = letter_world
    case = w["case"]
    letter = _submitted(w)
    db.session.commit()
    supervisor = app.test_client()
    login(w["supervisor"], c=supervisor)
    html = supervisor.get(f"/office/letters/{letter.id}").get_data(as_text=True)
    assert 'id="letter-searches"' in html and "须先登记检索记录" in html  # the disabled approve button's reason
    clerk = app.test_client()
    login(w["clerk"], c=clerk)
    page = clerk.get(f"/office/cases/{case.tracking_number}").get_data(as_text=True)
    assert 'id="searches"' in page and 'data-action="record_search"' in page
    # The office form: checkboxes for the places, texts for the department and any other place.
    resp = clerk.post(f"/office/cases/{case.tracking_number}/record-search", data={
        "csrf_token": csrf_from(page), "version": str(case.version), "place_archive": "y",
        "place_document_system": "y", "place_department": "基础教育处", "terms": "学区划分\n招生入学实施意见",
        "searched_on": "2026-11-18", "result": "未查见相关文件。"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    db.session.rollback()
    search = db.session.query(SearchRecord).one()
    assert search.places == [{"kind": "archive", "detail": ""}, {"kind": "document_system", "detail": ""},
                             {"kind": "department", "detail": "基础教育处"}]
    assert search.terms == ["学区划分", "招生入学实施意见"]
    html = supervisor.get(f"/office/letters/{letter.id}").get_data(as_text=True)
    for shown in ("档案室", "公文系统", "相关业务部门（基础教育处）", "“学区划分”", "2026-11-18", "未查见相关文件。",
                  w["clerk"].display_name):
        assert shown in html, shown
    assert "须先登记检索记录" not in html
    page = clerk.get(f"/office/cases/{case.tracking_number}").get_data(as_text=True)
    assert "未查见相关文件。" in page and "“招生入学实施意见”" in page
    assert db.session.get(Letter, letter.id).status == "submitted"
