"""Public portal pages."""
from __future__ import annotations

from flask import Blueprint, render_template

from caseapp.accounts.operations import list_agencies

bp = Blueprint("portal", __name__)


@bp.get("/")
def index():
    """Home page: the agencies and how a request is handled."""
    return render_template("portal/index.html", agencies=list_agencies())
