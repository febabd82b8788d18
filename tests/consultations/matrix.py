"""The consultations area's rows of the office access matrix (tests/test_access_matrix.py): the roles
each route allows, and for each route a fresh record to try it on (so that every allowed role's try
really runs, e.g. each clerk records the paper answer of a consultation of their own).

Expectations come from issue 10 (never from the views' decorators): the asking agency's clerks and
supervisors send consultations and record paper answers; the addressee answers (a department's
liaison for their department, an addressed agency's clerks and supervisors for their agency);
everyone reads what is addressed to them or asked by their agency, and their own notifications;
the supervision dashboard is for oversight; the supervision order is read by the case's readers.

The matrix tries every role of agency A. Its liaison belongs to department BGS (the department every
test agency has, see tests/conftest.py make_agency/make_user), so the sample consultation asks BGS.
A target sees the role that will use it as world["role"] (None for the anonymous and refused tries).
"""
from __future__ import annotations

from datetime import date

HANDLERS = {"clerk", "supervisor"}
ADDRESSEES = {"clerk", "supervisor", "liaison"}
READERS = {"clerk", "supervisor", "auditor", "admin"}
OVERSIGHT = {"supervisor", "auditor", "admin"}
EVERYONE = {"clerk", "supervisor", "liaison", "auditor", "admin"}

CONSULTATION_EXPECTED: dict[tuple, set] = {
    ("consultations.consult", "GET"): HANDLERS,
    ("consultations.consult", "POST"): HANDLERS,
    ("consultations.record", "POST"): HANDLERS,
    ("consultations.disclosure_notice", "POST"): HANDLERS,
    ("consultations.inbox", "GET"): ADDRESSEES,
    ("consultations.answer", "POST"): ADDRESSEES,
    ("consultations.detail", "GET"): EVERYONE,
    ("consultations.file", "GET"): EVERYONE,
    ("notifications.notifications", "GET"): EVERYONE,
    ("notifications.notification_read", "POST"): EVERYONE,
    ("notifications.notifications_read_all", "POST"): EVERYONE,
    ("office.supervision", "GET"): OVERSIGHT,
    ("office.supervision_order_pdf", "GET"): READERS,
    # the declared actions through the office's action route (payloads: tests/api/test_staff_api_access.py)
    ("office.case_action", "POST", "consult"): HANDLERS,
    ("office.case_action", "POST", "record-opinion"): HANDLERS,
    ("office.case_action", "POST", "cancel-consultation"): HANDLERS,
    ("office.case_action", "POST", "consultation-letter-received"): HANDLERS,
}
CONSULTATION_ACTION_PATHS = {"consult": "consult", "record-opinion": "record_opinion",
                             "cancel-consultation": "cancel_consultation",
                             "consultation-letter-received": "record_letter_receipt"}

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# Received Mon 2026-11-02, due Mon 2026-11-30: overdue from 2026-12-01 (no holiday in between).
OVERDUE_RECEIVED, OVERDUE_SWEEP = date(2026, 11, 2), date(2026, 12, 1)


def _today():
    from caseapp.core.clock import local_today

    return local_today()


def _user(world, role="clerk", agency="a"):
    return world["users"][(agency, role)]


def _case(world, agency="a", **kw):
    """A case being handled, received today (a consultation may be sent on it today)."""
    return world["make_case"]("in_progress", agency=world[agency], handler=_user(world, agency=agency),
                              received_on=kw.pop("received_on", _today()), today=kw.pop("today", _today()), **kw)


def _consultation(world, kind="department", *, files=False):
    """A consultation of agency A asking department BGS (the liaison's), or a third party."""
    from caseapp.cases.attachments import Upload
    from caseapp.consultations import operations as ops

    extra = {"department": "BGS"} if kind == "department" else {
        "third_party": {"name": "示范化工有限公司", "address": "示范市化工园区1号", "phone": "13800000001"}}
    c = ops.consult(_case(world), actor=_user(world), kind=kind, question="请核实该文件是否同意公开。",
                    uploads=[Upload("材料.pdf", PDF)] if files else (), **extra)
    if kind == "third_party":  # asked by letter: sent when its letter is issued (posted today)
        from tests.consultations.letters import issue_consultation_letter

        issue_consultation_letter(c, clerk=_user(world), supervisor=_user(world, "supervisor"), on=_today(),
                                  method="post")
    return c


