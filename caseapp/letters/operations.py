"""Every write on letters: one verb-first function per step, one audit event each.

Workflow (letters/states.py): draft (clerk or supervisor) -> edit (draft or returned) -> submit ->
approve or return (someone other than whoever wrote it: four eyes) -> issue (number, PDF + DOCX,
SHA-256, delivery; frozen). Issuing a reply closes the case with its outcome on the delivery date
(235号); a notice with an issue hook (the fee notice) lets its domain act on the case. A correction
of an issued letter is a new letter. Who may take each step is declared in letters/actions.py.
Operations flush; the request commits.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from caseapp.cases import operations as case_ops
from caseapp.cases import states as case_states
from caseapp.cases.models import Case
from caseapp.cases.outcomes import CODES as OUTCOME_CODES
from caseapp.core.audit import record_event
from caseapp.core.clock import local_today, utcnow
from caseapp.core.db import flush_or_stale, next_counter_value
from caseapp.core.errors import ForbiddenError, TransitionError, ValidationError
from caseapp.core.filestore import open_path, store_bytes
from caseapp.extensions import db
from caseapp.letters import rendering, seal
from caseapp.letters.fields import clean_delivery, clean_fields
from caseapp.letters.models import OBJECTION_DECISIONS, Letter, LetterEnclosure
from caseapp.letters.states import LETTERS, LetterStatus
from caseapp.letters.values import agency_values, case_values, enclosure_values, prefill, withheld_from_log
from caseapp.records import queries as record_queries

MAX_REASON_CHARS = 2000
# Letters that may still follow the case's closure, and the outcomes they follow: the notice to a
# third party of a disclosure over its objection (Reg. 32) is owed whenever the case disclosed.
AFTER_CLOSURE = {"third_party_disclosure_notice": ("disclosed", "partially_disclosed")}
# template key -> hook(case, letter=, actor=, served_on=, today=) run when such a letter is issued
_ISSUE_HOOKS: dict[str, Callable] = {}


def add_issue_hook(template: str, hook: Callable) -> None:
    """Let a domain act on the case when a letter of this template is issued (before numbering)."""
    _ISSUE_HOOKS[template] = hook


# What must hold before a letter of a template is approved or issued, set by the domains above
# letters (and by letters for the case's own notices): template -> [(rule(letter) -> the
# DomainError that refuses, or None; the steps it guards)]. The approve_letter and issue_letter
# actions run them as guards (a disabled button with the reason, 409 through the API).
LETTER_STEPS = ("approve", "issue")
_LETTER_RULES: dict[str, list[tuple[Callable, tuple[str, ...]]]] = {}


def add_letter_rule(template: str, rule: Callable, *, steps: tuple[str, ...] = LETTER_STEPS) -> None:
    """Refuse the `steps` ("approve", "issue") of letters of `template` while `rule(letter)` gives a
    DomainError."""
    if any(s not in LETTER_STEPS for s in steps):
        raise ValueError(f"letter steps are {LETTER_STEPS}, not {steps!r}")
    rules = _LETTER_RULES.setdefault(template, [])
    if all(r is not rule for r, _ in rules):
        rules.append((rule, tuple(steps)))


def letter_rule_refusal(letter: Letter, step: str):
    """The first rule of the letter's template for `step` that the letter does not meet (its
    DomainError), or None."""
    for rule, steps in _LETTER_RULES.get(letter.template, ()):
        if step in steps:
            err = rule(letter)
            if err is not None:
                return err
    return None


# Checks of the delivery itself, run when a letter of a template is issued, before anything is
# numbered or written: template -> [check(letter, served_on) -> the DomainError, or None]. A rule
# that depends on the day the letter reaches its addressee (which the guards cannot know yet).
_ISSUE_CHECKS: dict[str, list[Callable]] = {}


def add_issue_check(template: str, check: Callable) -> None:
    """Refuse issuing a letter of `template` with a delivery date for which `check(letter, served_on)`
    gives a DomainError."""
    if check not in _ISSUE_CHECKS.setdefault(template, []):
        _ISSUE_CHECKS[template].append(check)


# Pre-fills of a draft that need more than the case's values, set by the domains above letters (the
# answer to a review: its facts from the review, its evidence list from the dossier): template ->
# [fill(case, values) -> {field: value}]. A fill may refuse the draft by raising a DomainError; its
# values never replace a field the drafter gave.
_DRAFT_PREFILLS: dict[str, list[Callable]] = {}


def add_draft_prefill(template: str, fill: Callable) -> None:
    """Pre-fill drafts of `template` with `fill(case, values)` (run in the order added)."""
    if fill not in _DRAFT_PREFILLS.setdefault(template, []):
        _DRAFT_PREFILLS[template].append(fill)


@dataclass(frozen=True)
class Objection:
    """A third party's objection to disclosure (Reg. 32), as the approver of a letter must see it."""

    party: str
    opinion: object  # its label: disagrees, agrees in part
    reasons: str
    received_on: date | None


