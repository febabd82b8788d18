"""Every write on letters, extensions and deferrals: one verb-first function per action, one audit event each.

Workflow: draft (clerk or supervisor) -> edit (draft or returned) -> submit -> approve or return
(a supervisor other than the drafter: four eyes) -> issue (number, PDF + DOCX, SHA-256, delivery;
frozen). Issuing a reply closes the case with its outcome on the delivery date (235号). A
correction of an issued letter is a new letter. Operations flush; the request commits.
"""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from caseapp.cases import operations as case_ops
from caseapp.cases import states
from caseapp.cases.models import Case
from caseapp.cases.outcomes import CODES as OUTCOME_CODES
from caseapp.cases.outcomes import get_outcome
from caseapp.core.audit import record_event
from caseapp.core.db import flush_or_stale, local_today, next_counter_value, utcnow
from caseapp.core.errors import ForbiddenError, StaleVersionError, TransitionError, ValidationError
from caseapp.core.filestore import remove, store_bytes
from caseapp.core.permissions import CASE_HANDLERS, Role
from caseapp.extensions import db
from caseapp.letters import rendering
from caseapp.letters.models import DELIVERY_METHODS, Letter, TimeRequest
from caseapp.letters.queries import pending_time_request

EDITABLE = ("draft", "returned")
MAX_FIELD_CHARS = 5000
MAX_REASON_CHARS = 2000


def _snapshot(letter: Letter) -> dict:
    return {"letter_id": letter.id, "template": letter.template, "status": letter.status, "number": letter.number}


def _event(action: str, letter: Letter, before: dict | None, *, actor, note: str | None = None, extra=None) -> None:
    flush_or_stale()
    record_event(action, actor=actor, case=letter.case, before=before,
                 after={**_snapshot(letter), **(extra or {})}, note=note)
    flush_or_stale()


def _require_handler(actor) -> None:
    if actor is None or actor.role not in CASE_HANDLERS:
        raise ForbiddenError()


def _require_supervisor(actor) -> None:
    if actor is None or actor.role != Role.SUPERVISOR:
        raise ForbiddenError(_l("Only a supervisor may do this."))


# --- Values a draft starts from -------------------------------------------------------------------

def agency_values(agency) -> dict:
    """The agency's facts a letter prints (a plain dict)."""
    contact = "；".join(p for p in (f"联系电话：{agency.phone}" if agency.phone else "",
                                    f"地址：{agency.address}" if agency.address else "") if p)
    return {"name": agency.name, "reconsideration_body": agency.reconsideration_body,
            "letterhead": True, "contact": contact}


def case_values(case: Case) -> dict:
    """The case's facts a letter prints or is pre-filled from (a plain dict, dates as ISO strings)."""
    from caseapp.fees.queries import latest_fee

    def iso(d):
        return d.isoformat() if d else ""

    outcome = get_outcome(case.outcome or "")
    values = {
        "tracking_number": case.tracking_number,
        "applicant_name": case.applicant_name,
        "applicant_type": case.applicant_type,
        "received_on": iso(case.received_on),
        "description": case.description,
        "document_ref": case.document_ref or "",
        "due_on": iso(case.due_on),
        "outcome": case.outcome or "",
        "legal_basis": outcome.basis if outcome else "",
        "correction_details": case.correction_details or "",
        "correction_requested_on": iso(case.correction_requested_on),
        "correction_due_on": iso(case.correction_due_on),
        "correction_received_on": iso(case.correction_received_on),
        "extension_days": case.extension_days or "",
        "deferred_to": iso(case.deferred_to),
        "withdrawn_on": iso(case.closed_on) if case.status == states.Status.WITHDRAWN else "",
    }
    ext = _latest_request(case, "extension")
    dfr = _latest_request(case, "deferral")
    values["extension_reason"] = ext.reason if ext else ""
    values["deferral_reason"] = dfr.reason if dfr else ""
    fee = latest_fee(case)
    if fee is not None:
        from caseapp.fees.rules import compute_fee, describe_quote

        values.update({
            "fee_basis": fee.basis, "fee_count": fee.count, "fee_amount": fee.amount,
            "fee_computation": describe_quote(compute_fee(fee.basis, fee.count)),
            "fee_period": f"{case.received_on.year}年{case.received_on.month}月",
            "fee_served_on": iso(fee.served_on), "fee_pay_by": iso(fee.pay_by),
            "fee_notice_number": fee_letter_number(fee),
        })
    return values


