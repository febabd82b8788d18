"""Import of an office's existing cases (issue 25, item 4): the CLI, the checks, idempotency, the
due dates recomputed with the official calendar, and the annual report of the closing year.

The suite's today is 2026-11-10. Dates are real ones from the State Council's notices: 2025's
National Day and Mid-Autumn holiday ran 10/1-10/8 with make-up working days on Sunday 9/28 and
Saturday 10/11, so a request received on Friday 2025-09-26 is due on 2025-10-30.
"""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import sqlalchemy as sa

from caseapp.cases.importer import COLUMNS, template_csv
from caseapp.cases.models import Case
from caseapp.core.audit import AuditEvent
from tests.intake.portal_helpers import PDF

HEADERS = [c.header for c in COLUMNS]


def run(app, *args):
    return app.test_cli_runner().invoke(args=["caseapp", *args])


def row(**values) -> dict:
    base = {"申请编号": "SFJY-2025-000101", "收到申请日期": "2025-09-26", "申请渠道": "信函", "申请人类型": "自然人",
            "申请人姓名或名称": "张三", "证件类型": "居民身份证", "证件号码或统一社会信用代码": "11010519491231002X",
            "联系电话": "13800138000", "通信地址": "示范市人民路1号",
            "所需政府信息描述": "申请公开2025年示范市义务教育阶段学校招生入学工作实施意见。", "载体形式": "纸质",
            "获取方式": "邮寄", "办理状态": "已办结", "答复期限": "2025-10-30", "办理结果": "予以公开",
            "办结日期": "2025-10-20"}
    base.update(values)
    return base


def sheet(tmp_path, rows, headers=HEADERS, name="cases.csv") -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for r in rows:
        writer.writerow([r.get(h, "") for h in headers])
    path = tmp_path / name
    path.write_bytes(("\ufeff" + out.getvalue()).encode("utf-8"))
    return str(path)


def count_cases(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Case))


@pytest.fixture
def agency(make_agency):
    return make_agency("SFJY")


def test_dry_run_writes_nothing_then_import_is_idempotent(app, db, agency, tmp_path):
    path = sheet(tmp_path, [row(), row(**{"申请编号": "", "申请人姓名或名称": "李四",
                                          "证件号码或统一社会信用代码": "110101199003074258",
                                          "办理状态": "办理中", "办理结果": "", "办结日期": "", "答复期限": "",
                                          "收到申请日期": "2026-11-02"})])
    dry = run(app, "import-cases", path, "--agency", "SFJY", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "2 行中 2 行可以导入" in dry.output and count_cases(db) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "case.imported")) == 0

    first = run(app, "import-cases", path, "--agency", "SFJY")
    assert first.exit_code == 0, first.output
    assert "导入 2 行" in first.output and count_cases(db) == 2
    old = db.session.scalar(sa.select(Case).where(Case.tracking_number == "SFJY-2025-000101"))
    assert (old.received_on, old.status, old.outcome, old.closed_on) == (
        date(2025, 9, 26), "closed", "disclosed", date(2025, 10, 20))
    assert old.due_on == date(2025, 10, 30)
    new = db.session.scalar(sa.select(Case).where(Case.applicant_name == "李四"))
    assert new.tracking_number == "SFJY-2026-000001" and new.status == "in_progress"
    events = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.case_id == old.id)).all()
    assert events == ["case.imported"]  # one event per imported case

    second = run(app, "import-cases", path, "--agency", "SFJY")
    assert second.exit_code == 0, second.output
    assert "未导入任何申请：全部 2 行此前已导入" in second.output and count_cases(db) == 2


def test_receipt_older_than_a_year_only_through_the_import(app, db, agency, make_user, request_data, tmp_path):
    from caseapp.cases.operations import register_case
    from caseapp.core.errors import ValidationError

    with pytest.raises(ValidationError) as refused:
        register_case(agency, request_data, channel="post", received_on=date(2025, 9, 26),
                      actor=make_user("clerk", agency=agency))
    assert "received_on" in refused.value.errors
    db.session.rollback()
    result = run(app, "import-cases", sheet(tmp_path, [row()]), "--agency", "SFJY")
    assert result.exit_code == 0, result.output
    assert count_cases(db) == 1


