"""The inbox: tabs with counts, filters, search, sorted by due date, 50 a page."""
from __future__ import annotations

import re
from dataclasses import replace

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from caseapp.calendar.service import load_calendar
from caseapp.cases import inbox as inbox_queries
from caseapp.cases.forms import parse_day
from caseapp.cases.labels import APPLICANT_TYPE_LABELS, CHANNEL_LABELS
from caseapp.cases.search import query_groups
from caseapp.cases.states import Status
from caseapp.clock.service import due_soon_days
from caseapp.core.db import local_today
from caseapp.core.permissions import CASE_READERS, roles_required
from caseapp.office import bp
from caseapp.office.labels import labels


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


def _filters_from_args(args) -> tuple[inbox_queries.InboxFilters, list[str]]:
    """Inbox filters from the query string; malformed values are dropped with a message."""
    problems = []

    def day(name):
        try:
            return parse_day(args.get(name))
        except ValueError:
            problems.append(_("“%(value)s” is not a date like 2026-11-27; that filter was ignored.",
                              value=args.get(name)))
            return None

    def integer(name, default=None):
        value = args.get(name, "")
        return int(value) if value.isdigit() and len(value) < 10 else default

    filters = inbox_queries.InboxFilters(
        tab=args.get("tab") if args.get("tab") in inbox_queries.TABS else "open",
        q=(args.get("q") or "").strip()[:100] or None,
        status=args.get("status") if args.get("status") in {s.value for s in Status} else None,
        channel=args.get("channel") if args.get("channel") in CHANNEL_LABELS else None,
        applicant_type=args.get("applicant_type") if args.get("applicant_type") in APPLICANT_TYPE_LABELS else None,
        department_id=integer("department"),
        handler=args.get("handler") if args.get("handler") == "none" or (args.get("handler") or "").isdigit() else None,
        received_from=day("received_from"),
        received_to=day("received_to"),
        sort=args.get("sort") if args.get("sort") in inbox_queries.SORTS else "due",
        page=integer("page", 1) or 1,
    )
    return filters, problems


@bp.get("/cases")
@login_required
@roles_required(*CASE_READERS)
def inbox():
    """The inbox: tabs with counts, filters, search, sorted by due date, 50 a page."""
    filters, problems = _filters_from_args(request.args)
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
        page = inbox_queries.inbox_page(current_user, filters, today, soon, cal)
    everywhere = None
    if filters.q and not by_number and filters.tab != "all":
        everywhere = inbox_queries.count_matching(current_user, replace(filters, tab="all"), today, soon, cal)
    clocks = {c.id: inbox_queries.row_clock(c, today, soon, cal) for c in page.items}
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "office/inbox.html", filters=filters, problems=problems, counts=counts, page=page, clocks=clocks,
        args=args, departments=inbox_queries.departments_for(current_user),
        handlers=inbox_queries.handlers_for(current_user), today=today, everywhere=everywhere,
        mark=lambda text: highlight(text, filters.q), **labels(),
    )
