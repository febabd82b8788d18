"""The staff API's dossier route by role and agency, with the expectations written out: the case
readers of the case's agency get the PDF; a liaison 403; another agency's staff 404; no token 401."""
from __future__ import annotations

import pytest

from caseapp.accounts.operations import create_token

ROLES = ("clerk", "supervisor", "liaison", "auditor", "admin")
EXPECTED = {"clerk": 200, "supervisor": 200, "liaison": 403, "auditor": 200, "admin": 200}
OTHER_AGENCY = {"clerk": 404, "supervisor": 404, "liaison": 403, "auditor": 404, "admin": 404}


@pytest.mark.parametrize("role", ROLES)
def test_dossier_route(client, db, make_agency, make_user, make_case, role):
    a, b = make_agency(), make_agency()
    case = make_case("closed", agency=a)
    url = f"/api/v1/cases/{case.tracking_number}/dossier.pdf"
    own, other = create_token(make_user(role, agency=a)), create_token(make_user(role, agency=b))
    db.session.commit()
    mine = client.get(url, headers={"Authorization": f"Bearer {own}"})
    assert mine.status_code == EXPECTED[role]
    theirs = client.get(url, headers={"Authorization": f"Bearer {other}"})
    assert theirs.status_code == OTHER_AGENCY[role]
    assert client.get(url).status_code == 401
