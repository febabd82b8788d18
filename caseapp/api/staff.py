"""Staff API endpoints (bearer token): register, list and read cases of the user's agency.

Actions on a case are in caseapp/api/actions.py. Responses show the case as GET returns it, with
the ID number masked.
"""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import jsonify, request
from flask_babel import gettext as _

from caseapp.api import bp
from caseapp.api.applicant import read_applicant
from caseapp.calendar.service import load_calendar
from caseapp.cases import inbox as inbox_queries
from caseapp.cases import states
from caseapp.cases.attachments import MAX_FILES, Upload, check_uploads
from caseapp.cases.identity import mask_id
from caseapp.cases.models import APPLICANT_TYPES, CHANNELS, Case
from caseapp.cases.queries import get_case
from caseapp.clock.service import describe_clock, due_soon_days
from caseapp.consultations.queries import consultations_by_case, consultations_for_case_json
from caseapp.core.actions import Ctx, all_actions, get_action, perform
from caseapp.core.clock import local_today
from caseapp.core.errors import NotFoundError, ValidationError, json_error
from caseapp.core.permissions import CASE_HANDLERS, CASE_READERS, acting_user, require_agency, roles_required
from caseapp.extensions import db
from caseapp.jobs.supervision import SupervisionOrder
from caseapp.letters.queries import letters_by_case, letters_for_case
from caseapp.records.queries import records_by_case, records_json, searches_by_case, searches_json
from caseapp.reviews.queries import reviews_by_case, reviews_json

REQUEST_FIELDS = ("description", "document_ref", "purpose", "form", "delivery", "needs_assistance", "assistance_note")
MAX_PER_PAGE = 100


def _invalid(fields: dict, message=None):
    """A 422 with per-field messages (raised, so the app's handler rolls back and answers JSON)."""
    raise ValidationError(message or _("Please correct the marked fields."), errors=fields)


def _json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return None
    return body


def _day(value, field: str) -> date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        _invalid({field: _("Please give a date like 2026-11-27.")})
    try:
        return date.fromisoformat(value)
    except ValueError:
        _invalid({field: _("Please give a date like 2026-11-27.")})


# What a case row of the API needs besides the case itself, loaded for a whole page at once: a page
# costs the same few statements whatever its size (tests/api/test_staff_api_statements.py).
CASE_ROW_RELATIONSHIPS = ("department", "agency", "pauses")


@dataclass(frozen=True)
class CaseParts:
    """The child rows of a page of cases, by case id (one statement or two per kind)."""

    letters: dict
    records: dict
    searches: dict
    consultations: dict
    orders: dict
    reviews: dict


def _latest_orders(case_ids) -> dict[int, SupervisionOrder]:
    """case id -> its latest supervision order, for the cases that have one (one statement).

    Beside `order_for_case` in caseapp/jobs/supervision.py it belongs; it is here while that file is
    being changed for issue 26 item 4."""
    latest = (sa.select(sa.func.max(SupervisionOrder.id)).where(SupervisionOrder.case_id.in_(case_ids))
              .group_by(SupervisionOrder.case_id))
    return {o.case_id: o for o in db.session.scalars(sa.select(SupervisionOrder).where(SupervisionOrder.id.in_(latest)))}


def load_parts(cases: list[Case]) -> CaseParts:
    """The letters, records, searches, consultations, supervision orders and reviews of these cases."""
    ids = [c.id for c in cases]
    return CaseParts(letters=letters_by_case(ids), records=records_by_case(ids), searches=searches_by_case(ids),
                     consultations=consultations_by_case(ids), orders=_latest_orders(ids) if ids else {},
                     reviews=reviews_by_case(ids))


def _order_json(order: SupervisionOrder | None) -> dict | None:
    if order is None:
        return None
    return {"opened_on": order.opened_on.isoformat(),
            "closed_on": order.closed_on.isoformat() if order.closed_on else None}


def serialize_cases(cases: list[Case], today: date | None = None, cal=None) -> list[dict]:
    """Cases as the staff API shows them, their child rows loaded once for all (see `load_parts`)."""
    today, cal = today or local_today(), cal or load_calendar()
    parts = load_parts(cases)
    return [serialize_case(c, today, cal=cal, parts=parts) for c in cases]


