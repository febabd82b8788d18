"""The public lookup's answer cache: built once per stamp, rebuilt after every change the applicant
could see, never served without the code, and the same as an answer built from scratch."""
from __future__ import annotations

from datetime import date

import pytest

from caseapp.core.stamped_cache import StampedCache


@pytest.fixture
def agency(make_agency):
    return make_agency("SFJY", "示范市教育局")


@pytest.fixture
def answers(app):
    from caseapp.api.public import _answers

    with app.test_request_context():
        cache = _answers()
    cache.clear()
    return cache


def lookup(client, case, **params):
    return client.get(f"/api/v1/requests/{case.tracking_number}", headers={"X-Query-Code": case.query_code},
                      query_string=params)


def test_a_polled_lookup_is_built_once(client, make_case, agency, answers):
    case = make_case(agency=agency)
    first, second = lookup(client, case), lookup(client, case)
    assert first.status_code == second.status_code == 200
    assert first.get_data() == second.get_data()
    assert (answers.misses, answers.hits) == (1, 1)


def test_every_change_the_applicant_sees_is_in_the_next_answer(client, db, make_case, agency, answers):
    from caseapp.cases import operations as ops

    case = make_case(agency=agency)
    assert lookup(client, case).json["status"] == "submitted"
    ops.request_correction(case, actor=case.clerk, details="请补充文件名称。", today=date(2026, 11, 11))
    db.session.commit()
    shown = lookup(client, case).json
    assert shown["status"] == "correction_requested" and shown["correction"]["details"] == "请补充文件名称。"
    assert shown["timeline"][-1]["action"] == "case.correction_requested"
    ops.withdraw_case(case, actor=None, reason="不再需要", today=date(2026, 11, 12))
    db.session.commit()
    assert lookup(client, case).json["status"] == "withdrawn"
    assert answers.hits == 0 and answers.misses == 3


def test_an_agency_renamed_is_renamed_in_the_answer(client, db, make_case, agency, answers):
    case = make_case(agency=agency)
    assert lookup(client, case).json["agency_name"] == "示范市教育局"
    agency.name = "示范市教育委员会"
    db.session.commit()
    assert lookup(client, case).json["agency_name"] == "示范市教育委员会"


def test_each_language_has_its_own_answer(client, make_case, agency, answers):
    case = make_case(agency=agency)
    assert lookup(client, case).json["status_label"] == "待受理"
    assert lookup(client, case, lang="en").json["status_label"] == "Awaiting acceptance"


def test_a_cached_answer_still_needs_the_code(client, make_case, agency, answers):
    case = make_case(agency=agency)
    assert lookup(client, case).status_code == 200
    wrong = client.get(f"/api/v1/requests/{case.tracking_number}", headers={"X-Query-Code": "AAAAAAAAAA"})
    assert wrong.status_code == 404 and case.tracking_number not in wrong.get_data(as_text=True)


@pytest.mark.parametrize("status", ["submitted", "in_progress", "correction_requested", "closed", "withdrawn"])
def test_a_cached_answer_equals_one_built_from_scratch(app, client, make_case, agency, answers, status,
                                                      monkeypatch):
    case = make_case(status=status, agency=agency)
    lookup(client, case)
    cached = lookup(client, case)
    assert answers.hits == 1
    monkeypatch.setattr(answers, "maxsize", 0)  # the cache off: every answer built
    fresh = lookup(client, case)
    assert cached.get_data() == fresh.get_data() and answers.hits == 1


def test_the_public_lookup_sets_no_cookie(client, make_case, agency):
    case = make_case(agency=agency)
    resp = lookup(client, case)
    assert resp.status_code == 200 and "Set-Cookie" not in resp.headers


def test_stamped_cache_serves_only_the_same_stamp_and_stays_bounded():
    cache: StampedCache[str] = StampedCache(maxsize=2)
    built = []

    def build(value):
        return lambda: built.append(value) or value

    assert cache.get_or_build("a", 1, build("a1")) == "a1"
    assert cache.get_or_build("a", 1, build("again")) == "a1"
    assert cache.get_or_build("a", 2, build("a2")) == "a2"  # a new stamp: rebuilt
    cache.get_or_build("b", 1, build("b1"))
    cache.get_or_build("c", 1, build("c1"))  # evicts "a", the least recently used
    assert cache.get_or_build("a", 2, build("a2 again")) == "a2 again"
    assert built == ["a1", "a2", "b1", "c1", "a2 again"]
    off: StampedCache[str] = StampedCache(maxsize=0)
    assert [off.get_or_build("a", 1, build(x)) for x in ("x", "y")] == ["x", "y"]
