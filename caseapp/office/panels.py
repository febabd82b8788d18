"""Panels of the case page that other domains contribute: each a partial template and its context.

A domain adds its panel to PANELS (template path, function ctx -> dict); the case page renders
them in order, each in its own section.
"""
from __future__ import annotations

from collections.abc import Callable

from flask_babel import lazy_gettext as _l

from caseapp.core.actions import Ctx, get_action, offers
from caseapp.fees.actions import BASIS_LABELS
from caseapp.fees.queries import fees_of_case
from caseapp.fees.states import FEE_LABELS, FeeStatus
from caseapp.letters.queries import letters_of_case, time_requests_of_case
from caseapp.letters.rendering import load_spec
from caseapp.letters.states import (
    LETTER_LABELS,
    TIME_REQUEST_LABELS,
    LetterStatus,
    TimeRequestStatus,
)
from caseapp.records.files import RECORD_TYPES
from caseapp.records.grounds import GROUNDS
from caseapp.records.queries import PLACE_LABELS, place_text, records_by_original, redaction_log, searches_of_case


def _letter_step(letter) -> str:
    """The next step of a letter, in words."""
    if letter is None:
        return ""
    return str({
        LetterStatus.DRAFT: _l("draft: to be completed and submitted for approval"),
        LetterStatus.SUBMITTED: _l("awaiting a supervisor's approval"),
        LetterStatus.APPROVED: _l("approved: to be issued"),
        LetterStatus.RETURNED: _l("returned for changes: to be revised and submitted again"),
        LetterStatus.ISSUED: _l("issued on %(date)s as %(number)s", date=letter.issued_on.isoformat()
                                if letter.issued_on else "", number=letter.number or ""),
    }[LetterStatus(letter.status)])


def _notice_step(title: str, letter, changed: str | None = None) -> str:
    """After an approved extension, deferral or fee: whether its notice still has to go out."""
    if letter is not None and letter.status == LetterStatus.ISSUED:
        return str(_l("%(notice)s issued on %(date)s", notice=title, date=letter.issued_on.isoformat()))
    if changed:
        return str(_l("%(notice)s to be issued; the due date has changed to %(date)s", notice=title, date=changed))
    return str(_l("%(notice)s to be issued", notice=title))


def _time_request_step(req, letters: dict, case) -> str:
    """The next step of an extension or deferral request, in words."""
    if req.status == TimeRequestStatus.REQUESTED:
        return str(_l("awaiting a supervisor's approval"))
    key = "extension_notice" if req.kind == "extension" else "deferral_notice"
    return _notice_step(load_spec(key).title, letters.get(req.letter_id),
                        case.due_on.isoformat() if case.due_on else None)


def _fee_step(fee, letters: dict) -> str:
    """The next step of a fee, in words."""
    status = FeeStatus(fee.status)
    if status == FeeStatus.PROPOSED:
        return str(_l("awaiting a supervisor's approval"))
    if status == FeeStatus.APPROVED:
        return _notice_step(load_spec("fee_notice").title, letters.get(fee.letter_id))
    if status == FeeStatus.NOTIFIED:
        if fee.pay_by:
            return str(_l("awaiting payment by %(date)s; the clock is paused", date=fee.pay_by.isoformat()))
        return str(_l("notice served; the payment period starts when the applicant receives it"))
    if status == FeeStatus.PAID:
        return str(_l("paid on %(date)s", date=fee.paid_on.isoformat() if fee.paid_on else ""))
    return str(_l("not paid in time"))


def _correction_step(case, letters: list) -> dict | None:
    """While a correction is requested: whether the correction notice has been drafted and issued."""
    if case.status != "correction_requested":
        return None
    notices = [x for x in letters if x.template == "correction_notice"]
    if any(x.status == LetterStatus.ISSUED for x in notices):
        return None
    title = load_spec("correction_notice").title
    if notices:
        return {"text": str(_l("%(notice)s not issued yet (%(state)s)", notice=title,
                               state=_letter_step(notices[-1]))), "letter": notices[-1]}
    return {"text": str(_l("%(notice)s not issued", notice=title)), "letter": None}


