"""The supervisors' dashboard and a case's supervision order (督办单) as a PDF."""
from __future__ import annotations

from flask import abort, current_app, render_template
from flask_login import current_user, login_required
from markupsafe import Markup

from caseapp.calendar.service import load_calendar
from caseapp.consultations import queries as consultation_queries
from caseapp.core.clock import local_today
from caseapp.core.permissions import CASE_READERS, Role, roles_required
from caseapp.jobs.supervision import order_for_case, render_supervision_order_pdf
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
