"""The import page's rows of the office access matrix (tests/test_access_matrix.py): importing an
office's existing cases is an administrator's task (issue 25, item 4), no one else's."""
from __future__ import annotations

import io

IMPORTS_EXPECTED: dict[tuple, set] = {
    ("admin.imports", "GET"): {"admin"},
    ("admin.imports", "POST"): {"admin"},
}


class _Reusable(io.BytesIO):
    """The matrix sends one try's form to every role: the test client closes a file after a request."""

    def close(self):
        self.seek(0)


def _upload(world):
    """A dry run of the template for agency A (a fresh file object for each try)."""
    from caseapp.cases.importer import template_csv

    return "/office/admin/imports", {"agency": world["a"].code, "dry_run": "y",
                                     "file": (_Reusable(template_csv()), "cases.csv")}


IMPORTS_TARGETS = {"admin.imports": _upload}
