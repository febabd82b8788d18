"""Table 2 (主动公开政府信息情况, issue 27 item 2): entered per agency and year on its page or from CSV,
with the official rows; every empty cell is a self-check error."""
from __future__ import annotations

from decimal import Decimal

import pytest

from caseapp.core.errors import TransitionError, ValidationError
from caseapp.stats.selfcheck import check_table2
from caseapp.stats.table2 import CELL_NAMES, TABLE2_LAYOUT, get_table2, save_table2
from tests.conftest import csrf_from
from tests.stats.matrix import TABLE2
from tests.stats.test_selfcheck import fill_table2, publish

CSV = """项目,数值
规章 本年制发件数,1
规章 本年废止件数,0
规章 现行有效件数,12
行政规范性文件 本年制发件数,3
行政规范性文件 本年废止件数,1
行政规范性文件 现行有效件数,20
行政许可 本年处理决定数量,"1,520"
行政处罚 本年处理决定数量,7
行政强制 本年处理决定数量,0
行政事业性收费 本年收费金额（单位：万元）,12.3456
"""


def test_the_official_rows():
    assert [b.article for b in TABLE2_LAYOUT.blocks] == ["第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项",
                                                         "第二十条第（八）项"]
    assert list(CELL_NAMES.values()) == [
        "规章 本年制发件数", "规章 本年废止件数", "规章 现行有效件数",
        "行政规范性文件 本年制发件数", "行政规范性文件 本年废止件数", "行政规范性文件 现行有效件数",
        "行政许可 本年处理决定数量", "行政处罚 本年处理决定数量", "行政强制 本年处理决定数量",
        "行政事业性收费 本年收费金额（单位：万元）"]


def test_csv_import(app, db, script, tmp_path):
    path = tmp_path / "table2.csv"
    path.write_text(CSV, encoding="utf-8-sig")
    out = app.test_cli_runner().invoke(args=["caseapp", "table2-import", str(path), "--agency", script.agency.code,
                                             "--year", "2025"])
    assert out.exit_code == 0, out.output
    assert "尚有0个单元格未填写" in out.output
    db.session.expire_all()
    entry = get_table2(2025, script.agency)
    assert entry.licensing_decisions == 1520 and entry.fees_amount == Decimal("12.3456")
    assert check_table2(2025, script.agency) == []


def test_csv_import_refuses_unknown_rows_and_bad_numbers(app, db, script, tmp_path):
    runner = app.test_cli_runner()
    path = tmp_path / "bad.csv"
    path.write_text("规章 本年制发件数,1\n主动公开文件,5\n", encoding="utf-8")
    out = runner.invoke(args=["caseapp", "table2-import", str(path), "--agency", script.agency.code, "--year", "2025"])
    assert out.exit_code != 0 and "主动公开文件" in out.output
    path.write_text("规章 本年制发件数,1.5\n行政事业性收费 本年收费金额（单位：万元）,-1\n", encoding="utf-8")
    out = runner.invoke(args=["caseapp", "table2-import", str(path), "--agency", script.agency.code, "--year", "2025"])
    assert out.exit_code != 0 and "整数" in out.output
    assert get_table2(2025, script.agency) is None


def test_partial_entry_leaves_cells_to_check(db, script):
    save_table2(script.agency, 2025, {"rules_made": "2"}, actor=None)
    assert len(check_table2(2025, script.agency)) == len(CELL_NAMES) - 1


def test_a_published_year_keeps_its_table2(db, script):
    fill_table2(script.agency, 2025)
    publish(script.supervisor, script.agency, 2025)
    with pytest.raises(TransitionError):
        save_table2(script.agency, 2025, {"rules_made": "9"}, actor=None)


def test_bad_values_are_named():
    from caseapp.stats.table2 import clean_table2

    with pytest.raises(ValidationError) as err:
        clean_table2({"rules_made": "两件", "fees_amount": "1.23456"})
    assert set(err.value.errors) == {"rules_made", "fees_amount"}


def test_entry_page(app, db, script, office):
    client = office(script.supervisor)
    url = f"/office/stats/annual-report/table2?year=2025&agency={script.agency.code}"
    page = client.get(url).get_data(as_text=True)
    assert "第二十条第（八）项" in page and "本年收费金额（单位：万元）" in page
    bad = client.post("/office/stats/annual-report/table2", data={
        "csrf_token": csrf_from(page), "year": "2025", "agency": script.agency.code, **TABLE2, "rules_made": "x"})
    assert bad.status_code == 422 and "请填写数字" in bad.get_data(as_text=True)
    ok = client.post("/office/stats/annual-report/table2", data={
        "csrf_token": csrf_from(page), "year": "2025", "agency": script.agency.code, **TABLE2})
    assert ok.status_code == 302
    db.session.rollback()
    assert get_table2(2025, script.agency).normative_in_force == 20
    report = client.get(ok.headers["Location"]).get_data(as_text=True)
    assert "表二已保存" in report and "主动公开政府信息情况" in report


def test_another_agency_is_not_found(app, db, script, office, make_user, make_agency):
    other_user, admin_user = make_user("supervisor", agency=make_agency()), make_user("admin", agency=None)
    other, admin = office(other_user), office(admin_user)
    assert other.get(f"/office/stats/annual-report/table2?year=2025&agency={script.agency.code}").status_code == 404
    assert admin.get("/office/stats/annual-report/table2?year=2025").status_code == 404  # which agency?
    assert admin.get(f"/office/stats/annual-report/table2?year=2025&agency={script.agency.code}").status_code == 200
