"""`flask caseapp annual-report` and `flask caseapp table2-import`: the annual report from the shell.

Registered on the `caseapp` command group by caseapp.cli. The self-check prints its findings in the
default language (Chinese) and exits with status 1 when any is an error, for scripts and CI.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from caseapp.accounts.operations import get_agency_by_code
from caseapp.core.clock import local_today
from caseapp.core.errors import DomainError
from caseapp.extensions import db
from caseapp.stats.report import annual_report
from caseapp.stats.selfcheck import has_errors, self_check
from caseapp.stats.table2 import parse_table2_csv, save_table2


def _agency(code: str | None):
    if not code:
        return None
    agency = get_agency_by_code(code)
    if agency is None:
        raise click.ClickException(_("No such agency."))
    return agency


@click.command("annual-report")
@click.argument("year", type=int)
@click.option("--agency", "agency_code", help="Agency code (default: all agencies together).")
@click.option("--check", is_flag=True, help="Run the self-check: list every finding; exit status 1 on any error.")
@with_appcontext
def annual_report_cmd(year: int, agency_code: str | None, check: bool):
    """Print the annual report of YEAR as JSON, or with --check its self-check."""
    agency = _agency(agency_code)
    report = annual_report(year, agency)
    if not check:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=1))
        return
    findings = self_check(year, agency, local_today(), report)
    for f in findings:
        click.echo(f"[{f.severity_label}] {f.cell}：{f.message}")
    errors = sum(1 for f in findings if f.severity == "error")
    click.echo(_("%(errors)s errors, %(warnings)s warnings.", errors=errors, warnings=len(findings) - errors))
    if has_errors(findings):
        sys.exit(1)


@click.command("table2-import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--agency", "agency_code", required=True, help="Agency code.")
@click.option("--year", type=int, required=True, help="Report year.")
@with_appcontext
def table2_import_cmd(file: Path, agency_code: str, year: int):
    """Enter Table 2 of YEAR from a CSV of rows 项目,数值 (e.g. "规章 本年制发件数,3")."""
    agency = _agency(agency_code)
    try:
        values = parse_table2_csv(file.read_text(encoding="utf-8-sig"))
        entry = save_table2(agency, year, values, actor=None)
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        details = "；".join(f"{k}：{v}" for k, v in err.errors.items())
        raise click.ClickException(f"{err.message}{' ' + details if details else ''}") from None
    empty = sum(1 for v in entry.cells().values() if v is None)
    click.echo(_("Table 2 of %(year)s saved; %(n)s cells still empty.", year=year, n=empty))


COMMANDS = (annual_report_cmd, table2_import_cmd)
