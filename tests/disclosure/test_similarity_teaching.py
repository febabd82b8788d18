"""Teaching the similarity: suggestions explain themselves, a clerk's "same" / "not the same" counts
for the pair at once and is exported in the labelled set's format, and an agency's own vocabulary
(admin page, CSV import) counts for every request at once."""
from __future__ import annotations

import json

import sqlalchemy as sa

from caseapp.disclosure.models import SimilarityFeedback, VocabularyEntry
from caseapp.core.audit import AuditEvent
from tests.conftest import csrf_from


def _token(db, user):
    from caseapp.accounts.operations import create_token

    token = create_token(user, label="test")
    db.session.commit()
    return token


def _similar(client, headers, case):
    resp = client.get(f"/api/v1/cases/{case.tracking_number}/similar", headers=headers)
    assert resp.status_code == 200
    return {row["tracking_number"]: row for row in resp.get_json()}


def test_suggestions_explain_themselves_in_chinese(client, db, make_agency, make_user, make_case):
    agency = make_agency()
    clerk = make_user("clerk", agency=agency)
    earlier = make_case(agency=agency, handler=clerk, description="申请公开江财预〔2025〕12号文件，即2025年第二季度专项资金分配方案。")
    query = make_case(agency=agency, handler=clerk, description="麻烦提供[2025]12号，二〇二五年4至6月的专项资金分配方案")
    headers = {"Authorization": f"Bearer {_token(db, clerk)}", "Accept-Language": "zh-CN"}
    row = _similar(client, headers, query)[earlier.tracking_number]
    kinds = {r["kind"]: r for r in row["reasons"]}
    assert kinds["period"]["value"] == "2025年第二季度" and kinds["period"]["label"] == "时间相同"
    assert kinds["docno"]["value"] == "江财预〔2025〕12号"
    assert row["explanation"].startswith("时间相同：2025年第二季度；文号相同：江财预〔2025〕12号")
    assert row["confirmed"] is False


def test_a_clerks_judgement_counts_for_the_pair_at_once(app, client, db, login, make_agency, make_user, make_case):
    agency = make_agency()
    clerk = make_user("clerk", agency=agency)
    a = make_case(agency=agency, handler=clerk, description="请公开清源湾片区旧城改造的批复。")
    b = make_case(agency=agency, handler=clerk, description="想看看老码头那一片拆了重建，上面是怎么批的")
    c = make_case(agency=agency, handler=clerk, description="申请公开清源湾片区旧城改造的批复文件。")
    headers = {"Authorization": f"Bearer {_token(db, clerk)}"}
    assert b.tracking_number not in _similar(client, headers, a)
    assert c.tracking_number in _similar(client, headers, a)

    login(clerk)
    page = client.get(f"/office/cases/{a.tracking_number}")
    assert page.status_code == 200 and "不是同一信息" in page.get_data(as_text=True)
    token = csrf_from(page.get_data(as_text=True))
    url = f"/office/disclosure/cases/{a.tracking_number}/judge"
    assert client.post(url, data={"csrf_token": token, "other": b.tracking_number, "same": "same"}).status_code == 302
    assert client.post(url, data={"csrf_token": token, "other": c.tracking_number, "same": "different"}).status_code == 302
    db.session.rollback()
    found = _similar(client, headers, a)
    assert found[b.tracking_number]["confirmed"] is True
    assert found[b.tracking_number]["reasons"][0]["kind"] == "confirmed"
    assert c.tracking_number not in found
    assert b.tracking_number not in {n for n, r in found.items() if not r["confirmed"]}
    # the same holds seen from the other request
    assert a.tracking_number in _similar(client, headers, b)
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "disclosure.similarity_feedback")).all()
    assert len(events) == 2
    # bad input: a request of another agency, or no answer, changes nothing
    stranger = make_case(agency=make_agency(), description="请公开清源湾片区旧城改造的批复。")
    db.session.commit()
    resp = client.post(url, data={"csrf_token": token, "other": stranger.tracking_number, "same": "same"},
                       follow_redirects=True)
    assert "没有这个机关的其他申请" in resp.get_data(as_text=True)
    resp = client.post(url, data={"csrf_token": token, "other": b.tracking_number, "same": ""}, follow_redirects=True)
    assert "请说明两件申请是否为同一信息" in resp.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SimilarityFeedback)) == 2