def _latest_request(case: Case, kind: str) -> TimeRequest | None:
    import sqlalchemy as sa

    return db.session.scalar(sa.select(TimeRequest).where(TimeRequest.case_id == case.id, TimeRequest.kind == kind)
                             .order_by(TimeRequest.id.desc()).limit(1))


def fee_letter_number(fee) -> str:
    """The number of the fee's issued notice, or ''."""
    if fee.letter_id is None:
        return ""
    letter = db.session.get(Letter, fee.letter_id)
    return (letter.number or "") if letter is not None else ""


def prefill(spec: rendering.TemplateSpec, values: dict) -> dict:
    """The starting fields of a draft: each field's `prefill` value from the case, else empty."""
    return {f.name: (values.get(f.prefill, "") if f.prefill else "") for f in spec.fields}


# --- Field validation -----------------------------------------------------------------------------

def clean_fields(spec: rendering.TemplateSpec, raw: dict, *, complete: bool) -> dict:
    """Check and normalise submitted fields; `complete` also requires every required field."""
    if not isinstance(raw, dict):
        raise ValidationError(_l("The letter fields must be an object."), errors={"fields": _l("The letter fields must be an object.")})
    errors, clean = {}, {}
    known = {f.name: f for f in spec.fields}
    for name in raw:
        if name not in known:
            errors[name] = _l("This template has no such field.")
    for name, f in known.items():
        if name not in raw and not complete:
            continue  # an edit changes only the fields it sends
        value = raw.get(name, "")
        if value is None:
            value = ""
        if f.type == "int":
            if value == "":
                clean[name] = ""
            else:
                try:
                    number = int(str(value).strip())
                    if number < 0 or number > 10_000_000:
                        raise ValueError
                    clean[name] = number
                except ValueError:
                    errors[name] = _l("Please enter a whole number.")
        elif f.type == "date":
            text = str(value).strip()
            if text:
                try:
                    clean[name] = date.fromisoformat(text).isoformat()
                except ValueError:
                    errors[name] = _l("Please enter a date like 2026-11-02.")
            else:
                clean[name] = ""
        else:
            if not isinstance(value, (str, int)):
                errors[name] = _l("Please enter text.")
                continue
            text = str(value).replace("\r\n", "\n").strip()
            if f.type == "text":
                text = " ".join(text.split())
            if len(text) > MAX_FIELD_CHARS:
                errors[name] = _l("At most %(n)s characters.", n=MAX_FIELD_CHARS)
            clean[name] = text
        if complete and f.required and clean.get(name, "") in ("", None) and name not in errors:
            errors[name] = _l("This field is required.")
    if errors:
        raise ValidationError(_l("Please correct the marked fields."), errors=errors)
    return clean


# --- The workflow ---------------------------------------------------------------------------------

def _check_template_fits_case(spec: rendering.TemplateSpec, case: Case) -> None:
    status = states.Status(case.status)
    if spec.is_reply:
        closed_same = status == states.Status.CLOSED and case.outcome == spec.key
        if states.is_final(status) and not closed_same:
            raise TransitionError(_l("This case is already closed; a reply with another outcome cannot be drafted."))
    elif spec.key == "withdrawal_confirmation":
        if status != states.Status.WITHDRAWN:
            raise TransitionError(_l("A withdrawal confirmation needs a withdrawn case."))
    elif spec.key != "receipt" and states.is_final(status):
        raise TransitionError(_l("This case is closed; only replies already decided can still be issued."))


def draft_letter(case: Case, *, actor, template: str, fields: dict | None = None, today: date | None = None) -> Letter:
    """Start a letter from a standard template, pre-filled from the case."""
    _require_handler(actor)
    if template not in rendering.TEMPLATE_KEYS:
        raise ValidationError(_l("Please choose a letter template."), errors={"template": _l("Please choose a letter template.")})
    spec = rendering.load_spec(template)
    _check_template_fits_case(spec, case)
    values = prefill(spec, case_values(case))
    if fields:
        values.update(clean_fields(spec, fields, complete=False))
    letter = Letter(case=case, case_id=case.id, agency_id=case.agency_id, template=template, status="draft",
                    fields=values, created_by_id=actor.id)
    db.session.add(letter)
    _event("letter.drafted", letter, None, actor=actor)
    return letter


