"""The notifications' rows of the office access matrix (tests/test_access_matrix.py) added by
issue 26, item 2 (the list, mark-read and mark-all rows stay in tests/consultations/matrix.py).

Everyone opens their own notifications (opening marks it read and leads where it points); anyone
else's answers 404. A notification belongs to one user, so each role tries its own (PER_USER:
the matrix makes the record for each role's GET too, not only for its POSTs).
"""
from __future__ import annotations

EVERYONE = {"clerk", "supervisor", "liaison", "auditor", "admin"}

NOTIFICATION_EXPECTED: dict[tuple, set] = {
    ("notifications.notification_open", "GET"): EVERYONE,
}
PER_USER = {"notifications.notification_open"}


def _open(w):
    """A notification of the user who tries (agency A's clerk for the anonymous and refused tries)."""
    from caseapp.core.outbox import notify
    from caseapp.extensions import db

    note = notify(w["users"][("a", w.get("role") or "clerk")].id, "due_reminder", "示例提醒：案件即将到期。")
    db.session.commit()
    return f"/office/notifications/{note.id}", {}


NOTIFICATION_TARGETS = {"notifications.notification_open": _open}
