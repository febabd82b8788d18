"""Spreadsheets show every line and real dates (issue 22, item 6): the annual report's rows are as
tall as their wrapped text, and the list exports write dates as dates."""
from __future__ import annotations

import io
import math
import unicodedata
from datetime import date, datetime

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from caseapp.stats import exports
from caseapp.stats.report import annual_report
from caseapp.stats.sheets import line_count


def _units(text: str) -> float:
    # Independent of the code's estimate: a wide character is two width units, anything else one.
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def test_every_wrapped_cell_of_the_annual_report_has_room_for_all_its_lines(db, make_agency):
    report = annual_report(2026, make_agency("SFJY", "示范市教育局"))
    wb = load_workbook(io.BytesIO(exports.generate_report_xlsx(report)))
    checked, wrapped = 0, 0
    for ws in wb.worksheets:
        spans = {(m.min_row, m.min_col): (m.max_row, m.max_col) for m in ws.merged_cells.ranges}
        for row in ws.iter_rows(min_row=3):
            for cell in row:
                if not isinstance(cell.value, str) or not cell.alignment.wrap_text:
                    continue
                last_row, last_col = spans.get((cell.row, cell.column), (cell.row, cell.column))
                width = sum(ws.column_dimensions[get_column_letter(c)].width or 8.43
                            for c in range(cell.column, last_col + 1))
                lines = math.ceil(_units(cell.value) / (width - 1))
                heights = [ws.row_dimensions[r].height for r in range(cell.row, last_row + 1)]
                assert all(h for h in heights), f"{ws.title}!{cell.coordinate}: a row without a height"
                # A line of 10 pt text needs about 13 pt.
                assert sum(heights) >= lines * cell.font.sz * 1.3, (ws.title, cell.coordinate, cell.value, heights)
                checked += 1
                wrapped += lines > 1
    assert checked > 30 and wrapped >= 2  # e.g. 三、本年度办理结果 and （五）不予处理 in narrow columns


def test_line_count_wraps_chinese_at_about_half_the_latin_width():
    assert line_count("一二三四五", 11) == 1
    assert line_count("一二三四五六", 11) == 2
    assert line_count("0123456789", 12) == 1
    assert line_count("一\n二", 20) == 2


def test_list_exports_write_dates_as_dates(db):
    rows = [["SFJY-2026-000001", date(2026, 11, 2), datetime(2026, 11, 10, 10, 0, 5), "", "=1+1"]]
    data = b"".join(exports.xlsx_stream("cases", ["n", "received", "at", "empty", "text"], rows))
    ws = load_workbook(io.BytesIO(data)).active
    received, at, empty, text = ws["B2"], ws["C2"], ws["D2"], ws["E2"]
    assert received.is_date and received.value == datetime(2026, 11, 2) and received.number_format == "yyyy-mm-dd"
    assert at.is_date and at.value == datetime(2026, 11, 10, 10, 0, 5) and at.number_format == "yyyy-mm-dd hh:mm:ss"
    assert empty.value is None and text.value == "'=1+1"
    # The CSV keeps the ISO text.
    csv = b"".join(exports.csv_lines(["n", "received", "at", "empty", "text"], rows)).decode("utf-8-sig")
    assert "SFJY-2026-000001,2026-11-02,2026-11-10 10:00:05,," in csv


def test_the_annual_report_downloads_under_its_official_heading(client, db, make_agency, make_user):
    from urllib.parse import quote

    from caseapp.accounts.operations import create_token

    agency = make_agency("SFJY", "示范市教育局")
    token = create_token(make_user("auditor", agency=agency))
    db.session.commit()
    resp = client.get("/api/v1/stats/annual-report?year=2026&format=xlsx", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200
    value = resp.headers["Content-Disposition"]
    assert value.startswith('attachment; filename="annual-report-2026-SFJY.xlsx"'), value
    assert f"filename*=UTF-8''{quote('示范市教育局2026年度政府信息公开工作年度报告统计表.xlsx')}" in value
