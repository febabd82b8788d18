"""The annual report's self-check (issue 27 item 1): each check made to fail on real cases (or on a
report's figures, for the checks that the counting itself can never break) and made to pass."""
from __future__ import annotations

from datetime import date

import pytest

from caseapp.cases import operations as case_ops
from caseapp.core.actions import Ctx, get_action, perform
from caseapp.stats import selfcheck
from caseapp.stats.report import fee_figures, live_report
from tests.letters.conftest import letter_world  # noqa: F401
from caseapp.stats.table2 import CELL_NAMES, save_table2
from tests.stats.conftest import applicant

NP = "natural_person"
FULL_TABLE2 = {key: "0" for key in CELL_NAMES} | {"rules_made": "2", "fees_amount": "1.25"}


def fill_table2(agency, year):
    save_table2(agency, year, FULL_TABLE2, actor=None)


def publish(user, agency, year):
    return perform(get_action("publish_annual_report"), Ctx(user=user, case=None, target=agency),
                   {"year": year}, source="api")


def cells(findings, severity=None):
    return {f.cell for f in findings if severity is None or f.severity == severity}


@pytest.fixture
def world(db, script):
    """2024: one case received and closed, one received in December and carried into 2025;
    2025: one received and closed, the carried one closed. Table 2 of both years entered."""
    s = script
    s.close(s.receive(NP, date(2024, 3, 4)), "disclosed", date(2024, 3, 25))
    carried = s.receive(NP, date(2024, 12, 16))
    s.close(carried, "disclosed", date(2025, 1, 13))
    s.close(s.receive("commercial_enterprise", date(2025, 5, 6)), "not_handled.repeat", date(2025, 5, 20))
    for year in (2024, 2025):
        fill_table2(s.agency, year)
    db.session.commit()
    return s


def test_a_consistent_year_has_no_error(world):
    findings = selfcheck.self_check(2025, world.agency, date(2026, 11, 10))
    assert not selfcheck.has_errors(findings), findings


# --- 二 against 四 of the year before -----------------------------------------------------------------

def test_carried_over_differs_from_the_published_year_before(db, world):
    publish(world.supervisor, world.agency, 2024)
    db.session.commit()
    # A paper request of December 2024 registered after 2024 was published, still open: it is in 2025's 二.
    case_ops.register_case(world.agency, applicant(NP), channel="post", received_on=date(2024, 12, 30),
                           actor=world.clerk, today=date(2025, 6, 2))
    db.session.commit()
    findings = selfcheck.check_carried_in(live_report(2025, world.agency))
    assert cells(findings, "error") == {"表三 二、上年结转政府信息公开申请数量 自然人",
                                        "表三 二、上年结转政府信息公开申请数量 总计"}
    assert "2024" in str(findings[0].message) and "2" in str(findings[0].message)


def test_carried_over_equals_the_published_year_before(db, world):
    publish(world.supervisor, world.agency, 2024)
    db.session.commit()
    assert selfcheck.check_carried_in(live_report(2025, world.agency)) == []


def test_first_year_is_checked_against_the_entered_figures(db, script):
    """No case before 2025: item two (0) must equal the figures entered for the year before the platform."""
    agency = script.agency
    perform(get_action("enter_report_opening"), Ctx(user=script.supervisor, case=None, target=agency),
            {"year": 2025, NP: 3, "commercial_enterprise": 0, "research_institution": 0, "social_welfare_org": 0,
             "legal_service_org": 0, "other_org": 1}, source="api")
    findings = selfcheck.check_carried_in(live_report(2025, agency))
    assert cells(findings, "error") == {"表三 二、上年结转政府信息公开申请数量 自然人",
                                        "表三 二、上年结转政府信息公开申请数量 其他",
                                        "表三 二、上年结转政府信息公开申请数量 总计"}


def test_first_year_with_nothing_carried_passes_and_without_figures_warns(db, script):
    agency = script.agency
    [warning] = selfcheck.check_carried_in(live_report(2025, agency))
    assert warning.severity == "warning"
    perform(get_action("enter_report_opening"), Ctx(user=script.supervisor, case=None, target=agency),
            {"year": 2025, **{c: 0 for c in ("natural_person", "commercial_enterprise", "research_institution",
                                             "social_welfare_org", "legal_service_org", "other_org")}}, source="api")
    assert selfcheck.check_carried_in(live_report(2025, agency)) == []


# --- the identity, the totals and the cells (figures the counting cannot break: a damaged report) -----

def test_identity_per_column(world):
    report = live_report(2025, world.agency)
    assert selfcheck.check_identity(report) == []
    report.table3["received"][NP] += 1
    found = cells(selfcheck.check_identity(report), "error")
    assert "表三 自然人列" in found
    assert "表三 一、本年新收政府信息公开申请数量 总计" in found  # 总计 no longer the sum of the columns


def test_handled_total_is_the_sum_of_its_rows(world):
    report = live_report(2025, world.agency)
    report.table3["handled"]["commercial_enterprise"] += 1
    report.table3["carried_out"]["commercial_enterprise"] -= 1  # the identity still holds
    found = cells(selfcheck.check_identity(report))
    assert "表三 三、本年度办理结果 （七）总计 商业企业" in found


