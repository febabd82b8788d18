"""Similarity tells the same document from a near one: measured on the labelled set, and the
index answers /api/v1/cases/{n}/similar with the same agency's matching requests only."""
from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from caseapp.disclosure import similarity
from tests.disclosure.labelled import evaluate, load_requests, scored_pairs


def test_labelled_set_has_the_shape_the_issue_asks_for():
    rows = load_requests()
    per_item = Counter(r["item"] for r in rows)
    repeated = [k for k, n in per_item.items() if n >= 2]
    assert len(rows) >= 300
    assert len({r["agency"] for r in rows}) >= 4
    assert 35 <= len(repeated) and all(2 <= per_item[k] <= 8 for k in repeated)
    assert sum(1 for n in per_item.values() if n == 1) >= 40  # singletons
    assert len({r["text"] for r in rows}) == len(rows)


def test_precision_and_recall_on_the_labelled_set(capsys):
    result = evaluate(scored_pairs(load_requests()), similarity.THRESHOLD)
    with capsys.disabled():
        print(f"\nsimilarity on {result.pairs} same-agency pairs ({result.positives} same-item): threshold "
              f"{result.threshold:.2f} precision {result.precision:.3f} recall {result.recall:.3f} "
              f"(tp {result.true_positives}, fp {result.false_positives})")
    assert result.precision >= 0.80
    assert result.recall >= 0.70


@pytest.mark.parametrize("text, doc", [
    ("申请公开示教发〔2025〕12号文件", "2025-12"),
    ("请提供示教发[2025]12号", "2025-12"),
    ("示教发（2025）第12号通知", "2025-12"),
    ("2025年示教发第12号", "2025-12"),
    ("示环罚〔２０２４〕３１号", "2024-31"),
])
def test_document_numbers_in_their_common_spellings(text, doc):
    assert similarity.extract_features(text)["doc"] == [doc]


def test_chinese_numeral_years_and_periods():
    f = similarity.extract_features("请公开二〇二五年第三季度食品安全监督抽检结果")
    assert f["yr"] == ["2025"] and f["per"] == ["Q3"]
    assert "食品安全" in f["w"]


def test_a_differing_number_or_year_is_strong_evidence_of_another_item():
    a = similarity.extract_features("申请公开对恒达化工有限公司的行政处罚决定书（示环罚〔2025〕15号）")
    b = similarity.extract_features("申请公开对恒达化工有限公司的行政处罚决定书（示环罚〔2024〕31号）")
    c = similarity.extract_features("请提供示环罚〔2025〕15号，恒达化工被罚款的处罚决定")
    idf, default = similarity.idf_table([a, b, c])
    assert similarity.score(a, b, idf, default) < similarity.THRESHOLD
    assert similarity.score(a, c, idf, default) >= similarity.THRESHOLD
    y1 = similarity.extract_features("我想了解2025年滨江区小学学区划分方案")
    y2 = similarity.extract_features("我想了解2024年滨江区小学学区划分方案")
    idf, default = similarity.idf_table([y1, y2])
    assert similarity.score(y1, y2, idf, default) < similarity.THRESHOLD


# --- The index and the API ----------------------------------------------------------------------------


def _token(db, user):
    from caseapp.accounts.operations import create_token

    token = create_token(user, label="test")
    db.session.commit()
    return token


def test_similar_api_lists_matching_requests_of_the_same_agency_best_first(client, db, make_agency, make_user,
                                                                        make_case):
    agency, other_agency = make_agency(), make_agency()
    clerk = make_user("clerk", agency=agency)
    same1 = make_case(agency=agency, handler=clerk,
                      description="申请公开示范市教育局关于做好2025年义务教育阶段学校招生入学工作的通知（示教发〔2025〕12号）。")
    same2 = make_case(agency=agency, handler=clerk, description="请提供示教发〔2025〕12号文件，即小学初中招生入学政策。")
    near = make_case(agency=agency, handler=clerk,
                     description="申请公开示范市教育局关于做好2024年义务教育阶段学校招生入学工作的通知（示教发〔2024〕9号）。")
    make_case(agency=agency, handler=clerk, description="申请公开示范市2025年民办学校年度检查结果。")
    elsewhere = make_case(agency=other_agency,
                          description="请提供示教发〔2025〕12号文件，即小学初中招生入学政策。")
    query = make_case(agency=agency, handler=clerk, description="麻烦把2025年中小学招生入学的文件（示教发〔2025〕12号）发我一份")

    headers = {"Authorization": f"Bearer {_token(db, clerk)}"}
    resp = client.get(f"/api/v1/cases/{query.tracking_number}/similar", headers=headers)
    assert resp.status_code == 200
    body = resp.get_json()
    numbers = [row["tracking_number"] for row in body]
    assert set(numbers) == {same1.tracking_number, same2.tracking_number}
    assert near.tracking_number not in numbers and elsewhere.tracking_number not in numbers
    scores = [row["score"] for row in body]
    assert scores == sorted(scores, reverse=True) and all(s >= similarity.THRESHOLD for s in scores)


