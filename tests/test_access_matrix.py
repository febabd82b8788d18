"""The URL x role access matrix, discovered from the app itself.

Every office route must declare its roles with @roles_required; each route is then tried by
every role of the case's agency (refused with 403 unless allowed), by the allowed roles of
another agency (404 on a case of this agency) and anonymously (sent to the login page).
A new route needs nothing here unless its URL takes an argument not in SAMPLE_ARGS.
"""
from __future__ import annotations

import pytest

from caseapp import create_app
from config import TestConfig
from tests.conftest import csrf_from

ROLES = ("clerk", "supervisor", "liaison", "auditor", "admin")
PUBLIC_OFFICE_ENDPOINTS = {"accounts.login", "accounts.logout"}


def _office_rules():
    app = create_app(TestConfig)
    rules = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/office") or rule.endpoint in PUBLIC_OFFICE_ENDPOINTS:
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            rules.append((rule.endpoint, rule.rule, method, getattr(view, "required_roles", None)))
    return rules


OFFICE_RULES = _office_rules()


def test_every_office_route_declares_its_roles():
    missing = [f"{method} {path}" for _e, path, method, roles in OFFICE_RULES if not roles]
    assert not missing, f"office routes without @roles_required: {missing}"


def sample_args(ctx) -> dict:
    """Values for URL arguments; extend when a route takes a new kind of argument."""
    return {
        "tracking_number": ctx["case"].tracking_number,
        "year": 2026,
        "key": "disclosed",  # a letter template (letters)
        "letter_id": _sample_letter_id(ctx),  # a draft letter of the case (letters)
        "attachment_id": 1,
        # disclosure: records that do not exist (allowed roles get 404, others 403)
        "item_id": 1, "entry_id": 1, "document_id": 1, "finding_id": 1, "suggestion_id": 1,
        **ctx.get("extra", {}),
    }


def _sample_letter_id(ctx) -> int:
    """A draft letter of the world's case, drafted once by its agency's clerk."""
    if "_letter_id" not in ctx:
        from caseapp.extensions import db
        from caseapp.letters.operations import draft_letter

        letter = draft_letter(ctx["case"], actor=ctx["users_a"]["clerk"], template="disclosed")
        db.session.commit()
        ctx["_letter_id"] = letter.id
    return ctx["_letter_id"]


@pytest.fixture
def world(make_agency, make_user, make_case):
    """Agency A with one user per role and a case; agency B likewise; platform-wide admin and auditor."""
    a, b = make_agency("AGA"), make_agency("AGB")
    users_a = {role: make_user(role, agency=a, username=f"a_{role}") for role in ROLES}
    users_b = {role: make_user(role, agency=b, username=f"b_{role}") for role in ROLES}
    case = make_case(agency=a, handler=users_a["clerk"])
    return {"a": a, "b": b, "users_a": users_a, "users_b": users_b, "case": case}


def _url(path: str, args: dict) -> str:
    import re

    def fill(match):
        name = match.group(1).split(":")[-1]
        if name not in args:
            pytest.fail(f"add a sample value for URL argument {name!r} in tests/test_access_matrix.py")
        return str(args[name])

    return re.sub(r"<([^>]+)>", fill, path)


def _call(client, method: str, url: str):
    if method == "GET":
        return client.get(url)
    token = csrf_from(client.get("/office/login" if not _logged_in(client) else "/office/").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token})


def _logged_in(client) -> bool:
    with client.session_transaction() as sess:
        return "_user_id" in sess


@pytest.mark.parametrize("endpoint,path,method,roles", OFFICE_RULES, ids=[f"{m} {p}" for _e, p, m, _r in OFFICE_RULES])
def test_office_route_access(app, world, login, endpoint, path, method, roles):
    url = _url(path, sample_args(world))
    anonymous = app.test_client()
    resp = _call(anonymous, method, url)
    assert resp.status_code in (302, 401), f"anonymous {method} {url}: {resp.status_code}"
    if resp.status_code == 302:
        assert "/office/login" in resp.headers["Location"]

    for role in ROLES:
        client = app.test_client()
        assert login(world["users_a"][role], c=client).status_code == 302
        resp = _call(client, method, url)
        if role in roles:
            assert resp.status_code not in (401, 403) and resp.status_code < 500, (
                f"{role} refused or failed at {method} {url}: {resp.status_code}")
        else:
            assert resp.status_code == 403, f"{role} not refused at {method} {url}: {resp.status_code}"

    if "<tracking_number>" in path or "tracking_number>" in path:
        for role in roles:
            client = app.test_client()
            login(world["users_b"][role], c=client)
            resp = _call(client, method, url)
            assert resp.status_code == 404, f"{role} of another agency reached {method} {url}: {resp.status_code}"
