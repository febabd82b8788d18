"""Fixtures of the security regression tests (issue 13)."""
from __future__ import annotations

import pytest


@pytest.fixture
def agency(make_agency):
    return make_agency("SFJY", "示范市教育局")


@pytest.fixture
def bearer(db):
    """Factory: Authorization headers with a fresh bearer token of the user."""
    from caseapp.accounts.operations import create_token

    def make(user) -> dict:
        value = create_token(user)
        db.session.commit()
        return {"Authorization": f"Bearer {value}"}

    return make
