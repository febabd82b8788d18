"""Every write on a consultation: one verb-first function per action, each recording one audit event.

Operations flush but never commit. Clock effects (SPEC §4, §5): a consultation of a third party,
or of another agency on jointly made information, pauses the reply clock from the day it is
actually asked to the day the opinion arrives or its 15 working days (counted from the addressee's
receipt) lapse; a department's never does. Asked on the platform (a department, an agency on it),
it is asked when recorded: the addressee has it in its inbox at once. Asked by letter (a third
party, an agency off the platform), it is asked when its letter is issued (`letter_sent`): until
then it has no dates, pauses nothing and never lapses. What the daily sweep does when those days
run out is in consultations/deadlines.py.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from caseapp.accounts.models import Agency, Department, User
from caseapp.calendar.service import load_calendar
from caseapp.cases import states
from caseapp.cases.attachments import Attachment, Upload, check_upload, clean_filename
from caseapp.cases.models import Case, ClockPause
from caseapp.clock.rules import CONSULTATION_DAYS
from caseapp.clock.service import refresh_due
from caseapp.consultations.models import KINDS, OPINIONS, PAUSE_KINDS, PURPOSES, Consultation, ConsultationFile
from caseapp.core import filestore
from caseapp.core.audit import record_event
from caseapp.core.clock import local_today
from caseapp.core.db import flush_or_stale
from caseapp.core.errors import NotFoundError, TransitionError, ValidationError
from caseapp.core.events import subscribe
from caseapp.core.outbox import notify
from caseapp.core.permissions import CASE_HANDLERS, Role
from caseapp.extensions import db
from caseapp.consultations.queries import OPINION_LABELS, STATUS_LABELS, objections
from caseapp.letters.models import Letter
from caseapp.letters.operations import Objection, add_issue_check, add_letter_rule, add_objection_source, draft_letter
from caseapp.letters.states import LetterStatus

DEFAULT_DEPARTMENT_DAYS = 5
MAX_DEPARTMENT_DAYS = 60
MAX_TEXT = 5000
MAX_MATERIAL_FILES = 10
# Consultation letters of the existing templates, drafted when an outside consultation is sent.
LETTER_TEMPLATES = {"agency": "consultation_agency", "third_party": "consultation_third_party"}
CONSULTABLE = frozenset({states.Status.IN_PROGRESS, states.Status.AWAITING_FEE})
PRIVATE_ATTACHMENT_KINDS = frozenset({"id_scan"})


def _invalid(field: str, message) -> ValidationError:
    return ValidationError(message, errors={field: message})


def _snapshot(c: Consultation) -> dict:
    return {"consultation_id": c.id, "kind": c.kind, "status": c.status, "opinion": c.opinion,
            "sent_on": c.sent_on, "delivered_on": c.delivered_on, "due_on": c.due_on,
            "answered_on": c.answered_on}


def _event(action: str, c: Consultation, before: dict | None, *, actor: User | None, note: str | None = None):
    flush_or_stale()
    record_event(action, actor=actor, actor_label=None if actor is not None else "system", case=c.case,
                 before=before, after=_snapshot(c), note=note)
    flush_or_stale()


def _day(value, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise _invalid(field, _l("Please enter a date like 2026-11-27.")) from None


def _text(value, field: str, message, *, required: bool = True, limit: int = MAX_TEXT) -> str | None:
    text = (value or "").strip() if isinstance(value, str) or value is None else None
    if text is None:
        raise _invalid(field, message)
    if not text:
        if required:
            raise _invalid(field, message)
        return None
    if len(text) > limit:
        raise _invalid(field, _l("Please keep this under %(n)s characters.", n=limit))
    return text


def _store_files(c: Consultation, uploads: Sequence[Upload], *, role: str, actor: User | None) -> None:
    if len(uploads) > MAX_MATERIAL_FILES:
        raise _invalid("files", _l("Please attach at most %(n)s files.", n=MAX_MATERIAL_FILES))
    checked = [(u, check_upload(u.filename, u.data)) for u in uploads]
    for upload, content_type in checked:
        stored = filestore.store_bytes(upload.data, area="consultations")
        c.files.append(ConsultationFile(role=role, original_name=clean_filename(upload.filename),
                                        content_type=content_type, size=stored.size, sha256=stored.sha256,
                                        storage_key=stored.storage_key,
                                        uploaded_by_id=actor.id if actor is not None else None))


def _addressee_users(c: Consultation) -> list[int]:
    """Who answers: the department's liaisons, or the addressed agency's clerks and supervisors."""
    q = sa.select(User.id).where(User.active.is_(True))
    if c.kind == "department":
        q = q.where(User.role == Role.LIAISON.value, User.department_id == c.department_id)
    elif c.kind == "agency":
        q = q.where(User.agency_id == c.addressee_agency_id,
                    User.role.in_([Role.CLERK.value, Role.SUPERVISOR.value]))
    else:
        return []
    return list(db.session.scalars(q.order_by(User.id)))


def _asking_users(c: Consultation) -> list[int]:
    """Who asked: the case's handler and the clerk who sent the consultation."""
    ids = [i for i in (c.case.handler_id, c.created_by_id) if i]
    return list(dict.fromkeys(ids))


