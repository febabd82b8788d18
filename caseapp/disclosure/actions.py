"""The disclosure area's actions, declared once (caseapp.core.actions): the staff API's
`POST /api/v1/cases/{n}/actions` and the office runner serve them; the office pages under
/office/disclosure/ offer the same operations with their own forms.

Each acts on a case; entries, findings and suggestions are named in the body (entry_id,
finding_id, suggestion_id) and must belong to the case (or to its information item).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from caseapp.calendar.service import load_calendar
from caseapp.cases.queries import get_case
from caseapp.core.actions import Action, Ctx, register, register_target
from caseapp.core.errors import NotFoundError, TransitionError, ValidationError
from caseapp.core.inputs import Field, Schema
from caseapp.core.permissions import CASE_HANDLERS, Role
from caseapp.disclosure import operations as ops
from caseapp.disclosure import queries
from caseapp.disclosure.labels import DECISION_LABELS, JUDGEMENT_LABELS, TOPICS, VOCABULARY_KIND_LABELS
from caseapp.disclosure.models import PublicDocument, RedactionFinding
from caseapp.extensions import db
from caseapp.records.models import Record

HANDLERS = frozenset(CASE_HANDLERS)
SUPERVISORS = frozenset({Role.SUPERVISOR})
ADMINS = frozenset({Role.ADMIN})
MAX_ID = 2**63 - 1


def _id(body, name: str) -> int:
    value = body.get(name) if isinstance(body, dict) else None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        message = _l("%(name)s must be a whole number.", name=name)
        raise ValidationError(message, errors={name: message})
    if not 1 <= value <= MAX_ID:
        raise NotFoundError()
    return value


def _entry_of_case(case, body):
    """The public entry named by body["entry_id"], drafted from this case or from its item."""
    entry = queries.get_entry(_id(body, "entry_id"))
    if entry is None or entry.id not in {e.id for e in queries.entries_of_case(case)}:
        raise NotFoundError(_l("No such public entry for this request."))
    return entry


def _finding_of_case(case, body):
    """The redaction finding named by body["finding_id"], of an entry of this case."""
    finding = db.session.get(RedactionFinding, _id(body, "finding_id"))
    if finding is None or finding.entry_id not in {e.id for e in queries.entries_of_case(case)}:
        raise NotFoundError(_l("No such finding for this request."))
    return finding


def _suggestion_of_case(case, body):
    """The applicant's suggestion named by body["suggestion_id"], made on this case."""
    suggestion = queries.get_suggestion(_id(body, "suggestion_id"))
    if suggestion is None or suggestion.case_id != case.id:
        raise NotFoundError(_l("No such suggestion on this request."))
    return suggestion


def similar_case(case, body):
    """The other request named by body["other"] (its tracking number), of the same agency."""
    number = body.get("other") if isinstance(body, dict) else None
    other = get_case(number) if isinstance(number, str) and 0 < len(number) <= 40 else None
    if other is None or other.agency_id != case.agency_id or other.id == case.id:
        raise NotFoundError(_l("No such other request to this agency."))
    return other


register_target("public_entry", _entry_of_case)
register_target("similar_case", similar_case)
register_target("redaction_finding", _finding_of_case)
register_target("suggestion", _suggestion_of_case)


def _linked(ctx: Ctx):
    if queries.item_of_case(ctx.case) is None:
        return TransitionError(_l("The request is not linked to an information item yet."))
    return None


def _convertible(ctx: Ctx):
    if not ops.can_convert_case(ctx.case):
        return TransitionError(_l("Only a closed request whose information was disclosed or partly disclosed can "
                                  "be converted to proactive disclosure."))
    return None


def _item_by_id(data: dict, name: str):
    item = queries.get_item(data[name])
    if item is None:
        raise NotFoundError(_l("No information item with this number in your agency."))
    return item


def _entry_result(ctx: Ctx, entry) -> dict:
    return {"entry_id": entry.id, "status": entry.status, "target_on": entry.target_on.isoformat(),
            "published_on": entry.published_on.isoformat() if entry.published_on else None,
            "open_findings": len(queries.open_findings(entry))}


def _item_convertible(ctx: Ctx):
    item = queries.item_of_case(ctx.case)
    if item is None or not ops.can_convert_item(item):
        return TransitionError(_l("None of this item's requests was disclosed yet."))
    return None


def _draft(ctx: Ctx):
    if ctx.target.status != "draft":
        return TransitionError(_l("This entry is already published and can no longer be changed."))
    return None


def _document_of(entry, document_id: int):
    doc = db.session.get(PublicDocument, document_id)
    if doc is None or doc.entry_id != entry.id:
        raise NotFoundError(_l("No such document of this entry."))
    return doc


def _release_version(entry, record_id: int) -> Record:
    """The record named by record_id: add_document refuses it unless it is a release version of one of
    the entry's requests (an unknown id is refused like another case's record)."""
    record = db.session.get(Record, record_id)
    if record is None:
        message = _l("This record is not one of the records of the requests this entry answers.")
        raise ValidationError(message, errors={"record_id": message})
    return record


