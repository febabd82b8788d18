"""Exports of the annual report (CSV, XLSX, DOCX, PDF) and streamed exports of long lists (CSV, XLSX).

Every `generate_*` returns bytes or an iterator of bytes; views only wrap them. CSV is UTF-8 with
a BOM (Excel then reads Chinese correctly) and every cell that a spreadsheet would read as a
formula (starting with = + - @, a tab or a carriage return) is prefixed with an apostrophe.
"""
from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator

from caseapp.stats.layout import (
    CHECK_LABEL,
    COLUMN_LABELS,
    TABLE3_TITLE,
    TABLE4_GROUPS,
    TABLE4_TITLE,
    Grid,
    check_row,
    report_heading,
    table3_grid,
    table3_row_keys,
    table4_grid,
)
from caseapp.stats.report import COLUMNS, TABLE4_COLUMNS, AnnualReport
from caseapp.stats.sheets import date_cell, fit_row_heights
from caseapp.reviews.models import KINDS as REVIEW_KINDS

BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def safe_cell(value):
    """A value as a spreadsheet should show it: text that would start a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class _Line:
    """A file-like that hands back what csv.writer wrote for one row."""

    def __init__(self):
        self.value = ""

    def write(self, text):
        self.value = text


def csv_lines(header: list[str], rows: Iterable[Iterable]) -> Iterator[bytes]:
    """UTF-8 CSV, BOM first, one encoded line at a time (constant memory), every cell made safe."""
    line = _Line()
    writer = csv.writer(line)
    writer.writerow([safe_cell(h) for h in header])
    yield (BOM + line.value).encode("utf-8")
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
        yield line.value.encode("utf-8")


def xlsx_stream(sheet_title: str, header: list[str], rows: Iterable[Iterable], chunk: int = 64 * 1024) -> Iterator[bytes]:
    """An XLSX of one sheet written row by row (openpyxl write-only mode) and streamed from a temporary file.

    Write-only mode keeps no rows in memory; the zip is assembled in a temporary file, which is
    then read back in chunks and removed. Dates and date-times are written as dates.
    """
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title)
    ws.append([safe_cell(h) for h in header])
    for row in rows:
        # Dates and times become real dates (sortable, filterable) with a visible format.
        ws.append([date_cell(ws, safe_cell(v)) for v in row])
    fd, path = tempfile.mkstemp(prefix="caseapp-export-", suffix=".xlsx")
    os.close(fd)
    try:
        wb.save(path)
        with open(path, "rb") as fh:
            while data := fh.read(chunk):
                yield data
    finally:
        os.unlink(path)


# --- the annual report -----------------------------------------------------------------------

def _table3_flat(report: AnnualReport) -> list[list]:
    rows = [["项目", *[COLUMN_LABELS[c] for c in COLUMNS]]]
    for key, label, section in table3_row_keys():
        prefix = "三、本年度办理结果 " if key not in ("received", "carried_in", "carried_out") else ""
        full = prefix + (f"{section} {label}" if section else label)
        rows.append([full, *[report.table3[key][c] for c in COLUMNS]])
    rows.append([CHECK_LABEL, *["相符" if ok else "不符" for _label, ok in check_row(report)]])
    return rows


def _table4_flat(report: AnnualReport) -> list[list]:
    from caseapp.stats.layout import RESULT_LABELS

    header = ["项目"]
    values = ["件数"]
    for kind in REVIEW_KINDS:
        group = TABLE4_GROUPS[kind] if kind == "reconsideration" else f"{TABLE4_GROUPS['litigation']}·{TABLE4_GROUPS[kind]}"
        for result in TABLE4_COLUMNS:
            header.append(f"{group}·{RESULT_LABELS[result]}")
            values.append(report.table4[kind][result])
    return [header, values]


def generate_report_csv(report: AnnualReport) -> bytes:
    """Both tables in one CSV (UTF-8 with BOM): Table 3 with its identity check, a blank line, Table 4."""
    t3 = _table3_flat(report)
    t4 = _table4_flat(report)
    rows = [[report_heading(report)], [TABLE3_TITLE], *t3[1:], [], [TABLE4_TITLE], *t4]
    return b"".join(csv_lines(t3[0], rows))


def _xlsx_grid(ws, grid: Grid, top: int, styles) -> int:
    """Write a grid at row `top` (1-based) with its merged cells; returns the next free row."""
    for cell in grid.cells:
        r, c = top + cell.row, 1 + cell.col
        target = ws.cell(row=r, column=c, value=cell.text)
        target.alignment = styles["center"] if cell.kind in ("head", "num", "corner") else styles["left"]
        target.font = styles["bold"] if cell.kind == "head" else styles["normal"]
        if cell.rowspan > 1 or cell.colspan > 1:
            ws.merge_cells(start_row=r, start_column=c, end_row=r + cell.rowspan - 1, end_column=c + cell.colspan - 1)
    for r in range(top, top + grid.rows):
        for c in range(1, grid.cols + 1):
            ws.cell(row=r, column=c).border = styles["border"]
    return top + grid.rows


def _a4_landscape(ws, last_col: int) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5


def generate_report_xlsx(report: AnnualReport) -> bytes:
    """The two tables as in the official form (merged headers), each sheet on one A4 landscape page."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin")
    styles = {
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "left": Alignment(horizontal="left", vertical="center", wrap_text=True),
        "bold": Font(name="SimSun", bold=True, size=10),
        "normal": Font(name="SimSun", size=10),
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
    }
    wb = Workbook()
    ws = wb.active
    ws.title = "表三"
    ws.cell(row=1, column=1, value=report_heading(report)).font = Font(name="SimSun", bold=True, size=12)
    ws.cell(row=2, column=1, value=TABLE3_TITLE).font = Font(name="SimSun", bold=True, size=12)
    grid = table3_grid(report)
    nxt = _xlsx_grid(ws, grid, 3, styles)
    ws.cell(row=nxt, column=1, value=CHECK_LABEL).alignment = styles["left"]
    ws.merge_cells(start_row=nxt, start_column=1, end_row=nxt, end_column=3)
    for i, (_label, ok) in enumerate(check_row(report)):
        ws.cell(row=nxt, column=4 + i, value="相符" if ok else "不符").alignment = styles["center"]
    for width, col in ((12, 1), (14, 2), (44, 3)):
        ws.column_dimensions[get_column_letter(col)].width = width
    for col in range(4, 11):
        ws.column_dimensions[get_column_letter(col)].width = 11
    ws.row_dimensions[3].height = 30
    fit_row_heights(ws, 3)
    _a4_landscape(ws, 10)
    ws.print_area = f"A1:J{nxt}"

    ws4 = wb.create_sheet("表四")
    ws4.cell(row=1, column=1, value=report_heading(report)).font = Font(name="SimSun", bold=True, size=12)
    ws4.cell(row=2, column=1, value=TABLE4_TITLE).font = Font(name="SimSun", bold=True, size=12)
    nxt4 = _xlsx_grid(ws4, table4_grid(report), 3, styles)
    for col in range(1, 16):
        ws4.column_dimensions[get_column_letter(col)].width = 9
    fit_row_heights(ws4, 3)
    _a4_landscape(ws4, 15)
    ws4.print_area = f"A1:O{nxt4 - 1}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _docx_grid(doc, grid: Grid):
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    table = doc.add_table(rows=grid.rows, cols=grid.cols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell in grid.cells:
        target = table.cell(cell.row, cell.col)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(table.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1))
        target.text = str(cell.text)
        for para in target.paragraphs:
            if cell.kind != "label":
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            for run in para.runs:
                run.font.size = Pt(8)
                run.font.bold = cell.kind == "head"
    _docx_keep_rows(table, grid.header_rows)
    return table


