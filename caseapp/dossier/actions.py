"""The dossier's actions, declared once (caseapp.core.actions): archiving a closed case, which only
the system does (the `archive` command runs it through the runner, one case per transaction)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from caseapp.core.actions import SYSTEM, Action, register
from caseapp.dossier import operations as ops
from caseapp.dossier.models import ArchivedDossier  # noqa: F401 (the model, for the app's metadata)

register(
    Action(
        name="archive_case", label=_l("Archive the case"), domain="dossier", door="system",
        roles=frozenset({SYSTEM}), versioned=False, when=lambda ctx: ops.archive_refusal(ctx.case),
        operation=lambda ctx, data: ops.archive_case(ctx.case, today=ctx.today),
        result=lambda ctx, row: {"sha256": row.sha256, "pages": row.page_count, "documents": row.document_count},
        done=_l("The case was archived."),
    ),
)