def consult_refusal(case: Case) -> TransitionError | None:
    """Why no opinion can be sought on the case now (only while it is being handled), or None."""
    if states.Status(case.status) not in CONSULTABLE:
        return TransitionError(_l("Opinions can only be sought while the case is being handled."))
    return None


def get_case_consultation(case: Case, consultation_id) -> Consultation:
    """A consultation of this case (NotFoundError for any other id)."""
    c = db.session.get(Consultation, consultation_id) if isinstance(consultation_id, int) else None
    if c is None or c.case_id != case.id:
        raise NotFoundError()
    return c


@dataclass(frozen=True)
class ThirdParty:
    name: str | None = None
    address: str | None = None
    phone: str | None = None


def consult(
    case: Case, *, actor: User, kind: str, question: str, department=None, agency=None, third_party=None,
    agency_name=None, agency_address=None, purpose=None, sent_on=None, delivered_on=None, due_days=None,
    attachment_ids: Iterable[int] = (),
    uploads: Sequence[Upload] = (), today: date | None = None,
) -> Consultation:
    """Send a consultation to a department, another agency or a third party; outside ones pause the
    clock. The action `consult` checked who, where and when (caseapp.consultations.actions)."""
    today = today or local_today()
    cal = load_calendar()
    if kind not in KINDS:
        raise _invalid("kind", _l("Please choose whom to consult."))
    c = Consultation(case=case, case_id=case.id, agency_id=case.agency_id, kind=kind, status="sent",
                     created_by_id=actor.id)
    if kind == "department":
        dept = department if isinstance(department, Department) else db.session.scalar(
            sa.select(Department).where(Department.agency_id == case.agency_id,
                                        Department.code == str(department or "").strip()))
        if dept is None or dept.agency_id != case.agency_id:
            raise _invalid("department", _l("Please choose a department of this agency."))
        c.department_id, c.department = dept.id, dept
    elif kind == "agency" and not agency and agency_name:
        # An agency off the platform is consulted by letter; its answer is recorded on paper.
        c.third_party_name = _text(agency_name, "agency_name", _l("Please give the agency's name."), limit=200)
        c.third_party_address = _text(agency_address, "agency_address", "", required=False, limit=300)
    elif kind == "agency":
        other = agency if isinstance(agency, Agency) else db.session.scalar(
            sa.select(Agency).where(Agency.code == str(agency or "").strip()))
        if other is None or not other.active:
            raise _invalid("agency", _l("Please choose an agency on the platform, or give the name of one that is not."))
        if other.id == case.agency_id:
            raise _invalid("agency", _l("Consult a department of your own agency instead."))
        c.addressee_agency_id, c.addressee_agency = other.id, other
    else:
        tp = third_party if isinstance(third_party, ThirdParty) else ThirdParty(**(third_party or {})) \
            if isinstance(third_party, dict) and set(third_party) <= {"name", "address", "phone"} else None
        if tp is None:
            raise _invalid("third_party", _l("Please give the third party's name, address and phone."))
        c.third_party_name = _text(tp.name, "third_party_name", _l("Please give the third party's name."), limit=200)
        c.third_party_address = _text(tp.address, "third_party_address", "", required=False, limit=300)
        c.third_party_phone = _text(tp.phone, "third_party_phone", "", required=False, limit=40)
    if kind == "agency":
        if purpose not in PURPOSES:
            raise _invalid("purpose", _l("Please say why the agency is consulted: the information was made jointly "
                                         "with it, or another question."))
        c.purpose = purpose
    c.question = _text(question, "question", _l("Please write the question to be answered."))
    duplicate = open_consultation_of(case, c)
    if duplicate is not None:
        field = {"department": "department", "agency": "agency_name" if c.third_party_name else "agency"}.get(
            kind, "third_party_name")
        if duplicate.sent_on is None:
            raise _invalid(field, _l("%(name)s is already to be consulted on this request (its letter is not issued "
                                     "yet): issue that letter, or cancel that consultation first to ask again.",
                                     name=duplicate.addressee_name))
        raise _invalid(field, _l("An opinion of %(name)s on this request is still awaited (sent on %(day)s): cancel "
                                 "that consultation first to ask again.", name=duplicate.addressee_name,
                                 day=duplicate.sent_on.isoformat()))

    if c.by_letter:
        # Asked by letter: it is sent when the letter is issued (letter_sent), and only then do its
        # dates, its pause and its 15 working days exist (SPEC §5). The office form's default
        # sending day (today) says nothing more; any other day contradicts that rule.
        for name, value in (("sent_on", sent_on), ("delivered_on", delivered_on)):
            day = _day(value, name)
            if day is not None and day != today:
                raise _invalid(name, _l("A consultation by letter is sent when its letter is issued: its dates are "
                                        "the letter's (its issue date, then the receipt recorded for a posted "
                                        "letter), and cannot be given here."))
        if due_days not in (None, ""):
            raise _invalid("due_days", _l("The time limit of an outside consultation is fixed at 15 working days."))
    else:
        sent = _day(sent_on, "sent_on") or today
        if sent < case.received_on:
            raise _invalid("sent_on", _l("The sending date cannot be before the request was received."))
        if sent > today:
            raise _invalid("sent_on", _l("The sending date cannot be in the future."))
        delivered = _day(delivered_on, "delivered_on") or sent
        if delivered < sent:
            raise _invalid("delivered_on", _l("The delivery date cannot be before the sending date."))
        if delivered > today:
            raise _invalid("delivered_on", _l("The delivery date cannot be in the future."))
        c.sent_on, c.delivered_on = sent, delivered
        if kind == "department":
            days = DEFAULT_DEPARTMENT_DAYS if due_days in (None, "") else due_days
            try:
                days = int(days)
            except (TypeError, ValueError):
                days = 0
            if isinstance(due_days, bool) or not 1 <= days <= MAX_DEPARTMENT_DAYS:
                raise _invalid("due_days", _l("Please give between 1 and %(n)s working days.", n=MAX_DEPARTMENT_DAYS))
            c.due_on = cal.add_working_days(sent, days)
        else:
            if due_days not in (None, ""):
                raise _invalid("due_days", _l("The time limit of an outside consultation is fixed at 15 working days."))
            c.due_on = cal.add_working_days(delivered, CONSULTATION_DAYS)

    ids = []
    for raw in attachment_ids or ():
        try:
            ids.append(int(raw))
        except (TypeError, ValueError):
            raise _invalid("attachments", _l("Please choose files of this case.")) from None
    chosen = list(db.session.scalars(sa.select(Attachment).where(Attachment.id.in_(ids)))) if ids else []
    if len(chosen) != len(set(ids)) or any(a.case_id != case.id for a in chosen):
        raise _invalid("attachments", _l("Please choose files of this case."))
    if any(a.kind in PRIVATE_ATTACHMENT_KINDS for a in chosen):
        # The applicant's identity documents never leave the case (personal data).
        raise _invalid("attachments", _l("The applicant's identity documents cannot be sent with a consultation."))
    for att in chosen:
        c.files.append(ConsultationFile(role="material", attachment_id=att.id, original_name=att.original_name,
                                        content_type=att.content_type, size=att.size, sha256=att.sha256,
                                        storage_key=att.storage_key, uploaded_by_id=actor.id))
    _store_files(c, list(uploads or ()), role="material", actor=actor)

    db.session.add(c)
    if c.pauses_clock and not c.by_letter:
        # On the platform the addressee is asked now (its users are notified below): Reg. 33 leaves
        # the time spent consulting out from this day.
        _start_pause(c, c.sent_on, c.delivered_on, today, cal)
    _event("consultation.sent", c, None, actor=actor)
    if kind in LETTER_TEMPLATES:
        # The letter itself goes through the usual workflow (draft, approval, issue); by letter, its
        # issue is what sends the consultation.
        fields = {"addressee": c.addressee_name, "question": c.question}
        if kind == "agency":
            fields["purpose"] = c.purpose  # the letter speaks of 共同制作 only for jointly made information
        letter = draft_letter(case, actor=actor, template=LETTER_TEMPLATES[kind], fields=fields, today=today)
        if c.by_letter:
            c.letter = letter
            flush_or_stale()
    if c.due_on is not None:
        message = f"{case.tracking_number}：{case.agency.name}征求意见，请于{c.due_on.isoformat()}前答复。"
        for user_id in _addressee_users(c):
            notify(user_id, "consultation_request", message, case_id=case.id, subject_id=c.id,
                   dedupe_key=f"consultation:{c.id}:request")
    return c


