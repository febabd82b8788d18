"""Named queries behind the statistics dashboard: every figure is counted in SQL (GROUP BY), never by loading cases.

Each chart is a `Chart` (a name, a title, the chart type, a header and rows of label and number),
which the page shows as an ECharts chart with its data table beside it and a CSV download.
Working days to reply are the one figure SQL cannot finish alone: SQL groups the closings by
(clock start, closing date), and Python counts the working days of each distinct pair with the
official calendar (caseapp.calendar.service.load_calendar), weighted by the pair's count.
Approximation, documented: the count runs from the day the clock (re)started to the closing date
and includes paused days (consultations, an open fee notice).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from caseapp.accounts.models import Agency
from caseapp.calendar.service import load_calendar
from caseapp.cases.closures import CaseClosure
from caseapp.cases.labels import APPLICANT_TYPE_LABELS, CHANNEL_LABELS
from caseapp.cases.models import Case, ClockPause
from caseapp.cases.outcomes import OUTCOMES
from caseapp.cases.states import CLOCK_RUNNING
from caseapp.core.audit import AuditEvent
from caseapp.extensions import db
from caseapp.stats.labels import PAUSE_LABELS, TIME_EVENT_LABELS, label

SHANGHAI = ZoneInfo("Asia/Shanghai")
ANSWERED_KINDS = ("reply", "close")  # closings that answer the request (not withdrawals or lapses)


@dataclass
class Chart:
    name: str
    title: object
    kind: str                      # bar, line or pie
    header: tuple[object, object]  # (what, how many)
    rows: list[tuple[str, float | int]] = field(default_factory=list)
    note: object | None = None

    def as_json(self) -> dict:
        """The chart for stats.js."""
        return {"name": self.name, "title": str(self.title), "kind": self.kind,
                "header": [str(h) for h in self.header], "rows": [[str(a), b] for a, b in self.rows],
                "note": str(self.note) if self.note else None}


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    agency: Agency | None

    def starts_at(self) -> datetime:
        return datetime.combine(self.start, time.min, SHANGHAI)

    def ends_before(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time.min, SHANGHAI)


def _scoped(q, column, period: Period):
    return q.where(column == period.agency.id) if period.agency is not None else q


def _month(column):
    if db.engine.dialect.name == "postgresql":
        return sa.func.to_char(column, "YYYY-MM")
    return sa.func.strftime("%Y-%m", column)


def _received(period: Period):
    return Case.received_on.between(period.start, period.end)


def requests_per_month(period: Period) -> Chart:
    """Requests received per month of the period."""
    month = _month(Case.received_on).label("month")
    q = _scoped(sa.select(month, sa.func.count()).where(_received(period)), Case.agency_id, period)
    rows = [(m, n) for m, n in db.session.execute(q.group_by(month).order_by(month))]
    return Chart("per_month", _l("Requests received per month"), "line", (_l("Month"), _l("Requests")), rows)


def requests_by_channel(period: Period) -> Chart:
    """Requests received in the period by channel."""
    q = _scoped(sa.select(Case.channel, sa.func.count()).where(_received(period)), Case.agency_id, period)
    rows = [(label(CHANNEL_LABELS, c), n) for c, n in db.session.execute(q.group_by(Case.channel).order_by(Case.channel))]
    return Chart("by_channel", _l("Requests by channel"), "pie", (_l("Channel"), _l("Requests")), rows)


def requests_by_applicant_type(period: Period) -> Chart:
    """Requests received in the period by applicant type, in the annual report's column order."""
    q = _scoped(sa.select(Case.applicant_type, sa.func.count()).where(_received(period)), Case.agency_id, period)
    counts = dict(db.session.execute(q.group_by(Case.applicant_type)).all())
    rows = [(str(lbl), counts.get(code, 0)) for code, lbl in APPLICANT_TYPE_LABELS.items()]
    return Chart("by_applicant_type", _l("Requests by applicant type"), "bar", (_l("Applicant type"), _l("Requests")),
                 rows)


