"""The records' rows of the office access matrix (tests/test_access_matrix.py): the roles each route
allows, a record of a fresh case for each try (so that every allowed role's redaction really runs),
and the office form of add-record, which sends its file itself rather than the API's base64."""
from __future__ import annotations

import functools
import io

READERS = {"clerk", "supervisor", "auditor", "admin"}
HANDLERS = {"clerk", "supervisor"}

RECORDS_EXPECTED: dict[tuple, set] = {
    ("office.record_file", "GET"): READERS,
    ("office.record_page", "GET"): READERS,
    ("office.redact_page", "GET"): HANDLERS,
    ("office.redact_page", "POST"): HANDLERS,
    ("office.record_find", "POST"): HANDLERS,
    # the declared actions through the office's action route
    ("office.case_action", "POST", "add-record"): HANDLERS,
    ("office.case_action", "POST", "redact-record"): HANDLERS,
    ("office.case_action", "POST", "release-record"): HANDLERS,
    ("office.case_action", "POST", "record-search"): HANDLERS,
}
RECORDS_ACTION_PATHS = {"add-record": "add_record", "redact-record": "redact_record",
                        "release-record": "release_record", "record-search": "record_search"}
LINES = [["关于学区划分方案的说明", "经办人张三。"]]


@functools.cache
def _pdf() -> bytes:
    from tests.records import pdfs

    return pdfs.text_pdf(LINES)


class _Reusable(io.BytesIO):
    """A file the test client may send more than once (it closes what it sends)."""

    def close(self):
        self.seek(0)


def _record(world):
    """A record added through the runner to a fresh case of agency A in progress."""
    from caseapp.core.actions import act
    from caseapp.core.inputs import Upload
    from caseapp.extensions import db

    clerk = world["users"][("a", "clerk")]
    case = world["make_case"]("in_progress", agency=world["a"], handler=clerk)
    record_id = act("add_record", case, clerk, {"file": [Upload("说明.pdf", _pdf())]})["record_id"]
    db.session.commit()
    db.session.refresh(case)
    return case, record_id


def _at(tail: str, data=None):
    def target(world):
        case, record_id = _record(world)
        body = data(case, record_id) if callable(data) else {}
        return f"/office/cases/{case.tracking_number}/records/{record_id}/{tail}", body
    return target


RECORDS_TARGETS = {
    "office.record_file": _at("file"),
    "office.record_page": _at("pages/1.png"),
    "office.redact_page": _at("redact", lambda case, record_id: {
        "version": str(case.version), "record_id": str(record_id), "terms": "张三",
        "exemption": "personal_privacy", "reason": "涉及个人隐私。"}),
    "office.record_find": _at("find", lambda case, record_id: {"terms": "张三"}),
}


def add_record_form(world):
    """add-record as the office posts it: the file itself (multipart) and a title."""
    case = world["make_case"]("in_progress", agency=world["a"])
    return case, {"file": (_Reusable(_pdf()), "说明.pdf"), "title": "学区划分方案说明"}


# action URL part -> setup(world) -> (case, office form), for actions whose office form is not the API body
def record_search_form(world):
    """record-search as the office posts it: a checkbox per place, the department's name as text."""
    from caseapp.core.clock import local_today

    case = world["make_case"]("in_progress", agency=world["a"])
    return case, {"place_archive": "y", "place_department": "基础教育处", "terms": "学区划分",
                  "searched_on": local_today().isoformat(), "result": "未查见。"}


RECORDS_OFFICE_FORMS = {"add-record": add_record_form, "record-search": record_search_form}
