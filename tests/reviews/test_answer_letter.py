"""The answer to a reconsideration (行政复议答复书) or a lawsuit (行政诉讼答辩状), issue 23 item 2: drafted
from its template with the case's facts and the dossier as its evidence list, approved by a supervisor
and issued like a letter, without touching the closed case or what the applicant sees; the dossier's
search record and review answer sections."""
from __future__ import annotations

import subprocess
from datetime import date

import pytest

from caseapp.core.actions import act
from caseapp.core.errors import DomainError, TransitionError
from caseapp.dossier.build import dossier_contents
from caseapp.extensions import db
from caseapp.letters import operations as ops
from caseapp.letters.models import Letter
from caseapp.letters.queries import issued_letters
from caseapp.letters.states import LetterStatus
from caseapp.reviews.models import CaseReview
from tests.letters.conftest import letter_world, squash  # noqa: F401 (letter_world: a fixture)

TODAY = date(2026, 12, 10)
pytestmark = pytest.mark.frozen_at(TODAY)
SEARCH = {"places": [{"kind": "archive", "detail": "2020年以来的文书档案"}, {"kind": "document_system"}],
          "terms": ["招生入学实施意见"], "searched_on": "2026-11-18", "result": "未查见相关文件。"}
POST = {"method": "post", "date": "2026-11-20", "reference": "XA123456789CN"}
RECONSIDERATION = {"kind": "reconsideration", "body": "示范市人民政府", "filed_on": "2026-12-01",
                   "copy_received_on": "2026-12-03", "result": "pending"}
LAWSUIT = {"kind": "litigation_direct", "body": "示范市中级人民法院", "filed_on": "2026-12-02",
           "copy_received_on": "2026-12-04", "result": "pending"}
REASONS = "本机关已对可能保存该信息的场所进行了检索，未找到所申请的政府信息。"


@pytest.fixture
def defended(db, letter_world):  # noqa: F811
    """The letter world's case with a search record, closed by an issued not-held reply."""
    w = letter_world
    act("record_search", w["case"], w["clerk"], SEARCH)
    reply = ops.draft_letter(w["case"], actor=w["clerk"], template="unavailable.not_held",
                             fields={"ground": "not_exist"})
    ops.submit_letter(reply, actor=w["clerk"])
    ops.approve_letter(reply, actor=w["supervisor"])
    ops.issue_letter(reply, actor=w["clerk"], delivery=POST, today=date(2026, 11, 20))
    db.session.commit()
    w["reply"] = reply
    return w


def _answer(w, template, review_body, **fields):
    out = act("record_review", w["case"], w["clerk"], review_body)
    db.session.commit()
    drafted = act("draft_letter", w["case"], w["clerk"], {"template": template, "fields": {"reasons": REASONS,
                                                                                           **fields}})
    db.session.commit()
    return db.session.get(Letter, drafted["letter_id"]), db.session.get(CaseReview, out["review_id"])


def _issue(w, letter):
    if letter.status != LetterStatus.SUBMITTED:
        act("submit_letter", w["case"], w["clerk"], {"letter_id": letter.id})
    act("approve_letter", w["case"], w["supervisor"], {"letter_id": letter.id})
    act("issue_letter", w["case"], w["clerk"], {"letter_id": letter.id,
                                                "delivery": {"method": "hand", "date": "2026-12-09"}})
    db.session.commit()


def test_a_reconsideration_answer_states_the_facts_and_the_evidence_and_leaves_the_case_alone(defended, tmp_path):
    w = defended
    case = w["case"]
    assert case.status == "closed" and case.outcome == "unavailable.not_held"
    documents = [x.id for x in issued_letters(case)]
    letter, review = _answer(w, "review_answer.reconsideration", RECONSIDERATION)
    f = letter.fields
    assert f["review_id"] == review.id and f["addressee"] == "示范市人民政府"
    facts = f["facts"]
    assert "申请人" in facts and "于2026年11月2日向本机关提出政府信息公开申请" in facts
    assert f"要求公开“{f['description'].rstrip('。')}”" in facts
    assert "本机关于2026年11月18日对档案室（2020年以来的文书档案）、公文系统进行了检索。" in facts
    assert w["reply"].number in facts and "《政府信息公开申请答复书》" in facts and "2026年11月20日" in facts
    assert "第三十六条第（四）项" in facts and "第（五）项" not in facts
    evidence = f["evidence"].splitlines()
    assert evidence[0].startswith("1. 《政府信息公开申请》（" + case.tracking_number)
    assert any("《检索记录》（2026年11月18日）" in line for line in evidence)
    assert any(f"《政府信息公开申请答复书》（{w['reply'].number}，2026年11月20日）" in line for line in evidence)
    # Four eyes and a supervisor's approval, as any letter.
    act("submit_letter", case, w["clerk"], {"letter_id": letter.id})
    with pytest.raises(DomainError):
        act("approve_letter", case, w["clerk"], {"letter_id": letter.id})
    db.session.rollback()
    _issue(w, db.session.get(Letter, letter.id))
    letter = db.session.get(Letter, letter.id)
    assert letter.status == LetterStatus.ISSUED and letter.number
    db.session.refresh(case)
    assert case.status == "closed" and case.outcome == "unavailable.not_held"
    assert [x.id for x in issued_letters(case)] == documents  # not on the tracking page
    assert db.session.get(CaseReview, review.id).answer_submitted_on is None  # the clerk records the submission
    from caseapp.core.filestore import open_path
    text = subprocess.run(["pdftotext", str(open_path(letter.pdf_key)), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = squash(text)
    assert "行政复议答复书" in flat and squash(facts) in flat and "特此答复" in flat
    # The dossier: the search record before the reply, the answer after it.
    titles = [row["title"] for row in dossier_contents(case)]
    assert titles.index("检索记录") < titles.index("政府信息公开申请答复书") < titles.index("行政复议答复书")
    assert titles.count("行政复议答复书") == 1


def test_a_lawsuit_answer_names_the_court(defended):
    letter, review = _answer(defended, "review_answer.lawsuit", LAWSUIT)
    assert letter.fields["court"] == "示范市中级人民法院" == letter.fields["addressee"]
    assert letter.fields["review_id"] == review.id
    preview = squash(subprocess.run(["pdftotext", "-", "-"], input=ops.preview_letter_pdf(letter),
                                    capture_output=True, check=True).stdout.decode())
    assert "行政诉讼答辩状" in preview and "此致示范市中级人民法院" in preview


def test_an_answer_needs_a_review_of_its_kind(defended):
    w = defended
    with pytest.raises(TransitionError):
        ops.draft_letter(w["case"], actor=w["clerk"], template="review_answer.reconsideration", fields={})
    db.session.rollback()
    out = act("record_review", w["case"], w["clerk"], LAWSUIT)
    db.session.commit()
    with pytest.raises(TransitionError):
        ops.draft_letter(w["case"], actor=w["clerk"], template="review_answer.reconsideration",
                         fields={"review_id": out["review_id"]})
    db.session.rollback()
    with pytest.raises(DomainError):
        ops.draft_letter(w["case"], actor=w["clerk"], template="review_answer.lawsuit", fields={"review_id": 99999})
