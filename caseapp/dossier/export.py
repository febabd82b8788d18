"""Archived dossiers exported for an agency's archive system: one PDF per case and a manifest
(manifest.csv, UTF-8 with BOM) with each file's SHA-256, checked against the digest frozen at archiving."""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

from caseapp.core import filestore
from caseapp.dossier.queries import archived_dossiers
from caseapp.stats.exports import BOM, safe_cell

MANIFEST = "manifest.csv"
COLUMNS = ("file", "sha256", "size", "pages", "documents", "tracking_number", "agency", "received_on", "closed_on",
           "retention_years", "archived_at")


class ExportError(Exception):
    """A stored dossier is missing or no longer matches its digest."""


def export_archive(target: Path, *, agency_code: str | None = None) -> int:
    """Copy the archived dossiers into `target` with the manifest; returns how many."""
    target.mkdir(parents=True, exist_ok=True)
    rows = []
    for dossier, case, agency in archived_dossiers(agency_code):
        name = f"{case.tracking_number}.pdf"
        source = filestore.open_path(dossier.storage_key)
        if not source.is_file():
            raise ExportError(f"{case.tracking_number}: the stored dossier is missing")
        shutil.copyfile(source, target / name)
        digest = filestore.file_sha256(target / name)
        if digest != dossier.sha256:
            raise ExportError(f"{case.tracking_number}: the dossier no longer matches its SHA-256")
        rows.append((name, digest, dossier.size, dossier.page_count, dossier.document_count, case.tracking_number,
                     agency.code, case.received_on.isoformat(), case.closed_on.isoformat() if case.closed_on else "",
                     dossier.retention_years, dossier.archived_at.isoformat()))
    with open(target / MANIFEST, "w", encoding="utf-8", newline="") as f:
        f.write(BOM)
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        writer.writerows([safe_cell(v) for v in row] for row in rows)
    return len(rows)
