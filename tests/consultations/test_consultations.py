"""Consultations (SPEC §5) and their clock effects (SPEC §4), on the official 2026 calendar.

2026 around National Day: holidays 9/25-9/27 and 10/1-10/7, make-up working days 9/20 (Sun) and
10/10 (Sat). A request received Mon 9/21 is due on 10/26 (20 working days: 9/22-9/24, 9/28-9/30,
10/8-10/10, 10/12-10/16, 10/19-10/23, 10/26).
"""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from caseapp.calendar.service import load_calendar
from caseapp.cases.models import Case
from caseapp.clock.service import describe_clock
from caseapp.consultations import operations as ops
from caseapp.consultations.models import Consultation
from caseapp.core.actions import act
from caseapp.core.audit import AuditEvent
from caseapp.core.errors import ForbiddenError, TransitionError, ValidationError
from caseapp.core.events import is_labelled
from caseapp.core.outbox import Notification
from tests.consultations.letters import issue_consultation_letter

RECEIVED = date(2026, 9, 21)


@pytest.fixture
def world(db, make_agency, make_user, make_case):
    """An agency with two departments and their liaisons, a supervisor, another agency, a case in progress."""
    from caseapp.accounts.operations import create_department

    agency = make_agency("SFJY", "示范市教育局")
    create_department(agency, "JCJY", "基础教育处")
    db.session.commit()
    other = make_agency("SFCZ", "示范市财政局")
    clerk = make_user("clerk", agency=agency)
    supervisor = make_user("supervisor", agency=agency)
    liaison_a = make_user("liaison", agency=agency, department=agency.departments[0])
    liaison_b = make_user("liaison", agency=agency, department=agency.departments[1])
    other_clerk = make_user("clerk", agency=other)
    case = make_case(status="in_progress", agency=agency, handler=clerk, received_on=RECEIVED,
                     today=date(2026, 9, 22))
    case.handler_id = clerk.id
    db.session.commit()

    class W:
        pass

    w = W()
    w.agency, w.other, w.clerk, w.supervisor = agency, other, clerk, supervisor
    w.liaison_a, w.liaison_b, w.other_clerk, w.case = liaison_a, liaison_b, other_clerk, case
    return w


def _events(case, action):
    from caseapp.extensions import db

    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.case_id == case.id,
                                                               AuditEvent.action == action)))


def test_base_due_date_across_national_day(world):
    assert world.case.due_on == date(2026, 10, 26)


def test_agency_consultation_pauses_the_clock_across_national_day(db, world):
    case = world.case
    c = ops.consult(case, actor=world.clerk, kind="agency", purpose="joint_production", agency="SFCZ", question="该文件系两部门联合制发，是否同意公开？",
                    sent_on=date(2026, 9, 29), delivered_on=date(2026, 9, 30), today=date(2026, 9, 30))
    db.session.commit()
    # 15 working days from the addressee's receipt (9/30): 10/8, 10/9, 10/10 (make-up), 10/12 ... 10/27.
    assert c.due_on == date(2026, 10, 27)
    assert c.pause is not None and c.pause.kind == "consultation_agency"
    # While open, the pause runs to today: (9/29, 10/9] holds 9/30, 10/8, 10/9 = 3 working days.
    clock = describe_clock(case, date(2026, 10, 9))
    assert clock.due.paused_days == 3
    assert clock.due.due_on == date(2026, 10, 29)
    assert clock.paused_for == "consultation_agency"

    ops.answer_consultation(c, actor=world.other_clerk, opinion="agree", reasons="同意公开。", today=date(2026, 10, 12))
    db.session.commit()
    # (9/29, 10/12] holds 9/30, 10/8, 10/9, 10/10 (Sat, make-up day), 10/12 = 5 working days.
    assert c.pause.ended_on == date(2026, 10, 12)
    assert describe_clock(case, date(2026, 10, 20)).due.paused_days == 5
    assert case.due_on == date(2026, 11, 2)  # 10/26 + 10/27, 10/28, 10/29, 10/30, 11/2
    assert c.status == "answered" and c.answer_channel == "platform" and c.answered_on == date(2026, 10, 12)
    assert len(_events(case, "consultation.sent")) == 1
    assert len(_events(case, "consultation.answered")) == 1


def test_department_consultation_never_pauses(db, world):
    case = world.case
    c = ops.consult(case, actor=world.clerk, kind="department", department="BGS", question="请提供该文件的定密情况。",
                    sent_on=date(2026, 9, 29), today=date(2026, 9, 30))
    db.session.commit()
    assert c.pause is None and c.due_on == date(2026, 10, 12)  # 5 WD: 9/30, 10/8, 10/9, 10/10, 10/12
    assert describe_clock(case, date(2026, 10, 9)).due.due_on == date(2026, 10, 26)
    # The department's liaison was told; the other department's was not.
    kinds = {(n.user_id, n.kind) for n in db.session.scalars(sa.select(Notification))}
    assert (world.liaison_a.id, "consultation_request") in kinds
    assert all(uid != world.liaison_b.id for uid, _ in kinds)


