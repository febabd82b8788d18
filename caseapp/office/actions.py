"""Every registered action in the office, by URL: /office/cases/<number>/<path> for actions on a
case (with a page that says what will happen, when the action has one) and
/office/letters/<id>/<path> for actions on a letter. Nothing here names an action: the registry
says which exist, who may take them and with what input.
"""
from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from caseapp.cases.states import STATUS_LABELS, TABLE, Status
from caseapp.clock.service import describe_clock, due_soon_days
from caseapp.core.actions import (
    Action,
    Ctx,
    answer_office,
    by_slug,
    refusal,
    role_refusal,
)
from caseapp.core.forms import apply_errors
from caseapp.letters.queries import get_letter
from caseapp.letters.views import render_letter_page
from caseapp.office import bp
from caseapp.office.case import load_case
from caseapp.office.labels import labels
from caseapp.office.letters import render_case_letters


def _allowed(action: Action | None) -> Action:
    """404 for no such action, 403 for a role that may not take it."""
    if action is None:
        abort(404)
    if role_refusal(action, current_user) is not None:
        abort(403)
    return action


def _case_url(case) -> str:
    return url_for("office.case_page", tracking_number=case.tracking_number)


def _page(action: Action, ctx: Ctx, form):
    """The page that says what the action will do, with its form (or why it cannot be taken now)."""
    refused = refusal(action, ctx)
    transition = TABLE.transitions.get(action.name)
    target = TABLE.target(action.name, ctx.case.status) if transition and not refused else None
    return render_template(
        "office/action.html", case=ctx.case, action=action, form=form, refused=refused,
        status_label=STATUS_LABELS[Status(ctx.case.status)], target_label=STATUS_LABELS[target] if target else None,
        clock=describe_clock(ctx.case, ctx.today, soon_days=due_soon_days(ctx.case.agency)),
        **(action.preview(ctx) if action.preview and not refused else {}), **labels(),
    )


@bp.route("/cases/<tracking_number>/<slug>", methods=["GET", "POST"])
@login_required
def case_action(tracking_number: str, slug: str):
    """An action on a case: GET shows its page (when it has one), POST takes it."""
    case = load_case(tracking_number)
    action = _allowed(by_slug(slug, "case"))
    ctx = Ctx(user=current_user, case=case)
    form = action.input.form_class(ctx)(data={"version": case.version, **action.input.initial(ctx)}
                                        if request.method == "GET" else None)
    if request.method == "GET":
        return _page(action, ctx, form) if action.page else redirect(_case_url(case))
    back = request.referrer if not action.page and request.referrer else _case_url(case)
    if action.page:
        render = lambda f, errors: _page(action, ctx, apply_errors(f, errors) or f)
    elif action.domain in ("letters", "fees"):  # its form is on the case's letters page: show it there again
        render = lambda f, errors: render_case_letters(case, failed=(action.name, errors))
    else:
        render = None
    return answer_office(action, ctx, form, back=back, render=render)


@bp.post("/letters/<int:letter_id>/<slug>")
@login_required
def letter_action(letter_id: int, slug: str):
    """An action on a letter (save, submit, approve, return, issue)."""
    letter = get_letter(letter_id)
    if letter is None:
        abort(404)
    case = load_case(letter.case.tracking_number)
    action = _allowed(by_slug(slug, "letter"))
    ctx = Ctx(user=current_user, case=case, target=letter)
    form = action.input.form_class(ctx, versioned=False, prefix=action.name)()
    return answer_office(action, ctx, form, back=url_for("letters.letter_page", letter_id=letter.id),
                         render=lambda f, errors: render_letter_page(letter, failed=(action.name, f, errors)))
