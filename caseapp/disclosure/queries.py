"""Named queries of the disclosure area: items, similar requests, candidates, the public column,
suggestions, and the counts the statistics use."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import jieba
import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import selectinload

from caseapp.accounts.models import Agency
from caseapp.calendar.service import load_calendar
from caseapp.cases.models import Case
from caseapp.cases.outcomes import CODES
from caseapp.extensions import db
from caseapp.disclosure.models import (
    InfoItem, ItemCase, PublicDocument, PublicEntry, RedactionFinding, SuggestionAnswer,
)
from caseapp.letters.queries import issued_letters
from caseapp.records.models import Record
from caseapp.records.queries import release_versions

DISCLOSED_OUTCOMES = ("disclosed", "partially_disclosed")

# Applicants' suggestions (Reg. 44 para. 2) are recorded by the portal (caseapp.intake, a layer above
# this one) and answered here, so this area reaches their table through this clause, not the model.
SUGGESTIONS = sa.table(
    "proactive_suggestions", sa.column("id", sa.Integer), sa.column("case_id", sa.Integer), sa.column("text", sa.Text),
    sa.column("created_at", sa.DateTime(timezone=True)), sa.column("answer", sa.Text),
    sa.column("answered_at", sa.DateTime(timezone=True)), sa.column("answered_by_id", sa.Integer),
)
# Candidates (SPEC §9): requested by at least this many applicants within CANDIDATE_WINDOW_DAYS,
# unless the agency sets its own number (Agency.candidate_threshold, when the agency settings have it).
DEFAULT_CANDIDATE_APPLICANTS = 3
CANDIDATE_WINDOW_DAYS = 365
PUBLIC_PAGE_SIZE = 20


def get_item(item_id: int) -> InfoItem | None:
    """The information item with this id, or None."""
    return db.session.get(InfoItem, item_id)


def get_entry(entry_id: int) -> PublicEntry | None:
    """The public entry with this id, or None."""
    return db.session.get(PublicEntry, entry_id)


def item_of_case(case: Case) -> InfoItem | None:
    """The information item a request is linked to, if any."""
    link = db.session.get(ItemCase, case.id)
    return link.item if link is not None else None


def cases_of_item(item: InfoItem) -> list[Case]:
    """The requests linked to an item, oldest first."""
    return list(db.session.scalars(
        sa.select(Case).join(ItemCase, ItemCase.case_id == Case.id).where(ItemCase.item_id == item.id)
        .order_by(Case.received_on, Case.id)))


def items_of_agency(agency_id: int, *, limit: int = 200) -> list[tuple[InfoItem, int]]:
    """An agency's active items with their number of requests, most requested first."""
    n = sa.func.count(ItemCase.case_id).label("n")
    rows = db.session.execute(
        sa.select(InfoItem, n).outerjoin(ItemCase, ItemCase.item_id == InfoItem.id)
        .where(InfoItem.agency_id == agency_id, InfoItem.merged_into_id.is_(None))
        .group_by(InfoItem.id).order_by(n.desc(), InfoItem.id.desc()).limit(limit)).all()
    return [(r[0], r[1]) for r in rows]


def is_disclosed(case: Case) -> bool:
    """Whether the request was closed with the information (or part of it) disclosed."""
    return case.status == "closed" and case.outcome in DISCLOSED_OUTCOMES


def reply_letters(case: Case) -> list:
    """The issued reply letters of a request (the answer a clerk may reuse)."""
    return [letter for letter in issued_letters(case) if letter.template in CODES]


@dataclass
class Suggestion:
    """An earlier (or later) request that asks for the same information."""

    case: Case
    score: float
    item: InfoItem | None
    disclosed: bool
    replies: list = field(default_factory=list)
    reasons: tuple = ()
    confirmed: bool = False


