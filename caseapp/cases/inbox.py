"""Named queries behind the office inbox, the case page panels and the staff API's case list.

Visibility: supervisors see their whole agency; clerks their own cases and unassigned ones;
auditors and admins their agency, or every agency when they are platform-wide. Counts and
filters are computed in SQL.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from datetime import date

import sqlalchemy as sa

from caseapp.accounts.models import Agency, Department, User
from caseapp.calendar.rules import WorkingCalendar
from caseapp.cases.forms import day_filter
from caseapp.cases.identity import format_tracking_number
from caseapp.cases.models import APPLICANT_TYPES, CHANNELS, Case
from caseapp.cases.search import search_cases
from caseapp.cases.states import CLOCK_RUNNING, OPEN, Status
from caseapp.clock.rules import days_left, due_state
from caseapp.core.audit import AuditEvent
from caseapp.core.permissions import CASE_HANDLERS, Role
from caseapp.extensions import db

# The inbox lists an agency's cases by due date: this index lets "all cases, earliest due first"
# read the first page straight from the index instead of sorting the whole agency.
CASES_BY_DUE_INDEX = sa.Index("ix_cases_agency_due", Case.agency_id, Case.due_on)
# A listing of some statuses by due date reads each status in (due_on, id) order from this index
# and merges them (`_each_status_in_order`): no sort of a whole tab for one page.
CASES_BY_STATUS_DUE_INDEX = sa.Index("ix_cases_agency_status_due_id", Case.agency_id, Case.status, Case.due_on,
                                     Case.id)

PAGE_SIZE = 50
# The office counts a search's results up to this many and then says "more than 1000": counting
# every match of a frequent word among a million cases would read all of them for one page.
SEARCH_COUNT_LIMIT = 1000
TABS = ("open", "mine", "unassigned", "due_soon", "overdue", "correction", "all")
SORTS = ("due", "-due", "received", "-received")
_OPEN = tuple(s.value for s in OPEN)
_RUNNING = tuple(s.value for s in CLOCK_RUNNING)


@dataclass
class InboxFilters:
    """What the user asked the inbox for (all optional)."""

    tab: str = "open"
    q: str | None = None
    status: str | None = None
    channel: str | None = None
    applicant_type: str | None = None
    department_id: int | None = None
    handler: str | None = None  # a user id, or "none" for unassigned
    received_from: date | None = None
    received_to: date | None = None
    sort: str = "due"
    page: int = 1


@dataclass
class Page:
    items: list = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1
    per_page: int = PAGE_SIZE
    more: bool = False  # there are more than `total` (a capped count): only the first `total` are paged
    everywhere: int | None = None  # a search outside the "all" tab: its (capped) count over all cases
    everywhere_more: bool = False


def visible_cases(user) -> sa.Select:
    """A SELECT of the cases this user may list."""
    q = sa.select(Case)
    if user.agency_id is not None:
        q = q.where(Case.agency_id == user.agency_id)
    if user.role == Role.CLERK:
        q = q.where(sa.or_(Case.handler_id == user.id, Case.handler_id.is_(None)))
    return q


# A number's numeric tail as people type it: "123", "000123" or "2026-000123".
_NUMBER_TAIL = re.compile(r"^(?:(\d{4})-)?(\d{1,9})$")
YEARS_BACK = 10


def cases_by_number(user, query: str | None, today: date) -> list[Case]:
    """Cases of the user's agency (every agency for platform-wide users) whose tracking number is the
    query, whole or by its numeric tail ("123", "000123", "2026-000123"), newest first. The tail is
    expanded into the agency's numbers of the last years, so the lookup reads the unique index."""
    text = "".join((query or "").split()).upper()[:40]
    if not text:
        return []
    q = sa.select(Case)
    if user.agency_id is not None:
        q = q.where(Case.agency_id == user.agency_id)
    exact = list(db.session.scalars(q.where(Case.tracking_number == text)))
    match = _NUMBER_TAIL.match(text)
    if exact or not match:
        return exact
    seq = int(match.group(2))
    years = [int(match.group(1))] if match.group(1) else range(today.year, today.year - YEARS_BACK, -1)
    agencies = db.session.scalars(sa.select(Agency).where(Agency.id == user.agency_id)
                                  if user.agency_id is not None else sa.select(Agency))
    numbers = set()
    for agency in agencies:
        for year in years:
            try:
                numbers.add(format_tracking_number(agency.tracking_pattern, agency.tracking_prefix, year, seq))
            except (KeyError, ValueError, IndexError):
                continue
    if not numbers:
        return []
    return list(db.session.scalars(q.where(Case.tracking_number.in_(numbers))
                                   .order_by(Case.received_on.desc(), Case.id.desc())))