# Objections the approver of a letter of a template must weigh, set by the domain that records them
# (consultations): template -> [source(case) -> list of Objection]. A disclosing reply on a case
# with objections is approved only with a reasoned decision on them (approve_letter).
_OBJECTION_SOURCES: dict[str, list[Callable]] = {}
# Templates whose approval decides on the objections (the others only show them).
_DECIDED_BY_APPROVAL: set[str] = set()
DECISION_LABELS = {
    "disclose": _l("Disclose over the objection (Reg. 32: withholding would seriously harm the public interest, "
                   "or the objection has no good reason)"),
    "withhold": _l("Withhold what the third party objects to (the reply discloses the rest only)"),
}


def add_objection_source(template: str, source: Callable, *, decided: bool = False) -> None:
    """Show the objections `source(case)` gives on the page of letters of `template`; with `decided`,
    their approval must decide on them, with reasons."""
    if source not in _OBJECTION_SOURCES.setdefault(template, []):
        _OBJECTION_SOURCES[template].append(source)
    if decided:
        _DECIDED_BY_APPROVAL.add(template)


def objections_for(letter: Letter) -> list[Objection]:
    """The third parties' objections that bear on this letter (empty for most letters)."""
    return [o for source in _OBJECTION_SOURCES.get(letter.template, ()) for o in source(letter.case)]


def needs_objection_decision(letter: Letter) -> bool:
    """Whether approving this letter takes a reasoned decision on objections (a disclosing reply)."""
    return letter.template in _DECIDED_BY_APPROVAL and bool(objections_for(letter))


def _objection_decision(letter: Letter, decision, reasons) -> tuple[str | None, str | None]:
    """The approval's decision on the objections, checked: required, with reasons, when the letter
    is a disclosing reply on a case where a third party objected; refused otherwise."""
    text = (reasons or "").strip() if isinstance(reasons, str) else ""
    if not needs_objection_decision(letter):
        if decision not in (None, "") or text:
            message = _l("No third party objected to this letter's disclosure: there is no decision to record.")
            raise ValidationError(message, errors={"objection_decision": message})
        return None, None
    errors = {}
    if decision not in OBJECTION_DECISIONS:
        errors["objection_decision"] = _l("A third party objected to the disclosure: decide whether the information "
                                          "it objects to is disclosed all the same or withheld (Reg. 32).")
    elif decision == "withhold" and letter.template == "disclosed":
        errors["objection_decision"] = _l("A full disclosure gives out what the third party objects to: decide to "
                                          "disclose over the objection, or reply with a partial disclosure instead.")
    if not text:
        errors["decision_reasons"] = _l("Please give the reasons for the decision on the third party's objection "
                                        "(Reg. 32): they are kept with the approval.")
    elif len(text) > MAX_REASON_CHARS:
        errors["decision_reasons"] = _l("At most %(n)s characters.", n=MAX_REASON_CHARS)
    if errors:
        raise ValidationError(_l("Please correct the marked fields."), errors=errors)
    return decision, text


def _snapshot(letter: Letter) -> dict:
    return {"letter_id": letter.id, "template": letter.template, "status": letter.status, "number": letter.number}


def _event(action: str, letter: Letter, before: dict | None, *, actor, note: str | None = None, extra=None) -> None:
    flush_or_stale()
    record_event(action, actor=actor, case=letter.case, before=before,
                 after={**_snapshot(letter), **(extra or {})}, note=note)
    flush_or_stale()


def self_approval_allowed(agency) -> bool:
    """A one-person office may let the same person write and approve (an agency setting, audited)."""
    return bool(getattr(agency, "allow_self_approval", False))