def _addressed_to_agency_a(world):
    """A consultation that agency B sends to agency A (answered by A's clerks and supervisors)."""
    from caseapp.consultations import operations as ops

    return ops.consult(_case(world, "b"), actor=_user(world, agency="b"), kind="agency", purpose="joint_production", agency=world["a"].code,
                       question="该文件系联合制发，是否同意公开？")


def _done(url: str, data: dict | None = None):
    from caseapp.extensions import db

    db.session.commit()
    return url, data or {}


def _answer(w):
    c = _addressed_to_agency_a(w) if w.get("role") in HANDLERS else _consultation(w)
    return _done(f"/office/consultations/{c.id}/answer", {"opinion": "agree", "reasons": "经核实，同意公开。"})


def _record(w):
    c = _consultation(w, "third_party")
    return _done(f"/office/consultations/{c.id}/record", {"opinion": "disagree", "reasons": "涉及企业商业秘密。",
                                                          "received_on": _today().isoformat()})


def _notice(w):
    from caseapp.consultations import operations as ops

    c = _consultation(w, "third_party")
    ops.record_opinion(c, actor=_user(w), opinion="disagree", reasons="涉及企业商业秘密。")
    return _done(f"/office/consultations/{c.id}/disclosure-notice",
                 {"content": "示范化工有限公司应急预案", "reasons": "涉及公共安全，不公开可能对公共利益造成重大影响。"})


def _file(w):
    c = _consultation(w, files=True)
    return _done(f"/office/consultations/{c.id}/files/{c.files[0].id}")


def _notification_read(w):
    """A notification of the user who tries (agency A's clerk for the anonymous and refused tries)."""
    from caseapp.core.outbox import notify
    from caseapp.extensions import db

    note = notify(_user(w, w.get("role") or "clerk").id, "due_reminder", "示例提醒：案件即将到期。")
    db.session.flush()
    return _done(f"/office/notifications/{note.id}/read")


def _supervision_order(w):
    """A case overdue on the sweep's day, whose supervision order the sweep opens."""
    from caseapp.jobs.supervision import order_for_case
    from caseapp.jobs.sweep import sweep
    from caseapp.core.db import writing
    from caseapp.extensions import db

    case = _case(w, received_on=OVERDUE_RECEIVED, today=OVERDUE_RECEIVED)
    db.session.commit()
    with writing():
        sweep(OVERDUE_SWEEP)
        db.session.commit()
    assert order_for_case(case.id) is not None, "the sweep opened no supervision order"
    return _done(f"/office/cases/{case.tracking_number}/supervision-order.pdf")


def _consult(w):
    return _done(f"/office/cases/{_case(w).tracking_number}/consult", {
        "kind": "department", "department": "BGS", "due_days": "5", "question": "请核实该文件的定密情况。",
        "sent_on": _today().isoformat()})


# endpoint -> world -> (url, form data) on records made for this one try
CONSULTATION_TARGETS = {
    "consultations.consult": _consult,
    "consultations.record": _record,
    "consultations.disclosure_notice": _notice,
    "consultations.inbox": lambda w: _done("/office/consultations"),
    "consultations.answer": _answer,
    "consultations.detail": lambda w: _done(f"/office/consultations/{_consultation(w).id}"),
    "consultations.file": _file,
    "notifications.notifications": lambda w: _done("/office/notifications"),
    "notifications.notification_read": _notification_read,
    "notifications.notifications_read_all": lambda w: _done("/office/notifications/read-all"),
    "office.supervision": lambda w: _done("/office/supervision"),
    "office.supervision_order_pdf": _supervision_order,
}