def _new_approved_letter(case: Case, *, template: str, drafted_by_id: int | None, approver, fields: dict) -> Letter:
    """A notice whose content a supervisor has just decided (extension, deferral, fee): approved at once."""
    spec = rendering.load_spec(template)
    values = prefill(spec, case_values(case))
    values.update(fields)
    letter = Letter(case=case, case_id=case.id, agency_id=case.agency_id, template=template, status="approved",
                    fields=values, created_by_id=drafted_by_id, approver_id=approver.id, approved_at=utcnow())
    db.session.add(letter)
    flush_or_stale()
    return letter


def update_letter(letter: Letter, *, actor, fields: dict, expected_version: int | None = None) -> Letter:
    """Edit a draft's fields (only while it is a draft or was returned)."""
    _require_handler(actor)
    _check_version(letter, expected_version)
    if letter.status not in EDITABLE:
        raise TransitionError(_l("Only a draft or a returned letter can be edited."))
    spec = rendering.load_spec(letter.template)
    before = {**_snapshot(letter), "fields": dict(letter.fields)}
    letter.fields = {**letter.fields, **clean_fields(spec, fields, complete=False)}
    _event("letter.edited", letter, before, actor=actor, extra={"fields": letter.fields})
    return letter


def submit_letter(letter: Letter, *, actor, expected_version: int | None = None) -> Letter:
    """Send a draft for approval; every required field must be filled."""
    _require_handler(actor)
    _check_version(letter, expected_version)
    if letter.status not in EDITABLE:
        raise TransitionError(_l("Only a draft or a returned letter can be submitted."))
    spec = rendering.load_spec(letter.template)
    clean_fields(spec, letter.fields, complete=True)
    before = _snapshot(letter)
    letter.status = "submitted"
    letter.submitted_by_id = actor.id
    _event("letter.submitted", letter, before, actor=actor)
    return letter


def approve_letter(letter: Letter, *, actor, expected_version: int | None = None) -> Letter:
    """A supervisor approves a submitted letter; not one they drafted themselves (four eyes)."""
    _require_supervisor(actor)
    _check_version(letter, expected_version)
    if letter.status != "submitted":
        raise TransitionError(_l("Only a submitted letter can be approved."))
    if letter.created_by_id == actor.id:
        raise ForbiddenError(_l("A letter must be approved by someone other than its drafter."))
    before = _snapshot(letter)
    letter.status = "approved"
    letter.approver_id = actor.id
    letter.approved_at = utcnow()
    letter.return_comment = None
    _event("letter.approved", letter, before, actor=actor)
    return letter


def return_letter(letter: Letter, *, actor, comment: str, expected_version: int | None = None) -> Letter:
    """A supervisor sends a submitted letter back to the drafter with a comment."""
    _require_supervisor(actor)
    _check_version(letter, expected_version)
    if letter.status != "submitted":
        raise TransitionError(_l("Only a submitted letter can be returned."))
    comment = (comment or "").strip() if isinstance(comment, str) else ""
    if not comment:
        raise ValidationError(_l("Please say what to change."), errors={"comment": _l("Please say what to change.")})
    if len(comment) > MAX_REASON_CHARS:
        raise ValidationError(_l("At most %(n)s characters.", n=MAX_REASON_CHARS),
                              errors={"comment": _l("At most %(n)s characters.", n=MAX_REASON_CHARS)})
    before = _snapshot(letter)
    letter.status = "returned"
    letter.return_comment = comment
    _event("letter.returned", letter, before, actor=actor, note=comment)
    return letter


def clean_delivery(case: Case, delivery, today: date) -> dict:
    """Check the delivery record: method, date (not in the future, not before receipt), reference."""
    if not isinstance(delivery, dict):
        raise ValidationError(_l("Please say how the letter was delivered."),
                              errors={"delivery": _l("Please say how the letter was delivered.")})
    errors = {}
    method = delivery.get("method")
    if method not in DELIVERY_METHODS:
        errors["method"] = _l("Please choose how the letter is delivered.")
    on = delivery.get("date")
    try:
        on = on if isinstance(on, date) else date.fromisoformat(str(on or "").strip())
    except ValueError:
        errors["date"] = _l("Please enter a date like 2026-11-02.")
        on = None
    if on is not None and on > today:
        errors["date"] = _l("The delivery date cannot be in the future.")
    elif on is not None and on < case.received_on:
        errors["date"] = _l("The delivery date cannot be before the request was received.")
    reference = delivery.get("reference") or ""
    if not isinstance(reference, str) or len(reference) > 200:
        errors["reference"] = _l("At most %(n)s characters.", n=200)
        reference = ""
    reference = reference.strip()
    if method == "post" and not reference:
        errors["reference"] = _l("Please enter the registered-mail number.")
    if errors:
        raise ValidationError(_l("Please correct the marked fields."), errors=errors)
    return {"method": method, "date": on, "reference": reference or None}