def similar_requests(case: Case, *, limit: int = 10) -> list[Suggestion]:
    """Requests to the same agency asking for the same information, best first, with their item,
    whether they were disclosed and their reply letters."""
    from caseapp.disclosure.index import find_similar

    matches = find_similar(case, limit=limit)
    if not matches:
        return []
    ids = [m.case_id for m in matches]
    cases = {c.id: c for c in db.session.scalars(sa.select(Case).where(Case.id.in_(ids)))}
    links = {link.case_id: link.item for link in db.session.scalars(
        sa.select(ItemCase).options(selectinload(ItemCase.item)).where(ItemCase.case_id.in_(ids)))}
    out = []
    for m in matches:
        other = cases.get(m.case_id)
        if other is None:
            continue
        disclosed = is_disclosed(other)
        out.append(Suggestion(other, m.score, links.get(other.id), disclosed, reply_letters(other) if disclosed else [],
                              m.reasons, m.confirmed))
    return out


def candidate_threshold(agency: Agency | None) -> int:
    """How many different applicants make an item a candidate in this agency."""
    value = getattr(agency, "candidate_threshold", None) if agency is not None else None
    return int(value) if value else DEFAULT_CANDIDATE_APPLICANTS


@dataclass
class Candidate:
    item: InfoItem
    applicants: int
    requests: int
    disclosures: int
    threshold: int
    cases: list[Case]
    published: bool


def candidates(agency_id: int | None, today: date) -> list[Candidate]:
    """Items requested by at least N different applicants within 12 months with at least one
    disclosure (SPEC §9), most requested first; N per agency."""
    since = today - timedelta(days=CANDIDATE_WINDOW_DAYS)
    applicants = sa.func.count(sa.distinct(Case.applicant_key)).label("applicants")
    requests = sa.func.count(Case.id).label("requests")
    disclosures = sa.func.sum(sa.case((sa.and_(Case.status == "closed", Case.outcome.in_(DISCLOSED_OUTCOMES)), 1),
                                      else_=0)).label("disclosures")
    threshold_col = getattr(Agency, "candidate_threshold", None)
    threshold = (sa.func.coalesce(threshold_col, DEFAULT_CANDIDATE_APPLICANTS) if threshold_col is not None
                 else sa.literal(DEFAULT_CANDIDATE_APPLICANTS))
    q = (sa.select(InfoItem, applicants, requests, disclosures, threshold.label("threshold"))
         .join(ItemCase, ItemCase.item_id == InfoItem.id).join(Case, Case.id == ItemCase.case_id)
         .join(Agency, Agency.id == InfoItem.agency_id)
         .where(InfoItem.merged_into_id.is_(None), Case.received_on >= since, Case.received_on <= today)
         .group_by(InfoItem.id, threshold)
         .having(applicants >= threshold, disclosures >= 1)
         .order_by(applicants.desc(), InfoItem.id))
    if agency_id is not None:
        q = q.where(InfoItem.agency_id == agency_id)
    rows = db.session.execute(q.limit(200)).all()
    published = set(db.session.scalars(sa.select(PublicEntry.item_id).where(
        PublicEntry.status == "published", PublicEntry.item_id.in_([r[0].id for r in rows]))))
    return [Candidate(r[0], r.applicants, r.requests, int(r.disclosures or 0), int(r.threshold),
                      [c for c in cases_of_item(r[0]) if since <= c.received_on <= today], r[0].id in published)
            for r in rows]


def draft_entries(agency_id: int | None) -> list[PublicEntry]:
    """Public entries drafted and awaiting approval, oldest first."""
    q = sa.select(PublicEntry).where(PublicEntry.status == "draft").order_by(PublicEntry.decided_on, PublicEntry.id)
    if agency_id is not None:
        q = q.where(PublicEntry.agency_id == agency_id)
    return list(db.session.scalars(q.limit(200)))


def entries_of_case(case: Case) -> list[PublicEntry]:
    """Public entries drafted from this request or from its item."""
    item = item_of_case(case)
    cond = PublicEntry.case_id == case.id
    if item is not None:
        cond = sa.or_(cond, PublicEntry.item_id == item.id)
    return list(db.session.scalars(sa.select(PublicEntry).where(cond).order_by(PublicEntry.id)))


def versions_to_attach(entry: PublicEntry, cases: list[Case]) -> list[Record]:
    """The release versions (redacted, or as they are) of the records of these requests that the entry
    does not publish yet, oldest first: what the clerk may attach."""
    attached = {d.record_id for d in entry.documents}
    return [r for case in cases for r in release_versions(case) if r.id not in attached]