def serialize_case(case: Case, today: date | None = None, *, cal=None, parts: CaseParts | None = None) -> dict:
    """The case as the staff API shows it (ID number masked); `parts` as `load_parts` gives them
    (loaded for this case alone when not given)."""
    parts = parts or load_parts([case])
    clock = describe_clock(case, today or local_today(), soon_days=due_soon_days(case.agency), cal=cal)
    return {
        "tracking_number": case.tracking_number,
        "agency": case.agency.code,
        "status": case.status,
        "received_on": case.received_on.isoformat(),
        "due_on": case.due_on.isoformat() if case.due_on else None,
        "due_provisional": bool(case.due_provisional),
        "closed_on": case.closed_on.isoformat() if case.closed_on else None,
        "outcome": case.outcome,
        "version": case.version,
        "channel": case.channel,
        "handler": case.handler.username if case.handler else None,
        "department": case.department.code if case.department else None,
        "applicant": {
            "type": case.applicant_type, "name": case.applicant_name, "id_type": case.id_type,
            "id_number": mask_id(case.id_number), "contact_person": case.contact_person, "phone": case.phone,
            "email": case.email, "address": case.address, "postal_code": case.postal_code,
        },
        "description": case.description,
        "document_ref": case.document_ref,
        "purpose": case.purpose,
        "form": case.form,
        "delivery": case.delivery,
        "needs_assistance": bool(case.needs_assistance),
        "correction": {
            "details": case.correction_details,
            "requested_on": case.correction_requested_on.isoformat() if case.correction_requested_on else None,
            "due_on": case.correction_due_on.isoformat() if case.correction_due_on else None,
            "received_on": case.correction_received_on.isoformat() if case.correction_received_on else None,
        } if case.correction_requested_on else None,
        "clock": {
            "running": clock.running, "days_left": clock.days_left, "state": clock.state,
            "paused_days": clock.due.paused_days, "extension_days": clock.due.extension_days,
        },
        "letters": letters_for_case(case, parts.letters[case.id]),
        "records": records_json(case, parts.records[case.id]),
        "searches": searches_json(case, parts.searches[case.id]),
        "consultations": consultations_for_case_json(case, parts.consultations[case.id]),
        "supervision_order": _order_json(parts.orders.get(case.id)),
        "reviews": reviews_json(case, parts.reviews[case.id]),
        "actions": open_actions(case),
    }


def load_case(tracking_number: str) -> Case:
    """The case of the caller's agency with this number (404 for none, or another agency's)."""
    case = get_case(tracking_number)
    if case is None:
        raise NotFoundError(_("No case with this tracking number."))
    require_agency(acting_user(), case.agency_id)
    return case


def open_actions(case: Case) -> list[str]:
    """The case actions its status and rules allow now (whoever asks), as the API lists them."""
    ctx = Ctx(user=None, case=case)
    return [a.name for a in all_actions(domain="cases", door="staff")
            if (a.when is None or a.when(ctx) is None) and all(g(ctx) is None for g in a.guards)]


@bp.post("/cases")
@roles_required(*CASE_HANDLERS)
def create_case():
    """Register a request that arrived on paper, by post, fax, e-mail, in person or orally."""
    user = acting_user()
    body = _json_body()
    if body is None:
        return json_error(400, "bad_request", _("The body must be a JSON object."))
    applicant = body.get("applicant")
    if not isinstance(applicant, dict):
        _invalid({"applicant": _("Please give the applicant as an object.")})
    data, names = read_applicant(applicant)
    data.update({field: body.get(field) for field in REQUEST_FIELDS})
    for key, value in data.items():
        if value is not None and not isinstance(value, (str, bool)):
            _invalid({names.get(key, key): _("Must be text.")})
    channel = body.get("channel")
    if channel not in CHANNELS or channel == "online":
        _invalid({"channel": _("Please choose how the request arrived: in_person, post, fax, email or oral.")})
    received_on = _day(body.get("received_on"), "received_on")
    uploads = _uploads(body.get("attachments"))
    raw = {"request": data, "channel": channel, "received_on": received_on.isoformat() if received_on else None,
           "files": uploads}
    try:
        reg = perform(get_action("register_request"), Ctx(user=user, case=None, target=user.agency), raw,
                      source="api")
    except ValidationError as err:
        raise ValidationError(err.message, errors={names.get(k, k): v for k, v in err.errors.items()}) from None
    return jsonify({**serialize_case(reg.case), "query_code": reg.query_code}), 201


