"""The documents of a case's dossier, in order: each section is a function of the case returning its
documents (read through the domains' queries). A domain that adds documents (the search record, the
answers to reviews) fills its section with `provide(name, function)`; nothing else changes.

A document is a file of the file store (a PDF, an image, a DOCX) or a page the dossier writes itself
from the recorded facts (`template`: a partial of templates/dossier/documents.html with its values).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from caseapp.cases.attachments import attachments_for_case
from caseapp.cases.labels import (APPLICANT_TYPE_LABELS, CHANNEL_LABELS, DELIVERY_LABELS, FORM_LABELS, ID_TYPE_LABELS,
                                  label)
from caseapp.cases.models import Case
from caseapp.consultations.queries import OPINION_LABELS, consultations_for_case
from caseapp.core.clock import local_date
from caseapp.core.outbox import OutboxMessage
from caseapp.extensions import db
from caseapp.fees.queries import fees_of_case
from caseapp.letters.queries import letters_of_case, time_requests_of_case
from caseapp.letters.rendering import ANSWER_KEYS, load_spec
from caseapp.letters.states import LetterStatus

PDF = "application/pdf"
IMAGES = ("image/jpeg", "image/png")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Document:
    """One entry of the dossier's contents (卷内目录) and the pages that make it."""

    title: str
    author: str
    on: date | None
    reference: str = ""  # 文号: the letter's number, the tracking number of the request
    key: str | None = None  # a stored file (caseapp.core.filestore)
    content_type: str | None = None
    template: str | None = None  # a page written by the dossier: the partial's name ...
    values: dict = field(default_factory=dict)  # ... and what it shows


Section = Callable[[Case], list[Document]]


def _file(title: str, author: str, on, key: str, content_type: str, reference: str = "") -> Document:
    return Document(title=title, author=author, on=on, reference=reference, key=key, content_type=content_type)


def _issued(case, templates=None, *, exclude=()) -> list:
    return [letter for letter in letters_of_case(case) if letter.status == LetterStatus.ISSUED
            and (templates is None or letter.template in templates) and letter.template not in exclude]


def _letter(letter, agency_name: str) -> Document:
    return _file(load_spec(letter.template).title, agency_name, letter.issued_on, letter.pdf_key, PDF, letter.number or "")


# --- the sections, in the order of a case ------------------------------------------------------------

def request_section(case: Case) -> list[Document]:
    """The request as filed or registered, and the files that came with it."""
    values = {
        "case": case, "applicant_type": label(APPLICANT_TYPE_LABELS, case.applicant_type),
        "id_type": label(ID_TYPE_LABELS, case.id_type) if case.id_type else "", "form": label(FORM_LABELS, case.form),
        "delivery": label(DELIVERY_LABELS, case.delivery), "channel": label(CHANNEL_LABELS, case.channel),
    }
    docs = [Document(_("Government information disclosure request"), case.applicant_name, case.received_on,
                     case.tracking_number, template="request", values=values)]
    for att in attachments_for_case(case, kinds=("id_scan", "supporting", "scan")):
        docs.append(_file(_("Attachment to the request: %(name)s", name=att.original_name), case.applicant_name,
                          local_date(att.uploaded_at), att.storage_key, att.content_type))
    return docs


def receipt_section(case: Case) -> list[Document]:
    """The receipt: the issued receipt letter, else (online requests) the portal's receipt."""
    issued = _issued(case, ("receipt",))
    if issued:
        return [_letter(letter, case.agency.name) for letter in issued]
    if case.channel != "online":
        return []
    return [Document(_("Receipt of a government information disclosure request"), case.agency.name,
                     case.received_on, case.tracking_number, template="receipt")]


def correction_section(case: Case) -> list[Document]:
    """The correction notice and the applicant's correction."""
    docs = [_letter(letter, case.agency.name) for letter in _issued(case, ("correction_notice",))]
    if case.correction_response or case.correction_received_on:
        docs.append(Document(_("Correction of the request"), case.applicant_name, case.correction_received_on,
                             template="correction", values={"case": case}))
    for att in attachments_for_case(case, kinds=("correction",)):
        docs.append(_file(_("Attachment to the correction: %(name)s", name=att.original_name), case.applicant_name,
                          local_date(att.uploaded_at), att.storage_key, att.content_type))
    return docs


