"""Issue 13 items 5 and 11: query codes as HMAC-SHA256 under a server key, old PBKDF2 hashes
verified and upgraded on their next successful lookup; unknown numbers cost what wrong codes cost."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from caseapp.cases import identity
from caseapp.cases.models import Case
from tests.intake.portal_helpers import unlock


def _stored(db, case) -> str:
    db.session.rollback()  # a fresh snapshot: the requests commit in their own sessions
    return db.session.scalar(sa.select(Case.query_code_hash).where(Case.id == case.id))


def _make_legacy(db, case) -> str:
    legacy = identity.hash_query_code_pbkdf2(case.query_code, rounds=1000)
    db.session.execute(sa.update(Case).where(Case.id == case.id).values(query_code_hash=legacy))
    db.session.commit()
    return legacy


def test_new_codes_are_stored_as_hmac(app, db, make_case):
    case = make_case()
    stored = _stored(db, case)
    assert stored.startswith("hmac_sha256$") and len(stored) == len("hmac_sha256$") + 64
    assert identity.check_query_code(case.query_code, stored)
    assert identity.check_query_code(case.query_code.lower()[:4] + " " + case.query_code[4:], stored)
    assert not identity.check_query_code("WRONGCODE9", stored)


def test_the_key_comes_from_config_and_changes_the_hash(app, monkeypatch):
    derived = identity.hash_query_code("ACDEFGHJKM")
    monkeypatch.setitem(app.config, "QUERY_CODE_KEY", "a separate query code key")
    separate = identity.hash_query_code("ACDEFGHJKM")
    assert derived != separate and identity.check_query_code("ACDEFGHJKM", separate)


@pytest.mark.parametrize("via", ["portal", "api"])
def test_legacy_pbkdf2_hashes_verify_and_upgrade_on_success(client, db, make_case, via):
    case = make_case()
    legacy = _make_legacy(db, case)
    # A wrong code leaves the old hash alone.
    if via == "portal":
        unlock(client, case.tracking_number, "WRONGCODE9")
    else:
        client.get(f"/api/v1/requests/{case.tracking_number}", headers={"X-Query-Code": "WRONGCODE9"})
    assert _stored(db, case) == legacy
    if via == "portal":
        resp = unlock(client, case.tracking_number, case.query_code)
        assert resp.status_code == 302 and resp.headers["Location"].endswith(case.tracking_number)
    else:
        resp = client.get(f"/api/v1/requests/{case.tracking_number}", headers={"X-Query-Code": case.query_code})
        assert resp.status_code == 200
    upgraded = _stored(db, case)
    assert upgraded.startswith("hmac_sha256$") and identity.check_query_code(case.query_code, upgraded)


def test_garbage_stored_hashes_never_match(app):
    for stored in ("", "pbkdf2_sha256$x$y$z", "md5$abc", "pbkdf2_sha256$99999999$s$e", "hmac_sha256$"):
        assert not identity.check_query_code("ACDEFGHJKM", stored)


def test_unknown_number_costs_the_same_hash_as_a_wrong_code(client, make_case, monkeypatch):
    case = make_case()
    calls = []
    real = identity._hmac_digest
    monkeypatch.setattr(identity, "_hmac_digest", lambda code: calls.append(code) or real(code))
    client.get(f"/api/v1/requests/{case.tracking_number}", headers={"X-Query-Code": "WRONGCODE9"})
    wrong = len(calls)
    client.get("/api/v1/requests/SFJY-2026-999999", headers={"X-Query-Code": "WRONGCODE9"})
    assert wrong == 1 and len(calls) == 2


def test_lookup_timing_is_the_same_for_unknown_and_wrong(app, db, make_case):
    """Medians over 30 tries each, with a generous ratio (both are one query and one HMAC)."""
    import statistics
    import time

    from caseapp.cases.queries import find_case_for_applicant

    case = make_case()

    def median(number: str) -> float:
        times = []
        for _ in range(30):
            start = time.perf_counter()
            assert find_case_for_applicant(number, "WRONGCODE9") is None
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    wrong, unknown = median(case.tracking_number), median("SFJY-2026-999999")
    assert 0.33 < unknown / wrong < 3.0


def test_demo_cases_open_with_the_shared_demo_code(app, db):
    from caseapp.cases.queries import find_case_for_applicant
    from caseapp.demo import DEMO_QUERY_CODE, load_demo

    load_demo(n_cases=3)
    db.session.commit()
    number = db.session.scalar(sa.select(Case.tracking_number).order_by(Case.id))
    assert find_case_for_applicant(number, DEMO_QUERY_CODE) is not None
    assert _stored_any(db).startswith("hmac_sha256$")


def _stored_any(db) -> str:
    return db.session.scalar(sa.select(Case.query_code_hash).limit(1))
