"""Factories for the statistics tests: cases taken through the real operations on given dates."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from caseapp.cases import operations as ops
from tests.conftest import VALID_PERSON

ORG = {"org_code": "913100004JURQ283FD", "contact_person": "王经理", "id_number": None, "id_type": None}


def applicant(applicant_type: str) -> dict:
    """Request fields for an applicant of this type."""
    if applicant_type == "natural_person":
        return dict(VALID_PERSON)
    return {**VALID_PERSON, **ORG, "applicant_type": applicant_type, "applicant_name": "示范市某某机构"}


class Script:
    """Drives one case through the operations on the dates a test gives."""

    def __init__(self, db, agency, clerk, supervisor):
        self.db, self.agency, self.clerk, self.supervisor = db, agency, clerk, supervisor

    def receive(self, applicant_type: str, on: date):
        reg = ops.register_case(self.agency, applicant(applicant_type), channel="in_person", received_on=on,
                                actor=self.clerk, today=on)
        self.db.session.commit()
        return reg.case

    def close(self, case, outcome: str, on: date):
        """Close with `outcome` on `on`, through the steps the outcome needs (SPEC §6's rules)."""
        if outcome == "other.correction_lapsed":  # a one-day period from its notice, run out by `on`
            asked = max(case.received_on, on - timedelta(days=20))
            ops.request_correction(case, actor=self.clerk, details="请补充文件名称。", period_days=1, today=asked)
            ops.serve_correction_notice(case, served_on=asked)
        elif outcome == "unavailable.unclear_after_correction" and case.correction_received_on is None:
            # corrected, and still unclear (a correction is asked for before acceptance: see closable)
            ops.request_correction(case, actor=self.clerk, details="请补充文件名称。", today=case.received_on)
            ops.receive_correction(case, actor=None, text="所需信息为相关文件。", today=case.received_on)
            ops.accept_case(case, actor=self.clerk, today=case.received_on)
        elif outcome == "other.fee_unpaid":
            ops.accept_case(case, actor=self.clerk, today=on)
            ops.await_fee(case, actor=self.clerk, served_on=max(case.received_on, on - timedelta(days=20)), today=on)
        ops.close_case(case, actor=self.clerk, outcome=outcome, today=on)
        self.db.session.commit()
        return case

    @staticmethod
    def closable(case, outcome: str) -> bool:
        """Whether the history can still reach `outcome`: "still unclear after correction" needs a
        correction, which is asked for only before the request is accepted (Reg. 30, once)."""
        return (outcome != "unavailable.unclear_after_correction" or case.status == "submitted"
                or case.correction_received_on is not None)

    def withdraw(self, case, on: date):
        ops.withdraw_case(case, actor=None, reason="申请人撤回", today=on)
        self.db.session.commit()
        return case

    def reopen(self, case, on: date):
        ops.reopen_case(case, actor=self.supervisor, reason="复议决定责令重新答复", today=on)
        self.db.session.commit()
        return case


@pytest.fixture
def script(db, make_agency, make_user):
    """A Script on a new agency with a clerk and a supervisor."""
    agency = make_agency()
    return Script(db, agency, make_user("clerk", agency=agency), make_user("supervisor", agency=agency))


@pytest.fixture
def office(app, login):
    """office(user) -> a logged-in test client of its own."""

    def make(user):
        client = app.test_client()
        assert login(user, c=client).status_code == 302
        return client

    return make
