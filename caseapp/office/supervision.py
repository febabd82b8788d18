"""The supervisors' dashboard, their list of supervision orders (督办单), a case's order as a PDF,
and the two staff actions on an order (jobs/actions.py): the handler's feedback, a supervisor's closing.

The list is for supervisors and admins (admins read it; only supervisors close). The handler, who
does not see the list, answers on the case page (its supervision order box); each answer and each
closing is one action through the runner, one audit event.
"""
from __future__ import annotations

from flask import abort, current_app, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup

from caseapp.calendar.service import load_calendar
from caseapp.consultations import queries as consultation_queries
from caseapp.core.actions import Ctx, answer_office, attempt, get_action
from caseapp.core.clock import local_today
from caseapp.core.errors import ForbiddenError
from caseapp.core.permissions import CASE_HANDLERS, CASE_READERS, Role, require_agency, roles_required
from caseapp.jobs.supervision import (
    STATES,
    UNCLOSED,
    get_supervision_order,
    order_for_case,
    render_supervision_order_pdf,
    supervision_orders,
)
from caseapp.letters import fonts
from caseapp.office import bp
from caseapp.office.case import load_case
from caseapp.office.dashboard import supervisor_board


@bp.get("/supervision")
@login_required
@roles_required(Role.SUPERVISOR, Role.ADMIN, Role.AUDITOR)
def supervision():
    """Due soon, overdue, open supervision orders and consultations waiting, per clerk."""
    today = local_today()
    board = supervisor_board(current_user.agency_id, today, load_calendar())
    return render_template("office/supervision.html", board=board, today=today)


@bp.get("/cases/<tracking_number>/supervision-order.pdf")
@login_required
@roles_required(*CASE_READERS)
def supervision_order_pdf(tracking_number: str):
    """The case's supervision order (督办单) as a one-page PDF."""
    case = load_case(tracking_number)
    order = order_for_case(case.id)
    if order is None:
        abort(404)
    html = render_template("office/supervision_order_pdf.html", case=case, order=order,
                           consultations=consultation_queries.consultations_for_case(case),
                           status_labels=consultation_queries.STATUS_LABELS,
                           font_face_css=Markup(fonts.font_face_css()), font_stack=Markup(fonts.font_stack()))
    pdf = render_supervision_order_pdf(order, html)
    return current_app.response_class(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="supervision-{case.tracking_number}.pdf"'})


STATE_LABELS = {UNCLOSED: _l("Not closed"), "open": _l("Awaiting feedback"), "answered": _l("Feedback received"), "closed": _l("Order closed")}


@bp.app_context_processor
def _order_helpers():
    def order_actions(order) -> dict:
        """Which of the order's actions the logged-in user may take now: name -> (action, form)."""
        if order is None or not current_user.is_authenticated:
            return {}
        out = {}
        for name in ("answer_supervision_order", "conclude_supervision_order"):
            ctx = Ctx(user=current_user._get_current_object(), case=order.case, target=order)
            if attempt(name, ctx, None).ok:
                action = get_action(name)
                out[name] = (action, action.input.form_class(ctx, versioned=False, prefix=f"order{order.id}")())
        return out

    return {"order_actions": order_actions, "order_state_labels": STATE_LABELS}


@bp.get("/supervision/orders")
@login_required
@roles_required(Role.SUPERVISOR, Role.ADMIN)
def supervision_orders_page():
    """The supervision orders of the user's agency: number, case, days overdue, handler, state, feedback."""
    state = request.args.get("state") or None
    if state is not None and state not in (*STATES, UNCLOSED):
        abort(404)
    handler = request.args.get("handler") or None
    if handler is not None and handler != "none":
        if not handler.isdigit() or len(handler) > 9:
            abort(404)
        handler = int(handler)
    orders = supervision_orders(current_user.agency_id, state=state, handler=handler)
    return render_template("office/supervision_orders.html", orders=orders, state=state, handler=handler,
                           today=local_today())


def _run_order_action(name: str, order_id: int, back: str):
    order = get_supervision_order(order_id)
    if order is None:
        abort(404)
    require_agency(current_user, order.agency_id)
    ctx = Ctx(user=current_user._get_current_object(), case=order.case, target=order)
    if isinstance(attempt(name, ctx, None).error, ForbiddenError):
        abort(403)  # not this user's order to answer (or close): refused, as the API refuses it
    action = get_action(name)
    return answer_office(action, ctx, action.input.form_class(ctx, versioned=False)(), back=back)


def _back(order_id: int, default: str) -> str:
    """Back to the case page when the form was posted from it, else to the list."""
    order = get_supervision_order(order_id)
    if request.form.get("back") == "case" and order is not None:
        return url_for("office.case_page", tracking_number=order.case.tracking_number) + "#supervision-order"
    return default


@bp.post("/supervision/orders/<int:order_id>/feedback")
@login_required
@roles_required(*CASE_HANDLERS)
def supervision_order_feedback(order_id: int):
    """The case's handler answers the order with a feedback note."""
    return _run_order_action("answer_supervision_order", order_id,
                             _back(order_id, url_for("office.supervision_orders_page")))


@bp.post("/supervision/orders/<int:order_id>/close")
@login_required
@roles_required(Role.SUPERVISOR)
def supervision_order_close(order_id: int):
    """A supervisor closes an answered order."""
    return _run_order_action("conclude_supervision_order", order_id,
                             _back(order_id, url_for("office.supervision_orders_page")))
