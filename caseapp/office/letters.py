"""A case's letters page: its letters, extension, deferral and fee, and the actions on them."""
from __future__ import annotations

from flask import render_template, request
from flask_login import current_user, login_required

from caseapp.core.actions import Ctx, offers
from caseapp.core.forms import apply_errors
from caseapp.core.permissions import CASE_READERS, roles_required
from caseapp.fees.actions import BASIS_LABELS
from caseapp.fees.queries import requests_in_month
from caseapp.letters import rendering
from caseapp.letters.forms import template_groups
from caseapp.office import bp
from caseapp.office.case import load_case
from caseapp.office.panels import letters_panel

# What each action's form starts from, beyond its schema's defaults.
_STARTING_VALUES = {"propose_fee": lambda case: {"basis": "requests", "count": requests_in_month(case)}}


@bp.get("/letters/case/<tracking_number>")
@login_required
@roles_required(*CASE_READERS)
def case_letters(tracking_number: str):
    """The case's letters, extension, deferral and fee, with the forms of the actions the user may take."""
    return render_case_letters(load_case(tracking_number))


def render_case_letters(case, *, failed: tuple | None = None) -> str:
    """The case's letters page; after refused input, `failed` = (action name, errors) shows the typed
    values again with each message beside its field."""
    ctx = Ctx(user=current_user, case=case)
    shown = [o for o in offers(ctx, target="case") if o.action.domain in ("letters", "fees")]
    forms = {o.action.name: o.action.input.form_class(ctx, prefix=o.action.name)(
        data={"version": case.version, **o.action.input.initial(ctx),
              **_STARTING_VALUES.get(o.action.name, lambda c: {})(case)}) for o in shown}
    if failed is not None and failed[0] in forms:
        name, errors = failed
        action = next(o.action for o in shown if o.action.name == name)
        form = action.input.form_class(ctx, prefix=name)(formdata=request.form)
        apply_errors(form, errors)
        forms[name] = form
    if "draft_letter" in forms:  # the templates grouped: replies by annual-report section, then notices
        forms["draft_letter"].template.choices = {
            group: [(spec.key, name) for spec, name in items]
            for group, items in template_groups(rendering.all_specs())}
    return render_template("letters/case.html", case=case, specs={s.key: s for s in rendering.all_specs()},
                           offers=shown, forms=forms, basis_labels=BASIS_LABELS, **letters_panel(ctx))
