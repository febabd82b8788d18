"""The statistics area's rows of the office access matrix (tests/test_access_matrix.py): the roles
each route allows, and for each route a fresh record to try it on (so that every allowed role's try
really runs, e.g. each supervisor reopens a closed case of their own from a 纠正 decision).

Expectations come from issue 12 (never from the views' decorators): statistics, the annual report
and the audit log are for supervisors, auditors and admins (never clerks or liaisons); the case
export is the inbox's list, so the case readers; recording or correcting a reconsideration or
lawsuit is case handling (the auditor is read-only everywhere); reopening from a 纠正 decision is
the supervisor's. Publishing an annual report, entering its first year's carried-over figures and
its Table 2 are the report's writers' (issue 27): supervisors and admins, never the read-only auditor.
"""
from __future__ import annotations

HANDLERS = {"clerk", "supervisor"}
READERS = {"clerk", "supervisor", "auditor", "admin"}
SUPERVISOR = {"supervisor"}
OVERSIGHT = {"supervisor", "auditor", "admin"}
REPORT_WRITERS = {"supervisor", "admin"}

STATS_EXPECTED: dict[tuple, set] = {
    ("stats.dashboard_page", "GET"): OVERSIGHT,
    ("stats.dashboard_data", "GET"): OVERSIGHT,
    ("stats.chart_csv", "GET"): OVERSIGHT,
    ("stats.annual_report_page", "GET"): OVERSIGHT,
    ("stats.audit_log", "GET"): OVERSIGHT,
    ("stats.export_cases", "GET"): READERS,
    ("stats.new_review", "GET"): HANDLERS,
    ("stats.new_review", "POST"): HANDLERS,
    ("stats.edit_review", "GET"): HANDLERS,
    ("stats.edit_review", "POST"): HANDLERS,
    ("stats.reopen_from_review", "POST"): SUPERVISOR,
    ("stats.submit_review_answer", "POST"): HANDLERS,
    ("office.case_action", "POST", "record-review"): HANDLERS,  # the same action through the generic route
    ("stats.publish_annual_report", "POST"): REPORT_WRITERS,
    ("stats.save_report_opening", "POST"): REPORT_WRITERS,
    ("stats.table2_page", "GET"): REPORT_WRITERS,
    ("stats.table2_page", "POST"): REPORT_WRITERS,
}
BODY = "示范市人民政府"


def _today():
    from caseapp.core.clock import local_today

    return local_today()


def _case(world, status="closed"):
    """A case of agency A received today (a review may be filed on it today)."""
    clerk = world["users"][("a", "clerk")]
    from tests.reviews.helpers import issue_reply

    case = world["make_case"](status, agency=world["a"], handler=clerk, received_on=_today(), today=_today())
    issue_reply(case, _today())
    return case


def _review(world, case, **data):
    from caseapp.reviews.operations import record_review

    return record_review(case, actor=world["users"][("a", "clerk")], data={
        "kind": "reconsideration", "body": BODY, "filed_on": _today(), "copy_received_on": _today(), "result": "pending",
        **data})


def _done(url: str, data: dict | None = None):
    from caseapp.extensions import db

    db.session.commit()
    return url, data or {}


def _new_review(w):
    case = _case(w)
    return _done(f"/office/cases/{case.tracking_number}/reviews/new", {
        "kind": "reconsideration", "body": BODY, "reference": "示复〔2026〕12号", "filed_on": _today().isoformat(),
        "copy_received_on": _today().isoformat(), "result": "pending"})


def _edit_review(w):
    case = _case(w)
    review = _review(w, case)
    return _done(f"/office/cases/{case.tracking_number}/reviews/edit?review={review.id}", {
        "kind": "reconsideration", "body": BODY, "filed_on": _today().isoformat(), "result": "upheld",
        "decided_on": _today().isoformat(), "decision": "维持原答复。"})


def _reopen(w):
    case = _case(w)
    review = _review(w, case, result="corrected", decided_on=_today(), decision="责令重新答复。")
    return _done(f"/office/cases/{case.tracking_number}/reviews/reopen", {"review": str(review.id)})


def _answer(w):
    case = _case(w)
    review = _review(w, case)
    return _done(f"/office/cases/{case.tracking_number}/reviews/answer", {"review": str(review.id),
                                                                          "submitted_on": _today().isoformat()})


TABLE2 = {"rules_made": "1", "rules_repealed": "0", "rules_in_force": "12", "normative_made": "3",
          "normative_repealed": "1", "normative_in_force": "20", "licensing_decisions": "150",
          "penalty_decisions": "7", "enforcement_decisions": "0", "fees_amount": "0.5"}
ZEROS = {c: "0" for c in ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
                          "legal_service_org", "other_org")}


def _publish(w):
    """A year of agency A ready to publish (Table 2 entered), a different one for each try."""
    from caseapp.stats.table2 import save_table2

    year = {"supervisor": 2024, "admin": 2023}.get(w["role"], 2022)
    save_table2(w["a"], year, TABLE2, actor=None)
    return _done("/office/stats/annual-report/publish", {"year": str(year), "agency": w["a"].code})


# endpoint -> world -> (url, form data) on records made for this one try
STATS_TARGETS = {
    "stats.dashboard_page": lambda w: _done("/office/stats"),
    "stats.dashboard_data": lambda w: _done("/office/stats/data.json"),
    "stats.chart_csv": lambda w: _done("/office/stats/chart.csv"),
    "stats.annual_report_page": lambda w: _done(f"/office/stats/annual-report?year={_today().year - 1}"),
    "stats.audit_log": lambda w: _done("/office/stats/audit-log"),
    "stats.export_cases": lambda w: _done("/office/stats/cases.csv?tab=all"),
    "stats.new_review": _new_review,
    "stats.edit_review": _edit_review,
    "stats.reopen_from_review": _reopen,
    "stats.submit_review_answer": _answer,
    "stats.publish_annual_report": _publish,
    "stats.save_report_opening": lambda w: _done("/office/stats/annual-report/opening",
                                                 {"year": "2025", "agency": w["a"].code, **ZEROS}),
    "stats.table2_page": lambda w: _done(f"/office/stats/annual-report/table2?year=2025&agency={w['a'].code}",
                                         {"year": "2025", "agency": w["a"].code, **TABLE2}),
}