def requests_by_agency(period: Period) -> Chart:
    """Requests received in the period by agency."""
    q = _scoped(sa.select(Agency.name, sa.func.count(Case.id)).join(Case, Case.agency_id == Agency.id)
                .where(_received(period)), Case.agency_id, period)
    rows = [(name, n) for name, n in db.session.execute(q.group_by(Agency.id, Agency.name).order_by(Agency.name))]
    return Chart("by_agency", _l("Requests by agency"), "bar", (_l("Agency"), _l("Requests")), rows)


def _closings(period: Period):
    """Closings dated in the period that still stood at its end (the annual report's rule)."""
    return sa.and_(CaseClosure.closed_on.between(period.start, period.end),
                   sa.or_(CaseClosure.reopened_on.is_(None), CaseClosure.reopened_on > period.end))


def outcomes(period: Period) -> Chart:
    """Closings in the period by outcome (a withdrawal counts as other.other)."""
    q = _scoped(sa.select(CaseClosure.outcome, sa.func.count()).where(_closings(period)), CaseClosure.agency_id, period)
    counts = dict(db.session.execute(q.group_by(CaseClosure.outcome)).all())
    rows = [(str(o.label), counts.get(o.code, 0)) for o in OUTCOMES]
    return Chart("outcomes", _l("Outcomes"), "bar", (_l("Outcome"), _l("Cases")), rows)


def on_time(period: Period) -> Chart:
    """Answered closings in the period made by their due date, and those made later, with the rate."""
    late = sa.and_(CaseClosure.due_on.is_not(None), CaseClosure.closed_on > CaseClosure.due_on)
    q = _scoped(sa.select(sa.func.count().filter(~late), sa.func.count().filter(late))
                .where(_closings(period), CaseClosure.kind.in_(ANSWERED_KINDS)), CaseClosure.agency_id, period)
    in_time, overdue = db.session.execute(q).one()
    total = (in_time or 0) + (overdue or 0)
    rate = round(100 * (in_time or 0) / total, 1) if total else None
    note = _l("On-time rate: %(rate)s%%", rate=rate) if rate is not None else _l("No answered cases in the period.")
    return Chart("on_time", _l("Replies on time"), "pie", (_l("Replies"), _l("Cases")),
                 [(str(_l("On time")), in_time or 0), (str(_l("Late")), overdue or 0)], note)


