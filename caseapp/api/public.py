"""Public API endpoints for applicants: file, track, withdraw, correct; public items; OpenAPI.

No login: a request is reached with its tracking number and the `X-Query-Code` header. Failed
lookups count towards the same rate limits as the portal's tracking form.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json

import sqlalchemy as sa
from flask import current_app, jsonify, request, url_for
from flask_babel import gettext as _

from caseapp.api import bp
from caseapp.api.applicant import APPLICANT_FIELDS, read_applicant
from caseapp.api.openapi import SCHEMAS, build_document, register_paths
from caseapp.cases.attachments import MAX_FILE_SIZE, MAX_FILES, Upload, read_uploads
from caseapp.cases.identity import mask_id, query_code_needs_upgrade
from caseapp.cases.models import Case
from caseapp.cases.outcomes import get_outcome
from caseapp.cases.queries import ApplicantMatch, match_applicant
from caseapp.cases.states import STATUS_LABELS, Status
from caseapp.core.actions import Applicant, Ctx, get_action, perform
from caseapp.core.clock import local_today
from caseapp.core.errors import NotFoundError, ValidationError, json_error
from caseapp.core.i18n import select_locale
from caseapp.core.stamped_cache import StampedCache
from caseapp.core.text import loads_json
from caseapp.core.throttle import failed
from caseapp.disclosure.queries import search_public_items
from caseapp.extensions import db
from caseapp.intake import queries
from caseapp.intake.limits import limited_filing, limited_lookup
from caseapp.intake.operations import upgrade_query_code_hash
from caseapp.letters import queries as letter_queries

TOP_FIELDS = ("description", "document_ref", "purpose", "form", "delivery", "assistance_note")
API_NAMES = {v: f"applicant.{k}" for k, v in APPLICANT_FIELDS.items()} | {"files": "attachments",
                                                                          "id_scan": "attachments"}
UPLOAD_KINDS = ("id_scan", "supporting")
IDEMPOTENCY_KEY_LENGTH = (16, 200)
# Base64 of a 20 MB file, with room for line breaks.
MAX_BASE64_LENGTH = (MAX_FILE_SIZE + 2) // 3 * 4 + 4096


class BodyError(Exception):
    """A body that cannot be read at all (400), as opposed to invalid fields (422)."""

    def __init__(self, message, code: str = "malformed_body"):
        super().__init__(str(message))
        self.message = message
        self.code = code


@bp.errorhandler(BodyError)
def _body_error(err: BodyError):
    db.session.rollback()
    return json_error(400, err.code, err.message)


def _field_error(fields: dict) -> ValidationError:
    return ValidationError(_("Please correct the marked fields."), errors=fields)


# --- Reading bodies -------------------------------------------------------------------------------

def _json_object(*, required: bool = True) -> dict:
    """The JSON object body; 400 for malformed JSON or anything but an object."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        if required:
            raise BodyError(_("The request body must be a JSON object."), "invalid_body")
        return {}
    body = loads_json(raw)  # 400 for malformed or hostile JSON, 422 naming a value with control characters
    if not isinstance(body, dict):
        raise BodyError(_("The request body must be a JSON object."), "invalid_body")
    return body


def _is_multipart() -> bool:
    return request.mimetype == "multipart/form-data"


def _json_attachments(value, *, default_kind: str, kinds: tuple[str, ...]) -> dict[str, list[Upload]]:
    """Decode `attachments` ([{kind, filename, content_base64}]) into uploads by kind; 422 on bad items."""
    if value is None:
        return {}
    if not isinstance(value, list):
        raise _field_error({"attachments": _("Must be a list.")})
    if len(value) > MAX_FILES:
        raise _field_error({"attachments": _("At most %(n)s files can be attached.", n=MAX_FILES)})
    uploads: dict[str, list[Upload]] = {}
    for i, item in enumerate(value):
        name = f"attachments[{i}]"
        if not isinstance(item, dict):
            raise _field_error({name: _("Must be an object with filename and content_base64.")})
        kind = item.get("kind", default_kind)
        if kind not in kinds:
            raise _field_error({f"{name}.kind": _("Must be one of: %(values)s.", values=", ".join(kinds))})
        filename, content = item.get("filename"), item.get("content_base64")
        if not isinstance(filename, str) or not filename.strip():
            raise _field_error({f"{name}.filename": _("Please give the file name.")})
        if not isinstance(content, str):
            raise _field_error({f"{name}.content_base64": _("Must be a base64 string.")})
        if len(content) > MAX_BASE64_LENGTH:
            raise _field_error({name: _("“%(name)s” is larger than 20 MB.", name=filename[:200])})
        try:
            data = base64.b64decode("".join(content.split()), validate=True)
        except (binascii.Error, ValueError):
            raise _field_error({f"{name}.content_base64": _("Must be a base64 string.")}) from None
        uploads.setdefault(kind, []).append(Upload(filename, data))
    return uploads