def _start_pause(c: Consultation, started_on: date, counted_from: date, today: date, cal=None) -> None:
    """The case's clock stops from the day the consultation is asked (Reg. 33)."""
    case = c.case
    pause = ClockPause(kind=PAUSE_KINDS[c.kind], started_on=started_on, counted_from=counted_from,
                       reference="consultation")
    case.pauses.append(pause)
    c.pause = pause
    if not states.is_final(case.status):
        refresh_due(case, today, cal)


def letter_of_consultation(letter) -> Consultation | None:
    """The consultation a consultation letter was drafted for: linked when drafted; a letter drafted
    before consultations kept their letter, by its kind and addressee (the latest one waiting)."""
    c = db.session.scalar(sa.select(Consultation).where(Consultation.letter_id == letter.id))
    if c is not None:
        return c
    kind = next((k for k, t in LETTER_TEMPLATES.items() if t == letter.template), None)
    addressee = ((letter.fields or {}).get("addressee") or "").strip()
    candidates = [c for c in db.session.scalars(sa.select(Consultation).where(
        Consultation.case_id == letter.case_id, Consultation.kind == kind, Consultation.status == "sent",
        Consultation.letter_id.is_(None)).order_by(Consultation.id.desc()))
        if c.by_letter and c.addressee_name == addressee]
    return candidates[0] if candidates else None


