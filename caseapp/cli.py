"""`flask --app wsgi caseapp ...` commands."""
from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup

from caseapp.accounts.models import User
from caseapp.accounts.operations import (
    create_agency,
    create_token,
    create_user,
    get_agency_by_code,
    get_department,
    update_agency_settings,
)
from caseapp.admin.departments import add_department
from caseapp.admin.import_cli import COMMANDS as import_commands
from caseapp.calendar.operations import import_calendar_text
from caseapp.calendar.service import seed_calendar, year_summary
from caseapp.core.audit import verify_chain
from caseapp.core.backup import BackupError, create_backup, read_manifest, restore_backup
from caseapp.core.actions import System, act
from caseapp.core.clock import local_today
from caseapp.core.db import writing
from caseapp.core.errors import DomainError
from caseapp.demo import load_demo
from caseapp.disclosure.cli import COMMANDS as similarity_commands
from caseapp.dossier import actions as dossier_actions  # noqa: F401 (archive_case, run below)
from caseapp.dossier.export import ExportError, export_archive
from caseapp.dossier.queries import archivable_cases
from caseapp.extensions import db
from caseapp.jobs.sweep import sweep
from caseapp.letters import seal
from caseapp.stats.cli import COMMANDS as REPORT_COMMANDS

caseapp_cli = AppGroup("caseapp", help="caseapp administration commands.")
calendar_cli = AppGroup("calendar", help="The working-day calendar.")
caseapp_cli.add_command(calendar_cli)
for _command in REPORT_COMMANDS:  # annual-report, table2-import (caseapp.stats.cli)
    caseapp_cli.add_command(_command)


def _fail(err: DomainError):
    db.session.rollback()
    raise click.ClickException(str(err.message))


def _parse_day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-11-27") from None


# Agency settings as command-line options (issue 9 item 17): option -> setting name.
AGENCY_OPTIONS = {
    "letter_pattern": "letter_number_pattern", "prefix": "tracking_prefix", "cutoff": "reply_cutoff",
    "reconsideration_body": "reconsideration_body", "contact": "letter_contact", "phone": "phone",
    "address": "address", "due_soon_days": "due_soon_days", "reminder_days": "clerk_reminder_days",
    "supervisor_reminder_days": "supervisor_reminder_days", "correction_days": "correction_period_days",
    "fees": "charges_fees", "allow_self_approval": "allow_self_approval", "candidate_threshold": "candidate_threshold",
    "retention_years": "retention_years",
}


