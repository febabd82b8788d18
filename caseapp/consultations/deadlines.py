"""The consultations' deadlines, run by the daily sweep: a department reminded on its due day and
escalated after it; an outside consultation lapsing after 15 working days (an agency's silence is
deemed consent, a third party's consultation lapses and the agency decides itself). The sweep
(caseapp.jobs.sweep) calls `lapse_due_consultations`."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from caseapp.accounts.queries import supervisors_of
from caseapp.cases import states
from caseapp.consultations.models import PAUSE_KINDS, Consultation
from caseapp.consultations.operations import _addressee_users, _asking_users, _end_pause, _event, _snapshot
from caseapp.core.errors import TransitionError
from caseapp.core.outbox import notify
from caseapp.extensions import db


def lapse_consultation(c: Consultation, *, today: date) -> Consultation:
    """An outside consultation's 15 working days passed: the silence of an agency that made the
    information jointly is deemed consent (Reg. 34); any other consultation lapses and the agency
    decides itself. The pause ends on the lapse day."""
    # A consultation whose letter never went out asked nobody: it has no time limit to lapse (SPEC §5).
    if c.kind not in PAUSE_KINDS or c.status != "sent" or c.due_on is None or not today > c.due_on:
        raise TransitionError(_l("This consultation cannot lapse now."))
    before = _snapshot(c)
    deemed = c.kind == "agency" and c.purpose == "joint_production"
    c.status = "deemed_consent" if deemed else "lapsed"
    c.lapsed_on = c.due_on
    _end_pause(c, c.due_on, today)
    _event("consultation.deemed_consent" if deemed else "consultation.lapsed", c, before, actor=None)
    message = (f"{c.case.tracking_number}：{c.addressee_name}逾期未答复，"
               + ("视为同意公开。" if deemed else "由本机关依法决定。"))
    for user_id in _asking_users(c):
        notify(user_id, "consultation_overdue", message, case_id=c.case_id, subject_id=c.id,
               dedupe_key=f"consultation:{c.id}:lapsed")
    return c


def escalate_consultation(c: Consultation, *, today: date) -> Consultation:
    """A department did not answer by its due date: remind its liaisons and tell the supervisors."""
    if c.kind != "department" or c.status != "sent" or c.escalated_on is not None or not today > c.due_on:
        raise TransitionError(_l("This consultation cannot be escalated now."))
    before = _snapshot(c)
    c.escalated_on = today
    _event("consultation.escalated", c, before, actor=None)
    message = f"{c.case.tracking_number}：{c.addressee_name}未在{c.due_on.isoformat()}前答复征求意见，请督促办理。"
    recipients = _addressee_users(c) + [u.id for u in supervisors_of(c.agency_id)] + _asking_users(c)
    for user_id in dict.fromkeys(recipients):
        notify(user_id, "consultation_overdue", message, case_id=c.case_id, subject_id=c.id,
               dedupe_key=f"consultation:{c.id}:escalated")
    return c


def remind_department(c: Consultation, *, today: date) -> int:
    """The department's answer is due today: remind its liaisons (once); returns how many were told."""
    message = f"{c.case.tracking_number}：{c.agency.name}征求意见今天（{c.due_on.isoformat()}）到期，请及时答复。"
    sent = [notify(user_id, "consultation_reminder", message, case_id=c.case_id, subject_id=c.id,
                   dedupe_key=f"consultation:{c.id}:reminder") for user_id in _addressee_users(c)]
    return sum(1 for n in sent if n is not None)


def lapse_due_consultations(today: date, run) -> dict[str, int]:
    """The sweep's part: remind departments on their due day, escalate those past it, and lapse
    outside consultations (deemed consent for agencies, lapsed for third parties). `run(name, c)`
    takes the sweep's action of that name on the consultation (caseapp.jobs.actions)."""
    counts = {"consultations_deemed_consent": 0, "consultations_lapsed": 0, "consultations_escalated": 0,
              "consultations_reminded": 0}
    due_today = sa.select(Consultation).where(Consultation.status == "sent", Consultation.kind == "department",
                                              Consultation.due_on == today).order_by(Consultation.id)
    for c in db.session.scalars(due_today).all():
        if not states.is_final(c.case.status) and remind_department(c, today=today):
            counts["consultations_reminded"] += 1
    q = sa.select(Consultation).where(Consultation.status == "sent", Consultation.due_on < today,
                                      Consultation.escalated_on.is_(None)).order_by(Consultation.id)
    for c in db.session.scalars(q).all():
        if c.kind == "department":
            if states.is_final(c.case.status):
                continue  # the case was decided without the department's answer: nobody to chase
            run("escalate_consultation", c)
            counts["consultations_escalated"] += 1
        else:
            run("lapse_consultation", c)
            counts["consultations_deemed_consent" if c.kind == "agency" else "consultations_lapsed"] += 1
    return counts