def consultation_letter_refusal(letter) -> TransitionError | None:
    """A consultation letter goes out only for a consultation still awaiting its answer (not one
    cancelled or answered meanwhile)."""
    c = db.session.scalar(sa.select(Consultation).where(Consultation.letter_id == letter.id))
    if c is not None and c.status != "sent":
        return TransitionError(_l("The consultation of %(name)s this letter was drafted for is no longer awaiting an "
                                  "answer (%(status)s): the letter is not sent.", name=c.addressee_name,
                                  status=_status_label(c.status)))
    return None


def _status_label(status: str):
    return STATUS_LABELS.get(status, status)


def letter_sent(case: Case, *, letter, actor, served_on: date, today: date | None = None) -> Consultation | None:
    """Issue hook of the consultation letters: a consultation by letter is sent on the letter's
    delivery date (SPEC §5: handed over, e-mailed or sent online that day, or posted that day).

    Its 15 working days count from that day (for a posted letter, until the addressee's receipt is
    recorded: record_letter_receipt), and a consultation that pauses the clock pauses it from that
    day. A letter to an agency on the platform changes nothing: that agency was asked on the
    platform when the consultation was recorded. The change is part of the letter's own audit event
    (letter.issued)."""
    c = letter_of_consultation(letter)
    if c is None or not c.by_letter or c.status != "sent":
        return None
    if c.sent_on is not None and served_on <= c.sent_on:
        return c  # recorded with its sending day before consultations waited for their letter
    today = today or local_today()
    cal = load_calendar()
    c.sent_on = served_on
    c.delivered_on = max(c.delivered_on or served_on, served_on)
    c.due_on = cal.add_working_days(c.delivered_on, CONSULTATION_DAYS)
    if c.pauses_clock:
        if c.pause is None:
            _start_pause(c, c.sent_on, c.delivered_on, today, cal)
        else:
            c.pause.started_on, c.pause.counted_from = c.sent_on, c.delivered_on
            if not states.is_final(case.status):
                refresh_due(case, today, cal)
    flush_or_stale()
    return c


