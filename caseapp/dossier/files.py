"""A case's dossier as a download (the access checks are the caller's): an archived case's frozen
dossier as stored; any other case's built now into a temporary file and streamed from it."""
from __future__ import annotations

import os
import tempfile

from flask import send_file

from caseapp.core.filestore import open_path
from caseapp.dossier.build import build_dossier
from caseapp.dossier.queries import archived_dossier


def dossier_response(case, *, compiled_by: str):
    """Stream the case's dossier PDF."""
    name = f"{case.tracking_number}-dossier.pdf"
    frozen = archived_dossier(case)
    if frozen is not None:
        return send_file(open_path(frozen.storage_key), mimetype="application/pdf", as_attachment=True,
                         download_name=name, max_age=0, etag=frozen.sha256)
    fd, path = tempfile.mkstemp(prefix="caseapp-dossier-", suffix=".pdf")
    os.close(fd)
    try:
        build_dossier(case, path, compiled_by=compiled_by)
        handle = open(path, "rb")  # noqa: SIM115 - send_file closes it when the response ends
    finally:
        os.unlink(path)  # the open handle keeps the file readable until the response is sent
    return send_file(handle, mimetype="application/pdf", as_attachment=True, download_name=name, max_age=0)