def four_eyes_refusal(letter: Letter, user) -> ForbiddenError | None:
    """Four eyes: the approver is not whoever drafted, last edited or submitted the letter."""
    authors = {letter.created_by_id, letter.edited_by_id, letter.submitted_by_id} - {None}
    if user is not None and user.id in authors and not self_approval_allowed(letter.case.agency):
        return ForbiddenError(_l("A letter must be approved by someone other than whoever drafted, "
                                 "edited or submitted it."))
    return None


# --- Enclosures (SPEC §11) ------------------------------------------------------------------------

MAX_ENCLOSURES = 50
# The fields of a partial disclosure filled from the redaction log of its redacted enclosures.
WITHHELD_FIELDS = ("withheld_part", "withheld_reason")


def _enclosure_refusal(message) -> ValidationError:
    return ValidationError(message, errors={"enclosures": message})


def clean_enclosures(case: Case, spec: rendering.TemplateSpec, record_ids: Sequence[int]) -> list:
    """The records to enclose, in order: release versions (redacted or as is) of this case only."""
    if not record_ids:
        return []
    if not spec.is_reply:
        raise _enclosure_refusal(_l("Only a reply to the applicant encloses records."))
    if len(record_ids) > MAX_ENCLOSURES:
        raise _enclosure_refusal(_l("At most %(n)s enclosures.", n=MAX_ENCLOSURES))
    records = []
    for record_id in record_ids:
        record = record_queries.record_of_case(case, record_id)
        if record is None:
            raise _enclosure_refusal(_l("Record %(id)s is not a record of this case.", id=record_id))
        if not record.releasable:
            raise _enclosure_refusal(_l("“%(title)s” (record %(id)s) is the original as received and is never "
                                        "released: enclose its redacted version, or the version released as it is.",
                                        title=record.title, id=record.id))
        records.append(record)
    return records


def _set_enclosures(letter: Letter, records: list) -> None:
    """Replace the draft's enclosures with `records`, in this order."""
    letter.enclosures.clear()
    db.session.flush()  # the old rows go before the new ones take their positions
    for position, record in enumerate(records, start=1):
        letter.enclosures.append(LetterEnclosure(record_id=record.id, record=record, position=position))


def _enclosure_ids(letter: Letter) -> list[int]:
    return [e.record_id for e in letter.enclosures]


def _withheld_prefill(letter: Letter, records: list, given: dict) -> dict:
    """A partial disclosure's withheld part and reasons from the redaction log of its redacted
    enclosures, for each of the two fields the clerk left empty (and did not just fill in)."""
    if letter.template != "partially_disclosed":
        return {}
    redacted = [r for r in records if r.kind == "redacted"]
    if not redacted:
        return {}
    log = withheld_from_log([(r, record_queries.redaction_log(r)) for r in redacted])
    current = letter.fields or {}
    return {name: log[name] for name in WITHHELD_FIELDS
            if log.get(name) and not str(given.get(name) or "").strip() and not str(current.get(name) or "").strip()}


def enclosures_for_rendering(letter: Letter) -> list[dict]:
    """The letter's enclosures as its text lists them (附件：1. 《title》（N页）)."""
    return enclosure_values([e.record for e in letter.enclosures])


# --- The workflow ---------------------------------------------------------------------------------

def _check_template_fits_case(spec: rendering.TemplateSpec, case: Case) -> None:
    status = case_states.Status(case.status)
    if spec.is_reply:
        closed_same = status == case_states.Status.CLOSED and case.outcome == spec.key
        if case_states.is_final(status) and not closed_same:
            raise TransitionError(_l("This case is already closed; a reply with another outcome cannot be drafted."))
    elif spec.key == "withdrawal_confirmation":
        if status != case_states.Status.WITHDRAWN:
            raise TransitionError(_l("A withdrawal confirmation needs a withdrawn case."))
    elif spec.key in AFTER_CLOSURE and status == case_states.Status.CLOSED:
        if case.outcome not in AFTER_CLOSURE[spec.key]:
            raise TransitionError(_l("This case closed without disclosing anything: there is no disclosure to tell "
                                     "a third party of."))
    elif spec.addressee == "review_body":
        pass  # an answer to a reconsideration or lawsuit defends a reply: its case is closed (the review is checked
        # by the draft's pre-fill, add_draft_prefill)
    elif spec.key != "receipt" and case_states.is_final(status):
        raise TransitionError(_l("This case is closed; only replies already decided can still be issued."))