def _count(q: sa.Select, limit: int | None = None) -> int:
    """How many rows the SELECT of cases finds; with a limit, counting stops at limit + 1."""
    ids = q.with_only_columns(Case.id)
    if limit is not None:
        ids = ids.limit(limit + 1)
    return db.session.scalar(sa.select(sa.func.count()).select_from(ids.subquery()))


def count_matching(user, filters: InboxFilters, today: date, soon_days: int, cal: WorkingCalendar,
                   limit: int | None = None) -> int:
    """How many visible cases the filters find (a search's count over every status, for example);
    with a limit, at most limit + 1 (more than the limit)."""
    return _count(filtered_cases(user, filters, today, soon_days, cal), limit)


def due_dates(numbers) -> dict[str, date | None]:
    """tracking number -> due date, for the cases of a work list."""
    numbers = set(numbers)
    if not numbers:
        return {}
    return dict(db.session.execute(sa.select(Case.tracking_number, Case.due_on)
                                   .where(Case.tracking_number.in_(numbers))).all())


def due_soon_limit(today: date, soon_days: int, cal: WorkingCalendar) -> date:
    """The first due date that is no longer 'due soon': soon_days + 1 working days after today.

    A case is due soon when today <= due_on < this date (at most soon_days working days left).
    """
    return cal.add_working_days(today, soon_days + 1)


def _tab_condition(tab: str, user, today: date, soon_limit: date, only_status: str | None = None):
    def among(statuses):  # one of the tab's statuses when only_status is given (an equality the planner can order by)
        return Case.status == only_status if only_status is not None else Case.status.in_(statuses)

    running = among(_RUNNING)
    return {
        "open": among(_OPEN),
        "mine": sa.and_(among(_OPEN), Case.handler_id == user.id),
        "unassigned": sa.and_(Case.status == Status.SUBMITTED.value, Case.handler_id.is_(None)),
        "due_soon": sa.and_(running, Case.due_on >= today, Case.due_on < soon_limit),
        "overdue": sa.and_(running, Case.due_on < today),
        "correction": Case.status == Status.CORRECTION_REQUESTED.value,
        "all": sa.true(),
    }[tab]


def inbox_counts(user, today: date, soon_days: int, cal: WorkingCalendar) -> dict[str, int]:
    """How many visible cases each tab holds (one aggregate query over the open cases)."""
    soon_limit = due_soon_limit(today, soon_days, cal)
    tabs = [t for t in TABS if t != "all"]
    counts = [sa.func.count(Case.id).filter(_tab_condition(t, user, today, soon_limit)).label(t) for t in tabs]
    q = visible_cases(user).where(Case.status.in_(_OPEN)).with_only_columns(*counts, maintain_column_froms=True)
    row = db.session.execute(q).one()
    return {t: getattr(row, t) or 0 for t in tabs}