def _percentile(pairs: list[tuple[int, int]], pct: float) -> int | None:
    """Nearest-rank percentile of values given as (value, weight) pairs."""
    total = sum(w for _v, w in pairs)
    if not total:
        return None
    rank = max(1, -(-total * pct // 100))
    seen = 0
    for value, weight in sorted(pairs):
        seen += weight
        if seen >= rank:
            return value
    return max(pairs)[0]


def reply_days(period: Period) -> Chart:
    """Median and 90th percentile of working days from the clock's start to the reply."""
    q = _scoped(sa.select(CaseClosure.started_on, CaseClosure.closed_on, sa.func.count())
                .where(_closings(period), CaseClosure.kind.in_(ANSWERED_KINDS), CaseClosure.started_on.is_not(None)),
                CaseClosure.agency_id, period).group_by(CaseClosure.started_on, CaseClosure.closed_on)
    groups = db.session.execute(q).all()
    cal = load_calendar()
    pairs: dict[int, int] = {}
    if groups:
        first = min(s for s, _e, _n in groups)
        last = max(e for _s, e, _n in groups)
        ordinal, running, d = {}, 0, first
        while d <= last:  # working days up to and including d, once per day of the span
            running += cal.is_working_day(d)
            ordinal[d] = running
            d += timedelta(days=1)
        for started, closed, n in groups:
            days = max(0, ordinal[closed] - ordinal[started]) if closed >= started else 0
            pairs[days] = pairs.get(days, 0) + n
    items = list(pairs.items())
    median, p90 = _percentile(items, 50), _percentile(items, 90)
    rows = [(str(_l("Median")), median if median is not None else 0), (str(_l("90th percentile")), p90 or 0)]
    return Chart("reply_days", _l("Working days to reply"), "bar", (_l("Measure"), _l("Working days")), rows,
                 _l("From the day the clock started to the closing; paused days included."))


def overdue_now(period: Period, today: date) -> Chart:
    """Cases open today past their due date, by agency (the period does not apply)."""
    q = _scoped(sa.select(Agency.name, sa.func.count(Case.id)).join(Case, Case.agency_id == Agency.id)
                .where(Case.status.in_([s.value for s in CLOCK_RUNNING]), Case.due_on < today),
                Case.agency_id, period).group_by(Agency.id, Agency.name).order_by(Agency.name)
    rows = list(db.session.execute(q).all())
    return Chart("overdue_now", _l("Overdue now"), "bar", (_l("Agency"), _l("Cases")), [(a, n) for a, n in rows],
                 _l("Open cases past their due date today: %(n)s", n=sum(n for _a, n in rows)))


def extensions_and_pauses(period: Period) -> Chart:
    """Extensions and deferrals granted, and clock pauses started, in the period."""
    ev = _scoped(sa.select(AuditEvent.action, sa.func.count())
                 .where(AuditEvent.action.in_(tuple(TIME_EVENT_LABELS)),
                        AuditEvent.occurred_at >= period.starts_at(), AuditEvent.occurred_at < period.ends_before()),
                 AuditEvent.agency_id, period).group_by(AuditEvent.action)
    events = dict(db.session.execute(ev).all())
    pq = _scoped(sa.select(ClockPause.kind, sa.func.count(ClockPause.id)).join(Case, Case.id == ClockPause.case_id)
                 .where(ClockPause.started_on.between(period.start, period.end)), Case.agency_id, period)
    pauses = dict(db.session.execute(pq.group_by(ClockPause.kind)).all())
    rows = [(str(lbl), events.get(code, 0)) for code, lbl in TIME_EVENT_LABELS.items()]
    rows += [(str(lbl), pauses.get(code, 0)) for code, lbl in PAUSE_LABELS.items()]
    return Chart("time", _l("Extensions and pauses"), "bar", (_l("Kind"), _l("How many")), rows)


PUBLISHED_EVENT = "disclosure.entry_published"  # one per public entry published (caseapp.core.events)


def conversions(period: Period) -> Chart:
    """Conversions to proactive disclosure per year of the period, counted from the audit trail.

    The disclosure package is a sibling of this one (the import contract keeps them independent),
    so the count comes from the one event each publication records, by Shanghai calendar year;
    it equals caseapp.disclosure.queries.conversions_per_year for data written by the operations.
    """
    years = list(range(period.start.year, period.end.year + 1))
    bounds = {y: (datetime.combine(date(y, 1, 1), time.min, SHANGHAI), datetime.combine(date(y + 1, 1, 1), time.min,
                                                                                         SHANGHAI)) for y in years}
    q = _scoped(sa.select(*[sa.func.count().filter(AuditEvent.occurred_at >= lo, AuditEvent.occurred_at < hi)
                            for lo, hi in bounds.values()])
                .where(AuditEvent.action == PUBLISHED_EVENT, AuditEvent.occurred_at >= bounds[years[0]][0],
                       AuditEvent.occurred_at < bounds[years[-1]][1]), AuditEvent.agency_id, period)
    counts = db.session.execute(q).one()
    return Chart("conversions", _l("Conversions to proactive disclosure"), "bar", (_l("Year"), _l("Conversions")),
                 [(str(y), n or 0) for y, n in zip(years, counts, strict=True)])


def dashboard(period: Period, today: date) -> list[Chart]:
    """Every chart of the dashboard for the period and agency."""
    return [
        requests_per_month(period), requests_by_channel(period), requests_by_applicant_type(period),
        requests_by_agency(period), outcomes(period), on_time(period), reply_days(period),
        overdue_now(period, today), extensions_and_pauses(period), conversions(period),
    ]


CHARTS = ("per_month", "by_channel", "by_applicant_type", "by_agency", "outcomes", "on_time", "reply_days",
          "overdue_now", "time", "conversions")
