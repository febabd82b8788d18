"""Public portal pages: home, apply, receipt, track, correct, withdraw, suggest.

No accounts: a request is reached with its tracking number and query code. The code never
travels in a URL nor sits in the cookie. After filing, the fresh code waits server side (a receipt
hold whose random key is in the session) for the receipt (page and PDF) of that one case; after a successful lookup the session remembers the case as "unlocked",
so the follow-up pages work by tracking number alone.
"""
from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from caseapp.accounts.operations import list_agencies
from caseapp.cases import labels, states
from caseapp.cases.attachments import read_uploads
from caseapp.cases.identity import normalise_query_code
from caseapp.cases.models import Case
from caseapp.cases.queries import find_case_for_applicant, get_case
from caseapp.core.actions import Applicant, Ctx, get_action, outside_runner, perform
from caseapp.core.clock import epoch_seconds, local_today
from caseapp.core.downloads import set_download_name
from caseapp.core.errors import ValidationError
from caseapp.core.forms import apply_errors, choices
from caseapp.core.text import text_checked_by_view
from caseapp.core.throttle import failed
from caseapp.extensions import db
from caseapp.intake import queries, seen
from caseapp.intake.forms import (
    APPLICANT_LABELS,
    ApplyForm,
    CorrectionForm,
    SuggestionForm,
    TrackForm,
    applicant_kind,
)
from caseapp.intake.limits import limited_filing, limited_lookup
from caseapp.intake.operations import (
    hold_receipt,
    mark_receipt_shown,
    release_receipt,
    upgrade_query_code_hash,
)
from caseapp.intake.receipt import qr_data_uri, render_receipt_pdf, tracking_url

bp = Blueprint("portal", __name__)

RECEIPT_KEY = "receipt_key"  # the session's random key of its receipt hold (see intake.models.ReceiptHold)
# The last successful lookup's case, code (sealed, see queries.seal_lookup_code) and expiry: whoever
# typed the number and the code may download the receipt again while the lookup lasts (30 minutes).
LOOKUP_KEY = "lookup_receipt"
UNLOCK_SECONDS = 30 * 60  # how long a successful lookup keeps a case open in this session
MAX_UNLOCKED = 5


# --- Session helpers --------------------------------------------------------------------------------

def _unlock(case: Case) -> None:
    unlocked = {k: v for k, v in session.get("unlocked", {}).items() if v > epoch_seconds()}
    unlocked[case.tracking_number] = epoch_seconds() + UNLOCK_SECONDS
    # Keep only the most recent few.
    session["unlocked"] = dict(sorted(unlocked.items(), key=lambda kv: kv[1])[-MAX_UNLOCKED:])


def _unlocked_case(tracking_number: str) -> Case | None:
    """The case if this session unlocked it recently (refreshing the unlock), else None."""
    until = session.get("unlocked", {}).get(tracking_number)
    if not until or until < epoch_seconds():
        return None
    case = get_case(tracking_number)
    if case is not None:
        _unlock(case)
    return case


def require_unlocked(tracking_number: str) -> Case | Response:
    """The request this browser looked up, or the answer that sends it back to the lookup."""
    case = _unlocked_case(tracking_number)
    if case is None:
        flash(_("Please enter the query code of this request."), "info")
        return redirect(url_for("portal.track", tracking_number=tracking_number))
    return case


def _fresh_receipt() -> queries.HeldReceipt | None:
    """The receipt this browser holds (its key in the session, the code server side), if still valid."""
    held = queries.get_held_receipt(session.get(RECEIPT_KEY))
    if held is None:
        session.pop(RECEIPT_KEY, None)
    return held


# --- Template helpers ---------------------------------------------------------------------------

