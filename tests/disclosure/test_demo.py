"""The demo data fills the public column (so `make run` shows entries) and the similarity index."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa


def test_demo_publishes_entries_without_personal_data(db, client):
    from caseapp.demo import load_demo
    from caseapp.disclosure.models import PublicEntry, Signature

    message = load_demo(n_cases=400, today=date(2026, 11, 30))  # calls load_demo_disclosure
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Signature)) == 400
    published = db.session.scalars(sa.select(PublicEntry).where(PublicEntry.status == "published")).all()
    assert published, message
    assert any(e.documents for e in published)
    html = client.get("/public/").get_data(as_text=True)
    assert all(e.title in html for e in published[:5])
