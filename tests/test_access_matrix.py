"""The office's URL x role x agency access matrix, with the expectations written out here.

Every office route is listed in EXPECTED with the roles that may use it (never read from the
code's decorators or role lists; a test fails for a route that has no row). Each route is tried:
- anonymously: sent to the login page (or 401);
- by each role of the record's agency: allowed roles get a 2xx or 3xx answer, the others 403;
- by the allowed roles of another agency: 403 or 404 (never the record).
Actions on a case or a letter are tried with a valid payload, so "allowed" means the action
really ran (see tests/api/test_staff_api_access.py for the same actions through the API).
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from caseapp import create_app
from config import TestConfig
from tests.api.test_staff_api_access import ACTIONS as API_ACTIONS
from tests.conftest import FROZEN_AT, csrf_from
from tests.consultations.matrix import CONSULTATION_ACTION_PATHS, CONSULTATION_EXPECTED, CONSULTATION_TARGETS
from tests.disclosure.matrix import DISCLOSURE_ACTION_PATHS, DISCLOSURE_EXPECTED, DISCLOSURE_TARGETS
from tests.imports.matrix import IMPORTS_EXPECTED, IMPORTS_TARGETS
from tests.jobs.matrix import SUPERVISION_EXPECTED, SUPERVISION_TARGETS
from tests.letters.matrix import LETTERS_TARGETS
from tests.notifications.matrix import NOTIFICATION_EXPECTED, NOTIFICATION_TARGETS, PER_USER
from tests.records.matrix import RECORDS_ACTION_PATHS, RECORDS_EXPECTED, RECORDS_OFFICE_FORMS, RECORDS_TARGETS
from tests.stats.matrix import STATS_EXPECTED, STATS_TARGETS

ROLES = ("clerk", "supervisor", "liaison", "auditor", "admin")
HANDLERS = {"clerk", "supervisor"}
READERS = {"clerk", "supervisor", "auditor", "admin"}
SUPERVISOR = {"supervisor"}
ADMIN = {"admin"}
OVERSIGHT = {"supervisor", "auditor", "admin"}
EVERYONE = set(ROLES)

# (endpoint, method) -> roles allowed. Actions of the registry are keyed by their URL part.
EXPECTED: dict[tuple, set] = {
    ("office.index", "GET"): READERS | {"liaison"},
    ("office.inbox", "GET"): READERS,
    ("office.register", "GET"): HANDLERS,
    ("office.register", "POST"): HANDLERS,
    ("office.case_page", "GET"): READERS,
    ("office.receipt", "GET"): HANDLERS,
    ("office.reveal_id", "POST"): READERS,
    ("office.attachment", "GET"): READERS,
    ("office.worklist", "GET"): HANDLERS,
    ("office.case_letters", "GET"): READERS,
    ("office.case_dossier", "GET"): READERS,
    ("letters.letter_page", "GET"): READERS,
    ("letters.preview", "GET"): READERS,
    ("letters.file_pdf", "GET"): READERS,
    ("letters.file_docx", "GET"): READERS,
    ("letters.enclosure_file", "GET"): READERS,
    ("letters.templates", "GET"): {"supervisor", "admin"},
    ("letters.template_preview", "GET"): {"supervisor", "admin"},
    ("fees.quote", "GET"): READERS,
    ("admin.index", "GET"): ADMIN,
    ("admin.agencies", "GET"): ADMIN,
    ("admin.agency_edit", "GET"): ADMIN,
    ("admin.agency_edit", "POST"): ADMIN,
    ("admin.calendar", "GET"): ADMIN,
    ("admin.calendar", "POST"): ADMIN,
    ("admin.calendar_year", "GET"): ADMIN,
    ("admin_departments.departments", "GET"): ADMIN,
    ("admin_departments.departments", "POST"): ADMIN,
    # actions on a case: /office/cases/<number>/<path> (GET shows the page of those that have one)
    ("office.case_action", "GET", "accept"): HANDLERS,
    ("office.case_action", "GET", "request-correction"): HANDLERS,
    ("office.case_action", "GET", "receive-correction"): HANDLERS,
    ("office.case_action", "GET", "assign"): HANDLERS,
    ("office.case_action", "GET", "close"): SUPERVISOR,
    ("office.case_action", "GET", "reopen"): SUPERVISOR,
    ("office.case_action", "GET", "withdraw"): HANDLERS,
    ("office.case_action", "POST", "accept"): HANDLERS,
    ("office.case_action", "POST", "request-correction"): HANDLERS,
    ("office.case_action", "POST", "receive-correction"): HANDLERS,
    ("office.case_action", "POST", "assign"): HANDLERS,
    ("office.case_action", "POST", "close"): SUPERVISOR,
    ("office.case_action", "POST", "reopen"): SUPERVISOR,
    ("office.case_action", "POST", "withdraw"): HANDLERS,
    ("office.case_action", "POST", "notes"): HANDLERS,
    ("office.case_action", "POST", "draft-letter"): HANDLERS,
    ("office.case_action", "POST", "request-extension"): HANDLERS,
    ("office.case_action", "POST", "approve-extension"): SUPERVISOR,
    ("office.case_action", "POST", "defer"): HANDLERS,
    ("office.case_action", "POST", "approve-deferral"): SUPERVISOR,
    ("office.case_action", "POST", "propose-fee"): HANDLERS,
    ("office.case_action", "POST", "approve-fee"): SUPERVISOR,
    ("office.case_action", "POST", "record-payment"): HANDLERS,
    ("office.case_action", "POST", "record-fee-receipt"): HANDLERS,
    # actions on a letter: /office/letters/<id>/<path>
    ("office.letter_action", "POST", "edit"): HANDLERS,
    ("office.letter_action", "POST", "submit"): HANDLERS,
    ("office.letter_action", "POST", "approve"): SUPERVISOR,
    ("office.letter_action", "POST", "return"): SUPERVISOR,
    ("office.letter_action", "POST", "issue"): HANDLERS,
}
EXPECTED.update(DISCLOSURE_EXPECTED)
EXPECTED.update(CONSULTATION_EXPECTED)
EXPECTED.update(STATS_EXPECTED)
EXPECTED.update(RECORDS_EXPECTED)
EXPECTED.update(IMPORTS_EXPECTED)
EXPECTED.update(SUPERVISION_EXPECTED)
EXPECTED.update(NOTIFICATION_EXPECTED)
PUBLIC_OFFICE_ENDPOINTS = {"accounts.login", "accounts.logout"}
QUERIES = {"fees.quote": "?basis=pages&count=50"}  # routes that need a query string to answer
# What an allowed user types into a form that starts empty (other forms are sent as the page fills them).
POST_DATA = {
    "office.register": {"channel": "post", "received_on": FROZEN_AT.date().isoformat(), "applicant_type": "natural_person",
                        "applicant_name": "李四", "id_type": "resident_id", "id_number": "110101199003074258",
                        "phone": "13800000000", "address": "示范市人民路1号", "description": "申请公开2026年学区划分方案。",
                        "form": "paper", "delivery": "post"},
    "admin_departments.departments": {"agency": "AGA", "code": "JCJY", "name": "基础教育处"},
}
# The registry's action for each action URL part (to build its state and payload).
ACTION_OF_PATH = {
    "accept": "accept", "request-correction": "request_correction", "receive-correction": "receive_correction",
    "assign": "assign", "close": "close", "reopen": "reopen", "withdraw": "withdraw", "notes": "add_note",
    "draft-letter": "draft_letter", "request-extension": "request_extension",
    "approve-extension": "approve_extension", "defer": "defer", "approve-deferral": "approve_deferral",
    "propose-fee": "propose_fee", "approve-fee": "approve_fee", "record-payment": "record_payment",
    "record-fee-receipt": "record_fee_receipt",
    "edit": "update_letter", "submit": "submit_letter", "approve": "approve_letter", "return": "return_letter",
    "issue": "issue_letter", "record-review": "record_review",
}
ACTION_OF_PATH.update(DISCLOSURE_ACTION_PATHS)
ACTION_OF_PATH.update(CONSULTATION_ACTION_PATHS)
ACTION_OF_PATH.update(RECORDS_ACTION_PATHS)
# endpoint -> world -> (url, form data) on records made for each try (tests/<area>/matrix.py);
# world["role"] is the role that will use them (None for the anonymous and refused tries).
TARGETS = {**DISCLOSURE_TARGETS, **CONSULTATION_TARGETS, **STATS_TARGETS, **RECORDS_TARGETS, **SUPERVISION_TARGETS,
           **NOTIFICATION_TARGETS}
TARGETS.update(LETTERS_TARGETS)
TARGETS.update(IMPORTS_TARGETS)
# action URL part -> setup(world) -> (case, office form), where the office form is not the API body (an upload)
OFFICE_FORMS = {**RECORDS_OFFICE_FORMS}


def _office_rules() -> list[tuple]:
    """Every office route and method, action routes once per registered action."""
    from caseapp.core.actions import all_actions

    app = create_app(TestConfig)
    keys = []
    with app.app_context():
        for rule in app.url_map.iter_rules():
            if not rule.rule.startswith("/office") or rule.endpoint in PUBLIC_OFFICE_ENDPOINTS:
                continue
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                if rule.endpoint == "office.case_action":
                    keys += [(rule.endpoint, method, a.slug) for a in all_actions(target="case", door="staff")
                             if method == "POST" or a.page]
                elif rule.endpoint == "office.letter_action":
                    keys += [(rule.endpoint, method, a.slug) for a in all_actions(target="letter", door="staff")]
                else:
                    keys.append((rule.endpoint, method))
        paths = {r.endpoint: r.rule for r in app.url_map.iter_rules()}
    return sorted(set(keys)), paths


OFFICE_KEYS, PATHS = _office_rules()


def test_every_office_route_has_a_written_expectation():
    missing = [k for k in OFFICE_KEYS if k not in EXPECTED]
    assert not missing, f"add these office routes to EXPECTED in tests/test_access_matrix.py: {missing}"


@pytest.fixture
def matrix_world(db, make_agency, make_user, make_case):
    """Agency A with one user per role, a case with an attachment and an issued letter; agency B likewise."""
    from caseapp.cases.attachments import Upload, attach_files
    from caseapp.core.actions import act
    from tests.intake.portal_helpers import PDF

    a = make_agency("AGA", reconsideration_body="示范市人民政府")
    b = make_agency("AGB", reconsideration_body="示范市人民政府")
    users = {}
    for agency, key in ((a, "a"), (b, "b")):
        for role in ROLES:
            users[(key, role)] = make_user(role, agency=agency, username=f"{key}_{role}")
    case = make_case("in_progress", agency=a, handler=users[("a", "clerk")])
    [attachment] = attach_files(case, [Upload("扫描件.pdf", PDF)], kind="scan", actor=users[("a", "clerk")])
    draft = act("draft_letter", case, users[("a", "clerk")], {"template": "receipt"})
    act("submit_letter", case, users[("a", "clerk")], {"letter_id": draft["letter_id"]})
    act("approve_letter", case, users[("a", "supervisor")], {"letter_id": draft["letter_id"]})
    act("issue_letter", case, users[("a", "clerk")], {"letter_id": draft["letter_id"], "delivery": {
        "method": "hand", "date": FROZEN_AT.date().isoformat(), "reference": "张三签收"}})
    db.session.commit()
    return {"a": a, "b": b, "users": users, "case": case, "make_case": make_case,
            "args": {"tracking_number": case.tracking_number, "letter_id": draft["letter_id"],
                     "attachment_id": attachment.id, "key": "disclosed", "year": 2026, "agency_code": a.code}}


def _url(path: str, args: dict) -> str:
    def fill(match):
        name = match.group(1).split(":")[-1]
        if name not in args:
            pytest.fail(f"add a sample value for URL argument {name!r} in tests/test_access_matrix.py")
        return str(args[name])

    return re.sub(r"<([^>]+)>", fill, path)


def _form(payload: dict) -> dict:
    """An API payload as the office form posts it (nested delivery and letter fields flattened)."""
    out = {}
    for key, value in payload.items():
        if key == "delivery":
            out.update(value)
        elif key == "fields":
            out.update({f"f_{k}": v for k, v in value.items()})
        elif key != "letter_id":
            out[key] = value
    return out


def _login(app, login, user):
    client = app.test_client()
    assert login(user, c=client).status_code == 302
    return client


def _call(client, method: str, url: str, data: dict | None = None):
    if method == "GET":
        return client.get(url)
    token = csrf_from(client.get("/office/" if _logged_in(client) else "/office/login").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **(data or {})})


class _FormValues(HTMLParser):
    """The values a page's forms would submit as they stand (inputs, selected options, textareas)."""

    def __init__(self):
        super().__init__()
        self.values, self._select, self._textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "file", "checkbox", "radio"):
            self.values.setdefault(a["name"], a.get("value") or "")
        elif tag == "input" and a.get("type") in ("checkbox", "radio") and "checked" in a and a.get("name"):
            self.values[a["name"]] = a.get("value") or "y"
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and ("selected" in a or self._select not in self.values):
            self.values[self._select] = a.get("value") or ""
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.values.setdefault(self._textarea, "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def _page_values(client, url: str) -> dict:
    parser = _FormValues()
    parser.feed(client.get(url).get_data(as_text=True))
    return {k: v for k, v in parser.values.items() if k != "csrf_token"}


def _logged_in(client) -> bool:
    with client.session_transaction() as sess:
        return "_user_id" in sess


def _target(world, key, role=None):
    """The URL and form data for one try of a route (a fresh case for actions that change it)."""
    endpoint, method = key[0], key[1]
    if endpoint in TARGETS:  # records made for each try (tests/<area>/matrix.py)
        return TARGETS[endpoint]({**world, "role": role})
    if endpoint in ("office.case_action", "office.letter_action"):
        slug = key[2]
        if method == "GET":
            return _url(PATHS[endpoint], {**world["args"], "slug": slug}), {}
        if slug in OFFICE_FORMS:
            case, form = OFFICE_FORMS[slug](world)
            return _url(PATHS[endpoint], {"tracking_number": case.tracking_number, "slug": slug}), \
                {**form, "version": case.version}
        case, payload = API_ACTIONS[ACTION_OF_PATH[slug]][1](world)
        args = {"tracking_number": case.tracking_number, "slug": slug, "letter_id": payload.get("letter_id")}
        return _url(PATHS[endpoint], args), {**_form(payload), "version": case.version}
    return _url(PATHS[endpoint], world["args"]) + QUERIES.get(endpoint, ""), {}


def test_liaison_sees_only_consultations_of_their_department(app, db, login, make_user, matrix_world):
    """A liaison of another department of the same agency neither lists, reads nor answers a consultation (issue 10)."""
    from caseapp.accounts.operations import create_department
    from caseapp.consultations import operations as ops
    from caseapp.core.clock import local_today

    a, users = matrix_world["a"], matrix_world["users"]
    other = make_user("liaison", agency=a, username="a_liaison_ghc", department=create_department(a, "GHC", "规划处"))
    case = matrix_world["make_case"]("in_progress", agency=a, handler=users[("a", "clerk")],
                                     received_on=local_today(), today=local_today())
    c = ops.consult(case, actor=users[("a", "clerk")], kind="department", department="BGS", question="请核实。")
    db.session.commit()
    mine, theirs = _login(app, login, users[("a", "liaison")]), _login(app, login, other)
    assert case.tracking_number in mine.get("/office/consultations").get_data(as_text=True)
    assert case.tracking_number not in theirs.get("/office/consultations").get_data(as_text=True)
    assert theirs.get(f"/office/consultations/{c.id}").status_code == 404
    answer = {"opinion": "agree", "reasons": "同意公开。"}
    assert _call(theirs, "POST", f"/office/consultations/{c.id}/answer", answer).status_code == 404
    db.session.rollback()
    assert c.status == "sent"
    assert _call(mine, "POST", f"/office/consultations/{c.id}/answer", answer).status_code == 302
    db.session.rollback()
    assert (c.status, c.opinion) == ("answered", "agree")


@pytest.mark.parametrize("key", OFFICE_KEYS, ids=[" ".join(map(str, k)) for k in OFFICE_KEYS])
def test_office_route_access(app, db, login, matrix_world, key):
    if key not in EXPECTED:
        pytest.skip("no written expectation yet (see the test above)")
    allowed = EXPECTED[key]
    method = key[1]
    url, data = _target(matrix_world, key)
    # A fresh record for each allowed try of a change, made before any request is sent.
    # (a GET of a record that belongs to one user, PER_USER, likewise: each role opens its own)
    fresh = {role: _target(matrix_world, key, role) for role in allowed} \
        if method == "POST" or key[0] in PER_USER else {}
    db.session.commit()
    resp = _call(app.test_client(), method, url, data)
    assert resp.status_code in (302, 401), f"anonymous {method} {url}: {resp.status_code}"
    if resp.status_code == 302:
        assert "/office/login" in resp.headers["Location"]

    for role in ROLES:
        if role in fresh:
            url, data = fresh[role]
        client = _login(app, login, matrix_world["users"][("a", role)])
        if (role in allowed and method == "POST" and key[0] not in ("office.case_action", "office.letter_action")
                and key[0] not in TARGETS):
            data = {**(_page_values(client, url) if (key[0], "GET") in EXPECTED else {}), **POST_DATA.get(key[0], {})}
        resp = _call(client, method, url, data)
        if role in allowed:
            assert 200 <= resp.status_code < 400, f"{role} refused or failed at {method} {url}: {resp.status_code}"
            if resp.status_code == 302 and method == "POST":
                with client.session_transaction() as sess:
                    errors = [m for cat, m in sess.get("_flashes", []) if cat == "danger"]
                assert not errors, f"{role} at {method} {url}: {errors}"
        else:
            assert resp.status_code == 403, f"{role} not refused at {method} {url}: {resp.status_code}"

    if any(arg in PATHS[key[0]] for arg in ("<tracking_number>", "letter_id>", "attachment_id>", "consultation_id>",
                                            "notification_id>", "record_id>", "order_id>")):
        for role in allowed:
            client = _login(app, login, matrix_world["users"][("b", role)])
            resp = _call(client, method, url, data)
            assert resp.status_code in (403, 404), f"{role} of another agency reached {method} {url}: {resp.status_code}"
