"""Every write on letters: one verb-first function per step, one audit event each.

Workflow (letters/states.py): draft (clerk or supervisor) -> edit (draft or returned) -> submit ->
approve or return (someone other than whoever wrote it: four eyes) -> issue (number, PDF + DOCX,
SHA-256, delivery; frozen). Issuing a reply closes the case with its outcome on the delivery date
(235号); a notice with an issue hook (the fee notice) lets its domain act on the case. A correction
of an issued letter is a new letter. Who may take each step is declared in letters/actions.py.
Operations flush; the request commits.
"""
from __future__ import annotations

from collections.abc import Callable
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
from caseapp.core.filestore import store_bytes
from caseapp.extensions import db
from caseapp.letters import rendering
from caseapp.letters.fields import clean_delivery, clean_fields
from caseapp.letters.models import OBJECTION_DECISIONS, Letter
from caseapp.letters.states import LETTERS, LetterStatus
from caseapp.letters.values import agency_values, case_values, prefill

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
    elif spec.key != "receipt" and case_states.is_final(status):
        raise TransitionError(_l("This case is closed; only replies already decided can still be issued."))


def draft_letter(case: Case, *, actor, template: str, fields: dict | None = None, today: date | None = None) -> Letter:
    """Start a letter from a standard template, pre-filled from the case."""
    if template not in rendering.TEMPLATE_KEYS:
        raise ValidationError(_l("Please choose a letter template."), errors={"template": _l("Please choose a letter template.")})
    spec = rendering.load_spec(template)
    _check_template_fits_case(spec, case)
    values = prefill(spec, case_values(case))
    if fields:
        values.update(clean_fields(spec, fields, complete=False))
    letter = Letter(case=case, case_id=case.id, agency_id=case.agency_id, template=template,
                    status=LetterStatus.DRAFT, fields=values, created_by_id=actor.id if actor else None)
    db.session.add(letter)
    _event("letter.drafted", letter, None, actor=actor)
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


def update_letter(letter: Letter, *, actor, fields: dict) -> Letter:
    """Edit a draft's fields (only while it is a draft or was returned)."""
    LETTERS.require("update_letter", letter.status)
    spec = rendering.load_spec(letter.template)
    before = {**_snapshot(letter), "fields": dict(letter.fields)}
    letter.fields = {**letter.fields, **clean_fields(spec, fields, complete=False)}
    letter.edited_by_id = actor.id if actor else None
    _event("letter.edited", letter, before, actor=actor, extra={"fields": letter.fields})
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

    year = clean["date"].year
    seq = next_counter_value("letter", f"{case.agency_id}:{year}")
    number = _format_number(case.agency.letter_number_pattern, year, seq)
    context = rendering.build_context(key=letter.template, agency=agency_values(case.agency),
                                      case=case_values(case), fields=fields, number=number, dated=clean["date"])
    rendered = rendering.render_letter(letter.template, context)
    pdf = store_bytes(rendered.pdf, area="letters")
    docx = store_bytes(rendered.docx, area="letters")
    letter.fields = fields
    letter.number, letter.number_year, letter.number_seq = number, year, seq
    letter.issued_on = clean["date"]
    letter.issued_at = utcnow()
    letter.issued_by_id = actor.id
    letter.pdf_key, letter.pdf_sha256 = pdf.storage_key, pdf.sha256
    letter.docx_key, letter.docx_sha256 = docx.storage_key, docx.sha256
    letter.status = LetterStatus.ISSUED
    _event("letter.issued", letter, before, actor=actor,
           extra={"pdf_sha256": pdf.sha256, "docx_sha256": docx.sha256, "delivery": clean})
    return letter


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
                                      dated=letter.issued_on or local_today())
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
