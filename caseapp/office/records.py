"""The records of a case in the office: a record's file, its page images, and the redaction page
(terms previewed on the page images, areas drawn with the mouse, posted to redact_record through
the runner). The records panel of the case page is in office/panels.py; adding a record and
releasing one as it is go through the generic action route (office/actions.py)."""
from __future__ import annotations

from flask import abort, jsonify, make_response, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from caseapp.core import filestore
from caseapp.core.actions import Ctx, answer_office, get_action, role_refusal
from caseapp.core.errors import ValidationError
from caseapp.core.forms import apply_errors
from caseapp.core.inputs import Schema
from caseapp.core.permissions import CASE_READERS, roles_required
from caseapp.office import bp
from caseapp.office.case import load_case
from caseapp.office.panels import RECORD_KIND_LABELS
from caseapp.records import pdf
from caseapp.records.files import PDF, RECORD_TYPES, read_stored
from caseapp.records.grounds import GROUNDS
from caseapp.records.queries import record_of_case

# The page images are drawn at 108 dpi: sharp enough to read a name at a column's width.
ZOOM = 1.5


def _record(tracking_number: str, record_id: int):
    """The case (404 unknown, 403 another agency) and its record (404 for any other)."""
    case = load_case(tracking_number)
    record = record_of_case(case, record_id)
    if record is None:
        abort(404)
    return case, record


def _redaction():
    """The redact_record action, 403 for a role that may not take it (read from the registry)."""
    action = get_action("redact_record")
    if role_refusal(action, current_user) is not None:
        abort(403)
    return action


def _pdf_of(record) -> bytes:
    """The PDF the record is redacted from (an original's PDF form, or the version itself)."""
    return read_stored(record, as_pdf=True)


@bp.get("/cases/<tracking_number>/records/<int:record_id>/file")
@login_required
@roles_required(*CASE_READERS)
def record_file(tracking_number: str, record_id: int):
    """A record's file for staff: an original as received (or `?as=pdf` its PDF form), a version's PDF."""
    _case, record = _record(tracking_number, record_id)
    if request.args.get("as") == "pdf" and record.pdf_key:
        name = record.original_name.rsplit(".", 1)[0] + ".pdf"
        return send_file(filestore.open_path(record.pdf_key), mimetype=PDF, as_attachment=True,
                         download_name=name, max_age=0)
    return send_file(filestore.open_path(record.storage_key), mimetype=record.content_type, as_attachment=True,
                     download_name=record.original_name, max_age=0)


@bp.get("/cases/<tracking_number>/records/<int:record_id>/pages/<int:page>.png")
@login_required
@roles_required(*CASE_READERS)
def record_page(tracking_number: str, record_id: int, page: int):
    """One page of a record as PNG. A stored file never changes, so its digest is the ETag: the
    browser keeps the image and asks again each time (access checked), answered 304 unrendered."""
    _case, record = _record(tracking_number, record_id)
    if not 1 <= page <= record.page_count:
        abort(404)
    etag = f"{record.pdf_sha256 or record.sha256}-{page}-{ZOOM}"
    if request.if_none_match.contains(etag):
        response = make_response("", 304)
    else:
        try:
            response = make_response(pdf.render_page(_pdf_of(record), page, zoom=ZOOM))
        except (pdf.PdfError, IndexError):
            abort(404)
        response.mimetype = "image/png"
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def _redaction_page(case, record, action, form, *, errors: dict | None = None):
    """The redaction page: the page images, the terms and their preview, the areas, ground and reason."""
    try:
        sizes = pdf.page_sizes(_pdf_of(record))
    except pdf.PdfError:
        abort(409)
    if errors:
        apply_errors(form, {k: v for k, v in errors.items() if k != "record_id"})
    return render_template(
        "office/redact.html", case=case, record=record, action=action, form=form, errors=errors or {},
        pages=[{"number": n, "width": w, "height": h} for n, (w, h) in enumerate(sizes, start=1)],
        kind_labels=RECORD_KIND_LABELS, record_types=RECORD_TYPES, grounds=GROUNDS,
    )


@bp.route("/cases/<tracking_number>/records/<int:record_id>/redact", methods=["GET", "POST"])
@login_required
def redact_page(tracking_number: str, record_id: int):
    """GET: the redaction page of a record. POST: redact_record through the runner; refused input
    comes back on this page with what was typed and drawn (nothing changed), success goes to the case."""
    case, record = _record(tracking_number, record_id)
    action = _redaction()
    ctx = Ctx(user=current_user, case=case)
    form_class = action.input.form_class(ctx)
    if request.method == "GET":
        return _redaction_page(case, record, action, form_class(data={"version": case.version,
                                                                      "record_id": record.id}))
    if request.form.get("record_id") != str(record.id):
        abort(400)  # the page posts the record of its URL only
    back = url_for("office.case_page", tracking_number=case.tracking_number, _anchor="records")
    return answer_office(action, ctx, form_class(), back=back,
                         render=lambda f, errors: _redaction_page(case, record, action, f, errors=errors))


def _summary(hits: list[pdf.Hit], terms: list[str]) -> list[str]:
    """The preview in words: each term's places, page by page, and the terms not found."""
    lines = []
    for term in terms:
        mine = [h for h in hits if h.term == term]
        if mine:
            pages = "，".join(_("p. %(page)s: %(n)s", page=h.page, n=h.count) for h in mine)
            lines.append(_("“%(term)s”: %(n)s place(s) (%(pages)s)", term=term, n=sum(h.count for h in mine),
                           pages=pages))
    missing = [t for t in terms if not any(h.term == t for h in hits)]
    if missing:
        lines.append(_("Not found in the record: %(terms)s. Check the spelling: a term that is not found stops "
                       "the redaction.", terms="、".join(f"“{t}”" for t in missing)))
    return lines


@bp.post("/cases/<tracking_number>/records/<int:record_id>/find")
@login_required
def record_find(tracking_number: str, record_id: int):
    """The redaction page's preview (a read, posted so that the terms stay out of URLs and logs):
    where each term occurs, as boxes in PDF points per page, and the terms not found."""
    _case, record = _record(tracking_number, record_id)
    action = _redaction()
    terms_field = next(f for f in action.input.fields if f.name == "terms")
    try:
        terms = list(dict.fromkeys(Schema(terms_field).clean(request.form, source="office")["terms"]))
    except ValidationError as err:
        message = str(next(iter(err.errors.values()), err.message))
        return jsonify({"error": {"code": "invalid", "message": message}}), 422
    try:
        hits = pdf.find_terms(_pdf_of(record), terms) if terms else []
    except pdf.PdfError:
        abort(409)
    return jsonify({
        "hits": [{"term": h.term, "page": h.page, "count": h.count, "rects": [list(r) for r in h.rects]}
                 for h in hits],
        "missing": [t for t in terms if not any(h.term == t for h in hits)],
        "summary": _summary(hits, terms) if terms else [_("Type the text to remove, one per line.")],
    })