def test_every_cell_a_number(world):
    report = live_report(2025, world.agency)
    assert selfcheck.check_cells(report) == []
    report.table3["disclosed"][NP] = None
    del report.table4["reconsideration"]["upheld"]
    found = cells(selfcheck.check_cells(report), "error")
    assert found == {"表三 三、本年度办理结果 （一）予以公开 自然人", "表四 行政复议 结果维持"}


def test_table4_totals_equal_their_rows(world):
    report = live_report(2025, world.agency)
    assert selfcheck.check_table4(report) == []
    report.table4["litigation_direct"]["total"] = 2
    assert cells(selfcheck.check_table4(report), "error") == {"表四 行政诉讼 未经复议直接起诉 总计"}


# --- cases that would still change the counts (warnings) -------------------------------------------------

def test_open_cases_of_a_year_not_over_warn_with_their_count(world):
    world.receive(NP, date(2026, 10, 12))
    world.receive(NP, date(2026, 11, 2))
    [warning] = selfcheck.check_open_cases(live_report(2026, world.agency), date(2026, 11, 10))
    assert warning.severity == "warning" and "2" in str(warning.message)
    assert selfcheck.check_open_cases(live_report(2025, world.agency), date(2026, 11, 10)) == []


def test_cases_reopened_after_the_year_warn(world):
    case = world.close(world.receive(NP, date(2025, 9, 1)), "disclosed", date(2025, 9, 22))
    world.reopen(case, date(2026, 3, 2))
    [warning] = selfcheck.check_open_cases(live_report(2025, world.agency), date(2026, 11, 10))
    assert warning.severity == "warning" and warning.cell == "表三 三、本年度办理结果 （七）总计 总计"


# --- the fee paragraph -------------------------------------------------------------------------------------

def test_fee_figures_come_from_the_fee_records(db, letter_world):
    """A fee notice served in 2026 and its payment: one notice and the amount paid in the year."""
    from caseapp.fees import operations as fee_ops
    from caseapp.letters import operations as letter_ops
    from caseapp.letters.models import Letter

    w, served = letter_world, date(2026, 11, 12)
    fee_ops.propose_fee(w["case"], actor=w["clerk"], basis="pages", count=150, today=served)
    fee = fee_ops.approve_fee(w["case"], actor=w["supervisor"], how_to_pay="通过非税收入缴款平台缴纳", today=served)
    letter_ops.issue_letter(db.session.get(Letter, fee.letter_id), actor=w["clerk"],
                            delivery={"method": "hand", "date": served.isoformat()}, today=served)
    db.session.commit()
    assert fee_figures(2026, w["agency"]) == {"notices": 1, "amount": 0}
    fee_ops.record_payment(w["case"], actor=w["clerk"], paid_on=date(2026, 11, 19), today=date(2026, 11, 20))
    db.session.commit()
    assert fee_figures(2026, w["agency"]) == {"notices": 1, "amount": 1700}
    assert fee_figures(2025, w["agency"]) == {"notices": 0, "amount": 0}
    report = live_report(2026, w["agency"])
    assert selfcheck.check_fees(report) == []
    report.fees["amount"] = 1000  # a paragraph that contradicts the records
    [err] = selfcheck.check_fees(report)
    assert err.severity == "error" and err.cell.endswith("收取金额") and "1700" in str(err.message)


def test_fee_paragraph_equals_the_fee_records(world):
    report = live_report(2025, world.agency)
    assert selfcheck.check_fees(report) == []
    report.fees = {"notices": 2, "amount": 300}
    assert len([f for f in selfcheck.check_fees(report) if f.severity == "error"]) == 2


# --- Table 2 ---------------------------------------------------------------------------------------------

def test_every_table2_cell_is_required(db, world):
    assert selfcheck.check_table2(2025, world.agency) == []
    empty = selfcheck.check_table2(2023, world.agency)
    assert len(empty) == len(CELL_NAMES) and all(f.severity == "error" for f in empty)
    assert "表二 规章 本年制发件数" in cells(empty)
    save_table2(world.agency, 2023, {**FULL_TABLE2, "penalty_decisions": ""}, actor=None)
    assert cells(selfcheck.check_table2(2023, world.agency)) == {"表二 行政处罚 本年处理决定数量"}


# --- the command line --------------------------------------------------------------------------------------

def test_cli_check_exit_status(app, db, world):
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["caseapp", "annual-report", "2025", "--agency", world.agency.code, "--check"])
    assert ok.exit_code == 0, ok.output
    bad = runner.invoke(args=["caseapp", "annual-report", "2023", "--agency", world.agency.code, "--check"])
    assert bad.exit_code == 1, bad.output
    assert "表二 规章 本年制发件数" in bad.output and "错误" in bad.output
    assert "error" not in bad.output.lower()


def test_office_page_lists_the_findings(app, db, world, office):
    client = office(world.supervisor)
    page = client.get(f"/office/stats/annual-report?year=2023&agency={world.agency.code}").get_data(as_text=True)
    assert 'data-errors="true"' in page and "表二 规章 本年制发件数" in page
    page = client.get(f"/office/stats/annual-report?year=2025&agency={world.agency.code}").get_data(as_text=True)
    assert 'data-errors="false"' in page
    assert "本年度共送达收费通知0件，收取信息处理费0元" in page  # the fee paragraph, from the fee records
