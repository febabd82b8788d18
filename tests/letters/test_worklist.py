"""The approvals and letters-to-issue list, and the overview's counts that lead to it."""
from __future__ import annotations

from datetime import date

from caseapp.fees import operations as fee_ops
from caseapp.letters import operations as ops
from caseapp.letters.time_requests import request_extension
from caseapp.office.worklist import pending_work


def _world(db, letter_world, make_agency, make_user, make_case):
    w = letter_world
    clerk2 = make_user("clerk", agency=w["agency"])
    other_case = make_case("in_progress", agency=w["agency"], handler=clerk2)
    submitted = ops.draft_letter(w["case"], actor=w["clerk"], template="disclosed",
                                 fields={"provided": "《示范市招生工作实施意见》"})
    ops.submit_letter(submitted, actor=w["clerk"])
    returned = ops.draft_letter(other_case, actor=clerk2, template="unavailable.not_held",
                                fields={"ground": "not_exist"})
    ops.submit_letter(returned, actor=clerk2)
    ops.return_letter(returned, actor=w["supervisor"], comment="请补充检索情况")
    request_extension(other_case, actor=clerk2, days=10, reason="需要调取多年档案", today=date(2026, 11, 20))
    fee_ops.propose_fee(w["case"], actor=w["clerk"], basis="pages", count=80)
    # Another agency's work never shows.
    elsewhere = make_agency("SFZJ", "示范市住房和城乡建设局")
    far_clerk = make_user("clerk", agency=elsewhere)
    far_letter = ops.draft_letter(make_case("in_progress", agency=elsewhere, handler=far_clerk), actor=far_clerk,
                                  template="disclosed", fields={"provided": "某文件"})
    ops.submit_letter(far_letter, actor=far_clerk)
    db.session.commit()
    return {**w, "clerk2": clerk2, "other_case": other_case, "submitted": submitted, "returned": returned}


def test_supervisor_sees_everything_awaiting_approval_in_the_agency(db, letter_world, make_agency, make_user, make_case):
    w = _world(db, letter_world, make_agency, make_user, make_case)
    work = pending_work(w["supervisor"])
    assert sorted((i.kind, i.tracking_number) for i in work["approval"]) == sorted([
        ("letter", w["case"].tracking_number), ("fee", w["case"].tracking_number),
        ("extension", w["other_case"].tracking_number)])
    fee = next(i for i in work["approval"] if i.kind == "fee")
    assert fee.detail == "500"  # pages 31-80 at 10 yuan each
    assert [(i.letter_id, i.status) for i in work["finish"]] == [(w["returned"].id, "returned")]


def test_clerk_sees_only_their_own_work(db, letter_world, make_agency, make_user, make_case):
    w = _world(db, letter_world, make_agency, make_user, make_case)
    mine = pending_work(w["clerk"])
    assert sorted(i.kind for i in mine["approval"]) == ["fee", "letter"] and mine["finish"] == []
    theirs = pending_work(w["clerk2"])
    assert [i.kind for i in theirs["approval"]] == ["extension"]
    assert [i.letter_id for i in theirs["finish"]] == [w["returned"].id]


def test_worklist_page_and_overview_counts(app, db, login, letter_world, make_agency, make_user, make_case):
    w = _world(db, letter_world, make_agency, make_user, make_case)
    supervisor = app.test_client()
    login(w["supervisor"], c=supervisor)
    page = supervisor.get("/office/letters/").get_data(as_text=True)
    assert "待您审批（3）" in page and "延期10个工作日答复" in page and "信息处理费500元" in page
    assert f'/office/letters/{w["submitted"].id}"' in page and "退回修改" in page
    assert "示范市住房和城乡建设局" not in page
    home = supervisor.get("/office/").get_data(as_text=True)
    assert 'data-count="approval">3<' in home and 'data-count="finish">1<' in home
    assert 'data-count="mine">' in home and "/office/cases?tab=overdue" in home

    clerk = app.test_client()
    login(w["clerk2"], c=clerk)
    page = clerk.get("/office/letters/").get_data(as_text=True)
    assert "您待签发或待修改的文书（1）" in page and "您提交、待审批的事项（1）" in page


def test_dates_are_shown_as_in_shanghai():
    from datetime import UTC, date, datetime

    from caseapp.core.clock import local_date

    # 22:30 UTC on 27 November is 06:30 on 28 November in Shanghai; SQLite hands back naive UTC.
    assert local_date(datetime(2026, 11, 27, 22, 30)) == date(2026, 11, 28)
    assert local_date(datetime(2026, 11, 27, 22, 30, tzinfo=UTC)) == date(2026, 11, 28)
    assert local_date(datetime(2026, 11, 27, 15, 59, tzinfo=UTC)) == date(2026, 11, 27)
