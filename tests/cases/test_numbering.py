"""Tracking numbers: the agency's pattern, per year, unique under concurrent submissions."""
from __future__ import annotations

import threading
from datetime import date

import pytest

from caseapp.cases import operations as ops
from caseapp.cases.identity import format_tracking_number
from caseapp.core.db import writing
from caseapp.extensions import db as _db


@pytest.mark.parametrize("pattern,prefix,year,seq,expected", [
    ("{prefix}-{year}-{seq:06d}", "SHJS", 2026, 123, "SHJS-2026-000123"),
    ("{prefix}{year}{seq:05d}", "SFHB", 2027, 7, "SFHB202700007"),
])
def test_format(pattern, prefix, year, seq, expected):
    assert format_tracking_number(pattern, prefix, year, seq) == expected


def test_numbers_restart_each_year_and_per_agency(db, make_agency, make_user, request_data):
    a, b = make_agency("AAA"), make_agency("BBB")
    clerk_a, clerk_b = make_user("clerk", agency=a), make_user("clerk", agency=b)
    numbers = [
        ops.register_case(a, request_data, channel="post", received_on=date(2025, 12, 30), actor=clerk_a,
                          today=date(2026, 1, 5)).case.tracking_number,
        ops.register_case(a, request_data, channel="post", received_on=date(2026, 1, 5), actor=clerk_a,
                          today=date(2026, 1, 5)).case.tracking_number,
        ops.register_case(a, request_data, channel="post", received_on=date(2026, 1, 5), actor=clerk_a,
                          today=date(2026, 1, 5)).case.tracking_number,
        ops.register_case(b, request_data, channel="post", received_on=date(2026, 1, 5), actor=clerk_b,
                          today=date(2026, 1, 5)).case.tracking_number,
    ]
    db.session.commit()
    assert numbers == ["AAA-2025-000001", "AAA-2026-000001", "AAA-2026-000002", "BBB-2026-000001"]


def test_twenty_concurrent_submissions_get_twenty_distinct_numbers(app, db, make_agency, request_data):
    agency = make_agency("CONC")
    agency_id = agency.id
    barrier = threading.Barrier(20)
    results, errors = [], []

    def submit(i: int):
        with app.app_context(), writing():
            try:
                from caseapp.accounts.models import Agency

                barrier.wait(timeout=10)
                ag = _db.session.get(Agency, agency_id)
                reg = ops.register_case(ag, {**request_data, "applicant_name": f"申请人{i}"})
                _db.session.commit()
                results.append(reg.case.tracking_number)
            except Exception as exc:  # collected and asserted below
                _db.session.rollback()
                errors.append(repr(exc))
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert len(results) == 20 and len(set(results)) == 20
    seqs = sorted(int(n.rsplit("-", 1)[1]) for n in results)
    assert seqs == list(range(1, 21))