def _text(body: dict, key: str, api_name: str, errors: dict):
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        errors[api_name] = _("Must be a string.")
        return None
    return value


def _request_data(body: dict) -> tuple[str | None, dict, dict[str, str]]:
    """The agency code, the fields validate_request() takes and their API names; 422 for wrong types."""
    errors: dict[str, str] = {}
    agency = _text(body, "agency", "agency", errors)
    applicant = body.get("applicant")
    if not isinstance(applicant, dict):
        errors["applicant"] = _("Must be an object with the applicant's details.")
        applicant = {}
    data, names = read_applicant(applicant)
    for field, name in names.items():
        data[field] = _text(data, field, name, errors)
    for key in TOP_FIELDS:
        data[key] = _text(body, key, key, errors)
    needs = body.get("needs_assistance", False)
    if needs is not None and not isinstance(needs, bool):
        errors["needs_assistance"] = _("Must be true or false.")
    data["needs_assistance"] = bool(needs)
    if errors:
        raise _field_error(errors)
    return agency, data, {**API_NAMES, **names}


def _filing_input() -> tuple[dict, dict[str, list[Upload]], str]:
    """The filing's JSON object, its uploads by kind, and a hash of both (for Idempotency-Key)."""
    if _is_multipart():
        raw = request.form.get("request")
        if raw is None:
            raise BodyError(_("A multipart request needs a “request” part holding the JSON."), "invalid_body")
        body = loads_json(raw)
        if not isinstance(body, dict):
            raise BodyError(_("The request body must be a JSON object."), "invalid_body")
        uploads = {"id_scan": read_uploads(request.files.getlist("id_scan")),
                   "supporting": read_uploads(request.files.getlist("files"))}
    else:
        body = _json_object()
        uploads = _json_attachments(body.get("attachments"), default_kind="supporting", kinds=UPLOAD_KINDS)
    digest = hashlib.sha256(json.dumps({k: v for k, v in body.items() if k != "attachments"}, sort_keys=True,
                                       ensure_ascii=False).encode())
    for kind in sorted(uploads):
        for up in uploads[kind]:
            digest.update(f"|{kind}|{up.filename}|".encode() + hashlib.sha256(up.data).digest())
    return body, uploads, digest.hexdigest()


def _idempotency_key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    key = key.strip()
    low, high = IDEMPOTENCY_KEY_LENGTH
    if not low <= len(key) <= high or not key.isprintable():
        raise BodyError(_("Idempotency-Key must be %(low)s to %(high)s printable characters.", low=low, high=high),
                        "invalid_idempotency_key")
    return key


def _api_fields(errors: dict, names: dict[str, str] = API_NAMES) -> dict:
    return {names.get(k, k): v for k, v in errors.items()}


# --- Representations ----------------------------------------------------------------------------

def _iso(value):
    return value.isoformat() if value is not None else None


def registration_json(case: Case, query_code: str | None) -> dict:
    """What filing answers: the number, the code (once; None in a replayed answer), the status and the dates."""
    return {
        "tracking_number": case.tracking_number,
        "query_code": query_code,
        "status": case.status,
        "received_on": _iso(case.received_on),
        "due_on": _iso(case.due_on),
        "due_provisional": bool(case.due_provisional),
    }


