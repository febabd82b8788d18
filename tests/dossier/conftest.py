"""A closed case with a document of every kind the dossier gathers."""
from __future__ import annotations

from datetime import date

import pytest

from caseapp.cases.attachments import Upload, attach_files
from caseapp.letters import operations as ops
from caseapp.records import operations as record_ops
from tests.letters.conftest import letter_world  # noqa: F401 (the fixture)
from tests.records import pdfs

TODAY = date(2026, 11, 20)
POST = {"method": "post", "date": "2026-11-19", "reference": "XA123456789CN"}


def issue(w, template, fields, enclosures=()):
    """Draft, approve and issue a letter of the world's case."""
    letter = ops.draft_letter(w["case"], actor=w["clerk"], template=template, fields=fields,
                              enclosures=list(enclosures))
    ops.submit_letter(letter, actor=w["clerk"])
    ops.approve_letter(letter, actor=w["supervisor"])
    ops.issue_letter(letter, actor=w["clerk"], delivery=POST, today=TODAY)
    return letter


@pytest.fixture
def dossier_world(db, letter_world):  # noqa: F811
    """The letter world's case with attachments (PDF, PNG), records released and a reply issued with
    two enclosures (the case closes)."""
    w = letter_world
    case = w["case"]
    attach_files(case, [Upload("身份证.png", pdfs.image_png(800, 500)),
                        Upload("说明.pdf", pdfs.text_pdf([["申请说明第一页"], ["申请说明第二页"]]))],
                 kind="supporting", actor=w["clerk"])
    plan = record_ops.add_record(case, Upload("计划.pdf", pdfs.text_pdf([["2026年招生计划表"], ["第二页"], ["第三页"]])),
                                 title="招生计划表", actor=w["clerk"])
    as_is = record_ops.release_as_is(case, plan, actor=w["clerk"])
    db.session.commit()
    w["reply"] = issue(w, "disclosed", {"provided": "相关材料随本答复书提供。"}, [as_is.id])
    db.session.commit()
    db.session.refresh(case)
    return w
