"""The office: the staff's pages over every domain (home, inbox, registration, case page, actions).

It sits above the domain packages (cases, letters, fees, ...) and reads their queries and action
registries; it writes only through the action runner or the domains' operations.
"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("office", __name__, url_prefix="/office")

from caseapp.office import actions, case, dossier, home, inbox, letters, records, register, supervision, worklist  # noqa: F401
