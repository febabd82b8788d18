"""A reply that the information is not held or needs creation rests on a recorded search (SPEC §12):
submitting or approving one is refused until the case has a search record (Guiding Case No. 101)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from caseapp.core.errors import TransitionError
from caseapp.letters import rendering
from caseapp.letters.operations import add_letter_rule
from caseapp.records.queries import has_search

# The outcomes whose reply must rest on a search (Reg. 36(4), 36(5) and 38); every template of them.
SEARCHED_OUTCOMES = ("unavailable.not_held", "unavailable.needs_creation")


def search_refusal(letter) -> TransitionError | None:
    """Refuse a not-held or needs-creation reply while its case has no search record."""
    spec = rendering.load_spec(letter.template)
    if spec.outcome not in SEARCHED_OUTCOMES or has_search(letter.case):
        return None
    return TransitionError(_l("A reply that the information is not held or needs creation must rest on a search: "
                              "record the search (where, with which terms, what was found) on the case first."))


for _spec in rendering.all_specs():
    if _spec.outcome in SEARCHED_OUTCOMES:
        add_letter_rule(_spec.key, search_refusal, steps=("approve",))