def test_sheet_due_date_that_disagrees_is_flagged_and_recomputed(app, db, agency, tmp_path):
    # The sheet forgot the make-up Saturday and Sunday: it says 10/31; the calendar says 10/30.
    result = run(app, "import-cases", sheet(tmp_path, [row(**{"答复期限": "2025-10-31"})]), "--agency", "SFJY")
    assert result.exit_code == 0, result.output
    assert "第2行\t答复期限" in result.output and "2025-10-31" in result.output and "2025-10-30" in result.output
    case = db.session.scalar(sa.select(Case))
    assert case.due_on == date(2025, 10, 30)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "case.imported"))
    assert event.after["sheet_due_on"] == "2025-10-31" and event.after["due_on"] == "2025-10-30"


def test_extension_moves_the_recomputed_due_date(app, db, agency, tmp_path):
    result = run(app, "import-cases", sheet(tmp_path, [row(**{"延长答复期限（工作日）": "5", "答复期限": "2025-11-06",
                                                              "办结日期": "2025-11-05"})]), "--agency", "SFJY")
    assert result.exit_code == 0, result.output
    assert "提示" not in result.output
    assert db.session.scalar(sa.select(Case.due_on)) == date(2025, 11, 6)


def test_wrong_headers_write_nothing_at_all(app, db, agency, tmp_path):
    headers = [h if h != "办理状态" else "状态说明" for h in HEADERS]
    result = run(app, "import-cases", sheet(tmp_path, [row(**{"状态说明": "已办结"})], headers=headers),
                 "--agency", "SFJY")
    assert result.exit_code != 0
    assert "未知的列“状态说明”" in result.output and "缺少“办理状态”列" in result.output
    assert "表格已被拒绝" in result.output and count_cases(db) == 0


def test_bad_rows_are_named_and_nothing_is_written_for_them(app, db, agency, tmp_path):
    rows = [
        row(),
        row(**{"收到申请日期": "去年九月", "申请人姓名或名称": "王五"}),  # a date in words
        row(**{"申请人姓名或名称": "赵六"}),  # the number of row 2 again
        row(**{"申请编号": "SFJY-2025-000102", "办理结果": "已经答复了"}),  # unknown outcome
        row(**{"申请编号": "SFJY-2025-000103", "办理状态": "处理完毕"}),  # unknown status
        row(**{"申请编号": "SFJY-2025-000104", "办结日期": "2025年10月20日"}),  # a Chinese date is a date
    ]
    result = run(app, "import-cases", sheet(tmp_path, rows), "--agency", "SFJY")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "第3行\t收到申请日期\t“去年九月”不是日期" in out
    assert "第4行\t申请编号\t申请编号 SFJY-2025-000101 也出现在第2行" in out
    assert "第5行\t办理结果\t未知的办理结果“已经答复了”" in out
    assert "第6行\t办理状态\t未知的值“处理完毕”" in out
    numbers = set(db.session.scalars(sa.select(Case.tracking_number)))
    assert numbers == {"SFJY-2025-000101", "SFJY-2025-000104"}


def test_number_of_another_agency_is_refused(app, db, agency, make_agency, tmp_path):
    make_agency("QTJG")
    assert run(app, "import-cases", sheet(tmp_path, [row()]), "--agency", "QTJG").exit_code == 0
    result = run(app, "import-cases", sheet(tmp_path, [row()]), "--agency", "SFJY")
    assert "属于另一机关的申请" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case).where(Case.agency_id == agency.id)) == 0


def test_imported_number_moves_the_counter_on(app, db, agency, make_user, request_data, tmp_path):
    from caseapp.cases.operations import register_case

    imported = row(**{"申请编号": "SFJY-2026-000050", "收到申请日期": "2026-11-02", "办理状态": "办理中",
                      "办理结果": "", "办结日期": "", "答复期限": ""})
    assert run(app, "import-cases", sheet(tmp_path, [imported]), "--agency", "SFJY").exit_code == 0
    reg = register_case(agency, request_data, channel="post", received_on=date(2026, 11, 9),
                        actor=make_user("clerk", agency=agency))
    assert reg.case.tracking_number == "SFJY-2026-000051"


def test_imported_closed_cases_count_in_the_annual_report_of_their_closing_year(app, db, agency, tmp_path):
    from caseapp.stats.report import annual_report

    rows = [row(),  # received and closed in 2025
            row(**{"申请编号": "SFJY-2025-000190", "收到申请日期": "2025-12-15", "办结日期": "2026-01-09",
                   "答复期限": "", "办理结果": "部分公开", "申请人类型": "商业企业",
                   "申请人姓名或名称": "示范市某某科技有限公司", "证件类型": "",
                   "证件号码或统一社会信用代码": "91350100M000100Y43", "联系人": "李四"})]
    result = run(app, "import-cases", sheet(tmp_path, rows), "--agency", "SFJY")
    assert result.exit_code == 0, result.output
    r2025, r2026 = annual_report(2025, agency), annual_report(2026, agency)
    assert r2025.table3["disclosed"]["natural_person"] == 1
    assert r2025.table3["partially_disclosed"]["total"] == 0
    assert r2026.table3["partially_disclosed"]["commercial_enterprise"] == 1
    assert r2026.table3["carried_in"]["commercial_enterprise"] == 1  # open on 1 January 2026
    assert r2025.balanced and r2026.balanced


