"""Audit event names: the one table of every event code with its translated label and description.

Screens and exports show `event_label(code)`, never the code. A domain that records a new event
adds its row to EVENTS here (a test runs every registered action and fails on an unlabelled event).
Code that must react to an event inside the same transaction (notifications, for instance)
subscribes with `subscribe(code, handler)`; `record_event` calls the handlers after adding the event.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class EventType:
    code: str
    label: object  # lazy translated string
    description: object


def _table(*rows: tuple[str, object, object]) -> dict[str, EventType]:
    return {code: EventType(code, label, description) for code, label, description in rows}


EVENTS: dict[str, EventType] = _table(
    # accounts and settings
    ("user.created", _l("User created"), _l("A staff account was created.")),
    ("user.login", _l("Logged in"), _l("A staff member logged in.")),
    ("user.logout", _l("Logged out"), _l("A staff member logged out.")),
    ("token.created", _l("API token issued"), _l("A bearer token for the staff API was issued.")),
    ("agency.created", _l("Agency created"), _l("An agency was added to the platform.")),
    ("agency.updated", _l("Agency settings changed"), _l("An agency's settings were changed.")),
    ("department.created", _l("Department created"), _l("A department was added to an agency.")),
    ("calendar.imported", _l("Calendar imported"), _l("A year's working-day calendar was entered or corrected.")),
    # cases
    ("case.registered", _l("Registered"), _l("The request was filed online or registered by a clerk.")),
    ("case.imported", _l("Imported"), _l("An existing case was brought in from the office's former records "
                                         "(import-cases), with its original number and dates.")),
    ("case.accepted", _l("Accepted"), _l("The request was accepted for handling.")),
    ("case.correction_requested", _l("Correction requested"),
     _l("The applicant was asked to correct or complete the request (Reg. 30).")),
    ("case.correction_received", _l("Correction received"),
     _l("The applicant's correction arrived; the reply period starts again.")),
    ("case.assigned", _l("Assigned"), _l("The case was given to a handler.")),
    ("case.withdrawn", _l("Withdrawn"), _l("The applicant withdrew the request.")),
    ("case.closed", _l("Closed"), _l("The case was closed with an outcome.")),
    ("case.reopened", _l("Reopened"), _l("A reconsideration or court decision reopened the case.")),
    ("case.archived", _l("Archived"), _l("The case's dossier was frozen in the archive, the case became read-only "
                                         "and the applicant's ID number and contact details were removed from it.")),
    ("case.fee_notice_served", _l("Fee notice served"), _l("The fee notice was served; the clock is paused.")),
    ("case.fee_paid", _l("Fee paid"), _l("The fee was paid; the clock runs again.")),
    ("case.note_added", _l("Internal note"), _l("An internal note was added.")),
    ("case.id_revealed", _l("ID number displayed"), _l("A staff member displayed the full ID number.")),
    ("case.files_attached", _l("Files attached"), _l("Files were attached to the case.")),
    # records (SPEC §11)
    ("record.added", _l("Record added"), _l("A record found for the request was added to the case.")),
    ("record.redacted", _l("Record redacted"),
     _l("A redacted version of a record was made; the removed parts and their ground were logged.")),
    ("record.released_as_is", _l("Record released as it is"),
     _l("A record was marked to be released without redaction.")),
    ("record.search_recorded", _l("Search recorded"),
     _l("A search for the requested information was recorded: where, with which terms, what was found.")),
    ("case.query_code_reissued", _l("Query code reissued"), _l("A new query code was issued to the applicant.")),
    ("case.disclosure_suggested", _l("Proactive disclosure suggested"),
     _l("The applicant suggested proactive disclosure (Reg. 44).")),
    ("case.extension_granted", _l("Reply period extended"), _l("The reply period was extended (Reg. 33).")),
    ("case.deferred", _l("Reply deferred"), _l("A later reply date was set (Reg. 35).")),
    ("case.due_recomputed", _l("Due date recomputed"),
     _l("The due date was recomputed after a year's official holiday calendar was entered or corrected.")),
    ("review.recorded", _l("Reconsideration or lawsuit recorded"),
     _l("A reconsideration or lawsuit against the case was recorded.")),
    ("review.updated", _l("Reconsideration or lawsuit updated"),
     _l("The result or details of a reconsideration or lawsuit were recorded.")),
    ("review.answer_submitted", _l("Answer to a reconsideration or lawsuit submitted"),
     _l("The day the written answer or statement of defence was submitted was recorded (late when after its due "
        "date).")),
    ("supervision.review_opened", _l("Supervision order for a late answer"),
     _l("The answer to a reconsideration or lawsuit was not submitted by its due date: a supervision order was "
        "opened.")),
    # letters
    ("letter.drafted", _l("Letter drafted"), _l("A letter was drafted from a standard template.")),
    ("letter.edited", _l("Letter edited"), _l("A draft letter was edited.")),
    ("letter.submitted", _l("Letter submitted for approval"), _l("A draft letter was submitted for approval.")),
    ("letter.approved", _l("Letter approved"), _l("A supervisor approved the letter.")),
    ("letter.returned", _l("Letter returned for revision"), _l("A supervisor returned the letter for revision.")),
    ("letter.issued", _l("Letter issued"), _l("The letter was numbered, frozen and delivered.")),
    # extensions and deferrals
    ("extension.requested", _l("Extension requested"), _l("A clerk asked to extend the reply period.")),
    ("extension.approved", _l("Extension approved"), _l("The person in charge approved the extension.")),
    ("deferral.requested", _l("Deferral requested"), _l("A clerk proposed a later reply date (Reg. 35).")),
    ("deferral.approved", _l("Deferral approved"), _l("The person in charge approved the deferral.")),
    # fees
    ("fee.proposed", _l("Fee proposed"), _l("A clerk proposed an information-processing fee.")),
    ("fee.approved", _l("Fee approved"), _l("A supervisor approved the fee.")),
    ("fee.notified", _l("Fee notice issued"), _l("The fee notice was issued to the applicant.")),
    ("fee.received", _l("Fee notice received"),
     _l("The applicant received the posted fee notice; the 20 working days to pay run from that day.")),
    ("fee.paid", _l("Fee payment recorded"), _l("The applicant's payment was recorded.")),
    ("fee.lapsed", _l("Fee unpaid in time"), _l("The fee was not paid within the period.")),
    # proactive disclosure (Reg. 44)
    ("disclosure.item_created", _l("Information item created"), _l("A new information item was started.")),
    ("disclosure.case_linked", _l("Request linked to an information item"),
     _l("A request was linked to the information item it asks for.")),
    ("disclosure.similarity_feedback", _l("Similar request judged"),
     _l("A clerk said whether a suggested request asks for the same information.")),
    ("disclosure.vocabulary_saved", _l("Similarity vocabulary saved"),
     _l("A synonym or umbrella term of the agency was added or changed.")),
    ("disclosure.vocabulary_removed", _l("Similarity vocabulary removed"),
     _l("A synonym or umbrella term of the agency was removed.")),
    ("disclosure.item_split", _l("Information item split"), _l("Requests were moved from an item to a new one.")),
    ("disclosure.items_merged", _l("Information items merged"), _l("Two information items were merged into one.")),
    ("disclosure.entry_drafted", _l("Proactive disclosure drafted"),
     _l("A public entry was drafted to convert requested information to proactive disclosure.")),
    ("disclosure.entry_edited", _l("Public entry edited"), _l("The draft public entry was edited.")),
    ("disclosure.document_added", _l("Redacted document added"),
     _l("A redacted document was added to a public entry.")),
    ("disclosure.document_removed", _l("Document removed"), _l("A document was removed from a public entry.")),
    ("disclosure.finding_resolved", _l("Redaction finding resolved"),
     _l("A personal-data finding was marked as not personal, with a reason.")),
    ("disclosure.entry_published", _l("Proactive disclosure published"),
     _l("A supervisor approved the public entry and it was published.")),
    ("disclosure.suggestion_answered", _l("Suggestion answered"),
     _l("The agency answered the applicant's suggestion of proactive disclosure.")),
    # consultations and supervision (issue 10)
    ("consultation.sent", _l("Opinion sought"),
     _l("A department, another agency or a third party was consulted about the request.")),
    ("consultation.answered", _l("Opinion given"), _l("The consulted party answered on the platform.")),
    ("consultation.opinion_recorded", _l("Opinion recorded"),
     _l("A clerk recorded an opinion that arrived on paper, with the date it was received.")),
    ("consultation.deemed_consent", _l("Deemed consent"),
     _l("The consulted agency did not answer within 15 working days: deemed to consent to disclosure.")),
    ("consultation.letter_received", _l("Consultation letter received"),
     _l("The date the addressee received the posted consultation letter was recorded; its time limit counts from it.")),
    ("consultation.cancelled", _l("Consultation cancelled"),
     _l("The asking agency withdrew the consultation, or its case was closed or withdrawn.")),
    ("consultation.lapsed", _l("Consultation lapsed"),
     _l("The third party did not answer within 15 working days; the agency decides itself.")),
    ("consultation.escalated", _l("Consultation overdue"),
     _l("The department did not answer by its due date; the supervisors were told.")),
    ("supervision.opened", _l("Supervision order opened"),
     _l("The case passed its due date; a supervision order went to the supervisors.")),
    ("supervision.closed", _l("Supervision order closed"), _l("The overdue case was closed.")),
    ("supervision.answered", _l("Supervision order answered"),
     _l("The handler answered the supervision order with feedback.")),
    ("supervision.concluded", _l("Supervision order closed by a supervisor"),
     _l("A supervisor closed the supervision order after the handler's feedback.")),
    # the annual report (issue 27)
    ("report.opening_entered", _l("Annual report opening balance entered"),
     _l("The cases carried over from the year before the platform was used were entered for the annual report.")),
    ("report.published", _l("Annual report published"),
     _l("The figures of an annual report were published and frozen.")),
    ("report.table2_saved", _l("Annual report Table 2 saved"),
     _l("The proactive disclosure figures (Table 2) of an annual report were entered or corrected.")),
)

_SUBSCRIBERS: dict[str, list[Callable]] = defaultdict(list)


def event_label(code: str) -> str:
    """The translated label of an event code (a generic label for an unknown one, never the code)."""
    found = EVENTS.get(code)
    return str(found.label) if found else str(_l("Other event"))


def is_labelled(code: str) -> bool:
    """Whether the event code has a row in the table."""
    return code in EVENTS


def event_choices() -> list[tuple[str, str]]:
    """(code, label) of every event, for filters."""
    return [(code, str(evt.label)) for code, evt in EVENTS.items()]


def subscribe(code: str, handler: Callable) -> None:
    """Call handler(event) whenever an event with this code is recorded (inside its transaction)."""
    if handler not in _SUBSCRIBERS[code]:
        _SUBSCRIBERS[code].append(handler)


def dispatch(event) -> None:
    """Run the subscribers of a just-recorded audit event."""
    for handler in _SUBSCRIBERS.get(event.action, ()):
        handler(event)
