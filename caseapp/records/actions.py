"""The records actions (SPEC §11, §12), declared once: add a record, redact it, release it as it is;
record a search made for the requested information."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from caseapp.cases import states
from caseapp.core.actions import Action, Ctx, register
from caseapp.core.errors import ValidationError
from caseapp.core.inputs import Field, Schema
from caseapp.core.permissions import CASE_HANDLERS
from caseapp.records import operations as ops
from caseapp.records import queries
from caseapp.records.grounds import ground_choices
from caseapp.records.models import PLACE_KINDS, PLACES_NAMED

HANDLERS = frozenset(CASE_HANDLERS)


def _status(action: str):
    check = states.TABLE.when(action)
    return lambda ctx: check(ctx.case.status)


def _record(ctx: Ctx, data: dict):
    """The record named by record_id, of this case (another case's record is refused like an unknown one)."""
    record = queries.record_of_case(ctx.case, data.get("record_id"))
    if record is None:
        message = _l("No such record on this case.")
        raise ValidationError(message, errors={"record_id": message})
    return record


RECORD_ID = Field("record_id", "id", _l("Record of the request"), required=True, message=_l("Please choose the record."))

register(
    Action(
        name="add_record", label=_l("Add a record"), domain="records", roles=HANDLERS, when=_status("add_record"),
        input=Schema(Field("file", "files", _l("Record (PDF, DOCX, XLSX, JPEG or PNG, at most 20 MB)"),
                           required=True, message=_l("Please choose the file of the record.")),
                     Field("title", "text", _l("Title (optional: the file name otherwise)"), max_length=200)),
        operation=lambda ctx, data: ops.add_record(ctx.case, _one_file(data), title=data.get("title"),
                                                   actor=ctx.user),
        result=lambda ctx, record: {"record_id": record.id, "pages": record.page_count, "sha256": record.sha256},
        done=_l("The record was added. Redact it, or mark it to be released as it is, before enclosing it."),
        description="multipart/form-data (or JSON with file as [{filename, content_base64}]): file, title",
    ),
    Action(
        name="redact_record", label=_l("Redact"), domain="records", roles=HANDLERS, when=_status("redact_record"),
        input=Schema(
            RECORD_ID,
            Field("terms", "lines", _l("Text to remove wherever it occurs (one per line)"), max_length=200),
            Field("areas", "objects", _l("Areas to remove"),
                  schema={"items": {"type": "object", "required": ["page", "x0", "y0", "x1", "y1"],
                                    "properties": {k: {"type": "number"} for k in ("page", "x0", "y0", "x1", "y1")}}}),
            Field("exemption", "choice", _l("Ground for withholding"), required=True,
                  message=_l("Please choose the ground for withholding."), choices=lambda ctx: ground_choices()),
            Field("reason", "longtext", _l("Reason (stated in the reply)"), required=True,
                  message=_l("Please give the reason for withholding."), max_length=2000),
        ),
        operation=lambda ctx, data: ops.redact_record(
            ctx.case, _record(ctx, data), terms=data["terms"], areas=data["areas"], exemption=data["exemption"],
            reason=data["reason"], actor=ctx.user),
        result=lambda ctx, version: {"record_id": version.id, "redactions": queries.redaction_log(version)},
        done=_l("A redacted version was made. Open it to check what was removed."),
        description="record_id, terms [str], areas [{page, x0, y0, x1, y1}] (PDF points), exemption, reason",
    ),
    Action(
        name="release_record", label=_l("Release as it is"), domain="records", roles=HANDLERS,
        when=_status("release_record"), input=Schema(RECORD_ID),
        confirm=_l("Release this record without redaction? Check that it holds nothing to withhold."),
        operation=lambda ctx, data: ops.release_as_is(ctx.case, _record(ctx, data), actor=ctx.user),
        result=lambda ctx, version: {"record_id": version.id},
        done=_l("The record was marked to be released as it is."),
        description="record_id",
    ),
)

# The office form's places: a checkbox for each place that needs no name, a text for the department
# searched and for any other place (filled = searched). The API gives places as [{kind, detail}].
_PLACE_BOXES = tuple(k for k in PLACE_KINDS if k not in PLACES_NAMED)


def _places_from_form(form) -> list[dict]:
    places = [{"kind": k, "detail": ""} for k in _PLACE_BOXES
              if (form.get(f"place_{k}") or "") in ("y", "on", "true", "1")]
    for kind in PLACES_NAMED:
        detail = (form.get(f"place_{kind}") or "").strip()
        if detail:
            places.append({"kind": kind, "detail": detail})
    return places


def _place_field(kind: str) -> Field:
    if kind == "department":
        return Field("place_department", "text", _l("Department that would hold it (its name)"), max_length=200,
                     api=False)
    if kind == "other":
        return Field("place_other", "text", _l("Other place searched (say which)"), max_length=200, api=False)
    return Field(f"place_{kind}", "bool", queries.PLACE_LABELS[kind], api=False)


register(
    Action(
        name="record_search", label=_l("Record a search"), domain="records", roles=HANDLERS,
        when=_status("record_search"),
        input=Schema(
            Field("places", "objects", _l("Places searched"), reader=_places_from_form, required=True,
                  message=_l("Please say where was searched."),
                  schema={"items": {"type": "object", "required": ["kind"], "properties": {
                      "kind": {"type": "string", "enum": list(PLACE_KINDS)},
                      "detail": {"type": "string", "maxLength": 200}}}}),
            *(_place_field(k) for k in PLACE_KINDS),
            Field("terms", "lines", _l("Search terms (one per line)"), required=True, max_length=200,
                  message=_l("Please give the search terms used.")),
            Field("searched_on", "date", _l("Searched on"), required=True, default=lambda ctx: ctx.today,
                  message=_l("Please enter the date of the search.")),
            Field("result", "longtext", _l("What was found"), required=True, max_length=5000,
                  message=_l("Please say what the search found.")),
        ),
        operation=lambda ctx, data: ops.record_search(
            ctx.case, places=data["places"], terms=data["terms"], searched_on=data["searched_on"],
            result=data["result"], actor=ctx.user, today=ctx.today),
        result=lambda ctx, search: {"search_id": search.id},
        done=_l("The search was recorded."),
        description="places [{kind: archive|document_system|business_system|paper_files|department|other, "
                    "detail}] (department and other: detail names the place; the others may say more, e.g. "
                    "which system), terms [str], searched_on (date: not in the future, not before the request "
                    "was received), result (what was found). By whom and when: the acting user and the time "
                    "it is recorded. A case may have several (a second search).",
    ),
)


def _one_file(data: dict):
    files = data["file"]
    if len(files) != 1:
        message = _l("Add one file at a time.")
        raise ValidationError(message, errors={"file": message})
    return files[0]
