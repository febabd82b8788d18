"""The annual report's self-check before publication (issue 27 item 1): every finding names its cell.

The errors that reviewers and the press find in published reports, checked on the figures the report
would publish (the frozen ones once published):
- Table 3 二 (carried over) equals 四 (carried into the next year) of the year before, cell by cell:
  against that year's published figures, else the value entered for the first year of use, else the
  year before as counted from the cases when the system has any by then;
- 一 + 二 = 三（七）总计 + 四 in every column; （七） is the sum of its rows and 总计 of its columns;
- every cell a number (0, never blank), none negative;
- Table 4's totals equal their rows;
- cases whose outcome would still change the counts (warnings): the year is not over and cases are
  open, or cases the year counted as handled were reopened after it;
- the fee paragraph's count and amount equal the fee records of the year;
- Table 2: every cell entered.
Cell names are the official Chinese wording (the report's own), the messages go through Flask-Babel.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from caseapp.accounts.models import Agency
from caseapp.cases.closures import CaseClosure
from caseapp.cases.models import Case
from caseapp.cases.states import OPEN
from caseapp.extensions import db
from caseapp.reviews.models import KINDS as REVIEW_KINDS
from caseapp.stats.layout import COLUMN_LABELS, RESULT_LABELS, ROW_LABELS, TABLE4_GROUPS, table3_row_keys
from caseapp.stats.models import ReportOpening, Table2Entry
from caseapp.stats.report import COLUMNS, ROWS, TABLE4_COLUMNS, AnnualReport, annual_report, fee_figures
from caseapp.stats.table2 import TABLE2_LAYOUT

ERROR, WARNING = "error", "warning"
SEVERITY_LABELS = {ERROR: _l("Error"), WARNING: _l("Warning")}
FEE_PARAGRAPH = "六、其他需要报告的事项 信息处理费"


@dataclass(frozen=True)
class Finding:
    """One problem of the report: how grave, which cell or table, and what is wrong (translated)."""

    severity: str  # error | warning
    cell: str
    message: object

    @property
    def severity_label(self) -> str:
        return str(SEVERITY_LABELS[self.severity])

    def as_json(self) -> dict:
        return {"severity": self.severity, "cell": self.cell, "message": str(self.message)}


def _row_names() -> dict[str, str]:
    names = {}
    for key, label, section in table3_row_keys():
        names[key] = f"三、本年度办理结果 {section} {label}" if section else (
            f"三、本年度办理结果 {label}" if key not in ("received", "carried_in", "carried_out") else label)
    return names


ROW_NAMES = _row_names()


def t3_cell(row: str, column: str) -> str:
    """The name of a Table 3 cell, e.g. "表三 二、上年结转政府信息公开申请数量 自然人"."""
    return f"表三 {ROW_NAMES[row]} {COLUMN_LABELS[column]}"


def t4_cell(kind: str, result: str) -> str:
    """The name of a Table 4 cell, e.g. "表四 行政复议 总计"."""
    group = TABLE4_GROUPS[kind] if kind == "reconsideration" else f"{TABLE4_GROUPS['litigation']} {TABLE4_GROUPS[kind]}"
    return f"表四 {group} {RESULT_LABELS[result]}"


def _number(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_cells(report: AnnualReport) -> list[Finding]:
    """Every cell of Tables 3 and 4 is a number, never blank or negative."""
    out = []
    cells = [(t3_cell(r, c), (report.table3.get(r) or {}).get(c)) for r in ROWS for c in COLUMNS]
    cells += [(t4_cell(k, res), (report.table4.get(k) or {}).get(res)) for k in REVIEW_KINDS for res in TABLE4_COLUMNS]
    for name, value in cells:
        if not _number(value):
            out.append(Finding(ERROR, name, _l("The cell is blank: every cell must hold a number (0 when there "
                                               "is nothing to count).")))
        elif value < 0:
            out.append(Finding(ERROR, name, _l("The cell is negative (%(value)s): the cases behind it need review.",
                                               value=value)))
    return out


def _get(table: dict, row: str, column: str) -> int | None:
    value = (table.get(row) or {}).get(column)
    return value if _number(value) else None


def check_identity(report: AnnualReport) -> list[Finding]:
    """一 + 二 = （七） + 四 per column, （七） = the sum of its rows, 总计 = the sum of the six columns."""
    t3, out = report.table3, []
    outcome_rows = [r for r in ROWS if r not in ("received", "carried_in", "handled", "carried_out")]
    for c in COLUMNS:
        parts = [_get(t3, r, c) for r in ("received", "carried_in", "handled", "carried_out")]
        if None not in parts and parts[0] + parts[1] != parts[2] + parts[3]:
            out.append(Finding(ERROR, f"表三 {COLUMN_LABELS[c]}列", _l(
                "Item one plus item two (%(left)s) does not equal item three (total) plus item four (%(right)s).",
                left=parts[0] + parts[1], right=parts[2] + parts[3])))
        rows = [_get(t3, r, c) for r in outcome_rows]
        total = _get(t3, "handled", c)
        if None not in rows and total is not None and sum(rows) != total:
            out.append(Finding(ERROR, t3_cell("handled", c), _l(
                "The total (%(total)s) does not equal the sum of the results above it (%(sum)s).",
                total=total, sum=sum(rows))))
    for r in ROWS:
        columns = [_get(t3, r, c) for c in COLUMNS[:-1]]
        total = _get(t3, r, "total")
        if None not in columns and total is not None and sum(columns) != total:
            out.append(Finding(ERROR, t3_cell(r, "total"), _l(
                "The total (%(total)s) does not equal the sum of the applicant columns (%(sum)s).",
                total=total, sum=sum(columns))))
    return out


def check_table4(report: AnnualReport) -> list[Finding]:
    """Each 总计 of Table 4 equals the sum of its four results."""
    out = []
    for kind in REVIEW_KINDS:
        row = report.table4.get(kind) or {}
        values = [row.get(r) for r in TABLE4_COLUMNS[:-1]]
        total = row.get("total")
        if all(_number(v) for v in values) and _number(total) and sum(values) != total:
            out.append(Finding(ERROR, t4_cell(kind, "total"), _l(
                "The total (%(total)s) does not equal the sum of its results (%(sum)s).", total=total,
                sum=sum(values))))
    return out


def _has_cases_by(day: date, agency: Agency | None) -> bool:
    query = sa.select(sa.literal(1)).select_from(Case).where(Case.received_on <= day)
    if agency is not None:
        query = query.where(Case.agency_id == agency.id)
    return db.session.scalar(query.limit(1)) is not None


def opening_of(year: int, agency: Agency | None) -> ReportOpening | None:
    """The opening balance entered for the agency's report of `year`, or None."""
    if agency is None:
        return None
    return db.session.scalar(sa.select(ReportOpening).where(ReportOpening.agency_id == agency.id,
                                                            ReportOpening.year == year))


