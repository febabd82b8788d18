"""Issue 13 item 4: schemathesis fuzzes every operation of /api/v1/openapi.json, without and with a
staff bearer token, and no answer may be a 5xx. Bounded (a few examples per operation, no
deadline) so the whole run stays within about two minutes on this machine.

The operations are driven from one test per token setting (schemathesis' own pytest
parametrisation does not run under pytest 9 here); every 5xx is collected with the input that
caused it, so one run reports them all.
"""
from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from caseapp.accounts.operations import create_token

MAX_EXAMPLES = int(os.environ.get("CASEAPP_FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))


@pytest.fixture
def fuzz_world(app, db, make_case, make_user, monkeypatch):
    """An agency with a case, a supervisor with a token; rate limits out of the way."""
    for key in ("LOOKUP_RATE_LIMIT_IP", "LOOKUP_RATE_LIMIT_NUMBER", "FILING_RATE_LIMIT"):
        monkeypatch.setitem(app.config, key, "100000 per hour")
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "100000 per hour")
    case = make_case(status="in_progress")
    supervisor = make_user("supervisor", agency=case.agency)
    token = create_token(supervisor)
    db.session.commit()
    return {"tracking_number": case.tracking_number, "query_code": case.query_code, "token": token}


def _server_errors(app, headers: dict, real: dict) -> list[str]:
    """Fuzz every operation; the 5xx answers, each with its operation and input."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    errors: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10  # the document describes the whole API
    for operation in operations:

        @FUZZ
        @given(case=operation.as_strategy())
        def run(case):
            calls = [dict(headers)]
            if "tracking_number" in (case.path_parameters or {}):
                # Also aim the generated input at the real case, so that handlers past the lookup run.
                calls.append({**headers, "X-Query-Code": real["query_code"]})
            for n, call_headers in enumerate(calls):
                if n:
                    case.path_parameters = {**case.path_parameters, "tracking_number": real["tracking_number"]}
                response = case.call(headers=call_headers)
                if response.status_code >= 500:
                    errors.append(f"{operation.label} {response.status_code}: path={case.path_parameters} "
                                  f"query={case.query} body={case.body!r:.300}")

        run()
    return errors


@pytest.mark.slow
def test_no_operation_answers_5xx_without_a_token(app, fuzz_world):
    assert _server_errors(app, {}, fuzz_world) == []


@pytest.mark.slow
def test_no_operation_answers_5xx_with_a_staff_token(app, fuzz_world):
    assert _server_errors(app, {"Authorization": f"Bearer {fuzz_world['token']}"}, fuzz_world) == []