def _agency_options(command):
    """The setting options shared by create-agency and update-agency (all optional)."""
    options = [
        click.option("--letter-pattern", help="Letter number pattern, e.g. '沪教信公〔{year}〕{seq}号'."),
        click.option("--prefix", help="Tracking-number prefix (default: the code)."),
        click.option("--cutoff", help="Daily cut-off for online receipt (HH:MM, default 17:00)."),
        click.option("--reconsideration-body", help="Where reconsideration goes, printed in every reply, "
                                                    "e.g. '示范市人民政府'."),
        click.option("--contact", help="Contact line printed on letters (default: built from phone and address)."),
        click.option("--phone", help="Telephone of the disclosure office."),
        click.option("--address", help="Address of the disclosure office."),
        click.option("--due-soon-days", type=int, help="A case is due soon at this many working days left (default 5)."),
        click.option("--reminder-days", help="Working days left at which the handling clerk is reminded (default 5,2)."),
        click.option("--supervisor-reminder-days", help="Working days left at which the supervisor is reminded "
                                                        "(default 2)."),
        click.option("--correction-days", type=int, help="Default correction period in working days (default 15)."),
        click.option("--fees/--no-fees", default=None, help="Whether the agency charges fees (default: it does)."),
        click.option("--allow-self-approval/--no-allow-self-approval", default=None,
                     help="Let the same person write and approve, for a one-person office (default: no)."),
        click.option("--candidate-threshold", type=int, help="Requests for the same information that make it a "
                                                             "candidate for proactive disclosure (default 3)."),
        click.option("--retention-years", type=int, help="Years a closed case's dossier is kept, from its "
                                                         "closing date (default 10; 30 for important files)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _settings_from_options(options: dict) -> dict:
    return {AGENCY_OPTIONS[k]: v for k, v in options.items() if k in AGENCY_OPTIONS and v is not None}


def _fail_settings(err: DomainError):
    db.session.rollback()
    names = {setting: "--" + option.replace("_", "-") for option, setting in AGENCY_OPTIONS.items()}
    lines = [str(err.message)] + [f"  {names.get(k, k)}: {m}" for k, m in (err.errors or {}).items()]
    raise click.ClickException("\n".join(lines))


@caseapp_cli.command("create-agency")
@click.argument("code")
@click.argument("name")
@_agency_options
def create_agency_cmd(code, name, **options):
    """Create an agency."""
    settings = _settings_from_options(options)
    with writing():
        try:
            agency = create_agency(code, name, **settings)
        except DomainError as err:
            _fail_settings(err)
        db.session.commit()
    click.echo(f"Created agency {agency.code}: {agency.name}")


@caseapp_cli.command("update-agency")
@click.argument("code")
@click.option("--name", help="Name of the agency.")
@_agency_options
@click.option("--seal-p12", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The agency's signing key and certificate (PKCS#12), copied into the seal directory "
                   "(CASEAPP_SEAL_DIR) as CODE.p12; its passphrase must be configured first "
                   "(CASEAPP_SEAL_PASSPHRASE_CODE, or the file CODE.pass in the seal directory).")
@click.option("--seal-image", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The agency's seal image (PNG, transparent ground), copied into the seal directory as CODE.png.")
def update_agency_cmd(code, name, seal_p12, seal_image, **options):
    """Change the settings of agency CODE (only the options given); the change is audited."""
    settings = _settings_from_options(options)
    if name is not None:
        settings["name"] = name
    if not settings and seal_p12 is None and seal_image is None:
        raise click.UsageError("Give at least one setting to change (see --help).")
    seal_files = {"p12": seal_p12.read_bytes() if seal_p12 else None,
                  "image": seal_image.read_bytes() if seal_image else None}
    with writing():
        agency = get_agency_by_code(code)
        if agency is None:
            raise click.ClickException(f"No agency {code}.")
        # The seal files are checked before anything is written (they go to files, not the database).
        subject = _check_seal_files(agency.code, **seal_files)
        changed = {}
        if settings:
            try:
                changed = update_agency_settings(agency, None, **settings)
            except DomainError as err:
                _fail_settings(err)
            db.session.commit()
    if seal_p12 or seal_image:
        try:
            written = seal.install_seal(agency.code, **seal_files)
        except DomainError as err:
            raise click.ClickException(str(err.message)) from None
        if subject:
            click.echo(f"Agency {agency.code}: seal certificate = {subject}")
        for path in written:
            click.echo(f"Agency {agency.code}: seal file written: {path}")
        if seal.agency_seal_missing(agency.code):
            click.echo(f"Agency {agency.code}: the seal is incomplete until {seal.agency_seal_missing(agency.code)} "
                       "is added; letters cannot be issued meanwhile.")
    elif not changed:
        click.echo(f"Agency {agency.code}: nothing changed")
    for key, value in changed.items():
        click.echo(f"Agency {agency.code}: {key} = {value}")


def _check_seal_files(code: str, *, p12: bytes | None, image: bytes | None) -> str | None:
    """Refuse a P12 that does not open with the configured passphrase or an image that is not a PNG
    (ClickException with the reason); the certificate's subject when a P12 was given."""
    if p12 is None and image is None:
        return None
    try:
        if seal.seal_dir() is None:
            raise click.ClickException("No seal directory is configured (CASEAPP_SEAL_DIR).")
        subject = seal.check_p12(code, p12) if p12 is not None else None
        if image is not None:
            seal.check_png(image)
    except DomainError as err:
        db.session.rollback()
        raise click.ClickException(str(err.message)) from None
    return subject


@caseapp_cli.command("create-department")
@click.argument("agency_code")
@click.argument("code")
@click.argument("name")
def create_department_cmd(agency_code, code, name):
    """Add a department (内设机构) CODE NAME to the agency AGENCY_CODE."""
    with writing():
        agency = get_agency_by_code(agency_code)
        if agency is None:
            raise click.ClickException(f"No agency {agency_code}.")
        try:
            dept = add_department(agency, code, name)
        except DomainError as err:
            _fail(err)
        db.session.commit()
    click.echo(f"Created department {dept.code} in {agency.code}: {dept.name}")


@caseapp_cli.command("create-user")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["clerk", "supervisor", "liaison", "auditor", "admin"]))
@click.option("--agency", "agency_code", help="Agency code (required except for platform-wide auditors and admins).")
@click.option("--department", "department_code", help="Department code (required for liaisons).")
@click.option("--password", help="Password (prompted for when omitted).")
@click.option("--name", "display_name", help="Display name.")
def create_user_cmd(username, role, agency_code, department_code, password, display_name):
    """Create a staff user."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with writing():
        agency = department = None
        if agency_code:
            agency = get_agency_by_code(agency_code)
            if agency is None:
                raise click.ClickException(f"No agency {agency_code}.")
        if department_code:
            if agency is None:
                raise click.ClickException("--department needs --agency.")
            department = get_department(agency, department_code)
            if department is None:
                raise click.ClickException(f"No department {department_code} in {agency.code}.")
        try:
            user = create_user(username, password, role, agency=agency, department=department,
                               display_name=display_name)
        except DomainError as err:
            _fail(err)
        db.session.commit()
    click.echo(f"Created {role} {user.username}")


@caseapp_cli.command("create-token")
@click.argument("username")
@click.option("--label", help="What the token is for.")
def create_token_cmd(username, label):
    """Print a new bearer token for USERNAME (shown once)."""
    with writing():
        user = db.session.scalar(sa.select(User).where(User.username == username))
        if user is None:
            raise click.ClickException(f"No user {username}.")
        token = create_token(user, label=label)
        db.session.commit()
    click.echo(token)


@caseapp_cli.command("demo")
@click.option("--cases", "n_cases", default=600, show_default=True, help="How many demo cases to create.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has agencies.")
@click.option("--seed", default=2026, show_default=True, help="Random seed, for repeatable data.")
def demo_cmd(n_cases, if_empty, seed):
    """Load demo agencies, users and realistic cases."""
    with writing():
        result = load_demo(n_cases=n_cases, if_empty=if_empty, seed=seed)
        db.session.commit()
    click.echo(result)


@caseapp_cli.command("archive")
@click.option("--before", "before_text", required=True, help="Archive closed cases whose closing date is before "
                                                             "this date (YYYY-MM-DD, not in the future).")
@click.option("--dry-run", is_flag=True, help="List the cases that would be archived; change nothing.")
def archive_cmd(before_text, dry_run):
    """Archive closed cases: freeze each dossier (PDF and SHA-256) in the file store, make the case
    read-only and remove the applicant's ID number, phone, e-mail and address from the database."""
    before = _parse_day(before_text)
    if before > local_today():
        raise click.BadParameter(f"{before_text} is in the future: only cases closed before today or an "
                                 "earlier date can be archived", param_hint="--before")
    cases = archivable_cases(before)
    if dry_run:
        for case in cases:
            click.echo(f"{case.tracking_number}\tclosed {case.closed_on.isoformat()}\t(would be archived)")
        click.echo(f"{len(cases)} case(s) would be archived (dry run: nothing changed)")
        return
    done = 0
    for case in cases:
        number = case.tracking_number
        with writing():
            try:
                result = act("archive_case", case, System())
            except DomainError as err:
                db.session.rollback()
                click.echo(f"{number}\tnot archived: {err.message}", err=True)
                continue
        done += 1
        click.echo(f"{number}\tarchived: {result['pages']} pages, sha256 {result['sha256']}")
    click.echo(f"{done} case(s) archived")


@caseapp_cli.command("archive-export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--agency", "agency_code", help="Only this agency's archived dossiers.")
def archive_export_cmd(directory, agency_code):
    """Copy the archived dossiers into DIRECTORY (one PDF per case) with manifest.csv (SHA-256 of each file)."""
    if agency_code and get_agency_by_code(agency_code) is None:
        raise click.ClickException(f"No agency {agency_code}.")
    try:
        count = export_archive(directory, agency_code=agency_code)
    except ExportError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"{count} dossier(s) exported to {directory} (manifest.csv)")


