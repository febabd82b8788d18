"""The official forms of Table 3 and Table 4 (国办公开办函〔2021〕30号) as grids of cells with spans.

One layout feeds every export (HTML/PDF, XLSX, DOCX, CSV), so the wording, the order and the
merged header cells are written once. The wording is the official Chinese, whatever the UI
language: the report is published as it is.
"""
from __future__ import annotations

from dataclasses import dataclass

from caseapp.cases.outcomes import OUTCOMES
from caseapp.stats.report import COLUMNS, TABLE4_COLUMNS, AnnualReport
from caseapp.reviews.models import KINDS as REVIEW_KINDS

TABLE3_TITLE = "收到和处理政府信息公开申请情况"
TABLE4_TITLE = "政府信息公开行政复议、行政诉讼情况"
CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
COLUMN_LABELS = {
    "natural_person": "自然人",
    "commercial_enterprise": "商业企业",
    "research_institution": "科研机构",
    "social_welfare_org": "社会公益组织",
    "legal_service_org": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}
SECTION_LABELS = {"三": "（三）不予公开", "四": "（四）无法提供", "五": "（五）不予处理", "六": "（六）其他处理"}
ROW_LABELS = {
    "received": "一、本年新收政府信息公开申请数量",
    "carried_in": "二、上年结转政府信息公开申请数量",
    "results": "三、本年度办理结果",
    "handled": "（七）总计",
    "carried_out": "四、结转下年度继续办理",
}
TABLE4_GROUPS = {
    "reconsideration": "行政复议",
    "litigation": "行政诉讼",
    "litigation_direct": "未经复议直接起诉",
    "litigation_after_reconsideration": "复议后起诉",
}
RESULT_LABELS = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结",
                 "total": "总计"}
CHECK_LABEL = "勾稽关系核对（一＋二＝（七）＋四）"


@dataclass(frozen=True)
class Cell:
    row: int
    col: int
    text: str | int
    rowspan: int = 1
    colspan: int = 1
    kind: str = "label"  # corner, head, label, num


@dataclass(frozen=True)
class Grid:
    rows: int
    cols: int
    cells: tuple[Cell, ...]
    header_rows: int

    def by_row(self) -> list[list[Cell]]:
        """Cells grouped by their top row, left to right (the HTML table order)."""
        out: list[list[Cell]] = [[] for _ in range(self.rows)]
        for cell in sorted(self.cells, key=lambda c: (c.row, c.col)):
            out[cell.row].append(cell)
        return out


def table3_row_keys() -> list[tuple[str, str, str | None]]:
    """(row key, label, section label or None) for every data row of Table 3, in the official order."""
    keys: list[tuple[str, str, str | None]] = [("received", ROW_LABELS["received"], None),
                                               ("carried_in", ROW_LABELS["carried_in"], None)]
    for outcome in OUTCOMES:
        keys.append((outcome.code, outcome.report_label, SECTION_LABELS.get(outcome.section)))
    keys.append(("handled", ROW_LABELS["handled"], None))
    keys.append(("carried_out", ROW_LABELS["carried_out"], None))
    return keys


def table3_grid(report: AnnualReport) -> Grid:
    """Table 3 as in the official form: 3 label columns, 7 data columns, 3 header rows."""
    cells = [
        Cell(0, 0, CORNER, rowspan=3, colspan=3, kind="corner"),
        Cell(0, 3, "申请人情况", colspan=7, kind="head"),
        Cell(1, 3, COLUMN_LABELS["natural_person"], rowspan=2, kind="head"),
        Cell(1, 4, "法人或其他组织", colspan=5, kind="head"),
        Cell(1, 9, COLUMN_LABELS["total"], rowspan=2, kind="head"),
    ]
    cells += [Cell(2, 4 + i, COLUMN_LABELS[c], kind="head") for i, c in enumerate(COLUMNS[1:6])]
    r = 3
    results_start = None
    section_start: dict[str, int] = {}
    for key, label, section in table3_row_keys():
        if key in ("received", "carried_in", "carried_out"):
            cells.append(Cell(r, 0, label, colspan=3))
        elif section is None:  # （一）, （二） and （七）: one label over the two inner columns
            results_start = r if results_start is None else results_start
            cells.append(Cell(r, 1, label, colspan=2))
        else:
            if section not in section_start:
                section_start[section] = r
            cells.append(Cell(r, 2, label))
        cells += [Cell(r, 3 + i, report.table3[key][c], kind="num") for i, c in enumerate(COLUMNS)]
        r += 1
    results_end = r - 2  # the row of （七）
    cells.append(Cell(results_start, 0, ROW_LABELS["results"], rowspan=results_end - results_start + 1))
    counts: dict[str, int] = {}
    for key, _label, section in table3_row_keys():
        if section:
            counts[section] = counts.get(section, 0) + 1
    for section, start in section_start.items():
        cells.append(Cell(start, 1, section, rowspan=counts[section]))
    return Grid(r, 10, tuple(cells), header_rows=3)


def table4_grid(report: AnnualReport) -> Grid:
    """Table 4 as in the official form: 3 header rows over one row of 15 numbers."""
    cells = [
        Cell(0, 0, TABLE4_GROUPS["reconsideration"], rowspan=2, colspan=5, kind="head"),
        Cell(0, 5, TABLE4_GROUPS["litigation"], colspan=10, kind="head"),
        Cell(1, 5, TABLE4_GROUPS["litigation_direct"], colspan=5, kind="head"),
        Cell(1, 10, TABLE4_GROUPS["litigation_after_reconsideration"], colspan=5, kind="head"),
    ]
    col = 0
    for kind in REVIEW_KINDS:
        for result in TABLE4_COLUMNS:
            cells.append(Cell(2, col, RESULT_LABELS[result], kind="head"))
            cells.append(Cell(3, col, report.table4[kind][result], kind="num"))
            col += 1
    return Grid(4, 15, tuple(cells), header_rows=3)


def check_row(report: AnnualReport) -> list[tuple[str, bool]]:
    """(column label, identity holds) for every column of Table 3."""
    return [(COLUMN_LABELS[c], report.column_balanced(c)) for c in COLUMNS]


def report_heading(report: AnnualReport) -> str:
    """The heading above the tables: the agency (or the platform) and the year."""
    who = report.agency.name if report.agency else "全部机关"
    return f"{who}{report.year}年度政府信息公开工作年度报告统计表"
