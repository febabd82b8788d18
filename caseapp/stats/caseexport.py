"""The inbox's filtered list exported as CSV or XLSX, streamed in constant memory.

The query is the inbox's own (caseapp.cases.inbox.filtered_cases, read-only reuse), narrowed to
plain columns and read with yield_per, so rows flow from the database cursor to the response
without ORM objects piling up. ID numbers are masked in every export (DESIGN §6: masked outside
the case page and in auditors' exports).
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from caseapp.accounts.models import Agency, User
from caseapp.calendar.rules import WorkingCalendar
from caseapp.cases.identity import mask_id
from caseapp.cases.inbox import InboxFilters, filtered_cases
from caseapp.cases.models import Case
from caseapp.cases.outcomes import get_outcome
from caseapp.cases.states import STATUS_LABELS, Status
from caseapp.extensions import db
from caseapp.stats.exports import csv_lines, xlsx_stream
from caseapp.stats.labels import APPLICANT_TYPE_LABELS, CHANNEL_LABELS, label

BATCH = 1000
HEADER = (
    _l("Tracking number"), _l("Agency"), _l("Date of receipt"), _l("Channel"), _l("Applicant type"), _l("Applicant"),
    _l("ID number (masked)"), _l("Information requested"), _l("Status"), _l("Due date"), _l("Closed on"),
    _l("Outcome"), _l("Handler"),
)


def export_query(user, filters: InboxFilters, today: date, soon_days: int, cal: WorkingCalendar) -> sa.Select:
    """The inbox's filtered cases as plain columns, oldest receipt first."""
    q = filtered_cases(user, filters, today, soon_days, cal)
    return (q.with_only_columns(
        Case.tracking_number, Agency.name, Case.received_on, Case.channel, Case.applicant_type, Case.applicant_name,
        Case.id_number, Case.description, Case.status, Case.due_on, Case.closed_on, Case.outcome, User.display_name,
        maintain_column_froms=True)
        .join(Agency, Agency.id == Case.agency_id)
        .outerjoin(User, User.id == Case.handler_id)
        .order_by(Case.received_on, Case.id))


def export_rows(query: sa.Select) -> Iterator[list]:
    """The export's rows, labels instead of codes, ID numbers masked, read from the cursor in batches."""
    statuses = {s.value: str(STATUS_LABELS[s]) for s in Status}
    channels = {c: label(CHANNEL_LABELS, c) for c in CHANNEL_LABELS}
    types = {t: label(APPLICANT_TYPE_LABELS, t) for t in APPLICANT_TYPE_LABELS}
    outcomes: dict[str, str] = {}
    result = db.session.execute(query.execution_options(yield_per=BATCH, stream_results=True))
    for (number, agency, received, channel, applicant_type, name, id_number, description, status, due, closed,
         outcome, handler) in result:
        if outcome and outcome not in outcomes:
            found = get_outcome(outcome)
            outcomes[outcome] = str(found.label) if found else ""
        yield [number, agency, received.isoformat(), channels.get(channel, ""), types.get(applicant_type, ""), name,
               mask_id(id_number), description[:500], statuses.get(status, ""), due.isoformat() if due else "",
               closed.isoformat() if closed else "", outcomes.get(outcome, "") if outcome else "", handler or ""]


def generate_cases_csv(query: sa.Select) -> Iterator[bytes]:
    """The export as UTF-8 CSV with a BOM, streamed line by line."""
    return csv_lines([str(h) for h in HEADER], export_rows(query))


def generate_cases_xlsx(query: sa.Select) -> Iterator[bytes]:
    """The export as an XLSX written in openpyxl's write-only mode, streamed in chunks."""
    return xlsx_stream(str(_l("Cases")), [str(h) for h in HEADER], export_rows(query))
