"""Named reads of consultations: the liaison inbox, a case's consultations, who may see one."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from caseapp.cases.models import Case
from caseapp.consultations.models import Consultation
from caseapp.core.permissions import CASE_HANDLERS, CASE_READERS, Role
from caseapp.extensions import db

def third_party_values(case: Case) -> list[tuple[str, str]]:
    """The third parties consulted on the case (Reg. 32): name, address and phone, which no published
    item may contain (caseapp.records.personal looks for them)."""
    rows = db.session.scalars(sa.select(Consultation).where(Consultation.case_id == case.id,
                                                            Consultation.kind == "third_party"))
    out = []
    for c in rows:
        out += [("name", c.third_party_name), ("address", c.third_party_address), ("phone", c.third_party_phone)]
    return [(k, v) for k, v in out if v]


KIND_LABELS = {
    "department": _l("Department of this agency"),
    "agency": _l("Another agency"),
    "third_party": _l("Third party"),
}
STATUS_LABELS = {
    "sent": _l("Awaiting answer"),
    "answered": _l("Answered"),
    "lapsed": _l("Lapsed without answer"),
    "deemed_consent": _l("Deemed consent"),
    "cancelled": _l("Cancelled"),
}
OPINION_LABELS = {"agree": _l("Agrees"), "disagree": _l("Disagrees"), "partial": _l("Agrees in part")}
PURPOSE_LABELS = {
    "joint_production": _l("The information was made jointly with it (Reg. 34: the clock pauses; silence is "
                           "deemed consent)"),
    "opinion": _l("Another question, e.g. whether the information is in force or whose it is (the clock runs; "
                  "silence is no consent)"),
}


def addressed_to(user) -> sa.ColumnElement | None:
    """The condition for consultations addressed to the user (None: nothing is addressed to them)."""
    if user is None:
        return None
    if user.role == Role.LIAISON and user.department_id is not None:
        return Consultation.department_id == user.department_id
    if user.role in CASE_HANDLERS and user.agency_id is not None:
        return sa.and_(Consultation.kind == "agency", Consultation.addressee_agency_id == user.agency_id)
    return None


def inbox_for(user, *, status: str | None = None) -> list[Consultation]:
    """Consultations addressed to the user (liaison: their department; clerk or supervisor: their agency)."""
    cond = addressed_to(user)
    if cond is None:
        return []
    q = sa.select(Consultation).where(cond)
    if status == "waiting":
        q = q.where(Consultation.status == "sent")
    elif status:
        q = q.where(Consultation.status == status)
    return list(db.session.scalars(q.order_by(
        (Consultation.status != "sent"), Consultation.due_on, Consultation.id)))


def is_addressee(user, c: Consultation) -> bool:
    """Whether the consultation is addressed to the user (their department or agency)."""
    if user is None:
        return False
    if user.role == Role.LIAISON:
        return c.kind == "department" and user.department_id == c.department_id
    if user.role in CASE_HANDLERS:
        return c.kind == "agency" and user.agency_id == c.addressee_agency_id
    return False


def of_asking_agency(user, c: Consultation) -> bool:
    """Whether the user reads cases of the agency that asked."""
    return user is not None and user.role in CASE_READERS and (user.agency_id is None or user.agency_id == c.agency_id)


def visible_consultation(user, consultation_id: int) -> Consultation | None:
    """A consultation the user may see (addressed to them or of their agency), else None."""
    c = db.session.get(Consultation, consultation_id)
    if c is None or not (is_addressee(user, c) or of_asking_agency(user, c)):
        return None
    return c


def consultations_for_case(case: Case) -> list[Consultation]:
    """A case's consultations, in the order they were recorded."""
    return list(db.session.scalars(sa.select(Consultation).where(Consultation.case_id == case.id)
                                   .order_by(Consultation.id)))


def objections(case: Case) -> list[Consultation]:
    """Third parties that objected (disagree or partial): shown beside the reply draft."""
    return [c for c in consultations_for_case(case) if c.kind == "third_party" and c.opinion in ("disagree", "partial")]


def consultation_json(c: Consultation, *, detail: bool = False) -> dict:
    """One consultation as the API shows it."""
    data = {
        "id": c.id, "kind": c.kind, "status": c.status, "opinion": c.opinion,
        # null while a consultation by letter waits for its letter's issue (SPEC §5)
        "sent_on": c.sent_on.isoformat() if c.sent_on else None, "due_on": c.due_on.isoformat() if c.due_on else None,
        "answered_on": c.answered_on.isoformat() if c.answered_on else None,
    }
    if detail:
        data.update({
            "tracking_number": c.case.tracking_number, "agency": c.agency.code,
            "addressee": {"department": c.department.code if c.department else None,
                          "agency": c.addressee_agency.code if c.addressee_agency else None,
                          "third_party": c.third_party_name},
            "question": c.question, "reasons": c.reasons, "delivered_on": c.delivered_on.isoformat() if c.delivered_on else None,
            "description": c.case.description,
            "materials": [{"id": f.id, "name": f.original_name, "size": f.size} for f in c.materials],
        })
    return data


def consultations_by_case(case_ids) -> dict[int, list[Consultation]]:
    """case id -> its consultations in the order they were recorded (one statement for a page of cases)."""
    out: dict[int, list[Consultation]] = {i: [] for i in case_ids}
    if out:
        for c in db.session.scalars(sa.select(Consultation).where(Consultation.case_id.in_(out))
                                    .order_by(Consultation.id)):
            out[c.case_id].append(c)
    return out


def consultations_for_case_json(case: Case, consultations: list[Consultation] | None = None) -> list[dict]:
    """The `consultations` list of the case JSON (GET /api/v1/cases/{tracking_number});
    `consultations`: already loaded by `consultations_by_case`."""
    return [consultation_json(c) for c in (consultations_for_case(case) if consultations is None else consultations)]


def waiting_by_handler(agency_id: int | None) -> dict[int | None, int]:
    """Consultations still waiting for an answer, per handling clerk of the asking cases (SQL aggregate)."""
    q = (sa.select(Case.handler_id, sa.func.count(Consultation.id))
         .join(Case, Case.id == Consultation.case_id)
         .where(Consultation.status == "sent").group_by(Case.handler_id))
    if agency_id is not None:
        q = q.where(Consultation.agency_id == agency_id)
    return {handler: n for handler, n in db.session.execute(q).all()}


def overdue_waiting(today: date, agency_id: int | None) -> int:
    """How many of the agency's consultations wait past their due date."""
    q = sa.select(sa.func.count(Consultation.id)).where(Consultation.status == "sent", Consultation.due_on < today)
    if agency_id is not None:
        q = q.where(Consultation.agency_id == agency_id)
    return db.session.scalar(q) or 0