def open_findings(entry: PublicEntry) -> list[RedactionFinding]:
    """Findings of an entry that still block publication."""
    return [f for f in entry.findings if f.status == "open"]


# --- The public column ----------------------------------------------------------------------------


def _published():
    return sa.select(PublicEntry).where(PublicEntry.status == "published")


def search_terms(q: str) -> list[str]:
    """The words of a Chinese (or mixed) search, segmented with jieba."""
    q = (q or "").strip()[:100]
    if not q:
        return []
    words = [w.strip() for w in jieba.lcut(q) if w.strip() and any(ch.isalnum() for ch in w)]
    return list(dict.fromkeys(words))[:8]


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def published_entries(*, q: str = "", agency: Agency | None = None, year: int | None = None,
                      topic: str | None = None, page: int = 1,
                      page_size: int = PUBLIC_PAGE_SIZE) -> tuple[list[PublicEntry], int]:
    """Published entries matching the search and filters, newest first, and how many match."""
    stmt = _published()
    if agency is not None:
        stmt = stmt.where(PublicEntry.agency_id == agency.id)
    if topic:
        stmt = stmt.where(PublicEntry.topic == topic)
    if year:
        stmt = stmt.where(PublicEntry.published_on >= date(year, 1, 1), PublicEntry.published_on <= date(year, 12, 31))
    for term in search_terms(q):
        pattern = _like(term)
        in_docs = sa.select(PublicDocument.id).where(PublicDocument.entry_id == PublicEntry.id,
                                                     PublicDocument.text.like(pattern, escape="\\")).exists()
        stmt = stmt.where(sa.or_(PublicEntry.title.like(pattern, escape="\\"),
                                 PublicEntry.summary.like(pattern, escape="\\"), in_docs))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    rows = db.session.scalars(stmt.options(selectinload(PublicEntry.agency), selectinload(PublicEntry.documents))
                              .order_by(PublicEntry.published_on.desc(), PublicEntry.id.desc())
                              .offset((max(page, 1) - 1) * page_size).limit(page_size))
    return list(rows), int(total or 0)


def active_agency(code: str | None) -> Agency | None:
    """The active agency with this code (case-insensitive), or None."""
    if not code or not isinstance(code, str):
        return None
    return db.session.scalar(sa.select(Agency).where(Agency.code == code.strip().upper()[:20], Agency.active.is_(True)))


def published_entry(entry_id: int) -> PublicEntry | None:
    """A published entry (None for drafts and unknown ids)."""
    entry = db.session.get(PublicEntry, entry_id)
    return entry if entry is not None and entry.status == "published" else None


def published_years() -> list[int]:
    """Years with published entries, newest first."""
    dates = db.session.scalars(sa.select(PublicEntry.published_on).where(PublicEntry.status == "published")
                               .distinct())
    return sorted({d.year for d in dates if d}, reverse=True)


def agencies_with_entries() -> list[tuple[Agency, int]]:
    """Agencies with published entries and how many each has."""
    n = sa.func.count(PublicEntry.id).label("n")
    rows = db.session.execute(sa.select(Agency, n).join(PublicEntry, PublicEntry.agency_id == Agency.id)
                              .where(PublicEntry.status == "published").group_by(Agency.id).order_by(Agency.code))
    return [(r[0], r[1]) for r in rows]


def entry_json(entry: PublicEntry) -> dict:
    """The public API's view of an entry: nothing but what the column shows."""
    return {
        "id": entry.id, "title": entry.title, "summary": entry.summary, "topic": entry.topic,
        "agency": entry.agency.code, "agency_name": entry.agency.name,
        "published_on": entry.published_on.isoformat() if entry.published_on else None,
        "url": url_for("public.entry", entry_id=entry.id),
        "documents": [{"name": d.original_name, "size": d.size,
                       "url": url_for("public.document", entry_id=entry.id, document_id=d.id)}
                      for d in entry.documents],
    }