STATUS_HELP = {
    states.Status.SUBMITTED: _l("The agency has received your request and will check it."),
    states.Status.CORRECTION_REQUESTED: _l("The agency needs more details from you. Please submit a correction "
                                          "before the deadline shown below."),
    states.Status.IN_PROGRESS: _l("The agency is handling your request."),
    states.Status.AWAITING_FEE: _l("A fee notice was sent to you. Handling continues once the fee is paid."),
    states.Status.CLOSED: _l("The agency has completed the handling of your request. Replies appear under "
                             "“Documents issued to you”."),
    states.Status.WITHDRAWN: _l("This request was withdrawn and is no longer handled."),
}
LABEL_TABLES = {
    "applicant_type": labels.APPLICANT_TYPE_LABELS, "id_type": labels.ID_TYPE_LABELS, "form": labels.FORM_LABELS,
    "delivery": labels.DELIVERY_LABELS, "channel": labels.CHANNEL_LABELS,
    "attachment_kind": labels.ATTACHMENT_KIND_LABELS,
}


@bp.context_processor
def _portal_helpers():
    return {
        "status_text": lambda case: states.STATUS_LABELS[states.Status(case.status)],
        "status_help": lambda case: STATUS_HELP[states.Status(case.status)],
        "label": lambda table, code: labels.label(LABEL_TABLES[table], code),
    }


# --- Pages --------------------------------------------------------------------------------------

@bp.get("/")
def index():
    """Home page: the agencies and how a request is handled."""
    return render_template("portal/index.html", agencies=list_agencies())


def _agency_choices():
    return choices([("", _("Please choose"))] + [(a.code, a.name) for a in list_agencies()])


@bp.route("/apply", methods=["GET", "POST"])
@limited_filing(methods=("POST",))
@text_checked_by_view
def apply():
    """The online request form; a valid submission files one request and shows its receipt."""
    form = ApplyForm()
    form.agency.choices = _agency_choices()
    if request.method == "GET":
        if request.args.get("agency"):
            form.agency.data = request.args["agency"]
        form.submission_token.data = secrets.token_urlsafe(24)
        return _apply_page(form, 200)

    if not form.validate_on_submit():
        return _apply_page(form, 422)
    token = (form.submission_token.data or "").strip()[:100] or None
    earlier = queries.find_submission("portal", token)
    if earlier is not None:
        # A double click or a re-post: show what was filed instead of filing again.
        return _show_earlier_filing(earlier.case_id)
    return _file_request(form, token)


def _file_request(form: ApplyForm, token: str | None):
    """File the form's request (one transaction): its receipt, or the form again with the messages."""
    agency = queries.get_active_agency(form.agency.data)
    uploads = {"id_scan": read_uploads([request.files.get("id_scan")]),
               "files": read_uploads(request.files.getlist("files"))}
    raw = {"request": form.request_data(), **uploads, "submission_scope": "portal" if token else None,
           "submission_key": token}
    try:
        reg = perform(get_action("file_request"), Ctx(user=Applicant(), case=None, target=agency), raw, source="api")
    except ValidationError as err:
        apply_errors(form, err.errors)
        if uploads["id_scan"] or uploads["files"]:
            form.form_errors.append(_("For your security, files are not kept after a refused submission: "
                                      "please select them again."))
        return _apply_page(form, 422)
    except sa.exc.IntegrityError:
        # The same token filed concurrently (a double click that raced): show that filing.
        earlier = queries.find_submission("portal", token)
        if earlier is None:
            raise
        return _show_earlier_filing(earlier.case_id)
    session[RECEIPT_KEY] = hold_receipt(reg.case, reg.query_code)
    db.session.commit()  # the receipt hold: bookkeeping beside the filing (intake.models.ReceiptHold)
    _unlock(reg.case)
    return redirect(url_for("portal.receipt"))


def _apply_page(form: ApplyForm, status: int):
    """The form, its name and upload labels worded for the applicant type chosen (neutral on a first visit)."""
    form.label_for_applicant(applicant_kind(form.applicant_type.data) if request.method == "POST" else None)
    return render_template("portal/apply.html", form=form, applicant_labels=APPLICANT_LABELS), status