def letters_panel(ctx: Ctx) -> dict:
    """The case's letters, extension and deferral requests and fees, each with its state and next
    step in words, and the correction notice still to send."""
    case = ctx.case
    letters = letters_of_case(case)
    by_id = {x.id: x for x in letters}
    time_requests = time_requests_of_case(case)
    fees = fees_of_case(case)
    correction = _correction_step(case, letters)
    draft = get_action("draft_letter")
    offer = next((o for o in offers(ctx, domain="letters") if o.action is draft), None)
    draft_form = None
    if correction and correction["letter"] is None and offer is not None and offer.enabled:
        draft_form = draft.input.form_class(ctx, prefix="correction")(
            data={"version": case.version, "template": "correction_notice"})
    return {"letters": letters, "time_requests": time_requests, "fees": fees,
            "letter_title": lambda key: load_spec(key).title,
            "letter_step": _letter_step,
            "time_request_step": lambda req: _time_request_step(req, by_id, case),
            "fee_step": lambda fee: _fee_step(fee, by_id),
            "fee_basis_labels": BASIS_LABELS,
            "correction": correction, "correction_form": draft_form,
            "letter_labels": {s.value: v for s, v in LETTER_LABELS.items()},
            "time_request_labels": {s.value: v for s, v in TIME_REQUEST_LABELS.items()},
            "fee_labels": {s.value: v for s, v in FEE_LABELS.items()}}


# The labels of the records' codes (records/models.py RECORD_KINDS, ENTRY_KINDS).
RECORD_KIND_LABELS = {"original": _l("Original"), "redacted": _l("Redacted version"),
                      "as_is": _l("Released as it is")}
ENTRY_KIND_LABELS = {"term": _l("Text"), "area": _l("Area")}


def records_panel(ctx: Ctx) -> dict:
    """The case's records, each original with its versions and their redaction logs, and the forms of
    the records actions the user may take now (none for a role that may not: the list only)."""
    case = ctx.case
    offered = {o.action.name for o in offers(ctx, domain="records") if o.enabled}
    add = get_action("add_record")
    release = get_action("release_record")
    records = records_by_original(case)
    made_at = {r.id: r.created_at for original, versions in records for r in (original, *versions)}
    return {"records": records, "log": redaction_log, "made_at": made_at.get, "add": add,
            "add_form": add.input.form_class(ctx, prefix="add-record")(data={"version": case.version})
            if "add_record" in offered else None,
            "can_release": "release_record" in offered, "release": release,
            "can_redact": "redact_record" in offered,
            "kind_labels": RECORD_KIND_LABELS, "entry_labels": ENTRY_KIND_LABELS, "types": RECORD_TYPES,
            "grounds": GROUNDS}


def search_panel(ctx: Ctx) -> dict:
    """The case's search records (SPEC §12: where, which terms, when, by whom, what was found) and the
    form of record_search, enabled or disabled with its reason, for a user who may take it."""
    offer = next((o for o in offers(ctx, domain="records") if o.action.name == "record_search"), None)
    form = None
    if offer is not None and offer.enabled:
        form = offer.action.input.form_class(ctx, prefix="record-search")(
            data={"version": ctx.case.version, **offer.action.input.initial(ctx)})
    return {"searches": searches_of_case(ctx.case), "place_text": place_text, "place_labels": PLACE_LABELS,
            "offer": offer, "form": form}


PANELS: list[tuple[str, Callable[[Ctx], dict]]] = [
    ("office/_letters_panel.html", letters_panel),
    ("office/_records_panel.html", records_panel),
    ("office/_search_panel.html", search_panel),
]


def case_panels(ctx: Ctx) -> list[tuple[str, dict]]:
    """(template, context) of every panel, for the case page."""
    return [(template, context(ctx)) for template, context in PANELS]
