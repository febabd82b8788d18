"""State tables: which action may start from which status, and where it leads.

Each domain keeps one table for each thing that has a status (a case, a letter, a fee, a time
request) in its own `states.py`; guards, operations and the office read that table only.
"""
from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from caseapp.core.errors import TransitionError


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset
    target: enum.Enum | None  # None: the status stays
    label: object


class StateTable:
    """The allowed transitions of one status enum, with the statuses' labels."""

    def __init__(self, statuses: type[enum.Enum], labels: Mapping, transitions: Iterable[Transition],
                 message=None):
        self.statuses = statuses
        self.labels = dict(labels)
        self.transitions = {t.action: t for t in transitions}
        # The refusal, with %(action)s and %(status)s: say what is in the wrong status.
        self.message = message or _l("“%(action)s” is not possible while it is “%(status)s”.")

    def status(self, value) -> enum.Enum:
        """The enum member of a status value."""
        return self.statuses(value)

    def label(self, value) -> object:
        """The translated label of a status."""
        return self.labels[self.statuses(value)]

    def transition(self, action: str) -> Transition:
        """The transition of `action`; LookupError naming the action and the table when it has none."""
        t = self.transitions.get(action)
        if t is None:
            raise LookupError(f"action {action!r} has no transition in the {self.statuses.__name__} table")
        return t

    def when(self, action: str):
        """An action's `when` check: None while the status allows `action`, else the refusal. Checks
        at declaration that the table has the action, so that a declaration naming a transition the
        table lacks stops the app at start, with the action's name, instead of failing at first use."""
        self.transition(action)
        return lambda ctx_status: self.refusal(action, ctx_status)

    def allowed(self, action: str, status) -> bool:
        """Whether `action` may start from `status`."""
        t = self.transitions.get(action)
        return t is not None and self.statuses(status) in t.sources

    def target(self, action: str, status):
        """The status after `action`."""
        t = self.transition(action)
        return t.target if t.target is not None else self.statuses(status)

    def available(self, status) -> list[str]:
        """Actions allowed in this status, in table order."""
        return [a for a, t in self.transitions.items() if self.statuses(status) in t.sources]

    def refusal(self, action: str, status) -> TransitionError | None:
        """None when allowed, else the error that says why (nothing is raised)."""
        if self.allowed(action, status):
            return None
        return TransitionError(str(self.message) % {"action": self.transition(action).label,
                                                     "status": self.label(status)})

    def require(self, action: str, status) -> None:
        """Raise TransitionError unless `action` may start from `status`."""
        err = self.refusal(action, status)
        if err is not None:
            raise err