def _uploads(items) -> list[Upload]:
    """Base64 attachments of a JSON body, checked by content before anything is stored."""
    if items is None:
        return []
    if not isinstance(items, list) or len(items) > MAX_FILES:
        _invalid({"attachments": _("At most %(n)s files can be attached.", n=MAX_FILES)})
    uploads = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("filename"), str) \
                or not isinstance(item.get("content_base64"), str):
            _invalid({f"attachments[{i}]": _("Each attachment needs a filename and content_base64.")})
        try:
            data = base64.b64decode(item["content_base64"], validate=True)
        except (binascii.Error, ValueError):
            _invalid({f"attachments[{i}]": _("The content is not valid base64.")})
        uploads.append(Upload(item["filename"], data))
    try:
        check_uploads(uploads, field="attachments")
    except ValidationError as err:
        _invalid(err.errors, err.message)
    return uploads


@bp.get("/cases")
@roles_required(*CASE_READERS)
def list_cases():
    """The inbox as JSON: the same tabs, filters, search, sorting and paging as the office page."""
    user = acting_user()
    filters, per_page = InboxQuery(user, request.args).parse()
    today, cal, soon = local_today(), load_calendar(), due_soon_days(user.agency)
    # Counted like the office's inbox: a search up to SEARCH_COUNT_LIMIT results, then `more`.
    page = inbox_queries.inbox_page(user, filters, today, soon, cal, per_page=per_page,
                                    count_limit=inbox_queries.SEARCH_COUNT_LIMIT, eager=CASE_ROW_RELATIONSHIPS)
    return jsonify({
        "cases": serialize_cases(page.items, today, cal),
        "total": page.total, "more": page.more, "page": page.page, "pages": page.pages, "per_page": page.per_page,
        "counts": inbox_queries.inbox_counts(user, today, soon, cal),
    })


class InboxQuery:
    """The inbox filters of a query string, every malformed one named in one 422."""

    def __init__(self, user, args):
        self.user, self.args, self.errors = user, args, {}

    def parse(self) -> tuple[inbox_queries.InboxFilters, int]:
        """(filters, per_page), or ValidationError with a message per malformed argument."""
        filters = inbox_queries.InboxFilters(
            tab=self.pick("tab", inbox_queries.TABS) or "open",
            q=(self.args.get("q") or "").strip()[:100] or None,
            status=self.pick("status", {s.value for s in states.Status}),
            channel=self.pick("channel", CHANNELS),
            applicant_type=self.pick("applicant_type", APPLICANT_TYPES),
            department_id=self.department(), handler=self.handler(),
            received_from=self.day("received_from"), received_to=self.day("received_to"),
            sort=self.pick("sort", inbox_queries.SORTS) or "due",
            page=self.integer("page", 1, 1, 10**6),
        )
        per_page = self.integer("per_page", inbox_queries.PAGE_SIZE, 1, MAX_PER_PAGE)
        if self.errors:
            _invalid(self.errors)
        return filters, per_page

    def pick(self, name, allowed):
        value = self.args.get(name) or None
        if value is not None and value not in allowed:
            self.errors[name] = _("Unknown value %(value)s.", value=value)
            return None
        return value

    def day(self, name):
        try:
            return _day(self.args.get(name), name)
        except ValidationError as err:
            self.errors.update(err.errors)
            return None

    def integer(self, name, default, low, high):
        value = self.args.get(name)
        if value is None or value == "":
            return default
        if not value.isdigit() or not low <= int(value) <= high:
            self.errors[name] = _("Please give a whole number from %(low)s to %(high)s.", low=low, high=high)
            return default
        return int(value)

    def handler(self):
        name = self.args.get("handler") or None
        if name in (None, "none"):
            return name
        found = inbox_queries.get_user_in_agency(name, self.user.agency_id)
        if found is None:
            self.errors["handler"] = _("Unknown user %(value)s.", value=name)
        return str(found.id) if found else None

    def department(self):
        code = self.args.get("department") or None
        if code is None:
            return None
        match = [d for d in inbox_queries.departments_for(self.user) if d.code == code.upper()]
        if not match:
            self.errors["department"] = _("Unknown department %(value)s.", value=code)
            return None
        return match[0].id


@bp.get("/cases/<tracking_number>")
@roles_required(*CASE_READERS)
def get_case_json(tracking_number: str):
    """One case of the user's agency."""
    return jsonify(serialize_case(load_case(tracking_number)))
