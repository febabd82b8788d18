"""Operations of the disclosure area: verb-first, one audit event each; they flush, never commit."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from caseapp.cases.attachments import clean_filename
from caseapp.cases.models import Case
from caseapp.core import filestore
from caseapp.core.audit import record_event
from caseapp.core.clock import utcnow
from caseapp.core.db import flush_or_stale
from caseapp.core.errors import ForbiddenError, StaleVersionError, TransitionError, ValidationError
from caseapp.disclosure.labels import TOPICS
from caseapp.disclosure.models import (
    InfoItem, ItemCase, PublicDocument, PublicEntry, RedactionFinding, SimilarityFeedback, SuggestionAnswer,
    VocabularyEntry,
)
from caseapp.disclosure.queries import SUGGESTIONS, cases_of_item, is_disclosed, item_of_case
from caseapp.extensions import db
from caseapp.letters.operations import self_approval_allowed
from caseapp.records import pdf, personal
from caseapp.records.files import read_stored
from caseapp.records.models import Record
from caseapp.records.reader import reader_text

PUBLICATION_TARGET_DAYS = 20  # working days from the decision to publish (SPEC §9, after Reg. 26)
MAX_TITLE = 300
MAX_SUMMARY = 5000
MAX_REASON = 1000


def _title(value: str | None, field: str = "title") -> str:
    value = (value or "").strip()
    if not value:
        msg = _l("Please give a title.")
        raise ValidationError(msg, errors={field: msg})
    if len(value) > MAX_TITLE:
        msg = _l("At most %(n)s characters.", n=MAX_TITLE)
        raise ValidationError(msg, errors={field: msg})
    return value


# --- Information items -------------------------------------------------------------------------------


def _link(case: Case, item: InfoItem, actor) -> InfoItem | None:
    link = db.session.get(ItemCase, case.id)
    before = link.item_id if link is not None else None
    if link is None:
        db.session.add(ItemCase(case_id=case.id, item_id=item.id, linked_by_id=actor.id))
    else:
        link.item_id, link.linked_by_id, link.linked_at = item.id, actor.id, utcnow()
    return before


def start_item(case: Case, *, title: str, actor) -> InfoItem:
    """Start a new information item from a request and link the request to it."""
    item = InfoItem(agency_id=case.agency_id, title=_title(title), created_by_id=actor.id)
    db.session.add(item)
    db.session.flush()
    before = _link(case, item, actor)
    record_event("disclosure.item_created", actor=actor, case=case, before={"item_id": before},
                 after={"item_id": item.id, "title": item.title})
    db.session.flush()
    return item


def link_case(case: Case, item: InfoItem, *, actor) -> InfoItem:
    """Link a request to an existing item of the same agency (moving it from its former item)."""
    target = _live(item)
    if target.agency_id != case.agency_id:
        raise ValidationError(_l("The item belongs to another agency."))
    before = _link(case, target, actor)
    if before == target.id:
        raise ValidationError(_l("The request is already linked to this item."))
    record_event("disclosure.case_linked", actor=actor, case=case, before={"item_id": before},
                 after={"item_id": target.id})
    db.session.flush()
    return target


def _live(item: InfoItem) -> InfoItem:
    """Follow merges to the item that holds the requests now."""
    seen = set()
    while item.merged_into_id is not None and item.id not in seen:
        seen.add(item.id)
        item = db.session.get(InfoItem, item.merged_into_id)
    return item


def split_item(item: InfoItem, case_ids: list[int], *, title: str, actor) -> InfoItem:
    """Move some requests of an item to a new item (they ask for different information)."""
    title = _title(title)
    members = {c.id: c for c in cases_of_item(item)}
    chosen = [members[i] for i in dict.fromkeys(case_ids) if i in members]
    if not chosen:
        msg = _l("Please choose the requests to move to the new item.")
        raise ValidationError(msg, errors={"case_ids": msg})
    if len(chosen) == len(members):
        msg = _l("Leave at least one request in the item; to rename it, start a new item instead.")
        raise ValidationError(msg, errors={"case_ids": msg})
    new = InfoItem(agency_id=item.agency_id, title=title, created_by_id=actor.id)
    db.session.add(new)
    db.session.flush()
    for case in chosen:
        _link(case, new, actor)
    record_event("disclosure.item_split", actor=actor, agency_id=item.agency_id,
                 before={"item_id": item.id}, after={"item_id": new.id, "title": title,
                                                     "cases": [c.tracking_number for c in chosen]})
    db.session.flush()
    return new


def merge_items(target: InfoItem, source: InfoItem, *, actor) -> InfoItem:
    """Merge `source` into `target`: its requests and drafts move, and it is no longer offered."""
    target, source = _live(target), _live(source)
    if source.id == target.id:
        raise ValidationError(_l("An item cannot be merged into itself."))
    if source.agency_id != target.agency_id:
        raise ValidationError(_l("The item belongs to another agency."))
    moved = db.session.execute(sa.update(ItemCase).where(ItemCase.item_id == source.id)
                               .values(item_id=target.id)).rowcount
    db.session.execute(sa.update(PublicEntry).where(PublicEntry.item_id == source.id).values(item_id=target.id))
    source.merged_into_id = target.id
    record_event("disclosure.items_merged", actor=actor, agency_id=target.agency_id,
                 before={"item_id": source.id, "title": source.title},
                 after={"item_id": target.id, "moved": moved})
    db.session.flush()
    return target


# --- Converting to proactive disclosure --------------------------------------------------------------


def can_convert_case(case: Case) -> bool:
    """A closed request whose information was disclosed or partly disclosed can be converted."""
    return is_disclosed(case)


def can_convert_item(item: InfoItem) -> bool:
    """An item can be converted when at least one of its requests was disclosed."""
    return any(is_disclosed(c) for c in cases_of_item(item))


def _check_topic(topic: str | None) -> str:
    if topic not in TOPICS:
        msg = _l("Please choose a topic.")
        raise ValidationError(msg, errors={"topic": msg})
    return topic


def _check_summary(summary: str | None) -> str:
    summary = (summary or "").strip()
    if len(summary) > MAX_SUMMARY:
        msg = _l("At most %(n)s characters.", n=MAX_SUMMARY)
        raise ValidationError(msg, errors={"summary": msg})
    return summary


def draft_public_entry(*, actor, title: str, summary: str, topic: str, today: date, calendar,
                       case: Case | None = None, item: InfoItem | None = None) -> PublicEntry:
    """转主动公开: draft a public entry from a disclosed request or from an item, and run the redaction check."""
    if (case is None) == (item is None):
        raise ValueError("draft from exactly one request or one item")
    agency_id = case.agency_id if case is not None else item.agency_id
    if case is not None and not can_convert_case(case):
        raise TransitionError(_l("Only a closed request whose information was disclosed or partly disclosed "
                                 "can be converted to proactive disclosure."))
    if item is not None:
        item = _live(item)
        if not can_convert_item(item):
            raise TransitionError(_l("None of this item's requests was disclosed yet."))
    entry = PublicEntry(
        agency_id=agency_id, case_id=case.id if case is not None else None,
        item_id=item.id if item is not None else (getattr(item_of_case(case), "id", None)),
        title=_title(title), summary=_check_summary(summary), topic=_check_topic(topic), status="draft",
        decided_on=today, target_on=calendar.add_working_days(today, PUBLICATION_TARGET_DAYS),
        created_by_id=actor.id,
    )
    db.session.add(entry)
    db.session.flush()
    check_redaction(entry)
    record_event("disclosure.entry_drafted", actor=actor, agency_id=agency_id, case=case,
                 after={"entry_id": entry.id, "item_id": entry.item_id, "title": entry.title,
                        "target_on": entry.target_on, "findings": len(entry.findings)})
    flush_or_stale()
    return entry


def _require_draft(entry: PublicEntry) -> None:
    if entry.status != "draft":
        raise TransitionError(_l("This entry is already published and can no longer be changed."))


def _changed(entry: PublicEntry) -> None:
    """What an approval covers changed (a document, a finding): the entry's version moves on, so
    that an approval given on an older page is refused as stale."""
    entry.updated_at = utcnow()


def publication_four_eyes_refusal(entry: PublicEntry, user) -> ForbiddenError | None:
    """Four eyes, as for letters: the approver is not whoever drafted the entry, uploaded one of its
    documents or cleared one of its findings (unless the agency allows self-approval)."""
    authors = ({entry.created_by_id} | {d.uploaded_by_id for d in entry.documents}
               | {f.resolved_by_id for f in entry.findings}) - {None}
    if user is not None and user.id in authors and not self_approval_allowed(entry.agency):
        return ForbiddenError(_l("A public entry must be approved by someone other than whoever drafted it, "
                                 "added its documents or cleared its findings."))
    return None


def edit_public_entry(entry: PublicEntry, *, title: str, summary: str, topic: str, actor,
                      expected_version: int | None = None) -> PublicEntry:
    """Change a draft's title, summary or topic; the redaction check runs again."""
    _require_draft(entry)
    _check_version(entry, expected_version)
    before = {"title": entry.title, "summary": entry.summary, "topic": entry.topic}
    entry.title, entry.summary, entry.topic = _title(title), _check_summary(summary), _check_topic(topic)
    flush_or_stale()
    check_redaction(entry)
    record_event("disclosure.entry_edited", actor=actor, agency_id=entry.agency_id, before=before,
                 after={"entry_id": entry.id, "title": entry.title, "summary": entry.summary, "topic": entry.topic})
    flush_or_stale()
    return entry