@caseapp_cli.command("sweep")
@click.option("--today", help="Run as if today were this date (YYYY-MM-DD).")
def sweep_cmd(today):
    """Move clocks forward: lapse corrections, recompute provisional due dates."""
    with writing():
        counts = sweep(_parse_day(today) or local_today())
        db.session.commit()
    click.echo(json.dumps(counts))


@calendar_cli.command("seed")
def calendar_seed_cmd():
    """Store the official years the calendar libraries know (never overwrites a stored year)."""
    with writing():
        added = seed_calendar()
        db.session.commit()
    click.echo(f"Added years: {', '.join(map(str, added)) or 'none'}")


@calendar_cli.command("show")
@click.argument("year", type=int)
def calendar_show_cmd(year):
    """Print a year's holidays and make-up working days."""
    summary = year_summary(year)
    state = "official" if summary["official"] else "PROVISIONAL (estimated)"
    click.echo(f"{year}: {state}; source: {summary['source']}")
    click.echo("Holidays:")
    for day, name in summary["holidays"]:
        click.echo(f"  {day.isoformat()} {day.strftime('%a')} {name or ''}".rstrip())
    click.echo("Make-up working days:")
    for day, name in summary["workdays"]:
        click.echo(f"  {day.isoformat()} {day.strftime('%a')} {name or ''}".rstrip())
    if not summary["workdays"]:
        click.echo("  (none)")