def filtered_cases(user, filters: InboxFilters, today: date, soon_days: int, cal: WorkingCalendar, *,
                   common: bool = False, only_status: str | None = None) -> sa.Select:
    """The visible cases narrowed by the tab, the filters and the search (unsorted, unpaged); `common`:
    the search is known to match many cases (see `search_cases`); `only_status`: just that one of
    the tab's statuses."""
    tab = filters.tab if filters.tab in TABS else "open"
    q = visible_cases(user).where(_tab_condition(tab, user, today, due_soon_limit(today, soon_days, cal), only_status))
    if filters.status:
        q = q.where(Case.status == filters.status)
    if filters.channel:
        q = q.where(Case.channel == filters.channel)
    if filters.applicant_type:
        q = q.where(Case.applicant_type == filters.applicant_type)
    if filters.department_id:
        q = q.where(Case.department_id == filters.department_id)
    if filters.handler == "none":
        q = q.where(Case.handler_id.is_(None))
    elif filters.handler and filters.handler.isdigit():
        q = q.where(Case.handler_id == int(filters.handler))
    if filters.received_from:
        q = q.where(Case.received_on >= filters.received_from)
    if filters.received_to:
        q = q.where(Case.received_on <= filters.received_to)
    if filters.q:
        q = search_cases(filters.q, q, common=common)
    return q


def _ordered(q: sa.Select, sort: str, *, few_statuses: bool) -> sa.Select:
    """Sort the listing; the id breaks ties so that paging is stable.

    A listing of some statuses by due date is not sorted here but read status by status from the
    index (`_each_status_in_order`); what still comes here with few_statuses is a search's at most
    SEARCH_COUNT_LIMIT + 1 ids, sorted in the order the merge gives (cases without a due date by
    their receipt; none are expected)."""
    due = Case.due_on
    if few_statuses:
        due = sa.func.coalesce(Case.due_on, Case.received_on)
    return {
        "due": q.order_by(due, Case.id),
        "-due": q.order_by(due.desc(), Case.id.desc()),
        "received": q.order_by(Case.received_on, Case.id),
        "-received": q.order_by(Case.received_on.desc(), Case.id.desc()),
    }.get(sort, q.order_by(due, Case.id))


@dataclass(frozen=True)
class RowClock:
    """The clock of an inbox row, from the stored due date (no pauses loaded: one query per page)."""

    running: bool
    days_left: int | None
    state: str | None


def row_clock(case: Case, today: date, soon_days: int, cal: WorkingCalendar) -> RowClock:
    """Working days left and due-soon/overdue state of a listed case."""
    if case.status not in _RUNNING or case.due_on is None:
        return RowClock(False, None, None)
    return RowClock(True, days_left(case.due_on, today, cal), due_state(case.due_on, today, cal, soon_days))


def _tab_statuses(filters: InboxFilters) -> tuple[str, ...] | None:
    """The statuses the tab and the status filter list, or None for every status."""
    tab = filters.tab if filters.tab in TABS else "open"
    statuses = {"open": _OPEN, "mine": _OPEN, "unassigned": (Status.SUBMITTED.value,), "due_soon": _RUNNING,
                "overdue": _RUNNING, "correction": (Status.CORRECTION_REQUESTED.value,), "all": None}[tab]
    if filters.status:
        statuses = tuple(s for s in (statuses or (filters.status,)) if s == filters.status)
    return statuses


def _eager(entity, eager: tuple[str, ...]) -> list:
    """Loader options: the handler and the named relationships of the listed cases, each in one statement."""
    return [sa.orm.selectinload(getattr(entity, name)) for name in ("handler", *eager)]


def _each_status_in_order(cases_of, statuses: tuple[str, ...], descending: bool, offset: int,
                          size: int, eager: tuple[str, ...] = ()) -> sa.Select:
    """A page of a few statuses' cases by due date, each status read in due order from the
    (agency, status, due_on, id) index and stopped at the page, then merged: neither database can
    read `status IN (...) ORDER BY due_on` from an index, so a tab of several statuses would sort
    every one of its cases for one page (and a common search check every open case). Cases without
    a due date (none are expected) are all taken, so the merged order is exactly the listing's.
    Each part is a subquery of its own: SQLite allows ORDER BY and LIMIT only there."""
    if not statuses:
        return sa.select(Case).where(sa.false())
    order = (Case.due_on.desc(), Case.id.desc()) if descending else (Case.due_on, Case.id)
    has_due = Case.due_on.is_not(None)
    if db.session.get_bind().dialect.name == "sqlite":
        # A unary + keeps SQLite from taking `due_on IS NOT NULL` as a range of (agency_id, due_on),
        # a walk through years of other statuses' cases, instead of (agency_id, status, due_on).
        has_due = sa.literal_column(f"+{Case.__tablename__}.due_on").is_not(None)
    parts = [cases_of(s).where(has_due).order_by(*order).limit(offset + size) for s in statuses]
    parts += [cases_of(s).where(Case.due_on.is_(None)) for s in statuses]
    parts = [sa.select(part.subquery()) for part in parts]
    row = sa.orm.aliased(Case, sa.union_all(*parts).subquery())
    due = sa.func.coalesce(row.due_on, row.received_on)
    merged = sa.select(row).order_by(*((due.desc(), row.id.desc()) if descending else (due, row.id)))
    return merged.options(*_eager(row, eager)).limit(size).offset(offset)