def _show_earlier_filing(case_id: int) -> Response:
    """A form posted again (double click, Back and Submit). The browser that still holds the receipt
    sees it again; any other answer names the tracking number only: a replay never mints a new query
    code, so whoever re-posts a kiosk's form cannot take the case over."""
    fresh = _fresh_receipt()
    if fresh is not None and fresh.case_id == case_id:
        flash(_("This form was already submitted. Your request was filed once, under the tracking number below."),
              "info")
        return redirect(url_for("portal.receipt"))
    case = db.session.get(Case, case_id)
    return render_template("portal/already_filed.html", case=case)


@bp.get("/apply/receipt")
def receipt():
    """The receipt page of the case just filed; the query code appears on its first display only."""
    fresh = _fresh_receipt()
    case = db.session.get(Case, fresh.case_id) if fresh else None
    if case is None:
        flash(_("The receipt is no longer available. Use your tracking number and query code to follow your request."),
              "info")
        return redirect(url_for("portal.track"))
    code = None if fresh.code_shown else fresh.code
    if code is not None:
        mark_receipt_shown(fresh.hold)
        db.session.commit()
    _unlock(case)
    # The page may show the query code: never keep it in a cache (also set for every /apply page).
    qr = qr_data_uri(tracking_url(case))
    resp = Response(render_template("portal/receipt.html", case=case, query_code=code, pdf_available=True, qr=qr))
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _receipt_download_name(resp: Response, case: Case) -> None:
    """申请接收回执-SFJY-2026-000001.pdf, and SFJY-2026-000001-receipt.pdf for clients without RFC 5987."""
    set_download_name(resp, _("Receipt-%(number)s.pdf", number=case.tracking_number),
                      f"{case.tracking_number}-receipt.pdf")


@bp.get("/apply/receipt.pdf")
def receipt_pdf():
    """The PDF receipt (申请接收回执) with the query code; downloadable once, within 30 minutes of filing."""
    fresh = _fresh_receipt()
    if fresh is None:
        flash(_("The PDF receipt can be downloaded only once, within 30 minutes of filing."), "warning")
        return redirect(url_for("portal.track"))
    case = db.session.get(Case, fresh.case_id)
    pdf = render_receipt_pdf(case, fresh.code)
    # Once only, enforced server side: a copy of the cookie finds nothing afterwards.
    release_receipt(session.pop(RECEIPT_KEY, None))
    db.session.commit()
    resp = Response(pdf, mimetype="application/pdf")
    _receipt_download_name(resp, case)
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.route("/track", methods=["GET", "POST"])
@outside_runner("looking a request up: the browser's unlock and a stronger hash of the query code")
@limited_lookup(methods=("POST",))
def track():
    """Look a request up by tracking number and query code (both posted, never in the URL)."""
    form = TrackForm()
    if request.method == "GET" and request.args.get("tracking_number"):
        form.tracking_number.data = request.args["tracking_number"].strip()[:40]
    if form.validate_on_submit():
        number = (form.tracking_number.data or "").strip()
        code = form.query_code.data or ""
        if not number or not code.strip():
            msg = _("Please enter both the tracking number and the query code.")
            form.form_errors.append(msg)
        else:
            case = find_case_for_applicant(number, code)
            if case is None:
                failed()
                # The same answer for an unknown number and a wrong code.
                form.form_errors.append(_("No request matches this tracking number and query code. "
                                          "Please check both and try again."))
            else:
                upgrade_query_code_hash(case, code)
                session[LOOKUP_KEY] = {"number": case.tracking_number, "until": epoch_seconds() + UNLOCK_SECONDS,
                                       **queries.seal_lookup_code(normalise_query_code(code))}
                db.session.commit()
                _unlock(case)
                return redirect(url_for("portal.case", tracking_number=case.tracking_number))
    return render_template("portal/track.html", form=form)


