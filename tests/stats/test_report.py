"""Table 3 and Table 4 on a constructed data set, checked cell by cell against figures worked out by hand."""
from __future__ import annotations

from datetime import date

import pytest

from caseapp.cases.closures import closures_of
from caseapp.stats.report import COLUMNS, ROWS, annual_report
from caseapp.reviews.operations import record_review

# Columns: natural_person, commercial_enterprise, research_institution, social_welfare_org,
# legal_service_org, other_org, total.
NP, CE, RI, SW, LS, OO = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
                          "legal_service_org", "other_org")

# One case for every outcome, received 2025-03-03 and closed 2025-03-24.
EVERY_OUTCOME = [
    ("disclosed", NP), ("partially_disclosed", CE), ("withheld.state_secret", RI),
    ("withheld.law_prohibited", SW), ("withheld.three_safeties", LS), ("withheld.third_party", OO),
    ("withheld.internal_affairs", NP), ("withheld.process_info", CE), ("withheld.enforcement_file", RI),
    ("withheld.administrative_query", SW), ("unavailable.not_held", LS), ("unavailable.needs_creation", OO),
    ("unavailable.unclear_after_correction", NP), ("not_handled.petition", CE), ("not_handled.repeat", RI),
    ("not_handled.publication", SW), ("not_handled.excessive", LS), ("not_handled.confirm_or_reissue", OO),
    ("other.correction_lapsed", NP), ("other.fee_unpaid", CE), ("other.other", RI),
]

EXPECTED_2025 = {
    "received":                              [7, 4, 5, 4, 4, 4, 28],
    "carried_in":                            [1, 1, 0, 0, 0, 0, 2],
    "disclosed":                             [2, 0, 0, 1, 0, 0, 3],
    "partially_disclosed":                   [1, 1, 0, 0, 0, 0, 2],
    "withheld.state_secret":                 [0, 0, 1, 0, 0, 0, 1],
    "withheld.law_prohibited":               [0, 0, 0, 1, 0, 0, 1],
    "withheld.three_safeties":               [0, 0, 0, 0, 1, 0, 1],
    "withheld.third_party":                  [0, 0, 0, 0, 0, 1, 1],
    "withheld.internal_affairs":             [1, 0, 0, 0, 0, 0, 1],
    "withheld.process_info":                 [0, 1, 0, 0, 0, 0, 1],
    "withheld.enforcement_file":             [0, 0, 1, 0, 0, 0, 1],
    "withheld.administrative_query":         [0, 0, 0, 1, 0, 0, 1],
    "unavailable.not_held":                  [0, 0, 0, 0, 1, 0, 1],
    "unavailable.needs_creation":            [0, 0, 1, 0, 0, 1, 2],
    "unavailable.unclear_after_correction":  [1, 0, 0, 0, 0, 0, 1],
    "not_handled.petition":                  [0, 1, 0, 0, 0, 0, 1],
    "not_handled.repeat":                    [0, 0, 1, 0, 0, 0, 1],
    "not_handled.publication":               [0, 0, 0, 1, 0, 0, 1],
    "not_handled.excessive":                 [0, 0, 0, 0, 1, 0, 1],
    "not_handled.confirm_or_reissue":        [0, 0, 0, 0, 0, 1, 1],
    "other.correction_lapsed":               [1, 0, 0, 0, 0, 0, 1],
    "other.fee_unpaid":                      [0, 1, 0, 0, 0, 0, 1],
    "other.other":                           [1, 0, 1, 0, 0, 0, 2],
    "handled":                               [7, 4, 5, 4, 3, 3, 26],
    "carried_out":                           [1, 1, 0, 0, 1, 1, 4],
}


def _zeros():
    return [0] * 7


def _table(report) -> dict[str, list[int]]:
    return {row: [report.table3[row][c] for c in COLUMNS] for row in ROWS}


