"""Open statistics for the public (issue 27 item 4): named queries behind /public/statistics.

One agency's year (or the whole platform's): requests received per month, outcomes, working days
to reply (median and 90th percentile), replies on time, extensions, fees and reviews with their
results. Every count is made in SQL (GROUP BY); only the working days are finished in Python, per
distinct (clock start, closing) pair, with the working calendar (caseapp.calendar).

Privacy: a figure of 1 to 4 cases is never shown (nor a median, a share or an amount resting on
fewer than 5 cases); the page, the chart and the CSV say "少于5件" instead, so that no applicant
can be singled out. No applicant field is ever read here.

Where the figures come from: for a year whose annual report an agency has published
(caseapp.stats.publication), its outcomes, reviews and fee figures are the published ones, frozen;
the platform adds the published figures of the agencies that published to the live figures of
the others. Everything else (the months, the days, the share on time, the extensions) is counted
from the records. The raw figures are cached for the day (key: date, database, agency, year), so
the current year is updated daily.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from cachetools import TTLCache
from flask_babel import lazy_gettext as _l

from caseapp.accounts.models import Agency
from caseapp.calendar.service import load_calendar
from caseapp.cases.closures import CaseClosure
from caseapp.cases.models import Case
from caseapp.cases.outcomes import OUTCOMES
from caseapp.extensions import db
from caseapp.fees.models import Fee
from caseapp.fees.states import FeeStatus
from caseapp.reviews.models import KIND_LABELS, KINDS as REVIEW_KINDS, RESULT_LABELS, RESULTS as REVIEW_RESULTS
from caseapp.reviews.queries import table4_rows
from caseapp.stats.models import PublishedReport

THRESHOLD = 5          # fewer cases than this are never shown
FIRST_YEAR = 2008      # the Regulations took effect on 1 May 2008
ANSWERED_KINDS = ("reply", "close")  # closings that answer the request (not withdrawals or lapses)
TABLES = ("per_month", "outcomes", "reply_days", "on_time", "extensions", "fees", "reviews")


class Suppressed:
    """A figure withheld because it rests on fewer than THRESHOLD cases."""

    def __str__(self) -> str:
        return str(_l("Fewer than 5"))

    def __repr__(self) -> str:
        return "Suppressed()"

    def __eq__(self, other) -> bool:
        return isinstance(other, Suppressed)

    def __hash__(self) -> int:
        return 0


SUPPRESSED = Suppressed()


def shown(n: int | None, basis: int | None = None):
    """The figure `n`, or SUPPRESSED when it (or the count of cases it rests on) is 1 to 4."""
    cases = n if basis is None else basis
    if cases is not None and 0 < cases < THRESHOLD:
        return SUPPRESSED
    return n


def _text(v) -> str:
    return "—" if v is None else str(v)


def _number(v):
    return v if isinstance(v, int | float) else None


@dataclass
class Table:
    """One table of the page: a chart and its accessible table, and one CSV.

    A plain table has rows of (label, value); a table with `columns` has rows of (label, [value per
    column]) and is drawn as grouped bars. A value is an int, a float, None (no figure) or SUPPRESSED.
    `chart_rows` picks the rows the chart draws (a count beside a number of days stays in the table).
    """

    name: str
    title: object
    kind: str                       # bar, line or pie (for public_stats.js)
    header: tuple[object, object]   # (what, how many)
    rows: list[tuple[str, object]] = field(default_factory=list)
    note: object | None = None
    columns: list[str] | None = None
    chart_rows: slice = field(default_factory=lambda: slice(None))

    def cells(self) -> list[tuple[str, object]]:
        """The rows as text: suppressed figures as their words, missing ones as a dash."""
        if self.columns:
            return [(label, [_text(v) for v in values]) for label, values in self.rows]
        return [(label, _text(v)) for label, v in self.rows]

    def csv_header(self) -> list[str]:
        """The CSV's first line."""
        return [str(self.header[0]), *(self.columns or [str(self.header[1])])]

    def csv_rows(self) -> list[list[str]]:
        """The CSV's rows (the same text as the page's table)."""
        return [[label, *(values if self.columns else [values])] for label, values in self.cells()]

    def as_json(self) -> dict:
        """The chart for public_stats.js: each value as [number or null, its text]."""
        rows = self.rows[self.chart_rows]
        if self.columns:
            data = [[label, [[_number(v), _text(v)] for v in values]] for label, values in rows]
        else:
            data = [[label, [[_number(v), _text(v)]]] for label, v in rows]
        return {"name": self.name, "title": str(self.title), "kind": self.kind,
                "series": self.columns or [str(self.header[1])], "rows": data}