def check_carried_in(report: AnnualReport) -> list[Finding]:
    """Table 3 二 equals 四 of the year before, cell by cell (see the module's docstring for which)."""
    year, agency = report.year, report.agency
    before = annual_report(year - 1, agency)
    if before.published_at is not None:
        expected, source = before.table3.get("carried_out") or {}, _l("the published report of %(year)s", year=year - 1)
    elif (opening := opening_of(year, agency)) is not None:
        expected, source = opening.figures, _l("the figures entered for the year before the platform was used")
    elif _has_cases_by(date(year - 1, 12, 31), agency):
        expected, source = before.table3["carried_out"], _l("the cases of %(year)s in the system", year=year - 1)
    else:  # no case before the year, so item two is 0: right only if nothing was carried over
        return [Finding(WARNING, t3_cell("carried_in", "total"), _l(
            "The system has no cases of %(year)s and no carried-over figures were entered for it: item two is "
            "0. If the last report before the platform carried cases into this year, enter them.", year=year - 1))]
    out = []
    for c in COLUMNS:
        mine, theirs = _get(report.table3, "carried_in", c), expected.get(c)
        if mine is not None and _number(theirs) and mine != theirs:
            out.append(Finding(ERROR, t3_cell("carried_in", c), _l(
                "Item two is %(value)s, but item four of %(year)s is %(expected)s (%(source)s).",
                value=mine, year=year - 1, expected=theirs, source=source)))
    return out