def _format_number(pattern: str, year: int, seq: int) -> str:
    try:
        return pattern.format(year=year, seq=seq)
    except (KeyError, IndexError, ValueError):
        return f"〔{year}〕{seq}号"


def issue_letter(letter: Letter, *, actor, delivery: dict, expected_version: int | None = None,
                 today: date | None = None) -> Letter:
    """Issue an approved letter: number it, render and freeze the PDF and DOCX, record the delivery.

    A reply closes the case with its outcome, closed_on being the delivery date (国办公开办函〔2016〕235号);
    a fee notice puts the case in awaiting_fee and pauses its clock from the delivery date.
    """
    _require_handler(actor)
    _check_version(letter, expected_version)
    if letter.status == "issued":
        raise TransitionError(_l("This letter has already been issued; a correction needs a new letter."))
    if letter.status != "approved":
        raise TransitionError(_l("Only an approved letter can be issued."))
    case = letter.case
    today = today or local_today()
    spec = rendering.load_spec(letter.template)
    clean = clean_delivery(case, delivery, today)
    fields = clean_fields(spec, letter.fields, complete=True)
    before = _snapshot(letter)

    # Side effects on the case first: if the case cannot take them, nothing is numbered or stored.
    if spec.is_reply:
        if states.is_final(case.status):
            if case.outcome != spec.key:
                raise TransitionError(_l("This case is already closed with another outcome."))
        else:
            case_ops.close_case(case, actor=actor, outcome=spec.key, today=clean["date"],
                                reason=f"letter {letter.id}")
    elif spec.key == "fee_notice":
        from caseapp.fees.operations import serve_fee_notice

        serve_fee_notice(case, letter=letter, actor=actor, served_on=clean["date"], today=today)

    year = clean["date"].year
    seq = next_counter_value("letter", f"{case.agency_id}:{year}")
    number = _format_number(case.agency.letter_number_pattern, year, seq)
    context = rendering.build_context(key=letter.template, agency=agency_values(case.agency),
                                      case=case_values(case), fields=fields, number=number, dated=clean["date"])
    rendered = rendering.render_letter(letter.template, context)
    pdf = store_bytes(rendered.pdf, area="letters")
    try:
        docx = store_bytes(rendered.docx, area="letters")
    except OSError:
        remove(pdf.storage_key)
        raise
    letter.fields = fields
    letter.number, letter.number_year, letter.number_seq = number, year, seq
    letter.issued_on = clean["date"]
    letter.issued_at = utcnow()
    letter.issued_by_id = actor.id
    letter.pdf_key, letter.pdf_sha256 = pdf.storage_key, pdf.sha256
    letter.docx_key, letter.docx_sha256 = docx.storage_key, docx.sha256
    letter.delivery_method, letter.delivery_on, letter.delivery_reference = (
        clean["method"], clean["date"], clean["reference"])
    letter.status = "issued"
    try:
        _event("letter.issued", letter, before, actor=actor,
               extra={"pdf_sha256": pdf.sha256, "docx_sha256": docx.sha256, "delivery": clean})
    except Exception:
        remove(pdf.storage_key)
        remove(docx.storage_key)
        raise
    return letter


def preview_letter_pdf(letter: Letter) -> bytes:
    """The letter as it stands (a draft has no number yet), as PDF; issued letters use their frozen file."""
    case = letter.case
    context = rendering.build_context(key=letter.template, agency=agency_values(case.agency),
                                      case=case_values(case), fields=letter.fields, number=letter.number,
                                      dated=letter.issued_on or local_today())
    return rendering.render_pdf(rendering.render_html(letter.template, context))