def draft_letter(case: Case, *, actor, template: str, fields: dict | None = None, today: date | None = None,
                 enclosures: Sequence[int] | None = None) -> Letter:
    """Start a letter from a standard template, pre-filled from the case; a reply may enclose release
    versions of the case's records (a partial disclosure's withheld part then comes from their log)."""
    if template not in rendering.TEMPLATE_KEYS:
        raise ValidationError(_l("Please choose a letter template."), errors={"template": _l("Please choose a letter template.")})
    spec = rendering.load_spec(template)
    _check_template_fits_case(spec, case)
    records = clean_enclosures(case, spec, enclosures or [])
    values = prefill(spec, case_values(case))
    given = clean_fields(spec, fields, complete=False) if fields else {}
    values.update(given)
    for fill in _DRAFT_PREFILLS.get(template, ()):
        values.update({name: value for name, value in fill(case, dict(values)).items()
                       if name in values and str(given.get(name) or "").strip() == ""})
    letter = Letter(case=case, case_id=case.id, agency_id=case.agency_id, template=template,
                    status=LetterStatus.DRAFT, fields=values, created_by_id=actor.id if actor else None)
    db.session.add(letter)
    if records:
        _set_enclosures(letter, records)
        letter.fields = {**values, **_withheld_prefill(letter, records, given)}
    _event("letter.drafted", letter, None, actor=actor,
           extra={"enclosures": _enclosure_ids(letter)} if records else None)
    return letter


def new_approved_letter(case: Case, *, template: str, drafted_by_id: int | None, approver, fields: dict) -> Letter:
    """A notice whose content a supervisor has just decided (extension, deferral, fee): approved at once."""
    spec = rendering.load_spec(template)
    values = prefill(spec, case_values(case))
    values.update(fields)
    letter = Letter(case=case, case_id=case.id, agency_id=case.agency_id, template=template,
                    status=LetterStatus.APPROVED, fields=values, created_by_id=drafted_by_id,
                    approver_id=approver.id, approved_at=utcnow())
    db.session.add(letter)
    flush_or_stale()
    return letter


def update_letter(letter: Letter, *, actor, fields: dict, enclosures: Sequence[int] | None = None) -> Letter:
    """Edit a draft's fields (only while it is a draft or was returned); `enclosures` (when given)
    replace its list of enclosures."""
    LETTERS.require("update_letter", letter.status)
    spec = rendering.load_spec(letter.template)
    records = clean_enclosures(letter.case, spec, enclosures) if enclosures is not None else None
    before = {**_snapshot(letter), "fields": dict(letter.fields), "enclosures": _enclosure_ids(letter)}
    given = clean_fields(spec, fields, complete=False)
    # A blank field sent by the composer does not stop the pre-fill of the withheld part below.
    letter.fields = {**letter.fields, **given}
    if records is not None:
        if [r.id for r in records] != before["enclosures"]:
            _set_enclosures(letter, records)
        letter.fields = {**letter.fields, **_withheld_prefill(letter, records, given)}
    letter.edited_by_id = actor.id if actor else None
    _event("letter.edited", letter, before, actor=actor,
           extra={"fields": letter.fields, "enclosures": _enclosure_ids(letter)})
    return letter


def _require_content(letter: Letter) -> None:
    """Refuse a letter that lacks what its template must say (a disclosure what, a refusal why)."""
    errors = rendering.check_required(letter.template, letter.fields)
    if errors:
        raise ValidationError(_l("Please correct the marked fields."), errors=errors)


def submit_letter(letter: Letter, *, actor) -> Letter:
    """Send a draft for approval; every required field must be filled."""
    LETTERS.require("submit_letter", letter.status)
    spec = rendering.load_spec(letter.template)
    clean_fields(spec, letter.fields, complete=True)
    _require_content(letter)
    before = _snapshot(letter)
    letter.status = LetterStatus.SUBMITTED
    letter.submitted_by_id = actor.id
    _event("letter.submitted", letter, before, actor=actor)
    return letter