def case_json(case: Case) -> dict:
    """The request as its applicant sees it (ID number masked; no internal notes)."""
    outcome = get_outcome(case.outcome) if case.outcome else None
    due = queries.applicant_due(case)
    correction = None
    if case.status == Status.CORRECTION_REQUESTED:
        correction = {"details": case.correction_details, "requested_on": _iso(case.correction_requested_on),
                      "due_on": _iso(case.correction_due_on)}
    return {
        "tracking_number": case.tracking_number,
        "agency": case.agency.code,
        "agency_name": case.agency.name,
        "status": case.status,
        "status_label": str(STATUS_LABELS[Status(case.status)]),
        "received_on": _iso(case.received_on),
        "due_on": _iso(due.due_on),  # as the tracking page shows it: a new date once its notice is issued
        "due_provisional": due.due_provisional,
        "closed_on": _iso(case.closed_on),
        "outcome": case.outcome,
        "outcome_label": str(outcome.label) if outcome else None,
        "applicant": {
            "type": case.applicant_type, "name": case.applicant_name, "id_type": case.id_type,
            # No phone, email or address: as on the tracking page, whoever holds the code sees no contact details.
            "id_number": mask_id(case.id_number), "org_code": case.org_code, "contact_person": case.contact_person,
        },
        "description": case.description,
        "document_ref": case.document_ref,
        "purpose": case.purpose,
        "form": case.form,
        "delivery": case.delivery,
        "channel": case.channel,
        "needs_assistance": bool(case.needs_assistance),
        "correction": correction,
        "timeline": [{"action": e.action, "at": e.at.isoformat(), "label": e.label}
                     for e in queries.applicant_timeline(case)],
        # API links: each takes the query code in X-Query-Code like every other public call.
        "documents": [_document_json(d) for d in letter_queries.issued_documents_for_applicant(case)],
        "attachments": [{"id": a.id, "kind": a.kind, "name": a.original_name, "content_type": a.content_type,
                         "size": a.size, "sha256": a.sha256, "uploaded_at": _iso(a.uploaded_at)}
                        for a in queries.applicant_attachments(case)],
    }


def _document_json(doc) -> dict:
    if isinstance(doc, dict):
        return {k: _iso(v) if hasattr(v, "isoformat") else v for k, v in doc.items()}
    return {k: (_iso(getattr(doc, k, None)) if hasattr(getattr(doc, k, None), "isoformat") else getattr(doc, k, None))
            for k in ("id", "title", "number", "issued_on", "url")}


# --- Lookups ------------------------------------------------------------------------------------

def _lookup_match(tracking_number: str) -> ApplicantMatch:
    """The match for this number and the X-Query-Code header; a failure counts towards the rate limits."""
    code = request.headers.get("X-Query-Code", "")
    if not code.strip():
        raise BodyError(_("Send the query code in the X-Query-Code header."), "missing_query_code")
    match = match_applicant(tracking_number, code)
    if match is None:
        failed()
        raise NotFoundError(_("No request matches this tracking number and query code."))
    if query_code_needs_upgrade(match.query_code_hash):
        upgrade_query_code_hash(db.session.get(Case, match.case_id), code)
        db.session.commit()
    return match


def _lookup(tracking_number: str) -> Case:
    """The case for this number and the X-Query-Code header (see _lookup_match)."""
    return db.session.get(Case, _lookup_match(tracking_number).case_id)


def _answers() -> StampedCache[bytes]:
    """This app's cache of lookup answers (LOOKUP_CACHE_SIZE entries; 0 turns it off)."""
    cache = current_app.extensions.get("caseapp.lookup_answers")
    if cache is None:
        cache = current_app.extensions.setdefault(
            "caseapp.lookup_answers", StampedCache(int(current_app.config.get("LOOKUP_CACHE_SIZE", 2048))))
    return cache


# --- Endpoints ----------------------------------------------------------------------------------

@bp.post("/requests")
@limited_filing()
def create_request():
    """File a request online; 201 with the tracking number and the query code (returned only here)."""
    key = _idempotency_key()
    body, uploads, body_hash = _filing_input()
    agency_code, data, names = _request_data(body)
    if key:
        earlier = queries.find_submission("api", key)
        if earlier is not None:
            return _replay(earlier, body_hash)
    agency = queries.get_active_agency(agency_code)
    raw = {"request": data, "id_scan": uploads.get("id_scan", []), "files": uploads.get("supporting", []),
           "submission_scope": "api" if key else None, "submission_key": key, "request_hash": body_hash if key else None}
    try:
        reg = perform(get_action("file_request"), Ctx(user=Applicant(), case=None, target=agency), raw, source="api")
    except ValidationError as err:
        errors = dict(err.errors)
        if agency is None:
            errors["agency"] = _("Unknown agency code; see GET /api/v1/agencies.")
        raise ValidationError(err.message, errors=_api_fields(errors, names)) from None
    except sa.exc.IntegrityError:
        # The same Idempotency-Key filed concurrently: answer as a retry.
        earlier = queries.find_submission("api", key) if key else None
        if earlier is None:
            raise
        return _replay(earlier, body_hash)
    resp = jsonify(registration_json(reg.case, reg.query_code))
    resp.status_code = 201
    resp.headers["Location"] = url_for("api.get_request", tracking_number=reg.case.tracking_number)
    return resp


