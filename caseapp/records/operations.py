"""Writes on records: add a record, make a redacted version, mark one for release as it is.

Each operation checks its input, stores its files (removed again if the transaction rolls back),
records one audit event and flushes; the runner commits.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask_babel import lazy_gettext as _l

from caseapp.cases.attachments import Upload, clean_filename
from caseapp.core import filestore
from caseapp.core.audit import record_event
from caseapp.core.errors import ValidationError
from caseapp.extensions import db
from caseapp.records import pdf
from caseapp.records.files import PDF, RECORD_TYPES, pdf_form, read_stored, record_type
from caseapp.records.grounds import GROUNDS
from caseapp.records.models import PLACE_KINDS, PLACES_NAMED, Record, RedactionEntry, SearchRecord


def _refuse(field: str, message) -> ValidationError:
    return ValidationError(message, errors={field: message})


def _pdf_refusal(err: pdf.PdfError, name: str) -> ValidationError:
    if err.reason == "encrypted":
        return _refuse("file", _l("“%(name)s” is encrypted (password protected); please add it without the "
                                  "password.", name=name))
    if err.reason == "conversion":
        return _refuse("file", _l("“%(name)s” could not be converted to PDF; please add it as PDF.", name=name))
    return _refuse("file", _l("“%(name)s” is damaged and cannot be read; please add a good copy.", name=name))


def add_record(case, upload: Upload, *, title: str | None, actor) -> Record:
    """Store a record as received (with its SHA-256) and, for DOCX, XLSX and images, its PDF form."""
    name = clean_filename(upload.filename)
    content_type = record_type(upload, name)
    try:
        converted = pdf_form(upload.data, content_type)
        pages = pdf.page_count(converted if converted is not None else upload.data)
    except pdf.PdfError as err:
        raise _pdf_refusal(err, name) from None
    stored = filestore.store_bytes(upload.data, area="records")
    record = Record(case_id=case.id, kind="original", title=(title or "").strip()[:200] or name.rsplit(".", 1)[0],
                    original_name=name, content_type=content_type, size=stored.size, sha256=stored.sha256,
                    storage_key=stored.storage_key, page_count=pages, created_by_id=actor.id)
    if converted is not None:
        as_pdf = filestore.store_bytes(converted, area="records")
        record.pdf_key, record.pdf_sha256 = as_pdf.storage_key, as_pdf.sha256
    db.session.add(record)
    db.session.flush()
    record_event("record.added", actor=actor, case=case,
                 after={"record_id": record.id, "title": record.title, "name": name, "type": RECORD_TYPES[content_type],
                        "sha256": record.sha256, "size": record.size, "pages": pages})
    db.session.flush()
    return record


def _version(source: Record, *, kind: str, data: bytes, actor, exemption=None, reason=None) -> Record:
    stored = filestore.store_bytes(data, area="records")
    version = Record(case_id=source.case_id, kind=kind, parent_id=source.id, title=source.title,
                     original_name=source.original_name.rsplit(".", 1)[0] + ".pdf", content_type=PDF,
                     size=stored.size, sha256=stored.sha256, storage_key=stored.storage_key,
                     page_count=pdf.page_count(data), exemption=exemption, reason=reason, created_by_id=actor.id)
    db.session.add(version)
    db.session.flush()
    return version


def _areas(areas: Sequence[dict]) -> list[pdf.Area]:
    out = []
    for i, area in enumerate(areas, start=1):
        try:
            out.append(pdf.Area(int(area["page"]), *(float(area[k]) for k in ("x0", "y0", "x1", "y1"))))
        except (KeyError, TypeError, ValueError):
            raise _refuse("areas", _l("Area %(n)s: give page, x0, y0, x1 and y1 (numbers, in PDF points).",
                                      n=i)) from None
    return out


def redact_record(case, source: Record, *, terms: Sequence[str], areas: Sequence[dict], exemption: str, reason: str,
                  actor) -> Record:
    """A new version of the record with the terms and areas removed (SPEC §11), logged entry by entry."""
    ground = GROUNDS.get(exemption)
    if ground is None:
        raise _refuse("exemption", _l("Please choose the ground for withholding."))
    terms = list(dict.fromkeys(t.strip() for t in terms if t and t.strip()))
    boxes = _areas(areas)
    if not terms and not boxes:
        raise _refuse("terms", _l("Give the text to remove or draw the areas to remove."))
    try:
        result = pdf.redact(read_stored(source, as_pdf=True), terms=terms, areas=boxes, label=ground.box)
    except pdf.RedactionRefused as refused:
        errors = {}
        if refused.missing:
            errors["terms"] = _l("Not found in the record: %(terms)s. Nothing was removed; check the spelling.",
                                 terms="、".join(f"“{t}”" for t in refused.missing))
        if refused.outside:
            errors["areas"] = _l("Outside the page: %(areas)s. The record has %(n)s page(s); draw the areas on them.",
                                 areas="、".join(f"p.{a.page}" for a in refused.outside), n=source.page_count)
        raise ValidationError(next(iter(errors.values())), errors=errors) from None
    except pdf.PdfError as err:
        raise _pdf_refusal(err, source.original_name) from None
    version = _version(source, kind="redacted", data=result.data, actor=actor, exemption=exemption,
                       reason=reason.strip())
    for hit in result.hits:
        db.session.add(RedactionEntry(record_id=version.id, kind="term", page=hit.page, term=hit.term,
                                      count=hit.count))
    for area in result.areas:
        db.session.add(RedactionEntry(record_id=version.id, kind="area", page=area.page, count=1, x0=area.x0,
                                      y0=area.y0, x1=area.x1, y1=area.y1))
    db.session.flush()
    db.session.refresh(version)
    record_event("record.redacted", actor=actor, case=case,
                 after={"record_id": version.id, "from_record_id": source.id, "exemption": exemption,
                        "terms": len(terms), "areas": len(boxes), "removed": sum(h.count for h in result.hits)
                        + len(boxes), "sha256": version.sha256})
    db.session.flush()
    return version


def release_as_is(case, source: Record, *, actor) -> Record:
    """Mark an original for release without redaction: a sanitised copy of its PDF form is the version."""
    if source.kind != "original":
        raise _refuse("record_id", _l("This is already a release version."))
    try:
        data = pdf.sanitise(read_stored(source, as_pdf=True))
    except pdf.PdfError as err:
        raise _pdf_refusal(err, source.original_name) from None
    version = _version(source, kind="as_is", data=data, actor=actor)
    record_event("record.released_as_is", actor=actor, case=case,
                 after={"record_id": version.id, "from_record_id": source.id, "sha256": version.sha256})
    db.session.flush()
    return version



MAX_PLACE_DETAIL = 200


def _places(places: Sequence[dict]) -> list[dict]:
    """The places searched as [{kind, detail}], each kind known, the department and "other" named."""
    out: list[dict] = []
    for i, place in enumerate(places, start=1):
        kind = place.get("kind") if isinstance(place, dict) else None
        detail = place.get("detail") if isinstance(place, dict) else None
        if kind not in PLACE_KINDS:
            raise _refuse("places", _l("Place %(n)s: choose where was searched (archive, document system, business "
                                       "system, paper files, the department that would hold it, other).", n=i))
        if detail is not None and not isinstance(detail, str):
            raise _refuse("places", _l("Place %(n)s: the detail must be text.", n=i))
        detail = (detail or "").strip()
        if len(detail) > MAX_PLACE_DETAIL:
            raise _refuse("places", _l("Place %(n)s: at most %(max)s characters.", n=i, max=MAX_PLACE_DETAIL))
        if kind in PLACES_NAMED and not detail:
            raise _refuse("places", _l("Name the department searched, or say which other place was searched."))
        item = {"kind": kind, "detail": detail}
        if item not in out:
            out.append(item)
    if not out:
        raise _refuse("places", _l("Please say where was searched."))
    return out


def record_search(case, *, places: Sequence[dict], terms: Sequence[str], searched_on: date | None, result: str,
                  actor, today: date) -> SearchRecord:
    """Record a search made for the requested information (SPEC §12): where, with which terms, on
    which day (not in the future, not before the request was received) and what was found."""
    clean_places = _places(places)
    clean_terms = list(dict.fromkeys(t.strip() for t in terms if t and t.strip()))
    if not clean_terms:
        raise _refuse("terms", _l("Please give the search terms used."))
    if searched_on is None:
        raise _refuse("searched_on", _l("Please enter the date of the search."))
    if searched_on > today:
        raise _refuse("searched_on", _l("The date of the search cannot be in the future."))
    if case.received_on and searched_on < case.received_on:
        raise _refuse("searched_on", _l("The search cannot be before the request was received (%(day)s).",
                                        day=case.received_on.isoformat()))
    text = (result or "").strip()
    if not text:
        raise _refuse("result", _l("Please say what the search found."))
    search = SearchRecord(case_id=case.id, places=clean_places, terms=clean_terms, searched_on=searched_on,
                          result=text, created_by_id=actor.id)
    db.session.add(search)
    db.session.flush()
    record_event("record.search_recorded", actor=actor, case=case,
                 after={"search_id": search.id, "places": clean_places, "terms": clean_terms,
                        "searched_on": searched_on.isoformat()})
    db.session.flush()
    return search