def test_the_judgements_are_exported_in_the_labelled_sets_format(app, db, make_agency, make_user, make_case, tmp_path):
    from caseapp.disclosure import operations as ops

    agency = make_agency()
    clerk = make_user("clerk", agency=agency)
    a, b, c = (make_case(agency=agency, handler=clerk, description=t)
               for t in ("请公开2025年三公经费。", "请公开2025年公务接待费。", "请公开2025年部门预算。"))
    ops.record_similarity_feedback(a, b, same=True, actor=clerk)
    ops.record_similarity_feedback(a, c, same=False, actor=clerk)
    db.session.commit()
    out = tmp_path / "judged.jsonl"
    result = app.test_cli_runner().invoke(args=["caseapp", "similarity-export", str(out), "--agency", agency.code])
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert set(rows) == {a.tracking_number, b.tracking_number, c.tracking_number}
    assert rows[a.tracking_number]["item"] == rows[b.tracking_number]["item"] != rows[c.tracking_number]["item"]
    assert set(rows[a.tracking_number]) >= {"id", "agency", "received_on", "text", "item", "classes", "split"}


def test_an_agencys_vocabulary_from_the_admin_page_counts_at_once(app, client, db, login, make_agency, make_user,
                                                                  make_case):
    agency = make_agency()
    clerk = make_user("clerk", agency=agency)
    admin = make_user("admin", agency=None)
    a = make_case(agency=agency, handler=clerk, description="请公开清源湾片区旧城改造的补偿安置方案。")
    b = make_case(agency=agency, handler=clerk, description="请公开老码头那片旧城改造的补偿安置方案。")
    headers = {"Authorization": f"Bearer {_token(db, clerk)}"}
    before = _similar(client, headers, a).get(b.tracking_number)

    login(admin)
    page = client.get("/office/admin/vocabulary/")
    assert page.status_code == 200 and "三公经费" in page.get_data(as_text=True)  # the defaults are shown
    token = csrf_from(page.get_data(as_text=True))
    bad = client.post("/office/admin/vocabulary/", data={"csrf_token": token, "agency": agency.code,
                                                         "kind": "synonym", "term": "清源湾片区", "variants": ""})
    assert bad.status_code == 422 and "请填写其他词语" in bad.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VocabularyEntry)) == 0
    ok = client.post("/office/admin/vocabulary/", data={"csrf_token": token, "agency": agency.code,
                                                        "kind": "synonym", "term": "清源湾片区", "variants": "老码头那片"})
    assert ok.status_code == 302
    db.session.rollback()
    after = _similar(client, headers, a)[b.tracking_number]
    assert before is None or after["score"] > before["score"]
    assert any(r["kind"] == "term" and "清源湾片区" in r["value"] for r in after["reasons"])


def test_vocabulary_import_checks_every_row_and_the_dry_run_writes_nothing(app, db, make_agency, tmp_path):
    agency = make_agency()
    db.session.commit()
    sheet = tmp_path / "words.csv"
    sheet.write_text("类型,词语,同义词或组成部分\n同义词,批复,批文、批准文件\n上位词,三公经费,公务接待费、因公出国（境）费\n"
                     "近义词,补贴,补助\n同义词,,补助\n", encoding="utf-8")
    run = lambda *extra: app.test_cli_runner().invoke(  # noqa: E731
        args=["caseapp", "vocabulary-import", str(sheet), "--agency", agency.code, *extra])
    dry = run("--dry-run")
    assert dry.exit_code == 1
    assert "第4行 类型" in dry.output and "第5行 词语" in dry.output and "可导入 2 条" in dry.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VocabularyEntry)) == 0
    real = run()
    assert "已导入 2 条" in real.output
    db.session.rollback()
    terms = {(e.kind, e.term): e.variants for e in db.session.scalars(sa.select(VocabularyEntry))}
    assert terms == {("synonym", "批复"): ["批文", "批准文件"], ("umbrella", "三公经费"): ["公务接待费", "因公出国（境）费"]}
    assert run().output.count("已导入 2 条") == 1  # again: the same terms are replaced, not doubled
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VocabularyEntry)) == 2
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("term,words\n批复,批文\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["caseapp", "vocabulary-import", str(wrong), "--agency", agency.code])
    assert result.exit_code == 1 and "缺少列" in result.output


def test_reindex_missing_indexes_only_requests_without_a_signature(app, db, make_agency, make_case):
    from caseapp.disclosure.models import Posting, Signature, TermStat

    agency = make_agency()
    a = make_case(agency=agency, description="请公开2025年部门决算。")
    b = make_case(agency=agency, description="请公开2025年部门预算。")
    for table in (Posting, Signature, TermStat):  # as the migration that changed the features' shape leaves it
        db.session.execute(sa.delete(table))
    db.session.commit()
    run = lambda: app.test_cli_runner().invoke(args=["caseapp", "similarity-reindex", "--missing"])  # noqa: E731
    result = run()
    assert result.exit_code == 0 and "Indexed 2 requests." in result.output
    db.session.rollback()
    assert db.session.get(Signature, a.id) is not None and db.session.get(Signature, b.id) is not None
    assert db.session.get(TermStat, (agency.id, "")).df == 2
    assert "Indexed 0 requests." in run().output  # nothing missing: nothing done