def approve_letter(letter: Letter, *, actor, objection_decision=None, decision_reasons=None) -> Letter:
    """Approve a submitted letter (someone other than whoever wrote it: four eyes). A disclosing reply
    on a case where a third party objected is approved with the decision on the objection and its
    reasons (Reg. 32), kept with the approval and in its audit event."""
    LETTERS.require("approve_letter", letter.status)
    refused = four_eyes_refusal(letter, actor)
    if refused is not None:
        raise refused
    _require_content(letter)
    decision, reasons = _objection_decision(letter, objection_decision, decision_reasons)
    own = actor.id in {letter.created_by_id, letter.edited_by_id, letter.submitted_by_id}
    before = _snapshot(letter)
    letter.status = LetterStatus.APPROVED
    letter.approver_id = actor.id
    letter.approved_at = utcnow()
    letter.return_comment = None
    letter.objection_decision, letter.decision_reasons = decision, reasons
    notes = [str(_l("Approved by its own author (the agency allows self-approval).")) if own else None,
             f"{DECISION_LABELS[decision]}：{reasons}" if decision else None]
    _event("letter.approved", letter, before, actor=actor, note="\n".join(n for n in notes if n) or None,
           extra={"objection_decision": decision} if decision else None)
    return letter


def return_letter(letter: Letter, *, actor, comment: str) -> Letter:
    """Send a submitted letter back to the drafter with a comment."""
    LETTERS.require("return_letter", letter.status)
    comment = (comment or "").strip() if isinstance(comment, str) else ""
    if not comment:
        raise ValidationError(_l("Please say what to change."), errors={"comment": _l("Please say what to change.")})
    if len(comment) > MAX_REASON_CHARS:
        raise ValidationError(_l("At most %(n)s characters.", n=MAX_REASON_CHARS),
                              errors={"comment": _l("At most %(n)s characters.", n=MAX_REASON_CHARS)})
    before = _snapshot(letter)
    letter.status = LetterStatus.RETURNED
    letter.return_comment = comment
    _event("letter.returned", letter, before, actor=actor, note=comment)
    return letter


def _format_number(pattern: str, year: int, seq: int) -> str:
    try:
        return pattern.format(year=year, seq=seq)
    except (KeyError, IndexError, ValueError):
        return f"〔{year}〕{seq}号"


def issue_letter(letter: Letter, *, actor, delivery: dict,
                 today: date | None = None) -> Letter:
    """Issue an approved letter: number it, render and freeze the PDF and DOCX, record the delivery.

    A reply closes the case with its outcome, closed_on being the delivery date (国办公开办函〔2016〕235号);
    a notice with an issue hook (the fee notice) acts on the case through its domain. The files are
    removed again if the transaction rolls back (core.filestore).
    """
    if letter.status == LetterStatus.ISSUED:
        raise TransitionError(_l("This letter has already been issued; a correction needs a new letter."))
    LETTERS.require("issue_letter", letter.status)
    case = letter.case
    today = today or local_today()
    spec = rendering.load_spec(letter.template)
    clean = clean_delivery(case, delivery, today)
    fields = clean_fields(spec, letter.fields, complete=True)
    before = _snapshot(letter)
    # The delivery is known before the side effects, which may depend on it (a posted fee notice).
    letter.delivery_method, letter.delivery_on, letter.delivery_reference = (
        clean["method"], clean["date"], clean["reference"])

    for check in _ISSUE_CHECKS.get(letter.template, ()):
        err = check(letter, clean["date"])
        if err is not None:
            raise err
    # The agency's electronic seal (letters/seal.py): an incomplete or unopenable one refuses here.
    agency_seal = seal.agency_seal(case.agency.code)
    # Side effects on the case first: if the case cannot take them, nothing is numbered or stored.
    if spec.is_reply:
        if case_states.is_final(case.status):
            if case.outcome != spec.key:
                raise TransitionError(_l("This case is already closed with another outcome."))
        else:
            case_ops.close_case(case, actor=actor, outcome=spec.key, today=today, delivered_on=clean["date"],
                                reason=str(_l("Reply letter issued.")))
    elif spec.key in _ISSUE_HOOKS:
        _ISSUE_HOOKS[spec.key](case, letter=letter, actor=actor, served_on=clean["date"], today=today)

    sent = _freeze_enclosures(letter)
    year = clean["date"].year
    seq = next_counter_value("letter", f"{case.agency_id}:{year}")
    number = _format_number(case.agency.letter_number_pattern, year, seq)
    agency = agency_values(case.agency)
    if agency_seal is not None:
        agency["seal_image"] = agency_seal.image_data_uri()
    context = rendering.build_context(key=letter.template, agency=agency,
                                      case=case_values(case), fields=fields, number=number, dated=clean["date"],
                                      enclosures=enclosures_for_rendering(letter))
    rendered = rendering.render_letter(letter.template, context)
    # Signed before it is stored: the frozen file and its SHA-256 are those of the signed PDF.
    pdf_bytes = (seal.sign_pdf(rendered.pdf, agency_seal, signer_name=case.agency.name)
                 if agency_seal is not None else rendered.pdf)
    pdf = store_bytes(pdf_bytes, area="letters")
    docx = store_bytes(rendered.docx, area="letters")
    letter.fields = fields
    letter.number, letter.number_year, letter.number_seq = number, year, seq
    letter.issued_on = clean["date"]
    letter.issued_at = utcnow()
    letter.issued_by_id = actor.id
    letter.pdf_key, letter.pdf_sha256 = pdf.storage_key, pdf.sha256
    letter.docx_key, letter.docx_sha256 = docx.storage_key, docx.sha256
    letter.status = LetterStatus.ISSUED
    # What went with the letter (posted, handed over, e-mailed, online) is kept with its delivery.
    _event("letter.issued", letter, before, actor=actor,
           note=str(_l("Enclosed: %(titles)s", titles="；".join(f"《{e['title']}》（{e['pages']}页）" for e in sent)))
           if sent else None,
           extra={"pdf_sha256": pdf.sha256, "docx_sha256": docx.sha256,
                  "delivery": {**clean, **({"enclosures": [e["title"] for e in sent]} if sent else {})},
                  **({"enclosures": sent} if sent else {})})
    return letter


