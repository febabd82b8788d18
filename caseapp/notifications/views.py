"""Office pages of the staff's notifications: the list, opening one, "mark as read" (one or all),
and the bell in the office bar, which counts the unread ones only.

Why marking read is not an action of the runner: a notification is the reader's own bookkeeping
(core's outbox stores one row per recipient), not a record of a case. Reading one changes nothing
that anybody else sees, so it has no roles, states or guards to declare and no audit event (an
audit trail of who glanced at their bell would only be noise). The views say so with
@outside_runner, as signing in does; the access checks stay: a user reaches only their own
notifications (404 for anyone else's).
"""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from caseapp.cases.models import Case
from caseapp.core.actions import outside_runner
from caseapp.core.permissions import CASE_READERS, Role, roles_required
from caseapp.extensions import db
from caseapp.notifications.forms import PlainForm
from caseapp.notifications.operations import mark_all_read, mark_read
from caseapp.notifications.queries import get_notification, notifications_for, unread_count

bp = Blueprint("notifications", __name__, url_prefix="/office")

ANYONE = (Role.CLERK, Role.SUPERVISOR, Role.LIAISON, Role.AUDITOR, Role.ADMIN)
LABELS = {"due_reminder": _l("Due-date reminder"), "supervision_order": _l("Supervision order"),
          "consultation_request": _l("Opinion requested"), "consultation_answered": _l("Opinion received"),
          "consultation_reminder": _l("Consultation due today"),
          "consultation_overdue": _l("Consultation overdue"),
          "consultation_cancelled": _l("Consultation cancelled"),
          "correction_received": _l("Correction received")}


@bp.app_context_processor
def _bell():
    def notification_count():
        """Unread notifications of the logged-in user (the bell in the office bar)."""
        if not current_user.is_authenticated:
            return 0
        return unread_count(current_user.id)

    return {"notification_count": notification_count}


def notification_link(note) -> str | None:
    """Where a notification leads: the consultation, else the case."""
    if note.kind.startswith("consultation") and note.subject_id:
        return url_for("consultations.detail", consultation_id=note.subject_id)
    if note.case_id:
        case = db.session.get(Case, note.case_id)
        if case is not None and current_user.role in CASE_READERS:
            return url_for("office.case_page", tracking_number=case.tracking_number)
    return None


@bp.get("/notifications")
@login_required
@roles_required(*ANYONE)
def notifications():
    """The user's notifications, newest first."""
    items = notifications_for(current_user.id, limit=200)
    return render_template("notifications/index.html", items=items, form=PlainForm(),
                           link=notification_link, labels=LABELS, unread=unread_count(current_user.id))


@bp.get("/notifications/<int:notification_id>")
@outside_runner("the reader's own unread mark, set as they open it")
@login_required
@roles_required(*ANYONE)
def notification_open(notification_id: int):
    """Open a notification: it is marked read and the user goes where it leads (the list when nowhere)."""
    note = get_notification(current_user.id, notification_id)
    if note is None:
        abort(404)
    mark_read(note)
    db.session.commit()
    return redirect(notification_link(note) or url_for("notifications.notifications"))


@bp.post("/notifications/<int:notification_id>/read")
@outside_runner("the reader's own mark: nothing of a case changes")
@login_required
@roles_required(*ANYONE)
def notification_read(notification_id: int):
    """Mark one notification read."""
    form = PlainForm()
    note = get_notification(current_user.id, notification_id)
    if note is None:
        abort(404)
    if form.validate_on_submit():
        mark_read(note)
        db.session.commit()
    return redirect(url_for("notifications.notifications"))


@bp.post("/notifications/read-all")
@outside_runner("the reader's own marks: nothing of a case changes")
@login_required
@roles_required(*ANYONE)
def notifications_read_all():
    """Mark all of the user's notifications read."""
    if PlainForm().validate_on_submit():
        mark_all_read(current_user.id)
        db.session.commit()
    return redirect(url_for("notifications.notifications"))