def _check_opinion(opinion, reasons) -> tuple[str, str]:
    if opinion not in OPINIONS:
        raise _invalid("opinion", _l("Please choose agree, disagree or partial."))
    text = _text(reasons, "reasons", _l("Please give the reasons for the opinion."))
    return opinion, text


def _end_pause(c: Consultation, on: date, today: date) -> None:
    if c.pause is not None and c.pause.ended_on is None:
        c.pause.ended_on = max(on, c.pause.started_on)
        if not states.is_final(c.case.status):
            refresh_due(c.case, today)


def _answer(c: Consultation, *, opinion: str, reasons: str, answered_on: date, channel: str,
            actor: User, today: date, uploads: Sequence[Upload]) -> None:
    c.status = "answered"
    c.opinion, c.reasons, c.answered_on = opinion, reasons, answered_on
    c.answer_channel, c.answered_by_id = channel, actor.id
    _store_files(c, list(uploads or ()), role="answer", actor=actor)
    _end_pause(c, answered_on, today)


def can_answer(user: User | None, c: Consultation) -> bool:
    """Whether the user is an addressee who may answer on the platform."""
    if user is None or not user.active:
        return False
    if c.kind == "department":
        return user.role == Role.LIAISON and user.department_id == c.department_id
    if c.kind == "agency":
        return user.role in CASE_HANDLERS and user.agency_id == c.addressee_agency_id
    return False


def answer_consultation(c: Consultation, *, actor: User, opinion, reasons, uploads: Sequence[Upload] = (),
                        today: date | None = None) -> Consultation:
    """The addressee answers on the platform: agree, disagree or partial, with reasons and files (the
    action `answer_consultation` checked that the user is the addressee and the consultation waits)."""
    opinion, text = _check_opinion(opinion, reasons)
    today = today or local_today()
    before = _snapshot(c)
    _answer(c, opinion=opinion, reasons=text, answered_on=today, channel="platform", actor=actor, today=today,
            uploads=uploads)
    _event("consultation.answered", c, before, actor=actor)
    message = f"{c.case.tracking_number}：{c.addressee_name}已答复征求意见。"
    for user_id in _asking_users(c):
        notify(user_id, "consultation_answered", message, case_id=c.case_id, subject_id=c.id,
               dedupe_key=f"consultation:{c.id}:answered")
    return c


def open_consultation_of(case: Case, new: Consultation) -> Consultation | None:
    """The case's consultation awaiting an answer from the same addressee as `new` (SPEC §5: one
    open consultation per addressee and case), or None."""
    same = sa.and_(Consultation.case_id == case.id, Consultation.kind == new.kind,
                   Consultation.status == "sent")
    if new.kind == "department":
        same = sa.and_(same, Consultation.department_id == new.department_id)
    elif new.addressee_agency_id is not None:
        same = sa.and_(same, Consultation.addressee_agency_id == new.addressee_agency_id)
    else:  # a third party or an agency off the platform, by its name
        same = sa.and_(same, Consultation.addressee_agency_id.is_(None),
                       sa.func.lower(Consultation.third_party_name) == (new.third_party_name or "").lower())
    return db.session.scalar(sa.select(Consultation).where(same).order_by(Consultation.id).limit(1))


def answers_on_paper(c: Consultation) -> bool:
    """Whether the asking agency records the answer itself: only a third party's or an agency's off
    the platform. A department or an agency on the platform answers there, as its own addressee."""
    return c.kind == "third_party" or (c.kind == "agency" and c.addressee_agency_id is None)