def _replay(earlier, body_hash: str):
    if earlier.request_hash != body_hash:
        return json_error(422, "idempotency_key_reused",
                          _("This Idempotency-Key was already used for a different request."))
    # The first answer again, without the query code: a replay never mints a new one (whoever
    # replays a captured request must not take the case over).
    case = db.session.get(Case, earlier.case_id)
    resp = jsonify(registration_json(case, None))
    resp.headers["Idempotent-Replayed"] = "true"
    return resp


@bp.get("/requests/<tracking_number>")
@limited_lookup()
def get_request(tracking_number: str):
    """The request's status, dates, timeline and documents (X-Query-Code)."""
    match = _lookup_match(tracking_number)
    # Applicants poll: the answer is built once per stamp, language and day (the due date shown
    # can depend on today) and served again while the database's stamp still holds.
    key = (match.case_id, select_locale(), local_today())
    body = _answers().get_or_build(key, match.stamp, lambda: _json_bytes(case_json(db.session.get(Case, match.case_id))))
    return current_app.response_class(body, mimetype=current_app.json.mimetype)


def _json_bytes(data: dict) -> bytes:
    """What jsonify would send for data."""
    return current_app.json.response(data).get_data()


def _applicant_action(name: str, case: Case, raw: dict) -> None:
    """Run the applicant's action (caseapp.intake.actions) through the one runner."""
    try:
        perform(get_action(name), Ctx(user=Applicant(), case=case), raw, source="api")
    except ValidationError as err:
        raise ValidationError(err.message, errors=_api_fields(err.errors)) from None


@bp.post("/requests/<tracking_number>/withdraw")
@limited_lookup()
def withdraw(tracking_number: str):
    """Withdraw the request; 409 once closed or withdrawn."""
    case = _lookup(tracking_number)
    body = {} if _is_multipart() else _json_object(required=False)
    errors: dict = {}
    reason = _text(body, "reason", "reason", errors)
    if errors:
        raise _field_error(errors)
    _applicant_action("withdraw_request", case, {"reason": reason})
    return jsonify(case_json(case))


@bp.post("/requests/<tracking_number>/correction")
@limited_lookup()
def correction(tracking_number: str):
    """Submit the requested correction (text and files); 409 when no correction is awaited."""
    case = _lookup(tracking_number)
    if _is_multipart():
        text = request.form.get("text")
        uploads = read_uploads(request.files.getlist("files"))
    else:
        body = _json_object()
        errors: dict = {}
        text = _text(body, "text", "text", errors)
        if errors:
            raise _field_error(errors)
        uploads = _json_attachments(body.get("attachments"), default_kind="correction",
                                    kinds=("correction",)).get("correction", [])
    _applicant_action("submit_correction", case, {"text": text or "", "files": uploads})
    return jsonify(case_json(case))


@bp.get("/public-items")
def public_items():
    """Search the public column "依申请公开转主动公开": ?q= (Chinese words), &agency=CODE, &year=YYYY."""
    q = (request.args.get("q") or "").strip()[:200]
    year = request.args.get("year", type=int)
    return jsonify({"q": q, "items": search_public_items(q, agency=request.args.get("agency"),
                                                         year=year if year and 2000 <= year <= 2100 else None)})


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI document of API v1."""
    return jsonify(build_document(server_url=url_for("api.agencies", _external=False).rsplit("/", 1)[0]))


# --- OpenAPI additions --------------------------------------------------------------------------

# A replayed filing (same Idempotency-Key) answers without the query code.
_REGISTRATION = {**SCHEMAS["Registration"], "properties": {
    **SCHEMAS["Registration"]["properties"],
    "query_code": {"type": ["string", "null"],
                   "description": "Returned once: keep it. Only its hash is stored. null when the answer is a replay "
                                  "(header Idempotent-Replayed: true)."}}}
register_paths({}, schemas={"Registration": _REGISTRATION})