def test_letters_beside_the_sheet_are_attached(app, db, agency, tmp_path):
    from caseapp.cases.attachments import Attachment

    (tmp_path / "文书").mkdir()
    (tmp_path / "文书" / "答复书.pdf").write_bytes(PDF)
    rows = [row(**{"文书文件": "文书/答复书.pdf"}),
            row(**{"申请编号": "SFJY-2025-000102", "文书文件": "不存在.pdf；../cases.csv"})]
    result = run(app, "import-cases", sheet(tmp_path, rows), "--agency", "SFJY")
    assert result.exit_code == 0, result.output
    assert "第3行\t文书文件\t表格旁没有文件“不存在.pdf”" in result.output
    assert "“../cases.csv”" in result.output  # nothing outside the sheet's folder
    [att] = db.session.scalars(sa.select(Attachment)).all()
    assert att.original_name == "答复书.pdf" and att.content_type == "application/pdf"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "case.imported"))
    assert event.after["files"][0]["name"] == "答复书.pdf"


def test_xlsx_with_date_cells_and_english_headers(app, db, agency, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.append(["tracking_number", "received_on", "channel", "applicant_type", "applicant_name", "id_number", "phone",
               "description", "status"])
    ws.append(["SFJY-2024-000007", date(2024, 5, 6), "当面提交", "自然人", "张三", "11010519491231002X",
               13800138000, "申请公开2024年示范市城区学校学区划分方案。", "待受理"])
    path = tmp_path / "cases.xlsx"
    book.save(path)
    result = run(app, "import-cases", str(path), "--agency", "SFJY")
    assert result.exit_code == 0, result.output
    case = db.session.scalar(sa.select(Case))
    assert (case.received_on, case.status, case.phone, case.channel) == (
        date(2024, 5, 6), "submitted", "13800138000", "in_person")


def test_template_command_and_shipped_template_import_cleanly(app, db, agency, tmp_path):
    from pathlib import Path

    out = tmp_path / "template.csv"
    assert run(app, "import-template", str(out)).exit_code == 0
    assert out.read_bytes() == template_csv()
    shipped = Path(__file__).resolve().parents[2] / "docs" / "import-template.csv"
    assert shipped.read_bytes() == template_csv()
    (tmp_path / "SFJY-2025-000101答复书.pdf").write_bytes(PDF)
    result = run(app, "import-cases", str(out), "--agency", "SFJY", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "错误\t" not in result.output and "2 行中 2 行可以导入" in result.output


def test_withdrawn_cases_count_as_other(app, db, agency, tmp_path):
    rows = [row(**{"办理状态": "已撤回", "办理结果": "", "办结日期": "2025-10-09"}),
            row(**{"申请编号": "SFJY-2025-000102", "办理状态": "已撤回", "办理结果": "予以公开"})]
    result = run(app, "import-cases", sheet(tmp_path, rows), "--agency", "SFJY")
    assert "第3行\t办理结果\t已撤回的申请在年度报告中计入“其他”" in result.output
    case = db.session.scalar(sa.select(Case))
    assert (case.tracking_number, case.status, case.outcome, case.closed_on) == (
        "SFJY-2025-000101", "withdrawn", "other.other", date(2025, 10, 9))


def test_counter_of_the_numbers_year_moves_on(app, db, agency, make_user, request_data, tmp_path):
    """A number of 2026 on a request received in December 2025 still keeps 2026's numbers free."""
    from caseapp.cases.operations import register_case

    imported = row(**{"申请编号": "SFJY-2026-000007", "收到申请日期": "2025-12-31", "办理状态": "办理中",
                      "办理结果": "", "办结日期": "", "答复期限": ""})
    assert run(app, "import-cases", sheet(tmp_path, [imported]), "--agency", "SFJY").exit_code == 0
    reg = register_case(agency, request_data, channel="post", received_on=date(2026, 11, 9),
                        actor=make_user("clerk", agency=agency))
    assert reg.case.tracking_number == "SFJY-2026-000008"