def _docx_keep_rows(table, header_rows: int) -> None:
    """The header rows repeat on every page the table runs onto (w:tblHeader) and no row breaks
    across pages (w:cantSplit): a row's numbers are read against its label and the header."""
    from docx.oxml import OxmlElement

    for index, row in enumerate(table.rows):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        if index < header_rows:
            tr_pr.append(OxmlElement("w:tblHeader"))


def generate_report_docx(report: AnnualReport) -> bytes:
    """The two tables as Word tables with the official merged cells, on A4 landscape pages."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(1.5)
    section.top_margin = section.bottom_margin = Cm(1.2)
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(9)
    doc.add_paragraph(report_heading(report)).runs[0].bold = True
    doc.add_paragraph(TABLE3_TITLE).runs[0].bold = True
    _docx_grid(doc, table3_grid(report))
    doc.add_paragraph(CHECK_LABEL + "：" + "；".join(
        f"{label}{'相符' if ok else '不符'}" for label, ok in check_row(report)))
    doc.add_page_break()
    doc.add_paragraph(TABLE4_TITLE).runs[0].bold = True
    _docx_grid(doc, table4_grid(report))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def generate_report_pdf(html: str) -> bytes:
    """Render the report's print HTML (templates/stats/report_pdf.html) to PDF with WeasyPrint."""
    from weasyprint import HTML

    out = io.BytesIO()
    HTML(string=html).write_pdf(out)
    return out.getvalue()
