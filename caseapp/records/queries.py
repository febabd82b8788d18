"""Reading records: a case's records and versions, one record of a case, the release versions."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from caseapp.extensions import db
from caseapp.records.models import Record, SearchRecord


def records_of_case(case) -> list[Record]:
    """Every record of the case and every version, oldest first."""
    return list(db.session.scalars(sa.select(Record).where(Record.case_id == case.id).order_by(Record.id)))


def record_of_case(case, record_id) -> Record | None:
    """One record or version of this case (None for an unknown id or another case's record)."""
    record = db.session.get(Record, record_id) if isinstance(record_id, int) else None
    return record if record is not None and record.case_id == case.id else None


def release_versions(case) -> list[Record]:
    """The versions of the case's records that may be released (redacted, or as they are)."""
    return [r for r in records_of_case(case) if r.releasable]


def versions_of(records: list[Record], original: Record) -> list[Record]:
    """The versions made from an original (directly or from one of its versions), oldest first."""
    return [r for r in records if r.kind != "original" and r.original.id == original.id]


def redaction_log(record: Record) -> list[dict]:
    """What was removed in a version and in the versions it was made from: term or area, page, count,
    ground, reason, who and when (the API's records[].redactions[], the letter's withheld parts)."""
    out: list[dict] = []
    chain = []
    node = record
    while node is not None and node.kind == "redacted":
        chain.append(node)
        node = node.parent
    for version in reversed(chain):
        for entry in version.entries:
            item = {"kind": entry.kind, "page": entry.page, "count": entry.count, "exemption": version.exemption,
                    "reason": version.reason, "by": version.created_by.display_name if version.created_by else None,
                    "at": version.created_at.isoformat(), "record_id": version.id}
            if entry.kind == "term":
                item["term"] = entry.term
            else:
                item["area"] = {"page": entry.page, "x0": entry.x0, "y0": entry.y0, "x1": entry.x1, "y1": entry.y1}
            out.append(item)
    return out


def records_by_case(case_ids) -> dict[int, list[Record]]:
    """case id -> its records and versions, oldest first, with their redaction entries (two
    statements for a page of cases; a version's parent is of the same case, so already loaded)."""
    out: dict[int, list[Record]] = {i: [] for i in case_ids}
    if out:
        for record in db.session.scalars(sa.select(Record).where(Record.case_id.in_(out))
                                         .options(selectinload(Record.entries)).order_by(Record.id)).unique():
            out[record.case_id].append(record)
    return out


def searches_by_case(case_ids) -> dict[int, list[SearchRecord]]:
    """case id -> its search records, oldest first (one statement for a page of cases)."""
    out: dict[int, list[SearchRecord]] = {i: [] for i in case_ids}
    if out:
        for search in db.session.scalars(sa.select(SearchRecord).where(SearchRecord.case_id.in_(out))
                                         .order_by(SearchRecord.id)):
            out[search.case_id].append(search)
    return out


def records_json(case, records: list[Record] | None = None) -> list[dict]:
    """The case's records and versions as the staff API shows them (GET /api/v1/cases/<number>);
    `records`: already loaded by `records_by_case`."""
    out = []
    for record in records_of_case(case) if records is None else records:
        out.append({
            "record_id": record.id, "kind": record.kind, "title": record.title, "parent_id": record.parent_id,
            "name": record.original_name, "content_type": record.content_type, "size": record.size,
            "sha256": record.sha256, "pages": record.page_count, "releasable": record.releasable,
            "exemption": record.exemption, "reason": record.reason,
            "by": record.created_by.display_name if record.created_by else None,
            "at": record.created_at.isoformat(),
            "redactions": redaction_log(record) if record.kind == "redacted" else [],
        })
    return out


def records_by_original(case) -> list[tuple[Record, list[Record]]]:
    """Each original record of the case with its versions, oldest first (the office's records panel)."""
    records = records_of_case(case)
    return [(r, versions_of(records, r)) for r in records if r.kind == "original"]


# The labels of the places searched (records/models.py PLACE_KINDS): the office's form and panel,
# and the letters' short list of where was searched.
PLACE_LABELS = {"archive": _l("Archive room"), "document_system": _l("Document system"),
                "business_system": _l("Business system"), "paper_files": _l("Paper files"),
                "department": _l("Department that would hold it"), "other": _l("Other")}


# The same places as a letter names them: always Chinese, whatever the language of the user who
# issues it; "other" is left out (its detail is the clerk's words, not the letter's).
LETTER_PLACE_WORDS = {"archive": "档案室", "document_system": "公文系统", "business_system": "业务系统",
                      "paper_files": "纸质文件", "department": "相关业务部门"}


def searches_of_case(case) -> list[SearchRecord]:
    """The case's search records, oldest first."""
    return list(db.session.scalars(sa.select(SearchRecord).where(SearchRecord.case_id == case.id)
                                   .order_by(SearchRecord.id)))


def has_search(case) -> bool:
    """Whether a search for the requested information was recorded on the case."""
    return db.session.scalar(sa.select(SearchRecord.id).where(SearchRecord.case_id == case.id).limit(1)) is not None


def place_text(place: dict) -> str:
    """One place searched in words: its kind's label, with its detail (相关业务部门（财务处）)."""
    label = str(PLACE_LABELS.get(place.get("kind"), place.get("kind")))
    detail = place.get("detail") or ""
    if place.get("kind") == "other" and detail:
        return detail
    return f"{label}（{detail}）" if detail else label


def searched_places(case) -> str:
    """Where the case's searches looked, as a short list of the place kinds (档案室、公文系统), for the
    letter's one sentence that a search was made; "" when none was recorded."""
    kinds: list[str] = []
    for search in searches_of_case(case):
        for place in search.places:
            kind = place.get("kind")
            if kind in LETTER_PLACE_WORDS and kind not in kinds:
                kinds.append(kind)
    return "、".join(LETTER_PLACE_WORDS[k] for k in kinds)


def searches_json(case, searches: list[SearchRecord] | None = None) -> list[dict]:
    """The case's search records as the staff API shows them (GET /api/v1/cases/<number> searches[]);
    `searches`: already loaded by `searches_by_case`."""
    return [{"search_id": s.id, "places": [dict(p) for p in s.places], "terms": list(s.terms),
             "searched_on": s.searched_on.isoformat(), "result": s.result,
             "by": s.created_by.display_name if s.created_by else None, "at": s.created_at.isoformat()}
            for s in (searches_of_case(case) if searches is None else searches)]
