"""The inbox's filtered list exported as CSV or XLSX, streamed in constant memory.

The query is the inbox's own (caseapp.cases.inbox.filtered_cases, read-only reuse), narrowed to
plain columns and read with yield_per, so rows flow from the database cursor to the response
without ORM objects piling up. ID numbers are masked in every export (DESIGN §6: masked outside
the case page and in auditors' exports).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from caseapp.accounts.models import Agency, User
from caseapp.calendar.rules import WorkingCalendar
from caseapp.cases.identity import mask_id
from caseapp.cases.inbox import InboxFilters, filtered_cases
from caseapp.cases.labels import APPLICANT_TYPE_LABELS, CHANNEL_LABELS
from caseapp.cases.models import Case
from caseapp.cases.outcomes import OUTCOMES
from caseapp.cases.states import STATUS_LABELS, Status
from caseapp.extensions import db
from caseapp.stats.exports import csv_lines, xlsx_stream
from caseapp.stats.labels import label

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


@dataclass(frozen=True)
class ExportLabels:
    """Every label the export prints, translated once while the request (and its language) is there."""

    header: list[str]
    statuses: dict[str, str]
    channels: dict[str, str]
    types: dict[str, str]
    outcomes: dict[str, str]


def export_labels() -> ExportLabels:
    """The export's labels in the current request's language."""
    return ExportLabels(
        header=[str(h) for h in HEADER],
        statuses={s.value: str(STATUS_LABELS[s]) for s in Status},
        channels={c: label(CHANNEL_LABELS, c) for c in CHANNEL_LABELS},
        types={t: label(APPLICANT_TYPE_LABELS, t) for t in APPLICANT_TYPE_LABELS},
        outcomes={o.code: str(o.label) for o in OUTCOMES},
    )


def export_rows(query: sa.Select, labels: ExportLabels, engine: sa.Engine) -> Iterator[list]:
    """The export's rows, labels instead of codes, ID numbers masked, read from the cursor in batches.

    It reads on a connection of its own (no Flask context needed), so the rows can be produced
    while the response goes out, after the request's context has ended.
    """
    with engine.connect() as conn:
        yield from _rows(conn.execution_options(yield_per=BATCH).execute(query), labels)


def _rows(result, labels: ExportLabels) -> Iterator[list]:
    for (number, agency, received, channel, applicant_type, name, id_number, description, status, due, closed,
         outcome, handler) in result:
        # Dates as dates: the XLSX shows them as dates, the CSV as ISO text (str of a date).
        yield [number, agency, received, labels.channels.get(channel, ""),
               labels.types.get(applicant_type, ""), name, mask_id(id_number), description[:500],
               labels.statuses.get(status, ""), due or "", closed or "",
               labels.outcomes.get(outcome, "") if outcome else "", handler or ""]


def generate_cases_csv(query: sa.Select, labels: ExportLabels, engine: sa.Engine | None = None) -> Iterator[bytes]:
    """The export as UTF-8 CSV with a BOM, streamed line by line."""
    return csv_lines(labels.header, export_rows(query, labels, engine or db.engine))


def generate_cases_xlsx(query: sa.Select, labels: ExportLabels, sheet_title: str = "cases",
                        engine: sa.Engine | None = None) -> Iterator[bytes]:
    """The export as an XLSX written in openpyxl's write-only mode, streamed in chunks."""
    return xlsx_stream(sheet_title, labels.header, export_rows(query, labels, engine or db.engine))