def _file_sha256(storage_key: str) -> str:
    digest = hashlib.sha256()
    with open_path(storage_key).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _freeze_enclosures(letter: Letter) -> list[dict]:
    """Take each enclosure's digest as it is issued (refused if its file no longer matches the
    record's digest): the list and the files it names are fixed from now on."""
    sent = []
    for enclosure in letter.enclosures:
        record = enclosure.record
        if not record.releasable or record.case_id != letter.case_id:
            raise TransitionError(_l("Enclosure “%(title)s” is not a release version of this case.", title=record.title))
        digest = _file_sha256(record.storage_key)
        if digest != record.sha256:
            raise TransitionError(_l("The file of enclosure “%(title)s” no longer matches its SHA-256; it cannot be "
                                     "issued.", title=record.title))
        enclosure.sha256 = digest
        sent.append({"record_id": record.id, "title": record.title, "pages": record.page_count, "sha256": digest})
    return sent


def draft_closing_letter(case: Case, template: str) -> Letter:
    """A closing notice the system prepares itself (after a lapse): a draft for a clerk to complete."""
    spec = rendering.load_spec(template)
    letter = Letter(case_id=case.id, agency_id=case.agency_id, template=spec.key, status=LetterStatus.DRAFT,
                    fields=prefill(spec, case_values(case)))
    db.session.add(letter)
    flush_or_stale()
    return letter


def preview_letter_pdf(letter: Letter) -> bytes:
    """The letter as it stands (a draft has no number yet), as PDF; issued letters use their frozen file."""
    case = letter.case
    context = rendering.build_context(key=letter.template, agency=agency_values(case.agency),
                                      case=case_values(case), fields=letter.fields, number=letter.number,
                                      dated=letter.issued_on or local_today(),
                                      enclosures=enclosures_for_rendering(letter))
    return rendering.render_pdf(rendering.render_html(letter.template, context))


def reply_outcome_templates() -> tuple[str, ...]:
    """Template keys that are replies (closing the case with the outcome of the same code)."""
    return OUTCOME_CODES


# --- The case's own notices -----------------------------------------------------------------------

def _correction_notice_fits(letter: Letter):
    """A correction notice goes out while the correction is awaited, once (Reg. 30)."""
    return case_ops.correction_notice_refusal(letter.case)


def _correction_notice_served(case: Case, *, letter, actor, served_on: date, today: date) -> None:
    """Issuing the correction notice tells the applicant: the correction period counts from its
    delivery (SPEC §4), and the letter prints the due date that results."""
    case_ops.serve_correction_notice(case, served_on=served_on)


add_letter_rule("correction_notice", _correction_notice_fits)
add_issue_hook("correction_notice", _correction_notice_served)
