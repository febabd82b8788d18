"""The administrators' actions, declared once (caseapp.core.actions): an agency's settings, its
departments and the import of a year's official holiday notice. They act on an agency (or on the
platform's calendar), not on a case: the office's admin pages run them (door "admin"); the CLI
calls the same operations.

- `edit_agency_settings` {settings: {name: value}} -> the settings that changed
- `add_department` {code, name} -> the department
- `import_calendar` {text: the notice's file} -> the calendar year
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from caseapp.accounts.operations import update_agency_settings
from caseapp.admin.departments import add_department
from caseapp.calendar.operations import import_calendar_text
from caseapp.cases.importer import import_case
from caseapp.core.actions import SYSTEM, Action, register
from caseapp.core.inputs import Field, Schema
from caseapp.core.permissions import Role

ADMINS = frozenset({Role.ADMIN})


def _settings_saved(ctx, changed):
    if not changed:
        return _l("Nothing was changed.")
    return _l("The settings of %(name)s were saved.", name=ctx.target.name)


register(
    Action(
        name="edit_agency_settings", label=_l("Save"), domain="admin", door="admin", target="agency", roles=ADMINS,
        versioned=False, agency=lambda ctx: ctx.target.id,
        input=Schema(Field("settings", "object", _l("Settings"), required=True, office=False)),
        operation=lambda ctx, data: update_agency_settings(ctx.target, ctx.user, **data["settings"]),
        done=_settings_saved,
    ),
    Action(
        name="add_department", label=_l("Add"), domain="admin", door="admin", target="agency", roles=ADMINS,
        versioned=False, agency=lambda ctx: ctx.target.id,
        input=Schema(Field("code", "text", _l("Code"), max_length=20), Field("name", "text", _l("Name"), max_length=200)),
        operation=lambda ctx, data: add_department(ctx.target, data.get("code"), data.get("name"), actor=ctx.user),
        done=lambda ctx, dept: _l("Department %(name)s created.", name=dept.name),
    ),
    Action(
        name="import_calendar", label=_l("Import"), domain="admin", door="admin", target="calendar", roles=ADMINS,
        versioned=False,
        input=Schema(Field("text", "longtext", _l("Calendar file"), required=True, office=False)),
        operation=lambda ctx, data: import_calendar_text(data["text"], actor=ctx.user, today=ctx.today),
        done=lambda ctx, year: _l("The calendar of %(year)s was imported.", year=year.year),
    ),
)


def _import_case(ctx, data):
    return import_case(ctx.target, data["row"], letters=data.get("letters") or (), actor=ctx.user,
                       actor_label=data.get("actor_label") or "import", source=data.get("source"), today=ctx.today)


# One checked row of an import sheet (caseapp.admin.imports runs it row by row: one commit a row).
# The CLI acts as the system (no account): its events name the command.
register(
    Action(
        name="import_case", label=_l("Import"), domain="admin", door="admin", target="agency",
        roles=ADMINS | {SYSTEM}, versioned=False, agency=lambda ctx: ctx.target.id,
        input=Schema(Field("row", "object", "", required=True, office=False),
                     Field("letters", "files", "", office=False),
                     Field("source", "text", "", office=False, max_length=300),
                     Field("actor_label", "text", "", office=False, max_length=80)),
        operation=_import_case,
        done=lambda ctx, case: _l("Imported as %(number)s.", number=case.tracking_number),
    ),
)
