"""Publishing an agency's annual report (its figures frozen from then on) and entering the opening
balance of the first year of use. Operations: they flush, record one audit event, and trust the
action runner (caseapp.stats.actions) for the role and the agency."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from caseapp.accounts.models import Agency
from caseapp.core.audit import record_event
from caseapp.core.errors import TransitionError, ValidationError
from caseapp.extensions import db
from caseapp.stats.models import PublishedReport, ReportOpening
from caseapp.stats.report import COLUMNS, live_report, published_figures
from caseapp.stats.selfcheck import has_errors, opening_of, self_check
from caseapp.stats.table2 import get_table2


def publish_refusal(agency: Agency, year: int, today: date) -> TransitionError | None:
    """Why the report cannot be published now, or None: once only, after the year, without errors."""
    if published_figures(year, agency) is not None:
        return TransitionError(_l("The report of %(year)s is already published; its figures are frozen.", year=year))
    if today <= date(year, 12, 31):
        return TransitionError(_l("The report of %(year)s can be published once the year is over.", year=year))
    if has_errors(self_check(year, agency, today, live_report(year, agency))):
        return TransitionError(_l("The self-check found errors: correct them before publishing."))
    return None


def publish_report(agency: Agency, year: int, *, actor, today: date) -> PublishedReport:
    """Freeze the agency's Tables 3 and 4, the fee figures and Table 2 of the year as published."""
    err = publish_refusal(agency, year, today)
    if err is not None:
        raise err
    figures = live_report(year, agency).snapshot()
    entry = get_table2(year, agency)
    figures["table2"] = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in entry.cells().items()} \
        if entry is not None else None
    published = PublishedReport(agency_id=agency.id, year=year, figures=figures,
                                published_by_id=getattr(actor, "id", None))
    db.session.add(published)
    record_event("report.published", actor=actor, agency_id=agency.id, after={"year": year, **figures})
    db.session.flush()
    return published


def save_opening(agency: Agency, year: int, figures: dict, *, actor) -> ReportOpening:
    """Enter (or correct) item two of the agency's first report: one count per applicant column,
    总计 the sum of the six (computed when not given)."""
    clean, errors = {}, {}
    for column in COLUMNS[:-1]:
        value = figures.get(column)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            errors[column] = _l("Please enter a whole number, 0 or more.")
        else:
            clean[column] = value
    total = sum(clean.values())
    if figures.get("total") not in (None, "") and figures.get("total") != total and not errors:
        errors["total"] = _l("The total must be the sum of the six columns (%(sum)s).", sum=total)
    if errors:
        raise ValidationError(_l("Some figures are not valid."), errors=errors)
    clean["total"] = total
    if published_figures(year, agency) is not None:
        raise TransitionError(_l("The report of %(year)s is already published; its figures are frozen.", year=year))
    opening = opening_of(year, agency)
    before = dict(opening.figures) if opening is not None else None
    if opening is None:
        opening = ReportOpening(agency_id=agency.id, year=year, figures=clean)
        db.session.add(opening)
    else:
        opening.figures = clean
    opening.entered_by_id = getattr(actor, "id", None)
    record_event("report.opening_entered", actor=actor, agency_id=agency.id,
                 before={"year": year, **before} if before else None, after={"year": year, **clean})
    db.session.flush()
    return opening