# --- raw figures (codes and numbers only; labels are added per request, in the reader's language)

def _scoped(q, column, agency_id: int | None):
    return q.where(column == agency_id) if agency_id is not None else q


def _standing_closings(start: date, end: date):
    """Closings dated from start to end that still stood at the end (the annual report's rule)."""
    return sa.and_(CaseClosure.closed_on.between(start, end),
                   sa.or_(CaseClosure.reopened_on.is_(None), CaseClosure.reopened_on > end))


def _scanned(column):
    """On SQLite, `column` inside an expression, so that the planner reads the table through instead of
    looking up every row of the year through an index that does not cover the query (three to five
    times faster for a year of 100,000 cases); elsewhere the column itself."""
    return sa.func.coalesce(column, column) if db.engine.dialect.name == "sqlite" else column


def received_counts(year: int, agency_id: int | None) -> tuple[dict[int, int], int, list[int]]:
    """Requests received per month of the year (month number -> count), how many of them had their
    reply period extended (Reg. 33), and (for the platform) the months in which exactly one agency
    received 1 to 4 requests: the platform's figure less the other agencies' would reveal that
    agency's, so those months are withheld too. Counted per agency and day in SQL (from the
    covering index) and summed per month here: grouping by a formatted month costs SQLite a
    strftime per row."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    q = _scoped(sa.select(Case.agency_id, Case.received_on, sa.func.count()).where(Case.received_on.between(start, end)),
                Case.agency_id, agency_id).group_by(Case.agency_id, Case.received_on)
    per_month: dict[int, int] = {}
    per_agency: dict[tuple[int, int], int] = {}
    for agency, day, n in db.session.execute(q):
        per_month[day.month] = per_month.get(day.month, 0) + n
        per_agency[(agency, day.month)] = per_agency.get((agency, day.month), 0) + n
    small: dict[int, int] = {}
    for (_agency, month), n in per_agency.items():
        if 0 < n < THRESHOLD:
            small[month] = small.get(month, 0) + 1
    singled = sorted(m for m, agencies in small.items() if agencies == 1) if agency_id is None else []
    ext = _scoped(sa.select(sa.func.count()).where(_scanned(Case.received_on).between(start, end),
                                                   Case.extension_days > 0), Case.agency_id, agency_id)
    return per_month, int(db.session.scalar(ext) or 0), singled


def outcome_counts(year: int, agency_id: int | None) -> dict[str, int]:
    """Closings of the year by outcome code, as Table 3 counts them (a withdrawal is other.other)."""
    q = _scoped(sa.select(CaseClosure.outcome, sa.func.count())
                .where(_standing_closings(date(year, 1, 1), date(year, 12, 31))),
                CaseClosure.agency_id, agency_id).group_by(CaseClosure.outcome)
    return dict(db.session.execute(q).all())


def reply_counts(year: int, agency_id: int | None) -> tuple[dict[int, int], tuple[int, int]]:
    """The year's answered closings by working days from the clock's start to the closing (days ->
    count), and how many were made by their due date and how many later: one pass over the closings.

    The days are those of the working calendar (caseapp.calendar's WorkingCalendar: working days d
    with start < d <= closing, as working_days_between counts them), counted once per day of the
    span and then looked up per distinct pair; paused days are included (as on the dashboard).
    """
    start, end = date(year, 1, 1), date(year, 12, 31)
    late = sa.and_(CaseClosure.due_on.is_not(None), CaseClosure.closed_on > CaseClosure.due_on)
    late_flag = sa.case((late, 1), else_=0).label("late")
    q = _scoped(sa.select(CaseClosure.started_on, CaseClosure.closed_on, late_flag, sa.func.count())
                .where(_scanned(CaseClosure.closed_on).between(start, end),
                       sa.or_(CaseClosure.reopened_on.is_(None), CaseClosure.reopened_on > end),
                       CaseClosure.kind.in_(ANSWERED_KINDS)),
                CaseClosure.agency_id, agency_id).group_by(CaseClosure.started_on, CaseClosure.closed_on, late_flag)
    groups = db.session.execute(q).all()
    in_time = sum(n for _s, _c, is_late, n in groups if not is_late)
    overdue = sum(n for _s, _c, is_late, n in groups if is_late)
    timed = [(s, c, n) for s, c, _l, n in groups if s is not None]
    counts: dict[int, int] = {}
    if timed:
        cal = load_calendar()
        first = min(s for s, _c, _n in timed)
        last = max(c for _s, c, _n in timed)
        ordinal, running, d = {}, 0, first
        while d <= last:  # working days up to and including d
            running += cal.is_working_day(d)
            ordinal[d] = running
            d += timedelta(days=1)
        for started, closed, n in timed:
            days = ordinal[closed] - ordinal[started] if closed > started else 0
            counts[days] = counts.get(days, 0) + n
    return counts, (in_time, overdue)


def fee_counts(year: int, agency_id: int | None) -> dict[str, int]:
    """Fee notices served in the year, fees paid in it and the yuan paid (the annual report's fee paragraph)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    paid = sa.and_(Fee.status == FeeStatus.PAID.value, Fee.paid_on.between(start, end))
    q = _scoped(sa.select(sa.func.count().filter(Fee.served_on.between(start, end)), sa.func.count().filter(paid),
                          sa.func.coalesce(sa.func.sum(Fee.amount).filter(paid), 0))
                .select_from(Fee).join(Case, Case.id == Fee.case_id), Case.agency_id, agency_id)
    notices, paid_n, amount = db.session.execute(q).one()
    return {"notices": int(notices or 0), "paid": int(paid_n or 0), "amount": int(amount or 0)}


def review_counts(year: int, agency_id: int | None) -> dict[str, dict[str, int]]:
    """Reviews filed in the year by kind and result as known on 31 December (Table 4)."""
    rows = {kind: dict.fromkeys(REVIEW_RESULTS, 0) for kind in REVIEW_KINDS}
    for kind, result, n in table4_rows(date(year, 1, 1), date(year, 12, 31), agency_id):
        rows[kind][result] += n
    return rows


def _published(year: int, agency_id: int | None) -> list[PublishedReport]:
    q = sa.select(PublishedReport).where(PublishedReport.year == year)
    return list(db.session.scalars(_scoped(q, PublishedReport.agency_id, agency_id)))


def _frozen_outcomes(figures: dict) -> dict[str, int]:
    rows = figures["table3"]["rows"]
    return {o.code: int(rows.get(o.code, {}).get("total") or 0) for o in OUTCOMES}


def _frozen_reviews(figures: dict) -> dict[str, dict[str, int]]:
    rows = figures["table4"]["rows"]
    return {k: {r: int(rows.get(k, {}).get(r) or 0) for r in REVIEW_RESULTS} for k in REVIEW_KINDS}


def raw_figures(year: int, agency_id: int | None) -> dict:
    """Every figure of the page as numbers keyed by code, published figures in place of live ones."""
    per_month, extended, singled = received_counts(year, agency_id)
    reply_days, on_time = reply_counts(year, agency_id)
    figures = {
        "per_month": per_month,
        "singled_months": singled,
        "outcomes": outcome_counts(year, agency_id),
        "reply_days": reply_days,
        "on_time": on_time,
        "extensions": (sum(per_month.values()), extended),
        "fees": fee_counts(year, agency_id),
        "reviews": review_counts(year, agency_id),
        "published": [],
    }
    for report in _published(year, agency_id):
        # Swap the agency's live share of the frozen figures for what its report published.
        live_o = outcome_counts(year, report.agency_id) if agency_id is None else figures["outcomes"]
        live_r = review_counts(year, report.agency_id) if agency_id is None else figures["reviews"]
        live_f = fee_counts(year, report.agency_id) if agency_id is None else figures["fees"]
        frozen_o, frozen_r = _frozen_outcomes(report.figures), _frozen_reviews(report.figures)
        frozen_f = report.figures.get("fees") or {}
        outcomes = dict(figures["outcomes"])
        for o in OUTCOMES:
            outcomes[o.code] = outcomes.get(o.code, 0) - live_o.get(o.code, 0) + frozen_o[o.code]
        figures["outcomes"] = outcomes
        figures["reviews"] = {k: {r: figures["reviews"][k][r] - live_r[k][r] + frozen_r[k][r] for r in REVIEW_RESULTS}
                              for k in REVIEW_KINDS}
        fees = dict(figures["fees"])
        for key in ("notices", "amount"):
            if key in frozen_f:
                fees[key] = fees[key] - live_f[key] + int(frozen_f[key] or 0)
        figures["fees"] = fees
        figures["published"].append(report.agency_id)
    return figures


_cache: TTLCache = TTLCache(maxsize=512, ttl=26 * 3600)
_lock = threading.Lock()


def cached_figures(year: int, agency_id: int | None, today: date) -> dict:
    """raw_figures, computed once a day per database, agency and year."""
    key = (today, db.engine.url.render_as_string(hide_password=True), agency_id, year)
    with _lock:
        found = _cache.get(key)
    if found is None:
        found = raw_figures(year, agency_id)
        with _lock:
            _cache[key] = found
    return found


def clear_cache() -> None:
    """Forget the cached figures (tests; a new day starts a new key anyway)."""
    with _lock:
        _cache.clear()


# --- tables, in the reader's language, with the fewer-than-5 rule applied

def _percentile(counts: dict[int, int], pct: int) -> int | None:
    """Nearest-rank percentile of values given as value -> count."""
    total = sum(counts.values())
    if not total:
        return None
    rank = max(1, -(-total * pct // 100))
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if seen >= rank:
            return value
    return None


def tables(figures: dict, year: int, today: date) -> list[Table]:
    """The page's tables from raw figures."""
    last_month = 12 if year < today.year else today.month
    per_month = figures["per_month"]
    singled = set(figures.get("singled_months", ()))
    month_rows = [(str(_l("Month %(month)s", month=m)), SUPPRESSED if m in singled else shown(per_month.get(m, 0)))
                  for m in range(1, last_month + 1)]

    outcome_rows = [(str(o.label), shown(figures["outcomes"].get(o.code, 0))) for o in OUTCOMES]

    days = figures["reply_days"]
    answered = sum(days.values())
    median, p90 = _percentile(days, 50), _percentile(days, 90)
    day_rows = [(str(_l("Replies counted")), shown(answered)),
                (str(_l("Median")), shown(median, answered) if answered else None),
                (str(_l("90th percentile")), shown(p90, answered) if answered else None)]

    in_time, late = figures["on_time"]
    total = in_time + late
    share = round(100 * in_time / total, 1) if total else None
    on_time_rows = [(str(_l("On time")), shown(in_time)), (str(_l("Late")), shown(late)),
                    (str(_l("Share on time (%)")), shown(share, total) if total else None)]

    received, extended = figures["extensions"]
    ext_rows = [(str(_l("Requests received")), shown(received)), (str(_l("Reply period extended")), shown(extended))]

    fees = figures["fees"]
    fee_rows = [(str(_l("Fee notices issued")), shown(fees["notices"])),
                (str(_l("Amount collected (yuan)")), shown(fees["amount"], fees.get("paid", fees["notices"])))]

    review_rows = [(str(KIND_LABELS[k]), [shown(figures["reviews"][k][r]) for r in REVIEW_RESULTS])
                   for k in REVIEW_KINDS]

    frozen = _l("Published figures of the annual report where an agency has published it.") \
        if figures.get("published") else None
    return [
        Table("per_month", _l("Requests received per month"), "bar", (_l("Month"), _l("Requests")), month_rows),
        Table("outcomes", _l("Outcomes"), "bar", (_l("Outcome"), _l("Cases")), outcome_rows, frozen),
        Table("reply_days", _l("Working days to reply"), "bar", (_l("Measure"), _l("Working days")), day_rows,
              _l("From the day the reply period started to the reply, in working days of the official calendar."),
              chart_rows=slice(1, None)),
        Table("on_time", _l("Replies on time"), "pie", (_l("Replies"), _l("Cases")), on_time_rows,
              chart_rows=slice(0, 2)),
        Table("extensions", _l("Extensions"), "bar", (_l("Requests"), _l("Cases")), ext_rows),
        Table("fees", _l("Fees"), "bar", (_l("Fees"), _l("Figure")), fee_rows, frozen, chart_rows=slice(0, 1)),
        Table("reviews", _l("Reconsiderations and lawsuits"), "bar", (_l("Review"), _l("Cases")),
              review_rows, frozen, columns=[str(RESULT_LABELS[r]) for r in REVIEW_RESULTS]),
    ]


def public_statistics(year: int, agency: Agency | None, today: date) -> list[Table]:
    """The tables of /public/statistics for the agency (or the platform) and year."""
    return tables(cached_figures(year, agency.id if agency is not None else None, today), year, today)


def statistics_years(today: date) -> list[int]:
    """The years the page offers: from the first request received (or this year) to this year."""
    first = db.session.scalar(sa.select(sa.func.min(Case.received_on)))
    start = max(FIRST_YEAR, first.year) if first is not None else today.year
    return list(range(today.year, min(start, today.year) - 1, -1))


def public_agencies() -> list[Agency]:
    """Every agency, by name (the page's selector)."""
    return list(db.session.scalars(sa.select(Agency).order_by(Agency.name)))


def agency_by_code(code: str) -> Agency | None:
    """The agency with this code, or None."""
    return db.session.scalar(sa.select(Agency).where(Agency.code == code))