def check_open_cases(report: AnnualReport, today: date) -> list[Finding]:
    """Warnings for cases whose outcome would still change the year's counts."""
    year, agency, out = report.year, report.agency, []
    end = date(year, 12, 31)
    if today <= end:
        query = sa.select(sa.func.count()).select_from(Case).where(
            Case.received_on <= min(today, end), Case.status.in_([s.value for s in OPEN]))
        if agency is not None:
            query = query.where(Case.agency_id == agency.id)
        n = db.session.scalar(query) or 0
        if n:
            out.append(Finding(WARNING, t3_cell("carried_out", "total"), _l(
                "The year is not over: %(n)s requests are still being handled, and their outcomes will change "
                "items three and four.", n=n)))
    query = sa.select(sa.func.count()).select_from(CaseClosure).where(
        CaseClosure.closed_on.between(date(year, 1, 1), end), CaseClosure.reopened_on > end)
    if agency is not None:
        query = query.where(CaseClosure.agency_id == agency.id)
    n = db.session.scalar(query) or 0
    if n:
        out.append(Finding(WARNING, t3_cell("handled", "total"), _l(
            "%(n)s requests counted as handled this year were reopened after it: this report keeps their first "
            "result, and the new reply counts in the year it is made.", n=n)))
    return out


def check_fees(report: AnnualReport) -> list[Finding]:
    """The fee paragraph's count of notices and amount collected equal the year's fee records."""
    records = fee_figures(report.year, report.agency)
    out = []
    notices, amount = report.fees.get("notices"), report.fees.get("amount")
    if notices != records["notices"]:
        out.append(Finding(ERROR, f"{FEE_PARAGRAPH} 收费通知件数", _l(
            "The report says %(value)s fee notices, but the fee records of the year show %(records)s.",
            value="—" if notices is None else notices, records=records["notices"])))
    if amount != records["amount"]:
        out.append(Finding(ERROR, f"{FEE_PARAGRAPH} 收取金额", _l(
            "The report says %(value)s yuan collected, but the fee records of the year show %(records)s yuan.",
            value="—" if amount is None else amount, records=records["amount"])))
    return out


def check_table2(year: int, agency: Agency | None) -> list[Finding]:
    """Every cell of Table 2 entered (one finding per empty cell)."""
    if agency is None:
        return []
    entry = db.session.scalar(sa.select(Table2Entry).where(Table2Entry.agency_id == agency.id,
                                                           Table2Entry.year == year))
    values = entry.cells() if entry is not None else {}
    return [Finding(ERROR, f"表二 {cell_name}", _l("The cell is empty: enter the figure (0 when there is none)."))
            for key, cell_name in TABLE2_LAYOUT.cell_names() if values.get(key) is None]


def self_check(year: int, agency: Agency | None, today: date, report: AnnualReport | None = None) -> list[Finding]:
    """Every finding of the year's report (the published figures once published), errors first."""
    report = report or annual_report(year, agency)
    findings = (check_cells(report) + check_identity(report) + check_table4(report) + check_carried_in(report)
                + check_fees(report) + check_table2(year, agency) + check_open_cases(report, today))
    return sorted(findings, key=lambda f: f.severity != ERROR)


def has_errors(findings: list[Finding]) -> bool:
    """Whether any finding is an error (the report must not be published as it stands)."""
    return any(f.severity == ERROR for f in findings)
