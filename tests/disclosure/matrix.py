"""The disclosure area's rows of the office access matrix (tests/test_access_matrix.py): the roles
each route allows, and for each route a fresh record to try it on (so that every allowed role's
try really runs, e.g. each supervisor approves an entry of their own)."""
from __future__ import annotations

import functools

READERS = {"clerk", "supervisor", "auditor", "admin"}
HANDLERS = {"clerk", "supervisor"}
SUPERVISOR = {"supervisor"}
OVERSIGHT = {"supervisor", "auditor", "admin"}

DISCLOSURE_EXPECTED: dict[tuple, set] = {
    ("disclosure.index", "GET"): READERS,
    ("disclosure.item", "GET"): READERS,
    ("disclosure.link", "POST"): HANDLERS,
    ("disclosure.start_item", "POST"): HANDLERS,
    ("disclosure.split", "POST"): HANDLERS,
    ("disclosure.merge", "POST"): HANDLERS,
    ("disclosure.convert_case", "GET"): HANDLERS,
    ("disclosure.convert_case", "POST"): HANDLERS,
    ("disclosure.convert_item", "GET"): HANDLERS,
    ("disclosure.convert_item", "POST"): HANDLERS,
    ("disclosure.entry", "GET"): READERS,
    ("disclosure.edit", "POST"): HANDLERS,
    ("disclosure.attach", "POST"): HANDLERS,
    ("disclosure.remove_document", "POST"): HANDLERS,
    ("disclosure.document", "GET"): READERS,
    ("disclosure.not_personal", "POST"): HANDLERS,
    ("disclosure.approve", "POST"): SUPERVISOR,
    ("disclosure.suggestions", "GET"): OVERSIGHT,
    ("disclosure.answer", "POST"): SUPERVISOR,
    ("disclosure.judge", "POST"): HANDLERS,
    ("admin_vocabulary.vocabulary", "GET"): {"admin"},
    ("admin_vocabulary.vocabulary", "POST"): {"admin"},
    ("admin_vocabulary.remove", "POST"): {"admin"},
    # the declared actions through the office's action route
    ("office.case_action", "POST", "link-item"): HANDLERS,
    ("office.case_action", "POST", "start-item"): HANDLERS,
    ("office.case_action", "POST", "split-item"): HANDLERS,
    ("office.case_action", "POST", "merge-items"): HANDLERS,
    ("office.case_action", "POST", "convert-to-public"): HANDLERS,
    ("office.case_action", "POST", "convert-item-to-public"): HANDLERS,
}
DISCLOSURE_ACTION_PATHS = {"link-item": "link_item", "start-item": "start_item", "split-item": "split_item",
                           "merge-items": "merge_items", "convert-to-public": "convert_to_public",
                           "convert-item-to-public": "convert_item_to_public"}
ENTRY_FORM = {"title": "学区划分方案", "summary": "学区划分方案全文。", "topic": "education"}


@functools.cache
def _pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<html><head><meta charset='utf-8'></head><body><p>学区划分方案</p></body></html>").write_pdf()


def _clerk(world):
    return world["users"][("a", "clerk")]


def _case(world, status="closed"):
    return world["make_case"](status, agency=world["a"], handler=_clerk(world))


def _item(world, n=2):
    from caseapp.disclosure import operations as ops

    cases = [_case(world) for _ in range(n)]
    item = ops.start_item(cases[0], title="学区划分方案", actor=_clerk(world))
    for case in cases[1:]:
        ops.link_case(case, item, actor=_clerk(world))
    return item, cases


def _release_version(world, case):
    """A release version (as it is) of a record of the case, made by the records operations."""
    from caseapp.cases.attachments import Upload
    from caseapp.records import operations as records_ops

    record = records_ops.add_record(case, Upload("学区划分方案.pdf", _pdf()), title="学区划分方案", actor=_clerk(world))
    return records_ops.release_as_is(case, record, actor=_clerk(world))


def _entry(world, *, finding=False, document=False):
    from caseapp.calendar.service import load_calendar
    from caseapp.core.clock import local_today
    from caseapp.disclosure import operations as ops

    case = _case(world)
    summary = f"{case.applicant_name}申请的信息。" if finding else "学区划分方案全文。"
    entry = ops.draft_public_entry(actor=_clerk(world), title="学区划分方案", summary=summary, topic="education",
                                   today=local_today(), calendar=load_calendar(), case=case)
    if document:
        ops.add_document(entry, _release_version(world, case), actor=_clerk(world))
    return entry


