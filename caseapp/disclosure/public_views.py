"""The public column "依申请公开转主动公开" (/public/): lists per agency and across all, Chinese
search, topic, agency and year filters, detail pages with downloads, and an Atom feed.
Only published entries are reachable; nothing of the requests or their applicants is shown."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, send_file

from caseapp.core.filestore import open_path
from caseapp.core.urls import public_url
from caseapp.disclosure import queries
from caseapp.disclosure.labels import TOPICS
from caseapp.disclosure.models import PublicDocument
from caseapp.extensions import db

bp = Blueprint("public", __name__, url_prefix="/public")


def _filters():
    q = (request.args.get("q") or "").strip()[:100]
    agency = queries.active_agency(request.args.get("agency"))
    topic = request.args.get("topic") if request.args.get("topic") in TOPICS else None
    year = request.args.get("year", type=int)
    year = year if year and 2000 <= year <= 2100 else None
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    return q, agency, topic, year, page


@bp.get("/")
def index():
    """The column: all agencies, or one (?agency=CODE), with search and filters."""
    q, agency, topic, year, page = _filters()
    entries, total = queries.published_entries(q=q, agency=agency, year=year, topic=topic, page=page)
    pages = max((total + queries.PUBLIC_PAGE_SIZE - 1) // queries.PUBLIC_PAGE_SIZE, 1)
    if page > pages:  # past the last page: nothing there (not page 1 again)
        abort(404)
    return render_template("public/index.html", entries=entries, total=total, page=page, pages=pages, q=q,
                           agency=agency, topic=topic, year=year, topics=TOPICS, years=queries.published_years(),
                           agencies=queries.agencies_with_entries())


@bp.get("/entries/<int:entry_id>")
def entry(entry_id: int):
    """One published entry with its documents."""
    found = queries.published_entry(entry_id)
    if found is None:
        abort(404)
    return render_template("public/entry.html", entry=found, topics=TOPICS)


@bp.get("/entries/<int:entry_id>/documents/<int:document_id>")
def document(entry_id: int, document_id: int):
    """Download a published entry's document (looked up by its record, never by a path)."""
    found = queries.published_entry(entry_id)
    doc = db.session.get(PublicDocument, document_id)
    if found is None or doc is None or doc.entry_id != found.id:
        abort(404)
    return send_file(open_path(doc.storage_key), mimetype=doc.content_type, as_attachment=True,
                     download_name=doc.original_name, max_age=3600)


@bp.get("/feed.atom")
def feed():
    """An Atom feed of the newest published entries (?agency=CODE for one agency)."""
    agency = queries.active_agency(request.args.get("agency"))
    entries, _ = queries.published_entries(agency=agency, page_size=50)
    body = render_template("public/feed.xml", entries=entries, agency=agency, topics=TOPICS,
                           self_url=public_url("public.feed", **({"agency": agency.code} if agency else {})),
                           home_url=public_url("public.index"))
    return body, 200, {"Content-Type": "application/atom+xml; charset=utf-8"}


@bp.app_context_processor
def _tracking_helpers():
    # The applicant's tracking page links to entries published from the request.
    return {"published_entries_for_case": queries.published_entries_for_case}