@calendar_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def calendar_import_cmd(file: Path):
    """Import a year from FILE (JSON); replaces the stored year."""
    with writing():
        try:
            year = import_calendar_text(file.read_text(encoding="utf-8-sig"), source=None)
        except DomainError as err:
            _fail(err)
        except UnicodeDecodeError:
            raise click.ClickException("The file is not UTF-8 text.") from None
        db.session.commit()
    click.echo(f"Imported {year.year} ({'official' if year.official else 'provisional'})")


@caseapp_cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_cmd(path: Path):
    """Write the database and the data folder to PATH (a .tar.gz archive)."""
    try:
        result = create_backup(path)
    except BackupError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"Backed up the {result.dialect} database (revision {result.revision}) and {result.files} data "
               f"files to {result.path} ({result.size:,} bytes)")


@caseapp_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_cmd(path: Path, yes: bool):
    """Replace the database and the data folder with the backup at PATH (stop the app first)."""
    try:
        manifest = read_manifest(path)
        if not yes:
            click.confirm(f"Replace the database and every stored file with the backup of {manifest['created_at']}?",
                          abort=True)
        restore_backup(path)
    except BackupError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"Restored the backup of {manifest['created_at']} (revision {manifest['revision']}, "
               f"{manifest['data_files']} data files). Run `flask --app wsgi db upgrade` if the code is newer.")


audit_cli = AppGroup("audit", help="The audit trail.")
caseapp_cli.add_command(audit_cli)


@audit_cli.command("verify")
def audit_verify_cmd():
    """Check the audit trail's hash chain; names the first broken link (exit status 1)."""
    report = verify_chain()
    if not report.ok:
        click.echo(f"Audit chain BROKEN at event #{report.broken_id}: {report.reason}. "
                   f"{report.checked} events before it hold.", err=True)
        sys.exit(1)
    click.echo(f"Audit chain intact: {report.checked} events.")


def register_cli(app: Flask) -> None:
    for command in (*import_commands, *similarity_commands):
        caseapp_cli.add_command(command)
    app.cli.add_command(caseapp_cli)


if __name__ == "__main__":  # pragma: no cover
    sys.exit("Run through `flask --app wsgi caseapp ...`.")
