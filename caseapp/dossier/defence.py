"""The dossier's documents of a reply's defence (SPEC §12), filled into its named sections with
`sections.provide`: each search record as a page the dossier writes (places, terms, date, by whom,
result), and the issued answers to reconsiderations and lawsuits (their frozen PDFs).

The dossier is also the evidence list of an answer: a draft of `review_answer.*` starts with the
dossier's documents, one a line (1. 《题名》（文号，日期）), read from the sections' metadata without
building the PDF (no page numbers: those exist only once the dossier is built).
"""
from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from caseapp.cases.models import Case
from caseapp.dossier import sections
from caseapp.dossier.sections import PDF, Document
from caseapp.letters import operations as letter_ops
from caseapp.letters.rendering import ANSWER_KEYS, cn_date, load_spec
from caseapp.records.queries import place_text, searches_of_case
from caseapp.reviews.answers import answer_letters


def search_record_section(case: Case) -> list[Document]:
    """Each search record of the case, oldest first, as a page of the dossier."""
    docs = []
    for search in searches_of_case(case):
        by = search.created_by.display_name if search.created_by else case.agency.name
        docs.append(Document(_("Search record"), by, search.searched_on, template="search_record",
                             values={"search": search, "by": by,
                                     "places": [place_text(p) for p in search.places]}))
    return docs


def review_answer_section(case: Case) -> list[Document]:
    """The issued answers to reconsiderations and lawsuits, as frozen when issued."""
    return [Document(load_spec(letter.template).title, case.agency.name, letter.issued_on, letter.number or "",
                     key=letter.pdf_key, content_type=PDF) for letter in answer_letters(case)]


def evidence_list(case: Case) -> str:
    """The dossier's documents as an answer lists its evidence: "1. 《题名》（文号，日期）" a line, in
    Chinese whatever the drafter's language (the letter is official Chinese text)."""
    lines = []
    with force_locale("zh_CN"):
        documents = sections.documents_of(case)
    for number, doc in enumerate(documents, start=1):
        title = str(doc.title).strip().strip("《》")
        detail = "，".join(p for p in (doc.reference, cn_date(doc.on) if doc.on else "") if p)
        lines.append(f"{number}. 《{title}》" + (f"（{detail}）" if detail else ""))
    return "\n".join(lines)


sections.provide("search_record", search_record_section)
sections.provide("review_answers", review_answer_section)
for _template in ANSWER_KEYS:
    letter_ops.add_draft_prefill(_template, lambda case, values: {"evidence": evidence_list(case)})