def test_deemed_consent_on_the_16th_working_day(db, world):
    from caseapp.jobs.sweep import sweep

    case = world.case
    c = ops.consult(case, actor=world.clerk, kind="agency", purpose="joint_production", agency="SFCZ", question="是否同意公开？",
                    sent_on=date(2026, 9, 29), delivered_on=date(2026, 9, 30), today=date(2026, 9, 30))
    db.session.commit()
    assert c.due_on == date(2026, 10, 27)  # the 15th working day
    sweep(date(2026, 10, 27))
    db.session.commit()
    assert c.status == "sent"
    sweep(date(2026, 10, 28))  # the 16th working day
    db.session.commit()
    assert c.status == "deemed_consent" and c.lapsed_on == date(2026, 10, 27) and c.opinion is None
    assert c.pause.ended_on == date(2026, 10, 27)
    info = describe_clock(case, date(2026, 11, 20)).due
    assert info.paused_days == 16  # 9/30 and the 15 working days 10/8 ... 10/27
    assert case.due_on == load_calendar().add_working_days(RECEIVED, 20 + 16)
    assert len(_events(case, "consultation.deemed_consent")) == 1
    assert is_labelled("consultation.deemed_consent")


def test_third_party_lapses_and_department_escalates(db, world):
    from caseapp.jobs.sweep import sweep

    case = world.case
    tp = ops.consult(case, actor=world.clerk, kind="third_party", question="公开是否损害贵公司商业秘密？",
                     third_party={"name": "示范建设有限公司", "address": "示范市江南路8号", "phone": "0571-88880000"},
                     today=date(2026, 11, 2))
    # Posted on 11/2, received on 11/4 (the post's return receipt): 15 working days from 11/4.
    issue_consultation_letter(tp, clerk=world.clerk, supervisor=world.supervisor, on=date(2026, 11, 2), method="post")
    ops.record_letter_receipt(tp, actor=world.clerk, received_on=date(2026, 11, 4), today=date(2026, 11, 4))
    dept = ops.consult(case, actor=world.clerk, kind="department", department="JCJY", question="请核实。", due_days=3,
                       sent_on=date(2026, 11, 2), today=date(2026, 11, 4))
    db.session.commit()
    assert tp.due_on == date(2026, 11, 25) and dept.due_on == date(2026, 11, 5)
    assert sweep(date(2026, 11, 5))["consultations_reminded"] == 1  # the due day: the liaison is reminded
    db.session.commit()
    assert sweep(date(2026, 11, 5))["consultations_reminded"] == 0  # once
    db.session.commit()
    reminded = db.session.scalars(sa.select(Notification).where(Notification.kind == "consultation_reminder")).all()
    assert [n.user_id for n in reminded] == [world.liaison_b.id]
    counts = sweep(date(2026, 11, 6))
    db.session.commit()
    assert counts["consultations_escalated"] == 1 and counts["consultations_lapsed"] == 0
    assert dept.status == "sent" and dept.escalated_on == date(2026, 11, 6)
    told = {n.user_id for n in db.session.scalars(sa.select(Notification).where(
        Notification.kind == "consultation_overdue"))}
    assert {world.supervisor.id, world.liaison_b.id, world.clerk.id} <= told
    counts = sweep(date(2026, 11, 26))
    db.session.commit()
    assert counts["consultations_lapsed"] == 1 and counts["consultations_escalated"] == 0
    assert tp.status == "lapsed" and tp.pause.ended_on == date(2026, 11, 25)


def test_consult_refuses_bad_input_and_changes_nothing(db, world):
    case = world.case
    version = case.version
    with pytest.raises(ValidationError):
        ops.consult(case, actor=world.clerk, kind="agency", purpose="joint_production", agency="SFJY", question="?", today=date(2026, 9, 30))
    db.session.rollback()
    with pytest.raises(ValidationError):
        ops.consult(case, actor=world.clerk, kind="department", department="BGS", question="问题",
                    sent_on=date(2026, 9, 1), today=date(2026, 9, 30))  # before receipt
    db.session.rollback()
    with pytest.raises(ValidationError):
        ops.consult(case, actor=world.clerk, kind="department", department="BGS", question="问题",
                    sent_on=date(2026, 10, 9), today=date(2026, 9, 30))  # in the future
    db.session.rollback()
    with pytest.raises(ValidationError):
        ops.consult(case, actor=world.clerk, kind="third_party", third_party={"name": ""}, question="问题",
                    today=date(2026, 9, 30))
    db.session.rollback()
    with pytest.raises(ForbiddenError):  # the runner's agency rule (caseapp.core.actions)
        act("consult", case, world.other_clerk, {"kind": "department", "department": "BGS", "question": "问题"},
            today=date(2026, 9, 30))
    assert db.session.scalar(sa.select(sa.func.count(Consultation.id))) == 0
    assert db.session.get(Case, case.id).version == version