def _done(url: str, data: dict | None = None):
    from caseapp.extensions import db

    db.session.commit()
    return url, data or {}


def _link(w):
    item, _ = _item(w, 1)
    return _done(f"/office/disclosure/cases/{_case(w, 'in_progress').tracking_number}/link", {"item_id": str(item.id)})


def _split(w):
    item, cases = _item(w)
    return _done(f"/office/disclosure/items/{item.id}/split", {"title": "另一份方案", "case_ids": str(cases[1].id)})


def _merge(w):
    first, _ = _item(w, 1)
    second, _ = _item(w, 1)
    return _done(f"/office/disclosure/items/{first.id}/merge", {"source_id": str(second.id)})


def _attach(w):
    entry = _entry(w)
    version = _release_version(w, entry.case)
    return _done(f"/office/disclosure/entries/{entry.id}/documents", {"record_id": str(version.id)})


def _remove(w):
    entry = _entry(w, document=True)
    return _done(f"/office/disclosure/entries/{entry.id}/documents/{entry.documents[0].id}/remove")


def _document(w):
    entry = _entry(w, document=True)
    return _done(f"/office/disclosure/entries/{entry.id}/documents/{entry.documents[0].id}")


def _not_personal(w):
    entry = _entry(w, finding=True)
    return _done(f"/office/disclosure/entries/{entry.id}/findings/{entry.findings[0].id}/not-personal",
                 {"reason": "示例，非个人信息"})


def _approve(w):
    entry = _entry(w)
    return _done(f"/office/disclosure/entries/{entry.id}/approve", {"version": str(entry.version)})


def _edit(w):
    entry = _entry(w)
    return _done(f"/office/disclosure/entries/{entry.id}/edit", {**ENTRY_FORM, "version": str(entry.version)})


def _answer(w):
    from caseapp.intake.operations import suggest_proactive_disclosure

    suggestion = suggest_proactive_disclosure(_case(w, "in_progress"), text="建议主动公开。")
    return _done(f"/office/disclosure/suggestions/{suggestion.id}/answer", {"decision": "agree", "reason": "已公开。"})


def _judge(w):
    case, other = _case(w, "in_progress"), _case(w, "in_progress")
    return _done(f"/office/disclosure/cases/{case.tracking_number}/judge",
                 {"other": other.tracking_number, "same": "same"})


def _vocabulary_entry(w):
    from caseapp.disclosure import operations as ops

    entry = ops.add_vocabulary_entry(w["a"], kind="synonym", term="批复", variants="批文、批准文件", actor=None)
    return _done(f"/office/admin/vocabulary/{entry.id}/remove")


# endpoint -> world -> (url, form data) on records made for this one try
DISCLOSURE_TARGETS = {
    "disclosure.judge": _judge,
    "admin_vocabulary.vocabulary": lambda w: _done("/office/admin/vocabulary/", {
        "agency": w["a"].code, "kind": "umbrella", "term": "三公经费", "variants": "公务接待费、因公出国（境）费"}),
    "admin_vocabulary.remove": _vocabulary_entry,
    "disclosure.index": lambda w: _done("/office/disclosure/"),
    "disclosure.item": lambda w: _done(f"/office/disclosure/items/{_item(w)[0].id}"),
    "disclosure.link": _link,
    "disclosure.start_item": lambda w: _done(f"/office/disclosure/cases/{_case(w).tracking_number}/start-item",
                                             {"title": "学区划分方案"}),
    "disclosure.split": _split,
    "disclosure.merge": _merge,
    "disclosure.convert_case": lambda w: _done(f"/office/disclosure/cases/{_case(w).tracking_number}/convert",
                                               ENTRY_FORM),
    "disclosure.convert_item": lambda w: _done(f"/office/disclosure/items/{_item(w)[0].id}/convert", ENTRY_FORM),
    "disclosure.entry": lambda w: _done(f"/office/disclosure/entries/{_entry(w).id}"),
    "disclosure.edit": _edit,
    "disclosure.attach": _attach,
    "disclosure.remove_document": _remove,
    "disclosure.document": _document,
    "disclosure.not_personal": _not_personal,
    "disclosure.approve": _approve,
    "disclosure.suggestions": lambda w: _done("/office/disclosure/suggestions"),
    "disclosure.answer": _answer,
}
