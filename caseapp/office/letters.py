"""A case's letters page: its letters, extension, deferral and fee, and the actions on them."""
from __future__ import annotations

from flask import render_template, request
from flask_login import current_user, login_required

from caseapp.core.actions import Ctx, offers
from caseapp.core.forms import apply_errors
from caseapp.core.permissions import CASE_READERS, roles_required
from caseapp.fees.actions import BASIS_LABELS
from caseapp.letters import rendering
from caseapp.office import bp
from caseapp.office.case import load_case
from caseapp.office.panels import letters_panel

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
        data={"version": case.version, **o.action.input.initial(ctx)}) for o in shown}
    if failed is not None and failed[0] in forms:
        name, errors = failed
        action = next(o.action for o in shown if o.action.name == name)
        form = action.input.form_class(ctx, prefix=name)(formdata=request.form)
        apply_errors(form, errors)
        forms[name] = form
    return render_template("letters/case.html", case=case, specs={s.key: s for s in rendering.all_specs()},
                           offers=shown, forms=forms, basis_labels=BASIS_LABELS, **letters_panel(ctx))