@pytest.fixture
def dataset(script):
    """The constructed cases (see the comments for what each one tests)."""
    s = script
    for outcome, kind in EVERY_OUTCOME:
        case = s.receive(kind, date(2025, 3, 3))
        s.close(case, outcome, date(2025, 3, 24))
    # A: received in 2024, open on 1 January 2025, closed in 2025.
    s.close(s.receive(NP, date(2024, 12, 16)), "disclosed", date(2025, 1, 13))
    # B: received in 2024, open all 2025, closed in 2026.
    s.close(s.receive(CE, date(2024, 12, 23)), "disclosed", date(2026, 1, 12))
    # C: received in December 2025 and still open.
    c = s.receive(NP, date(2025, 12, 15))
    # D: withdrawn in 2025 (counts as other.other).
    s.withdraw(s.receive(NP, date(2025, 5, 6)), date(2025, 5, 8))
    # D2: received in 2025, withdrawn in 2026.
    s.withdraw(s.receive(OO, date(2025, 12, 1)), date(2026, 1, 5))
    # E: closed in 2024, reopened in 2025 and closed again in 2025 (across the year end).
    e = s.receive(NP, date(2024, 11, 4))
    s.close(e, "disclosed", date(2024, 12, 2))
    s.reopen(e, date(2025, 2, 10))
    s.close(e, "partially_disclosed", date(2025, 3, 5))
    # F: closed and reopened within 2025, closed again in 2026 (reopened across the year end).
    f = s.receive(LS, date(2025, 6, 2))
    s.close(f, "unavailable.not_held", date(2025, 7, 1))
    s.reopen(f, date(2025, 11, 3))
    s.close(f, "disclosed", date(2026, 1, 15))
    # G: closed, reopened and closed again within 2025: counts once, with the final outcome.
    g = s.receive(SW, date(2025, 4, 1))
    s.close(g, "not_handled.repeat", date(2025, 4, 21))
    s.reopen(g, date(2025, 5, 12))
    s.close(g, "disclosed", date(2025, 6, 2))
    # H: received and closed in 2024: no figure in 2025.
    s.close(s.receive(NP, date(2024, 6, 3)), "disclosed", date(2024, 7, 1))
    # I: received and closed in the last days of 2025.
    s.close(s.receive(RI, date(2025, 12, 29)), "unavailable.needs_creation", date(2025, 12, 31))
    return {"agency": s.agency, "c": c, "e": e, "f": f, "g": g}


def test_table3_cell_by_cell(dataset):
    report = annual_report(2025, dataset["agency"])
    assert _table(report) == EXPECTED_2025
    assert report.balanced


def test_year_already_reported_stays_as_reported(dataset):
    """2024 keeps E's first closing (disclosed) although E was reopened in 2025."""
    expected = {row: _zeros() for row in ROWS}
    expected["received"] = [3, 1, 0, 0, 0, 0, 4]       # A, B, E, H
    expected["disclosed"] = [2, 0, 0, 0, 0, 0, 2]      # E (first closing), H
    expected["handled"] = [2, 0, 0, 0, 0, 0, 2]
    expected["carried_out"] = [1, 1, 0, 0, 0, 0, 2]    # A, B
    report = annual_report(2024, dataset["agency"])
    assert _table(report) == expected
    assert report.balanced


def test_next_year_takes_the_carried_cases(dataset):
    expected = {row: _zeros() for row in ROWS}
    expected["carried_in"] = [1, 1, 0, 0, 1, 1, 4]     # C, B, F, D2
    expected["disclosed"] = [0, 1, 0, 0, 1, 0, 2]      # B, F (final closing of F counts in 2026)
    expected["other.other"] = [0, 0, 0, 0, 0, 1, 1]    # D2 withdrawn
    expected["handled"] = [0, 1, 0, 0, 1, 1, 3]
    expected["carried_out"] = [1, 0, 0, 0, 0, 0, 1]    # C
    report = annual_report(2026, dataset["agency"])
    assert _table(report) == expected
    assert report.balanced


def test_reopening_keeps_the_closure_record(dataset):
    records = closures_of(dataset["e"])
    assert [(r.outcome, r.closed_on, r.reopened_on) for r in records] == [
        ("disclosed", date(2024, 12, 2), date(2025, 2, 10)),
        ("partially_disclosed", date(2025, 3, 5), None),
    ]
    assert [r.kind for r in records] == ["close", "close"]
    assert records[0].reopen_reason == "复议决定责令重新答复"


def test_all_agencies_add_up(dataset, script, make_agency, make_user):
    """The report for all agencies counts another agency's cases too."""
    from tests.stats.conftest import Script

    other = make_agency()
    s2 = Script(script.db, other, make_user("clerk", agency=other), make_user("supervisor", agency=other))
    s2.close(s2.receive(NP, date(2025, 2, 2)), "disclosed", date(2025, 2, 20))
    everyone = annual_report(2025, None)
    assert everyone.table3["received"]["natural_person"] == 8
    assert everyone.table3["disclosed"]["total"] == 4
    assert annual_report(2025, other).table3["received"]["total"] == 1
    assert everyone.balanced


