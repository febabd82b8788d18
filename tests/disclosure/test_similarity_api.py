

def test_the_sweep_indexes_requests_filed_before_the_index(db, make_case):
    """Older data has no signature: the daily sweep indexes it in bounded batches, so it is found."""
    from datetime import date

    import sqlalchemy as sa

    from caseapp.jobs.sweep import sweep
    from caseapp.disclosure.models import Posting, Signature

    case = make_case("in_progress")
    for table in (Posting, Signature):  # as if filed before the index existed
        db.session.execute(sa.delete(table).where(table.case_id == case.id))
    db.session.commit()
    assert db.session.get(Signature, case.id) is None
    counts = sweep(date(2026, 11, 20))
    db.session.commit()
    assert counts["requests_indexed"] >= 1 and db.session.get(Signature, case.id) is not None
    assert sweep(date(2026, 11, 20))["requests_indexed"] == 0  # nothing left: the second run does nothing