def _check_version(letter: Letter, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != letter.version:
        raise StaleVersionError()


# --- Extension (Reg. 33) and deferral (Reg. 35) ---------------------------------------------------

def _clean_reason(reason) -> str:
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise ValidationError(_l("Please give the reason."), errors={"reason": _l("Please give the reason.")})
    if len(reason) > MAX_REASON_CHARS:
        raise ValidationError(_l("At most %(n)s characters.", n=MAX_REASON_CHARS),
                              errors={"reason": _l("At most %(n)s characters.", n=MAX_REASON_CHARS)})
    return reason


def request_extension(case: Case, *, actor, days, reason, today: date | None = None) -> TimeRequest:
    """A clerk asks to extend the reply period by at most 20 working days; once per case."""
    from caseapp.clock.rules import MAX_EXTENSION_DAYS

    _require_handler(actor)
    if states.Status(case.status) not in states.CLOCK_RUNNING:
        raise TransitionError(_l("The reply period can only be extended while the case is being handled."))
    if case.extension_days or pending_time_request(case, "extension") is not None:
        raise TransitionError(_l("The reply period may be extended only once (Reg. 33)."))
    try:
        days = int(days) if not isinstance(days, bool) else None
    except (TypeError, ValueError):
        days = None
    if days is None or not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ValidationError(_l("An extension is 1 to 20 working days."),
                              errors={"days": _l("An extension is 1 to 20 working days.")})
    reason = _clean_reason(reason)
    req = TimeRequest(case_id=case.id, kind="extension", days=days, reason=reason, requested_by_id=actor.id,
                      requested_on=today or local_today())
    db.session.add(req)
    flush_or_stale()
    record_event("extension.requested", actor=actor, case=case, after={"request_id": req.id, "days": days},
                 note=reason)
    flush_or_stale()
    return req


def request_deferral(case: Case, *, actor, deferred_to, reason, today: date | None = None) -> TimeRequest:
    """Propose a later reply date for plainly excessive requests (Reg. 35), for a supervisor to approve."""
    _require_handler(actor)
    if states.Status(case.status) not in states.CLOCK_RUNNING:
        raise TransitionError(_l("The reply can only be deferred while the case is being handled."))
    if pending_time_request(case, "deferral") is not None:
        raise TransitionError(_l("A deferral is already awaiting approval."))
    try:
        deferred_to = deferred_to if isinstance(deferred_to, date) else date.fromisoformat(str(deferred_to or ""))
    except ValueError:
        raise ValidationError(_l("Please enter a date like 2026-11-02."),
                              errors={"deferred_to": _l("Please enter a date like 2026-11-02.")}) from None
    if case.due_on is not None and deferred_to <= case.due_on:
        raise ValidationError(_l("The deferred reply date must be later than the current due date."),
                              errors={"deferred_to": _l("The deferred reply date must be later than the current due date.")})
    reason = _clean_reason(reason)
    req = TimeRequest(case_id=case.id, kind="deferral", deferred_to=deferred_to, reason=reason,
                      requested_by_id=actor.id, requested_on=today or local_today())
    db.session.add(req)
    flush_or_stale()
    record_event("deferral.requested", actor=actor, case=case, after={"request_id": req.id, "deferred_to": deferred_to},
                 note=reason)
    flush_or_stale()
    return req


def approve_time_request(case: Case, *, actor, kind: str, today: date | None = None) -> TimeRequest:
    """A supervisor approves the pending extension or deferral: the due date moves and its notice
    is prepared, approved, for a clerk to issue."""
    _require_supervisor(actor)
    req = pending_time_request(case, kind)
    if req is None:
        raise TransitionError(_l("There is no request awaiting approval."))
    today = today or local_today()
    if kind == "extension":
        case_ops.grant_extension(case, actor=actor, days=req.days, reason=req.reason, today=today)
        template = "extension_notice"
        fields = {"days": req.days, "reason": req.reason, "new_due_on": case.due_on.isoformat()}
    else:
        case_ops.defer_case(case, actor=actor, deferred_to=req.deferred_to, reason=req.reason, today=today)
        template = "deferral_notice"
        fields = {"deferred_to": req.deferred_to.isoformat(), "reason": req.reason}
    letter = _new_approved_letter(case, template=template, drafted_by_id=req.requested_by_id, approver=actor,
                                  fields=fields)
    req.status = "approved"
    req.approved_by_id = actor.id
    req.approved_on = today
    req.letter_id = letter.id
    flush_or_stale()
    record_event(f"{kind}.approved", actor=actor, case=case, before={"status": "requested"},
                 after={"request_id": req.id, "status": "approved", "letter_id": letter.id, "due_on": case.due_on})
    flush_or_stale()
    return req


def reply_outcome_templates() -> tuple[str, ...]:
    """Template keys that are replies (closing the case with the outcome of the same code)."""
    return OUTCOME_CODES
