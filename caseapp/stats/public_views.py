"""Open statistics for the public (/public/statistics, no login): per agency (?agency=CODE) or for the
whole platform, for a year (?year=YYYY, this year by default), as charts with their tables, and each
table as CSV (?format=csv&table=NAME). The figures and their fewer-than-5 rule: caseapp.stats.public_stats."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _

from caseapp.core.clock import local_today
from caseapp.stats import public_stats
from caseapp.stats.exports import csv_lines

bp = Blueprint("public_stats", __name__, url_prefix="/public")


def _year(today) -> tuple[int | None, str | None]:
    """The year asked for, or None and the reason it cannot be shown."""
    raw = (request.args.get("year") or "").strip()
    if not raw:
        return today.year, None
    if not (raw.isascii() and raw.isdigit() and len(raw) == 4) or \
            not public_stats.FIRST_YEAR <= int(raw) <= today.year:
        return None, _("Please choose a year from %(first)s to %(last)s.", first=public_stats.FIRST_YEAR,
                       last=today.year)
    return int(raw), None


@bp.get("/statistics")
def statistics():
    """The statistics page, or one of its tables as CSV (UTF-8 with BOM)."""
    code = (request.args.get("agency") or "").strip()
    agency = public_stats.agency_by_code(code[:20]) if code else None
    if code and agency is None:
        abort(404)
    today = local_today()
    year, problem = _year(today)
    fmt = request.args.get("format", "html")
    if fmt not in ("html", "csv"):
        abort(404)
    if problem is not None:
        if fmt == "csv":
            return Response(problem, status=400, mimetype="text/plain; charset=utf-8")
        return render_template("public/statistics.html", problem=problem, tables=[], agency=agency, year=None,
                               years=public_stats.statistics_years(today),
                               agencies=public_stats.public_agencies()), 400
    tables = public_stats.public_statistics(year, agency, today)
    if fmt == "csv":
        table = next((t for t in tables if t.name == request.args.get("table")), None)
        if table is None:
            abort(404)
        body = b"".join(csv_lines(table.csv_header(), table.csv_rows()))
        resp = Response(body, mimetype="text/csv; charset=utf-8")
        scope = agency.code if agency is not None else "all"
        resp.headers["Content-Disposition"] = f'attachment; filename="statistics-{table.name}-{year}-{scope}.csv"'
        return resp
    return render_template("public/statistics.html", problem=None, tables=tables, agency=agency, year=year,
                           years=public_stats.statistics_years(today), agencies=public_stats.public_agencies(),
                           current=year == today.year, today=today)