def record_opinion(c: Consultation, *, actor: User, opinion, reasons, received_on=None,
                   uploads: Sequence[Upload] = (), today: date | None = None) -> Consultation:
    """A clerk of the asking agency records an opinion that arrived on paper, with the day it was received."""
    if c.status != "sent":
        raise TransitionError(_l("This consultation has already been answered or has lapsed."))
    if c.awaiting_letter:
        raise TransitionError(_l("The consultation letter to %(name)s has not been issued yet: no answer can be "
                                 "recorded before the question was put.", name=c.addressee_name))
    if not answers_on_paper(c):
        raise TransitionError(_l("%(name)s answers on the platform itself: only the answer of a third party or of "
                                 "an agency not on the platform is recorded here.", name=c.addressee_name))
    opinion, text = _check_opinion(opinion, reasons)
    today = today or local_today()
    received = _day(received_on, "received_on") or today
    if received < c.sent_on:
        raise _invalid("received_on", _l("The answer cannot have arrived before the consultation was sent."))
    if received > today:
        raise _invalid("received_on", _l("The receipt date cannot be in the future."))
    before = _snapshot(c)
    _answer(c, opinion=opinion, reasons=text, answered_on=received, channel="paper", actor=actor, today=today,
            uploads=uploads)
    _event("consultation.opinion_recorded", c, before, actor=actor)
    return c


def draft_disclosure_notice(c: Consultation, *, actor: User, content, reasons, disclose_on=None,
                            today: date | None = None):
    """Disclosing over a third party's objection: draft the notice to the third party (Reg. 32) of
    what will be disclosed, why, and from when, for the usual approval and issue. The date of
    disclosure must leave the third party at least 15 working days after the notice reaches it
    (checked on approval and issue); by default it is the first working day after that, were the
    notice issued today. It can still be drafted once the case is closed with a disclosure."""
    if c.kind != "third_party" or c.opinion not in ("disagree", "partial"):
        raise TransitionError(_l("A disclosure notice is only for a third party that objected."))
    today = today or local_today()
    content = _text(content, "content", _l("Please say what will be disclosed."))
    reasons = _text(reasons, "reasons", _l("Please give the public-interest reasons for disclosing."))
    on = _day(disclose_on, "disclose_on") or earliest_disclosure(today)
    if on <= load_calendar().add_working_days(today, NOTICE_DAYS):  # issued today at the earliest
        raise _invalid("disclose_on", _l("The date of disclosure must be later than the 15th working day after the "
                                         "notice reaches the third party (Reg. 32): issued today, from %(day)s.",
                                         day=earliest_disclosure(today).isoformat()))
    return draft_letter(c.case, actor=actor, template=DISCLOSURE_NOTICE, today=today, fields={
        "addressee": c.third_party_name, "consulted_on": c.sent_on.isoformat(), "content": content,
        "reasons": reasons, "disclose_on": on.isoformat()})


# --- Disclosing over a third party's objection (Reg. 32, SPEC §5) ------------------------------------

DISCLOSURE_NOTICE = "third_party_disclosure_notice"
# The third party told of a disclosure over its objection has at least these working days, counted
# from the day the notice reaches it, before the information goes out (SPEC §5).
NOTICE_DAYS = 15


def earliest_disclosure(served_on: date) -> date:
    """The first working day after the 15 working days that follow the notice's delivery."""
    cal = load_calendar()
    return cal.next_working_day(cal.add_working_days(served_on, NOTICE_DAYS), inclusive=False)


def _notice_date(letter) -> date | None:
    value = (letter.fields or {}).get("disclose_on")
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _notice_too_soon(letter, served_on: date) -> TransitionError | None:
    """The date of disclosure leaves the third party its 15 working days after the notice's delivery."""
    on = _notice_date(letter)
    last = load_calendar().add_working_days(served_on, NOTICE_DAYS)
    if on is not None and on <= last:
        return TransitionError(_l("The date of disclosure (%(day)s) must leave the third party at least 15 working "
                                  "days after the notice reaches it (Reg. 32): delivered on %(served)s, the "
                                  "information can go out from %(earliest)s. Correct the date in a new notice.",
                                  day=on.isoformat(), served=served_on.isoformat(),
                                  earliest=earliest_disclosure(served_on).isoformat()))
    return None