def search_public_items(q: str, *, agency: str | None = None, year: int | None = None,
                        topic: str | None = None, limit: int = 100) -> list[dict]:
    """Published entries of the column "依申请公开转主动公开" for the public API (also used by the portal)."""
    found_agency = None
    if agency:
        found_agency = db.session.scalar(sa.select(Agency).where(Agency.code == agency.strip().upper()))
        if found_agency is None:
            return []
    entries, _ = published_entries(q=q, agency=found_agency, year=year, topic=topic, page_size=limit)
    return [entry_json(e) for e in entries]


def published_entries_for_case(case: Case) -> list[PublicEntry]:
    """Published entries made from this request or its item (linked from the tracking page)."""
    return [e for e in entries_of_case(case) if e.status == "published"]


# --- Applicants' suggestions (Reg. 44 para. 2) -------------------------------------------------------


def suggestions(agency_id: int | None, *, answered: bool | None = None, limit: int = 200) -> list[tuple]:
    """(suggestion row, case, answer) of an agency's requests, unanswered first, newest first."""
    t = SUGGESTIONS
    q = (sa.select(t, Case, SuggestionAnswer).join(Case, Case.id == t.c.case_id)
         .outerjoin(SuggestionAnswer, SuggestionAnswer.suggestion_id == t.c.id))
    if agency_id is not None:
        q = q.where(Case.agency_id == agency_id)
    if answered is True:
        q = q.where(t.c.answered_at.is_not(None))
    elif answered is False:
        q = q.where(t.c.answered_at.is_(None))
    q = q.order_by(t.c.answered_at.is_not(None), t.c.id.desc()).limit(limit)
    out = []
    for row in db.session.execute(q).all():
        m = row._mapping
        out.append((SuggestionRow(**{c: m[t.c[c]] for c in t.c.keys()}), m[Case], m[SuggestionAnswer]))
    return out


@dataclass(frozen=True)
class SuggestionRow:
    """One applicant's suggestion as this area sees it."""

    id: int
    case_id: int
    text: str
    created_at: object
    answer: str | None
    answered_at: object
    answered_by_id: int | None


def get_suggestion(suggestion_id: int) -> SuggestionRow | None:
    """An applicant's suggestion by id."""
    row = db.session.execute(sa.select(SUGGESTIONS).where(SUGGESTIONS.c.id == suggestion_id)).mappings().first()
    return SuggestionRow(**row) if row else None


def answer_of(suggestion) -> SuggestionAnswer | None:
    """The agency's recorded answer to a suggestion, if any."""
    return db.session.get(SuggestionAnswer, suggestion.id)


# --- Counts for the statistics ---------------------------------------------------------------------


def conversions_per_year(agency_id: int | None) -> dict[int, int]:
    """Entries published (requested information converted to proactive disclosure) per year."""
    year = sa.extract("year", PublicEntry.published_on)
    q = (sa.select(year.label("year"), sa.func.count(PublicEntry.id))
         .where(PublicEntry.status == "published").group_by(year).order_by(year))
    if agency_id is not None:
        q = q.where(PublicEntry.agency_id == agency_id)
    return {int(y): int(n) for y, n in db.session.execute(q).all()}


@dataclass(frozen=True)
class PublicationTime:
    entry_id: int
    agency_id: int
    decided_on: date
    published_on: date
    working_days: int
    on_time: bool  # within the 20-working-day target


def days_to_publication(agency_id: int | None = None, year: int | None = None) -> list[PublicationTime]:
    """For each published entry: working days from the decision to publish to publication."""
    q = sa.select(PublicEntry.id, PublicEntry.agency_id, PublicEntry.decided_on, PublicEntry.published_on,
                  PublicEntry.target_on).where(PublicEntry.status == "published").order_by(PublicEntry.published_on)
    if agency_id is not None:
        q = q.where(PublicEntry.agency_id == agency_id)
    if year is not None:
        q = q.where(PublicEntry.published_on >= date(year, 1, 1), PublicEntry.published_on <= date(year, 12, 31))
    cal = load_calendar()
    return [PublicationTime(i, a, d, p, cal.working_days_between(d, p), p <= t)
            for i, a, d, p, t in db.session.execute(q).all()]