def consultation_section(case: Case) -> list[Document]:
    """Each consultation: its letter, the answer and the files the answer came with."""
    docs = []
    letters = {letter.id: letter for letter in _issued(case)}
    for c in consultations_for_case(case):
        if c.letter_id in letters:
            docs.append(_letter(letters[c.letter_id], case.agency.name))
        if c.answered_on is not None:
            docs.append(Document(_("Answer to the consultation"), c.addressee_name, c.answered_on,
                                 template="consultation_answer",
                                 values={"c": c, "opinion": str(OPINION_LABELS.get(c.opinion, c.opinion or ""))}))
        for f in c.answer_files:
            docs.append(_file(_("Attachment to the answer: %(name)s", name=f.original_name), c.addressee_name,
                              local_date(f.created_at), f.storage_key, f.content_type))
    for letter in _issued(case, ("third_party_disclosure_notice",)):
        docs.append(_letter(letter, case.agency.name))
    return docs


def time_section(case: Case) -> list[Document]:
    """Extensions and deferrals: the approval, then the notice to the applicant."""
    docs = []
    letters = {letter.id: letter for letter in _issued(case, ("extension_notice", "deferral_notice"))}
    for request in time_requests_of_case(case):
        if request.approved_on is None:
            continue
        docs.append(Document(_("Approval of an extension") if request.kind == "extension" else _("Approval of a deferral"),
                             request.approved_by.display_name if request.approved_by else case.agency.name,
                             request.approved_on, template="time_request", values={"r": request}))
        if request.letter_id in letters:
            docs.append(_letter(letters.pop(request.letter_id), case.agency.name))
    docs += [_letter(letter, case.agency.name) for letter in letters.values()]
    return docs


def fee_section(case: Case) -> list[Document]:
    """The fee notice and the payment."""
    docs = []
    letters = {letter.id: letter for letter in _issued(case, ("fee_notice",))}
    for fee in fees_of_case(case):
        if fee.letter_id in letters:
            docs.append(_letter(letters.pop(fee.letter_id), case.agency.name))
        if fee.paid_on is not None:
            docs.append(Document(_("Record of the fee payment"), case.applicant_name, fee.paid_on,
                                 template="payment", values={"fee": fee}))
    docs += [_letter(letter, case.agency.name) for letter in letters.values()]
    return docs


def search_record_section(case: Case) -> list[Document]:
    """The search record (SPEC §12): filled in by the records domain with provide("search_record", ...)."""
    return []


_EARLIER = ("receipt", "correction_notice", "consultation_agency", "consultation_third_party",
            "third_party_disclosure_notice", "extension_notice", "deferral_notice", "fee_notice")


def _emails_of(case) -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.case_id == case.id)
                                   .order_by(OutboxMessage.id)))


def reply_section(case: Case) -> list[Document]:
    """The reply (and any other letter to the applicant, not the answers to reviews), its enclosures, and the proof of delivery."""
    docs = []
    emails = _emails_of(case)
    for letter in _issued(case, exclude=(*_EARLIER, *ANSWER_KEYS)):  # the answers to reviews come last
        docs.append(_letter(letter, case.agency.name))
        for enclosure in letter.enclosures:
            record = enclosure.record
            key = record.pdf_key or record.storage_key
            docs.append(_file(_("Enclosure %(n)s: %(title)s", n=enclosure.position, title=record.title),
                              case.agency.name, letter.issued_on, key, PDF if record.pdf_key else record.content_type))
        sent = [m for m in emails if any(a.get("key") == letter.pdf_key for a in (m.attachments or ()))]
        docs.append(Document(_("Proof of delivery"), case.agency.name, letter.delivery_on, letter.number or "",
                             template="delivery",
                             values={"letter": letter, "title": load_spec(letter.template).title, "emails": sent,
                                     "method": label(DELIVERY_METHOD_LABELS, letter.delivery_method)}))
    return docs


def review_answer_section(case: Case) -> list[Document]:
    """Answers to reconsiderations and lawsuits: filled in by the reviews domain with provide(...)."""
    return []


DELIVERY_METHOD_LABELS = {"post": _l("By post"), "hand": _l("By hand"), "email": _l("By email"),
                          "online": _l("Through the online platform")}

# name -> section, in the dossier's order.
SECTIONS: dict[str, Section] = {
    "request": request_section,
    "receipt": receipt_section,
    "correction": correction_section,
    "consultations": consultation_section,
    "time": time_section,
    "fees": fee_section,
    "search_record": search_record_section,
    "reply": reply_section,
    "review_answers": review_answer_section,
}


def provide(name: str, section: Section) -> None:
    """Fill a named section (e.g. "search_record", "review_answers") with a domain's documents."""
    if name not in SECTIONS:
        raise KeyError(name)
    SECTIONS[name] = section


def documents_of(case: Case) -> list[Document]:
    """Every document of the case's dossier, in order."""
    return [doc for section in SECTIONS.values() for doc in section(case)]