def _notice_approvable(letter) -> TransitionError | None:
    """Before approval or issue: delivered today at the earliest, the notice must leave the 15 days."""
    return _notice_too_soon(letter, local_today())


def _reply_waits_today(letter) -> TransitionError | None:
    """The issue button's guard: the reply would go out today at the earliest."""
    return _reply_waits_for_notice(letter, local_today())


def _objections(case: Case) -> list:
    """The third parties' objections on the case, as the approver of a disclosing reply sees them."""
    return [Objection(party=c.third_party_name, opinion=OPINION_LABELS[c.opinion], reasons=c.reasons or "",
                      received_on=c.answered_on) for c in objections(case)]


def disclosure_date(case: Case, c: Consultation) -> date | None:
    """The date of disclosure given to the objecting third party of `c` by an issued notice (the
    latest issued one), or None when no notice was issued to it. A notice issued before notices gave
    a date counts from its delivery: the first working day after its 15 working days."""
    notices = [n for n in db.session.scalars(sa.select(Letter).where(
        Letter.case_id == case.id, Letter.template == DISCLOSURE_NOTICE, Letter.status == LetterStatus.ISSUED)
        .order_by(Letter.issued_on, Letter.id))
        if ((n.fields or {}).get("addressee") or "").strip() == (c.third_party_name or "").strip()]
    if not notices:
        return None
    latest = notices[-1]
    return _notice_date(latest) or earliest_disclosure(latest.delivery_on or latest.issued_on)


def _reply_waits_for_notice(letter, on: date) -> TransitionError | None:
    """Reg. 32: a reply that discloses over an objection goes out only after the third party was told
    in writing, and not before the date of disclosure it was given."""
    if letter.objection_decision == "withhold":
        return None  # what the third party objects to is withheld: nothing to tell it
    for c in objections(letter.case):
        day = disclosure_date(letter.case, c)
        if day is None:
            return TransitionError(_l("%(name)s objected to the disclosure: before the reply that discloses over its "
                                      "objection goes out, the third party must be told in writing what is "
                                      "disclosed, why and from when (Reg. 32). Issue the notice of disclosure to it "
                                      "first.", name=c.third_party_name))
        if on < day:
            return TransitionError(_l("%(name)s was told that the information is disclosed from %(day)s (Reg. 32: "
                                      "at least 15 working days after its notice): the reply that discloses it goes "
                                      "out on or after that day.", name=c.third_party_name, day=day.isoformat()))
    return None


def record_letter_receipt(c: Consultation, *, actor: User, received_on, today: date) -> Consultation:
    """The addressee's receipt of a posted consultation letter (the post's return receipt): its 15
    working days, and the end of its pause, count from that day (SPEC §5), not from the posting."""
    if c.status != "sent" or not c.by_letter:
        raise TransitionError(_l("Only a consultation sent by letter and still awaiting its answer has a receipt date "
                                 "to record."))
    if c.sent_on is None:
        raise TransitionError(_l("The consultation letter has not been issued yet: its receipt can be recorded once it "
                                 "was posted."))
    if c.letter is not None and c.letter.delivery_method != "post":
        raise TransitionError(_l("The consultation letter was delivered on %(day)s (not by post): its 15 working days "
                                 "count from that day, and there is no receipt date to record.",
                                 day=c.sent_on.isoformat()))
    received = _day(received_on, "received_on")
    if received is None:
        raise _invalid("received_on", _l("Please enter the date the addressee received the letter."))
    if received < c.sent_on:
        raise _invalid("received_on", _l("The letter cannot have been received before it was sent (%(day)s).",
                                         day=c.sent_on.isoformat()))
    if received > today:
        raise _invalid("received_on", _l("The receipt date cannot be in the future."))
    before = _snapshot(c)
    c.delivered_on = received
    c.due_on = load_calendar().add_working_days(received, CONSULTATION_DAYS)
    if c.pause is not None:
        c.pause.counted_from = received
        if not states.is_final(c.case.status):
            refresh_due(c.case, today)
    _event("consultation.letter_received", c, before, actor=actor)
    return c