def test_similar_api_refuses_without_token_wrong_role_and_other_agency(client, db, make_agency, make_user, make_case):
    agency = make_agency()
    case = make_case(agency=agency)
    assert client.get(f"/api/v1/cases/{case.tracking_number}/similar").status_code == 401
    liaison = make_user("liaison", agency=agency)
    resp = client.get(f"/api/v1/cases/{case.tracking_number}/similar",
                      headers={"Authorization": f"Bearer {_token(db, liaison)}"})
    assert resp.status_code == 403 and resp.get_json()["error"]["code"]
    stranger = make_user("clerk")
    resp = client.get(f"/api/v1/cases/{case.tracking_number}/similar",
                      headers={"Authorization": f"Bearer {_token(db, stranger)}"})
    assert resp.status_code == 404


def test_index_counts_follow_reindexing(db, make_agency, make_case):
    from caseapp.disclosure import index
    from caseapp.disclosure.models import Posting, TermStat

    agency = make_agency()
    case = make_case(agency=agency, description="申请公开滨江区2025年公办小学学区划分方案。")
    count = db.session.get(TermStat, (agency.id, index.COUNT_TERM)).df
    assert count == 1
    postings = db.session.query(Posting).filter_by(case_id=case.id).count()
    assert postings > 0
    index.index_case(case)  # again: nothing doubles
    db.session.commit()
    assert db.session.get(TermStat, (agency.id, index.COUNT_TERM)).df == 1
    assert db.session.query(Posting).filter_by(case_id=case.id).count() == postings


def test_the_index_finds_what_the_pairwise_scores_find(db, make_agency, capsys):
    """The labelled set as requests in four agencies: /similar's retrieval keeps precision and recall."""
    import itertools

    import sqlalchemy as sa

    from caseapp.cases.models import Case
    from caseapp.disclosure.index import bulk_index, find_similar
    from tests.disclosure.labelled import AGENCY_NAMES

    rows = load_requests()
    agencies = {code: make_agency(code, name) for code, name in AGENCY_NAMES.items()}
    received = date(2026, 3, 2)
    db.session.execute(sa.insert(Case), [{
        "agency_id": agencies[r["agency"]].id, "tracking_number": f"{r['agency']}-L-{r['id']:04d}",
        "query_code_hash": "x", "applicant_type": "natural_person", "applicant_name": f"申请人{r['id']}",
        "applicant_key": f"label:{r['id']}", "description": r["text"], "form": "electronic", "delivery": "email",
        "channel": "online", "status": "in_progress", "received_on": received, "accepted_on": received,
        "clock_started_on": received, "due_on": date(2026, 3, 30)} for r in rows])
    label = {f"{r['agency']}-L-{r['id']:04d}": r["item"] for r in rows}
    for code, agency in agencies.items():
        bulk_index(agency, db.session.execute(sa.select(Case.id, Case.description)
                                              .where(Case.agency_id == agency.id)).all())
    db.session.commit()
    cases = list(db.session.scalars(sa.select(Case)))
    number = {c.id: c.tracking_number for c in cases}
    found = set()
    for case in cases:
        for m in find_similar(case):
            found.add(frozenset((case.tracking_number, number[m.case_id])))
    by_agency: dict[int, list[str]] = {}
    for c in cases:
        by_agency.setdefault(c.agency_id, []).append(c.tracking_number)
    positives = {frozenset(p) for group in by_agency.values() for p in itertools.combinations(group, 2)
                 if label[p[0]] == label[p[1]]}
    tp = len(found & positives)
    precision, recall = tp / len(found), tp / len(positives)
    with capsys.disabled():
        print(f"\nthrough the index: precision {precision:.3f} recall {recall:.3f} ({len(found)} pairs suggested)")
    assert precision >= 0.80 and recall >= 0.70
