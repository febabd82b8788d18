"""`flask caseapp import-cases` and `import-template` (registered by caseapp.cli)."""
from __future__ import annotations

from pathlib import Path

import click
from flask_babel import gettext as _

from caseapp.accounts.operations import get_agency_by_code
from caseapp.admin.imports import LEVELS, folder_letters, run_import
from caseapp.cases.importer import template_csv
from caseapp.core.actions import System
from caseapp.core.db import writing

@click.command("import-cases")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--agency", "agency_code", required=True, help="Code of the agency the cases belong to.")
@click.option("--dry-run", is_flag=True, help="Check every row and print the report; write nothing.")
def import_cases_cmd(file: Path, agency_code: str, dry_run: bool):
    """Import existing cases from FILE (.xlsx or .csv, see `import-template`); letters named in the
    sheet are read from the folder beside it. Each valid row is imported in its own transaction."""
    agency = get_agency_by_code(agency_code)
    if agency is None:
        raise click.ClickException(f"No agency {agency_code}.")
    if file.suffix.lower() not in (".xlsx", ".csv"):
        raise click.ClickException("The file must be an .xlsx or a .csv sheet.")
    with writing():
        report = run_import(agency, file.name, file.read_bytes(), letters=folder_letters(file), user=System(),
                            dry_run=dry_run, actor_label="cli:import-cases")
    for p in report.problems:
        click.echo("\t".join((str(LEVELS[p.level]), _("Row %(n)s", n=p.row) if p.row else _("Sheet"),
                               p.column or "-", p.message)))
    click.echo(report.summary())
    if report.sheet_refused:
        raise SystemExit(1)


@click.command("import-template")
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path), required=False)
def import_template_cmd(output: Path | None):
    """Write the import template (CSV with the headers and two example rows) to OUTPUT, or print it."""
    data = template_csv()
    if output is None:
        click.echo(data.decode("utf-8-sig"), nl=False)
    else:
        output.write_bytes(data)
        click.echo(f"Wrote {output}")


COMMANDS = (import_cases_cmd, import_template_cmd)