@bp.post("/track/close")
@outside_runner("closing the browser's unlocked pages: its receipt hold is released")
def track_close():
    """Forget the requests this browser unlocked (e.g. on a shared computer)."""
    session.pop("unlocked", None)
    release_receipt(session.pop(RECEIPT_KEY, None))
    session.pop(LOOKUP_KEY, None)
    db.session.commit()
    flash(_("The request pages are closed on this browser."), "info")
    return redirect(url_for("portal.track"))


def _looked_up_code(case: Case) -> str | None:
    """The query code this browser's last lookup of the case succeeded with, while that lookup lasts."""
    held = session.get(LOOKUP_KEY)
    if not isinstance(held, dict) or held.get("number") != case.tracking_number:
        return None
    if not isinstance(held.get("until"), (int, float)) or held["until"] < epoch_seconds():
        session.pop(LOOKUP_KEY, None)
        return None
    code = queries.open_lookup_code(held)
    # The code must still open the case (a reissued code ends the old one's downloads).
    return code if code and find_case_for_applicant(case.tracking_number, code) is not None else None


def _receipt_url(case: Case) -> str | None:
    """Where this browser may download the case's receipt (with its query code): after a lookup with
    the number and the code, or within 30 minutes of filing; None otherwise."""
    if _looked_up_code(case) is not None:
        return url_for("portal.case_receipt_pdf", tracking_number=case.tracking_number)
    fresh = _fresh_receipt()
    if fresh is not None and fresh.case_id == case.id:
        return url_for("portal.receipt_pdf")
    return None


def case_page_response(case: Case, *, correction_form=None, suggestion_form=None, status: int = 200):
    """The request's page as its applicant sees it (with a refused form's messages, when given)."""
    timeline = queries.applicant_timeline(case)
    return render_template(
        "portal/case.html",
        case=case,
        receipt_url=_receipt_url(case),
        status_label=states.STATUS_LABELS[states.Status(case.status)],
        timeline=timeline,
        new_entries=seen.new_entries(case.tracking_number, timeline),  # new since this browser's last visit
        fingerprint=seen.fingerprint,
        visible_due=queries.applicant_due(case),
        next_steps=queries.applicant_next_steps(case),
        attachments=queries.applicant_attachments(case),
        documents=queries.issued_documents_for_applicant(case),
        suggestions=queries.suggestions_for_case(case),
        can_correct=states.can_receive_correction(case),
        can_withdraw=states.can_withdraw(case),
        correction_form=correction_form or CorrectionForm(formdata=None),
        suggestion_form=suggestion_form or SuggestionForm(formdata=None),
    ), status


@bp.get("/track/<tracking_number>")
def case(tracking_number: str):
    """The request's status, dates, timeline and documents, for a session that unlocked it."""
    found = require_unlocked(tracking_number)
    if not isinstance(found, Case):
        return found
    return case_page_response(found)


@bp.get("/track/<tracking_number>/receipt.pdf")
def case_receipt_pdf(tracking_number: str):
    """The receipt again, with its query code, for whoever looked the case up with its number and
    code in this browser within the last 30 minutes."""
    found = require_unlocked(tracking_number)
    if not isinstance(found, Case):
        return found
    code = _looked_up_code(found)
    if code is None:
        flash(_("To download the receipt, please look the request up with its tracking number and query code."),
              "info")
        return redirect(url_for("portal.track", tracking_number=found.tracking_number))
    pdf = render_receipt_pdf(found, code, downloaded_on=local_today())
    resp = Response(pdf, mimetype="application/pdf")
    _receipt_download_name(resp, found)
    resp.headers["Cache-Control"] = "no-store"
    return resp


# What an applicant does on their request: correct, withdraw, suggest, download (intake/track_views.py).
from caseapp.intake import track_views  # noqa: F401