def cancel_consultation(c: Consultation, *, actor: User | None, reason, today: date) -> Consultation:
    """Withdraw a consultation still awaiting its answer, with the reason: its pause ends that day
    and its addressees on the platform are told (SPEC §5)."""
    if c.status != "sent":
        raise TransitionError(_l("Only a consultation still awaiting its answer can be cancelled."))
    text = _text(reason, "reason", _l("Please give the reason for cancelling."), limit=2000)
    before = _snapshot(c)
    c.status, c.cancelled_on, c.cancel_reason = "cancelled", today, text
    _end_pause(c, today, today)
    _event("consultation.cancelled", c, before, actor=actor, note=text)
    message = f"{c.case.tracking_number}：征求意见已撤销（{text}），无需再答复。"
    for user_id in _addressee_users(c):
        notify(user_id, "consultation_cancelled", message, case_id=c.case_id, subject_id=c.id,
               dedupe_key=f"consultation:{c.id}:cancelled")
    return c


def _cancel_with_the_case(event) -> None:
    """A closed or withdrawn case asks nobody anything any more: its open consultations are cancelled."""
    if event.case_id is None:
        return
    case = db.session.get(Case, event.case_id)
    reason = str(_l("The case was closed.") if event.action == "case.closed" else _l("The request was withdrawn."))
    today = case.closed_on or local_today()
    for c in db.session.scalars(sa.select(Consultation).where(
            Consultation.case_id == case.id, Consultation.status == "sent").order_by(Consultation.id)).all():
        cancel_consultation(c, actor=None, reason=reason, today=max(today, c.sent_on or today))


subscribe("case.closed", _cancel_with_the_case)
subscribe("case.withdrawn", _cancel_with_the_case)


# Replies that give out information, fully or in part (SPEC §5).
DISCLOSING_REPLIES = ("disclosed", "partially_disclosed")


def _disclosure_waits(letter) -> TransitionError | None:
    """Reg. 32 and 34: a reply that discloses waits for the third party's or the co-author agency's
    answer (or the end of its time limit) while that consultation is open (an agency asked another
    question does not hold it up)."""
    case = letter.case
    c = db.session.scalar(sa.select(Consultation).where(
        Consultation.case_id == case.id, Consultation.status == "sent",
        sa.or_(Consultation.kind == "third_party",
               sa.and_(Consultation.kind == "agency", Consultation.purpose == "joint_production")))
        .order_by(Consultation.id).limit(1))
    if c is None:
        return None
    if c.due_on is None:
        return TransitionError(_l("%(name)s is to be consulted, but the consultation letter has not been issued yet: a "
                                  "reply that discloses waits for its answer or the end of its time limit (Reg. 32, "
                                  "34).", name=c.addressee_name))
    return TransitionError(_l("%(name)s has not answered the consultation yet (its time limit ends on %(day)s): a "
                              "reply that discloses waits for the answer or the end of the time limit (Reg. 32, 34).",
                              name=c.addressee_name, day=c.due_on.isoformat()))


for _reply in DISCLOSING_REPLIES:
    add_letter_rule(_reply, _disclosure_waits)
# A consultation letter goes out only for a consultation still awaiting its answer.
for _template in LETTER_TEMPLATES.values():
    add_letter_rule(_template, consultation_letter_refusal)
# Over an objection: the approval of a disclosing reply decides on it with reasons, the reply waits
# for the notice to the third party and its date (the guard checks today, the issue its delivery
# date); the notice itself leaves the third party 15 working days.
for _reply in DISCLOSING_REPLIES:
    add_objection_source(_reply, _objections, decided=True)
    add_letter_rule(_reply, _reply_waits_today, steps=("issue",))
    add_issue_check(_reply, _reply_waits_for_notice)
add_objection_source(DISCLOSURE_NOTICE, _objections)
add_letter_rule(DISCLOSURE_NOTICE, _notice_approvable)
add_issue_check(DISCLOSURE_NOTICE, _notice_too_soon)