def inbox_page(user, filters: InboxFilters, today: date, soon_days: int, cal: WorkingCalendar,
               per_page: int = PAGE_SIZE, count_limit: int | None = None, eager: tuple[str, ...] = ()) -> Page:
    """One page of the inbox, with the total across pages; `eager`: relationships of Case the caller
    reads on every row (the staff API: pauses, department, agency), loaded for the page at once.

    With a count_limit, a search counts its results up to that many: beyond it the page says so
    (`Page.more`, `total` is the limit) and only the first count_limit results can be paged. A search
    first takes up to count_limit + 1 matching ids: when they are all, the page is listed from them;
    when there are more (a common query), the listing reads the cases in order and checks each one
    (`search_cases(common=True)`). Outside the "all" tab, the count over all cases
    (`Page.everywhere`) comes first and tells whether the query is common."""
    few_statuses = filters.tab != "all" or bool(filters.status)
    if not filters.q or count_limit is None:
        q = filtered_cases(user, filters, today, soon_days, cal)
        total = _count(q)
        pages = max(1, math.ceil(total / per_page))
        page = min(max(1, filters.page), pages)
        statuses = _tab_statuses(filters)
        if statuses is not None and filters.sort in ("due", "-due"):
            def cases_of(status):
                return filtered_cases(user, filters, today, soon_days, cal, only_status=status)

            listing = _each_status_in_order(cases_of, statuses, filters.sort == "-due", (page - 1) * per_page,
                                            per_page, eager)
        else:
            listing = _ordered(q, filters.sort, few_statuses=few_statuses)
            listing = listing.options(*_eager(Case, eager)).limit(per_page).offset((page - 1) * per_page)
        return Page(list(db.session.scalars(listing)), total, page, pages, per_page)

    everywhere = None
    common = False
    if filters.tab != "all":
        everywhere = _count(filtered_cases(user, replace(filters, tab="all"), today, soon_days, cal), count_limit)
        common = everywhere > count_limit
    ids = list(db.session.scalars(filtered_cases(user, filters, today, soon_days, cal, common=common)
                                  .with_only_columns(Case.id).limit(count_limit + 1)))
    more = len(ids) > count_limit
    total = min(len(ids), count_limit)
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, filters.page), pages)
    offset = (page - 1) * per_page
    size = min(per_page, total - offset) if more else per_page  # never past the counted results
    statuses = _tab_statuses(filters)
    if not more:
        listing = _ordered(sa.select(Case).where(Case.id.in_(ids)), filters.sort, few_statuses=few_statuses)
        listing = listing.options(*_eager(Case, eager)).limit(size).offset(offset)
    elif statuses is not None and filters.sort in ("due", "-due"):
        def cases_of(status):
            return filtered_cases(user, filters, today, soon_days, cal, common=True, only_status=status)

        listing = _each_status_in_order(cases_of, statuses, filters.sort == "-due", offset, size, eager)
    else:
        q = filtered_cases(user, filters, today, soon_days, cal, common=True)
        listing = _ordered(q, filters.sort, few_statuses=few_statuses)
        listing = listing.options(*_eager(Case, eager)).limit(size).offset(offset)
    items = list(db.session.scalars(listing))
    page_ = Page(items, total, page, pages, per_page, more)
    if everywhere is not None:
        page_.everywhere, page_.everywhere_more = min(everywhere, count_limit), everywhere > count_limit
    return page_


