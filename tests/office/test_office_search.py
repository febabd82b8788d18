"""Chinese full-text search: jieba segmentation stored in case_search, matched by FTS5 or PostgreSQL."""
from __future__ import annotations

import sqlalchemy as sa

from caseapp.cases.models import Case
from caseapp.cases.search import query_groups, rebuild_index, search_cases, segment


def _found(db, query, agency=None):
    q = sa.select(Case.tracking_number)
    if agency is not None:
        q = q.where(Case.agency_id == agency.id)
    return set(db.session.scalars(search_cases(query, q)))


def test_segment_splits_words_and_drops_punctuation():
    words = segment("申请公开义务教育阶段学校招生入学工作实施意见。").split()
    assert "招生" in words and "入学" in words and "义务教育" in words
    assert "。" not in words


def test_query_word_carries_its_parts():
    groups = dict(query_groups("义务教育"))
    assert "义务" in groups["义务教育"] and "教育" in groups["义务教育"]


def test_word_inside_a_longer_description_is_found(db, make_agency, make_case):
    agency = make_agency()
    school = make_case(agency=agency, description="申请公开2026年示范市义务教育阶段学校招生入学工作实施意见及划片范围。")
    housing = make_case(agency=agency, description="申请公开人民路旧住房成套改造项目的征收补偿方案。")
    env = make_case(agency=agency, description="申请公开滨江区河道水质监测报告（第三季度）。")
    assert _found(db, "招生", agency) == {school.tracking_number}
    assert _found(db, "征收补偿", agency) == {housing.tracking_number}
    assert _found(db, "水质", agency) == {env.tracking_number}
    # Every word must match: one word of another case does not bring it in.
    assert _found(db, "招生 水质", agency) == set()
    assert _found(db, "义务教育 划片", agency) == {school.tracking_number}
    assert _found(db, "消防验收", agency) == set()


def test_tracking_number_and_applicant_name(db, make_agency, make_case):
    agency = make_agency()
    a = make_case(agency=agency, applicant_name="欧阳明")
    b = make_case(agency=agency, applicant_name="李四")
    assert _found(db, a.tracking_number, agency) == {a.tracking_number}
    assert _found(db, a.tracking_number.lower(), agency) == {a.tracking_number}
    assert _found(db, "欧阳", agency) == {a.tracking_number}
    assert _found(db, "阳明", agency) == {a.tracking_number}
    assert _found(db, "欧阳明", agency) == {a.tracking_number}
    assert b.tracking_number in _found(db, "李四", agency)


def test_special_characters_do_not_break_the_query(db, make_agency, make_case):
    agency = make_agency()
    make_case(agency=agency)
    for query in ('"', "'", "AND OR NOT", "招生\" OR \"", "%_", "*", "(", "NEAR(", "a:b", "-"):
        _found(db, query, agency)  # no syntax error from FTS5 or to_tsquery


def test_correction_text_is_indexed_when_it_arrives(db, make_case, make_user):
    from datetime import date

    from caseapp.cases import operations as ops

    case = make_case(status="correction_requested")
    clerk = make_user("clerk", agency=case.agency)
    assert _found(db, "控制性详细规划", case.agency) == set()
    ops.receive_correction(case, actor=clerk, text="补充：所需信息为控制性详细规划批复文件。",
                           received_on=date(2026, 11, 12), today=date(2026, 11, 12))
    db.session.commit()
    assert _found(db, "控制性详细规划", case.agency) == {case.tracking_number}


def test_bulk_inserted_cases_are_indexed_by_rebuild(db, make_agency, make_case):
    agency = make_agency()
    case = make_case(agency=agency, description="申请公开垃圾转运站环境监测数据。")
    db.session.execute(sa.text("DELETE FROM case_search"))
    assert _found(db, "转运站", agency) == set()
    assert rebuild_index() >= 1
    db.session.commit()
    assert _found(db, "转运站", agency) == {case.tracking_number}


def test_schema_matches_models_apart_from_the_full_text_objects(db):
    """The migration creates exactly the office tables the models declare (FTS objects are filtered)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from caseapp.cases.search import include_name

    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_name": include_name, "compare_type": True})
        diff = compare_metadata(ctx, db.metadata)

    def mine(entry):
        text = repr(entry)
        return "case_notes" in text or "case_search" in text or "ix_cases_agency_due" in text

    assert [d for d in diff if mine(d)] == []