def test_answer_once_and_only_by_the_addressee(db, world):
    c = ops.consult(world.case, actor=world.clerk, kind="department", department="BGS", question="请核实。",
                    today=date(2026, 9, 30))
    db.session.commit()
    def answer(user, opinion, reasons, day):
        return act("answer_consultation", c.case, user, {"consultation_id": c.id, "opinion": opinion,
                                                          "reasons": reasons}, today=day)

    with pytest.raises(ForbiddenError):
        answer(world.liaison_b, "agree", "同意", date(2026, 10, 8))
    with pytest.raises(ValidationError):
        answer(world.liaison_a, "maybe", "同意", date(2026, 10, 8))
    answer(world.liaison_a, "partial", "第三项涉及内部事务。", date(2026, 10, 8))
    assert c.status == "answered" and c.answered_by_id == world.liaison_a.id
    with pytest.raises(TransitionError):
        answer(world.liaison_a, "agree", "改为同意", date(2026, 10, 9))
    answered = db.session.scalars(sa.select(Notification).where(Notification.kind == "consultation_answered")).all()
    assert [n.user_id for n in answered] == [world.clerk.id]


def test_objection_and_disclosure_notice(db, world):
    from caseapp.letters.models import Letter

    c = ops.consult(world.case, actor=world.clerk, kind="third_party", question="是否同意公开？",
                    third_party={"name": "示范建设有限公司"}, today=date(2026, 9, 30))
    db.session.commit()
    # Recording drafted the consultation letter from its standard template; issuing it sends it.
    letters = db.session.scalars(sa.select(Letter).where(Letter.case_id == world.case.id)).all()
    assert [(lt.template, lt.fields["addressee"]) for lt in letters] == [("consultation_third_party", "示范建设有限公司")]
    issue_consultation_letter(c, clerk=world.clerk, supervisor=world.supervisor, on=date(2026, 9, 30))
    with pytest.raises(TransitionError):
        ops.draft_disclosure_notice(c, actor=world.clerk, content="合同全文", reasons="公共利益")
    db.session.rollback()
    ops.record_opinion(c, actor=world.clerk, opinion="disagree", reasons="涉及商业秘密。", received_on=date(2026, 10, 9),
                       today=date(2026, 10, 9))
    db.session.commit()
    from caseapp.consultations.queries import objections

    assert objections(world.case) == [c]
    letter = ops.draft_disclosure_notice(c, actor=world.clerk, content="合同金额及履行期限",
                                         reasons="涉及重大公共利益，不公开可能对公共利益造成重大影响。")
    db.session.commit()
    assert letter.template == "third_party_disclosure_notice"
    assert letter.fields["addressee"] == "示范建设有限公司" and letter.fields["consulted_on"] == "2026-09-30"


def test_material_from_the_case_but_never_the_id_scan(db, world):
    from caseapp.cases.attachments import Upload, attach_files

    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    scan = attach_files(world.case, [Upload("身份证.pdf", pdf)], kind="id_scan", actor=world.clerk)[0]
    support = attach_files(world.case, [Upload("项目批复.pdf", pdf + b" ")], kind="supporting", actor=world.clerk)[0]
    db.session.commit()
    with pytest.raises(ValidationError) as refused:
        ops.consult(world.case, actor=world.clerk, kind="department", department="BGS", question="请核实。",
                    attachment_ids=[support.id, scan.id], today=date(2026, 9, 30))
    assert "attachments" in refused.value.errors
    db.session.rollback()
    c = ops.consult(world.case, actor=world.clerk, kind="department", department="BGS", question="请核实。",
                    attachment_ids=[support.id], today=date(2026, 9, 30))
    db.session.commit()
    assert [(f.role, f.attachment_id, f.storage_key) for f in c.files] == [("material", support.id, support.storage_key)]


def test_an_agency_off_the_platform_is_consulted_by_letter_and_its_silence_is_consent(db, make_case, make_user):
    """Reg. 34 applies to any agency: one not on the platform is named, written to, and its answer
    (or its silence for 15 working days) is recorded like a platform agency's."""
    from datetime import date

    from caseapp.calendar.service import load_calendar
    from caseapp.jobs.sweep import sweep
    from caseapp.consultations import operations as ops

    clerk = make_user("clerk")
    case = make_case("in_progress", agency=clerk.agency, handler=clerk, received_on=date(2026, 11, 2))
    c = ops.consult(case, actor=clerk, kind="agency", purpose="joint_production", question="该文件是否由贵局共同制作？",
                    agency_name="某省交通运输厅", agency_address="某市某路1号", sent_on=date(2026, 11, 10),
                    today=date(2026, 11, 10))
    db.session.commit()
    assert (c.kind, c.addressee_agency_id, c.third_party_name) == ("agency", None, "某省交通运输厅")
    assert c.sent_on is None and not case.pauses  # by letter: asked when the letter goes out
    issue_consultation_letter(c, clerk=clerk, supervisor=make_user("supervisor", agency=clerk.agency),
                              on=date(2026, 11, 10))
    assert any(p.kind.startswith("consultation") and p.ended_on is None for p in case.pauses)  # the clock pauses
    lapse_day = load_calendar().add_working_days(c.delivered_on, 16)
    sweep(lapse_day)
    db.session.commit()
    assert c.status == "deemed_consent"
