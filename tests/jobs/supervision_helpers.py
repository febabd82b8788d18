"""Supervision orders for tests: opened on a case as the sweep would open them (and answered by
its handler when asked), without waiting for the case to run late."""
from __future__ import annotations


def open_order(case, *, answered: bool = False):
    """Open the case's supervision order (the handler as the sweep records it); with `answered`, the
    handler's feedback is on it. Commits."""
    from caseapp.core.clock import local_today
    from caseapp.extensions import db
    from caseapp.jobs.supervision import answer_supervision_order, open_supervision_order

    order = open_supervision_order(case, today=local_today())
    if answered:
        answer_supervision_order(order, actor=case.handler, feedback="已补充检索，预计三个工作日内答复。")
    db.session.commit()
    return order


def order_on_handled_case(world, *, answered: bool = False):
    """A case of agency A handled by its clerk, with an open order: (case, order)."""
    case = world["make_case"]("in_progress", agency=world["a"], handler=world["users"][("a", "clerk")])
    return case, open_order(case, answered=answered)