def earlier_requests(case: Case, limit: int = 20) -> list[Case]:
    """The same applicant's other requests to the same agency, newest first (repeat detection)."""
    return list(db.session.scalars(
        sa.select(Case)
        .where(Case.agency_id == case.agency_id, Case.applicant_key == case.applicant_key, Case.id != case.id)
        .order_by(Case.received_on.desc(), Case.id.desc())
        .limit(limit)
    ))


def requests_in_month(case: Case) -> int:
    """How many requests this applicant made to the agency in the calendar month of this case's receipt (fees, SPEC §8)."""
    first = case.received_on.replace(day=1)
    after = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Case).where(
            Case.agency_id == case.agency_id, Case.applicant_key == case.applicant_key,
            Case.received_on >= first, Case.received_on < after,
        )
    ) or 0


def timeline(case: Case) -> list[tuple[AuditEvent, User | None]]:
    """Every audit event of the case with its acting user, oldest first."""
    rows = db.session.execute(
        sa.select(AuditEvent, User).outerjoin(User, AuditEvent.actor_id == User.id)
        .where(AuditEvent.case_id == case.id).order_by(AuditEvent.id)
    )
    return [(event, user) for event, user in rows]


def assignable_users(agency_id: int) -> list[User]:
    """Active clerks and supervisors of the agency, by name."""
    return list(db.session.scalars(
        sa.select(User).where(User.agency_id == agency_id, User.active.is_(True),
                              User.role.in_([r.value for r in CASE_HANDLERS]))
        .order_by(User.display_name)
    ))


def get_user_in_agency(username_or_id, agency_id: int | None) -> User | None:
    """A user by username or id, in the agency (any agency when agency_id is None); None when unknown."""
    cond = User.username == str(username_or_id)
    if isinstance(username_or_id, int) or str(username_or_id).isdigit():
        cond = sa.or_(cond, User.id == int(username_or_id))
    q = sa.select(User).where(cond)
    if agency_id is not None:
        q = q.where(User.agency_id == agency_id)
    return db.session.scalar(q)


def departments_for(user) -> list[Department]:
    """Departments the user's filters may offer (their agency's, or all for platform-wide users)."""
    q = sa.select(Department).order_by(Department.agency_id, Department.code)
    if user.agency_id is not None:
        q = q.where(Department.agency_id == user.agency_id)
    return list(db.session.scalars(q))


def handlers_for(user) -> list[User]:
    """Users the handler filter may offer."""
    q = sa.select(User).where(User.role.in_([r.value for r in CASE_HANDLERS])).order_by(User.display_name)
    if user.agency_id is not None:
        q = q.where(User.agency_id == user.agency_id)
    return list(db.session.scalars(q))


def filters_from_args(args) -> tuple[InboxFilters, list[str]]:
    """Inbox filters from a query string (the office page and the export share them); malformed
    values are dropped, each with a message."""
    problems = []

    def integer(name, default=None):
        value = args.get(name, "")
        return int(value) if value.isdigit() and len(value) < 10 else default

    filters = InboxFilters(
        tab=args.get("tab") if args.get("tab") in TABS else "open",
        q=(args.get("q") or "").strip()[:100] or None,
        status=args.get("status") if args.get("status") in {s.value for s in Status} else None,
        channel=args.get("channel") if args.get("channel") in CHANNELS else None,
        applicant_type=args.get("applicant_type") if args.get("applicant_type") in APPLICANT_TYPES else None,
        department_id=integer("department"),
        handler=args.get("handler") if args.get("handler") == "none" or (args.get("handler") or "").isdigit()
        and len(args.get("handler")) < 10 else None,
        received_from=day_filter(args, "received_from", problems),
        received_to=day_filter(args, "received_to", problems),
        sort=args.get("sort") if args.get("sort") in SORTS else "due",
        page=integer("page", 1) or 1,
    )
    return filters, problems
