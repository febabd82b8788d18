"""Running an import of existing cases (caseapp.cases.importer) for the CLI and the admin page.

Each valid row goes through the runner's `import_case` action: one transaction per row, so a bad
row never stops the others and a good one is never lost to a later bad one. A dry run only checks.
"""
from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import lazy_gettext as _l

from caseapp.cases.attachments import Attachment
from caseapp.cases.closures import CaseClosure
from caseapp.cases.importer import CheckedRow, Problem, RowChecker, read_sheet
from caseapp.cases.models import Case
from caseapp.core.audit import AuditEvent
from caseapp.core.actions import Ctx, get_action, perform
from caseapp.core.clock import local_today
from caseapp.core.errors import DomainError
from caseapp.core.inputs import Upload
from caseapp.extensions import db

MAX_ZIP_BYTES = 200 * 1024 * 1024  # expanded size of an uploaded .zip (the sheet and its letters)
MAX_ZIP_MEMBERS = 20000
LEVELS = {"error": _l("Error"), "warning": _l("Warning"), "info": _l("Skipped")}  # what a Problem's level says
IMPORTED = (Case, CaseClosure, Attachment, AuditEvent)  # what a row adds to the session


@dataclass
class ImportReport:
    dry_run: bool
    problems: list[Problem] = field(default_factory=list)
    imported: int = 0  # rows imported (a dry run: rows that would be)
    skipped: int = 0  # rows already imported before
    refused: int = 0  # rows with an error: nothing written for them
    rows: int = 0
    sheet_refused: bool = False  # wrong headers or an unreadable file: nothing written at all

    def summary(self) -> str:
        """One line in the user's words."""
        if self.sheet_refused:
            return str(_l("The sheet was refused: nothing was imported."))
        if self.dry_run:
            return str(_l("Dry run, nothing written: %(ok)s of %(n)s rows can be imported, %(skipped)s were imported "
                          "before, %(bad)s have errors.", ok=self.imported, n=self.rows, skipped=self.skipped,
                          bad=self.refused))
        if self.imported == 0 and self.skipped and not self.refused:
            return str(_l("Nothing imported: all %(n)s rows were imported before.", n=self.skipped))
        return str(_l("%(ok)s of %(n)s rows imported, %(skipped)s imported before, %(bad)s refused (nothing written "
                      "for them).", ok=self.imported, n=self.rows, skipped=self.skipped, bad=self.refused))


def run_import(agency, filename: str, data: bytes, *, letters=None, user, dry_run: bool,
               actor_label: str = "import") -> ImportReport:
    """Check every row and, unless a dry run, import each valid one through the runner (one commit a row).
    `letters(name)` returns a letter file's bytes, or None when there is none by that name."""
    report = ImportReport(dry_run)
    sheet = read_sheet(filename, data)
    if sheet.problems:
        report.problems, report.sheet_refused = sheet.problems, True
        return report
    today = local_today()
    checker = RowChecker(agency, today, letters)
    checker.prefetch(sheet.rows)
    report.rows = len(sheet.rows)
    session = db.session()
    # The agency and the user are only read: not reloading them after every row's commit.
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        _rows(report, sheet, checker, agency, user, filename, actor_label, today, dry_run)
    finally:
        session.expire_on_commit = expire
    return report


def _rows(report, sheet, checker, agency, user, filename, actor_label, today, dry_run) -> None:
    """Check each row and import the valid ones (one commit each), counting into the report."""
    action = get_action("import_case")
    for number, raw in sheet.rows:
        checked: CheckedRow = checker.check(number, raw)
        report.problems.extend(checked.problems)
        if checked.skipped is not None:
            report.skipped += 1
            report.problems.append(Problem(number, "", checked.skipped, "info"))
            continue
        if not checked.ok:
            report.refused += 1
            continue
        if dry_run:
            report.imported += 1
            continue
        ctx = Ctx(user=user, case=None, target=agency, today=today)
        try:
            perform(action, ctx, {"row": checked.values, "letters": [Upload(n, d) for n, d in checked.letters],
                                  "source": filename, "actor_label": actor_label}, source="api")
        except DomainError as err:
            report.refused += 1
            report.problems.append(Problem(number, "", str(err.message)))
        else:
            report.imported += 1
        for obj in list(db.session.identity_map.values()):  # 10,000 rows: keep the session small
            if isinstance(obj, IMPORTED):
                db.session.expunge(obj)


def folder_letters(sheet_path: Path):
    """Letters as files in the folder beside the sheet (sub-folders allowed, nothing outside it)."""
    root = sheet_path.resolve().parent

    def read(name: str) -> bytes | None:
        path = (root / name).resolve()
        if root not in path.parents or not path.is_file():
            return None
        return path.read_bytes()

    return read


class ZipRefused(Exception):
    """An uploaded .zip that is not a sheet with its letters."""


def open_upload(filename: str, data: bytes):
    """An uploaded sheet, or a .zip with one sheet and its letters: (sheet name, sheet bytes, letters)."""
    if not filename.lower().endswith(".zip"):
        return filename, data, None
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in zf.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ZipRefused(_l("The .zip file cannot be read.")) from None
    if len(infos) > MAX_ZIP_MEMBERS or sum(i.file_size for i in infos) > MAX_ZIP_BYTES:
        raise ZipRefused(_l("The .zip file is too large (at most 200 MB expanded)."))
    sheets = [i for i in infos if i.filename.lower().endswith((".xlsx", ".csv"))
              and not posixpath.basename(i.filename).startswith(("~$", "."))]
    if len(sheets) != 1:
        raise ZipRefused(_l("The .zip file must hold exactly one sheet (.xlsx or .csv) beside the letters."))
    sheet = sheets[0]
    base = posixpath.dirname(sheet.filename)
    members = {i.filename: i for i in infos}

    def read(name: str) -> bytes | None:
        path = posixpath.normpath(posixpath.join(base, name.replace("\\", "/")))
        info = members.get(path)
        return zf.read(info) if info is not None else None

    return posixpath.basename(sheet.filename), zf.read(sheet), read
