"""Demo data of the disclosure area: the similarity index, information items grouped from the demo
requests, and a few published entries so that the public column is not empty in `make run`."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from caseapp.accounts.models import Agency, User
from caseapp.calendar.service import load_calendar
from caseapp.cases.attachments import Upload
from caseapp.cases.models import Case
from caseapp.disclosure import operations as ops
from caseapp.disclosure.index import bulk_index
from caseapp.disclosure.models import Signature
from caseapp.extensions import db
from caseapp.records import operations as records_ops

# Indexing costs about a millisecond per request; a large benchmark database is left to index on
# registration and on demand instead of slowing its load by minutes.
INDEX_AT_MOST = 20_000
TOPIC_BY_AGENCY = {"SFJY": "education", "SFZJ": "housing", "SFHB": "environment"}
ITEMS_PER_AGENCY = 4
PUBLISHED_PER_AGENCY = 2


def load_demo_disclosure(today: date, *, with_documents: bool = True) -> str:
    """Index the demo requests, group repeated ones into items and publish a few; the caller commits."""
    cal = load_calendar()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Case)) or 0
    agencies = list(db.session.scalars(sa.select(Agency).order_by(Agency.code)))
    indexed = 0
    if total <= INDEX_AT_MOST:
        for agency in agencies:
            rows = db.session.execute(
                sa.select(Case.id, sa.func.coalesce(Case.document_ref, "") + " " + Case.description, Case.received_on)
                .outerjoin(Signature, Signature.case_id == Case.id)
                .where(Case.agency_id == agency.id, Signature.case_id.is_(None))).all()
            indexed += bulk_index(agency, rows)
    published = 0
    for agency in agencies:
        clerk = _user(agency, "clerk")
        supervisor = _user(agency, "supervisor")
        if clerk is None or supervisor is None:
            continue
        for n, cases in enumerate(_repeated_requests(agency, today)):
            item = ops.start_item(cases[0], title=cases[0].description.removeprefix("申请公开").rstrip("。")[:300],
                                  actor=clerk)
            for case in cases[1:]:
                ops.link_case(case, item, actor=clerk)
            if n >= PUBLISHED_PER_AGENCY or not ops.can_convert_item(item):
                continue
            decided = min(cal.next_working_day(today - timedelta(days=14)), today)
            entry = ops.draft_public_entry(
                actor=clerk, title=item.title, today=decided, calendar=cal, item=item,
                topic=TOPIC_BY_AGENCY.get(agency.code, "other"),
                summary=f"该信息曾被多名申请人依申请获取，现转为主动公开。来源机关：{agency.name}。")
            if with_documents:
                # What the request disclosed, kept as its record and released as it is, then published.
                source = next(c for c in cases if ops.can_convert_case(c))
                record = records_ops.add_record(source, Upload(f"{item.title[:60]}.pdf", _pdf(item.title, agency.name)),
                                                title=item.title[:200], actor=clerk)
                ops.add_document(entry, records_ops.release_as_is(source, record, actor=clerk), actor=clerk)
            if not [f for f in entry.findings if f.status == "open"]:
                ops.approve_publication(entry, actor=supervisor, today=min(decided + timedelta(days=7), today))
                published += 1
    db.session.flush()
    return f"Indexed {indexed} requests for similarity; published {published} entries in the public column."


def _user(agency: Agency, role: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.agency_id == agency.id, User.role == role,
                                                   User.active.is_(True)).order_by(User.id))


def _repeated_requests(agency: Agency, today: date) -> list[list[Case]]:
    """Groups of demo requests with the same wording from different applicants in the last year,
    largest first (the demo's stand-in for a clerk confirming the suggestions)."""
    since = today - timedelta(days=365)
    n = sa.func.count(sa.distinct(Case.applicant_key))
    texts = db.session.execute(
        sa.select(Case.description).where(Case.agency_id == agency.id, Case.received_on >= since)
        .group_by(Case.description).having(n >= 3,
                                           sa.func.sum(sa.case((Case.outcome == "disclosed", 1), else_=0)) >= 1)
        .order_by(n.desc(), Case.description).limit(ITEMS_PER_AGENCY)).scalars().all()
    return [list(db.session.scalars(sa.select(Case).where(Case.agency_id == agency.id, Case.description == t,
                                                          Case.received_on >= since).order_by(Case.received_on)
                                    .limit(30))) for t in texts]


def _pdf(title: str, agency_name: str) -> bytes:
    from weasyprint import HTML

    html = (f"<html><head><meta charset='utf-8'></head><body style=\"font-family:'Noto Serif CJK SC',serif\">"
            f"<h1 style='font-size:16pt'>{title}</h1><p>{agency_name}</p>"
            "<p>（依申请公开转主动公开，已作脱敏处理。）</p></body></html>")
    return HTML(string=html).write_pdf()
