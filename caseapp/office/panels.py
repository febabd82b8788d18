"""Panels of the case page that other domains contribute: each a partial template and its context.

A domain adds its panel to PANELS (template path, function ctx -> dict); the case page renders
them in order, each in its own section.
"""
from __future__ import annotations

from collections.abc import Callable

from caseapp.core.actions import Ctx
from caseapp.fees.queries import fees_of_case
from caseapp.fees.states import FEE_LABELS
from caseapp.letters.queries import letters_of_case, time_requests_of_case
from caseapp.letters.rendering import load_spec
from caseapp.letters.states import LETTER_LABELS, TIME_REQUEST_LABELS


def letters_panel(ctx: Ctx) -> dict:
    """The case's letters, extension and deferral requests and fees, with their states."""
    return {"letters": letters_of_case(ctx.case), "time_requests": time_requests_of_case(ctx.case),
            "fees": fees_of_case(ctx.case), "letter_title": lambda key: load_spec(key).title,
            "letter_labels": {s.value: v for s, v in LETTER_LABELS.items()},
            "time_request_labels": {s.value: v for s, v in TIME_REQUEST_LABELS.items()},
            "fee_labels": {s.value: v for s, v in FEE_LABELS.items()}}


PANELS: list[tuple[str, Callable[[Ctx], dict]]] = [
    ("office/_letters_panel.html", letters_panel),
]


def case_panels(ctx: Ctx) -> list[tuple[str, dict]]:
    """(template, context) of every panel, for the case page."""
    return [(template, context(ctx)) for template, context in PANELS]
