"""The supervisors' dashboard (/office/supervision): due soon, overdue, open supervision orders and consultations waiting, per clerk.

Each figure is an SQL aggregate grouped by handling clerk; each links to the inbox filtered the same
way (`/office/cases?tab=...&handler=...`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from caseapp.accounts.models import Agency, User
from caseapp.calendar.rules import WorkingCalendar
from caseapp.cases.models import Case
from caseapp.cases.states import CLOCK_RUNNING
from caseapp.consultations.queries import overdue_waiting, waiting_by_handler
from caseapp.extensions import db
from caseapp.jobs.reminders import DEFAULT_DUE_SOON_DAYS
from caseapp.jobs.supervision import SupervisionOrder


@dataclass
class ClerkRow:
    handler_id: int | None
    name: str
    due_soon: int = 0
    overdue: int = 0
    orders: int = 0
    consultations: int = 0


@dataclass
class Board:
    rows: list[ClerkRow] = field(default_factory=list)
    totals: ClerkRow | None = None
    consultations_overdue: int = 0
    soon_days: int = DEFAULT_DUE_SOON_DAYS


def supervisor_board(agency_id: int | None, today: date, cal: WorkingCalendar) -> Board:
    """The dashboard's figures for an agency (all agencies for a platform-wide user)."""
    soon_days = DEFAULT_DUE_SOON_DAYS
    if agency_id is not None:
        agency = db.session.get(Agency, agency_id)
        soon_days = int(getattr(agency, "due_soon_days", None) or DEFAULT_DUE_SOON_DAYS)
    soon_limit = cal.add_working_days(today, soon_days + 1)
    running = Case.status.in_([s.value for s in CLOCK_RUNNING])
    q = (sa.select(Case.handler_id,
                   sa.func.count(Case.id).filter(running, Case.due_on >= today, Case.due_on < soon_limit),
                   sa.func.count(Case.id).filter(running, Case.due_on < today),
                   sa.func.count(SupervisionOrder.id).filter(SupervisionOrder.closed_on.is_(None)))
         .outerjoin(SupervisionOrder, SupervisionOrder.case_id == Case.id)
         .where(running).group_by(Case.handler_id))
    if agency_id is not None:
        q = q.where(Case.agency_id == agency_id)
    figures: dict[int | None, list[int]] = {h: [s, o, n, 0] for h, s, o, n in db.session.execute(q).all()}
    for handler, n in waiting_by_handler(agency_id).items():
        figures.setdefault(handler, [0, 0, 0, 0])[3] = n
    names = {u.id: u.display_name for u in db.session.scalars(
        sa.select(User).where(User.id.in_([h for h in figures if h is not None])))} if figures else {}
    rows = [ClerkRow(h, names.get(h, "") if h is not None else "", *vals) for h, vals in figures.items()
            if any(vals)]
    rows.sort(key=lambda r: (r.handler_id is None, -r.overdue, -r.due_soon, r.name))
    totals = ClerkRow(None, "", sum(r.due_soon for r in rows), sum(r.overdue for r in rows),
                      sum(r.orders for r in rows), sum(r.consultations for r in rows))
    return Board(rows, totals, overdue_waiting(today, agency_id), soon_days)
