"""The supervision orders' rows of the office access matrix (tests/test_access_matrix.py).

Expectations come from issue 26, item 4 (never from the views' decorators): the list of orders is
for supervisors and admins (an auditor, a clerk and a liaison are refused); the case's handler
answers an order with feedback (a clerk or a supervisor who handles the case); only a supervisor
closes one. Each try gets its own order (world["role"] is the role that will use it, None for the
anonymous and refused tries).
"""
from __future__ import annotations

SUPERVISION_EXPECTED: dict[tuple, set] = {
    ("office.supervision_orders_page", "GET"): {"supervisor", "admin"},
    ("office.supervision_order_feedback", "POST"): {"clerk", "supervisor"},
    ("office.supervision_order_close", "POST"): {"supervisor"},
}


def _done(url: str, data: dict | None = None):
    from caseapp.extensions import db

    db.session.commit()
    return url, data or {}


def _order(w, *, handler_role: str = "clerk", answered: bool = False):
    from tests.jobs.supervision_helpers import open_order

    case = w["make_case"]("in_progress", agency=w["a"], handler=w["users"][("a", handler_role)])
    return open_order(case, answered=answered)


def _feedback(w):
    """An order on a case handled by the user who tries (a clerk or a supervisor may handle one)."""
    role = w.get("role") if w.get("role") in ("clerk", "supervisor") else "clerk"
    order = _order(w, handler_role=role)
    return _done(f"/office/supervision/orders/{order.id}/feedback", {"feedback": "已完成检索，三个工作日内答复。"})


def _close(w):
    return _done(f"/office/supervision/orders/{_order(w, answered=True).id}/close")


SUPERVISION_TARGETS = {
    "office.supervision_orders_page": lambda w: _done("/office/supervision/orders"),
    "office.supervision_order_feedback": _feedback,
    "office.supervision_order_close": _close,
}
