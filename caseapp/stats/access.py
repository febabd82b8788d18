"""Who may read statistics, over which agencies, and the annual report as a download (office and API alike)."""
from __future__ import annotations

import json

from flask import Response, render_template
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from caseapp.accounts.models import Agency
from caseapp.accounts.operations import get_agency_by_code, list_agencies
from caseapp.core.clock import local_today
from caseapp.core.downloads import set_download_name
from caseapp.core.permissions import Role
from caseapp.letters import fonts
from caseapp.stats import exports
from caseapp.stats.layout import check_row, report_heading, table3_grid, table4_grid
from caseapp.stats.report import annual_report

# Reading statistics, the report, the exports and the audit log: never clerks or liaisons.
REPORT_READERS = (Role.AUDITOR, Role.SUPERVISOR, Role.ADMIN)
FORMATS = ("json", "xlsx", "csv", "pdf", "docx")
FIRST_YEAR = 2008  # the first Regulations came into force on 2008-05-01


class ScopeError(Exception):
    """A bad year or an agency the user may not see (nothing is shown)."""

    def __init__(self, status: int, code: str, message):
        super().__init__(str(message))
        self.status, self.code, self.message = status, code, message


class FormatError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def parse_year(value: str | None, default: int | None = None) -> int:
    """A report year from the query string; ScopeError when it is not a plausible year."""
    if value in (None, "") and default is not None:
        return default
    if not (value or "").isdigit() or not FIRST_YEAR <= int(value) <= local_today().year:
        raise ScopeError(400, "invalid_year", _l("Please give a year from %(first)s to %(last)s.",
                                                 first=FIRST_YEAR, last=local_today().year))
    return int(value)


def resolve_agency(user, code: str | None) -> Agency | None:
    """The agency to count (None: all agencies). Agency-bound users always get their own agency;
    asking for another one answers 404, as for any record of another agency."""
    code = (code or "").strip()
    if user.agency_id is not None:
        if code and code != user.agency.code:
            raise ScopeError(404, "not_found", _l("No such agency."))
        return user.agency
    if not code:
        return None
    agency = get_agency_by_code(code)
    if agency is None:
        raise ScopeError(404, "not_found", _l("No such agency."))
    return agency


def resolve_scope(user, year: str | None, code: str | None, default_year: int | None = None):
    """(year, agency) of a report request, checked against what the user may see."""
    return parse_year(year, default_year), resolve_agency(user, code)


def agencies_for(user) -> list[Agency]:
    """Agencies a statistics filter may offer the user."""
    if user.agency_id is not None:
        return [user.agency]
    return list_agencies(active_only=False)


def _filename(year: int, agency: Agency | None, ext: str) -> str:
    return f"annual-report-{year}-{agency.code if agency else 'all'}.{ext}"


def render_report_html(report) -> str:
    """The print HTML of both tables (the PDF's source), with the letters' prepared CJK font."""
    return render_template("stats/report_pdf.html", report=report, heading=report_heading(report),
                           t3=table3_grid(report), t4=table4_grid(report), checks=check_row(report),
                           font_face_css=Markup(fonts.font_face_css()),  # server constants, not user input
                           font_stack=Markup(fonts.font_stack()))


def report_response(year: int, agency: Agency | None, fmt: str) -> Response:
    """The annual report in one of FORMATS, as a response to send."""
    if fmt not in FORMATS:
        raise FormatError(_l("Unknown format; use one of: %(formats)s.", formats=", ".join(FORMATS)))
    report = annual_report(year, agency)
    if fmt == "json":
        # Not jsonify: it sorts keys, and the rows and columns keep the official order here.
        return Response(json.dumps(report.as_json(), ensure_ascii=False), mimetype="application/json")
    if fmt == "csv":
        body, mime = exports.generate_report_csv(report), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body, mime = exports.generate_report_xlsx(report), exports.XLSX_MIME
    elif fmt == "docx":
        body, mime = exports.generate_report_docx(report), exports.DOCX_MIME
    else:
        body, mime = exports.generate_report_pdf(render_report_html(report)), "application/pdf"
    resp = Response(body, mimetype=mime)
    # The official heading as the name (示范市教育局2026年度...统计表.xlsx), in ASCII for older clients.
    set_download_name(resp, f"{report_heading(report)}.{fmt}", _filename(year, agency, fmt))
    resp.headers["Cache-Control"] = "no-store"
    return resp
