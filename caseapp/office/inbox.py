"""The inbox: tabs with counts, filters, search, sorted by due date, 50 a page."""
from __future__ import annotations

import re

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from caseapp.calendar.service import load_calendar
from caseapp.cases import inbox as inbox_queries
from caseapp.cases.search import query_groups
from caseapp.clock.service import due_soon_days
from caseapp.core.clock import local_today
from caseapp.core.permissions import CASE_READERS, roles_required
from caseapp.office import bp
from caseapp.office.labels import labels
from caseapp.reviews import queries as review_queries


def highlight(text: str | None, query: str | None) -> Markup:
    """The text, escaped, with the query's words marked (escaped first, then marked: no markup from
    the text or the query gets through)."""
    safe = str(escape(text or ""))
    terms = set()
    for word, parts in query_groups(query or ""):
        terms.add(word)
        terms.update(parts)
    query = (query or "").strip()
    if query and len(query) <= 40:
        terms.add(query)
    terms = sorted((str(escape(t)) for t in terms if t), key=len, reverse=True)
    if not terms:
        return Markup(safe)
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    # Never mark inside an entity such as &amp; or &#39;.
    parts = re.split(r"(&[#\w]+;)", safe)
    return Markup("".join(p if p.startswith("&") and p.endswith(";") else
                          pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", p) for p in parts))


@bp.get("/cases")
@login_required
@roles_required(*CASE_READERS)
def inbox():
    """The inbox: tabs with counts, filters, search, sorted by due date, 50 a page."""
    filters, problems = inbox_queries.filters_from_args(request.args)
    today = local_today()
    by_number = inbox_queries.cases_by_number(current_user, filters.q, today) if filters.q else []
    if len(by_number) == 1:  # a tracking number or its tail: straight to the case, from any tab
        return redirect(url_for("office.case_page", tracking_number=by_number[0].tracking_number))
    cal = load_calendar()
    soon = due_soon_days(current_user.agency)
    counts = inbox_queries.inbox_counts(current_user, today, soon, cal)
    if by_number:  # the same tail in several years: list them all
        page = inbox_queries.Page(by_number, len(by_number))
    else:
        page = inbox_queries.inbox_page(current_user, filters, today, soon, cal,
                                        count_limit=inbox_queries.SEARCH_COUNT_LIMIT)
    if filters.page > page.pages:  # past the last page: nothing there (not page 1 again)
        abort(404)
    everywhere = everywhere_more = None
    if filters.q and not by_number and filters.tab != "all":  # the search's (capped) count over all cases
        everywhere, everywhere_more = page.everywhere, page.everywhere_more
    clocks = {c.id: inbox_queries.row_clock(c, today, soon, cal) for c in page.items}
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "office/inbox.html", filters=filters, problems=problems, counts=counts, page=page, clocks=clocks,
        args=args, departments=inbox_queries.departments_for(current_user),
        handlers=inbox_queries.handlers_for(current_user), today=today, everywhere=everywhere,
        everywhere_more=everywhere_more, review_answers=review_queries.open_answers(current_user.agency_id),
        mark=lambda text: highlight(text, filters.q), **labels(),
    )