def test_unbalanced_data_is_reported(dataset, db):
    """A closed case whose closure record is missing (data written behind the operations) makes
    row 四 disagree with rows 一, 二 and 三: the report says so instead of hiding it."""
    from caseapp.cases.closures import CaseClosure

    with_history = annual_report(2025, dataset["agency"])
    assert with_history.balanced
    # A report whose carried-out row was counted wrongly is flagged in exactly that column.
    with_history.table3["carried_out"]["other_org"] += 1
    with_history.table3["carried_out"]["total"] += 1
    assert not with_history.balanced
    assert not with_history.column_balanced("other_org") and not with_history.column_balanced("total")
    assert with_history.column_balanced("natural_person")
    assert with_history.as_json()["table3"]["balanced"] is False
    # Closure records removed behind the operations' back: G (closed twice in 2025) now counts as
    # carried out in 2025 instead of handled.
    for record in closures_of(dataset["g"]):
        db.session.delete(record)
    db.session.commit()
    report = annual_report(2025, dataset["agency"])
    assert report.table3["disclosed"]["social_welfare_org"] == 0
    assert report.table3["carried_out"]["social_welfare_org"] == 1
    assert db.session.query(CaseClosure).filter_by(case_id=dataset["g"].id).count() == 0


def test_table4_counts_filed_reviews_with_results_known_at_year_end(script, db):
    s = script
    case = s.close(s.receive(NP, date(2024, 10, 8)), "withheld.process_info", date(2024, 11, 1))
    today = date(2026, 11, 30)
    for data in (
        {"kind": "reconsideration", "body": "示范市人民政府", "filed_on": date(2025, 4, 1), "result": "upheld",
         "decided_on": date(2025, 6, 1)},
        {"kind": "reconsideration", "body": "示范市人民政府", "filed_on": date(2025, 10, 1), "result": "corrected",
         "decided_on": date(2026, 1, 10)},
        {"kind": "litigation_direct", "body": "示范市某区人民法院", "filed_on": date(2025, 5, 1)},
        {"kind": "litigation_after_reconsideration", "body": "示范市中级人民法院", "filed_on": date(2024, 12, 1),
         "result": "upheld", "decided_on": date(2025, 3, 1)},
        {"kind": "litigation_after_reconsideration", "body": "示范市中级人民法院", "filed_on": date(2025, 7, 1),
         "result": "other", "decided_on": date(2025, 9, 1)},
    ):
        record_review(case, actor=s.clerk, data=data, today=today)
    db.session.commit()
    t4 = annual_report(2025, s.agency).table4
    assert t4 == {
        "reconsideration": {"upheld": 1, "corrected": 0, "other": 0, "pending": 1, "total": 2},
        "litigation_direct": {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1},
        "litigation_after_reconsideration": {"upheld": 0, "corrected": 0, "other": 1, "pending": 0, "total": 1},
    }
    assert annual_report(2026, s.agency).table4["reconsideration"]["total"] == 0
    assert annual_report(2024, s.agency).table4["litigation_after_reconsideration"] == {
        "upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1}


def test_closure_kinds(script, db):
    """Direct close, lapse, withdrawal, and a reply letter's issue turning its closing into a reply."""
    from caseapp.core.audit import record_event

    s = script
    direct = s.close(s.receive(NP, date(2025, 3, 3)), "not_handled.repeat", date(2025, 3, 10))
    lapsed = s.close(s.receive(NP, date(2025, 3, 3)), "other.correction_lapsed", date(2025, 4, 10))
    withdrawn = s.withdraw(s.receive(NP, date(2025, 3, 3)), date(2025, 3, 5))
    replied = s.close(s.receive(NP, date(2025, 3, 3)), "disclosed", date(2025, 3, 20))
    record_event("letter.issued", actor=s.clerk, case=replied, after={"template": "disclosed", "letter_id": 1})
    record_event("letter.issued", actor=s.clerk, case=direct, after={"template": "fee_notice", "letter_id": 2})
    db.session.commit()
    kinds = {c.id: closures_of(c)[0].kind for c in (direct, lapsed, withdrawn, replied)}
    assert kinds == {direct.id: "close", lapsed.id: "lapse", withdrawn.id: "withdrawal", replied.id: "reply"}
    assert closures_of(replied)[0].applicant_type == NP and closures_of(replied)[0].year == 2025