def _drafted(ctx: Ctx, entry):
    if entry.findings:
        return _l("The draft was saved. The redaction check found personal data: resolve each finding before "
                  "publication.")
    return _l("The draft was saved. Attach the redacted documents, then ask a supervisor to approve it.")


TITLE = Field("title", "text", _l("Title"), required=True, message=_l("Please give a title."), max_length=300)
ENTRY_TEXT = Schema(TITLE, Field("summary", "longtext", _l("Summary"), max_length=5000),
                    Field("topic", "choice", _l("Topic"), required=True, message=_l("Please choose a topic."),
                          choices=lambda ctx: list(TOPICS.items())))
ENTRY_VERSION = Field("entry_version", "int", _l("Version of the entry"),
                      schema={"description": "The entry's version last seen: a later change is 409."})

register(
    Action(
        name="link_item", label=_l("Link to an information item"), domain="disclosure", roles=HANDLERS,
        versioned=False, input=Schema(Field("item_id", "id", _l("Information item"), required=True)),
        operation=lambda ctx, data: ops.link_case(ctx.case, _item_by_id(data, "item_id"), actor=ctx.user),
        result=lambda ctx, item: {"item_id": item.id}, done=_l("The request is linked to the information item."),
    ),
    Action(
        name="start_item", label=_l("Start a new information item"), domain="disclosure", roles=HANDLERS,
        versioned=False, input=Schema(TITLE),
        operation=lambda ctx, data: ops.start_item(ctx.case, title=data["title"], actor=ctx.user),
        result=lambda ctx, item: {"item_id": item.id},
        done=_l("A new information item was started for this request."),
    ),
    Action(
        name="split_item", label=_l("Split into a new item"), domain="disclosure", roles=HANDLERS,
        versioned=False, when=_linked,
        input=Schema(TITLE, Field("case_ids", "ids", _l("Requests to move"), schema={
            "description": "Requests of the item to move (default: this request)."})),
        description=_l("Moves this request (or the requests named in case_ids) out of its item into a new one "
                       "with this title."),
        operation=lambda ctx, data: ops.split_item(queries.item_of_case(ctx.case), data["case_ids"] or [ctx.case.id],
                                                   title=data["title"], actor=ctx.user),
        result=lambda ctx, item: {"item_id": item.id},
        done=_l("The chosen requests were moved to a new information item."),
    ),
    Action(
        name="merge_items", label=_l("Merge another item into this one"), domain="disclosure", roles=HANDLERS,
        versioned=False, when=_linked,
        input=Schema(Field("source_item_id", "id", _l("Number of the item to merge into this one"), required=True)),
        operation=lambda ctx, data: ops.merge_items(queries.item_of_case(ctx.case),
                                                    _item_by_id(data, "source_item_id"), actor=ctx.user),
        result=lambda ctx, item: {"item_id": item.id}, done=_l("The items were merged."),
    ),
    Action(
        name="convert_to_public", label=_l("Convert to proactive disclosure"), domain="disclosure",
        roles=HANDLERS, versioned=False, when=_convertible, style="outline-success", input=ENTRY_TEXT,
        operation=lambda ctx, data: ops.draft_public_entry(
            actor=ctx.user, title=data["title"], summary=data.get("summary") or "", topic=data["topic"],
            today=ctx.today, calendar=load_calendar(), case=ctx.case),
        result=_entry_result, done=_drafted,
    ),
    Action(
        name="convert_item_to_public", label=_l("Convert the item to proactive disclosure"), domain="disclosure",
        roles=HANDLERS, versioned=False, when=_item_convertible, input=ENTRY_TEXT,
        operation=lambda ctx, data: ops.draft_public_entry(
            actor=ctx.user, title=data["title"], summary=data.get("summary") or "", topic=data["topic"],
            today=ctx.today, calendar=load_calendar(), item=queries.item_of_case(ctx.case)),
        result=_entry_result, done=_drafted,
    ),
    Action(
        name="edit_entry", label=_l("Save the draft"), domain="disclosure", target="public_entry", roles=HANDLERS,
        versioned=False, when=_draft, input=Schema(*ENTRY_TEXT.fields, ENTRY_VERSION),
        operation=lambda ctx, data: ops.edit_public_entry(
            ctx.target, title=data["title"], summary=data.get("summary") or "", topic=data["topic"], actor=ctx.user,
            expected_version=data.get("entry_version")),
        result=_entry_result, done=_l("The draft was saved and checked again."),
    ),
    Action(
        name="add_document", label=_l("Attach a release version"), domain="disclosure", target="public_entry",
        roles=HANDLERS, versioned=False, when=_draft,
        input=Schema(Field("record_id", "id", _l("Release version (redacted, or as it is) of a record"),
                           required=True, message=_l("Please choose the release version to publish."))),
        description="entry_id, record_id: a release version (kind redacted or as_is) of a record of the entry's "
                    "requests; a sanitised copy is published",
        operation=lambda ctx, data: ops.add_document(ctx.target, _release_version(ctx.target, data["record_id"]),
                                                     actor=ctx.user),
        result=lambda ctx, doc: {"document_id": doc.id, "record_id": doc.record_id},
        done=_l("The version was attached and checked for personal data."),
    ),
    Action(
        name="remove_document", label=_l("Remove"), domain="disclosure", target="public_entry", roles=HANDLERS,
        versioned=False, when=_draft, input=Schema(Field("document_id", "id", _l("Document"), required=True)),
        operation=lambda ctx, data: ops.remove_document(ctx.target, _document_of(ctx.target, data["document_id"]),
                                                        actor=ctx.user),
        done=_l("The document was removed."),
    ),
    Action(
        name="resolve_finding", label=_l("Not personal"), domain="disclosure", target="redaction_finding",
        roles=HANDLERS, versioned=False,
        input=Schema(Field("reason", "text", _l("Why this is not personal data"), required=True,
                           message=_l("Please give the reason why this is not personal data."), max_length=1000)),
        operation=lambda ctx, data: ops.mark_not_personal(ctx.target, reason=data["reason"], actor=ctx.user),
        result=lambda ctx, finding: {"finding_id": finding.id, "status": finding.status},
        done=_l("The finding was marked as not personal data."),
    ),
    Action(
        name="approve_publication", label=_l("Approve and publish"), domain="disclosure", target="public_entry",
        roles=SUPERVISORS, versioned=False, style="success",
        guards=(lambda ctx: ops.publication_four_eyes_refusal(ctx.target, ctx.user),),
        input=Schema(ENTRY_VERSION),
        operation=lambda ctx, data: ops.approve_publication(ctx.target, actor=ctx.user, today=ctx.today,
                                                            expected_version=data.get("entry_version")),
        result=_entry_result, done=_l("The entry was approved and published in the public column."),
    ),
    Action(
        name="answer_suggestion", label=_l("Record the answer"), domain="disclosure", target="suggestion",
        roles=SUPERVISORS, versioned=False,
        input=Schema(Field("decision", "choice", _l("Answer"), required=True,
                           message=_l("Please choose whether the agency agrees."),
                           choices=lambda ctx: list(DECISION_LABELS.items())),
                     Field("reason", "longtext", _l("Reason"), required=True,
                           message=_l("Please give the reason for the answer."), max_length=1000)),
        operation=lambda ctx, data: ops.answer_suggestion(ctx.target, decision=data["decision"],
                                                          reason=data["reason"], actor=ctx.user),
        result=lambda ctx, answer: {"suggestion_id": answer.suggestion_id, "decision": answer.decision},
        done=_l("The answer was recorded; the applicant sees it on the tracking page."),
    ),
    Action(
        name="judge_similar", label=_l("Judge a suggested request"), domain="disclosure", target="similar_case",
        roles=HANDLERS, versioned=False,
        input=Schema(Field("same", "choice", _l("Same information?"), required=True,
                           message=_l("Please say whether the two requests ask for the same information."),
                           choices=lambda ctx: list(JUDGEMENT_LABELS.items()))),
        description="other: the tracking number of the suggested request; same: same | different. The pair is "
                    "offered (same) or never offered again (different) at once.",
        operation=lambda ctx, data: ops.record_similarity_feedback(ctx.case, ctx.target, same=data["same"] == "same",
                                                                   actor=ctx.user),
        result=lambda ctx, row: {"other": ctx.target.tracking_number, "same": row.same},
        done=lambda ctx, row: _l("Noted: the two requests ask for the same information.") if row.same
        else _l("Noted: the two requests ask for different information; it will not be suggested again."),
    ),
    Action(
        name="save_vocabulary", label=_l("Save"), domain="disclosure", door="admin", target="agency", roles=ADMINS,
        versioned=False, agency=lambda ctx: ctx.target.id,
        input=Schema(Field("kind", "choice", _l("Kind"), required=True, message=_l("Please choose a kind."),
                           choices=lambda ctx: list(VOCABULARY_KIND_LABELS.items())),
                     Field("term", "text", _l("Term"), required=True, message=_l("Please give the term."),
                           max_length=60),
                     Field("variants", "longtext", _l("Other words (separated by 、 or commas)"), required=True,
                           message=_l("Please give the other words."), max_length=3000)),
        operation=lambda ctx, data: ops.add_vocabulary_entry(ctx.target, kind=data["kind"], term=data["term"],
                                                             variants=data["variants"], actor=ctx.user),
        done=lambda ctx, entry: _l("The term %(term)s was saved.", term=entry.term),
    ),
    Action(
        name="remove_vocabulary", label=_l("Remove"), domain="disclosure", door="admin", target="vocabulary_entry",
        roles=ADMINS, versioned=False, agency=lambda ctx: ctx.target.agency_id,
        operation=lambda ctx, data: ops.remove_vocabulary_entry(ctx.target, actor=ctx.user),
        done=_l("The term was removed."),
    ),
)
