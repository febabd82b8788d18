"""The answer to a reconsideration (行政复议答复书) or a lawsuit (行政诉讼答辩状) against a case's reply
(SPEC §12): a letter of the templates `review_answer.reconsideration` / `review_answer.lawsuit`,
drafted with the existing `draft_letter` action and approved and issued as any letter.

- The draft names its review in the field `review_id` (given, or else the case's latest review of
  the template's kind, preferring one still awaiting its answer); a review of another case or kind
  refuses the draft, and approval and issue check it again.
- Its facts are pre-filled from the case: when the request was received and what it asked, the
  search made (places and date), and the reply issued (title, number, date, legal basis, outcome).
  The lawsuit's court and the addressee come from the review's body; the evidence list is filled by
  the dossier (caseapp.dossier.defence), which sits above.
- The letter is addressed to the reconsideration body or the court (addressee `review_body`): not a
  reply, so issuing it neither closes nor changes the case, is not counted, is not e-mailed to the
  applicant and is not on the tracking page. Issuing it records nothing on the review: the clerk
  records `submit_review_answer` with the day it was handed over (the letter's own date may differ).
"""
from __future__ import annotations

import re
from functools import partial

from flask_babel import lazy_gettext as _l

from caseapp.cases.models import Case
from caseapp.cases.outcomes import get_outcome
from caseapp.core.errors import NotFoundError, TransitionError, ValidationError
from caseapp.letters import operations as letter_ops
from caseapp.letters.models import Letter
from caseapp.letters.queries import letters_of_case
from caseapp.letters.rendering import ANSWER_KEYS, cn_date, load_spec, strip_end
from caseapp.letters.states import LetterStatus
from caseapp.letters.values import request_summary
from caseapp.records.queries import LETTER_PLACE_WORDS, searches_of_case
from caseapp.reviews.models import CaseReview
from caseapp.reviews.queries import get_review, issued_reply, reviews_of

RECONSIDERATION, LAWSUIT = ANSWER_KEYS
# The answer's template by the review's kind.
ANSWER_TEMPLATES = {"reconsideration": RECONSIDERATION, "litigation_direct": LAWSUIT,
                    "litigation_after_reconsideration": LAWSUIT}
# The article a not-held reply cites, by the ground the clerk chose (the outcome names both).
_GROUND_ARTICLES = {("unavailable.not_held", "not_exist"): "第三十六条第（四）项",
                    ("unavailable.not_held", "not_ours"): "第三十六条第（五）项"}
_ROW_NUMBER = re.compile(r"^\s*(?:（[一二三四五六七八九十]+）|\d+．)")


def _kinds(template: str) -> tuple[str, ...]:
    return tuple(kind for kind, key in ANSWER_TEMPLATES.items() if key == template)


def _review_id(value) -> int | None:
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 10:
        value = int(value.strip())
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31 else None


def review_for_answer(case: Case, template: str, review_id=None) -> CaseReview:
    """The review an answer of `template` on this case answers: the one named, else the latest of the
    template's kind (one still awaiting its answer first). NotFoundError / TransitionError otherwise."""
    kinds = _kinds(template)
    if review_id not in (None, ""):
        review = get_review(_review_id(review_id)) if _review_id(review_id) else None
        if review is None or review.case_id != case.id:
            raise NotFoundError(_l("No such reconsideration or lawsuit on this request."))
        if review.kind not in kinds:
            raise TransitionError(_l("A written answer to a reconsideration answers a reconsideration, not a lawsuit.")
                                  if template == RECONSIDERATION else
                                  _l("A statement of defence answers a lawsuit, not a reconsideration."))
        return review
    reviews = [r for r in reviews_of(case) if r.kind in kinds]
    if not reviews:
        raise TransitionError(_l("No reconsideration or lawsuit of this kind is recorded on this request: record it "
                                 "first, then draft its answer."))
    open_ones = [r for r in reviews if r.answer_submitted_on is None]
    return (open_ones or reviews)[-1]


def _sentence(text: str) -> str:
    text = str(text or "").strip()
    return text if not text or text.endswith(("。", "！", "？")) else text + "。"


def _place_words(place: dict) -> str:
    """A place searched in the letter's Chinese (档案室（2020年以来的文书档案）), whatever the UI's language."""
    word, detail = LETTER_PLACE_WORDS.get(place.get("kind")), (place.get("detail") or "").strip()
    if word is None:
        return detail
    return f"{word}（{detail}）" if detail else word


def search_sentence(case: Case) -> str:
    """One sentence on the searches recorded: the places and the date(s); "" without one."""
    searches = searches_of_case(case)
    if not searches:
        return ""
    places: list[str] = []
    for search in searches:
        for place in search.places:
            text = _place_words(place)
            if text and text not in places:
                places.append(text)
    days = "、".join(dict.fromkeys(cn_date(s.searched_on) for s in searches))
    return f"本机关于{days}对{'、'.join(places)}进行了检索。"


def reply_basis(reply: Letter) -> str:
    """The article of the Regulations the reply relied on (the not-held reply's chosen ground)."""
    fields = reply.fields or {}
    article = _GROUND_ARTICLES.get((reply.template, fields.get("ground")))
    if article:
        return article
    outcome = get_outcome(reply.template)
    return outcome.basis if outcome else ""


def answer_facts(case: Case) -> str:
    """The facts of the case as an answer states them (official Chinese), from the recorded data."""
    summary = strip_end(request_summary(case.description))
    parts = [f"申请人{case.applicant_name}于{cn_date(case.received_on)}向本机关提出政府信息公开申请，要求公开“{summary}”。"]
    parts.append(search_sentence(case))
    reply = issued_reply(case)
    if reply is not None:
        outcome = get_outcome(reply.template)
        told = _ROW_NUMBER.sub("", outcome.report_label).split("（")[0] if outcome else ""
        basis = reply_basis(reply)
        number = f"（{reply.number}）" if reply.number else ""
        text = f"本机关于{cn_date(reply.issued_on)}作出《{load_spec(reply.template).title}》{number}，"
        if basis:
            text += f"依据《中华人民共和国政府信息公开条例》{basis}的规定，"
        text += f"告知申请人{told}" if told else "答复申请人"
        if reply.delivery_on:
            text += f"，并于{cn_date(reply.delivery_on)}送达申请人"
        parts.append(_sentence(text))
    return "".join(p for p in parts if p)


def _prefill(template: str, case: Case, values: dict) -> dict:
    try:
        review = review_for_answer(case, template, values.get("review_id"))
    except NotFoundError as err:
        raise ValidationError(err.message, errors={"review_id": err.message}) from None
    out = {"review_id": review.id, "facts": answer_facts(case)}
    if template == LAWSUIT:
        out.update(court=review.body, addressee=review.body)
    else:
        out["addressee"] = review.body or case.agency.reconsideration_body or ""
    return out


def _answer_rule(template: str, letter: Letter):
    """Approval and issue: the letter still names a review of its case, of its kind."""
    try:
        review_for_answer(letter.case, template, (letter.fields or {}).get("review_id") or "0")
    except (NotFoundError, TransitionError) as err:
        return TransitionError(err.message) if isinstance(err, NotFoundError) else err
    return None


def answer_letters(case: Case) -> list[Letter]:
    """The case's issued answers to reviews, in order."""
    return [letter for letter in letters_of_case(case)
            if letter.status == LetterStatus.ISSUED and letter.template in ANSWER_KEYS]


for _template in ANSWER_KEYS:
    letter_ops.add_draft_prefill(_template, partial(_prefill, _template))
    letter_ops.add_letter_rule(_template, partial(_answer_rule, _template))