def _check_version(entry: PublicEntry, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != entry.version:
        raise StaleVersionError()


def published_copy(data: bytes) -> tuple[bytes, str]:
    """The file as it is published (sanitised: no annotations, metadata, outlines, form fields or
    embedded files; rewritten) and the text a reader sees in it, which the redaction check reads:
    what is checked is what goes out."""
    clean = pdf.sanitise(data)
    return clean, reader_text(clean)


def add_document(entry: PublicEntry, record: Record, *, actor) -> PublicDocument:
    """Attach a release version (redacted, or as it is) of a record of the entry's requests: a
    sanitised copy is published, and the text a reader sees in it is checked for personal data."""
    _require_draft(entry)
    if record.case_id not in {c.id for c in source_cases(entry)}:
        msg = _l("This record is not one of the records of the requests this entry answers.")
        raise ValidationError(msg, errors={"record_id": msg})
    if not record.releasable:
        msg = _l("This is a record as received, which is never published: choose its redacted version or the "
                 "version marked to be released as it is.")
        raise ValidationError(msg, errors={"record_id": msg})
    if any(d.record_id == record.id for d in entry.documents):
        msg = _l("This version is already attached to the entry.")
        raise ValidationError(msg, errors={"record_id": msg})
    try:
        data, text = published_copy(read_stored(record))
    except pdf.PdfError:
        msg = _l("The PDF of this version could not be read. Make the version again from the record.")
        raise ValidationError(msg, errors={"record_id": msg}) from None
    stored = filestore.store_bytes(data, area="public")
    doc = PublicDocument(entry_id=entry.id, record_id=record.id,
                         original_name=clean_filename(f"{record.title}.pdf"), content_type="application/pdf",
                         size=stored.size, sha256=stored.sha256, storage_key=stored.storage_key, text=text,
                         uploaded_by_id=actor.id)
    db.session.add(doc)
    _changed(entry)
    db.session.flush()
    db.session.refresh(entry, ["documents"])
    check_redaction(entry)
    record_event("disclosure.document_added", actor=actor, agency_id=entry.agency_id,
                 after={"entry_id": entry.id, "document_id": doc.id, "record_id": record.id, "name": doc.original_name,
                        "sha256": doc.sha256})
    db.session.flush()
    return doc


def remove_document(entry: PublicEntry, document: PublicDocument, *, actor) -> None:
    """Take a document off a draft (e.g. to attach a better redacted version instead)."""
    _require_draft(entry)
    if document.entry_id != entry.id:
        raise ValidationError(_l("Not found."))
    info = {"entry_id": entry.id, "document_id": document.id, "name": document.original_name}
    db.session.execute(sa.update(RedactionFinding).where(RedactionFinding.document_id == document.id)
                       .values(document_id=None))
    db.session.delete(document)
    _changed(entry)
    db.session.flush()
    db.session.refresh(entry, ["documents", "findings"])
    check_redaction(entry)
    record_event("disclosure.document_removed", actor=actor, agency_id=entry.agency_id, before=info)
    db.session.flush()


def source_cases(entry: PublicEntry) -> list[Case]:
    """The requests whose parties' details must not appear in the entry, and whose records it may publish."""
    cases = {}
    if entry.case is not None:
        cases[entry.case.id] = entry.case
    if entry.item is not None:
        for c in cases_of_item(entry.item):
            cases[c.id] = c
    return list(cases.values())


def check_redaction(entry: PublicEntry) -> list[RedactionFinding]:
    """Scan the entry's title, summary and documents for the generic patterns and for every party of
    its requests (applicants, third parties consulted); new findings open, vanished ones count as removed.

    A finding marked as not personal stays resolved while the value is still there.
    """
    known = personal.party_values(source_cases(entry))
    present: dict[tuple, tuple] = {}
    for source, doc_id, text in ([("title", None, entry.title), ("summary", None, entry.summary)]
                                 # a document's name is published with it, so it is checked too
                                 + [("document", d.id, f"{d.original_name}\n{d.text}") for d in entry.documents]):
        for f in personal.find_personal_data(text, known):
            present[(source, doc_id, f.kind, f.value[:300])] = (source, doc_id, f.kind, f.value[:300])
    existing = {(f.source, f.document_id, f.kind, f.value): f for f in entry.findings}
    now = utcnow()
    for key, finding in existing.items():
        if key not in present and finding.status == "open":
            finding.status, finding.resolved_at = "removed", now
        elif key in present and finding.status == "removed":
            finding.status, finding.resolved_at, finding.resolved_by_id = "open", None, None
    for key, (source, doc_id, kind, value) in present.items():
        if key not in existing:
            finding = RedactionFinding(entry_id=entry.id, source=source, document_id=doc_id, kind=kind, value=value,
                                       status="open")
            db.session.add(finding)
            entry.findings.append(finding)
    db.session.flush()
    return [f for f in entry.findings if f.status == "open"]


def mark_not_personal(finding: RedactionFinding, *, reason: str, actor) -> RedactionFinding:
    """Resolve a finding as not personal data (e.g. the agency's own switchboard), with a reason."""
    entry = finding.entry
    _require_draft(entry)
    reason = (reason or "").strip()
    if not reason:
        msg = _l("Please give the reason why this is not personal data.")
        raise ValidationError(msg, errors={"reason": msg})
    if len(reason) > MAX_REASON:
        msg = _l("At most %(n)s characters.", n=MAX_REASON)
        raise ValidationError(msg, errors={"reason": msg})
    if finding.status != "open":
        raise TransitionError(_l("This finding is already resolved."))
    finding.status, finding.reason, finding.resolved_by_id, finding.resolved_at = "not_personal", reason, actor.id, utcnow()
    _changed(entry)
    record_event("disclosure.finding_resolved", actor=actor, agency_id=entry.agency_id,
                 after={"entry_id": entry.id, "finding_id": finding.id, "kind": finding.kind, "reason": reason})
    db.session.flush()
    return finding


def approve_publication(entry: PublicEntry, *, actor, today: date, expected_version: int | None = None) -> PublicEntry:
    """A supervisor approves the entry and it is published today; refused while a finding is open."""
    _require_draft(entry)
    _check_version(entry, expected_version)
    still_open = check_redaction(entry)
    if still_open:
        raise ValidationError(_l("Personal data was found in the entry (%(n)s findings). Remove each one, or mark it "
                                 "as not personal with a reason, before publishing.", n=len(still_open)))
    entry.status, entry.published_on, entry.approved_by_id = "published", today, actor.id
    flush_or_stale()
    record_event("disclosure.entry_published", actor=actor, agency_id=entry.agency_id, case=entry.case,
                 after={"entry_id": entry.id, "published_on": today, "decided_on": entry.decided_on,
                        "target_on": entry.target_on})
    db.session.flush()
    return entry


# --- Applicants' suggestions ------------------------------------------------------------------------

ANSWER_WORDS = {"agree": "同意", "disagree": "不同意"}


def answer_suggestion(suggestion, *, decision: str, reason: str, actor) -> SuggestionAnswer:
    """A supervisor answers an applicant's suggestion of proactive disclosure (agree or not, with a reason)."""
    case = db.session.get(Case, suggestion.case_id)
    if decision not in ANSWER_WORDS:
        msg = _l("Please choose whether the agency agrees.")
        raise ValidationError(msg, errors={"decision": msg})
    reason = (reason or "").strip()
    if not reason:
        msg = _l("Please give the reason for the answer.")
        raise ValidationError(msg, errors={"reason": msg})
    if len(reason) > MAX_REASON:
        msg = _l("At most %(n)s characters.", n=MAX_REASON)
        raise ValidationError(msg, errors={"reason": msg})
    if suggestion.answered_at is not None:
        raise TransitionError(_l("This suggestion has already been answered."))
    now = utcnow()
    answer = SuggestionAnswer(suggestion_id=suggestion.id, decision=decision, reason=reason, answered_by_id=actor.id,
                              answered_at=now)
    db.session.add(answer)
    # The tracking page shows this text to the applicant (always in Chinese, like the letters).
    done = db.session.execute(sa.update(SUGGESTIONS).where(SUGGESTIONS.c.id == suggestion.id,
                                                           SUGGESTIONS.c.answered_at.is_(None))
                              .values(answer=f"{ANSWER_WORDS[decision]}。{reason}", answered_at=now,
                                      answered_by_id=actor.id)).rowcount
    if done != 1:
        raise TransitionError(_l("This suggestion has already been answered."))
    record_event("disclosure.suggestion_answered", actor=actor, case=case,
                 after={"suggestion_id": suggestion.id, "decision": decision}, note=reason)
    db.session.flush()
    return answer



# --- Teaching the similarity: an agency's vocabulary and clerks' answers on suggested pairs --------------

MAX_TERM = 60
MAX_VARIANTS = 50


def add_vocabulary_entry(agency, *, kind: str, term: str, variants, actor) -> VocabularyEntry:
    """Add (or replace) an agency's synonym or umbrella term; counts for every comparison at once."""
    from caseapp.disclosure.vocabulary import KINDS, parse_variants

    term = (term or "").strip()
    variants = parse_variants(variants) if isinstance(variants, str) else tuple(
        dict.fromkeys(str(v).strip() for v in (variants or ()) if str(v).strip()))
    errors = {}
    if kind not in KINDS:
        errors["kind"] = _l("Please choose synonym or umbrella term.")
    if not term or len(term) > MAX_TERM:
        errors["term"] = _l("Please give the term (at most %(n)s characters).", n=MAX_TERM)
    variants = tuple(v for v in variants if v != term)
    if not variants or len(variants) > MAX_VARIANTS or any(len(v) > MAX_TERM for v in variants):
        errors["variants"] = _l("Please give 1 to %(n)s other words, separated by 、 or commas, each at most "
                                "%(m)s characters.", n=MAX_VARIANTS, m=MAX_TERM)
    if errors:
        raise ValidationError(next(iter(errors.values())), errors=errors)
    entry = db.session.scalar(sa.select(VocabularyEntry).where(
        VocabularyEntry.agency_id == agency.id, VocabularyEntry.kind == kind, VocabularyEntry.term == term))
    before = {"variants": list(entry.variants)} if entry is not None else None
    if entry is None:
        entry = VocabularyEntry(agency_id=agency.id, kind=kind, term=term, created_by_id=getattr(actor, "id", None))
        db.session.add(entry)
    entry.variants = list(variants)
    db.session.flush()
    record_event("disclosure.vocabulary_saved", actor=actor, agency_id=agency.id, before=before,
                 after={"kind": kind, "term": term, "variants": list(variants)})
    db.session.flush()
    return entry


def remove_vocabulary_entry(entry: VocabularyEntry, *, actor) -> None:
    record_event("disclosure.vocabulary_removed", actor=actor, agency_id=entry.agency_id,
                 before={"kind": entry.kind, "term": entry.term, "variants": list(entry.variants)}, after=None)
    db.session.delete(entry)
    db.session.flush()


def record_similarity_feedback(case: Case, other: Case, *, same: bool, actor) -> SimilarityFeedback:
    """A clerk's answer on a suggested pair (the same information or not): used for the pair at once."""
    if other.id == case.id or other.agency_id != case.agency_id:
        msg = _l("Only another request to the same agency can be compared with this one.")
        raise ValidationError(msg, errors={"other": msg})
    low, high = sorted((case.id, other.id))
    row = db.session.get(SimilarityFeedback, (low, high))
    before = {"same": row.same} if row is not None else None
    if row is None:
        row = SimilarityFeedback(case_id=low, other_case_id=high, agency_id=case.agency_id, same=same)
        db.session.add(row)
    row.same, row.decided_by_id, row.decided_at = same, actor.id, utcnow()
    record_event("disclosure.similarity_feedback", actor=actor, case=case, before=before,
                 after={"other": other.tracking_number, "same": same})
    db.session.flush()
    return row
