"""The annual report's actions, declared once (caseapp.core.actions). They act on an agency's report
of a year (the Ctx's target is the agency), not on a case; the annual-report pages run them.

- `publish_annual_report` {year} -> the published report (its figures frozen)
- `enter_report_opening` {year, natural_person, ..., other_org} -> the opening balance of a first year
- `save_table2` {year, rules_made, ..., fees_amount} -> Table 2 of the year

Supervisors and admins write them; the auditor reads the report and its self-check but never writes
(issue 12: the auditor is read-only everywhere).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from caseapp.core.actions import Action, register
from caseapp.core.inputs import Field, Schema
from caseapp.core.permissions import Role
from caseapp.stats.layout import COLUMN_LABELS
from caseapp.stats.publication import publish_report, save_opening
from caseapp.stats.report import COLUMNS
from caseapp.stats.table2 import CELL_NAMES, save_table2

REPORT_EDITORS = frozenset({Role.SUPERVISOR, Role.ADMIN})
YEAR = Field("year", "int", _l("Year"), required=True)

register(
    Action(
        name="publish_annual_report", label=_l("Publish the report"), domain="stats", door="admin", target="report",
        roles=REPORT_EDITORS, versioned=False, agency=lambda ctx: ctx.target.id, input=Schema(YEAR),
        operation=lambda ctx, data: publish_report(ctx.target, data["year"], actor=ctx.user, today=ctx.today),
        done=lambda ctx, published: _l("The report of %(year)s was published; its figures are now frozen.",
                                       year=published.year),
        confirm=_l("Publish the report? Its figures will not change afterwards."),
    ),
    Action(
        name="enter_report_opening", label=_l("Save the carried-over figures"), domain="stats", door="admin",
        target="report", roles=REPORT_EDITORS, versioned=False, agency=lambda ctx: ctx.target.id,
        input=Schema(YEAR, *(Field(c, "int", COLUMN_LABELS[c], required=True) for c in COLUMNS[:-1])),
        operation=lambda ctx, data: save_opening(ctx.target, data["year"], {c: data[c] for c in COLUMNS[:-1]},
                                                 actor=ctx.user),
        done=_l("The carried-over figures were saved."),
    ),
    Action(
        name="save_table2", label=_l("Save Table 2"), domain="stats", door="admin", target="report",
        roles=REPORT_EDITORS, versioned=False, agency=lambda ctx: ctx.target.id,
        input=Schema(YEAR, *(Field(key, "text", name, max_length=30) for key, name in CELL_NAMES.items())),
        operation=lambda ctx, data: save_table2(ctx.target, data["year"], data, actor=ctx.user),
        done=_l("Table 2 was saved."),
    ),
)
